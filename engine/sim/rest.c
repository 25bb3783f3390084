/*
 * rest.c - kis-sim's REST front: routing, the gateway checks every
 * /uapi/domestic-stock call passes (credentials, rate, tr_id, hashkey,
 * body), the /oauth2 endpoints, /uapi/hashkey, GET /_sim/state, and the
 * helpers that build KIS-shaped answers.
 *
 * The order of the checks follows what clients observe at KIS: a call with
 * bad credentials is refused before its tr_id is looked at (a real tr_id
 * with a real token on the mock host answers EGW00205, not a tr_id error),
 * and the rate limit counts every authenticated call, whatever its tr_id.
 * The endpoints themselves are rest_order.c and rest_query.c.
 *
 * Gateway codes, from captures and third-party code tables (docs/kis-sim.md,
 * "REST"): a real tr_id on the mock host EGW02006 "모의투자 TR 이 아닙니다."
 * (HTTP 500; also what chk-holiday and the old psbl-rvsecncl tr_id answer
 * there), a mock tr_id on the real host EGW02005 "실전투자 TR 이 아닙니다.", a
 * tr_id the path does not have OPSQ0002 "없는 서비스 코드 입니다.", no tr_id
 * OPSQ9999, no body OPSQ9995, a body that is not a JSON object OPSQ9997.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rest_internal.h"

#define DOMESTIC "/uapi/domestic-stock/v1"

#define MSG_NOT_MOCK_TR "모의투자 TR 이 아닙니다."
#define MSG_NOT_REAL_TR "실전투자 TR 이 아닙니다."
#define MSG_NO_SERVICE  "없는 서비스 코드 입니다."
#define MSG_NO_TR_ID    "JSON PARSING ERROR : tr_id not found"
#define MSG_NO_BODY     "JSON PARSING ERROR : body not found"
#define MSG_BAD_JSON    "JSON PARSING ERROR : invalid json format"
#define MSG_NO_PATH     "kis-sim: 없는 API 경로입니다."
#define MSG_NO_METHOD   "kis-sim: 허용되지 않는 HTTP 메서드입니다."
#define MSG_INTERNAL    "kis-sim internal error"

/* The gateway refuses with HTTP 500 (captures of EGW02006 and OPSQ0002). */
#define GATEWAY_STATUS 500

/* ---- tr_ids per path (kis-protocol §4, old ones included) ---- */

#define M       SIMACCT_MOCK
#define R       SIMACCT_REAL
#define B       SIMACCT_BOTH
#define NO_SIDE ((enum order_side)0)

static const struct simrest_tr tr_order_cash[] = {
    {"TTTC0011U", R, SIDE_SELL}, {"TTTC0012U", R, SIDE_BUY},  {"TTTC0801U", R, SIDE_SELL},
    {"TTTC0802U", R, SIDE_BUY},  {"VTTC0011U", M, SIDE_SELL}, {"VTTC0012U", M, SIDE_BUY},
    {"VTTC0801U", M, SIDE_SELL}, {"VTTC0802U", M, SIDE_BUY},  {NULL, 0, NO_SIDE},
};
static const struct simrest_tr tr_rvsecncl[] = {
    {"TTTC0013U", R, NO_SIDE}, {"TTTC0803U", R, NO_SIDE}, {"VTTC0013U", M, NO_SIDE},
    {"VTTC0803U", M, NO_SIDE}, {NULL, 0, NO_SIDE},
};
static const struct simrest_tr tr_balance[] = {
    {"TTTC8434R", R, NO_SIDE},
    {"VTTC8434R", M, NO_SIDE},
    {NULL, 0, NO_SIDE},
};
/* The "over 3 months" tr_ids read the same orders: the venue keeps them all. */
static const struct simrest_tr tr_ccld[] = {
    {"TTTC0081R", R, NO_SIDE}, {"CTSC9215R", R, NO_SIDE}, {"TTTC8001R", R, NO_SIDE},
    {"CTSC9115R", R, NO_SIDE}, {"VTTC0081R", M, NO_SIDE}, {"VTSC9215R", M, NO_SIDE},
    {"VTTC8001R", M, NO_SIDE}, {"VTSC9115R", M, NO_SIDE}, {NULL, 0, NO_SIDE},
};
static const struct simrest_tr tr_psbl_order[] = {
    {"TTTC8908R", R, NO_SIDE},
    {"VTTC8908R", M, NO_SIDE},
    {NULL, 0, NO_SIDE},
};
/* Real only: no mock tr_id exists, so the mock host answers EGW02006. */
static const struct simrest_tr tr_psbl_rvsecncl[] = {
    {"TTTC0084R", R, NO_SIDE},
    {"TTTC8036R", R, NO_SIDE},
    {NULL, 0, NO_SIDE},
};
static const struct simrest_tr tr_price[] = {{"FHKST01010100", B, NO_SIDE}, {NULL, 0, NO_SIDE}};
static const struct simrest_tr tr_chart_daily[] = {{"FHKST03010100", B, NO_SIDE}, {NULL, 0, NO_SIDE}};
static const struct simrest_tr tr_chart_time[] = {{"FHKST03010200", B, NO_SIDE}, {NULL, 0, NO_SIDE}};
static const struct simrest_tr tr_holiday[] = {{"CTCA0903R", R, NO_SIDE}, {NULL, 0, NO_SIDE}};

