/*
 * journal.c - the live runtime's SQLite journal.
 *
 * Durability: WAL with synchronous=FULL fsyncs the WAL at every commit, so
 * a call that returned KE_OK is on disk even if the machine dies next.
 * Orders and fills are few; an fsync each is cheap next to losing one.
 *
 * Every statement is prepared once at open and kept in the handle. Text is
 * bound SQLITE_STATIC: each statement is reset and its bindings cleared
 * before the call that bound them returns, so SQLite never holds a
 * caller's pointer past the call.
 *
 * Calls that write more than one row (an order and its event) wrap them in
 * a SAVEPOINT: outside a transaction it commits on release, inside a
 * caller's journal_begin it nests, and on failure it undoes only that call.
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktime.h"

/* PRAGMA application_id: "KEJL". Tells a journal from another program's
 * database that happens to sit at the same path. */
#define JOURNAL_APP_ID 0x4b454a4c

#define ERR_MAX 512

#ifdef SQLITE_OPEN_EXRESCODE /* 3.37 */
#define OPEN_EXRESCODE SQLITE_OPEN_EXRESCODE
#else
#define OPEN_EXRESCODE 0
#endif

#define ORDER_COLS                                                                                                     \
	"id, run_id, engine_id, strategy, symbol, side, type, price, qty, created, updated, state, filled_qty, "       \
	"orgno, "                                                                                                      \
	"odno, reason"
#define FILL_COLS  "id, order_id, time, qty, price, fee, tax, notified, venue_key"
#define OPEN_STATE "state NOT IN ('filled', 'cancelled', 'rejected')"

/* Schema version v -> v + 1; migrations[0] creates a new journal.
 *  - orders: AUTOINCREMENT so an id is never handed out twice, even if
 *    rows were ever deleted by hand.
 *  - orders_open: its WHERE must read exactly as in the open-order
 *    queries for the planner to use the partial index.
 *  - fills: no AUTOINCREMENT, which would burn an id on every duplicate
 *    that DO NOTHING skips; fills are never deleted, so plain rowids are
 *    never reused either. */
static const char *const migrations[JOURNAL_SCHEMA_VERSION] = {
    "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started INTEGER NOT NULL, ended INTEGER,"
    " mode TEXT NOT NULL, env TEXT NOT NULL, how TEXT);"
    "CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " run_id INTEGER NOT NULL REFERENCES runs (id), engine_id INTEGER NOT NULL,"
    " strategy TEXT NOT NULL, symbol TEXT NOT NULL,"
    " side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),"
    " type TEXT NOT NULL CHECK (type IN ('market', 'limit')),"
    " price INTEGER NOT NULL CHECK (price >= 0), qty INTEGER NOT NULL CHECK (qty > 0),"
    " created INTEGER NOT NULL, updated INTEGER NOT NULL, state TEXT NOT NULL,"
    " filled_qty INTEGER NOT NULL CHECK (filled_qty BETWEEN 0 AND qty),"
    " orgno TEXT NOT NULL, odno TEXT NOT NULL, reason TEXT NOT NULL,"
    " UNIQUE (run_id, engine_id));"
    "CREATE INDEX orders_open ON orders (id) WHERE " OPEN_STATE ";"
    "CREATE INDEX orders_created ON orders (created);"
    "CREATE TABLE order_events (id INTEGER PRIMARY KEY,"
    " order_id INTEGER NOT NULL REFERENCES orders (id), time INTEGER NOT NULL, state TEXT NOT NULL,"
    " filled_qty INTEGER NOT NULL, price INTEGER NOT NULL, qty INTEGER NOT NULL,"
    " orgno TEXT NOT NULL, odno TEXT NOT NULL, reason TEXT NOT NULL);"
    "CREATE INDEX order_events_order ON order_events (order_id);"
    "CREATE INDEX order_events_odno ON order_events (odno, order_id);"
    "CREATE TABLE fills (id INTEGER PRIMARY KEY,"
    " order_id INTEGER NOT NULL REFERENCES orders (id), time INTEGER NOT NULL,"
    " qty INTEGER NOT NULL CHECK (qty > 0), price INTEGER NOT NULL CHECK (price > 0),"
    " fee INTEGER NOT NULL CHECK (fee >= 0), tax INTEGER NOT NULL CHECK (tax >= 0),"
    " notified INTEGER NOT NULL DEFAULT 0, venue_key TEXT NOT NULL CHECK (venue_key <> ''),"
    " UNIQUE (order_id, venue_key));"
    "CREATE INDEX fills_time ON fills (time);"
    "CREATE INDEX fills_unnotified ON fills (id) WHERE notified = 0;"
    "CREATE TABLE strategy_state (strategy TEXT PRIMARY KEY, blob BLOB NOT NULL, updated INTEGER NOT NULL);",
};

enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_RUN_INSERT,
	ST_RUN_END,
	ST_RUN_GET,
	ST_ORDER_INSERT,
	ST_ORDER_UPDATE,
	ST_EVENT_INSERT,
	ST_ORDER_GET,
	ST_ORDER_ODNO,
	ST_ORDERS, /* + 1 open only, + 2 one day */
	ST_ORDERS_OPEN,
	ST_ORDERS_DAY,
	ST_ORDERS_OPEN_DAY,
	ST_FILL_INSERT,
	ST_FILL_FIND,
	ST_FILL_NOTIFIED,
	ST_FILLS, /* + 1 unnotified only, + 2 one day */
	ST_FILLS_UNNOTIFIED,
	ST_FILLS_DAY,
	ST_FILLS_UNNOTIFIED_DAY,
	ST_STATE_PUT,
	ST_STATE_GET,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    /* IMMEDIATE takes the write lock at once (waiting up to the busy
     * timeout), so a later write in the transaction cannot fail busy. */
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SAVEPOINT] = "SAVEPOINT journal_call",
    [ST_RELEASE] = "RELEASE journal_call",
    [ST_ROLLBACK_TO] = "ROLLBACK TO journal_call",
    [ST_RUN_INSERT] = "INSERT INTO runs (started, mode, env) VALUES (?1, ?2, ?3)",
    [ST_RUN_END] = "UPDATE runs SET ended = ?2, how = ?3 WHERE id = ?1 AND ended IS NULL",
    [ST_RUN_GET] = "SELECT ended FROM runs WHERE id = ?1",
    [ST_ORDER_INSERT] = "INSERT INTO orders (run_id, engine_id, strategy, symbol, side, type, price, qty, created, "
                        "updated, state, filled_qty, orgno, odno, reason) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    [ST_ORDER_UPDATE] = "UPDATE orders SET state = ?2, filled_qty = ?3, price = ?4, qty = ?5, orgno = ?6, odno = ?7, "
                        "reason = ?8, updated = ?9 WHERE id = ?1",
    /* The event is a snapshot of the row just written. */
    [ST_EVENT_INSERT] = "INSERT INTO order_events (order_id, time, state, filled_qty, price, qty, orgno, odno, reason) "
                        "SELECT id, updated, state, filled_qty, price, qty, orgno, odno, reason FROM orders "
                        "WHERE id = ?1",
    [ST_ORDER_GET] = "SELECT " ORDER_COLS " FROM orders WHERE id = ?1",
    [ST_ORDER_ODNO] = "SELECT " ORDER_COLS " FROM orders WHERE id = "
                      "(SELECT max(order_id) FROM order_events WHERE odno = ?1)",
    [ST_ORDERS] = "SELECT " ORDER_COLS " FROM orders ORDER BY id",
    [ST_ORDERS_OPEN] = "SELECT " ORDER_COLS " FROM orders WHERE " OPEN_STATE " ORDER BY id",
    [ST_ORDERS_DAY] = "SELECT " ORDER_COLS " FROM orders WHERE created >= ?1 AND created < ?2 ORDER BY id",
    [ST_ORDERS_OPEN_DAY] =
        "SELECT " ORDER_COLS " FROM orders WHERE " OPEN_STATE " AND created >= ?1 AND created < ?2 ORDER BY id",
    [ST_FILL_INSERT] = "INSERT INTO fills (order_id, time, qty, price, fee, tax, venue_key) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (order_id, venue_key) DO NOTHING",
    [ST_FILL_FIND] = "SELECT id FROM fills WHERE order_id = ?1 AND venue_key = ?2",
    [ST_FILL_NOTIFIED] = "UPDATE fills SET notified = CASE WHEN notified = 0 THEN ?2 ELSE notified END WHERE id = ?1",
    [ST_FILLS] = "SELECT " FILL_COLS " FROM fills ORDER BY id",
    [ST_FILLS_UNNOTIFIED] = "SELECT " FILL_COLS " FROM fills WHERE notified = 0 ORDER BY id",
    [ST_FILLS_DAY] = "SELECT " FILL_COLS " FROM fills WHERE time >= ?1 AND time < ?2 ORDER BY id",
    [ST_FILLS_UNNOTIFIED_DAY] = "SELECT " FILL_COLS " FROM fills WHERE notified = 0 AND time >= ?1 AND time < ?2 "
                                "ORDER BY id",
    [ST_STATE_PUT] = "INSERT INTO strategy_state (strategy, blob, updated) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (strategy) DO UPDATE SET blob = excluded.blob, updated = excluded.updated",
    [ST_STATE_GET] = "SELECT blob FROM strategy_state WHERE strategy = ?1",
};

struct journal {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	char *path;
	char err[ERR_MAX];
};

static int jerr(struct journal *j, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->err, sizeof j->err, fmt, ap);
	va_end(ap);
	return code;
}

/* A failed SQLite call: the message into j->err, the code mapped. A
 * constraint means the caller passed a row the schema refuses. */
