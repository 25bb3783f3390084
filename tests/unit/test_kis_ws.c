/*
 * test_kis_ws.c - the realtime session against kis-sim on loopback:
 * ticks equal the replayed file, notices arrive decrypted (ack, then
 * fill), a dropped connection is reconnected and resubscribed and the
 * broker neither loses nor doubles a fill, garbage frames are skipped, the
 * 41-registration limit, a silent server, and OPSP8996 (not retried).
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "kis_broker.h"
#include "kis_ws.h"
#include "kissim_harness.h"

#define START "2026-03-02T09:00:00"

struct rec_trade {
	char symbol[KE_SYMBOL_MAX];
	int32_t hhmmss;
	int64_t price, volume;
};

struct rec {
	struct rec_trade *trades;
	int ntrades, cap;
	int nbooks;
	struct kis_notice notices[64];
	int nnotices;
	int resyncs;
	int errors;
	char last_error[320];
	enum kis_ws_state state;
	struct kis_broker *broker; /* notices and resyncs go to it when set */
};

static void on_trades(void *ud, const struct kis_trade *t, int n)
{
	struct rec *r = ud;
	for (int i = 0; i < n; i++) {
		if (r->ntrades == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 1024;
			r->trades = realloc(r->trades, (size_t)r->cap * sizeof(*r->trades));
			assert_non_null(r->trades);
		}
		struct rec_trade *x = &r->trades[r->ntrades++];
		snprintf(x->symbol, sizeof(x->symbol), "%s", t[i].symbol);
		x->hhmmss = t[i].hhmmss;
		x->price = t[i].price;
		x->volume = t[i].volume;
	}
}

static void on_books(void *ud, const struct kis_book *b, int n)
{
	struct rec *r = ud;
	(void)b;
	r->nbooks += n;
}

static void on_notices(void *ud, const struct kis_notice *x, int n)
{
	struct rec *r = ud;
	for (int i = 0; i < n; i++) {
		if (r->nnotices < 64)
			r->notices[r->nnotices++] = x[i];
		if (r->broker)
			kis_broker_on_notice(r->broker, &x[i]);
	}
}

static void on_resync(void *ud)
{
	struct rec *r = ud;
	r->resyncs++;
	if (r->broker)
		kis_broker_poll_now(r->broker);
}

static void on_state(void *ud, enum kis_ws_state st, const char *why)
{
	struct rec *r = ud;
	(void)why;
	r->state = st;
}

static void on_error(void *ud, const char *msg)
{
	struct rec *r = ud;
	r->errors++;
	snprintf(r->last_error, sizeof(r->last_error), "%s", msg);
}

struct fx {
	struct ksim s;
	uv_loop_t loop;
	struct kis_client *client;
	struct kis_ws *ws, *ws2;
	struct rec rec;
};

static void fx_open(struct fx *f, void **state, const char *start, const char *const *extra)
{
	memset(f, 0, sizeof(*f));
	ksim_start(&f->s, state, "mock", start, extra);
	uv_loop_init(&f->loop);
	struct kis_client_config cfg;
	ksim_client_config(&f->s, &cfg);
	cfg.rate_per_sec = 0;
	f->client = ksim_client(&f->s, &f->loop, &cfg);
}

static struct kis_ws *ws_new(struct fx *f, struct rec *r, const char *hts_id, int64_t silence_ms)
{
	struct kis_ws_config wc;
	kis_ws_config_default(&wc, KIS_ENV_MOCK);
	wc.hts_id = hts_id;
	wc.account = "5000000001";
	wc.pace_ms = 20;
	wc.backoff_min_ms = 200;
	wc.backoff_max_ms = 1000;
	wc.jitter_seed = 7;
	if (silence_ms)
		wc.silence_ms = silence_ms;
	struct kis_ws_sink sink = {.ud = r,
	                           .on_trades = on_trades,
	                           .on_books = on_books,
	                           .on_notices = on_notices,
	                           .on_resync = on_resync,
	                           .on_state = on_state,
	                           .on_error = on_error};
	struct kis_ws *w = NULL;
	char err[256];
	int rc = kis_ws_new(&f->loop, kis_client_endpoint(f->client), kis_client_auth(f->client), &wc, &sink, &w, err,
	                    sizeof(err));
	if (rc != KE_OK)
		fail_msg("kis_ws_new: %s", err);
	return w;
}

static void fx_close(struct fx *f)
{
	kis_ws_close(f->ws);
	kis_ws_close(f->ws2);
	kis_client_close(f->client);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	kis_ws_free(f->ws);
	kis_ws_free(f->ws2);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	free(f->rec.trades);
	ksim_stop(&f->s);
}

static void run_ms(struct fx *f, long ms)
{
	int never = 0;
	ksim_run_until(&f->loop, &never, ms);
}

