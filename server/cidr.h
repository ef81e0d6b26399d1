/*
 * IPv4 CIDR blocks (create-cluster.md rows 4 and 22, cross rules X4 and X5,
 * stateful rule S2). Pure: parsing and arithmetic only.
 */
#ifndef ACKMOCK_CIDR_H
#define ACKMOCK_CIDR_H

#include <stdbool.h>
#include <stdint.h>

struct cidr {
	uint32_t addr; /* host byte order */
	int prefix;    /* 0..32 */
};

/*
 * Parses "a.b.c.d/p": four decimal octets 0-255 without leading zeros and a
 * prefix 0-32, nothing else. Returns false (and leaves *out alone) on any
 * other text. Host bits may be set; see cidr_host_bits_zero.
 */
bool cidr_parse(const char *text, struct cidr *out);

/* True when every address bit past the prefix is zero ("10.0.0.0/8", not "10.0.0.1/8"). */
bool cidr_host_bits_zero(const struct cidr *c);

/* True when the two blocks share at least one address. */
bool cidr_overlap(const struct cidr *a, const struct cidr *b);

/* True when inner lies entirely inside outer. */
bool cidr_contains(const struct cidr *outer, const struct cidr *inner);

/* True when c lies inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918). */
bool cidr_is_private(const struct cidr *c);

#endif