static int sqlfail(struct journal *j, int src, const char *what)
{
	snprintf(j->err, sizeof j->err, "%s: %s", what, sqlite3_errmsg(j->db));
	switch (src & 0xff) {
	case SQLITE_CONSTRAINT: return KE_EINVAL;
	case SQLITE_NOMEM: return KE_ENOMEM;
	default: return KE_EIO;
	}
}

static void done(sqlite3_stmt *st)
{
	/* reset repeats the step's error, which the caller has handled. */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int bind_fail(struct journal *j, sqlite3_stmt *st, const char *what)
{
	int rc = sqlfail(j, sqlite3_errcode(j->db), what);
	done(st);
	return rc;
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Steps a statement that returns no row (or ignores it) and resets it. */
static int step_done(struct journal *j, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	int ret = rc == SQLITE_DONE || rc == SQLITE_ROW ? KE_OK : sqlfail(j, rc, what);
	done(st);
	return ret;
}

/* A string field of a struct: NUL-terminated inside its array. */
static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static int valid_state(const char *s)
{
	for (int st = ORDER_NEW; st <= ORDER_REJECTED; st++)
		if (strcmp(s, order_state_name((enum order_state)st)) == 0)
			return 1;
	return 0;
}

/* Copies a NOT NULL text column; a NULL pointer for a non-NULL value is
 * SQLite running out of memory. Values longer than cap (only if edited by
 * hand) are cut. */
static int col_text(struct journal *j, sqlite3_stmt *st, int i, char *buf, size_t cap)
{
	const unsigned char *p = sqlite3_column_text(st, i);
	buf[0] = '\0';
	if (!p)
		return sqlite3_column_type(st, i) == SQLITE_NULL ? KE_OK : jerr(j, KE_ENOMEM, "out of memory");
	size_t n = (size_t)sqlite3_column_bytes(st, i);
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return KE_OK;
}

/* ---- opening ---- */

/* Creates the file 0600 ourselves: SQLite would create it 0644 & ~umask,
 * and it gives the -wal and -shm files the main file's mode. */
static int create_file(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "journal %s: cannot open: %s", path, strerror(errno));
		return KE_EIO;
	}
	struct stat st;
	int rc = KE_OK;
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "journal %s: cannot stat: %s", path, strerror(errno));
		rc = KE_EIO;
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "journal %s: not a regular file", path);
		rc = KE_EIO;
	} else if (st.st_mode & 077) {
		/* Refused rather than fixed, as the token cache does: someone
		 * made it readable on purpose or by mistake, and either way the
		 * account activity may already have leaked. */
		snprintf(err, errlen, "journal %s: readable or writable by group/others (mode %03o); chmod 600 it",
		         path, (unsigned)(st.st_mode & 0777));
		rc = KE_ESTATE;
	}
	close(fd);
	return rc;
}

/* Runs a one-row statement (a PRAGMA): its first column into *iv and, when
 * buf is given, as text into buf. */
static int query_one(struct journal *j, const char *sql, int64_t *iv, char *buf, size_t cap)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(j->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sqlfail(j, rc, sql);
	rc = sqlite3_step(st);
	int ret = KE_OK;
	if (rc == SQLITE_ROW) {
		if (iv)
			*iv = sqlite3_column_int64(st, 0);
		if (buf)
			ret = col_text(j, st, 0, buf, cap);
	} else if (rc == SQLITE_DONE) {
		ret = jerr(j, KE_EIO, "%s: no answer (SQLite built without it?)", sql);
	} else {
		ret = sqlfail(j, rc, sql);
	}
	sqlite3_finalize(st);
	return ret;
}

