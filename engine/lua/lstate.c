/*
 * lstate.c - ctx.state as bytes and back (see lhost_internal.h).
 *
 * The text is a Lua-like table constructor, written deterministically:
 * integer keys ascending, then string keys bytewise, so the same state
 * always gives the same bytes (the driver skips writing an unchanged one):
 *
 *     {[1]=2,[3]=true,["name"]="a\x0a",["t"]={["x"]=0.5}}
 *
 * Integers are decimal; floats are hexadecimal (%a), which round-trips
 * exactly and can never be read back as an integer; strings escape every
 * byte outside printable ASCII as \xHH. The reader is a strict parser of
 * exactly this grammar: a journal edited by someone else never runs code.
 *
 * Both directions run inside lua_pcall, so a memory error of the capped
 * state unwinds to the caller; the text being written is a C buffer the
 * caller owns and frees whatever happened, so nothing leaks.
 */
#include <errno.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhost_internal.h"

struct save_job {
	char *buf; /* malloc'd; the caller frees it after the pcall, success or not */
	size_t len, cap;
	int depth;
	const void *seen[LSTATE_MAX_TABLES]; /* tables written so far: no cycles, no sharing */
	int nseen;
	char path[256]; /* where the walk is, for messages */
};

static int fail_at(lua_State *L, const struct save_job *j, const char *what)
{
	return luaL_error(L, "ctx.state%s: %s", j->path, what);
}

static void put(lua_State *L, struct save_job *j, const char *s, size_t n)
{
	if (j->len + n > LSTATE_MAX_BYTES)
		fail_at(L, j, "too large to save (more than 1 MiB)");
	if (j->len + n > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		while (cap < j->len + n)
			cap *= 2;
		char *p = realloc(j->buf, cap);
		if (!p)
			fail_at(L, j, "out of memory");
		j->buf = p;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void put_str(lua_State *L, struct save_job *j, const char *s)
{
	put(L, j, s, strlen(s));
}

static void put_quoted(lua_State *L, struct save_job *j, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	put(L, j, "\"", 1);
	size_t run = 0; /* printable bytes not yet copied */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			run++;
			continue;
		}
		put(L, j, s + i - run, run);
		run = 0;
		char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
		put(L, j, esc, 4);
	}
	put(L, j, s + n - run, run);
	put(L, j, "\"", 1);
}

/* One key of a table being written, for sorting. */
struct key {
	int is_int;
	lua_Integer i;
	const char *s;
	size_t n;
};

static int key_cmp(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;
	if (a->is_int != b->is_int)
		return a->is_int ? -1 : 1;
	if (a->is_int)
		return (a->i > b->i) - (a->i < b->i);
	size_t n = a->n < b->n ? a->n : b->n;
	int c = memcmp(a->s, b->s, n);
	return c ? c : (a->n > b->n) - (a->n < b->n);
}

static void put_value(lua_State *L, struct save_job *j, int idx);

