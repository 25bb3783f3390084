/*
 * sched.c - a binary min-heap of timers on (due, seq).
 *
 * Cancelling must be cheap (a strategy may arm and cancel timers on every
 * tick), so a small open-addressing map from timer id to heap position is
 * kept beside the heap: cancel finds its timer in O(1) and removes it in
 * O(log n), and sched_count/sched_next_due never see cancelled timers.
 */
#include "sched.h"

#include <stdlib.h>

#include "ke_common.h"

#define SCHED_MIN_CAP 16 /* power of two */

struct sched_slot {
	int64_t id; /* 0 = empty */
	int pos;    /* index in the heap */
};

struct sched {
	struct sched_timer *heap;
	int n, cap;
	struct sched_slot *map; /* linear probing, at most half full */
	size_t mapcap;          /* power of two */
	int64_t next_id;
	uint64_t next_seq;
};

/* ---- id -> heap position ---- */

static size_t map_home(const struct sched *s, int64_t id)
{
	/* Fibonacci hashing spreads sequential ids over the table. */
	return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 32) & (s->mapcap - 1);
}

static struct sched_slot *map_find(const struct sched *s, int64_t id)
{
	for (size_t i = map_home(s, id);; i = (i + 1) & (s->mapcap - 1)) {
		if (s->map[i].id == id)
			return &s->map[i];
		if (s->map[i].id == 0)
			return NULL;
	}
}

/* The map always has room: it is grown before the heap is. */
static void map_put(struct sched *s, int64_t id, int pos)
{
	size_t i = map_home(s, id);
	while (s->map[i].id != 0 && s->map[i].id != id)
		i = (i + 1) & (s->mapcap - 1);
	s->map[i].id = id;
	s->map[i].pos = pos;
}

/* Backward-shift deletion: no tombstones, so lookups never slow down. */
static void map_del(struct sched *s, const struct sched_slot *slot)
{
	size_t mask = s->mapcap - 1, hole = (size_t)(slot - s->map);
	for (size_t i = (hole + 1) & mask; s->map[i].id != 0; i = (i + 1) & mask) {
		size_t home = map_home(s, s->map[i].id);
		/* Move i into the hole unless its home lies cyclically in (hole, i]. */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			s->map[hole] = s->map[i];
			hole = i;
		}
	}
	s->map[hole].id = 0;
}

static int map_grow(struct sched *s, size_t newcap)
{
	struct sched_slot *old = s->map;
	size_t oldcap = s->mapcap;
	s->map = calloc(newcap, sizeof(*s->map));
	if (!s->map) {
		s->map = old;
		return KE_ENOMEM;
	}
	s->mapcap = newcap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].id != 0)
			map_put(s, old[i].id, old[i].pos);
	free(old);
	return KE_OK;
}

/* ---- heap ---- */

static int before(const struct sched_timer *a, const struct sched_timer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

/* Place t at heap index i and record where it went. */
static void heap_set(struct sched *s, int i, const struct sched_timer *t)
{
	s->heap[i] = *t;
	map_find(s, t->id)->pos = i;
}

static void sift_up(struct sched *s, int i)
{
	struct sched_timer t = s->heap[i];
	while (i > 0) {
		int parent = (i - 1) / 2;
		if (!before(&t, &s->heap[parent]))
			break;
		heap_set(s, i, &s->heap[parent]);
		i = parent;
	}
	heap_set(s, i, &t);
}

static void sift_down(struct sched *s, int i)
{
	struct sched_timer t = s->heap[i];
	for (;;) {
		int c = 2 * i + 1;
		if (c >= s->n)
			break;
		if (c + 1 < s->n && before(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!before(&s->heap[c], &t))
			break;
		heap_set(s, i, &s->heap[c]);
		i = c;
	}
	heap_set(s, i, &t);
}

/* Take the timer at heap index i out of the heap and the map. */
static void heap_remove(struct sched *s, int i)
{
	map_del(s, map_find(s, s->heap[i].id));
	s->n--;
	if (i == s->n)
		return;
	s->heap[i] = s->heap[s->n];
	map_find(s, s->heap[i].id)->pos = i;
	/* The moved timer may belong above or below i. */
	if (i > 0 && before(&s->heap[i], &s->heap[(i - 1) / 2]))
		sift_up(s, i);
	else
		sift_down(s, i);
}

/* ---- public ---- */

int sched_new(struct sched **out)
{
	if (!out)
		return KE_EINVAL;
	*out = NULL;
	struct sched *s = calloc(1, sizeof(*s));
	if (!s)
		return KE_ENOMEM;
	s->heap = malloc(SCHED_MIN_CAP * sizeof(*s->heap));
	s->map = calloc(2 * SCHED_MIN_CAP, sizeof(*s->map));
	if (!s->heap || !s->map) {
		free(s->heap);
		free(s->map);
		free(s);
		return KE_ENOMEM;
	}
	s->cap = SCHED_MIN_CAP;
	s->mapcap = 2 * SCHED_MIN_CAP;
	s->next_id = 1;
	*out = s;
	return KE_OK;
}

void sched_free(struct sched *s)
{
	if (!s)
		return;
	free(s->heap);
	free(s->map);
	free(s);
}

int sched_add(struct sched *s, const struct sched_timer *t, int64_t *out_id)
{
	if (!s || !t)
		return KE_EINVAL;
	/* A kept id must not name a timer that is still queued: cancel could
	 * then reach only one of the two. */
	if (t->id > 0 && map_find(s, t->id))
		return KE_EINVAL;
	if (t->id <= 0 && s->next_id == INT64_MAX)
		return KE_ELIMIT;
	if (s->n == s->cap) {
		if (s->cap >= (1 << 28)) /* keeps cap * 2 an int and the byte count a size_t */
			return KE_ENOMEM;
		struct sched_timer *h = realloc(s->heap, (size_t)s->cap * 2 * sizeof(*h));
		if (!h)
			return KE_ENOMEM;
		s->heap = h;
		s->cap *= 2;
	}
	/* Keep the map at most half full: a slot per pending timer. */
	if ((size_t)(s->n + 1) * 2 > s->mapcap && map_grow(s, s->mapcap * 2) != KE_OK)
		return KE_ENOMEM;
	struct sched_timer n = *t;
	if (n.id <= 0)
		n.id = s->next_id++;
	else if (n.id >= s->next_id)
		s->next_id = n.id < INT64_MAX ? n.id + 1 : INT64_MAX; /* later ids must not collide with it */
	n.seq = s->next_seq++;
	map_put(s, n.id, s->n);
	s->heap[s->n++] = n;
	sift_up(s, s->n - 1);
	if (out_id)
		*out_id = n.id;
	return KE_OK;
}

int sched_cancel(struct sched *s, int64_t id)
{
	if (!s || id <= 0)
		return KE_ENOENT;
	struct sched_slot *slot = map_find(s, id);
	if (!slot)
		return KE_ENOENT;
	heap_remove(s, slot->pos);
	return KE_OK;
}

int sched_pop_due(struct sched *s, int64_t now, struct sched_timer *out)
{
	if (!s || s->n == 0 || s->heap[0].due > now)
		return 0;
	if (out)
		*out = s->heap[0];
	heap_remove(s, 0);
	return 1;
}

int64_t sched_next_due(const struct sched *s)
{
	return s && s->n > 0 ? s->heap[0].due : INT64_MAX;
}

int sched_count(const struct sched *s)
{
	return s ? s->n : 0;
}
