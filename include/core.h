/*
 * core.h - the deterministic engine core.
 *
 * The core holds the strategies, their orders, portfolios, risk state and
 * timers. It never reads the clock and never does I/O: drivers feed it
 * events (time, ticks, bars, broker events) and it answers by calling the
 * broker and the strategies' hooks. Same events in, same calls out.
 *
 * Re-entrancy: broker events and strategy notifications are queued and
 * delivered after the call that produced them returns, so a strategy hook
 * never runs inside another hook.
 */
#ifndef CORE_H
#define CORE_H

#include <stddef.h>
#include <stdint.h>

#include "broker.h"
#include "fee.h"
#include "market.h"
#include "order.h"
#include "risk.h"

struct core;

enum core_log_level { CORE_LOG_DEBUG = 0, CORE_LOG_INFO, CORE_LOG_WARN, CORE_LOG_ERROR };

struct core_log_sink {
	void *ctx;
	/* strategy is NULL for the engine's own messages. */
	void (*log)(void *ctx, enum core_log_level level, const char *strategy, int64_t time, const char *msg);
	/* Messages below this level are not even formatted. */
	enum core_log_level min_level;
};

/* Sees every order transition and every fill (reports, journal). */
struct core_observer {
	void *ctx;
	void (*on_order)(void *ctx, const struct order *o);
	/* Returns the observer's reference for the fill (a journal row id), or
	 * 0; it travels in fill.ref to the strategy and back to fill_delivered. */
	int64_t (*on_fill)(void *ctx, const struct fill *f);
	/* May be NULL. Called after the owning strategy's on_fill returned (or
	 * was skipped: no hook, halted) for every fill, redelivered ones too:
	 * the point where "the strategy has been told" becomes true. */
	void (*fill_delivered)(void *ctx, const struct fill *f);
	/* May be NULL. Called after on_order(submitted) and before the broker
	 * sees the order: a non-zero return (the journal could not record it)
	 * rejects the order, and the request never leaves. */
	int (*before_send)(void *ctx, const struct order *o);
};

enum core_market_reserve {
	/* Reserve a market buy at the day's upper price limit, as KIS does
	 * (last price x 1.3 when the previous close is unknown). */
	CORE_RESERVE_UPPER_LIMIT = 0,
	/* Reserve at the last price moved up by reserve_ticks ticks. If the fill
	 * costs more than the cash left, the fill is cut to what cash pays. */
	CORE_RESERVE_LAST_PRICE,
};

struct core_config {
	struct fee_model fees;
	struct risk_limits risk; /* across all strategies */
	enum core_market_reserve market_reserve;
	int reserve_ticks;
};

void core_config_default(struct core_config *cfg);

/* What a strategy implementation provides. Any hook may be NULL. A hook
 * returns KE_OK, or non-zero when the strategy raised an error, in which
 * case last_error() describes it. */
struct strategy_hooks {
	int (*on_start)(void *impl);
	int (*on_tick)(void *impl, const struct tick *t);
	int (*on_bar)(void *impl, const struct bar *b);
	int (*on_fill)(void *impl, const struct fill *f);
	int (*on_order)(void *impl, const struct order *o);
	/* final: the timer will not fire again (a one-shot, or cancelled). */
	int (*on_timer)(void *impl, int64_t timer_id, int64_t ref, int final);
	int (*on_market_open)(void *impl);
	int (*on_market_close)(void *impl);
	int (*on_stop)(void *impl);
	/* Forget a timer that will never fire (its strategy was halted). */
	void (*drop_timer)(void *impl, int64_t timer_id, int64_t ref);
	/* Persistence of the strategy's own state (Lua: ctx.state). save: a
	 * malloc'd blob the caller frees; load: before on_start. May be NULL. */
	int (*save_state)(void *impl, char **blob, size_t *len);
	int (*load_state)(void *impl, const char *blob, size_t len);
	const char *(*last_error)(void *impl);
	void (*destroy)(void *impl);
};

