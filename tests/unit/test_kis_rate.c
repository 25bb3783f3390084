/*
 * test_kis_rate.c - the REST rate limiter: priority classes, FIFO order,
 * the sliding window, EGW00201 backoff and the bookkeeping around them.
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <string.h>

#include "ke_common.h"
#include "kis_rate.h"

static struct kis_rate *make(int per_sec, int window_ms, int bmin, int bmax)
{
	struct kis_rate_config cfg;
	kis_rate_config_default(&cfg, per_sec);
	cfg.window_ms = window_ms;
	cfg.backoff_min_ms = bmin;
	cfg.backoff_max_ms = bmax;
	struct kis_rate *r = NULL;
	assert_int_equal(kis_rate_new(&cfg, &r), KE_OK);
	assert_non_null(r);
	return r;
}

static void test_defaults(void **state)
{
	(void)state;
	struct kis_rate_config cfg;
	kis_rate_config_default(&cfg, 18);
	assert_int_equal(cfg.per_sec, 18);
	assert_int_equal(cfg.window_ms, 1010);
	assert_int_equal(cfg.backoff_min_ms, 250);
	assert_int_equal(cfg.backoff_max_ms, 4000);
	kis_rate_config_default(NULL, 1); /* no crash */
}

static void test_bad_config(void **state)
{
	(void)state;
	struct kis_rate_config cfg;
	struct kis_rate *r = (struct kis_rate *)&cfg; /* must be reset to NULL on failure */
	kis_rate_config_default(&cfg, 1);
	assert_int_equal(kis_rate_new(NULL, &r), KE_EINVAL);
	assert_null(r);
	assert_int_equal(kis_rate_new(&cfg, NULL), KE_EINVAL);

	struct {
		int per_sec, window, bmin, bmax;
	} bad[] = {
	    {-1, 1010, 250, 4000},    /* per_sec below 0 */
	    {10001, 1010, 250, 4000}, /* above 10000 */
	    {1, 0, 250, 4000},        /* window below 1 */
	    {1, 60001, 250, 4000},    /* above 60000 */
	    {1, 1010, 0, 4000},       /* backoff_min below 1 */
	    {1, 1010, 500, 499},      /* min above max */
	    {1, 1010, 250, 600001},   /* max above 600000 */
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(bad); i++) {
		cfg.per_sec = bad[i].per_sec;
		cfg.window_ms = bad[i].window;
		cfg.backoff_min_ms = bad[i].bmin;
		cfg.backoff_max_ms = bad[i].bmax;
		assert_int_equal(kis_rate_new(&cfg, &r), KE_EINVAL);
		assert_null(r);
	}

	/* The edges themselves are accepted. */
	struct {
		int per_sec, window, bmin, bmax;
	} good[] = {
	    {0, 1, 1, 1},
	    {10000, 60000, 600000, 600000},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(good); i++) {
		cfg.per_sec = good[i].per_sec;
		cfg.window_ms = good[i].window;
		cfg.backoff_min_ms = good[i].bmin;
		cfg.backoff_max_ms = good[i].bmax;
		assert_int_equal(kis_rate_new(&cfg, &r), KE_OK);
		kis_rate_free(r);
	}
	kis_rate_free(NULL);
}

