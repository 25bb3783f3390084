/*
 * test_kis_broker.c - the KIS broker (struct broker on a KIS account)
 * against kis-sim: orders accepted with their numbers, fills from the
 * venue's totals, cancels and revises with their chains, and above all
 * lost answers: exactly one order at the venue, adopted with its number,
 * or declared not placed when KIS never got it - never sent twice.
 *
 * The core is replaced by a recording sink: these tests look at the
 * broker's events, not at what the core does with them.
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "kis_broker.h"
#include "kissim_harness.h"

#define START "2026-03-02T09:00:00"

struct rec {
	struct broker_event ev[64];
	int n;
};

static void rec_emit(void *ctx, const struct broker_event *ev)
{
	struct rec *r = ctx;
	if (r->n < 64)
		r->ev[r->n++] = *ev;
}

static const char *sym_name(void *ud, int32_t sym)
{
	(void)ud;
	static const char *const names[] = {"005930", "000660", "035420"};
	return sym >= 0 && sym < 3 ? names[sym] : NULL;
}

struct fixture {
	struct ksim s;
	uv_loop_t loop;
	struct kis_client *client;
	struct kis_broker *broker;
	struct broker iface;
	struct rec rec;
};

static const char *const no_rate[] = {"--rate", "0", NULL};

static void fx_open(struct fixture *f, void **state, long order_timeout_ms)
{
	memset(f, 0, sizeof(*f));
	ksim_start(&f->s, state, "mock", START, no_rate);
	uv_loop_init(&f->loop);
	struct kis_client_config cfg;
	ksim_client_config(&f->s, &cfg);
	cfg.rate_per_sec = 0;
	cfg.order_timeout_ms = order_timeout_ms;
	f->client = ksim_client(&f->s, &f->loop, &cfg);
	struct kis_broker_config bc;
	kis_broker_config_default(&bc, KIS_ENV_MOCK);
	bc.poll_ms = 200;
	bc.resolve_delay_ms = 300;
	bc.resolve_grace_ms = 300;
	bc.resolve_attempts = 2;
	struct broker_sink sink = {.ctx = &f->rec, .emit = rec_emit};
	assert_int_equal(
	    kis_broker_new(&f->loop, f->client, &bc, sym_name, NULL, ksim_market_ms, &f->s, sink, &f->broker), KE_OK);
	f->iface = kis_broker_iface(f->broker);
}

static void fx_close(struct fixture *f)
{
	kis_broker_free(f->broker);
	ksim_client_close(f->client, &f->loop);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	ksim_stop(&f->s);
}

static struct order limit_order(int64_t id, int32_t sym, enum order_side side, int64_t qty, int64_t price)
{
	struct order o;
	memset(&o, 0, sizeof(o));
	o.id = id;
	o.sym = sym;
	o.side = side;
	o.type = ORDER_LIMIT;
	o.qty = qty;
	o.price = price;
	o.state = ORDER_SUBMITTED;
	return o;
}

static int count_kind(const struct rec *r, enum broker_event_kind k, int64_t id)
{
	int n = 0;
	for (int i = 0; i < r->n; i++)
		n += r->ev[i].kind == k && r->ev[i].order_id == id;
	return n;
}

/* Run the loop until an event of kind k for id has been emitted. */
static void wait_event(struct fixture *f, enum broker_event_kind k, int64_t id, long ms)
{
	int64_t end = ksim_mono_ns() + (int64_t)ms * 1000000;
	while (!count_kind(&f->rec, k, id) && ksim_mono_ns() < end)
		ksim_turn(&f->loop);
	if (!count_kind(&f->rec, k, id))
		fail_msg("no event %d for order %lld within %ld ms (%d events)", k, (long long)id, ms, f->rec.n);
}

static int64_t filled_qty(const struct rec *r, int64_t id, int64_t *value)
{
	int64_t q = 0, v = 0;
	for (int i = 0; i < r->n; i++)
		if (r->ev[i].kind == BEV_FILL && r->ev[i].order_id == id) {
			q += r->ev[i].qty;
			v += r->ev[i].qty * r->ev[i].price;
		}
	if (value)
		*value = v;
	return q;
}

