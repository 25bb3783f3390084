/*
 * restore.h - a live run picks up where the last one stopped (or crashed).
 *
 * restore_from_journal, before core_start, rebuilds the engine's view from
 * the journal alone:
 *  - each strategy's ctx.state (journal_state_get -> core_strategy_load_state);
 *  - each strategy's book: every fill it ever had, booked again in order
 *    (cash, positions, fees, taxes; core_restore_fill);
 *  - orders still open: today's are adopted into the core under new engine
 *    ids (the caller hands them to the KIS broker, which asks KIS what
 *    became of them); an earlier day's ended with the day (KRX orders are
 *    day orders), and paper orders ended with their run (the simulated
 *    broker is gone): both are marked cancelled in the journal;
 *  - fills the strategy was never told of (journal fills.notified = 0),
 *    to be redelivered once after core_start.
 *
 * restore_compare_balance, once the KIS broker has settled the adopted
 * orders, compares the engine's positions with KIS's balance: where KIS
 * holds less, KIS wins (the strategies' holdings are lowered, last
 * strategy first, and each change is logged); where it holds more, the
 * shares belong to no strategy and are reported and left alone. Symbols
 * with orders still working are not compared (a fill may be on its way).
 *
 * Ownership: the plan's arrays are malloc'd by restore_from_journal and
 * freed by restore_plan_free. Nothing is printed: messages go to say().
 */
#ifndef RESTORE_H
#define RESTORE_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "journal.h"
#include "kis_msg.h"

typedef void (*restore_say_fn)(void *ud, enum core_log_level level, const char *msg);

/* A journal order adopted under a new engine id in this run. */
struct restore_adopted {
	int64_t engine_id;  /* this run's */
	int64_t journal_id; /* its row */
	char symbol[KE_SYMBOL_MAX];
	enum order_side side;
	enum order_type type;
	int64_t price, qty, filled_qty, filled_value, created;
	char orgno[JOURNAL_ORGNO_MAX];
	char odno[JOURNAL_ODNO_MAX]; /* "" when the earlier run never heard back */
};

struct restore_plan {
	struct restore_adopted *adopted;
	size_t nadopted;
	struct fill *redeliver; /* ref = journal fill id; order_id = this run's id when adopted, else 0 */
	size_t nredeliver;
	char (*claimed)[JOURNAL_ODNO_MAX]; /* today's numbers of ended journal orders */
	size_t nclaimed;
	/* What was done, for the start-up summary. */
	int64_t fills_booked, orders_expired, states_loaded, foreign_fills;
};

/* paper: no order survives a restart. today: the KST day of the market
 * clock. KE_OK, or an error with err naming the journal row or strategy
 * (a state that does not load, a fill the book cannot hold): starting
 * with a book that disagrees with the journal would trade on a lie. */
int restore_from_journal(struct journal *jr, struct core *core, int32_t today, int paper, int64_t now_ms,
                         struct restore_plan *out, restore_say_fn say, void *ud, char *err, size_t errlen);
void restore_plan_free(struct restore_plan *p);

/* Counts of what restore_compare_balance found. */
struct restore_balance_result {
	int compared, lowered, unowned, skipped;
};
void restore_compare_balance(struct core *core, const struct kis_msg_balance *bal, restore_say_fn say, void *ud,
                             struct restore_balance_result *out);

/* Today's orders at KIS (inquire-daily-ccld rows) that no journal order
 * of today carries: placed by hand (HTS, MTS) or by another program.
 * Reported and left alone; returns how many. */
int restore_report_foreign_orders(struct journal *jr, const struct kis_msg_ccld_list *rows, int32_t today,
                                  restore_say_fn say, void *ud);

#endif