static int exec_sql(struct journal *j, const char *sql, const char *what)
{
	int rc = sqlite3_exec(j->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? KE_OK : sqlfail(j, rc, what);
}

/* Whether the file is a journal we may use. *version is its schema
 * version, 0 for an empty database (a new file). */
static int check_identity(struct journal *j, int64_t *version)
{
	int64_t v = 0, app = 0, tables = 0;
	int rc;
	if ((rc = query_one(j, "PRAGMA user_version", &v, NULL, 0)) != KE_OK ||
	    (rc = query_one(j, "PRAGMA application_id", &app, NULL, 0)) != KE_OK ||
	    (rc = query_one(j, "SELECT count(*) FROM sqlite_master", &tables, NULL, 0)) != KE_OK)
		return rc;
	if (app != JOURNAL_APP_ID && (app != 0 || v != 0 || tables != 0))
		return jerr(j, KE_ESTATE, "not a kis-engine journal (another program's database)");
	if (v > JOURNAL_SCHEMA_VERSION)
		return jerr(j, KE_ESTATE, "schema version %lld is newer than this engine's %d: use a newer kis-engine",
		            (long long)v, JOURNAL_SCHEMA_VERSION);
	if (v < 0)
		return jerr(j, KE_ESTATE, "bad schema version %lld", (long long)v);
	*version = v;
	return KE_OK;
}

static int migrate(struct journal *j)
{
	int64_t v = 0;
	int rc = exec_sql(j, "BEGIN IMMEDIATE", "begin schema");
	if (rc != KE_OK)
		return rc;
	/* Checked again under the write lock: another process may have
	 * created or upgraded the file since the first look. */
	if ((rc = check_identity(j, &v)) == KE_OK && v < JOURNAL_SCHEMA_VERSION) {
		for (; v < JOURNAL_SCHEMA_VERSION && rc == KE_OK; v++)
			rc = exec_sql(j, migrations[v], "migrate schema");
		char sql[96];
		/* PRAGMA takes no parameters; the values are our constants. */
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
		         JOURNAL_SCHEMA_VERSION, JOURNAL_APP_ID);
		if (rc == KE_OK)
			rc = exec_sql(j, sql, "set schema version");
	}
	if (rc == KE_OK)
		rc = exec_sql(j, "COMMIT", "commit schema");
	if (rc != KE_OK && !sqlite3_get_autocommit(j->db))
		sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int configure(struct journal *j)
{
	int64_t v = 0, sync = 0, fk = 0;
	char mode[16];
	int rc;
	/* Identity first: never switch someone else's database to WAL. */
	if ((rc = check_identity(j, &v)) != KE_OK ||
	    (rc = query_one(j, "PRAGMA journal_mode = WAL", NULL, mode, sizeof mode)) != KE_OK)
		return rc;
	if (strcmp(mode, "wal") != 0)
		return jerr(j, KE_EIO, "cannot use WAL mode (journal_mode stays %s)", mode);
	if ((rc = exec_sql(j, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", "set pragmas")) != KE_OK ||
	    (rc = query_one(j, "PRAGMA synchronous", &sync, NULL, 0)) != KE_OK ||
	    (rc = query_one(j, "PRAGMA foreign_keys", &fk, NULL, 0)) != KE_OK)
		return rc;
	if (sync != 2 || fk != 1)
		return jerr(j, KE_EIO, "cannot set synchronous=FULL and foreign_keys=ON (%lld, %lld)", (long long)sync,
		            (long long)fk);
	if ((rc = migrate(j)) != KE_OK)
		return rc;
	for (int i = 0; i < ST_COUNT; i++) {
		rc = sqlite3_prepare_v3(j->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &j->st[i], NULL);
		if (rc != SQLITE_OK)
			return sqlfail(j, rc, "prepare");
	}
	return KE_OK;
}

static int open_fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

int journal_open(const char *path, struct journal **out, char *err, size_t errlen)
{
	char dummy[1];
	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof dummy;
	}
	err[0] = '\0';
	if (!out)
		return open_fail(err, errlen, KE_EINVAL, "journal: no out pointer");
	*out = NULL;
	if (!path || !*path)
		return open_fail(err, errlen, KE_EINVAL, "journal: no path");
	int rc = create_file(path, err, errlen);
	if (rc != KE_OK)
		return rc;
	struct journal *j = calloc(1, sizeof *j);
	size_t n = strlen(path);
	/* A relative name goes to SQLite as "./name" so that "file:..." is
	 * never read as a URI. */
	char *name = malloc(n + 3);
	if (!j || !name || !(j->path = strdup(path))) {
		free(name);
		journal_close(j);
		return open_fail(err, errlen, KE_ENOMEM, "journal %s: out of memory", path);
	}
	snprintf(name, n + 3, "%s%s", path[0] == '/' ? "" : "./", path);
	/* No SQLITE_OPEN_CREATE: create_file made it, with our mode. */
	int src = sqlite3_open_v2(name, &j->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | OPEN_EXRESCODE, NULL);
	free(name);
	if (!j->db)
		rc = jerr(j, KE_ENOMEM, "out of memory");
	else if (src != SQLITE_OK)
		rc = sqlfail(j, src, "open");
	else {
		sqlite3_extended_result_codes(j->db, 1);
		sqlite3_busy_timeout(j->db, JOURNAL_BUSY_MS);
		rc = configure(j);
	}
	if (rc != KE_OK) {
		open_fail(err, errlen, rc, "journal %s: %s", path, j->err);
		journal_close(j);
		return rc;
	}
	*out = j;
	return KE_OK;
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(j->st[i]);
	/* Closing with a transaction open rolls it back; the last connection
	 * to close checkpoints the WAL into the main file. */
	sqlite3_close_v2(j->db);
	free(j->path);
	free(j);
}

const char *journal_path(const struct journal *j)
{
	return j && j->path ? j->path : "";
}

const char *journal_errmsg(const struct journal *j)
{
	return j ? j->err : "";
}

/* ---- transactions ---- */

int journal_begin(struct journal *j)
{
	if (!j)
		return KE_EINVAL;
	if (!sqlite3_get_autocommit(j->db))
		return jerr(j, KE_ESTATE, "begin: a transaction is already open");
	return step_done(j, j->st[ST_BEGIN], "begin");
}

int journal_commit(struct journal *j)
{
	if (!j)
		return KE_EINVAL;
	if (sqlite3_get_autocommit(j->db))
		return jerr(j, KE_ESTATE, "commit: no transaction is open");
	return step_done(j, j->st[ST_COMMIT], "commit");
}

int journal_rollback(struct journal *j)
{
	if (!j)
		return KE_EINVAL;
	/* A failed commit may already have rolled back (SQLite does on some
	 * I/O errors): rolling back "again" is then a success. */
	if (sqlite3_get_autocommit(j->db))
		return KE_OK;
	return step_done(j, j->st[ST_ROLLBACK], "rollback");
}

/* *outer tells call_end whether the savepoint is the whole transaction. */
static int call_begin(struct journal *j, int *outer)
{
	*outer = sqlite3_get_autocommit(j->db);
	return step_done(j, j->st[ST_SAVEPOINT], "savepoint");
}

static int call_end(struct journal *j, int outer, int rc)
{
	if (rc == KE_OK && (rc = step_done(j, j->st[ST_RELEASE], "commit")) == KE_OK)
		return KE_OK;
	/* Undo this call only; j->err keeps the first failure. */
	sqlite3_step(j->st[ST_ROLLBACK_TO]);
	done(j->st[ST_ROLLBACK_TO]);
	sqlite3_step(j->st[ST_RELEASE]);
	done(j->st[ST_RELEASE]);
	if (outer && !sqlite3_get_autocommit(j->db)) {
		sqlite3_step(j->st[ST_ROLLBACK]);
		done(j->st[ST_ROLLBACK]);
	}
	return rc;
}

/* ---- runs ---- */

int journal_run_begin(struct journal *j, int64_t now_ms, const char *mode, const char *env, int64_t *run_id)
{
	if (!j || !mode || !env || !run_id)
		return KE_EINVAL;
	sqlite3_stmt *st = j->st[ST_RUN_INSERT];
	if (sqlite3_bind_int64(st, 1, now_ms) || bind_text(st, 2, mode) || bind_text(st, 3, env))
		return bind_fail(j, st, "run begin");
	int rc = step_done(j, st, "run begin");
	if (rc == KE_OK)
		*run_id = sqlite3_last_insert_rowid(j->db);
	return rc;
}

int journal_run_end(struct journal *j, int64_t run_id, int64_t now_ms, const char *how)
{
	if (!j || !how)
		return KE_EINVAL;
	sqlite3_stmt *st = j->st[ST_RUN_END];
	if (sqlite3_bind_int64(st, 1, run_id) || sqlite3_bind_int64(st, 2, now_ms) || bind_text(st, 3, how))
		return bind_fail(j, st, "run end");
	int rc = step_done(j, st, "run end");
	if (rc != KE_OK || sqlite3_changes(j->db) > 0)
		return rc;
	st = j->st[ST_RUN_GET];
	if (sqlite3_bind_int64(st, 1, run_id))
		return bind_fail(j, st, "run end");
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		rc = jerr(j, KE_ESTATE, "run %lld has already ended", (long long)run_id);
	else if (src == SQLITE_DONE)
		rc = jerr(j, KE_ENOENT, "run %lld: no such run", (long long)run_id);
	else
		rc = sqlfail(j, src, "run end");
	done(st);
	return rc;
}

/* ---- orders ---- */

/* full: a new order (every field); otherwise the fields an update writes. */
static int check_order(struct journal *j, const struct journal_order *o, int full)
{
	if (full) {
		if (o->run_id <= 0 || o->engine_id <= 0)
			return jerr(j, KE_EINVAL, "order: run_id and engine_id must be positive");
		if (!terminated(o->strategy, sizeof o->strategy) || !o->strategy[0])
			return jerr(j, KE_EINVAL, "order: strategy name missing or longer than %d bytes",
			            JOURNAL_STRATEGY_MAX - 1);
		if (!terminated(o->symbol, sizeof o->symbol) || !o->symbol[0])
			return jerr(j, KE_EINVAL, "order: symbol missing or too long");
		if (o->side != SIDE_BUY && o->side != SIDE_SELL)
			return jerr(j, KE_EINVAL, "order: bad side %d", (int)o->side);
		if (o->type != ORDER_MARKET && o->type != ORDER_LIMIT)
			return jerr(j, KE_EINVAL, "order: bad type %d", (int)o->type);
	} else if (o->id <= 0) {
		return jerr(j, KE_EINVAL, "order: bad id %lld", (long long)o->id);
	}
	if (o->price < 0 || o->qty <= 0 || o->filled_qty < 0 || o->filled_qty > o->qty)
		return jerr(j, KE_EINVAL, "order: bad price/qty/filled_qty %lld/%lld/%lld", (long long)o->price,
		            (long long)o->qty, (long long)o->filled_qty);
	if (!terminated(o->state, sizeof o->state) || !valid_state(o->state))
		return jerr(j, KE_EINVAL, "order: unknown state");
	if (!terminated(o->orgno, sizeof o->orgno) || !terminated(o->odno, sizeof o->odno) ||
	    !terminated(o->reason, sizeof o->reason))
		return jerr(j, KE_EINVAL, "order: orgno, odno or reason not terminated");
	return KE_OK;
}

static int insert_event(struct journal *j, int64_t id)
{
	sqlite3_stmt *st = j->st[ST_EVENT_INSERT];
	if (sqlite3_bind_int64(st, 1, id))
		return bind_fail(j, st, "order event");
	return step_done(j, st, "order event");
}

int journal_order_add(struct journal *j, struct journal_order *o)
{
	if (!j || !o)
		return KE_EINVAL;
	int rc = check_order(j, o, 1), outer;
	if (rc != KE_OK || (rc = call_begin(j, &outer)) != KE_OK)
		return rc;
	sqlite3_stmt *st = j->st[ST_ORDER_INSERT];
	int64_t id = 0;
	if (sqlite3_bind_int64(st, 1, o->run_id) || sqlite3_bind_int64(st, 2, o->engine_id) ||
	    bind_text(st, 3, o->strategy) || bind_text(st, 4, o->symbol) ||
	    bind_text(st, 5, order_side_name(o->side)) || bind_text(st, 6, order_type_name(o->type)) ||
	    sqlite3_bind_int64(st, 7, o->price) || sqlite3_bind_int64(st, 8, o->qty) ||
	    sqlite3_bind_int64(st, 9, o->created) || sqlite3_bind_int64(st, 10, o->updated ? o->updated : o->created) ||
	    bind_text(st, 11, o->state) || sqlite3_bind_int64(st, 12, o->filled_qty) || bind_text(st, 13, o->orgno) ||
	    bind_text(st, 14, o->odno) || bind_text(st, 15, o->reason))
		rc = bind_fail(j, st, "order add");
	else if ((rc = step_done(j, st, "order add")) == KE_OK) {
		id = sqlite3_last_insert_rowid(j->db);
		rc = insert_event(j, id);
	}
	if ((rc = call_end(j, outer, rc)) == KE_OK)
		o->id = id;
	return rc;
}

int journal_order_update(struct journal *j, const struct journal_order *o)
{
	if (!j || !o)
		return KE_EINVAL;
	int rc = check_order(j, o, 0), outer;
	if (rc != KE_OK || (rc = call_begin(j, &outer)) != KE_OK)
		return rc;
	sqlite3_stmt *st = j->st[ST_ORDER_UPDATE];
	if (sqlite3_bind_int64(st, 1, o->id) || bind_text(st, 2, o->state) ||
	    sqlite3_bind_int64(st, 3, o->filled_qty) || sqlite3_bind_int64(st, 4, o->price) ||
	    sqlite3_bind_int64(st, 5, o->qty) || bind_text(st, 6, o->orgno) || bind_text(st, 7, o->odno) ||
	    bind_text(st, 8, o->reason) || sqlite3_bind_int64(st, 9, o->updated))
		rc = bind_fail(j, st, "order update");
	else if ((rc = step_done(j, st, "order update")) == KE_OK) {
		if (sqlite3_changes(j->db) == 0)
			rc = jerr(j, KE_ENOENT, "order %lld: no such order", (long long)o->id);
		else
			rc = insert_event(j, o->id);
	}
	return call_end(j, outer, rc);
}

static int read_order(struct journal *j, sqlite3_stmt *st, void *row)
{
	struct journal_order *o = row;
	char side[8], type[8];
	int rc;
	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(st, 0);
	o->run_id = sqlite3_column_int64(st, 1);
	o->engine_id = sqlite3_column_int64(st, 2);
	o->price = sqlite3_column_int64(st, 7);
	o->qty = sqlite3_column_int64(st, 8);
	o->created = sqlite3_column_int64(st, 9);
	o->updated = sqlite3_column_int64(st, 10);
	o->filled_qty = sqlite3_column_int64(st, 12);
	if ((rc = col_text(j, st, 3, o->strategy, sizeof o->strategy)) != KE_OK ||
	    (rc = col_text(j, st, 4, o->symbol, sizeof o->symbol)) != KE_OK ||
	    (rc = col_text(j, st, 5, side, sizeof side)) != KE_OK ||
	    (rc = col_text(j, st, 6, type, sizeof type)) != KE_OK ||
	    (rc = col_text(j, st, 11, o->state, sizeof o->state)) != KE_OK ||
	    (rc = col_text(j, st, 13, o->orgno, sizeof o->orgno)) != KE_OK ||
	    (rc = col_text(j, st, 14, o->odno, sizeof o->odno)) != KE_OK ||
	    (rc = col_text(j, st, 15, o->reason, sizeof o->reason)) != KE_OK)
		return rc;
	/* The schema's CHECKs keep these to the two names each. */
	o->side = strcmp(side, "sell") == 0 ? SIDE_SELL : SIDE_BUY;
	o->type = strcmp(type, "limit") == 0 ? ORDER_LIMIT : ORDER_MARKET;
	return KE_OK;
}

/* Steps a one-row query into o: KE_ENOENT when there is no row. */
static int one_order(struct journal *j, sqlite3_stmt *st, struct journal_order *out, const char *what)
{
	struct journal_order o;
	int src = sqlite3_step(st), rc;
	if (src == SQLITE_ROW)
		rc = read_order(j, st, &o);
	else if (src == SQLITE_DONE)
		rc = jerr(j, KE_ENOENT, "%s: no such order", what);
	else
		rc = sqlfail(j, src, what);
	done(st);
	if (rc == KE_OK)
		*out = o;
	return rc;
}

int journal_order_get(struct journal *j, int64_t id, struct journal_order *out)
{
	if (!j || !out)
		return KE_EINVAL;
	sqlite3_stmt *st = j->st[ST_ORDER_GET];
	if (sqlite3_bind_int64(st, 1, id))
		return bind_fail(j, st, "order get");
	return one_order(j, st, out, "order get");
}

int journal_find_odno(struct journal *j, const char *odno, struct journal_order *out)
{
	if (!j || !odno || !*odno || !out)
		return KE_EINVAL;
	sqlite3_stmt *st = j->st[ST_ORDER_ODNO];
	if (bind_text(st, 1, odno))
		return bind_fail(j, st, "find odno");
	return one_order(j, st, out, "find odno");
}

/* Reads every row of a listing (base + 1 with flag, + 2 for one KST day)
 * into a malloc'd array before any callback runs, so that callbacks may
 * use the journal, even list again. */
static int read_rows(struct journal *j, int base, int flag, int32_t kst_day, size_t sz,
                     int (*read)(struct journal *, sqlite3_stmt *, void *), void **out, size_t *count)
{
	sqlite3_stmt *st = j->st[base + (flag ? 1 : 0) + (kst_day >= 0 ? 2 : 0)];
	if (kst_day >= 0) {
		int64_t start = ktime_day_start(kst_day);
		if (sqlite3_bind_int64(st, 1, start) || sqlite3_bind_int64(st, 2, start + KTIME_DAY_MS))
			return bind_fail(j, st, "list");
	}
	char *rows = NULL, *p;
	size_t n = 0, cap = 0;
	int rc = KE_OK, src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			if (!(p = ncap <= SIZE_MAX / sz ? realloc(rows, ncap * sz) : NULL)) {
				rc = jerr(j, KE_ENOMEM, "out of memory");
				break;
			}
			rows = p;
			cap = ncap;
		}
		if ((rc = read(j, st, rows + n * sz)) != KE_OK)
			break;
		n++;
	}
	if (rc == KE_OK && src != SQLITE_DONE)
		rc = sqlfail(j, src, "list");
	done(st);
	if (rc != KE_OK) {
		free(rows);
		return rc;
	}
	*out = rows;
	*count = n;
	return KE_OK;
}