#undef M
#undef R
#undef B

/* ---- routes ---- */

enum route_kind {
	ROUTE_OPEN = 0, /* no credentials: /oauth2 (checked inside), /_sim/state */
	ROUTE_APP,      /* appkey + appsecret and the rate limit: /uapi/hashkey */
	ROUTE_UAPI,     /* token, rate limit, tr_id (and body for POST) */
};

struct route {
	const char *method;
	const char *path;
	enum route_kind kind;
	int (*fn)(struct simrest_ctx *c);
	const struct simrest_tr *trs;
};

static int h_token(struct simrest_ctx *c);
static int h_revoke(struct simrest_ctx *c);
static int h_approval(struct simrest_ctx *c);
static int h_hashkey(struct simrest_ctx *c);
static int h_state(struct simrest_ctx *c);

static const struct route routes[] = {
    {"POST", "/oauth2/tokenP", ROUTE_OPEN, h_token, NULL},
    {"POST", "/oauth2/revokeP", ROUTE_OPEN, h_revoke, NULL},
    {"POST", "/oauth2/Approval", ROUTE_OPEN, h_approval, NULL},
    {"POST", "/uapi/hashkey", ROUTE_APP, h_hashkey, NULL},
    {"GET", "/_sim/state", ROUTE_OPEN, h_state, NULL},
    {"POST", DOMESTIC "/trading/order-cash", ROUTE_UAPI, simrest_order_cash, tr_order_cash},
    {"POST", DOMESTIC "/trading/order-rvsecncl", ROUTE_UAPI, simrest_order_rvsecncl, tr_rvsecncl},
    {"GET", DOMESTIC "/trading/inquire-balance", ROUTE_UAPI, simrest_balance, tr_balance},
    {"GET", DOMESTIC "/trading/inquire-daily-ccld", ROUTE_UAPI, simrest_daily_ccld, tr_ccld},
    {"GET", DOMESTIC "/trading/inquire-psbl-order", ROUTE_UAPI, simrest_psbl_order, tr_psbl_order},
    {"GET", DOMESTIC "/trading/inquire-psbl-rvsecncl", ROUTE_UAPI, simrest_psbl_rvsecncl, tr_psbl_rvsecncl},
    {"GET", DOMESTIC "/quotations/inquire-price", ROUTE_UAPI, simrest_price, tr_price},
    {"GET", DOMESTIC "/quotations/inquire-daily-itemchartprice", ROUTE_UAPI, simrest_chart_daily, tr_chart_daily},
    {"GET", DOMESTIC "/quotations/inquire-time-itemchartprice", ROUTE_UAPI, simrest_chart_time, tr_chart_time},
    {"GET", DOMESTIC "/quotations/chk-holiday", ROUTE_UAPI, simrest_holiday, tr_holiday},
};

