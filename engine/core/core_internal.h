/*
 * core_internal.h - the core's private state, shared by core.c (events,
 * timers, queues) and core_orders.c (orders, reservations, fills). Nothing
 * outside engine/core includes this file.
 */
#ifndef CORE_INTERNAL_H
#define CORE_INTERNAL_H

#include "core.h"
#include "portfolio.h"
#include "sched.h"

struct core_strat {
	char name[64];
	struct strategy_hooks hooks;
	void *impl;
	struct portfolio pf;
	int64_t initial_cash;
	struct risk_limits risk;
	struct risk_state rs;
	int halt_on_error;
	int halted;
	int failed; /* halted by an error in a hook */
	char halt_reason[KE_REASON_MAX];
	int open_orders;
	unsigned char *subs; /* subs[sym] != 0: subscribed (grown with the symbol table) */
	int32_t nsubs_cap;
	int nsubs; /* 0: every symbol */
	int64_t day_start_equity;
	int flattening;                    /* core_close_all in progress */
	int64_t max_data_age_ms;           /* 0: no stale-data guard */
	int history_need[CORE_HIST_KINDS]; /* bars wanted before the run (warm-up) */
};

/* A notification waiting for a strategy hook: an order snapshot or a fill. */
enum core_note_kind { NOTE_ORDER = 1, NOTE_FILL };

struct core_note {
	enum core_note_kind kind;
	int strategy;
	union {
		struct order order;
		struct fill fill;
	} u;
};

/* Growable FIFO of fixed-size items. */
struct core_fifo {
	unsigned char *buf;
	size_t item, cap, head, len;
};

struct core_symbol {
	char code[KE_SYMBOL_MAX];
	int64_t last_price;
	int64_t prev_close;
	int32_t last_day;                  /* KST day of last_price, -1 if none */
	int64_t last_time;                 /* ms of the newest tick or bar, 0 if none (stale-data guard) */
	struct book *book;                 /* the latest book, NULL before any (allocated once) */
	struct bar *hist[CORE_HIST_KINDS]; /* bars before the run, oldest first */
	size_t nhist[CORE_HIST_KINDS];
};

struct core {
	struct core_config cfg;
	struct broker broker;
	int has_broker;
	struct core_log_sink log;
	struct core_observer obs;
	struct order_table *orders;
	struct sched *sched;

	struct core_strat *strats;
	int nstrats, capstrats;

	struct core_symbol *syms;
	int32_t nsyms, capsyms;
	int32_t *symhash; /* open addressing: index+1, 0 empty */
	size_t symhash_cap;
	int64_t *price_vec; /* last prices by symbol, for portfolio_position_value */

	struct core_fifo inbox; /* struct broker_event */
	struct core_fifo notes; /* struct core_note */
	int pumping;

	int64_t now;
	int32_t cur_day;        /* KST day of the clock, -1 before start */
	int32_t last_event_day; /* KST day of the last market event, -1 if none */
	int started, finished;
	struct risk_state global_rs;
	int global_open_orders;
	int64_t day_start_equity;
	int64_t firing_timer;                       /* id of the timer whose callback runs now, 0 if none */
	int firing_cancelled;                       /* it was cancelled from inside that callback */
	struct feed_status feed;                    /* as the live driver last reported it */
	int feed_set;                               /* 0: never reported (backtests) */
	int (*cal_open)(void *ud, int32_t kst_day); /* NULL: weekdays trade */
	void *cal_ud;
};

/* core.c */
/* Whether strategy s receives sym (it subscribed to it, or to nothing). */
int core_subscribed(const struct core_strat *s, int32_t sym);
void core_emit_log(struct core *c, int strategy, enum core_log_level level, const char *msg);
int core_note_push(struct core *c, const struct core_note *n);
void core_strategy_error(struct core *c, int strategy, const char *hook);
void core_check_daily_loss(struct core *c, int strategy);
/* Runs a hook without arguments of strategy i unless it is halted. */
void core_call_hook(struct core *c, int i, int (*hook)(void *), const char *name);

/* core_orders.c */
void core_orders_on_broker_event(struct core *c, const struct broker_event *ev);

#endif
