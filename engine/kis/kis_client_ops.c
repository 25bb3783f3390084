/*
 * kis_client_ops.c - the operations of kis_client.h: what each one sends,
 * how it reads a page, and when it asks for another.
 *
 * Paging comes in three shapes at KIS: the tr_cont / ctx_area_*100 cursor
 * (balance, daily-ccld, psbl-rvsecncl), "100 rows ending at a date" (daily
 * chart: the next page ends the day before the oldest row) and "30 rows
 * ending at a time" (minute chart: the next page ends a minute before the
 * oldest row).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kis_client_internal.h"
#include "ktime.h"

/* Daily bars: at most this many pages whatever max_pages says (5000 bars). */
#define DAILY_PAGE_ROWS  100
#define MINUTE_PAGE_ROWS 30

static const char *const path_of[] = {
    [KCL_ORDER] = "/uapi/domestic-stock/v1/trading/order-cash",
    [KCL_RVSE] = "/uapi/domestic-stock/v1/trading/order-rvsecncl",
    [KCL_BALANCE] = "/uapi/domestic-stock/v1/trading/inquire-balance",
    [KCL_CCLD] = "/uapi/domestic-stock/v1/trading/inquire-daily-ccld",
    [KCL_OPEN_ORDERS] = "/uapi/domestic-stock/v1/trading/inquire-psbl-rvsecncl",
    [KCL_BUYABLE] = "/uapi/domestic-stock/v1/trading/inquire-psbl-order",
    [KCL_QUOTE] = "/uapi/domestic-stock/v1/quotations/inquire-price",
    [KCL_DAILY_BARS] = "/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice",
    [KCL_MINUTE_BARS] = "/uapi/domestic-stock/v1/quotations/inquire-time-itemchartprice",
    [KCL_HOLIDAYS] = "/uapi/domestic-stock/v1/quotations/chk-holiday",
};

static int set_err(char *err, size_t errlen, int rc, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return rc;
}

/* A call of kind for op: tr_id resolved for the client's environment. */
static int prepare(struct kis_client *c, enum kcl_kind kind, enum kis_op op, struct call **out)
{
	*out = NULL;
	if (c->closing)
		return KE_ESTATE;
	const char *tr = NULL;
	int rc = kis_env_tr_id(c->ep.env, op, &tr);
	if (rc != KE_OK)
		return rc;
	struct call *k = kcl_call_new(c, kind);
	if (!k)
		return KE_ENOMEM;
	k->tr_id = tr;
	k->path = path_of[kind];
	k->method = (kind == KCL_ORDER || kind == KCL_RVSE) ? KIS_HTTP_POST : KIS_HTTP_GET;
	k->is_order = kind == KCL_ORDER || kind == KCL_RVSE;
	if (k->is_order && c->cfg.use_hashkey)
		k->stage = KCL_STAGE_HASHKEY;
	*out = k;
	return KE_OK;
}

void kcl_call_free(struct call *k)
{
	kis_msg_balance_free(&k->bal);
	kis_msg_ccld_free(&k->ccld);
	kis_msg_bars_free(&k->bars);
	kis_msg_days_free(&k->days);
	memset(k, 0, sizeof(*k));
	free(k);
}

/* ---- orders ---- */

int kis_client_order(struct kis_client *c, const struct kis_msg_order *o, kis_order_fn fn, void *ud, char *err,
                     size_t errlen)
{
	if (!c || !o || !fn)
		return set_err(err, errlen, KE_EINVAL, "kis_client_order: missing argument");
	if (o->side != SIDE_BUY && o->side != SIDE_SELL)
		return set_err(err, errlen, KE_EINVAL, "order: side must be buy or sell");
	struct call *k;
	int rc = prepare(c, KCL_ORDER, o->side == SIDE_BUY ? KIS_OP_ORDER_BUY : KIS_OP_ORDER_SELL, &k);
	if (rc != KE_OK)
		return set_err(err, errlen, rc, "order: cannot start the call");
	rc = kis_msg_order_body(&c->cred, o, k->body, sizeof(k->body), &k->body_len, err, errlen);
	if (rc != KE_OK) {
		kcl_call_free(k);
		return rc;
	}
	k->fn.order = fn;
	k->ud = ud;
	return kcl_start(k);
}

