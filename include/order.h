/*
 * order.h - orders, fills and the order state machine.
 *
 *   new -> submitted -> accepted -> partial -> filled
 *     \         \          \          \-----> cancelled
 *      \         \          \---------------> cancelled | filled
 *       \         \-------------------------> rejected | accepted | partial | filled
 *        \----------------------------------> rejected (pre-trade checks)
 *
 * An order that fails the engine's own checks goes straight from new to
 * rejected and is never handed to a broker. filled, cancelled and rejected
 * are terminal.
 */
#ifndef ORDER_H
#define ORDER_H

#include <stdint.h>

#include "ke_common.h"

enum order_side { SIDE_BUY = 1, SIDE_SELL = 2 };
enum order_type { ORDER_MARKET = 1, ORDER_LIMIT = 2 };

enum order_state {
	ORDER_NEW = 0,
	ORDER_SUBMITTED,
	ORDER_ACCEPTED,
	ORDER_PARTIAL,
	ORDER_FILLED,
	ORDER_CANCELLED,
	ORDER_REJECTED,
};

/* Bits of order.pending: a request the broker has not answered yet. */
#define ORDER_PENDING_CANCEL 1u
#define ORDER_PENDING_MODIFY 2u

struct order {
	int64_t id;   /* engine order id, > 0, unique within a run */
	int strategy; /* index of the owning strategy */
	int32_t sym;
	enum order_side side;
	enum order_type type;
	int64_t price; /* limit price; 0 for market orders */
	int64_t qty;   /* ordered quantity (after any modify: filled + remaining) */
	int64_t filled_qty;
	int64_t filled_value;   /* sum of fill qty * price */
	int64_t fees;           /* commission paid so far */
	int64_t taxes;          /* transaction tax paid so far */
	int64_t reserved;       /* buy: cash held back for the unfilled rest; sell: 0 */
	int64_t reserve_price;  /* buy: the price that reservation is computed at */
	int64_t modify_reserve; /* buy: extra cash held for a pending modify */
	int64_t modify_price;   /* pending modify: requested price (0 = keep) */
	int64_t modify_qty;     /* pending modify: requested remaining (0 = keep) */
	enum order_state state;
	unsigned pending;           /* ORDER_PENDING_* */
	int64_t created;            /* ms */
	int64_t updated;            /* ms of the last transition */
	char reason[KE_REASON_MAX]; /* reject/cancel reason, "" when none */
};

struct fill {
	int64_t order_id;
	int strategy;
	int32_t sym;
	enum order_side side;
	int64_t qty;
	int64_t price;
	int64_t fee;
	int64_t tax;
	int64_t time;
	int64_t ref; /* the observer's reference (journal fill id), 0 if none */
};

const char *order_state_name(enum order_state s);
const char *order_side_name(enum order_side s);
const char *order_type_name(enum order_type t);

/* True while the order may still trade (submitted, accepted, partial). */
int order_is_open(const struct order *o);

/* True for filled, cancelled and rejected. */
int order_is_terminal(const struct order *o);

/* Quantity still working: qty - filled_qty (0 once terminal). */
int64_t order_remaining(const struct order *o);

/* Whether the state machine allows from -> to. */
int order_transition_ok(enum order_state from, enum order_state to);

/* Move o to state `to` at time `now`. KE_ESTATE if the transition is not
 * allowed (the order is left unchanged). */
int order_set_state(struct order *o, enum order_state to, int64_t now);

/* Record a fill of qty at price: updates filled_qty/filled_value and moves
 * the state to partial or filled. KE_EINVAL if qty exceeds the remaining
 * quantity or is not positive, KE_ESTATE if the order cannot fill now. */
int order_apply_fill(struct order *o, int64_t qty, int64_t price, int64_t now);

/*
 * The order table: every order of a run by engine id. Open orders stay
 * until they end; ended orders are kept until order_table_release() so the
 * owner decides when they have been reported.
 */
struct order_table;

int order_table_new(struct order_table **out);
void order_table_free(struct order_table *t);

/* Allocate an order with the next id (ids start at 1). The returned
 * pointer stays valid until that order is released. */
int order_table_create(struct order_table *t, struct order **out);
struct order *order_table_get(struct order_table *t, int64_t id);
void order_table_release(struct order_table *t, int64_t id);
size_t order_table_count(const struct order_table *t);

/* Visit every order in the table in id order; stop early if fn returns non-zero. */
int order_table_each(struct order_table *t, int (*fn)(void *ud, struct order *o), void *ud);

#endif
