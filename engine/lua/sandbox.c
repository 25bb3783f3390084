/*
 * sandbox.c - the libraries a strategy gets, and the guards around them.
 *
 * A strategy may compute anything but reach nothing: no files, no
 * processes, no environment, no clock other than the engine's, nothing
 * that runs outside the instruction budget. Each replacement below closes
 * one such door; the tests in tests/unit/test_luahost.c try each of them.
 */
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <string.h>

#include "ktime.h"
#include "lhost_internal.h"

/* print() goes to the log, as ctx:log does (tab-separated, like stock print). */
static int sb_print(lua_State *L)
{
	lhost_log_values(L, lhost_of(L), 1, '\t');
	return 0;
}

/* load() for text only: a binary chunk can break the VM's invariants. */
static int sb_load(lua_State *L)
{
	int n = lua_gettop(L);
	lua_settop(L, 4);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushliteral(L, "t");
	if (n >= 4)
		lua_pushvalue(L, 4); /* an explicit env, even nil, is passed as given */
	lua_call(L, n >= 4 ? 4 : 3, LUA_MULTRET);
	return lua_gettop(L) - 4;
}

/* Finalizers run with hooks off (outside the budget) and even while the
 * state closes, after the strategy stopped: a metatable with __gc is refused. */
static int sb_setmetatable(lua_State *L)
{
	if (lua_istable(L, 2)) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "finalizers (__gc) are not allowed in strategies");
		lua_pop(L, 1);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* ---- patterns ---- */

/* Counts the repetition items (*, +, -, ?) of a Lua pattern: with k of them
 * the matcher may take about len^k steps inside one C call, where the
 * instruction budget cannot see it. */
static int pattern_repeats(const char *p, size_t len)
{
	int k = 0;
	for (size_t i = 0; i < len;) {
		size_t item = i;
		if (p[i] == '%') {
			if (i + 1 < len && p[i + 1] == 'b') {
				i += 4;
				continue;
			}
			if (i + 1 < len && p[i + 1] == 'f') {
				i += 2; /* then a set, skipped below */
				item = i;
			} else {
				i += 2;
			}
		}
		if (i < len && p[item] == '[') {
			i = item + 1;
			if (i < len && p[i] == '^')
				i++;
			if (i < len && p[i] == ']')
				i++;
			while (i < len && p[i] != ']')
				i += p[i] == '%' ? 2 : 1;
			i++;
		} else if (item == i) {
			i++;
		}
		if (i < len && (p[i] == '*' || p[i] == '+' || p[i] == '-' || p[i] == '?')) {
			k++;
			i++;
		}
	}
	return k;
}

#define SB_PATTERN_WORK 100000000.0 /* about a second of matching, at worst */

/* Wraps string.find/match/gmatch/gsub: refuses a pattern whose worst case
 * (subject length ^ repetitions) is beyond SB_PATTERN_WORK. */