/* ---- the life of an order ---- */

static void test_accept_revise_cut_cancel(void **state)
{
	struct fixture f;
	fx_open(&f, state, 5000);
	/* 60,000 is far below 005930's 69,500: it rests. */
	struct order o = limit_order(1, 0, SIDE_BUY, 10, 60000);
	assert_int_equal(f.iface.place(f.iface.self, &o), KE_OK);
	wait_event(&f, BEV_ACCEPTED, 1, 10000);
	struct kis_broker_order_info info;
	assert_int_equal(kis_broker_order_info(f.broker, 1, &info), KE_OK);
	assert_int_equal(info.state, KIS_BROKER_LIVE);
	assert_true(strlen(info.odno) > 0);
	assert_true(strlen(info.orgno) > 0);
	char first[KIS_MSG_ODNO_MAX];
	snprintf(first, sizeof(first), "%s", info.odno);

	/* A new price: KIS gives the rest a new number; the chain keeps both. */
	assert_int_equal(f.iface.modify(f.iface.self, &o, 60100, 10), KE_OK);
	wait_event(&f, BEV_MODIFIED, 1, 10000);
	const struct broker_event *m = &f.rec.ev[f.rec.n - 1];
	assert_int_equal(m->price, 60100);
	assert_int_equal(m->qty, 10);
	assert_int_equal(kis_broker_order_info(f.broker, 1, &info), KE_OK);
	assert_int_equal(info.chain_len, 2);
	assert_string_equal(info.first_odno, first);
	assert_true(atoll(info.odno) != atoll(first));

	/* Fewer shares at the same price: a partial cancel of 4. */
	o.price = 60100;
	f.rec.n = 0;
	assert_int_equal(f.iface.modify(f.iface.self, &o, 60100, 6), KE_OK);
	wait_event(&f, BEV_MODIFIED, 1, 10000);
	assert_int_equal(f.rec.ev[0].qty, 6);
	assert_int_equal(f.rec.ev[0].price, 60100);

	/* Cancel: confirmed by the next poll, for the 6 left. */
	f.rec.n = 0;
	assert_int_equal(f.iface.cancel(f.iface.self, &o), KE_OK);
	wait_event(&f, BEV_CANCELLED, 1, 10000);
	assert_int_equal(f.rec.ev[f.rec.n - 1].qty, 6);
	assert_int_equal(count_kind(&f.rec, BEV_FILL, 1), 0);
	/* Ended orders are forgotten. */
	assert_int_equal(kis_broker_order_info(f.broker, 1, &info), KE_ENOENT);
	/* One order at the venue, one revise, one partial cancel, one cancel. */
	assert_int_equal(ksim_state_num(&f.s, "venue.counters.place_requests"), 1);
	assert_int_equal(ksim_state_num(&f.s, "venue.counters.rvse_requests"), 3);
	fx_close(&f);
}

static void test_fills_from_the_venue(void **state)
{
	struct fixture f;
	fx_open(&f, state, 5000);
	/* A buy at 70,000 crosses 005930's 69,600 ask: it fills at once. */
	struct order o = limit_order(7, 0, SIDE_BUY, 5, 70000);
	assert_int_equal(f.iface.place(f.iface.self, &o), KE_OK);
	wait_event(&f, BEV_ACCEPTED, 7, 10000);
	int64_t end = ksim_mono_ns() + 10000000000LL;
	while (filled_qty(&f.rec, 7, NULL) < 5 && ksim_mono_ns() < end)
		ksim_turn(&f.loop);
	int64_t value = 0;
	assert_int_equal(filled_qty(&f.rec, 7, &value), 5);
	/* The fill value equals what the venue booked, read from kis-sim's own
	 * state (not through the client the broker uses). */
	cJSON *st = ksim_state(&f.s);
	const cJSON *orders = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "venue"), "orders");
	assert_int_equal(cJSON_GetArraySize(orders), 1);
	const cJSON *vo = cJSON_GetArrayItem(orders, 0);
	assert_int_equal((int64_t)cJSON_GetObjectItemCaseSensitive(vo, "filled_qty")->valuedouble, 5);
	assert_int_equal((int64_t)cJSON_GetObjectItemCaseSensitive(vo, "filled_amt")->valuedouble, value);
	cJSON_Delete(st);
	/* The order is no longer tracked: filled. */
	struct kis_broker_order_info info;
	assert_int_equal(kis_broker_order_info(f.broker, 7, &info), KE_ENOENT);
	/* Every fill is at most the limit price, whole won. */
	for (int i = 0; i < f.rec.n; i++)
		if (f.rec.ev[i].kind == BEV_FILL)
			assert_true(f.rec.ev[i].price <= 70000 && f.rec.ev[i].price > 0);
	assert_true(value <= 5 * 70000);
	fx_close(&f);
}

