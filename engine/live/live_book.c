/*
 * live_book.c - the live driver's books: every order journaled before its
 * request leaves, fills journaled before the strategy hears of them and
 * marked (with the strategy's ctx.state) once it has; a restart rebuilt
 * from the journal and then checked against KIS; the trading day's close
 * and the next day's start.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krx.h"
#include "ktime.h"
#include "live_internal.h"
#include "restore.h"

/* Crash tests: die here, as a power cut would, without a word. */
static void crash_point(struct live *l, const char *point)
{
	if (l->opt->crash_point && strcmp(l->opt->crash_point, point) == 0 && ++l->crash_count == l->opt->crash_after)
		raise(SIGKILL);
}

static void say_level(void *ud, enum core_log_level level, const char *msg)
{
	live_log(ud, level, "reconcile", "%s", msg);
}

/* ---- the journal: every order recorded before its request leaves ---- */

static void journal_row(struct live *l, const struct order *o, struct jentry *e, struct journal_order *jo)
{
	memset(jo, 0, sizeof(*jo));
	jo->run_id = l->run_id;
	jo->engine_id = o->id;
	snprintf(jo->strategy, sizeof(jo->strategy), "%s", core_strategy_name(l->core, o->strategy));
	snprintf(jo->symbol, sizeof(jo->symbol), "%s", core_symbol_name(l->core, o->sym));
	jo->side = o->side;
	jo->type = o->type;
	jo->price = o->price;
	jo->qty = o->qty;
	jo->created = o->created;
	jo->updated = o->updated;
	snprintf(jo->state, sizeof(jo->state), "%s", order_state_name(o->state));
	jo->filled_qty = o->filled_qty;
	snprintf(jo->reason, sizeof(jo->reason), "%s", o->reason);
	snprintf(jo->orgno, sizeof(jo->orgno), "%s", e->orgno);
	snprintf(jo->odno, sizeof(jo->odno), "%s", e->odno);
}

static struct jentry *jid_slot(struct live *l, int64_t engine_id)
{
	if (engine_id <= 0)
		return NULL;
	if (engine_id >= l->njid) {
		int64_t n = l->njid ? l->njid : 256;
		while (n <= engine_id)
			n *= 2;
		struct jentry *p = realloc(l->jid, (size_t)n * sizeof(*p));
		if (!p)
			return NULL;
		memset(p + l->njid, 0, (size_t)(n - l->njid) * sizeof(*p));
		l->jid = p;
		l->njid = n;
	}
	return &l->jid[engine_id];
}

/* The broker learnt an order's KIS numbers: kept for the next journal write. */
void lvb_on_numbers(void *ud, int64_t id, const char *orgno, const char *odno)
{
	struct live *l = ud;
	struct jentry *slot = jid_slot(l, id);
	if (!slot || !odno[0])
		return;
	snprintf(slot->orgno, sizeof(slot->orgno), "%s", orgno);
	snprintf(slot->odno, sizeof(slot->odno), "%s", odno);
}

static int jr_before_send(void *ctx, const struct order *o)
{
	struct live *l = ctx;
	if (!l->jr)
		return KE_OK;
	struct jentry *slot = jid_slot(l, o->id);
	if (!slot)
		return KE_ENOMEM;
	struct journal_order jo;
	journal_row(l, o, slot, &jo);
	int rc = journal_order_add(l->jr, &jo);
	if (rc != KE_OK) {
		live_log(l, CORE_LOG_ERROR, NULL, "journal: %s: order %lld not sent", journal_errmsg(l->jr),
		         (long long)o->id);
		return rc;
	}
	slot->id = jo.id;
	crash_point(l, "journaled");
	return KE_OK;
}

static void jr_order(void *ctx, const struct order *o)
{
	struct live *l = ctx;
	struct jentry *slot = o->id > 0 && o->id < l->njid ? &l->jid[o->id] : NULL;
	if (!slot || slot->id == 0)
		return; /* not sent (pre-trade rejection) or not yet recorded */
	if (o->state == ORDER_ACCEPTED)
		crash_point(l, "accepted");
	struct journal_order jo;
	journal_row(l, o, slot, &jo);
	jo.id = slot->id;
	if (journal_order_update(l->jr, &jo) != KE_OK)
		live_log(l, CORE_LOG_ERROR, NULL, "journal: %s (order %lld)", journal_errmsg(l->jr), (long long)o->id);
}

