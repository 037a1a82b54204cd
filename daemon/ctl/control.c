// SPDX-License-Identifier: GPL-2.0
/*
 * mihsecctl: the commands mihsecd serves, over its control socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
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
	case CTL_OP_MIH_SEND:
		return "mih send";
	case CTL_OP_IS_QUERY:
		return "is query";
	case CTL_OP_IS_IMPORT:
		return "is import";
	case CTL_OP_IS_EXPORT:
		return "is export";
	case CTL_OP_HANDOVER:
		return "handover";
	case CTL_OP_MIHF_STATUS:
		return "mihf status";
	default:
		return "peers";
	}
}

static void format_mac(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

/* How long to wait for the answer, ms */
static int op_timeout_ms(const struct ctl_args *a)
{
	switch (a->op) {
	case CTL_OP_MIH_SEND:
	case CTL_OP_IS_QUERY:
		/* the transport's own timeouts are shorter than this */
		return a->wait ? (int)a->wait * 1000 : CTL_MIH_TIMEOUT_MS;
	case CTL_OP_HANDOVER:
		return (a->wait ? (int)a->wait : CTL_HANDOVER_WAIT) * 1000;
	case CTL_OP_IS_IMPORT:
	case CTL_OP_IS_EXPORT:
		return CTL_MIH_TIMEOUT_MS;
	default:
		return CTL_CONTROL_TIMEOUT_MS;
	}
}

static void add_s(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

/* The request of the MIH function's commands (JSON-escaped by json-c) */
static char *build_mih_request(const struct ctl_args *a, char *err,
			       size_t errlen)
{
	struct json_object *o = json_object_new_object(), *arr;
	char *out = NULL;

	if (!o)
		return NULL;
	switch (a->op) {
	case CTL_OP_MIH_SEND:
		add_s(o, "cmd", "mih-send");
		add_s(o, "peer", a->mih_peer);
		json_object_object_add(o, "mid",
				       json_object_new_int(a->mih_mid));
		arr = json_object_new_array();
		for (size_t i = 0; arr && i < a->mih_ntlvs; i++) {
			size_t len = 2 * strlen(a->mih_tlv[i]) + 1024;
			char *t = malloc(len);

			if (!t || ctl_mih_tlv(a->mih_tlv[i], t, len, err,
					      errlen)) {
				free(t);
				json_object_put(arr);
				json_object_put(o);
				return NULL;
			}
			json_object_array_add(arr, json_object_new_string(t));
			free(t);
		}
		json_object_object_add(o, "tlvs", arr);
		break;
	case CTL_OP_IS_QUERY:
		add_s(o, "cmd", "is-query");
		if (a->is_server)
			add_s(o, "is", a->is_server);
		if (a->is_types)
			json_object_object_add(o, "types",
				json_object_new_int64(a->is_types));
		if (a->is_network)
			add_s(o, "network", a->is_network);
		if (a->is_nreport) {
			arr = json_object_new_array();
			for (size_t i = 0; arr && i < a->is_nreport; i++)
				json_object_array_add(arr,
					json_object_new_int64(a->is_report[i]));
			json_object_object_add(o, "report", arr);
		}
		if (a->is_limit)
			json_object_object_add(o, "limit",
				json_object_new_int64(a->is_limit));
		if (a->is_max)
			json_object_object_add(o, "max",
				json_object_new_int64(a->is_max));
		break;
	case CTL_OP_IS_IMPORT:
		add_s(o, "cmd", "is-import");
		add_s(o, "name", strcmp(a->is_file, "-") ? a->is_file :
							   "(stdin)");
		if (a->is_replace)
			json_object_object_add(o, "replace",
					       json_object_new_boolean(1));
		break;
	case CTL_OP_IS_EXPORT:
		add_s(o, "cmd", "is-export");
		break;
	case CTL_OP_HANDOVER:
		add_s(o, "cmd", "handover");
		if (a->ho_network)
			add_s(o, "network", a->ho_network);
		if (a->ho_pos)
			add_s(o, "target", a->ho_pos);
		if (a->ho_mmt)
			add_s(o, "mmt", a->ho_mmt);
		if (a->is_server)
			add_s(o, "is", a->is_server);
		if (a->ho_has_poa) {
			char mac[18];

			format_mac(a->ho_poa, mac);
			add_s(o, "poa", mac);
		}
		break;
	default:
		add_s(o, "cmd", "mihf-status");
		break;
	}
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return out;
}

/*
 * is import: the file as a descriptor mihsecd can read: FILE opened here
 * (with the caller's permissions), or standard input copied into a memfd
 * (mihsecd wants a regular file).  -1 with a message in @err.
 */
static int import_fd(const struct ctl_args *a, char *err, size_t errlen)
{
	struct stat st;
	char buf[65536];
	ssize_t n;
	int fd;

	if (strcmp(a->is_file, "-")) {
		fd = open(a->is_file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			snprintf(err, errlen, "%s: %s", a->is_file,
				 strerror(errno));
			return -1;
		}
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "%s: not a regular file",
				 a->is_file);
			close(fd);
			return -1;
		}
		return fd;
	}
	fd = memfd_create("mihsecctl-import", MFD_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "memfd: %s", strerror(errno));
		return -1;
	}
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(fd, buf, (size_t)n) != n) {
			snprintf(err, errlen, "standard input: %s",
				 strerror(errno));
			close(fd);
			return -1;
		}
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
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
static ssize_t recv_reply(int fd, int timeout_ms, char **out, int *passed)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	ssize_t n;
	char *buf;
	int rc;

	*out = NULL;
	*passed = -1;
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
	iov.iov_base = buf;
	iov.iov_len = (size_t)n;
	n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n <= 0) {
		free(buf);
		return n < 0 ? -errno : 0;
	}
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(passed, CMSG_DATA(cm), sizeof(int));
	buf[n] = '\0';
	*out = buf;
	return n;
}

