/*
 * test_journal.c - the live runtime's SQLite journal.
 *
 * Epoch values (seconds; the tests use ms = s * 1000), from coreutils:
 *   date -u -d 2026-03-02T14:59:59Z +%s -> 1772463599  (KST 2026-03-02 23:59:59)
 *   date -u -d 2026-03-02T15:00:00Z +%s -> 1772463600  (KST 2026-03-03 00:00:00)
 *   date -u -d 2026-03-02T23:30:00Z +%s -> 1772494200  (KST 2026-03-03 08:30:00)
 *   date -u -d 2026-03-03T15:00:00Z +%s -> 1772550000  (KST 2026-03-04 00:00:00)
 *   date -u -d 2026-03-03 +%s           -> 1772496000 = 20515 * 86400
 * so KST day 2026-03-03 is day number 20515, 2026-03-02 is 20514 and
 * 2026-03-04 is 20516.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "journal.h"
#include "ke_common.h"
#include "ktime.h"
#include "order.h"

#define T_B 1772463599000LL /* 2026-03-02T14:59:59Z, KST day 20514 */
#define T_C 1772463600000LL /* 2026-03-02T15:00:00Z, KST day 20515 (its first ms) */
#define T_A 1772494200000LL /* 2026-03-02T23:30:00Z, KST day 20515 */
#define T_D 1772550000000LL /* 2026-03-03T15:00:00Z, KST day 20516 */

#define DAY_0302 20514
#define DAY_0303 20515
#define DAY_0304 20516

struct fx {
	char dir[64];
	char path[128];
};

static void rm_tree(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	char p[512];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", path, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(path);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/journal-tcXXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/journal.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	rm_tree(f->dir);
	free(f);
	return 0;
}

static struct journal *open_j(const char *path)
{
	struct journal *j = NULL;
	char err[512] = "";
	int rc = journal_open(path, &j, err, sizeof err);
	if (rc != KE_OK)
		fail_msg("journal_open: %d %s", rc, err);
	return j;
}

/* ---- a second, raw connection ---- */

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		fail_msg("raw open %s: %s", path, db ? sqlite3_errmsg(db) : "?");
	sqlite3_busy_timeout(db, 2000);
	return db;
}

static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st = NULL;
	int64_t v = -999;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("raw prepare %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The first column of the first row into buf ("" when none). */
static void raw_text(const char *path, const char *sql, char *buf, size_t cap)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st = NULL;
	buf[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("raw prepare %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("raw exec %s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static unsigned file_mode(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return 01000; /* not a mode: the file is missing */
	return (unsigned)(st.st_mode & 0777);
}

/* ---- builders ---- */

static struct journal_order mk_order(int64_t run_id, int64_t engine_id, const char *sym, int64_t created)
{
	struct journal_order o;
	memset(&o, 0, sizeof o);
	o.run_id = run_id;
	o.engine_id = engine_id;
	snprintf(o.strategy, sizeof o.strategy, "%s", "sma_cross");
	snprintf(o.symbol, sizeof o.symbol, "%s", sym);
	o.side = SIDE_BUY;
	o.type = ORDER_LIMIT;
	o.price = 70100;
	o.qty = 10;
	o.created = created;
	o.updated = created;
	snprintf(o.state, sizeof o.state, "%s", order_state_name(ORDER_SUBMITTED));
	return o;
}

static struct journal_fill mk_fill(int64_t order_id, const char *key, int64_t time, int64_t qty)
{
	struct journal_fill f;
	memset(&f, 0, sizeof f);
	f.order_id = order_id;
	f.time = time;
	f.qty = qty;
	f.price = 70100;
	f.fee = 105; /* any non-negative values: the journal stores, it does not compute */
	f.tax = 0;
	snprintf(f.venue_key, sizeof f.venue_key, "%s", key);
	return f;
}

struct ids {
	int64_t id[16];
	int n;
	int stop_after;    /* 0: never */
	struct journal *j; /* set: update each visited order from inside the callback */
};

static int collect_order(void *ud, const struct journal_order *o)
{
	struct ids *c = ud;
	if (c->n < 16)
		c->id[c->n++] = o->id;
	if (c->j) {
		struct journal_order u = *o;
		snprintf(u.reason, sizeof u.reason, "%s", "seen");
		if (journal_order_update(c->j, &u) != KE_OK)
			return KE_EIO;
	}
	return c->stop_after && c->n >= c->stop_after ? 7 : 0;
}

static int collect_fill(void *ud, const struct journal_fill *f)
{
	struct ids *c = ud;
	if (c->n < 16)
		c->id[c->n++] = f->id;
	return 0;
}

static int64_t run_of(struct journal *j, const char *mode)
{
	int64_t run = 0;
	assert_int_equal(journal_run_begin(j, T_C, mode, "mock", &run), KE_OK);
	return run;
}

/* ---- tests ---- */

static void test_open_creates_schema(void **state)
{
	struct fx *f = *state;
	/* Even with umask 0 the file must not be readable by others. */
	mode_t old = umask(0);
	struct journal *j = open_j(f->path);
	umask(old);
	assert_string_equal(journal_path(j), f->path);
	assert_string_equal(journal_errmsg(j), "");
	assert_int_equal(file_mode(f->path), 0600);
	char buf[64];
	raw_text(f->path, "PRAGMA journal_mode", buf, sizeof buf);
	assert_string_equal(buf, "wal");
	assert_int_equal(raw_int(f->path, "PRAGMA user_version"), 1);
	assert_int_equal(JOURNAL_SCHEMA_VERSION, 1);
	/* "KEJL" = 0x4b454a4c = 75*2^24 + 69*2^16 + 74*2^8 + 76 = 1262832204 */
	assert_int_equal(raw_int(f->path, "PRAGMA application_id"), 1262832204);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
	                                  "('runs', 'orders', 'order_events', 'fills', 'strategy_state')"),
	                 5);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
	                                  "('orders_open', 'orders_created', 'order_events_odno', 'fills_time', "
	                                  "'fills_unnotified')"),
	                 5);
	/* A write creates the WAL, which inherits the 0600 mode. */
	int64_t run = run_of(j, "mock");
	assert_int_equal(run, 1);
	char wal[160];
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	assert_int_equal(file_mode(wal), 0600);
	journal_close(j);
	/* Opening again does not recreate anything. */
	j = open_j(f->path);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM runs"), 1);
	journal_close(j);
}

