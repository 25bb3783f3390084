/*
 * journal.h - the live runtime's durable record: runs, orders, order
 * events, fills and strategy ctx.state in one SQLite database (WAL mode,
 * synchronous=FULL: an acknowledged write survives a crash of the process
 * and of the machine).
 *
 * Write-ahead rule: an order is journaled (journal_order_add) before its
 * request leaves, a fill is journaled before the strategy hears of it, and
 * journal_fill_notified marks when it did, so a restart tells the strategy
 * about every fill it missed exactly once (mark it in the same transaction
 * as the journal_state_put that follows on_fill).
 *
 * Ownership (as in curl): journal_open hands out a handle the caller frees
 * with journal_close. Strings and structs passed in are read during the
 * call and never kept. Structs passed to a callback are valid only during
 * that callback. journal_state_get's *blob is malloc'd and the caller
 * frees it with free(). journal_errmsg and journal_path point into the
 * handle (valid until close; the message changes with the next failure).
 *
 * Errors: every function returns a KE_* code and writes its out-parameters
 * only on KE_OK (journal_open sets *out to NULL on failure). KE_EINVAL for
 * bad arguments and for rows the database refuses (a constraint: unknown
 * run or order, duplicate engine id); KE_EIO for any other SQLite failure
 * (disk, lock timeout, corruption). After a failure journal_errmsg says
 * why. Nothing is printed.
 *
 * A handle is used by one thread at a time and must not cross fork().
 * Other processes may open the same file (SQLite locks it); a writer waits
 * up to JOURNAL_BUSY_MS for another's lock.
 */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ke_common.h"
#include "order.h"

/* PRAGMA user_version of the schema this code writes. A file with a
 * higher version is refused; a lower one is migrated at open. */
#define JOURNAL_SCHEMA_VERSION 1

#define JOURNAL_BUSY_MS 5000

#define JOURNAL_STRATEGY_MAX 64
#define JOURNAL_STATE_MAX    24 /* longest order_state_name(), "partially_filled", is 16 */
#define JOURNAL_ORGNO_MAX    8  /* KRX_FWDG_ORD_ORGNO, 5 digits */
#define JOURNAL_ODNO_MAX     16 /* ODNO, 10 digits */
#define JOURNAL_KEY_MAX      64

struct journal;

struct journal_order {
	int64_t id;        /* journal-wide id, unique and increasing across runs (set by journal_order_add) */
	int64_t run_id;    /* a run of journal_run_begin */
	int64_t engine_id; /* the core's order id within its run; unique per run */
	char strategy[JOURNAL_STRATEGY_MAX];
	char symbol[KE_SYMBOL_MAX];
	enum order_side side;
	enum order_type type;
	int64_t price;                 /* KRW limit price, 0 for market */
	int64_t qty;                   /* shares; changes with a modify */
	int64_t created, updated;      /* epoch ms */
	char state[JOURNAL_STATE_MAX]; /* an order_state_name() value */
	int64_t filled_qty;            /* 0 ... qty */
	char orgno[JOURNAL_ORGNO_MAX]; /* KIS numbers once known, "" before */
	char odno[JOURNAL_ODNO_MAX];
	char reason[KE_REASON_MAX];
};

struct journal_fill {
	int64_t id;       /* journal fill id (set by journal_fill_add) */
	int64_t order_id; /* journal order id */
	int64_t time;     /* epoch ms of the execution */
	int64_t qty, price, fee, tax;
	int64_t notified; /* epoch ms the strategy was told (journal_fill_notified); 0 = not yet */
	/* Dedupe key within the order, e.g. "<odno>:<cumulative qty>": a second
	 * fill of the same order with the same key is not stored. Scoped to the
	 * order because KIS order numbers restart every day. */
	char venue_key[JOURNAL_KEY_MAX];
};

