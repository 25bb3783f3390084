/*
 * core_orders.c - the order manager: pre-trade checks, cash and share
 * reservations, requests to the broker, and the broker's answers.
 *
 * Invariants kept here:
 *  - a buy order holds reserved cash for its unfilled rest, a sell order
 *    holds reserved shares for its unfilled rest, until it ends;
 *  - every order transition reaches the observer at once (a journal writes
 *    it before the broker sees the request) and the owning strategy later,
 *    through the notification queue.
 */
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "krx.h"
#include "ktime.h"

static void notify_order(struct core *c, const struct order *o)
{
	if (c->obs.on_order)
		c->obs.on_order(c->obs.ctx, o);
	struct core_note n = {.kind = NOTE_ORDER, .strategy = o->strategy};
	n.u.order = *o;
	core_note_push(c, &n);
}

/* Move an open order to a terminal state, releasing what it holds. The
 * remaining quantity must be computed before the state changes. */
static void end_order(struct core *c, struct order *o, enum order_state to, const char *reason)
{
	struct core_strat *s = &c->strats[o->strategy];
	if (o->side == SIDE_SELL) {
		portfolio_release_shares(&s->pf, o->sym, order_remaining(o));
	} else {
		portfolio_release_cash(&s->pf, o->reserved + o->modify_reserve);
		o->reserved = 0;
		o->modify_reserve = 0;
	}
	s->open_orders--;
	c->global_open_orders--;
	order_set_state(o, to, c->now);
	o->pending = 0;
	if (reason)
		snprintf(o->reason, sizeof(o->reason), "%s", reason);
	notify_order(c, o);
}

/* The price a market buy reserves at: the upper limit (KIS's rule), or the
 * last price plus a few ticks when so configured. 0 when no price is known. */
static int64_t market_reserve_price(const struct core *c, int32_t sym)
{
	const struct core_symbol *s = &c->syms[sym];
	if (s->last_price <= 0)
		return 0;
	if (c->cfg.market_reserve == CORE_RESERVE_LAST_PRICE)
		return krx_add_ticks(s->last_price, c->cfg.reserve_ticks);
	int64_t lo, hi;
	krx_price_limits(s->prev_close > 0 ? s->prev_close : s->last_price, &lo, &hi);
	return hi;
}

static int64_t reserve_for(const struct core *c, int64_t qty, int64_t price)
{
	int64_t value = qty * price;
	return value + fee_commission(&c->cfg.fees, value);
}

int64_t core_buyable(const struct core *c, int strategy, int32_t sym, int64_t price)
{
	if (strategy < 0 || strategy >= c->nstrats || sym < 0 || sym >= c->nsyms)
		return 0;
	int64_t p = price > 0 ? price : market_reserve_price(c, sym);
	if (p <= 0)
		return 0;
	int64_t avail = portfolio_available_cash(&c->strats[strategy].pf);
	int64_t q = avail / p;
	/* Commission may push the estimate over by a share or two. */
	while (q > 0 && reserve_for(c, q, p) > avail)
		q--;
	return q;
}

/* ms as seconds without trailing zeros: 5000 -> "5", 12300 -> "12.3". */
static const char *format_secs(char *buf, size_t len, int64_t ms)
{
	int n = snprintf(buf, len, "%lld.%03lld", (long long)(ms / 1000), (long long)(ms % 1000));
	if (n <= 0 || (size_t)n >= len)
		return buf;
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[n - 1] = '\0';
	return buf;
}

/* The stale-data guard of a strategy with max_data_age_ms > 0: a new order
 * waits for live data. A symbol never traded counts as stale, so a feed
 * that never delivered it cannot pass for a quiet one. */
