/*
 * simrate.h - kis-sim's per-account REST rate limit (kis-protocol.md §6:
 * real 18 req/s, mock 1 req/s, "per account/app key"), refusing with
 * EGW00201 "초당 거래건수를 초과하였습니다." in the rt_cd "1" envelope, HTTP 500.
 *
 * Keys are account indexes (struct simauth_caller.index), so memory is
 * bounded by the number of accounts times the rate. Only accepted requests
 * fill the window: a client that backs off after EGW00201 gets through.
 * No clock is read: the caller passes the wall clock in epoch ms. A clock
 * that steps back forgets that key's history rather than refusing until
 * it catches up. Not thread-safe.
 */
#ifndef SIMRATE_H
#define SIMRATE_H

#include <stdint.h>

#include "ke_common.h"
#include "simacct.h"
#include "simauth.h"

#define SIMRATE_MAX_PER_SEC 100000

/* KIS does not say how it counts a second ([U]). */
enum simrate_window {
	/* At most per_sec accepted requests in any 1000 ms: a request at t is
	 * refused while per_sec earlier ones lie in (t - 1000, t]. The strict
	 * reading: a client that passes it passes every other. Default. */
	SIMRATE_SLIDING = 0,
	/* At most per_sec accepted requests per wall-clock second
	 * [k*1000, (k+1)*1000): bursts of 2*per_sec across a boundary pass. */
	SIMRATE_FIXED = 1,
};

struct simrate_config {
	int per_sec; /* 0 = no limit */
	enum simrate_window window;
	int status; /* HTTP status of EGW00201: 500 */
};

struct simrate_counters {
	uint64_t allowed;
	uint64_t rejected;
};

struct simrate;

/* per_sec 1 for SIMACCT_MOCK, 18 for SIMACCT_REAL; sliding; status 500. */
void simrate_config_default(struct simrate_config *cfg, enum simacct_env env);

/* A limiter for keys 0 .. nkeys-1 (nkeys <= SIMACCT_MAX). KE_EINVAL for a
 * bad config (per_sec < 0 or > SIMRATE_MAX_PER_SEC...), KE_ENOMEM. */
int simrate_new(const struct simrate_config *cfg, int nkeys, struct simrate **out);
void simrate_free(struct simrate *r);

/* Changes the rate at run time (POST /_sim/faults); forgets every window.
 * The counters are kept. */
int simrate_set(struct simrate *r, int per_sec, enum simrate_window window);

/* KE_OK and a 200 reply when key may make a request at now_ms (and counts
 * it); KE_ELIMIT and the EGW00201 envelope reply when not; KE_EINVAL for a
 * key out of range. */
int simrate_check(struct simrate *r, int key, int64_t now_ms, struct simauth_reply *rep);

/* Counters of one key, or of all keys when key is -1. */
void simrate_counters(const struct simrate *r, int key, struct simrate_counters *out);

#endif