static void test_open_state_names(void **state)
{
	(void)state;
	/* The journal's open-order filter spells these names out in SQL. */
	assert_string_equal(order_state_name(ORDER_FILLED), "filled");
	assert_string_equal(order_state_name(ORDER_CANCELLED), "cancelled");
	assert_string_equal(order_state_name(ORDER_REJECTED), "rejected");
	/* The longest name must fit the struct's state field. */
	assert_true(strlen(order_state_name(ORDER_PARTIAL)) < JOURNAL_STATE_MAX);
}

static void test_runs(void **state)
{
	struct fx *f = *state;
	struct journal *j = open_j(f->path);
	int64_t r1 = 0, r2 = 0;
	assert_int_equal(journal_run_begin(j, T_B, "real", "real", &r1), KE_OK);
	assert_int_equal(journal_run_begin(j, T_A, "mock", "mock", &r2), KE_OK);
	assert_int_equal(r1, 1);
	assert_int_equal(r2, 2);
	assert_int_equal(journal_run_end(j, r1, T_C, "clean"), KE_OK);
	assert_int_equal(journal_run_end(j, r1, T_D, "again"), KE_ESTATE);
	assert_int_equal(journal_run_end(j, 99, T_D, "clean"), KE_ENOENT);
	assert_int_equal(raw_int(f->path, "SELECT ended FROM runs WHERE id = 1"), T_C);
	char buf[64];
	raw_text(f->path, "SELECT how FROM runs WHERE id = 1", buf, sizeof buf);
	assert_string_equal(buf, "clean");
	/* Run 2 never ended: that is what a crash looks like. */
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM runs WHERE ended IS NULL"), 1);
	raw_text(f->path, "SELECT mode || '/' || env FROM runs WHERE id = 2", buf, sizeof buf);
	assert_string_equal(buf, "mock/mock");
	journal_close(j);
}

