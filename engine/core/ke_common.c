/*
 * ke_common.c - names of the engine's error codes.
 */
#include "ke_common.h"

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