int journal_orders(struct journal *j, int open_only, int32_t kst_day,
                   int (*fn)(void *ud, const struct journal_order *o), void *ud)
{
	if (!j || !fn || kst_day < -1)
		return KE_EINVAL;
	void *rows = NULL;
	size_t n = 0;
	int rc = read_rows(j, ST_ORDERS, open_only, kst_day, sizeof(struct journal_order), read_order, &rows, &n);
	const struct journal_order *r = rows;
	for (size_t i = 0; rc == KE_OK && i < n; i++)
		rc = fn(ud, &r[i]);
	free(rows);
	return rc;
}

/* ---- fills ---- */

int journal_fill_add(struct journal *j, struct journal_fill *f, int *inserted)
{
	if (!j || !f || !inserted)
		return KE_EINVAL;
	if (f->order_id <= 0 || f->qty <= 0 || f->price <= 0 || f->fee < 0 || f->tax < 0)
		return jerr(j, KE_EINVAL, "fill: bad order_id/qty/price/fee/tax");
	if (!terminated(f->venue_key, sizeof f->venue_key) || !f->venue_key[0])
		return jerr(j, KE_EINVAL, "fill: venue_key missing or longer than %d bytes", JOURNAL_KEY_MAX - 1);
	sqlite3_stmt *st = j->st[ST_FILL_INSERT];
	if (sqlite3_bind_int64(st, 1, f->order_id) || sqlite3_bind_int64(st, 2, f->time) ||
	    sqlite3_bind_int64(st, 3, f->qty) || sqlite3_bind_int64(st, 4, f->price) ||
	    sqlite3_bind_int64(st, 5, f->fee) || sqlite3_bind_int64(st, 6, f->tax) || bind_text(st, 7, f->venue_key))
		return bind_fail(j, st, "fill add");
	int rc = step_done(j, st, "fill add");
	if (rc != KE_OK)
		return rc;
	if (sqlite3_changes(j->db) > 0) {
		f->id = sqlite3_last_insert_rowid(j->db);
		*inserted = 1;
		return KE_OK;
	}
	/* Fills are never deleted, so the one that blocked the insert is there. */
	st = j->st[ST_FILL_FIND];
	if (sqlite3_bind_int64(st, 1, f->order_id) || bind_text(st, 2, f->venue_key))
		return bind_fail(j, st, "fill add");
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		f->id = sqlite3_column_int64(st, 0);
		*inserted = 0;
	} else {
		rc = src == SQLITE_DONE ? jerr(j, KE_EIO, "fill add: duplicate fill vanished")
		                        : sqlfail(j, src, "fill add");
	}
	done(st);
	return rc;
}

