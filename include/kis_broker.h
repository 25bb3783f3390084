/*
 * kis_broker.h - the broker interface of broker.h on a KIS account.
 *
 * place / modify / cancel become order-cash and order-rvsecncl calls on a
 * kis_client; answers become broker events in the sink (the core queues
 * them). Order numbers are kept per engine order: KRX_FWDG_ORD_ORGNO and
 * the chain of ODNOs (a revise gives the remaining quantity a new number;
 * fills of every number in the chain belong to the engine order).
 *
 * Never a duplicate order: a request whose outcome is unknown (timeout,
 * lost answer) is never re-sent. The broker waits resolve_delay_ms, then
 * asks KIS for today's orders (inquire-daily-ccld) and looks for it: by
 * order number when it has one, otherwise by (symbol, side, quantity,
 * price, order time within the window) among orders no engine order has
 * claimed. Found: the venue's order is adopted (ACCEPTED, with its fills).
 * Not found after resolve_attempts queries resolve_grace_ms apart: the
 * order is declared not placed (REJECTED "not placed: ..."), and only then
 * may a strategy send its intent again. Revises and cancels are resolved
 * the same way (by the row whose orgn_odno is the order's number).
 *
 * Fills and ends: while orders are working the broker polls today's
 * orders every poll_ms and turns growth of tot_ccld_qty / tot_ccld_amt into
 * FILL events (the realtime execution notices of the WebSocket feed can
 * call kis_broker_poll_now to make that immediate). A poll reports the
 * amount, not each print, so a poll that saw two prints at different
 * prices reports them as at most two fills whose value sums to KIS's
 * amount exactly. An order whose last number has nothing left at KIS
 * while the engine still counts a remainder is CANCELLED for that rest
 * (cancel confirmed, expired or rejected at KIS).
 *
 * Not thread-safe: the loop's thread only.
 */
#ifndef KIS_BROKER_H
#define KIS_BROKER_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "broker.h"
#include "kis_client.h"
#include "kis_notice.h"

struct kis_broker_config {
	int64_t poll_ms;          /* default: real 1000, mock 3000 (mock allows 1 request/s) */
	int64_t resolve_delay_ms; /* before the first look for a lost answer; default 1000 */
	int64_t resolve_grace_ms; /* between looks; default 3000 */
	int resolve_attempts;     /* looks before "not placed"; default 3 */
	int64_t match_window_ms;  /* order time tolerance when matching by fields; default 120000 */
	/* Optional, for benchmarks: told when the answer to a place arrives, with
	 * the CLOCK_MONOTONIC ns at which its request began to go out. */
	void (*on_sent)(void *ud, int64_t order_id, int64_t sent_ns);
	void *on_sent_ud;
	/* Optional: told at once whenever an order's KIS numbers become known
	 * or change (accepted, adopted after a lost answer, revised), before
	 * the event reaches the core: a journal keeps them even when the order
	 * ends in the same turn. */
	void (*on_numbers)(void *ud, int64_t order_id, const char *orgno, const char *odno);
	void *on_numbers_ud;
};

void kis_broker_config_default(struct kis_broker_config *cfg, enum kis_env env);

/* The engine's symbol id -> KRX code ("005930"); NULL when unknown. */
typedef const char *(*kis_broker_symbol_fn)(void *ud, int32_t sym);
/* Wall clock, epoch ms: event times, order-time matching. */
typedef int64_t (*kis_broker_clock_fn)(void *ud);

struct kis_broker;

int kis_broker_new(uv_loop_t *loop, struct kis_client *client, const struct kis_broker_config *cfg,
                   kis_broker_symbol_fn symbol, void *symbol_ud, kis_broker_clock_fn clock, void *clock_ud,
                   struct broker_sink sink, struct kis_broker **out);

/* Stops polling and resolving; requests in flight are abandoned (their
 * answers are dropped). Free after kis_client_close or while the client
 * lives. b may be NULL. */
void kis_broker_free(struct kis_broker *b);

/* The struct broker the core calls. */
struct broker kis_broker_iface(struct kis_broker *b);

/* Poll today's orders now (after a feed reconnect: fills missed meanwhile). */
int kis_broker_poll_now(struct kis_broker *b);

/*
 * An execution notice of this account (kis_ws). A fill of a number in an
 * order's chain is reported at once with its own price; the next poll
 * reports only what goes beyond it (and a fill a poll already reported is
 * not reported again by its notice). Any other notice about one of our
 * orders (acknowledgement, rejection, cancel confirmation) or about an
 * order no engine order has yet (a lost answer) makes the broker poll now.
 */
void kis_broker_on_notice(struct kis_broker *b, const struct kis_notice *n);

/*
 * A restart: an order an earlier run sent, under its new engine id. With
 * an odno it is LIVE at once; the next poll rebuilds its chain of numbers
 * (a revise's row names the number it replaced) and reports as fills what
 * KIS filled beyond filled_qty / filled_value, the part the engine has
 * booked. Without one (its answer never came back) it is resolved like a
 * lost answer, matching on the fields and sent_ms (the earlier run's send
 * time). KE_EINVAL bad fields, KE_ENOMEM.
 */
struct kis_broker_adopt {
	int64_t id;
	const char *symbol;
	enum order_side side;
	enum order_type type;
	int64_t price, qty;               /* qty as the order stands (after modifies) */
	int64_t filled_qty, filled_value; /* booked by the engine */
	const char *orgno, *odno;         /* "" when unknown */
	int64_t sent_ms;
};
int kis_broker_adopt(struct kis_broker *b, const struct kis_broker_adopt *a);
/* An order number of an earlier run's order that has ended: lost-answer
 * resolution must never adopt its row for another order. */
int kis_broker_claim_odno(struct kis_broker *b, const char *odno);
/* A new KRX day: what was still working yesterday has expired at KIS (day
 * orders). Each order the broker still counts as working ends CANCELLED
 * with why; returns how many. Call after the last poll of the old day. */
int kis_broker_expire_all(struct kis_broker *b, const char *why);
/* KIS's order numbers restart every day: forget the numbers of ended
 * orders (kept so that a lost answer never adopts one of them). Call at a
 * new KST day, after kis_broker_expire_all. */
void kis_broker_new_day(struct kis_broker *b);
/* Orders whose outcome is not settled yet: being sent, answer lost,
 * adopted but not yet seen by a poll; plus a poll in flight. 0: the
 * broker's view equals the last poll's. */
int kis_broker_unsettled(const struct kis_broker *b);

enum kis_broker_order_state {
	KIS_BROKER_SENDING = 0, /* request on the wire */
	KIS_BROKER_UNKNOWN,     /* answer lost: being resolved */
	KIS_BROKER_LIVE,        /* KIS has it */
	KIS_BROKER_ENDED,       /* filled, cancelled or not placed */
};

struct kis_broker_order_info {
	enum kis_broker_order_state state;
	char orgno[KIS_MSG_ORGNO_MAX];
	char odno[KIS_MSG_ODNO_MAX]; /* the latest number in the chain */
	char first_odno[KIS_MSG_ODNO_MAX];
	int chain_len;
	int64_t filled_qty;
};

/* KE_ENOENT when the broker does not know the engine order id. */
int kis_broker_order_info(const struct kis_broker *b, int64_t id, struct kis_broker_order_info *out);

struct kis_broker_stats {
	int64_t placed, accepted, rejected, unknown, adopted, not_placed, polls, poll_errors, fills;
	int64_t notices_polled; /* notices that made the broker poll */
};
void kis_broker_stats(const struct kis_broker *b, struct kis_broker_stats *out);

#endif
