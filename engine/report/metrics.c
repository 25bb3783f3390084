/*
 * metrics.c - the report's pure parts: drawdown and Sharpe arithmetic, and
 * the printed summary table. Nothing here touches a report's state or a
 * file other than the one it is given.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "report.h"

/* ---- metrics ---- */

double report_max_drawdown_step(int64_t *peak, int64_t equity, double current_max)
{
	if (!peak)
		return current_max;
	if (equity >= *peak) {
		*peak = equity; /* at a peak there is no drawdown: skip the division */
		return current_max;
	}
	/* No drawdown is defined against a peak that is not positive. */
	if (*peak <= 0)
		return current_max;
	double dd = ((double)*peak - (double)equity) / (double)*peak;
	return dd > current_max ? dd : current_max;
}

static double daily_return(const int64_t *closes, int i, int64_t initial)
{
	int64_t prev = i == 0 ? initial : closes[i - 1];
	return (double)closes[i] / (double)prev - 1.0;
}

/* Returns 1 and *out when defined; 0 and *out = 0 otherwise. */
int report_sharpe(const int64_t *daily_equity, int ndays, int64_t initial, double *out)
{
	if (out)
		*out = 0;
	if (!daily_equity || !out || ndays < 2)
		return 0;
	if (initial <= 0)
		return 0;
	for (int i = 0; i + 1 < ndays; i++)
		if (daily_equity[i] <= 0)
			return 0; /* a return from a non-positive base means nothing */

	double sum = 0;
	for (int i = 0; i < ndays; i++)
		sum += daily_return(daily_equity, i, initial);
	double mean = sum / ndays, ss = 0;
	for (int i = 0; i < ndays; i++) {
		double d = daily_return(daily_equity, i, initial) - mean;
		ss += d * d;
	}
	double sd = sqrt(ss / (ndays - 1));
	/* Equal returns computed from different closes may differ in the last
	 * bits; treat a deviation that small as zero rather than report an
	 * enormous ratio. */
	if (!(sd > 1e-12))
		return 0;
	*out = mean / sd * sqrt(252.0);
	return 1;
}

/* ---- printing ---- */

static void fmt_krw(int64_t v, char *buf, size_t len)
{
	char digits[24], tmp[32];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int n = 0, k = 0;
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[k++] = '-';
	for (int i = n - 1; i >= 0; i--) {
		tmp[k++] = digits[i];
		if (i > 0 && i % 3 == 0)
			tmp[k++] = ',';
	}
	tmp[k] = '\0';
	snprintf(buf, len, "%s", tmp);
}

void report_print(const struct report_summary *s, FILE *fp)
{
	char a[32], b[32], c[32], d[32];
	if (!s || !fp)
		return;
	fprintf(fp, "%-14s %s .. %s\n", "Period", s->start[0] ? s->start : "-", s->end[0] ? s->end : "-");
	fmt_krw(s->initial_cash, a, sizeof a);
	fprintf(fp, "%-14s %20s KRW\n", "Initial cash", a);
	fmt_krw(s->final_equity, a, sizeof a);
	fprintf(fp, "%-14s %20s KRW\n", "Final equity", a);
	fprintf(fp, "%-14s %19.2f%%\n", "Total return", s->total_return * 100.0);
	fprintf(fp, "%-14s %19.2f%%\n", "Max drawdown", s->max_drawdown * 100.0);
	if (s->sharpe_defined)
		fprintf(fp, "%-14s %20.2f\n", "Sharpe", s->sharpe);
	else
		fprintf(fp, "%-14s %20s\n", "Sharpe", "n/a");
	fprintf(fp, "%-14s %20" PRId64 "\n", "Trades", s->trades);
	fprintf(fp, "%-14s %20" PRId64 "\n", "Wins", s->wins);
	fprintf(fp, "%-14s %19.2f%%\n", "Win rate", s->win_rate * 100.0);
	fprintf(fp, "%-14s %20" PRId64 "\n", "Fills", s->fills);
	fmt_krw(s->fees, a, sizeof a);
	fprintf(fp, "%-14s %20s KRW\n", "Fees", a);
	fmt_krw(s->taxes, a, sizeof a);
	fprintf(fp, "%-14s %20s KRW\n", "Taxes", a);
	fprintf(fp, "%-14s %20" PRId64 "\n", "Events", s->events);
	fprintf(fp, "%-14s %20" PRId64 "\n", "Orders", s->orders);
	if (s->nstrategies <= 0)
		return;
	fprintf(fp, "\n%-20s %18s %18s %7s %7s %7s %12s %12s  %s\n", "Strategy", "Initial cash", "Final equity",
	        "Fills", "Trades", "Wins", "Fees", "Taxes", "Status");
	for (int i = 0; i < s->nstrategies && i < REPORT_MAX_STRATEGIES; i++) {
		const struct report_strategy_summary *ss = &s->strategies[i];
		fmt_krw(ss->initial_cash, a, sizeof a);
		fmt_krw(ss->final_equity, b, sizeof b);
		fmt_krw(ss->fees, c, sizeof c);
		fmt_krw(ss->taxes, d, sizeof d);
		fprintf(fp, "%-20s %18s %18s %7" PRId64 " %7" PRId64 " %7" PRId64 " %12s %12s  %s\n", ss->name, a, b,
		        ss->fills, ss->trades, ss->wins, c, d, ss->status);
	}
}