/* ---- a restart: orders of an earlier run carried over ---- */

/* A second broker on the same client, as a restarted engine has. */
static struct kis_broker *restarted(struct fixture *f, struct rec *r)
{
	struct kis_broker_config bc;
	kis_broker_config_default(&bc, KIS_ENV_MOCK);
	bc.poll_ms = 200;
	bc.resolve_delay_ms = 300;
	bc.resolve_grace_ms = 300;
	bc.resolve_attempts = 2;
	struct broker_sink sink = {.ctx = r, .emit = rec_emit};
	struct kis_broker *b;
	assert_int_equal(kis_broker_new(&f->loop, f->client, &bc, sym_name, NULL, ksim_market_ms, &f->s, sink, &b),
	                 KE_OK);
	return b;
}

static void test_adopted_after_restart(void **state)
{
	struct fixture f;
	fx_open(&f, state, 5000);
	/* Run 1: a resting buy, revised (two numbers), then the engine dies. */
	struct order o = limit_order(1, 0, SIDE_BUY, 10, 60000);
	assert_int_equal(f.iface.place(f.iface.self, &o), KE_OK);
	wait_event(&f, BEV_ACCEPTED, 1, 10000);
	assert_int_equal(f.iface.modify(f.iface.self, &o, 60100, 10), KE_OK);
	wait_event(&f, BEV_MODIFIED, 1, 10000);
	struct kis_broker_order_info info;
	assert_int_equal(kis_broker_order_info(f.broker, 1, &info), KE_OK);
	char first[KIS_MSG_ODNO_MAX], latest[KIS_MSG_ODNO_MAX], orgno[KIS_MSG_ORGNO_MAX];
	snprintf(first, sizeof(first), "%s", info.first_odno);
	snprintf(latest, sizeof(latest), "%s", info.odno);
	snprintf(orgno, sizeof(orgno), "%s", info.orgno);
	/* A crossing buy of 5 fills at once; run 1 journaled 2 of them. */
	struct order x = limit_order(2, 0, SIDE_BUY, 5, 70000);
	assert_int_equal(f.iface.place(f.iface.self, &x), KE_OK);
	int64_t end = ksim_mono_ns() + 10000000000LL;
	while (filled_qty(&f.rec, 2, NULL) < 5 && ksim_mono_ns() < end)
		ksim_turn(&f.loop);
	int64_t venue_value = 0;
	assert_int_equal(filled_qty(&f.rec, 2, &venue_value), 5);
	int64_t first_price = 0;
	for (int i = 0; i < f.rec.n && !first_price; i++)
		if (f.rec.ev[i].kind == BEV_FILL && f.rec.ev[i].order_id == 2)
			first_price = f.rec.ev[i].price;
	int64_t booked_value = 2 * first_price; /* run 1 booked 2 shares of its first fill */
	/* The number of order 2 came with its acceptance; the broker forgot it
	 * once filled, so take it from the venue's state (the journal had it). */
	cJSON *st = ksim_state(&f.s);
	const cJSON *orders = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "venue"), "orders");
	int64_t x_no = 0;
	for (int i = 0; i < cJSON_GetArraySize(orders); i++) {
		const cJSON *vo = cJSON_GetArrayItem(orders, i);
		if ((int64_t)cJSON_GetObjectItemCaseSensitive(vo, "price")->valuedouble == 70000)
			x_no = (int64_t)cJSON_GetObjectItemCaseSensitive(vo, "odno")->valuedouble;
	}
	cJSON_Delete(st);
	assert_true(x_no > 0);
	char x_odno[KIS_MSG_ODNO_MAX];
	snprintf(x_odno, sizeof(x_odno), "%lld", (long long)x_no);
	kis_broker_free(f.broker);

	/* Run 2: both carried over under new ids. */
	struct rec r2;
	memset(&r2, 0, sizeof(r2));
	f.broker = restarted(&f, &r2);
	struct kis_broker_adopt a = {.id = 1,
	                             .symbol = "005930",
	                             .side = SIDE_BUY,
	                             .type = ORDER_LIMIT,
	                             .price = 60100,
	                             .qty = 10,
	                             .orgno = orgno,
	                             .odno = latest,
	                             .sent_ms = ksim_market_ms(&f.s)};
	assert_int_equal(kis_broker_adopt(f.broker, &a), KE_OK);
	struct kis_broker_adopt b2 = {.id = 2,
	                              .symbol = "005930",
	                              .side = SIDE_BUY,
	                              .type = ORDER_LIMIT,
	                              .price = 70000,
	                              .qty = 5,
	                              .filled_qty = 2,
	                              .filled_value = booked_value,
	                              .orgno = orgno,
	                              .odno = x_odno,
	                              .sent_ms = ksim_market_ms(&f.s)};
	assert_int_equal(kis_broker_adopt(f.broker, &b2), KE_OK);
	assert_int_equal(kis_broker_adopt(f.broker, &b2), KE_EINVAL); /* id taken */
	assert_true(kis_broker_unsettled(f.broker) >= 2);
	kis_broker_poll_now(f.broker);
	end = ksim_mono_ns() + 10000000000LL;
	while (kis_broker_unsettled(f.broker) > 0 && ksim_mono_ns() < end)
		ksim_turn(&f.loop);
	assert_int_equal(kis_broker_unsettled(f.broker), 0);
	/* Order 2: only the 3 shares run 1 never booked, for exactly the rest of
	 * the venue's amount; then it has ended. */
	int64_t v2 = 0;
	assert_int_equal(filled_qty(&r2, 2, &v2), 3);
	assert_int_equal(v2, venue_value - booked_value);
	assert_int_equal(kis_broker_order_info(f.broker, 2, &info), KE_ENOENT);
	/* Order 1: its chain rebuilt back to the first number; a cancel works. */
	assert_int_equal(kis_broker_order_info(f.broker, 1, &info), KE_OK);
	assert_int_equal(info.chain_len, 2);
	assert_string_equal(info.first_odno, first);
	assert_int_equal(count_kind(&r2, BEV_FILL, 1), 0);
	struct order o2 = limit_order(1, 0, SIDE_BUY, 10, 60100);
	r2.n = 0;
	struct broker iface = kis_broker_iface(f.broker);
	assert_int_equal(iface.cancel(iface.self, &o2), KE_OK);
	end = ksim_mono_ns() + 10000000000LL;
	while (!count_kind(&r2, BEV_CANCELLED, 1) && ksim_mono_ns() < end)
		ksim_turn(&f.loop);
	assert_int_equal(count_kind(&r2, BEV_CANCELLED, 1), 1);
	assert_int_equal(r2.ev[r2.n - 1].qty, 10);
	/* Two orders at the venue, never a third. */
	assert_int_equal(ksim_state_num(&f.s, "venue.counters.place_requests"), 2);
	/* A new day: whatever still works has expired. */
	assert_int_equal(kis_broker_expire_all(f.broker, "expired"), 0);
	fx_close(&f);
}

