/*
 * live.h - the live driver: strategies on real time, with KIS market data,
 * and orders going to the simulated broker (paper), the KIS mock account or
 * the real one.
 *
 * One libuv loop carries everything: the WebSocket feed, the REST gateway,
 * the clock timer and the signals. The core stays the same deterministic
 * reactor as in backtests: the driver feeds it ticks, books, broker events
 * and time, and pumps it after each.
 *
 * First milestone of issue 6: start-up (token, quotes for the price limits,
 * strategies), the event loop, paper/mock/real brokers, feed health into
 * the core, clean shutdown on SIGINT/SIGTERM. The journal, reconciliation,
 * the trading calendar and the kill switch come next.
 */
#ifndef LIVE_H
#define LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "core.h"
#include "logline.h"

enum live_mode { LIVE_PAPER = 0, LIVE_MOCK, LIVE_REAL };

struct live_options {
	struct engine_config *cfg; /* loaded and cash-allocated; strategies and the kis table */
	enum live_mode mode;
	int allow_real;      /* --live: required for LIVE_REAL */
	int64_t duration_ms; /* stop after this long; 0: until SIGINT/SIGTERM */
	/* 1: the core's clock follows the ticks (kis-sim replays another day at
	 * any speed); 0: the wall clock (KIS). */
	int feed_clock;
	const char *secrets_file; /* NULL: the environment */
	int quiet;                /* warnings and errors only (without a logger) */
	/* The run's log (the caller's; NULL: plain lines on stderr). The
	 * driver registers the credentials and tokens with it as secrets. */
	struct logline *log;
	/* Crash tests only (KIS_ENGINE_CRASH_AT=point:n): the process kills
	 * itself with SIGKILL the n-th time it passes point (docs/live.md). */
	const char *crash_point;
	int crash_after;
};

/* Run the strategies already loaded into core (the caller owns it: the
 * same loading as for backtests). Exit status: 0 clean stop, 1 a strategy
 * failed or KIS refused to start, 2 bad configuration (err says why). */
int live_run(const struct live_options *opt, struct core *core, char *err, size_t errlen);

const char *live_mode_name(enum live_mode m);
int live_mode_parse(const char *s, enum live_mode *out);

#endif