static void put_table(lua_State *L, struct save_job *j, int idx)
{
	idx = lua_absindex(L, idx);
	if (lua_getmetatable(L, idx))
		fail_at(L, j, "a table with a metatable cannot be saved");
	const void *p = lua_topointer(L, idx);
	for (int i = 0; i < j->nseen; i++)
		if (j->seen[i] == p)
			fail_at(L, j, "a table that appears twice (a cycle or a shared table) cannot be saved");
	if (j->nseen == LSTATE_MAX_TABLES)
		fail_at(L, j, "too many tables to save");
	j->seen[j->nseen++] = p;
	if (++j->depth > LSTATE_MAX_DEPTH)
		fail_at(L, j, "nested too deep to save");
	/* The keys, a key and a value per level: a C function has 20 slots. */
	luaL_checkstack(L, 6, "saving ctx.state");
	size_t n = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		n++;
		lua_pop(L, 1);
	}
	/* The keys, sorted; the userdata is Lua's to free. */
	struct key *keys = lua_newuserdatauv(L, (n ? n : 1) * sizeof(*keys), 0);
	size_t k = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		struct key *kk = &keys[k++];
		if (lua_type(L, -1) == LUA_TNUMBER && lua_isinteger(L, -1)) {
			kk->is_int = 1;
			kk->i = lua_tointeger(L, -1);
		} else if (lua_type(L, -1) == LUA_TSTRING) {
			kk->is_int = 0;
			kk->s = lua_tolstring(L, -1, &kk->n); /* the table keeps it alive */
		} else {
			fail_at(L, j,
			        lua_type(L, -1) == LUA_TNUMBER ? "a float key cannot be saved"
			                                       : "keys must be strings or integers");
		}
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	put(L, j, "{", 1);
	size_t path_len = strlen(j->path);
	for (size_t i = 0; i < n; i++) {
		if (i)
			put(L, j, ",", 1);
		if (keys[i].is_int) {
			char num[40];
			snprintf(num, sizeof(num), "[%lld]=", (long long)keys[i].i);
			put_str(L, j, num);
			lua_geti(L, idx, keys[i].i);
			snprintf(j->path + path_len, sizeof(j->path) - path_len, "[%lld]", (long long)keys[i].i);
		} else {
			put(L, j, "[", 1);
			put_quoted(L, j, keys[i].s, keys[i].n);
			put(L, j, "]=", 2);
			lua_pushlstring(L, keys[i].s, keys[i].n);
			lua_rawget(L, idx);
			snprintf(j->path + path_len, sizeof(j->path) - path_len, ".%.*s",
			         (int)(keys[i].n > 40 ? 40 : keys[i].n), keys[i].s);
		}
		put_value(L, j, -1);
		lua_pop(L, 1);
	}
	j->path[path_len] = '\0';
	put(L, j, "}", 1);
	lua_pop(L, 1); /* the keys */
	j->depth--;
}

static void put_value(lua_State *L, struct save_job *j, int idx)
{
	char num[64];
	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN: put_str(L, j, lua_toboolean(L, idx) ? "true" : "false"); return;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			snprintf(num, sizeof(num), "%lld", (long long)lua_tointeger(L, idx));
		} else {
			double d = lua_tonumber(L, idx);
			if (isnan(d))
				fail_at(L, j, "NaN cannot be saved");
			if (isinf(d))
				fail_at(L, j, "an infinite number cannot be saved");
			snprintf(num, sizeof(num), "%a", d);
		}
		put_str(L, j, num);
		return;
	case LUA_TSTRING: {
		size_t n;
		const char *s = lua_tolstring(L, idx, &n);
		put_quoted(L, j, s, n);
		return;
	}
	case LUA_TTABLE: put_table(L, j, idx); return;
	default: fail_at(L, j, lua_pushfstring(L, "a %s cannot be saved", luaL_typename(L, idx)));
	}
}

static int save_protected(lua_State *L)
{
	struct save_job *j = lua_touserdata(L, 2);
	if (!lua_istable(L, 1))
		return luaL_error(L, "ctx.state must be a table (it is a %s)", luaL_typename(L, 1));
	put_table(L, j, 1);
	return 0;
}

int lstate_save(lua_State *L, int idx, char **blob, size_t *len, char *err, size_t errlen)
{
	struct save_job *j = calloc(1, sizeof(*j));
	if (!j) {
		snprintf(err, errlen, "out of memory");
		return KE_ENOMEM;
	}
	idx = lua_absindex(L, idx);
	lua_pushcfunction(L, save_protected);
	lua_pushvalue(L, idx);
	lua_pushlightuserdata(L, j);
	int st = lua_pcall(L, 2, 0, 0);
	if (st != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		snprintf(err, errlen, "%s", msg ? msg : "out of memory");
		lua_pop(L, 1);
		free(j->buf);
		free(j);
		return st == LUA_ERRMEM ? KE_ENOMEM : KE_EINVAL;
	}
	*blob = j->buf ? j->buf : malloc(1);
	*len = j->len;
	free(j);
	if (!*blob) {
		snprintf(err, errlen, "out of memory");
		return KE_ENOMEM;
	}
	return KE_OK;
}

/* ---- reading ---- */

struct load_job {
	const char *p, *end, *start;
	int depth;
};

static int bad(lua_State *L, const struct load_job *j, const char *what)
{
	return luaL_error(L, "saved ctx.state is damaged at byte %d: %s", (int)(j->p - j->start), what);
}

static int peek(const struct load_job *j)
{
	return j->p < j->end ? (unsigned char)*j->p : -1;
}

