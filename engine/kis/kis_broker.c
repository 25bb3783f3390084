/*
 * kis_broker.c - struct broker on a KIS account (see kis_broker.h).
 *
 * One korder per engine order. Callbacks from the client carry a korder
 * pointer, so a korder is freed only when it has ended and no request of
 * its own is in flight (refs == 0).
 */
#include "kis_broker_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kis_broker_config_default(struct kis_broker_config *cfg, enum kis_env env)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->poll_ms = env == KIS_ENV_REAL ? 1000 : 3000;
	cfg->resolve_delay_ms = 1000;
	cfg->resolve_grace_ms = 3000;
	cfg->resolve_attempts = 3;
	cfg->match_window_ms = 120000;
}

/* ---- events ---- */

int64_t kbk_now_ms(const struct kis_broker *b)
{
	return b->clock(b->clock_ud);
}

void kbk_emit(struct kis_broker *b, enum broker_event_kind kind, const struct korder *o, int64_t qty, int64_t price,
              const char *fmt, ...)
{
	struct broker_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.order_id = o->id;
	ev.time = kbk_now_ms(b);
	ev.qty = qty;
	ev.price = price;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ev.reason, sizeof(ev.reason), fmt, ap);
		va_end(ap);
	}
	b->sink.emit(b->sink.ctx, &ev);
}

/* ---- the order table ---- */

static struct korder *find(const struct kis_broker *b, int64_t id)
{
	for (struct korder *o = b->buckets[(uint64_t)id % BUCKETS]; o; o = o->hnext)
		if (o->id == id)
			return o;
	return NULL;
}

static struct korder *add_order(struct kis_broker *b, const struct order *eo, const char *symbol)
{
	struct korder *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->b = b;
	o->id = eo->id;
	snprintf(o->symbol, sizeof(o->symbol), "%s", symbol);
	o->side = eo->side;
	o->type = eo->type;
	o->price = eo->type == ORDER_LIMIT ? eo->price : 0;
	o->qty = eo->qty;
	o->remaining = eo->qty - eo->filled_qty;
	o->state = KIS_BROKER_SENDING;
	size_t h = (uint64_t)o->id % BUCKETS;
	o->hnext = b->buckets[h];
	b->buckets[h] = o;
	o->next = b->all;
	if (b->all)
		b->all->prev = o;
	b->all = o;
	return o;
}

void kbk_drop_order(struct kis_broker *b, struct korder *o)
{
	/* Its numbers stay taken: a lost answer resolved later must never adopt
	 * the venue order of an identical order that has already ended. */
	for (int i = 0; i < o->nchain; i++)
		(void)kis_broker_claim_odno(b, o->chain[i].odno);
	struct korder **pp = &b->buckets[(uint64_t)o->id % BUCKETS];
	while (*pp != o)
		pp = &(*pp)->hnext;
	*pp = o->hnext;
	if (o->prev)
		o->prev->next = o->next;
	else
		b->all = o->next;
	if (o->next)
		o->next->prev = o->prev;
	free(o);
}

/* End o for the engine's purposes; freed once no request holds it. */
void kbk_end_order(struct kis_broker *b, struct korder *o)
{
	o->state = KIS_BROKER_ENDED;
	if (o->refs == 0)
		kbk_drop_order(b, o);
}

struct ticket *kbk_ticket_new(struct kis_broker *b, struct korder *o)
{
	struct ticket *t = malloc(sizeof(*t));
	if (!t)
		return NULL;
	t->alive = b->alive;
	(*b->alive)++;
	t->b = b;
	t->o = o;
	if (o)
		o->refs++;
	return t;
}

/* The broker behind t, or NULL when it was freed (t is then released). */
struct kis_broker *kbk_ticket_take(struct ticket *t, struct korder **o)
{
	int *alive = t->alive;
	struct kis_broker *b = t->b;
	*o = t->o;
	(*alive)--;
	int gone = alive[1];
	free(t);
	if (gone) {
		if (*alive == 0)
			free(alive);
		return NULL;
	}
	if (*o)
		(*o)->refs--;
	return b;
}

