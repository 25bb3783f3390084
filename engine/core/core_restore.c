/*
 * core_restore.c - rebuilding an earlier run's book (see core.h, "restoring
 * an earlier run"), and the strategies' persisted state.
 *
 * The live driver calls these before core_start, from what its journal and
 * the broker say. Nothing here notifies a strategy except
 * core_redeliver_fill, which exists precisely for that.
 */
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "krx.h"

int core_strategy_find(const struct core *c, const char *name, int *out)
{
	for (int i = 0; name && i < c->nstrats; i++)
		if (strcmp(c->strats[i].name, name) == 0) {
			*out = i;
			return KE_OK;
		}
	return KE_ENOENT;
}

int core_strategy_save_state(struct core *c, int strategy, char **blob, size_t *len)
{
	if (strategy < 0 || strategy >= c->nstrats || !blob || !len)
		return KE_EINVAL;
	struct core_strat *s = &c->strats[strategy];
	if (!s->hooks.save_state)
		return KE_ENOENT;
	int rc = s->hooks.save_state(s->impl, blob, len);
	if (rc != KE_OK)
		core_log(c, strategy, CORE_LOG_ERROR, "ctx.state cannot be saved: %s",
		         s->hooks.last_error ? s->hooks.last_error(s->impl) : ke_strerror(rc));
	return rc;
}

int core_strategy_load_state(struct core *c, int strategy, const char *blob, size_t len)
{
	if (strategy < 0 || strategy >= c->nstrats || (!blob && len > 0))
		return KE_EINVAL;
	struct core_strat *s = &c->strats[strategy];
	if (!s->hooks.load_state)
		return KE_ENOENT;
	int rc = s->hooks.load_state(s->impl, blob, len);
	if (rc != KE_OK)
		core_log(c, strategy, CORE_LOG_ERROR, "the saved ctx.state cannot be restored: %s",
		         s->hooks.last_error ? s->hooks.last_error(s->impl) : ke_strerror(rc));
	return rc;
}

static int valid_fill_args(const struct core *c, int strategy, int32_t sym, enum order_side side, int64_t qty,
                           int64_t price, int64_t fee, int64_t tax)
{
	return strategy >= 0 && strategy < c->nstrats && sym >= 0 && sym < c->nsyms &&
	       (side == SIDE_BUY || side == SIDE_SELL) && qty > 0 && qty <= CORE_MAX_QTY && price > 0 &&
	       price <= CORE_MAX_PRICE && qty <= CORE_MAX_VALUE / price && fee >= 0 && tax >= 0;
}

int core_restore_fill(struct core *c, int strategy, int32_t sym, enum order_side side, int64_t qty, int64_t price,
                      int64_t fee, int64_t tax)
{
	if (c->started || !valid_fill_args(c, strategy, sym, side, qty, price, fee, tax))
		return KE_EINVAL;
	return portfolio_apply_fill(&c->strats[strategy].pf, sym, side, qty, price, fee, tax);
}

/* Cash a buy's rest holds, as place_order reserves it. */
static int64_t adopt_reserve(const struct core *c, int64_t rest, int64_t price)
{
	int64_t value = rest * price;
	return value + fee_commission(&c->cfg.fees, value);
}