static void test_orders_ids(void **state)
{
	struct fx *f = *state;
	struct journal *j = open_j(f->path);
	int64_t r1 = run_of(j, "mock");
	struct journal_order a = mk_order(r1, 1, "005930", T_A), b = mk_order(r1, 2, "000660", T_A + 1);
	b.side = SIDE_SELL;
	b.type = ORDER_MARKET;
	b.price = 0;
	assert_int_equal(journal_order_add(j, &a), KE_OK);
	assert_int_equal(journal_order_add(j, &b), KE_OK);
	assert_int_equal(a.id, 1);
	assert_int_equal(b.id, 2);
	/* The same engine id in the same run is refused; unknown runs too. */
	struct journal_order dup = mk_order(r1, 2, "005930", T_A);
	assert_int_equal(journal_order_add(j, &dup), KE_EINVAL);
	assert_non_null(strstr(journal_errmsg(j), "UNIQUE"));
	struct journal_order orphan = mk_order(42, 1, "005930", T_A);
	assert_int_equal(journal_order_add(j, &orphan), KE_EINVAL);
	assert_non_null(strstr(journal_errmsg(j), "FOREIGN KEY"));
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM orders"), 2);
	assert_int_equal(journal_run_end(j, r1, T_D, "clean"), KE_OK);
	/* A new run starts engine ids at 1 again; journal ids keep going. */
	int64_t r2 = run_of(j, "mock");
	struct journal_order c = mk_order(r2, 1, "005930", T_D);
	assert_int_equal(journal_order_add(j, &c), KE_OK);
	assert_int_equal(c.id, 3);
	struct journal_order g;
	assert_int_equal(journal_order_get(j, 2, &g), KE_OK);
	assert_int_equal(g.id, 2);
	assert_int_equal(g.run_id, r1);
	assert_int_equal(g.engine_id, 2);
	assert_string_equal(g.strategy, "sma_cross");
	assert_string_equal(g.symbol, "000660");
	assert_int_equal(g.side, SIDE_SELL);
	assert_int_equal(g.type, ORDER_MARKET);
	assert_int_equal(g.price, 0);
	assert_int_equal(g.qty, 10);
	assert_int_equal(g.created, T_A + 1);
	assert_int_equal(g.updated, T_A + 1);
	assert_string_equal(g.state, "submitted");
	assert_int_equal(g.filled_qty, 0);
	assert_string_equal(g.odno, "");
	assert_int_equal(journal_order_get(j, 4, &g), KE_ENOENT);
	/* Bad fields never reach the database. */
	struct journal_order bad = mk_order(r2, 9, "005930", T_D);
	snprintf(bad.state, sizeof bad.state, "%s", "bogus");
	assert_int_equal(journal_order_add(j, &bad), KE_EINVAL);
	bad = mk_order(r2, 9, "", T_D);
	assert_int_equal(journal_order_add(j, &bad), KE_EINVAL);
	bad = mk_order(r2, 9, "005930", T_D);
	bad.qty = 0;
	assert_int_equal(journal_order_add(j, &bad), KE_EINVAL);
	bad = mk_order(r2, 9, "005930", T_D);
	memset(bad.strategy, 'x', sizeof bad.strategy); /* no NUL */
	assert_int_equal(journal_order_add(j, &bad), KE_EINVAL);
	bad = mk_order(r2, 9, "005930", T_D);
	bad.side = (enum order_side)3;
	assert_int_equal(journal_order_add(j, &bad), KE_EINVAL);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM orders"), 3);
	journal_close(j);
}

static void test_updates_events(void **state)
{
	struct fx *f = *state;
	struct journal *j = open_j(f->path);
	int64_t run = run_of(j, "mock");
	struct journal_order o = mk_order(run, 1, "005930", T_A);
	assert_int_equal(journal_order_add(j, &o), KE_OK); /* event 1: submitted */
	/* Accepted with KIS numbers. */
	snprintf(o.state, sizeof o.state, "%s", order_state_name(ORDER_ACCEPTED));
	snprintf(o.orgno, sizeof o.orgno, "%s", "06590");
	snprintf(o.odno, sizeof o.odno, "%s", "0000006555");
	o.updated = T_A + 100;
	assert_int_equal(journal_order_update(j, &o), KE_OK); /* event 2 */
	/* 4 of 10 filled. */
	snprintf(o.state, sizeof o.state, "%s", order_state_name(ORDER_PARTIAL));
	o.filled_qty = 4;
	o.updated = T_A + 200;
	assert_int_equal(journal_order_update(j, &o), KE_OK); /* event 3 */
	/* Revised: the rest (6) at a new price, under a new ODNO; qty = 4 + 6. */
	o.price = 70000;
	snprintf(o.odno, sizeof o.odno, "%s", "0000006560");
	o.updated = T_A + 300;
	assert_int_equal(journal_order_update(j, &o), KE_OK); /* event 4 */
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM order_events WHERE order_id = 1"), 4);
	char buf[256];
	raw_text(f->path,
	         "SELECT group_concat(state || ':' || filled_qty || ':' || price || ':' || time, ',') FROM "
	         "(SELECT * FROM order_events WHERE order_id = 1 ORDER BY id)",
	         buf, sizeof buf);
	assert_string_equal(buf, "submitted:0:70100:1772494200000,accepted:0:70100:1772494200100,"
	                         "partially_filled:4:70100:1772494200200,partially_filled:4:70000:1772494200300");
	struct journal_order g;
	assert_int_equal(journal_order_get(j, o.id, &g), KE_OK);
	assert_string_equal(g.state, "partially_filled");
	assert_int_equal(g.filled_qty, 4);
	assert_int_equal(g.price, 70000);
	assert_string_equal(g.orgno, "06590");
	assert_string_equal(g.odno, "0000006560");
	assert_int_equal(g.updated, T_A + 300);
	assert_int_equal(g.created, T_A);
	/* Unknown order, bad state, overfill: refused, and no event row. */
	struct journal_order u = o;
	u.id = 99;
	assert_int_equal(journal_order_update(j, &u), KE_ENOENT);
	u = o;
	snprintf(u.state, sizeof u.state, "%s", "done");
	assert_int_equal(journal_order_update(j, &u), KE_EINVAL);
	u = o;
	u.filled_qty = 11;
	assert_int_equal(journal_order_update(j, &u), KE_EINVAL);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM order_events"), 4);
	/* Both ODNOs the order has carried find it. */
	memset(&g, 0, sizeof g);
	assert_int_equal(journal_find_odno(j, "0000006555", &g), KE_OK);
	assert_int_equal(g.id, o.id);
	assert_int_equal(journal_find_odno(j, "0000006560", &g), KE_OK);
	assert_int_equal(g.id, o.id);
	assert_int_equal(journal_find_odno(j, "0000009999", &g), KE_ENOENT);
	/* A later order given a number already used (KIS restarts them each
	 * day) wins: the newest order carrying it. */
	struct journal_order later = mk_order(run, 2, "000660", T_D);
	assert_int_equal(journal_order_add(j, &later), KE_OK);
	snprintf(later.odno, sizeof later.odno, "%s", "0000006555");
	snprintf(later.state, sizeof later.state, "%s", "accepted");
	assert_int_equal(journal_order_update(j, &later), KE_OK);
	/* ...even if the older order is updated afterwards. */
	snprintf(o.state, sizeof o.state, "%s", "cancelled");
	snprintf(o.odno, sizeof o.odno, "%s", "0000006555");
	assert_int_equal(journal_order_update(j, &o), KE_OK);
	assert_int_equal(journal_find_odno(j, "0000006555", &g), KE_OK);
	assert_int_equal(g.id, later.id);
	assert_string_equal(g.symbol, "000660");
	journal_close(j);
}