static int check_data_age(const struct core *c, const struct core_strat *s, const struct core_symbol *sym, char *reason,
                          size_t len)
{
	if (s->max_data_age_ms <= 0)
		return KE_OK;
	if (c->feed_set && !c->feed.connected) {
		snprintf(reason, len, "stale market data: the realtime feed is down");
		return KE_ELIMIT;
	}
	int64_t age = c->now - sym->last_time;
	if (sym->last_time > 0 && age <= s->max_data_age_ms)
		return KE_OK;
	char agebuf[32], limit[32];
	format_secs(limit, sizeof(limit), s->max_data_age_ms);
	if (sym->last_time <= 0)
		snprintf(reason, len, "stale market data: no %s tick has arrived yet (limit %s s)", sym->code, limit);
	else
		snprintf(reason, len, "stale market data: the last %s tick is %s s old (limit %s s)", sym->code,
		         format_secs(agebuf, sizeof(agebuf), age), limit);
	return KE_ELIMIT;
}

/* Pre-trade checks that depend on the market and the account. Fills reason
 * and returns KE_ELIMIT when the order must be rejected. An exit (a sell of
 * core_close_all) skips the stale-data guard: getting out must always work. */
static int check_order(struct core *c, struct order *o, int is_exit, char *reason, size_t len)
{
	struct core_strat *s = &c->strats[o->strategy];
	const struct core_symbol *sym = &c->syms[o->sym];
	char a[KE_KRW_BUF], b[KE_KRW_BUF], d[KE_KRW_BUF];

	if (s->halted) {
		snprintf(reason, len, "strategy is halted (%.120s)", s->halt_reason);
		return KE_ELIMIT;
	}
	if (!is_exit && check_data_age(c, s, sym, reason, len) != KE_OK)
		return KE_ELIMIT;
	if (o->type == ORDER_LIMIT) {
		if (!krx_price_valid(o->price)) {
			snprintf(reason, len,
			         "price %s is not a valid KRX price: the tick size at this price is %lld won "
			         "(ctx:round_price gives the nearest valid price)",
			         ke_format_krw(a, o->price), (long long)krx_tick_size(o->price));
			return KE_ELIMIT;
		}
		if (sym->prev_close > 0) {
			int64_t lo, hi;
			krx_price_limits(sym->prev_close, &lo, &hi);
			if (o->price < lo || o->price > hi) {
				snprintf(reason, len,
				         "price %s is outside today's limits %s..%s (previous close %lld, +/-30%%)",
				         ke_format_krw(a, o->price), ke_format_krw(b, lo), ke_format_krw(d, hi),
				         (long long)sym->prev_close);
				return KE_ELIMIT;
			}
		}
	}
	int64_t ref_price = o->type == ORDER_LIMIT ? o->price : sym->last_price;
	if (ref_price <= 0) {
		snprintf(reason, len, "no price known for %s yet: a market order needs a last trade price", sym->code);
		return KE_ELIMIT;
	}
	if (ref_price > CORE_MAX_PRICE || o->qty > CORE_MAX_VALUE / ref_price) {
		snprintf(reason, len, "%lld x %s at %lld is beyond what the engine values", (long long)o->qty,
		         sym->code, (long long)ref_price);
		return KE_ELIMIT;
	}
	if (o->side == SIDE_SELL) {
		const struct position *p = portfolio_peek(&s->pf, o->sym);
		int64_t held = p ? p->qty : 0, offered = p ? p->reserved_qty : 0;
		if (o->qty > held - offered) {
			snprintf(reason, len,
			         "not enough shares of %s: holding %lld, %lld already offered by open sells, "
			         "selling %lld (no short selling in a cash account)",
			         sym->code, (long long)held, (long long)offered, (long long)o->qty);
			return KE_ELIMIT;
		}
	}

	const struct position *p = portfolio_peek(&s->pf, o->sym);
	struct risk_order_info info = {
	    .now = c->now,
	    .order_value = o->qty * ref_price,
	    .position_value_after = ((p ? p->qty : 0) + o->qty) * ref_price,
	    .is_buy = o->side == SIDE_BUY,
	    .open_orders = s->open_orders,
	};
	char scope[96];
	snprintf(scope, sizeof(scope), "strategy '%s'", s->name);
	if (risk_check(&s->risk, &s->rs, &info, scope, reason, len) != KE_OK)
		return KE_ELIMIT;
	/* Engine-wide: the position is the sum over strategies. */
	int64_t held_all = 0;
	for (int i = 0; i < c->nstrats; i++) {
		const struct position *q = portfolio_peek(&c->strats[i].pf, o->sym);
		held_all += q ? q->qty : 0;
	}
	info.position_value_after = (held_all + o->qty) * ref_price;
	info.open_orders = c->global_open_orders;
	if (risk_check(&c->cfg.risk, &c->global_rs, &info, "engine", reason, len) != KE_OK)
		return KE_ELIMIT;

	if (o->side == SIDE_BUY) {
		int64_t rprice = o->type == ORDER_LIMIT ? o->price : market_reserve_price(c, o->sym);
		int64_t need = reserve_for(c, o->qty, rprice);
		if (portfolio_reserve_cash(&s->pf, need) != KE_OK) {
			snprintf(reason, len,
			         "not enough cash: the order needs %s KRW (%lld x %s%s + commission), %s available",
			         ke_format_krw(a, need), (long long)o->qty, ke_format_krw(b, rprice),
			         o->type == ORDER_MARKET ? " reserved at the upper price limit" : "",
			         ke_format_krw(d, portfolio_available_cash(&s->pf)));
			return KE_ELIMIT;
		}
		o->reserved = need;
		o->reserve_price = rprice;
	} else {
		portfolio_reserve_shares(&s->pf, o->sym, o->qty);
	}
	return KE_OK;
}

