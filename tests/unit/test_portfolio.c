/*
 * test_portfolio.c - cash, positions, average price, realised P&L and
 * reservations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "ke_common.h"
#include "portfolio.h"

/* Snapshot of everything a refused call must leave alone. */
struct snap {
	struct portfolio p;
	struct position pos;
};

static struct snap snap_of(const struct portfolio *p, int32_t sym)
{
	struct snap s;
	memset(&s, 0, sizeof(s));
	s.p = *p;
	const struct position *q = portfolio_peek(p, sym);
	if (q)
		s.pos = *q;
	return s;
}

/* Field by field: struct padding is not part of the state. */
static void assert_unchanged(const struct snap *b, const struct portfolio *p, int32_t sym)
{
	struct snap n = snap_of(p, sym);
	assert_int_equal(n.p.cash, b->p.cash);
	assert_int_equal(n.p.reserved_cash, b->p.reserved_cash);
	assert_int_equal(n.p.fees, b->p.fees);
	assert_int_equal(n.p.taxes, b->p.taxes);
	assert_int_equal(n.p.realized, b->p.realized);
	assert_ptr_equal(n.p.pos, b->p.pos);
	assert_int_equal(n.p.npos, b->p.npos);
	assert_int_equal(n.pos.qty, b->pos.qty);
	assert_int_equal(n.pos.cost, b->pos.cost);
	assert_int_equal(n.pos.reserved_qty, b->pos.reserved_qty);
	assert_int_equal(n.pos.realized, b->pos.realized);
}

static void test_init_free(void **state)
{
	(void)state;
	struct portfolio p;
	assert_int_equal(portfolio_init(&p, 10000000), KE_OK);
	assert_int_equal(p.cash, 10000000);
	assert_int_equal(p.reserved_cash, 0);
	assert_int_equal(p.fees, 0);
	assert_int_equal(p.realized, 0);
	assert_int_equal(portfolio_available_cash(&p), 10000000);
	assert_null(portfolio_peek(&p, 0));
	assert_int_equal(portfolio_position_value(&p, NULL, 0), 0);
	portfolio_free(&p);
	assert_int_equal(portfolio_init(&p, -1), KE_EINVAL);
	assert_int_equal(portfolio_init(NULL, 0), KE_EINVAL);
	portfolio_free(NULL);
}

static void test_position_table(void **state)
{
	(void)state;
	struct portfolio p;
	assert_int_equal(portfolio_init(&p, 0), KE_OK);
	struct position *a = portfolio_position(&p, 2);
	assert_non_null(a);
	a->qty = 5;
	a->cost = 500;
	/* Growing far beyond keeps old entries and zeroes new ones. */
	struct position *b = portfolio_position(&p, 1000);
	assert_non_null(b);
	assert_true(p.npos >= 1001);
	assert_int_equal(portfolio_peek(&p, 2)->qty, 5);
	assert_int_equal(portfolio_peek(&p, 2)->cost, 500);
	for (int32_t i = 0; i < p.npos; i++) {
		if (i == 2)
			continue;
		const struct position *q = portfolio_peek(&p, i);
		assert_non_null(q);
		assert_int_equal(q->qty, 0);
		assert_int_equal(q->cost, 0);
		assert_int_equal(q->reserved_qty, 0);
		assert_int_equal(q->realized, 0);
	}
	assert_ptr_equal(portfolio_position(&p, 1000), portfolio_peek(&p, 1000));
	assert_null(portfolio_peek(&p, p.npos));
	assert_null(portfolio_peek(&p, -1));
	assert_null(portfolio_position(&p, -1));
	assert_null(portfolio_peek(NULL, 0));
	portfolio_free(&p);
}