/* Open or create the journal at path (the file is created mode 0600; an
 * existing one readable or writable by group/others is refused, as is a
 * file that is not a kis-engine journal or has a newer schema). err
 * (errlen bytes, may be NULL) names the path on failure. KE_EINVAL,
 * KE_ENOMEM, KE_EIO (missing directory, not a database, SQLite failure),
 * KE_ESTATE (permissions, foreign database, newer schema). */
int journal_open(const char *path, struct journal **out, char *err, size_t errlen);
/* Rolls back a transaction left open by journal_begin. j may be NULL. */
void journal_close(struct journal *j);
const char *journal_path(const struct journal *j);
/* The last failure's message ("" when none); never NULL. */
const char *journal_errmsg(const struct journal *j);

/* Group writes in one transaction: one fsync for all, and all or none of
 * them after a crash. Nesting is KE_ESTATE, as is commit without begin.
 * A call that fails inside a transaction undoes only its own writes, but
 * after a KE_EIO (disk full, I/O error) or a failed commit SQLite may have
 * dropped the whole transaction: call journal_rollback, which is KE_OK
 * when no transaction is open any more, and start again. */
int journal_begin(struct journal *j);
int journal_commit(struct journal *j);
int journal_rollback(struct journal *j);

/* A run is one engine process lifetime. mode/env are free text
 * ("real"/"mock", ...). run_end: KE_ENOENT unknown run, KE_ESTATE already
 * ended. A run that never ended is a crash. */
int journal_run_begin(struct journal *j, int64_t now_ms, const char *mode, const char *env, int64_t *run_id);
int journal_run_end(struct journal *j, int64_t run_id, int64_t now_ms, const char *how);

/* Store a new order and its first event; sets o->id. Every field but id
 * is taken from o (updated 0 means created). */
int journal_order_add(struct journal *j, struct journal_order *o);
/* Write the mutable fields of order o->id (state, filled_qty, price, qty,
 * orgno, odno, reason, updated) and append an event row with them, at
 * o->updated. The other fields are not written. KE_ENOENT unknown id. */
int journal_order_update(struct journal *j, const struct journal_order *o);
/* KE_ENOENT when there is no such order. */
int journal_order_get(struct journal *j, int64_t id, struct journal_order *out);
/* The most recent order that has carried this ODNO (a KIS revise gives
 * the order a new one; numbers repeat on later days). KE_ENOENT. */
int journal_find_odno(struct journal *j, const char *odno, struct journal_order *out);
/* Visit orders in id order: open_only keeps those not filled, cancelled or
 * rejected; kst_day (days since 1970-01-01 in KST, see ktime.h) keeps those
 * created that KST day, -1 all days. Rows are read before the first call,
 * so fn may call any journal function. fn returning non-zero stops the walk
 * and that value is returned. */
int journal_orders(struct journal *j, int open_only, int32_t kst_day,
                   int (*fn)(void *ud, const struct journal_order *o), void *ud);

/* Store a fill (f->notified is ignored: a new fill is not notified).
 * *inserted is 1 when stored, 0 when a fill with the same order_id and
 * venue_key was already there; either way f->id is set to the stored fill. */
int journal_fill_add(struct journal *j, struct journal_fill *f, int *inserted);
/* Record that the strategy was told about fill_id at now_ms (> 0). Marking
 * twice keeps the first time. KE_ENOENT unknown fill. */
int journal_fill_notified(struct journal *j, int64_t fill_id, int64_t now_ms);
/* Visit fills in id order: unnotified_only keeps those not yet told;
 * kst_day keeps those executed that KST day, -1 all. As journal_orders. */
int journal_fills(struct journal *j, int unnotified_only, int32_t kst_day,
                  int (*fn)(void *ud, const struct journal_fill *f), void *ud);

/* A strategy's persisted ctx.state, an opaque blob (len may be 0; blob may
 * be NULL then). put replaces. get: *blob is malloc'd with a NUL after
 * *len bytes; KE_ENOENT when none was stored. */
int journal_state_put(struct journal *j, const char *strategy, const char *blob, size_t len, int64_t now_ms);
int journal_state_get(struct journal *j, const char *strategy, char **blob, size_t *len);

#endif
