/*
 * venue_order.c - the venue's order path: order-cash and order-rvsecncl the
 * KIS way, and the booking of what the matching engine reports.
 *
 * Matching is simbroker's: every order that can trade (a new order or a
 * revise) has a matcher order with id = its index + 1. The venue's own calls
 * to the matcher (place, modify, cancel) answer synchronously and are
 * captured; fills and expiries arrive later, from simvenue_advance() and the
 * market events, through simvenue_on_broker_event().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krx.h"
#include "ktime.h"
#include "venue_internal.h"

/* ---- notices ---- */

static void notify(struct simvenue *v, enum simvenue_notice_kind kind, const struct vorder *o, int64_t qty,
                   int64_t price, int64_t time)
{
	v->ctr.notices++;
	if (!v->notice_fn)
		return;
	const struct vacct *a = &v->accts[o->acct];
	const struct vsym *s = &v->syms[o->sym];
	struct simvenue_notice n;
	memset(&n, 0, sizeof(n));
	n.kind = kind;
	n.time = time;
	simvenue_copy(n.cust_id, sizeof(n.cust_id), a->hts_id);
	snprintf(n.acnt_no, sizeof(n.acnt_no), "%s%s", a->cano, a->prdt);
	simvenue_format_odno(v, o->odno, n.oder_no, sizeof(n.oder_no));
	simvenue_format_odno(v, o->orgn_odno, n.ooder_no, sizeof(n.ooder_no));
	simvenue_copy(n.seln_byov_cls, sizeof(n.seln_byov_cls), o->side == SIDE_SELL ? "01" : "02");
	snprintf(n.rctf_cls, sizeof(n.rctf_cls), "%d", (int)o->kind);
	simvenue_copy(n.oder_kind, sizeof(n.oder_kind), o->ord_dvsn);
	simvenue_copy(n.oder_cond, sizeof(n.oder_cond), "0");
	simvenue_copy(n.stck_shrn_iscd, sizeof(n.stck_shrn_iscd), s->code);
	n.cntg_qty = qty;
	n.cntg_unpr = price;
	simvenue_hhmmss(time, n.stck_cntg_hour, sizeof(n.stck_cntg_hour));
	simvenue_copy(n.rfus_yn, sizeof(n.rfus_yn), kind == SIMVENUE_NOTICE_REJECTED ? "1" : "0");
	simvenue_copy(n.cntg_yn, sizeof(n.cntg_yn), kind == SIMVENUE_NOTICE_FILL ? "2" : "1");
	simvenue_copy(n.acpt_yn, sizeof(n.acpt_yn),
	              kind == SIMVENUE_NOTICE_RECEIPT    ? "1"
	              : kind == SIMVENUE_NOTICE_REJECTED ? "3"
	                                                 : "2");
	simvenue_copy(n.brnc_no, sizeof(n.brnc_no), v->cfg.orgno);
	n.oder_qty = o->qty;
	simvenue_copy(n.ord_exg_gb, sizeof(n.ord_exg_gb), "1");
	simvenue_copy(n.cntg_isnm40, sizeof(n.cntg_isnm40), s->name);
	n.oder_prc = o->price;
	v->notice_fn(v->notice_ud, &n);
}

void simvenue_set_notice_sink(struct simvenue *v, simvenue_notice_fn fn, void *ud)
{
	if (!v)
		return;
	v->notice_fn = fn;
	v->notice_ud = ud;
}

/* ---- what the matcher reports ---- */

/* Cash a buy order holds for its unfilled rest. */
static int64_t order_reserve(const struct simvenue *v, const struct vorder *o)
{
	return o->side == SIDE_BUY ? simvenue_buy_need(v, o->remaining, o->reserve_price) : 0;
}

/* After o->remaining fell: give back what the buy no longer needs, or the
 * sell's shares (released_qty of them). */
static void release(struct simvenue *v, struct vorder *o, int64_t released_qty)
{
	struct vacct *a = &v->accts[o->acct];
	if (o->side == SIDE_BUY) {
		int64_t keep = order_reserve(v, o);
		portfolio_release_cash(&a->pf, o->reserved - keep);
		o->reserved = keep;
	} else {
		portfolio_release_shares(&a->pf, o->sym, released_qty);
	}
}