int kis_client_revise_cancel(struct kis_client *c, const struct kis_msg_rvse *r, kis_order_fn fn, void *ud, char *err,
                             size_t errlen)
{
	if (!c || !r || !fn)
		return set_err(err, errlen, KE_EINVAL, "kis_client_revise_cancel: missing argument");
	struct call *k;
	int rc = prepare(c, KCL_RVSE, KIS_OP_ORDER_REVISE_CANCEL, &k);
	if (rc != KE_OK)
		return set_err(err, errlen, rc, "revise/cancel: cannot start the call");
	rc = kis_msg_rvse_body(&c->cred, r, k->body, sizeof(k->body), &k->body_len, err, errlen);
	if (rc != KE_OK) {
		kcl_call_free(k);
		return rc;
	}
	k->fn.order = fn;
	k->ud = ud;
	return kcl_start(k);
}

/* ---- queries ---- */

static int build_query(struct call *k)
{
	struct kis_client *c = k->c;
	const char *fk = k->next_page ? k->fk : "";
	const char *nk = k->next_page ? k->nk : "";
	char date[9], hhmmss[7];
	switch (k->kind) {
	case KCL_BALANCE: return kis_msg_balance_query(&c->cred, fk, nk, k->query, sizeof(k->query));
	case KCL_CCLD: return kis_msg_ccld_query(&c->cred, &k->filter, fk, nk, k->query, sizeof(k->query));
	case KCL_OPEN_ORDERS:
		if (k->path == path_of[KCL_CCLD])
			return kis_msg_ccld_query(&c->cred, &k->filter, fk, nk, k->query, sizeof(k->query));
		return kis_msg_psbl_rvsecncl_query(&c->cred, fk, nk, k->query, sizeof(k->query));
	case KCL_QUOTE: return kis_msg_price_query(k->symbol, k->query, sizeof(k->query));
	case KCL_DAILY_BARS: {
		/* KIS wants a range; the start is far enough back that the page is
		 * always full when the history exists. */
		char from[9];
		int32_t end_day = 0;
		int y = k->cursor / 10000, m = k->cursor / 100 % 100, d = k->cursor % 100;
		end_day = ktime_days_from_civil(y, m, d);
		snprintf(date, sizeof(date), "%08d", (int)k->cursor);
		snprintf(from, sizeof(from), "%08d", (int)ktime_yyyymmdd(end_day - 200));
		return kis_msg_daily_chart_query(k->symbol, from, date, k->query, sizeof(k->query));
	}
	case KCL_MINUTE_BARS:
		snprintf(hhmmss, sizeof(hhmmss), "%06d", (int)k->cursor);
		return kis_msg_minute_chart_query(k->symbol, hhmmss, k->query, sizeof(k->query));
	default: return KE_EINVAL;
	}
}

static int start_query(struct call *k)
{
	int rc = build_query(k);
	if (rc != KE_OK) {
		kcl_call_free(k);
		return rc;
	}
	return kcl_start(k);
}

int kis_client_balance(struct kis_client *c, kis_balance_fn fn, void *ud)
{
	if (!c || !fn)
		return KE_EINVAL;
	struct call *k;
	int rc = prepare(c, KCL_BALANCE, KIS_OP_BALANCE, &k);
	if (rc != KE_OK)
		return rc;
	k->fn.balance = fn;
	k->ud = ud;
	return start_query(k);
}

static int copy_filter(struct call *k, const struct kis_msg_ccld_filter *f)
{
	k->filter = *f;
	if (f->symbol && strlen(f->symbol) >= sizeof(k->filter_symbol))
		return KE_EINVAL;
	if (f->odno && strlen(f->odno) >= sizeof(k->filter_odno))
		return KE_EINVAL;
	snprintf(k->filter_symbol, sizeof(k->filter_symbol), "%s", f->symbol ? f->symbol : "");
	snprintf(k->filter_odno, sizeof(k->filter_odno), "%s", f->odno ? f->odno : "");
	k->filter.symbol = k->filter_symbol;
	k->filter.odno = k->filter_odno;
	return KE_OK;
}

