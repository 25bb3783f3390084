/*
 * test_kis_client.c - the engine's KIS REST client against kis-sim on
 * loopback (started and stopped here): every operation, tokens shared by
 * processes, expired-token recovery, EGW00133 waited out, EGW00201 retried
 * for queries and not for orders, paging, the rate limiter's priority, and
 * orders whose answer is lost (outcome unknown, never re-sent).
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "kis_client.h"
#include "kissim_harness.h"

#define START "2026-03-02T09:00:00"

/* ---- callback recorders ---- */

struct got {
	int done;
	int ok;
	struct kis_error err;
	struct kis_msg_order_ack ack;
	struct kis_msg_quote quote;
	struct kis_msg_buyable buyable;
	struct kis_msg_ccld_list rows; /* copied */
	struct kis_msg_balance bal;    /* copied */
	struct kis_msg_bar_list bars;  /* copied */
	int seq;                       /* completion order */
	size_t ndays;                  /* holidays: days listed */
	int days_seen;                 /* holidays: bit 1 Monday 03-02 open, bit 2 Saturday 03-07 closed */
	int *counter;
};

static void mark(struct got *g, const struct kis_error *e)
{
	g->done = 1;
	g->ok = e == NULL;
	if (e)
		g->err = *e;
	if (g->counter)
		g->seq = ++*g->counter;
}

static void on_order(void *ud, const struct kis_error *e, const struct kis_msg_order_ack *a)
{
	struct got *g = ud;
	if (a)
		g->ack = *a;
	mark(g, e);
}

static void on_quote(void *ud, const struct kis_error *e, const struct kis_msg_quote *q)
{
	struct got *g = ud;
	if (q)
		g->quote = *q;
	mark(g, e);
}

static void on_buyable(void *ud, const struct kis_error *e, const struct kis_msg_buyable *b)
{
	struct got *g = ud;
	if (b)
		g->buyable = *b;
	mark(g, e);
}

static void on_rows(void *ud, const struct kis_error *e, const struct kis_msg_ccld_list *l)
{
	struct got *g = ud;
	if (l) {
		g->rows.n = l->n;
		g->rows.rows = malloc(sizeof(l->rows[0]) * (l->n ? l->n : 1));
		if (l->n)
			memcpy(g->rows.rows, l->rows, sizeof(l->rows[0]) * l->n);
	}
	mark(g, e);
}

static void on_balance(void *ud, const struct kis_error *e, const struct kis_msg_balance *b)
{
	struct got *g = ud;
	if (b) {
		g->bal = *b;
		g->bal.pos = malloc(sizeof(b->pos[0]) * (b->npos ? b->npos : 1));
		if (b->npos)
			memcpy(g->bal.pos, b->pos, sizeof(b->pos[0]) * b->npos);
	}
	mark(g, e);
}

static void on_bars(void *ud, const struct kis_error *e, const struct kis_msg_bar_list *l)
{
	struct got *g = ud;
	if (l) {
		g->bars.n = l->n;
		g->bars.bars = malloc(sizeof(l->bars[0]) * (l->n ? l->n : 1));
		if (l->n)
			memcpy(g->bars.bars, l->bars, sizeof(l->bars[0]) * l->n);
	}
	mark(g, e);
}

static void got_free(struct got *g)
{
	free(g->rows.rows);
	free(g->bal.pos);
	free(g->bars.bars);
	memset(g, 0, sizeof(*g));
}

static void wait_ok(uv_loop_t *loop, struct got *g, const char *what)
{
	if (!ksim_run_until(loop, &g->done, 30000))
		fail_msg("%s: no answer within 30 s", what);
	if (!g->ok)
		fail_msg("%s failed: rc %d outcome %s code '%s' msg '%s'", what, g->err.rc,
		         kis_outcome_name(g->err.outcome), g->err.code, g->err.msg);
}

static const struct kis_msg_ccld_row *find_row(const struct got *g, const char *odno)
{
	for (size_t i = 0; i < g->rows.n; i++)
		if (atoll(g->rows.rows[i].odno) == atoll(odno))
			return &g->rows.rows[i];
	return NULL;
}

static const char *const no_rate[] = {"--rate", "0", "--token-throttle-ms", "0", NULL};

/* ---- every operation ---- */

