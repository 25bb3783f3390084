/*
 * lhost_internal.h - state shared by luahost.c (the guest's life cycle and
 * sandbox) and luactx.c (the ctx API it calls). Private to engine/lua.
 */
#ifndef LHOST_INTERNAL_H
#define LHOST_INTERNAL_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* Indexes of lhost.ref_hook, in the order of luahost.c's hook_names. */
enum {
	LH_ON_START,
	LH_ON_TICK,
	LH_ON_BAR,
	LH_ON_FILL,
	LH_ON_ORDER,
	LH_ON_MARKET_OPEN,
	LH_ON_MARKET_CLOSE,
	LH_ON_STOP,
	LH_NHOOKS
};

/* Fields of the tick and bar views. */
enum { LK_SYMBOL, LK_PRICE, LK_VOLUME, LK_TIME, LK_BID, LK_ASK, LK_OPEN, LK_HIGH, LK_LOW, LK_CLOSE, LH_NKEYS };

struct lhost {
	lua_State *L;
	struct core *core;
	int idx; /* strategy index in the core */
	char name[64];
	char lib_dir[4096];

	size_t mem_used, mem_limit;
	int64_t budget, spent; /* instructions in the current hook call */
	int tight;             /* over budget: the count hook fires every instruction */

	/* Registry references. */
	int ref_ctx;
	int ref_tick_view, ref_bar_view;
	int ref_symbols; /* table: sym id + 1 -> code string */
	int ref_symids;  /* table: code string -> sym id */
	int ref_timers;  /* table: timer id -> function */
	int ref_hook[LH_NHOOKS];

	/* Field names of the tick and bar views, as interned Lua strings: a
	 * key is recognised by pointer, not by strcmp (see luactx.c). */
	const char *key[LH_NKEYS];

	/* What the tick/bar views show during a call (NULL outside). */
	const struct tick *cur_tick;
	const struct bar *cur_bar;

	uint64_t seed; /* math.random's seed: randomseed() without arguments reuses it */
	int closed;    /* set while the state is being closed: ctx calls refuse */
	char err[4096];
};

/* The host of a state (kept in its extra space). */
struct lhost *lhost_of(lua_State *L);

/* sandbox.c: opens the safe libraries in h->L, replaces the unsafe parts,
 * and seeds math.random. Raises a Lua error on failure (call it protected). */
void lhost_open_sandbox(struct lhost *h, uint64_t seed);

/* luactx.c: builds the ctx table (methods closed over h) and leaves it on
 * the stack; installs the tick and bar view metatables. */
int lhost_push_ctx(struct lhost *h);
void lhost_push_symbol(struct lhost *h, int32_t sym);
/* Logs the values at stack index first.. joined by sep, at INFO. */
void lhost_log_values(lua_State *L, struct lhost *h, int first, char sep);
void lhost_push_order(struct lhost *h, const struct order *o);
void lhost_push_fill(struct lhost *h, const struct fill *f);
int lhost_make_views(struct lhost *h);

/* lstate.c: ctx.state as deterministic text and back (the live journal
 * keeps it). lstate_save writes the table at idx into a malloc'd *blob the
 * caller frees; KE_EINVAL with err naming the key path for what cannot be
 * saved (functions, userdata, metatables, cycles, NaN, float keys, more
 * than LSTATE_MAX_DEPTH levels or LSTATE_MAX_BYTES). lstate_load pushes the
 * table; KE_EINVAL with err for a damaged text (nothing pushed). */
#define LSTATE_MAX_DEPTH  32
#define LSTATE_MAX_TABLES 4096
#define LSTATE_MAX_BYTES  (1024 * 1024)
int lstate_save(lua_State *L, int idx, char **blob, size_t *len, char *err, size_t errlen);
int lstate_load(lua_State *L, const char *blob, size_t len, char *err, size_t errlen);

#endif
