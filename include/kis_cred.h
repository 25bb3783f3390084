/*
 * kis_cred.h - KIS credentials: app key, app secret, account, HTS ID.
 *
 * Loaded from the process environment or from a secrets file that only its
 * owner can read. No function here ever puts a secret value into an error
 * message: errors name the variable (and the file and line), never what it
 * holds. Log a credential only through kis_cred_mask().
 */
#ifndef KIS_CRED_H
#define KIS_CRED_H

#include <stddef.h>

#include "ke_common.h"

/* Sizes include the terminating NUL. KIS app keys are 36 characters and app
 * secrets 180; the slack is for kis-sim and future formats. */
#define KIS_CRED_APP_KEY_MAX    128
#define KIS_CRED_APP_SECRET_MAX 512
#define KIS_CRED_HTS_ID_MAX     64

/* The variable names, shared by the environment and the secrets file. */
#define KIS_CRED_VAR_APP_KEY    "KIS_APP_KEY"
#define KIS_CRED_VAR_APP_SECRET "KIS_APP_SECRET"
#define KIS_CRED_VAR_ACCOUNT    "KIS_ACCOUNT"
#define KIS_CRED_VAR_HTS_ID     "KIS_HTS_ID"

struct kis_credentials {
	char app_key[KIS_CRED_APP_KEY_MAX];
	char app_secret[KIS_CRED_APP_SECRET_MAX];
	char cano[9];                     /* CANO: the account's first 8 digits */
	char prdt[3];                     /* ACNT_PRDT_CD: its last 2 digits ("01") */
	char hts_id[KIS_CRED_HTS_ID_MAX]; /* "" when not given */
};

/* Room for an error message from this module (it names a file path). */
#define KIS_CRED_ERR_MAX 512

/* Looks a variable up; NULL when unset. getenv(3) has this shape apart from ud. */
typedef const char *(*kis_cred_getenv_fn)(const char *name, void *ud);

/*
 * Fill *out from KIS_APP_KEY, KIS_APP_SECRET, KIS_ACCOUNT ("12345678-01" or
 * "1234567801") and the optional KIS_HTS_ID (only execution notices need
 * it), read through lookup (NULL: the real environment). App key and secret
 * must be 1..max-1 printable ASCII characters without spaces. On error
 * returns KE_ENOENT (a required variable is unset or empty) or KE_EINVAL
 * (malformed), leaves *out wiped and writes the reason into err.
 */
int kis_cred_from_env(struct kis_credentials *out, kis_cred_getenv_fn lookup, void *ud, char *err, size_t errlen);

/*
 * Refuse a secrets file others could read or swap: it must be a regular
 * file (symlinks are followed), owned by the effective user, with no group
 * or other permission bits (0600, 0400, 0700 pass; 0640, 0644 do not).
 * KE_ENOENT when it cannot be opened, KE_EINVAL when it is refused; err
 * says why and how to fix it.
 */
int kis_cred_check_file(const char *path, char *err, size_t errlen);

/*
 * Fill *out from a secrets file: lines "KEY=VALUE" with the variable names
 * above, optionally prefixed by "export ", blank lines and lines starting
 * with '#' ignored, whitespace around key and value trimmed, one pair of
 * matching quotes around the value removed. Other keys are ignored; a key
 * given twice is an error. The file is checked as kis_cred_check_file()
 * does, on the opened descriptor. Errors as kis_cred_from_env() plus
 * KE_EIO; messages name the file and line, never a value.
 */
int kis_cred_from_file(struct kis_credentials *out, const char *path, char *err, size_t errlen);

/* Room for a masked value: 4 characters, "…" (3 bytes), "(<size_t> chars)". */
#define KIS_CRED_MASK_BUF 40

/*
 * A loggable stand-in for a secret into buf (KIS_CRED_MASK_BUF bytes):
 * "PSab…(36 chars)" - the first 4 characters only when the value has at
 * least 16, so at most a quarter of it shows; "…(7 chars)" for shorter
 * values, "(empty)" and "(null)". Returns buf.
 */
const char *kis_cred_mask(const char *value, char *buf);

/* Zero every byte of *c in a way the compiler cannot drop. NULL is a no-op. */
void kis_cred_wipe(struct kis_credentials *c);

#endif