static void test_every_operation(void **state)
{
	struct ksim s;
	ksim_start(&s, state, "mock", START, no_rate);
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct kis_client_config cfg;
	ksim_client_config(&s, &cfg);
	cfg.rate_per_sec = 0;
	struct kis_client *c = ksim_client(&s, &loop, &cfg);
	char today[9];
	kis_client_today(c, today);
	assert_string_equal(today, "20260302"); /* the replay's date, not the wall clock's */

	struct got q = {0};
	assert_int_equal(kis_client_quote(c, "005930", on_quote, &q), KE_OK);
	assert_false(q.done); /* never inside the call */
	wait_ok(&loop, &q, "quote");
	/* The first print of 005930 in the sample is 69,500. */
	assert_int_equal(q.quote.price, 69500);
	assert_true(q.quote.prev_close > 0);
	/* Limits are +/-30% of the previous close (rounded inward to the tick). */
	assert_true(q.quote.upper <= q.quote.prev_close * 13 / 10);
	assert_true(q.quote.upper > q.quote.prev_close * 13 / 10 - 100);
	assert_true(q.quote.lower >= q.quote.prev_close * 7 / 10);

	/* A buy at the lower limit stays open. */
	struct kis_msg_order o = {
	    .symbol = "005930", .side = SIDE_BUY, .type = ORDER_LIMIT, .qty = 10, .price = q.quote.lower};
	struct got po = {0};
	char err[256];
	assert_int_equal(kis_client_order(c, &o, on_order, &po, err, sizeof(err)), KE_OK);
	wait_ok(&loop, &po, "order");
	assert_true(strlen(po.ack.odno) > 0);
	assert_true(strlen(po.ack.orgno) > 0);
	assert_int_equal(ksim_state_num(&s, "venue.counters.orders"), 1);

	struct got bal = {0};
	assert_int_equal(kis_client_balance(c, on_balance, &bal), KE_OK);
	wait_ok(&loop, &bal, "balance");
	assert_true(bal.bal.have_cash);
	/* The default account starts with 100,000,000 won and holds nothing. */
	assert_int_equal(bal.bal.cash.deposit, 100000000);
	assert_int_equal(bal.bal.npos, 0);

	struct got oo = {0};
	assert_int_equal(kis_client_open_orders(c, on_rows, &oo), KE_OK);
	wait_ok(&loop, &oo, "open orders");
	const struct kis_msg_ccld_row *r = find_row(&oo, po.ack.odno);
	assert_non_null(r);
	assert_int_equal(r->qty, 10);
	assert_int_equal(r->remaining, 10);
	assert_int_equal(r->price, q.quote.lower);
	assert_int_equal(r->side, SIDE_BUY);

	struct got buy = {0};
	assert_int_equal(kis_client_buyable(c, "005930", ORDER_LIMIT, 70000, on_buyable, &buy), KE_OK);
	wait_ok(&loop, &buy, "buyable");
	/* Cash not held by the open buy, divided by 70,000 won (fees make it a
	 * little less): at most (100,000,000 - 10 x lower) / 70,000. */
	int64_t free_cash = 100000000 - 10 * q.quote.lower;
	assert_true(buy.buyable.no_margin_qty <= free_cash / 70000);
	assert_true(buy.buyable.no_margin_qty >= free_cash / 70000 - 2);

	/* Revise to one tick higher: a new number whose original is ours. */
	struct kis_msg_rvse rv = {.orgno = po.ack.orgno,
	                          .odno = po.ack.odno,
	                          .kind = KIS_MSG_REVISE,
	                          .type = ORDER_LIMIT,
	                          .all = 1,
	                          .price = q.quote.lower + 100};
	struct got rg = {0};
	assert_int_equal(kis_client_revise_cancel(c, &rv, on_order, &rg, err, sizeof(err)), KE_OK);
	wait_ok(&loop, &rg, "revise");
	assert_true(atoll(rg.ack.odno) != atoll(po.ack.odno));

	struct kis_msg_ccld_filter f = {.fill = KIS_MSG_CCLD_ALL};
	kis_client_today(c, f.start);
	memcpy(f.end, f.start, 9);
	struct got cc = {0};
	assert_int_equal(kis_client_daily_ccld(c, &f, on_rows, &cc), KE_OK);
	wait_ok(&loop, &cc, "daily ccld");
	assert_int_equal(cc.rows.n, 2);
	const struct kis_msg_ccld_row *rv_row = find_row(&cc, rg.ack.odno);
	assert_non_null(rv_row);
	assert_int_equal(atoll(rv_row->orig_odno), atoll(po.ack.odno));
	assert_int_equal(rv_row->price, q.quote.lower + 100);
	assert_int_equal(find_row(&cc, po.ack.odno)->remaining, 0); /* moved to the new number */

	struct kis_msg_rvse cn = {
	    .orgno = rg.ack.orgno, .odno = rg.ack.odno, .kind = KIS_MSG_CANCEL, .type = ORDER_LIMIT, .all = 1};
	struct got cg = {0};
	assert_int_equal(kis_client_revise_cancel(c, &cn, on_order, &cg, err, sizeof(err)), KE_OK);
	wait_ok(&loop, &cg, "cancel");
	struct got oo2 = {0};
	assert_int_equal(kis_client_open_orders(c, on_rows, &oo2), KE_OK);
	wait_ok(&loop, &oo2, "open orders after cancel");
	assert_int_equal(oo2.rows.n, 0);

	/* Daily bars on the replay's first day: only today's, in progress, whose
	 * close is the last print (the quote above); the client asks for the
	 * page before it and stops when that comes back empty. */
	struct got db = {0};
	assert_int_equal(kis_client_daily_bars(c, "005930", 5, on_bars, &db), KE_OK);
	wait_ok(&loop, &db, "daily bars");
	assert_int_equal(db.bars.n, 1);
	assert_int_equal(db.bars.bars[0].date, 20260302);
	assert_int_equal(db.bars.bars[0].close, 69500);
	assert_int_equal(db.bars.bars[0].time, 0);

	/* Nothing the client sent was refused: no real-only tr_id went to the
	 * mock server (open orders used daily-ccld), no malformed request. */
	assert_int_equal(ksim_state_num(&s, "requests.errors"), 0);
	assert_int_equal(kis_client_pending(c), 0);

	/* Bad input never leaves the process. */
	struct kis_msg_order bad = o;
	bad.qty = 0;
	assert_int_equal(kis_client_order(c, &bad, on_order, &po, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "qty"));
	assert_int_equal(kis_client_quote(c, "12", on_quote, &q), KE_EINVAL);

	got_free(&q);
	got_free(&po);
	got_free(&bal);
	got_free(&oo);
	got_free(&oo2);
	got_free(&cc);
	got_free(&db);
	ksim_client_close(c, &loop);
	assert_int_equal(uv_loop_close(&loop), 0);
	ksim_stop(&s);
}