int core_adopt_order(struct core *c, int strategy, const struct order_request *req, int64_t filled_qty,
                     int64_t filled_value, int64_t created, int accepted, int64_t *out_id, char *err, size_t errlen)
{
	if (c->started) {
		snprintf(err, errlen, "orders are adopted before the run starts");
		return KE_EINVAL;
	}
	if (strategy < 0 || strategy >= c->nstrats || req->sym < 0 || req->sym >= c->nsyms ||
	    (req->side != SIDE_BUY && req->side != SIDE_SELL) || req->qty <= 0 || req->qty > CORE_MAX_QTY ||
	    filled_qty < 0 || filled_qty >= req->qty || filled_value < 0) {
		snprintf(err, errlen, "not an open order (qty %lld, filled %lld)", (long long)req->qty,
		         (long long)filled_qty);
		return KE_EINVAL;
	}
	if (req->type == ORDER_LIMIT
	        ? (req->price <= 0 || req->price > CORE_MAX_PRICE || req->qty > CORE_MAX_VALUE / req->price)
	        : (req->type != ORDER_MARKET || req->price != 0)) {
		snprintf(err, errlen, "bad price %lld for a %s order", (long long)req->price,
		         req->type == ORDER_LIMIT ? "limit" : "market");
		return KE_EINVAL;
	}
	struct order *o;
	if (order_table_create(c->orders, &o) != KE_OK) {
		snprintf(err, errlen, "out of memory");
		return KE_ENOMEM;
	}
	struct core_strat *s = &c->strats[strategy];
	o->strategy = strategy;
	o->sym = req->sym;
	o->side = req->side;
	o->type = req->type;
	o->price = req->type == ORDER_LIMIT ? req->price : 0;
	o->qty = req->qty;
	o->filled_qty = filled_qty;
	o->filled_value = filled_value;
	o->created = o->updated = created;
	o->state = filled_qty > 0 ? ORDER_PARTIAL : accepted ? ORDER_ACCEPTED : ORDER_SUBMITTED;
	int64_t rest = req->qty - filled_qty;
	/* Hold for the rest what a new order would, as far as the book allows:
	 * the venue has the order whatever the engine's book says. */
	if (o->side == SIDE_BUY) {
		int64_t price = o->price;
		if (price == 0) {
			int64_t lo, hi;
			const struct core_symbol *sy = &c->syms[o->sym];
			int64_t base = sy->prev_close > 0 ? sy->prev_close : sy->last_price;
			krx_price_limits(base > 0 ? base : 1, &lo, &hi);
			price = hi;
		}
		int64_t need = adopt_reserve(c, rest, price);
		int64_t avail = portfolio_available_cash(&s->pf);
		if (need > avail) {
			core_log(c, strategy, CORE_LOG_WARN,
			         "adopted buy of %lld %s holds %lld KRW, less than the %lld its rest needs",
			         (long long)rest, c->syms[o->sym].code, (long long)avail, (long long)need);
			need = avail;
		}
		portfolio_reserve_cash(&s->pf, need);
		o->reserved = need;
		o->reserve_price = price;
	} else {
		const struct position *p = portfolio_peek(&s->pf, o->sym);
		int64_t free_qty = p ? p->qty - p->reserved_qty : 0;
		int64_t hold = rest <= free_qty ? rest : free_qty;
		if (hold < rest)
			core_log(c, strategy, CORE_LOG_WARN,
			         "adopted sell of %lld %s: the book holds only %lld free shares for it",
			         (long long)rest, c->syms[o->sym].code, (long long)hold);
		if (hold > 0)
			portfolio_reserve_shares(&s->pf, o->sym, hold);
	}
	s->open_orders++;
	c->global_open_orders++;
	*out_id = o->id;
	return KE_OK;
}

int core_redeliver_fill(struct core *c, const struct fill *f)
{
	if (!f || f->strategy < 0 || f->strategy >= c->nstrats)
		return KE_EINVAL;
	struct core_note n = {.kind = NOTE_FILL, .strategy = f->strategy};
	n.u.fill = *f;
	return core_note_push(c, &n);
}

int core_set_position_qty(struct core *c, int strategy, int32_t sym, int64_t qty)
{
	if (strategy < 0 || strategy >= c->nstrats || sym < 0 || sym >= c->nsyms || qty < 0)
		return KE_EINVAL;
	struct position *p = portfolio_position(&c->strats[strategy].pf, sym);
	if (!p)
		return KE_ENOMEM;
	if (qty > p->qty || qty < p->reserved_qty)
		return KE_EINVAL;
	if (qty == p->qty)
		return KE_OK;
	/* Cost kept pro rata, as a sale would keep it (floor). */
	p->cost = qty == 0 ? 0 : (int64_t)((__int128)p->cost * qty / p->qty);
	p->qty = qty;
	return KE_OK;
}
