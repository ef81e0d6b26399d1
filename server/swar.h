/*
 * Eight bytes at a time: the word tests that the JSON scanners (jsonbody's
 * parser, redact's body pass, jsonw's quoting) run over strings, so that a
 * plain run of text costs one test per word instead of one per byte. Each
 * test sets the high bit of a flagged byte; a borrow may also flag bytes
 * after a flagged one, so only the lowest flag is exact.
 */
#ifndef ACKMOCK_SWAR_H
#define ACKMOCK_SWAR_H

#include <stdint.h>
#include <string.h>

#define SWAR_ONES  0x0101010101010101u
#define SWAR_HIGHS 0x8080808080808080u

/* The 8 bytes at s as one word, in memory order (no alignment needed). */
static inline uint64_t
swar_load(const char *s)
{
	uint64_t x;

	memcpy(&x, s, 8);
	return x;
}

/* Flags each byte of x that is c. */
static inline uint64_t
swar_eq(uint64_t x, unsigned char c)
{
	uint64_t y = x ^ (SWAR_ONES * c);

	return (y - SWAR_ONES) & ~y & SWAR_HIGHS;
}

/* Flags each byte of x that ends a JSON string's plain run: a control byte, '"' or '\\'. */
static inline uint64_t
swar_json_stops(uint64_t x)
{
	return (((x - SWAR_ONES * 0x20) & ~x) & SWAR_HIGHS) | swar_eq(x, '"') | swar_eq(x, '\\');
}

/* Flags each byte of x that is not ASCII. */
static inline uint64_t
swar_non_ascii(uint64_t x)
{
	return x & SWAR_HIGHS;
}

/*
 * The offset (0-7) of the first flagged byte in memory, for flags != 0; 0
 * where the byte order is not known to be little-endian, so that a caller
 * then looks at each byte from the word's start.
 */
static inline int
swar_first(uint64_t flags)
{
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_ctzll(flags) / 8;
#else
	(void)flags;
	return 0;
#endif
}

#endif
