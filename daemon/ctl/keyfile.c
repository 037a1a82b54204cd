// SPDX-License-Identifier: GPL-2.0
/*
 * Reading hex keys from files and from stdin.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl/keyfile.h"
#include "lib/hex.h"

/* Decode @len characters of @text into @key; message on error */
static int decode_key(const char *what, const char *text, size_t len,
		      uint8_t *key, size_t max, char *err, size_t errlen)
{
	int rc = mihsec_hex_decode_text(text, len, key, max);

	switch (rc) {
	case -ENODATA:
		snprintf(err, errlen, "%s: no key in it (empty)", what);
		return -1;
	case -EINVAL:
		snprintf(err, errlen,
			 "%s: not a hex key (only hex digits, an optional 0x prefix and whitespace between octets allowed)",
			 what);
		return -1;
	case -EDOM:
		snprintf(err, errlen, "%s: odd number of hex digits", what);
		return -1;
	case -E2BIG:
		snprintf(err, errlen, "%s: key too long (at most %zu octets)",
			 what, max);
		return -1;
	default:
		if (rc < 0) {
			snprintf(err, errlen, "%s: invalid key", what);
			return -1;
		}
		return rc;
	}
}

int ctl_read_key_file(const char *path, FILE *warn, uint8_t *key, size_t max,
		      char *err, size_t errlen)
{
	char buf[CTL_KEYTEXT_MAX + 1];
	size_t len = 0;
	struct stat st;
	int fd, rc = -1;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "key file %s: is a directory", path);
		goto out;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & (S_IRGRP | S_IROTH)) && warn)
		fprintf(warn,
			"mihsecctl: warning: key file %s is readable by %s (chmod go-r %s)\n",
			path, (st.st_mode & S_IROTH) ? "everyone" : "its group",
			path);

	/* one byte more than allowed, to tell "too long" */
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "key file %s: %s", path,
				 strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > CTL_KEYTEXT_MAX) {
		snprintf(err, errlen,
			 "key file %s: too long (more than %d characters)",
			 path, CTL_KEYTEXT_MAX);
		goto out;
	}
	{
		char what[300];

		snprintf(what, sizeof(what), "key file %.256s", path);
		rc = decode_key(what, buf, len, key, max, err, errlen);
	}
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

int ctl_read_key_line(FILE *in, uint8_t *key, size_t max, char *err,
		      size_t errlen)
{
	char buf[CTL_KEYTEXT_MAX];
	size_t len = 0;
	int c, rc = -1, got = 0;

	while ((c = getc(in)) != EOF) {
		got = 1;
		if (c == '\n')
			break;
		if (len == sizeof(buf)) {
			snprintf(err, errlen,
				 "stdin: key line too long (more than %d characters)",
				 CTL_KEYTEXT_MAX);
			/* swallow the rest of the line */
			while ((c = getc(in)) != EOF && c != '\n')
				;
			goto out;
		}
		buf[len++] = (char)c;
	}
	if (ferror(in)) {
		snprintf(err, errlen, "stdin: read error");
		goto out;
	}
	if (!got) {
		snprintf(err, errlen, "stdin: no key (end of input)");
		goto out;
	}
	rc = decode_key("stdin", buf, len, key, max, err, errlen);
out:
	explicit_bzero(buf, sizeof(buf));
	return rc;
}