/* ---- tokens ---- */

/* A child process: its own loop and client on the shared cache, one quote. */
static int child_quote(struct ksim *s)
{
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct kis_client_config cfg;
	ksim_client_config(s, &cfg);
	cfg.rate_per_sec = 0;
	struct kis_client *c = NULL;
	char err[256];
	if (kis_client_new(&loop, &cfg, &s->cred, &c, err, sizeof(err)) != KE_OK)
		return 2;
	struct got q = {0};
	if (kis_client_quote(c, "000660", on_quote, &q) != KE_OK)
		return 3;
	int64_t end = ksim_mono_ns() + 20000000000LL;
	while (!q.done && ksim_mono_ns() < end)
		ksim_turn(&loop);
	if (!q.ok)
		fprintf(stderr, "child %d: quote %s: rc %d %s %s\n", (int)getpid(), q.done ? "failed" : "timed out",
		        q.err.rc, q.err.code, q.err.msg);
	kis_client_close(c);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return q.ok ? 0 : 4;
}

static void test_token_shared_by_processes(void **state)
{
	struct ksim s;
	/* The minute throttle stays on: a second tokenP would be EGW00133. */
	const char *const extra[] = {"--rate", "0", NULL};
	ksim_start(&s, state, "mock", START, extra);
	pid_t kids[3];
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0)
			_exit(child_quote(&s));
	}
	for (int i = 0; i < 3; i++) {
		int st = 0;
		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	/* Three processes, one tokenP call in all: the others read the cache. */
	assert_int_equal(ksim_state_num(&s, "auth.tokens_issued"), 1);
	assert_int_equal(ksim_state_num(&s, "auth.tokens_reused"), 0);
	assert_int_equal(ksim_state_num(&s, "auth.tokens_throttled"), 0);
	/* The cache file is private. */
	char path[512];
	struct kis_auth_status st;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct kis_client_config cfg;
	ksim_client_config(&s, &cfg);
	struct kis_client *c = ksim_client(&s, &loop, &cfg);
	assert_int_equal(kis_auth_status(kis_client_auth(c), KIS_AUTH_TOKEN, &st), KE_OK);
	assert_true(st.have);
	assert_int_equal(st.issued_here, 0);
	snprintf(path, sizeof(path), "%s", st.cache_path);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* The file names a hash of the app key, never the key. */
	assert_null(strstr(path, s.cred.app_key));
	ksim_client_close(c, &loop);
	uv_loop_close(&loop);
	ksim_stop(&s);
}