static void test_priority_and_fifo(void **state)
{
	(void)state;
	struct kis_rate *r = make(0, 1000, 250, 4000);
	struct kis_rate_item q1 = {0}, q2 = {0}, q3 = {0}, o1 = {0}, o2 = {0};
	assert_int_equal(kis_rate_push(r, &q1, KIS_RATE_QUERY), KE_OK);
	assert_int_equal(kis_rate_push(r, &q2, KIS_RATE_QUERY), KE_OK);
	assert_int_equal(kis_rate_push(r, &o1, KIS_RATE_ORDER), KE_OK);
	assert_int_equal(kis_rate_push(r, &q3, KIS_RATE_QUERY), KE_OK);
	assert_int_equal(kis_rate_push(r, &o2, KIS_RATE_ORDER), KE_OK);
	assert_int_equal(kis_rate_queued(r, KIS_RATE_ORDER), 2);
	assert_int_equal(kis_rate_queued(r, KIS_RATE_QUERY), 3);
	assert_true(q1.queued && o2.queued);
	assert_int_equal(o1.cls, KIS_RATE_ORDER);
	assert_int_equal(q1.cls, KIS_RATE_QUERY);

	/* Orders first, each class in arrival order. */
	int64_t w = 123;
	assert_ptr_equal(kis_rate_next(r, 0, &w), &o1);
	assert_int_equal(w, 0);
	assert_false(o1.queued);
	assert_ptr_equal(kis_rate_next(r, 0, &w), &o2);
	/* An order arriving between queries still jumps the query queue. */
	struct kis_rate_item o3 = {0};
	assert_ptr_equal(kis_rate_next(r, 0, &w), &q1);
	assert_int_equal(kis_rate_push(r, &o3, KIS_RATE_ORDER), KE_OK);
	assert_ptr_equal(kis_rate_next(r, 0, NULL), &o3);
	assert_ptr_equal(kis_rate_next(r, 0, &w), &q2);
	assert_ptr_equal(kis_rate_next(r, 0, &w), &q3);
	assert_null(kis_rate_next(r, 0, &w));
	assert_int_equal(w, -1);
	assert_int_equal(kis_rate_queued(r, KIS_RATE_ORDER), 0);
	assert_int_equal(kis_rate_queued(r, KIS_RATE_QUERY), 0);
	kis_rate_free(r);
}

static void test_window_exact(void **state)
{
	(void)state;
	/* per_sec 2 over 1000 ms. */
	struct kis_rate *r = make(2, 1000, 250, 4000);
	struct kis_rate_item it[6];
	memset(it, 0, sizeof(it));
	for (int i = 0; i < 6; i++)
		assert_int_equal(kis_rate_push(r, &it[i], KIS_RATE_QUERY), KE_OK);
	int64_t w;
	assert_ptr_equal(kis_rate_next(r, 0, &w), &it[0]);
	assert_ptr_equal(kis_rate_next(r, 0, &w), &it[1]);
	/* Two sends at 0: the third waits until 0 + 1000. */
	assert_null(kis_rate_next(r, 0, &w));
	assert_int_equal(w, 1000);
	assert_null(kis_rate_next(r, 999, &w));
	assert_int_equal(w, 1); /* 1000 - 999 */
	assert_ptr_equal(kis_rate_next(r, 1000, &w), &it[2]);
	/* Last two sends: 0 and 1000; the oldest (0) leaves the window at
	 * 1000, so a fourth may go at 1000 too: (0, 1000] holds 2 sends. */
	assert_ptr_equal(kis_rate_next(r, 1000, &w), &it[3]);
	/* Now the last two are 1000, 1000: next at 2000. */
	assert_null(kis_rate_next(r, 1000, &w));
	assert_int_equal(w, 1000);
	assert_null(kis_rate_next(r, 1500, &w));
	assert_int_equal(w, 500); /* 2000 - 1500 */
	/* Time given as earlier than before counts as the latest time (1500). */
	assert_null(kis_rate_next(r, 10, &w));
	assert_int_equal(w, 500);
	assert_ptr_equal(kis_rate_next(r, 2000, &w), &it[4]);
	/* Last two sends: 1000, 2000; the 1000 one left the window at 2000,
	 * so at 2300 only one send is in (1300, 2300]: go. */
	assert_ptr_equal(kis_rate_next(r, 2300, &w), &it[5]);
	/* Last two: 2000, 2300 -> free at 3000. Nothing queued: -1. */
	assert_null(kis_rate_next(r, 2300, &w));
	assert_int_equal(w, -1);
	kis_rate_free(r);
}

