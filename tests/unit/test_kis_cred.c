/*
 * test_kis_cred.c - credentials from a fake environment and secrets files.
 *
 * Every error string is checked not to contain the secret values, so a
 * message that leaks one fails here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kis_cred.h"

/* 36 characters: "PS" + 34 (like a real app key). */
#define KEY "PSx8Ke1Qw9Zr4Tn7Vb2Mc5Lp0Hj3Gf6Dy8Ua"
/* Random-looking, with no English word a message could contain by chance
 * and no '=' (so a pasted copy is not a KEY=VALUE line). */
#define SECRET "Zq7x9Wv2Kp0Lm4Nb8Rt6Yc1Hd5Gf3Js/+Qa7Ew2Xo9Ui"
#define HTS    "myhtsid"

struct fake_env {
	const char *names[8];
	const char *values[8];
};

static const char *fake_getenv(const char *name, void *ud)
{
	const struct fake_env *e = ud;
	int i;

	for (i = 0; i < 8 && e->names[i] != NULL; i++) {
		if (strcmp(e->names[i], name) == 0)
			return e->values[i];
	}
	return NULL;
}

/* No fragment of 5+ characters of any secret in s. */
static void assert_no_secret(const char *s, const char *secret)
{
	size_t n = strlen(secret);
	size_t i;
	char frag[6];

	for (i = 0; i + 5 <= n; i++) {
		memcpy(frag, secret + i, 5);
		frag[5] = '\0';
		if (strstr(s, frag) != NULL)
			fail_msg("error \"%s\" contains a piece of a secret", s);
	}
}

static void assert_clean(const char *err)
{
	assert_no_secret(err, KEY);
	assert_no_secret(err, SECRET);
}

static int all_zero(const struct kis_credentials *c)
{
	const unsigned char *p = (const unsigned char *)c;
	size_t i;

	for (i = 0; i < sizeof(*c); i++) {
		if (p[i] != 0)
			return 0;
	}
	return 1;
}

static void test_env_ok(void **state)
{
	struct fake_env e = {{"KIS_APP_KEY", "KIS_APP_SECRET", "KIS_ACCOUNT", "KIS_HTS_ID"},
	                     {KEY, SECRET, "12345678-01", HTS}};
	struct kis_credentials c;
	char err[KIS_CRED_ERR_MAX] = "";

	(void)state;
	assert_int_equal(kis_cred_from_env(&c, fake_getenv, &e, err, sizeof(err)), KE_OK);
	assert_string_equal(c.app_key, KEY);
	assert_string_equal(c.app_secret, SECRET);
	assert_string_equal(c.cano, "12345678");
	assert_string_equal(c.prdt, "01");
	assert_string_equal(c.hts_id, HTS);
	kis_cred_wipe(&c);
	assert_true(all_zero(&c));
	kis_cred_wipe(NULL);
}

static void test_env_account_forms_and_optional_hts(void **state)
{
	struct fake_env e = {{"KIS_APP_KEY", "KIS_APP_SECRET", "KIS_ACCOUNT"}, {KEY, SECRET, "5012345603"}};
	struct kis_credentials c;
	char err[KIS_CRED_ERR_MAX];

	(void)state;
	assert_int_equal(kis_cred_from_env(&c, fake_getenv, &e, err, sizeof(err)), KE_OK);
	/* "5012345603": 8 + 2 -> "50123456", "03" */
	assert_string_equal(c.cano, "50123456");
	assert_string_equal(c.prdt, "03");
	assert_string_equal(c.hts_id, "");
}

static void test_env_missing(void **state)
{
	static const char *const var[] = {"KIS_APP_KEY", "KIS_APP_SECRET", "KIS_ACCOUNT"};
	struct kis_credentials c;
	char err[KIS_CRED_ERR_MAX];
	int miss;

	(void)state;
	for (miss = 0; miss < 3; miss++) {
		const char *vals[3] = {KEY, SECRET, "12345678-01"};
		struct fake_env e = {{"KIS_APP_KEY", "KIS_APP_SECRET", "KIS_ACCOUNT"}, {vals[0], vals[1], vals[2]}};

		/* unset */
		e.names[miss] = "OTHER";
		memset(&c, 0x55, sizeof(c));
		err[0] = '\0';
		assert_int_equal(kis_cred_from_env(&c, fake_getenv, &e, err, sizeof(err)), KE_ENOENT);
		assert_non_null(strstr(err, var[miss]));
		assert_non_null(strstr(err, "not set"));
		assert_clean(err);
		assert_true(all_zero(&c));
		/* empty counts as unset */
		e.names[miss] = var[miss];
		e.values[miss] = "";
		err[0] = '\0';
		assert_int_equal(kis_cred_from_env(&c, fake_getenv, &e, err, sizeof(err)), KE_ENOENT);
		assert_non_null(strstr(err, var[miss]));
		assert_clean(err);
	}
}

