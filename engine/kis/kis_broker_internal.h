/*
 * kis_broker_internal.h - shared by kis_broker.c (the order table, place,
 * revise, cancel, life cycle) and kis_broker_poll.c (polls: fills, ends,
 * and the resolution of lost answers). Not a public header.
 */
#ifndef KIS_BROKER_INTERNAL_H
#define KIS_BROKER_INTERNAL_H

#include "kis_broker.h"

#define CHAIN_MAX 32
#define BUCKETS   1024

enum req_kind { REQ_NONE = 0, REQ_CANCEL, REQ_QTY_CUT, REQ_PRICE };

/* One order number of an engine order. Fills are reported from two
 * sources - execution notices (each print) and polls (running totals) - so
 * what was reported is kept once: a source only reports what goes beyond
 * it, and a fill is never counted twice whichever comes first. */
struct link {
	char odno[KIS_MSG_ODNO_MAX];
	int64_t filled_qty;    /* reported to the engine for this number */
	int64_t filled_amount; /* their value */
	int64_t notice_qty;    /* the sum of the fill notices seen */
};

struct korder {
	struct korder *hnext;       /* bucket chain */
	struct korder *prev, *next; /* all orders */
	struct kis_broker *b;
	int64_t id;
	char symbol[KE_SYMBOL_MAX];
	enum order_side side;
	enum order_type type;
	int64_t price, qty;
	int64_t remaining; /* as the engine counts it */
	int64_t filled;    /* filled qty reported to the engine */
	enum kis_broker_order_state state;
	char orgno[KIS_MSG_ORGNO_MAX];
	struct link chain[CHAIN_MAX];
	int nchain;
	int64_t sent_ms; /* wall clock when the place went out */
	int tries;       /* resolution looks so far */
	int refs;        /* requests in flight carrying this korder */
	/* A revise/cancel in progress (one at a time, as the core allows). */
	enum req_kind req;
	int req_unknown; /* its answer was lost */
	int req_tries;
	int64_t req_qty;                      /* QTY_CUT: shares to cancel */
	int64_t new_price;                    /* PRICE: the new limit */
	int64_t new_remaining;                /* what the engine asked for */
	char req_base_odno[KIS_MSG_ODNO_MAX]; /* the number the request changed */
	int cancel_wanted;                    /* cancel() before the order was live */
	int adopting;                         /* kis_broker_adopt: baseline not yet taken from a poll */
	int64_t adopt_filled_value;           /* the engine's booked value (adopting) */
	int cancel_confirmed;                 /* KIS took the cancel: the rest ends at the next poll */
};

struct kis_broker {
	uv_loop_t *loop;
	struct kis_client *client;
	struct kis_broker_config cfg;
	kis_broker_symbol_fn symbol;
	void *symbol_ud;
	kis_broker_clock_fn clock;
	void *clock_ud;
	struct broker_sink sink;
	struct korder *buckets[BUCKETS];
	struct korder *all;
	uv_timer_t *timer; /* own allocation: closes after the broker is gone */
	int poll_in_flight;
	int poll_again;
	int64_t next_resolve_ms;
	struct kis_broker_stats st;
	int *alive;                        /* shared with callbacks: 0 once freed */
	char (*claimed)[KIS_MSG_ODNO_MAX]; /* earlier runs' ended orders (kis_broker_claim_odno) */
	size_t nclaimed, capclaimed;
};

/* Requests in flight hold this, not the broker: the broker may be freed first. */
struct ticket {
	int *alive;
	struct kis_broker *b;
	struct korder *o;
};

int64_t kbk_now_ms(const struct kis_broker *b);
void kbk_emit(struct kis_broker *b, enum broker_event_kind kind, const struct korder *o, int64_t qty, int64_t price,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* End o for the engine's purposes; freed once no request holds it. */
void kbk_end_order(struct kis_broker *b, struct korder *o);
void kbk_drop_order(struct kis_broker *b, struct korder *o);

/* A request in flight holds a ticket, not the broker: the broker may be
 * freed first, and then kbk_ticket_take answers NULL. */
struct ticket *kbk_ticket_new(struct kis_broker *b, struct korder *o);
struct kis_broker *kbk_ticket_take(struct ticket *t, struct korder **o);

const char *kbk_current_odno(const struct korder *o);
/* Tell the owner (cfg.on_numbers) the order's current numbers. */
void kbk_numbers_changed(struct kis_broker *b, const struct korder *o);
int kbk_chain_add(struct korder *o, const char *odno);
/* KIS pads ODNO in some answers and not in others: compare as numbers. */
int kbk_same_odno(const char *a, const char *b);
/* Whether any order of ours carries odno in its chain. */
int kbk_claimed(const struct kis_broker *b, const char *odno);

/* kis_broker_poll.c: an adopted order's first poll (see kis_broker_adopt);
 * 1 when it must not be settled in this pass. */
int kbk_adopt_settle(struct kis_broker *b, struct korder *o, const struct kis_msg_ccld_list *l);

/* kis_broker_poll.c: arm the poll timer (when orders work), poll at once. */
void kbk_schedule(struct kis_broker *b);
void kbk_poll_start(struct kis_broker *b);

/* kis_broker.c: a revise/cancel took effect (new_odno: its number), or not. */
void kbk_req_done_ok(struct kis_broker *b, struct korder *o, const char *new_odno);
void kbk_req_refused(struct kis_broker *b, struct korder *o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
