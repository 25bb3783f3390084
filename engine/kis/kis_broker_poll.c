/*
 * kis_broker_poll.c - what the broker learns from today's orders
 * (inquire-daily-ccld): fills from the growth of each number's totals, the
 * end of orders KIS no longer works, and the resolution of requests whose
 * answer was lost (see kis_broker.h).
 */
#include <stdio.h>
#include <string.h>

#include "kis_broker_internal.h"
#include "ktime.h"

/* ---- timers ---- */

static int any_live(const struct kis_broker *b)
{
	for (const struct korder *o = b->all; o; o = o->next)
		if (o->state == KIS_BROKER_LIVE || o->state == KIS_BROKER_UNKNOWN)
			return 1;
	return 0;
}

static void on_timer(uv_timer_t *t)
{
	struct kis_broker *b = t->data;
	if (b)
		kbk_poll_start(b);
}

void kbk_schedule(struct kis_broker *b)
{
	if (!any_live(b) || b->poll_in_flight)
		return;
	int64_t delay = b->cfg.poll_ms;
	for (const struct korder *o = b->all; o; o = o->next)
		if (o->state == KIS_BROKER_UNKNOWN || o->req_unknown) {
			int64_t d = (o->tries || o->req_tries) ? b->cfg.resolve_grace_ms : b->cfg.resolve_delay_ms;
			if (d < delay)
				delay = d;
		}
	uv_timer_start(b->timer, on_timer, (uint64_t)delay, 0);
}

/* ---- fills and ends from a poll ---- */

static const struct kis_msg_ccld_row *row_by_odno(const struct kis_msg_ccld_list *l, const char *odno)
{
	for (size_t i = 0; i < l->n; i++)
		if (kbk_same_odno(l->rows[i].odno, odno))
			return &l->rows[i];
	return NULL;
}

static void emit_fill(struct kis_broker *b, struct korder *o, int64_t qty, int64_t price)
{
	if (qty <= 0 || o->remaining <= 0)
		return;
	if (qty > o->remaining)
		qty = o->remaining;
	o->remaining -= qty;
	o->filled += qty;
	b->st.fills++;
	kbk_emit(b, BEV_FILL, o, qty, price, NULL);
}

/* Growth of one number's totals since the last poll, as at most two fills
 * whose value is exactly the amount KIS added (see kis_broker.h). */
static void apply_link(struct kis_broker *b, struct korder *o, struct link *lk, const struct kis_msg_ccld_row *r)
{
	/* Notices may have reported more than this poll knows: keep ours. */
	int64_t dq = r->filled_qty - lk->filled_qty;
	int64_t da = r->filled_amount - lk->filled_amount;
	if (dq <= 0)
		return;
	lk->filled_qty = r->filled_qty;
	lk->filled_amount = r->filled_amount;
	if (da <= 0) {
		/* No amount to split: the average price is the best KIS gives. */
		emit_fill(b, o, dq, r->avg_price > 0 ? r->avg_price : o->price);
		return;
	}
	int64_t p = da / dq, extra = da - p * dq;
	emit_fill(b, o, dq - extra, p);
	emit_fill(b, o, extra, p + 1);
}

static void settle(struct kis_broker *b, struct korder *o, const struct kis_msg_ccld_list *l)
{
	for (int i = 0; i < o->nchain; i++) {
		const struct kis_msg_ccld_row *r = row_by_odno(l, o->chain[i].odno);
		if (r)
			apply_link(b, o, &o->chain[i], r);
	}
	if (o->remaining == 0) {
		kbk_end_order(b, o);
		return;
	}
	const struct kis_msg_ccld_row *cur = row_by_odno(l, kbk_current_odno(o));
	/* A revise or cut in flight changes the numbers under us: wait for it. */
	if (!cur || o->req != REQ_NONE || cur->remaining > 0)
		return;
	const char *why = o->cancel_confirmed     ? "cancelled"
	                  : cur->rejected_qty > 0 ? "expired or rejected at KIS"
	                                          : "ended at KIS with nothing left to trade";
	kbk_emit(b, BEV_CANCELLED, o, o->remaining, 0, "%s", why);
	o->remaining = 0;
	kbk_end_order(b, o);
}

/* An adopted order's chain, rebuilt backwards from its latest number: a
 * revise's row names the number it replaced (cancel rows end a chain). */
static void adopt_chain(struct korder *o, const struct kis_msg_ccld_list *l)
{
	char latest[KIS_MSG_ODNO_MAX];
	snprintf(latest, sizeof(latest), "%s", o->chain[0].odno);
	char chain[CHAIN_MAX][KIS_MSG_ODNO_MAX];
	int n = 0;
	snprintf(chain[n++], sizeof(chain[0]), "%s", latest);
	const struct kis_msg_ccld_row *r = row_by_odno(l, latest);
	while (r && r->orig_odno[0] && !r->cancel && n < CHAIN_MAX) {
		snprintf(chain[n++], sizeof(chain[0]), "%s", r->orig_odno);
		r = row_by_odno(l, r->orig_odno);
	}
	o->nchain = 0;
	for (int i = n - 1; i >= 0; i--)
		kbk_chain_add(o, chain[i]);
}

