/*
 * kis_cred.c - KIS credentials from the environment or a 0600 secrets file.
 *
 * Rule for every message written here: name the variable, the file and the
 * line, never the value. A value's length may appear (kis_cred_mask shows
 * it too); its characters may not.
 */
#include "kis_cred.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

/* A secrets file holds four short lines; anything far bigger is a mistake. */
#define SECRETS_FILE_MAX (64 * 1024)

enum { V_APP_KEY, V_APP_SECRET, V_ACCOUNT, V_HTS_ID, V__COUNT };

static const char *const var_names[V__COUNT] = {
    KIS_CRED_VAR_APP_KEY,
    KIS_CRED_VAR_APP_SECRET,
    KIS_CRED_VAR_ACCOUNT,
    KIS_CRED_VAR_HTS_ID,
};

/* Where the values came from, for messages: "" or " in secrets file X". */
struct origin {
	const char *path; /* NULL: the environment */
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void kis_cred_wipe(struct kis_credentials *c)
{
	if (c != NULL)
		OPENSSL_cleanse(c, sizeof(*c));
}

/* Printable ASCII without space: what KIS keys, secrets and IDs are made
 * of. Returns the 1-based position of the first bad byte, 0 if none. */
static size_t bad_char_pos(const char *v)
{
	size_t i;

	for (i = 0; v[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch <= ' ' || ch >= 0x7f)
			return i + 1;
	}
	return 0;
}

static int check_token(const char *name, const char *v, size_t max, const struct origin *o, char *err, size_t errlen)
{
	size_t len = strlen(v);
	size_t pos = bad_char_pos(v);
	const char *in = o->path != NULL ? " in secrets file " : "";
	const char *path = o->path != NULL ? o->path : "";

	if (len >= max) {
		set_err(err, errlen, "%s%s%s is too long (%zu characters, max %zu)", name, in, path, len, max - 1);
		return KE_EINVAL;
	}
	if (pos != 0) {
		set_err(err, errlen, "%s%s%s has a space, control or non-ASCII character at position %zu", name, in,
		        path, pos);
		return KE_EINVAL;
	}
	return KE_OK;
}

/* "12345678-01" or "1234567801" into cano / prdt. */
static int split_account(const char *v, struct kis_credentials *out)
{
	size_t len = strlen(v);
	size_t i;
	char digits[10];
	size_t n = 0;

	if (len != 10 && !(len == 11 && v[8] == '-'))
		return KE_EINVAL;
	for (i = 0; i < len; i++) {
		if (len == 11 && i == 8)
			continue;
		if (v[i] < '0' || v[i] > '9')
			return KE_EINVAL;
		digits[n++] = v[i];
	}
	memcpy(out->cano, digits, 8);
	out->cano[8] = '\0';
	memcpy(out->prdt, digits + 8, 2);
	out->prdt[2] = '\0';
	return KE_OK;
}

/* Validate the collected values (NULL = absent) and copy them into *out. */
static int fill(struct kis_credentials *out, const char *const vals[V__COUNT], const struct origin *o, char *err,
                size_t errlen)
{
	const char *in = o->path != NULL ? " in secrets file " : "";
	const char *path = o->path != NULL ? o->path : "";
	int rc;
	int i;

	kis_cred_wipe(out);
	for (i = 0; i < V__COUNT; i++) {
		if (i == V_HTS_ID)
			continue;
		if (vals[i] == NULL || vals[i][0] == '\0') {
			set_err(err, errlen, "%s is not set%s%s", var_names[i], in, path);
			return KE_ENOENT;
		}
	}
	rc = check_token(KIS_CRED_VAR_APP_KEY, vals[V_APP_KEY], sizeof(out->app_key), o, err, errlen);
	if (rc == KE_OK)
		rc = check_token(KIS_CRED_VAR_APP_SECRET, vals[V_APP_SECRET], sizeof(out->app_secret), o, err, errlen);
	if (rc == KE_OK && vals[V_HTS_ID] != NULL)
		rc = check_token(KIS_CRED_VAR_HTS_ID, vals[V_HTS_ID], sizeof(out->hts_id), o, err, errlen);
	if (rc != KE_OK)
		return rc;
	if (split_account(vals[V_ACCOUNT], out) != KE_OK) {
		/* The account number is not echoed either: it is personal data. */
		set_err(err, errlen, "%s%s%s must be 8 digits, '-', 2 digits (like 12345678-01)", KIS_CRED_VAR_ACCOUNT,
		        in, path);
		kis_cred_wipe(out);
		return KE_EINVAL;
	}
	strcpy(out->app_key, vals[V_APP_KEY]);
	strcpy(out->app_secret, vals[V_APP_SECRET]);
	if (vals[V_HTS_ID] != NULL)
		strcpy(out->hts_id, vals[V_HTS_ID]);
	return KE_OK;
}

static const char *real_getenv(const char *name, void *ud)
{
	(void)ud;
	return getenv(name);
}

int kis_cred_from_env(struct kis_credentials *out, kis_cred_getenv_fn lookup, void *ud, char *err, size_t errlen)
{
	const char *vals[V__COUNT];
	struct origin o = {NULL};
	int i;

	if (out == NULL) {
		set_err(err, errlen, "no credentials struct");
		return KE_EINVAL;
	}
	if (lookup == NULL)
		lookup = real_getenv;
	for (i = 0; i < V__COUNT; i++)
		vals[i] = lookup(var_names[i], ud);
	return fill(out, vals, &o, err, errlen);
}

/* The permission checks on an open descriptor, so that what is checked is
 * what is read (no race with a rename between stat and open). */
static int check_fd(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;
	mode_t bad;
	const char *what;
	const char *who;

	if (fstat(fd, &st) != 0) {
		set_err(err, errlen, "cannot stat secrets file %s: %s", path, strerror(errno));
		return KE_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(err, errlen, "secrets file %s is not a regular file (%s)", path,
		        S_ISDIR(st.st_mode) ? "a directory" : "a device, pipe or socket");
		return KE_EINVAL;
	}
	if (st.st_uid != geteuid()) {
		set_err(err, errlen,
		        "secrets file %s is owned by uid %ld, not by you (uid %ld): chown it or use your own", path,
		        (long)st.st_uid, (long)geteuid());
		return KE_EINVAL;
	}
	bad = st.st_mode & 077;
	if (bad != 0) {
		who = (bad & 007) != 0 ? "others" : "its group";
		if ((bad & 007) != 0)
			bad &= 007;
		what = (bad & 044) != 0 ? "readable" : (bad & 022) != 0 ? "writable" : "executable";
		set_err(err, errlen, "secrets file %s is %s by %s (mode %04o): chmod 600 %s", path, what, who,
		        (unsigned)(st.st_mode & 07777), path);
		return KE_EINVAL;
	}
	if (st.st_size > SECRETS_FILE_MAX) {
		set_err(err, errlen, "secrets file %s is too large (%lld bytes, max %d)", path, (long long)st.st_size,
		        SECRETS_FILE_MAX);
		return KE_EINVAL;
	}
	return KE_OK;
}

static int open_secrets(const char *path, int *fd, char *err, size_t errlen)
{
	if (path == NULL || path[0] == '\0') {
		set_err(err, errlen, "no secrets file given");
		return KE_EINVAL;
	}
	/* O_NONBLOCK: opening a FIFO must not hang; check_fd refuses it. */
	*fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0) {
		set_err(err, errlen, "cannot open secrets file %s: %s", path, strerror(errno));
		return errno == ENOENT ? KE_ENOENT : KE_EIO;
	}
	return KE_OK;
}

