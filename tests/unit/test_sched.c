/*
 * test_sched.c - the timer queue: ordering, ties, cancels, re-arming.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "ke_common.h"
#include "sched.h"

static int64_t add(struct sched *s, int64_t due, int64_t ref)
{
	struct sched_timer t = {.due = due, .owner = 0, .kind = 1, .ref = ref};
	int64_t id = -1;
	assert_int_equal(sched_add(s, &t, &id), KE_OK);
	return id;
}

/* Pop at now and check the id; returns the popped timer. */
static struct sched_timer pop_expect(struct sched *s, int64_t now, int64_t id)
{
	struct sched_timer t;
	memset(&t, 0, sizeof(t));
	assert_int_equal(sched_pop_due(s, now, &t), 1);
	assert_int_equal(t.id, id);
	return t;
}

static void test_empty(void **state)
{
	(void)state;
	struct sched *s = NULL;
	assert_int_equal(sched_new(&s), KE_OK);
	struct sched_timer t;
	assert_int_equal(sched_count(s), 0);
	assert_int_equal(sched_next_due(s), INT64_MAX);
	assert_int_equal(sched_pop_due(s, INT64_MAX, &t), 0);
	assert_int_equal(sched_cancel(s, 1), KE_ENOENT);
	sched_free(s);
	sched_free(NULL);
	assert_int_equal(sched_count(NULL), 0);
	assert_int_equal(sched_next_due(NULL), INT64_MAX);
	assert_int_equal(sched_new(NULL), KE_EINVAL);
}

static void test_order_by_due(void **state)
{
	(void)state;
	struct sched *s;
	assert_int_equal(sched_new(&s), KE_OK);
	int64_t a = add(s, 300, 30), b = add(s, 100, 10), c = add(s, 200, 20);
	/* ids count from 1 in order of adding */
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(c, 3);
	assert_int_equal(sched_count(s), 3);
	assert_int_equal(sched_next_due(s), 100);
	struct sched_timer t;
	assert_int_equal(sched_pop_due(s, 99, &t), 0); /* nothing due before 100 */
	t = pop_expect(s, 100, b);                     /* due exactly now: fires */
	assert_int_equal(t.due, 100);
	assert_int_equal(t.ref, 10);
	assert_int_equal(t.kind, 1);
	assert_int_equal(sched_pop_due(s, 199, &t), 0);
	/* A late clock pops everything due, earliest first. */
	pop_expect(s, 1000, c);
	pop_expect(s, 1000, a);
	assert_int_equal(sched_pop_due(s, 1000, &t), 0);
	assert_int_equal(sched_count(s), 0);
	sched_free(s);
}

static void test_equal_due_fire_in_add_order(void **state)
{
	(void)state;
	struct sched *s;
	assert_int_equal(sched_new(&s), KE_OK);
	/* Ten timers at 500 interleaved with earlier and later ones. */
	int64_t ids[10];
	add(s, 900, 0);
	for (int i = 0; i < 10; i++) {
		ids[i] = add(s, 500, i);
		if (i == 4)
			add(s, 100, 0);
	}
	struct sched_timer t;
	assert_int_equal(sched_pop_due(s, 500, &t), 1);
	assert_int_equal(t.due, 100);
	uint64_t last_seq = 0;
	for (int i = 0; i < 10; i++) {
		t = pop_expect(s, 500, ids[i]);
		assert_int_equal(t.ref, i);
		if (i > 0)
			assert_true(t.seq > last_seq);
		last_seq = t.seq;
	}
	assert_int_equal(sched_pop_due(s, 500, &t), 0);
	assert_int_equal(sched_next_due(s), 900);
	sched_free(s);
}

static void test_cancel(void **state)
{
	(void)state;
	struct sched *s;
	assert_int_equal(sched_new(&s), KE_OK);
	int64_t a = add(s, 100, 0), b = add(s, 200, 0), c = add(s, 300, 0), d = add(s, 300, 0), e = add(s, 50, 0);
	assert_int_equal(sched_count(s), 5);
	assert_int_equal(sched_next_due(s), 50);
	/* Cancel the earliest: next_due and count ignore it at once. */
	assert_int_equal(sched_cancel(s, e), KE_OK);
	assert_int_equal(sched_count(s), 4);
	assert_int_equal(sched_next_due(s), 100);
	assert_int_equal(sched_cancel(s, e), KE_ENOENT); /* twice */
	/* Cancel one in the middle and the first of a tie. */
	assert_int_equal(sched_cancel(s, b), KE_OK);
	assert_int_equal(sched_cancel(s, c), KE_OK);
	assert_int_equal(sched_count(s), 2);
	assert_int_equal(sched_cancel(s, 999), KE_ENOENT);
	assert_int_equal(sched_cancel(s, 0), KE_ENOENT);
	assert_int_equal(sched_cancel(s, -3), KE_ENOENT);
	pop_expect(s, 1000, a);
	assert_int_equal(sched_next_due(s), 300);
	pop_expect(s, 1000, d);
	assert_int_equal(sched_count(s), 0);
	/* A popped timer can no longer be cancelled. */
	assert_int_equal(sched_cancel(s, a), KE_ENOENT);
	/* Cancel the last one left: the queue is empty. */
	int64_t f = add(s, 10, 0);
	assert_int_equal(sched_cancel(s, f), KE_OK);
	assert_int_equal(sched_count(s), 0);
	assert_int_equal(sched_next_due(s), INT64_MAX);
	sched_free(s);
}

