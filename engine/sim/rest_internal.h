/*
 * rest_internal.h - what rest.c (routing, credentials, tr_ids, /oauth2,
 * hashkey, /_sim/state), rest_order.c (order-cash, order-rvsecncl) and
 * rest_query.c (account queries, quotes, charts, holidays) share. Not a
 * public interface: only these files include it.
 */
#ifndef REST_INTERNAL_H
#define REST_INTERNAL_H

#include <cjson/cJSON.h>

#include "simrest.h"

/* One tr_id a path accepts: the environments it exists in and, for
 * order-cash, the side it means. */
struct simrest_tr {
	const char *id;
	unsigned env; /* SIMACCT_MOCK, SIMACCT_REAL or both */
	enum order_side side;
};

/* Everything a handler needs for one request. */
struct simrest_ctx {
	struct simrest_world *w;
	const struct simrest_req *rq;
	int64_t wall_ms, market_ms;
	struct simrest_resp *out;
	struct simauth_caller who;   /* the authenticated caller (uapi paths) */
	const struct simrest_tr *tr; /* the accepted tr_id (uapi paths) */
	cJSON *body;                 /* the parsed POST body (uapi POST paths) */
	int failed;                  /* the answer is a refusal: counts in rest_errors */
	int nomem;                   /* a JSON node could not be allocated */
	int rc;                      /* what simrest_send returned: KE_OK or KE_ENOMEM */
};

/* ---- the request ---- */

/* Value of a header / query parameter, names compared case-insensitively;
 * the first one wins. NULL when absent. */
const char *simrest_header(const struct simrest_req *rq, const char *name);
const char *simrest_query(const struct simrest_req *rq, const char *name);

/* Functions below that "answer" on failure send the whole response and
 * return -1; the handler then returns c->rc. */

/* A query parameter into dst ("" when absent). When required and absent,
 * or when it does not fit, answers E_INPUT naming it and returns -1. */
int simrest_query_field(struct simrest_ctx *c, const char *name, int required, char *dst, size_t len);

/* A string field of the POST body into dst. Keys are UPPERCASE and exact
 * (kis-protocol §3). Absent and required, not a string, or too long:
 * answers E_INPUT naming it and returns -1; absent and optional: "". */
int simrest_body_field(struct simrest_ctx *c, const char *name, int required, char *dst, size_t len);

/* The paging cursor of a request: the CTX_AREA_NK100 (or nk_name) query
 * parameter when the tr_cont header asks for the next page ("N"), else "". */
int simrest_cursor(struct simrest_ctx *c, const char *nk_name, char *dst, size_t len);

/* Refuses (E_ACCOUNT) an account that is not the caller's: an app key
 * belongs to one account at KIS. Returns -1 when it answered. */
int simrest_own_account(struct simrest_ctx *c, const char *cano, const char *prdt);

/* ---- building the answer ---- */

/* A new object holding rt_cd, msg_cd, msg1; NULL (and nomem) on failure. */
cJSON *simrest_envelope(struct simrest_ctx *c, const char *rt_cd, const char *msg_cd, const char *msg1);
/* Child object / array of parent under key (NULL key: appended to an array). */
cJSON *simrest_obj(struct simrest_ctx *c, cJSON *parent, const char *key);
cJSON *simrest_arr(struct simrest_ctx *c, cJSON *parent, const char *key);
void simrest_str(struct simrest_ctx *c, cJSON *o, const char *key, const char *s);
/* An integer as KIS sends numbers: a decimal string. */
void simrest_int(struct simrest_ctx *c, cJSON *o, const char *key, int64_t v);
/* Basis points as a percentage string, "1.71". */
void simrest_bp(struct simrest_ctx *c, cJSON *o, const char *key, int64_t bp);

/* Prints root (and frees it) as the response with status. KE_OK, or
 * KE_ENOMEM when not even the internal-error answer could be built. */
int simrest_send(struct simrest_ctx *c, int status, cJSON *root);

/* An error envelope with status; marks the answer failed. */
int simrest_error(struct simrest_ctx *c, int status, const char *rt_cd, const char *msg_cd, const char *msg1);

/* Whether the venue refused (rt_cd other than "0"). */
int simrest_refused(const struct simvenue_result *res);

/* The venue's refusal: its envelope and HTTP status, no output. */
int simrest_venue_error(struct simrest_ctx *c, const struct simvenue_result *res);

/* A refusal with the venue's message id (its configured code and text),
 * detail appended as " (detail)" like the venue does. */
int simrest_venue_msg(struct simrest_ctx *c, enum simvenue_msg_id id, const char *detail);

/* The envelope of a successful venue answer, NULL on allocation failure. */
cJSON *simrest_venue_ok(struct simrest_ctx *c, const struct simvenue_result *res);

/* Adds ctx_area_fk100/ctx_area_nk100 (or the names given) and sets the
 * tr_cont response header from the venue's paging. */
void simrest_paging(struct simrest_ctx *c, cJSON *root, const struct simvenue_paging *pg, const char *fk_name,
                    const char *nk_name);

/* ---- handlers: each answers the request in c ---- */

int simrest_order_cash(struct simrest_ctx *c);
int simrest_order_rvsecncl(struct simrest_ctx *c);
int simrest_balance(struct simrest_ctx *c);
int simrest_daily_ccld(struct simrest_ctx *c);
int simrest_psbl_order(struct simrest_ctx *c);
int simrest_psbl_rvsecncl(struct simrest_ctx *c);
int simrest_price(struct simrest_ctx *c);
int simrest_chart_daily(struct simrest_ctx *c);
int simrest_chart_time(struct simrest_ctx *c);
int simrest_holiday(struct simrest_ctx *c);

#endif