static int place_order(struct core *c, int strategy, const struct order_request *req, int is_exit, int64_t *out_id,
                       char *err, size_t errlen)
{
	if (strategy < 0 || strategy >= c->nstrats) {
		snprintf(err, errlen, "no strategy %d", strategy);
		return KE_EINVAL;
	}
	if (req->sym < 0 || req->sym >= c->nsyms) {
		snprintf(err, errlen, "unknown symbol");
		return KE_EINVAL;
	}
	if (req->side != SIDE_BUY && req->side != SIDE_SELL) {
		snprintf(err, errlen, "side must be buy or sell");
		return KE_EINVAL;
	}
	if (req->qty <= 0 || req->qty > CORE_MAX_QTY) {
		snprintf(err, errlen, "quantity must be a whole number of shares from 1 to 1,000,000,000 (got %lld)",
		         (long long)req->qty);
		return KE_EINVAL;
	}
	if (req->type == ORDER_LIMIT ? (req->price <= 0 || req->price > CORE_MAX_PRICE)
	                             : (req->type != ORDER_MARKET || req->price != 0)) {
		snprintf(err, errlen,
		         req->type == ORDER_LIMIT ? "limit price must be a positive number of won"
		                                  : "a market order takes no price");
		return KE_EINVAL;
	}
	if (req->type == ORDER_LIMIT && req->qty > CORE_MAX_VALUE / req->price) {
		snprintf(err, errlen, "order value %lld x %lld is beyond what the engine accepts", (long long)req->qty,
		         (long long)req->price);
		return KE_EINVAL;
	}
	struct order *o;
	if (order_table_create(c->orders, &o) != KE_OK) {
		snprintf(err, errlen, "out of memory");
		return KE_ENOMEM;
	}
	o->strategy = strategy;
	o->sym = req->sym;
	o->side = req->side;
	o->type = req->type;
	o->price = req->type == ORDER_LIMIT ? req->price : 0;
	o->qty = req->qty;
	o->state = ORDER_NEW;
	o->created = o->updated = c->now;
	*out_id = o->id;

	char reason[KE_REASON_MAX];
	if (check_order(c, o, is_exit, reason, sizeof(reason)) != KE_OK) {
		order_set_state(o, ORDER_REJECTED, c->now);
		snprintf(o->reason, sizeof(o->reason), "%s", reason);
		/* INFO: a backtest may reject thousands; orders.csv keeps every reason. */
		core_log(c, strategy, CORE_LOG_INFO, "order %lld rejected: %s", (long long)o->id, reason);
		notify_order(c, o);
		return KE_OK;
	}
	struct core_strat *s = &c->strats[strategy];
	s->open_orders++;
	c->global_open_orders++;
	risk_note_order(&s->rs, c->now);
	risk_note_order(&c->global_rs, c->now);
	order_set_state(o, ORDER_SUBMITTED, c->now);
	/* The observer (journal) records the order before the request leaves. */
	notify_order(c, o);
	if (c->obs.before_send && c->obs.before_send(c->obs.ctx, o) != KE_OK) {
		end_order(c, o, ORDER_REJECTED, "the journal could not record the order, so it was not sent");
		return KE_OK;
	}
	if (!c->has_broker || c->broker.place(c->broker.self, o) != KE_OK)
		end_order(c, o, ORDER_REJECTED, "the broker could not take the order request");
	return KE_OK;
}

