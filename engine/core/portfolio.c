/*
 * portfolio.c - cash, positions and reservations of one strategy.
 *
 * Everything is integer won. A refused operation changes nothing, so the
 * caller can report the refusal and carry on with a consistent book.
 */
#include "portfolio.h"

#include <stdlib.h>
#include <string.h>

#include "ke_common.h"

#define PORTFOLIO_MIN_POS 16

int portfolio_init(struct portfolio *p, int64_t cash)
{
	if (!p)
		return KE_EINVAL;
	memset(p, 0, sizeof(*p));
	if (cash < 0)
		return KE_EINVAL;
	p->cash = cash;
	return KE_OK;
}

void portfolio_free(struct portfolio *p)
{
	if (!p)
		return;
	free(p->pos);
	p->pos = NULL;
	p->npos = 0;
}

struct position *portfolio_position(struct portfolio *p, int32_t sym)
{
	if (!p || sym < 0)
		return NULL;
	if (sym < p->npos)
		return &p->pos[sym];
	/* Double so that symbols touched in increasing order cost amortised O(1). */
	int64_t want = (int64_t)p->npos * 2;
	if (want < PORTFOLIO_MIN_POS)
		want = PORTFOLIO_MIN_POS;
	if (want < (int64_t)sym + 1)
		want = (int64_t)sym + 1;
	if (want > INT32_MAX)
		want = INT32_MAX;
	if ((uint64_t)want > SIZE_MAX / sizeof(*p->pos))
		return NULL;
	struct position *n = realloc(p->pos, (size_t)want * sizeof(*n));
	if (!n)
		return NULL;
	memset(n + p->npos, 0, (size_t)(want - p->npos) * sizeof(*n));
	p->pos = n;
	p->npos = (int32_t)want;
	return &p->pos[sym];
}

/* Entries below npos that were never used read as zero, which means the
 * same to every caller as never touched. */
const struct position *portfolio_peek(const struct portfolio *p, int32_t sym)
{
	if (!p || !p->pos || sym < 0 || sym >= p->npos)
		return NULL;
	return &p->pos[sym];
}

int64_t portfolio_available_cash(const struct portfolio *p)
{
	return p ? p->cash - p->reserved_cash : 0;
}

int portfolio_reserve_cash(struct portfolio *p, int64_t amount)
{
	if (!p || amount < 0)
		return KE_EINVAL;
	if (amount > portfolio_available_cash(p))
		return KE_ELIMIT;
	p->reserved_cash += amount;
	return KE_OK;
}

/* Releasing more than is held only clears the reservation: a caller's
 * rounding must not be able to push it below zero. */
void portfolio_release_cash(struct portfolio *p, int64_t amount)
{
	if (!p || amount <= 0)
		return;
	p->reserved_cash -= amount < p->reserved_cash ? amount : p->reserved_cash;
}

int portfolio_reserve_shares(struct portfolio *p, int32_t sym, int64_t qty)
{
	if (!p || sym < 0 || qty < 0)
		return KE_EINVAL;
	if (qty == 0)
		return KE_OK;
	struct position *pos = (struct position *)portfolio_peek(p, sym);
	if (!pos || qty > pos->qty - pos->reserved_qty)
		return KE_ELIMIT;
	pos->reserved_qty += qty;
	return KE_OK;
}

void portfolio_release_shares(struct portfolio *p, int32_t sym, int64_t qty)
{
	struct position *pos = (struct position *)portfolio_peek(p, sym);
	if (!pos || qty <= 0)
		return;
	pos->reserved_qty -= qty < pos->reserved_qty ? qty : pos->reserved_qty;
}

/* floor(a * b / c) for 0 <= a, 0 <= b <= c, c > 0: the result is <= a, so
 * only the product needs the 128 bits. */
static int64_t mul_div(int64_t a, int64_t b, int64_t c)
{
	return (int64_t)((unsigned __int128)(uint64_t)a * (uint64_t)b / (uint64_t)c);
}

int portfolio_apply_fill(struct portfolio *p, int32_t sym, enum order_side side, int64_t qty, int64_t price,
                         int64_t fee, int64_t tax)
{
	if (!p || sym < 0 || qty <= 0 || price <= 0 || fee < 0 || tax < 0)
		return KE_EINVAL;
	if (side != SIDE_BUY && side != SIDE_SELL)
		return KE_EINVAL;
	if (qty > INT64_MAX / price)
		return KE_EINVAL;
	int64_t value = qty * price;
	if (fee > INT64_MAX - tax || p->fees > INT64_MAX - fee || p->taxes > INT64_MAX - tax)
		return KE_EINVAL;

	if (side == SIDE_BUY) {
		if (fee > INT64_MAX - value || value + fee > p->cash)
			return KE_EINVAL;
		/* Grow the table first: on ENOMEM nothing has changed yet. */
		struct position *pos = portfolio_position(p, sym);
		if (!pos)
			return KE_ENOMEM;
		if (pos->qty > INT64_MAX - qty || pos->cost > INT64_MAX - value)
			return KE_EINVAL;
		p->cash -= value + fee;
		p->fees += fee;
		pos->qty += qty;
		pos->cost += value;
		return KE_OK;
	}

	struct position *pos = (struct position *)portfolio_peek(p, sym);
	if (!pos || qty > pos->qty)
		return KE_EINVAL;
	/* The shares sold take the floor of their pro-rata cost; the remainder
	 * stays with the shares kept, so selling out leaves cost exactly 0. */
	int64_t share = qty == pos->qty ? pos->cost : mul_div(pos->cost, qty, pos->qty);
	int64_t gain = value - share;         /* both >= 0: cannot overflow */
	int64_t proceeds = value - fee - tax; /* fee + tax checked above; >= -INT64_MAX */
	if (proceeds < 0 ? p->cash < -proceeds : p->cash > INT64_MAX - proceeds)
		return KE_EINVAL;
	if (gain > 0 ? (pos->realized > INT64_MAX - gain || p->realized > INT64_MAX - gain)
	             : (pos->realized < INT64_MIN - gain || p->realized < INT64_MIN - gain))
		return KE_EINVAL;
	p->cash += proceeds;
	p->fees += fee;
	p->taxes += tax;
	pos->qty -= qty;
	pos->cost -= share;
	pos->realized += gain;
	p->realized += gain;
	return KE_OK;
}

int64_t portfolio_avg_price(const struct position *pos)
{
	if (!pos || pos->qty <= 0 || pos->cost <= 0)
		return 0;
	/* (cost + qty/2) / qty without overflowing the sum: with cost = q*qty + r,
	 * that is q plus one when r >= ceil(qty/2). */
	int64_t q = pos->cost / pos->qty, r = pos->cost % pos->qty;
	return q + (r >= pos->qty - pos->qty / 2);
}

int64_t portfolio_position_value(const struct portfolio *p, const int64_t *last_price, int32_t nprices)
{
	if (!p || !p->pos)
		return 0;
	int64_t total = 0;
	for (int32_t i = 0; i < p->npos; i++) {
		const struct position *pos = &p->pos[i];
		if (pos->qty <= 0)
			continue;
		int64_t price = last_price && i < nprices ? last_price[i] : 0;
		int64_t v;
		if (price <= 0)
			v = pos->cost;
		else if (pos->qty > INT64_MAX / price)
			v = INT64_MAX;
		else
			v = pos->qty * price;
		/* Saturate: a value this large is already meaningless. */
		total = total > INT64_MAX - v ? INT64_MAX : total + v;
	}
	return total;
}