int kis_client_daily_ccld(struct kis_client *c, const struct kis_msg_ccld_filter *f, kis_ccld_fn fn, void *ud)
{
	if (!c || !f || !fn)
		return KE_EINVAL;
	/* KIS splits the inquiry at three months (its own tr_id beyond). */
	int old = 0;
	if (strlen(f->start) == 8 && strspn(f->start, "0123456789") == 8) {
		int v = atoi(f->start);
		int32_t start_day = ktime_days_from_civil(v / 10000, v / 100 % 100, v % 100);
		old = ktime_kst_day(kis_client_market_ms(c)) - start_day > 92;
	}
	struct call *k;
	int rc = prepare(c, KCL_CCLD, old ? KIS_OP_DAILY_CCLD_OLD : KIS_OP_DAILY_CCLD, &k);
	if (rc != KE_OK)
		return rc;
	if (copy_filter(k, f) != KE_OK) {
		kcl_call_free(k);
		return KE_EINVAL;
	}
	k->fn.ccld = fn;
	k->ud = ud;
	return start_query(k);
}

int kis_client_open_orders(struct kis_client *c, kis_ccld_fn fn, void *ud)
{
	if (!c || !fn)
		return KE_EINVAL;
	struct call *k;
	int rc = prepare(c, KCL_OPEN_ORDERS, KIS_OP_PSBL_RVSECNCL, &k);
	if (rc == KE_ENOENT) {
		/* Mock has no psbl-rvsecncl: today's unfilled orders instead. */
		rc = prepare(c, KCL_OPEN_ORDERS, KIS_OP_DAILY_CCLD, &k);
		if (rc != KE_OK)
			return rc;
		k->path = path_of[KCL_CCLD];
		struct kis_msg_ccld_filter f = {.fill = KIS_MSG_CCLD_UNFILLED};
		kis_client_today(c, f.start);
		memcpy(f.end, f.start, sizeof(f.end));
		copy_filter(k, &f);
	} else if (rc != KE_OK) {
		return rc;
	}
	k->fn.ccld = fn;
	k->ud = ud;
	return start_query(k);
}

int kis_client_buyable(struct kis_client *c, const char *symbol, enum order_type type, int64_t price, kis_buyable_fn fn,
                       void *ud)
{
	if (!c || !symbol || !fn || !kis_msg_symbol_ok(symbol))
		return KE_EINVAL;
	struct call *k;
	int rc = prepare(c, KCL_BUYABLE, KIS_OP_PSBL_ORDER, &k);
	if (rc != KE_OK)
		return rc;
	rc = kis_msg_psbl_order_query(&c->cred, symbol, type, price, k->query, sizeof(k->query));
	if (rc != KE_OK) {
		kcl_call_free(k);
		return rc;
	}
	k->fn.buyable = fn;
	k->ud = ud;
	return kcl_start(k);
}

int kis_client_quote(struct kis_client *c, const char *symbol, kis_quote_fn fn, void *ud)
{
	if (!c || !symbol || !fn || !kis_msg_symbol_ok(symbol))
		return KE_EINVAL;
	struct call *k;
	int rc = prepare(c, KCL_QUOTE, KIS_OP_PRICE, &k);
	if (rc != KE_OK)
		return rc;
	snprintf(k->symbol, sizeof(k->symbol), "%s", symbol);
	k->fn.quote = fn;
	k->ud = ud;
	return start_query(k);
}

int kis_client_daily_bars(struct kis_client *c, const char *symbol, int n, kis_bars_fn fn, void *ud)
{
	if (!c || !symbol || !fn || !kis_msg_symbol_ok(symbol) || n < 1 || n > 5000)
		return KE_EINVAL;
	struct call *k;
	int rc = prepare(c, KCL_DAILY_BARS, KIS_OP_DAILY_CHART, &k);
	if (rc != KE_OK)
		return rc;
	snprintf(k->symbol, sizeof(k->symbol), "%s", symbol);
	k->want = n;
	k->cursor = ktime_yyyymmdd(ktime_kst_day(kis_client_market_ms(c)));
	k->fn.bars = fn;
	k->ud = ud;
	return start_query(k);
}

int kis_client_minute_bars(struct kis_client *c, const char *symbol, int n, kis_bars_fn fn, void *ud)
{
	if (!c || !symbol || !fn || !kis_msg_symbol_ok(symbol) || n < 1 || n > 400)
		return KE_EINVAL;
	struct call *k;
	int rc = prepare(c, KCL_MINUTE_BARS, KIS_OP_MINUTE_CHART, &k);
	if (rc != KE_OK)
		return rc;
	snprintf(k->symbol, sizeof(k->symbol), "%s", symbol);
	k->want = n;
	/* Now in KST, capped at the close: a later time would ask for bars
	 * that cannot exist (KIS answers "now" for a future time anyway). */
	int64_t sec = ktime_kst_ms_of_day(kis_client_market_ms(c)) / 1000;
	int32_t hhmmss = (int32_t)(sec / 3600 * 10000 + sec / 60 % 60 * 100 + sec % 60);
	k->cursor = hhmmss > 153000 ? 153000 : hhmmss;
	k->fn.bars = fn;
	k->ud = ud;
	return start_query(k);
}