static void book_fill(struct simvenue *v, struct vorder *o, int64_t qty, int64_t px, int64_t time)
{
	struct vacct *a = &v->accts[o->acct];
	const struct vsym *s = &v->syms[o->sym];
	if (qty <= 0 || qty > o->remaining || px <= 0) {
		v->ctr.book_errors++;
		return;
	}
	/* Nothing trades outside the day's band at KRX; a print there (a market
	 * order's slippage at the limit, or data off its base) fills at the limit. */
	if (s->upper > 0 && px > s->upper)
		px = s->upper;
	if (s->lower > 0 && px < s->lower)
		px = s->lower;
	int64_t value = qty * px;
	int64_t fee = fee_commission(&v->cfg.fees, value);
	int64_t tax = o->side == SIDE_SELL ? fee_sell_tax(&v->cfg.fees, ktime_yyyymmdd(ktime_kst_day(time)), value) : 0;
	o->remaining -= qty;
	release(v, o, qty);
	if (portfolio_apply_fill(&a->pf, o->sym, o->side, qty, px, fee, tax) != KE_OK)
		v->ctr.book_errors++;
	o->filled_qty += qty;
	o->filled_amt += value;
	o->fees += fee;
	o->taxes += tax;
	struct vday *d = simvenue_acct_day(a, o->sym);
	if (d) {
		d->listed = 1;
		if (o->side == SIDE_BUY)
			d->buy_qty += qty;
		else
			d->sell_qty += qty;
	}
	if (o->side == SIDE_BUY) {
		a->thdt_buy_amt += value;
		simvenue_add_flow(v, a, v->day, -(value + fee));
	} else {
		a->thdt_sll_amt += value;
		simvenue_add_flow(v, a, v->day, value - fee - tax);
	}
	a->thdt_tlex_amt += fee + tax;
	if (simvenue_grow((void **)&v->fills, v->nfills, &v->capfills, sizeof(*v->fills)) == KE_OK)
		v->fills[v->nfills++] = (struct vfill){o->odno, time, qty, px, fee, tax};
	else
		v->ctr.book_errors++;
	v->ctr.fills++;
	notify(v, SIMVENUE_NOTICE_FILL, o, qty, px, time);
}

void simvenue_on_broker_event(void *ctx, const struct broker_event *ev)
{
	struct simvenue *v = ctx;
	if (v->capturing) {
		if (v->ncap < VENUE_CAPTURE)
			v->cap[v->ncap++] = *ev;
		return;
	}
	int64_t i = ev->order_id - 1;
	if (i < 0 || i >= v->norders) {
		v->ctr.book_errors++;
		return;
	}
	struct vorder *o = &v->orders[i];
	if (ev->kind == BEV_FILL) {
		book_fill(v, o, ev->qty, ev->price, ev->time);
	} else if (ev->kind == BEV_CANCELLED && ev->qty > 0 && ev->qty <= o->remaining) {
		/* Only the day's end cancels on its own: the order expired. */
		o->remaining -= ev->qty;
		o->expired_qty += ev->qty;
		release(v, o, ev->qty);
		v->ctr.expired++;
		notify(v, SIMVENUE_NOTICE_REJECTED, o, ev->qty, o->price, ev->time);
	} else {
		v->ctr.book_errors++;
	}
}

/* Ask the matcher to place o, or to shrink it to new_remaining (0 cancels);
 * KE_ESTATE unless it answered as expected. */
static int matcher_call(struct simvenue *v, const struct vorder *o, int place, int64_t new_remaining)
{
	struct order mo;
	memset(&mo, 0, sizeof(mo));
	mo.id = (o - v->orders) + 1;
	mo.sym = o->sym;
	mo.side = o->side;
	mo.type = o->type;
	mo.price = o->price;
	mo.qty = o->remaining;
	struct broker b = simbroker_broker(v->sb);
	v->capturing = 1;
	v->ncap = 0;
	int rc = place                ? b.place(b.self, &mo)
	         : new_remaining == 0 ? b.cancel(b.self, &mo)
	                              : b.modify(b.self, &mo, 0, new_remaining);
	v->capturing = 0;
	enum broker_event_kind want = place ? BEV_ACCEPTED : new_remaining == 0 ? BEV_CANCELLED : BEV_MODIFIED;
	if (rc != KE_OK)
		return rc;
	return v->ncap == 1 && v->cap[0].kind == want ? KE_OK : KE_ESTATE;
}

/* ---- orders ---- */

