# SPDX-License-Identifier: GPL-2.0
#
# selftests/lib/pki.bash: test certificates, EC P-256 (quick under TCG),
# valid two days, made in the current directory with the openssl CLI.
#   pki_ca NAME                    NAME.key, NAME.pem: a self-signed CA
#   pki_cert NAME CA [MIHF-ID]     NAME.key, NAME.pem signed by CA, CN=NAME,
#                                  with subjectAltName URI:mihf:MIHF-ID if given
#                                  (the IS link's identity check)
pki_ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)

pki_ca() {
	openssl req -x509 "${pki_ec[@]}" -keyout "$1.key" -out "$1.pem" \
		-days 2 -subj "/CN=$1"
}

pki_cert() {
	openssl req "${pki_ec[@]}" -keyout "$1.key" -out "$1.csr" \
		-subj "/CN=$1" || return 1
	if [ -n "${3:-}" ]; then
		echo "subjectAltName=URI:mihf:$3" >"$1.ext"
	else
		: >"$1.ext"
	fi
	openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" \
		-CAcreateserial -out "$1.pem" -days 2 -extfile "$1.ext"
}