const char *kbk_current_odno(const struct korder *o)
{
	return o->nchain ? o->chain[o->nchain - 1].odno : "";
}

void kbk_numbers_changed(struct kis_broker *b, const struct korder *o)
{
	if (b->cfg.on_numbers)
		b->cfg.on_numbers(b->cfg.on_numbers_ud, o->id, o->orgno, kbk_current_odno(o));
}

int kbk_chain_add(struct korder *o, const char *odno)
{
	for (int i = 0; i < o->nchain; i++)
		if (strcmp(o->chain[i].odno, odno) == 0)
			return KE_OK;
	if (o->nchain >= CHAIN_MAX)
		return KE_ELIMIT;
	memset(&o->chain[o->nchain], 0, sizeof(o->chain[0]));
	snprintf(o->chain[o->nchain].odno, sizeof(o->chain[0].odno), "%s", odno);
	o->nchain++;
	return KE_OK;
}

/* KIS pads ODNO to 10 digits in some answers and not in others: compare
 * the numbers, not the strings. */
int kbk_same_odno(const char *a, const char *b)
{
	while (*a == '0')
		a++;
	while (*b == '0')
		b++;
	return strcmp(a, b) == 0;
}

int kbk_claimed(const struct kis_broker *b, const char *odno)
{
	for (size_t i = 0; i < b->nclaimed; i++)
		if (kbk_same_odno(b->claimed[i], odno))
			return 1;
	for (const struct korder *o = b->all; o; o = o->next)
		for (int i = 0; i < o->nchain; i++)
			if (kbk_same_odno(o->chain[i].odno, odno))
				return 1;
	return 0;
}

/* ---- place ---- */

static void send_request(struct kis_broker *b, struct korder *o);

static void on_placed(void *ud, const struct kis_error *e, const struct kis_msg_order_ack *ack)
{
	struct korder *o;
	struct kis_broker *b = kbk_ticket_take(ud, &o);
	if (!b)
		return;
	if (b->cfg.on_sent)
		b->cfg.on_sent(b->cfg.on_sent_ud, o->id, kis_client_sent_ns(b->client));
	if (!e) {
		snprintf(o->orgno, sizeof(o->orgno), "%s", ack->orgno);
		kbk_chain_add(o, ack->odno);
		kbk_numbers_changed(b, o);
		o->state = KIS_BROKER_LIVE;
		b->st.accepted++;
		kbk_emit(b, BEV_ACCEPTED, o, 0, 0, NULL);
		if (o->cancel_wanted) {
			o->cancel_wanted = 0;
			o->req = REQ_CANCEL;
			send_request(b, o);
		}
	} else if (e->outcome == KIS_OUTCOME_UNKNOWN) {
		o->state = KIS_BROKER_UNKNOWN;
		b->st.unknown++;
	} else {
		b->st.rejected++;
		if (e->code[0])
			kbk_emit(b, BEV_REJECTED, o, 0, 0, "KIS %s: %s", e->code, e->msg);
		else
			kbk_emit(b, BEV_REJECTED, o, 0, 0, "%s", e->msg);
		kbk_end_order(b, o);
		return;
	}
	kbk_schedule(b);
}

static int bk_place(void *self, const struct order *eo)
{
	struct kis_broker *b = self;
	const char *symbol = b->symbol(b->symbol_ud, eo->sym);
	if (!symbol || !kis_msg_symbol_ok(symbol) || find(b, eo->id))
		return KE_EINVAL;
	struct korder *o = add_order(b, eo, symbol);
	if (!o)
		return KE_ENOMEM;
	struct kis_msg_order m = {
	    .symbol = o->symbol, .side = o->side, .type = o->type, .qty = o->qty, .price = o->price};
	struct ticket *t = kbk_ticket_new(b, o);
	char err[KE_REASON_MAX];
	int rc = t ? kis_client_order(b->client, &m, on_placed, t, err, sizeof(err)) : KE_ENOMEM;
	if (rc != KE_OK) {
		if (t) {
			struct korder *unused;
			kbk_ticket_take(t, &unused);
		}
		kbk_drop_order(b, o);
		return rc;
	}
	o->sent_ms = kbk_now_ms(b);
	b->st.placed++;
	return KE_OK;
}

