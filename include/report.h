/*
 * report.h - the results of a run: fills.csv, orders.csv, equity.csv,
 * summary.json and a printed summary table.
 *
 * The report listens to the core (as its observer) and to the driver
 * (report_sample after every market event). Files are written as the run
 * goes, so memory stays flat however long the run.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core.h"

struct report;

struct report_strategy_summary {
	char name[64];
	int64_t initial_cash;
	int64_t final_equity;
	int64_t fills;
	int64_t trades; /* round trips: flat -> position -> flat */
	int64_t wins;   /* round trips with net P&L (after fees and taxes) > 0 */
	int64_t fees;
	int64_t taxes;
	char status[KE_REASON_MAX]; /* "ok" or "halted: <reason>" */
};

#define REPORT_MAX_STRATEGIES 32

struct report_summary {
	char start[11], end[11]; /* KST dates of the first and last event, "" if none */
	int64_t initial_cash;
	int64_t final_equity;
	double total_return; /* final / initial - 1 */
	double max_drawdown; /* largest fall from a peak, as a fraction of the peak (>= 0) */
	double sharpe;       /* mean / sample stdev of daily returns x sqrt(252) */
	int sharpe_defined;  /* 0 with fewer than 2 daily returns or zero deviation */
	int64_t trades;
	int64_t wins;
	double win_rate; /* wins / trades, 0 when no trades */
	int64_t fills;
	int64_t fees;
	int64_t taxes;
	int64_t events; /* ticks and bars processed */
	int64_t orders;
	int nstrategies;
	struct report_strategy_summary strategies[REPORT_MAX_STRATEGIES];
};

/* Creates dir (and parents) and the CSV files in it. */
int report_open(const char *dir, struct core *core, struct report **out, char *err, size_t errlen);

/* An observer that feeds report_on_order / report_on_fill. */
struct core_observer report_observer(struct report *r);

void report_on_order(struct report *r, const struct order *o); /* writes an order once it is terminal */
void report_on_fill(struct report *r, const struct fill *f);

/* After each market event: counts it and samples total equity (cash +
 * position value at last prices, summed over strategies). equity.csv gets
 * one row per minute: the state after that minute's last event. Daily
 * returns (for the Sharpe ratio) use the last sample of each KST day. */
void report_sample(struct report *r, int64_t time, int64_t cash, int64_t position_value);

/* Writes the orders still open with their state, closes the CSVs, computes
 * the summary (per-strategy figures from core_totals and the fills seen) and
 * writes summary.json. */
int report_finish(struct report *r, struct report_summary *out, char *err, size_t errlen);

void report_print(const struct report_summary *s, FILE *fp);
void report_free(struct report *r);

/* Pure metric helpers (exposed for tests). */
double report_max_drawdown_step(int64_t *peak, int64_t equity, double current_max);
int report_sharpe(const int64_t *daily_equity, int ndays, int64_t initial, double *out);

#endif
