// SPDX-License-Identifier: GPL-2.0
/* Names of the key sources (keysrc.h), for logs and mihsecctl peers */
#include "keys/keysrc.h"

const char *mihsec_key_src_name(enum mihsec_key_src src)
{
	switch (src) {
	case MIHSEC_SRC_WPA_SUPPLICANT:
		return "wpa_supplicant";
	case MIHSEC_SRC_HOSTAPD:
		return "hostapd";
	case MIHSEC_SRC_RADIUS:
		return "radius";
	case MIHSEC_SRC_MANUAL:
		return "manual";
	}
	return "unknown";
}