/* A fresh order record at the end of the table; NULL on ENOMEM. */
static struct vorder *new_order(struct simvenue *v)
{
	if (simvenue_grow((void **)&v->orders, v->norders, &v->caporders, sizeof(*v->orders)) != KE_OK)
		return NULL;
	struct vorder *o = &v->orders[v->norders];
	memset(o, 0, sizeof(*o));
	o->odno = v->cfg.first_odno + v->norders;
	o->time = v->now;
	o->day = v->day;
	v->norders++;
	return o;
}

static void log_reject(struct simvenue *v, int is_rvse, const void *req, enum simvenue_msg_id id)
{
	if (v->nrejects >= v->cfg.reject_log_max ||
	    simvenue_grow((void **)&v->rejects, v->nrejects, &v->caprejects, sizeof(*v->rejects)) != KE_OK)
		return;
	struct vreject *r = &v->rejects[v->nrejects++];
	r->time = v->now;
	r->is_rvse = is_rvse;
	r->id = id;
	if (is_rvse)
		r->req.r = *(const struct simvenue_rvse_req *)req;
	else
		r->req.o = *(const struct simvenue_order_req *)req;
}

static enum simvenue_msg_id session_check(const struct simvenue *v)
{
	if (!v->cfg.check_session)
		return SIMVENUE_OK_BUY;
	int wd = ktime_weekday(v->day);
	int64_t tod = ktime_kst_ms_of_day(v->now);
	if (wd == 0 || wd == 6)
		return SIMVENUE_E_HOLIDAY;
	if (tod < v->cfg.order_open_ms)
		return SIMVENUE_E_BEFORE_OPEN;
	/* simbroker gives an order placed at or after 15:30 to the next session. */
	if (tod >= v->cfg.order_close_ms)
		return SIMVENUE_E_AFTER_CLOSE;
	return SIMVENUE_OK_BUY;
}

static int exchange_ok(const char *x)
{
	return x[0] == '\0' || strcmp(x, "KRX") == 0;
}

/* ORD_DVSN and ORD_UNPR into type and price, checked against the tick grid
 * and the day's band; for a market order price is 0 and *hold the upper limit. */
static enum simvenue_msg_id price_check(const struct simvenue *v, int32_t sym, const char *dvsn, const char *unpr,
                                        enum order_type *type, int64_t *price, int64_t *hold, const char **detail)
{
	const struct vsym *s = &v->syms[sym];
	int64_t p;
	if (!dvsn[0]) {
		*detail = "ORD_DVSN";
		return SIMVENUE_E_INPUT;
	}
	if (strcmp(dvsn, "00") != 0 && strcmp(dvsn, "01") != 0) {
		*detail = "ORD_DVSN";
		return SIMVENUE_E_UNSUPPORTED;
	}
	if (simvenue_parse_uint(unpr, 1000000000000LL, &p) != 0) {
		*detail = "ORD_UNPR";
		return SIMVENUE_E_INPUT;
	}
	if (strcmp(dvsn, "01") == 0) {
		/* A market order's price is ignored; it holds cash at the upper limit. */
		if (s->upper <= 0)
			return SIMVENUE_E_NO_PRICE;
		*type = ORDER_MARKET;
		*price = 0;
		*hold = s->upper;
		return SIMVENUE_OK_BUY;
	}
	if (!krx_price_valid(p))
		return SIMVENUE_E_TICK;
	if (s->upper > 0 && p > s->upper)
		return SIMVENUE_E_UPPER;
	if (s->lower > 0 && p < s->lower)
		return SIMVENUE_E_LOWER;
	*type = ORDER_LIMIT;
	*price = p;
	*hold = p;
	return SIMVENUE_OK_BUY;
}

#define QTY_MAX 1000000000LL

