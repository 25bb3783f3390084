/*
 * test_order.c - the order state machine, fills and the order table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "order.h"

#define NSTATES 7

static const enum order_state all_states[NSTATES] = {
    ORDER_NEW, ORDER_SUBMITTED, ORDER_ACCEPTED, ORDER_PARTIAL, ORDER_FILLED, ORDER_CANCELLED, ORDER_REJECTED,
};

/* The allowed transitions, written out from the spec: row = from, column = to,
 * in the order new, submitted, accepted, partial, filled, cancelled, rejected. */
static const int allowed[NSTATES][NSTATES] = {
    /* new       */ {0, 1, 0, 0, 0, 0, 1},
    /* submitted */ {0, 0, 1, 1, 1, 1, 1},
    /* accepted  */ {0, 0, 0, 1, 1, 1, 0},
    /* partial   */ {0, 0, 0, 1, 1, 1, 0},
    /* filled    */ {0, 0, 0, 0, 0, 0, 0},
    /* cancelled */ {0, 0, 0, 0, 0, 0, 0},
    /* rejected  */ {0, 0, 0, 0, 0, 0, 0},
};

static struct order make_order(enum order_state st, int64_t qty)
{
	struct order o;
	memset(&o, 0, sizeof(o));
	o.id = 1;
	o.side = SIDE_BUY;
	o.type = ORDER_LIMIT;
	o.price = 70000;
	o.qty = qty;
	o.state = st;
	o.created = o.updated = 1000;
	return o;
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(order_state_name(ORDER_NEW), "new");
	assert_string_equal(order_state_name(ORDER_SUBMITTED), "submitted");
	assert_string_equal(order_state_name(ORDER_ACCEPTED), "accepted");
	assert_string_equal(order_state_name(ORDER_PARTIAL), "partially_filled");
	assert_string_equal(order_state_name(ORDER_FILLED), "filled");
	assert_string_equal(order_state_name(ORDER_CANCELLED), "cancelled");
	assert_string_equal(order_state_name(ORDER_REJECTED), "rejected");
	assert_non_null(order_state_name((enum order_state)99));
	assert_string_equal(order_side_name(SIDE_BUY), "buy");
	assert_string_equal(order_side_name(SIDE_SELL), "sell");
	assert_non_null(order_side_name((enum order_side)0));
	assert_string_equal(order_type_name(ORDER_MARKET), "market");
	assert_string_equal(order_type_name(ORDER_LIMIT), "limit");
	assert_non_null(order_type_name((enum order_type)0));
}

/* Every pair of states: transition_ok matches the table, and set_state
 * either moves (stamping updated) or refuses leaving the order untouched. */
static void test_transitions_all_pairs(void **state)
{
	(void)state;
	int nallowed = 0;
	for (int i = 0; i < NSTATES; i++) {
		for (int j = 0; j < NSTATES; j++) {
			enum order_state from = all_states[i], to = all_states[j];
			assert_int_equal(!!order_transition_ok(from, to), allowed[i][j]);
			struct order o = make_order(from, 10);
			struct order before = o;
			int rc = order_set_state(&o, to, 2000);
			if (allowed[i][j]) {
				nallowed++;
				assert_int_equal(rc, KE_OK);
				assert_int_equal(o.state, to);
				assert_int_equal(o.updated, 2000);
			} else {
				assert_int_equal(rc, KE_ESTATE);
				assert_memory_equal(&o, &before, sizeof(o));
			}
		}
	}
	/* 2 from new + 5 from submitted + 3 from accepted + 3 from partial. */
	assert_int_equal(nallowed, 13);
	assert_int_equal(order_transition_ok((enum order_state)42, ORDER_FILLED), 0);
	assert_int_equal(order_set_state(NULL, ORDER_SUBMITTED, 0), KE_EINVAL);
}