int core_place(struct core *c, int strategy, const struct order_request *req, int64_t *out_id, char *err, size_t errlen)
{
	return place_order(c, strategy, req, 0, out_id, err, errlen);
}

/* An open order of this strategy, or NULL with err filled. */
static struct order *own_open_order(struct core *c, int strategy, int64_t id, char *err, size_t errlen)
{
	struct order *o = order_table_get(c->orders, id);
	if (!o || o->strategy != strategy) {
		/* Ended orders leave the table once reported, so "unknown" covers them. */
		snprintf(err, errlen, "order %lld is not an open order of this strategy", (long long)id);
		return NULL;
	}
	if (!order_is_open(o)) {
		snprintf(err, errlen, "order %lld is %s, not open", (long long)id, order_state_name(o->state));
		return NULL;
	}
	return o;
}

int core_cancel(struct core *c, int strategy, int64_t id, char *err, size_t errlen)
{
	struct order *o = own_open_order(c, strategy, id, err, errlen);
	if (!o)
		return order_table_get(c->orders, id) ? KE_ESTATE : KE_ENOENT;
	if (o->pending & ORDER_PENDING_CANCEL) {
		snprintf(err, errlen, "order %lld already has a cancel pending", (long long)id);
		return KE_ESTATE;
	}
	o->pending |= ORDER_PENDING_CANCEL;
	if (!c->has_broker || c->broker.cancel(c->broker.self, o) != KE_OK) {
		o->pending &= ~ORDER_PENDING_CANCEL;
		snprintf(err, errlen, "the broker could not take the cancel request");
		return KE_EIO;
	}
	return KE_OK;
}