static void test_expired_token_recovered(void **state)
{
	struct ksim s;
	ksim_start(&s, state, "mock", START, no_rate);
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct kis_client_config cfg;
	ksim_client_config(&s, &cfg);
	cfg.rate_per_sec = 0;
	cfg.token_min_interval_ms = 1000;
	struct kis_client *c = ksim_client(&s, &loop, &cfg);
	struct got a = {0}, b = {0};
	assert_int_equal(kis_client_quote(c, "005930", on_quote, &a), KE_OK);
	wait_ok(&loop, &a, "first quote");
	ksim_faults(&s, "{\"tokens\":{\"expire_now\":true}}");
	/* EGW00123 on the query -> the token is re-issued once and the query repeated. */
	assert_int_equal(kis_client_quote(c, "005930", on_quote, &b), KE_OK);
	wait_ok(&loop, &b, "quote after expiry");
	assert_true(b.quote.price > 0);
	assert_int_equal(ksim_state_num(&s, "auth.tokens_issued"), 2);
	assert_int_equal(ksim_state_num(&s, "requests.errors"), 1); /* the one EGW00123 */
	struct kis_auth_status st;
	assert_int_equal(kis_auth_status(kis_client_auth(c), KIS_AUTH_TOKEN, &st), KE_OK);
	assert_int_equal(st.issued_here, 2);

	/* An order that meets an expired token is not re-sent: it failed, and
	 * the next call gets a new token. */
	ksim_faults(&s, "{\"tokens\":{\"expire_now\":true}}");
	struct kis_msg_order o = {.symbol = "005930", .side = SIDE_BUY, .type = ORDER_LIMIT, .qty = 1, .price = 60000};
	struct got po = {0}, p2 = {0};
	char err[256];
	assert_int_equal(kis_client_order(c, &o, on_order, &po, err, sizeof(err)), KE_OK);
	assert_true(ksim_run_until(&loop, &po.done, 20000));
	assert_false(po.ok);
	assert_int_equal(po.err.outcome, KIS_OUTCOME_FAILED);
	assert_string_equal(po.err.code, "EGW00123");
	assert_int_equal(ksim_state_num(&s, "venue.counters.orders"), 0);
	assert_int_equal(kis_client_order(c, &o, on_order, &p2, err, sizeof(err)), KE_OK);
	wait_ok(&loop, &p2, "order after re-issue");
	assert_int_equal(ksim_state_num(&s, "venue.counters.orders"), 1);
	assert_int_equal(ksim_state_num(&s, "auth.tokens_issued"), 3);
	ksim_client_close(c, &loop);
	uv_loop_close(&loop);
	ksim_stop(&s);
}

static void test_egw00133_waited_out(void **state)
{
	struct ksim s;
	const char *const extra[] = {"--rate", "0", "--token-throttle-ms", "2500", NULL};
	ksim_start(&s, state, "mock", START, extra);
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct kis_client_config cfg;
	ksim_client_config(&s, &cfg);
	cfg.rate_per_sec = 0;
	cfg.token_min_interval_ms = 1000;
	struct kis_client *c = ksim_client(&s, &loop, &cfg);
	struct got a = {0}, b = {0};
	assert_int_equal(kis_client_quote(c, "005930", on_quote, &a), KE_OK);
	wait_ok(&loop, &a, "first quote");
	int64_t t0 = ksim_mono_ns();
	ksim_faults(&s, "{\"tokens\":{\"expire_now\":true}}");
	assert_int_equal(kis_client_quote(c, "005930", on_quote, &b), KE_OK);
	wait_ok(&loop, &b, "quote after expiry");
	int64_t took_ms = (ksim_mono_ns() - t0) / 1000000;
	/* kis-sim answers EGW00133 until 2.5 s after the first issue; the client
	 * asks again once a second (its interval), not in a loop: at about
	 * t0+1 s and t0+2 s it is refused, and t0+3 s succeeds. */
	int64_t throttled = ksim_state_num(&s, "auth.tokens_throttled");
	assert_true(throttled >= 1 && throttled <= 3);
	assert_int_equal(ksim_state_num(&s, "auth.tokens_issued"), 2);
	assert_true(took_ms >= 1500);
	ksim_client_close(c, &loop);
	uv_loop_close(&loop);
	ksim_stop(&s);
}

struct key_got {
	int done;
	char value[512];
	struct kis_auth_error err;
};

static void on_key(void *ud, const char *value, const struct kis_auth_error *e)
{
	struct key_got *g = ud;
	g->done = 1;
	if (value)
		snprintf(g->value, sizeof(g->value), "%s", value);
	else
		g->err = *e;
}

