/*
 * ke_common.c - names of the engine's error codes.
 */
#include "ke_common.h"

#include <stdio.h>

const char *ke_strerror(int err)
{
	switch (err) {
	case KE_OK: return "ok";
	case KE_EINVAL: return "invalid argument or input";
	case KE_ENOMEM: return "out of memory";
	case KE_EIO: return "input/output error";
	case KE_ESTATE: return "not allowed in the current state";
	case KE_ENOENT: return "not found";
	case KE_ELIMIT: return "refused by a limit";
	case KE_ESCRIPT: return "strategy error";
	default: return "unknown error";
	}
}

const char *ke_format_krw(char *buf, int64_t v)
{
	char tmp[24];
	/* Negate in unsigned arithmetic so INT64_MIN is printed, not overflowed. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)u);
	size_t o = 0;
	if (v < 0)
		buf[o++] = '-';
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}