static void test_fills_dedupe(void **state)
{
	struct fx *f = *state;
	struct journal *j = open_j(f->path);
	int64_t run = run_of(j, "mock");
	struct journal_order o1 = mk_order(run, 1, "005930", T_A), o2 = mk_order(run, 2, "005930", T_A);
	assert_int_equal(journal_order_add(j, &o1), KE_OK);
	assert_int_equal(journal_order_add(j, &o2), KE_OK);
	int ins = -1;
	struct journal_fill a = mk_fill(o1.id, "0000006555:4", T_A + 10, 4);
	assert_int_equal(journal_fill_add(j, &a, &ins), KE_OK);
	assert_int_equal(ins, 1);
	assert_int_equal(a.id, 1);
	/* The same execution reported again (notice and inquiry): not stored. */
	struct journal_fill again = mk_fill(o1.id, "0000006555:4", T_A + 20, 4);
	assert_int_equal(journal_fill_add(j, &again, &ins), KE_OK);
	assert_int_equal(ins, 0);
	assert_int_equal(again.id, 1);
	struct journal_fill b = mk_fill(o1.id, "0000006555:10", T_A + 30, 6);
	assert_int_equal(journal_fill_add(j, &b, &ins), KE_OK);
	assert_int_equal(ins, 1);
	assert_int_equal(b.id, 2);
	/* The same key under another order is another fill. */
	struct journal_fill c = mk_fill(o2.id, "0000006555:4", T_A + 40, 4);
	assert_int_equal(journal_fill_add(j, &c, &ins), KE_OK);
	assert_int_equal(ins, 1);
	assert_int_equal(c.id, 3);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM fills"), 3);
	/* 4 + 6 = 10 shares of order 1. */
	assert_int_equal(raw_int(f->path, "SELECT sum(qty) FROM fills WHERE order_id = 1"), 10);
	/* Refused: unknown order, no key, zero qty. */
	struct journal_fill bad = mk_fill(99, "x:1", T_A, 1);
	assert_int_equal(journal_fill_add(j, &bad, &ins), KE_EINVAL);
	assert_non_null(strstr(journal_errmsg(j), "FOREIGN KEY"));
	bad = mk_fill(o1.id, "", T_A, 1);
	assert_int_equal(journal_fill_add(j, &bad, &ins), KE_EINVAL);
	bad = mk_fill(o1.id, "k:0", T_A, 0);
	assert_int_equal(journal_fill_add(j, &bad, &ins), KE_EINVAL);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM fills"), 3);
	/* Notification: all three pending; tell the strategy about fill 1. */
	struct ids got = {0};
	assert_int_equal(journal_fills(j, 1, -1, collect_fill, &got), KE_OK);
	assert_int_equal(got.n, 3);
	assert_int_equal(journal_fill_notified(j, 1, T_A + 50), KE_OK);
	assert_int_equal(journal_fill_notified(j, 1, T_A + 60), KE_OK); /* keeps the first time */
	assert_int_equal(raw_int(f->path, "SELECT notified FROM fills WHERE id = 1"), T_A + 50);
	assert_int_equal(journal_fill_notified(j, 99, T_A), KE_ENOENT);
	assert_int_equal(journal_fill_notified(j, 1, 0), KE_EINVAL);
	memset(&got, 0, sizeof got);
	assert_int_equal(journal_fills(j, 1, -1, collect_fill, &got), KE_OK);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.id[0], 2);
	assert_int_equal(got.id[1], 3);
	/* A duplicate of a notified fill stays notified. */
	assert_int_equal(journal_fill_add(j, &again, &ins), KE_OK);
	assert_int_equal(ins, 0);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM fills WHERE notified = 0"), 2);
	journal_close(j);
}

