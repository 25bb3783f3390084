/*
 * test_kis_tokcache.c - the shared 0600 token cache file.
 *
 * File name hashes from coreutils:
 *   printf %s 'PSabcdefghijklmnopqrstuvwxyz0123456789' | sha256sum | cut -c1-16
 *     -> 404429fad5d23546
 *   printf %s 'PSotherkey' | sha256sum | cut -c1-16 -> 5cf4c20ee75b774d
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ke_common.h"
#include "kis_tokcache.h"

#define KEY   "PSabcdefghijklmnopqrstuvwxyz0123456789"
#define TOKEN "eyJ0eXAiOiJKV1Qi.secret-token"
#define NOW   1772409600000LL /* 2026-03-02T09:00:00+09:00 */
#define HOUR  (3600LL * 1000)

struct fx {
	char dir[64];
	char sub[96];
};

static void rm_tree(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	char p[512];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", path, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(path);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/kistok-tcXXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->sub, sizeof f->sub, "%s/cache", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	rm_tree(f->dir);
	free(f);
	return 0;
}

static struct kis_tokcache *open_cache(const char *dir, const char *env, const char *key)
{
	struct kis_tokcache *c = NULL;
	char err[256] = "";
	int rc = kis_tokcache_open(&c, dir, env, key, err, sizeof err);
	if (rc != KE_OK)
		fail_msg("open failed: %d %s", rc, err);
	return c;
}

static void test_store_lookup_remove(void **state)
{
	struct fx *f = *state;
	struct kis_tokcache *c = open_cache(f->sub, "mock", KEY);
	char tok[KIS_TOKCACHE_TOKEN_MAX], err[256];
	int64_t exp = 0;
	assert_int_equal(kis_tokcache_lookup(c, NOW, KIS_TOKCACHE_MARGIN_MS, tok, sizeof tok, &exp, err, sizeof err),
	                 KE_ENOENT);
	assert_int_equal(kis_tokcache_store(c, TOKEN, NOW + 24 * HOUR, NOW, err, sizeof err), KE_OK);
	assert_int_equal(kis_tokcache_lookup(c, NOW, KIS_TOKCACHE_MARGIN_MS, tok, sizeof tok, &exp, err, sizeof err),
	                 KE_OK);
	assert_string_equal(tok, TOKEN);
	assert_int_equal(exp, NOW + 24 * HOUR);
	/* A second store replaces the first. */
	assert_int_equal(kis_tokcache_store(c, "tok2", NOW + 48 * HOUR, NOW, err, sizeof err), KE_OK);
	assert_int_equal(kis_tokcache_lookup(c, NOW, 0, tok, sizeof tok, &exp, err, sizeof err), KE_OK);
	assert_string_equal(tok, "tok2");
	assert_int_equal(exp, NOW + 48 * HOUR);
	/* A reopened handle (another process, in effect) sees it too. */
	struct kis_tokcache *c2 = open_cache(f->sub, "mock", KEY);
	assert_int_equal(kis_tokcache_lookup(c2, NOW, 0, tok, sizeof tok, NULL, err, sizeof err), KE_OK);
	assert_string_equal(tok, "tok2");
	assert_int_equal(kis_tokcache_remove(c, err, sizeof err), KE_OK);
	assert_int_equal(kis_tokcache_lookup(c2, NOW, 0, tok, sizeof tok, NULL, err, sizeof err), KE_ENOENT);
	assert_string_equal(tok, "");
	assert_int_equal(kis_tokcache_remove(c, err, sizeof err), KE_OK); /* nothing left: still fine */
	/* The buffer must hold the token. */
	assert_int_equal(kis_tokcache_store(c, TOKEN, NOW + HOUR, NOW, err, sizeof err), KE_OK);
	char small[4];
	assert_int_equal(kis_tokcache_lookup(c, NOW, 0, small, sizeof small, NULL, err, sizeof err), KE_EINVAL);
	assert_int_equal(kis_tokcache_store(c, "", NOW + HOUR, NOW, err, sizeof err), KE_EINVAL);
	kis_tokcache_close(c);
	kis_tokcache_close(c2);
}