static void test_rearm_keeps_id(void **state)
{
	(void)state;
	struct sched *s;
	assert_int_equal(sched_new(&s), KE_OK);
	int64_t rep = add(s, 1000, 77);  /* id 1 */
	int64_t other = add(s, 2000, 0); /* id 2 */
	struct sched_timer t = pop_expect(s, 1000, rep);
	uint64_t first_seq = t.seq;
	/* Re-arm a copy for 2000: same id, a new (later) seq, so it fires after
	 * the timer added earlier for the same instant. */
	t.due = 2000;
	int64_t got = -1;
	assert_int_equal(sched_add(s, &t, &got), KE_OK);
	assert_int_equal(got, rep);
	assert_int_equal(sched_count(s), 2);
	pop_expect(s, 2000, other);
	t = pop_expect(s, 2000, rep);
	assert_true(t.seq > first_seq);
	assert_int_equal(t.ref, 77);
	/* The re-armed timer can be cancelled by its old id. */
	t.due = 3000;
	assert_int_equal(sched_add(s, &t, NULL), KE_OK); /* out_id may be NULL */
	assert_int_equal(sched_cancel(s, rep), KE_OK);
	assert_int_equal(sched_count(s), 0);
	/* New ids keep counting after 1 and 2. */
	assert_int_equal(add(s, 5, 0), 3);
	sched_free(s);
}

static void test_kept_ids(void **state)
{
	(void)state;
	struct sched *s;
	assert_int_equal(sched_new(&s), KE_OK);
	/* A caller-chosen id above the counter pushes the counter past it. */
	struct sched_timer t = {.id = 10, .due = 5};
	int64_t got;
	assert_int_equal(sched_add(s, &t, &got), KE_OK);
	assert_int_equal(got, 10);
	assert_int_equal(add(s, 6, 0), 11);
	/* A kept id that is still queued is refused, and nothing is added. */
	assert_int_equal(sched_add(s, &t, &got), KE_EINVAL);
	assert_int_equal(sched_count(s), 2);
	assert_int_equal(sched_add(s, NULL, &got), KE_EINVAL);
	assert_int_equal(sched_add(NULL, &t, &got), KE_EINVAL);
	sched_free(s);
}

/* Random adds, cancels and pops against a plain array kept in the same
 * (due, add order) ordering by linear search. */
struct model {
	int64_t id[4096], due[4096];
	uint64_t order[4096];
	int n;
};

static int model_min(const struct model *m)
{
	int best = -1;
	for (int i = 0; i < m->n; i++)
		if (best < 0 || m->due[i] < m->due[best] || (m->due[i] == m->due[best] && m->order[i] < m->order[best]))
			best = i;
	return best;
}

static void model_remove(struct model *m, int i)
{
	m->n--;
	m->id[i] = m->id[m->n];
	m->due[i] = m->due[m->n];
	m->order[i] = m->order[m->n];
}

static void test_random_against_model(void **state)
{
	(void)state;
	static struct model m;
	memset(&m, 0, sizeof(m));
	struct sched *s;
	assert_int_equal(sched_new(&s), KE_OK);
	uint64_t rng = 12345, adds = 0;
	int64_t now = 0;
	for (int step = 0; step < 200000; step++) {
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		unsigned r = (unsigned)(rng >> 33);
		unsigned op = r % 10;
		if (op < 5 && m.n < 4096) {
			/* Few distinct dues, so ties are common. */
			int64_t due = now + (int64_t)(r / 10 % 50);
			int64_t id = add(s, due, 0);
			m.id[m.n] = id;
			m.due[m.n] = due;
			m.order[m.n] = adds++;
			m.n++;
		} else if (op < 7 && m.n > 0) {
			int i = (int)(r / 10 % (unsigned)m.n);
			assert_int_equal(sched_cancel(s, m.id[i]), KE_OK);
			model_remove(&m, i);
		} else {
			now += r / 10 % 3;
			struct sched_timer t;
			int best = model_min(&m);
			int due = best >= 0 && m.due[best] <= now;
			assert_int_equal(sched_pop_due(s, now, &t), due);
			if (due) {
				assert_int_equal(t.id, m.id[best]);
				model_remove(&m, best);
			}
		}
		assert_int_equal(sched_count(s), m.n);
		int best = model_min(&m);
		assert_int_equal(sched_next_due(s), best >= 0 ? m.due[best] : INT64_MAX);
	}
	sched_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_order_by_due),
	    cmocka_unit_test(test_equal_due_fire_in_add_order),
	    cmocka_unit_test(test_cancel),
	    cmocka_unit_test(test_rearm_keeps_id),
	    cmocka_unit_test(test_kept_ids),
	    cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
