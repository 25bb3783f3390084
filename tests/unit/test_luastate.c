/*
 * test_luastate.c - ctx.state's text (engine/lua/lstate.c) driven directly
 * on a bare lua_State, where test_lstate.c goes through a strategy file:
 * every byte 0..255 in strings, integer/float kinds and their edges (-0.0,
 * subnormals, 2^63 as a float), sort order independent of how the table
 * was built, every refusal with its exact message, the size / depth /
 * table-count limits at their boundaries, damaged texts (every prefix,
 * flipped bytes, random token soup), and memory exhaustion of a capped
 * state (no crash, nothing leaked, nothing left on the stack). The last
 * tests go through the Lua host: load_state replaces ctx.state before
 * on_start, and a damaged blob leaves the empty one.
 */

#include <lauxlib.h>
#include <lualib.h>

#include "luahost_harness.h"

/* lstate_* and its limits are private to engine/lua: its header is the
 * only declaration of them. */
#include "../../engine/lua/lhost_internal.h"

/* ---- a bare state with a memory cap ---- */

struct capped {
	size_t used, limit;
};

static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct capped *m = ud;
	if (!ptr)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		m->used -= osize;
		return NULL;
	}
	if (nsize > osize && m->used - osize + nsize > m->limit)
		return NULL;
	void *n = realloc(ptr, nsize);
	if (n)
		m->used = m->used - osize + nsize;
	return n;
}

static lua_State *new_state(struct capped *m)
{
	m->used = 0;
	m->limit = (size_t)256 << 20;
	lua_State *L = lua_newstate(capped_alloc, m);
	assert_non_null(L);
	luaL_openlibs(L);
	return L;
}