/* ---- a restart: orders of an earlier run ---- */

int kis_broker_adopt(struct kis_broker *b, const struct kis_broker_adopt *a)
{
	if (!b || !a || a->id <= 0 || !a->symbol || !kis_msg_symbol_ok(a->symbol) || find(b, a->id) ||
	    (a->side != SIDE_BUY && a->side != SIDE_SELL) || a->qty <= 0 || a->filled_qty < 0 ||
	    a->filled_qty >= a->qty || a->filled_value < 0)
		return KE_EINVAL;
	struct order eo = {.id = a->id,
	                   .side = a->side,
	                   .type = a->type,
	                   .price = a->price,
	                   .qty = a->qty,
	                   .filled_qty = a->filled_qty};
	struct korder *o = add_order(b, &eo, a->symbol);
	if (!o)
		return KE_ENOMEM;
	o->filled = a->filled_qty;
	o->sent_ms = a->sent_ms;
	if (a->odno && a->odno[0]) {
		snprintf(o->orgno, sizeof(o->orgno), "%s", a->orgno ? a->orgno : "");
		kbk_chain_add(o, a->odno);
		o->state = KIS_BROKER_LIVE;
		o->adopting = 1;
		o->adopt_filled_value = a->filled_value;
	} else {
		o->state = KIS_BROKER_UNKNOWN;
		b->st.unknown++;
	}
	kbk_schedule(b);
	return KE_OK;
}

int kis_broker_claim_odno(struct kis_broker *b, const char *odno)
{
	if (!b || !odno || !odno[0] || strlen(odno) >= KIS_MSG_ODNO_MAX)
		return KE_EINVAL;
	if (b->nclaimed == b->capclaimed) {
		size_t n = b->capclaimed ? b->capclaimed * 2 : 64;
		char(*p)[KIS_MSG_ODNO_MAX] = realloc(b->claimed, n * sizeof(*p));
		if (!p)
			return KE_ENOMEM;
		b->claimed = p;
		b->capclaimed = n;
	}
	snprintf(b->claimed[b->nclaimed++], KIS_MSG_ODNO_MAX, "%s", odno);
	return KE_OK;
}

int kis_broker_expire_all(struct kis_broker *b, const char *why)
{
	if (!b)
		return 0;
	int n = 0;
	for (struct korder *o = b->all, *next; o; o = next) {
		next = o->next;
		if (o->state == KIS_BROKER_ENDED || o->remaining <= 0)
			continue;
		kbk_emit(b, BEV_CANCELLED, o, o->remaining, 0, "%s", why);
		o->remaining = 0;
		n++;
		kbk_end_order(b, o);
	}
	return n;
}

void kis_broker_new_day(struct kis_broker *b)
{
	/* KIS numbers restart each day: yesterday's claims mean nothing now. */
	if (b)
		b->nclaimed = 0;
}

int kis_broker_unsettled(const struct kis_broker *b)
{
	if (!b)
		return 0;
	int n = b->poll_in_flight;
	for (const struct korder *o = b->all; o; o = o->next)
		if (o->state == KIS_BROKER_SENDING || o->state == KIS_BROKER_UNKNOWN || o->adopting || o->req_unknown)
			n++;
	return n;
}

/* ---- revise / cancel ---- */

static void on_request(void *ud, const struct kis_error *e, const struct kis_msg_order_ack *ack)
{
	struct korder *o;
	struct kis_broker *b = kbk_ticket_take(ud, &o);
	if (!b)
		return;
	if (!e) {
		kbk_req_done_ok(b, o, ack->odno);
	} else if (e->outcome == KIS_OUTCOME_UNKNOWN) {
		o->req_unknown = 1;
		o->req_tries = 0;
		kbk_schedule(b);
	} else if (e->code[0]) {
		kbk_req_refused(b, o, "KIS %s: %s", e->code, e->msg);
	} else {
		kbk_req_refused(b, o, "%s", e->msg);
	}
	if (o->state == KIS_BROKER_ENDED && o->refs == 0)
		kbk_drop_order(b, o);
}

