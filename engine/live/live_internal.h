/*
 * live_internal.h - the live driver's state, shared by live.c (start-up,
 * the feed, signals, stopping) and live_book.c (the journal, ctx.state,
 * the restart from the journal, reconciliation with KIS, the trading day).
 * Not a public header: nothing outside engine/live includes it.
 */
#ifndef LIVE_INTERNAL_H
#define LIVE_INTERNAL_H

#include <uv.h>

#include "journal.h"
#include "kis_broker.h"
#include "kis_client.h"
#include "kis_feed.h"
#include "kis_ws.h"
#include "krxcal.h"
#include "live.h"
#include "logline.h"
#include "simbroker.h"

#define CLOCK_TICK_MS 100

/* What the journal knows of an engine order: its row, and the KIS numbers
 * (kept here because the broker forgets an order once it has ended). */
struct jentry {
	int64_t id; /* journal order id; 0: not journaled */
	char orgno[JOURNAL_ORGNO_MAX];
	char odno[JOURNAL_ODNO_MAX];
};

struct live {
	const struct live_options *opt;
	struct core *core;
	uv_loop_t loop;
	struct kis_client *client;
	struct kis_ws *ws;
	struct kis_feed *feed;
	struct kis_broker *kbroker;
	struct simbroker *sbroker;
	uv_timer_t clock;
	uv_signal_t sigint, sigterm, sigusr1;
	int handles;
	int quotes_pending;
	int history_pending; /* warm-up bars still on the way */
	int history_asked;   /* feed clock: asked at the first print */
	struct tick *held;   /* feed clock: prints waiting for the history */
	size_t nheld, capheld;
	int started;      /* the feed is running */
	int core_started; /* core_start done: at once on the wall clock, at the first tick on the feed clock */
	int stopping;
	int halted; /* the kill switch fired: no new orders, open ones cancelled */
	int clock_ticks;
	int status;
	int64_t begun_mono;
	struct journal *jr; /* NULL: no live.journal configured */
	int64_t run_id;
	struct jentry *jid; /* by engine order id */
	int64_t njid;
	int64_t feed_time;     /* feed clock: the latest tick time */
	int crash_count;       /* passes of opt->crash_point */
	int32_t day;           /* KST day the clock timer last saw */
	int closed;            /* the close: 0 not yet, 1 waiting for the last poll, 2 done */
	int64_t *day_start_eq; /* per strategy, for the end-of-day summary */
	int64_t *fills_today;
	enum { RECON_NONE = 0, RECON_WAIT, RECON_ASKED, RECON_DONE } recon;
	int64_t recon_not_before; /* uv_now ms: the next balance inquiry no sooner */
	struct krxcal *cal;
	char cal_path[CONFIG_PATH_MAX + 32]; /* the holiday inquiry's cache, "" = none */
	int cal_asking;                      /* an inquiry on the wire */
	int64_t cal_not_before;              /* uv_now ms */
	int32_t cal_warned;                  /* the last day told about */
	int32_t cal_loaded;                  /* the last day the cache was read for */
	int64_t status_at;                   /* uv_now ms of the last status line */
	/* The last ctx.state saved per strategy: unchanged ones are not written. */
	char **state_blob;
	size_t *state_len;
	unsigned char *state_bad; /* per strategy: its ctx.state cannot be saved (logged once) */
	int64_t drain_until;      /* stopping: close by this (ms since begun_mono) */
	char fatal[512];
};

/* live.c */
int64_t live_wall_ms(void);
/* The engine's notion of now: the wall clock against KIS, the ticks'
 * clock against a replay (kis-sim), so that every part agrees on the day. */
int64_t live_now(const struct live *l);
/* Messages of the driver, through the run's logger (logline.h) stamped
 * with the market clock; live_say is INFO without an event. */
void live_log(struct live *l, enum core_log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void live_say(struct live *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void live_stop(struct live *l, int status, const char *why);

/* live_cal.c: the calendar into the core (before core_start); each clock
 * tick: the day's holiday inquiry when due; a new day: warn about the
 * weekday fallback or a closed day, once. */
int lvc_open(struct live *l, char *err, size_t errlen);
void lvc_step(struct live *l);
void lvc_new_day(struct live *l, int32_t day);
void lvc_close(struct live *l);

/* live_book.c */
struct core_observer lvb_observer(struct live *l);
/* kis_broker_config.on_numbers */
void lvb_on_numbers(void *ud, int64_t id, const char *orgno, const char *odno);
/* The journal's view, then core_start at now (sets core_started, or stops the run). */
void lvb_begin_trading(struct live *l, int64_t now);
/* Each clock tick: reconciliation steps, the close, a new day. */
void lvb_clock_step(struct live *l);
/* Every strategy's ctx.state to the journal when it changed. */
void lvb_save_states(struct live *l);
void lvb_cancel_open_orders(struct live *l, const char *why);

#endif