static void test_approval_key_cached(void **state)
{
	struct ksim s;
	ksim_start(&s, state, "mock", START, no_rate);
	char first[512] = "";
	for (int round = 0; round < 2; round++) {
		/* Two clients one after the other, as two runs of the engine would be. */
		uv_loop_t loop;
		uv_loop_init(&loop);
		struct kis_client_config cfg;
		ksim_client_config(&s, &cfg);
		struct kis_client *c = ksim_client(&s, &loop, &cfg);
		struct key_got g = {0};
		assert_int_equal(kis_auth_get(kis_client_auth(c), KIS_AUTH_APPROVAL, on_key, &g), KE_OK);
		assert_false(g.done); /* never inside the call */
		assert_true(ksim_run_until(&loop, &g.done, 10000));
		if (!g.value[0])
			fail_msg("approval key: %s", g.err.msg);
		if (round == 0)
			snprintf(first, sizeof(first), "%s", g.value);
		else
			assert_string_equal(g.value, first);
		/* Cached until the next KST midnight at the latest. */
		struct kis_auth_status st;
		assert_int_equal(kis_auth_status(kis_client_auth(c), KIS_AUTH_APPROVAL, &st), KE_OK);
		assert_true(st.have);
		int64_t now = (int64_t)time(NULL) * 1000; /* the wall clock: keys live in real time */
		assert_true(st.expires_ms <= ktime_day_start(ktime_kst_day(now) + 1));
		ksim_client_close(c, &loop);
		uv_loop_close(&loop);
	}
	/* One issue for both clients; no access token was needed for it. */
	assert_int_equal(ksim_state_num(&s, "auth.approvals_issued"), 1);
	assert_int_equal(ksim_state_num(&s, "auth.tokens_issued"), 0);
	ksim_stop(&s);
}

/* ---- rate limits ---- */

static void test_egw00201(void **state)
{
	struct ksim s;
	ksim_start(&s, state, "mock", START, no_rate);
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct kis_client_config cfg;
	ksim_client_config(&s, &cfg);
	cfg.rate_per_sec = 0;
	struct kis_client *c = ksim_client(&s, &loop, &cfg);
	/* A query meets EGW00201 twice: backed off and retried, then answered. */
	ksim_faults(&s, "{\"rest\":{\"egw00201\":{\"next\":2,\"paths\":[\"/uapi/domestic-stock/v1/quotations\"]}}}");
	struct got q = {0};
	int64_t t0 = ksim_mono_ns();
	assert_int_equal(kis_client_quote(c, "005930", on_quote, &q), KE_OK);
	wait_ok(&loop, &q, "quote through EGW00201");
	/* Two backoffs: 250 ms, then 500 ms (kis_rate's doubling). */
	assert_true((ksim_mono_ns() - t0) / 1000000 >= 700);
	assert_int_equal(q.quote.price, 69500);
	/* An order that meets EGW00201 is reported, never re-sent. */
	ksim_faults(
	    &s, "{\"rest\":{\"egw00201\":{\"next\":1,\"paths\":[\"/uapi/domestic-stock/v1/trading/order-cash\"]}}}");
	struct kis_msg_order o = {.symbol = "005930", .side = SIDE_BUY, .type = ORDER_MARKET, .qty = 1};
	struct got po = {0};
	char err[256];
	assert_int_equal(kis_client_order(c, &o, on_order, &po, err, sizeof(err)), KE_OK);
	assert_true(ksim_run_until(&loop, &po.done, 20000));
	assert_false(po.ok);
	assert_string_equal(po.err.code, "EGW00201");
	assert_int_equal(po.err.outcome, KIS_OUTCOME_FAILED);
	assert_int_equal(ksim_state_num(&s, "venue.counters.orders"), 0);
	ksim_client_close(c, &loop);
	uv_loop_close(&loop);
	ksim_stop(&s);
}

