/*
 * backtest.c - the replay driver: mdmerge's stream of records, fed to the
 * venue and the core in the order backtest.h describes.
 */
#include "backtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krx.h"
#include "ktime.h"
#include "mdmerge.h"

#define SYMBOL_CACHE 16

/* Codes of up to 8 characters packed into an integer, so finding a row's
 * symbol is a few integer compares instead of a hash and strcmp. */
struct symbol_cache {
	uint64_t key[SYMBOL_CACHE];
	int32_t sym[SYMBOL_CACHE];
	int n;
};

/* 0 when the code is longer than 8 characters (not cacheable). */
static uint64_t pack_code(const char *code)
{
	uint64_t k = 0;
	int i = 0;
	for (; i < 8 && code[i]; i++)
		k |= (uint64_t)(unsigned char)code[i] << (8 * i);
	return code[i] ? 0 : k;
}

static int symbol_of(struct core *core, struct symbol_cache *sc, const char *code, int32_t *out)
{
	uint64_t key = pack_code(code);
	for (int i = 0; key && i < sc->n; i++) {
		if (sc->key[i] == key) {
			*out = sc->sym[i];
			return KE_OK;
		}
	}
	int rc = core_symbol_intern(core, code, out);
	if (rc == KE_OK && key && sc->n < SYMBOL_CACHE) {
		sc->key[sc->n] = key;
		sc->sym[sc->n++] = *out;
	}
	return rc;
}

static void deliver(struct core *core, struct simbroker *venue, const struct md_record *r, int32_t sym)
{
	simbroker_advance(venue, r->time);
	core_advance(core, r->time);
	if (r->kind == MD_TICK) {
		struct tick t = {r->time, sym, r->price, r->volume, r->bid, r->ask};
		simbroker_on_tick(venue, &t);
		core_on_tick(core, &t);
	} else {
		struct bar b = {r->time, sym, r->open, r->high, r->low, r->close, r->volume};
		simbroker_on_bar(venue, &b);
		core_on_bar(core, &b);
	}
}

/* ---- history before --from (the strategies' warm-up, s.history) ---- */

/* The last `need` bars of one symbol and kind, the newest still forming. */
struct hist_ring {
	struct bar *b;
	int need, n, head; /* head: index of the oldest */
	int64_t key;       /* the forming bar's day (daily) or minute; -1 none */
	struct bar cur;
};

static void ring_push(struct hist_ring *r, const struct bar *b)
{
	if (r->n < r->need) {
		r->b[(r->head + r->n++) % r->need] = *b;
	} else {
		r->b[r->head] = *b;
		r->head = (r->head + 1) % r->need;
	}
}

static void ring_add(struct hist_ring *r, int64_t key, int64_t end, const struct md_record *rec)
{
	int64_t o = rec->kind == MD_TICK ? rec->price : rec->open, h = rec->kind == MD_TICK ? rec->price : rec->high;
	int64_t lo = rec->kind == MD_TICK ? rec->price : rec->low, c = rec->kind == MD_TICK ? rec->price : rec->close;
	if (r->key != key) {
		if (r->key >= 0)
			ring_push(r, &r->cur);
		r->key = key;
		r->cur = (struct bar){.time = end, .open = o, .high = h, .low = lo, .close = c, .volume = 0};
	}
	if (h > r->cur.high)
		r->cur.high = h;
	if (lo < r->cur.low)
		r->cur.low = lo;
	r->cur.close = c;
	r->cur.volume += rec->volume;
}

/* Hands the core, per symbol, the daily and one-minute bars of the data
 * before --from that the strategies asked for: what a live run fetches
 * from KIS before its start. Bars are built as KIS shows them: a day ends
 * at the 15:30 close, a minute a minute after its label. */