static void test_env_malformed(void **state)
{
	static const char *const bad_accounts[] = {"8765432-101", "87654321-1", "abcdefgh-01", "87654321-012",
	                                           "87654321_01", "876543210",  " 87654321-01"};
	/* (not 12345678: the message's example uses it) */
	struct kis_credentials c;
	char err[KIS_CRED_ERR_MAX];
	char longkey[200];
	size_t i;

	(void)state;
	{
		/* a space inside the secret: position 4 is "Zq7 " -> the 4th char */
		struct fake_env e = {{"KIS_APP_KEY", "KIS_APP_SECRET", "KIS_ACCOUNT"},
		                     {KEY, "Zq7 x9Wv2Kp0Lm4", "12345678-01"}};
		err[0] = '\0';
		assert_int_equal(kis_cred_from_env(&c, fake_getenv, &e, err, sizeof(err)), KE_EINVAL);
		assert_non_null(strstr(err, "KIS_APP_SECRET"));
		assert_non_null(strstr(err, "position 4"));
		assert_clean(err);
		assert_no_secret(err, "Zq7 x9Wv2Kp0Lm4");
		assert_true(all_zero(&c));
	}
	{
		/* trailing newline in the key (a common copy-paste slip): 37th char */
		struct fake_env e = {{"KIS_APP_KEY", "KIS_APP_SECRET", "KIS_ACCOUNT"},
		                     {KEY "\n", SECRET, "12345678-01"}};
		err[0] = '\0';
		assert_int_equal(kis_cred_from_env(&c, fake_getenv, &e, err, sizeof(err)), KE_EINVAL);
		assert_non_null(strstr(err, "KIS_APP_KEY"));
		assert_non_null(strstr(err, "position 37"));
		assert_clean(err);
	}
	{
		/* 128 characters: KIS_CRED_APP_KEY_MAX - 1 = 127 is the limit */
		struct fake_env e = {{"KIS_APP_KEY", "KIS_APP_SECRET", "KIS_ACCOUNT"},
		                     {longkey, SECRET, "12345678-01"}};
		memset(longkey, 'K', 128);
		longkey[128] = '\0';
		err[0] = '\0';
		assert_int_equal(kis_cred_from_env(&c, fake_getenv, &e, err, sizeof(err)), KE_EINVAL);
		assert_non_null(strstr(err, "KIS_APP_KEY is too long (128 characters, max 127)"));
		assert_null(strstr(err, "KKKKK"));
		longkey[127] = '\0';
		assert_int_equal(kis_cred_from_env(&c, fake_getenv, &e, err, sizeof(err)), KE_OK);
		assert_int_equal(strlen(c.app_key), 127);
	}
	{
		struct fake_env e = {{"KIS_APP_KEY", "KIS_APP_SECRET", "KIS_ACCOUNT", "KIS_HTS_ID"},
		                     {KEY, SECRET, "12345678-01", "my id"}};
		err[0] = '\0';
		assert_int_equal(kis_cred_from_env(&c, fake_getenv, &e, err, sizeof(err)), KE_EINVAL);
		assert_non_null(strstr(err, "KIS_HTS_ID"));
		assert_null(strstr(err, "my id"));
	}
	for (i = 0; i < KE_ARRAY_LEN(bad_accounts); i++) {
		struct fake_env e = {{"KIS_APP_KEY", "KIS_APP_SECRET", "KIS_ACCOUNT"}, {KEY, SECRET, bad_accounts[i]}};
		err[0] = '\0';
		assert_int_equal(kis_cred_from_env(&c, fake_getenv, &e, err, sizeof(err)), KE_EINVAL);
		assert_non_null(strstr(err, "KIS_ACCOUNT"));
		assert_null(strstr(err, bad_accounts[i]));
		assert_clean(err);
		assert_true(all_zero(&c));
	}
	assert_int_equal(kis_cred_from_env(NULL, fake_getenv, NULL, err, sizeof(err)), KE_EINVAL);
}

/* ---- secrets files ---- */

struct dir {
	char path[64];
	char file[128];
};

static int dir_setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return -1;
	strcpy(d->path, "/tmp/test_kis_cred.XXXXXX");
	if (mkdtemp(d->path) == NULL) {
		free(d);
		return -1;
	}
	snprintf(d->file, sizeof(d->file), "%s/secrets", d->path);
	*state = d;
	return 0;
}