int kis_cred_check_file(const char *path, char *err, size_t errlen)
{
	int fd;
	int rc = open_secrets(path, &fd, err, errlen);

	if (rc != KE_OK)
		return rc;
	rc = check_fd(fd, path, err, errlen);
	close(fd);
	return rc;
}

static char *trim(char *s, char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

/* Parse buf (NUL-terminated, modified in place) into vals, pointing into buf. */
static int parse_secrets(char *buf, const char *vals[V__COUNT], const char *path, char *err, size_t errlen)
{
	int seen_line[V__COUNT] = {0};
	char *line = buf;
	int lineno = 0;

	while (line != NULL && *line != '\0') {
		char *nl = strchr(line, '\n');
		char *next = nl != NULL ? nl + 1 : NULL;
		char *end = nl != NULL ? nl : line + strlen(line);
		char *eq;
		char *key;
		char *val;
		size_t vlen;
		int i;

		lineno++;
		line = trim(line, end);
		if (line[0] == '\0' || line[0] == '#') {
			line = next;
			continue;
		}
		if (strncmp(line, "export", 6) == 0 && (line[6] == ' ' || line[6] == '\t'))
			line = trim(line + 7, line + strlen(line));
		eq = strchr(line, '=');
		if (eq == NULL) {
			/* The line is not echoed: it could be a pasted secret. */
			set_err(err, errlen, "secrets file %s line %d: expected KEY=VALUE", path, lineno);
			return KE_EINVAL;
		}
		key = trim(line, eq);
		val = trim(eq + 1, eq + 1 + strlen(eq + 1));
		vlen = strlen(val);
		if (vlen >= 2 && (val[0] == '"' || val[0] == '\'') && val[vlen - 1] == val[0]) {
			val[vlen - 1] = '\0';
			val++;
		}
		for (i = 0; i < V__COUNT; i++) {
			if (strcmp(key, var_names[i]) != 0)
				continue;
			if (seen_line[i] != 0) {
				set_err(err, errlen, "secrets file %s: %s is set twice (lines %d and %d)", path,
				        var_names[i], seen_line[i], lineno);
				return KE_EINVAL;
			}
			seen_line[i] = lineno;
			vals[i] = val;
		}
		line = next;
	}
	return KE_OK;
}

int kis_cred_from_file(struct kis_credentials *out, const char *path, char *err, size_t errlen)
{
	const char *vals[V__COUNT] = {NULL, NULL, NULL, NULL};
	struct origin o = {path};
	char *buf;
	size_t cap = SECRETS_FILE_MAX + 1;
	size_t len = 0;
	int fd;
	int rc;

	if (out == NULL) {
		set_err(err, errlen, "no credentials struct");
		return KE_EINVAL;
	}
	kis_cred_wipe(out);
	rc = open_secrets(path, &fd, err, errlen);
	if (rc != KE_OK)
		return rc;
	rc = check_fd(fd, path, err, errlen);
	if (rc != KE_OK) {
		close(fd);
		return rc;
	}
	buf = malloc(cap);
	if (buf == NULL) {
		close(fd);
		set_err(err, errlen, "out of memory reading secrets file %s", path);
		return KE_ENOMEM;
	}
	/* Read to EOF; the size check above bounds the loop, and a file that
	 * grows past it meanwhile is refused rather than truncated. */
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_err(err, errlen, "cannot read secrets file %s: %s", path, strerror(errno));
			rc = KE_EIO;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == cap) {
			set_err(err, errlen, "secrets file %s is too large (max %d bytes)", path, SECRETS_FILE_MAX);
			rc = KE_EINVAL;
			break;
		}
	}
	close(fd);
	if (rc == KE_OK) {
		buf[len] = '\0';
		if (memchr(buf, '\0', len) != NULL) {
			set_err(err, errlen, "secrets file %s contains a NUL byte", path);
			rc = KE_EINVAL;
		}
	}
	if (rc == KE_OK)
		rc = parse_secrets(buf, vals, path, err, errlen);
	if (rc == KE_OK)
		rc = fill(out, vals, &o, err, errlen);
	OPENSSL_cleanse(buf, cap);
	free(buf);
	if (rc != KE_OK)
		kis_cred_wipe(out);
	return rc;
}

const char *kis_cred_mask(const char *value, char *buf)
{
	size_t len;

	if (value == NULL) {
		snprintf(buf, KIS_CRED_MASK_BUF, "(null)");
		return buf;
	}
	len = strlen(value);
	if (len == 0) {
		snprintf(buf, KIS_CRED_MASK_BUF, "(empty)");
		return buf;
	}
	/* 4 of at least 16: a quarter at most, enough to tell two keys apart. */
	if (len >= 16)
		snprintf(buf, KIS_CRED_MASK_BUF, "%.4s\xe2\x80\xa6(%zu chars)", value, len);
	else
		snprintf(buf, KIS_CRED_MASK_BUF, "\xe2\x80\xa6(%zu chars)", len);
	return buf;
}