static void test_state(void **state)
{
	struct fx *f = *state;
	struct journal *j = open_j(f->path);
	char *blob = (char *)1;
	size_t len = 77;
	assert_int_equal(journal_state_get(j, "sma_cross", &blob, &len), KE_ENOENT);
	assert_ptr_equal(blob, (char *)1); /* untouched on failure */
	assert_int_equal(len, 77);
	assert_int_equal(journal_state_put(j, "sma_cross", "{n=1}", 5, T_A), KE_OK);
	assert_int_equal(journal_state_get(j, "sma_cross", &blob, &len), KE_OK);
	assert_int_equal(len, 5);
	assert_string_equal(blob, "{n=1}"); /* NUL after len bytes */
	free(blob);
	assert_int_equal(journal_state_put(j, "sma_cross", "{n=2,m=3}", 9, T_A + 1), KE_OK);
	assert_int_equal(journal_state_get(j, "sma_cross", &blob, &len), KE_OK);
	assert_int_equal(len, 9);
	assert_memory_equal(blob, "{n=2,m=3}", 9);
	free(blob);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM strategy_state"), 1);
	assert_int_equal(raw_int(f->path, "SELECT updated FROM strategy_state"), T_A + 1);
	/* Binary with an embedded NUL keeps its length; empty is a value. */
	assert_int_equal(journal_state_put(j, "other", "a\0b", 3, T_A), KE_OK);
	assert_int_equal(journal_state_get(j, "other", &blob, &len), KE_OK);
	assert_int_equal(len, 3);
	assert_memory_equal(blob, "a\0b", 3);
	free(blob);
	assert_int_equal(journal_state_put(j, "other", NULL, 0, T_A), KE_OK);
	assert_int_equal(journal_state_get(j, "other", &blob, &len), KE_OK);
	assert_int_equal(len, 0);
	assert_string_equal(blob, "");
	free(blob);
	assert_int_equal(journal_state_put(j, "other", NULL, 3, T_A), KE_EINVAL);
	/* Still the first strategy's own. */
	assert_int_equal(journal_state_get(j, "sma_cross", &blob, &len), KE_OK);
	assert_int_equal(len, 9);
	free(blob);
	journal_close(j);
}

static void test_listing(void **state)
{
	struct fx *f = *state;
	/* Day numbers derived in the header comment; the library agrees. */
	assert_int_equal(ktime_days_from_civil(2026, 3, 3), DAY_0303);
	assert_int_equal(ktime_kst_day(T_A), DAY_0303);
	struct journal *j = open_j(f->path);
	int64_t run = run_of(j, "mock");
	struct journal_order b = mk_order(run, 1, "005930", T_B), a = mk_order(run, 2, "005930", T_A),
	                     c = mk_order(run, 3, "005930", T_C), d = mk_order(run, 4, "005930", T_D);
	snprintf(b.state, sizeof b.state, "%s", "filled");
	b.filled_qty = 10;
	snprintf(a.state, sizeof a.state, "%s", "accepted");
	snprintf(c.state, sizeof c.state, "%s", "cancelled");
	/* d stays submitted */
	assert_int_equal(journal_order_add(j, &b), KE_OK); /* id 1, day 20514, done */
	assert_int_equal(journal_order_add(j, &a), KE_OK); /* id 2, day 20515, open */
	assert_int_equal(journal_order_add(j, &c), KE_OK); /* id 3, day 20515 (first ms), done */
	assert_int_equal(journal_order_add(j, &d), KE_OK); /* id 4, day 20516, open */
	struct ids got = {0};
	assert_int_equal(journal_orders(j, 0, -1, collect_order, &got), KE_OK);
	assert_int_equal(got.n, 4);
	memset(&got, 0, sizeof got);
	assert_int_equal(journal_orders(j, 1, -1, collect_order, &got), KE_OK);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.id[0], 2);
	assert_int_equal(got.id[1], 4);
	memset(&got, 0, sizeof got);
	assert_int_equal(journal_orders(j, 0, DAY_0303, collect_order, &got), KE_OK);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.id[0], 2);
	assert_int_equal(got.id[1], 3);
	memset(&got, 0, sizeof got);
	assert_int_equal(journal_orders(j, 1, DAY_0303, collect_order, &got), KE_OK);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.id[0], 2);
	memset(&got, 0, sizeof got);
	assert_int_equal(journal_orders(j, 0, DAY_0302, collect_order, &got), KE_OK);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.id[0], 1);
	memset(&got, 0, sizeof got);
	assert_int_equal(journal_orders(j, 0, DAY_0304 + 1, collect_order, &got), KE_OK);
	assert_int_equal(got.n, 0);
	assert_int_equal(journal_orders(j, 0, -2, collect_order, &got), KE_EINVAL);
	/* Stopping early hands back the callback's value. */
	memset(&got, 0, sizeof got);
	got.stop_after = 1;
	assert_int_equal(journal_orders(j, 0, -1, collect_order, &got), 7);
	assert_int_equal(got.n, 1);
	/* The callback may write to the journal (rows were read first). */
	memset(&got, 0, sizeof got);
	got.j = j;
	assert_int_equal(journal_orders(j, 1, -1, collect_order, &got), KE_OK);
	assert_int_equal(got.n, 2);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM orders WHERE reason = 'seen'"), 2);
	/* Fills by the KST day of their execution time. */
	int ins;
	struct journal_fill f1 = mk_fill(a.id, "k:1", T_B, 1), f2 = mk_fill(a.id, "k:2", T_C, 1),
	                    f3 = mk_fill(a.id, "k:3", T_D - 1, 1), f4 = mk_fill(a.id, "k:4", T_D, 1);
	assert_int_equal(journal_fill_add(j, &f1, &ins), KE_OK); /* day 20514 */
	assert_int_equal(journal_fill_add(j, &f2, &ins), KE_OK); /* day 20515 */
	assert_int_equal(journal_fill_add(j, &f3, &ins), KE_OK); /* day 20515 (its last ms) */
	assert_int_equal(journal_fill_add(j, &f4, &ins), KE_OK); /* day 20516 */
	memset(&got, 0, sizeof got);
	assert_int_equal(journal_fills(j, 0, DAY_0303, collect_fill, &got), KE_OK);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.id[0], f2.id);
	assert_int_equal(got.id[1], f3.id);
	assert_int_equal(journal_fill_notified(j, f2.id, T_D), KE_OK);
	memset(&got, 0, sizeof got);
	assert_int_equal(journal_fills(j, 1, DAY_0303, collect_fill, &got), KE_OK);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.id[0], f3.id);
	memset(&got, 0, sizeof got);
	assert_int_equal(journal_fills(j, 0, -1, collect_fill, &got), KE_OK);
	assert_int_equal(got.n, 4);
	journal_close(j);
}

