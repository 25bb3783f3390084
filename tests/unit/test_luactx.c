/*
 * test_luactx.c - the ctx API a strategy calls, seen from Lua: views,
 * orders, account, params, require, time, randomness, timers, prices and
 * argument limits. The fixture is in luahost_harness.h.
 */
#include "luahost_harness.h"

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

/* ---- order books, feed status, the stale-data guard ---- */

static void test_book(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(
	    &h, "return {on_tick = [[\n"
	        "  local b = ctx:book(arg.symbol)\n"
	        "  if not b then ctx:log('book nil') return end\n"
	        "  local parts = {}\n"
	        "  for i, l in ipairs(b.bids) do parts[#parts + 1] = 'b' .. i .. '=' .. l.price .. 'x' .. l.qty end\n"
	        "  for i, l in ipairs(b.asks) do parts[#parts + 1] = 'a' .. i .. '=' .. l.price .. 'x' .. l.qty end\n"
	        "  ctx:log(string.format('book %s %d %d %d %d %d %s', math.type(b.time), b.time, #b.bids, #b.asks,\n"
	        "    b.total_bid_qty, b.total_ask_qty, table.concat(parts, ' ')))\n"
	        "  b.bids[1].price = 1\n"
	        "  ctx:log('again ' .. ctx:book(arg.symbol).bids[1].price)\n"
	        "  ctx:log('other ' .. tostring(ctx:book('000660')))\n"
	        "  local ok, e = pcall(ctx.book, ctx, 5930)\n"
	        "  ctx:log('badsym ' .. tostring(ok) .. ' ' .. tostring(e))\n"
	        "]]}");
	core_start(h.core, T0);
	feed(&h, T0 + SEC, 70000, 10, 0, 0);
	/* Two bid levels; four ask levels with an empty one (price 0) between
	 * the third and the fourth. The totals are the feed's own figures. */
	struct book b = {.time = T0 + 1500, .sym = h.sym, .total_bid_qty = 300, .total_ask_qty = 185};
	b.bid[0] = 69900, b.bid_qty[0] = 100;
	b.bid[1] = 69800, b.bid_qty[1] = 200;
	b.ask[0] = 70000, b.ask_qty[0] = 50;
	b.ask[1] = 70100, b.ask_qty[1] = 75;
	b.ask[2] = 70200, b.ask_qty[2] = 50;
	b.ask[4] = 70400, b.ask_qty[4] = 10;
	assert_int_equal(core_on_book(h.core, &b), KE_OK);
	feed(&h, T0 + 2 * SEC, 70000, 10, 0, 0);
	finish(&h);
	assert_has(h.log, "book nil\n");
	/* T0 + 1.5 s = 1,772,409,601,500; only quoted levels, best first. */
	assert_has(h.log, "book integer 1772409601500 2 4 300 185 b1=69900x100 b2=69800x200 a1=70000x50 "
	                  "a2=70100x75 a3=70200x50 a4=70400x10\n");
	/* A new table each call: changing one does not change the next. */
	assert_has(h.log, "again 69900\n");
	assert_has(h.log, "other nil\n");
	assert_has(h.log, "badsym false ");
	assert_has(h.log, "symbol must be a string");
	harness_free(&h);
}

static void test_feed_status(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	load_probe(&h, "return {on_tick = [[\n"
	               "  local s = ctx:feed_status()\n"
	               "  ctx:log(string.format('feed %s %d %s %d %d', tostring(s.connected), s.last_frame,\n"
	               "    tostring(s.age_ms), s.reconnects, s.frames_per_sec))\n"
	               "]]}");
	core_start(h.core, T0);
	feed(&h, T0 + SEC, 70000, 10, 0, 0);
	struct feed_status st = {.connected = 0, .last_frame = T0 + 1200, .reconnects = 3, .frames_per_sec = 40};
	core_set_feed_status(h.core, &st);
	feed(&h, T0 + 2 * SEC, 70000, 10, 0, 0);
	st.connected = 1;
	st.last_frame = T0 + 5 * SEC; /* stamped after the engine's clock */
	core_set_feed_status(h.core, &st);
	feed(&h, T0 + 3 * SEC, 70000, 10, 0, 0);
	finish(&h);
	/* Never reported (a backtest): up, no frame, so no age. */
	assert_has(h.log, "feed true 0 nil 0 0\n");
	/* T0 + 1.2 s = 1,772,409,601,200; age 2,000 - 1,200 = 800 ms. */
	assert_has(h.log, "feed false 1772409601200 800 3 40\n");
	/* T0 + 5 s = 1,772,409,605,000 is ahead of the clock (T0 + 3 s): age 0, not -2,000. */
	assert_has(h.log, "feed true 1772409605000 0 3 40\n");
	harness_free(&h);
}

static void test_stale_guard_from_lua(void **state)
{
	(void)state;
	struct harness h;
	harness_init(&h);
	int idx = load_probe(&h, "return {on_start = [[ ctx:buy('005930', 1, {price = 70000}) ]],\n"
	                         "on_tick = [[\n"
	                         "  if ctx.state.done then return end\n"
	                         "  ctx.state.done = true\n"
	                         "  ctx:buy(arg.symbol, 1, {price = 69000})\n"
	                         "]], on_order = [[\n"
	                         "  ctx:log('order ' .. arg.id .. ' ' .. arg.status .. ' ' .. tostring(arg.reason))\n"
	                         "]]}");
	assert_int_equal(core_set_max_data_age(h.core, idx, 5000), KE_OK);
	core_start(h.core, T0);
	feed(&h, T0 + SEC, 70000, 10, 0, 0);
	finish(&h);
	assert_running(&h, idx);
	/* Before any print the data is stale; on the print it is fresh. */
	assert_has(h.log, "order 1 rejected stale market data: no 005930 tick has arrived yet (limit 5 s)\n");
	assert_has(h.log, "order 2 accepted nil\n");
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
	    "ctx:book(math.maxinteger)",
	    "ctx:book(string.rep('9', 100))",
	    "ctx:feed_status()",
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
	    cmocka_unit_test(test_book),
	    cmocka_unit_test(test_feed_status),
	    cmocka_unit_test(test_stale_guard_from_lua),
	    cmocka_unit_test(test_extreme_arguments),
	    cmocka_unit_test(test_no_calls_after_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