static void test_unlimited(void **state)
{
	(void)state;
	struct kis_rate *r = make(0, 1010, 250, 4000);
	struct kis_rate_item it[1000];
	memset(it, 0, sizeof(it));
	for (int i = 0; i < 1000; i++)
		assert_int_equal(kis_rate_push(r, &it[i], i % 2 ? KIS_RATE_QUERY : KIS_RATE_ORDER), KE_OK);
	int64_t w;
	for (int i = 0; i < 1000; i++) {
		struct kis_rate_item *x = kis_rate_next(r, 5, &w);
		assert_non_null(x);
		assert_int_equal(w, 0);
		/* Orders are the even slots 0,2,..,998 and go first: the i-th
		 * of 500 orders is it[2i]; then query j is it[2j+1]. */
		if (i < 500)
			assert_ptr_equal(x, &it[2 * i]);
		else
			assert_ptr_equal(x, &it[2 * (i - 500) + 1]);
	}
	kis_rate_count(r, 5); /* nothing to count against */
	assert_null(kis_rate_next(r, 5, &w));
	assert_int_equal(w, -1);
	kis_rate_free(r);
}

static void test_backoff(void **state)
{
	(void)state;
	/* Unlimited window so only the backoff decides; min 250, max 1000. */
	struct kis_rate *r = make(0, 1000, 250, 1000);
	struct kis_rate_item a = {0};
	int64_t w;
	assert_int_equal(kis_rate_push(r, &a, KIS_RATE_ORDER), KE_OK);

	kis_rate_throttled(r, 0); /* pause 250: until 250 */
	assert_null(kis_rate_next(r, 0, &w));
	assert_int_equal(w, 250);
	assert_null(kis_rate_next(r, 249, &w));
	assert_int_equal(w, 1);
	kis_rate_throttled(r, 250); /* doubled: 500, until 750 */
	assert_null(kis_rate_next(r, 300, &w));
	assert_int_equal(w, 450);   /* 750 - 300 */
	kis_rate_throttled(r, 750); /* 1000, until 1750 */
	assert_null(kis_rate_next(r, 750, &w));
	assert_int_equal(w, 1000);
	kis_rate_throttled(r, 1750); /* 2000 capped at 1000: until 2750 */
	assert_null(kis_rate_next(r, 1750, &w));
	assert_int_equal(w, 1000);
	kis_rate_throttled(r, 2750); /* stays 1000: until 3750 */
	assert_null(kis_rate_next(r, 2750, &w));
	assert_int_equal(w, 1000);
	assert_ptr_equal(kis_rate_next(r, 3750, &w), &a);

	/* A success resets the doubling: the next pause is 250 again. */
	kis_rate_ok(r);
	assert_int_equal(kis_rate_push(r, &a, KIS_RATE_QUERY), KE_OK);
	kis_rate_throttled(r, 4000); /* until 4250 */
	assert_null(kis_rate_next(r, 4000, &w));
	assert_int_equal(w, 250);

	/* A success does not end the pause already running. */
	kis_rate_ok(r);
	assert_null(kis_rate_next(r, 4100, &w));
	assert_int_equal(w, 150); /* 4250 - 4100 */

	/* Nothing queued: -1 even while paused. */
	assert_int_equal(kis_rate_remove(r, &a), KE_OK);
	assert_null(kis_rate_next(r, 4100, &w));
	assert_int_equal(w, -1);
	kis_rate_free(r);
}

static void test_backoff_never_shortens(void **state)
{
	(void)state;
	struct kis_rate *r = make(0, 1000, 100, 100);
	struct kis_rate_item a = {0};
	int64_t w;
	assert_int_equal(kis_rate_push(r, &a, KIS_RATE_QUERY), KE_OK);
	kis_rate_throttled(r, 1000); /* until 1100 */
	kis_rate_throttled(r, 900);  /* time clamps to 1000: until 1100 still */
	assert_null(kis_rate_next(r, 1050, &w));
	assert_int_equal(w, 50);
	kis_rate_free(r);
}

