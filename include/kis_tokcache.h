/*
 * kis_tokcache.h - the access token cache file shared by processes.
 *
 * KIS wants a token issued once a day and reused (a re-issue within a
 * minute is refused with EGW00133, and every real issue sends the account
 * holder a KakaoTalk message), so the token lives in one file per
 * (environment, app key) under a private directory:
 *
 *   dir  = the caller's directory, or $XDG_CACHE_HOME/kis-engine, or
 *          ~/.cache/kis-engine; it must be mode 0700 (created so), a
 *          directory with group/other permissions is refused
 *   file = <env>-<first 16 hex digits of SHA-256(app key)>.json, mode 0600,
 *          contents {"token": "...", "expires_ms": N, "issued_ms": N};
 *          an existing file readable by group/others is refused
 *   lock = the same name with ".lock": an exclusive flock on it guards
 *          every read and update (the data file itself is replaced by
 *          rename, so it cannot carry the lock)
 *
 * To make two processes share one issue, hold the lock across
 * lookup -> issue -> store with kis_tokcache_lock/unlock; lookup, store and
 * remove take the lock for themselves when it is not held.
 *
 * Error messages (err, errlen; may be NULL) name the file but never contain
 * the token or the app key.
 */
#ifndef KIS_TOKCACHE_H
#define KIS_TOKCACHE_H

#include <stddef.h>
#include <stdint.h>

/* Reuse a token only while it has more than this left before expiry. */
#define KIS_TOKCACHE_MARGIN_MS (10LL * 60 * 1000)

/* Longest token stored (a KIS JWT is a few hundred bytes). */
#define KIS_TOKCACHE_TOKEN_MAX 2048

struct kis_tokcache;

/* Open the cache for env ("mock", "real": letters, digits, '_' and '-', at
 * most 16) and app_key. dir NULL selects the default directory. The
 * directory is created (0700) if missing. Returns KE_OK, KE_EINVAL (bad
 * argument, no HOME), KE_ESTATE (directory not private), KE_EIO, KE_ENOMEM. */
int kis_tokcache_open(struct kis_tokcache **out, const char *dir, const char *env, const char *app_key, char *err,
                      size_t errlen);

/* Release the lock if held and free. c may be NULL. */
void kis_tokcache_close(struct kis_tokcache *c);

/* The data file's path (contains the hash, not the key). */
const char *kis_tokcache_path(const struct kis_tokcache *c);

/* Take / release the exclusive lock (blocking). Locking twice is KE_ESTATE. */
int kis_tokcache_lock(struct kis_tokcache *c, char *err, size_t errlen);
int kis_tokcache_unlock(struct kis_tokcache *c);
/* The same without waiting: KE_ELIMIT when another process holds it (an
 * event loop retries on a timer instead of blocking). */
int kis_tokcache_trylock(struct kis_tokcache *c, char *err, size_t errlen);

/* The cached token if it expires more than margin_ms after now_ms: KE_OK
 * with token (tokcap bytes) and *expires_ms (may be NULL) filled.
 * KE_ENOENT if no file or the token is (nearly) expired; KE_ESTATE if the
 * file is readable by others or not ours; KE_EINVAL if it is corrupt
 * (store over it or remove it); KE_EIO. */
int kis_tokcache_lookup(struct kis_tokcache *c, int64_t now_ms, int64_t margin_ms, char *token, size_t tokcap,
                        int64_t *expires_ms, char *err, size_t errlen);

/* Replace the cached token atomically (temp file + rename, 0600). */
int kis_tokcache_store(struct kis_tokcache *c, const char *token, int64_t expires_ms, int64_t issued_ms, char *err,
                       size_t errlen);

/* Delete the cached token (KE_OK if there was none). */
int kis_tokcache_remove(struct kis_tokcache *c, char *err, size_t errlen);

#endif
