/*
 * krng.h - the project's one seeded random generator: xoshiro256** seeded
 * with splitmix64. Deterministic on every machine (no rand(), no clock), so
 * generated data and injected faults repeat bit for bit under a seed.
 */
#ifndef KRNG_H
#define KRNG_H

#include <stdint.h>

struct krng {
	uint64_t s[4];
};

/* The four state words are splitmix64(x) drawn in turn from x = seed. */
void krng_seed(struct krng *r, uint64_t seed);
uint64_t krng_next(struct krng *r);
/* Uniform in [0, n) for n < 2^32 (multiply-shift; bias below 2^-32). */
uint32_t krng_below(struct krng *r, uint32_t n);
/* Uniform in [0, 1), 53 bits. */
double krng_unit(struct krng *r);

#endif