static void test_buy_sell_avg_realized(void **state)
{
	(void)state;
	struct portfolio p;
	assert_int_equal(portfolio_init(&p, 10000000), KE_OK);
	/* buy 3 @ 100 and 1 @ 101: qty 4, cost 300 + 101 = 401 */
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_BUY, 3, 100, 0, 0), KE_OK);
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_BUY, 1, 101, 0, 0), KE_OK);
	const struct position *pos = portfolio_peek(&p, 0);
	assert_non_null(pos);
	assert_int_equal(pos->qty, 4);
	assert_int_equal(pos->cost, 401);
	assert_int_equal(p.cash, 9999599); /* 10,000,000 - 401 */
	/* avg = 401 / 4 = 100.25 -> 100; (401 + 2) / 4 = 100 */
	assert_int_equal(portfolio_avg_price(pos), 100);

	/* sell 2 @ 110: cost share floor(401 * 2 / 4) = floor(200.5) = 200,
	 * realized 2 * 110 - 200 = 20; 201 stays with the 2 shares kept. */
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_SELL, 2, 110, 0, 0), KE_OK);
	assert_int_equal(pos->qty, 2);
	assert_int_equal(pos->cost, 201);
	assert_int_equal(pos->realized, 20);
	assert_int_equal(p.realized, 20);
	assert_int_equal(p.cash, 9999819); /* 9,999,599 + 220 */
	/* avg = 201 / 2 = 100.5 -> rounded half up to 101 */
	assert_int_equal(portfolio_avg_price(pos), 101);

	/* sell the last 2 @ 90: the whole remaining cost 201 goes,
	 * realized 180 - 201 = -21, total 20 - 21 = -1; cost exactly 0. */
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_SELL, 2, 90, 0, 0), KE_OK);
	assert_int_equal(pos->qty, 0);
	assert_int_equal(pos->cost, 0);
	assert_int_equal(pos->realized, -1);
	assert_int_equal(p.realized, -1);
	assert_int_equal(p.cash, 9999999); /* 9,999,819 + 180 */
	assert_int_equal(portfolio_avg_price(pos), 0);
	portfolio_free(&p);
}

static void test_fees_and_taxes(void **state)
{
	(void)state;
	struct portfolio p;
	assert_int_equal(portfolio_init(&p, 1000000), KE_OK);
	/* buy 10 @ 70,000 = 700,000, fee 105 (0.015%): cash 1,000,000 - 700,105 = 299,895 */
	assert_int_equal(portfolio_apply_fill(&p, 3, SIDE_BUY, 10, 70000, 105, 0), KE_OK);
	assert_int_equal(p.cash, 299895);
	assert_int_equal(p.fees, 105);
	const struct position *pos = portfolio_peek(&p, 3);
	assert_int_equal(pos->cost, 700000); /* fees are not part of the cost */
	assert_int_equal(portfolio_avg_price(pos), 70000);
	/* sell 4 @ 71,000 = 284,000, fee 42 (284,000 * 0.00015 = 42.6 -> 42),
	 * tax 568 (0.20%): cash 299,895 + 284,000 - 42 - 568 = 583,285.
	 * cost share 700,000 * 4 / 10 = 280,000; realized 284,000 - 280,000 = 4,000
	 * (before fees and taxes). */
	assert_int_equal(portfolio_apply_fill(&p, 3, SIDE_SELL, 4, 71000, 42, 568), KE_OK);
	assert_int_equal(p.cash, 583285);
	assert_int_equal(p.fees, 147); /* 105 + 42 */
	assert_int_equal(p.taxes, 568);
	assert_int_equal(pos->qty, 6);
	assert_int_equal(pos->cost, 420000);
	assert_int_equal(pos->realized, 4000);
	assert_int_equal(p.realized, 4000);
	portfolio_free(&p);
}

static void test_refusals_change_nothing(void **state)
{
	(void)state;
	struct portfolio p;
	assert_int_equal(portfolio_init(&p, 1000), KE_OK);
	/* 10 @ 100 + fee 1 = 1,001 > 1,000 */
	struct snap s = snap_of(&p, 0);
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_BUY, 10, 100, 1, 0), KE_EINVAL);
	assert_unchanged(&s, &p, 0);
	/* exactly 1,000 is fine: cash 0 */
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_BUY, 10, 100, 0, 0), KE_OK);
	assert_int_equal(p.cash, 0);

	s = snap_of(&p, 0);
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_SELL, 11, 100, 0, 0), KE_EINVAL); /* 11 > 10 held */
	assert_int_equal(portfolio_apply_fill(&p, 1, SIDE_SELL, 1, 100, 0, 0), KE_EINVAL);  /* nothing held */
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_SELL, 0, 100, 0, 0), KE_EINVAL);
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_SELL, 1, 0, 0, 0), KE_EINVAL);
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_SELL, 1, 100, -1, 0), KE_EINVAL);
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_SELL, 1, 100, 0, -1), KE_EINVAL);
	assert_int_equal(portfolio_apply_fill(&p, 0, (enum order_side)0, 1, 100, 0, 0), KE_EINVAL);
	assert_int_equal(portfolio_apply_fill(&p, -1, SIDE_BUY, 1, 100, 0, 0), KE_EINVAL);
	assert_int_equal(portfolio_apply_fill(NULL, 0, SIDE_BUY, 1, 100, 0, 0), KE_EINVAL);
	/* A sale whose fee and tax exceed its value would take cash (0) below
	 * zero: 1 @ 100 - 150 = -50. */
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_SELL, 1, 100, 100, 50), KE_EINVAL);
	/* qty * price beyond int64: 2^32 * 2^32 */
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_BUY, 1LL << 32, 1LL << 32, 0, 0), KE_EINVAL);
	assert_unchanged(&s, &p, 0);
	/* A refused buy on a new symbol leaves that symbol untouched. */
	assert_int_equal(portfolio_apply_fill(&p, 7, SIDE_BUY, 1, 100, 0, 0), KE_EINVAL);
	const struct position *q = portfolio_peek(&p, 7);
	assert_true(q == NULL || (q->qty == 0 && q->cost == 0));
	portfolio_free(&p);
}