static int64_t jr_fill(void *ctx, const struct fill *f)
{
	struct live *l = ctx;
	if (f->strategy >= 0 && f->strategy < core_strategy_count(l->core))
		l->fills_today[f->strategy]++;
	struct jentry *slot = f->order_id > 0 && f->order_id < l->njid ? &l->jid[f->order_id] : NULL;
	if (!slot || slot->id == 0)
		return 0;
	const struct order *o = core_order(l->core, f->order_id);
	struct journal_fill jf;
	memset(&jf, 0, sizeof(jf));
	jf.order_id = slot->id;
	jf.time = f->time;
	jf.qty = f->qty;
	jf.price = f->price;
	jf.fee = f->fee;
	jf.tax = f->tax;
	/* The order's cumulative quantity after this fill identifies it. */
	snprintf(jf.venue_key, sizeof(jf.venue_key), "%s:%lld", slot->odno[0] ? slot->odno : "engine",
	         (long long)(o ? o->filled_qty : 0));
	int inserted = 0;
	crash_point(l, "fill");
	if (journal_fill_add(l->jr, &jf, &inserted) != KE_OK) {
		live_log(l, CORE_LOG_ERROR, NULL, "journal: %s (fill of order %lld)", journal_errmsg(l->jr),
		         (long long)f->order_id);
		return 0;
	}
	crash_point(l, "fill_journaled");
	return jf.id;
}

/* ctx.state of strategy i into the journal when it changed. A state the
 * strategy made unsaveable (a function in it, NaN, ...) is its problem,
 * not the journal's: the last saved state stays, the fill that led there
 * is still marked told (else every restart would tell it again), and the
 * refusal is logged once until the state can be saved again. */
static int save_state(struct live *l, int i, int64_t now)
{
	char *blob = NULL;
	size_t len = 0;
	int rc = core_strategy_save_state(l->core, i, &blob, &len);
	if (rc == KE_ENOENT)
		return KE_OK;
	if (rc != KE_OK) {
		if (!l->state_bad[i])
			live_log(l, CORE_LOG_ERROR, NULL,
			         "ctx.state of '%s' cannot be saved (%s): the journal keeps its last saved state",
			         core_strategy_name(l->core, i), ke_strerror(rc));
		l->state_bad[i] = 1;
		return KE_OK;
	}
	l->state_bad[i] = 0;
	if (l->state_blob[i] && l->state_len[i] == len && memcmp(l->state_blob[i], blob, len) == 0) {
		free(blob);
		return KE_OK;
	}
	rc = journal_state_put(l->jr, core_strategy_name(l->core, i), blob, len, now);
	if (rc != KE_OK) {
		live_log(l, CORE_LOG_ERROR, NULL, "journal: %s (ctx.state of '%s')", journal_errmsg(l->jr),
		         core_strategy_name(l->core, i));
		free(blob);
		return rc;
	}
	free(l->state_blob[i]);
	l->state_blob[i] = blob;
	l->state_len[i] = len;
	return KE_OK;
}

void lvb_save_states(struct live *l)
{
	if (!l->jr || !l->core_started)
		return;
	for (int i = 0; i < core_strategy_count(l->core); i++)
		if (!l->state_bad[i]) /* an unsaveable state is tried again at its next fill */
			save_state(l, i, live_wall_ms());
}

/* The strategy has been told: mark the fill, with the state its on_fill
 * left, in one transaction (a crash keeps both or neither). */
static void jr_fill_delivered(void *ctx, const struct fill *f)
{
	struct live *l = ctx;
	if (!l->jr || f->ref <= 0)
		return;
	int64_t now = live_wall_ms();
	int rc = journal_begin(l->jr);
	if (rc == KE_OK)
		rc = save_state(l, f->strategy, now);
	if (rc == KE_OK)
		rc = journal_fill_notified(l->jr, f->ref, now);
	if (rc == KE_OK)
		rc = journal_commit(l->jr);
	if (rc != KE_OK) {
		live_log(l, CORE_LOG_ERROR, NULL, "journal: %s (fill %lld delivered)", journal_errmsg(l->jr),
		         (long long)f->ref);
		journal_rollback(l->jr);
		/* The cached blob may not be on disk: write it again next time. */
		free(l->state_blob[f->strategy]);
		l->state_blob[f->strategy] = NULL;
	}
}