static void test_expiry_margin(void **state)
{
	struct fx *f = *state;
	struct kis_tokcache *c = open_cache(f->sub, "real", KEY);
	char tok[64], err[256];
	int64_t margin = KIS_TOKCACHE_MARGIN_MS; /* 10 * 60 * 1000 = 600000 ms */
	assert_int_equal(margin, 600000);
	/* Expires exactly 10 minutes from now: no longer reused. */
	assert_int_equal(kis_tokcache_store(c, TOKEN, NOW + 600000, NOW - 23 * HOUR, err, sizeof err), KE_OK);
	assert_int_equal(kis_tokcache_lookup(c, NOW, margin, tok, sizeof tok, NULL, err, sizeof err), KE_ENOENT);
	/* One millisecond more: still good. */
	assert_int_equal(kis_tokcache_lookup(c, NOW - 1, margin, tok, sizeof tok, NULL, err, sizeof err), KE_OK);
	/* Already expired, even with no margin. */
	assert_int_equal(kis_tokcache_lookup(c, NOW + 600000, 0, tok, sizeof tok, NULL, err, sizeof err), KE_ENOENT);
	assert_int_equal(kis_tokcache_lookup(c, NOW + 599999, 0, tok, sizeof tok, NULL, err, sizeof err), KE_OK);
	kis_tokcache_close(c);
}

