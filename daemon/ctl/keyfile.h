/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading hex keys from files and from stdin, for mihsecctl.
 */
#ifndef MIHSEC_CTL_KEYFILE_H
#define MIHSEC_CTL_KEYFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Longest key file or stdin line accepted, in characters */
#define CTL_KEYTEXT_MAX	1024

/*
 * Read a hex key from the file @path: hex digits with an optional "0x"
 * prefix; whitespace (newlines included) around it and between octets is
 * allowed, nothing else.  A regular file readable by group or others gets
 * a warning on @warn (if not NULL).  Returns the key length in octets
 * (1..@max), or -1 with a message in @err.  Scratch buffers are wiped.
 */
int ctl_read_key_file(const char *path, FILE *warn, uint8_t *key, size_t max,
		      char *err, size_t errlen);

/*
 * Read one line from @in (up to a newline or end of input) holding a hex
 * key, with the same syntax.  Reads nothing past the newline.  Returns the
 * key length, or -1 with a message in @err.
 */
int ctl_read_key_line(FILE *in, uint8_t *key, size_t max, char *err,
		      size_t errlen);

#endif /* MIHSEC_CTL_KEYFILE_H */