static enum simvenue_msg_id place_check(struct simvenue *v, const struct simvenue_order_req *q, int *acct, int32_t *sym,
                                        enum order_type *type, int64_t *qty, int64_t *price, int64_t *hold,
                                        const char **detail)
{
	*acct = simvenue_account_index(v, q->cano, q->acnt_prdt_cd);
	if (*acct < 0)
		return SIMVENUE_E_ACCOUNT;
	if (q->side != SIDE_BUY && q->side != SIDE_SELL) {
		*detail = "tr_id";
		return SIMVENUE_E_INPUT;
	}
	if (!exchange_ok(q->excg_id_dvsn_cd)) {
		*detail = "EXCG_ID_DVSN_CD";
		return SIMVENUE_E_UNSUPPORTED;
	}
	if (!q->ord_dvsn[0] || (strcmp(q->ord_dvsn, "00") != 0 && strcmp(q->ord_dvsn, "01") != 0)) {
		*detail = "ORD_DVSN";
		return q->ord_dvsn[0] ? SIMVENUE_E_UNSUPPORTED : SIMVENUE_E_INPUT;
	}
	if (simvenue_symbol_find(v, q->pdno, sym) != KE_OK)
		return SIMVENUE_E_SYMBOL;
	if (simvenue_parse_uint(q->ord_qty, QTY_MAX, qty) != 0 || *qty <= 0)
		return SIMVENUE_E_QTY;
	enum simvenue_msg_id id = price_check(v, *sym, q->ord_dvsn, q->ord_unpr, type, price, hold, detail);
	if (id != SIMVENUE_OK_BUY)
		return id;
	if ((id = session_check(v)) != SIMVENUE_OK_BUY)
		return id;
	struct vacct *a = &v->accts[*acct];
	if (q->side == SIDE_BUY)
		return simvenue_buy_need(v, *qty, *hold) > portfolio_available_cash(&a->pf) ? SIMVENUE_E_CASH
		                                                                            : SIMVENUE_OK_BUY;
	const struct position *p = portfolio_peek(&a->pf, *sym);
	return !p || p->qty - p->reserved_qty < *qty ? SIMVENUE_E_HOLDINGS : SIMVENUE_OK_SELL;
}

static void set_ack(const struct simvenue *v, const struct vorder *o, struct simvenue_order_ack *ack)
{
	simvenue_copy(ack->krx_fwdg_ord_orgno, sizeof(ack->krx_fwdg_ord_orgno), v->cfg.orgno);
	simvenue_format_odno(v, o->odno, ack->odno, sizeof(ack->odno));
	simvenue_hhmmss(o->time, ack->ord_tmd, sizeof(ack->ord_tmd));
	ack->odno_num = o->odno;
}

static int refuse(struct simvenue *v, int is_rvse, const void *req, struct simvenue_result *res,
                  enum simvenue_msg_id id, const char *detail)
{
	simvenue_result_set(v, res, id, id == SIMVENUE_E_INPUT || id == SIMVENUE_E_UNSUPPORTED ? detail : NULL);
	log_reject(v, is_rvse, req, id);
	if (is_rvse)
		v->ctr.rvse_refused++;
	else
		v->ctr.place_refused++;
	return KE_OK;
}

int simvenue_place(struct simvenue *v, int64_t now, const struct simvenue_order_req *req, struct simvenue_result *res,
                   struct simvenue_order_ack *ack)
{
	if (!v || !req || !res || !ack)
		return KE_EINVAL;
	memset(ack, 0, sizeof(*ack));
	simvenue_clock(v, now);
	v->ctr.place_requests++;
	int acct;
	int32_t sym = 0;
	enum order_type type = ORDER_LIMIT;
	int64_t qty = 0, price = 0, hold = 0;
	const char *detail = NULL;
	enum simvenue_msg_id id = place_check(v, req, &acct, &sym, &type, &qty, &price, &hold, &detail);
	if (id != SIMVENUE_OK_BUY && id != SIMVENUE_OK_SELL)
		return refuse(v, 0, req, res, id, detail);
	struct vorder *o = new_order(v);
	if (!o)
		return refuse(v, 0, req, res, SIMVENUE_E_INTERNAL, NULL);
	o->acct = acct;
	o->sym = sym;
	o->side = req->side;
	o->kind = SIMVENUE_KIND_NEW;
	o->type = type;
	simvenue_copy(o->ord_dvsn, sizeof(o->ord_dvsn), req->ord_dvsn);
	o->qty = o->remaining = qty;
	o->price = price;
	o->reserve_price = hold;
	o->req.o = *req;
	struct vacct *a = &v->accts[acct];
	int rc = req->side == SIDE_BUY ? portfolio_reserve_cash(&a->pf, order_reserve(v, o))
	                               : portfolio_reserve_shares(&a->pf, sym, qty);
	if (rc == KE_OK && req->side == SIDE_BUY)
		o->reserved = order_reserve(v, o);
	if (rc == KE_OK && (rc = matcher_call(v, o, 1, 0)) != KE_OK) {
		o->remaining = 0;
		release(v, o, qty);
	}
	if (rc != KE_OK) {
		v->norders--;
		v->ctr.book_errors++;
		return refuse(v, 0, req, res, SIMVENUE_E_INTERNAL, NULL);
	}
	v->ctr.orders++;
	set_ack(v, o, ack);
	simvenue_result_set(v, res, id, NULL);
	notify(v, SIMVENUE_NOTICE_RECEIPT, o, o->qty, o->price, o->time);
	return KE_OK;
}