static void test_modes_and_name(void **state)
{
	struct fx *f = *state;
	struct kis_tokcache *c = open_cache(f->sub, "mock", KEY);
	char err[256];
	assert_int_equal(kis_tokcache_store(c, TOKEN, NOW + HOUR, NOW, err, sizeof err), KE_OK);
	struct stat st;
	assert_int_equal(stat(f->sub, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	const char *path = kis_tokcache_path(c);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	char expect[256];
	snprintf(expect, sizeof expect, "%s/mock-404429fad5d23546.json", f->sub);
	assert_string_equal(path, expect);
	assert_null(strstr(path, KEY));
	snprintf(expect, sizeof expect, "%s/mock-404429fad5d23546.lock", f->sub);
	assert_int_equal(stat(expect, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* No file in the directory names the key, and no temp file is left. */
	DIR *d = opendir(f->sub);
	assert_non_null(d);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		files++;
		assert_null(strstr(e->d_name, KEY));
	}
	closedir(d);
	assert_int_equal(files, 2);
	/* Another key or env: another file. */
	struct kis_tokcache *o = open_cache(f->sub, "mock", "PSotherkey");
	snprintf(expect, sizeof expect, "%s/mock-5cf4c20ee75b774d.json", f->sub);
	assert_string_equal(kis_tokcache_path(o), expect);
	kis_tokcache_close(o);
	kis_tokcache_close(c);
}

static void test_group_readable_refused(void **state)
{
	struct fx *f = *state;
	struct kis_tokcache *c = open_cache(f->sub, "mock", KEY);
	char tok[64], err[256] = "";
	assert_int_equal(kis_tokcache_store(c, TOKEN, NOW + HOUR, NOW, err, sizeof err), KE_OK);
	assert_int_equal(chmod(kis_tokcache_path(c), 0644), 0);
	assert_int_equal(kis_tokcache_lookup(c, NOW, 0, tok, sizeof tok, NULL, err, sizeof err), KE_ESTATE);
	assert_non_null(strstr(err, "0644"));
	assert_non_null(strstr(err, "group/others"));
	assert_null(strstr(err, TOKEN));
	assert_null(strstr(err, KEY));
	assert_string_equal(tok, "");
	/* Storing replaces the file with a fresh 0600 one. */
	assert_int_equal(kis_tokcache_store(c, TOKEN, NOW + HOUR, NOW, err, sizeof err), KE_OK);
	struct stat st;
	assert_int_equal(stat(kis_tokcache_path(c), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(kis_tokcache_lookup(c, NOW, 0, tok, sizeof tok, NULL, err, sizeof err), KE_OK);
	kis_tokcache_close(c);

	/* A directory others can enter is refused too. */
	char open_dir[128];
	snprintf(open_dir, sizeof open_dir, "%s/shared", f->dir);
	assert_int_equal(mkdir(open_dir, 0700), 0);
	assert_int_equal(chmod(open_dir, 0755), 0);
	struct kis_tokcache *bad = NULL;
	assert_int_equal(kis_tokcache_open(&bad, open_dir, "mock", KEY, err, sizeof err), KE_ESTATE);
	assert_null(bad);
	assert_non_null(strstr(err, "0755"));
	assert_null(strstr(err, KEY));
}

static void test_corrupt_and_args(void **state)
{
	struct fx *f = *state;
	struct kis_tokcache *c = open_cache(f->sub, "mock", KEY);
	char tok[64], err[256] = "";
	int fd = open(kis_tokcache_path(c), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"token\":\"t\",\"expires_ms\":\"x\"}", 30), 30);
	close(fd);
	assert_int_equal(kis_tokcache_lookup(c, NOW, 0, tok, sizeof tok, NULL, err, sizeof err), KE_EINVAL);
	assert_non_null(strstr(err, "corrupt"));
	/* Storing over a corrupt file repairs it. */
	assert_int_equal(kis_tokcache_store(c, TOKEN, NOW + HOUR, NOW, err, sizeof err), KE_OK);
	assert_int_equal(kis_tokcache_lookup(c, NOW, 0, tok, sizeof tok, NULL, err, sizeof err), KE_OK);
	/* The lock is not reentrant by design. */
	assert_int_equal(kis_tokcache_lock(c, err, sizeof err), KE_OK);
	assert_int_equal(kis_tokcache_lock(c, err, sizeof err), KE_ESTATE);
	assert_int_equal(kis_tokcache_lookup(c, NOW, 0, tok, sizeof tok, NULL, err, sizeof err), KE_OK);
	assert_int_equal(kis_tokcache_unlock(c), KE_OK);
	assert_int_equal(kis_tokcache_unlock(c), KE_ESTATE);
	/* trylock: a second holder of the same file (another open, as another
	 * process would be) is refused at once instead of waiting. */
	struct kis_tokcache *other = open_cache(f->sub, "mock", KEY);
	assert_int_equal(kis_tokcache_trylock(c, err, sizeof err), KE_OK);
	assert_int_equal(kis_tokcache_trylock(c, err, sizeof err), KE_ESTATE);
	assert_int_equal(kis_tokcache_trylock(other, err, sizeof err), KE_ELIMIT);
	assert_non_null(strstr(err, "locked by another process"));
	assert_int_equal(kis_tokcache_unlock(c), KE_OK);
	assert_int_equal(kis_tokcache_trylock(other, err, sizeof err), KE_OK);
	assert_int_equal(kis_tokcache_unlock(other), KE_OK);
	kis_tokcache_close(other);
	kis_tokcache_close(c);

	struct kis_tokcache *x = NULL;
	assert_int_equal(kis_tokcache_open(&x, f->sub, "mo/ck", KEY, err, sizeof err), KE_EINVAL);
	assert_int_equal(kis_tokcache_open(&x, f->sub, "mock", "", err, sizeof err), KE_EINVAL);
	assert_int_equal(kis_tokcache_open(&x, f->sub, "", KEY, err, sizeof err), KE_EINVAL);
	assert_null(x);
}

static void test_default_dir(void **state)
{
	struct fx *f = *state;
	char xdg[128], expect[256], err[256] = "";
	snprintf(xdg, sizeof xdg, "%s/xdg", f->dir);
	assert_int_equal(setenv("XDG_CACHE_HOME", xdg, 1), 0);
	struct kis_tokcache *c = NULL;
	assert_int_equal(kis_tokcache_open(&c, NULL, "mock", KEY, err, sizeof err), KE_OK);
	snprintf(expect, sizeof expect, "%s/kis-engine/mock-404429fad5d23546.json", xdg);
	assert_string_equal(kis_tokcache_path(c), expect);
	kis_tokcache_close(c);
	/* A relative XDG_CACHE_HOME is ignored in favour of HOME/.cache. */
	assert_int_equal(setenv("XDG_CACHE_HOME", "relative", 1), 0);
	assert_int_equal(setenv("HOME", f->dir, 1), 0);
	assert_int_equal(kis_tokcache_open(&c, NULL, "mock", KEY, err, sizeof err), KE_OK);
	snprintf(expect, sizeof expect, "%s/.cache/kis-engine/mock-404429fad5d23546.json", f->dir);
	assert_string_equal(kis_tokcache_path(c), expect);
	struct stat st;
	snprintf(expect, sizeof expect, "%s/.cache/kis-engine", f->dir);
	assert_int_equal(stat(expect, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	kis_tokcache_close(c);
}

/* One child: the lookup -> issue -> store sequence under the lock. The
 * "issue" appends a byte to a counter file and sleeps so that, without the
 * lock, the others would certainly miss the cache as well. */
static int child(const char *dir, const char *counter, const char *results)
{
	struct kis_tokcache *c = NULL;
	char tok[64], err[256];
	if (kis_tokcache_open(&c, dir, "mock", KEY, err, sizeof err) != KE_OK)
		return 10;
	if (kis_tokcache_lock(c, err, sizeof err) != KE_OK)
		return 11;
	int rc = kis_tokcache_lookup(c, NOW, KIS_TOKCACHE_MARGIN_MS, tok, sizeof tok, NULL, err, sizeof err);
	if (rc == KE_ENOENT) {
		int fd = open(counter, O_WRONLY | O_APPEND | O_CREAT, 0600);
		if (fd < 0 || write(fd, "x", 1) != 1)
			return 12;
		close(fd);
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		snprintf(tok, sizeof tok, "tok-%ld", (long)getpid());
		if (kis_tokcache_store(c, tok, NOW + 24 * HOUR, NOW, err, sizeof err) != KE_OK)
			return 13;
	} else if (rc != KE_OK) {
		return 14;
	}
	kis_tokcache_unlock(c);
	if (kis_tokcache_lookup(c, NOW, KIS_TOKCACHE_MARGIN_MS, tok, sizeof tok, NULL, err, sizeof err) != KE_OK)
		return 15;
	kis_tokcache_close(c);
	int fd = open(results, O_WRONLY | O_APPEND | O_CREAT, 0600);
	char line[80];
	int n = snprintf(line, sizeof line, "%s\n", tok);
	if (fd < 0 || write(fd, line, (size_t)n) != n)
		return 16;
	close(fd);
	return 0;
}

static void test_processes_share_one_issue(void **state)
{
	struct fx *f = *state;
	char counter[128], results[128];
	snprintf(counter, sizeof counter, "%s/issues", f->dir);
	snprintf(results, sizeof results, "%s/results", f->dir);
	enum { N = 4 };
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(child(f->sub, counter, results));
	}
	for (int i = 0; i < N; i++) {
		int st = 0;
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	struct stat st;
	assert_int_equal(stat(counter, &st), 0);
	assert_int_equal(st.st_size, 1); /* exactly one issue among N processes */
	FILE *fp = fopen(results, "r");
	assert_non_null(fp);
	char first[80] = "", line[80];
	int lines = 0;
	while (fgets(line, sizeof line, fp)) {
		if (lines++ == 0)
			strcpy(first, line);
		assert_string_equal(line, first);
	}
	fclose(fp);
	assert_int_equal(lines, N);
	assert_memory_equal(first, "tok-", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_store_lookup_remove, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expiry_margin, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_modes_and_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_group_readable_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_corrupt_and_args, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_default_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_processes_share_one_issue, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