/* ---- lost answers: never a duplicate order ---- */

static void test_lost_answer_adopted(void **state)
{
	struct fixture f;
	fx_open(&f, state, 700);
	/* The order reaches the venue but its answer never comes back. */
	ksim_faults(
	    &f.s, "{\"rest\":{\"no_answer\":{\"next\":1,\"paths\":[\"/uapi/domestic-stock/v1/trading/order-cash\"]}}}");
	struct order o = limit_order(3, 1, SIDE_BUY, 2, 150000);
	assert_int_equal(f.iface.place(f.iface.self, &o), KE_OK);
	/* An identical order sent just after, answered normally: adoption must
	 * not take its number for the lost one. */
	struct order twin = limit_order(4, 1, SIDE_BUY, 2, 150000);
	assert_int_equal(f.iface.place(f.iface.self, &twin), KE_OK);
	wait_event(&f, BEV_ACCEPTED, 4, 10000);
	wait_event(&f, BEV_ACCEPTED, 3, 15000);
	assert_non_null(strstr(f.rec.ev[f.rec.n - 1].reason, "adopted"));
	struct kis_broker_order_info a, b;
	assert_int_equal(kis_broker_order_info(f.broker, 3, &a), KE_OK);
	assert_int_equal(kis_broker_order_info(f.broker, 4, &b), KE_OK);
	assert_true(atoll(a.odno) > 0 && atoll(b.odno) > 0);
	assert_true(atoll(a.odno) != atoll(b.odno));
	/* Exactly two orders at the venue: nothing was re-sent. */
	assert_int_equal(ksim_state_num(&f.s, "venue.counters.place_requests"), 2);
	assert_int_equal(ksim_state_num(&f.s, "venue.counters.orders"), 2);
	/* The lost one's number is the venue's first order (it was sent first). */
	cJSON *st = ksim_state(&f.s);
	const cJSON *orders = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "venue"), "orders");
	const cJSON *first = cJSON_GetArrayItem(orders, 0);
	assert_int_equal((int64_t)cJSON_GetObjectItemCaseSensitive(first, "odno")->valuedouble, atoll(a.odno));
	cJSON_Delete(st);
	struct kis_broker_stats bs;
	kis_broker_stats(f.broker, &bs);
	assert_int_equal(bs.unknown, 1);
	assert_int_equal(bs.adopted, 1);
	assert_int_equal(bs.not_placed, 0);

	/* A cancel whose answer is lost is resolved the same way. */
	ksim_faults(
	    &f.s,
	    "{\"rest\":{\"no_answer\":{\"next\":1,\"paths\":[\"/uapi/domestic-stock/v1/trading/order-rvsecncl\"]}}}");
	assert_int_equal(f.iface.cancel(f.iface.self, &o), KE_OK);
	wait_event(&f, BEV_CANCELLED, 3, 15000);
	assert_int_equal(count_kind(&f.rec, BEV_CANCEL_REJECTED, 3), 0);
	assert_int_equal(ksim_state_num(&f.s, "venue.counters.rvse_requests"), 1);
	fx_close(&f);
}