/* 1 when o is not ready to settle: still waiting for its row, or ended
 * (then the poll's last pass frees it). */
int kbk_adopt_settle(struct kis_broker *b, struct korder *o, const struct kis_msg_ccld_list *l)
{
	if (!row_by_odno(l, o->chain[0].odno)) {
		if (++o->tries >= b->cfg.resolve_attempts) {
			kbk_emit(b, BEV_CANCELLED, o, o->remaining, 0, "KIS does not know order %s today",
			         o->chain[0].odno);
			o->remaining = 0;
			o->adopting = 0;
			o->state = KIS_BROKER_ENDED;
		}
		return 1;
	}
	adopt_chain(o, l);
	/* Every number's totals are the baseline; what they hold beyond the
	 * engine's booked part was filled while no engine was watching. */
	int64_t venue_qty = 0, venue_amount = 0;
	for (int i = 0; i < o->nchain; i++) {
		const struct kis_msg_ccld_row *r = row_by_odno(l, o->chain[i].odno);
		if (!r)
			continue;
		o->chain[i].filled_qty = r->filled_qty;
		o->chain[i].filled_amount = r->filled_amount;
		venue_qty += r->filled_qty;
		venue_amount += r->filled_amount;
	}
	o->adopting = 0;
	int64_t dq = venue_qty - o->filled, da = venue_amount - o->adopt_filled_value;
	if (dq > 0) {
		if (da <= 0) {
			emit_fill(b, o, dq, o->price > 0 ? o->price : 1);
		} else {
			int64_t p = da / dq, extra = da - p * dq;
			emit_fill(b, o, dq - extra, p);
			emit_fill(b, o, extra, p + 1);
		}
	}
	return 0;
}

/* KST time of day in ms of an HHMMSS string; -1 if malformed. */
static int64_t tmd_ms(const char *t)
{
	if (strlen(t) != 6)
		return -1;
	int v = 0;
	for (int i = 0; i < 6; i++) {
		if (t[i] < '0' || t[i] > '9')
			return -1;
		v = v * 10 + (t[i] - '0');
	}
	return ((int64_t)(v / 10000) * 3600 + (v / 100 % 100) * 60 + v % 100) * 1000;
}

static int fields_match(const struct kis_broker *b, const struct korder *o, const struct kis_msg_ccld_row *r)
{
	if (r->orig_odno[0] || r->cancel || strcmp(r->symbol, o->symbol) != 0 || r->side != o->side || r->qty != o->qty)
		return 0;
	if (o->type == ORDER_MARKET ? strcmp(r->ord_dvsn, "01") != 0 : r->price != o->price)
		return 0;
	int64_t at = tmd_ms(r->ord_tmd), sent = ktime_kst_ms_of_day(o->sent_ms);
	if (at < 0)
		return 0;
	int64_t d = at - sent;
	return (d < 0 ? -d : d) <= b->cfg.match_window_ms;
}

/* A place whose answer was lost: adopt the venue's order or, after enough
 * looks, declare it not placed. */
static void resolve_place(struct kis_broker *b, struct korder *o, const struct kis_msg_ccld_list *l)
{
	const struct kis_msg_ccld_row *best = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct kis_msg_ccld_row *r = &l->rows[i];
		if (!fields_match(b, o, r) || kbk_claimed(b, r->odno))
			continue;
		/* The earliest unclaimed one: identical orders are adopted in the order they were sent. */
		if (!best || strcmp(r->ord_tmd, best->ord_tmd) < 0 ||
		    (strcmp(r->ord_tmd, best->ord_tmd) == 0 && strcmp(r->odno, best->odno) < 0))
			best = r;
	}
	o->tries++;
	if (best) {
		snprintf(o->orgno, sizeof(o->orgno), "%s", best->orgno);
		kbk_chain_add(o, best->odno);
		kbk_numbers_changed(b, o);
		o->state = KIS_BROKER_LIVE;
		b->st.adopted++;
		b->st.accepted++;
		kbk_emit(b, BEV_ACCEPTED, o, 0, 0, "adopted KIS order %s after a lost answer", best->odno);
		return;
	}
	if (o->tries < b->cfg.resolve_attempts)
		return;
	b->st.not_placed++;
	b->st.rejected++;
	kbk_emit(b, BEV_REJECTED, o, 0, 0, "not placed: the answer was lost and KIS has no such order after %d looks",
	         o->tries);
	kbk_end_order(b, o);
}

/* A revise or cancel whose answer was lost: KIS's row for it has the
 * changed number as orgn_odno. */
