/*
 * test_luahost.c - the Lua strategy host: the sandbox, the guards (memory,
 * instruction budget, error policy), loading errors and the ctx API.
 *
 * Strategies are driven the way the backtest driver drives them: the
 * simulated broker and the core see each tick in the same order. Fixture
 * strategies live in tests/data/lua; probe.lua runs hook bodies given in
 * params, so short snippets sit next to the assertions about them. What a
 * strategy sees is asserted through the log it writes.
 *
 * Scenarios that could hang or crash the engine (endless loops, tricks
 * aimed at the host) run in a child process with a deadline, so a failure
 * is reported instead of stopping the whole suite.
 */
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

static void sink_log(void *ctx, enum core_log_level level, const char *strategy, int64_t time, const char *msg)
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

static void obs_order(void *ctx, const struct order *o)
{
	(void)o;
	struct harness *h = ctx;
	h->orders_seen++;
	if (h->finished)
		h->orders_after_finish++;
}

static void obs_fill(void *ctx, const struct fill *f)
{
	(void)ctx;
	(void)f;
}

static void harness_init(struct harness *h)
{
	memset(h, 0, sizeof(*h));
	if (core_new(NULL, &h->core) != KE_OK || simbroker_new(NULL, core_broker_sink(h->core), &h->sb) != KE_OK)
		abort();
	struct core_log_sink sink = {h, sink_log, CORE_LOG_DEBUG};
	core_set_log(h->core, &sink);
	struct core_observer obs = {h, obs_order, obs_fill};
	core_set_observer(h->core, &obs);
	struct broker b = simbroker_broker(h->sb);
	core_set_broker(h->core, &b);
	if (core_symbol_intern(h->core, "005930", &h->sym) != KE_OK)
		abort();
	h->log = calloc(1, 1);
	h->cap = 1;
}

static void harness_free(struct harness *h)
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

static int harness_load(struct harness *h, const struct load_req *r, int *idx)
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
static int must_load(struct harness *h, const struct load_req *r)
{
	int idx;
	int rc = harness_load(h, r, &idx);
	if (rc != KE_OK)
		fail_msg("loading %s failed (%d): %s", r->file, rc, h->err);
	return idx;
}

/* One trade print, delivered the way the backtest driver delivers it. */
static void feed(struct harness *h, int64_t t, int64_t price, int64_t volume, int64_t bid, int64_t ask)
{
	struct tick tk = {.time = t, .sym = h->sym, .price = price, .volume = volume, .bid = bid, .ask = ask};
	simbroker_advance(h->sb, t);
	core_advance(h->core, t);
	simbroker_on_tick(h->sb, &tk);
	core_on_tick(h->core, &tk);
}

static void finish(struct harness *h)
{
	core_finish(h->core);
	h->finished = 1;
}