int journal_fill_notified(struct journal *j, int64_t fill_id, int64_t now_ms)
{
	if (!j || now_ms <= 0)
		return KE_EINVAL;
	sqlite3_stmt *st = j->st[ST_FILL_NOTIFIED];
	if (sqlite3_bind_int64(st, 1, fill_id) || sqlite3_bind_int64(st, 2, now_ms))
		return bind_fail(j, st, "fill notified");
	int rc = step_done(j, st, "fill notified");
	if (rc == KE_OK && sqlite3_changes(j->db) == 0)
		rc = jerr(j, KE_ENOENT, "fill %lld: no such fill", (long long)fill_id);
	return rc;
}

static int read_fill(struct journal *j, sqlite3_stmt *st, void *row)
{
	struct journal_fill *f = row;
	memset(f, 0, sizeof *f);
	f->id = sqlite3_column_int64(st, 0);
	f->order_id = sqlite3_column_int64(st, 1);
	f->time = sqlite3_column_int64(st, 2);
	f->qty = sqlite3_column_int64(st, 3);
	f->price = sqlite3_column_int64(st, 4);
	f->fee = sqlite3_column_int64(st, 5);
	f->tax = sqlite3_column_int64(st, 6);
	f->notified = sqlite3_column_int64(st, 7);
	return col_text(j, st, 8, f->venue_key, sizeof f->venue_key);
}

