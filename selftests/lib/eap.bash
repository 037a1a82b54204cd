# SPDX-License-Identifier: GPL-2.0
#
# selftests/lib/eap.bash: the wired EAP-PEAP/MSCHAPv2 set-up with RSN
# pre-authentication (hostapd driver=wired with its internal EAP server on
# the AR, wpa_supplicant -D wired on the MMT; user alice), as
# selftests/mihsecd_eap.sh and bench/compare/guest.sh use it.
#   eap_wired_conf DIR IF_AR CA CERT KEY HOSTAPD_CTRL WPAS_CTRL
#       writes DIR/eap_users, DIR/hostapd.conf (on IF_AR, server
#       certificate CERT/KEY, control sockets in HOSTAPD_CTRL) and
#       DIR/wpas.conf (trusts CA, control sockets in WPAS_CTRL)
eap_wired_conf() {
	local d=$1 ifa=$2 ca=$3 cert=$4 key=$5 hctl=$6 wctl=$7

	printf '"alice"\tPEAP\n"alice"\tMSCHAPV2\t"alice-secret"\t[2]\n' \
		>"$d/eap_users"
	cat >"$d/hostapd.conf" <<-EOF
	interface=$ifa
	driver=wired
	ctrl_interface=$hctl
	logger_stdout=-1
	logger_stdout_level=2
	ieee8021x=1
	eap_server=1
	eap_user_file=$d/eap_users
	ca_cert=$ca
	server_cert=$cert
	private_key=$key
	wpa=2
	wpa_key_mgmt=WPA-EAP
	rsn_pairwise=CCMP
	rsn_preauth=1
	rsn_preauth_interfaces=$ifa
	EOF
	cat >"$d/wpas.conf" <<-EOF
	ctrl_interface=$wctl
	ap_scan=0
	network={
		key_mgmt=NONE
		eap=PEAP
		identity="alice"
		password="alice-secret"
		phase2="auth=MSCHAPV2"
		ca_cert="$ca"
	}
	EOF
}