struct strategy_spec {
	const char *name; /* copied */
	int64_t cash;     /* its cash allocation */
	struct risk_limits risk;
	int halt_on_error; /* 1: halt on the first error; 0: log it and keep calling */
	/* Stale-data guard: when > 0, a new order is rejected while the feed is
	 * reported down, or when the symbol's last tick (or bar) is older than
	 * this at the core's clock, or there has been none. Cancels and
	 * core_close_all's sells are never refused by it. */
	int64_t max_data_age_ms; /* 0 = off */
};

/* ---- life cycle (driver) ---- */

int core_new(const struct core_config *cfg, struct core **out);
/* Destroys the strategies too (hooks->destroy). */
void core_free(struct core *c);

void core_set_broker(struct core *c, const struct broker *b);
void core_set_log(struct core *c, const struct core_log_sink *sink);
void core_set_observer(struct core *c, const struct core_observer *obs);

/* Where brokers deliver their events. Events are queued; core_pump (and
 * every driver call below) delivers them. */
struct broker_sink core_broker_sink(struct core *c);

int core_symbol_intern(struct core *c, const char *code, int32_t *out);
/* NULL when sym is not a known id. */
const char *core_symbol_name(const struct core *c, int32_t sym);
/* KE_ENOENT when the code was never interned. */
int core_symbol_find(const struct core *c, const char *code, int32_t *out);
int32_t core_symbol_count(const struct core *c);

/* Takes ownership of impl (destroyed with the core, or at once on error). */
int core_add_strategy(struct core *c, const struct strategy_spec *spec, const struct strategy_hooks *hooks, void *impl,
                      int *out_index);
/* Changes a strategy's max_data_age_ms (see strategy_spec) after it was
 * added: for hosts that register the strategy before its settings are
 * known. KE_EINVAL for a bad strategy or a negative age. */
int core_set_max_data_age(struct core *c, int strategy, int64_t max_data_age_ms);
/* The strategy receives ticks and bars of sym. A strategy that subscribes
 * to nothing receives every symbol. */
int core_subscribe(struct core *c, int strategy, int32_t sym);

/* Sets the clock and runs every strategy's on_start. */
int core_start(struct core *c, int64_t now);
/* Fires, in order, every timer due at or before now, then sets the clock to
 * now. Drivers call it before each event. Daily timers and the market
 * open/close hooks of a day on which no event at all arrived are skipped. */
int core_advance(struct core *c, int64_t now);
int core_on_tick(struct core *c, const struct tick *t);
int core_on_bar(struct core *c, const struct bar *b);
/* Store the latest book of b->sym (KE_EINVAL bad sym). No hook runs: a
 * strategy reads it when it wants (core_book). */
int core_on_book(struct core *c, const struct book *b);
/* NULL until a book arrived. Valid until the next core_on_book of sym. */
const struct book *core_book(const struct core *c, int32_t sym);
/* The driver reports; never set in backtests. Once set, connected == 0
 * makes the stale-data guard refuse new orders. */
void core_set_feed_status(struct core *c, const struct feed_status *st);
/* Zeroed + connected=1 when never set. */
void core_feed_status(const struct core *c, struct feed_status *out);
/* A trading calendar (live drivers): is_open says whether KRX trades on a
 * KST day (days since 1970-01-01). Daily timers (every_day) and the market
 * open/close hooks skip the days it says are closed. Without one every
 * weekday counts, and a backtest skips the days its data has no event on. */
void core_set_calendar(struct core *c, int (*is_open)(void *ud, int32_t kst_day), void *ud);
/* Delivers queued broker events and strategy notifications. */
int core_pump(struct core *c);
/* End of input: fires the timers left on the last day, then on_stop. */
int core_finish(struct core *c);
/* End of a live run: on_stop now. The day is not over, so no timer due
 * later today fires (a 15:15 flatten must not run at a 09:04 stop). */
int core_stop(struct core *c);
int64_t core_now(const struct core *c);

/* The previous close bounds limit prices (+/-30%). Backtests learn it from
 * the data at each day change; live drivers set it from a quote. */
void core_set_prev_close(struct core *c, int32_t sym, int64_t price);
int64_t core_prev_close(const struct core *c, int32_t sym);
int64_t core_last_price(const struct core *c, int32_t sym);

