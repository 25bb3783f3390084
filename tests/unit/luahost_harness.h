/*
 * luahost_harness.h - the fixture shared by test_luahost.c (sandbox, guards,
 * loading) and test_luactx.c (the ctx API): a core with the simulated
 * broker, a log recorder, strategy loading, tick feeding, and running a
 * scenario in a child process with a deadline.
 */
#ifndef LUAHOST_HARNESS_H
#define LUAHOST_HARNESS_H

/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "ke_common.h"
#include "luahost.h"
#include "simbroker.h"

#ifndef KE_SOURCE_DIR
#define KE_SOURCE_DIR "."
#endif
#ifndef KE_TEST_DATA
#define KE_TEST_DATA KE_SOURCE_DIR "/tests/data"
#endif

#define FIX(f)       KE_TEST_DATA "/lua/" f
#define STRATEGY_LIB KE_SOURCE_DIR "/strategies/lib"

/* 2026-03-02 is a Monday. Days since 1970-01-01: 2000-01-01 is day 10957,
 * plus 26 years with 7 leap days (2000..2024) = 9497 -> 2026-01-01 is day
 * 20454, plus 31 + 28 + 1 = 20514. 09:00 KST = 00:00 UTC, so
 * T0 = 20514 x 86,400,000 ms = 1,772,409,600,000. */
#define T0     1772409600000LL
#define SEC    1000LL
#define MINUTE 60000LL
#define DAY    86400000LL
#define CASH   10000000LL

/* ---- harness ---- */

struct harness {
	struct core *core;
	struct simbroker *sb;
	char *log;
	size_t len, cap;
	int32_t sym; /* 005930 */
	int orders_seen;
	int orders_after_finish;
	int finished;
	char err[4096];
};