/* Runs chunk, which returns one value, and leaves that value on the stack. */
static void eval(lua_State *L, const char *chunk)
{
	if (luaL_loadstring(L, chunk) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
		fail_msg("chunk failed: %s", lua_tostring(L, -1));
}

/* Saves the value on top (left there) and returns the malloc'd text. */
static char *save_ok(lua_State *L, size_t *len)
{
	char err[512] = "";
	char *blob = NULL;
	int top = lua_gettop(L);
	int rc = lstate_save(L, -1, &blob, len, err, sizeof(err));
	if (rc != KE_OK)
		fail_msg("save failed (%d): %s", rc, err);
	assert_int_equal(lua_gettop(L), top);
	assert_non_null(blob);
	return blob;
}

/* Loads text; on KE_OK the table is pushed (exactly one value). */
static int load(lua_State *L, const char *blob, size_t len, char *err, size_t errlen)
{
	int top = lua_gettop(L);
	int rc = lstate_load(L, blob, len, err, errlen);
	assert_int_equal(lua_gettop(L), top + (rc == KE_OK ? 1 : 0));
	if (rc == KE_OK)
		assert_int_equal(lua_type(L, -1), LUA_TTABLE);
	return rc;
}

/* Deep comparison of the two values on top (popped): same types, same
 * integer/float kind, same values, -0.0 kept apart from 0.0. */
static void assert_same_deep(lua_State *L)
{
	static const char eq[] =
	    "local function eq(a, b, path)\n"
	    "  if type(a) ~= type(b) or math.type(a) ~= math.type(b) then\n"
	    "    error(path .. ': ' .. tostring(math.type(a) or type(a)) .. ' vs ' .. tostring(math.type(b) or "
	    "type(b)))\n"
	    "  end\n"
	    "  if type(a) == 'table' then\n"
	    "    for k, v in pairs(a) do eq(v, b[k], path .. '/' .. tostring(k)) end\n"
	    "    for k in pairs(b) do if a[k] == nil then error(path .. ': extra key ' .. tostring(k)) end end\n"
	    "  elseif a ~= b or (type(a) == 'number' and a == 0 and 1 / a ~= 1 / b) then\n"
	    "    error(path .. ': ' .. tostring(a) .. ' vs ' .. tostring(b))\n"
	    "  end\n"
	    "end\n"
	    "eq(...)";
	if (luaL_loadstring(L, eq) != LUA_OK)
		fail_msg("%s", lua_tostring(L, -1));
	lua_insert(L, -3);
	lua_pushliteral(L, "state");
	if (lua_pcall(L, 3, 0, 0) != LUA_OK)
		fail_msg("not the same after the round trip: %s", lua_tostring(L, -1));
}

/* ---- exact text ---- */

static void test_exact_text(void **state)
{
	(void)state;
	struct capped m;
	lua_State *L = new_state(&m);
	eval(L, "return { [3] = 'c', [-1] = -1, b = false, a = 0.5, [''] = true, e = {}, [0] = 2.0, z = -0.0 }");
	size_t len;
	char *blob = save_ok(L, &len);
	/* Integer keys ascending (-1, 0, 3), then strings bytewise ("" < "a" <
	 * "b" < "e" < "z"). Floats in %a: 2.0 = 1 x 2^1 -> 0x1p+1, 0.5 = 1 x
	 * 2^-1 -> 0x1p-1, -0.0 -> -0x0p+0; integers decimal. */
	const char *want = "{[-1]=-1,[0]=0x1p+1,[3]=\"c\",[\"\"]=true,[\"a\"]=0x1p-1,[\"b\"]=false,[\"e\"]={},"
	                   "[\"z\"]=-0x0p+0}";
	assert_int_equal(len, strlen(want));
	assert_memory_equal(blob, want, len);
	free(blob);

	/* The empty table alone is "{}". */
	lua_newtable(L);
	blob = save_ok(L, &len);
	assert_int_equal(len, 2);
	assert_memory_equal(blob, "{}", 2);
	free(blob);
	lua_close(L);
}

/* Every byte 0..255, as the rule says: printable ASCII (0x20..0x7e) raw
 * except '"' and '\\', every other byte as \xHH in lower case. */
static void test_every_byte(void **state)
{
	(void)state;
	struct capped m;
	lua_State *L = new_state(&m);
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	lua_newtable(L);
	lua_pushlstring(L, all, sizeof(all));
	lua_rawseti(L, -2, 1);
	lua_pushlstring(L, all, sizeof(all));
	lua_pushboolean(L, 1);
	lua_rawset(L, -3); /* the same bytes as a key */
	size_t len;
	char *blob = save_ok(L, &len);

	char want_str[256 * 4 + 3];
	size_t n = 0;
	want_str[n++] = '"';
	for (int c = 0; c < 256; c++) {
		if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\')
			want_str[n++] = (char)c;
		else
			n += (size_t)snprintf(want_str + n, 5, "\\x%02x", c);
	}
	want_str[n++] = '"';
	want_str[n] = '\0';
	/* 256 bytes: 95 printable minus 2 = 93 raw, 163 escaped x 4 = 652,
	 * plus 2 quotes = 747. */
	assert_int_equal(n, 747);
	char want[4096];
	snprintf(want, sizeof(want), "{[1]=%s,[%s]=true}", want_str, want_str);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(blob, want, len);

	char err[256];
	assert_int_equal(load(L, blob, len, err, sizeof(err)), KE_OK);
	assert_same_deep(L);
	free(blob);
	lua_close(L);
}

static void test_numbers_round_trip(void **state)
{
	(void)state;
	struct capped m;
	lua_State *L = new_state(&m);
	eval(L, "return {\n"
	        "  math.maxinteger, math.mininteger, -1, 0, 1, -0.0, 0.0, 2.0, -2.0, 0.1, 1/3,\n"
	        "  2^53, 2^53 + 1, 2^63, -2^63, 1e308, 1.7976931348623157e308, 2.2250738585072014e-308,\n"
	        "  5e-324, -5e-324, 1e-310, 123456789.123456789,\n"
	        "  keys = { [math.maxinteger] = 'max', [math.mininteger] = 'min', [2.0] = 'two', [-7] = 'neg' },\n"
	        "}");
	size_t len;
	char *blob = save_ok(L, &len);
	char err[256];
	assert_int_equal(load(L, blob, len, err, sizeof(err)), KE_OK);
	/* t[2.0] is t[2] in Lua: the key comes back an integer, as it went. */
	lua_getfield(L, -1, "keys");
	lua_rawgeti(L, -1, 2);
	assert_string_equal(lua_tostring(L, -1), "two");
	lua_pop(L, 2);
	assert_same_deep(L);
	/* The extremes of the integers, by hand: 2^63 - 1 and -2^63. */
	assert_non_null(strstr(blob, "{[1]=9223372036854775807,[2]=-9223372036854775808,[3]=-1,[4]=0,[5]=1,"));
	assert_non_null(strstr(blob, "[-9223372036854775808]=\"min\",[-7]=\"neg\",[2]=\"two\","
	                             "[9223372036854775807]=\"max\""));
	free(blob);
	lua_close(L);
}

/* The text depends on the contents only: array part or hash part, order
 * of insertion, keys added and removed on the way. */
static void test_insertion_order_does_not_matter(void **state)
{
	(void)state;
	struct capped m;
	lua_State *L = new_state(&m);
	eval(L, "local t = {}\n"
	        "for i = 1, 300 do t[i] = i * 3 end\n"
	        "for i = 1, 300 do t['k' .. i] = { i, 'v' .. i } end\n"
	        "t[-5] = 0.25\n"
	        "return t");
	size_t len1, len2;
	char *b1 = save_ok(L, &len1);
	eval(L, "local t = {}\n"
	        "for i = 1, 1000 do t['junk' .. i] = i end\n"
	        "t[-5] = 0.25\n"
	        "for i = 300, 1, -1 do t['k' .. i] = { [2] = 'v' .. i } t['k' .. i][1] = i end\n"
	        "for i = 300, 1, -1 do t[i] = i * 3 end\n"
	        "for i = 1, 1000 do t['junk' .. i] = nil end\n"
	        "return t");
	char *b2 = save_ok(L, &len2);
	assert_int_equal(len1, len2);
	assert_memory_equal(b1, b2, len1);
	/* Integers first (-5 then 1..300), strings bytewise ("k1" < "k10" <
	 * "k100" < "k101" ...). */
	assert_memory_equal(b1, "{[-5]=0x1p-2,[1]=3,[2]=6,", 25);
	assert_non_null(strstr(b1, "[300]=900,[\"k1\"]={[1]=1,[2]=\"v1\"},[\"k10\"]={[1]=10,[2]=\"v10\"},"
	                           "[\"k100\"]={[1]=100,[2]=\"v100\"},[\"k101\"]="));
	free(b1);
	free(b2);
	lua_close(L);
}

/* ---- what cannot be saved ---- */

static void expect_refused(lua_State *L, const char *msg)
{
	char err[512] = "";
	char *blob = NULL;
	size_t len = 12345;
	int top = lua_gettop(L);
	assert_int_equal(lstate_save(L, -1, &blob, &len, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(lua_gettop(L), top);
	assert_null(blob);
	assert_int_equal(len, 12345);
	if (strcmp(err, msg) != 0)
		fail_msg("expected \"%s\", got \"%s\"", msg, err);
	lua_pop(L, 1);
}

static void test_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *chunk, *msg;
	} cases[] = {
	    {"return { prices = { 1, 2, 0/0 } }", "ctx.state.prices[3]: NaN cannot be saved"},
	    {"return { x = 1/0 }", "ctx.state.x: an infinite number cannot be saved"},
	    {"return { x = { [4] = -1/0 } }", "ctx.state.x[4]: an infinite number cannot be saved"},
	    {"return { a = { 1, print } }", "ctx.state.a[2]: a function cannot be saved"},
	    {"return { co = coroutine.create(print) }", "ctx.state.co: a thread cannot be saved"},
	    {"return { io = io.stdout }", "ctx.state.io: a userdata cannot be saved"},
	    {"return { m = setmetatable({}, {}) }", "ctx.state.m: a table with a metatable cannot be saved"},
	    {"return setmetatable({}, { __index = {} })", "ctx.state: a table with a metatable cannot be saved"},
	    {"local t = {} t.me = t return t",
	     "ctx.state.me: a table that appears twice (a cycle or a shared table) cannot be saved"},
	    {"local t = { x = {} } t.x.up = t return t",
	     "ctx.state.x.up: a table that appears twice (a cycle or a shared table) cannot be saved"},
	    /* Sorted: a is written first, so b is the second sight. */
	    {"local s = {} return { b = s, a = s }",
	     "ctx.state.b: a table that appears twice (a cycle or a shared table) cannot be saved"},
	    {"return { t = { [1.5] = 1 } }", "ctx.state.t: a float key cannot be saved"},
	    {"return { [true] = 1 }", "ctx.state: keys must be strings or integers"},
	    {"return { t = { [print] = 1 } }", "ctx.state.t: keys must be strings or integers"},
	    {"return 5", "ctx.state must be a table (it is a number)"},
	    {"return nil", "ctx.state must be a table (it is a nil)"},
	    {"return 'x'", "ctx.state must be a table (it is a string)"},
	};
	struct capped m;
	lua_State *L = new_state(&m);
	for (size_t i = 0; i < KE_ARRAY_LEN(cases); i++) {
		eval(L, cases[i].chunk);
		expect_refused(L, cases[i].msg);
	}
	/* A light userdata, which no Lua code can make. */
	lua_newtable(L);
	lua_pushlightuserdata(L, &m);
	lua_setfield(L, -2, "p");
	expect_refused(L, "ctx.state.p: a userdata cannot be saved");
	assert_int_equal(lua_gettop(L), 0);
	lua_close(L);
}

/* Depth counts the top table as 1: 32 levels save, 33 do not. */
static void test_depth_limit(void **state)
{
	(void)state;
	assert_int_equal(LSTATE_MAX_DEPTH, 32);
	struct capped m;
	lua_State *L = new_state(&m);
	eval(L, "local top = {} local t = top for _ = 2, 32 do t.d = {} t = t.d end return top");
	size_t len;
	char *blob = save_ok(L, &len);
	/* 32 tables: 31 times "{[\"d\"]=" (7 bytes), one "{}", 31 "}":
	 * 31 x 7 + 2 + 31 = 250. */
	assert_int_equal(len, 250);
	char err[256];
	assert_int_equal(load(L, blob, len, err, sizeof(err)), KE_OK);
	assert_same_deep(L);
	free(blob);

	eval(L, "local top = {} local t = top for _ = 2, 33 do t.d = {} t = t.d end return top");
	char msg[256] = "ctx.state";
	for (int i = 0; i < 32; i++) /* the 33rd table is ctx.state.d x 32 */
		strcat(msg, ".d");
	strcat(msg, ": nested too deep to save");
	expect_refused(L, msg);

	/* The reader has the same bound: 33 levels of text are refused, and
	 * so is a flood of braces, without recursing into it. */
	char text[400];
	size_t n = 0;
	for (int i = 0; i < 32; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "{[1]=");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "{}");
	for (int i = 0; i < 32; i++)
		text[n++] = '}';
	assert_int_equal(load(L, text, n, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "nested too deep"));
	assert_int_equal(load(L, text + 5, n - 6, err, sizeof(err)), KE_OK); /* one level less: 32 */
	lua_pop(L, 1);
	char *flood = malloc(100000);
	memset(flood, '{', 100000);
	assert_int_equal(load(L, flood, 100000, err, sizeof(err)), KE_EINVAL);
	free(flood);
	lua_close(L);
}

