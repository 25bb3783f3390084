/*
 * ke_common.h - error codes and small shared definitions.
 *
 * Every fallible function in the engine returns one of these codes and
 * fills an out-parameter; none of them exit or abort on bad input.
 * Money is KRW held in int64_t: there is no floating point in prices or cash.
 */
#ifndef KE_COMMON_H
#define KE_COMMON_H

#include <stddef.h>
#include <stdint.h>

enum ke_err {
	KE_OK = 0,
	KE_EINVAL = -1,  /* bad argument or bad input */
	KE_ENOMEM = -2,  /* allocation failed */
	KE_EIO = -3,     /* read or write failed */
	KE_ESTATE = -4,  /* operation not valid in the current state */
	KE_ENOENT = -5,  /* no such thing (order, symbol, file) */
	KE_ELIMIT = -6,  /* a configured limit refused it */
	KE_ESCRIPT = -7, /* a strategy raised an error */
};

/* Human-readable name of an error code; never NULL. */
const char *ke_strerror(int err);

/* "1,234,567" (or "-1,234,567") into buf, which must hold KE_KRW_BUF bytes;
 * returns buf. For messages people read. */
#define KE_KRW_BUF 32
const char *ke_format_krw(char *buf, int64_t v);

/* Longest symbol code kept, including the terminating NUL. KRX codes are
 * 6 characters ("005930"); ETN/ELW codes may be 7-9. */
#define KE_SYMBOL_MAX 16

/* Room for a reason or error message carried in a struct. */
#define KE_REASON_MAX 160

#define KE_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