static void expect(lua_State *L, struct load_job *j, char c)
{
	if (peek(j) != (unsigned char)c) {
		char what[32];
		snprintf(what, sizeof(what), "'%c' expected", c);
		bad(L, j, what);
	}
	j->p++;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void get_string(lua_State *L, struct load_job *j)
{
	expect(L, j, '"');
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (;;) {
		int c = peek(j);
		if (c < 0)
			bad(L, j, "unfinished string");
		j->p++;
		if (c == '"')
			break;
		if (c == '\\') {
			if (j->end - j->p < 3 || j->p[0] != 'x' || hexval(j->p[1]) < 0 || hexval(j->p[2]) < 0)
				bad(L, j, "bad escape");
			luaL_addchar(&b, (char)(hexval(j->p[1]) * 16 + hexval(j->p[2])));
			j->p += 3;
		} else if (c < 0x20 || c >= 0x7f || c == '"') {
			bad(L, j, "raw byte in a string");
		} else {
			luaL_addchar(&b, (char)c);
		}
	}
	luaL_pushresult(&b);
}

/* An integer (decimal) or a float (%a form: contains 'p'). */
static void get_number(lua_State *L, struct load_job *j)
{
	char num[64];
	size_t n = 0;
	while (j->p < j->end && n < sizeof(num) - 1 && strchr("0123456789abcdefxp+-.", *j->p))
		num[n++] = *j->p++;
	num[n] = '\0';
	if (n == 0)
		bad(L, j, "a value expected");
	char *e;
	errno = 0;
	if (strchr(num, 'p') || strchr(num, 'x')) {
		double d = strtod(num, &e);
		if (*e || errno || !isfinite(d) || !strchr(num, 'p'))
			bad(L, j, "bad number");
		lua_pushnumber(L, d);
	} else {
		long long v = strtoll(num, &e, 10);
		if (*e || errno)
			bad(L, j, "bad number");
		lua_pushinteger(L, (lua_Integer)v);
	}
}

static void get_value(lua_State *L, struct load_job *j);

static void get_table(lua_State *L, struct load_job *j)
{
	expect(L, j, '{');
	if (++j->depth > LSTATE_MAX_DEPTH)
		bad(L, j, "nested too deep");
	luaL_checkstack(L, 4, "saved ctx.state");
	lua_newtable(L);
	int first = 1;
	while (peek(j) != '}') {
		if (!first)
			expect(L, j, ',');
		first = 0;
		expect(L, j, '[');
		if (peek(j) == '"')
			get_string(L, j);
		else
			get_number(L, j);
		if (lua_type(L, -1) == LUA_TNUMBER && !lua_isinteger(L, -1))
			bad(L, j, "a float key");
		expect(L, j, ']');
		expect(L, j, '=');
		lua_pushvalue(L, -1);
		lua_rawget(L, -3);
		if (!lua_isnil(L, -1))
			bad(L, j, "a key twice");
		lua_pop(L, 1);
		get_value(L, j);
		lua_rawset(L, -3);
	}
	j->p++;
	j->depth--;
}

static void get_value(lua_State *L, struct load_job *j)
{
	int c = peek(j);
	if (c == '{')
		get_table(L, j);
	else if (c == '"')
		get_string(L, j);
	else if (j->end - j->p >= 4 && memcmp(j->p, "true", 4) == 0)
		j->p += 4, lua_pushboolean(L, 1);
	else if (j->end - j->p >= 5 && memcmp(j->p, "false", 5) == 0)
		j->p += 5, lua_pushboolean(L, 0);
	else
		get_number(L, j);
}

static int load_protected(lua_State *L)
{
	struct load_job *j = lua_touserdata(L, 1);
	lua_settop(L, 0);
	get_table(L, j);
	if (j->p != j->end)
		bad(L, j, "extra bytes after the table");
	return 1;
}

int lstate_load(lua_State *L, const char *blob, size_t len, char *err, size_t errlen)
{
	struct load_job j = {.p = blob, .end = blob + len, .start = blob};
	lua_pushcfunction(L, load_protected);
	lua_pushlightuserdata(L, &j);
	int st = lua_pcall(L, 1, 1, 0);
	if (st != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		snprintf(err, errlen, "%s", msg ? msg : "out of memory");
		lua_pop(L, 1);
		return st == LUA_ERRMEM ? KE_ENOMEM : KE_EINVAL;
	}
	return KE_OK;
}