static void wait_state(struct fx *f, struct rec *r, enum kis_ws_state st, long ms)
{
	int64_t end = ksim_mono_ns() + (int64_t)ms * 1000000;
	while (r->state != st && ksim_mono_ns() < end)
		ksim_turn(&f->loop);
	if (r->state != st)
		fail_msg("state %s, wanted %s (last error: %s)", kis_ws_state_name(r->state), kis_ws_state_name(st),
		         r->last_error);
}

/* ---- ticks ---- */

struct csv_tick {
	int32_t hhmmss;
	int64_t price, volume;
};

/* The prints of sym on 2026-03-02 from the sample file, read here. */
static int csv_ticks(const char *sym, struct csv_tick *out, int max)
{
	FILE *fp = fopen(KE_SOURCE_DIR "/backtest-data/sample_ticks.csv", "r");
	assert_non_null(fp);
	char line[256];
	int n = 0;
	while (fgets(line, sizeof(line), fp)) {
		int hh, mm, ss;
		char s[16];
		long long price, volume;
		if (strncmp(line, "2026-03-02T", 11) != 0 ||
		    sscanf(line + 11, "%d:%d:%d.%*d+09:00,%15[^,],%lld,%lld", &hh, &mm, &ss, s, &price, &volume) != 6)
			continue;
		if (strcmp(s, sym) != 0)
			continue;
		assert_true(n < max);
		out[n++] = (struct csv_tick){hh * 10000 + mm * 100 + ss, price, volume};
	}
	fclose(fp);
	return n;
}

static void test_ticks_equal_replay(void **state)
{
	struct fx f;
	const char *const extra[] = {"--rate", "0", "--speed", "300", NULL};
	fx_open(&f, state, START, extra);
	f.ws = ws_new(&f, &f.rec, NULL, 0);
	char err[256];
	assert_int_equal(kis_ws_subscribe(f.ws, "005930", err, sizeof(err)), KE_OK);
	assert_int_equal(kis_ws_subscribe(f.ws, "000660", err, sizeof(err)), KE_OK);
	assert_int_equal(kis_ws_registrations(f.ws), 4);
	assert_int_equal(kis_ws_start(f.ws), KE_OK);
	wait_state(&f, &f.rec, KIS_WS_LIVE, 10000);
	run_ms(&f, 3000); /* about 15 market minutes at 300x */
	const char *syms[2] = {"005930", "000660"};
	static struct csv_tick csv[4096];
	for (int k = 0; k < 2; k++) {
		int n = csv_ticks(syms[k], csv, 4096);
		/* What arrived for this symbol, in order. */
		struct rec_trade got[2048];
		int m = 0;
		for (int i = 0; i < f.rec.ntrades && m < 2048; i++)
			if (strcmp(f.rec.trades[i].symbol, syms[k]) == 0)
				got[m++] = f.rec.trades[i];
		assert_true(m >= 10);
		/* It must be one unbroken slice of the file: nothing lost, nothing
		 * doubled, nothing reordered. */
		int found = -1;
		for (int i = 0; i + m <= n && found < 0; i++) {
			int same = 1;
			for (int j = 0; j < m && same; j++)
				same = csv[i + j].hhmmss == got[j].hhmmss && csv[i + j].price == got[j].price &&
				       csv[i + j].volume == got[j].volume;
			if (same)
				found = i;
		}
		if (found < 0)
			fail_msg("%s: the %d ticks received are not a slice of the replayed file", syms[k], m);
	}
	assert_true(f.rec.nbooks > 0);
	/* A symbol added to the live session is subscribed at once. */
	assert_int_equal(kis_ws_subscribe(f.ws, "035420", err, sizeof(err)), KE_OK);
	run_ms(&f, 1500);
	int later = 0;
	for (int i = 0; i < f.rec.ntrades; i++)
		later += strcmp(f.rec.trades[i].symbol, "035420") == 0;
	assert_true(later > 0);
	struct kis_ws_stats st;
	kis_ws_stats(f.ws, &st);
	assert_int_equal(st.bad_frames, 0);
	assert_int_equal(st.registrations, 6);
	assert_true(st.records >= st.frames);
	fx_close(&f);
}

/* ---- notices and the broker ---- */

struct bevents {
	int64_t filled[16];
	int accepted[16];
};

static void bk_emit(void *ctx, const struct broker_event *ev)
{
	struct bevents *b = ctx;
	if (ev->order_id < 0 || ev->order_id >= 16)
		return;
	if (ev->kind == BEV_FILL)
		b->filled[ev->order_id] += ev->qty;
	if (ev->kind == BEV_ACCEPTED)
		b->accepted[ev->order_id]++;
}

static const char *bk_sym(void *ud, int32_t sym)
{
	(void)ud;
	return sym == 0 ? "005930" : NULL;
}

