/*
 * luahost.c - a Lua strategy's life cycle: its sandboxed state, loading the
 * file, and the hooks the core calls.
 *
 * Why each guard exists:
 *  - the allocator caps memory so a runaway table or string.rep cannot take
 *    the machine down: Lua then raises "not enough memory" inside the guest;
 *  - the count hook raises an error once a hook call has run more than its
 *    instruction budget, and keeps raising on every later check, so a guest
 *    that catches the error with pcall still cannot keep running;
 *  - everything that can raise (even library setup, which allocates) runs
 *    under lua_pcall, so the host never reaches Lua's panic handler.
 */
#include "luahost.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktime.h"
#include "lhost_internal.h"

#define LH_HOOK_STEP 1000 /* instructions between budget checks */

static const char *const hook_names[LH_NHOOKS] = {
    "on_start", "on_tick", "on_bar", "on_fill", "on_order", "on_market_open", "on_market_close", "on_stop",
};

struct lhost *lhost_of(lua_State *L)
{
	return *(struct lhost **)lua_getextraspace(L);
}

static void *lh_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct lhost *h = ud;
	if (!ptr)
		osize = 0; /* Lua passes a type tag in osize for new blocks */
	if (nsize == 0) {
		free(ptr);
		h->mem_used -= osize;
		return NULL;
	}
	if (nsize > osize && h->mem_used - osize + nsize > h->mem_limit)
		return NULL;
	void *n = realloc(ptr, nsize);
	if (n)
		h->mem_used = h->mem_used - osize + nsize;
	return n;
}

static void lh_count_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	struct lhost *h = lhost_of(L);
	h->spent += lua_gethookcount(L);
	if (h->spent > h->budget) {
		/* From now on every instruction raises, so a guest that catches the
		 * error with pcall cannot run on: the next instruction fails again. */
		if (lua_gethookcount(L) != 1)
			lua_sethook(L, lh_count_hook, LUA_MASKCOUNT, 1);
		h->tight = 1;
		luaL_error(
		    L, "instruction budget exceeded: more than %I instructions in one call (lua.instruction_budget)",
		    (lua_Integer)h->budget);
	}
}

/* Each call starts with a fresh budget and the normal check interval. */
static void reset_budget(struct lhost *h)
{
	h->spent = 0;
	if (h->tight) {
		lua_sethook(h->L, lh_count_hook, LUA_MASKCOUNT, LH_HOOK_STEP);
		h->tight = 0;
	}
}

static int lh_traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/* A failed call leaves its status and message: keep a readable copy. */
static int call_failed(struct lhost *h, int st)
{
	const char *msg = lua_tostring(h->L, -1);
	if (st == LUA_ERRMEM)
		snprintf(h->err, sizeof(h->err),
		         "not enough memory: the strategy reached its cap of %zu MiB (lua.memory_limit_mb)",
		         h->mem_limit >> 20);
	else if (st == LUA_ERRERR)
		snprintf(h->err, sizeof(h->err), "error while handling an error (%s)", msg ? msg : "?");
	else
		snprintf(h->err, sizeof(h->err), "%s", msg ? msg : "(no message)");
	return KE_ESCRIPT;
}

/* Calls the function below nargs arguments with a traceback handler and a
 * fresh budget. On error h->err holds the message and KE_ESCRIPT returns. */
static int lh_pcall(struct lhost *h, int nargs, int nresults)
{
	lua_State *L = h->L;
	int base = lua_gettop(L) - nargs;
	lua_pushcfunction(L, lh_traceback);
	lua_insert(L, base);
	reset_budget(h);
	int st = lua_pcall(L, nargs, nresults, base);
	int rc = KE_OK;
	if (st != LUA_OK) {
		rc = call_failed(h, st);
		lua_pop(L, 1);
	}
	lua_remove(L, base);
	return rc;
}

/* The per-event path pushes handler, hook, ctx and arguments in call order
 * (no stack rotation): begin_call returns the handler's index. */
static int begin_call(struct lhost *h, int hook_ref)
{
	lua_State *L = h->L;
	lua_pushcfunction(L, lh_traceback);
	lua_rawgeti(L, LUA_REGISTRYINDEX, hook_ref);
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_ctx);
	return lua_gettop(L) - 2;
}

static int end_call(struct lhost *h, int base)
{
	lua_State *L = h->L;
	reset_budget(h);
	int st = lua_pcall(L, lua_gettop(L) - base - 1, 0, base);
	int rc = st == LUA_OK ? KE_OK : call_failed(h, st);
	lua_settop(L, base - 1);
	return rc;
}

