/* cidr.c: parsing, host bits, overlap, containment, the private ranges. A table of cases. */
#include <stdbool.h>
#include <stddef.h>

#include "cidr.h"
#include "tap.h"

struct parse_case {
	const char *text;
	bool ok;
	bool host_zero;
	bool private_range;
};

/* clang-format off */
static const struct parse_case parse_cases[] = {
	/* text			parses	host bits zero	private */
	{ "10.0.0.0/8",		true,	true,		true },
	{ "172.16.0.0/12",	true,	true,		true },
	{ "192.168.0.0/16",	true,	true,		true },
	{ "172.31.255.0/24",	true,	true,		true },
	{ "172.32.0.0/16",	true,	true,		false },
	{ "10.0.0.0/7",		true,	true,		false },
	{ "8.0.0.0/7",		true,	true,		false },
	{ "0.0.0.0/0",		true,	true,		false },
	{ "255.255.255.255/32",	true,	true,		false },
	{ "10.0.0.1/16",	true,	false,		true },
	{ "10.1.2.0/24",	true,	true,		true },
	{ "192.168.1.0/33",	false },
	{ "256.0.0.0/8",	false },
	{ "10.00.0.0/16",	false },
	{ "010.0.0.0/16",	false },
	{ "10.0.0.0/08",	false },
	{ "10.0.0/16",		false },
	{ "10.0.0.0.0/16",	false },
	{ "10.0.0.0",		false },
	{ "10.0.0.0/",		false },
	{ "/16",		false },
	{ "",			false },
	{ " 10.0.0.0/8",	false },
	{ "10.0.0.0/8 ",	false },
	{ "10.0.0.0/-8",	false },
	{ "1.2.3.4/5/6",	false },
	{ "1000.0.0.0/8",	false },
};

struct pair_case {
	const char *a, *b;
	bool overlap;
	bool a_contains_b;
};

static const struct pair_case pair_cases[] = {
	/* a			b			overlap	a contains b */
	{ "172.20.0.0/16",	"172.20.16.0/20",	true,	true },
	{ "172.20.16.0/20",	"172.20.0.0/16",	true,	false },
	{ "172.16.0.0/16",	"172.19.0.0/20",	false,	false },
	{ "192.168.0.0/16",	"192.168.0.0/16",	true,	true },
	{ "10.0.0.0/8",		"11.0.0.0/8",		false,	false },
	{ "0.0.0.0/0",		"203.0.113.0/24",	true,	true },
	{ "10.10.0.0/16",	"10.10.128.0/17",	true,	true },
	{ "10.10.0.0/16",	"10.11.0.0/16",		false,	false },
	{ "10.0.0.255/32",	"10.0.0.0/24",		true,	false },
};
/* clang-format on */

int
main(void)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct cidr out = {0x12345678u, 99};
		bool ok = cidr_parse(c->text, &out);

		tap_ok(ok == c->ok, "parse \"%s\" %s", c->text, c->ok ? "succeeds" : "fails");
		if (!c->ok) {
			tap_ok(out.addr == 0x12345678u && out.prefix == 99,
			       "a failed parse of \"%s\" leaves the output alone", c->text);
			continue;
		}
		tap_ok(cidr_host_bits_zero(&out) == c->host_zero, "\"%s\" host bits %s", c->text,
		       c->host_zero ? "zero" : "set");
		tap_ok(cidr_is_private(&out) == c->private_range, "\"%s\" %s private", c->text,
		       c->private_range ? "is" : "is not");
	}
	tap_ok(!cidr_parse(NULL, &(struct cidr){0}), "NULL does not parse");
	for (size_t i = 0; i < sizeof(pair_cases) / sizeof(pair_cases[0]); i++) {
		const struct pair_case *c = &pair_cases[i];
		struct cidr a, b;

		tap_ok(cidr_parse(c->a, &a) && cidr_parse(c->b, &b), "%s and %s parse", c->a, c->b);
		tap_ok(cidr_overlap(&a, &b) == c->overlap, "%s %s %s", c->a,
		       c->overlap ? "overlaps" : "does not overlap", c->b);
		tap_ok(cidr_overlap(&b, &a) == c->overlap, "overlap of %s and %s is symmetric",
		       c->a, c->b);
		tap_ok(cidr_contains(&a, &b) == c->a_contains_b, "%s %s %s", c->a,
		       c->a_contains_b ? "contains" : "does not contain", c->b);
	}
	return tap_done();
}
