// SPDX-License-Identifier: GPL-2.0
/* proxy: implementation in progress; see proxy.h */
#include "mihf/proxy.h"