/* ---- strategy-facing API (the Lua host's ctx calls these) ---- */

/* Bounds that keep qty x price x 1.3 and every sum of them inside int64. */
#define CORE_MAX_QTY   1000000000LL        /* shares per order */
#define CORE_MAX_PRICE 100000000000LL      /* won per share */
#define CORE_MAX_DELAY (3650LL * 86400000) /* timer delays and periods, ms */
#define CORE_MAX_VALUE 1000000000000000LL  /* won per order (qty x price) */

struct order_request {
	int32_t sym;
	enum order_side side;
	enum order_type type;
	int64_t price; /* limit orders only */
	int64_t qty;
};

/* KE_EINVAL (err says why, no order made) for a malformed request.
 * Otherwise KE_OK and *out_id: the order exists, and may already be
 * rejected by the pre-trade checks (its on_order says why). */
int core_place(struct core *c, int strategy, const struct order_request *req, int64_t *out_id, char *err,
               size_t errlen);
/* KE_ENOENT / KE_ESTATE (err says why) when the order is not the
 * strategy's or not open, or a request of that kind is already pending. */
int core_cancel(struct core *c, int strategy, int64_t id, char *err, size_t errlen);
/* new_price 0 keeps the price, new_remaining 0 keeps the quantity. */
int core_modify(struct core *c, int strategy, int64_t id, int64_t new_price, int64_t new_remaining, char *err,
                size_t errlen);

const struct order *core_order(const struct core *c, int64_t id);
/* Visit the strategy's open orders (sym < 0: all symbols) in id order. */
int core_open_orders(struct core *c, int strategy, int32_t sym, int (*fn)(void *ud, const struct order *o), void *ud);

struct core_position {
	int64_t qty;
	int64_t available; /* qty not promised to open sell orders */
	int64_t avg_price; /* rounded half up, 0 when flat */
	int64_t cost;
	int64_t realized;
};
int core_position(const struct core *c, int strategy, int32_t sym, struct core_position *out);
int64_t core_cash(const struct core *c, int strategy);           /* all cash */
int64_t core_available_cash(const struct core *c, int strategy); /* cash not reserved */
int64_t core_equity(const struct core *c, int strategy);         /* cash + positions at last price */
/* Largest quantity the strategy could buy now at price (0: market order). */
int64_t core_buyable(const struct core *c, int strategy, int32_t sym, int64_t price);

int core_timer_after(struct core *c, int strategy, int64_t delay_ms, int64_t period_ms, int64_t ref, int64_t *out_id);
/* Every weekday at ms_of_day KST. */
int core_timer_daily(struct core *c, int strategy, int64_t ms_of_day, int64_t ref, int64_t *out_id);
int core_timer_cancel(struct core *c, int strategy, int64_t id);