static int dir_teardown(void **state)
{
	struct dir *d = *state;

	unlink(d->file);
	rmdir(d->path);
	free(d);
	return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	/* fchmod, not the open mode: the umask would strip bits we want set */
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static const char good_file[] = "# KIS credentials for the mock account\n"
                                "\n"
                                "KIS_APP_KEY=" KEY "\n"
                                "  export KIS_APP_SECRET = \"" SECRET "\"  \r\n"
                                "KIS_ACCOUNT='12345678-01'\n"
                                "OTHER_TOOL_TOKEN=ignored\n"
                                "KIS_HTS_ID=" HTS; /* no final newline */

static void test_file_0600_ok(void **state)
{
	struct dir *d = *state;
	struct kis_credentials c;
	char err[KIS_CRED_ERR_MAX] = "";

	write_file(d->file, good_file, 0600);
	assert_int_equal(kis_cred_check_file(d->file, err, sizeof(err)), KE_OK);
	assert_int_equal(kis_cred_from_file(&c, d->file, err, sizeof(err)), KE_OK);
	assert_string_equal(c.app_key, KEY);
	assert_string_equal(c.app_secret, SECRET);
	assert_string_equal(c.cano, "12345678");
	assert_string_equal(c.prdt, "01");
	assert_string_equal(c.hts_id, HTS);
	/* stricter than 0600 is fine too */
	assert_int_equal(chmod(d->file, 0400), 0);
	assert_int_equal(kis_cred_from_file(&c, d->file, err, sizeof(err)), KE_OK);
	assert_string_equal(c.app_secret, SECRET);
}

static void check_refused(struct dir *d, mode_t mode, const char *reason)
{
	struct kis_credentials c;
	char err[KIS_CRED_ERR_MAX] = "";
	char want[512];

	write_file(d->file, good_file, mode);
	assert_int_equal(kis_cred_check_file(d->file, err, sizeof(err)), KE_EINVAL);
	memset(&c, 0x55, sizeof(c));
	err[0] = '\0';
	assert_int_equal(kis_cred_from_file(&c, d->file, err, sizeof(err)), KE_EINVAL);
	snprintf(want, sizeof(want), "secrets file %s is %s: chmod 600 %s", d->file, reason, d->file);
	assert_string_equal(err, want);
	assert_clean(err);
	assert_true(all_zero(&c));
}

static void test_file_modes_refused(void **state)
{
	struct dir *d = *state;

	check_refused(d, 0644, "readable by others (mode 0644)");
	check_refused(d, 0640, "readable by its group (mode 0640)");
	check_refused(d, 0620, "writable by its group (mode 0620)");
	check_refused(d, 0602, "writable by others (mode 0602)");
	check_refused(d, 0604, "readable by others (mode 0604)");
}

static void test_file_not_regular(void **state)
{
	struct dir *d = *state;
	struct kis_credentials c;
	char err[KIS_CRED_ERR_MAX] = "";
	char want[512];

	assert_int_equal(kis_cred_from_file(&c, d->path, err, sizeof(err)), KE_EINVAL);
	snprintf(want, sizeof(want), "secrets file %s is not a regular file (a directory)", d->path);
	assert_string_equal(err, want);
	assert_int_equal(kis_cred_check_file("/dev/null", err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
}

static void test_file_missing(void **state)
{
	struct dir *d = *state;
	struct kis_credentials c;
	char err[KIS_CRED_ERR_MAX] = "";
	char want[512];

	unlink(d->file);
	assert_int_equal(kis_cred_from_file(&c, d->file, err, sizeof(err)), KE_ENOENT);
	snprintf(want, sizeof(want), "cannot open secrets file %s: No such file or directory", d->file);
	assert_string_equal(err, want);
	assert_int_equal(kis_cred_from_file(&c, "", err, sizeof(err)), KE_EINVAL);
	assert_int_equal(kis_cred_from_file(&c, NULL, err, sizeof(err)), KE_EINVAL);
}

static void test_file_other_owner(void **state)
{
	struct dir *d = *state;
	char err[KIS_CRED_ERR_MAX] = "";

	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	write_file(d->file, good_file, 0600);
	assert_int_equal(chown(d->file, 65534, 65534), 0);
	assert_int_equal(kis_cred_check_file(d->file, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "owned by uid 65534, not by you (uid 0)"));
}

static void test_file_content_errors(void **state)
{
	struct dir *d = *state;
	struct kis_credentials c;
	char err[KIS_CRED_ERR_MAX];
	char want[512];

	/* a bare secret pasted on line 2 */
	write_file(d->file, "KIS_APP_KEY=" KEY "\n" SECRET "\n", 0600);
	err[0] = '\0';
	assert_int_equal(kis_cred_from_file(&c, d->file, err, sizeof(err)), KE_EINVAL);
	snprintf(want, sizeof(want), "secrets file %s line 2: expected KEY=VALUE", d->file);
	assert_string_equal(err, want);
	assert_clean(err);

	/* missing secret */
	write_file(d->file, "KIS_APP_KEY=" KEY "\nKIS_ACCOUNT=12345678-01\n", 0600);
	err[0] = '\0';
	assert_int_equal(kis_cred_from_file(&c, d->file, err, sizeof(err)), KE_ENOENT);
	snprintf(want, sizeof(want), "KIS_APP_SECRET is not set in secrets file %s", d->file);
	assert_string_equal(err, want);

	/* set twice: lines 1 and 3 */
	write_file(d->file, "KIS_APP_KEY=" KEY "\n#\nKIS_APP_KEY=" KEY "\n", 0600);
	err[0] = '\0';
	assert_int_equal(kis_cred_from_file(&c, d->file, err, sizeof(err)), KE_EINVAL);
	snprintf(want, sizeof(want), "secrets file %s: KIS_APP_KEY is set twice (lines 1 and 3)", d->file);
	assert_string_equal(err, want);
	assert_clean(err);

	/* malformed secret: a tab inside, at position 7 ("Zq7x9W<TAB>") */
	write_file(d->file, "KIS_APP_KEY=" KEY "\nKIS_APP_SECRET=Zq7x9W\tv2Kp0Lm4\nKIS_ACCOUNT=12345678-01\n", 0600);
	err[0] = '\0';
	assert_int_equal(kis_cred_from_file(&c, d->file, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "KIS_APP_SECRET in secrets file"));
	assert_non_null(strstr(err, "position 7"));
	assert_clean(err);
	assert_no_secret(err, "Zq7x9W\tv2Kp0Lm4");
	assert_true(all_zero(&c));

	/* malformed account */
	write_file(d->file, "KIS_APP_KEY=" KEY "\nKIS_APP_SECRET=" SECRET "\nKIS_ACCOUNT=98765-4321\n", 0600);
	err[0] = '\0';
	assert_int_equal(kis_cred_from_file(&c, d->file, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "KIS_ACCOUNT in secrets file"));
	assert_null(strstr(err, "98765"));
	assert_clean(err);
}

static void test_mask(void **state)
{
	char buf[KIS_CRED_MASK_BUF];

	(void)state;
	/* KEY is 36 characters (2 + 34), starts "PSx8" */
	assert_string_equal(kis_cred_mask(KEY, buf), "PSx8\xe2\x80\xa6(36 chars)");
	/* 16 characters: the shortest that shows 4 */
	assert_string_equal(kis_cred_mask("abcdefghijklmnop", buf), "abcd\xe2\x80\xa6(16 chars)");
	/* 15 characters: nothing shown */
	assert_string_equal(kis_cred_mask("abcdefghijklmno", buf), "\xe2\x80\xa6(15 chars)");
	assert_string_equal(kis_cred_mask("x", buf), "\xe2\x80\xa6(1 chars)");
	assert_string_equal(kis_cred_mask("", buf), "(empty)");
	assert_string_equal(kis_cred_mask(NULL, buf), "(null)");
	kis_cred_mask(SECRET, buf);
	/* only the 4-character prefix "Zq7x" of the secret may appear */
	assert_no_secret(buf, SECRET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_env_ok),
	    cmocka_unit_test(test_env_account_forms_and_optional_hts),
	    cmocka_unit_test(test_env_missing),
	    cmocka_unit_test(test_env_malformed),
	    cmocka_unit_test_setup_teardown(test_file_0600_ok, dir_setup, dir_teardown),
	    cmocka_unit_test_setup_teardown(test_file_modes_refused, dir_setup, dir_teardown),
	    cmocka_unit_test_setup_teardown(test_file_not_regular, dir_setup, dir_teardown),
	    cmocka_unit_test_setup_teardown(test_file_missing, dir_setup, dir_teardown),
	    cmocka_unit_test_setup_teardown(test_file_other_owner, dir_setup, dir_teardown),
	    cmocka_unit_test_setup_teardown(test_file_content_errors, dir_setup, dir_teardown),
	    cmocka_unit_test(test_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
