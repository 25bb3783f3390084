/*
 * backtest.c - the replay driver.
 *
 * Files are merged with a small binary heap keyed by (time, file index):
 * within a file rows keep their order, and across files equal times go in
 * the order the files were given, so the merge is stable and reproducible.
 */
#include "backtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvfeed.h"
#include "ktime.h"

#define SYMBOL_CACHE 16

struct source {
	struct csvfeed *feed;
	struct md_record rec; /* the next record of this file */
	int index;
	/* Codes of up to 8 characters packed into an integer, so the lookup of
	 * a row's symbol is a few integer compares instead of a hash and strcmp. */
	uint64_t cache_key[SYMBOL_CACHE];
	int32_t cache_sym[SYMBOL_CACHE];
	int ncache;
};

static int src_less(const struct source *a, const struct source *b)
{
	return a->rec.time < b->rec.time || (a->rec.time == b->rec.time && a->index < b->index);
}

static void heap_down(struct source **h, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && src_less(h[l], h[m]))
			m = l;
		if (r < n && src_less(h[r], h[m]))
			m = r;
		if (m == i)
			return;
		struct source *t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Reads the next record within the date range: 1 got one, 0 end, < 0 error. */
static int next_in_range(struct source *s, const struct backtest_options *opt, char *err, size_t errlen)
{
	for (;;) {
		int rc = csvfeed_next(s->feed, &s->rec, err, errlen);
		if (rc <= 0)
			return rc;
		if (opt->from_day < 0 && opt->to_day < 0)
			return 1;
		int32_t day = ktime_kst_day(s->rec.time);
		if (opt->from_day >= 0 && day < opt->from_day)
			continue;
		if (opt->to_day >= 0 && day > opt->to_day)
			return 0; /* files are time-sorted: nothing later is in range */
		return 1;
	}
}

/* 0 when the code is longer than 8 characters (not cacheable). */
static uint64_t pack_code(const char *code)
{
	uint64_t k = 0;
	int i = 0;
	for (; i < 8 && code[i]; i++)
		k |= (uint64_t)(unsigned char)code[i] << (8 * i);
	return code[i] ? 0 : k;
}

static int symbol_of(struct core *core, struct source *s, int32_t *out)
{
	uint64_t key = pack_code(s->rec.symbol);
	for (int i = 0; key && i < s->ncache; i++) {
		if (s->cache_key[i] == key) {
			*out = s->cache_sym[i];
			return KE_OK;
		}
	}
	int rc = core_symbol_intern(core, s->rec.symbol, out);
	if (rc == KE_OK && key && s->ncache < SYMBOL_CACHE) {
		s->cache_key[s->ncache] = key;
		s->cache_sym[s->ncache++] = *out;
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
	if (opt->ndata <= 0) {
		snprintf(err, errlen, "no data files given");
		return KE_EINVAL;
	}
	struct source *src = calloc((size_t)opt->ndata, sizeof(*src));
	struct source **heap = calloc((size_t)opt->ndata, sizeof(*heap));
	int n = 0, rc = KE_OK;
	if (!src || !heap) {
		snprintf(err, errlen, "out of memory");
		rc = KE_ENOMEM;
		goto out;
	}
	for (int i = 0; i < opt->ndata; i++) {
		src[i].index = i;
		rc = csvfeed_open(opt->data[i], &src[i].feed, err, errlen);
		if (rc != KE_OK)
			goto out;
		int got = next_in_range(&src[i], opt, err, errlen);
		if (got < 0) {
			rc = KE_EINVAL;
			goto out;
		}
		if (got)
			heap[n++] = &src[i];
	}
	for (int i = n / 2 - 1; i >= 0; i--)
		heap_down(heap, n, i);

	int started = 0;
	while (n > 0) {
		struct source *s = heap[0];
		int32_t sym;
		if (symbol_of(core, s, &sym) != KE_OK) {
			snprintf(err, errlen, "%s:%ld: cannot use symbol '%s'", csvfeed_path(s->feed), s->rec.line,
			         s->rec.symbol);
			rc = KE_EINVAL;
			goto out;
		}
		if (!started) {
			core_start(core, s->rec.time);
			stats->first_time = s->rec.time;
			started = 1;
		}
		deliver(core, venue, &s->rec, sym);
		stats->events++;
		stats->last_time = s->rec.time;
		if (opt->on_event)
			opt->on_event(opt->ud, s->rec.time);
		int got = next_in_range(s, opt, err, errlen);
		if (got < 0) {
			rc = KE_EINVAL;
			goto out;
		}
		if (!got)
			heap[0] = heap[--n];
		heap_down(heap, n, 0);
	}
	if (!started) {
		snprintf(err, errlen, "no data in the given files%s",
		         opt->from_day >= 0 || opt->to_day >= 0 ? " between --from and --to" : "");
		rc = KE_EINVAL;
		goto out;
	}
	core_finish(core);
out:
	for (int i = 0; src && i < opt->ndata; i++)
		csvfeed_close(src[i].feed);
	free(src);
	free(heap);
	return rc;
}