static void test_transactions(void **state)
{
	struct fx *f = *state;
	struct journal *j = open_j(f->path);
	int64_t run = run_of(j, "mock");
	struct journal_order a = mk_order(run, 1, "005930", T_A);
	assert_int_equal(journal_begin(j), KE_OK);
	assert_int_equal(journal_begin(j), KE_ESTATE);
	assert_int_equal(journal_order_add(j, &a), KE_OK);
	assert_int_equal(journal_rollback(j), KE_OK);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM orders"), 0);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM order_events"), 0);
	assert_int_equal(journal_rollback(j), KE_OK); /* nothing open: still fine */
	assert_int_equal(journal_commit(j), KE_ESTATE);
	/* A failing call inside a transaction undoes only itself. */
	assert_int_equal(journal_begin(j), KE_OK);
	assert_int_equal(journal_order_add(j, &a), KE_OK);
	struct journal_order ghost = a;
	ghost.id = 99;
	assert_int_equal(journal_order_update(j, &ghost), KE_ENOENT);
	struct journal_fill fl = mk_fill(a.id, "k:10", T_A, 10);
	int ins;
	assert_int_equal(journal_fill_add(j, &fl, &ins), KE_OK);
	/* Uncommitted: another connection does not see it yet. */
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM orders"), 0);
	assert_int_equal(journal_commit(j), KE_OK);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM orders"), 1);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM order_events"), 1);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM fills"), 1);
	/* The once-only pattern: mark the fill and store the state together. */
	assert_int_equal(journal_begin(j), KE_OK);
	assert_int_equal(journal_fill_notified(j, fl.id, T_A + 5), KE_OK);
	assert_int_equal(journal_state_put(j, "sma_cross", "{pos=10}", 8, T_A + 5), KE_OK);
	assert_int_equal(journal_commit(j), KE_OK);
	assert_int_equal(raw_int(f->path, "SELECT notified FROM fills"), T_A + 5);
	/* Close with a transaction open: rolled back. */
	assert_int_equal(journal_begin(j), KE_OK);
	assert_int_equal(journal_state_put(j, "sma_cross", "{pos=0}", 7, T_A + 6), KE_OK);
	journal_close(j);
	j = open_j(f->path);
	char *blob;
	size_t len;
	assert_int_equal(journal_state_get(j, "sma_cross", &blob, &len), KE_OK);
	assert_string_equal(blob, "{pos=10}");
	free(blob);
	journal_close(j);
}