static void test_backoff_and_window(void **state)
{
	(void)state;
	/* per_sec 1 over 1000 ms, pause 300: whichever ends later decides. */
	struct kis_rate *r = make(1, 1000, 300, 300);
	struct kis_rate_item a = {0}, b = {0};
	int64_t w;
	assert_int_equal(kis_rate_push(r, &a, KIS_RATE_QUERY), KE_OK);
	assert_int_equal(kis_rate_push(r, &b, KIS_RATE_QUERY), KE_OK);
	assert_ptr_equal(kis_rate_next(r, 0, &w), &a);
	kis_rate_throttled(r, 100); /* pause until 400; window frees at 1000 */
	assert_null(kis_rate_next(r, 100, &w));
	assert_int_equal(w, 900);
	kis_rate_throttled(r, 900); /* pause until 1200, later than the window */
	assert_null(kis_rate_next(r, 900, &w));
	assert_int_equal(w, 300);
	assert_null(kis_rate_next(r, 1000, &w));
	assert_int_equal(w, 200);
	assert_ptr_equal(kis_rate_next(r, 1200, &w), &b);
	kis_rate_free(r);
}

static void test_remove_and_push_errors(void **state)
{
	(void)state;
	struct kis_rate *r = make(0, 1000, 250, 4000);
	struct kis_rate *other = make(0, 1000, 250, 4000);
	struct kis_rate_item a = {0}, b = {0}, c = {0}, d = {0};
	assert_int_equal(kis_rate_push(r, &a, KIS_RATE_QUERY), KE_OK);
	assert_int_equal(kis_rate_push(r, &b, KIS_RATE_QUERY), KE_OK);
	assert_int_equal(kis_rate_push(r, &c, KIS_RATE_QUERY), KE_OK);

	/* Twice: refused, here or in another limiter. */
	assert_int_equal(kis_rate_push(r, &a, KIS_RATE_QUERY), KE_ESTATE);
	assert_int_equal(kis_rate_push(r, &a, KIS_RATE_ORDER), KE_ESTATE);
	assert_int_equal(kis_rate_push(other, &a, KIS_RATE_QUERY), KE_ESTATE);
	assert_int_equal(kis_rate_queued(r, KIS_RATE_QUERY), 3);
	assert_int_equal(kis_rate_queued(r, KIS_RATE_ORDER), 0);

	assert_int_equal(kis_rate_push(r, NULL, KIS_RATE_QUERY), KE_EINVAL);
	assert_int_equal(kis_rate_push(NULL, &d, KIS_RATE_QUERY), KE_EINVAL);
	assert_int_equal(kis_rate_push(r, &d, (enum kis_rate_class)2), KE_EINVAL);
	assert_int_equal(kis_rate_push(r, &d, (enum kis_rate_class) - 1), KE_EINVAL);
	assert_false(d.queued);

	/* Middle, then tail, then the only one left. */
	assert_int_equal(kis_rate_remove(other, &b), KE_ENOENT); /* queued, but not there */
	assert_int_equal(kis_rate_remove(r, &b), KE_OK);
	assert_false(b.queued);
	assert_int_equal(kis_rate_remove(r, &b), KE_ENOENT);
	assert_int_equal(kis_rate_remove(r, &d), KE_ENOENT);
	assert_int_equal(kis_rate_remove(r, NULL), KE_ENOENT);
	assert_int_equal(kis_rate_queued(r, KIS_RATE_QUERY), 2);
	assert_int_equal(kis_rate_remove(r, &c), KE_OK);
	/* The tail was removed: a push lands after a. */
	assert_int_equal(kis_rate_push(r, &b, KIS_RATE_QUERY), KE_OK);
	assert_ptr_equal(kis_rate_next(r, 0, NULL), &a);
	assert_ptr_equal(kis_rate_next(r, 0, NULL), &b);
	assert_null(kis_rate_next(r, 0, NULL));
	/* Head removal leaves an empty queue usable. */
	assert_int_equal(kis_rate_push(r, &c, KIS_RATE_ORDER), KE_OK);
	assert_int_equal(kis_rate_remove(r, &c), KE_OK);
	assert_int_equal(kis_rate_queued(r, KIS_RATE_ORDER), 0);
	assert_int_equal(kis_rate_push(r, &c, KIS_RATE_ORDER), KE_OK);
	assert_ptr_equal(kis_rate_next(r, 0, NULL), &c);

	/* Freeing with items queued lets them be queued elsewhere. */
	assert_int_equal(kis_rate_push(r, &d, KIS_RATE_QUERY), KE_OK);
	kis_rate_free(r);
	assert_false(d.queued);
	assert_int_equal(kis_rate_push(other, &d, KIS_RATE_QUERY), KE_OK);
	kis_rate_free(other);

	/* NULL limiter: nothing, without a crash. */
	int64_t w = 5;
	assert_null(kis_rate_next(NULL, 0, &w));
	assert_int_equal(w, -1);
	kis_rate_count(NULL, 0);
	kis_rate_throttled(NULL, 0);
	kis_rate_ok(NULL);
	assert_int_equal(kis_rate_queued(NULL, KIS_RATE_ORDER), 0);
}