/* ---- the trading day ---- */

static int count_open(void *ud, const struct order *o)
{
	*(int *)ud += !(o->pending & ORDER_PENDING_CANCEL);
	return 0;
}

/* Cancel every open order of every strategy (after the close, on stop). */
void lvb_cancel_open_orders(struct live *l, const char *why)
{
	int n = 0;
	for (int i = 0; i < core_strategy_count(l->core); i++) {
		core_open_orders(l->core, i, -1, count_open, &n);
		core_cancel_all(l->core, i);
	}
	if (n > 0)
		live_say(l, "%s: cancelling %d open order%s", why, n, n == 1 ? "" : "s");
	core_pump(l->core);
}

static void day_summary(struct live *l)
{
	for (int i = 0; i < core_strategy_count(l->core); i++) {
		char eq[KE_KRW_BUF], pnl[KE_KRW_BUF], cash[KE_KRW_BUF];
		int64_t e = core_equity(l->core, i);
		live_say(l, "end of day: %s equity %s KRW (today %s%s), cash %s, %lld fills%s",
		         core_strategy_name(l->core, i), ke_format_krw(eq, e), e >= l->day_start_eq[i] ? "+" : "",
		         ke_format_krw(pnl, e - l->day_start_eq[i]), ke_format_krw(cash, core_cash(l->core, i)),
		         (long long)l->fills_today[i], core_strategy_halted(l->core, i) ? ", halted" : "");
	}
}

static void day_begin(struct live *l, int32_t day)
{
	l->day = day;
	l->closed = 0;
	lvc_new_day(l, day);
	for (int i = 0; i < core_strategy_count(l->core); i++) {
		l->day_start_eq[i] = core_equity(l->core, i);
		l->fills_today[i] = 0;
	}
}

/* The end of the close: what KIS still counts as working has expired
 * (KRX refuses cancels after 15:30, so none are sent); the engine and
 * the journal say so today. Paper orders are cancelled. */
static void close_orders(struct live *l)
{
	if (l->kbroker) {
		int n = kis_broker_expire_all(l->kbroker, "expired at the close: KRX orders last one day");
		if (n > 0)
			live_say(l, "after the close: %d open order%s expired", n, n == 1 ? "" : "s");
		core_pump(l->core);
	} else {
		lvb_cancel_open_orders(l, "after the close");
	}
}

/* Once per KST day at the close: on_market_close, then (cancel_at_close)
 * one more look at KIS for the closing auction's fills, and only then the
 * open orders end; then the day's summary. A replay's close is its
 * 15:30:00 prints; the wall clock waits a second more. A new day:
 * yesterday's orders have expired at KIS, and KIS's view is compared
 * again. */
static void trading_day_step(struct live *l)
{
	int64_t now = live_now(l);
	int32_t day = ktime_kst_day(now);
	if (day != l->day) {
		if (l->closed != 2)
			day_summary(l); /* the data ended before the close */
		if (l->kbroker) {
			int n = kis_broker_expire_all(l->kbroker, "expired: KRX orders last one day");
			kis_broker_new_day(l->kbroker);
			if (n > 0)
				live_say(l, "new day: %d order%s of the day before expired", n, n == 1 ? "" : "s");
			core_pump(l->core);
			if (l->jr)
				l->recon = RECON_WAIT;
		}
		day_begin(l, day);
	}
	if (l->closed == 1) {
		/* Waiting for the closing auction's fills: a poll after the close. */
		if (l->kbroker && kis_broker_unsettled(l->kbroker) > 0)
			return;
		close_orders(l);
		l->closed = 2;
		day_summary(l);
		return;
	}
	int64_t close_at = KRX_CLOSE_MS + (l->opt->feed_clock ? 0 : 1000);
	if (l->closed || ktime_kst_ms_of_day(now) < close_at || !krxcal_is_open(l->cal, day, NULL))
		return;
	if (l->opt->feed_clock) {
		/* A replay's clock stops at the last print: move it past the close
		 * so that on_market_close runs before the orders end. */
		int64_t after = ktime_day_start(day) + KRX_CLOSE_MS + 1;
		if (after > l->feed_time)
			l->feed_time = after;
		core_advance(l->core, l->feed_time);
		core_pump(l->core);
	}
	if (!l->opt->cfg->live.cancel_at_close) {
		l->closed = 2;
		day_summary(l);
		return;
	}
	l->closed = 1;
	if (l->kbroker)
		kis_broker_poll_now(l->kbroker);
}

