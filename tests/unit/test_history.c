/*
 * test_history.c - warm-up history: s.history declares what a strategy
 * wants (checked at load), the core keeps bars per symbol (in time order),
 * and ctx:history hands them over, the last n on request.
 */
#include "luahost_harness.h"

static void test_declared_and_read(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	struct load_req r = {.file = FIX("history_reader.lua")};
	int idx = must_load(&h, &r);
	(void)idx;
	/* history_reader.lua declares 10 daily and 30 minute bars. */
	assert_int_equal(core_history_need(h.core, h.sym, CORE_HIST_DAILY), 10);
	assert_int_equal(core_history_need(h.core, h.sym, CORE_HIST_MINUTE), 30);
	/* Three days, closes 100, 110, 120; bars end at 15:30 KST (T0 is 09:00
	 * of 2026-03-02, so 15:30 is T0 + 6.5 h). */
	struct bar b[3];
	for (int i = 0; i < 3; i++)
		b[i] = (struct bar){.time = T0 - (3 - i) * DAY + 23400000LL,
		                    .open = 100,
		                    .high = 130,
		                    .low = 90,
		                    .close = 100 + 10 * i,
		                    .volume = 5};
	assert_int_equal(core_history_set(h.core, h.sym, CORE_HIST_DAILY, b, 3), KE_OK);
	/* Out of order: refused, the history unchanged. */
	struct bar swapped[2] = {b[1], b[0]};
	assert_int_equal(core_history_set(h.core, h.sym, CORE_HIST_DAILY, swapped, 2), KE_EINVAL);
	assert_int_equal(core_start(h.core, T0), KE_OK);
	core_pump(h.core);
	/* T0 less 3, 2 and 1 days: 2026-02-27, 02-28, 03-01. */
	assert_non_null(strstr(h.log, "HIST daily=3 minute=0 2026-02-27=100 2026-02-28=110 2026-03-01=120"));
	assert_non_null(strstr(h.log, "LAST2 2"));
	harness_free(&h);
}

static void test_bad_declarations(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	int idx;
	struct load_req r = {.file = FIX("history_bad.lua")};
	assert_int_equal(harness_load(&h, &r, &idx), KE_EINVAL);
	assert_non_null(strstr(h.err, "s.history: unknown key (\"1d\" daily bars, \"1m\" one-minute bars)"));
	struct load_req z = {.file = FIX("history_zero.lua")};
	assert_int_equal(harness_load(&h, &z, &idx), KE_EINVAL);
	assert_non_null(strstr(h.err, "s.history[\"1d\"] must be a whole number of bars from 1 to 5000"));
	/* The core's own bounds, on a strategy that loaded. */
	struct load_req ok = {.file = FIX("history_reader.lua")};
	int good = must_load(&h, &ok);
	assert_int_equal(core_set_history_need(h.core, good, CORE_HIST_MINUTE, CORE_HIST_MAX_MINUTE + 1), KE_EINVAL);
	assert_int_equal(core_set_history_need(h.core, good, CORE_HIST_MINUTE, CORE_HIST_MAX_MINUTE), KE_OK);
	assert_int_equal(core_history_need(h.core, h.sym, CORE_HIST_MINUTE), CORE_HIST_MAX_MINUTE);
	harness_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_declared_and_read),
	    cmocka_unit_test(test_bad_declarations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
