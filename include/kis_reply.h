/*
 * kis_reply.h - classify a KIS REST answer (the engine's client side).
 *
 * KIS reports business and gateway errors in the body whatever the HTTP
 * status (HTTP 500 or 200 with the rt_cd envelope; HTTP 403 with the oauth
 * {error_code, error_description} shape), so every answer goes through one
 * parser that yields a typed kind, KIS's code and message, and the paging
 * state. Malformed input is never fatal: it becomes KIS_REPLY_TRANSPORT with
 * a message saying what was wrong.
 *
 * Ownership: the parsers never keep or modify the body. On return, rep->root
 * is either NULL or a cJSON document owned by rep (the caller reads output,
 * output1, output2 from it with kis_reply_get); kis_reply_free releases it.
 * Call kis_reply_free after every parse, whatever the kind (it is safe on a
 * zeroed or already freed reply). Strings copied into the fixed buffers
 * stay valid after kis_reply_free.
 *
 * This module shares no code with kis-sim: the two sides of the protocol are
 * written separately so that one misreading cannot hide in both.
 */
#ifndef KIS_REPLY_H
#define KIS_REPLY_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;

enum kis_reply_kind {
	KIS_REPLY_OK = 0,          /* rt_cd "0" (or a token/approval answer) */
	KIS_REPLY_BUSINESS,        /* rt_cd other than "0": see msg_cd/msg */
	KIS_REPLY_RATE_LIMIT,      /* EGW00201: slow down, queries may retry */
	KIS_REPLY_TOKEN_EXPIRED,   /* EGW00123: re-issue the token */
	KIS_REPLY_TOKEN_INVALID,   /* EGW00121: re-issue the token */
	KIS_REPLY_TOKEN_THROTTLED, /* EGW00133: token issue within 1 minute */
	KIS_REPLY_AUTH,            /* EGW00103/EGW00105 or another oauth error */
	KIS_REPLY_TRANSPORT,       /* no usable envelope: see http_status/msg */
};

/* Bodies larger than this are refused (the largest KIS page is far smaller). */
#define KIS_REPLY_BODY_MAX (8u * 1024 * 1024)

#define KIS_REPLY_CODE_MAX     32  /* msg_cd / error_code */
#define KIS_REPLY_MSG_MAX      256 /* msg1 / error_description / our message */
#define KIS_REPLY_CTX_MAX      208 /* ctx_area_fk100/nk100 (100 chars + room) */
#define KIS_REPLY_TOKEN_MAX    2048
#define KIS_REPLY_APPROVAL_MAX 512

struct kis_reply {
	enum kis_reply_kind kind;
	int http_status;
	char rt_cd[8];                     /* "" when the answer had none */
	char msg_cd[KIS_REPLY_CODE_MAX];   /* msg_cd or error_code; "" if none */
	char msg[KIS_REPLY_MSG_MAX];       /* KIS's message (trailing blanks cut)
	                                    * or, for TRANSPORT, what was wrong */
	int more;                          /* tr_cont F or M: another page follows */
	char ctx_fk100[KIS_REPLY_CTX_MAX]; /* copied verbatim for the next page */
	char ctx_nk100[KIS_REPLY_CTX_MAX];
	struct cJSON *root; /* owned by the reply; NULL if the body was not JSON */
};

/* An access token answer from POST /oauth2/tokenP. */
struct kis_token {
	char token[KIS_REPLY_TOKEN_MAX];
	int64_t expires_ms;   /* access_token_token_expired (KST) as epoch ms */
	int64_t expires_in_s; /* expires_in, 0 if absent */
};

/* Classify a REST answer. tr_cont is the response header value (NULL or ""
 * if absent); body need not be NUL-terminated. Returns KE_OK with *rep
 * filled for every answer, malformed ones included (kind TRANSPORT), and
 * KE_EINVAL only when rep is NULL or body is NULL with len > 0. */
int kis_reply_parse(int http_status, const char *body, size_t len, const char *tr_cont, struct kis_reply *rep);

/* Classify a POST /oauth2/tokenP answer: kind OK and *tok filled when the
 * body carries access_token and access_token_token_expired; an error_code
 * or rt_cd body is classified as by kis_reply_parse. *tok is zeroed unless
 * the kind is OK. Returns as kis_reply_parse (KE_EINVAL also for tok NULL). */
int kis_reply_parse_token(int http_status, const char *body, size_t len, struct kis_reply *rep, struct kis_token *tok);

/* Classify a POST /oauth2/Approval answer: kind OK and the approval_key
 * copied into key (NUL-terminated, keylen bytes) when present. */
int kis_reply_parse_approval(int http_status, const char *body, size_t len, struct kis_reply *rep, char *key,
                             size_t keylen);

/* A top-level member of the body ("output", "output1", "output2"), or NULL.
 * Borrowed: valid until kis_reply_free. */
const struct cJSON *kis_reply_get(const struct kis_reply *rep, const char *name);

/* Free the cJSON document; rep->root becomes NULL. rep may be NULL. */
void kis_reply_free(struct kis_reply *rep);

/* "ok", "business", "rate_limit", ...; never NULL. */
const char *kis_reply_kind_name(enum kis_reply_kind kind);

#endif