static void resolve_request(struct kis_broker *b, struct korder *o, const struct kis_msg_ccld_list *l)
{
	int want_cancel = o->req != REQ_PRICE;
	for (size_t i = 0; i < l->n; i++) {
		const struct kis_msg_ccld_row *r = &l->rows[i];
		if (!kbk_same_odno(r->orig_odno, o->req_base_odno) || r->cancel != want_cancel ||
		    kbk_claimed(b, r->odno))
			continue;
		if (o->req == REQ_QTY_CUT && r->qty != o->req_qty)
			continue;
		o->req_unknown = 0;
		kbk_req_done_ok(b, o, r->odno);
		return;
	}
	if (++o->req_tries < b->cfg.resolve_attempts)
		return;
	o->req_unknown = 0;
	kbk_req_refused(b, o, "not taken: the answer was lost and KIS shows no such %s",
	                o->req == REQ_PRICE ? "revise" : "cancel");
}

static void on_poll(void *ud, const struct kis_error *e, const struct kis_msg_ccld_list *l)
{
	struct korder *unused;
	struct kis_broker *b = kbk_ticket_take(ud, &unused);
	if (!b)
		return;
	b->poll_in_flight = 0;
	b->st.polls++;
	if (e) {
		b->st.poll_errors++;
	} else {
		/* Adopt first: an adopted order's fills are then settled in this
		 * pass. Oldest first (the list is newest first): identical lost
		 * orders take the venue's orders in the order they were sent. */
		struct korder *tail = b->all;
		while (tail && tail->next)
			tail = tail->next;
		for (struct korder *o = tail, *prev; o; o = prev) {
			prev = o->prev; /* resolve_place may free o */
			if (o->state == KIS_BROKER_UNKNOWN)
				resolve_place(b, o, l);
		}
		for (struct korder *o = b->all, *next; o; o = next) {
			next = o->next;
			if (o->state != KIS_BROKER_LIVE)
				continue;
			if (o->adopting && kbk_adopt_settle(b, o, l))
				continue;
			if (o->req_unknown)
				resolve_request(b, o, l);
			if (o->state == KIS_BROKER_LIVE)
				settle(b, o, l);
		}
		/* Orders ended above may be freed now. */
		for (struct korder *o = b->all, *next; o; o = next) {
			next = o->next;
			if (o->state == KIS_BROKER_ENDED && o->refs == 0)
				kbk_drop_order(b, o);
		}
	}
	if (b->poll_again) {
		b->poll_again = 0;
		kbk_poll_start(b);
		return;
	}
	kbk_schedule(b);
}

void kbk_poll_start(struct kis_broker *b)
{
	if (b->poll_in_flight) {
		b->poll_again = 1;
		return;
	}
	uv_timer_stop(b->timer);
	struct kis_msg_ccld_filter f;
	memset(&f, 0, sizeof(f));
	kis_client_today(b->client, f.start);
	memcpy(f.end, f.start, sizeof(f.end));
	f.fill = KIS_MSG_CCLD_ALL;
	struct ticket *t = kbk_ticket_new(b, NULL);
	if (!t)
		return;
	if (kis_client_daily_ccld(b->client, &f, on_poll, t) != KE_OK) {
		struct korder *unused;
		kbk_ticket_take(t, &unused);
		b->st.poll_errors++;
		uv_timer_start(b->timer, on_timer, (uint64_t)b->cfg.resolve_grace_ms, 0);
		return;
	}
	b->poll_in_flight = 1;
}

int kis_broker_poll_now(struct kis_broker *b)
{
	if (!b)
		return KE_EINVAL;
	kbk_poll_start(b);
	return KE_OK;
}

/* ---- execution notices ---- */

static struct korder *owner_of(struct kis_broker *b, const char *odno, struct link **lk)
{
	for (struct korder *o = b->all; o; o = o->next)
		for (int i = 0; i < o->nchain; i++)
			if (kbk_same_odno(o->chain[i].odno, odno)) {
				*lk = &o->chain[i];
				return o;
			}
	return NULL;
}

void kis_broker_on_notice(struct kis_broker *b, const struct kis_notice *n)
{
	if (!b || !n)
		return;
	struct link *lk = NULL;
	struct korder *o = owner_of(b, n->odno, &lk);
	if (!o || o->state != KIS_BROKER_LIVE || o->adopting || !n->is_fill || n->rejected || n->qty <= 0 ||
	    n->price <= 0) {
		/* Acks, refusals, cancel confirmations, and orders we cannot name
		 * yet (a lost answer): the poll sorts them out. */
		b->st.notices_polled++;
		kbk_poll_start(b);
		return;
	}
	lk->notice_qty += n->qty;
	int64_t beyond = lk->notice_qty - lk->filled_qty;
	if (beyond <= 0)
		return; /* a poll reported it already */
	lk->filled_qty += beyond;
	lk->filled_amount += beyond * n->price;
	emit_fill(b, o, beyond, n->price);
	if (o->remaining == 0)
		kbk_end_order(b, o);
}