static void send_request(struct kis_broker *b, struct korder *o)
{
	struct kis_msg_rvse r = {.orgno = o->orgno, .odno = kbk_current_odno(o), .type = o->type};
	switch (o->req) {
	case REQ_CANCEL:
		r.kind = KIS_MSG_CANCEL;
		r.all = 1;
		break;
	case REQ_QTY_CUT:
		r.kind = KIS_MSG_CANCEL;
		r.qty = o->req_qty;
		break;
	case REQ_PRICE:
		r.kind = KIS_MSG_REVISE;
		r.all = 1;
		r.price = o->new_price;
		r.type = ORDER_LIMIT;
		break;
	case REQ_NONE: return;
	}
	snprintf(o->req_base_odno, sizeof(o->req_base_odno), "%s", r.odno);
	struct ticket *t = kbk_ticket_new(b, o);
	char err[KE_REASON_MAX] = "out of memory";
	int rc = t ? kis_client_revise_cancel(b->client, &r, on_request, t, err, sizeof(err)) : KE_ENOMEM;
	if (rc != KE_OK) {
		if (t) {
			struct korder *unused;
			kbk_ticket_take(t, &unused);
		}
		kbk_req_refused(b, o, "not sent: %s", err);
	}
}

void kbk_req_done_ok(struct kis_broker *b, struct korder *o, const char *new_odno)
{
	enum req_kind k = o->req;
	o->req = REQ_NONE;
	switch (k) {
	case REQ_CANCEL:
		/* The rest ends when a poll shows it gone (fills may have come first). */
		o->cancel_confirmed = 1;
		kbk_poll_start(b);
		return;
	case REQ_QTY_CUT:
		o->remaining -= o->req_qty;
		if (o->remaining < 0)
			o->remaining = 0;
		if (o->new_price != o->price) {
			o->req = REQ_PRICE;
			send_request(b, o);
			return;
		}
		kbk_emit(b, BEV_MODIFIED, o, o->remaining, o->price, NULL);
		return;
	case REQ_PRICE:
		if (kbk_chain_add(o, new_odno) != KE_OK) {
			kbk_req_refused(b, o, "too many revisions of one order (%d)", CHAIN_MAX);
			return;
		}
		o->price = o->new_price;
		kbk_numbers_changed(b, o);
		kbk_emit(b, BEV_MODIFIED, o, o->remaining, o->price, NULL);
		return;
	case REQ_NONE: return;
	}
}

