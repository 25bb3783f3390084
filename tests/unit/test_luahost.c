/*
 * test_luahost.c - the Lua strategy host: the sandbox, the guards (memory,
 * instruction budget, error policy) and loading errors. The ctx API is in
 * test_luactx.c; both share luahost_harness.h.
 *
 * Strategies are driven the way the backtest driver drives them. Fixture
 * strategies live in tests/data/lua; probe.lua runs hook bodies given in
 * params, so short snippets sit next to the assertions about them.
 * Scenarios that could hang or crash the engine (endless loops, tricks
 * aimed at the host) run in a child process with a deadline, so a failure
 * is reported instead of stopping the whole suite.
 */
#include "luahost_harness.h"

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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