/* ---- reading the strategy table ---- */

struct load_args {
	struct lhost *h;
	const char *params_lua;
	int history[CORE_HIST_KINDS]; /* s.history: bars wanted before the run */
	const char *symbols;
	const char *name_override;
	char name[64];
};

/* The config may trade the strategy on other symbols than it names: the
 * override replaces s.symbols itself, so the strategy sees it too. */
static void override_symbols(lua_State *L, const char *symbols)
{
	if (!symbols || !*symbols)
		return;
	if (strcmp(symbols, "*") == 0) {
		lua_pushnil(L);
	} else {
		lua_newtable(L);
		lua_Integer n = 0;
		for (const char *p = symbols; *p;) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			lua_pushlstring(L, p, len);
			lua_rawseti(L, -2, ++n);
			p += len + (comma ? 1 : 0);
		}
	}
	lua_setfield(L, 1, "symbols");
}

static void merge_params(lua_State *L, int params, const char *params_lua)
{
	if (!params_lua)
		return;
	if (luaL_loadbufferx(L, params_lua, strlen(params_lua), "=config params", "t") != LUA_OK)
		lua_error(L);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		luaL_error(L, "config params must be a table");
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pushvalue(L, -2);
		lua_rawget(L, params);
		if (lua_isnil(L, -1))
			luaL_error(L, "config sets params.%s, which the strategy does not declare in s.params",
			           lua_type(L, -3) == LUA_TSTRING ? lua_tostring(L, -3) : "?");
		lua_pop(L, 1);
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, params);
	}
	lua_pop(L, 1);
}

/* s.history = { ["1d"] = N, ["1m"] = M }: the daily and one-minute bars
 * the strategy wants to see before its run starts (ctx:history). */
static int read_history(lua_State *L, struct load_args *a)
{
	static const char *const kinds[CORE_HIST_KINDS] = {"1d", "1m"};
	static const int max[CORE_HIST_KINDS] = {CORE_HIST_MAX_DAILY, CORE_HIST_MAX_MINUTE};
	lua_getfield(L, 1, "history");
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return 0;
	}
	if (!lua_istable(L, -1))
		return luaL_error(L, "s.history must be a table such as { [\"1d\"] = 60, [\"1m\"] = 120 }");
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		int k = -1;
		for (int i = 0; i < CORE_HIST_KINDS && lua_type(L, -2) == LUA_TSTRING; i++)
			if (strcmp(lua_tostring(L, -2), kinds[i]) == 0)
				k = i;
		if (k < 0)
			return luaL_error(L, "s.history: unknown key (\"1d\" daily bars, \"1m\" one-minute bars)");
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > max[k])
			return luaL_error(L, "s.history[\"%s\"] must be a whole number of bars from 1 to %d", kinds[k],
			                  max[k]);
		a->history[k] = (int)lua_tointeger(L, -1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return 0;
}

/* Protected: validates the table the file returned (at index 1) and wires
 * hooks, params and symbols. */
