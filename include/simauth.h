/*
 * simauth.h - kis-sim's credentials: access tokens, WebSocket approval keys,
 * the checks of every REST call, and the hashkey.
 *
 * Pure state: no I/O and no clock. Every call takes the WALL clock in epoch
 * milliseconds from the caller, because clients compare the token expiry
 * with their own wall clock (kis-protocol.md §11) even when the simulator
 * replays an old market date. Not thread-safe: one front end thread owns it.
 *
 * Calls that answer a request fill a struct simauth_reply and return KE_OK
 * when the request is accepted, or a refusal code (KE_EINVAL bad
 * credentials, KE_ELIMIT throttled) with the reply describing the error
 * body. The front end only serialises: see struct simauth_reply.
 */
#ifndef SIMAUTH_H
#define SIMAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "ke_common.h"
#include "simacct.h"

#define SIMAUTH_TOKEN_MAX    400 /* ours are 284 characters; KIS documents up to 350 */
#define SIMAUTH_APPROVAL_MAX 40  /* UUID-shaped, 36 characters */
#define SIMAUTH_EXPIRED_MAX  20  /* "YYYY-MM-DD HH:MM:SS" */
#define SIMAUTH_HASH_MAX     65  /* 64 hex digits or 44 Base64 characters, NUL */
#define SIMAUTH_TOKEN_TYPE   "Bearer"
#define SIMAUTH_REVOKE_MSG   "접근토큰 폐기에 성공하였습니다"

/* How an error (or success) body is shaped. */
enum simauth_shape {
	/* Success: serialise the call's own result (token, approval key...). */
	SIMAUTH_SHAPE_NONE = 0,
	/* The /oauth2/... error body: {"error_description": message, "error_code": code}. */
	SIMAUTH_SHAPE_OAUTH = 1,
	/* The REST envelope {"rt_cd": rt_cd, "msg_cd": code, "msg1": message};
	 * on the WebSocket the same three fields go in a control reply body. */
	SIMAUTH_SHAPE_ENVELOPE = 2,
};

/* What to answer. The strings are static (never freed, never NULL). */
struct simauth_reply {
	int status;               /* HTTP status; 200 on success, 0 on WebSocket checks */
	enum simauth_shape shape; /* SIMAUTH_SHAPE_NONE when accepted */
	const char *rt_cd;        /* envelope only: "1" (REST) or "9" (WebSocket); "0" on success */
	const char *code;         /* "EGW00121", "OPSP0011"; "" on success */
	const char *message;      /* KIS's message text; "" on success */
};

/* How /uapi/hashkey writes HASH. KIS documents only "≤ 256 characters". */
enum simauth_hash {
	SIMAUTH_HASH_HEX = 0,    /* SHA-256, 64 lowercase hex digits (default) */
	SIMAUTH_HASH_BASE64 = 1, /* SHA-256, standard Base64 with padding, 44 characters */
};

struct simauth_config {
	enum simacct_env env;         /* SIMACCT_MOCK or SIMACCT_REAL: the server kis-sim plays */
	int64_t token_life_ms;        /* 24 h */
	int64_t token_reuse_ms;       /* 6 h: tokenP within this of an issue returns that token; 0 = never */
	int64_t token_throttle_ms;    /* 60 s between answered tokenP calls per app key; 0 = off */
	int64_t approval_life_ms;     /* 24 h */
	int64_t approval_throttle_ms; /* 1 s between approval keys per app key; 0 = off */
	uint64_t seed;                /* credentials depend only on seed, call order and clock */
	int envelope_status;          /* HTTP status of REST check errors (EGW00121/123...): 500 */
	enum simauth_hash hash;       /* HASH encoding of /uapi/hashkey */
};

/* Who a check accepted. The account points into the simauth's own copy of
 * the list; index is the same as in the list given to simauth_new (use it
 * as the rate limiter key). */
struct simauth_caller {
	int index;
	const struct simacct_account *acct;
};

/* What tokenP returns. expired and expires_in are rounded down to the
 * second: a client never believes a token lives longer than it does. */
struct simauth_token {
	char access_token[SIMAUTH_TOKEN_MAX];
	char expired[SIMAUTH_EXPIRED_MAX]; /* access_token_token_expired, KST */
	int64_t expires_in;
	int reused; /* 1 when this is an earlier token handed out again */
};