static void test_open_terminal_remaining(void **state)
{
	(void)state;
	/* open: submitted, accepted, partial; terminal: filled, cancelled, rejected. */
	static const int open[NSTATES] = {0, 1, 1, 1, 0, 0, 0};
	static const int term[NSTATES] = {0, 0, 0, 0, 1, 1, 1};
	for (int i = 0; i < NSTATES; i++) {
		struct order o = make_order(all_states[i], 10);
		o.filled_qty = 3;
		assert_int_equal(!!order_is_open(&o), open[i]);
		assert_int_equal(!!order_is_terminal(&o), term[i]);
		/* 10 - 3 = 7 while not terminal; 0 once terminal. */
		assert_int_equal(order_remaining(&o), term[i] ? 0 : 7);
	}
	assert_int_equal(order_is_open(NULL), 0);
	assert_int_equal(order_is_terminal(NULL), 0);
	assert_int_equal(order_remaining(NULL), 0);
}

static void test_fill_partial_then_filled(void **state)
{
	(void)state;
	struct order o = make_order(ORDER_SUBMITTED, 10);
	assert_int_equal(order_apply_fill(&o, 4, 70000, 3000), KE_OK);
	assert_int_equal(o.state, ORDER_PARTIAL);
	assert_int_equal(o.filled_qty, 4);
	assert_int_equal(o.filled_value, 280000); /* 4 * 70,000 */
	assert_int_equal(o.updated, 3000);
	assert_int_equal(order_remaining(&o), 6);

	/* partial -> partial */
	assert_int_equal(order_apply_fill(&o, 5, 69900, 3100), KE_OK);
	assert_int_equal(o.state, ORDER_PARTIAL);
	assert_int_equal(o.filled_qty, 9);
	assert_int_equal(o.filled_value, 629500); /* 280,000 + 5 * 69,900 = 280,000 + 349,500 */
	assert_int_equal(order_remaining(&o), 1);

	assert_int_equal(order_apply_fill(&o, 1, 70100, 3200), KE_OK);
	assert_int_equal(o.state, ORDER_FILLED);
	assert_int_equal(o.filled_qty, 10);
	assert_int_equal(o.filled_value, 699600); /* 629,500 + 70,100 */
	assert_int_equal(order_remaining(&o), 0);
	assert_true(order_is_terminal(&o));

	/* No more fills once filled. */
	assert_int_equal(order_apply_fill(&o, 1, 70000, 3300), KE_ESTATE);
	assert_int_equal(o.filled_qty, 10);
}

static void test_fill_whole_from_each_open_state(void **state)
{
	(void)state;
	enum order_state from[] = {ORDER_SUBMITTED, ORDER_ACCEPTED, ORDER_PARTIAL};
	for (size_t i = 0; i < KE_ARRAY_LEN(from); i++) {
		struct order o = make_order(from[i], 10);
		if (from[i] == ORDER_PARTIAL) {
			o.filled_qty = 2;
			o.filled_value = 2 * 70000;
		}
		int64_t rest = from[i] == ORDER_PARTIAL ? 8 : 10;
		assert_int_equal(order_apply_fill(&o, rest, 70000, 5000), KE_OK);
		assert_int_equal(o.state, ORDER_FILLED);
		assert_int_equal(o.filled_value, 700000); /* 10 * 70,000 */
	}
}

static void test_fill_refused(void **state)
{
	(void)state;
	/* Not open: new and the terminal states. */
	enum order_state closed[] = {ORDER_NEW, ORDER_FILLED, ORDER_CANCELLED, ORDER_REJECTED};
	for (size_t i = 0; i < KE_ARRAY_LEN(closed); i++) {
		struct order o = make_order(closed[i], 10);
		struct order before = o;
		assert_int_equal(order_apply_fill(&o, 1, 70000, 5000), KE_ESTATE);
		assert_memory_equal(&o, &before, sizeof(o));
	}
	struct order o = make_order(ORDER_ACCEPTED, 10);
	o.filled_qty = 6; /* 4 remaining */
	o.filled_value = 6 * 70000;
	o.state = ORDER_PARTIAL;
	struct order before = o;
	assert_int_equal(order_apply_fill(&o, 5, 70000, 5000), KE_EINVAL); /* overfill: 5 > 4 */
	assert_int_equal(order_apply_fill(&o, 0, 70000, 5000), KE_EINVAL);
	assert_int_equal(order_apply_fill(&o, -1, 70000, 5000), KE_EINVAL);
	assert_int_equal(order_apply_fill(&o, 1, 0, 5000), KE_EINVAL);
	assert_memory_equal(&o, &before, sizeof(o));
	assert_int_equal(order_apply_fill(NULL, 1, 1, 0), KE_EINVAL);
}

