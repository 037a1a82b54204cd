// SPDX-License-Identifier: GPL-2.0
/*
 * Hexadecimal strings <-> octets.
 */
#include <errno.h>
#include <string.h>

#include "lib/hex.h"

int mihsec_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/*
 * Common decoder.  With @ws, whitespace is allowed around the string and
 * between octets.  The input is validated completely before anything is
 * written, so @out never receives more than @max octets.
 */
static int decode(const char *s, size_t len, uint8_t *out, size_t max, int ws)
{
	size_t i = 0, end = len, digits = 0, n = 0;
	int hi = -1;

	if (ws) {
		while (i < end && is_space(s[i]))
			i++;
		while (end > i && is_space(s[end - 1]))
			end--;
	}
	if (end - i >= 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
		i += 2;

	/* pass 1: validate and count */
	for (size_t j = i; j < end; j++) {
		if (mihsec_hex_digit(s[j]) >= 0) {
			digits++;
			continue;
		}
		if (ws && is_space(s[j]) && digits % 2 == 0)
			continue;
		return -EINVAL;
	}
	if (digits == 0)
		return -ENODATA;
	if (digits % 2)
		return -EDOM;
	if (digits / 2 > max)
		return -E2BIG;

	/* pass 2: convert */
	for (size_t j = i; j < end; j++) {
		int v = mihsec_hex_digit(s[j]);

		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return (int)n;
}

int mihsec_hex_decode(const char *s, uint8_t *out, size_t max)
{
	int rc = decode(s, strlen(s), out, max, 0);

	if (rc < 0 && max)
		explicit_bzero(out, max);
	return rc;
}

int mihsec_hex_decode_text(const char *s, size_t len, uint8_t *out, size_t max)
{
	int rc = decode(s, len, out, max, 1);

	if (rc < 0 && max)
		explicit_bzero(out, max);
	return rc;
}

void mihsec_hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

const char *mihsec_hex_strerror(int err)
{
	switch (err) {
	case -ENODATA:
		return "no hex digits";
	case -EINVAL:
		return "not a hex string";
	case -EDOM:
		return "odd number of hex digits";
	case -E2BIG:
		return "too long";
	default:
		return "invalid";
	}
}