static void test_size_limit(void **state)
{
	(void)state;
	assert_int_equal(LSTATE_MAX_BYTES, 1048576);
	struct capped m;
	lua_State *L = new_state(&m);
	/* {[1]="<n bytes>"} is n + 8 bytes: n = 2^20 - 8 fits exactly. */
	char *s = malloc(LSTATE_MAX_BYTES);
	memset(s, 'a', LSTATE_MAX_BYTES);
	lua_newtable(L);
	lua_pushlstring(L, s, LSTATE_MAX_BYTES - 8);
	lua_rawseti(L, -2, 1);
	size_t len;
	char *blob = save_ok(L, &len);
	assert_int_equal(len, LSTATE_MAX_BYTES);
	lua_pop(L, 1);
	char err[256];
	assert_int_equal(load(L, blob, len, err, sizeof(err)), KE_OK);
	lua_rawgeti(L, -1, 1);
	assert_int_equal(lua_rawlen(L, -1), LSTATE_MAX_BYTES - 8);
	lua_pop(L, 2);
	free(blob);

	/* One byte more: the value and its quotes still fit (n + 7 = 2^20),
	 * the closing brace of the table does not, and the message names the
	 * table being closed. */
	lua_newtable(L);
	lua_pushlstring(L, s, LSTATE_MAX_BYTES - 7);
	lua_rawseti(L, -2, 1);
	expect_refused(L, "ctx.state: too large to save (more than 1 MiB)");
	/* Two more: the closing quote of the value overflows. */
	lua_newtable(L);
	lua_pushlstring(L, s, LSTATE_MAX_BYTES - 6);
	lua_rawseti(L, -2, 1);
	expect_refused(L, "ctx.state[1]: too large to save (more than 1 MiB)");
	/* Escapes count: 2^18 newlines are 2^20 bytes of text before the
	 * quotes. */
	memset(s, '\n', (size_t)1 << 18);
	lua_newtable(L);
	lua_pushlstring(L, s, (size_t)1 << 18);
	lua_setfield(L, -2, "log");
	expect_refused(L, "ctx.state.log: too large to save (more than 1 MiB)");
	free(s);
	lua_close(L);
}