static int lh_read_strategy(lua_State *L)
{
	struct load_args *a = lua_touserdata(L, 2);
	struct lhost *h = a->h;
	if (!lua_istable(L, 1))
		return luaL_error(L, "the strategy file must return a table (it returned a %s)", luaL_typename(L, 1));
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		if (lua_type(L, -2) == LUA_TSTRING) {
			const char *k = lua_tostring(L, -2);
			int known = 0;
			for (int i = 0; i < LH_NHOOKS; i++) {
				if (strcmp(k, hook_names[i]) == 0) {
					if (!lua_isfunction(L, -1))
						return luaL_error(L, "s.%s must be a function", k);
					lua_pushvalue(L, -1);
					h->ref_hook[i] = luaL_ref(L, LUA_REGISTRYINDEX);
					known = 1;
				}
			}
			if (!known && strncmp(k, "on_", 3) == 0)
				return luaL_error(
				    L,
				    "unknown hook s.%s (hooks: on_start, on_tick, on_bar, on_fill, on_order, "
				    "on_market_open, on_market_close, on_stop)",
				    k);
		}
		lua_pop(L, 1);
	}
	lua_getfield(L, 1, "name");
	if (!lua_isnil(L, -1)) {
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "s.name must be a string");
		snprintf(a->name, sizeof(a->name), "%s", lua_tostring(L, -1));
	}
	lua_pop(L, 1);
	if (a->name_override)
		snprintf(h->name, sizeof(h->name), "%s", a->name_override);
	else if (a->name[0])
		snprintf(h->name, sizeof(h->name), "%s", a->name);
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_ctx);
	lua_pushstring(L, h->name);
	lua_setfield(L, -2, "name");
	lua_pop(L, 1);

	/* ctx.params: a copy of s.params with the config's overrides. */
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_ctx);
	int ctx = lua_gettop(L);
	lua_newtable(L);
	int params = lua_gettop(L);
	lua_getfield(L, 1, "params");
	if (!lua_isnil(L, -1)) {
		if (!lua_istable(L, -1))
			return luaL_error(L, "s.params must be a table");
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, params);
		}
	}
	lua_pop(L, 1);
	merge_params(L, params, a->params_lua);
	lua_setfield(L, ctx, "params");

	override_symbols(L, a->symbols);
	lua_getfield(L, 1, "symbols");
	if (!lua_isnil(L, -1)) {
		/* Raw access only, here and when subscribing: a metatable must not
		 * make the list look different to the check and to its use. */
		if (!lua_istable(L, -1) || lua_getmetatable(L, -1))
			return luaL_error(L, "s.symbols must be a list of symbol codes (a plain table, no metatable)");
		lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
		if (n == 0)
			return luaL_error(L, "s.symbols is empty: name the symbols, or leave it out for every symbol");
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, -1, i);
			size_t len = 0;
			if (lua_type(L, -1) != LUA_TSTRING || (lua_tolstring(L, -1, &len), len == 0) ||
			    len >= KE_SYMBOL_MAX)
				return luaL_error(L, "s.symbols[%I] must be a string such as \"005930\"", i);
			lua_pop(L, 1);
		}
	}
	lua_setfield(L, ctx, "symbols");
	lua_pop(L, 1);
	return read_history(L, a);
}

/* ---- hooks the core calls ---- */

static int hk_simple(void *impl, int which)
{
	struct lhost *h = impl;
	return end_call(h, begin_call(h, h->ref_hook[which]));
}

static int hk_on_start(void *impl)
{
	return hk_simple(impl, LH_ON_START);
}

static int hk_on_stop(void *impl)
{
	return hk_simple(impl, LH_ON_STOP);
}

static int hk_on_market_open(void *impl)
{
	return hk_simple(impl, LH_ON_MARKET_OPEN);
}

static int hk_on_market_close(void *impl)
{
	return hk_simple(impl, LH_ON_MARKET_CLOSE);
}

static int hk_on_tick(void *impl, const struct tick *t)
{
	struct lhost *h = impl;
	int base = begin_call(h, h->ref_hook[LH_ON_TICK]);
	lua_rawgeti(h->L, LUA_REGISTRYINDEX, h->ref_tick_view);
	h->cur_tick = t;
	int rc = end_call(h, base);
	h->cur_tick = NULL;
	return rc;
}

static int hk_on_bar(void *impl, const struct bar *b)
{
	struct lhost *h = impl;
	int base = begin_call(h, h->ref_hook[LH_ON_BAR]);
	lua_rawgeti(h->L, LUA_REGISTRYINDEX, h->ref_bar_view);
	h->cur_bar = b;
	int rc = end_call(h, base);
	h->cur_bar = NULL;
	return rc;
}

/* Building the argument table allocates, so it runs protected too. */
static int push_fill_p(lua_State *L)
{
	lhost_push_fill(lhost_of(L), lua_touserdata(L, 1));
	return 1;
}

static int push_order_p(lua_State *L)
{
	lhost_push_order(lhost_of(L), lua_touserdata(L, 1));
	return 1;
}

static int hk_with_table(struct lhost *h, int which, lua_CFunction build, const void *arg)
{
	lua_State *L = h->L;
	int base = begin_call(h, h->ref_hook[which]);
	lua_pushcfunction(L, build);
	lua_pushlightuserdata(L, (void *)arg);
	/* Building the table allocates, so it runs protected as well. */
	int st = lua_pcall(L, 1, 1, base);
	if (st != LUA_OK) {
		int rc = call_failed(h, st);
		lua_settop(L, base - 1);
		return rc;
	}
	return end_call(h, base);
}

static int hk_on_fill(void *impl, const struct fill *f)
{
	return hk_with_table(impl, LH_ON_FILL, push_fill_p, f);
}