static void test_orders_jump_the_queue(void **state)
{
	struct ksim s;
	ksim_start(&s, state, "mock", START, no_rate);
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct kis_client_config cfg;
	ksim_client_config(&s, &cfg);
	cfg.rate_per_sec = 2;
	struct kis_client *c = ksim_client(&s, &loop, &cfg);
	/* Get the token first so the calls below meet only the limiter. */
	struct got warm = {0};
	assert_int_equal(kis_client_quote(c, "005930", on_quote, &warm), KE_OK);
	wait_ok(&loop, &warm, "warm-up");
	ksim_sleep_ms(1100); /* an empty window */
	int counter = 0;
	struct got q[4] = {{0}}, po = {0};
	for (int i = 0; i < 4; i++) {
		q[i].counter = &counter;
		assert_int_equal(kis_client_quote(c, "000660", on_quote, &q[i]), KE_OK);
	}
	po.counter = &counter;
	struct kis_msg_order o = {.symbol = "005930", .side = SIDE_BUY, .type = ORDER_LIMIT, .qty = 1, .price = 60000};
	char err[256];
	int64_t t0 = ksim_mono_ns();
	assert_int_equal(kis_client_order(c, &o, on_order, &po, err, sizeof(err)), KE_OK);
	wait_ok(&loop, &q[3], "last quote");
	wait_ok(&loop, &po, "order");
	int64_t took_ms = (ksim_mono_ns() - t0) / 1000000;
	/* 2 per window: quotes 1 and 2 go at once, then the order (queued last
	 * but first in its class), then quotes 3 and 4 a window later. */
	assert_int_equal(q[0].seq + q[1].seq, 1 + 2);
	assert_int_equal(po.seq, 3);
	assert_int_equal(q[2].seq + q[3].seq, 4 + 5);
	/* Five calls at 2 per 1010 ms window: the last leaves after two windows. */
	assert_true(took_ms >= 2000);
	ksim_client_close(c, &loop);
	uv_loop_close(&loop);
	ksim_stop(&s);
}

/* ---- lost answers and failures ---- */

static void test_order_answer_lost(void **state)
{
	struct ksim s;
	ksim_start(&s, state, "mock", START, no_rate);
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct kis_client_config cfg;
	ksim_client_config(&s, &cfg);
	cfg.rate_per_sec = 0;
	cfg.order_timeout_ms = 800;
	struct kis_client *c = ksim_client(&s, &loop, &cfg);
	struct got warm = {0};
	assert_int_equal(kis_client_quote(c, "005930", on_quote, &warm), KE_OK);
	wait_ok(&loop, &warm, "warm-up");
	ksim_faults(&s, "{\"rest\":{\"no_answer\":{\"next\":1,\"paths\":[\"/uapi/domestic-stock/v1/trading/\"]}}}");
	struct kis_msg_order o = {.symbol = "005930", .side = SIDE_BUY, .type = ORDER_LIMIT, .qty = 3, .price = 60000};
	struct got po = {0};
	char err[256];
	assert_int_equal(kis_client_order(c, &o, on_order, &po, err, sizeof(err)), KE_OK);
	assert_true(ksim_run_until(&loop, &po.done, 20000));
	assert_false(po.ok);
	assert_int_equal(po.err.outcome, KIS_OUTCOME_UNKNOWN);
	assert_non_null(strstr(po.err.msg, "outcome unknown"));
	/* The venue has it, and the client did not send it again. */
	assert_int_equal(ksim_state_num(&s, "venue.counters.place_requests"), 1);
	assert_int_equal(ksim_state_num(&s, "venue.counters.orders"), 1);

	/* A cancel whose answer is lost is unknown too. */
	struct got oo = {0};
	assert_int_equal(kis_client_open_orders(c, on_rows, &oo), KE_OK);
	wait_ok(&loop, &oo, "open orders");
	assert_int_equal(oo.rows.n, 1);
	ksim_faults(
	    &s,
	    "{\"rest\":{\"no_answer\":{\"next\":1,\"paths\":[\"/uapi/domestic-stock/v1/trading/order-rvsecncl\"]}}}");
	struct kis_msg_rvse cn = {.orgno = oo.rows.rows[0].orgno,
	                          .odno = oo.rows.rows[0].odno,
	                          .kind = KIS_MSG_CANCEL,
	                          .type = ORDER_LIMIT,
	                          .all = 1};
	struct got cg = {0};
	assert_int_equal(kis_client_revise_cancel(c, &cn, on_order, &cg, err, sizeof(err)), KE_OK);
	assert_true(ksim_run_until(&loop, &cg.done, 20000));
	assert_int_equal(cg.err.outcome, KIS_OUTCOME_UNKNOWN);
	assert_int_equal(ksim_state_num(&s, "venue.counters.rvse_requests"), 1);

	/* HTTP 500 with KIS's envelope: a definite refusal, nothing placed. */
	ksim_faults(&s,
	            "{\"rest\":{\"http500\":{\"next\":1,\"paths\":[\"/uapi/domestic-stock/v1/trading/order-cash\"]}}}");
	struct got p5 = {0};
	assert_int_equal(kis_client_order(c, &o, on_order, &p5, err, sizeof(err)), KE_OK);
	assert_true(ksim_run_until(&loop, &p5.done, 20000));
	assert_false(p5.ok);
	assert_int_equal(p5.err.outcome, KIS_OUTCOME_FAILED);
	assert_int_equal(p5.err.http_status, 500);
	assert_true(strlen(p5.err.code) > 0);
	assert_int_equal(ksim_state_num(&s, "venue.counters.place_requests"), 1);

	/* A business refusal (selling shares the account does not hold). */
	struct kis_msg_order sell = {.symbol = "035420", .side = SIDE_SELL, .type = ORDER_MARKET, .qty = 5};
	struct got ps = {0};
	assert_int_equal(kis_client_order(c, &sell, on_order, &ps, err, sizeof(err)), KE_OK);
	assert_true(ksim_run_until(&loop, &ps.done, 20000));
	assert_false(ps.ok);
	assert_int_equal(ps.err.outcome, KIS_OUTCOME_FAILED);
	assert_int_equal(ps.err.kind, KIS_REPLY_BUSINESS);
	assert_true(strlen(ps.err.msg) > 0);

	got_free(&oo);
	ksim_client_close(c, &loop);
	uv_loop_close(&loop);
	ksim_stop(&s);
}

