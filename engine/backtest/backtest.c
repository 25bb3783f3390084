/*
 * backtest.c - the replay driver: mdmerge's stream of records, fed to the
 * venue and the core in the order backtest.h describes.
 */
#include "backtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int backtest_run(struct core *core, struct simbroker *venue, const struct backtest_options *opt,
                 struct backtest_stats *stats, char *err, size_t errlen)
{
	memset(stats, 0, sizeof(*stats));
	struct mdmerge *m;
	int rc = mdmerge_open(opt->data, opt->ndata, opt->from_day, opt->to_day, &m, err, errlen);
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