static int hk_on_order(void *impl, const struct order *o)
{
	return hk_with_table(impl, LH_ON_ORDER, push_order_p, o);
}

static int hk_on_timer(void *impl, int64_t timer_id, int64_t ref, int final)
{
	(void)ref;
	struct lhost *h = impl;
	lua_State *L = h->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_timers);
	int timers = lua_gettop(L);
	lua_pushcfunction(L, lh_traceback);
	lua_rawgeti(L, timers, timer_id);
	if (final) {
		lua_pushnil(L);
		lua_rawseti(L, timers, timer_id);
	}
	if (!lua_isfunction(L, -1)) { /* cancelled meanwhile */
		lua_settop(L, timers - 1);
		return KE_OK;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_ctx);
	int rc = end_call(h, timers + 1);
	lua_settop(L, timers - 1);
	return rc;
}

static void hk_drop_timer(void *impl, int64_t timer_id, int64_t ref)
{
	(void)ref;
	struct lhost *h = impl;
	lua_rawgeti(h->L, LUA_REGISTRYINDEX, h->ref_timers);
	lua_pushnil(h->L);
	lua_rawseti(h->L, -2, timer_id);
	lua_pop(h->L, 1);
}

/* ctx.state for the live journal (see lstate.c). */
static int hk_save_state(void *impl, char **blob, size_t *len)
{
	struct lhost *h = impl;
	lua_State *L = h->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_ctx);
	lua_pushliteral(L, "state");
	lua_rawget(L, -2);
	int rc = lstate_save(L, -1, blob, len, h->err, sizeof(h->err));
	lua_pop(L, 2);
	return rc;
}

static int hk_load_state(void *impl, const char *blob, size_t len)
{
	struct lhost *h = impl;
	lua_State *L = h->L;
	int rc = lstate_load(L, blob, len, h->err, sizeof(h->err));
	if (rc != KE_OK)
		return rc;
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_ctx);
	lua_insert(L, -2);
	lua_pushliteral(L, "state");
	lua_insert(L, -2);
	lua_rawset(L, -3);
	lua_pop(L, 1);
	return KE_OK;
}

static const char *hk_last_error(void *impl)
{
	return ((struct lhost *)impl)->err;
}

static void hk_destroy(void *impl)
{
	struct lhost *h = impl;
	h->closed = 1; /* nothing that runs while the state closes may reach the core */
	if (h->L)
		lua_close(h->L);
	free(h);
}

/* ---- loading ---- */

/* Protected: libraries, sandbox, ctx and the views. */
static int lh_setup(lua_State *L)
{
	struct lhost *h = lua_touserdata(L, 1);
	uint64_t *seed = lua_touserdata(L, 2);
	lhost_open_sandbox(h, *seed);
	lua_newtable(L);
	h->ref_symbols = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	h->ref_symids = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	h->ref_timers = luaL_ref(L, LUA_REGISTRYINDEX);
	lhost_push_ctx(h);
	h->ref_ctx = luaL_ref(L, LUA_REGISTRYINDEX);
	lhost_make_views(h);
	return 0;
}

static void default_name(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(out, len, "%s", base);
	char *dot = strrchr(out, '.');
	if (dot && strcmp(dot, ".lua") == 0)
		*dot = '\0';
}

static int subscribe_symbols(struct lhost *h, char *err, size_t errlen)
{
	lua_State *L = h->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_ctx);
	lua_getfield(L, -1, "symbols");
	int rc = KE_OK;
	if (lua_istable(L, -1)) {
		lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
		for (lua_Integer i = 1; i <= n && rc == KE_OK; i++) {
			lua_rawgeti(L, -1, i);
			int32_t sym;
			const char *code = lua_tostring(L, -1);
			rc = code ? core_symbol_intern(h->core, code, &sym) : KE_EINVAL;
			if (rc == KE_OK)
				rc = core_subscribe(h->core, h->idx, sym);
			else
				snprintf(err, errlen, "%s: bad symbol code '%s' in s.symbols", h->name,
				         code ? code : "?");
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 2);
	return rc;
}

