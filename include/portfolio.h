/*
 * portfolio.h - cash and positions of one strategy, in integer KRW.
 *
 * Cash is what the account holds; part of it may be reserved by open buy
 * orders. Shares may likewise be reserved by open sell orders. The average
 * price excludes fees (as brokers show it); fees and taxes are summed
 * separately, and realised P&L is net of neither (see docs/fees.md).
 */
#ifndef PORTFOLIO_H
#define PORTFOLIO_H

#include <stdint.h>

#include "order.h"

struct position {
	int64_t qty;          /* shares held */
	int64_t cost;         /* sum of purchase value of the shares held (no fees) */
	int64_t reserved_qty; /* shares promised to open sell orders */
	int64_t realized;     /* realised P&L: sale value - cost of the shares sold */
};

struct portfolio {
	int64_t cash;          /* may never go below 0 */
	int64_t reserved_cash; /* held back for open buy orders, <= cash */
	int64_t fees;          /* commission paid */
	int64_t taxes;         /* transaction tax paid */
	int64_t realized;      /* sum of positions' realized */
	struct position *pos;  /* indexed by symbol id, grown on demand */
	int32_t npos;
};

int portfolio_init(struct portfolio *p, int64_t cash);
void portfolio_free(struct portfolio *p);

/* The position of sym; grows the table as needed (zeroed). NULL only on ENOMEM. */
struct position *portfolio_position(struct portfolio *p, int32_t sym);

/* Read-only lookup: NULL when sym has never been touched. */
const struct position *portfolio_peek(const struct portfolio *p, int32_t sym);

int64_t portfolio_available_cash(const struct portfolio *p);

/* Reserve amount of cash; KE_ELIMIT when available cash is smaller. */
int portfolio_reserve_cash(struct portfolio *p, int64_t amount);
void portfolio_release_cash(struct portfolio *p, int64_t amount);

/* Reserve qty shares of sym for a sell; KE_ELIMIT when fewer are free. */
int portfolio_reserve_shares(struct portfolio *p, int32_t sym, int64_t qty);
void portfolio_release_shares(struct portfolio *p, int32_t sym, int64_t qty);

/*
 * Book a fill. Buy: cash -= qty*price + fee; position grows, cost += qty*price.
 * Sell: cash += qty*price - fee - tax; cost falls pro rata (floor of
 * cost*qty/held, the remainder stays with the shares kept, so a position
 * sold out leaves cost exactly 0); realized += value - cost share.
 * Reservations are not touched: the caller releases them.
 * KE_EINVAL for a sell of more than is held or a buy that would take cash
 * below zero (nothing changes then).
 */
int portfolio_apply_fill(struct portfolio *p, int32_t sym, enum order_side side, int64_t qty, int64_t price,
                         int64_t fee, int64_t tax);

/* Average purchase price, rounded half up; 0 when flat. */
int64_t portfolio_avg_price(const struct position *pos);

/* Sum of qty * last_price[sym] over the positions (last_price indexed by sym,
 * nprices entries; a symbol without a price is valued at its cost). */
int64_t portfolio_position_value(const struct portfolio *p, const int64_t *last_price, int32_t nprices);

#endif
