/*
 * restore.c - rebuilding the engine's view after a restart (see restore.h).
 */
#include "restore.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktime.h"

/* What the journal says of one order, gathered before anything is booked. */
struct jrow {
	struct journal_order o;
	int strategy; /* -1: no strategy of that name runs now */
	int32_t sym;
	int64_t fq, fv; /* its journaled fills: qty, value */
};

struct loader {
	struct jrow *rows;
	size_t n, cap;
	struct journal_fill *fills;
	size_t nf, capf;
};

static void tell(restore_say_fn say, void *ud, enum core_log_level lv, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void tell(restore_say_fn say, void *ud, enum core_log_level lv, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (say)
		say(ud, lv, msg);
}

static int grow(void **p, size_t *cap, size_t n, size_t item)
{
	if (n < *cap)
		return KE_OK;
	size_t c = *cap ? *cap * 2 : 64;
	void *q = realloc(*p, c * item);
	if (!q)
		return KE_ENOMEM;
	*p = q;
	*cap = c;
	return KE_OK;
}

static int collect_order(void *ud, const struct journal_order *o)
{
	struct loader *ld = ud;
	if (grow((void **)&ld->rows, &ld->cap, ld->n, sizeof(*ld->rows)) != KE_OK)
		return KE_ENOMEM;
	struct jrow *r = &ld->rows[ld->n++];
	memset(r, 0, sizeof(*r));
	r->o = *o;
	return KE_OK;
}

static int collect_fill(void *ud, const struct journal_fill *f)
{
	struct loader *ld = ud;
	if (grow((void **)&ld->fills, &ld->capf, ld->nf, sizeof(*ld->fills)) != KE_OK)
		return KE_ENOMEM;
	ld->fills[ld->nf++] = *f;
	return KE_OK;
}

/* Rows come in id order: binary search. */
static struct jrow *row_of(struct loader *ld, int64_t id)
{
	size_t lo = 0, hi = ld->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ld->rows[mid].o.id == id)
			return &ld->rows[mid];
		if (ld->rows[mid].o.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int load_states(struct journal *jr, struct core *core, struct restore_plan *out, char *err, size_t errlen)
{
	for (int i = 0; i < core_strategy_count(core); i++) {
		const char *name = core_strategy_name(core, i);
		char *blob = NULL;
		size_t len = 0;
		int rc = journal_state_get(jr, name, &blob, &len);
		if (rc == KE_ENOENT)
			continue;
		if (rc != KE_OK) {
			snprintf(err, errlen, "journal: the state of strategy '%s': %s", name, journal_errmsg(jr));
			return rc;
		}
		rc = core_strategy_load_state(core, i, blob, len);
		free(blob);
		if (rc == KE_ENOENT)
			continue; /* the strategy keeps no state */
		if (rc != KE_OK) {
			snprintf(err, errlen,
			         "the saved ctx.state of strategy '%s' cannot be restored (%s); the journal keeps it",
			         name, ke_strerror(rc));
			return rc;
		}
		out->states_loaded++;
	}
	return KE_OK;
}

/* Book every journaled fill again; remember the unnotified ones. */
static int book_fills(struct loader *ld, struct core *core, struct restore_plan *out, char *err, size_t errlen)
{
	for (size_t i = 0; i < ld->nf; i++) {
		const struct journal_fill *f = &ld->fills[i];
		struct jrow *r = row_of(ld, f->order_id);
		if (!r) {
			snprintf(err, errlen, "journal: fill %lld belongs to no order %lld", (long long)f->id,
			         (long long)f->order_id);
			return KE_EINVAL;
		}
		r->fq += f->qty;
		r->fv += f->qty * f->price;
		if (r->strategy < 0) {
			out->foreign_fills++;
			continue;
		}
		int rc = core_restore_fill(core, r->strategy, r->sym, r->o.side, f->qty, f->price, f->fee, f->tax);
		if (rc != KE_OK) {
			snprintf(err, errlen,
			         "journal: fill %lld (%s %lld %s @ %lld of strategy '%s') cannot be booked: %s",
			         (long long)f->id, order_side_name(r->o.side), (long long)f->qty, r->o.symbol,
			         (long long)f->price, r->o.strategy, ke_strerror(rc));
			return rc;
		}
		out->fills_booked++;
		if (f->notified == 0) {
			/* Few: a crash leaves at most the fills of one pump untold. */
			struct fill *p = realloc(out->redeliver, (out->nredeliver + 1) * sizeof(*p));
			if (!p)
				return KE_ENOMEM;
			out->redeliver = p;
			p[out->nredeliver++] = (struct fill){.strategy = r->strategy,
			                                     .sym = r->sym,
			                                     .side = r->o.side,
			                                     .qty = f->qty,
			                                     .price = f->price,
			                                     .fee = f->fee,
			                                     .tax = f->tax,
			                                     .time = f->time,
			                                     .ref = f->id};
		}
	}
	return KE_OK;
}

static int claim(struct restore_plan *out, const char *odno)
{
	if (!odno[0])
		return KE_OK;
	void *p = realloc(out->claimed, (out->nclaimed + 1) * sizeof(*out->claimed));
	if (!p)
		return KE_ENOMEM;
	out->claimed = p;
	snprintf(out->claimed[out->nclaimed++], JOURNAL_ODNO_MAX, "%s", odno);
	return KE_OK;
}

static int end_in_journal(struct journal *jr, struct jrow *r, const char *state, const char *why, int64_t now_ms)
{
	struct journal_order o = r->o;
	snprintf(o.state, sizeof(o.state), "%s", state);
	snprintf(o.reason, sizeof(o.reason), "%s", why);
	o.filled_qty = r->fq;
	o.updated = now_ms;
	return journal_order_update(jr, &o);
}

/* An order the journal still counts as open. */
static int settle_open_order(struct journal *jr, struct core *core, struct jrow *r, int32_t today, int paper,
                             int64_t now_ms, struct restore_plan *out, restore_say_fn say, void *ud, char *err,
                             size_t errlen)
{
	int32_t day = ktime_kst_day(r->o.created);
	const char *why = NULL;
	if (r->fq >= r->o.qty)
		return end_in_journal(jr, r, "filled", "", now_ms);
	if (paper)
		why = "paper orders end with their run";
	else if (day < today)
		why = "expired: KRX orders last one day";
	if (why) {
		out->orders_expired++;
		/* KIS numbers restart every day: only today's may be mistaken. */
		if (day == today && claim(out, r->o.odno) != KE_OK)
			return KE_ENOMEM;
		tell(say, ud, CORE_LOG_INFO, "order %lld (%s %s %lld %s) of an earlier run ended: %s",
		     (long long)r->o.id, r->o.strategy, order_side_name(r->o.side), (long long)r->o.qty, r->o.symbol,
		     why);
		return end_in_journal(jr, r, "cancelled", why, now_ms);
	}
	if (r->strategy < 0) {
		/* Still working at KIS for a strategy that no longer runs here. */
		tell(say, ud, CORE_LOG_WARN,
		     "order %lld (%s %lld %s, KIS %s) belongs to strategy '%s', which is not in this run: left alone",
		     (long long)r->o.id, order_side_name(r->o.side), (long long)r->o.qty, r->o.symbol,
		     r->o.odno[0] ? r->o.odno : "number unknown", r->o.strategy);
		return claim(out, r->o.odno);
	}
	struct order_request req = {.sym = r->sym,
	                            .side = r->o.side,
	                            .type = r->o.type,
	                            .price = r->o.type == ORDER_LIMIT ? r->o.price : 0,
	                            .qty = r->o.qty};
	int64_t id;
	char why_not[KE_REASON_MAX];
	int rc = core_adopt_order(core, r->strategy, &req, r->fq, r->fv, r->o.created, r->o.odno[0] != 0, &id, why_not,
	                          sizeof(why_not));
	if (rc != KE_OK) {
		snprintf(err, errlen, "journal: order %lld cannot be adopted: %s", (long long)r->o.id, why_not);
		return rc;
	}
	void *p = realloc(out->adopted, (out->nadopted + 1) * sizeof(*out->adopted));
	if (!p)
		return KE_ENOMEM;
	out->adopted = p;
	struct restore_adopted *a = &out->adopted[out->nadopted++];
	memset(a, 0, sizeof(*a));
	a->engine_id = id;
	a->journal_id = r->o.id;
	snprintf(a->symbol, sizeof(a->symbol), "%s", r->o.symbol);
	a->side = r->o.side;
	a->type = r->o.type;
	a->price = req.price;
	a->qty = r->o.qty;
	a->filled_qty = r->fq;
	a->filled_value = r->fv;
	a->created = r->o.created;
	snprintf(a->orgno, sizeof(a->orgno), "%s", r->o.orgno);
	snprintf(a->odno, sizeof(a->odno), "%s", r->o.odno);
	tell(say, ud, CORE_LOG_INFO, "order %lld (%s %s %lld %s, KIS %s) carried over as order %lld",
	     (long long)r->o.id, r->o.strategy, order_side_name(r->o.side), (long long)r->o.qty, r->o.symbol,
	     r->o.odno[0] ? r->o.odno : "answer never came", (long long)id);
	return KE_OK;
}

int restore_from_journal(struct journal *jr, struct core *core, int32_t today, int paper, int64_t now_ms,
                         struct restore_plan *out, restore_say_fn say, void *ud, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	struct loader ld = {0};
	int rc = load_states(jr, core, out, err, errlen);
	if (rc == KE_OK && (journal_orders(jr, 0, -1, collect_order, &ld) != KE_OK ||
	                    journal_fills(jr, 0, -1, collect_fill, &ld) != KE_OK)) {
		snprintf(err, errlen, "journal: %s", journal_errmsg(jr));
		rc = KE_EIO;
	}
	for (size_t i = 0; rc == KE_OK && i < ld.n; i++) {
		struct jrow *r = &ld.rows[i];
		if (core_strategy_find(core, r->o.strategy, &r->strategy) != KE_OK)
			r->strategy = -1;
		if (core_symbol_intern(core, r->o.symbol, &r->sym) != KE_OK) {
			snprintf(err, errlen, "journal: order %lld has a bad symbol", (long long)r->o.id);
			rc = KE_EINVAL;
		}
	}
	if (rc == KE_OK)
		rc = book_fills(&ld, core, out, err, errlen);
	/* Adopted orders, expiries and the redeliveries are one transaction. */
	if (rc == KE_OK)
		rc = journal_begin(jr);
	for (size_t i = 0; rc == KE_OK && i < ld.n; i++) {
		struct jrow *r = &ld.rows[i];
		int open = strcmp(r->o.state, "filled") != 0 && strcmp(r->o.state, "cancelled") != 0 &&
		           strcmp(r->o.state, "rejected") != 0;
		if (open)
			rc = settle_open_order(jr, core, r, today, paper, now_ms, out, say, ud, err, errlen);
		else if (ktime_kst_day(r->o.created) == today)
			rc = claim(out, r->o.odno);
	}
	if (rc == KE_OK) {
		rc = journal_commit(jr);
		if (rc != KE_OK)
			snprintf(err, errlen, "journal: %s", journal_errmsg(jr));
	} else {
		journal_rollback(jr);
	}
	/* A redelivered fill names its order as this run knows it. */
	for (size_t i = 0; rc == KE_OK && i < out->nredeliver; i++) {
		const struct journal_fill *jf = NULL;
		for (size_t k = 0; k < ld.nf && !jf; k++)
			if (ld.fills[k].id == out->redeliver[i].ref)
				jf = &ld.fills[k];
		for (size_t k = 0; jf && k < out->nadopted; k++)
			if (out->adopted[k].journal_id == jf->order_id)
				out->redeliver[i].order_id = out->adopted[k].engine_id;
	}
	if (rc == KE_OK && (out->fills_booked || out->nadopted || out->orders_expired || out->nredeliver))
		tell(say, ud, CORE_LOG_INFO,
		     "journal: %lld fills booked again, %zu orders carried over, %lld ended, %zu fills to tell "
		     "their strategy",
		     (long long)out->fills_booked, out->nadopted, (long long)out->orders_expired, out->nredeliver);
	if (rc == KE_OK && out->foreign_fills)
		tell(say, ud, CORE_LOG_WARN, "journal: %lld fills belong to strategies not in this run: not booked",
		     (long long)out->foreign_fills);
	free(ld.rows);
	free(ld.fills);
	if (rc != KE_OK)
		restore_plan_free(out);
	return rc;
}

void restore_plan_free(struct restore_plan *p)
{
	if (!p)
		return;
	free(p->adopted);
	free(p->redeliver);
	free(p->claimed);
	memset(p, 0, sizeof(*p));
}

/* ---- the broker's word ---- */

static int count_open(void *ud, const struct order *o)
{
	(void)o;
	(*(int *)ud)++;
	return 0;
}

static int open_orders_on(struct core *core, int32_t sym)
{
	int n = 0;
	for (int i = 0; i < core_strategy_count(core); i++)
		core_open_orders(core, i, sym, count_open, &n);
	return n;
}

static void compare_symbol(struct core *core, int32_t sym, int64_t kis_qty, restore_say_fn say, void *ud,
                           struct restore_balance_result *res)
{
	const char *code = core_symbol_name(core, sym);
	int64_t ours = 0;
	for (int i = 0; i < core_strategy_count(core); i++) {
		struct core_position p;
		core_position(core, i, sym, &p);
		ours += p.qty;
	}
	if (ours == kis_qty)
		return;
	if (open_orders_on(core, sym) > 0) {
		res->skipped++;
		tell(say, ud, CORE_LOG_WARN,
		     "reconcile %s: KIS holds %lld, the strategies %lld; orders are working, "
		     "so not compared now",
		     code, (long long)kis_qty, (long long)ours);
		return;
	}
	if (kis_qty > ours) {
		res->unowned++;
		tell(
		    say, ud, CORE_LOG_WARN,
		    "reconcile %s: KIS holds %lld shares, the strategies %lld: %lld belong to no strategy and are left "
		    "alone",
		    code, (long long)kis_qty, (long long)ours, (long long)(kis_qty - ours));
		return;
	}
	/* KIS holds less: it wins, the last strategies give up shares first. */
	int64_t excess = ours - kis_qty;
	for (int i = core_strategy_count(core) - 1; i >= 0 && excess > 0; i--) {
		struct core_position p;
		core_position(core, i, sym, &p);
		int64_t cut = p.available < excess ? p.available : excess;
		if (cut <= 0)
			continue;
		if (core_set_position_qty(core, i, sym, p.qty - cut) != KE_OK)
			continue;
		excess -= cut;
		res->lowered++;
		tell(
		    say, ud, CORE_LOG_WARN,
		    "reconcile %s: KIS holds %lld shares, the strategies %lld: strategy '%s' now holds %lld (was %lld)",
		    code, (long long)kis_qty, (long long)ours, core_strategy_name(core, i), (long long)(p.qty - cut),
		    (long long)p.qty);
	}
	if (excess > 0)
		tell(say, ud, CORE_LOG_ERROR, "reconcile %s: %lld shares too many in the books could not be removed",
		     code, (long long)excess);
}

void restore_compare_balance(struct core *core, const struct kis_msg_balance *bal, restore_say_fn say, void *ud,
                             struct restore_balance_result *out)
{
	struct restore_balance_result res = {0};
	int32_t nsym = core_symbol_count(core);
	unsigned char *seen = calloc((size_t)nsym + 1, 1);
	for (size_t i = 0; i < bal->npos; i++) {
		const struct kis_msg_position *p = &bal->pos[i];
		int32_t sym;
		if (core_symbol_find(core, p->symbol, &sym) != KE_OK) {
			if (p->qty > 0) {
				res.unowned++;
				tell(say, ud, CORE_LOG_WARN,
				     "reconcile %s: KIS holds %lld shares no strategy trades: left alone", p->symbol,
				     (long long)p->qty);
			}
			continue;
		}
		if (seen && sym < nsym)
			seen[sym] = 1;
		res.compared++;
		compare_symbol(core, sym, p->qty, say, ud, &res);
	}
	/* Symbols KIS does not list at all: it holds none of them. */
	for (int32_t sym = 0; seen && sym < nsym; sym++)
		if (!seen[sym]) {
			res.compared++;
			compare_symbol(core, sym, 0, say, ud, &res);
		}
	free(seen);
	if (out)
		*out = res;
}

/* KIS pads ODNO to 10 digits in some answers and not in others: look
 * for the number as given, padded, and unpadded. */
static int find_odno_any(struct journal *jr, const char *odno, struct journal_order *o)
{
	if (journal_find_odno(jr, odno, o) == KE_OK)
		return KE_OK;
	const char *digits = odno;
	while (*digits == '0')
		digits++;
	char padded[32];
	size_t n = strlen(digits);
	if (n == 0 || n > 10)
		return KE_ENOENT;
	snprintf(padded, sizeof(padded), "%.*s%s", (int)(10 - n), "0000000000", digits);
	if (strcmp(padded, odno) != 0 && journal_find_odno(jr, padded, o) == KE_OK)
		return KE_OK;
	return digits != odno && journal_find_odno(jr, digits, o) == KE_OK ? KE_OK : KE_ENOENT;
}

int restore_report_foreign_orders(struct journal *jr, const struct kis_msg_ccld_list *rows, int32_t today,
                                  restore_say_fn say, void *ud)
{
	int n = 0;
	for (size_t i = 0; i < rows->n; i++) {
		const struct kis_msg_ccld_row *r = &rows->rows[i];
		/* A revise or cancel row belongs to the order it changed. */
		if (r->cancel || r->orig_odno[0] || !r->odno[0])
			continue;
		struct journal_order o;
		if (find_odno_any(jr, r->odno, &o) == KE_OK && ktime_kst_day(o.created) == today)
			continue;
		n++;
		tell(say, ud, CORE_LOG_WARN,
		     "reconcile: KIS order %s (%s %lld %s, %lld filled) was not placed by this engine: left alone",
		     r->odno, order_side_name(r->side), (long long)r->qty, r->symbol, (long long)r->filled_qty);
	}
	return n;
}