int kis_client_holidays(struct kis_client *c, const char *yyyymmdd, kis_days_fn fn, void *ud)
{
	if (!c || !yyyymmdd || !fn)
		return KE_EINVAL;
	struct call *k;
	int rc = prepare(c, KCL_HOLIDAYS, KIS_OP_HOLIDAY, &k);
	if (rc != KE_OK)
		return rc; /* KE_ENOENT on mock: the real tr_id never goes there */
	rc = kis_msg_holiday_query(yyyymmdd, k->query, sizeof(k->query));
	if (rc != KE_OK) {
		kcl_call_free(k);
		return rc;
	}
	k->fn.days = fn;
	k->ud = ud;
	return kcl_start(k);
}

/* ---- answers ---- */

/* Cursor paging: another page when KIS says so and the budget allows. */
static int cursor_next(struct call *k, const struct kis_reply *rep)
{
	k->pages++;
	if (!rep->more || k->pages >= k->c->cfg.max_pages)
		return 0;
	snprintf(k->fk, sizeof(k->fk), "%s", rep->ctx_fk100);
	snprintf(k->nk, sizeof(k->nk), "%s", rep->ctx_nk100);
	k->next_page = 1;
	return build_query(k) == KE_OK ? 1 : KE_ELIMIT;
}

static int by_time_desc(const void *a, const void *b)
{
	const struct kis_msg_bar *x = a, *y = b;
	int64_t kx = (int64_t)x->date * 1000000 + x->time, ky = (int64_t)y->date * 1000000 + y->time;
	return kx < ky ? 1 : kx > ky ? -1 : 0;
}

/* Newest first, duplicates (pages overlap at their edges) dropped, at most
 * want kept; then reversed to oldest first for the caller. */
static void bars_finish(struct call *k)
{
	struct kis_msg_bar_list *l = &k->bars;
	if (l->n == 0)
		return;
	qsort(l->bars, l->n, sizeof(l->bars[0]), by_time_desc);
	size_t w = 1;
	for (size_t i = 1; i < l->n; i++)
		if (l->bars[i].date != l->bars[w - 1].date || l->bars[i].time != l->bars[w - 1].time)
			l->bars[w++] = l->bars[i];
	if (w > (size_t)k->want)
		w = (size_t)k->want;
	l->n = w;
	for (size_t i = 0; i < w / 2; i++) {
		struct kis_msg_bar t = l->bars[i];
		l->bars[i] = l->bars[w - 1 - i];
		l->bars[w - 1 - i] = t;
	}
}

static int daily_next(struct call *k, size_t before)
{
	struct kis_msg_bar_list *l = &k->bars;
	size_t got = l->n - before;
	k->pages++;
	if (got == 0 || l->n >= (size_t)k->want || k->pages >= k->c->cfg.max_pages + 50)
		return 0;
	int32_t oldest = l->bars[before].date;
	for (size_t i = before; i < l->n; i++)
		if (l->bars[i].date < oldest)
			oldest = l->bars[i].date;
	int32_t day = ktime_days_from_civil(oldest / 10000, oldest / 100 % 100, oldest % 100);
	k->cursor = ktime_yyyymmdd(day - 1);
	return build_query(k) == KE_OK ? 1 : KE_ELIMIT;
}

static int minute_next(struct call *k, size_t before)
{
	struct kis_msg_bar_list *l = &k->bars;
	size_t got = l->n - before;
	k->pages++;
	if (got == 0 || l->n >= (size_t)k->want || k->pages >= k->c->cfg.max_pages)
		return 0;
	int32_t oldest = l->bars[before].time;
	for (size_t i = before; i < l->n; i++)
		if (l->bars[i].time < oldest)
			oldest = l->bars[i].time;
	/* One minute earlier; stop before the session opens. */
	int32_t sec = oldest / 10000 * 3600 + oldest / 100 % 100 * 60 + oldest % 100 - 60;
	if (sec < 9 * 3600)
		return 0;
	k->cursor = sec / 3600 * 10000 + sec / 60 % 60 * 100 + sec % 60;
	return build_query(k) == KE_OK ? 1 : KE_ELIMIT;
}