/* ---- start of trading: the journal's view, then the core ---- */

static void bind_adopted(struct live *l, const struct restore_plan *p)
{
	for (size_t i = 0; i < p->nadopted; i++) {
		const struct restore_adopted *a = &p->adopted[i];
		struct jentry *slot = jid_slot(l, a->engine_id);
		if (slot) {
			slot->id = a->journal_id;
			snprintf(slot->orgno, sizeof(slot->orgno), "%s", a->orgno);
			snprintf(slot->odno, sizeof(slot->odno), "%s", a->odno);
		}
		if (!l->kbroker)
			continue;
		struct kis_broker_adopt ka = {.id = a->engine_id,
		                              .symbol = a->symbol,
		                              .side = a->side,
		                              .type = a->type,
		                              .price = a->price,
		                              .qty = a->qty,
		                              .filled_qty = a->filled_qty,
		                              .filled_value = a->filled_value,
		                              .orgno = a->orgno,
		                              .odno = a->odno,
		                              .sent_ms = a->created};
		if (kis_broker_adopt(l->kbroker, &ka) != KE_OK)
			live_log(l, CORE_LOG_ERROR, NULL, "order %lld of the journal could not be handed to the broker",
			         (long long)a->journal_id);
	}
	for (size_t i = 0; l->kbroker && i < p->nclaimed; i++)
		kis_broker_claim_odno(l->kbroker, p->claimed[i]);
}

/* The journal's view first (state, book, open orders), then on_start, then
 * the fills a strategy was never told of; KIS is asked what it missed. */
void lvb_begin_trading(struct live *l, int64_t now)
{
	struct restore_plan plan = {0};
	if (l->jr) {
		char err[512];
		if (restore_from_journal(l->jr, l->core, ktime_kst_day(now), l->opt->mode == LIVE_PAPER, live_wall_ms(),
		                         &plan, say_level, l, err, sizeof(err)) != KE_OK) {
			snprintf(l->fatal, sizeof(l->fatal), "%s", err);
			live_stop(l, 2, l->fatal);
			return;
		}
		bind_adopted(l, &plan);
	}
	core_start(l->core, now);
	l->core_started = 1;
	lvc_step(l); /* the holiday inquiry first: the day's warning waits for it */
	day_begin(l, ktime_kst_day(now));
	core_pump(l->core);
	for (size_t i = 0; i < plan.nredeliver; i++)
		core_redeliver_fill(l->core, &plan.redeliver[i]);
	core_pump(l->core);
	restore_plan_free(&plan);
	if (l->kbroker && l->jr) {
		kis_broker_poll_now(l->kbroker);
		l->recon = RECON_WAIT;
	}
}

/* Look again later: a failed inquiry, or orders still working. */
static void recon_retry(struct live *l, int64_t after_ms)
{
	l->recon = RECON_WAIT;
	l->recon_not_before = (int64_t)uv_now(&l->loop) + after_ms;
}

static void on_recon_orders(void *ud, const struct kis_error *e, const struct kis_msg_ccld_list *rows)
{
	struct live *l = ud;
	if (l->stopping || !l->jr)
		return;
	if (e) {
		live_log(l, CORE_LOG_WARN, NULL, "reconciliation: today's orders at KIS unknown (%s%s%s)", e->code,
		         e->code[0] ? " " : "", e->msg);
		return;
	}
	restore_report_foreign_orders(l->jr, rows, ktime_kst_day(live_now(l)), say_level, l);
}