static enum simvenue_msg_id rvse_check(struct simvenue *v, const struct simvenue_rvse_req *q, int *acct, int64_t *idx,
                                       int *revise, int64_t *qty, enum order_type *type, int64_t *price, int64_t *hold,
                                       const char **detail)
{
	int64_t odno;
	*acct = simvenue_account_index(v, q->cano, q->acnt_prdt_cd);
	if (*acct < 0)
		return SIMVENUE_E_ACCOUNT;
	if (strcmp(q->rvse_cncl_dvsn_cd, "01") != 0 && strcmp(q->rvse_cncl_dvsn_cd, "02") != 0) {
		*detail = "RVSE_CNCL_DVSN_CD";
		return SIMVENUE_E_INPUT;
	}
	*revise = q->rvse_cncl_dvsn_cd[1] == '1';
	if (strcmp(q->qty_all_ord_yn, "Y") != 0 && strcmp(q->qty_all_ord_yn, "N") != 0) {
		*detail = "QTY_ALL_ORD_YN";
		return SIMVENUE_E_INPUT;
	}
	if (simvenue_parse_uint(q->orgn_odno, INT64_MAX, &odno) != 0) {
		*detail = "ORGN_ODNO";
		return SIMVENUE_E_INPUT;
	}
	if (!exchange_ok(q->excg_id_dvsn_cd)) {
		*detail = "EXCG_ID_DVSN_CD";
		return SIMVENUE_E_UNSUPPORTED;
	}
	*idx = odno - v->cfg.first_odno;
	if (strcmp(q->krx_fwdg_ord_orgno, v->cfg.orgno) != 0 || *idx < 0 || *idx >= v->norders ||
	    v->orders[*idx].acct != *acct || v->orders[*idx].kind == SIMVENUE_KIND_CANCEL)
		return SIMVENUE_E_NO_ORDER;
	enum simvenue_msg_id id = session_check(v);
	if (id != SIMVENUE_OK_BUY)
		return id;
	const struct vorder *o = &v->orders[*idx];
	if (o->remaining <= 0)
		return SIMVENUE_E_NOTHING_LEFT;
	if (q->qty_all_ord_yn[0] == 'Y') {
		*qty = o->remaining;
	} else {
		if (simvenue_parse_uint(q->ord_qty, QTY_MAX, qty) != 0 || *qty <= 0)
			return SIMVENUE_E_QTY;
		if (*qty > o->remaining)
			return SIMVENUE_E_RVSE_QTY;
	}
	if (!*revise)
		return SIMVENUE_OK_CANCEL;
	if ((id = price_check(v, o->sym, q->ord_dvsn, q->ord_unpr, type, price, hold, detail)) != SIMVENUE_OK_BUY)
		return id;
	if (o->side == SIDE_BUY) {
		/* The moved part holds cash at its new price; the old order gives
		 * back what its smaller rest no longer needs. */
		int64_t freed = simvenue_buy_need(v, o->remaining, o->reserve_price) -
		                simvenue_buy_need(v, o->remaining - *qty, o->reserve_price);
		int64_t need = simvenue_buy_need(v, *qty, *hold);
		if (need > freed && need - freed > portfolio_available_cash(&v->accts[*acct].pf))
			return SIMVENUE_E_CASH;
	}
	return SIMVENUE_OK_REVISE;
}

