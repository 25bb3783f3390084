/*
 * config.c - reads a run configuration written in Lua.
 *
 * The file runs in its own small state with only string, math and table,
 * under an instruction limit, and must return a table. The walker below
 * checks every key against what it knows, so a typo is an error that names
 * the key rather than a setting silently ignored.
 */
#include "config.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktime.h"

#define CFG_INSTRUCTION_LIMIT 100000000

void config_defaults(struct engine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	core_config_default(&cfg->core);
	cfg->fill.participation_ppm = 1000000;
	cfg->cash = 10000000;
	cfg->seed = 1;
	cfg->from_day = -1;
	cfg->to_day = -1;
	memcpy(cfg->kis.env, "mock", 5);
	cfg->kis.rate_per_sec = -1;
	cfg->live.cancel_at_close = 1;
	cfg->live.status_every_s = 60;
}

void config_free(struct engine_config *cfg)
{
	for (int i = 0; i < cfg->nstrategies; i++) {
		free(cfg->strategies[i].params_lua);
		cfg->strategies[i].params_lua = NULL;
	}
}

/* ---- typed readers: each raises a Lua error naming the key ---- */

struct walk {
	struct engine_config *cfg;
	const char *file;
};

static void fail(lua_State *L, const struct walk *w, const char *key, const char *msg)
{
	luaL_error(L, "%s: %s: %s", w->file, key, msg);
}

static void check_keys(lua_State *L, const struct walk *w, int t, const char *where, const char *const *allowed)
{
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		int ok = 0;
		if (lua_type(L, -1) == LUA_TSTRING)
			for (const char *const *a = allowed; *a && !ok; a++)
				ok = strcmp(*a, lua_tostring(L, -1)) == 0;
		if (!ok) {
			char key[160];
			snprintf(key, sizeof(key), "%s%s%s", where, *where ? "." : "",
			         lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?");
			fail(L, w, key, "unknown key");
		}
	}
}

