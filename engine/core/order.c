/*
 * order.c - the order state machine and the table of a run's orders.
 *
 * The table is a deque of pointers indexed by id - first_id. Ids are handed
 * out in sequence and released roughly in sequence (an order is released
 * once it has ended and been reported), so trimming released ids off the
 * front keeps the deque as long as the span from the oldest unreleased order
 * to the newest, however many millions of orders a backtest makes. Each
 * order is its own allocation so that pointers held by callers stay valid
 * while the deque grows, shrinks or wraps.
 */
#include "order.h"

#include <stdlib.h>

#define ORDER_TABLE_MIN_CAP 64 /* power of two */

struct order_table {
	struct order **ring; /* slot of id first_id + i at (head + i) & (cap - 1); NULL once released */
	size_t cap;          /* power of two */
	size_t head;
	size_t len;       /* slots from first_id to next_id - 1 */
	int64_t first_id; /* id of the slot at head */
	int64_t next_id;  /* id the next create hands out; first_id + len */
	size_t live;      /* orders not yet released */
};

const char *order_state_name(enum order_state s)
{
	switch (s) {
	case ORDER_NEW: return "new";
	case ORDER_SUBMITTED: return "submitted";
	case ORDER_ACCEPTED: return "accepted";
	case ORDER_PARTIAL: return "partially_filled";
	case ORDER_FILLED: return "filled";
	case ORDER_CANCELLED: return "cancelled";
	case ORDER_REJECTED: return "rejected";
	}
	return "unknown";
}

const char *order_side_name(enum order_side s)
{
	switch (s) {
	case SIDE_BUY: return "buy";
	case SIDE_SELL: return "sell";
	}
	return "unknown";
}

const char *order_type_name(enum order_type t)
{
	switch (t) {
	case ORDER_MARKET: return "market";
	case ORDER_LIMIT: return "limit";
	}
	return "unknown";
}

int order_is_open(const struct order *o)
{
	return o && (o->state == ORDER_SUBMITTED || o->state == ORDER_ACCEPTED || o->state == ORDER_PARTIAL);
}

int order_is_terminal(const struct order *o)
{
	return o && (o->state == ORDER_FILLED || o->state == ORDER_CANCELLED || o->state == ORDER_REJECTED);
}

int64_t order_remaining(const struct order *o)
{
	if (!o || order_is_terminal(o) || o->filled_qty >= o->qty)
		return 0;
	return o->qty - o->filled_qty;
}

int order_transition_ok(enum order_state from, enum order_state to)
{
	switch (from) {
	case ORDER_NEW: return to == ORDER_SUBMITTED || to == ORDER_REJECTED;
	case ORDER_SUBMITTED:
		return to == ORDER_ACCEPTED || to == ORDER_PARTIAL || to == ORDER_FILLED || to == ORDER_CANCELLED ||
		       to == ORDER_REJECTED;
	case ORDER_ACCEPTED: return to == ORDER_PARTIAL || to == ORDER_FILLED || to == ORDER_CANCELLED;
	case ORDER_PARTIAL:
		/* partial -> partial: a further fill that still leaves a rest. */
		return to == ORDER_PARTIAL || to == ORDER_FILLED || to == ORDER_CANCELLED;
	case ORDER_FILLED:
	case ORDER_CANCELLED:
	case ORDER_REJECTED: return 0;
	}
	return 0;
}

int order_set_state(struct order *o, enum order_state to, int64_t now)
{
	if (!o)
		return KE_EINVAL;
	if (!order_transition_ok(o->state, to))
		return KE_ESTATE;
	o->state = to;
	o->updated = now;
	return KE_OK;
}

int order_apply_fill(struct order *o, int64_t qty, int64_t price, int64_t now)
{
	if (!o)
		return KE_EINVAL;
	if (!order_is_open(o))
		return KE_ESTATE;
	if (qty <= 0 || qty > order_remaining(o) || price <= 0)
		return KE_EINVAL;
	/* The value must stay exact: refuse rather than wrap. */
	if (qty > INT64_MAX / price)
		return KE_EINVAL;
	int64_t value = qty * price;
	if (o->filled_value > INT64_MAX - value)
		return KE_EINVAL;
	o->filled_qty += qty;
	o->filled_value += value;
	o->state = o->filled_qty == o->qty ? ORDER_FILLED : ORDER_PARTIAL;
	o->updated = now;
	return KE_OK;
}