static int count_of(const char *hay, const char *needle)
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
static int load_probe(struct harness *h, const char *params_lua)
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
static void run_isolated(void (*fn)(const void *arg, char *out, size_t len), const void *arg, unsigned deadline,
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

static void assert_child_ok(const struct iso *r)
{
	if (r->sig == SIGALRM)
		fail_msg("the scenario did not end before its deadline (the engine hung); it reported:\n%s", r->out);
	if (!r->exited || r->code != 0)
		fail_msg("the scenario crashed (signal %d, exit %d); it reported:\n%s", r->sig, r->code, r->out);
}

/* Reports a run's outcome: halt reason, failed flag, then the log. */
static void report(struct harness *h, int idx, char *out, size_t len)
{
	const char *why = core_strategy_halted(h->core, idx);
	snprintf(out, len, "halted=%s\nfailed=%d\n----\n%s", why ? why : "(running)",
	         core_strategy_failed(h->core, idx), h->log);
}

/* ---- sandbox escapes ---- */

struct escape_case {
	const char *attack;
	const char *reason; /* expected in the halt reason */
	const char *log;    /* expected in the log (the full message), or NULL */
	size_t memory;
};

/* Each attempt runs in on_start next to a well-behaved bystander. The
 * attempt must raise inside the guest: the strategy is halted and marked
 * failed with a message that says what was refused, and the engine and
 * the bystander carry on. */
static void run_escape(const struct escape_case *c)
{
	struct harness h;
	harness_init(&h);
	char params[128];
	snprintf(params, sizeof(params), "return {attack = \"%s\"}", c->attack);
	struct load_req r = {.file = FIX("escape.lua"), .params_lua = params, .memory = c->memory};
	int bad = must_load(&h, &r);
	struct load_req rc = {.file = FIX("counter.lua")};
	int good = must_load(&h, &rc);
	core_start(h.core, T0);
	for (int i = 1; i <= 3; i++)
		feed(&h, T0 + i * SEC, 70000, 10, 0, 0);
	finish(&h);
	const char *why = core_strategy_halted(h.core, bad);
	if (!why)
		fail_msg("attack %s was not stopped; log:\n%s", c->attack, h.log);
	assert_true(core_strategy_failed(h.core, bad));
	assert_has(why, "error in on_start");
	assert_has(why, c->reason);
	if (c->log)
		assert_has(h.log, c->log);
	assert_lacks(h.log, "ESCAPED");
	assert_null(core_strategy_halted(h.core, good));
	assert_has(h.log, "[I] counter: counter saw 3 ticks");
	harness_free(&h);
}

static void test_escape_io(void **state)
{
	(void)state;
	run_escape(&(struct escape_case){"io_open", "attempt to index a nil value (global 'io')", NULL, 0});
}

static void test_escape_os(void **state)
{
	(void)state;
	/* os keeps time, date and clock only. */
	run_escape(&(struct escape_case){"os_execute", "attempt to call a nil value (field 'execute')", NULL, 0});
	run_escape(&(struct escape_case){"os_getenv", "attempt to call a nil value (field 'getenv')", NULL, 0});
	run_escape(&(struct escape_case){"os_exit", "attempt to call a nil value (field 'exit')", NULL, 0});
	run_escape(&(struct escape_case){"os_remove", "attempt to call a nil value (field 'remove')", NULL, 0});
}

static void test_escape_require(void **state)
{
	(void)state;
	/* require() reads only lib_dir/<name>.lua, and a name is letters,
	 * digits, '_' and '.', so no path can be smuggled in. */
	run_escape(&(struct escape_case){"require_abs", "require '/etc/passwd'", NULL, 0});
	run_escape(&(struct escape_case){"require_dotdot", "require '../../etc/x'", NULL, 0});
	/* The real os/io/debug modules are not reachable by name. */
	run_escape(&(struct escape_case){"require_os", "module 'os' not found", NULL, 0});
	run_escape(&(struct escape_case){"require_io", "module 'io' not found", NULL, 0});
	run_escape(&(struct escape_case){"require_debug", "module 'debug' not found", NULL, 0});
}

static void test_escape_files_and_bytecode(void **state)
{
	(void)state;
	run_escape(&(struct escape_case){"dofile", "attempt to call a nil value (global 'dofile')", NULL, 0});
	run_escape(&(struct escape_case){"loadfile", "attempt to call a nil value (global 'loadfile')", NULL, 0});
	run_escape(&(struct escape_case){"string_dump", "attempt to call a nil value (field 'dump')", NULL, 0});
	run_escape(&(struct escape_case){"string_meta_dump", "attempt to call a nil value (field 'dump')", NULL, 0});
	/* Binary chunks could break the VM's invariants: load takes text only,
	 * whatever mode the guest asks for. */
	run_escape(&(struct escape_case){"binary_chunk", "attempt to load a binary chunk", NULL, 0});
	run_escape(&(struct escape_case){"binary_chunk_mode_b", "attempt to load a binary chunk", NULL, 0});
	run_escape(&(struct escape_case){"binary_reader", "attempt to load a binary chunk", NULL, 0});
	run_escape(&(struct escape_case){"debug", "attempt to index a nil value (global 'debug')", NULL, 0});
	run_escape(&(struct escape_case){"package", "attempt to index a nil value (global 'package')", NULL, 0});
}

static void test_escape_memory(void **state)
{
	(void)state;
	/* With an 8 MiB cap each bomb ends in the host's memory message, which
	 * names the setting to raise. */
	const size_t cap = 8u << 20;
	const char *msg = "not enough memory";
	const char *setting = "cap of 8 MiB (lua.memory_limit_mb)";
	run_escape(&(struct escape_case){"memory_table", msg, setting, cap});
	run_escape(&(struct escape_case){"memory_concat", msg, setting, cap});
	/* string.rep goes through lauxlib's buffer, whose allocation failure
	 * is raised as an ordinary error: it must read the same. */
	run_escape(&(struct escape_case){"memory_rep", msg, setting, cap});
}

/* Only the globals a strategy needs: anything more is a hole to review. */
static void test_sandbox_globals(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(&h, "return {on_start = [[\n"
	               "  local function keys(t) local k = {} for n in pairs(t) do k[#k + 1] = n end\n"
	               "    table.sort(k) return table.concat(k, ',') end\n"
	               "  ctx:log('globals ' .. keys(_G))\n"
	               "  ctx:log('os ' .. keys(os))\n"
	               "  ctx:log('string.dump ' .. tostring(string.dump))\n"
	               "]]}");
	core_start(h.core, T0);
	finish(&h);
	assert_has(h.log, "globals _G,_VERSION,assert,collectgarbage,coroutine,error,getmetatable,ipairs,load,math,"
	                  "next,os,pairs,pcall,print,rawequal,rawget,rawlen,rawset,require,select,setmetatable,"
	                  "string,table,tonumber,tostring,type,utf8,warn,xpcall\n");
	assert_has(h.log, "os clock,date,time\n");
	assert_has(h.log, "string.dump nil\n");
	harness_free(&h);
}

/* load() is the text-only wrapper: ordinary chunks still load, with one
 * argument or several, and an explicit environment is honoured. */
static void test_load_text(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	int idx = load_probe(&h, "return {on_start = [[\n"
	                         "  local one = load('return 1 + 1')\n"
	                         "  ctx:log('one ' .. tostring(one and one()))\n"
	                         "  local two = load('return 2 + 2', 'named')\n"
	                         "  ctx:log('two ' .. tostring(two and two()))\n"
	                         "  local env = load('return x', 'env', 't', {x = 7})\n"
	                         "  ctx:log('env ' .. tostring(env and env()))\n"
	                         "  local f, e = load('return +', 'broken')\n"
	                         "  ctx:log('broken ' .. tostring(f) .. ' ' .. tostring(e))\n"
	                         "]]}");
	core_start(h.core, T0);
	finish(&h);
	assert_running(&h, idx);
	assert_has(h.log, "one 2\n");
	assert_has(h.log, "two 4\n");
	assert_has(h.log, "env 7\n");
	assert_has(h.log, "broken nil [string \"broken\"]:1:");
	harness_free(&h);
}

/* collectgarbage works and can only hurt the strategy itself: with the
 * collector stopped, the allocator's emergency collections still keep
 * 30 MB of short-lived garbage inside an 8 MiB cap. */
static void test_collectgarbage_harmless(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	struct load_req r = {.file = FIX("probe.lua"),
	                     .memory = 8u << 20,
	                     .params_lua =
	                         "return {on_start = [[\n"
	                         "  local kb = collectgarbage('count')\n"
	                         "  collectgarbage('collect') collectgarbage('step') collectgarbage('generational')\n"
	                         "  collectgarbage('incremental') collectgarbage('stop')\n"
	                         "  for i = 1, 300000 do local t = {i, i, i} end\n"
	                         "  collectgarbage('restart')\n"
	                         "  ctx:log('gc ok ' .. math.type(kb) .. ' ' .. tostring(kb > 0))\n"
	                         "]]}"};
	int idx = must_load(&h, &r);
	core_start(h.core, T0);
	finish(&h);
	assert_running(&h, idx);
	assert_has(h.log, "gc ok float true");
	harness_free(&h);
}

/* ---- the instruction budget (in a child: a failure would hang) ---- */

struct loop_arg {
	const char *mode;
	int64_t budget;
};

static void loop_scenario(const void *arg, char *out, size_t len)
{
	const struct loop_arg *a = arg;
	struct harness h;
	harness_init(&h);
	char params[96];
	snprintf(params, sizeof(params), "return {mode = \"%s\"}", a->mode);
	struct load_req r = {.file = FIX("loop_tick.lua"), .params_lua = params, .budget = a->budget};
	struct load_req rc = {.file = FIX("counter.lua")};
	int idx, other;
	if (harness_load(&h, &r, &idx) != KE_OK || harness_load(&h, &rc, &other) != KE_OK) {
		snprintf(out, len, "load failed: %s", h.err);
		return;
	}
	core_start(h.core, T0);
	for (int i = 1; i <= 3; i++)
		feed(&h, T0 + i * SEC, 70000, 10, 0, 0);
	finish(&h);
	report(&h, idx, out, len);
	harness_free(&h);
}

static void run_loop(const char *mode, struct iso *r)
{
	/* 100,000 instructions take well under a second even under ASan; the
	 * deadline is far above that. */
	struct loop_arg a = {mode, 100000};
	run_isolated(loop_scenario, &a, 10, r);
	assert_child_ok(r);
	assert_has(r->out, "halted=error in on_tick: ");
	assert_has(r->out, "failed=1\n");
	assert_has(r->out, "[I] loop_tick: loop call 1\n");
	assert_lacks(r->out, "loop call 2");
	assert_lacks(r->out, "loop returned");
	assert_has(r->out, "[I] counter: counter saw 3 ticks");
}

static void test_budget_plain_loop(void **state)
{
	(void)state;
	struct iso r;
	run_loop("plain", &r);
	assert_has(r.out, "instruction budget exceeded");
	assert_has(r.out, "more than 100000 instructions in one call (lua.instruction_budget)");
}

/* Catching the budget error and looping must not buy more time: once the
 * budget is spent, the guest cannot run any further Lua code in that call. */
static void test_budget_pcall_retry(void **state)
{
	(void)state;
	struct iso r;
	run_loop("pcall", &r);
	assert_has(r.out, "instruction budget exceeded");
}

static void test_budget_pcall_nested(void **state)
{
	(void)state;
	struct iso r;
	run_loop("pcall_nested", &r);
	assert_has(r.out, "instruction budget exceeded");
}

static void test_budget_coroutine_retry(void **state)
{
	(void)state;
	struct iso r;
	run_loop("coroutine", &r);
	assert_has(r.out, "instruction budget exceeded");
}

/* Lua runs __gc finalizers with hooks off, so the count hook cannot stop
 * an endless finalizer: the host has to keep guests from installing one. */
static void test_budget_gc_finalizer(void **state)
{
	(void)state;
	struct iso r;
	run_loop("gc", &r);
}

/* A backtracking pattern spends its time inside one C call, where no
 * instruction is counted. */
static void test_budget_pattern(void **state)
{
	(void)state;
	struct iso r;
	run_loop("pattern", &r);
}

/* ---- the error policy ---- */

static void test_error_halt(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	struct load_req r = {.file = FIX("error_tick.lua")};
	int idx = must_load(&h, &r);
	core_start(h.core, T0);
	for (int i = 1; i <= 4; i++)
		feed(&h, T0 + i * SEC, 70000, 10, 0, 0);
	finish(&h);
	/* on_error = "halt": one call, then never again. */
	assert_int_equal(count_of(h.log, "error_tick call "), 1);
	assert_true(core_strategy_failed(h.core, idx));
	const char *why = core_strategy_halted(h.core, idx);
	assert_non_null(why);
	assert_has(why, "error in on_tick: ");
	assert_has(why, "error_tick.lua:7: boom at call 1");
	assert_null(strchr(why, '\n')); /* the reason is the first line */
	/* The log has the whole message with the traceback: file and line. */
	assert_has(h.log, "error_tick.lua:7: boom at call 1\nstack traceback:");
	assert_has(h.log, "error_tick.lua:7: in ");
	harness_free(&h);
}

static void test_error_continue(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	struct load_req r = {.file = FIX("error_tick.lua"), .keep_going = 1};
	int idx = must_load(&h, &r);
	core_start(h.core, T0);
	for (int i = 1; i <= 5; i++)
		feed(&h, T0 + i * SEC, 70000, 10, 0, 0);
	finish(&h);
	/* on_error = "continue": called for each of the 5 ticks, each error logged. */
	assert_int_equal(count_of(h.log, "error_tick call "), 5);
	assert_has(h.log, "error_tick call 5\n");
	assert_int_equal(count_of(h.log, "error in on_tick (strategy keeps running)"), 5);
	assert_has(h.log, "error_tick.lua:7: boom at call 5");
	assert_running(&h, idx);
	assert_false(core_strategy_failed(h.core, idx));
	harness_free(&h);
}

/* ---- loading errors: nothing is registered, err says what and where ---- */

static void expect_load_error(const char *file, int want_rc, const char *want1, const char *want2)
{
	struct harness h;
	harness_init(&h);
	struct load_req r = {.file = file};
	int idx;
	int rc = harness_load(&h, &r, &idx);
	if (rc != want_rc)
		fail_msg("%s: rc %d, wanted %d; err: %s", file, rc, want_rc, h.err);
	assert_int_equal(core_strategy_count(h.core), 0);
	assert_has(h.err, want1);
	if (want2)
		assert_has(h.err, want2);
	harness_free(&h);
}

static void test_load_errors(void **state)
{
	(void)state;
	expect_load_error(FIX("toplevel_error.lua"), KE_ESCRIPT, "toplevel_error.lua:3: top level boom", NULL);
	expect_load_error(FIX("syntax_error.lua"), KE_EINVAL, "syntax_error.lua:3:", "near '='");
	expect_load_error(FIX("no_such_file.lua"), KE_EIO, "no_such_file.lua", NULL);
	expect_load_error(FIX("returns_number.lua"), KE_EINVAL, "must return a table (it returned a number)", NULL);
	expect_load_error(FIX("hook_typo.lua"), KE_EINVAL, "unknown hook s.on_tik", NULL);
	expect_load_error(FIX("hook_not_function.lua"), KE_EINVAL, "s.on_tick must be a function", NULL);
	expect_load_error(FIX("symbols_string.lua"), KE_EINVAL, "s.symbols must be a list", NULL);
	expect_load_error(FIX("symbols_number.lua"), KE_EINVAL, "s.symbols[1] must be a string", NULL);
}

static void trick_scenario(const void *arg, char *out, size_t len)
{
	(void)arg;
	struct harness h;
	harness_init(&h);
	struct load_req r = {.file = FIX("symbols_trick.lua")};
	int idx;
	int rc = harness_load(&h, &r, &idx);
	snprintf(out, len, "rc=%d count=%d err=%s\n", rc, core_strategy_count(h.core), h.err);
	harness_free(&h);
}

/* The entries checked must be the entries subscribed: a __len that hides
 * a non-string entry may not crash the host. */
static void test_symbols_metatable_trick(void **state)
{
	(void)state;
	struct iso r;
	run_isolated(trick_scenario, NULL, 20, &r);
	assert_child_ok(&r);
	assert_lacks(r.out, "rc=0 ");
	assert_has(r.out, "s.symbols");
}

/* A list that only pretends to hold "005930" must not leave the strategy
 * subscribed to nothing, which would feed it every symbol. */
static void test_symbols_metatable_lie(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	int32_t other;
	assert_int_equal(core_symbol_intern(h.core, "000660", &other), KE_OK);
	struct load_req r = {.file = FIX("symbols_lie.lua")};
	int idx;
	if (harness_load(&h, &r, &idx) == KE_OK) {
		core_start(h.core, T0);
		struct tick tk = {.time = T0 + SEC, .sym = other, .price = 200000, .volume = 1};
		core_advance(h.core, tk.time);
		core_on_tick(h.core, &tk);
		finish(&h);
		assert_lacks(h.log, "symbols_lie saw 000660");
	}
	harness_free(&h);
}

/* ---- the ctx API ---- */

static void test_tick_view(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(&h, "return {on_tick = [[\n"
	               "  ctx:log(string.format('tick %s %s %d %d %d %s %s', arg.symbol, math.type(arg.price),\n"
	               "    arg.price, arg.volume, arg.time, tostring(arg.bid), tostring(arg.ask)))\n"
	               "  ctx.state.saved = arg\n"
	               "  local ok, e = pcall(function() arg.price = 1 end)\n"
	               "  ctx:log('write ' .. tostring(ok) .. ' ' .. tostring(e))\n"
	               "  ctx:log('unknown field ' .. tostring(arg.nope))\n"
	               "]], on_stop = [[\n"
	               "  local ok, e = pcall(function() return ctx.state.saved.price end)\n"
	               "  ctx:log('saved ' .. tostring(ok) .. ' ' .. tostring(e))\n"
	               "]]}");
	core_start(h.core, T0);
	feed(&h, T0 + SEC, 70000, 10, 0, 0);
	feed(&h, T0 + 2 * SEC, 70100, 5, 70000, 70100);
	finish(&h);
	/* bid/ask of 0 (unknown) read as nil; times are engine ms. */
	assert_has(h.log, "tick 005930 integer 70000 10 1772409601000 nil nil\n");
	assert_has(h.log, "tick 005930 integer 70100 5 1772409602000 70000 70100\n");
	assert_int_equal(count_of(h.log, "write false "), 2);
	assert_has(h.log, "read-only");
	assert_has(h.log, "unknown field nil\n");
	/* A tick kept past its call cannot show stale or dangling data. */
	assert_has(h.log, "saved false ");
	assert_has(h.log, "a tick is only valid during its on_tick call");
	harness_free(&h);
}

static void test_order_argument_errors(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(&h, "return {on_tick = [[\n"
	               "  local function try(...) local ok, e = pcall(...) ctx:log('try ' .. tostring(ok) .. ' ' .. "
	               "tostring(e)) end\n"
	               "  try(ctx.buy, ctx, arg.symbol, 1.5)\n"
	               "  try(ctx.buy, ctx, arg.symbol, 1, {price = 70000.5})\n"
	               "  try(ctx.buy, ctx, arg.symbol, 1, {prce = 70000})\n"
	               "  try(ctx.sell, ctx, arg.symbol, 2.25)\n"
	               "  try(ctx.buy, ctx, 5930, 1)\n"
	               "  try(ctx.buy, ctx, arg.symbol, 0)\n"
	               "]]}");
	core_start(h.core, T0);
	feed(&h, T0 + SEC, 70000, 10, 0, 0);
	finish(&h);
	assert_int_equal(count_of(h.log, "try false "), 6);
	assert_lacks(h.log, "try true");
	assert_has(h.log, "quantity must be a whole number (got 1.5");
	assert_has(h.log, "price must be a whole number (got 70000.5");
	assert_has(h.log, "unknown order option 'prce'");
	assert_has(h.log, "quantity must be a whole number (got 2.25");
	assert_has(h.log, "symbol must be a string");
	assert_has(h.log, "quantity must be a whole number of shares from 1");
	/* None of them made an order. */
	assert_int_equal(h.orders_seen, 0);
	harness_free(&h);
}

static void test_off_grid_limit_rejected(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(&h, "return {on_tick = [[\n"
	               "  if ctx.state.id then return end\n"
	               "  ctx.state.id = ctx:buy(arg.symbol, 1, {price = 70050})\n"
	               "  ctx:log('placed ' .. math.type(ctx.state.id))\n"
	               "]], on_order = [[\n"
	               "  ctx:log('order ' .. arg.id .. ' ' .. arg.status .. ' ' .. tostring(arg.reason))\n"
	               "]]}");
	core_start(h.core, T0);
	feed(&h, T0 + SEC, 70000, 10, 0, 0);
	feed(&h, T0 + 2 * SEC, 70000, 10, 0, 0);
	finish(&h);
	/* 70,050 lies in the 50,000-200,000 band, whose tick is 100 won: the
	 * order exists (an id) but is rejected before it reaches the broker. */
	assert_has(h.log, "placed integer");
	assert_has(h.log, "order 1 rejected price 70,050 is not a valid KRX price");
	assert_has(h.log, "tick size at this price is 100 won");
	assert_lacks(h.log, "order 1 accepted");
	harness_free(&h);
}

static void test_cancel(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(&h, "return {on_start = [[\n"
	               "  local ok, e = ctx:cancel(999)\n"
	               "  ctx:log('cancel unknown ' .. tostring(ok) .. ' ' .. tostring(e))\n"
	               "]], on_tick = [[\n"
	               "  if ctx.state.id then return end\n"
	               "  ctx.state.id = ctx:buy(arg.symbol, 1, {price = 69000})\n"
	               "  ctx:log('open ' .. #ctx:open_orders() .. ' ' .. #ctx:open_orders(arg.symbol))\n"
	               "  local ok, e = ctx:cancel(ctx.state.id)\n"
	               "  ctx:log('cancel own ' .. tostring(ok) .. ' ' .. tostring(e))\n"
	               "  ok, e = ctx:cancel(ctx.state.id)\n"
	               "  ctx:log('cancel again ' .. tostring(ok) .. ' ' .. tostring(e))\n"
	               "]], on_order = [[ ctx:log('order ' .. arg.id .. ' ' .. arg.status) ]]}");
	core_start(h.core, T0);
	feed(&h, T0 + SEC, 70000, 10, 0, 0);
	feed(&h, T0 + 2 * SEC, 70000, 10, 0, 0);
	finish(&h);
	/* The wording is the core's; the host returns false and the message. */
	assert_has(h.log, "cancel unknown false order 999 is not ");
	assert_has(h.log, "of this strategy\n");
	assert_has(h.log, "open 1 1\n");
	assert_has(h.log, "cancel own true nil\n");
	assert_has(h.log, "cancel again false order 1 already has a cancel pending\n");
	assert_has(h.log, "order 1 cancelled\n");
	harness_free(&h);
}

static void test_modify(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(&h,
	           "return {on_tick = [[\n"
	           "  local n = (ctx.state.n or 0) + 1 ctx.state.n = n\n"
	           "  if n == 1 then\n"
	           "    local id = ctx:buy(arg.symbol, 5, {price = 69000})\n"
	           "    ctx.state.id = id\n"
	           "    local function try(...) local ok, e = pcall(...) ctx:log('try ' .. tostring(ok) .. ' ' .. "
	           "tostring(e)) end\n"
	           "    try(ctx.modify, ctx, id, {prce = 69100})\n"
	           "    try(ctx.modify, ctx, id, {qty = 0})\n"
	           "    local ok, e = ctx:modify(999, {price = 69100})\n"
	           "    ctx:log('modify unknown ' .. tostring(ok) .. ' ' .. tostring(e))\n"
	           "    ok, e = ctx:modify(id, {price = 69100})\n"
	           "    ctx:log('modify own ' .. tostring(ok) .. ' ' .. tostring(e))\n"
	           "  elseif n == 2 then\n"
	           "    local o = ctx:open_orders(arg.symbol)[1]\n"
	           "    ctx:log(string.format('open %d %s %d %d %s', o.id, o.type, o.price, o.remaining, o.status))\n"
	           "  end\n"
	           "]]}");
	core_start(h.core, T0);
	feed(&h, T0 + SEC, 70000, 10, 0, 0);
	feed(&h, T0 + 2 * SEC, 70000, 10, 0, 0);
	finish(&h);
	assert_has(h.log, "unknown modify option 'prce'");
	assert_has(h.log, "qty must be positive");
	assert_int_equal(count_of(h.log, "try false "), 2);
	assert_has(h.log, "modify unknown false order 999 is not ");
	assert_has(h.log, "of this strategy\n");
	assert_has(h.log, "modify own true nil\n");
	/* The venue took the new price; nothing filled at 70,000. */
	assert_has(h.log, "open 1 limit 69100 5 accepted\n");
	harness_free(&h);
}

static void test_bar_view_and_session_hooks(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(
	    &h, "return {on_bar = [[\n"
	        "  ctx:log(string.format('bar %s %d %d %d %d %d %d', arg.symbol, arg.open, arg.high, arg.low,\n"
	        "    arg.close, arg.volume, arg.time))\n"
	        "  ctx.state.bar = arg\n"
	        "]], on_market_open = [[ ctx:log('open ' .. ctx:clock()) ]],\n"
	        "on_market_close = [[ ctx:log('close ' .. ctx:clock()) ]],\n"
	        "on_stop = [[ ctx:log('kept bar ' .. tostring(pcall(function() return ctx.state.bar.close end))) ]]}");
	core_start(h.core, T0);
	struct bar b = {.time = T0 + MINUTE,
	                .sym = h.sym,
	                .open = 70000,
	                .high = 70500,
	                .low = 69900,
	                .close = 70200,
	                .volume = 1234};
	simbroker_advance(h.sb, b.time);
	core_advance(h.core, b.time);
	simbroker_on_bar(h.sb, &b);
	core_on_bar(h.core, &b);
	finish(&h);
	/* T0 + 60 s = 1,772,409,660,000. */
	assert_has(h.log, "bar 005930 70000 70500 69900 70200 1234 1772409660000\n");
	assert_has(h.log, "kept bar false\n");
	/* The session opens at 09:00 and closes after the 15:30 auction. */
	assert_has(h.log, "open 09:00:00\n");
	assert_has(h.log, "close 15:30:00\n");
	harness_free(&h);
}

/* A round trip through the simulated broker, checking what ctx reports. */
static void test_fills_and_account(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	int idx =
	    load_probe(&h, "return {on_tick = [[\n"
	                   "  local n = (ctx.state.n or 0) + 1 ctx.state.n = n\n"
	                   "  if n == 1 then ctx:buy(arg.symbol, 10) end\n"
	                   "  if n == 3 then\n"
	                   "    local p = ctx:position(arg.symbol)\n"
	                   "    ctx:log(string.format('pos %d %d %d cash %d equity %d last %d buyable %d',\n"
	                   "      p.qty, p.available, p.avg_price, ctx:cash(), ctx:equity(),\n"
	                   "      ctx:last_price(arg.symbol), ctx:buyable(arg.symbol, 70000)))\n"
	                   "    ctx:sell(arg.symbol, 10)\n"
	                   "  end\n"
	                   "]], on_fill = [[\n"
	                   "  ctx:log(string.format('fill %d %s %s %d %d %d %d', arg.order_id, arg.symbol, arg.side,\n"
	                   "    arg.qty, arg.price, arg.fee, arg.tax))\n"
	                   "]]}");
	core_start(h.core, T0);
	feed(&h, T0 + 1 * SEC, 70000, 100, 0, 0); /* market buy 10 placed */
	feed(&h, T0 + 2 * SEC, 70100, 100, 0, 0); /* fills at 70,100 */
	feed(&h, T0 + 3 * SEC, 70200, 100, 0, 0); /* report, market sell 10 */
	feed(&h, T0 + 4 * SEC, 70300, 100, 0, 0); /* fills at 70,300 */
	finish(&h);
	/* Buy: 10 x 70,100 = 701,000; commission 0.015% = 105.15 -> 105 won.
	 * Cash 10,000,000 - 701,000 - 105 = 9,298,895. */
	assert_has(h.log, "fill 1 005930 buy 10 70100 105 0\n");
	/* Equity at 70,200: 9,298,895 + 702,000 = 10,000,895. Buyable at
	 * 70,000: 132 x 70,000 = 9,240,000 + 1,386 commission fits,
	 * 133 x 70,000 = 9,310,000 does not. */
	assert_has(h.log, "pos 10 10 70100 cash 9298895 equity 10000895 last 70200 buyable 132\n");
	/* Sell: 703,000; commission 105.45 -> 105; tax 0.20% (2026) = 1,406.
	 * Cash 9,298,895 + 703,000 - 105 - 1,406 = 10,000,384. */
	assert_has(h.log, "fill 2 005930 sell 10 70300 105 1406\n");
	assert_int_equal(core_cash(h.core, idx), 10000384);
	struct core_position p;
	assert_int_equal(core_position(h.core, idx, h.sym, &p), KE_OK);
	assert_int_equal(p.qty, 0);
	harness_free(&h);
}

static void test_halt_from_strategy(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	int idx = load_probe(&h, "return {on_tick = [[ ctx:log('tick seen') ctx:halt('enough for today') ]]}");
	core_start(h.core, T0);
	feed(&h, T0 + SEC, 70000, 10, 0, 0);
	feed(&h, T0 + 2 * SEC, 70000, 10, 0, 0);
	finish(&h);
	assert_int_equal(count_of(h.log, "tick seen"), 1);
	assert_string_equal(core_strategy_halted(h.core, idx), "enough for today");
	assert_false(core_strategy_failed(h.core, idx)); /* a choice, not an error */
	harness_free(&h);
}

static void test_params(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	struct load_req r = {.file = FIX("params.lua")};
	must_load(&h, &r);
	/* The config's serializer writes ["key"]=value with sorted keys. */
	struct load_req o = {.file = FIX("params.lua"), .name = "over", .params_lua = "return {[\"fast\"]=3}"};
	must_load(&h, &o);
	core_start(h.core, T0);
	finish(&h);
	assert_has(h.log, "[I] params: params fast=5 slow=20 label=sma\n");
	assert_has(h.log, "[I] over: params fast=3 slow=20 label=sma\n");
	harness_free(&h);

	/* A key the strategy does not declare is a typo: refuse to run. */
	harness_init(&h);
	struct load_req bad = {.file = FIX("params.lua"), .params_lua = "return {fsat = 3}"};
	int idx;
	assert_int_equal(harness_load(&h, &bad, &idx), KE_EINVAL);
	assert_has(h.err, "params.fsat");
	assert_int_equal(core_strategy_count(h.core), 0);
	harness_free(&h);
}

static void test_names(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	struct load_req a = {.file = FIX("unnamed.lua")};
	struct load_req b = {.file = FIX("unnamed.lua"), .name = "custom"};
	int ia = must_load(&h, &a), ib = must_load(&h, &b);
	core_start(h.core, T0);
	finish(&h);
	assert_string_equal(core_strategy_name(h.core, ia), "unnamed");
	assert_string_equal(core_strategy_name(h.core, ib), "custom");
	assert_has(h.log, "[I] unnamed: my name is unnamed\n");
	assert_has(h.log, "[I] custom: my name is custom\n");
	harness_free(&h);
}

static void test_require(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	struct load_req a = {.file = FIX("uses_indicators.lua")};
	must_load(&h, &a);
	struct load_req b = {.file = FIX("requires_helper.lua"), .lib_dir = KE_TEST_DATA "/lua"};
	must_load(&h, &b);
	core_start(h.core, T0);
	finish(&h);
	/* (10 + 20 + 60) / 3 = 30, a float because the SMA divides with '/'. */
	assert_has(h.log, "sma3=30.0 cached=true\n");
	/* A module body runs once; later requires return the same value. */
	assert_has(h.log, "answer=42 loads=1 same=true\n");
	harness_free(&h);
}

static void test_os_time_is_engine_time(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(&h, "return {on_tick = [[ ctx:log('ostime ' .. os.time() .. ' now ' .. ctx:now()) ]]}");
	core_start(h.core, T0);
	feed(&h, T0 + 5 * SEC, 70000, 10, 0, 0);
	finish(&h);
	/* T0 + 5 s = 1,772,409,605,000 ms. */
	assert_has(h.log, "ostime 1772409605 now 1772409605000\n");
	harness_free(&h);
}

/* The engine's calendar is KST everywhere; os.date and os.time{...} must
 * not depend on the machine's TZ, or a run differs between machines. */
static void test_os_date_is_kst(void **state)
{
	(void)state;
	const char *old = getenv("TZ");
	char saved[128] = "";
	if (old)
		snprintf(saved, sizeof(saved), "%s", old);
	setenv("TZ", "America/New_York", 1);
	tzset();
	struct harness h;
	harness_init(&h);
	load_probe(
	    &h, "return {on_tick = [[\n"
	        "  ctx:log('osdate ' .. os.date('%Y-%m-%d %H:%M:%S') .. ' ctx ' .. ctx:date() .. ' ' .. ctx:clock())\n"
	        "  ctx:log('ostable ' .. os.time({year = 2026, month = 3, day = 2, hour = 9, min = 0, sec = 5}))\n"
	        "]]}");
	core_start(h.core, T0);
	feed(&h, T0 + 5 * SEC, 70000, 10, 0, 0);
	finish(&h);
	if (old)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	assert_has(h.log, "ctx 2026-03-02 09:00:05\n");
	assert_has(h.log, "osdate 2026-03-02 09:00:05 ctx");
	/* 2026-03-02 09:00:05 KST = T0 / 1000 + 5. */
	assert_has(h.log, "ostable 1772409605\n");
	harness_free(&h);
}

/* Draws of one load, as logged by random.lua. */
static void random_draws(uint64_t seed, int reseed, char *out, size_t len)
{
	struct harness h;
	harness_init(&h);
	struct load_req r = {
	    .file = FIX("random.lua"), .seed = seed, .params_lua = reseed ? "return {reseed = true}" : NULL};
	must_load(&h, &r);
	core_start(h.core, T0);
	finish(&h);
	const char *d = strstr(h.log, "draws ");
	assert_non_null(d);
	const char *e = strchr(d, '\n');
	snprintf(out, len, "%.*s", (int)(e - d), d);
	harness_free(&h);
}

static void test_random_determinism(void **state)
{
	(void)state;
	char a[256], b[256], c[256];
	random_draws(42, 0, a, sizeof(a));
	random_draws(42, 0, b, sizeof(b));
	random_draws(43, 0, c, sizeof(c));
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	/* math.randomseed() without a seed reads the clock in stock Lua: in the
	 * engine it must not make a run depend on when it ran. */
	random_draws(42, 1, a, sizeof(a));
	sleep(1);
	random_draws(42, 1, b, sizeof(b));
	assert_string_equal(a, b);
}

static void test_every_day(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(&h,
	           "return {on_start = [[\n"
	           "  ctx:every_day('09:05', function(ctx) ctx:log('daily ' .. ctx:now() .. ' ' .. ctx:clock()) end)\n"
	           "  local ok, e = pcall(ctx.every_day, ctx, '25:00', print)\n"
	           "  ctx:log('bad time ' .. tostring(ok) .. ' ' .. tostring(e))\n"
	           "]]}");
	core_start(h.core, T0);
	feed(&h, T0, 70000, 10, 0, 0);
	feed(&h, T0 + 4 * MINUTE, 70000, 10, 0, 0);
	feed(&h, T0 + 6 * MINUTE, 70000, 10, 0, 0);
	feed(&h, T0 + DAY + 1 * MINUTE, 70000, 10, 0, 0);
	feed(&h, T0 + DAY + 10 * MINUTE, 70000, 10, 0, 0);
	finish(&h);
	/* 09:05 = T0 + 300,000 ms; the next day adds 86,400,000. */
	assert_has(h.log, "daily 1772409900000 09:05:00\n");
	assert_has(h.log, "daily 1772496300000 09:05:00\n");
	assert_int_equal(count_of(h.log, "daily "), 2);
	assert_has(h.log, "bad time false ");
	assert_has(h.log, "every_day wants a time");
	harness_free(&h);
}

static void test_after_every_cancel_timer(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(
	    &h,
	    "return {on_start = [[\n"
	    "  ctx.state.t0 = ctx:now()\n"
	    "  ctx:after(1500, function(ctx) ctx:log('after ' .. (ctx:now() - ctx.state.t0)) end)\n"
	    "  ctx.state.every = ctx:every(1000, function(ctx)\n"
	    "    ctx.state.n = (ctx.state.n or 0) + 1\n"
	    "    ctx:log('every ' .. (ctx:now() - ctx.state.t0))\n"
	    "    if ctx.state.n == 3 then ctx:log('stop ' .. tostring(ctx:cancel_timer(ctx.state.every))) end\n"
	    "  end)\n"
	    "  local id = ctx:after(500, function(ctx) ctx:log('never') end)\n"
	    "  ctx:log('cancel ' .. tostring(ctx:cancel_timer(id)) .. ' again ' .. tostring(ctx:cancel_timer(id)))\n"
	    "  local ok, e = pcall(ctx.every, ctx, 0, print)\n"
	    "  ctx:log('every 0 ' .. tostring(ok))\n"
	    "]]}");
	core_start(h.core, T0);
	for (int i = 1; i <= 10; i++)
		feed(&h, T0 + i * 500, 70000, 10, 0, 0);
	finish(&h);
	assert_has(h.log, "cancel true again false\n");
	assert_has(h.log, "every 0 false\n");
	assert_lacks(h.log, "never");
	/* every: +1 s, +2 s, +3 s, then cancelled from its own callback. */
	const char *e1 = strstr(h.log, "every 1000\n"), *a = strstr(h.log, "after 1500\n"),
	           *e2 = strstr(h.log, "every 2000\n"), *e3 = strstr(h.log, "every 3000\n");
	assert_non_null(e1);
	assert_non_null(a);
	assert_non_null(e2);
	assert_non_null(e3);
	assert_true(e1 < a && a < e2 && e2 < e3);
	assert_has(h.log, "stop true\n");
	assert_lacks(h.log, "every 4000");
	assert_lacks(h.log, "every 5000");
	harness_free(&h);
}

static void test_prices_and_clock(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(&h, "return {on_start = [[\n"
	               "  ctx:log(string.format('rp %d %d %d %d %d %d', ctx:round_price(70050, 'down'),\n"
	               "    ctx:round_price(70050, 'up'), ctx:round_price(70050), ctx:round_price(70100, 'up'),\n"
	               "    ctx:round_price(50010, 'down'), ctx:round_price(49990, 'up')))\n"
	               "  ctx:log(string.format('ts %d %d %d %d', ctx:tick_size(49950), ctx:tick_size(50000),\n"
	               "    ctx:tick_size(1999), ctx:tick_size(500000)))\n"
	               "  ctx:log('frac ' .. tostring(pcall(ctx.round_price, ctx, 70000.5)) .. ' ts0 ' ..\n"
	               "    tostring(pcall(ctx.tick_size, ctx, -5)) .. ' dir ' .. tostring(pcall(ctx.round_price, ctx, "
	               "100, 'sideways')))\n"
	               "  ctx:log('epoch ' .. ctx:date(0) .. ' ' .. ctx:clock(0))\n"
	               "  print('hello', 42, nil, true)\n"
	               "]], on_tick = [[ ctx:log('now ' .. ctx:date() .. ' ' .. ctx:clock()) ]]}");
	core_start(h.core, T0);
	/* 09:00 + 1 h 2 min 3 s = 3,723,000 ms. */
	feed(&h, T0 + 3723000, 70000, 10, 0, 0);
	finish(&h);
	/* 70,050 sits between 70,000 and 70,100 (tick 100), and the default
	 * direction is down; 70,100 is valid and stays; 50,010 down is 50,000;
	 * 49,990 is off the 50-won grid, up is 50,000. */
	assert_has(h.log, "rp 70000 70100 70000 70100 50000 50000\n");
	/* Bands: 20,000-50,000 -> 50; 50,000-200,000 -> 100; <2,000 -> 1; >=500,000 -> 1,000. */
	assert_has(h.log, "ts 50 100 1 1000\n");
	/* Prices are whole won: a fraction is an error, not silently rounded. */
	assert_has(h.log, "frac false ts0 false dir false\n");
	/* The epoch is 09:00 on 1970-01-01 in KST. */
	assert_has(h.log, "epoch 1970-01-01 09:00:00\n");
	assert_has(h.log, "now 2026-03-02 10:02:03\n");
	/* print() goes to the log, tab-separated like stock Lua. */
	assert_has(h.log, "[I] probe: hello\t42\tnil\ttrue\n");
	harness_free(&h);
}

static void extreme_scenario(const void *arg, char *out, size_t len)
{
	struct harness h;
	harness_init(&h);
	char params[512];
	snprintf(params, sizeof(params),
	         "return {on_tick = [[ local ok, e = pcall(function() %s end) ctx:log('done ' .. tostring(ok)) ]]}",
	         (const char *)arg);
	struct load_req r = {.file = FIX("probe.lua"), .params_lua = params};
	int idx;
	if (harness_load(&h, &r, &idx) != KE_OK) {
		snprintf(out, len, "load failed: %s", h.err);
		return;
	}
	core_start(h.core, T0);
	feed(&h, T0 + SEC, 70000, 10, 0, 0);
	feed(&h, T0 + 2 * SEC, 70000, 10, 0, 0);
	finish(&h);
	report(&h, idx, out, len);
	harness_free(&h);
}

/* Whatever numbers a strategy passes, the engine does no undefined
 * arithmetic (UBSan aborts on it here) and does not crash: each call
 * either raises a Lua error or returns. */
static void test_extreme_arguments(void **state)
{
	(void)state;
	static const char *const calls[] = {
	    "ctx:buy('005930', 1000000000, {price = 100000000000})",
	    "ctx:sell('005930', 1000000000, {price = 100000000000})",
	    "ctx:buyable('005930', math.maxinteger)",
	    "ctx:after(math.maxinteger, print)",
	    "ctx:every(math.maxinteger, print)",
	    "ctx:date(math.maxinteger)",
	    "ctx:clock(math.mininteger)",
	    "ctx:clock(math.maxinteger)",
	    "ctx:round_price(math.maxinteger, 'up')",
	    "ctx:tick_size(math.maxinteger)",
	    "ctx:cancel(math.mininteger)",
	    "ctx:cancel_timer(math.maxinteger)",
	    "local id = ctx:buy('005930', 1, {price = 69000}) ctx:modify(id, {price = 100000000000, qty = 1})",
	    "ctx:buy('005930', math.maxinteger)",
	};
	char failures[8192] = "";
	for (size_t i = 0; i < KE_ARRAY_LEN(calls); i++) {
		struct iso r;
		run_isolated(extreme_scenario, calls[i], 20, &r);
		int ok = r.exited && r.code == 0 && strstr(r.out, "done ");
		if (!ok) {
			size_t n = strlen(failures);
			snprintf(failures + n, sizeof(failures) - n, "  %s: exit %d signal %d\n", calls[i],
			         r.exited ? r.code : -1, r.sig);
		}
	}
	if (failures[0])
		fail_msg("these calls crashed the engine (stderr has UBSan's report):\n%s", failures);
}

/* After on_stop (or a halt) the strategy's code never reaches the core
 * again: a finalizer left to run when the state is closed may not place
 * an order or call the log while the engine is being torn down. */
static void test_no_calls_after_close(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(&h, "return {on_start = [[\n"
	               "  ctx.state.keep = setmetatable({}, {__gc = function()\n"
	               "    ctx:log('finalizer ran')\n"
	               "    ctx:buy('005930', 1)\n"
	               "  end})\n"
	               "]]}");
	core_start(h.core, T0);
	feed(&h, T0 + SEC, 70000, 10, 0, 0);
	finish(&h);
	core_free(h.core);
	h.core = NULL;
	assert_int_equal(h.orders_after_finish, 0);
	assert_lacks(h.log, "finalizer ran");
	simbroker_free(h.sb);
	free(h.log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape_io),
	    cmocka_unit_test(test_escape_os),
	    cmocka_unit_test(test_escape_require),
	    cmocka_unit_test(test_escape_files_and_bytecode),
	    cmocka_unit_test(test_escape_memory),
	    cmocka_unit_test(test_sandbox_globals),
	    cmocka_unit_test(test_load_text),
	    cmocka_unit_test(test_collectgarbage_harmless),
	    cmocka_unit_test(test_budget_plain_loop),
	    cmocka_unit_test(test_budget_pcall_retry),
	    cmocka_unit_test(test_budget_pcall_nested),
	    cmocka_unit_test(test_budget_coroutine_retry),
	    cmocka_unit_test(test_budget_gc_finalizer),
	    cmocka_unit_test(test_budget_pattern),
	    cmocka_unit_test(test_error_halt),
	    cmocka_unit_test(test_error_continue),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_symbols_metatable_trick),
	    cmocka_unit_test(test_symbols_metatable_lie),
	    cmocka_unit_test(test_tick_view),
	    cmocka_unit_test(test_order_argument_errors),
	    cmocka_unit_test(test_off_grid_limit_rejected),
	    cmocka_unit_test(test_cancel),
	    cmocka_unit_test(test_modify),
	    cmocka_unit_test(test_bar_view_and_session_hooks),
	    cmocka_unit_test(test_fills_and_account),
	    cmocka_unit_test(test_halt_from_strategy),
	    cmocka_unit_test(test_params),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_require),
	    cmocka_unit_test(test_os_time_is_engine_time),
	    cmocka_unit_test(test_os_date_is_kst),
	    cmocka_unit_test(test_random_determinism),
	    cmocka_unit_test(test_every_day),
	    cmocka_unit_test(test_after_every_cancel_timer),
	    cmocka_unit_test(test_prices_and_clock),
	    cmocka_unit_test(test_extreme_arguments),
	    cmocka_unit_test(test_no_calls_after_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