static void test_paging(void **state)
{
	struct ksim s;
	ksim_start(&s, state, "mock", START, no_rate);
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct kis_client_config cfg;
	ksim_client_config(&s, &cfg);
	cfg.rate_per_sec = 0;
	struct kis_client *c = ksim_client(&s, &loop, &cfg);
	/* 40 orders: mock daily-ccld pages hold 15 rows, so 3 pages. */
	enum { N = 40 };
	struct got po[N];
	memset(po, 0, sizeof(po));
	char err[256];
	for (int i = 0; i < N; i++) {
		struct kis_msg_order o = {
		    .symbol = "005930", .side = SIDE_BUY, .type = ORDER_LIMIT, .qty = 1, .price = 60000 + 100 * i};
		assert_int_equal(kis_client_order(c, &o, on_order, &po[i], err, sizeof(err)), KE_OK);
	}
	for (int i = 0; i < N; i++)
		wait_ok(&loop, &po[i], "order");
	struct kis_msg_ccld_filter f = {.fill = KIS_MSG_CCLD_ALL};
	kis_client_today(c, f.start);
	memcpy(f.end, f.start, 9);
	struct got cc = {0};
	int64_t before = ksim_state_num(&s, "requests.total");
	assert_int_equal(kis_client_daily_ccld(c, &f, on_rows, &cc), KE_OK);
	wait_ok(&loop, &cc, "daily ccld");
	assert_int_equal(cc.rows.n, N);
	/* Every order exactly once. */
	for (int i = 0; i < N; i++) {
		int seen = 0;
		for (size_t k = 0; k < cc.rows.n; k++)
			seen += atoll(cc.rows.rows[k].odno) == atoll(po[i].ack.odno);
		assert_int_equal(seen, 1);
	}
	/* ceil(40 / 15) = 3 pages, plus the /_sim/state call counting itself. */
	assert_int_equal(ksim_state_num(&s, "requests.total") - before, 3 + 1);
	got_free(&cc);
	ksim_client_close(c, &loop);
	uv_loop_close(&loop);
	ksim_stop(&s);
}

/* The minute bars of 005930 on 2026-03-02 before cutoff (HHMMSS), computed
 * from the sample file here, independently of kis-sim: a bar is labelled
 * with the end of its minute (09:00:xx prints -> 090100), as the KIS
 * minute chart does, and closes at the minute's last print. */
static int expected_minutes(int32_t cutoff, int32_t *labels, int64_t *closes, int max)
{
	FILE *fp = fopen(KE_SOURCE_DIR "/backtest-data/sample_ticks.csv", "r");
	assert_non_null(fp);
	char line[256];
	int n = 0;
	while (fgets(line, sizeof(line), fp)) {
		int hh, mm, ss;
		char sym[16];
		long long price;
		if (strncmp(line, "2026-03-02T", 11) != 0 ||
		    sscanf(line + 11, "%d:%d:%d.%*d+09:00,%15[^,],%lld", &hh, &mm, &ss, sym, &price) != 5)
			continue;
		if (strcmp(sym, "005930") != 0 || hh * 10000 + mm * 100 + ss >= cutoff)
			continue;
		int end = hh * 60 + mm + 1;
		int32_t label = (end / 60) * 10000 + (end % 60) * 100;
		if (n == 0 || labels[n - 1] != label) {
			assert_true(n < max);
			labels[n++] = label;
		}
		closes[n - 1] = price;
	}
	fclose(fp);
	return n;
}

