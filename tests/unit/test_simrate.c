/*
 * test_simrate.c - kis-sim's per-account REST rate limit.
 *
 * The clock is a number the tests move; T = 5000 ms sits on a wall-clock
 * second boundary (5 * 1000), T + 300 inside a second, which is where the
 * sliding and the fixed windows differ.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "ke_common.h"
#include "simacct.h"
#include "simauth.h"
#include "simrate.h"

#define T 5000LL

static struct simrate *make(int per_sec, enum simrate_window w, int nkeys)
{
	struct simrate_config cfg;
	simrate_config_default(&cfg, SIMACCT_MOCK);
	cfg.per_sec = per_sec;
	cfg.window = w;
	struct simrate *r = NULL;
	assert_int_equal(simrate_new(&cfg, nkeys, &r), KE_OK);
	return r;
}

static int at(struct simrate *r, int key, int64_t now)
{
	struct simauth_reply rep;
	int rc = simrate_check(r, key, now, &rep);
	if (rc == KE_OK) {
		assert_int_equal(rep.status, 200);
		assert_int_equal(rep.shape, SIMAUTH_SHAPE_NONE);
	}
	return rc;
}

static void test_defaults(void **state)
{
	(void)state;
	struct simrate_config cfg;
	simrate_config_default(&cfg, SIMACCT_MOCK);
	assert_int_equal(cfg.per_sec, 1);
	assert_int_equal(cfg.window, SIMRATE_SLIDING);
	assert_int_equal(cfg.status, 500);
	simrate_config_default(&cfg, SIMACCT_REAL);
	assert_int_equal(cfg.per_sec, 18);
}

static void test_reply(void **state)
{
	(void)state;
	struct simrate *r = make(1, SIMRATE_SLIDING, 1);
	struct simauth_reply rep;
	assert_int_equal(simrate_check(r, 0, T, &rep), KE_OK);
	assert_int_equal(simrate_check(r, 0, T + 1, &rep), KE_ELIMIT);
	/* EGW00201 in the rt_cd "1" envelope, HTTP 500 (kis-protocol.md §6). */
	assert_int_equal(rep.status, 500);
	assert_int_equal(rep.shape, SIMAUTH_SHAPE_ENVELOPE);
	assert_string_equal(rep.rt_cd, "1");
	assert_string_equal(rep.code, "EGW00201");
	assert_string_equal(rep.message, "초당 거래건수를 초과하였습니다.");
	simrate_free(r);

	struct simrate_config cfg;
	simrate_config_default(&cfg, SIMACCT_MOCK);
	cfg.status = 200; /* a 200 variant is reported too ([O]) */
	assert_int_equal(simrate_new(&cfg, 1, &r), KE_OK);
	assert_int_equal(simrate_check(r, 0, T, &rep), KE_OK);
	assert_int_equal(simrate_check(r, 0, T, &rep), KE_ELIMIT);
	assert_int_equal(rep.status, 200);
	assert_string_equal(rep.code, "EGW00201");
	simrate_free(r);
}

static void test_mock_sliding(void **state)
{
	(void)state;
	struct simrate *r = make(1, SIMRATE_SLIDING, 1);
	assert_int_equal(at(r, 0, T), KE_OK);
	assert_int_equal(at(r, 0, T + 999), KE_ELIMIT); /* T is still within (T-1, T+999] */
	assert_int_equal(at(r, 0, T + 1000), KE_OK);    /* T has left (T, T+1000] */
	assert_int_equal(at(r, 0, T + 1999), KE_ELIMIT);
	/* Mid-second the window is the same: 1000 ms after the last accepted. */
	assert_int_equal(at(r, 0, T + 2300), KE_OK);
	assert_int_equal(at(r, 0, T + 3299), KE_ELIMIT);
	assert_int_equal(at(r, 0, T + 3300), KE_OK);
	simrate_free(r);
}