static void test_table_count_limit(void **state)
{
	(void)state;
	assert_int_equal(LSTATE_MAX_TABLES, 4096);
	struct capped m;
	lua_State *L = new_state(&m);
	/* The top table plus 4095 = 4096 tables: saved. */
	eval(L, "local t = {} for i = 1, 4095 do t[i] = {} end return t");
	size_t len;
	char *blob = save_ok(L, &len);
	lua_pop(L, 1);
	free(blob);
	eval(L, "local t = {} for i = 1, 4096 do t[i] = {} end return t");
	expect_refused(L, "ctx.state[4096]: too many tables to save");
	lua_close(L);
}

/* ---- damaged text ---- */

static const char rich[] = "return { 1, -2, 0.1, true, false, '', 'a\"b\\\\c\\0\\255', {}, { { x = { y = -0.0 } } },\n"
                           "  [-9] = math.mininteger, name = 'keeper', list = { 10, 20, 30 }, [100] = 2^63 }";

static void test_every_prefix_refused(void **state)
{
	(void)state;
	struct capped m;
	lua_State *L = new_state(&m);
	eval(L, rich);
	size_t len;
	char *blob = save_ok(L, &len);
	lua_pop(L, 1);
	char err[256];
	for (size_t n = 0; n < len; n++) {
		/* A copy of exactly n bytes, so ASan sees any read past the end. */
		char *cut = malloc(n ? n : 1);
		memcpy(cut, blob, n);
		if (load(L, cut, n, err, sizeof(err)) != KE_EINVAL)
			fail_msg("a prefix of %zu bytes was accepted", n);
		assert_non_null(strstr(err, "saved ctx.state is damaged at byte "));
		free(cut);
	}
	assert_int_equal(load(L, NULL, 0, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(load(L, blob, len, err, sizeof(err)), KE_OK);
	lua_pop(L, 1);
	free(blob);
	assert_int_equal(lua_gettop(L), 0);
	lua_close(L);
}

/* Whatever is accepted is a state in canonical form once saved again:
 * saving it and reading that back gives the same text. */
static void assert_canonical_if_accepted(lua_State *L, const char *text, size_t n)
{
	char err[256];
	int rc = load(L, text, n, err, sizeof(err));
	if (rc == KE_EINVAL) {
		assert_non_null(strstr(err, "saved ctx.state is damaged at byte "));
		return;
	}
	assert_int_equal(rc, KE_OK);
	size_t l1, l2;
	char *b1 = save_ok(L, &l1);
	assert_int_equal(load(L, b1, l1, err, sizeof(err)), KE_OK);
	char *b2 = save_ok(L, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	lua_pop(L, 2);
	free(b1);
	free(b2);
}

static uint32_t next_rand(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static void test_flipped_bytes_and_garbage(void **state)
{
	(void)state;
	struct capped m;
	lua_State *L = new_state(&m);
	eval(L, rich);
	size_t len;
	char *blob = save_ok(L, &len);
	lua_pop(L, 1);
	char *copy = malloc(len);
	uint32_t seed = 20260302;
	for (int k = 0; k < 3000; k++) {
		memcpy(copy, blob, len);
		int flips = 1 + (int)(next_rand(&seed) % 3);
		for (int f = 0; f < flips; f++)
			copy[next_rand(&seed) % len] ^= (char)(1 + next_rand(&seed) % 255);
		assert_canonical_if_accepted(L, copy, len);
	}
	free(copy);
	free(blob);

	/* Token soup: pieces of the grammar in random order reach deeper into
	 * the reader than random bytes do. */
	static const char *const tok[] = {"{",
	                                  "}",
	                                  "[",
	                                  "]",
	                                  "=",
	                                  ",",
	                                  "\"",
	                                  "\\x",
	                                  "\\x4",
	                                  "\\x41",
	                                  "0",
	                                  "1",
	                                  "-",
	                                  "9223372036854775807",
	                                  "9223372036854775808",
	                                  "-9223372036854775808",
	                                  "0x1p+1",
	                                  "0x1.8p-3",
	                                  "0x",
	                                  "p",
	                                  "e5",
	                                  ".",
	                                  "true",
	                                  "false",
	                                  "tru",
	                                  "nil",
	                                  "{[1]=",
	                                  "{[\"a\"]=",
	                                  "{}",
	                                  "a",
	                                  " ",
	                                  "\n",
	                                  "\x80",
	                                  "\0"};
	char text[256];
	for (int k = 0; k < 20000; k++) {
		size_t n = 0;
		int ntok = 1 + (int)(next_rand(&seed) % 24);
		for (int t = 0; t < ntok; t++) {
			const char *p = tok[next_rand(&seed) % KE_ARRAY_LEN(tok)];
			size_t pl = *p ? strlen(p) : 1; /* "\0" is one NUL byte */
			if (n + pl > sizeof(text))
				break;
			memcpy(text + n, p, pl);
			n += pl;
		}
		char *exact = malloc(n ? n : 1);
		memcpy(exact, text, n);
		assert_canonical_if_accepted(L, exact, n);
		free(exact);
	}
	/* And plain random bytes. */
	for (int k = 0; k < 2000; k++) {
		size_t n = next_rand(&seed) % 64;
		char *exact = malloc(n ? n : 1);
		for (size_t i = 0; i < n; i++)
			exact[i] = (char)next_rand(&seed);
		if (n)
			exact[0] = '{';
		assert_canonical_if_accepted(L, exact, n);
		free(exact);
	}
	assert_int_equal(lua_gettop(L), 0);
	lua_close(L);
}

static void test_damage_messages(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
	    /* Byte offsets counted from 0: "{[1]=1}" is 7 bytes, so the 'x' is
	     * at 7. */
	    {"{[1]=1}x", "saved ctx.state is damaged at byte 7: extra bytes after the table"},
	    {"", "saved ctx.state is damaged at byte 0: '{' expected"},
	    {"return {}", "saved ctx.state is damaged at byte 0: '{' expected"},
	    /* '{' 0, '[' 1, '"' 2, 'a' 3, '"' 4, ']' 5, '=' 6, '1' 7, ',' 8,
	     * '[' 9, '"' 10, 'a' 11, '"' 12, ']' 13, '=' 14: the repeat is
	     * seen once "]=" is read, at 15. */
	    {"{[\"a\"]=1,[\"a\"]=2}", "saved ctx.state is damaged at byte 15: a key twice"},
	    /* "1.5" (bytes 2..4) is no integer and has no 'p': refused at 5. */
	    {"{[1.5]=1}", "saved ctx.state is damaged at byte 5: bad number"},
	    {"{[0x1p-1]=1}", "saved ctx.state is damaged at byte 8: a float key"},
	    {"{[1]=1e5}", "saved ctx.state is damaged at byte 8: bad number"},
	    {"{[1]=0x1p+9999}", "saved ctx.state is damaged at byte 14: bad number"},
	    {"{[1]=\"\\q\"}", "saved ctx.state is damaged at byte 7: bad escape"},
	    {"{[1]=\"\\x4\"}", "saved ctx.state is damaged at byte 7: bad escape"},
	    {"{[1]=\"\n\"}", "saved ctx.state is damaged at byte 7: raw byte in a string"},
	    {"{[1]=nil}", "saved ctx.state is damaged at byte 5: a value expected"},
	    {"{[1]=1,}", "saved ctx.state is damaged at byte 7: '[' expected"},
	    {"{ [1]=1}", "saved ctx.state is damaged at byte 1: '[' expected"},
	};
	struct capped m;
	lua_State *L = new_state(&m);
	char err[256];
	for (size_t i = 0; i < KE_ARRAY_LEN(cases); i++) {
		assert_int_equal(load(L, cases[i].text, strlen(cases[i].text), err, sizeof(err)), KE_EINVAL);
		if (strcmp(err, cases[i].msg) != 0)
			fail_msg("%s: expected \"%s\", got \"%s\"", cases[i].text, cases[i].msg, err);
	}
	lua_close(L);
}

/* ---- a capped state running out of memory ---- */

static void test_out_of_memory(void **state)
{
	(void)state;
	struct capped m;
	lua_State *L = new_state(&m);
	eval(L, "local t = {} for i = 1, 2000 do t['key' .. i] = { i, 'value' .. i } end return t");
	size_t len;
	char *blob = save_ok(L, &len);
	char err[256];
	int oom = 0, ok = 0;
	/* Reading: the table needs well over 200 KiB; the cap steps through
	 * that range, so every allocation of the reader fails somewhere. */
	for (size_t room = 0; room < 400000; room += 1999) {
		lua_gc(L, LUA_GCCOLLECT);
		m.limit = m.used + room;
		int rc = load(L, blob, len, err, sizeof(err));
		m.limit = (size_t)256 << 20;
		if (rc == KE_OK) {
			ok++;
			lua_pop(L, 1);
		} else {
			assert_int_equal(rc, KE_ENOMEM);
			assert_string_equal(err, "not enough memory");
			oom++;
		}
	}
	assert_true(oom > 0);
	assert_true(ok > 0);
	/* Saving: the sorted keys live in a Lua userdata (2000 keys x 32 bytes
	 * = 64000 bytes for the top table). */
	for (size_t room = 0; room < 100000; room += 997) {
		lua_gc(L, LUA_GCCOLLECT);
		m.limit = m.used + room;
		char *b = NULL;
		size_t l = 0;
		int top = lua_gettop(L);
		int rc = lstate_save(L, -1, &b, &l, err, sizeof(err));
		m.limit = (size_t)256 << 20;
		assert_int_equal(lua_gettop(L), top);
		if (rc == KE_OK) {
			assert_int_equal(l, len);
			assert_memory_equal(b, blob, len);
			free(b);
		} else {
			assert_int_equal(rc, KE_ENOMEM);
			assert_null(b);
		}
	}
	/* The state is still fine. */
	assert_int_equal(load(L, blob, len, err, sizeof(err)), KE_OK);
	assert_same_deep(L);
	free(blob);
	lua_close(L);
}

/* ---- through the Lua host ---- */

static const char strategy_src[] =
    "local s = { name = 'st', symbols = { '005930' }, params = { kind = 'fwd' } }\n"
    "function s.on_start(ctx)\n"
    "  local k = ctx.params.kind\n"
    "  if k == 'fwd' then\n"
    "    for i = 1, 50 do ctx.state['k' .. i] = i end\n"
    "    ctx.state.list = { 1, 2, 3 }\n"
    "  elseif k == 'rev' then\n"
    "    ctx.state.list = {}\n"
    "    for i = 3, 1, -1 do ctx.state.list[i] = i end\n"
    "    for i = 50, 1, -1 do ctx.state['k' .. i] = i end\n"
    "  elseif k == 'restored' then\n"
    "    ctx:log('restored', ctx.state.k7, math.type(ctx.state.f), ctx.state.s == '\\0\\1\\255', #ctx.state.list)\n"
    "  elseif k == 'empty' then\n"
    "    ctx:log('empty', type(ctx.state), next(ctx.state) == nil)\n"
    "  elseif k == 'thread' then ctx.state.co = coroutine.create(print)\n"
    "  elseif k == 'gone' then ctx.state = nil\n"
    "  end\n"
    "end\n"
    "return s\n";

/* Loads the strategy at path with params.kind = kind. */
static int host_open(struct harness *h, const char *path, const char *kind)
{
	char params[64];
	snprintf(params, sizeof(params), "return { kind = '%s' }", kind);
	harness_init(h);
	struct load_req r = {.file = path, .params_lua = params};
	return must_load(h, &r);
}

static char *write_strategy(char *dir)
{
	assert_non_null(mkdtemp(dir));
	static char path[128];
	snprintf(path, sizeof(path), "%s/st.lua", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(strategy_src, 1, sizeof(strategy_src) - 1, f), sizeof(strategy_src) - 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void started_and_saved(const char *path, const char *kind, char **blob, size_t *len)
{
	struct harness h;
	int idx = host_open(&h, path, kind);
	assert_int_equal(core_start(h.core, T0), KE_OK);
	assert_int_equal(core_strategy_save_state(h.core, idx, blob, len), KE_OK);
	harness_free(&h);
}

static void test_through_the_host(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_luastate.XXXXXX";
	const char *path = write_strategy(dir);

	/* Array part vs hash part, forward vs backward: the same text. */
	char *b1, *b2;
	size_t l1, l2;
	started_and_saved(path, "fwd", &b1, &l1);
	started_and_saved(path, "rev", &b2, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	free(b1);
	free(b2);

	/* load_state before on_start: on_start sees the loaded table, floats
	 * still floats, bytes intact; saved again it is the same text. */
	static const char given[] = "{[\"f\"]=0x1p+1,[\"k7\"]=7,[\"list\"]={[1]=1,[2]=2},[\"s\"]=\"\\x00\\x01\\xff\"}";
	struct harness h;
	int idx = host_open(&h, path, "restored");
	assert_int_equal(core_strategy_load_state(h.core, idx, given, sizeof(given) - 1), KE_OK);
	assert_int_equal(core_start(h.core, T0), KE_OK);
	if (!strstr(h.log, "st: restored 7 float true 2"))
		fail_msg("log: %s", h.log);
	char *again;
	size_t alen;
	assert_int_equal(core_strategy_save_state(h.core, idx, &again, &alen), KE_OK);
	assert_int_equal(alen, sizeof(given) - 1);
	assert_memory_equal(again, given, alen);
	free(again);
	harness_free(&h);

	/* A damaged blob is refused and ctx.state stays the empty table. */
	idx = host_open(&h, path, "empty");
	assert_int_equal(core_strategy_load_state(h.core, idx, given, sizeof(given) - 2), KE_EINVAL);
	assert_non_null(strstr(h.log, "the saved ctx.state cannot be restored: saved ctx.state is damaged at byte"));
	assert_int_equal(core_start(h.core, T0), KE_OK);
	if (!strstr(h.log, "st: empty table true"))
		fail_msg("log: %s", h.log);
	harness_free(&h);

	/* What the strategy put there cannot be saved: the reason is logged. */
	static const struct {
		const char *kind, *msg;
	} bad[] = {
	    {"thread", "ctx.state cannot be saved: ctx.state.co: a thread cannot be saved"},
	    {"gone", "ctx.state cannot be saved: ctx.state must be a table (it is a nil)"},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(bad); i++) {
		idx = host_open(&h, path, bad[i].kind);
		assert_int_equal(core_start(h.core, T0), KE_OK);
		char *b = NULL;
		size_t l = 0;
		assert_int_equal(core_strategy_save_state(h.core, idx, &b, &l), KE_EINVAL);
		assert_null(b);
		if (!strstr(h.log, bad[i].msg))
			fail_msg("no \"%s\" in: %s", bad[i].msg, h.log);
		harness_free(&h);
	}
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact_text),
	    cmocka_unit_test(test_every_byte),
	    cmocka_unit_test(test_numbers_round_trip),
	    cmocka_unit_test(test_insertion_order_does_not_matter),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_size_limit),
	    cmocka_unit_test(test_table_count_limit),
	    cmocka_unit_test(test_every_prefix_refused),
	    cmocka_unit_test(test_flipped_bytes_and_garbage),
	    cmocka_unit_test(test_damage_messages),
	    cmocka_unit_test(test_out_of_memory),
	    cmocka_unit_test(test_through_the_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
