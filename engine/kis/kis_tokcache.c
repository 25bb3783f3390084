/*
 * kis_tokcache.c - the 0600 token cache file, shared by processes.
 *
 * The file name carries a hash of the app key, never the key: directory
 * listings and error messages end up in logs. Updates go through a temp
 * file in the same directory and rename(2), so a reader sees the old or the
 * new token, never half of one; the flock lives on a separate lock file
 * because rename replaces the data file's inode.
 */
#include "kis_tokcache.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ke_common.h"

#define PATH_CAP     4096
#define ENV_MAX      16
#define HASH_HEX     16 /* 64 bits of SHA-256: collisions are not a concern */
#define FILE_MAX_LEN (64 * 1024)

struct kis_tokcache {
	char dir[PATH_CAP];
	char path[PATH_CAP];
	char lock_path[PATH_CAP];
	int lock_fd; /* -1 unless the caller holds the lock */
};

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

static int valid_env(const char *env)
{
	size_t n = strlen(env);
	if (n == 0 || n > ENV_MAX)
		return 0;
	for (const char *p = env; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '-'))
			return 0;
	return 1;
}

static int key_hash(const char *key, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (EVP_Digest(key, strlen(key), md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen < HASH_HEX / 2)
		return 0;
	for (int i = 0; i < HASH_HEX / 2; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 1;
}

/* mkdir that succeeds if it exists; *created tells whether we made it. */
static int make_dir(const char *path, int *created, char *err, size_t errlen)
{
	*created = 0;
	if (mkdir(path, 0700) == 0) {
		*created = 1;
		return KE_OK;
	}
	if (errno == EEXIST)
		return KE_OK;
	return fail(err, errlen, KE_EIO, "cannot create token cache directory %s: %s", path, strerror(errno));
}

/* The directory must be ours and private: anyone who can list or write it
 * could swap the file or learn its timing. */
static int check_dir(const char *path, int created, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, KE_EIO, "cannot open token cache directory %s: %s", path, strerror(errno));
	struct stat st;
	int rc = KE_OK;
	if (created && fchmod(fd, 0700) != 0)
		rc = fail(err, errlen, KE_EIO, "cannot chmod 0700 %s: %s", path, strerror(errno));
	else if (fstat(fd, &st) != 0)
		rc = fail(err, errlen, KE_EIO, "cannot stat %s: %s", path, strerror(errno));
	else if (st.st_uid != geteuid())
		rc = fail(err, errlen, KE_ESTATE, "token cache directory %s belongs to another user", path);
	else if (st.st_mode & 077)
		rc = fail(err, errlen, KE_ESTATE,
		          "token cache directory %s has mode %04o: it must be private (chmod 700 it)", path,
		          (unsigned)(st.st_mode & 07777));
	close(fd);
	return rc;
}

static int default_dir(char *out, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	int created, n, rc;
	/* The XDG spec says a relative value is invalid and must be ignored. */
	if (xdg && xdg[0] == '/') {
		n = snprintf(out, PATH_CAP, "%s/kis-engine", xdg);
		if (n < 0 || n >= PATH_CAP)
			return fail(err, errlen, KE_EINVAL, "XDG_CACHE_HOME is too long");
		return make_dir(xdg, &created, err, errlen);
	}
	const char *home = getenv("HOME");
	if (!home || home[0] != '/')
		return fail(err, errlen, KE_EINVAL, "neither XDG_CACHE_HOME nor HOME is set to an absolute path");
	char parent[PATH_CAP];
	n = snprintf(parent, sizeof parent, "%s/.cache", home);
	if (n < 0 || n >= PATH_CAP - 16)
		return fail(err, errlen, KE_EINVAL, "HOME is too long");
	if ((rc = make_dir(parent, &created, err, errlen)) != KE_OK)
		return rc;
	n = snprintf(out, PATH_CAP, "%s/kis-engine", parent);
	if (n < 0 || n >= PATH_CAP)
		return fail(err, errlen, KE_EINVAL, "HOME is too long");
	return KE_OK;
}

int kis_tokcache_open(struct kis_tokcache **out, const char *dir, const char *env, const char *app_key, char *err,
                      size_t errlen)
{
	if (!out || !env || !app_key || !*app_key)
		return fail(err, errlen, KE_EINVAL, "token cache: missing environment or app key");
	*out = NULL;
	if (!valid_env(env))
		return fail(err, errlen, KE_EINVAL,
		            "token cache: bad environment name (letters, digits, _ and -, 1-16)");
	struct kis_tokcache *c = calloc(1, sizeof *c);
	if (!c)
		return fail(err, errlen, KE_ENOMEM, "token cache: out of memory");
	c->lock_fd = -1;
	int rc = KE_OK, created = 0;
	if (dir) {
		if (!*dir || strlen(dir) >= PATH_CAP)
			rc = fail(err, errlen, KE_EINVAL, "token cache: bad directory");
		else
			memcpy(c->dir, dir, strlen(dir) + 1);
	} else {
		rc = default_dir(c->dir, err, errlen);
	}
	if (rc == KE_OK)
		rc = make_dir(c->dir, &created, err, errlen);
	if (rc == KE_OK)
		rc = check_dir(c->dir, created, err, errlen);
	char hex[HASH_HEX + 1];
	if (rc == KE_OK && !key_hash(app_key, hex))
		rc = fail(err, errlen, KE_EIO, "token cache: SHA-256 failed");
	if (rc == KE_OK) {
		int n = snprintf(c->path, PATH_CAP, "%s/%s-%s.json", c->dir, env, hex);
		int m = snprintf(c->lock_path, PATH_CAP, "%s/%s-%s.lock", c->dir, env, hex);
		if (n < 0 || n >= PATH_CAP || m < 0 || m >= PATH_CAP)
			rc = fail(err, errlen, KE_EINVAL, "token cache: directory path too long");
	}
	if (rc != KE_OK) {
		free(c);
		return rc;
	}
	*out = c;
	return KE_OK;
}

void kis_tokcache_close(struct kis_tokcache *c)
{
	if (!c)
		return;
	kis_tokcache_unlock(c);
	free(c);
}

const char *kis_tokcache_path(const struct kis_tokcache *c)
{
	return c ? c->path : "";
}

/* wait 0: KE_ELIMIT at once when another process holds the lock. */
static int take_lock_how(const struct kis_tokcache *c, int *fd_out, int wait, char *err, size_t errlen)
{
	int fd = open(c->lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(err, errlen, KE_EIO, "cannot open lock file %s: %s", c->lock_path, strerror(errno));
	if (fchmod(fd, 0600) != 0) {
		int e = errno;
		close(fd);
		return fail(err, errlen, KE_EIO, "cannot chmod 0600 %s: %s", c->lock_path, strerror(e));
	}
	while (flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0) {
		if (errno == EINTR)
			continue;
		int e = errno;
		if (!wait && e == EWOULDBLOCK) {
			close(fd);
			return fail(err, errlen, KE_ELIMIT, "%s is locked by another process", c->lock_path);
		}
		close(fd);
		return fail(err, errlen, KE_EIO, "cannot lock %s: %s", c->lock_path, strerror(e));
	}
	*fd_out = fd;
	return KE_OK;
}

static int take_lock(const struct kis_tokcache *c, int *fd_out, char *err, size_t errlen)
{
	return take_lock_how(c, fd_out, 1, err, errlen);
}

/* Closing the descriptor drops the flock. */
static void drop_lock(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

int kis_tokcache_lock(struct kis_tokcache *c, char *err, size_t errlen)
{
	if (!c)
		return fail(err, errlen, KE_EINVAL, "token cache: no cache");
	if (c->lock_fd >= 0)
		return fail(err, errlen, KE_ESTATE, "token cache: already locked");
	return take_lock(c, &c->lock_fd, err, errlen);
}

int kis_tokcache_trylock(struct kis_tokcache *c, char *err, size_t errlen)
{
	if (!c)
		return fail(err, errlen, KE_EINVAL, "token cache: no cache");
	if (c->lock_fd >= 0)
		return fail(err, errlen, KE_ESTATE, "token cache: already locked");
	return take_lock_how(c, &c->lock_fd, 0, err, errlen);
}

int kis_tokcache_unlock(struct kis_tokcache *c)
{
	if (!c || c->lock_fd < 0)
		return KE_ESTATE;
	drop_lock(c->lock_fd);
	c->lock_fd = -1;
	return KE_OK;
}

/* Lock for one operation unless the caller already holds the lock; *fd is
 * what to release afterwards (-1: nothing). */
static int op_lock(const struct kis_tokcache *c, int *fd, char *err, size_t errlen)
{
	*fd = -1;
	if (c->lock_fd >= 0)
		return KE_OK;
	return take_lock(c, fd, err, errlen);
}

static int read_file(const struct kis_tokcache *c, char **out, char *err, size_t errlen)
{
	int fd = open(c->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return KE_ENOENT;
		return fail(err, errlen, KE_EIO, "cannot open token cache %s: %s", c->path, strerror(errno));
	}
	struct stat st;
	int rc = KE_OK;
	if (fstat(fd, &st) != 0)
		rc = fail(err, errlen, KE_EIO, "cannot stat %s: %s", c->path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = fail(err, errlen, KE_ESTATE, "token cache %s is not a regular file", c->path);
	else if (st.st_uid != geteuid())
		rc = fail(err, errlen, KE_ESTATE, "token cache %s belongs to another user", c->path);
	else if (st.st_mode & 077)
		rc = fail(err, errlen, KE_ESTATE,
		          "token cache %s has mode %04o: a token readable by group/others is not used (delete the "
		          "file or chmod 600 it)",
		          c->path, (unsigned)(st.st_mode & 07777));
	else if (st.st_size > FILE_MAX_LEN)
		rc = fail(err, errlen, KE_EINVAL, "token cache %s is too large to be ours", c->path);
	char *buf = NULL;
	size_t len = 0;
	if (rc == KE_OK && !(buf = malloc((size_t)st.st_size + 1)))
		rc = fail(err, errlen, KE_ENOMEM, "token cache: out of memory");
	while (rc == KE_OK && len < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			rc = fail(err, errlen, KE_EIO, "cannot read %s: %s", c->path, strerror(errno));
		else if (r == 0)
			break;
		else
			len += (size_t)r;
	}
	close(fd);
	if (rc != KE_OK) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	*out = buf;
	return KE_OK;
}

static int get_ms(const cJSON *root, const char *name, int64_t *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, name);
	/* Epoch ms stay below 2^53, so a double carries them exactly. */
	if (!cJSON_IsNumber(it) || !(it->valuedouble >= 0 && it->valuedouble < 9007199254740992.0))
		return 0;
	*out = (int64_t)it->valuedouble;
	return 1;
}

int kis_tokcache_lookup(struct kis_tokcache *c, int64_t now_ms, int64_t margin_ms, char *token, size_t tokcap,
                        int64_t *expires_ms, char *err, size_t errlen)
{
	if (!c || !token || tokcap == 0 || margin_ms < 0)
		return fail(err, errlen, KE_EINVAL, "token cache: bad lookup arguments");
	token[0] = '\0';
	int lfd, rc = op_lock(c, &lfd, err, errlen);
	if (rc != KE_OK)
		return rc;
	char *text = NULL;
	rc = read_file(c, &text, err, errlen);
	drop_lock(lfd);
	if (rc != KE_OK)
		return rc;
	cJSON *root = cJSON_Parse(text);
	memset(text, 0, strlen(text));
	free(text);
	const cJSON *tk = cJSON_GetObjectItemCaseSensitive(root, "token");
	int64_t exp = 0, issued = 0;
	if (!cJSON_IsString(tk) || !tk->valuestring || !*tk->valuestring || !get_ms(root, "expires_ms", &exp) ||
	    !get_ms(root, "issued_ms", &issued))
		rc = fail(err, errlen, KE_EINVAL, "token cache %s is corrupt (store a new token over it)", c->path);
	else if (strlen(tk->valuestring) >= tokcap)
		rc = fail(err, errlen, KE_EINVAL, "token cache %s: token longer than the caller's buffer", c->path);
	else if (exp - margin_ms <= now_ms)
		rc = KE_ENOENT; /* expired or about to: the caller issues a new one */
	else {
		memcpy(token, tk->valuestring, strlen(tk->valuestring) + 1);
		if (expires_ms)
			*expires_ms = exp;
	}
	cJSON_Delete(root);
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return 0;
		p += w;
		n -= (size_t)w;
	}
	return 1;
}

int kis_tokcache_store(struct kis_tokcache *c, const char *token, int64_t expires_ms, int64_t issued_ms, char *err,
                       size_t errlen)
{
	if (!c || !token || !*token || strlen(token) >= KIS_TOKCACHE_TOKEN_MAX || expires_ms <= 0 || issued_ms < 0)
		return fail(err, errlen, KE_EINVAL, "token cache: bad token or times to store");
	cJSON *root = cJSON_CreateObject();
	char *text = NULL;
	if (root && cJSON_AddStringToObject(root, "token", token) &&
	    cJSON_AddNumberToObject(root, "expires_ms", (double)expires_ms) &&
	    cJSON_AddNumberToObject(root, "issued_ms", (double)issued_ms))
		text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!text)
		return fail(err, errlen, KE_ENOMEM, "token cache: out of memory");

	int lfd, rc = op_lock(c, &lfd, err, errlen);
	if (rc != KE_OK) {
		cJSON_free(text);
		return rc;
	}
	char tmp[PATH_CAP + 16];
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", c->path);
	/* mkstemp opens with O_CREAT|O_EXCL and mode 0600; the fchmod makes
	 * the mode independent of how the C library does it. */
	int fd = mkstemp(tmp);
	if (fd < 0) {
		rc = fail(err, errlen, KE_EIO, "cannot create a temp file in %s: %s", c->dir, strerror(errno));
	} else {
		size_t n = strlen(text);
		if (fchmod(fd, 0600) != 0 || !write_all(fd, text, n) || !write_all(fd, "\n", 1) || fsync(fd) != 0)
			rc = fail(err, errlen, KE_EIO, "cannot write %s: %s", tmp, strerror(errno));
		if (close(fd) != 0 && rc == KE_OK)
			rc = fail(err, errlen, KE_EIO, "cannot write %s: %s", tmp, strerror(errno));
		if (rc == KE_OK && rename(tmp, c->path) != 0)
			rc = fail(err, errlen, KE_EIO, "cannot rename to %s: %s", c->path, strerror(errno));
		if (rc != KE_OK)
			unlink(tmp);
	}
	drop_lock(lfd);
	/* The token text must not linger in freed heap memory. */
	memset(text, 0, strlen(text));
	cJSON_free(text);
	return rc;
}

int kis_tokcache_remove(struct kis_tokcache *c, char *err, size_t errlen)
{
	if (!c)
		return fail(err, errlen, KE_EINVAL, "token cache: no cache");
	int lfd, rc = op_lock(c, &lfd, err, errlen);
	if (rc != KE_OK)
		return rc;
	if (unlink(c->path) != 0 && errno != ENOENT)
		rc = fail(err, errlen, KE_EIO, "cannot remove %s: %s", c->path, strerror(errno));
	drop_lock(lfd);
	return rc;
}