/* Mock's open-order list comes from daily-ccld: keep the rows still working. */
static void keep_open_rows(struct kis_msg_ccld_list *l)
{
	size_t w = 0;
	for (size_t i = 0; i < l->n; i++)
		if (!l->rows[i].cancel && l->rows[i].remaining > 0)
			l->rows[w++] = l->rows[i];
	l->n = w;
}

int kcl_on_page(struct call *k, const struct kis_reply *rep, struct kis_error *e)
{
	char msg[KIS_REPLY_MSG_MAX] = "";
	int rc = KE_OK, more = 0;
	size_t before;
	switch (k->kind) {
	case KCL_ORDER:
	case KCL_RVSE: rc = kis_msg_parse_order_ack(rep, &k->ack, msg, sizeof(msg)); break;
	case KCL_BALANCE:
		rc = kis_msg_parse_balance(rep, &k->bal, msg, sizeof(msg));
		if (rc == KE_OK)
			more = cursor_next(k, rep);
		break;
	case KCL_CCLD:
		rc = kis_msg_parse_ccld(rep, &k->ccld, msg, sizeof(msg));
		if (rc == KE_OK)
			more = cursor_next(k, rep);
		break;
	case KCL_OPEN_ORDERS:
		if (k->path == path_of[KCL_CCLD])
			rc = kis_msg_parse_ccld(rep, &k->ccld, msg, sizeof(msg));
		else
			rc = kis_msg_parse_psbl_rvsecncl(rep, &k->ccld, msg, sizeof(msg));
		if (rc == KE_OK)
			more = cursor_next(k, rep);
		if (rc == KE_OK && more == 0)
			keep_open_rows(&k->ccld);
		break;
	case KCL_BUYABLE: rc = kis_msg_parse_buyable(rep, &k->buyable, msg, sizeof(msg)); break;
	case KCL_HOLIDAYS: rc = kis_msg_parse_holidays(rep, &k->days, msg, sizeof(msg)); break;
	case KCL_QUOTE: rc = kis_msg_parse_quote(rep, &k->quote, msg, sizeof(msg)); break;
	case KCL_DAILY_BARS:
		before = k->bars.n;
		rc = kis_msg_parse_daily_bars(rep, &k->bars, msg, sizeof(msg));
		if (rc == KE_OK)
			more = daily_next(k, before);
		if (rc == KE_OK && more == 0)
			bars_finish(k);
		break;
	case KCL_MINUTE_BARS:
		before = k->bars.n;
		rc = kis_msg_parse_minute_bars(rep, &k->bars, msg, sizeof(msg));
		if (rc == KE_OK)
			more = minute_next(k, before);
		if (rc == KE_OK && more == 0)
			bars_finish(k);
		break;
	}
	if (rc == KE_OK && more < 0) {
		rc = more;
		snprintf(msg, sizeof(msg), "the next page's request does not fit");
	}
	if (rc != KE_OK) {
		kcl_error(e, rc, KIS_OUTCOME_FAILED, KIS_REPLY_TRANSPORT, rep->http_status, rep->msg_cd,
		          "malformed answer: %s", msg);
		return rc;
	}
	return more;
}

void kcl_deliver(struct call *k, const struct kis_error *e)
{
	switch (k->kind) {
	case KCL_ORDER:
	case KCL_RVSE: k->fn.order(k->ud, e, e ? NULL : &k->ack); break;
	case KCL_BALANCE: k->fn.balance(k->ud, e, e ? NULL : &k->bal); break;
	case KCL_CCLD:
	case KCL_OPEN_ORDERS: k->fn.ccld(k->ud, e, e ? NULL : &k->ccld); break;
	case KCL_BUYABLE: k->fn.buyable(k->ud, e, e ? NULL : &k->buyable); break;
	case KCL_QUOTE: k->fn.quote(k->ud, e, e ? NULL : &k->quote); break;
	case KCL_DAILY_BARS:
	case KCL_MINUTE_BARS: k->fn.bars(k->ud, e, e ? NULL : &k->bars); break;
	case KCL_HOLIDAYS: k->fn.days(k->ud, e, e ? NULL : &k->days); break;
	}
}
