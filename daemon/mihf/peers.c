// SPDX-License-Identifier: GPL-2.0
/* peers: implementation in progress; see peers.h */
#include "mihf/peers.h"