static void test_fill_value_overflow(void **state)
{
	(void)state;
	/* qty * price overflows: 2^32 * 2^32 = 2^64 > INT64_MAX. */
	struct order o = make_order(ORDER_SUBMITTED, 1LL << 40);
	assert_int_equal(order_apply_fill(&o, 1LL << 32, 1LL << 32, 1), KE_EINVAL);
	assert_int_equal(o.filled_qty, 0);
	assert_int_equal(o.state, ORDER_SUBMITTED);
	/* Each fill fits (2^30 * 2^32 = 2^62), but the sum of two does not:
	 * 2^62 + 2^62 = 2^63 > INT64_MAX. */
	assert_int_equal(order_apply_fill(&o, 1LL << 30, 1LL << 32, 1), KE_OK);
	assert_int_equal(o.filled_value, 1LL << 62);
	assert_int_equal(order_apply_fill(&o, 1LL << 30, 1LL << 32, 2), KE_EINVAL);
	assert_int_equal(o.filled_qty, 1LL << 30);
	assert_int_equal(o.filled_value, 1LL << 62);
	assert_int_equal(o.state, ORDER_PARTIAL);
	assert_int_equal(o.updated, 1);
}

/* ---- the table ---- */

struct visit {
	int64_t ids[16];
	int n;
	int stop_after;
};

static int collect(void *ud, struct order *o)
{
	struct visit *v = ud;
	v->ids[v->n++] = o->id;
	return v->stop_after > 0 && v->n >= v->stop_after ? 7 : 0;
}

static void test_table_basic(void **state)
{
	(void)state;
	struct order_table *t = NULL;
	assert_int_equal(order_table_new(&t), KE_OK);
	assert_non_null(t);
	assert_int_equal(order_table_count(t), 0);
	assert_null(order_table_get(t, 0));
	assert_null(order_table_get(t, 1));

	struct order *o[5];
	for (int i = 0; i < 5; i++) {
		assert_int_equal(order_table_create(t, &o[i]), KE_OK);
		assert_int_equal(o[i]->id, i + 1); /* ids from 1 */
		assert_int_equal(o[i]->state, ORDER_NEW);
		assert_int_equal(o[i]->filled_qty, 0);
		assert_string_equal(o[i]->reason, "");
	}
	assert_int_equal(order_table_count(t), 5);
	for (int i = 0; i < 5; i++)
		assert_ptr_equal(order_table_get(t, i + 1), o[i]);
	assert_null(order_table_get(t, 6));
	assert_null(order_table_get(t, -1));

	/* Release from the middle: the others keep their place. */
	order_table_release(t, 3);
	assert_int_equal(order_table_count(t), 4);
	assert_null(order_table_get(t, 3));
	assert_ptr_equal(order_table_get(t, 4), o[3]);
	order_table_release(t, 3); /* twice: nothing */
	order_table_release(t, 99);
	assert_int_equal(order_table_count(t), 4);

	struct visit v = {.n = 0};
	assert_int_equal(order_table_each(t, collect, &v), KE_OK);
	assert_int_equal(v.n, 4);
	assert_int_equal(v.ids[0], 1);
	assert_int_equal(v.ids[1], 2);
	assert_int_equal(v.ids[2], 4);
	assert_int_equal(v.ids[3], 5);

	/* Stops early and passes fn's value back. */
	struct visit w = {.n = 0, .stop_after = 2};
	assert_int_equal(order_table_each(t, collect, &w), 7);
	assert_int_equal(w.n, 2);

	/* Releasing the front trims; ids keep counting. */
	order_table_release(t, 1);
	order_table_release(t, 2);
	assert_null(order_table_get(t, 1));
	assert_ptr_equal(order_table_get(t, 4), o[3]);
	struct order *n;
	assert_int_equal(order_table_create(t, &n), KE_OK);
	assert_int_equal(n->id, 6);
	assert_int_equal(order_table_count(t), 3); /* 4, 5, 6 */
	order_table_free(t);
	order_table_free(NULL);
}

