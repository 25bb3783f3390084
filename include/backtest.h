/*
 * backtest.h - the replay driver: merges CSV files in time order and feeds
 * the venue (simulated broker) and the core on a simulated clock.
 *
 * For each event at time T, in this order: the venue's clock moves to T
 * (yesterday's day orders expire), the core fires timers due at or before
 * T, the venue matches resting orders against the event, the core delivers
 * the resulting fills and then the event to the strategies.
 */
#ifndef BACKTEST_H
#define BACKTEST_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "simbroker.h"

struct backtest_options {
	const char *const *data; /* CSV files */
	int ndata;
	int32_t from_day, to_day; /* KST days, inclusive; -1 = open */
	/* Called after each event (e.g. report_sample). May be NULL. */
	void (*on_event)(void *ud, int64_t time);
	void *ud;
};

struct backtest_stats {
	int64_t events;
	int64_t first_time, last_time;
};

/* Runs to the end of the data: core_start before the first event,
 * core_finish after the last. KE_EINVAL/KE_EIO with a message naming the
 * file and line when the data is bad (the run stops there). */
int backtest_run(struct core *core, struct simbroker *venue, const struct backtest_options *opt,
                 struct backtest_stats *stats, char *err, size_t errlen);

#endif