int simvenue_revise_cancel(struct simvenue *v, int64_t now, const struct simvenue_rvse_req *req,
                           struct simvenue_result *res, struct simvenue_order_ack *ack)
{
	if (!v || !req || !res || !ack)
		return KE_EINVAL;
	memset(ack, 0, sizeof(*ack));
	simvenue_clock(v, now);
	v->ctr.rvse_requests++;
	int acct, revise = 0;
	int64_t idx = 0, qty = 0, price = 0, hold = 0;
	enum order_type type = ORDER_LIMIT;
	const char *detail = NULL;
	enum simvenue_msg_id id = rvse_check(v, req, &acct, &idx, &revise, &qty, &type, &price, &hold, &detail);
	if (id != SIMVENUE_OK_REVISE && id != SIMVENUE_OK_CANCEL)
		return refuse(v, 1, req, res, id, detail);
	/* The new record first: growing the table may move the old order. */
	struct vorder *n = new_order(v);
	if (!n)
		return refuse(v, 1, req, res, SIMVENUE_E_INTERNAL, NULL);
	struct vorder *o = &v->orders[idx];
	n->acct = acct;
	n->sym = o->sym;
	n->side = o->side;
	n->orgn_odno = o->odno;
	n->qty = qty;
	n->is_rvse = 1;
	n->req.r = *req;
	if (revise) {
		n->kind = SIMVENUE_KIND_REVISE;
		n->type = type;
		simvenue_copy(n->ord_dvsn, sizeof(n->ord_dvsn), req->ord_dvsn);
		n->price = price;
		n->reserve_price = hold;
	} else {
		n->kind = SIMVENUE_KIND_CANCEL;
		n->type = o->type;
		simvenue_copy(n->ord_dvsn, sizeof(n->ord_dvsn), o->ord_dvsn);
		n->price = o->price;
	}
	if (matcher_call(v, o, 0, o->remaining - qty) != KE_OK) {
		v->norders--;
		v->ctr.book_errors++;
		return refuse(v, 1, req, res, SIMVENUE_E_INTERNAL, NULL);
	}
	o->remaining -= qty;
	if (revise) {
		o->revised_qty += qty;
		/* The shares of a sell stay promised: they move to the new order. */
		if (o->side == SIDE_BUY)
			release(v, o, 0);
		n->remaining = qty;
		struct vacct *a = &v->accts[acct];
		int rc = KE_OK;
		if (n->side == SIDE_BUY && (rc = portfolio_reserve_cash(&a->pf, order_reserve(v, n))) == KE_OK)
			n->reserved = order_reserve(v, n);
		if (rc == KE_OK)
			rc = matcher_call(v, n, 1, 0);
		if (rc != KE_OK) {
			/* Out of memory half way: the moved part cannot trade; end it. */
			n->remaining = 0;
			n->expired_qty = qty;
			release(v, n, qty);
			v->ctr.book_errors++;
			return refuse(v, 1, req, res, SIMVENUE_E_INTERNAL, NULL);
		}
		v->ctr.revises++;
		notify(v, SIMVENUE_NOTICE_REVISED, n, n->qty, n->price, n->time);
	} else {
		o->cancelled_qty += qty;
		release(v, o, qty);
		v->ctr.cancels++;
		notify(v, SIMVENUE_NOTICE_CANCELLED, n, n->qty, n->price, n->time);
	}
	set_ack(v, n, ack);
	simvenue_result_set(v, res, id, NULL);
	return KE_OK;
}

int simvenue_order_get(const struct simvenue *v, int64_t odno, struct simvenue_order_info *out)
{
	if (!v || !out)
		return KE_EINVAL;
	int64_t i = odno - v->cfg.first_odno;
	if (i < 0 || i >= v->norders)
		return KE_ENOENT;
	const struct vorder *o = &v->orders[i];
	const struct vacct *a = &v->accts[o->acct];
	memset(out, 0, sizeof(*out));
	out->odno = o->odno;
	out->orgn_odno = o->orgn_odno;
	simvenue_copy(out->cano, sizeof(out->cano), a->cano);
	simvenue_copy(out->acnt_prdt_cd, sizeof(out->acnt_prdt_cd), a->prdt);
	out->sym = o->sym;
	out->side = o->side;
	out->kind = o->kind;
	simvenue_copy(out->ord_dvsn, sizeof(out->ord_dvsn), o->ord_dvsn);
	out->qty = o->qty;
	out->price = o->price;
	out->time = o->time;
	out->filled_qty = o->filled_qty;
	out->filled_amt = o->filled_amt;
	out->fees = o->fees;
	out->taxes = o->taxes;
	out->remaining = o->remaining;
	out->revised_qty = o->revised_qty;
	out->cancelled_qty = o->cancelled_qty;
	out->expired_qty = o->expired_qty;
	return KE_OK;
}

void simvenue_get_counters(const struct simvenue *v, struct simvenue_counters *out)
{
	if (!out)
		return;
	if (v)
		*out = v->ctr;
	else
		memset(out, 0, sizeof(*out));
}