static void on_recon_balance(void *ud, const struct kis_error *e, const struct kis_msg_balance *b)
{
	struct live *l = ud;
	if (l->stopping)
		return;
	if (e) {
		fprintf(
		    stderr,
		    "kis-engine: warning: reconciliation: the balance inquiry failed (%s%s%s): trying again in 5 s\n",
		    e->code, e->code[0] ? " " : "", e->msg);
		recon_retry(l, 5000);
		return;
	}
	struct restore_balance_result r;
	restore_compare_balance(l->core, b, say_level, l, &r);
	if (r.skipped > 0) {
		recon_retry(l, 10000);
		return;
	}
	l->recon = RECON_DONE;
	live_say(l, "reconciled with KIS: %d symbols compared, %d holdings lowered to KIS's, %d unowned", r.compared,
	         r.lowered, r.unowned);
	/* Orders of today that are nobody's here: reported, never touched. */
	struct kis_msg_ccld_filter f;
	memset(&f, 0, sizeof(f));
	kis_client_today(l->client, f.start);
	memcpy(f.end, f.start, sizeof(f.end));
	f.fill = KIS_MSG_CCLD_ALL;
	kis_client_daily_ccld(l->client, &f, on_recon_orders, l);
}

static void reconcile_step(struct live *l)
{
	if (l->recon != RECON_WAIT || !l->kbroker || kis_broker_unsettled(l->kbroker) > 0 ||
	    (int64_t)uv_now(&l->loop) < l->recon_not_before)
		return;
	if (kis_client_balance(l->client, on_recon_balance, l) == KE_OK)
		l->recon = RECON_ASKED;
}

static int count_order(void *ud, const struct order *o)
{
	(void)o;
	(*(int *)ud)++;
	return 0;
}

/* The status line: for people on a terminal, and always in JSON lines. */
static void status_step(struct live *l)
{
	int64_t every = l->opt->cfg->live.status_every_s;
	struct logline *lg = l->opt->log;
	if (every <= 0 || !lg || (!logline_is_tty(lg) && !logline_is_json(lg)))
		return;
	int64_t mono = (int64_t)uv_now(&l->loop);
	if (l->status_at && mono - l->status_at < every * 1000)
		return;
	l->status_at = mono;
	struct logline_strategy ss[64];
	int n = core_strategy_count(l->core) < 64 ? core_strategy_count(l->core) : 64;
	for (int i = 0; i < n; i++) {
		struct logline_strategy *s = &ss[i];
		memset(s, 0, sizeof(*s));
		s->name = core_strategy_name(l->core, i);
		s->equity = core_equity(l->core, i);
		s->day_pnl = s->equity - l->day_start_eq[i];
		s->cash = core_cash(l->core, i);
		for (int32_t sym = 0; sym < core_symbol_count(l->core); sym++) {
			struct core_position p;
			if (core_position(l->core, i, sym, &p) == KE_OK && p.qty > 0)
				s->positions++;
		}
		core_open_orders(l->core, i, -1, count_order, &s->open_orders);
		s->fills_today = l->fills_today[i];
		s->halted = core_strategy_halted(l->core, i) != NULL;
	}
	struct feed_status fs;
	core_feed_status(l->core, &fs);
	int64_t now = live_wall_ms();
	struct logline_status st = {.time_ms = live_now(l),
	                            .mode = live_mode_name(l->opt->mode),
	                            .feed = fs.connected ? "live" : "down",
	                            .feed_age_ms = fs.last_frame > 0 ? now - fs.last_frame : -1,
	                            .frames_per_sec = fs.frames_per_sec,
	                            .reconnects = fs.reconnects,
	                            .strategies = ss,
	                            .nstrategies = n};
	logline_status(lg, &st);
}

void lvb_clock_step(struct live *l)
{
	status_step(l);
	lvc_step(l);
	reconcile_step(l);
	trading_day_step(l);
}

struct core_observer lvb_observer(struct live *l)
{
	struct core_observer obs = {.ctx = l,
	                            .on_order = jr_order,
	                            .on_fill = jr_fill,
	                            .fill_delivered = jr_fill_delivered,
	                            .before_send = jr_before_send};
	return obs;
}