int luahost_load(struct core *core, const struct luahost_options *opt, const struct luahost_spec *spec,
                 int *out_strategy, char *err, size_t errlen)
{
	struct lhost *h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return KE_ENOMEM;
	}
	h->core = core;
	h->mem_limit = opt->memory_limit ? opt->memory_limit : LUAHOST_DEFAULT_MEMORY;
	h->budget = opt->instruction_budget > 0 ? opt->instruction_budget : LUAHOST_DEFAULT_BUDGET;
	snprintf(h->lib_dir, sizeof(h->lib_dir), "%s", opt->lib_dir ? opt->lib_dir : "strategies/lib");
	for (int i = 0; i < LH_NHOOKS; i++)
		h->ref_hook[i] = LUA_NOREF;
	default_name(spec->path, h->name, sizeof(h->name));
	h->idx = -1;

	h->L = lua_newstate(lh_alloc, h);
	if (!h->L) {
		snprintf(err, errlen, "%s: cannot create a Lua state (memory cap too small?)", spec->path);
		hk_destroy(h);
		return KE_ENOMEM;
	}
	lua_State *L = h->L;
	*(struct lhost **)lua_getextraspace(L) = h;
	lua_sethook(L, lh_count_hook, LUA_MASKCOUNT, LH_HOOK_STEP);

	uint64_t seed = opt->seed;
	lua_pushcfunction(L, lh_setup);
	lua_pushlightuserdata(L, h);
	lua_pushlightuserdata(L, &seed);
	int rc = lh_pcall(h, 2, 0);
	if (rc != KE_OK) {
		snprintf(err, errlen, "%s: setting up the Lua sandbox failed: %s", spec->path, h->err);
		hk_destroy(h);
		return KE_ENOMEM;
	}

	int st = luaL_loadfilex(L, spec->path, "t");
	if (st != LUA_OK) {
		snprintf(err, errlen, "%s", lua_tostring(L, -1));
		hk_destroy(h);
		return st == LUA_ERRFILE ? KE_EIO : KE_EINVAL;
	}
	/* The file's top level runs under the same budget and memory cap. */
	struct load_args args = {
	    .h = h, .params_lua = spec->params_lua, .symbols = spec->symbols, .name_override = spec->name};
	if (lh_pcall(h, 0, 1) != KE_OK) {
		snprintf(err, errlen, "%s: error while loading: %s", spec->path, h->err);
		hk_destroy(h);
		return KE_ESCRIPT;
	}
	lua_pushcfunction(L, lh_read_strategy);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, &args);
	if (lh_pcall(h, 2, 0) != KE_OK) {
		snprintf(err, errlen, "%s: %s", spec->path, h->err);
		hk_destroy(h);
		return KE_EINVAL;
	}

	struct strategy_hooks hooks = {
	    .on_start = h->ref_hook[LH_ON_START] != LUA_NOREF ? hk_on_start : NULL,
	    .on_tick = h->ref_hook[LH_ON_TICK] != LUA_NOREF ? hk_on_tick : NULL,
	    .on_bar = h->ref_hook[LH_ON_BAR] != LUA_NOREF ? hk_on_bar : NULL,
	    .on_fill = h->ref_hook[LH_ON_FILL] != LUA_NOREF ? hk_on_fill : NULL,
	    .on_order = h->ref_hook[LH_ON_ORDER] != LUA_NOREF ? hk_on_order : NULL,
	    .on_timer = hk_on_timer,
	    .on_market_open = h->ref_hook[LH_ON_MARKET_OPEN] != LUA_NOREF ? hk_on_market_open : NULL,
	    .on_market_close = h->ref_hook[LH_ON_MARKET_CLOSE] != LUA_NOREF ? hk_on_market_close : NULL,
	    .on_stop = h->ref_hook[LH_ON_STOP] != LUA_NOREF ? hk_on_stop : NULL,
	    .drop_timer = hk_drop_timer,
	    .save_state = hk_save_state,
	    .load_state = hk_load_state,
	    .last_error = hk_last_error,
	    .destroy = hk_destroy,
	};
	struct strategy_spec ss = {
	    .name = h->name, .cash = spec->cash, .risk = spec->risk, .halt_on_error = spec->halt_on_error};
	rc = core_add_strategy(core, &ss, &hooks, h, &h->idx);
	if (rc != KE_OK) {
		snprintf(err, errlen, "%s: cannot register the strategy: %s", spec->path, ke_strerror(rc));
		return rc; /* the core destroyed h */
	}
	rc = subscribe_symbols(h, err, errlen);
	if (rc != KE_OK)
		return rc; /* h belongs to the core now */
	for (int k = 0; k < CORE_HIST_KINDS; k++)
		core_set_history_need(core, h->idx, (enum core_history_kind)k, args.history[k]);
	*out_strategy = h->idx;
	return KE_OK;
}