void core_log(struct core *c, int strategy, enum core_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Whether a message of this level would be written (skip building it otherwise). */
int core_log_enabled(const struct core *c, enum core_log_level level);

/* Cancel every open order of the strategy (the strategy goes on). */
int core_cancel_all(struct core *c, int strategy);

/* Flatten: cancel the strategy's open orders and sell every position at
 * market, including shares freed by those cancels and bought by fills that
 * arrive meanwhile, until the strategy has no open order left. */
int core_close_all(struct core *c, int strategy);

/* Stop calling the strategy and cancel its open orders. */
int core_halt_strategy(struct core *c, int strategy, const char *reason);
int core_strategy_count(const struct core *c);
const char *core_strategy_name(const struct core *c, int strategy);
/* NULL while running; the reason once halted. */
const char *core_strategy_halted(const struct core *c, int strategy);
/* True when the strategy was halted because one of its hooks raised an error. */
int core_strategy_failed(const struct core *c, int strategy);

/* KE_ENOENT when no strategy has that name. */
int core_strategy_find(const struct core *c, const char *name, int *out);
/* The strategy's persisted state (its save_state / load_state hooks):
 * KE_ENOENT when the strategy keeps none (no hook). load_state is for
 * before core_start. */
int core_strategy_save_state(struct core *c, int strategy, char **blob, size_t *len);
int core_strategy_load_state(struct core *c, int strategy, const char *blob, size_t len);

/* ---- history before the run (warm-up) ----
 *
 * A strategy declares the bars it wants to see before it starts (Lua:
 * s.history); the live driver fetches them from KIS before core_start and
 * hands them over per symbol; the strategy reads them (ctx:history). In a
 * backtest the driver hands over the bars of the data before the first
 * replayed day (--from), so both see the bars that precede the run. */
enum core_history_kind { CORE_HIST_DAILY = 0, CORE_HIST_MINUTE, CORE_HIST_KINDS };
#define CORE_HIST_MAX_DAILY  5000
#define CORE_HIST_MAX_MINUTE 400

/* KE_EINVAL bad strategy/kind or n outside 0..CORE_HIST_MAX_*. */
int core_set_history_need(struct core *c, int strategy, enum core_history_kind kind, int n);
/* The largest need of any strategy subscribed to sym (every symbol for a
 * strategy subscribed to none). */
int core_history_need(const struct core *c, int32_t sym, enum core_history_kind kind);
/* Copies bars (oldest first, times increasing) as sym's history of kind,
 * replacing what was there. KE_EINVAL bad arguments or bars out of order. */
int core_history_set(struct core *c, int32_t sym, enum core_history_kind kind, const struct bar *bars, size_t n);
/* *bars (NULL when none) stays valid until the next core_history_set of
 * sym and kind. */
int core_history(const struct core *c, int32_t sym, enum core_history_kind kind, const struct bar **bars, size_t *n);

/* ---- restoring an earlier run (live driver, before core_start) ----
 *
 * A restart rebuilds each strategy's book from the journal: every fill it
 * ever had (core_restore_fill), the orders still working at the venue
 * (core_adopt_order), fills it was never told of (core_redeliver_fill), and
 * the broker's word where the two disagree (core_set_position_qty). */

/* Book a past fill into the strategy's portfolio: cash, position, fees,
 * taxes, realised P&L, as core_on_fill would. No order, no notification.
 * KE_EINVAL for bad arguments or a fill the book cannot hold (a sell of
 * more than is held, a buy beyond the cash). */
int core_restore_fill(struct core *c, int strategy, int32_t sym, enum order_side side, int64_t qty, int64_t price,
                      int64_t fee, int64_t tax);
/* An order an earlier run sent that may still be working: it gets a new id
 * in this run, holds cash or shares for its rest like a new order, and is
 * ACCEPTED (accepted != 0) or SUBMITTED (its answer was lost: the broker
 * will resolve it). filled_qty shares of it are already booked. No
 * before_send, no broker call, no notification (the strategy sees it in
 * its open orders). KE_EINVAL (err says why) for a bad request. */
int core_adopt_order(struct core *c, int strategy, const struct order_request *req, int64_t filled_qty,
                     int64_t filled_value, int64_t created, int accepted, int64_t *out_id, char *err, size_t errlen);
/* Tell the strategy of a fill already booked (by core_restore_fill) that
 * it never heard of: queued like any fill (f->strategy, f->ref kept), so
 * its on_fill runs at the next pump and then the observer's
 * fill_delivered. Nothing is booked. */
int core_redeliver_fill(struct core *c, const struct fill *f);
/* The broker's word wins: lower the strategy's holding of sym to qty (the
 * cost is scaled down pro rata; cash is not touched). KE_EINVAL when qty
 * is negative, above the holding (shares the broker has beyond the
 * strategies' are nobody's: reported, left alone) or below what its open
 * sell orders hold. */
int core_set_position_qty(struct core *c, int strategy, int32_t sym, int64_t qty);

struct core_totals {
	int64_t initial_cash;
	int64_t cash;
	int64_t position_value;
	int64_t fees;
	int64_t taxes;
	int64_t realized;
};
/* strategy < 0: the sum over all strategies. */
void core_totals(const struct core *c, int strategy, struct core_totals *out);

#endif