int core_modify(struct core *c, int strategy, int64_t id, int64_t new_price, int64_t new_remaining, char *err,
                size_t errlen)
{
	struct order *o = own_open_order(c, strategy, id, err, errlen);
	if (!o)
		return order_table_get(c->orders, id) ? KE_ESTATE : KE_ENOENT;
	if (o->pending) {
		snprintf(err, errlen, "order %lld already has a %s pending", (long long)id,
		         (o->pending & ORDER_PENDING_CANCEL) ? "cancel" : "modify");
		return KE_ESTATE;
	}
	if (o->type != ORDER_LIMIT) {
		snprintf(err, errlen, "only limit orders can be modified (order %lld is a market order)",
		         (long long)id);
		return KE_EINVAL;
	}
	int64_t remaining = order_remaining(o);
	int64_t price = new_price > 0 ? new_price : o->price;
	int64_t rest = new_remaining > 0 ? new_remaining : remaining;
	if (new_price < 0 || new_remaining < 0 || rest > remaining) {
		snprintf(err, errlen, "the new quantity (%lld) must be positive and not more than the %lld remaining",
		         (long long)rest, (long long)remaining);
		return KE_EINVAL;
	}
	if (price > CORE_MAX_PRICE || rest > CORE_MAX_VALUE / price) {
		snprintf(err, errlen, "order value %lld x %lld is beyond what the engine accepts", (long long)rest,
		         (long long)price);
		return KE_EINVAL;
	}
	if (!krx_price_valid(price)) {
		snprintf(err, errlen, "price %lld is not a valid KRX price (tick size %lld)", (long long)price,
		         (long long)krx_tick_size(price));
		return KE_EINVAL;
	}
	int64_t pc = c->syms[o->sym].prev_close;
	if (pc > 0) {
		int64_t lo, hi;
		krx_price_limits(pc, &lo, &hi);
		if (price < lo || price > hi) {
			snprintf(err, errlen, "price %lld is outside today's limits %lld..%lld", (long long)price,
			         (long long)lo, (long long)hi);
			return KE_EINVAL;
		}
	}
	struct core_strat *s = &c->strats[strategy];
	if (s->risk.max_order_value > 0 && rest * price > s->risk.max_order_value) {
		snprintf(err, errlen, "order value %lld KRW would exceed max_order_value %lld KRW",
		         (long long)(rest * price), (long long)s->risk.max_order_value);
		return KE_ELIMIT;
	}
	/* A buy whose new price needs more cash reserves the difference now, so
	 * a modify can never spend cash that other orders hold. */
	int64_t extra = 0;
	if (o->side == SIDE_BUY) {
		int64_t need = reserve_for(c, rest, price);
		if (need > o->reserved) {
			extra = need - o->reserved;
			if (portfolio_reserve_cash(&s->pf, extra) != KE_OK) {
				snprintf(err, errlen, "not enough cash to raise the order: needs %lld KRW more",
				         (long long)extra);
				return KE_ELIMIT;
			}
		}
	}
	o->modify_reserve = extra;
	o->modify_price = price;
	o->modify_qty = rest;
	o->pending |= ORDER_PENDING_MODIFY;
	if (!c->has_broker || c->broker.modify(c->broker.self, o, price, rest) != KE_OK) {
		portfolio_release_cash(&s->pf, extra);
		o->modify_reserve = 0;
		o->pending &= ~ORDER_PENDING_MODIFY;
		snprintf(err, errlen, "the broker could not take the modify request");
		return KE_EIO;
	}
	return KE_OK;
}

const struct order *core_order(const struct core *c, int64_t id)
{
	return order_table_get(c->orders, id);
}

struct open_visit {
	int strategy;
	int32_t sym;
	int (*fn)(void *ud, const struct order *o);
	void *ud;
};

static int visit_open(void *ud, struct order *o)
{
	struct open_visit *v = ud;
	if (o->strategy != v->strategy || !order_is_open(o) || (v->sym >= 0 && o->sym != v->sym))
		return 0;
	return v->fn(v->ud, o);
}

int core_open_orders(struct core *c, int strategy, int32_t sym, int (*fn)(void *ud, const struct order *o), void *ud)
{
	struct open_visit v = {strategy, sym, fn, ud};
	return order_table_each(c->orders, visit_open, &v);
}

static int cancel_one(void *ud, const struct order *o)
{
	struct core *c = ud;
	char err[KE_REASON_MAX];
	if (!(o->pending & ORDER_PENDING_CANCEL) && core_cancel(c, o->strategy, o->id, err, sizeof(err)) != KE_OK)
		core_log(c, o->strategy, CORE_LOG_ERROR, "could not cancel order %lld: %s", (long long)o->id, err);
	return 0;
}

int core_cancel_all(struct core *c, int strategy)
{
	return core_open_orders(c, strategy, -1, cancel_one, c);
}

/* Sell, at market, the shares of sym that no open order holds. */
static void flatten_symbol(struct core *c, int strategy, int32_t sym)
{
	const struct position *p = portfolio_peek(&c->strats[strategy].pf, sym);
	if (!p || p->qty - p->reserved_qty <= 0)
		return;
	struct order_request req = {
	    .sym = sym, .side = SIDE_SELL, .type = ORDER_MARKET, .qty = p->qty - p->reserved_qty};
	int64_t id;
	char err[KE_REASON_MAX];
	/* An exit: the stale-data guard does not apply (see check_order). */
	if (place_order(c, strategy, &req, 1, &id, err, sizeof(err)) != KE_OK)
		core_log(c, strategy, CORE_LOG_ERROR, "close_all could not sell %s: %s", c->syms[sym].code, err);
}