static void test_mock_fixed(void **state)
{
	(void)state;
	struct simrate *r = make(1, SIMRATE_FIXED, 1);
	assert_int_equal(at(r, 0, T), KE_OK);           /* second 5 */
	assert_int_equal(at(r, 0, T + 999), KE_ELIMIT); /* still second 5 */
	assert_int_equal(at(r, 0, T + 1000), KE_OK);    /* second 6 */
	/* Mid-second: T + 2300 is second 7, T + 2999 too, T + 3000 is second 8,
	 * only 700 ms after the last accepted request - fixed windows allow it. */
	assert_int_equal(at(r, 0, T + 2300), KE_OK);
	assert_int_equal(at(r, 0, T + 2999), KE_ELIMIT);
	assert_int_equal(at(r, 0, T + 3000), KE_OK);
	simrate_free(r);
}

static void test_real_sliding(void **state)
{
	(void)state;
	struct simrate *r = make(18, SIMRATE_SLIDING, 1);
	/* 18 requests at T .. T+17 ms pass; the 19th at T+999 does not. */
	for (int i = 0; i < 18; i++)
		assert_int_equal(at(r, 0, T + i), KE_OK);
	assert_int_equal(at(r, 0, T + 999), KE_ELIMIT);
	/* At T+1000 the one at T has left: one place. (T, T+1000] then holds
	 * T+1 .. T+17 (17) and T+1000: 18, so a second request at T+1000 is
	 * refused; at T+1001 the one at T+1 has left too. */
	assert_int_equal(at(r, 0, T + 1000), KE_OK);
	assert_int_equal(at(r, 0, T + 1000), KE_ELIMIT);
	assert_int_equal(at(r, 0, T + 1001), KE_OK);

	struct simrate_counters c;
	simrate_counters(r, 0, &c);
	assert_int_equal(c.allowed, 20); /* 18 + 1 + 1 */
	assert_int_equal(c.rejected, 2);
	simrate_free(r);
}

static void test_real_fixed(void **state)
{
	(void)state;
	struct simrate *r = make(18, SIMRATE_FIXED, 1);
	for (int i = 0; i < 18; i++)
		assert_int_equal(at(r, 0, T + 500 + i), KE_OK);
	assert_int_equal(at(r, 0, T + 999), KE_ELIMIT);
	/* Second 6 starts fresh: 18 more, 500 ms after the first burst. */
	for (int i = 0; i < 18; i++)
		assert_int_equal(at(r, 0, T + 1000 + i), KE_OK);
	assert_int_equal(at(r, 0, T + 1999), KE_ELIMIT);
	simrate_free(r);
}

static void test_per_account(void **state)
{
	(void)state;
	struct simrate *r = make(1, SIMRATE_SLIDING, 3);
	assert_int_equal(at(r, 0, T), KE_OK);
	assert_int_equal(at(r, 0, T + 1), KE_ELIMIT);
	assert_int_equal(at(r, 1, T + 1), KE_OK); /* another account is not slowed */
	assert_int_equal(at(r, 2, T + 1), KE_OK);
	assert_int_equal(at(r, 1, T + 2), KE_ELIMIT);
	assert_int_equal(at(r, 0, T + 1000), KE_OK);

	struct simrate_counters c;
	simrate_counters(r, 0, &c);
	assert_int_equal(c.allowed, 2);
	assert_int_equal(c.rejected, 1);
	simrate_counters(r, 1, &c);
	assert_int_equal(c.allowed, 1);
	assert_int_equal(c.rejected, 1);
	simrate_counters(r, -1, &c); /* all keys */
	assert_int_equal(c.allowed, 4);
	assert_int_equal(c.rejected, 2);

	/* Keys outside 0 .. nkeys-1 are the caller's mistake. */
	struct simauth_reply rep;
	assert_int_equal(simrate_check(r, 3, T, &rep), KE_EINVAL);
	assert_int_equal(simrate_check(r, -1, T, &rep), KE_EINVAL);
	simrate_free(r);
}