/* Send @len octets of @req on @fd, with @pass (>= 0) as SCM_RIGHTS */
static ssize_t send_req(int fd, const char *req, size_t len, int pass)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)req, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (pass >= 0) {
		struct cmsghdr *cm;

		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass, sizeof(int));
	}
	return sendmsg(fd, &msg, MSG_NOSIGNAL);
}

/* is export: the memfd mihsecd passed, to @out */
static int copy_export(int fd, FILE *out, FILE *errf)
{
	char buf[65536];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE) {
		fprintf(errf, "mihsecctl: is export: %s\n", strerror(errno));
		return CTL_EXIT_ERROR;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(errf, "mihsecctl: is export: %s\n",
				strerror(errno));
			return CTL_EXIT_ERROR;
		}
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n) {
			fprintf(errf, "mihsecctl: write error: %s\n",
				strerror(errno));
			return CTL_EXIT_ERROR;
		}
	}
	return CTL_EXIT_OK;
}

int ctl_daemon_run(struct ctl_args *a, FILE *out, FILE *errf)
{
	const char *path = ctl_control_path(a);
	const char *what = daemon_op_name(a->op);
	struct json_object *reply = NULL, *ok, *v;
	char req[512], *buf = NULL, *mreq = NULL, err[512];
	const char *sendbuf = req;
	int fd, len, rc = CTL_EXIT_ERROR, pass = -1, got = -1;
	int tmo = op_timeout_ms(a);
	ssize_t n;

	if (a->op == CTL_OP_MSK_ADD || a->op == CTL_OP_MSK_DEL ||
	    a->op == CTL_OP_PEERS) {
		len = build_request(a, req, sizeof(req));
		if (len < 0) {
			explicit_bzero(req, sizeof(req));
			fprintf(errf, "mihsecctl: %s: request too long\n", what);
			return CTL_EXIT_ERROR;
		}
	} else {
		err[0] = '\0';
		mreq = build_mih_request(a, err, sizeof(err));
		if (!mreq) {
			fprintf(errf, "mihsecctl: %s: %s\n", what,
				err[0] ? err : "out of memory");
			return CTL_EXIT_ERROR;
		}
		sendbuf = mreq;
		len = (int)strlen(mreq);
		if (a->op == CTL_OP_IS_IMPORT) {
			pass = import_fd(a, err, sizeof(err));
			if (pass < 0) {
				fprintf(errf, "mihsecctl: is import: %s\n",
					err);
				free(mreq);
				return CTL_EXIT_ERROR;
			}
		}
	}
	fd = connect_to(path);
	if (fd < 0) {
		explicit_bzero(req, sizeof(req));
		fprintf(errf, "mihsecctl: cannot reach mihsecd at %s: %s\n",
			path, strerror(errno));
		goto out_req;
	}
	/*
	 * A refused connection (wrong user, too many) gets its error reply
	 * and is closed at once: the send may then fail, but the reply is
	 * still there to read.
	 */
	if (send_req(fd, sendbuf, (size_t)len, pass) < 0 && errno != EPIPE &&
	    errno != ECONNRESET) {
		fprintf(errf, "mihsecctl: %s: sending to mihsecd at %s: %s\n",
			what, path, strerror(errno));
		explicit_bzero(req, sizeof(req));
		close(fd);
		goto out_req;
	}
	explicit_bzero(req, sizeof(req));

	n = recv_reply(fd, tmo, &buf, &got);
	close(fd);
	if (n == -ETIMEDOUT) {
		fprintf(errf, "mihsecctl: %s: no reply from mihsecd at %s within %d s\n",
			what, path, tmo / 1000);
		goto out_req;
	}
	if (n == 0) {
		fprintf(errf, "mihsecctl: %s: mihsecd at %s closed the connection without a reply\n",
			what, path);
		goto out_req;
	}
	if (n < 0) {
		fprintf(errf, "mihsecctl: %s: receiving from mihsecd at %s: %s\n",
			what, path, strerror((int)-n));
		goto out_req;
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
		rc = CTL_EXIT_OK;
		goto out;
	}
	if (a->op == CTL_OP_MSK_ADD || a->op == CTL_OP_MSK_DEL) {
		rc = CTL_EXIT_OK;
		goto out;
	}
	if (a->op == CTL_OP_IS_EXPORT) {
		if (got < 0) {
			fprintf(errf, "mihsecctl: is export: mihsecd sent no file\n");
			goto out;
		}
		rc = copy_export(got, out, errf);
		goto out;
	}
	json_object_object_del(reply, "ok");
	if (a->json)
		rc = ctl_json_print(out, reply) ? CTL_EXIT_ERROR : CTL_EXIT_OK;
	else
		rc = ctl_print_mih_reply(out, a->op, reply);
	/* a handover that ran and failed: exit status 1 */
	if (a->op == CTL_OP_HANDOVER && !rc &&
	    json_object_object_get_ex(reply, "result", &v) &&
	    json_object_object_get_ex(v, "status", &ok) &&
	    json_object_get_int(ok) != 0)
		rc = CTL_EXIT_ERROR;
out:
	json_object_put(reply);
out_req:
	if (got >= 0)
		close(got);
	if (pass >= 0)
		close(pass);
	free(mreq);
	return rc;
}