/* While flattening, every change that frees or adds shares sells them. */
static void flatten_step(struct core *c, int strategy, int32_t sym)
{
	struct core_strat *s = &c->strats[strategy];
	if (!s->flattening)
		return;
	if (!s->halted)
		flatten_symbol(c, strategy, sym);
	if (s->open_orders == 0)
		s->flattening = 0;
}

int core_close_all(struct core *c, int strategy)
{
	if (strategy < 0 || strategy >= c->nstrats)
		return KE_EINVAL;
	struct core_strat *s = &c->strats[strategy];
	s->flattening = 1;
	core_cancel_all(c, strategy);
	for (int32_t sym = 0; sym < s->pf.npos && sym < c->nsyms; sym++)
		flatten_symbol(c, strategy, sym);
	if (s->open_orders == 0)
		s->flattening = 0;
	return KE_OK;
}

/* ---- broker answers ---- */

static void on_fill(struct core *c, struct order *o, const struct broker_event *ev)
{
	struct core_strat *s = &c->strats[o->strategy];
	int64_t remaining = order_remaining(o);
	if (ev->qty <= 0 || ev->qty > remaining || ev->price <= 0 || ev->price > CORE_MAX_PRICE) {
		core_log(c, o->strategy, CORE_LOG_ERROR,
		         "broker reported a fill of %lld @ %lld for order %lld with %lld remaining: ignored",
		         (long long)ev->qty, (long long)ev->price, (long long)o->id, (long long)remaining);
		return;
	}
	int64_t value = ev->qty * ev->price;
	int64_t fee = fee_commission(&c->cfg.fees, value);
	int64_t tax =
	    o->side == SIDE_SELL ? fee_sell_tax(&c->cfg.fees, ktime_yyyymmdd(ktime_kst_day(ev->time)), value) : 0;
	if (o->side == SIDE_BUY) {
		/* What stays held is exactly what the rest would need, so the
		 * part released always covers this fill's value and commission:
		 * fee(a + b) >= fee(a) + fee(b) when fees are truncated. */
		int64_t keep = reserve_for(c, remaining - ev->qty, o->reserve_price);
		if (keep > o->reserved)
			keep = o->reserved;
		portfolio_release_cash(&s->pf, o->reserved - keep);
		o->reserved = keep;
	} else {
		portfolio_release_shares(&s->pf, o->sym, ev->qty);
	}
	if (portfolio_apply_fill(&s->pf, o->sym, o->side, ev->qty, ev->price, fee, tax) != KE_OK) {
		/* Only possible when a market buy fills above what it reserved
		 * (CORE_RESERVE_LAST_PRICE): never let cash go negative. */
		core_log(c, o->strategy, CORE_LOG_ERROR,
		         "fill of %lld @ %lld for order %lld costs more than the cash held: not booked",
		         (long long)ev->qty, (long long)ev->price, (long long)o->id);
		core_halt_strategy(c, o->strategy, "a fill exceeded the available cash");
		return;
	}
	order_apply_fill(o, ev->qty, ev->price, ev->time > c->now ? ev->time : c->now);
	o->fees += fee;
	o->taxes += tax;
	struct fill f = {.order_id = o->id,
	                 .strategy = o->strategy,
	                 .sym = o->sym,
	                 .side = o->side,
	                 .qty = ev->qty,
	                 .price = ev->price,
	                 .fee = fee,
	                 .tax = tax,
	                 .time = ev->time};
	if (c->obs.on_fill)
		f.ref = c->obs.on_fill(c->obs.ctx, &f);
	struct core_note n = {.kind = NOTE_FILL, .strategy = o->strategy};
	n.u.fill = f;
	core_note_push(c, &n);
	if (o->state == ORDER_FILLED) {
		/* Fully filled: nothing left to hold (sell shares were released per fill). */
		portfolio_release_cash(&s->pf, o->reserved + o->modify_reserve);
		o->reserved = 0;
		o->modify_reserve = 0;
		o->pending = 0;
		s->open_orders--;
		c->global_open_orders--;
	}
	notify_order(c, o);
	core_check_daily_loss(c, o->strategy);
}

