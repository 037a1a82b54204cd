// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the mihsecd configuration file (mihsecd/config.c): valid
 * files, defaults, and every class of error with its exact line number and
 * message.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "mihf/transport.h"
#include "mihsecd/config.h"
#include "mihsecd/log.h"

FIXTURE(conf) {
	struct md_config *cfg;
	struct md_errors errs;
};

FIXTURE_SETUP(conf)
{
	self->cfg = NULL;
	memset(&self->errs, 0, sizeof(self->errs));
}

FIXTURE_TEARDOWN(conf)
{
	md_config_free(self->cfg);
	md_errors_clear(&self->errs);
}

static struct md_config *load_str(const char *text, struct md_errors *errs)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct md_config *c;

	if (!f)
		return NULL;
	c = md_config_load("t.conf", f, errs);
	fclose(f);
	return c;
}

#define LOAD(text) do {							\
	md_config_free(self->cfg);					\
	md_errors_clear(&self->errs);					\
	self->cfg = load_str((text), &self->errs);			\
} while (0)

static void dump_errs(struct __test_metadata *_metadata,
		      const struct md_errors *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		TH_LOG("error %zu: %s", i, e->msg[i]);
}

/* @text must fail with exactly the one message @msg */
#define BAD(text, want) do {						\
	LOAD(text);							\
	ASSERT_EQ(NULL, self->cfg);					\
	EXPECT_EQ(1, (int)self->errs.n) { dump_errs(_metadata, &self->errs); }	\
	if (self->errs.n >= 1)						\
		EXPECT_STREQ((want), self->errs.msg[0]);			\
} while (0)

#define BASE "[mihsecd]\nroles = mmt\nmihf-id = mn1\n"

TEST_F(conf, minimal_and_defaults)
{
	LOAD(BASE);
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(0, (int)self->errs.n);
	EXPECT_EQ(MD_ROLE_MMT, (int)self->cfg->roles);
	EXPECT_EQ(3, (int)self->cfg->mihf_id_len);
	EXPECT_EQ(0, memcmp("mn1", self->cfg->mihf_id, 3));
	EXPECT_EQ(MD_LOG_INFO, self->cfg->log_level);
	EXPECT_EQ(MD_PROFILE_V1, (int)self->cfg->profile);
	EXPECT_EQ(MIHSEC_SUITE_AES128_GCM, (int)self->cfg->suite);
	EXPECT_EQ(4551, (int)self->cfg->port);
	EXPECT_EQ(MD_KERNEL_REQUIRE, (int)self->cfg->kernel);
	EXPECT_EQ(0, (int)self->cfg->npeers);
	EXPECT_STREQ("t.conf", self->cfg->path);
}