static struct order buy(int64_t id, int64_t qty, int64_t price)
{
	struct order o;
	memset(&o, 0, sizeof(o));
	o.id = id;
	o.sym = 0;
	o.side = SIDE_BUY;
	o.type = ORDER_LIMIT;
	o.qty = qty;
	o.price = price;
	return o;
}

static int64_t venue_filled(const struct ksim *s)
{
	cJSON *st = ksim_state(s);
	const cJSON *orders = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "venue"), "orders");
	int64_t q = 0;
	for (int i = 0; i < cJSON_GetArraySize(orders); i++)
		q +=
		    (int64_t)cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(orders, i), "filled_qty")->valuedouble;
	cJSON_Delete(st);
	return q;
}

static void test_notices_and_reconnect(void **state)
{
	struct fx f;
	/* 005930 prints every 5-15 s at the open: 5x makes the waits short. */
	const char *const extra[] = {"--rate", "0", "--speed", "5", NULL};
	fx_open(&f, state, START, extra);
	/* The broker polls rarely here: fills must come from notices, or from
	 * the poll the resync asks for. */
	struct kis_broker_config bc;
	kis_broker_config_default(&bc, KIS_ENV_MOCK);
	bc.poll_ms = 3600000;
	struct bevents ev;
	memset(&ev, 0, sizeof(ev));
	struct broker_sink sink = {.ctx = &ev, .emit = bk_emit};
	struct kis_broker *br;
	assert_int_equal(kis_broker_new(&f.loop, f.client, &bc, bk_sym, NULL, ksim_market_ms, &f.s, sink, &br), KE_OK);
	struct broker bi = kis_broker_iface(br);
	f.rec.broker = br;
	f.ws = ws_new(&f, &f.rec, f.s.cred.hts_id, 0);
	assert_int_equal(kis_ws_registrations(f.ws), 1); /* the notices */
	assert_int_equal(kis_ws_start(f.ws), KE_OK);
	wait_state(&f, &f.rec, KIS_WS_LIVE, 10000);

	/* 1. A buy crossing the ask: its notices arrive decrypted, ack then fill. */
	struct order o1 = buy(1, 5, 70000);
	assert_int_equal(bi.place(bi.self, &o1), KE_OK);
	int64_t end = ksim_mono_ns() + 20000000000LL;
	while (ev.filled[1] < 5 && ksim_mono_ns() < end)
		ksim_turn(&f.loop);
	assert_int_equal(ev.filled[1], 5);
	assert_true(f.rec.nnotices >= 2);
	const struct kis_notice *ack = &f.rec.notices[0];
	assert_false(ack->is_fill);
	assert_string_equal(ack->account, "5000000001");
	assert_string_equal(ack->symbol, "005930");
	assert_int_equal(ack->side, SIDE_BUY);
	int64_t nq = 0;
	for (int i = 1; i < f.rec.nnotices; i++) {
		assert_true(f.rec.notices[i].is_fill);
		assert_true(f.rec.notices[i].price <= 70000);
		nq += f.rec.notices[i].qty;
	}
	assert_int_equal(nq, 5);

	/* 2. The connection drops; an order fills while we are away (its
	 *    notice is lost); reconnect, resubscribe, resync -> the broker's
	 *    poll reports it once. */
	assert_int_equal(kis_ws_drop(f.ws), KE_OK);
	assert_int_equal(f.rec.state, KIS_WS_WAITING);
	struct order o2 = buy(2, 3, 70000);
	assert_int_equal(bi.place(bi.self, &o2), KE_OK);
	wait_state(&f, &f.rec, KIS_WS_LIVE, 10000);
	end = ksim_mono_ns() + 20000000000LL;
	while (ev.filled[2] < 3 && ksim_mono_ns() < end)
		ksim_turn(&f.loop);
	if (ev.filled[2] != 3) {
		struct kis_broker_stats bs;
		kis_broker_stats(br, &bs);
		fail_msg("order 2 filled %lld (resyncs %d, polls %lld, errors %lld, accepted %d, venue %lld)",
		         (long long)ev.filled[2], f.rec.resyncs, (long long)bs.polls, (long long)bs.poll_errors,
		         ev.accepted[2], (long long)venue_filled(&f.s));
	}
	assert_int_equal(f.rec.resyncs, 1);
	struct kis_ws_stats st;
	kis_ws_stats(f.ws, &st);
	assert_int_equal(st.reconnects, 1);

	/* Polls after notices report nothing again. */
	kis_broker_poll_now(br);
	run_ms(&f, 500);
	assert_int_equal(ev.filled[1], 5);
	assert_int_equal(ev.filled[2], 3);
	assert_int_equal(venue_filled(&f.s), 5 + 3);
	assert_int_equal(ev.accepted[1], 1);
	assert_int_equal(ev.accepted[2], 1);
	kis_broker_free(br);
	fx_close(&f);
}