static int sb_pattern(lua_State *L)
{
	size_t slen, plen;
	luaL_checklstring(L, 1, &slen);
	const char *p = luaL_checklstring(L, 2, &plen);
	int plain = lua_toboolean(L, 4) && lua_tointeger(L, lua_upvalueindex(2)) == 1; /* find(s, p, init, plain) */
	if (!plain) {
		int k = pattern_repeats(p, plen);
		double work = 1;
		for (int i = 0; i < k && work <= SB_PATTERN_WORK; i++)
			work *= (double)(slen + 1);
		if (work > SB_PATTERN_WORK)
			return luaL_error(L,
			                  "pattern too costly for the sandbox: %d repetition items on a %d-byte string "
			                  "(shorten the string or simplify the pattern)",
			                  k, (int)slen);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static void guard_patterns(lua_State *L, int string_table)
{
	static const char *const names[] = {"find", "match", "gmatch", "gsub"};
	for (int i = 0; i < 4; i++) {
		lua_getfield(L, string_table, names[i]);
		lua_pushinteger(L, i + 1); /* 1 = find, which has the plain flag */
		lua_pushcclosure(L, sb_pattern, 2);
		lua_setfield(L, string_table, names[i]);
	}
}

/* ---- time: the engine's clock, in KST, whatever the machine's zone ---- */

static int sb_os_time(lua_State *L)
{
	if (lua_isnoneornil(L, 1)) {
		lua_pushinteger(L, core_now(lhost_of(L)->core) / 1000);
		return 1;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	static const char *const fields[] = {"year", "month", "day", "hour", "min", "sec"};
	static const lua_Integer defaults[] = {-1, -1, -1, 12, 0, 0};
	lua_Integer v[6];
	for (int i = 0; i < 6; i++) {
		int ok = 0;
		lua_getfield(L, 1, fields[i]);
		v[i] = lua_isnil(L, -1) ? defaults[i] : lua_tointegerx(L, -1, &ok);
		if ((!lua_isnil(L, -1) && !ok) || v[i] < -1000000 || v[i] > 1000000 || (defaults[i] < 0 && v[i] == -1))
			return luaL_error(L, "os.time: field '%s' missing or out of range", fields[i]);
		lua_pop(L, 1);
	}
	/* A table is read as KST, as os.date shows it; months out of range
	 * roll into years, days/hours/minutes/seconds are linear. */
	lua_Integer y = v[0] + (v[1] - 1) / 12, m = (v[1] - 1) % 12 + 1;
	if (m < 1)
		m += 12, y--;
	int64_t days = ktime_days_from_civil((int)y, (int)m, 1) + (v[2] - 1);
	lua_pushinteger(L, days * 86400 + v[3] * 3600 + v[4] * 60 + v[5] - KTIME_KST_OFFSET_MS / 1000);
	return 1;
}

/* os.date formats in KST: "!fmt" on the time shifted by nine hours. A
 * format that starts with "!" asks for UTC and is passed as given. */
static int sb_os_date(lua_State *L)
{
	const char *fmt = luaL_optstring(L, 1, "%c");
	lua_Integer t = lua_isnoneornil(L, 2) ? core_now(lhost_of(L)->core) / 1000 : luaL_checkinteger(L, 2);
	if (t < 0 || t > 253402300799LL)
		return luaL_error(L, "os.date: time out of range");
	lua_pushvalue(L, lua_upvalueindex(1));
	if (fmt[0] == '!') {
		lua_pushstring(L, fmt);
		lua_pushinteger(L, t);
	} else {
		lua_pushfstring(L, "!%s", fmt);
		lua_pushinteger(L, t + KTIME_KST_OFFSET_MS / 1000);
	}
	lua_call(L, 2, 1);
	return 1;
}

/* math.randomseed() without arguments would seed from the clock. */
static int sb_randomseed(lua_State *L)
{
	if (lua_gettop(L) == 0)
		lua_pushinteger(L, (lua_Integer)lhost_of(L)->seed);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 0);
	return 0;
}

/* ---- modules ---- */

static int valid_module_name(const char *s)
{
	if (!*s || *s == '.')
		return 0;
	for (const char *p = s; *p; p++) {
		int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		         *p == '_' || (*p == '.' && p[1] && p[1] != '.');
		if (!ok)
			return 0;
	}
	return 1;
}

/* require(name) loads strategies/lib/<name>.lua (dots become slashes), once. */
static int sb_require(lua_State *L)
{
	struct lhost *h = lhost_of(L);
	const char *name = luaL_checkstring(L, 1);
	if (!valid_module_name(name))
		return luaL_error(L,
		                  "require '%s': module names are letters, digits, '_' and '.'; "
		                  "only strategies/lib/<name>.lua can be loaded",
		                  name);
	lua_getfield(L, LUA_REGISTRYINDEX, "kis.loaded");
	lua_getfield(L, -1, name);
	if (!lua_isnil(L, -1))
		return 1;
	lua_pop(L, 1);
	char path[4200];
	int n = snprintf(path, sizeof(path), "%s/", h->lib_dir);
	for (const char *p = name; *p && n < (int)sizeof(path) - 5; p++)
		path[n++] = *p == '.' ? '/' : *p;
	snprintf(path + n, sizeof(path) - (size_t)n, ".lua");
	int st = luaL_loadfilex(L, path, "t");
	if (st == LUA_ERRFILE)
		return luaL_error(L, "module '%s' not found: require loads only %s", name, path);
	if (st != LUA_OK)
		return lua_error(L);
	lua_pushstring(L, name);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, name);
	return 1;
}

/* Replaces t[name] by a closure over its old value. */
static void wrap(lua_State *L, int t, const char *name, lua_CFunction fn)
{
	lua_getfield(L, t, name);
	lua_pushcclosure(L, fn, 1);
	lua_setfield(L, t, name);
}

void lhost_open_sandbox(struct lhost *h, uint64_t seed)
{
	static const luaL_Reg libs[] = {
	    {LUA_GNAME, luaopen_base},        {LUA_COLIBNAME, luaopen_coroutine}, {LUA_TABLIBNAME, luaopen_table},
	    {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},    {LUA_UTF8LIBNAME, luaopen_utf8},
	    {LUA_OSLIBNAME, luaopen_os},
	};
	lua_State *L = h->L;
	h->seed = seed;
	for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		luaL_requiref(L, libs[i].name, libs[i].func, 1);
		lua_pop(L, 1);
	}
	lua_pushglobaltable(L);
	int g = lua_gettop(L);
	lua_pushnil(L), lua_setfield(L, g, "dofile");
	lua_pushnil(L), lua_setfield(L, g, "loadfile");
	wrap(L, g, "load", sb_load);
	wrap(L, g, "setmetatable", sb_setmetatable);
	lua_pushcfunction(L, sb_print);
	lua_setfield(L, g, "print");
	lua_pushcfunction(L, sb_require);
	lua_setfield(L, g, "require");

	lua_getfield(L, g, "string");
	lua_pushnil(L), lua_setfield(L, -2, "dump");
	guard_patterns(L, lua_gettop(L));
	lua_pop(L, 1);

	/* os keeps time, date and clock only. */
	lua_getfield(L, g, "os");
	int os = lua_gettop(L);
	lua_createtable(L, 0, 3);
	lua_pushcfunction(L, sb_os_time);
	lua_setfield(L, -2, "time");
	lua_getfield(L, os, "date");
	lua_pushcclosure(L, sb_os_date, 1);
	lua_setfield(L, -2, "date");
	lua_getfield(L, os, "clock");
	lua_setfield(L, -2, "clock");
	lua_setfield(L, g, "os");
	lua_pop(L, 1);
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE); /* no back door to the real os/io modules */
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "kis.loaded");

	/* Lua 5.4 seeds math.random from the clock: reseed for reproducible runs. */
	lua_getfield(L, g, "math");
	int math = lua_gettop(L);
	wrap(L, math, "randomseed", sb_randomseed);
	lua_getfield(L, math, "randomseed");
	lua_call(L, 0, 0);
	lua_settop(L, g - 1);
}
