// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: MIH server discovery's parsers (mihf/discovery.c).  Octet 0
 * of the input selects (mod 6), the rest is the payload:
 *  0  a DNS answer: mihf_dns_parse_naptr(), _srv(), _addrs() (A, AAAA)
 *  1  RFC 5678 DHCPv4 payloads: mihf_dhcp4_parse_mos_addr() and _fqdn()
 *  2  DHCPv6: mihf_dhcp6_parse_mos_addr() and _fqdn()
 *  3  text: mihf_dns_parse_naptr_service(), mihf_dhclient_value_decode()
 *  4  a dhclient lease file (through a memfd): mihf_dhclient_lease_read()
 *  5  dhclient-script environment (newline-separated values of the
 *     four MoS variables and new_expiry): mihf_dhclient_env_read()
 * Invariants: counts within the output array, names terminated, records
 * sorted as documented, a failing DHCP parser leaves the MoS state
 * unchanged, service lists within MIHF_MOS_*_MAX.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"

#include "mihf/discovery.h"

#define NREC	8

static struct mihf_mos mos, before;

static void check_mos(const struct mihf_mos *m)
{
	const struct mihf_mos_service *s[] = { &m->is, &m->cs, &m->es };

	for (int i = 0; i < 3; i++) {
		FUZZ_CHECK(s[i]->n_v4 <= MIHF_MOS_ADDRS_MAX);
		FUZZ_CHECK(s[i]->n_v6 <= MIHF_MOS_ADDRS_MAX);
		FUZZ_CHECK(s[i]->n_names <= MIHF_MOS_NAMES_MAX);
		for (size_t j = 0; j < s[i]->n_names; j++)
			FUZZ_CHECK(memchr(s[i]->names[j], '\0',
					  MIHF_DNS_NAME_MAX) != NULL);
	}
}

static void on_domain(const char *name, uint32_t services, void *arg)
{
	(void)services;
	FUZZ_CHECK(strlen(name) < MIHF_DNS_NAME_MAX);
	++*(int *)arg;
}

static void dhcp(int (*parse)(const uint8_t *, size_t, struct mihf_mos *),
		 const uint8_t *p, size_t len)
{
	int rc;

	before = mos;
	rc = parse(p, len, &mos);
	FUZZ_CHECK(rc == 0 || rc == -EBADMSG || rc == -E2BIG);
	if (rc)
		FUZZ_CHECK(!memcmp(&before, &mos, sizeof(mos)));
	check_mos(&mos);
}

/* mode 5: the values, one per line, for these names */
static const char *const env_names[] = {
	"new_mihsec_mos_ipv4", "new_mihsec_mos_fqdn",
	"new_dhcp6_mihsec_mos_ipv6", "new_dhcp6_mihsec_mos_fqdn",
	"new_expiry",
};
static char *env_vals[5];

static const char *fake_getenv(const char *name)
{
	for (size_t i = 0; i < 5; i++)
		if (!strcmp(name, env_names[i]))
			return env_vals[i];
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mihf_naptr naptr[NREC];
	static struct mihf_srv srv[NREC];
	struct sockaddr_storage ss[NREC];
	uint8_t *p, out[512];
	uint32_t ttl[NREC], services;
	bool udp, tcp;
	size_t len;
	int rc, n;

	if (size < 1)
		return 0;
	len = size - 1;
	p = fuzz_memdup(data + 1, len);
	mihf_mos_init(&mos);
	switch (data[0] % 6) {
	case 0:
		if (len > INT32_MAX)
			break;
		rc = mihf_dns_parse_naptr(p, (int)len, naptr, NREC);
		FUZZ_CHECK(rc <= NREC);
		for (int i = 0; i < rc; i++) {
			FUZZ_CHECK(memchr(naptr[i].replacement, '\0',
					  MIHF_DNS_NAME_MAX) != NULL);
			if (i)
				FUZZ_CHECK(naptr[i - 1].order <=
					   naptr[i].order);
		}
		rc = mihf_dns_parse_srv(p, (int)len, srv, NREC);
		FUZZ_CHECK(rc <= NREC);
		for (int i = 0; i < rc; i++) {
			FUZZ_CHECK(memchr(srv[i].target, '\0',
					  MIHF_DNS_NAME_MAX) != NULL);
			if (i)
				FUZZ_CHECK(srv[i - 1].priority <=
					   srv[i].priority);
		}
		rc = mihf_dns_parse_addrs(p, (int)len, AF_INET, ss, ttl,
					  NREC);
		FUZZ_CHECK(rc <= NREC);
		for (int i = 0; i < rc; i++)
			FUZZ_CHECK(ss[i].ss_family == AF_INET);
		rc = mihf_dns_parse_addrs(p, (int)len, AF_INET6, ss, ttl,
					  NREC);
		FUZZ_CHECK(rc <= NREC);
		for (int i = 0; i < rc; i++)
			FUZZ_CHECK(ss[i].ss_family == AF_INET6);
		break;
	case 1:
		dhcp(mihf_dhcp4_parse_mos_addr, p, len);
		dhcp(mihf_dhcp4_parse_mos_fqdn, p, len);
		n = 0;
		rc = mihf_mos_domains(&mos, on_domain, &n);
		FUZZ_CHECK(rc == n);
		break;
	case 2:
		dhcp(mihf_dhcp6_parse_mos_addr, p, len);
		dhcp(mihf_dhcp6_parse_mos_fqdn, p, len);
		n = 0;
		rc = mihf_mos_domains(&mos, on_domain, &n);
		FUZZ_CHECK(rc == n);
		break;
	case 3: {
		char *s = fuzz_strdup(p, len);

		rc = mihf_dns_parse_naptr_service(s, &services, &udp, &tcp);
		FUZZ_CHECK(rc == 0 || rc == -EINVAL);
		rc = mihf_dhclient_value_decode(s, out, sizeof(out));
		FUZZ_CHECK(rc == -EBADMSG || rc == -E2BIG ||
			   (rc >= 0 && (size_t)rc <= sizeof(out)));
		free(s);
		break;
	}
	case 4: {
		char path[64];
		int fd = memfd_create("lease", MFD_CLOEXEC);

		FUZZ_CHECK(fd >= 0);
		FUZZ_CHECK(write(fd, p, len) == (ssize_t)len);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		rc = mihf_dhclient_lease_read(path, &mos);
		FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EBADMSG ||
			   rc == -E2BIG);
		check_mos(&mos);
		close(fd);
		break;
	}
	case 5: {
		char *s = fuzz_strdup(p, len), *save = NULL, *tok;
		size_t i = 0;

		memset(env_vals, 0, sizeof(env_vals));
		for (tok = strtok_r(s, "\n", &save); tok && i < 5;
		     tok = strtok_r(NULL, "\n", &save))
			env_vals[i++] = tok;
		rc = mihf_dhclient_env_read(&mos, fake_getenv);
		FUZZ_CHECK(rc <= 0);
		check_mos(&mos);
		free(s);
		break;
	}
	}
	free(p);
	return 0;
}
