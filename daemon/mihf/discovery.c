// SPDX-License-Identifier: GPL-2.0
/* discovery: implementation in progress; see discovery.h */
#include "mihf/discovery.h"