static int release_visited(void *ud, struct order *o)
{
	struct order_table *t = ud;
	order_table_release(t, o->id);
	return 0;
}

static void test_table_each_may_release(void **state)
{
	(void)state;
	struct order_table *t;
	assert_int_equal(order_table_new(&t), KE_OK);
	struct order *o;
	for (int i = 0; i < 300; i++)
		assert_int_equal(order_table_create(t, &o), KE_OK);
	assert_int_equal(order_table_each(t, release_visited, t), KE_OK);
	assert_int_equal(order_table_count(t), 0);
	for (int64_t id = 1; id <= 300; id++)
		assert_null(order_table_get(t, id));
	assert_int_equal(order_table_create(t, &o), KE_OK);
	assert_int_equal(o->id, 301);
	order_table_free(t);
}

/* A backtest-like stream: a window of open orders slides over a million
 * ids. Pointers stay valid while the deque grows and wraps, and released
 * ids are gone. With ASan, leaks or stale slots would also show. */
static void test_table_bounded(void **state)
{
	(void)state;
	enum { TOTAL = 1000000, WINDOW = 100 };
	struct order_table *t;
	assert_int_equal(order_table_new(&t), KE_OK);
	struct order *keep = NULL;
	for (int64_t i = 1; i <= TOTAL; i++) {
		struct order *o;
		assert_int_equal(order_table_create(t, &o), KE_OK);
		if (o->id != i)
			fail_msg("id %lld, expected %lld", (long long)o->id, (long long)i);
		o->qty = i;
		if (i == TOTAL - 50)
			keep = o;
		if (i > WINDOW)
			order_table_release(t, i - WINDOW);
	}
	/* ids TOTAL-99 .. TOTAL are live */
	assert_int_equal(order_table_count(t), WINDOW);
	assert_ptr_equal(order_table_get(t, TOTAL - 50), keep);
	assert_int_equal(keep->qty, TOTAL - 50);
	assert_null(order_table_get(t, 1));
	assert_null(order_table_get(t, TOTAL - WINDOW));
	assert_non_null(order_table_get(t, TOTAL - WINDOW + 1));
	for (int64_t i = TOTAL - WINDOW + 1; i <= TOTAL; i++)
		order_table_release(t, i);
	assert_int_equal(order_table_count(t), 0);
	assert_null(order_table_get(t, TOTAL));

	/* Out-of-order release: one old order stays open while later ones come
	 * and go; it keeps its pointer and everything else is released. */
	struct order *old;
	assert_int_equal(order_table_create(t, &old), KE_OK);
	int64_t old_id = old->id; /* TOTAL + 1 */
	assert_int_equal(old_id, TOTAL + 1);
	old->price = 12345;
	for (int i = 0; i < 100000; i++) {
		struct order *o;
		assert_int_equal(order_table_create(t, &o), KE_OK);
		order_table_release(t, o->id);
	}
	assert_int_equal(order_table_count(t), 1);
	assert_ptr_equal(order_table_get(t, old_id), old);
	assert_int_equal(old->price, 12345);
	order_table_release(t, old_id);
	assert_int_equal(order_table_count(t), 0);
	order_table_free(t);
}

static void test_table_bad_args(void **state)
{
	(void)state;
	struct order *o;
	assert_int_equal(order_table_new(NULL), KE_EINVAL);
	assert_int_equal(order_table_create(NULL, &o), KE_EINVAL);
	assert_null(order_table_get(NULL, 1));
	assert_int_equal(order_table_count(NULL), 0);
	order_table_release(NULL, 1);
	assert_int_equal(order_table_each(NULL, collect, NULL), KE_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_transitions_all_pairs),
	    cmocka_unit_test(test_open_terminal_remaining),
	    cmocka_unit_test(test_fill_partial_then_filled),
	    cmocka_unit_test(test_fill_whole_from_each_open_state),
	    cmocka_unit_test(test_fill_refused),
	    cmocka_unit_test(test_fill_value_overflow),
	    cmocka_unit_test(test_table_basic),
	    cmocka_unit_test(test_table_each_may_release),
	    cmocka_unit_test(test_table_bounded),
	    cmocka_unit_test(test_table_bad_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