static void test_lost_request_not_placed(void **state)
{
	struct fixture f;
	fx_open(&f, state, 700);
	/* The request never reaches the venue and no answer comes back: the
	 * broker cannot know which, so it asks; KIS has no such order. */
	ksim_faults(
	    &f.s,
	    "{\"rest\":{\"lost_request\":{\"next\":1,\"paths\":[\"/uapi/domestic-stock/v1/trading/order-cash\"]}}}");
	struct order o = limit_order(5, 0, SIDE_BUY, 3, 61000);
	assert_int_equal(f.iface.place(f.iface.self, &o), KE_OK);
	wait_event(&f, BEV_REJECTED, 5, 20000);
	assert_non_null(strstr(f.rec.ev[f.rec.n - 1].reason, "not placed"));
	assert_int_equal(count_kind(&f.rec, BEV_ACCEPTED, 5), 0);
	/* Two looks (resolve_attempts), and nothing at the venue: not sent twice. */
	struct kis_broker_stats bs;
	kis_broker_stats(f.broker, &bs);
	assert_int_equal(bs.unknown, 1);
	assert_int_equal(bs.not_placed, 1);
	assert_true(bs.polls >= 2);
	assert_int_equal(ksim_state_num(&f.s, "venue.counters.place_requests"), 0);
	/* Declared not placed, the intent may go again: it does, once. */
	struct order again = limit_order(6, 0, SIDE_BUY, 3, 61000);
	assert_int_equal(f.iface.place(f.iface.self, &again), KE_OK);
	wait_event(&f, BEV_ACCEPTED, 6, 10000);
	assert_int_equal(ksim_state_num(&f.s, "venue.counters.place_requests"), 1);
	fx_close(&f);
}

