// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecctl: the commands mihsecd serves, over its control socket.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ctl/control.h"
#include "ctl/output.h"
#include "lib/hex.h"

static const char *daemon_op_name(enum ctl_op op)
{
	switch (op) {
	case CTL_OP_MSK_ADD:
		return "msk add";
	case CTL_OP_MSK_DEL:
		return "msk del";
	default:
		return "peers";
	}
}

static void format_mac(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

/*
 * The request datagram for @a into @buf.  Every value is one mihsecctl
 * formatted itself (MACs, hex), so nothing needs JSON escaping; building
 * it here keeps the MSK in one buffer the caller wipes.
 */
static int build_request(const struct ctl_args *a, char *buf, size_t len)
{
	char mmt[18], poa[18], hex[2 * CTL_MSK_MAX + 1];
	int n;

	format_mac(a->mac_mmt, mmt);
	format_mac(a->mac_poa, poa);
	switch (a->op) {
	case CTL_OP_MSK_ADD:
		mihsec_hex_encode(a->msk, a->msk_len, hex);
		n = snprintf(buf, len,
			     "{\"cmd\":\"msk-add\",\"mmt\":\"%s\",\"poa\":\"%s\",\"msk\":\"%s\"}",
			     mmt, poa, hex);
		explicit_bzero(hex, sizeof(hex));
		break;
	case CTL_OP_MSK_DEL:
		n = snprintf(buf, len,
			     "{\"cmd\":\"msk-del\",\"mmt\":\"%s\",\"poa\":\"%s\"}",
			     mmt, poa);
		break;
	default:
		n = snprintf(buf, len, "{\"cmd\":\"peers\"}");
		break;
	}
	return n > 0 && (size_t)n < len ? n : -1;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	int fd, e;

	if (len >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, len + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
				1)) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * One reply datagram from @fd, NUL-terminated, into *@out (malloc'd).
 * Returns its length, 0 if mihsecd closed without a reply, -ETIMEDOUT,
 * or another negative errno.
 */
static ssize_t recv_reply(int fd, int timeout_ms, char **out)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	char *buf;
	int rc;

	*out = NULL;
	do
		rc = poll(&pfd, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	if (rc == 0)
		return -ETIMEDOUT;
	/*
	 * The datagram's size first: a peers list may be long.  When mihsecd
	 * refused the connection it closed it with our request unread: the
	 * first receive reports that (ECONNRESET), the reply comes next.
	 */
	n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0 && errno == ECONNRESET)
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0)
		return errno == ECONNRESET || errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		return 0;
	buf = malloc((size_t)n + 1);
	if (!buf)
		return -ENOMEM;
	n = recv(fd, buf, (size_t)n, MSG_DONTWAIT);
	if (n <= 0) {
		free(buf);
		return n < 0 ? -errno : 0;
	}
	buf[n] = '\0';
	*out = buf;
	return n;
}

int ctl_daemon_run(struct ctl_args *a, FILE *out, FILE *errf)
{
	const char *path = ctl_control_path(a);
	const char *what = daemon_op_name(a->op);
	struct json_object *reply = NULL, *ok, *v;
	char req[512], *buf = NULL;
	int fd, len, rc = CTL_EXIT_ERROR;
	ssize_t n;

	len = build_request(a, req, sizeof(req));
	if (len < 0) {
		explicit_bzero(req, sizeof(req));
		fprintf(errf, "mihsecctl: %s: request too long\n", what);
		return CTL_EXIT_ERROR;
	}
	fd = connect_to(path);
	if (fd < 0) {
		explicit_bzero(req, sizeof(req));
		fprintf(errf, "mihsecctl: cannot reach mihsecd at %s: %s\n",
			path, strerror(errno));
		return CTL_EXIT_ERROR;
	}
	/*
	 * A refused connection (wrong user, too many) gets its error reply
	 * and is closed at once: the send may then fail, but the reply is
	 * still there to read.
	 */
	if (send(fd, req, (size_t)len, MSG_NOSIGNAL) < 0 && errno != EPIPE &&
	    errno != ECONNRESET) {
		fprintf(errf, "mihsecctl: %s: sending to mihsecd at %s: %s\n",
			what, path, strerror(errno));
		explicit_bzero(req, sizeof(req));
		close(fd);
		return CTL_EXIT_ERROR;
	}
	explicit_bzero(req, sizeof(req));

	n = recv_reply(fd, CTL_CONTROL_TIMEOUT_MS, &buf);
	close(fd);
	if (n == -ETIMEDOUT) {
		fprintf(errf, "mihsecctl: %s: no reply from mihsecd at %s within %d s\n",
			what, path, CTL_CONTROL_TIMEOUT_MS / 1000);
		return CTL_EXIT_ERROR;
	}
	if (n == 0) {
		fprintf(errf, "mihsecctl: %s: mihsecd at %s closed the connection without a reply\n",
			what, path);
		return CTL_EXIT_ERROR;
	}
	if (n < 0) {
		fprintf(errf, "mihsecctl: %s: receiving from mihsecd at %s: %s\n",
			what, path, strerror((int)-n));
		return CTL_EXIT_ERROR;
	}
	reply = json_tokener_parse(buf);
	free(buf);
	if (!reply || !json_object_is_type(reply, json_type_object) ||
	    !json_object_object_get_ex(reply, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean)) {
		fprintf(errf, "mihsecctl: %s: malformed reply from mihsecd\n",
			what);
		goto out;
	}
	if (!json_object_get_boolean(ok)) {
		const char *msg = "(no reason given)";

		if (json_object_object_get_ex(reply, "error", &v) &&
		    json_object_is_type(v, json_type_string))
			msg = json_object_get_string(v);
		fprintf(errf, "mihsecctl: %s: %s\n", what, msg);
		goto out;
	}
	if (a->op == CTL_OP_PEERS) {
		if (!json_object_object_get_ex(reply, "peers", &v) ||
		    !json_object_is_type(v, json_type_array)) {
			fprintf(errf, "mihsecctl: peers: malformed reply from mihsecd\n");
			goto out;
		}
		if (a->json) {
			if (ctl_json_print(out, v)) {
				fprintf(errf, "mihsecctl: out of memory\n");
				goto out;
			}
		} else {
			ctl_print_peers(out, v);
		}
	}
	rc = CTL_EXIT_OK;
out:
	json_object_put(reply);
	return rc;
}
