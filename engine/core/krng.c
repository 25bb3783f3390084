/*
 * krng.c - xoshiro256** (Blackman and Vigna) seeded by splitmix64.
 */
#include "krng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void krng_seed(struct krng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int k = 0; k < 4; k++)
		r->s[k] = splitmix64(&x);
}

uint64_t krng_next(struct krng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t krng_below(struct krng *r, uint32_t n)
{
	return (uint32_t)(((krng_next(r) >> 32) * n) >> 32);
}

double krng_unit(struct krng *r)
{
	return (double)(krng_next(r) >> 11) * 0x1.0p-53;
}
