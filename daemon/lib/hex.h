/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hexadecimal strings <-> octets, for key IDs, keys and salts.
 *
 * Error codes (negative errno values) returned by the decoders:
 *   -ENODATA	no hex digits at all
 *   -EINVAL	a character that is not a hex digit (or misplaced whitespace)
 *   -EDOM	an odd number of hex digits
 *   -E2BIG	more octets than the output buffer holds
 * On error the output buffer is zeroed (it may hold key material).
 */
#ifndef MIHSEC_LIB_HEX_H
#define MIHSEC_LIB_HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode the NUL-terminated string @s: an optional "0x"/"0X" prefix and then
 * hex digits only (either case).  Returns the number of octets written to
 * @out (at most @max), or a negative error code.
 */
int mihsec_hex_decode(const char *s, uint8_t *out, size_t max);

/*
 * Decode the @len characters at @s (no NUL needed), as found in a key file:
 * leading and trailing whitespace (spaces, tabs, newlines) is ignored, an
 * optional "0x" prefix may follow the leading whitespace, and whitespace may
 * also separate octets (e.g. "00 11 22" or the lines of `xxd -p`), but never
 * split the two digits of one octet.
 */
int mihsec_hex_decode_text(const char *s, size_t len, uint8_t *out, size_t max);

/* The value of one hex digit, -1 if @c is none */
int mihsec_hex_digit(char c);

/* Encode @len octets as lowercase hex into @out, which holds 2 * @len + 1 */
void mihsec_hex_encode(const uint8_t *in, size_t len, char *out);

/* A short English description of a decoder error code */
const char *mihsec_hex_strerror(int err);

#endif /* MIHSEC_LIB_HEX_H */