static int load_history(struct core *core, const struct backtest_options *opt, char *err, size_t errlen)
{
	int32_t nsym = core_symbol_count(core);
	int any = 0;
	for (int32_t i = 0; i < nsym; i++)
		for (int k = 0; k < CORE_HIST_KINDS; k++)
			any |= core_history_need(core, i, (enum core_history_kind)k) > 0;
	if (!any || opt->from_day < 0)
		return KE_OK;
	struct hist_ring *rings = calloc((size_t)nsym * CORE_HIST_KINDS, sizeof(*rings));
	if (!rings)
		return KE_ENOMEM;
	int rc = KE_OK;
	for (int32_t i = 0; i < nsym && rc == KE_OK; i++)
		for (int k = 0; k < CORE_HIST_KINDS; k++) {
			struct hist_ring *r = &rings[i * CORE_HIST_KINDS + k];
			r->need = core_history_need(core, i, (enum core_history_kind)k);
			r->key = -1;
			if (r->need > 0 && !(r->b = calloc((size_t)r->need, sizeof(*r->b))))
				rc = KE_ENOMEM;
		}
	struct mdmerge *m = NULL;
	if (rc == KE_OK)
		rc = mdmerge_open(opt->data, opt->ndata, -1, opt->from_day - 1, &m, err, errlen);
	struct md_record rec;
	int got = 0;
	while (rc == KE_OK && (got = mdmerge_next(m, &rec, err, errlen)) > 0) {
		int32_t sym;
		if (core_symbol_find(core, rec.symbol, &sym) != KE_OK)
			continue; /* no strategy trades it */
		struct hist_ring *r = &rings[sym * CORE_HIST_KINDS];
		int32_t day = ktime_kst_day(rec.time);
		if (r[CORE_HIST_DAILY].need > 0)
			ring_add(&r[CORE_HIST_DAILY], day, ktime_day_start(day) + KRX_CLOSE_MS, &rec);
		/* A bar record is stamped at its end: it belongs to the minute before. */
		int64_t minute = (rec.kind == MD_TICK ? rec.time : rec.time - 1) / 60000;
		if (r[CORE_HIST_MINUTE].need > 0)
			ring_add(&r[CORE_HIST_MINUTE], minute, (minute + 1) * 60000, &rec);
	}
	if (got < 0)
		rc = KE_EINVAL;
	for (int32_t i = 0; i < nsym * CORE_HIST_KINDS && rc == KE_OK; i++) {
		struct hist_ring *r = &rings[i];
		if (r->need <= 0)
			continue;
		if (r->key >= 0)
			ring_push(r, &r->cur); /* the data before --from is complete */
		struct bar *out = malloc((size_t)(r->n ? r->n : 1) * sizeof(*out));
		if (!out) {
			rc = KE_ENOMEM;
			break;
		}
		for (int j = 0; j < r->n; j++)
			out[j] = r->b[(r->head + j) % r->need];
		rc = core_history_set(core, i / CORE_HIST_KINDS, (enum core_history_kind)(i % CORE_HIST_KINDS), out,
		                      (size_t)r->n);
		free(out);
	}
	if (rc == KE_ENOMEM)
		snprintf(err, errlen, "out of memory building the strategies' history");
	mdmerge_close(m);
	for (int32_t i = 0; i < nsym * CORE_HIST_KINDS; i++)
		free(rings[i].b);
	free(rings);
	return rc;
}

int backtest_run(struct core *core, struct simbroker *venue, const struct backtest_options *opt,
                 struct backtest_stats *stats, char *err, size_t errlen)
{
	memset(stats, 0, sizeof(*stats));
	int rc = load_history(core, opt, err, errlen);
	if (rc != KE_OK)
		return rc;
	struct mdmerge *m;
	rc = mdmerge_open(opt->data, opt->ndata, opt->from_day, opt->to_day, &m, err, errlen);
	if (rc != KE_OK)
		return rc;
	struct symbol_cache sc = {.n = 0};
	struct md_record rec;
	int got;
	while ((got = mdmerge_next(m, &rec, err, errlen)) > 0) {
		int32_t sym;
		if (symbol_of(core, &sc, rec.symbol, &sym) != KE_OK) {
			snprintf(err, errlen, "line %ld: cannot use symbol '%s'", rec.line, rec.symbol);
			rc = KE_EINVAL;
			goto out;
		}
		if (stats->events == 0) {
			core_start(core, rec.time);
			stats->first_time = rec.time;
		}
		deliver(core, venue, &rec, sym);
		stats->events++;
		stats->last_time = rec.time;
		if (opt->on_event)
			opt->on_event(opt->ud, rec.time);
	}
	if (got < 0) {
		rc = KE_EINVAL;
		goto out;
	}
	if (stats->events == 0) {
		snprintf(err, errlen, "no data in the given files%s",
		         opt->from_day >= 0 || opt->to_day >= 0 ? " between --from and --to" : "");
		rc = KE_EINVAL;
		goto out;
	}
	core_finish(core);
out:
	mdmerge_close(m);
	return rc;
}
