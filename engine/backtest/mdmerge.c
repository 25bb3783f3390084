/*
 * mdmerge.c - a binary heap of CSV readers keyed by (time, file index).
 */
#include "mdmerge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktime.h"

struct source {
	struct csvfeed *feed;
	struct md_record rec; /* the next record of this file */
	int index;
};

struct mdmerge {
	struct source *src;
	struct source **heap;
	int nsrc, n;
	int32_t from_day, to_day;
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
static int next_in_range(const struct mdmerge *m, struct source *s, char *err, size_t errlen)
{
	for (;;) {
		int rc = csvfeed_next(s->feed, &s->rec, err, errlen);
		if (rc <= 0)
			return rc;
		if (m->from_day < 0 && m->to_day < 0)
			return 1;
		int32_t day = ktime_kst_day(s->rec.time);
		if (m->from_day >= 0 && day < m->from_day)
			continue;
		if (m->to_day >= 0 && day > m->to_day)
			return 0; /* files are time-sorted: nothing later is in range */
		return 1;
	}
}

int mdmerge_open(const char *const *paths, int n, int32_t from_day, int32_t to_day, struct mdmerge **out, char *err,
                 size_t errlen)
{
	*out = NULL;
	if (n <= 0) {
		snprintf(err, errlen, "no data files given");
		return KE_EINVAL;
	}
	struct mdmerge *m = calloc(1, sizeof(*m));
	if (!m || !(m->src = calloc((size_t)n, sizeof(*m->src))) || !(m->heap = calloc((size_t)n, sizeof(*m->heap)))) {
		mdmerge_close(m);
		snprintf(err, errlen, "out of memory");
		return KE_ENOMEM;
	}
	m->nsrc = n;
	m->from_day = from_day;
	m->to_day = to_day;
	for (int i = 0; i < n; i++) {
		struct source *s = &m->src[i];
		s->index = i;
		int rc = csvfeed_open(paths[i], &s->feed, err, errlen);
		if (rc != KE_OK) {
			mdmerge_close(m);
			return rc;
		}
		int got = next_in_range(m, s, err, errlen);
		if (got < 0) {
			mdmerge_close(m);
			return KE_EINVAL;
		}
		if (got)
			m->heap[m->n++] = s;
	}
	for (int i = m->n / 2 - 1; i >= 0; i--)
		heap_down(m->heap, m->n, i);
	*out = m;
	return KE_OK;
}

int mdmerge_next(struct mdmerge *m, struct md_record *rec, char *err, size_t errlen)
{
	if (m->n == 0)
		return 0;
	struct source *s = m->heap[0];
	*rec = s->rec;
	int got = next_in_range(m, s, err, errlen);
	if (got < 0)
		return KE_EINVAL;
	if (!got)
		m->heap[0] = m->heap[--m->n];
	heap_down(m->heap, m->n, 0);
	return 1;
}

int64_t mdmerge_peek_time(const struct mdmerge *m)
{
	return m->n > 0 ? m->heap[0]->rec.time : INT64_MAX;
}

void mdmerge_close(struct mdmerge *m)
{
	if (!m)
		return;
	for (int i = 0; m->src && i < m->nsrc; i++)
		csvfeed_close(m->src[i].feed);
	free(m->src);
	free(m->heap);
	free(m);
}
