/*
 * sched.h - a timer queue ordered by (due time, creation sequence), so that
 * timers due at the same instant always fire in the order they were made.
 *
 * The scheduler only orders timers; what a timer means (daily, repeating,
 * which strategy) is the core's business, kept in the fields it owns.
 */
#ifndef SCHED_H
#define SCHED_H

#include <stdint.h>

struct sched_timer {
	int64_t id;     /* > 0, assigned by sched_add */
	int64_t due;    /* ms */
	uint64_t seq;   /* tie-break, assigned by sched_add */
	int owner;      /* strategy index, or -1 for the engine */
	int kind;       /* caller-defined */
	int64_t period; /* caller-defined (e.g. repeat interval or ms of day) */
	int64_t ref;    /* caller-defined (e.g. a Lua registry reference) */
};

struct sched;

int sched_new(struct sched **out);
void sched_free(struct sched *s);

/* Add a copy of *t (id and seq are assigned; t->id, if > 0, is kept so a
 * repeating timer keeps its id when re-armed). Writes the id to *out_id. */
int sched_add(struct sched *s, const struct sched_timer *t, int64_t *out_id);

/* Remove a pending timer. KE_ENOENT if there is none with that id. */
int sched_cancel(struct sched *s, int64_t id);

/* Pop the earliest timer if it is due at or before now: returns 1 and fills
 * *out, or 0 when nothing is due. */
int sched_pop_due(struct sched *s, int64_t now, struct sched_timer *out);

/* Due time of the earliest timer, or INT64_MAX when empty. */
int64_t sched_next_due(const struct sched *s);

int sched_count(const struct sched *s);

#endif