/* ---- the table ---- */

int order_table_new(struct order_table **out)
{
	if (!out)
		return KE_EINVAL;
	*out = NULL;
	struct order_table *t = calloc(1, sizeof(*t));
	if (!t)
		return KE_ENOMEM;
	t->ring = calloc(ORDER_TABLE_MIN_CAP, sizeof(*t->ring));
	if (!t->ring) {
		free(t);
		return KE_ENOMEM;
	}
	t->cap = ORDER_TABLE_MIN_CAP;
	t->first_id = 1;
	t->next_id = 1;
	*out = t;
	return KE_OK;
}

void order_table_free(struct order_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->len; i++)
		free(t->ring[(t->head + i) & (t->cap - 1)]);
	free(t->ring);
	free(t);
}

/* Copy the live span into a new ring of newcap slots starting at 0. */
static int table_resize(struct order_table *t, size_t newcap)
{
	struct order **ring = calloc(newcap, sizeof(*ring));
	if (!ring)
		return KE_ENOMEM;
	for (size_t i = 0; i < t->len; i++)
		ring[i] = t->ring[(t->head + i) & (t->cap - 1)];
	free(t->ring);
	t->ring = ring;
	t->cap = newcap;
	t->head = 0;
	return KE_OK;
}

int order_table_create(struct order_table *t, struct order **out)
{
	if (!t || !out)
		return KE_EINVAL;
	*out = NULL;
	if (t->len == t->cap) {
		if (t->cap > SIZE_MAX / 2 / sizeof(*t->ring))
			return KE_ENOMEM;
		int rc = table_resize(t, t->cap * 2);
		if (rc != KE_OK)
			return rc;
	}
	struct order *o = calloc(1, sizeof(*o));
	if (!o)
		return KE_ENOMEM;
	o->id = t->next_id++;
	o->state = ORDER_NEW;
	t->ring[(t->head + t->len) & (t->cap - 1)] = o;
	t->len++;
	t->live++;
	*out = o;
	return KE_OK;
}

static struct order **table_slot(const struct order_table *t, int64_t id)
{
	if (!t || id < t->first_id || id >= t->next_id)
		return NULL;
	return &t->ring[(t->head + (size_t)(id - t->first_id)) & (t->cap - 1)];
}

struct order *order_table_get(struct order_table *t, int64_t id)
{
	struct order **slot = table_slot(t, id);
	return slot ? *slot : NULL;
}

void order_table_release(struct order_table *t, int64_t id)
{
	struct order **slot = table_slot(t, id);
	if (!slot || !*slot)
		return;
	free(*slot);
	*slot = NULL;
	t->live--;
	while (t->len > 0 && !t->ring[t->head]) {
		t->head = (t->head + 1) & (t->cap - 1);
		t->first_id++;
		t->len--;
	}
	/* Give memory back after a burst; halving at a quarter full keeps
	 * resizes amortised O(1). A failed shrink only keeps the larger ring. */
	if (t->cap > ORDER_TABLE_MIN_CAP && t->len <= t->cap / 4)
		(void)table_resize(t, t->cap / 2);
}

size_t order_table_count(const struct order_table *t)
{
	return t ? t->live : 0;
}

int order_table_each(struct order_table *t, int (*fn)(void *ud, struct order *o), void *ud)
{
	if (!t || !fn)
		return KE_EINVAL;
	/* Walk by id rather than by slot: fn may release orders (moving the
	 * ring) or create new ones, which are not visited. */
	int64_t end = t->next_id;
	for (int64_t id = t->first_id; id < end; id++) {
		if (id < t->first_id)
			id = t->first_id; /* fn released the front; skip the gap */
		if (id >= end)
			break;
		struct order *o = order_table_get(t, id);
		if (!o)
			continue;
		int rc = fn(ud, o);
		if (rc != 0)
			return rc;
	}
	return KE_OK;
}