/* Pushes t[k]; returns 0 (and pushes nothing) when absent. */
static int get(lua_State *L, int t, const char *k)
{
	if (lua_getfield(L, t, k) == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	return 1;
}

static int64_t read_int(lua_State *L, const struct walk *w, const char *key, int64_t min, int64_t max)
{
	int ok = 0;
	/* Numbers only: lua_tointegerx would also take the string "100". */
	lua_Integer v = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : 0;
	lua_pop(L, 1);
	if (!ok || v < min || v > max) {
		char msg[128];
		snprintf(msg, sizeof(msg), "must be a whole number from %lld to %lld", (long long)min, (long long)max);
		fail(L, w, key, msg);
	}
	return v;
}

static double read_num(lua_State *L, const struct walk *w, const char *key)
{
	if (lua_type(L, -1) != LUA_TNUMBER)
		fail(L, w, key, "must be a number");
	double v = lua_tonumber(L, -1);
	lua_pop(L, 1);
	return v;
}

static const char *read_str(lua_State *L, const struct walk *w, const char *key)
{
	if (lua_type(L, -1) != LUA_TSTRING)
		fail(L, w, key, "must be a string");
	return lua_tostring(L, -1); /* stays on the stack: the caller pops */
}

static void copy_str(lua_State *L, const struct walk *w, const char *key, char *dst, size_t len)
{
	const char *s = read_str(L, w, key);
	if (strlen(s) >= len)
		fail(L, w, key, "is too long");
	memcpy(dst, s, strlen(s) + 1);
	lua_pop(L, 1);
}

static int32_t read_date(lua_State *L, const struct walk *w, const char *key)
{
	int32_t day;
	if (ktime_parse_date(read_str(L, w, key), &day) != KE_OK)
		fail(L, w, key, "must be a date \"YYYY-MM-DD\"");
	lua_pop(L, 1);
	return day;
}

static int64_t read_rate(lua_State *L, const struct walk *w, const char *key)
{
	int64_t ppb;
	if (fee_rate_from_fraction(read_num(L, w, key), &ppb) != KE_OK)
		fail(L, w, key, "must be a fraction from 0 to below 1 (0.00015 is 0.015%)");
	return ppb;
}

static void read_risk(lua_State *L, const struct walk *w, const char *where, struct risk_limits *r)
{
	static const char *const keys[] = {"max_order_value",       "max_position_value", "max_open_orders",
	                                   "max_orders_per_minute", "daily_loss_limit",   NULL};
	char key[160];
	if (!lua_istable(L, -1))
		fail(L, w, where, "must be a table");
	int t = lua_gettop(L);
	check_keys(L, w, t, where, keys);
#define RISK_FIELD(name, max)                                                                                          \
	snprintf(key, sizeof(key), "%s." #name, where);                                                                \
	if (get(L, t, #name))                                                                                          \
		r->name = read_int(L, w, key, 0, max);
	RISK_FIELD(max_order_value, INT64_MAX / 4)
	RISK_FIELD(max_position_value, INT64_MAX / 4)
	RISK_FIELD(max_open_orders, 1000000)
	RISK_FIELD(max_orders_per_minute, RISK_RATE_WINDOW_MAX)
	RISK_FIELD(daily_loss_limit, INT64_MAX / 4)
#undef RISK_FIELD
	lua_pop(L, 1);
}

static void read_fees(lua_State *L, const struct walk *w, struct fee_model *m)
{
	static const char *const keys[] = {"commission", "tax", NULL};
	if (!lua_istable(L, -1))
		fail(L, w, "fees", "must be a table");
	int t = lua_gettop(L);
	check_keys(L, w, t, "fees", keys);
	if (get(L, t, "commission"))
		m->commission_ppb = read_rate(L, w, "fees.commission");
	if (get(L, t, "tax")) {
		if (!lua_istable(L, -1))
			fail(L, w, "fees.tax", "must be a table { [\"YYYY-MM-DD\"] = rate, ... }");
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			int32_t day;
			if (lua_type(L, -2) != LUA_TSTRING || ktime_parse_date(lua_tostring(L, -2), &day) != KE_OK)
				fail(L, w, "fees.tax",
				     "keys must be dates \"YYYY-MM-DD\" (the first trade date of a rate)");
			int64_t ppb = read_rate(L, w, "fees.tax");
			if (fee_set_tax_rate(m, ktime_yyyymmdd(day), ppb) != KE_OK)
				fail(L, w, "fees.tax", "too many rates");
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

static void read_fill(lua_State *L, const struct walk *w, struct config_fill *f)
{
	static const char *const keys[] = {"slippage_ticks", "latency_ms", "participation", NULL};
	if (!lua_istable(L, -1))
		fail(L, w, "fill", "must be a table");
	int t = lua_gettop(L);
	check_keys(L, w, t, "fill", keys);
	if (get(L, t, "slippage_ticks"))
		f->slippage_ticks = (int)read_int(L, w, "fill.slippage_ticks", 0, 1000);
	if (get(L, t, "latency_ms"))
		f->latency_ms = read_int(L, w, "fill.latency_ms", 0, 86400000);
	if (get(L, t, "participation")) {
		double p = read_num(L, w, "fill.participation");
		if (!(p > 0 && p <= 1))
			fail(L, w, "fill.participation", "must be a fraction above 0 and at most 1");
		f->participation_ppm = llround(p * 1e6);
		if (f->participation_ppm < 1)
			f->participation_ppm = 1;
	}
	lua_pop(L, 1);
}

static void read_kis(lua_State *L, const struct walk *w, struct config_kis *k)
{
	static const char *const keys[] = {
	    "env",          "base_url",         "ws_url",           "ca_file", "secrets_file", "token_cache_dir",
	    "rate_per_sec", "order_timeout_ms", "query_timeout_ms", "poll_ms", "hashkey",      NULL};
	if (!lua_istable(L, -1))
		fail(L, w, "kis", "must be a table");
	int t = lua_gettop(L);
	check_keys(L, w, t, "kis", keys);
	if (get(L, t, "env")) {
		const char *v = read_str(L, w, "kis.env");
		if (strcmp(v, "mock") != 0 && strcmp(v, "real") != 0)
			fail(L, w, "kis.env", "must be \"mock\" or \"real\"");
		copy_str(L, w, "kis.env", k->env, sizeof(k->env));
	}
	if (get(L, t, "base_url"))
		copy_str(L, w, "kis.base_url", k->base_url, sizeof(k->base_url));
	if (get(L, t, "ws_url"))
		copy_str(L, w, "kis.ws_url", k->ws_url, sizeof(k->ws_url));
	if (get(L, t, "ca_file"))
		copy_str(L, w, "kis.ca_file", k->ca_file, sizeof(k->ca_file));
	if (get(L, t, "secrets_file"))
		copy_str(L, w, "kis.secrets_file", k->secrets_file, sizeof(k->secrets_file));
	if (get(L, t, "token_cache_dir"))
		copy_str(L, w, "kis.token_cache_dir", k->token_cache_dir, sizeof(k->token_cache_dir));
	if (get(L, t, "rate_per_sec"))
		k->rate_per_sec = (int)read_int(L, w, "kis.rate_per_sec", -1, 10000);
	if (get(L, t, "order_timeout_ms"))
		k->order_timeout_ms = read_int(L, w, "kis.order_timeout_ms", 100, 600000);
	if (get(L, t, "query_timeout_ms"))
		k->query_timeout_ms = read_int(L, w, "kis.query_timeout_ms", 100, 600000);
	if (get(L, t, "poll_ms"))
		k->poll_ms = read_int(L, w, "kis.poll_ms", 100, 3600000);
	if (get(L, t, "hashkey")) {
		if (!lua_isboolean(L, -1))
			fail(L, w, "kis.hashkey", "must be true or false");
		k->hashkey = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

static int read_bool(lua_State *L, const struct walk *w, const char *key)
{
	if (!lua_isboolean(L, -1))
		fail(L, w, key, "must be true or false");
	int v = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

static void read_holidays(lua_State *L, const struct walk *w, struct config_live *lv)
{
	if (!lua_istable(L, -1))
		fail(L, w, "live.holidays", "must be a list of dates \"YYYY-MM-DD\"");
	int t = lua_gettop(L);
	lua_Integer n = luaL_len(L, t);
	if (n > CONFIG_MAX_HOLIDAYS)
		fail(L, w, "live.holidays", "at most 64 dates");
	for (lua_Integer i = 1; i <= n; i++) {
		char key[40];
		snprintf(key, sizeof(key), "live.holidays[%lld]", (long long)i);
		lua_rawgeti(L, t, i);
		lv->holidays[lv->nholidays++] = read_date(L, w, key);
	}
	lua_pop(L, 1);
}

static void read_live(lua_State *L, const struct walk *w, struct config_live *lv)
{
	static const char *const keys[] = {
	    "mode",           "feed_clock", "journal",        "halt_file", "cancel_at_close",
	    "cancel_on_stop", "holidays",   "status_every_s", "log_json",  NULL};
	if (!lua_istable(L, -1))
		fail(L, w, "live", "must be a table");
	int t = lua_gettop(L);
	check_keys(L, w, t, "live", keys);
	if (get(L, t, "mode")) {
		const char *v = read_str(L, w, "live.mode");
		if (strcmp(v, "paper") != 0 && strcmp(v, "mock") != 0 && strcmp(v, "real") != 0)
			fail(L, w, "live.mode", "must be \"paper\", \"mock\" or \"real\"");
		copy_str(L, w, "live.mode", lv->mode, sizeof(lv->mode));
	}
	if (get(L, t, "feed_clock")) {
		if (!lua_isboolean(L, -1))
			fail(L, w, "live.feed_clock", "must be true or false");
		lv->feed_clock = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	if (get(L, t, "journal"))
		copy_str(L, w, "live.journal", lv->journal, sizeof(lv->journal));
	if (get(L, t, "halt_file"))
		copy_str(L, w, "live.halt_file", lv->halt_file, sizeof(lv->halt_file));
	if (get(L, t, "cancel_at_close"))
		lv->cancel_at_close = read_bool(L, w, "live.cancel_at_close");
	if (get(L, t, "cancel_on_stop"))
		lv->cancel_on_stop = read_bool(L, w, "live.cancel_on_stop");
	if (get(L, t, "log_json"))
		lv->log_json = read_bool(L, w, "live.log_json");
	if (get(L, t, "status_every_s"))
		lv->status_every_s = read_int(L, w, "live.status_every_s", 0, 86400);
	if (get(L, t, "holidays"))
		read_holidays(L, w, lv);
	lua_pop(L, 1);
}

/* A deterministic serializer for params (keys sorted), run inside the
 * config state; the strategy's own state evaluates its output. */
static const char serializer[] =
    "local function ser(v, depth)\n"
    "  if depth > 20 then error('params nest too deeply') end\n"
    "  local t = type(v)\n"
    "  if t == 'number' then\n"
    "    if math.type(v) == 'integer' then return string.format('%d', v) end\n"
    "    return string.format('%.17g', v)\n"
    "  elseif t == 'string' then return string.format('%q', v)\n"
    "  elseif t == 'boolean' then return tostring(v)\n"
    "  elseif t == 'table' then\n"
    "    local keys = {}\n"
    "    for k in pairs(v) do\n"
    "      if type(k) ~= 'string' and math.type(k) ~= 'integer' then error('params keys must be strings or integers') "
    "end\n"
    "      keys[#keys + 1] = k\n"
    "    end\n"
    "    table.sort(keys, function(a, b)\n"
    "      if type(a) == type(b) then return a < b end\n"
    "      return type(a) == 'number' end)\n"
    "    local out = {}\n"
    "    for _, k in ipairs(keys) do\n"
    "      local ks = type(k) == 'string' and string.format('[%q]', k) or ('[' .. k .. ']')\n"
    "      out[#out + 1] = ks .. '=' .. ser(v[k], depth + 1)\n"
    "    end\n"
    "    return '{' .. table.concat(out, ',') .. '}'\n"
    "  end\n"
    "  error('params values must be numbers, strings, booleans or tables (got ' .. t .. ')')\n"
    "end\n"
    "return function(v) return 'return ' .. ser(v, 0) end\n";

static char *serialize_params(lua_State *L, const struct walk *w, const char *key)
{
	if (!lua_istable(L, -1))
		fail(L, w, key, "must be a table");
	if (luaL_loadbufferx(L, serializer, sizeof(serializer) - 1, "=serializer", "t") != LUA_OK)
		lua_error(L);
	lua_call(L, 0, 1);
	lua_insert(L, -2);
	if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
		/* "serializer:25: params values must be ..." -> the message after the position. */
		const char *msg = lua_tostring(L, -1);
		const char *colon = msg ? strstr(msg, ": ") : NULL;
		fail(L, w, key, colon ? colon + 2 : "cannot be read");
	}
	size_t n;
	const char *s = lua_tolstring(L, -1, &n);
	char *copy = malloc(n + 1);
	if (!copy)
		luaL_error(L, "out of memory");
	memcpy(copy, s, n + 1);
	lua_pop(L, 1);
	return copy;
}

/* A Lua list: keys exactly 1..n. Returns n. */
static int list_len(lua_State *L, const struct walk *w, const char *key)
{
	if (!lua_istable(L, -1))
		fail(L, w, key, "must be a list { ... }");
	int n = (int)luaL_len(L, -1), count = 0;
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pop(L, 1);
		count++;
	}
	if (count != n)
		fail(L, w, key, "must be a list { a, b, ... } without named keys");
	return n;
}

/* symbols = "*" | { "005930", ... } -> "*" or "005930,000660". */
static void read_symbols(lua_State *L, const struct walk *w, const char *key, char *out, size_t len)
{
	if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "*") == 0) {
		snprintf(out, len, "*");
		lua_pop(L, 1);
		return;
	}
	int n = list_len(L, w, key);
	size_t used = 0;
	if (n == 0)
		fail(L, w, key, "must name at least one symbol, or be \"*\" for every symbol");
	for (int i = 1; i <= n; i++) {
		lua_geti(L, -1, i);
		const char *code = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		size_t cl = code ? strlen(code) : 0;
		int ok = cl > 0 && cl < KE_SYMBOL_MAX;
		for (size_t j = 0; ok && j < cl; j++)
			ok = (code[j] >= '0' && code[j] <= '9') || (code[j] >= 'A' && code[j] <= 'Z') ||
			     (code[j] >= 'a' && code[j] <= 'z');
		if (!ok)
			fail(L, w, key, "must be \"*\" or a list of symbol codes such as \"005930\"");
		if (used + cl + 2 > len)
			fail(L, w, key, "lists too many symbols");
		used += (size_t)snprintf(out + used, len - used, "%s%s", i > 1 ? "," : "", code);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

static void read_strategy(lua_State *L, const struct walk *w, int i, struct config_strategy *s)
{
	static const char *const keys[] = {
	    "file", "name", "cash", "params", "risk", "on_error", "symbols", "max_data_age_ms", NULL};
	char where[64], key[128];
	snprintf(where, sizeof(where), "strategies[%d]", i);
	memset(s, 0, sizeof(*s));
	s->cash = -1;
	s->halt_on_error = 1;
	if (lua_type(L, -1) == LUA_TSTRING) { /* a bare file name */
		copy_str(L, w, where, s->file, sizeof(s->file));
		return;
	}
	if (!lua_istable(L, -1))
		fail(L, w, where, "must be a table { file = ..., params = ... } or a file name");
	int t = lua_gettop(L);
	check_keys(L, w, t, where, keys);
	snprintf(key, sizeof(key), "%s.file", where);
	if (!get(L, t, "file"))
		fail(L, w, key, "is required");
	copy_str(L, w, key, s->file, sizeof(s->file));
	snprintf(key, sizeof(key), "%s.name", where);
	if (get(L, t, "name"))
		copy_str(L, w, key, s->name, sizeof(s->name));
	snprintf(key, sizeof(key), "%s.cash", where);
	if (get(L, t, "cash"))
		s->cash = read_int(L, w, key, 0, INT64_MAX / 4);
	snprintf(key, sizeof(key), "%s.risk", where);
	if (get(L, t, "risk"))
		read_risk(L, w, key, &s->risk);
	snprintf(key, sizeof(key), "%s.on_error", where);
	if (get(L, t, "on_error")) {
		const char *v = read_str(L, w, key);
		if (strcmp(v, "halt") != 0 && strcmp(v, "continue") != 0)
			fail(L, w, key, "must be \"halt\" or \"continue\"");
		s->halt_on_error = strcmp(v, "halt") == 0;
		lua_pop(L, 1);
	}
	snprintf(key, sizeof(key), "%s.max_data_age_ms", where);
	if (get(L, t, "max_data_age_ms"))
		s->max_data_age_ms = read_int(L, w, key, 0, CORE_MAX_DELAY);
	snprintf(key, sizeof(key), "%s.symbols", where);
	if (get(L, t, "symbols"))
		read_symbols(L, w, key, s->symbols, sizeof(s->symbols));
	snprintf(key, sizeof(key), "%s.params", where);
	if (get(L, t, "params"))
		s->params_lua = serialize_params(L, w, key);
	lua_pop(L, 1);
}

static void read_lua_opts(lua_State *L, const struct walk *w, struct engine_config *cfg)
{
	static const char *const keys[] = {"instruction_budget", "memory_limit_mb", "seed", NULL};
	if (!lua_istable(L, -1))
		fail(L, w, "lua", "must be a table");
	int t = lua_gettop(L);
	check_keys(L, w, t, "lua", keys);
	if (get(L, t, "instruction_budget"))
		cfg->instruction_budget = read_int(L, w, "lua.instruction_budget", 10000, INT64_MAX / 4);
	if (get(L, t, "memory_limit_mb"))
		cfg->memory_limit = (size_t)read_int(L, w, "lua.memory_limit_mb", 1, 1 << 20) << 20;
	if (get(L, t, "seed"))
		cfg->seed = (uint64_t)read_int(L, w, "lua.seed", 0, INT64_MAX);
	lua_pop(L, 1);
}

static int cfg_walk(lua_State *L)
{
	struct walk *w = lua_touserdata(L, 2);
	struct engine_config *cfg = w->cfg;
	static const char *const keys[] = {"cash",          "fees",       "market_buy_reserve",
	                                   "reserve_ticks", "fill",       "risk",
	                                   "lua",           "strategies", "data",
	                                   "from",          "to",         "out",
	                                   "kis",           "live",       NULL};
	if (!lua_istable(L, 1))
		return luaL_error(L, "%s: the config file must return a table (it returned a %s)", w->file,
		                  luaL_typename(L, 1));
	check_keys(L, w, 1, "", keys);
	if (get(L, 1, "cash"))
		cfg->cash = read_int(L, w, "cash", 1, INT64_MAX / 4);
	if (get(L, 1, "fees"))
		read_fees(L, w, &cfg->core.fees);
	if (get(L, 1, "market_buy_reserve")) {
		const char *v = read_str(L, w, "market_buy_reserve");
		if (strcmp(v, "upper_limit") == 0)
			cfg->core.market_reserve = CORE_RESERVE_UPPER_LIMIT;
		else if (strcmp(v, "last_price") == 0)
			cfg->core.market_reserve = CORE_RESERVE_LAST_PRICE;
		else
			fail(L, w, "market_buy_reserve", "must be \"upper_limit\" or \"last_price\"");
		lua_pop(L, 1);
	}
	if (get(L, 1, "reserve_ticks"))
		cfg->core.reserve_ticks = (int)read_int(L, w, "reserve_ticks", 0, 1000);
	if (get(L, 1, "fill"))
		read_fill(L, w, &cfg->fill);
	if (get(L, 1, "risk"))
		read_risk(L, w, "risk", &cfg->core.risk);
	if (get(L, 1, "lua"))
		read_lua_opts(L, w, cfg);
	if (get(L, 1, "from"))
		cfg->from_day = read_date(L, w, "from");
	if (get(L, 1, "to"))
		cfg->to_day = read_date(L, w, "to");
	if (get(L, 1, "out"))
		copy_str(L, w, "out", cfg->out_dir, sizeof(cfg->out_dir));
	if (get(L, 1, "kis"))
		read_kis(L, w, &cfg->kis);
	if (get(L, 1, "live"))
		read_live(L, w, &cfg->live);
	if (get(L, 1, "data")) {
		int n = list_len(L, w, "data");
		if (n > CONFIG_MAX_DATA)
			fail(L, w, "data", "lists too many files");
		for (int i = 1; i <= n; i++) {
			char key[32];
			snprintf(key, sizeof(key), "data[%d]", i);
			lua_geti(L, -1, i);
			copy_str(L, w, key, cfg->data[i - 1], CONFIG_PATH_MAX);
		}
		cfg->ndata = n;
		lua_pop(L, 1);
	}
	if (get(L, 1, "strategies")) {
		int n = list_len(L, w, "strategies");
		if (n > CONFIG_MAX_STRATEGIES)
			fail(L, w, "strategies", "lists too many strategies");
		config_free(cfg);
		cfg->nstrategies = 0;
		for (int i = 1; i <= n; i++) {
			lua_geti(L, -1, i);
			read_strategy(L, w, i, &cfg->strategies[i - 1]);
			cfg->nstrategies = i;
		}
		lua_pop(L, 1);
	}
	return 0;
}

static void cfg_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	luaL_error(L, "the config file ran too long (more than %d instructions)", CFG_INSTRUCTION_LIMIT);
}

static int cfg_traceback(lua_State *L)
{
	luaL_traceback(L, L, lua_tostring(L, 1), 1);
	return 1;
}

#define CFG_MEMORY_LIMIT (64u << 20)

/* A config is small: a cap keeps a runaway one from exhausting the machine. */
static void *cfg_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	size_t *used = ud;
	if (!ptr)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		*used -= osize;
		return NULL;
	}
	if (nsize > osize && *used - osize + nsize > CFG_MEMORY_LIMIT)
		return NULL;
	void *n = realloc(ptr, nsize);
	if (n)
		*used = *used - osize + nsize;
	return n;
}

int config_load(const char *path, struct engine_config *cfg, char *err, size_t errlen)
{
	size_t used = 0;
	lua_State *L = lua_newstate(cfg_alloc, &used);
	if (!L) {
		snprintf(err, errlen, "%s: out of memory", path);
		return KE_ENOMEM;
	}
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	int rc = KE_OK;
	int st = luaL_loadfilex(L, path, "t");
	if (st != LUA_OK) {
		snprintf(err, errlen, "%s", lua_tostring(L, -1));
		rc = st == LUA_ERRFILE ? KE_EIO : KE_EINVAL;
		goto out;
	}
	/* The chunk's environment: only pure libraries. */
	lua_newtable(L);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	lua_setfield(L, -2, "string");
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	lua_setfield(L, -2, "math");
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	lua_setfield(L, -2, "table");
	/* The base library goes into the real globals (the serializer uses
	 * them); the config sees only its pure functions. */
	luaL_requiref(L, LUA_GNAME, luaopen_base, 0);
	static const char *const pure[] = {"pairs",    "ipairs", "next",  "select", "tostring",
	                                   "tonumber", "type",   "error", "assert", NULL};
	for (const char *const *f = pure; *f; f++) {
		lua_getfield(L, -1, *f);
		lua_setfield(L, -3, *f);
	}
	lua_pop(L, 1);
	lua_setupvalue(L, -2, 1);
	lua_sethook(L, cfg_hook, LUA_MASKCOUNT, CFG_INSTRUCTION_LIMIT);
	lua_pushcfunction(L, cfg_traceback);
	lua_insert(L, 1);
	if (lua_pcall(L, 0, 1, 1) != LUA_OK) {
		snprintf(err, errlen, "%s: %s", path, lua_tostring(L, -1));
		rc = KE_EINVAL;
		goto out;
	}
	lua_sethook(L, NULL, 0, 0);
	struct walk w = {cfg, path};
	lua_pushcfunction(L, cfg_walk);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, &w);
	if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
		snprintf(err, errlen, "%s", lua_tostring(L, -1));
		rc = KE_EINVAL;
	}
out:
	lua_close(L);
	return rc;
}

int config_allocate_cash(struct engine_config *cfg, char *err, size_t errlen)
{
	int64_t assigned = 0;
	int open = 0;
	for (int i = 0; i < cfg->nstrategies; i++) {
		if (cfg->strategies[i].cash >= 0)
			assigned += cfg->strategies[i].cash;
		else
			open++;
	}
	if (assigned > cfg->cash) {
		snprintf(err, errlen, "the strategies' cash allocations (%lld KRW) exceed the total cash %lld KRW",
		         (long long)assigned, (long long)cfg->cash);
		return KE_EINVAL;
	}
	int64_t rest = cfg->cash - assigned, first = 1;
	for (int i = 0; i < cfg->nstrategies; i++) {
		if (cfg->strategies[i].cash >= 0)
			continue;
		int64_t share = rest / open;
		cfg->strategies[i].cash = share + (first ? rest % open : 0);
		first = 0;
	}
	return KE_OK;
}