struct simauth_counters {
	uint64_t tokens_issued;       /* new access tokens */
	uint64_t tokens_reused;       /* tokenP answered with an earlier token */
	uint64_t tokens_throttled;    /* EGW00133 */
	uint64_t tokens_revoked;      /* revokeP successes */
	uint64_t approvals_issued;    /* approval keys */
	uint64_t approvals_throttled; /* approval key asked again within the throttle */
	uint64_t rejected;            /* every other refusal: bad key, secret, grant, token, approval key */
	uint64_t expire_all;          /* simauth_expire_all calls */
};

struct simauth;

/* Defaults of the list above for env (SIMACCT_MOCK or SIMACCT_REAL). */
void simauth_config_default(struct simauth_config *cfg, enum simacct_env env);

/* Copies cfg and accts. KE_EINVAL for a bad config, KE_ENOMEM. */
int simauth_new(const struct simauth_config *cfg, const struct simacct_list *accts, struct simauth **out);
void simauth_free(struct simauth *a);
const struct simauth_config *simauth_config_of(const struct simauth *a);

/* POST /oauth2/tokenP with the body's grant_type, appkey, appsecret (NULL
 * when absent). Errors use SIMAUTH_SHAPE_OAUTH with HTTP 403. */
int simauth_token_issue(struct simauth *a, const char *grant_type, const char *appkey, const char *appsecret,
                        int64_t now_ms, struct simauth_token *tok, struct simauth_reply *rep);

/* POST /oauth2/revokeP: body appkey, appsecret, token. On success the reply
 * is status 200 with message SIMAUTH_REVOKE_MSG: answer
 * {"code":200,"message":SIMAUTH_REVOKE_MSG}. Errors: SIMAUTH_SHAPE_OAUTH. */
int simauth_revoke(struct simauth *a, const char *appkey, const char *appsecret, const char *token, int64_t now_ms,
                   struct simauth_reply *rep);

/* POST /oauth2/Approval: body grant_type, appkey, secretkey. Writes
 * approval_key (SIMAUTH_APPROVAL_MAX bytes). Errors: SIMAUTH_SHAPE_OAUTH. */
int simauth_approval_issue(struct simauth *a, const char *grant_type, const char *appkey, const char *secretkey,
                           int64_t now_ms, char *approval_key, struct simauth_reply *rep);

/* The approval_key of a WebSocket subscribe: the account it belongs to, or
 * OPSP0011 "invalid approval : NOT FOUND" (SIMAUTH_SHAPE_ENVELOPE, rt_cd
 * "9", status 0). Checked against the approval key's 24 h validity. */
int simauth_approval_check(struct simauth *a, const char *approval_key, int64_t now_ms, struct simauth_caller *who,
                           struct simauth_reply *rep);

/* The headers of a REST call: authorization ("Bearer <token>"), appkey,
 * appsecret (NULL when absent). Errors use SIMAUTH_SHAPE_ENVELOPE, rt_cd
 * "1", HTTP cfg.envelope_status. */
int simauth_check(struct simauth *a, const char *authorization, const char *appkey, const char *appsecret,
                  int64_t now_ms, struct simauth_caller *who, struct simauth_reply *rep);

/* Only the appkey/appsecret headers (POST /uapi/hashkey needs no token). */
int simauth_check_app(struct simauth *a, const char *appkey, const char *appsecret, struct simauth_caller *who,
                      struct simauth_reply *rep);

/* Faults: make every access token (SIMAUTH_EXPIRE_TOKENS) and/or approval
 * key (SIMAUTH_EXPIRE_APPROVALS) expire at now_ms. Expired tokens then
 * answer EGW00123 and are never handed out again by tokenP. */
#define SIMAUTH_EXPIRE_TOKENS    1u
#define SIMAUTH_EXPIRE_APPROVALS 2u
void simauth_expire_all(struct simauth *a, unsigned what, int64_t now_ms);

void simauth_counters(const struct simauth *a, struct simauth_counters *out);

/* HASH of a /uapi/hashkey body: SHA-256 of exactly the bytes received, in
 * enc. out needs SIMAUTH_HASH_MAX bytes. KE_EINVAL when it does not fit. */
int simauth_hashkey(const void *body, size_t len, enum simauth_hash enc, char *out, size_t outlen);

/* The optional `hashkey` header of a POST: NULL or "" passes (KIS makes it
 * optional); otherwise it must equal the HASH of body in cfg.hash, else
 * EGW00131 "유효하지 않은 hashkey 입니다." (envelope, cfg.envelope_status). */
int simauth_hashkey_verify(const struct simauth *a, const void *body, size_t len, const char *header,
                           struct simauth_reply *rep);

#endif