void kbk_req_refused(struct kis_broker *b, struct korder *o, const char *fmt, ...)
{
	char why[KE_REASON_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	enum req_kind k = o->req;
	o->req = REQ_NONE;
	if (k == REQ_CANCEL) {
		kbk_emit(b, BEV_CANCEL_REJECTED, o, 0, 0, "%s", why);
	} else if (k == REQ_PRICE && o->req_qty > 0) {
		/* The cut went through, the new price did not: report what is true. */
		kbk_emit(b, BEV_MODIFIED, o, o->remaining, o->price, "price not changed: %s", why);
	} else {
		kbk_emit(b, BEV_MODIFY_REJECTED, o, 0, 0, "%s", why);
	}
}

static int bk_cancel(void *self, const struct order *eo)
{
	struct kis_broker *b = self;
	struct korder *o = find(b, eo->id);
	if (!o || o->state == KIS_BROKER_ENDED || o->req != REQ_NONE || o->cancel_wanted)
		return KE_ESTATE;
	if (o->state != KIS_BROKER_LIVE) {
		/* Sent when KIS confirms the order; a "not placed" ends it anyway. */
		o->cancel_wanted = 1;
		return KE_OK;
	}
	o->req = REQ_CANCEL;
	send_request(b, o);
	return KE_OK;
}

static int bk_modify(void *self, const struct order *eo, int64_t new_price, int64_t new_remaining)
{
	struct kis_broker *b = self;
	struct korder *o = find(b, eo->id);
	if (!o || o->state != KIS_BROKER_LIVE || o->req != REQ_NONE || o->type != ORDER_LIMIT)
		return KE_ESTATE;
	int64_t price = new_price > 0 ? new_price : o->price;
	int64_t rest = new_remaining > 0 ? new_remaining : o->remaining;
	if (rest > o->remaining)
		return KE_EINVAL;
	o->new_price = price;
	o->new_remaining = rest;
	o->req_qty = o->remaining - rest;
	if (o->req_qty > 0)
		o->req = REQ_QTY_CUT;
	else if (price != o->price)
		o->req = REQ_PRICE;
	else {
		kbk_emit(b, BEV_MODIFIED, o, o->remaining, o->price, NULL);
		return KE_OK;
	}
	send_request(b, o);
	return KE_OK;
}

/* ---- life cycle ---- */

static void on_timer_closed(uv_handle_t *h)
{
	free(h);
}

int kis_broker_new(uv_loop_t *loop, struct kis_client *client, const struct kis_broker_config *cfg,
                   kis_broker_symbol_fn symbol, void *symbol_ud, kis_broker_clock_fn clock, void *clock_ud,
                   struct broker_sink sink, struct kis_broker **out)
{
	if (!out)
		return KE_EINVAL;
	*out = NULL;
	if (!loop || !client || !symbol || !clock || !sink.emit)
		return KE_EINVAL;
	struct kis_broker_config def;
	kis_broker_config_default(&def, kis_client_endpoint(client)->env);
	if (!cfg)
		cfg = &def;
	if (cfg->poll_ms <= 0 || cfg->resolve_delay_ms < 0 || cfg->resolve_grace_ms <= 0 || cfg->resolve_attempts < 1 ||
	    cfg->match_window_ms <= 0)
		return KE_EINVAL;
	struct kis_broker *b = calloc(1, sizeof(*b));
	int *alive = calloc(2, sizeof(int));
	uv_timer_t *t = malloc(sizeof(*t));
	if (!b || !alive || !t) {
		free(b);
		free(alive);
		free(t);
		return KE_ENOMEM;
	}
	b->loop = loop;
	b->client = client;
	b->cfg = *cfg;
	b->symbol = symbol;
	b->symbol_ud = symbol_ud;
	b->clock = clock;
	b->clock_ud = clock_ud;
	b->sink = sink;
	b->alive = alive;
	b->timer = t;
	uv_timer_init(loop, t);
	t->data = b;
	*out = b;
	return KE_OK;
}

void kis_broker_free(struct kis_broker *b)
{
	if (!b)
		return;
	b->timer->data = NULL;
	uv_timer_stop(b->timer);
	uv_close((uv_handle_t *)b->timer, on_timer_closed);
	while (b->all) {
		struct korder *o = b->all;
		b->all = o->next;
		free(o);
	}
	free(b->claimed);
	b->alive[1] = 1;
	if (b->alive[0] == 0)
		free(b->alive);
	free(b);
}

struct broker kis_broker_iface(struct kis_broker *b)
{
	struct broker br = {.self = b, .place = bk_place, .modify = bk_modify, .cancel = bk_cancel};
	return br;
}

int kis_broker_order_info(const struct kis_broker *b, int64_t id, struct kis_broker_order_info *out)
{
	if (!b || !out)
		return KE_EINVAL;
	memset(out, 0, sizeof(*out));
	const struct korder *o = find(b, id);
	if (!o)
		return KE_ENOENT;
	out->state = o->state;
	snprintf(out->orgno, sizeof(out->orgno), "%s", o->orgno);
	snprintf(out->odno, sizeof(out->odno), "%s", kbk_current_odno(o));
	snprintf(out->first_odno, sizeof(out->first_odno), "%s", o->nchain ? o->chain[0].odno : "");
	out->chain_len = o->nchain;
	out->filled_qty = o->filled;
	return KE_OK;
}

void kis_broker_stats(const struct kis_broker *b, struct kis_broker_stats *out)
{
	if (out)
		*out = b ? b->st : (struct kis_broker_stats){0};
}