TEST_F(conf, full_file)
{
	char buf[64];

	LOAD("\xef\xbb\xbf# comment\n"
	     "; another comment\n"
	     "\n"
	     "  [ mihsecd ]   ; trailing comment\n"
	     "roles = poa,is\n"
	     "mihf-id=ar-1.example.net\n"
	     "log-level = debug\n"
	     "profile = paper\n"
	     "suite = 4\n"
	     "port = 14551\n"
	     "kernel = optional ; no module needed\n"
	     "[peer is1]\n"
	     "mihf-id = is1.example.net\n"
	     "address = 2001:db8::10\n"
	     "\t[peer mn_2.x-y]\n"
	     "   address  =   192.0.2.7   \n"
	     "mihf-id = mn2\n"
	     "port = 4552\n"
	     "[is-link]\ncert = /c\nkey = /k\nca = /a\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(MD_ROLE_POA | MD_ROLE_IS, (int)self->cfg->roles);
	EXPECT_STREQ("poa,is", md_roles_str(self->cfg->roles, buf,
					    sizeof(buf)));
	EXPECT_EQ(MD_LOG_DEBUG, self->cfg->log_level);
	EXPECT_EQ(MD_PROFILE_PAPER, (int)self->cfg->profile);
	EXPECT_EQ(4, (int)self->cfg->suite);
	EXPECT_EQ(14551, (int)self->cfg->port);
	EXPECT_EQ(MD_KERNEL_OPTIONAL, (int)self->cfg->kernel);
	ASSERT_EQ(2, (int)self->cfg->npeers);
	EXPECT_STREQ("is1", self->cfg->peers[0].name);
	EXPECT_EQ(AF_INET6, self->cfg->peers[0].family);
	EXPECT_STREQ("2001:db8::10", md_peer_addr_str(&self->cfg->peers[0],
						      buf, sizeof(buf)));
	EXPECT_EQ(14551, (int)self->cfg->peers[0].port);	/* inherited */
	EXPECT_EQ(12, self->cfg->peers[0].line);
	EXPECT_STREQ("mn_2.x-y", self->cfg->peers[1].name);
	EXPECT_EQ(AF_INET, self->cfg->peers[1].family);
	EXPECT_STREQ("192.0.2.7", md_peer_addr_str(&self->cfg->peers[1],
						   buf, sizeof(buf)));
	EXPECT_EQ(3, (int)self->cfg->peers[1].mihf_id_len);
	EXPECT_EQ(4552, (int)self->cfg->peers[1].port);
	EXPECT_EQ(15, self->cfg->peers[1].line);
}

TEST_F(conf, every_role_and_separator)
{
	LOAD("[mihsecd]\nroles = is  mmt,poa\nmihf-id = x\n"
	     "[is-link]\ncert = /c\nkey = /k\nca = /a\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(MD_ROLE_MMT | MD_ROLE_POA | MD_ROLE_IS, (int)self->cfg->roles);
}

TEST_F(conf, crlf_line_ends)
{
	LOAD("[mihsecd]\r\nroles = mmt\r\nmihf-id = a\r\nport = 9\r\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(9, (int)self->cfg->port);
	EXPECT_EQ(1, (int)self->cfg->mihf_id_len);
}

TEST_F(conf, boundaries_accepted)
{
	char text[600];
	char id[MIHSEC_MIHF_ID_MAX + 1];

	memset(id, 'i', MIHSEC_MIHF_ID_MAX);
	id[MIHSEC_MIHF_ID_MAX] = '\0';
	snprintf(text, sizeof(text),
		 "[mihsecd]\nroles=mmt\nmihf-id=%s\nport=1\nsuite=1\n", id);
	LOAD(text);
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(MIHSEC_MIHF_ID_MAX, (int)self->cfg->mihf_id_len);
	EXPECT_EQ(1, (int)self->cfg->port);
	LOAD(BASE "port = 65535\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(65535, (int)self->cfg->port);
	LOAD(BASE "[peer abcdefghijabcdefghijabcdefghij12]\nmihf-id=p\naddress=::1\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
}

TEST_F(conf, missing_file)
{
	self->cfg = md_config_load("/nonexistent/mihsecd.conf", NULL,
				   &self->errs);
	ASSERT_EQ(NULL, self->cfg);
	ASSERT_EQ(1, (int)self->errs.n);
	EXPECT_STREQ("/nonexistent/mihsecd.conf: cannot open: No such file or directory",
		     self->errs.msg[0]);
}

TEST_F(conf, real_file)
{
	char path[] = "/tmp/mihsecd-conf-XXXXXX";
	int fd = mkstemp(path);
	char want[128];

	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(BASE "port=\n"),
		  write(fd, BASE "port=\n", strlen(BASE "port=\n")));
	close(fd);
	self->cfg = md_config_load(path, NULL, &self->errs);
	unlink(path);
	ASSERT_EQ(NULL, self->cfg);
	ASSERT_EQ(1, (int)self->errs.n);
	snprintf(want, sizeof(want), "%s:4: port: empty value", path);
	EXPECT_STREQ(want, self->errs.msg[0]);
}

TEST_F(conf, syntax_errors)
{
	BAD(BASE "\njust words\n",
	    "t.conf:5: expected 'key = value', '[section]' or a comment");
	BAD(BASE "[peer a\n",
	    "t.conf:4: section header without closing ']'");
	BAD(BASE "[peer a] x\nmihf-id = a\naddress = ::1\n",
	    "t.conf:4: unexpected text after ']'");
	BAD("roles = mmt\n" BASE,
	    "t.conf:1: key 'roles' outside of any section");
	BAD(BASE "mihf-id = a\n", "t.conf:4: duplicate key 'mihf-id' (first on line 3)");
}

TEST_F(conf, line_numbers_count_every_line)
{
	/* comments, blank lines and sections all count */
	BAD("# 1\n\n;3\n[mihsecd]\n  \nroles = mmt\nmihf-id = m\n\n[peer a]\nmihf-id=p\naddress=::1\nfoo = 1\n",
	    "t.conf:12: unknown key 'foo' in [peer a]");
}

TEST_F(conf, section_errors)
{
	BAD(BASE "[mihsec]\n", "t.conf:4: unknown section [mihsec]");
	BAD(BASE "[peer]\n", "t.conf:4: unknown section [peer]");
	BAD(BASE "[peer a/b]\n",
	    "t.conf:4: invalid peer name 'a/b' (1-32 characters of A-Z a-z 0-9 . _ -)");
	BAD(BASE "[peer abcdefghijabcdefghijabcdefghij123]\n",
	    "t.conf:4: invalid peer name 'abcdefghijabcdefghijabcdefghij123' (1-32 characters of A-Z a-z 0-9 . _ -)");
	BAD(BASE "[mihsecd]\n",
	    "t.conf:4: duplicate section [mihsecd] (first on line 1)");
	BAD(BASE "[peer a]\nmihf-id=p\naddress=::1\n[peer a]\n",
	    "t.conf:7: duplicate peer 'a' (first on line 4)");
	/* keys of a rejected section are not reported again */
	BAD(BASE "[other]\nx = 1\ny = 2\n", "t.conf:4: unknown section [other]");
	BAD("", "t.conf: missing section [mihsecd]");
}

TEST_F(conf, key_errors)
{
	BAD(BASE "colour = blue\n", "t.conf:4: unknown key 'colour' in [mihsecd]");
	BAD(BASE "port = 1\nport = 2\n",
	    "t.conf:5: duplicate key 'port' (first on line 4)");
	BAD(BASE "suite =\n", "t.conf:4: suite: empty value");
	BAD("[mihsecd]\nmihf-id = m\n",
	    "t.conf:1: [mihsecd]: missing required key 'roles'");
	BAD("[mihsecd]\nroles = is\n[is-link]\ncert = /c\nkey = /k\nca = /a\n",
	    "t.conf:1: [mihsecd]: missing required key 'mihf-id'");
	BAD(BASE "[peer a]\naddress = ::1\n",
	    "t.conf:4: [peer a]: missing required key 'mihf-id'");
	BAD(BASE "[peer a]\nmihf-id = p\n[peer b]\nmihf-id = q\naddress = ::2\n",
	    "t.conf:4: [peer a]: missing required key 'address'");
}

TEST_F(conf, value_errors)
{
	BAD(BASE "port = 0\n", "t.conf:4: port: '0' is not an integer in 1..65535");
	BAD(BASE "port = 65536\n",
	    "t.conf:4: port: '65536' is not an integer in 1..65535");
	BAD(BASE "port = -1\n", "t.conf:4: port: '-1' is not an integer in 1..65535");
	BAD(BASE "port = 0x10\n",
	    "t.conf:4: port: '0x10' is not an integer in 1..65535");
	BAD(BASE "port = 99999999999999999999\n",
	    "t.conf:4: port: '99999999999999999999' is not an integer in 1..65535");
	BAD(BASE "suite = 0\n", "t.conf:4: suite: '0' is not an integer in 1..4");
	BAD(BASE "suite = 5\n", "t.conf:4: suite: '5' is not an integer in 1..4");
	BAD(BASE "log-level = verbose\n",
	    "t.conf:4: log-level: 'verbose' is not one of error, warning, notice, info, debug");
	BAD(BASE "profile = v2\n",
	    "t.conf:4: profile: 'v2' is not one of v1, paper");
	BAD(BASE "kernel = maybe\n",
	    "t.conf:4: kernel: 'maybe' is not one of require, optional");
	BAD("[mihsecd]\nroles = mmt, ap\nmihf-id = m\n",
	    "t.conf:2: roles: unknown role 'ap' (expected mmt, poa or is)");
	BAD("[mihsecd]\nroles = mmt,poa,mmt\nmihf-id = m\n",
	    "t.conf:2: roles: 'mmt' listed twice");
	BAD("[mihsecd]\nroles = ,\nmihf-id = m\n", "t.conf:2: roles: no role given");
	BAD("[mihsecd]\nroles = mmt\nmihf-id = a b\n",
	    "t.conf:3: mihf-id: character 2 is not printable ASCII (spaces and control characters are not allowed)");
	BAD("[mihsecd]\nroles = mmt\nmihf-id = ab\x01\n",
	    "t.conf:3: mihf-id: character 3 is not printable ASCII (spaces and control characters are not allowed)");
	BAD(BASE "[peer a]\nmihf-id = p\naddress = 10.0.0.256\n",
	    "t.conf:6: address: '10.0.0.256' is not an IPv4 or IPv6 address");
	BAD(BASE "[peer a]\nmihf-id = p\naddress = host.example\n",
	    "t.conf:6: address: 'host.example' is not an IPv4 or IPv6 address");
	BAD(BASE "[peer a]\nmihf-id = p\naddress = ::1\nport = 65536\n",
	    "t.conf:7: port: '65536' is not an integer in 1..65535");
}

/* The key manager's settings: lifetimes, terminal names, peer kinds */
TEST_F(conf, key_settings)
{
	LOAD(BASE);
	ASSERT_NE(NULL, self->cfg);
	EXPECT_STREQ(MD_CONTROL_DEFAULT, self->cfg->control);
	EXPECT_EQ(0U, self->cfg->sa_lifetime);
	EXPECT_EQ(0U, self->cfg->sa_soft_lifetime);
	EXPECT_EQ(30U, self->cfg->grace);
	EXPECT_EQ(3600U, self->cfg->is_lifetime);
	EXPECT_FALSE(self->cfg->mmt_id_from_mac);

	LOAD("[mihsecd]\nroles = poa\nmihf-id = ar1\n"
	     "control-socket = /run/m.sock\nsa-lifetime = 7200\n"
	     "sa-soft-lifetime = 6000\ngrace = 0\nis-key-lifetime = 60\n"
	     "mmt-id-from-mac = yes\n"
	     "[peer t1]\nkind = mmt\nmihf-id = mmt1\nmac = 02:00:00:00:00:01\n"
	     "[peer is]\nkind = is\nmihf-id = is1\naddress = 10.0.0.9\n"
	     "[peer ar2]\nmihf-id = ar2\naddress = 10.0.0.2\n"
	     "mac = 02-00-00-00-00-0A\n"
	     "[is-link]\ncert = /c\nkey = /k\nca = /a\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_STREQ("/run/m.sock", self->cfg->control);
	EXPECT_EQ(7200U, self->cfg->sa_lifetime);
	EXPECT_EQ(6000U, self->cfg->sa_soft_lifetime);
	EXPECT_EQ(0U, self->cfg->grace);
	EXPECT_EQ(60U, self->cfg->is_lifetime);
	EXPECT_TRUE(self->cfg->mmt_id_from_mac);
	ASSERT_EQ(3, (int)self->cfg->npeers);
	EXPECT_EQ(MD_PEER_MMT, (int)self->cfg->peers[0].kind);
	EXPECT_TRUE(self->cfg->peers[0].has_mac);
	EXPECT_EQ(1, self->cfg->peers[0].mac[5]);
	EXPECT_EQ(0, self->cfg->peers[0].family);	/* no address */
	EXPECT_EQ(MD_PEER_IS, (int)self->cfg->peers[1].kind);
	EXPECT_FALSE(self->cfg->peers[1].has_mac);
	EXPECT_EQ(MD_PEER_POA, (int)self->cfg->peers[2].kind);	/* default */
	EXPECT_EQ(0x0a, self->cfg->peers[2].mac[5]);

	BAD(BASE "sa-lifetime = 10\nsa-soft-lifetime = 11\n",
	    "t.conf:5: sa-soft-lifetime: 11 is beyond sa-lifetime 10");
	BAD(BASE "grace = 3601\n", "t.conf:4: grace: '3601' is not an integer in 0..3600");
	BAD(BASE "sa-lifetime = -1\n",
	    "t.conf:4: sa-lifetime: '-1' is not an integer in 0..4294967295");
	BAD(BASE "mmt-id-from-mac = 1\n",
	    "t.conf:4: mmt-id-from-mac: '1' is not one of yes, no");
	BAD(BASE "control-socket = run/x\n",
	    "t.conf:4: control-socket: 'run/x' is not an absolute path of at most 107 characters");
	BAD(BASE "profile = paper\n",
	    "t.conf:4: profile paper allows suite 4 only (set suite = 4)");
	BAD(BASE "[peer a]\nkind = ar\nmihf-id = p\naddress = ::1\n",
	    "t.conf:5: kind: 'ar' is not one of poa, is, mmt");
	BAD(BASE "[peer a]\nkind = mmt\nmihf-id = p\n",
	    "t.conf:4: [peer a]: kind mmt needs 'mac' (how its key is found)");
	BAD(BASE "[peer a]\nmihf-id = p\naddress = ::1\nmac = 02:00:00:00:00\n",
	    "t.conf:7: mac: '02:00:00:00:00' is not a MAC address (aa:bb:cc:dd:ee:ff)");
	BAD(BASE "[peer a]\nmihf-id = p\naddress = ::1\nmac = 02:00-00:00:00:01\n",
	    "t.conf:7: mac: '02:00-00:00:00:01' is not a MAC address (aa:bb:cc:dd:ee:ff)");
	BAD(BASE "[peer a]\nmihf-id = p\naddress = ::1\nmac = 0x:00:00:00:00:01\n",
	    "t.conf:7: mac: '0x:00:00:00:00:01' is not a MAC address (aa:bb:cc:dd:ee:ff)");
}

/* A terminal with a key source per link: [wpa_supplicant] more than once */
TEST_F(conf, several_wpa_supplicant_sections)
{
	LOAD(BASE "[wpa_supplicant]\nctrl-interface = /run/w/wlan0\n"
	     "[wpa_supplicant]\nctrl-interface = /run/w/eth0\n"
	     "preauth = 02:00:00:00:00:0a\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	ASSERT_EQ(2U, self->cfg->nwpa);
	EXPECT_EQ(4, self->cfg->wpa[0].line);
	EXPECT_STREQ("/run/w/wlan0", self->cfg->wpa[0].ctrl);
	EXPECT_FALSE(self->cfg->wpa[0].preauth);
	EXPECT_EQ(-1, self->cfg->wpa[0].network_id);
	EXPECT_EQ(6, self->cfg->wpa[1].line);
	EXPECT_STREQ("/run/w/eth0", self->cfg->wpa[1].ctrl);
	EXPECT_TRUE(self->cfg->wpa[1].preauth);
	EXPECT_EQ(-1, self->cfg->wpa[1].network_id);

	/* each section needs its own socket; keys are per section */
	BAD(BASE "[wpa_supplicant]\nctrl-interface = /w\n"
	    "[wpa_supplicant]\nctrl-interface = /w\n",
	    "t.conf:6: [wpa_supplicant]: ctrl-interface '/w' is also the one of the section on line 4");
	BAD(BASE "[wpa_supplicant]\nctrl-interface = /w\n"
	    "[wpa_supplicant]\nnetwork-id = 1\n",
	    "t.conf:6: [wpa_supplicant]: missing required key 'ctrl-interface'");
	BAD(BASE "[wpa_supplicant]\nctrl-interface = /a\n"
	    "[wpa_supplicant]\nctrl-interface = /b\n"
	    "[wpa_supplicant]\nctrl-interface = /c\n"
	    "[wpa_supplicant]\nctrl-interface = /d\n"
	    "[wpa_supplicant]\nctrl-interface = /e\n",
	    "t.conf:12: more than 4 [wpa_supplicant] sections");
}

/* The key sources' sections */
TEST_F(conf, key_source_sections)
{
	LOAD("[mihsecd]\nroles = mmt,poa\nmihf-id = x1\n"
	     "[wpa_supplicant]\nctrl-interface = /run/wpa_supplicant/eth0\n"
	     "network-id = 2\npreauth = 02:00:00:00:00:0a\n"
	     "[hostapd]\nctrl-interface = /run/hostapd/eth1\ninterface = eth1\n"
	     "mac = 02:00:00:00:00:0b\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(4, self->cfg->wpa[0].line);
	EXPECT_STREQ("/run/wpa_supplicant/eth0", self->cfg->wpa[0].ctrl);
	EXPECT_EQ(2, self->cfg->wpa[0].network_id);
	EXPECT_TRUE(self->cfg->wpa[0].preauth);
	EXPECT_EQ(0x0a, self->cfg->wpa[0].preauth_aa[5]);
	EXPECT_EQ(8, self->cfg->hostapd.line);
	EXPECT_STREQ("/run/hostapd/eth1", self->cfg->hostapd.ctrl);
	EXPECT_STREQ("eth1", self->cfg->hostapd.ifname);
	EXPECT_TRUE(self->cfg->hostapd.has_mac);

	LOAD(BASE "[wpa_supplicant]\nctrl-interface = /w\n");
	ASSERT_NE(NULL, self->cfg);
	EXPECT_EQ(-1, self->cfg->wpa[0].network_id);
	EXPECT_FALSE(self->cfg->wpa[0].preauth);
	EXPECT_EQ(0, self->cfg->hostapd.line);

	BAD(BASE "[wpa_supplicant]\nnetwork-id = 1\n",
	    "t.conf:4: [wpa_supplicant]: missing required key 'ctrl-interface'");
	BAD(BASE "[hostapd]\nctrl-interface = /h\n",
	    "t.conf:4: [hostapd] is an access router's key source: it needs role poa");
	BAD("[mihsecd]\nroles = poa\nmihf-id = a\n[wpa_supplicant]\nctrl-interface = /w\n",
	    "t.conf:4: [wpa_supplicant] is a terminal's key source: it needs role mmt");
	BAD("[mihsecd]\nroles = poa\nmihf-id = a\n[hostapd]\nctrl-interface = /w\n[hostapd]\n",
	    "t.conf:6: duplicate section [hostapd] (first on line 4)");
	BAD(BASE "[wpa_supplicant]\nctrl-interface = w\n",
	    "t.conf:5: ctrl-interface: 'w' is not an absolute path of at most 107 characters");
	BAD(BASE "[wpa_supplicant]\nctrl-interface = /w\nnetwork-id = -1\n",
	    "t.conf:6: network-id: '-1' is not an integer in 0..2147483647");
	BAD(BASE "[wpa_supplicant]\nctrl-interface = /w\npreauth = x\n",
	    "t.conf:6: preauth: 'x' is not a MAC address (aa:bb:cc:dd:ee:ff)");
	BAD(BASE "[wpa_supplicant]\nctrl-interface = /w\nssid = x\n",
	    "t.conf:6: unknown key 'ssid' in [wpa_supplicant]");
	BAD("[mihsecd]\nroles = poa\nmihf-id = a\n[hostapd]\nctrl-interface = /h\n"
	    "interface = a/b\n",
	    "t.conf:6: interface: 'a/b' is not an interface name");
}

TEST_F(conf, radius_and_is_link_sections)
{
	LOAD("[mihsecd]\nroles = poa\nmihf-id = ar1\n"
	     "[radius]\nlisten = 127.0.0.1:1812\nserver = [::1]:18120\n"
	     "secret-file = /etc/mihsec/radius.secret\nar-mac = 02:00:00:00:00:0a\n"
	     "[is-link]\ncert = /c.pem\nkey = /k.pem\nca = /ca.pem\nport = 4600\n"
	     "[peer is]\nkind = is\nmihf-id = is1\naddress = 10.0.0.9\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_STREQ("127.0.0.1:1812", self->cfg->radius.listen);
	EXPECT_STREQ("[::1]:18120", self->cfg->radius.server);
	EXPECT_STREQ("/etc/mihsec/radius.secret", self->cfg->radius.secret_file);
	EXPECT_STREQ("", self->cfg->radius.server_secret_file);
	EXPECT_TRUE(self->cfg->radius.has_ar_mac);
	EXPECT_STREQ("/c.pem", self->cfg->islink.cert);
	EXPECT_EQ(4600, self->cfg->islink.port);

	LOAD("[mihsecd]\nroles = is\nmihf-id = is1\n"
	     "[is-link]\ncert = /c\nkey = /k\nca = /a\nlisten = ::\n"
	     "mmt-address = 192.0.2.9\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(4551, self->cfg->islink.port);
	EXPECT_STREQ("::", self->cfg->islink.listen);
	EXPECT_EQ(AF_INET, self->cfg->islink.mmt_family);

	BAD("[mihsecd]\nroles = is\nmihf-id = is1\n",
	    "t.conf:2: role is needs an [is-link] section (the ARs push keys over it)");
	BAD("[mihsecd]\nroles = poa\nmihf-id = a\n[peer is]\nkind = is\nmihf-id = i\naddress = ::1\n",
	    "t.conf:4: [peer is]: an access router pushes keys to an IS server over [is-link], which is missing");
	BAD(BASE "[radius]\nlisten = 127.0.0.1:1\nserver = 127.0.0.1:2\nsecret-file = /s\n",
	    "t.conf:4: [radius] is an access router's key source: it needs role poa");
	BAD("[mihsecd]\nroles = poa\nmihf-id = a\n[radius]\nlisten = 127.0.0.1:1\nserver = 127.0.0.1:2\n",
	    "t.conf:4: [radius]: missing required key 'secret-file'");
#define RAD "[mihsecd]\nroles = poa\nmihf-id = a\n[radius]\nsecret-file = /s\n"
	BAD(RAD "listen = localhost:1812\nserver = 127.0.0.1:2\n",
	    "t.conf:6: listen: 'localhost:1812' is not ADDRESS:PORT (numeric; [IPv6]:PORT)");
	BAD(RAD "listen = 127.0.0.1:1\nserver = 127.0.0.1:0\n",
	    "t.conf:7: server: '127.0.0.1:0' is not ADDRESS:PORT (numeric; [IPv6]:PORT)");
	BAD(RAD "listen = 127.0.0.1:1\nserver = [::1:2\n",
	    "t.conf:7: server: '[::1:2' is not ADDRESS:PORT (numeric; [IPv6]:PORT)");
#undef RAD
	BAD("[mihsecd]\nroles = poa\nmihf-id = a\n[is-link]\ncert = /c\nkey = /k\n",
	    "t.conf:4: [is-link]: missing required key 'ca'");
	BAD(BASE "[is-link]\ncert = /c\nkey = /k\nca = /a\n",
	    "t.conf:4: [is-link] needs role poa or is");
	BAD("[mihsecd]\nroles = is\nmihf-id = a\n[is-link]\ncert = c\nkey = /k\nca = /a\n",
	    "t.conf:5: cert: 'c' is not an absolute path of at most 107 characters");
	BAD("[mihsecd]\nroles = is\nmihf-id = a\n[is-link]\ncert = /c\nkey = /k\nca = /a\nmmt-address = x\n",
	    "t.conf:8: mmt-address: 'x' is not an IPv4 or IPv6 address");
}

TEST_F(conf, id_too_long)
{
	char text[600];
	char id[MIHSEC_MIHF_ID_MAX + 2];

	memset(id, 'i', MIHSEC_MIHF_ID_MAX + 1);
	id[MIHSEC_MIHF_ID_MAX + 1] = '\0';
	snprintf(text, sizeof(text), "[mihsecd]\nroles=mmt\nmihf-id=%s\n", id);
	BAD(text, "t.conf:3: mihf-id: 254 characters, at most 253 allowed");
}

TEST_F(conf, identity_conflicts)
{
	BAD(BASE "[peer a]\nmihf-id = mn1\naddress = ::1\n",
	    "t.conf:5: mihf-id: peer 'a' has this daemon's own mihf-id");
	BAD(BASE "[peer a]\nmihf-id = p\naddress = ::1\n"
	    "[peer b]\naddress = ::2\nmihf-id = p\n",
	    "t.conf:9: mihf-id: peer 'b' has the same mihf-id as peer 'a' (line 5)");
}

TEST_F(conf, long_and_nul_lines)
{
	char *text = malloc(MD_LINE_MAX + 100);

	ASSERT_NE(NULL, text);
	/* exactly MD_LINE_MAX characters: fine (a comment) */
	strcpy(text, BASE "#");
	memset(text + strlen(text), 'c', MD_LINE_MAX - 1);
	strcpy(text + strlen(BASE) + MD_LINE_MAX, "\n");
	LOAD(text);
	EXPECT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	/* one more: rejected, and the next line still counts right */
	strcpy(text, BASE "#");
	memset(text + strlen(text), 'c', MD_LINE_MAX);
	strcpy(text + strlen(BASE) + MD_LINE_MAX + 1, "\nbogus\n");
	LOAD(text);
	ASSERT_EQ(NULL, self->cfg);
	ASSERT_EQ(2, (int)self->errs.n) { dump_errs(_metadata, &self->errs); }
	EXPECT_STREQ("t.conf:4: line too long (more than 1024 characters)",
		     self->errs.msg[0]);
	EXPECT_STREQ("t.conf:5: expected 'key = value', '[section]' or a comment",
		     self->errs.msg[1]);
	free(text);

	{
		static const char nul[] = BASE "port = 1\0 2\nport = 3\n";
		FILE *f = fmemopen((void *)nul, sizeof(nul) - 1, "r");

		ASSERT_NE(NULL, f);
		md_errors_clear(&self->errs);
		self->cfg = md_config_load("t.conf", f, &self->errs);
		fclose(f);
		ASSERT_EQ(NULL, self->cfg);
		ASSERT_EQ(1, (int)self->errs.n) { dump_errs(_metadata, &self->errs); }
		EXPECT_STREQ("t.conf:4: NUL character in line",
			     self->errs.msg[0]);
	}
}

TEST_F(conf, all_errors_reported_in_one_pass)
{
	LOAD("[mihsecd]\n"		/* 1 */
	     "roles = mmt, foo\n"	/* 2 */
	     "port = 70000\n"		/* 3 */
	     "junk line\n"		/* 4 */
	     "[peer x y]\n"		/* 5 */
	     "[peer p]\n"		/* 6 */
	     "mihf-id = bad id\n");	/* 7 */
	ASSERT_EQ(NULL, self->cfg);
	ASSERT_EQ(7, (int)self->errs.n) { dump_errs(_metadata, &self->errs); }
	EXPECT_STREQ("t.conf:2: roles: unknown role 'foo' (expected mmt, poa or is)",
		     self->errs.msg[0]);
	EXPECT_STREQ("t.conf:3: port: '70000' is not an integer in 1..65535",
		     self->errs.msg[1]);
	EXPECT_STREQ("t.conf:4: expected 'key = value', '[section]' or a comment",
		     self->errs.msg[2]);
	EXPECT_STREQ("t.conf:5: invalid peer name 'x y' (1-32 characters of A-Z a-z 0-9 . _ -)",
		     self->errs.msg[3]);
	EXPECT_STREQ("t.conf:7: mihf-id: character 4 is not printable ASCII (spaces and control characters are not allowed)",
		     self->errs.msg[4]);
	EXPECT_STREQ("t.conf:6: [peer p]: missing required key 'address'",
		     self->errs.msg[5]);
	EXPECT_STREQ("t.conf:1: [mihsecd]: missing required key 'mihf-id'",
		     self->errs.msg[6]);
}

TEST_F(conf, error_count_is_capped)
{
	size_t len = strlen(BASE) + 80 * 12 + 1;
	char *text = malloc(len), *p;
	int i;

	ASSERT_NE(NULL, text);
	p = text + sprintf(text, BASE);
	for (i = 0; i < 80; i++)
		p += sprintf(p, "bad%d = 1\n", i);
	LOAD(text);
	free(text);
	ASSERT_EQ(NULL, self->cfg);
	EXPECT_EQ(MD_ERRORS_MAX, (int)self->errs.n);
	EXPECT_EQ(80 - MD_ERRORS_MAX, (int)self->errs.dropped);
	EXPECT_STREQ("t.conf:4: unknown key 'bad0' in [mihsecd]",
		     self->errs.msg[0]);
}

TEST_F(conf, equal)
{
	struct md_errors e2 = { 0 };
	struct md_config *b;

	LOAD(BASE "[peer a]\nmihf-id=p\naddress=::1\n");
	ASSERT_NE(NULL, self->cfg);
	b = load_str("# moved down a line\n" BASE
		     "[peer a]\naddress=::1\nmihf-id=p\n", &e2);
	ASSERT_NE(NULL, b);
	EXPECT_TRUE(md_config_equal(self->cfg, b));
	md_config_free(b);
	b = load_str(BASE "[peer a]\nmihf-id=p\naddress=::2\n", &e2);
	ASSERT_NE(NULL, b);
	EXPECT_FALSE(md_config_equal(self->cfg, b));
	md_config_free(b);
	b = load_str(BASE "log-level = debug\n[peer a]\nmihf-id=p\naddress=::1\n",
		     &e2);
	ASSERT_NE(NULL, b);
	EXPECT_FALSE(md_config_equal(self->cfg, b));
	md_config_free(b);
	md_errors_clear(&e2);
}

/* ---- The MIH function: [mihf], [isdb], [discovery], [proxy] ---------- */

TEST_F(conf, mihf_absent_means_off)
{
	LOAD(BASE);
	ASSERT_NE(NULL, self->cfg);
	EXPECT_EQ(0, self->cfg->mihf.line);
	EXPECT_FALSE(md_mihf_enabled(self->cfg));
	EXPECT_EQ(0, self->cfg->isdb.line);
	EXPECT_EQ(0, self->cfg->discovery.line);
	EXPECT_EQ(0, self->cfg->proxy.line);
}

TEST_F(conf, mihf_defaults)
{
	LOAD(BASE "port = 14551\n[mihf]\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(5, self->cfg->mihf.line);
	EXPECT_TRUE(self->cfg->mihf.enable);
	EXPECT_TRUE(md_mihf_enabled(self->cfg));
	EXPECT_STREQ("", self->cfg->mihf.listen);
	EXPECT_EQ(14551, (int)self->cfg->mihf.port);	/* [mihsecd] port */
	EXPECT_EQ(500U, self->cfg->mihf.rtx_ms[1]);
	EXPECT_EQ(500U, self->cfg->mihf.rtx_ms[2]);
	EXPECT_EQ(100U, self->cfg->mihf.rtx_ms[3]);
	EXPECT_EQ(1000U, self->cfg->mihf.rtx_ms[4]);
	EXPECT_EQ(2U, self->cfg->mihf.retries);
	EXPECT_EQ(30U, self->cfg->mihf.dup_secs);
	EXPECT_EQ(60U, self->cfg->mihf.keepalive_secs);
	EXPECT_FALSE(self->cfg->mihf.tcp);
	EXPECT_EQ((size_t)MIHX_DGRAM_DEFAULT, self->cfg->mihf.max_dgram);
	EXPECT_EQ(0, (int)self->cfg->mihf.nifs);
	EXPECT_EQ(-70, self->cfg->mihf.signal_dbm);
	EXPECT_STREQ("", self->cfg->mihf.handover_script);
	EXPECT_EQ(MD_DISCOVER_STATIC, (int)self->cfg->mihf.discover);
	EXPECT_STREQ("static", md_discover_name(self->cfg->mihf.discover));
	/* the port default follows [mihsecd] port wherever it stands */
	LOAD("[mihf]\n" BASE "port = 4000\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(4000, (int)self->cfg->mihf.port);
}

TEST_F(conf, mihf_every_key)
{
	LOAD(BASE
	     "[mihf]\n"
	     "enable = no\n"
	     "listen = 10.0.0.1\n"
	     "port = 4600\n"
	     "rtx-service-mgmt = 300\n"
	     "rtx-event = 400\n"
	     "rtx-command = 50\n"
	     "rtx-information = 2000\n"
	     "retries = 5\n"
	     "duplicate-cache = 90\n"
	     "keepalive = 0\n"
	     "tcp = yes\n"
	     "max-datagram = 1400\n"
	     "interfaces = wlan0, eth1 veth-mmt\n"
	     "wifi-signal-threshold = -75\n"
	     "handover-script = /usr/lib/mihsec/ho.sh\n"
	     "discover = multicast\n"
	     "network-handover = refuse\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_FALSE(self->cfg->mihf.enable);
	EXPECT_FALSE(md_mihf_enabled(self->cfg));
	EXPECT_STREQ("10.0.0.1", self->cfg->mihf.listen);
	EXPECT_EQ(4600, (int)self->cfg->mihf.port);
	EXPECT_EQ(300U, self->cfg->mihf.rtx_ms[1]);
	EXPECT_EQ(400U, self->cfg->mihf.rtx_ms[2]);
	EXPECT_EQ(50U, self->cfg->mihf.rtx_ms[3]);
	EXPECT_EQ(2000U, self->cfg->mihf.rtx_ms[4]);
	EXPECT_EQ(5U, self->cfg->mihf.retries);
	EXPECT_EQ(90U, self->cfg->mihf.dup_secs);
	EXPECT_EQ(0U, self->cfg->mihf.keepalive_secs);
	EXPECT_TRUE(self->cfg->mihf.tcp);
	EXPECT_EQ(1400U, self->cfg->mihf.max_dgram);
	ASSERT_EQ(3, (int)self->cfg->mihf.nifs);
	EXPECT_STREQ("wlan0", self->cfg->mihf.ifs[0]);
	EXPECT_STREQ("eth1", self->cfg->mihf.ifs[1]);
	EXPECT_STREQ("veth-mmt", self->cfg->mihf.ifs[2]);
	EXPECT_EQ(-75, self->cfg->mihf.signal_dbm);
	EXPECT_STREQ("/usr/lib/mihsec/ho.sh", self->cfg->mihf.handover_script);
	EXPECT_EQ(MD_DISCOVER_MULTICAST, (int)self->cfg->mihf.discover);
	EXPECT_TRUE(self->cfg->mihf.refuse_net_ho);

	LOAD(BASE "[mihf]\nlisten = ::1\ndiscover = none\nkeepalive = 120\n"
	     "retries = 0\nrtx-event = 1\nrtx-information = 60000\n"
	     "max-datagram = 64\nwifi-signal-threshold = -1\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_STREQ("::1", self->cfg->mihf.listen);
	EXPECT_EQ(MD_DISCOVER_NONE, (int)self->cfg->mihf.discover);
	EXPECT_FALSE(self->cfg->mihf.refuse_net_ho);	/* default accept */
	EXPECT_EQ(120U, self->cfg->mihf.keepalive_secs);
	EXPECT_EQ(0U, self->cfg->mihf.retries);
	EXPECT_EQ(1U, self->cfg->mihf.rtx_ms[2]);
	EXPECT_EQ(60000U, self->cfg->mihf.rtx_ms[4]);
	EXPECT_EQ(64U, self->cfg->mihf.max_dgram);
	EXPECT_EQ(-1, self->cfg->mihf.signal_dbm);
}

TEST_F(conf, mihf_value_errors)
{
#define M BASE "[mihf]\n"
	BAD(M "enable = 1\n", "t.conf:5: enable: '1' is not one of yes, no");
	BAD(M "listen = any\n",
	    "t.conf:5: listen: 'any' is not an IPv4 or IPv6 address");
	BAD(M "port = 0\n", "t.conf:5: port: '0' is not an integer in 1..65535");
	BAD(M "rtx-service-mgmt = 0\n",
	    "t.conf:5: rtx-service-mgmt: '0' is not an integer in 1..60000");
	BAD(M "rtx-event = 60001\n",
	    "t.conf:5: rtx-event: '60001' is not an integer in 1..60000");
	BAD(M "rtx-command = 1.5\n",
	    "t.conf:5: rtx-command: '1.5' is not an integer in 1..60000");
	BAD(M "rtx-information = -1\n",
	    "t.conf:5: rtx-information: '-1' is not an integer in 1..60000");
	BAD(M "retries = 17\n", "t.conf:5: retries: '17' is not an integer in 0..16");
	BAD(M "duplicate-cache = 0\n",
	    "t.conf:5: duplicate-cache: '0' is not an integer in 1..3600");
	BAD(M "keepalive = 121\n",
	    "t.conf:5: keepalive: '121' is not an integer in 0..120");
	BAD(M "tcp = maybe\n", "t.conf:5: tcp: 'maybe' is not one of yes, no");
	BAD(M "max-datagram = 63\n",
	    "t.conf:5: max-datagram: '63' is not an integer in 64..65443");
	BAD(M "max-datagram = 65444\n",
	    "t.conf:5: max-datagram: '65444' is not an integer in 64..65443");
	BAD(M "interfaces = eth0 a/b\n",
	    "t.conf:5: interfaces: 'a/b' is not an interface name");
	BAD(M "interfaces = abcdefghijklmnop\n",
	    "t.conf:5: interfaces: 'abcdefghijklmnop' is not an interface name");
	BAD(M "interfaces = eth0,eth1,eth0\n",
	    "t.conf:5: interfaces: 'eth0' listed twice");
	BAD(M "interfaces = a b c d e f g h i j k l m n o p q\n",
	    "t.conf:5: interfaces: more than 16 interfaces");
	BAD(M "interfaces = ,\n", "t.conf:5: interfaces: no interface given");
	BAD(M "wifi-signal-threshold = 70\n",
	    "t.conf:5: wifi-signal-threshold: '70' is not a level in dBm from -120 to -1");
	BAD(M "wifi-signal-threshold = -121\n",
	    "t.conf:5: wifi-signal-threshold: '-121' is not a level in dBm from -120 to -1");
	BAD(M "wifi-signal-threshold = -0\n",
	    "t.conf:5: wifi-signal-threshold: '-0' is not a level in dBm from -120 to -1");
	BAD(M "handover-script = ho.sh\n",
	    "t.conf:5: handover-script: 'ho.sh' is not an absolute path of at most 107 characters");
	BAD(M "discover = dns\n",
	    "t.conf:5: discover: 'dns' is not one of none, static, multicast");
	BAD(M "network-handover = maybe\n",
	    "t.conf:5: network-handover: 'maybe' is not one of accept, refuse");
	BAD(M "colour = red\n", "t.conf:5: unknown key 'colour' in [mihf]");
	BAD(M "retries = 1\nretries = 2\n",
	    "t.conf:6: duplicate key 'retries' (first on line 5)");
	BAD(M "[mihf]\n", "t.conf:5: duplicate section [mihf] (first on line 4)");
#undef M
}

TEST_F(conf, mihf_serving_pos_and_is_server)
{
#define T "[mihsecd]\nroles = mmt\nmihf-id = mn1\n"			\
	"[peer ar1]\nmihf-id = ar1\naddress = 10.0.0.1\n"		\
	"[peer ar2]\nmihf-id = ar2\naddress = 10.0.1.1\n"		\
	"[peer is1]\nkind = is\nmihf-id = is1\naddress = 10.0.2.1\n"	\
	"[mihf]\n"
	LOAD(T);
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(0, self->cfg->mihf.serving_pos);	/* the first poa */
	EXPECT_EQ(2, self->cfg->mihf.is_server);	/* the first is */
	LOAD(T "serving-pos = ar2\nis-server = is1\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(1, self->cfg->mihf.serving_pos);
	EXPECT_EQ(2, self->cfg->mihf.is_server);
	/* [mihf] before the peers is fine */
	LOAD("[mihsecd]\nroles = mmt\nmihf-id = mn1\n[mihf]\nserving-pos = b\n"
	     "[peer a]\nmihf-id = a\naddress = ::1\n"
	     "[peer b]\nmihf-id = b\naddress = ::2\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(1, self->cfg->mihf.serving_pos);
	LOAD(BASE "[mihf]\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(-1, self->cfg->mihf.serving_pos);
	EXPECT_EQ(-1, self->cfg->mihf.is_server);

	BAD(T "serving-pos = ar3\n", "t.conf:15: serving-pos: no [peer ar3]");
	BAD(T "serving-pos = is1\n",
	    "t.conf:15: serving-pos: [peer is1] is of kind is, not poa");
	BAD(T "is-server = ar1\n",
	    "t.conf:15: is-server: [peer ar1] is of kind poa, not is");
	BAD(T "is-server = a/b\n", "t.conf:15: is-server: 'a/b' is not a peer name");
	BAD("[mihsecd]\nroles = poa\nmihf-id = x\n[peer a]\nmihf-id = a\naddress = ::1\n"
	    "[mihf]\nserving-pos = a\n",
	    "t.conf:8: serving-pos: a terminal's setting: it needs role mmt");
#undef T
}

TEST_F(conf, mihf_cross_checks)
{
	BAD("[mihsecd]\nroles = poa\nmihf-id = ar\n[mihf]\nhandover-script = /h\n",
	    "t.conf:5: handover-script runs on a terminal's link switch: it needs role mmt");
	BAD("[mihsecd]\nroles = poa\nmihf-id = ar\n[mihf]\nnetwork-handover = accept\n",
	    "t.conf:5: network-handover: a terminal's setting: it needs role mmt");
	/* MIH over TCP on the IS link's port of an IS server */
	BAD("[mihsecd]\nroles = is\nmihf-id = is\n"
	    "[is-link]\ncert = /c\nkey = /k\nca = /a\n"
	    "[mihf]\ntcp = yes\n",
	    "t.conf:9: tcp: TCP port 4551 is this IS server's [is-link] port; set [is-link] port or [mihf] port apart");
	LOAD("[mihsecd]\nroles = is\nmihf-id = is\n"
	     "[is-link]\ncert = /c\nkey = /k\nca = /a\nport = 4552\n"
	     "[mihf]\ntcp = yes\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_TRUE(self->cfg->mihf.tcp);
}

#define IS_BASE "[mihsecd]\nroles = is\nmihf-id = is1\n"		\
	"[is-link]\ncert = /c\nkey = /k\nca = /a\n[mihf]\n"

TEST_F(conf, isdb_section)
{
	LOAD(IS_BASE);
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(0, self->cfg->isdb.line);
	EXPECT_EQ(MD_ISDB_SQLITE, (int)self->cfg->isdb.backend);
	EXPECT_STREQ(MD_ISDB_DEFAULT_PATH, self->cfg->isdb.path);

	LOAD(IS_BASE "[isdb]\nbackend = sqlite\npath = /tmp/is.db\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(9, self->cfg->isdb.line);
	EXPECT_STREQ("/tmp/is.db", self->cfg->isdb.path);
	EXPECT_STREQ("sqlite", md_isdb_backend_name(self->cfg->isdb.backend));

	LOAD(IS_BASE "[isdb]\nbackend = postgresql\n"
	     "conninfo = host=127.0.0.1 port=5433 dbname=isdb user=mihsec\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(MD_ISDB_POSTGRESQL, (int)self->cfg->isdb.backend);
	EXPECT_STREQ("host=127.0.0.1 port=5433 dbname=isdb user=mihsec",
		     self->cfg->isdb.conninfo);
	EXPECT_STREQ("postgresql", md_isdb_backend_name(self->cfg->isdb.backend));

	BAD(IS_BASE "[isdb]\nbackend = mysql\n",
	    "t.conf:10: backend: 'mysql' is not one of sqlite, postgresql");
	BAD(IS_BASE "[isdb]\npath = is.db\n",
	    "t.conf:10: path: 'is.db' is not an absolute path of at most 107 characters");
	BAD(IS_BASE "[isdb]\nbackend = postgresql\n",
	    "t.conf:9: [isdb]: backend postgresql needs 'conninfo'");
	BAD(IS_BASE "[isdb]\nbackend = postgresql\nconninfo = dbname=x\npath = /x\n",
	    "t.conf:12: path: only for backend sqlite (postgresql takes 'conninfo')");
	BAD(IS_BASE "[isdb]\nconninfo = dbname=x\n",
	    "t.conf:10: conninfo: only for backend postgresql (sqlite takes 'path')");
	BAD(IS_BASE "[isdb]\nuser = x\n", "t.conf:10: unknown key 'user' in [isdb]");
	BAD(BASE "[mihf]\n[isdb]\npath = /x\n",
	    "t.conf:5: [isdb] is an information server's database (or an access router's, to find target PoSes): it needs role is or poa");
	/* an access router may look target PoSes up in it */
	LOAD("[mihsecd]\nroles = poa\nmihf-id = ar1\n[mihf]\n[isdb]\npath = /x\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_STREQ("/x", self->cfg->isdb.path);
	BAD("[mihsecd]\nroles = is\nmihf-id = is1\n"
	    "[is-link]\ncert = /c\nkey = /k\nca = /a\n[isdb]\npath = /x\n",
	    "t.conf:8: [isdb] is served by the MIH function: it needs a [mihf] section");
	{
		char text[1200];
		char info[MD_CONNINFO_MAX + 1];

		memset(info, 'x', MD_CONNINFO_MAX);
		info[MD_CONNINFO_MAX] = '\0';
		snprintf(text, sizeof(text),
			 IS_BASE "[isdb]\nbackend = postgresql\nconninfo = %s\n",
			 info);
		BAD(text, "t.conf:11: conninfo: longer than 511 characters");
	}
}

TEST_F(conf, discovery_section)
{
	char buf[64];

	LOAD(BASE "[mihf]\n[discovery]\ndns-domain = example.net.\n"
	     "dns-server = 127.0.0.1:5353\n"
	     "dhcp-lease = /var/lib/dhcp/dhclient.eth0.leases\n"
	     "dhcp6-lease = /var/lib/dhcp/dhclient6.eth0.leases\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_STREQ("example.net.", self->cfg->discovery.dns_domain);
	do {
		struct sockaddr_in *s4 =
			(struct sockaddr_in *)&self->cfg->discovery.dns_server;

		EXPECT_EQ(AF_INET, s4->sin_family);
		EXPECT_EQ(5353, ntohs(s4->sin_port));
		EXPECT_STREQ("127.0.0.1", inet_ntop(AF_INET, &s4->sin_addr,
						    buf, sizeof(buf)));
	} while (0);
	EXPECT_STREQ("/var/lib/dhcp/dhclient.eth0.leases",
		     self->cfg->discovery.dhcp_lease);
	EXPECT_STREQ("/var/lib/dhcp/dhclient6.eth0.leases",
		     self->cfg->discovery.dhcp6_lease);

	/* a server without port: 53; IPv6 with and without */
	LOAD(BASE "[mihf]\n[discovery]\ndns-domain = a.b\ndns-server = ::1\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	do {
		struct sockaddr_in6 *s6 =
			(struct sockaddr_in6 *)&self->cfg->discovery.dns_server;

		EXPECT_EQ(AF_INET6, s6->sin6_family);
		EXPECT_EQ(53, ntohs(s6->sin6_port));
	} while (0);
	LOAD(BASE "[mihf]\n[discovery]\ndns-domain = a.b\ndns-server = [2001:db8::1]:53000\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(53000, ntohs(((struct sockaddr_in6 *)
				&self->cfg->discovery.dns_server)->sin6_port));
	LOAD(BASE "[mihf]\n[discovery]\ndns-domain = a.b\ndns-server = 10.1.2.3\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(53, ntohs(((struct sockaddr_in *)
			     &self->cfg->discovery.dns_server)->sin_port));

#define V BASE "[mihf]\n[discovery]\n"
	BAD(V "dns-domain = a..b\n", "t.conf:6: dns-domain: 'a..b' is not a domain name");
	BAD(V "dns-domain = a b\n", "t.conf:6: dns-domain: 'a b' is not a domain name");
	BAD(V "dns-domain = .\n", "t.conf:6: dns-domain: '.' is not a domain name");
	BAD(V "dns-domain = a.b\ndns-server = ns.example\n",
	    "t.conf:7: dns-server: 'ns.example' is not ADDRESS[:PORT] (numeric; [IPv6]:PORT)");
	BAD(V "dns-domain = a.b\ndns-server = 10.0.0.1:0\n",
	    "t.conf:7: dns-server: '10.0.0.1:0' is not ADDRESS[:PORT] (numeric; [IPv6]:PORT)");
	BAD(V "dns-domain = a.b\ndns-server = [::1]\n",
	    "t.conf:7: dns-server: '[::1]' is not ADDRESS[:PORT] (numeric; [IPv6]:PORT)");
	BAD(V "dns-server = 10.0.0.1\n",
	    "t.conf:6: dns-server: without 'dns-domain' there is nothing to ask it");
	BAD(V "dhcp-lease = leases\n",
	    "t.conf:6: dhcp-lease: 'leases' is not an absolute path of at most 107 characters");
	BAD(V "dhcp6-lease = x\n",
	    "t.conf:6: dhcp6-lease: 'x' is not an absolute path of at most 107 characters");
	BAD(V "dns = x\n", "t.conf:6: unknown key 'dns' in [discovery]");
#undef V
	BAD(BASE "[discovery]\ndns-domain = a.b\n",
	    "t.conf:4: [discovery] fills the MIH function's peer table: it needs a [mihf] section");
	{
		char text[600], name[80];

		memset(name, 'a', 64);
		name[64] = '\0';
		snprintf(text, sizeof(text),
			 BASE "[mihf]\n[discovery]\ndns-domain = %s.net\n", name);
		BAD(text, "t.conf:6: dns-domain: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.net' is not a domain name");
		name[63] = '\0';
		snprintf(text, sizeof(text),
			 BASE "[mihf]\n[discovery]\ndns-domain = %s.net\n", name);
		LOAD(text);
		EXPECT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	}
}

#define AR_BASE "[mihsecd]\nroles = poa\nmihf-id = ar1\n[mihf]\n"

TEST_F(conf, proxy_section)
{
	char buf[64];

	LOAD(AR_BASE "[proxy]\ninterface = wlan0\nudp-port = 4552\n"
	     "upstream = 192.0.2.1\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(5, self->cfg->proxy.line);
	EXPECT_STREQ("wlan0", self->cfg->proxy.ifname);
	EXPECT_EQ(4552, (int)self->cfg->proxy.udp_port);
	do {
		struct sockaddr_in *s4 =
			(struct sockaddr_in *)&self->cfg->proxy.upstream;

		EXPECT_EQ(AF_INET, s4->sin_family);
		EXPECT_EQ(4551, ntohs(s4->sin_port));	/* default */
		EXPECT_STREQ("192.0.2.1", inet_ntop(AF_INET, &s4->sin_addr,
						    buf, sizeof(buf)));
	} while (0);
	/* the proxy alone (no [mihf]): its own port may be 4551 */
	LOAD("[mihsecd]\nroles = poa\nmihf-id = ar1\n"
	     "[proxy]\ninterface = eth0\nupstream = [2001:db8::2]:14551\n"
	     "udp-port = 4551\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(4551, (int)self->cfg->proxy.udp_port);
	EXPECT_EQ(14551, ntohs(((struct sockaddr_in6 *)
				&self->cfg->proxy.upstream)->sin6_port));
	/* defaults: an ephemeral port, no upstream */
	LOAD(AR_BASE "[proxy]\ninterface = eth0\n");
	ASSERT_NE(NULL, self->cfg) { dump_errs(_metadata, &self->errs); }
	EXPECT_EQ(0, (int)self->cfg->proxy.udp_port);
	EXPECT_EQ(0, self->cfg->proxy.upstream.ss_family);

	BAD(AR_BASE "[proxy]\nupstream = 10.0.0.1\nudp-port = 4552\n",
	    "t.conf:5: [proxy]: missing required key 'interface'");
	BAD(AR_BASE "[proxy]\ninterface = eth0/1\nupstream = 10.0.0.1\nudp-port = 4552\n",
	    "t.conf:6: interface: 'eth0/1' is not an interface name");
	BAD(AR_BASE "[proxy]\ninterface = eth0\nupstream = 10.0.0.1\nudp-port = 0\n",
	    "t.conf:8: udp-port: '0' is not an integer in 1..65535");
	BAD(AR_BASE "[proxy]\ninterface = eth0\nupstream = host\nudp-port = 4552\n",
	    "t.conf:7: upstream: 'host' is not ADDRESS[:PORT] (numeric; [IPv6]:PORT)");
	BAD(AR_BASE "[proxy]\ninterface = eth0\nupstream = 10.0.0.1\nudp-port = 4551\n",
	    "t.conf:8: [proxy] udp-port 4551 is the MIH function's port too; set one of them apart");
	BAD(BASE "[proxy]\ninterface = eth0\nupstream = 10.0.0.1\n",
	    "t.conf:4: [proxy] relays MIH for an access router: it needs role poa");
	BAD(AR_BASE "[proxy]\ninterface = eth0\nupstream = 10.0.0.1\nudp-port = 4552\nmode = x\n",
	    "t.conf:9: unknown key 'mode' in [proxy]");
}

TEST_F(conf, mihf_equal_and_reload_relevant)
{
	struct md_errors e2 = { 0 };
	struct md_config *b;

	LOAD(BASE "[mihf]\nrtx-event = 300\n");
	ASSERT_NE(NULL, self->cfg);
	b = load_str(BASE "[mihf]\nrtx-event = 300\n", &e2);
	ASSERT_NE(NULL, b);
	EXPECT_TRUE(md_config_equal(self->cfg, b));
	md_config_free(b);
	b = load_str(BASE "[mihf]\nrtx-event = 301\n", &e2);
	ASSERT_NE(NULL, b);
	EXPECT_FALSE(md_config_equal(self->cfg, b));
	md_config_free(b);
	b = load_str(BASE, &e2);
	ASSERT_NE(NULL, b);
	EXPECT_FALSE(md_config_equal(self->cfg, b));
	md_config_free(b);
	md_errors_clear(&e2);
}

TEST_HARNESS_MAIN