static void test_count(void **state)
{
	(void)state;
	/* per_sec 2 over 1000 ms; two sends bypass the queues at 0 and 500. */
	struct kis_rate *r = make(2, 1000, 250, 4000);
	struct kis_rate_item a = {0}, b = {0};
	int64_t w;
	kis_rate_count(r, 0);
	kis_rate_count(r, 500);
	assert_int_equal(kis_rate_push(r, &a, KIS_RATE_ORDER), KE_OK);
	assert_int_equal(kis_rate_push(r, &b, KIS_RATE_ORDER), KE_OK);
	assert_null(kis_rate_next(r, 500, &w));
	assert_int_equal(w, 500); /* the 0 send leaves at 1000 */
	assert_ptr_equal(kis_rate_next(r, 1000, &w), &a);
	/* Last two: 500, 1000 -> next at 1500. */
	assert_null(kis_rate_next(r, 1000, &w));
	assert_int_equal(w, 500);
	/* A bypass at 1500 takes the slot before b can. */
	kis_rate_count(r, 1500);
	assert_null(kis_rate_next(r, 1500, &w));
	assert_int_equal(w, 500); /* last two 1000, 1500 -> 2000 */
	assert_ptr_equal(kis_rate_next(r, 2000, &w), &b);
	kis_rate_free(r);
}

static void test_large_times(void **state)
{
	(void)state;
	/* Absurd times must neither overflow nor crash (UBSan checks). */
	struct kis_rate *r = make(1, 60000, 600000, 600000);
	struct kis_rate_item a = {0}, b = {0};
	int64_t w;
	assert_int_equal(kis_rate_push(r, &a, KIS_RATE_QUERY), KE_OK);
	assert_int_equal(kis_rate_push(r, &b, KIS_RATE_QUERY), KE_OK);
	assert_ptr_equal(kis_rate_next(r, INT64_MIN, &w), &a);
	kis_rate_throttled(r, INT64_MAX);
	assert_null(kis_rate_next(r, INT64_MAX, &w));
	assert_int_equal(w, 600000);
	kis_rate_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_bad_config),
	    cmocka_unit_test(test_priority_and_fifo),
	    cmocka_unit_test(test_window_exact),
	    cmocka_unit_test(test_unlimited),
	    cmocka_unit_test(test_backoff),
	    cmocka_unit_test(test_backoff_never_shortens),
	    cmocka_unit_test(test_backoff_and_window),
	    cmocka_unit_test(test_remove_and_push_errors),
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_large_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