static void test_cancel_before_accept_and_both_changes(void **state)
{
	struct fixture f;
	fx_open(&f, state, 5000);
	/* A symbol the broker cannot name never leaves: the core rejects it. */
	struct order bad = limit_order(9, 7, SIDE_BUY, 1, 60000);
	assert_int_equal(f.iface.place(f.iface.self, &bad), KE_EINVAL);
	assert_int_equal(f.rec.n, 0);

	/* Cancelled before KIS answered the place: sent once the order is live. */
	struct order o = limit_order(1, 0, SIDE_BUY, 4, 60000);
	assert_int_equal(f.iface.place(f.iface.self, &o), KE_OK);
	assert_int_equal(f.iface.cancel(f.iface.self, &o), KE_OK);
	/* Not modifiable before KIS has it either. */
	assert_int_equal(f.iface.modify(f.iface.self, &o, 60100, 0), KE_ESTATE);
	wait_event(&f, BEV_CANCELLED, 1, 10000);
	assert_int_equal(count_kind(&f.rec, BEV_ACCEPTED, 1), 1);
	assert_int_equal(f.rec.ev[f.rec.n - 1].qty, 4);

	/* New price and fewer shares at once: a cut of 3, then a revise. */
	struct order p = limit_order(2, 2, SIDE_BUY, 5, 150000);
	assert_int_equal(f.iface.place(f.iface.self, &p), KE_OK);
	wait_event(&f, BEV_ACCEPTED, 2, 10000);
	int64_t rvse0 = ksim_state_num(&f.s, "venue.counters.rvse_requests");
	assert_int_equal(f.iface.modify(f.iface.self, &p, 150500, 2), KE_OK);
	wait_event(&f, BEV_MODIFIED, 2, 10000);
	const struct broker_event *m = &f.rec.ev[f.rec.n - 1];
	assert_int_equal(m->qty, 2);
	assert_int_equal(m->price, 150500);
	assert_int_equal(ksim_state_num(&f.s, "venue.counters.rvse_requests") - rvse0, 2);
	/* At the venue: 2 shares working at 150,500 under the new number. */
	struct kis_broker_order_info info;
	assert_int_equal(kis_broker_order_info(f.broker, 2, &info), KE_OK);
	cJSON *st = ksim_state(&f.s);
	const cJSON *orders = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "venue"), "orders");
	int found = 0;
	for (int i = 0; i < cJSON_GetArraySize(orders); i++) {
		const cJSON *vo = cJSON_GetArrayItem(orders, i);
		if ((int64_t)cJSON_GetObjectItemCaseSensitive(vo, "odno")->valuedouble != atoll(info.odno))
			continue;
		found = 1;
		assert_int_equal((int64_t)cJSON_GetObjectItemCaseSensitive(vo, "remaining")->valuedouble, 2);
		assert_int_equal((int64_t)cJSON_GetObjectItemCaseSensitive(vo, "price")->valuedouble, 150500);
	}
	assert_true(found);
	cJSON_Delete(st);
	fx_close(&f);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_accept_revise_cut_cancel, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_fills_from_the_venue, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_lost_answer_adopted, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_before_accept_and_both_changes, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_lost_request_not_placed, ksim_setup, ksim_teardown),
	    cmocka_unit_test_setup_teardown(test_adopted_after_restart, ksim_setup, ksim_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
