/*
 * luahost.h - runs a Lua strategy as a guest of the core.
 *
 * Each strategy gets its own lua_State with a memory cap (custom
 * allocator), an instruction budget per hook call (count hook), and only
 * safe libraries: no io, no debug, os reduced to time/date/clock, no
 * dofile/loadfile, text chunks only, and require() limited to lib_dir.
 * Errors become KE_ESCRIPT with the Lua traceback; the core applies the
 * strategy's on_error policy. The engine never crashes on a strategy.
 */
#ifndef LUAHOST_H
#define LUAHOST_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#define LUAHOST_DEFAULT_BUDGET 10000000LL
#define LUAHOST_DEFAULT_MEMORY (64u * 1024 * 1024)

struct luahost_options {
	const char *lib_dir;        /* the only directory require() reads (strategies/lib) */
	int64_t instruction_budget; /* per hook call; 0: LUAHOST_DEFAULT_BUDGET */
	size_t memory_limit;        /* bytes per strategy; 0: LUAHOST_DEFAULT_MEMORY */
	uint64_t seed;              /* math.random seed */
};

struct luahost_spec {
	const char *path; /* the strategy file */
	const char *name; /* overrides the file's s.name when not NULL */
	int64_t cash;     /* its cash allocation */
	struct risk_limits risk;
	int halt_on_error;
	const char *params_lua; /* NULL, or a chunk "return { ... }" of overrides for s.params */
	const char *symbols;    /* NULL or "": s.symbols as written; "*": every symbol; else "A,B,..." */
};

/* Loads the file, checks its shape, registers it with the core and
 * subscribes its symbols. On error nothing is registered and err says what
 * is wrong (file, line, traceback). */
int luahost_load(struct core *core, const struct luahost_options *opt, const struct luahost_spec *spec,
                 int *out_strategy, char *err, size_t errlen);

#endif