static void test_reopen_persistence(void **state)
{
	struct fx *f = *state;
	struct journal *j = open_j(f->path);
	int64_t run = run_of(j, "real");
	struct journal_order a = mk_order(run, 1, "005930", T_A);
	int ins;
	assert_int_equal(journal_order_add(j, &a), KE_OK);
	struct journal_fill fl = mk_fill(a.id, "0000006555:10", T_A + 1, 10);
	assert_int_equal(journal_fill_add(j, &fl, &ins), KE_OK);
	assert_int_equal(journal_state_put(j, "sma_cross", "{x=1}", 5, T_A), KE_OK);
	assert_int_equal(journal_run_end(j, run, T_D, "clean"), KE_OK);
	journal_close(j);
	j = open_j(f->path);
	struct journal_order g;
	assert_int_equal(journal_order_get(j, a.id, &g), KE_OK);
	assert_string_equal(g.symbol, "005930");
	struct ids got = {0};
	assert_int_equal(journal_fills(j, 0, -1, collect_fill, &got), KE_OK);
	assert_int_equal(got.n, 1);
	assert_int_equal(journal_fill_add(j, &fl, &ins), KE_OK);
	assert_int_equal(ins, 0); /* dedupe survives the restart */
	char *blob;
	size_t len;
	assert_int_equal(journal_state_get(j, "sma_cross", &blob, &len), KE_OK);
	assert_string_equal(blob, "{x=1}");
	free(blob);
	/* Run and order ids continue after the old ones. */
	int64_t run2 = run_of(j, "real");
	assert_int_equal(run2, run + 1);
	struct journal_order b = mk_order(run2, 1, "005930", T_D);
	assert_int_equal(journal_order_add(j, &b), KE_OK);
	assert_int_equal(b.id, a.id + 1);
	journal_close(j);
}

/* Child: write, then die without closing. Exit codes say which step failed. */
static void crash_child(const char *path)
{
	struct journal *j = NULL;
	int64_t run = 0;
	int ins = 0;
	if (journal_open(path, &j, NULL, 0) != KE_OK)
		_exit(10);
	if (journal_run_begin(j, T_A, "real", "real", &run) != KE_OK)
		_exit(11);
	struct journal_order o = mk_order(run, 1, "005930", T_A);
	if (journal_order_add(j, &o) != KE_OK || o.id != 1)
		_exit(12);
	struct journal_fill fl = mk_fill(o.id, "0000006555:10", T_A + 1, 10);
	if (journal_fill_add(j, &fl, &ins) != KE_OK || !ins)
		_exit(13);
	_exit(0);
}

static void test_crash_durability(void **state)
{
	struct fx *f = *state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		crash_child(f->path);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* Nothing checkpointed: the data is only in the WAL. */
	char wal[160];
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	assert_int_equal(file_mode(wal), 0600);
	struct journal *j = open_j(f->path);
	struct journal_order g;
	assert_int_equal(journal_order_get(j, 1, &g), KE_OK);
	assert_string_equal(g.symbol, "005930");
	assert_int_equal(g.qty, 10);
	struct ids got = {0};
	assert_int_equal(journal_fills(j, 1, DAY_0303, collect_fill, &got), KE_OK);
	assert_int_equal(got.n, 1);
	/* The run never ended: a crash. */
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM runs WHERE ended IS NULL"), 1);
	journal_close(j);
}

static void test_refuses_newer_and_foreign(void **state)
{
	struct fx *f = *state;
	journal_close(open_j(f->path));
	raw_exec(f->path, "PRAGMA user_version = 2"); /* JOURNAL_SCHEMA_VERSION + 1 */
	struct journal *j = (struct journal *)1;
	char err[512];
	assert_int_equal(journal_open(f->path, &j, err, sizeof err), KE_ESTATE);
	assert_null(j);
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "newer"));
	/* Another program's database: refused, and left in its journal mode. */
	char other[160];
	snprintf(other, sizeof other, "%s/other.db", f->dir);
	int fd = open(other, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	raw_exec(other, "CREATE TABLE t (x INTEGER)");
	assert_int_equal(journal_open(other, &j, err, sizeof err), KE_ESTATE);
	assert_non_null(strstr(err, other));
	assert_non_null(strstr(err, "not a kis-engine journal"));
	char mode[16];
	raw_text(other, "PRAGMA journal_mode", mode, sizeof mode);
	assert_string_equal(mode, "delete");
}

static void test_bad_paths(void **state)
{
	struct fx *f = *state;
	struct journal *j = NULL;
	char err[512], p[160];
	/* Not a database. */
	snprintf(p, sizeof p, "%s/garbage.db", f->dir);
	int fd = open(p, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	char junk[4096];
	memset(junk, 'x', sizeof junk);
	assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	close(fd);
	assert_int_equal(journal_open(p, &j, err, sizeof err), KE_EIO);
	assert_null(j);
	assert_non_null(strstr(err, p));
	assert_non_null(strstr(err, "not a database"));
	/* A missing directory. */
	snprintf(p, sizeof p, "%s/no/such/dir/journal.db", f->dir);
	assert_int_equal(journal_open(p, &j, err, sizeof err), KE_EIO);
	assert_non_null(strstr(err, p));
	/* A directory. */
	assert_int_equal(journal_open(f->dir, &j, err, sizeof err), KE_EIO);
	assert_non_null(strstr(err, f->dir));
	/* Readable by others: refused, not silently used. */
	snprintf(p, sizeof p, "%s/loose.db", f->dir);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0644), 0);
	close(fd);
	assert_int_equal(journal_open(p, &j, err, sizeof err), KE_ESTATE);
	assert_non_null(strstr(err, p));
	assert_non_null(strstr(err, "644"));
	/* No err buffer is fine. */
	assert_int_equal(journal_open(p, &j, NULL, 0), KE_ESTATE);
	/* A relative path works (and is not taken for a URI). */
	char cwd[256];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(f->dir), 0);
	assert_int_equal(journal_open("file:rel.db", &j, err, sizeof err), KE_OK);
	journal_close(j);
	assert_int_equal(chdir(cwd), 0);
	snprintf(p, sizeof p, "%s/file:rel.db", f->dir);
	assert_int_equal(file_mode(p), 0600);
}

