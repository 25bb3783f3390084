/*
 * test_lstate.c - ctx.state saved to bytes and restored (engine/lua/lstate.c
 * through the Lua host's save_state / load_state hooks): exact text,
 * round trips of every kind of value, determinism, every refusal with its
 * key path, and damaged texts (every truncation, flipped bytes) refused
 * without a crash.
 */
#include "luahost_harness.h"

static int load_kind(struct harness *h, const char *kind)
{
	char params[64];
	snprintf(params, sizeof(params), "return { kind = \"%s\" }", kind);
	struct load_req r = {.file = FIX("state_keeper.lua"), .params_lua = params};
	return must_load(h, &r);
}

static void saved(const char *kind, char **blob, size_t *len, int expect_rc)
{
	struct harness h;
	harness_init(&h);
	int idx = load_kind(&h, kind);
	assert_int_equal(core_start(h.core, T0), KE_OK);
	assert_int_equal(core_strategy_save_state(h.core, idx, blob, len), expect_rc);
	if (expect_rc != KE_OK)
		*blob = strdup(h.log); /* the error was logged: hand it back */
	harness_free(&h);
}

static void test_text_is_exact_and_sorted(void **state)
{
	(void)state;
	char *blob;
	size_t len;
	saved("plain", &blob, &len, KE_OK);
	/* Integer keys first ([7]), then strings bytewise (big, bytes, list, n,
	 * small, two); floats in %a form: 0.1 = 0x1.999999999999ap-4,
	 * 3.5 = 0x1.cp+1, 2.0 = 0x1p+1; bytes outside printable ASCII as \xHH. */
	const char *want = "{[7]=0x1.999999999999ap-4,[\"big\"]=9223372036854775807,"
	                   "[\"bytes\"]=\"a\\x22b\\x5cc\\x0a\\x00\\xff\","
	                   "[\"list\"]={[1]=10,[2]=-20,[3]=0x1.cp+1,[4]=true,[5]=false,[6]={[\"deep\"]=\"yes\"}},"
	                   "[\"n\"]=1,[\"small\"]=-9223372036854775808,[\"two\"]=0x1p+1}";
	assert_int_equal(len, strlen(want));
	assert_memory_equal(blob, want, len);
	free(blob);
}

static void test_round_trip_into_a_new_run(void **state)
{
	(void)state;
	char *blob;
	size_t len;
	saved("plain", &blob, &len, KE_OK);
	struct harness h;
	harness_init(&h);
	int idx = load_kind(&h, "restore");
	assert_int_equal(core_strategy_load_state(h.core, idx, blob, len), KE_OK);
	assert_int_equal(core_start(h.core, T0), KE_OK);
	feed(&h, T0 + SEC, 70000, 1, 69900, 70000);
	/* Every value as it was: types too (3.5 and 2.0 floats, the integers
	 * exact). Lua's %q writes the newline escaped, \0 as "\0", 0xff raw. */
	assert_non_null(strstr(h.log, "n=1 bytes=\"a\\\"b\\\\c\\\n\\0\xff\" l2=-20 l3=3.5 l3type=float l5=false "
	                              "deep=yes k7=true big=true small=true two=float"));
	/* Saved again: the same bytes (deterministic). */
	char *again;
	size_t alen;
	assert_int_equal(core_strategy_save_state(h.core, idx, &again, &alen), KE_OK);
	assert_int_equal(alen, len);
	assert_memory_equal(again, blob, len);
	free(again);
	harness_free(&h);
	free(blob);
}

static void test_what_cannot_be_saved(void **state)
{
	(void)state;
	static const struct {
		const char *kind, *msg;
	} cases[] = {
	    {"function", "ctx.state.f: a function cannot be saved"},
	    {"cycle", "ctx.state.me: a table that appears twice (a cycle or a shared table) cannot be saved"},
	    {"shared", "ctx.state.b: a table that appears twice"},
	    {"nan", "ctx.state.x.y: NaN cannot be saved"},
	    {"floatkey", "a float key cannot be saved"},
	    {"meta", "ctx.state.m: a table with a metatable cannot be saved"},
	    {"notable", "ctx.state must be a table (it is a number)"},
	    {"deep", "nested too deep to save"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *log;
		size_t len;
		saved(cases[i].kind, &log, &len, KE_EINVAL);
		if (!strstr(log, cases[i].msg))
			fail_msg("%s: no \"%s\" in: %s", cases[i].kind, cases[i].msg, log);
		free(log);
	}
}

static void test_damaged_text_refused(void **state)
{
	(void)state;
	char *blob;
	size_t len;
	saved("plain", &blob, &len, KE_OK);
	struct harness h;
	harness_init(&h);
	int idx = load_kind(&h, "restore");
	/* Every proper prefix is damaged. */
	for (size_t n = 0; n < len; n++)
		assert_int_equal(core_strategy_load_state(h.core, idx, blob, n), KE_EINVAL);
	/* Flipped bytes: refused or read as some other valid state, never a crash. */
	unsigned seed = 12345;
	char *copy = malloc(len);
	for (int k = 0; k < 2000; k++) {
		memcpy(copy, blob, len);
		seed = seed * 1103515245u + 12345u;
		copy[(seed >> 8) % len] ^= (char)(1 + (seed >> 20) % 255);
		int rc = core_strategy_load_state(h.core, idx, copy, len);
		assert_true(rc == KE_OK || rc == KE_EINVAL);
	}
	free(copy);
	static const char *const bad[] = {"",
	                                  "{",
	                                  "}",
	                                  "{[1]=}",
	                                  "{[1]=1,}",
	                                  "{[1.5]=1}",
	                                  "{[\"a\"]=1,[\"a\"]=2}",
	                                  "{[\"a\"]=\"\\q\"}",
	                                  "{[1]=1}x",
	                                  "{[1]=nil}",
	                                  "{[1]=1e5}",
	                                  "{[1]=0x1p+9999}",
	                                  "return {}",
	                                  "{[1]=99999999999999999999}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (core_strategy_load_state(h.core, idx, bad[i], strlen(bad[i])) != KE_EINVAL)
			fail_msg("accepted a damaged state: %s", bad[i]);
	assert_non_null(strstr(h.log, "the saved ctx.state cannot be restored: saved ctx.state is damaged at byte"));
	/* And an empty table is fine. */
	assert_int_equal(core_strategy_load_state(h.core, idx, "{}", 2), KE_OK);
	harness_free(&h);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_is_exact_and_sorted),
	    cmocka_unit_test(test_round_trip_into_a_new_run),
	    cmocka_unit_test(test_what_cannot_be_saved),
	    cmocka_unit_test(test_damaged_text_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