/* ---- the request ---- */

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* ASCII case-insensitive equality: header and query names are ASCII, and a
 * locale must not change what matches. */
static int same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

static const char *kv_find(const struct simrest_kv *kv, int n, const char *name)
{
	if (n > SIMREST_MAX_KV)
		n = SIMREST_MAX_KV;
	for (int i = 0; i < n; i++)
		if (kv[i].name && same_name(kv[i].name, name))
			return kv[i].value ? kv[i].value : "";
	return NULL;
}

const char *simrest_header(const struct simrest_req *rq, const char *name)
{
	return kv_find(rq->headers, rq->nheaders, name);
}

const char *simrest_query(const struct simrest_req *rq, const char *name)
{
	return kv_find(rq->query, rq->nquery, name);
}

static int empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

int simrest_query_field(struct simrest_ctx *c, const char *name, int required, char *dst, size_t len)
{
	const char *v = simrest_query(c->rq, name);
	dst[0] = '\0';
	if (v == NULL && !required)
		return 0;
	if (v == NULL || strlen(v) >= len) {
		simrest_venue_msg(c, SIMVENUE_E_INPUT, name);
		return -1;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int simrest_body_field(struct simrest_ctx *c, const char *name, int required, char *dst, size_t len)
{
	const cJSON *it = c->body ? cJSON_GetObjectItemCaseSensitive(c->body, name) : NULL;
	dst[0] = '\0';
	if (it == NULL && !required)
		return 0;
	/* KIS's values are strings, numbers too (kis-protocol §3): a number
	 * here is a client bug that KIS is not known to forgive. */
	if (it == NULL || !cJSON_IsString(it) || it->valuestring == NULL || strlen(it->valuestring) >= len) {
		simrest_venue_msg(c, SIMVENUE_E_INPUT, name);
		return -1;
	}
	memcpy(dst, it->valuestring, strlen(it->valuestring) + 1);
	return 0;
}

int simrest_cursor(struct simrest_ctx *c, const char *nk_name, char *dst, size_t len)
{
	const char *cont = simrest_header(c->rq, "tr_cont");
	dst[0] = '\0';
	if (cont == NULL || strcmp(cont, "N") != 0)
		return 0;
	return simrest_query_field(c, nk_name, 0, dst, len);
}

int simrest_own_account(struct simrest_ctx *c, const char *cano, const char *prdt)
{
	const struct simacct_account *a = c->who.acct;
	if (a != NULL && strcmp(a->cano, cano) == 0 && strcmp(a->prdt, prdt) == 0)
		return 0;
	simrest_venue_msg(c, SIMVENUE_E_ACCOUNT, NULL);
	return -1;
}

/* ---- building the answer ---- */

static void *check(struct simrest_ctx *c, void *p)
{
	if (p == NULL)
		c->nomem = 1;
	return p;
}

cJSON *simrest_envelope(struct simrest_ctx *c, const char *rt_cd, const char *msg_cd, const char *msg1)
{
	cJSON *root = check(c, cJSON_CreateObject());
	if (root == NULL)
		return NULL;
	simrest_str(c, root, "rt_cd", rt_cd);
	simrest_str(c, root, "msg_cd", msg_cd);
	simrest_str(c, root, "msg1", msg1);
	return root;
}

static cJSON *attach(struct simrest_ctx *c, cJSON *parent, const char *key, cJSON *child)
{
	if (check(c, child) == NULL || parent == NULL) {
		cJSON_Delete(child);
		return NULL;
	}
	if (key ? !cJSON_AddItemToObject(parent, key, child) : !cJSON_AddItemToArray(parent, child)) {
		c->nomem = 1;
		cJSON_Delete(child);
		return NULL;
	}
	return child;
}

cJSON *simrest_obj(struct simrest_ctx *c, cJSON *parent, const char *key)
{
	return attach(c, parent, key, cJSON_CreateObject());
}

cJSON *simrest_arr(struct simrest_ctx *c, cJSON *parent, const char *key)
{
	return attach(c, parent, key, cJSON_CreateArray());
}

void simrest_str(struct simrest_ctx *c, cJSON *o, const char *key, const char *s)
{
	if (o == NULL || cJSON_AddStringToObject(o, key, s ? s : "") == NULL)
		c->nomem = 1;
}

void simrest_int(struct simrest_ctx *c, cJSON *o, const char *key, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	simrest_str(c, o, key, buf);
}

void simrest_bp(struct simrest_ctx *c, cJSON *o, const char *key, int64_t bp)
{
	char buf[24];
	simvenue_format_bp(bp, buf, sizeof(buf));
	simrest_str(c, o, key, buf);
}

int simrest_send(struct simrest_ctx *c, int status, cJSON *root)
{
	static const char fallback[] = "{\"rt_cd\":\"1\",\"msg_cd\":\"SIM09999\",\"msg1\":\"" MSG_INTERNAL "\"}";
	char *s = root != NULL && !c->nomem ? cJSON_PrintUnformatted(root) : NULL;
	cJSON_Delete(root);
	if (s == NULL) {
		/* Out of memory somewhere: a fixed internal error, so that the
		 * client still gets a KIS-shaped refusal. */
		s = cJSON_malloc(sizeof(fallback));
		if (s == NULL)
			return c->rc = KE_ENOMEM;
		memcpy(s, fallback, sizeof(fallback));
		status = 500;
		c->failed = 1;
		c->out->tr_cont[0] = '\0';
	}
	cJSON_free(c->out->body);
	c->out->body = s;
	c->out->body_len = strlen(s);
	c->out->status = status;
	return c->rc = KE_OK;
}

int simrest_error(struct simrest_ctx *c, int status, const char *rt_cd, const char *msg_cd, const char *msg1)
{
	c->failed = 1;
	return simrest_send(c, status, simrest_envelope(c, rt_cd, msg_cd, msg1));
}

int simrest_refused(const struct simvenue_result *res)
{
	return strcmp(res->rt_cd, "0") != 0;
}

int simrest_venue_error(struct simrest_ctx *c, const struct simvenue_result *res)
{
	return simrest_error(c, res->http_status, res->rt_cd, res->msg_cd, res->msg1);
}

int simrest_venue_msg(struct simrest_ctx *c, enum simvenue_msg_id id, const char *detail)
{
	const struct simvenue_msg *m = &simvenue_get_config(c->w->venue)->msg[id];
	char msg1[KE_REASON_MAX + 80];
	if (detail != NULL)
		snprintf(msg1, sizeof(msg1), "%s (%s)", m->msg1, detail);
	else
		snprintf(msg1, sizeof(msg1), "%s", m->msg1);
	return simrest_error(c, m->http_status, m->rt_cd, m->msg_cd, msg1);
}

cJSON *simrest_venue_ok(struct simrest_ctx *c, const struct simvenue_result *res)
{
	return simrest_envelope(c, res->rt_cd, res->msg_cd, res->msg1);
}

void simrest_paging(struct simrest_ctx *c, cJSON *root, const struct simvenue_paging *pg, const char *fk_name,
                    const char *nk_name)
{
	/* The cursor goes in both keys: KIS's FK is a "search condition" key
	 * clients copy back verbatim, and kis-sim reads only the NK one. */
	simrest_str(c, root, fk_name, pg->next);
	simrest_str(c, root, nk_name, pg->next);
	c->out->tr_cont[0] = pg->tr_cont ? pg->tr_cont : 'D';
	c->out->tr_cont[1] = '\0';
}

/* ---- replies of simauth / simrate ---- */

/* The /oauth2 error body {"error_description","error_code"}. */
static int oauth_error(struct simrest_ctx *c, int status, const char *code, const char *message)
{
	cJSON *root = check(c, cJSON_CreateObject());
	simrest_str(c, root, "error_description", message);
	simrest_str(c, root, "error_code", code);
	c->failed = 1;
	return simrest_send(c, status, root);
}

static int auth_reply(struct simrest_ctx *c, const struct simauth_reply *rep)
{
	if (rep->shape == SIMAUTH_SHAPE_OAUTH)
		return oauth_error(c, rep->status, rep->code, rep->message);
	return simrest_error(c, rep->status, rep->rt_cd, rep->code, rep->message);
}

/* The POST body as a JSON object into c->body. On failure answers the
 * envelope; the /oauth2 paths, whose clients read error_code, get those
 * two keys as well. Returns -1 when it answered. */
static int parse_body(struct simrest_ctx *c, int oauth)
{
	const char *code = NULL, *msg = NULL;
	const char *p = c->rq->body;
	size_t n = p != NULL ? c->rq->body_len : 0;
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i == n) {
		code = "OPSQ9995";
		msg = MSG_NO_BODY;
	} else {
		const char *end = NULL;
		c->body = cJSON_ParseWithLengthOpts(p, n, &end, 0);
		size_t used = end != NULL ? (size_t)(end - p) : n;
		while (c->body != NULL && used < n &&
		       (p[used] == ' ' || p[used] == '\t' || p[used] == '\r' || p[used] == '\n'))
			used++;
		if (c->body == NULL || !cJSON_IsObject(c->body) || used != n) {
			cJSON_Delete(c->body);
			c->body = NULL;
			code = "OPSQ9997";
			msg = MSG_BAD_JSON;
		}
	}
	if (code == NULL)
		return 0;
	c->failed = 1;
	cJSON *root = simrest_envelope(c, "1", code, msg);
	if (oauth) {
		simrest_str(c, root, "error_description", msg);
		simrest_str(c, root, "error_code", code);
	}
	simrest_send(c, GATEWAY_STATUS, root);
	return -1;
}

/* A string value of the /oauth2 body; NULL when absent or not a string. */
static const char *body_str(const struct simrest_ctx *c, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(c->body, key);
	return it != NULL && cJSON_IsString(it) ? it->valuestring : NULL;
}

/* ---- /oauth2 ---- */

static int h_token(struct simrest_ctx *c)
{
	if (parse_body(c, 1) != 0)
		return c->rc;
	struct simauth_token tok;
	struct simauth_reply rep;
	if (simauth_token_issue(c->w->auth, body_str(c, "grant_type"), body_str(c, "appkey"), body_str(c, "appsecret"),
	                        c->wall_ms, &tok, &rep) != KE_OK)
		return auth_reply(c, &rep);
	cJSON *root = check(c, cJSON_CreateObject());
	simrest_str(c, root, "access_token", tok.access_token);
	simrest_str(c, root, "access_token_token_expired", tok.expired);
	simrest_str(c, root, "token_type", SIMAUTH_TOKEN_TYPE);
	/* A number, as in KIS's example: the one non-string value it sends. */
	if (root == NULL || cJSON_AddNumberToObject(root, "expires_in", (double)tok.expires_in) == NULL)
		c->nomem = 1;
	return simrest_send(c, 200, root);
}

static int h_revoke(struct simrest_ctx *c)
{
	if (parse_body(c, 1) != 0)
		return c->rc;
	struct simauth_reply rep;
	if (simauth_revoke(c->w->auth, body_str(c, "appkey"), body_str(c, "appsecret"), body_str(c, "token"),
	                   c->wall_ms, &rep) != KE_OK)
		return auth_reply(c, &rep);
	cJSON *root = check(c, cJSON_CreateObject());
	if (root == NULL || cJSON_AddNumberToObject(root, "code", 200) == NULL)
		c->nomem = 1;
	simrest_str(c, root, "message", rep.message);
	return simrest_send(c, 200, root);
}

static int h_approval(struct simrest_ctx *c)
{
	if (parse_body(c, 1) != 0)
		return c->rc;
	char key[SIMAUTH_APPROVAL_MAX];
	struct simauth_reply rep;
	if (simauth_approval_issue(c->w->auth, body_str(c, "grant_type"), body_str(c, "appkey"),
	                           body_str(c, "secretkey"), c->wall_ms, key, &rep) != KE_OK)
		return auth_reply(c, &rep);
	cJSON *root = check(c, cJSON_CreateObject());
	simrest_str(c, root, "approval_key", key);
	return simrest_send(c, 200, root);
}

/* ---- /uapi/hashkey ---- */

static int h_hashkey(struct simrest_ctx *c)
{
	if (parse_body(c, 0) != 0)
		return c->rc;
	char hash[SIMAUTH_HASH_MAX];
	const struct simauth_config *ac = simauth_config_of(c->w->auth);
	if (simauth_hashkey(c->rq->body, c->rq->body_len, ac->hash, hash, sizeof(hash)) != KE_OK)
		return simrest_error(c, 500, "1", "SIM09999", MSG_INTERNAL);
	/* KIS echoes the body it parsed and adds HASH; no rt_cd envelope. */
	cJSON *root = check(c, cJSON_CreateObject());
	cJSON *body = c->body;
	c->body = NULL;
	if (attach(c, root, "BODY", body) != NULL)
		simrest_str(c, root, "HASH", hash);
	return simrest_send(c, 200, root);
}

/* ---- GET /_sim/state ---- */

static void put_num(struct simrest_ctx *c, cJSON *o, const char *key, uint64_t v)
{
	if (o == NULL || cJSON_AddNumberToObject(o, key, (double)v) == NULL)
		c->nomem = 1;
}

static int h_state(struct simrest_ctx *c)
{
	struct simrest_world *w = c->w;
	cJSON *root = check(c, cJSON_CreateObject());
	cJSON *venue = NULL;
	if (simvenue_dump(w->venue, &venue) != KE_OK)
		c->nomem = 1;
	attach(c, root, "venue", venue);

	struct simauth_counters ac;
	simauth_counters(w->auth, &ac);
	cJSON *auth = simrest_obj(c, root, "auth");
	put_num(c, auth, "tokens_issued", ac.tokens_issued);
	put_num(c, auth, "tokens_reused", ac.tokens_reused);
	put_num(c, auth, "tokens_throttled", ac.tokens_throttled);
	put_num(c, auth, "tokens_revoked", ac.tokens_revoked);
	put_num(c, auth, "approvals_issued", ac.approvals_issued);
	put_num(c, auth, "approvals_throttled", ac.approvals_throttled);
	put_num(c, auth, "rejected", ac.rejected);
	put_num(c, auth, "expire_all", ac.expire_all);

	cJSON *rate = simrest_obj(c, root, "rate");
	if (w->rate != NULL) {
		struct simrate_counters rc;
		simrate_counters(w->rate, -1, &rc);
		put_num(c, rate, "allowed", rc.allowed);
		put_num(c, rate, "rejected", rc.rejected);
		cJSON *per = simrest_arr(c, rate, "accounts");
		for (int i = 0; per != NULL && w->accts != NULL && i < w->accts->n; i++) {
			char acct[16];
			cJSON *e = simrest_obj(c, per, NULL);
			simrate_counters(w->rate, i, &rc);
			snprintf(acct, sizeof(acct), "%s-%s", w->accts->acct[i].cano, w->accts->acct[i].prdt);
			simrest_str(c, e, "account", acct);
			put_num(c, e, "allowed", rc.allowed);
			put_num(c, e, "rejected", rc.rejected);
		}
	}
	cJSON *req = simrest_obj(c, root, "requests");
	put_num(c, req, "total", w->requests);
	put_num(c, req, "errors", w->rest_errors);
	if (w->state_extra != NULL && root != NULL)
		w->state_extra(w->state_ud, root);
	return simrest_send(c, 200, root);
}

/* ---- the gateway ---- */

/* The tr_id header against the path's table and the env kis-sim plays.
 * Returns -1 when it answered. */
static int tr_check(struct simrest_ctx *c, const struct route *r)
{
	const char *id = simrest_header(c->rq, "tr_id");
	if (empty(id)) {
		simrest_error(c, GATEWAY_STATUS, "1", "OPSQ9999", MSG_NO_TR_ID);
		return -1;
	}
	for (const struct simrest_tr *t = r->trs; t->id != NULL; t++) {
		if (strcmp(t->id, id) != 0)
			continue;
		if ((t->env & (unsigned)c->w->env) != 0) {
			c->tr = t;
			return 0;
		}
		if (c->w->env == SIMACCT_MOCK)
			simrest_error(c, GATEWAY_STATUS, "1", "EGW02006", MSG_NOT_MOCK_TR);
		else
			simrest_error(c, GATEWAY_STATUS, "1", "EGW02005", MSG_NOT_REAL_TR);
		return -1;
	}
	simrest_error(c, GATEWAY_STATUS, "1", "OPSQ0002", MSG_NO_SERVICE);
	return -1;
}

static int gateway(struct simrest_ctx *c, const struct route *r)
{
	struct simauth_reply rep;
	const struct simrest_req *rq = c->rq;
	if (r->kind == ROUTE_OPEN)
		return r->fn(c);
	int rc = r->kind == ROUTE_APP
	             ? simauth_check_app(c->w->auth, simrest_header(rq, "appkey"), simrest_header(rq, "appsecret"),
	                                 &c->who, &rep)
	             : simauth_check(c->w->auth, simrest_header(rq, "authorization"), simrest_header(rq, "appkey"),
	                             simrest_header(rq, "appsecret"), c->wall_ms, &c->who, &rep);
	if (rc != KE_OK)
		return auth_reply(c, &rep);
	if (c->w->rate != NULL && simrate_check(c->w->rate, c->who.index, c->wall_ms, &rep) != KE_OK)
		return auth_reply(c, &rep);
	if (r->kind == ROUTE_APP)
		return r->fn(c);
	if (tr_check(c, r) != 0)
		return c->rc;
	if (strcmp(r->method, "POST") == 0) {
		if (simauth_hashkey_verify(c->w->auth, rq->body, rq->body ? rq->body_len : 0,
		                           simrest_header(rq, "hashkey"), &rep) != KE_OK)
			return auth_reply(c, &rep);
		if (parse_body(c, 0) != 0)
			return c->rc;
	}
	return r->fn(c);
}

static int route(struct simrest_ctx *c)
{
	const char *path = c->rq->path ? c->rq->path : "";
	const char *method = c->rq->method ? c->rq->method : "";
	char msg[160];
	for (size_t i = 0; i < KE_ARRAY_LEN(routes); i++) {
		const struct route *r = &routes[i];
		if (strcmp(r->path, path) != 0)
			continue;
		if (strcmp(r->method, method) != 0) {
			snprintf(msg, sizeof(msg), "%s (%s %.40s)", MSG_NO_METHOD, r->method, path);
			return simrest_error(c, 405, "1", "SIM00405", msg);
		}
		return gateway(c, r);
	}
	snprintf(msg, sizeof(msg), "%s (%.80s)", MSG_NO_PATH, path);
	return simrest_error(c, 404, "1", "SIM00404", msg);
}

int simrest_handle(struct simrest_world *w, const struct simrest_req *rq, int64_t wall_ms, int64_t market_ms,
                   struct simrest_resp *out)
{
	if (out == NULL)
		return KE_EINVAL;
	memset(out, 0, sizeof(*out));
	if (w == NULL || rq == NULL || w->auth == NULL || w->venue == NULL)
		return KE_EINVAL;
	struct simrest_ctx c;
	memset(&c, 0, sizeof(c));
	c.w = w;
	c.rq = rq;
	c.wall_ms = wall_ms;
	c.market_ms = market_ms;
	c.out = out;
	c.who.index = -1;
	w->requests++;
	/* Unique per server run and reproducible: the request's serial. */
	snprintf(out->gt_uid, sizeof(out->gt_uid), "%032llx", (unsigned long long)w->requests);
	const char *tr_id = simrest_header(rq, "tr_id");
	if (tr_id != NULL && strlen(tr_id) < sizeof(out->tr_id))
		memcpy(out->tr_id, tr_id, strlen(tr_id) + 1);
	int rc = route(&c);
	cJSON_Delete(c.body);
	if (c.failed)
		w->rest_errors++;
	return rc;
}

void simrest_resp_free(struct simrest_resp *r)
{
	if (r == NULL)
		return;
	cJSON_free(r->body);
	r->body = NULL;
	r->body_len = 0;
}