static void on_modified(struct core *c, struct order *o, const struct broker_event *ev)
{
	struct core_strat *s = &c->strats[o->strategy];
	int64_t old_rest = order_remaining(o);
	int64_t rest = ev->qty > 0 ? ev->qty : old_rest;
	int64_t price = ev->price > 0 ? ev->price : o->price;
	if (rest > old_rest) {
		core_log(c, o->strategy, CORE_LOG_ERROR, "broker raised order %lld to %lld remaining: kept %lld",
		         (long long)o->id, (long long)rest, (long long)old_rest);
		rest = old_rest;
	}
	if (o->side == SIDE_BUY) {
		int64_t need = reserve_for(c, rest, price);
		int64_t held = o->reserved + o->modify_reserve;
		if (need < held)
			portfolio_release_cash(&s->pf, held - need);
		else if (need > held && portfolio_reserve_cash(&s->pf, need - held) != KE_OK)
			core_log(c, o->strategy, CORE_LOG_ERROR, "order %lld modified beyond its reserved cash",
			         (long long)o->id);
		o->reserved = need;
		o->reserve_price = price;
		o->modify_reserve = 0;
	} else {
		portfolio_release_shares(&s->pf, o->sym, old_rest - rest);
	}
	o->qty = o->filled_qty + rest;
	o->price = price;
	o->pending &= ~ORDER_PENDING_MODIFY;
	o->updated = c->now;
	o->reason[0] = '\0';
	notify_order(c, o);
}

static void on_request_refused(struct core *c, struct order *o, const struct broker_event *ev)
{
	if (ev->kind == BEV_MODIFY_REJECTED) {
		portfolio_release_cash(&c->strats[o->strategy].pf, o->modify_reserve);
		o->modify_reserve = 0;
		o->pending &= ~ORDER_PENDING_MODIFY;
		snprintf(o->reason, sizeof(o->reason), "modify refused: %.120s", ev->reason);
	} else {
		o->pending &= ~ORDER_PENDING_CANCEL;
		snprintf(o->reason, sizeof(o->reason), "cancel refused: %.120s", ev->reason);
	}
	o->updated = c->now;
	notify_order(c, o);
}

void core_orders_on_broker_event(struct core *c, const struct broker_event *ev)
{
	struct order *o = order_table_get(c->orders, ev->order_id);
	if (!o) {
		core_log(c, -1, CORE_LOG_ERROR, "broker event for unknown order %lld ignored", (long long)ev->order_id);
		return;
	}
	if (!order_is_open(o)) {
		core_log(c, o->strategy, CORE_LOG_WARN, "broker event %d for order %lld, which is already %s: ignored",
		         (int)ev->kind, (long long)o->id, order_state_name(o->state));
		return;
	}
	switch (ev->kind) {
	case BEV_ACCEPTED:
		if (o->state == ORDER_SUBMITTED) {
			order_set_state(o, ORDER_ACCEPTED, c->now);
			notify_order(c, o);
		}
		break;
	case BEV_REJECTED:
		end_order(c, o, ORDER_REJECTED, ev->reason[0] ? ev->reason : "rejected by the broker");
		if (c->strats[o->strategy].flattening && o->side == SIDE_SELL) {
			/* Re-sending what the venue refuses would loop: stop and say so. */
			c->strats[o->strategy].flattening = 0;
			core_log(c, o->strategy, CORE_LOG_ERROR, "close_all stopped: the venue rejected the sell of %s",
			         c->syms[o->sym].code);
		}
		break;
	case BEV_FILL:
		on_fill(c, o, ev);
		flatten_step(c, o->strategy, o->sym);
		break;
	case BEV_CANCELLED:
		end_order(c, o, ORDER_CANCELLED, ev->reason[0] ? ev->reason : NULL);
		flatten_step(c, o->strategy, o->sym);
		break;
	case BEV_MODIFIED: on_modified(c, o, ev); break;
	case BEV_CANCEL_REJECTED:
	case BEV_MODIFY_REJECTED: on_request_refused(c, o, ev); break;
	}
}