static void test_reservations(void **state)
{
	(void)state;
	struct portfolio p;
	assert_int_equal(portfolio_init(&p, 1000), KE_OK);
	assert_int_equal(portfolio_reserve_cash(&p, 600), KE_OK);
	assert_int_equal(portfolio_available_cash(&p), 400); /* 1,000 - 600 */
	assert_int_equal(portfolio_reserve_cash(&p, 401), KE_ELIMIT);
	assert_int_equal(p.reserved_cash, 600);
	assert_int_equal(portfolio_reserve_cash(&p, 400), KE_OK);
	assert_int_equal(portfolio_available_cash(&p), 0);
	assert_int_equal(portfolio_reserve_cash(&p, 0), KE_OK);
	assert_int_equal(portfolio_reserve_cash(&p, -1), KE_EINVAL);
	portfolio_release_cash(&p, 300);
	assert_int_equal(p.reserved_cash, 700); /* 1,000 - 300 */
	/* Releasing more than is held clears it, never below 0. */
	portfolio_release_cash(&p, 5000);
	assert_int_equal(p.reserved_cash, 0);
	portfolio_release_cash(&p, -5);
	assert_int_equal(p.reserved_cash, 0);

	/* Shares: none held yet. */
	assert_int_equal(portfolio_reserve_shares(&p, 4, 1), KE_ELIMIT);
	assert_int_equal(portfolio_reserve_shares(&p, 4, 0), KE_OK);
	assert_int_equal(portfolio_reserve_shares(&p, 4, -1), KE_EINVAL);
	assert_int_equal(portfolio_apply_fill(&p, 4, SIDE_BUY, 10, 50, 0, 0), KE_OK); /* cash 1,000 - 500 = 500 */
	assert_int_equal(portfolio_reserve_shares(&p, 4, 7), KE_OK);
	assert_int_equal(portfolio_reserve_shares(&p, 4, 4), KE_ELIMIT); /* 10 - 7 = 3 free */
	assert_int_equal(portfolio_reserve_shares(&p, 4, 3), KE_OK);
	const struct position *pos = portfolio_peek(&p, 4);
	assert_int_equal(pos->reserved_qty, 10);
	portfolio_release_shares(&p, 4, 5);
	assert_int_equal(pos->reserved_qty, 5);
	/* A fill does not touch reservations: the caller releases them. */
	assert_int_equal(portfolio_reserve_cash(&p, 200), KE_OK);
	assert_int_equal(portfolio_apply_fill(&p, 4, SIDE_SELL, 2, 50, 0, 0), KE_OK);
	assert_int_equal(pos->reserved_qty, 5);
	assert_int_equal(p.reserved_cash, 200);
	assert_int_equal(portfolio_apply_fill(&p, 4, SIDE_BUY, 1, 50, 0, 0), KE_OK);
	assert_int_equal(p.reserved_cash, 200);
	portfolio_release_shares(&p, 4, 99);
	assert_int_equal(pos->reserved_qty, 0);
	portfolio_release_shares(&p, 99, 1); /* unknown symbol: nothing */
	portfolio_free(&p);
}