/* ---- failures ---- */

static void test_garbage_skipped(void **state)
{
	struct fx f;
	const char *const extra[] = {"--rate", "0", "--speed", "60", NULL};
	fx_open(&f, state, START, extra);
	f.ws = ws_new(&f, &f.rec, NULL, 0);
	char err[256];
	assert_int_equal(kis_ws_subscribe(f.ws, "005930", err, sizeof(err)), KE_OK);
	assert_int_equal(kis_ws_start(f.ws), KE_OK);
	wait_state(&f, &f.rec, KIS_WS_LIVE, 10000);
	ksim_faults(&f.s, "{\"ws\":{\"garbage_every\":3}}");
	run_ms(&f, 2000);
	struct kis_ws_stats st;
	kis_ws_stats(f.ws, &st);
	assert_true(st.bad_frames >= 1);
	assert_true(f.rec.errors >= 1);
	assert_non_null(strstr(f.rec.last_error, "skipped"));
	/* Good frames keep coming, and the session stays up. */
	int before = f.rec.ntrades;
	run_ms(&f, 1000);
	assert_true(f.rec.ntrades > before);
	assert_int_equal(f.rec.state, KIS_WS_LIVE);
	fx_close(&f);
}

static void test_registration_limit(void **state)
{
	struct fx f;
	fx_open(&f, state, START, NULL);
	f.ws = ws_new(&f, &f.rec, "kissim01", 0);
	char err[256], sym[8];
	/* 20 symbols x 2 + the notices = 41: allowed. The 21st is refused. */
	for (int i = 0; i < 20; i++) {
		snprintf(sym, sizeof(sym), "%06d", 100000 + i);
		assert_int_equal(kis_ws_subscribe(f.ws, sym, err, sizeof(err)), KE_OK);
	}
	assert_int_equal(kis_ws_registrations(f.ws), 41);
	assert_int_equal(kis_ws_subscribe(f.ws, "200000", err, sizeof(err)), KE_ELIMIT);
	assert_non_null(strstr(err, "41"));
	assert_int_equal(kis_ws_registrations(f.ws), 41);
	assert_int_equal(kis_ws_subscribe(f.ws, "12", err, sizeof(err)), KE_EINVAL);
	fx_close(&f);
}

static void test_silent_server(void **state)
{
	struct fx f;
	/* Before the open: no prints, and pings only every minute. */
	const char *const extra[] = {"--rate", "0", "--ping-ms", "60000", NULL};
	fx_open(&f, state, "2026-03-02T08:00:00", extra);
	f.ws = ws_new(&f, &f.rec, NULL, 1200);
	char err[256];
	assert_int_equal(kis_ws_subscribe(f.ws, "005930", err, sizeof(err)), KE_OK);
	assert_int_equal(kis_ws_start(f.ws), KE_OK);
	wait_state(&f, &f.rec, KIS_WS_LIVE, 10000);
	run_ms(&f, 3500);
	struct kis_ws_stats st;
	kis_ws_stats(f.ws, &st);
	/* Silence for 1.2 s (acks count as frames) -> lost -> reconnected. */
	assert_true(st.reconnects >= 1);
	assert_non_null(strstr(f.rec.last_error, "nothing received"));
	fx_close(&f);
}

static void test_app_key_in_use(void **state)
{
	struct fx f;
	fx_open(&f, state, START, NULL);
	f.ws = ws_new(&f, &f.rec, NULL, 0);
	char err[256];
	assert_int_equal(kis_ws_subscribe(f.ws, "005930", err, sizeof(err)), KE_OK);
	assert_int_equal(kis_ws_start(f.ws), KE_OK);
	wait_state(&f, &f.rec, KIS_WS_LIVE, 10000);
	/* A second session on the same app key: OPSP8996, stopped, not retried. */
	struct rec r2;
	memset(&r2, 0, sizeof(r2));
	struct kis_ws *w2 = f.ws2 = ws_new(&f, &r2, NULL, 0);
	assert_int_equal(kis_ws_subscribe(w2, "000660", err, sizeof(err)), KE_OK);
	assert_int_equal(kis_ws_start(w2), KE_OK);
	wait_state(&f, &r2, KIS_WS_STOPPED, 10000);
	assert_non_null(strstr(r2.last_error, "OPSP8996"));
	run_ms(&f, 1500);
	struct kis_ws_stats st;
	kis_ws_stats(w2, &st);
	assert_true(st.connects <= 1);
	assert_int_equal(r2.state, KIS_WS_STOPPED);
	/* The first session is untouched. */
	assert_int_equal(f.rec.state, KIS_WS_LIVE);
	fx_close(&f);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ticks_equal_replay, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_notices_and_reconnect, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_garbage_skipped, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_registration_limit, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_silent_server, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_app_key_in_use, ksim_setup, ksim_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
