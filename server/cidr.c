/* IPv4 CIDR parsing and overlap, for the network rules of CreateCluster. */
#include <stddef.h>

#include "cidr.h"

static uint32_t
cidr_mask(int prefix)
{
	return prefix == 0 ? 0 : 0xFFFFFFFFu << (32 - prefix);
}

/* Reads a decimal number of at most max_digits digits, no leading zero; advances *s. */
static bool
read_decimal(const char **s, int max_digits, long *out)
{
	const char *p = *s;
	long v = 0;
	int n = 0;

	while (*p >= '0' && *p <= '9') {
		if (++n > max_digits)
			return false;
		v = v * 10 + (*p - '0');
		p++;
	}
	if (n == 0 || (n > 1 && **s == '0'))
		return false;
	*s = p;
	*out = v;
	return true;
}

bool
cidr_parse(const char *text, struct cidr *out)
{
	const char *s = text;
	uint32_t addr = 0;
	long v;

	if (s == NULL)
		return false;
	for (int i = 0; i < 4; i++) {
		if (!read_decimal(&s, 3, &v) || v > 255)
			return false;
		addr = (addr << 8) | (uint32_t)v;
		if (*s++ != (i < 3 ? '.' : '/'))
			return false;
	}
	if (!read_decimal(&s, 2, &v) || v > 32 || *s != '\0')
		return false;
	out->addr = addr;
	out->prefix = (int)v;
	return true;
}

bool
cidr_host_bits_zero(const struct cidr *c)
{
	return (c->addr & ~cidr_mask(c->prefix)) == 0;
}

bool
cidr_overlap(const struct cidr *a, const struct cidr *b)
{
	/* Two blocks overlap exactly when one contains the other's network address. */
	int p = a->prefix < b->prefix ? a->prefix : b->prefix;

	return ((a->addr ^ b->addr) & cidr_mask(p)) == 0;
}

bool
cidr_contains(const struct cidr *outer, const struct cidr *inner)
{
	return outer->prefix <= inner->prefix &&
	       ((outer->addr ^ inner->addr) & cidr_mask(outer->prefix)) == 0;
}

bool
cidr_is_private(const struct cidr *c)
{
	static const struct cidr private_blocks[] = {
	    {0x0A000000u, 8},  /* 10.0.0.0/8 */
	    {0xAC100000u, 12}, /* 172.16.0.0/12 */
	    {0xC0A80000u, 16}, /* 192.168.0.0/16 */
	};

	for (size_t i = 0; i < sizeof(private_blocks) / sizeof(private_blocks[0]); i++)
		if (cidr_contains(&private_blocks[i], c))
			return true;
	return false;
}