static void test_null_args(void **state)
{
	struct fx *f = *state;
	struct journal *j = NULL;
	char err[256];
	assert_int_equal(journal_open(NULL, &j, err, sizeof err), KE_EINVAL);
	assert_int_equal(journal_open("", &j, err, sizeof err), KE_EINVAL);
	assert_int_equal(journal_open(f->path, NULL, err, sizeof err), KE_EINVAL);
	journal_close(NULL);
	assert_string_equal(journal_errmsg(NULL), "");
	assert_string_equal(journal_path(NULL), "");
	j = open_j(f->path);
	int64_t id;
	int ins;
	char *blob;
	size_t len;
	struct journal_order o = mk_order(1, 1, "005930", T_A);
	struct journal_fill fl = mk_fill(1, "k", T_A, 1);
	assert_int_equal(journal_begin(NULL), KE_EINVAL);
	assert_int_equal(journal_commit(NULL), KE_EINVAL);
	assert_int_equal(journal_rollback(NULL), KE_EINVAL);
	assert_int_equal(journal_run_begin(NULL, T_A, "m", "e", &id), KE_EINVAL);
	assert_int_equal(journal_run_begin(j, T_A, NULL, "e", &id), KE_EINVAL);
	assert_int_equal(journal_run_begin(j, T_A, "m", NULL, &id), KE_EINVAL);
	assert_int_equal(journal_run_begin(j, T_A, "m", "e", NULL), KE_EINVAL);
	assert_int_equal(journal_run_end(NULL, 1, T_A, "x"), KE_EINVAL);
	assert_int_equal(journal_run_end(j, 1, T_A, NULL), KE_EINVAL);
	assert_int_equal(journal_order_add(NULL, &o), KE_EINVAL);
	assert_int_equal(journal_order_add(j, NULL), KE_EINVAL);
	assert_int_equal(journal_order_update(NULL, &o), KE_EINVAL);
	assert_int_equal(journal_order_update(j, NULL), KE_EINVAL);
	assert_int_equal(journal_order_get(NULL, 1, &o), KE_EINVAL);
	assert_int_equal(journal_order_get(j, 1, NULL), KE_EINVAL);
	assert_int_equal(journal_find_odno(NULL, "1", &o), KE_EINVAL);
	assert_int_equal(journal_find_odno(j, NULL, &o), KE_EINVAL);
	assert_int_equal(journal_find_odno(j, "", &o), KE_EINVAL);
	assert_int_equal(journal_find_odno(j, "1", NULL), KE_EINVAL);
	assert_int_equal(journal_orders(NULL, 0, -1, collect_order, NULL), KE_EINVAL);
	assert_int_equal(journal_orders(j, 0, -1, NULL, NULL), KE_EINVAL);
	assert_int_equal(journal_fill_add(NULL, &fl, &ins), KE_EINVAL);
	assert_int_equal(journal_fill_add(j, NULL, &ins), KE_EINVAL);
	assert_int_equal(journal_fill_add(j, &fl, NULL), KE_EINVAL);
	assert_int_equal(journal_fill_notified(NULL, 1, T_A), KE_EINVAL);
	assert_int_equal(journal_fills(NULL, 0, -1, collect_fill, NULL), KE_EINVAL);
	assert_int_equal(journal_fills(j, 0, -1, NULL, NULL), KE_EINVAL);
	assert_int_equal(journal_state_put(NULL, "s", "x", 1, T_A), KE_EINVAL);
	assert_int_equal(journal_state_put(j, NULL, "x", 1, T_A), KE_EINVAL);
	assert_int_equal(journal_state_put(j, "", "x", 1, T_A), KE_EINVAL);
	assert_int_equal(journal_state_get(NULL, "s", &blob, &len), KE_EINVAL);
	assert_int_equal(journal_state_get(j, NULL, &blob, &len), KE_EINVAL);
	assert_int_equal(journal_state_get(j, "s", NULL, &len), KE_EINVAL);
	assert_int_equal(journal_state_get(j, "s", &blob, NULL), KE_EINVAL);
	journal_close(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_creates_schema, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_state_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_runs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_orders_ids, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_updates_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fills_dedupe, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_listing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reopen_persistence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_durability, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_newer_and_foreign, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_paths, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_null_args, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