static void test_big_values(void **state)
{
	(void)state;
	struct portfolio p;
	assert_int_equal(portfolio_init(&p, INT64_MAX), KE_OK);
	/* buy 7 @ 1,300,000,000,000,000,001 = 9,100,000,000,000,000,007 and
	 * 1 @ 100: cost C = 9,100,000,000,000,000,107, qty 8,
	 * cash 9,223,372,036,854,775,807 - C = 123,372,036,854,775,700. */
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_BUY, 7, 1300000000000000001LL, 0, 0), KE_OK);
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_BUY, 1, 100, 0, 0), KE_OK);
	const struct position *pos = portfolio_peek(&p, 0);
	assert_int_equal(pos->cost, 9100000000000000107LL);
	assert_int_equal(p.cash, 123372036854775700LL);
	/* sell 3 @ 1e18: C * 3 = 27,300,000,000,000,000,321 overflows int64;
	 * / 8 = 3,412,500,000,000,000,040.125 -> 3,412,500,000,000,000,040.
	 * realized 3e18 - that = -412,500,000,000,000,040;
	 * cost left C - share = 5,687,500,000,000,000,067;
	 * cash 123,372,036,854,775,700 + 3e18 = 3,123,372,036,854,775,700. */
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_SELL, 3, 1000000000000000000LL, 0, 0), KE_OK);
	assert_int_equal(pos->qty, 5);
	assert_int_equal(pos->cost, 5687500000000000067LL);
	assert_int_equal(pos->realized, -412500000000000040LL);
	assert_int_equal(p.cash, 3123372036854775700LL);
	/* avg 5,687,500,000,000,000,067 / 5 = 1,137,500,000,000,000,013.4 -> ...013 */
	assert_int_equal(portfolio_avg_price(pos), 1137500000000000013LL);
	portfolio_free(&p);

	/* Half up with no room for cost + qty/2: INT64_MAX / 2 = ...903.5 -> ...904 */
	struct position big = {.qty = 2, .cost = INT64_MAX};
	assert_int_equal(portfolio_avg_price(&big), 4611686018427387904LL);
	/* 7 / 3 = 2.33 -> 2; 8 / 3 = 2.67 -> 3; 5 / 2 = 2.5 -> 3 */
	struct position a = {.qty = 3, .cost = 7}, b = {.qty = 3, .cost = 8}, c = {.qty = 2, .cost = 5};
	assert_int_equal(portfolio_avg_price(&a), 2);
	assert_int_equal(portfolio_avg_price(&b), 3);
	assert_int_equal(portfolio_avg_price(&c), 3);
	assert_int_equal(portfolio_avg_price(NULL), 0);
}

static void test_position_value(void **state)
{
	(void)state;
	struct portfolio p;
	assert_int_equal(portfolio_init(&p, 10000000), KE_OK);
	assert_int_equal(portfolio_apply_fill(&p, 0, SIDE_BUY, 2, 100, 0, 0), KE_OK);   /* cost 200 */
	assert_int_equal(portfolio_apply_fill(&p, 1, SIDE_BUY, 3, 500, 0, 0), KE_OK);   /* cost 1,500 */
	assert_int_equal(portfolio_apply_fill(&p, 5, SIDE_BUY, 10, 1000, 0, 0), KE_OK); /* cost 10,000 */
	int64_t last[2] = {105, 0};
	/* sym 0: 2 * 105 = 210; sym 1 has price 0: its cost 1,500;
	 * sym 5 is beyond the 2 prices: its cost 10,000. 210 + 1,500 + 10,000 = 11,710 */
	assert_int_equal(portfolio_position_value(&p, last, 2), 11710);
	/* No prices at all: 200 + 1,500 + 10,000 = 11,700 */
	assert_int_equal(portfolio_position_value(&p, NULL, 0), 11700);
	int64_t six[6] = {105, 510, 0, 0, 0, 990};
	/* 210 + 3 * 510 + 10 * 990 = 210 + 1,530 + 9,900 = 11,640 */
	assert_int_equal(portfolio_position_value(&p, six, 6), 11640);
	/* A flat position counts nothing even with a price. */
	assert_int_equal(portfolio_apply_fill(&p, 5, SIDE_SELL, 10, 990, 0, 0), KE_OK);
	assert_int_equal(portfolio_position_value(&p, six, 6), 1740); /* 210 + 1,530 */
	portfolio_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_free),
	    cmocka_unit_test(test_position_table),
	    cmocka_unit_test(test_buy_sell_avg_realized),
	    cmocka_unit_test(test_fees_and_taxes),
	    cmocka_unit_test(test_refusals_change_nothing),
	    cmocka_unit_test(test_reservations),
	    cmocka_unit_test(test_big_values),
	    cmocka_unit_test(test_position_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
