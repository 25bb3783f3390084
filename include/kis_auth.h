/*
 * kis_auth.h - access tokens and WebSocket approval keys, issued rarely and
 * shared by processes.
 *
 * Both credentials come from KIS's oauth endpoints and are cached in 0600
 * files (kis_tokcache): the access token until shortly before
 * access_token_token_expired, the approval key for its KST day. Issuing is
 * asynchronous on the loop: the cache lock is taken without blocking
 * (retried on a timer while another process holds it), the cache is read
 * again under the lock (the other process may just have issued), and only
 * then is POST /oauth2/tokenP (or /oauth2/Approval) sent.
 *
 * KIS refuses a second token issue within a minute (EGW00133): this process
 * never issues twice within min_issue_interval_ms, and an EGW00133 answer is
 * waited out (retried after that interval) rather than hammered, until
 * give_up_ms has passed since the first waiter asked.
 *
 * Every waiter's callback runs on the loop, never inside the call that
 * registered it. Secrets never appear in error messages.
 */
#ifndef KIS_AUTH_H
#define KIS_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "kis_cred.h"
#include "kis_env.h"
#include "kis_http.h"
#include "kis_reply.h"

enum kis_auth_kind { KIS_AUTH_TOKEN = 0, KIS_AUTH_APPROVAL = 1 };

struct kis_auth_config {
	const char *cache_dir;         /* NULL: $XDG_CACHE_HOME/kis-engine (see kis_tokcache) */
	long timeout_ms;               /* per oauth request; default 10000 */
	int64_t min_issue_interval_ms; /* default 61000 (KIS: 1 per minute); at least 1000 */
	int64_t refresh_margin_ms;     /* re-issue this long before expiry; default KIS_TOKCACHE_MARGIN_MS */
	int64_t give_up_ms;            /* a waiter fails after this long; default 180000 */
	int64_t lock_retry_ms;         /* default 50 */
	/* Wall clock in epoch ms; NULL: CLOCK_REALTIME. Tests move it. */
	int64_t (*now_ms)(void *ud);
	void *now_ud;
};

void kis_auth_config_default(struct kis_auth_config *cfg);

struct kis_auth;

/* The error of a failed acquisition: KIS's code and message when it
 * answered, otherwise what went wrong (transport, cache file). */
struct kis_auth_error {
	int rc;                   /* KE_EIO (transport), KE_ESTATE (refused), KE_ELIMIT (gave up) ... */
	enum kis_reply_kind kind; /* KIS_REPLY_AUTH, _TOKEN_THROTTLED, _TRANSPORT ... */
	char code[KIS_REPLY_CODE_MAX];
	char msg[KIS_REPLY_MSG_MAX];
};

/* value: the token or approval key (borrowed for the callback) on success,
 * NULL with err set on failure. */
typedef void (*kis_auth_fn)(void *ud, const char *value, const struct kis_auth_error *err);

/* http, ep and cred are borrowed and must outlive the kis_auth (cred is
 * read when issuing). Opens both cache files. err names the cause. */
int kis_auth_new(uv_loop_t *loop, struct kis_http *http, const struct kis_endpoint *ep,
                 const struct kis_credentials *cred, const struct kis_auth_config *cfg, struct kis_auth **out,
                 char *err, size_t errlen);

/* Fails every waiter (rc KE_ESTATE, "shutting down"), closes the timer;
 * memory is released once the loop has run (as kis_http_close). */
void kis_auth_close(struct kis_auth *a);

/*
 * The credential if this process holds one valid for more than the
 * refresh margin: borrowed until the next call into this module. NULL
 * otherwise (call kis_auth_get). Cheap: no I/O.
 */
const char *kis_auth_current(struct kis_auth *a, enum kis_auth_kind kind);

/* Obtain it (memory, then the cache file, then KIS) and call fn once. */
int kis_auth_get(struct kis_auth *a, enum kis_auth_kind kind, kis_auth_fn fn, void *ud);

/*
 * KIS said the token is expired or invalid (EGW00123 / EGW00121): forget
 * it, and remove it from the cache file when the file still holds that
 * same token (another process may already have replaced it).
 */
void kis_auth_invalidate(struct kis_auth *a, enum kis_auth_kind kind, const char *value);

struct kis_auth_status {
	int have;             /* 1 when a credential is held or cached */
	int64_t expires_ms;   /* its expiry (epoch ms) */
	int64_t issued_here;  /* how many this process issued */
	char cache_path[512]; /* the cache file (holds a hash of the app key, not the key) */
};

/* What is held or cached now, without issuing. Reads the cache file. */
int kis_auth_status(struct kis_auth *a, enum kis_auth_kind kind, struct kis_auth_status *out);

#endif