static inline void sink_log(void *ctx, enum core_log_level level, const char *strategy, int64_t time, const char *msg)
{
	(void)time;
	struct harness *h = ctx;
	char line[4400];
	int n = snprintf(line, sizeof(line), "[%c] %s: %s\n", "DIWE"[level], strategy ? strategy : "-", msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (h->len + (size_t)n + 1 > h->cap) {
		size_t ncap = (h->cap + (size_t)n + 1) * 2;
		char *p = realloc(h->log, ncap);
		if (!p)
			return;
		h->log = p;
		h->cap = ncap;
	}
	memcpy(h->log + h->len, line, (size_t)n + 1);
	h->len += (size_t)n;
}

static inline void obs_order(void *ctx, const struct order *o)
{
	(void)o;
	struct harness *h = ctx;
	h->orders_seen++;
	if (h->finished)
		h->orders_after_finish++;
}

static inline int64_t obs_fill(void *ctx, const struct fill *f)
{
	(void)ctx;
	(void)f;
	return 0;
}

static inline void harness_init(struct harness *h)
{
	memset(h, 0, sizeof(*h));
	if (core_new(NULL, &h->core) != KE_OK || simbroker_new(NULL, core_broker_sink(h->core), &h->sb) != KE_OK)
		abort();
	struct core_log_sink sink = {h, sink_log, CORE_LOG_DEBUG};
	core_set_log(h->core, &sink);
	struct core_observer obs = {.ctx = h, .on_order = obs_order, .on_fill = obs_fill};
	core_set_observer(h->core, &obs);
	struct broker b = simbroker_broker(h->sb);
	core_set_broker(h->core, &b);
	if (core_symbol_intern(h->core, "005930", &h->sym) != KE_OK)
		abort();
	h->log = calloc(1, 1);
	h->cap = 1;
}

static inline void harness_free(struct harness *h)
{
	core_free(h->core);
	simbroker_free(h->sb);
	free(h->log);
}

struct load_req {
	const char *file;       /* full path */
	const char *params_lua; /* NULL: defaults */
	const char *name;       /* NULL: the strategy's own */
	const char *lib_dir;    /* NULL: strategies/lib */
	int keep_going;         /* 1: on_error = "continue" */
	int64_t budget;         /* 0: default */
	size_t memory;          /* 0: default */
	uint64_t seed;
};

static inline int harness_load(struct harness *h, const struct load_req *r, int *idx)
{
	struct luahost_options opt = {.lib_dir = r->lib_dir ? r->lib_dir : STRATEGY_LIB,
	                              .instruction_budget = r->budget,
	                              .memory_limit = r->memory,
	                              .seed = r->seed};
	struct luahost_spec spec = {.path = r->file,
	                            .name = r->name,
	                            .cash = CASH,
	                            .halt_on_error = !r->keep_going,
	                            .params_lua = r->params_lua};
	h->err[0] = '\0';
	*idx = -1;
	return luahost_load(h->core, &opt, &spec, idx, h->err, sizeof(h->err));
}

/* Loads a strategy that must load; returns its index. */
static inline int must_load(struct harness *h, const struct load_req *r)
{
	int idx;
	int rc = harness_load(h, r, &idx);
	if (rc != KE_OK)
		fail_msg("loading %s failed (%d): %s", r->file, rc, h->err);
	return idx;
}

/* One trade print, delivered the way the backtest driver delivers it. */
static inline void feed(struct harness *h, int64_t t, int64_t price, int64_t volume, int64_t bid, int64_t ask)
{
	struct tick tk = {.time = t, .sym = h->sym, .price = price, .volume = volume, .bid = bid, .ask = ask};
	simbroker_advance(h->sb, t);
	core_advance(h->core, t);
	simbroker_on_tick(h->sb, &tk);
	core_on_tick(h->core, &tk);
}

static inline void finish(struct harness *h)
{
	core_finish(h->core);
	h->finished = 1;
}

static inline int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

#define assert_has(hay, needle)                                                                                        \
	do {                                                                                                           \
		if (!strstr((hay), (needle)))                                                                          \
			fail_msg("expected to find \"%s\" in:\n%s", (needle), (hay));                                  \
	} while (0)

#define assert_lacks(hay, needle)                                                                                      \
	do {                                                                                                           \
		if (strstr((hay), (needle)))                                                                           \
			fail_msg("did not expect \"%s\" in:\n%s", (needle), (hay));                                    \
	} while (0)

/* The strategy is still running; if not, show why. */
#define assert_running(h, idx)                                                                                         \
	do {                                                                                                           \
		if (core_strategy_halted((h)->core, (idx)))                                                            \
			fail_msg("strategy %d was halted: %s\nlog:\n%s", (idx),                                        \
			         core_strategy_halted((h)->core, (idx)), (h)->log);                                    \
	} while (0)

/* Runs a probe.lua strategy with the given params (a "return {...}" chunk). */
static inline int load_probe(struct harness *h, const char *params_lua)
{
	struct load_req r = {.file = FIX("probe.lua"), .params_lua = params_lua};
	return must_load(h, &r);
}

/* ---- scenarios in a child process ---- */

struct iso {
	int exited, code, sig;
	char out[32768];
};

/* Runs fn in a child with a deadline. The child reports text through a
 * pipe; a child killed by SIGALRM ran past its deadline (a hang), one
 * killed by another signal crashed. */
static inline void run_isolated(void (*fn)(const void *arg, char *out, size_t len), const void *arg, unsigned deadline,
                                struct iso *r)
{
	memset(r, 0, sizeof(*r));
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fd[0]);
		alarm(deadline);
		static char buf[32768];
		buf[0] = '\0';
		fn(arg, buf, sizeof(buf));
		size_t n = strlen(buf), off = 0;
		while (off < n) {
			ssize_t w = write(fd[1], buf + off, n - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fd[1]);
	size_t got = 0;
	for (;;) {
		ssize_t n = read(fd[0], r->out + got, sizeof(r->out) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	r->out[got] = '\0';
	close(fd[0]);
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->exited = WIFEXITED(st);
	r->code = r->exited ? WEXITSTATUS(st) : -1;
	r->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static inline void assert_child_ok(const struct iso *r)
{
	if (r->sig == SIGALRM)
		fail_msg("the scenario did not end before its deadline (the engine hung); it reported:\n%s", r->out);
	if (!r->exited || r->code != 0)
		fail_msg("the scenario crashed (signal %d, exit %d); it reported:\n%s", r->sig, r->code, r->out);
}

/* Reports a run's outcome: halt reason, failed flag, then the log. */
static inline void report(struct harness *h, int idx, char *out, size_t len)
{
	const char *why = core_strategy_halted(h->core, idx);
	snprintf(out, len, "halted=%s\nfailed=%d\n----\n%s", why ? why : "(running)",
	         core_strategy_failed(h->core, idx), h->log);
}

#endif
