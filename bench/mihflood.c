// SPDX-License-Identifier: GPL-2.0
/*
 * mihflood: MIH-sized UDP datagrams as fast as a socket takes them, for
 * bench/run.  One process, two sockets in two network namespaces:
 *   mihflood NS_SEND NS_RECV DST_ADDR SIZE SECONDS
 * sends MIH_Link_Parameters_Report indications of SIZE octets (plain MIH:
 * header, Source "mmt1", Destination "ar1", one TLV padding to SIZE) from
 * NS_SEND to DST_ADDR:4551 for SECONDS, receives them in NS_RECV, and
 * prints "sent N received N per_second R".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int in_ns(const char *ns, int type)
{
	char path[128];
	int self = open("/proc/self/ns/net", O_RDONLY), fd, s;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY);
	if (self < 0 || fd < 0 || setns(fd, CLONE_NEWNET))
		return -1;
	s = socket(AF_INET, type, 0);
	if (setns(self, CLONE_NEWNET))
		return -1;
	close(fd);
	close(self);
	return s;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(4551) };
	struct sockaddr_in any = to;
	unsigned long sent = 0, got = 0;
	unsigned char pdu[2048], buf[4096];
	int tx, rx, size, pad, rcvbuf = 1 << 22;
	double secs, t0, end;

	if (argc != 6 || inet_pton(AF_INET, argv[3], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: mihflood NS_SEND NS_RECV DST SIZE SECONDS\n");
		return 2;
	}
	size = atoi(argv[4]);
	secs = atof(argv[5]);
	if (size < 32 || size > (int)sizeof(pdu))
		return 2;
	/* header, Source "mmt1", Destination "ar1", TLV 23 padding to SIZE */
	memcpy(pdu, "\x10\x00\x2c\x05\x00\x01\x00\x00"
		    "\x01\x05\x04mmt1\x02\x04\x03\x61r1", 21);
	pdu[21] = 23;
	pad = size - 23;			/* 802.21 length: 1 octet */
	if (pad > 128)
		pad = size - 24;		/* 0x81 + (len - 128) */
	if (pad > 383)
		pad = size - 25;		/* 0x82 + 2 octets */
	if (pad <= 128) {
		pdu[22] = pad;
	} else if (pad <= 383) {
		pdu[22] = 0x81;
		pdu[23] = pad - 128;
	} else {
		pdu[22] = 0x82;
		pdu[23] = (pad - 128) >> 8;
		pdu[24] = (pad - 128) & 0xff;
	}
	memset(pdu + size - pad, 0xab, pad);
	pdu[6] = (size - 8) >> 8;
	pdu[7] = (size - 8) & 0xff;

	tx = in_ns(argv[1], SOCK_DGRAM);
	rx = in_ns(argv[2], SOCK_DGRAM);
	any.sin_addr.s_addr = htonl(INADDR_ANY);
	if (tx < 0 || rx < 0 || bind(rx, (void *)&any, sizeof(any)) ||
	    setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) ||
	    fcntl(rx, F_SETFL, O_NONBLOCK)) {
		perror("mihflood: sockets");
		return 1;
	}
	t0 = now();
	end = t0 + secs;
	while (now() < end) {
		int i;

		/* a burst, then drain the receiver: no loss from a full queue */
		for (i = 0; i < 32; i++)
			if (sendto(tx, pdu, size, 0, (void *)&to, sizeof(to)) == size)
				sent++;
		while (recv(rx, buf, sizeof(buf), 0) > 0)
			got++;
	}
	usleep(200000);
	while (recv(rx, buf, sizeof(buf), 0) > 0)
		got++;
	printf("sent %lu received %lu per_second %.0f\n", sent, got,
	       got / (now() - t0 - 0.2));
	return 0;
}