static void test_off(void **state)
{
	(void)state;
	struct simrate *r = make(0, SIMRATE_SLIDING, 2);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(at(r, 1, T), KE_OK); /* all at the same millisecond */
	struct simrate_counters c;
	simrate_counters(r, 1, &c);
	assert_int_equal(c.allowed, 1000);
	assert_int_equal(c.rejected, 0);
	simrate_free(r);
}

static void test_set(void **state)
{
	(void)state;
	struct simrate *r = make(1, SIMRATE_SLIDING, 1);
	assert_int_equal(at(r, 0, T), KE_OK);
	assert_int_equal(at(r, 0, T + 1), KE_ELIMIT);
	/* 2/s from now on, windows forgotten, counters kept. */
	assert_int_equal(simrate_set(r, 2, SIMRATE_SLIDING), KE_OK);
	assert_int_equal(at(r, 0, T + 2), KE_OK);
	assert_int_equal(at(r, 0, T + 3), KE_OK);
	assert_int_equal(at(r, 0, T + 4), KE_ELIMIT);
	assert_int_equal(simrate_set(r, 0, SIMRATE_FIXED), KE_OK);
	assert_int_equal(at(r, 0, T + 5), KE_OK);
	assert_int_equal(simrate_set(r, -1, SIMRATE_FIXED), KE_EINVAL);
	assert_int_equal(simrate_set(r, 1, (enum simrate_window)7), KE_EINVAL);
	struct simrate_counters c;
	simrate_counters(r, 0, &c);
	assert_int_equal(c.allowed, 4);
	assert_int_equal(c.rejected, 2);
	simrate_free(r);
}

static void test_clock_back(void **state)
{
	(void)state;
	/* The wall clock steps back an hour: the key's history is forgotten
	 * instead of refusing for an hour. */
	struct simrate *r = make(1, SIMRATE_SLIDING, 1);
	assert_int_equal(at(r, 0, T + 3600000), KE_OK);
	assert_int_equal(at(r, 0, T), KE_OK);
	assert_int_equal(at(r, 0, T + 1), KE_ELIMIT);
	simrate_free(r);
	r = make(1, SIMRATE_FIXED, 1);
	assert_int_equal(at(r, 0, T + 3600000), KE_OK);
	assert_int_equal(at(r, 0, T), KE_OK);
	assert_int_equal(at(r, 0, T + 1), KE_ELIMIT);
	simrate_free(r);
}

static void test_bad_config(void **state)
{
	(void)state;
	struct simrate_config cfg;
	simrate_config_default(&cfg, SIMACCT_REAL);
	struct simrate *r = (struct simrate *)&cfg; /* must be reset to NULL */
	cfg.per_sec = -1;
	assert_int_equal(simrate_new(&cfg, 1, &r), KE_EINVAL);
	assert_null(r);
	cfg.per_sec = SIMRATE_MAX_PER_SEC + 1;
	assert_int_equal(simrate_new(&cfg, 1, &r), KE_EINVAL);
	cfg.per_sec = 18;
	assert_int_equal(simrate_new(&cfg, SIMACCT_MAX + 1, &r), KE_EINVAL);
	assert_int_equal(simrate_new(&cfg, -1, &r), KE_EINVAL);
	cfg.status = 0;
	assert_int_equal(simrate_new(&cfg, 1, &r), KE_EINVAL);
	assert_int_equal(simrate_new(NULL, 1, &r), KE_EINVAL);
	/* No accounts: a valid, useless limiter. */
	simrate_config_default(&cfg, SIMACCT_REAL);
	assert_int_equal(simrate_new(&cfg, 0, &r), KE_OK);
	simrate_free(r);
	simrate_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),     cmocka_unit_test(test_reply),
	    cmocka_unit_test(test_mock_sliding), cmocka_unit_test(test_mock_fixed),
	    cmocka_unit_test(test_real_sliding), cmocka_unit_test(test_real_fixed),
	    cmocka_unit_test(test_per_account),  cmocka_unit_test(test_off),
	    cmocka_unit_test(test_set),          cmocka_unit_test(test_clock_back),
	    cmocka_unit_test(test_bad_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