static void test_minute_bars_paged(void **state)
{
	struct ksim s;
	ksim_start(&s, state, "mock", "2026-03-02T09:45:00", no_rate);
	ksim_sleep_ms(500); /* the replay catches up to its start */
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct kis_client_config cfg;
	ksim_client_config(&s, &cfg);
	cfg.rate_per_sec = 0;
	struct kis_client *c = ksim_client(&s, &loop, &cfg);
	int32_t labels[64];
	int64_t closes[64];
	/* Bars that ended by 09:45:00 (the clock is at 09:45:0x when asked). */
	int n = expected_minutes(94500, labels, closes, 64);
	assert_true(n >= 35); /* enough for two pages of 30 */
	struct got mb = {0};
	int64_t before = ksim_state_num(&s, "requests.total");
	assert_int_equal(kis_client_minute_bars(c, "005930", 35, on_bars, &mb), KE_OK);
	wait_ok(&loop, &mb, "minute bars");
	/* The token, two pages (30 + the rest), and the /_sim/state call itself. */
	assert_int_equal(ksim_state_num(&s, "requests.total") - before, 1 + 2 + 1);
	assert_int_equal(mb.bars.n, 35);
	for (int i = 0; i < 35; i++) {
		int k = n - 35 + i; /* the newest 35, oldest first */
		assert_int_equal(mb.bars.bars[i].date, 20260302);
		assert_int_equal(mb.bars.bars[i].time, labels[k]);
		assert_int_equal(mb.bars.bars[i].close, closes[k]);
	}
	got_free(&mb);
	ksim_client_close(c, &loop);
	uv_loop_close(&loop);
	ksim_stop(&s);
}

static void on_days(void *ud, const struct kis_error *e, const struct kis_msg_day_list *l)
{
	struct got *g = ud;
	if (l) {
		g->ndays = l->n;
		for (size_t i = 0; i < l->n; i++)
			if (l->days[i].date == 20260302 && l->days[i].open && l->days[i].weekday == 2)
				g->days_seen |= 1; /* Monday 2026-03-02 open */
			else if (l->days[i].date == 20260307 && !l->days[i].open && l->days[i].weekday == 7)
				g->days_seen |= 2; /* Saturday 2026-03-07 closed */
	}
	mark(g, e);
}

static void test_holidays_real_only(void **state)
{
	struct ksim s;
	ksim_start(&s, state, "real", START, no_rate);
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct kis_client_config cfg;
	ksim_client_config(&s, &cfg);
	cfg.env = KIS_ENV_REAL;
	cfg.rate_per_sec = 0;
	struct kis_client *c = ksim_client(&s, &loop, &cfg);
	struct got g = {0};
	assert_int_equal(kis_client_holidays(c, "20260302", on_days, &g), KE_OK);
	wait_ok(&loop, &g, "holidays");
	assert_true(g.ndays >= 6);
	assert_int_equal(g.days_seen, 1 | 2);
	ksim_client_close(c, &loop);

	/* The mock host has no chk-holiday: refused here, nothing sent. */
	struct kis_client_config mcfg;
	ksim_client_config(&s, &mcfg);
	struct kis_client *m = ksim_client(&s, &loop, &mcfg);
	int64_t before = ksim_state_num(&s, "requests.total");
	struct got h = {0};
	assert_int_equal(kis_client_holidays(m, "20260302", on_days, &h), KE_ENOENT);
	assert_int_equal(ksim_state_num(&s, "requests.total") - before, 1); /* the state call itself */
	assert_false(h.done);
	ksim_client_close(m, &loop);
	assert_int_equal(uv_loop_close(&loop), 0);
	ksim_stop(&s);
}

static void test_close_with_calls_in_flight(void **state)
{
	struct ksim s;
	ksim_start(&s, state, "mock", START, no_rate);
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct kis_client_config cfg;
	ksim_client_config(&s, &cfg);
	cfg.rate_per_sec = 1;
	struct kis_client *c = ksim_client(&s, &loop, &cfg);
	struct got q[3] = {{0}};
	for (int i = 0; i < 3; i++)
		assert_int_equal(kis_client_quote(c, "005930", on_quote, &q[i]), KE_OK);
	assert_int_equal(kis_client_pending(c), 3);
	/* Each callback runs exactly once, with "shutting down". */
	kis_client_close(c);
	for (int i = 0; i < 3; i++) {
		assert_true(q[i].done);
		assert_false(q[i].ok);
		assert_int_equal(q[i].err.rc, KE_ESTATE);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	ksim_stop(&s);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_every_operation, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_token_shared_by_processes, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_expired_token_recovered, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_egw00133_waited_out, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_approval_key_cached, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_egw00201, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_orders_jump_the_queue, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_order_answer_lost, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_paging, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_minute_bars_paged, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_holidays_real_only, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_close_with_calls_in_flight, ksim_setup, ksim_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