int journal_fills(struct journal *j, int unnotified_only, int32_t kst_day,
                  int (*fn)(void *ud, const struct journal_fill *f), void *ud)
{
	if (!j || !fn || kst_day < -1)
		return KE_EINVAL;
	void *rows = NULL;
	size_t n = 0;
	int rc = read_rows(j, ST_FILLS, unnotified_only, kst_day, sizeof(struct journal_fill), read_fill, &rows, &n);
	const struct journal_fill *r = rows;
	for (size_t i = 0; rc == KE_OK && i < n; i++)
		rc = fn(ud, &r[i]);
	free(rows);
	return rc;
}

/* ---- strategy state ---- */

int journal_state_put(struct journal *j, const char *strategy, const char *blob, size_t len, int64_t now_ms)
{
	if (!j || !strategy || !*strategy || (!blob && len > 0))
		return KE_EINVAL;
	sqlite3_stmt *st = j->st[ST_STATE_PUT];
	/* A non-NULL pointer even for len 0: SQLite binds NULL for a NULL
	 * pointer, which the NOT NULL column refuses. */
	if (bind_text(st, 1, strategy) || sqlite3_bind_blob64(st, 2, blob ? blob : "", len, SQLITE_STATIC) ||
	    sqlite3_bind_int64(st, 3, now_ms))
		return bind_fail(j, st, "state put");
	return step_done(j, st, "state put");
}

int journal_state_get(struct journal *j, const char *strategy, char **blob, size_t *len)
{
	if (!j || !strategy || !blob || !len)
		return KE_EINVAL;
	sqlite3_stmt *st = j->st[ST_STATE_GET];
	if (bind_text(st, 1, strategy))
		return bind_fail(j, st, "state get");
	int src = sqlite3_step(st), rc = KE_OK;
	char *copy = NULL;
	size_t n = 0;
	if (src == SQLITE_ROW) {
		const void *p = sqlite3_column_blob(st, 0);
		n = (size_t)sqlite3_column_bytes(st, 0);
		if (!p && n > 0)
			rc = jerr(j, KE_ENOMEM, "out of memory");
		else if (!(copy = malloc(n + 1)))
			rc = jerr(j, KE_ENOMEM, "out of memory");
		else {
			if (n)
				memcpy(copy, p, n);
			copy[n] = '\0';
		}
	} else if (src == SQLITE_DONE) {
		rc = jerr(j, KE_ENOENT, "state of %s: none stored", strategy);
	} else {
		rc = sqlfail(j, src, "state get");
	}
	done(st);
	if (rc == KE_OK) {
		*blob = copy;
		*len = n;
	}
	return rc;
}
