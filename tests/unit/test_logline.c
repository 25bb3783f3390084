/*
 * test_logline.c - the live log lines: exact human and JSON lines, KST
 * whatever TZ says, one line per message, JSON that parses (control bytes,
 * bad UTF-8), secrets and token shapes masked in message and source, long
 * messages cut on a character boundary, and the status line.
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "logline.h"

/* 2026-03-02 09:00:01.250 KST = 00:00:01.250 UTC; T0 = 20514 days x 86,400,000
 * (test_ktime derives 20514) = 1,772,409,600,000. */
#define T0 1772409601250LL

struct cap {
	char *buf;
	size_t len;
	FILE *fp;
	struct logline *lg;
};

static void open_cap(struct cap *c, int json, enum core_log_level min)
{
	memset(c, 0, sizeof(*c));
	c->fp = open_memstream(&c->buf, &c->len);
	assert_non_null(c->fp);
	struct logline_config cfg = {.out = c->fp, .json = json, .min_level = min};
	assert_int_equal(logline_new(&cfg, &c->lg), KE_OK);
}

static const char *text(struct cap *c)
{
	fflush(c->fp);
	return c->buf;
}

static void close_cap(struct cap *c)
{
	logline_free(c->lg);
	fclose(c->fp);
	free(c->buf);
}

static void test_human_and_json_lines(void **state)
{
	(void)state;
	setenv("TZ", "America/New_York", 1);
	tzset();
	struct cap c;
	open_cap(&c, 0, CORE_LOG_INFO);
	logline_write(c.lg, CORE_LOG_INFO, "sma_cross", T0, NULL, "cross up 005930");
	logline_write(c.lg, CORE_LOG_DEBUG, NULL, T0, NULL, "not shown");
	logline_write(c.lg, CORE_LOG_WARN, NULL, T0, "halt", "two\nlines");
	assert_string_equal(text(&c), "2026-03-02T09:00:01.250+09:00 INFO  sma_cross: cross up 005930\n"
	                              "2026-03-02T09:00:01.250+09:00 WARN  engine: two | lines\n");
	close_cap(&c);
	open_cap(&c, 1, CORE_LOG_DEBUG);
	logline_write(c.lg, CORE_LOG_ERROR, "s\"1", T0, "fill", "q\"b\\s\n\t\x01 \xff ok \xea\xb0\x80");
	/* Quote and backslash escaped, newline \n, tab and 0x01 as \u00XX, the
	 * stray 0xff as U+FFFD, the valid 3-byte UTF-8 (가) kept. */
	assert_string_equal(text(&c), "{\"ts\":\"2026-03-02T09:00:01.250+09:00\",\"level\":\"error\","
	                              "\"source\":\"s\\\"1\","
	                              "\"event\":\"fill\",\"msg\":\"q\\\"b\\\\s\\n\\u0009\\u0001 "
	                              "\\ufffd ok \xea\xb0\x80\"}\n");
	close_cap(&c);
	unsetenv("TZ");
	tzset();
}

static void test_secrets_masked(void **state)
{
	(void)state;
	struct cap c;
	open_cap(&c, 0, CORE_LOG_INFO);
	assert_int_equal(logline_add_secret(c.lg, "abc"), KE_EINVAL); /* too short: would mask words */
	assert_int_equal(logline_add_secret(c.lg, NULL), KE_EINVAL);
	assert_int_equal(logline_add_secret(c.lg, "PSkey123"), KE_OK);
	assert_int_equal(logline_add_secret(c.lg, "50000000"), KE_OK);
	assert_int_equal(logline_add_secret(c.lg, "50000000-01"), KE_OK);
	/* At the start, twice adjacent (one run: one mask), the longer secret
	 * first, at the end. */
	logline_write(c.lg, CORE_LOG_INFO, "PSkey123", T0, NULL, "PSkey123PSkey123 acct 50000000-01 or 50000000");
	/* A bearer header and a JWT-shaped word; a short eyJ word stays. */
	logline_write(c.lg, CORE_LOG_INFO, NULL, T0, NULL,
	              "Authorization: Bearer abc.def-ghi "
	              "token=eyJhbGciOiJIUzI1NiJ9.e30.sig eyJok");
	assert_string_equal(text(&c), "2026-03-02T09:00:01.250+09:00 INFO  ****: **** acct **** or ****\n"
	                              "2026-03-02T09:00:01.250+09:00 INFO  engine: Authorization: Bearer **** "
	                              "token=**** eyJok\n");
	close_cap(&c);
}

static void test_long_message_cut_on_a_character(void **state)
{
	(void)state;
	struct cap c;
	open_cap(&c, 0, CORE_LOG_INFO);
	/* 3-byte characters: a cut lands inside one unless it backs off. */
	size_t n = LOGLINE_MAX * 2;
	char *msg = malloc(n * 3 + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(msg + i * 3, "\xea\xb0\x80", 3);
	msg[n * 3] = '\0';
	logline_write(c.lg, CORE_LOG_INFO, NULL, T0, NULL, msg);
	free(msg);
	const char *t = text(&c);
	const char *end = strstr(t, " [truncated]\n");
	assert_non_null(end);
	const char *body = strstr(t, "engine: ") + 8;
	/* Whole characters only before the marker; within the cap. */
	assert_int_equal((size_t)(end - body) % 3, 0);
	assert_true((size_t)(end - body) <= LOGLINE_MAX);
	assert_int_equal(t[strlen(t) - 1], '\n');
	assert_ptr_equal(strchr(t, '\n') + 1, t + strlen(t)); /* one line */
	close_cap(&c);
}

static void test_status_line(void **state)
{
	(void)state;
	struct logline_strategy s[2] = {
	    {.name = "alpha", .equity = 10012300, .day_pnl = 12300, .cash = 9000000, .positions = 1, .fills_today = 3},
	    {.name = "beta", .equity = 4990000, .day_pnl = -10000, .cash = 4990000, .open_orders = 2, .halted = 1},
	};
	struct logline_status st = {.time_ms = T0,
	                            .mode = "mock",
	                            .feed = "live",
	                            .feed_age_ms = 250,
	                            .frames_per_sec = 40,
	                            .reconnects = 1,
	                            .strategies = s,
	                            .nstrategies = 2};
	struct cap c;
	open_cap(&c, 0, CORE_LOG_INFO);
	logline_status(c.lg, &st);
	/* today: 12,300 - 10,000 = +2,300. Age 250 ms -> "0.2s" (tenths, floored). */
	assert_string_equal(text(&c), "2026-03-02T09:00:01.250+09:00 INFO  engine: "
	                              "mock | feed live 0.2s 40/s | alpha eq "
	                              "10,012,300 (+12,300) pos 1 ord 0 fills 3 | "
	                              "beta eq 4,990,000 (-10,000) pos 0 ord "
	                              "2 fills 0 HALTED | today +2,300\n");
	close_cap(&c);
	open_cap(&c, 1, CORE_LOG_INFO);
	logline_status(c.lg, &st);
	assert_string_equal(text(&c), "{\"ts\":\"2026-03-02T09:00:01.250+09:00\",\"level\":\"info\",\"source\":"
	                              "\"engine\","
	                              "\"event\":\"status\",\"status\":{\"mode\":\"mock\",\"feed\":\"live\","
	                              "\"feed_age_ms\":"
	                              "250,\"frames_per_sec\":40,\"reconnects\":1,\"strategies\":[{\"name\":"
	                              "\"alpha\","
	                              "\"equity\":10012300,\"day_pnl\":12300,\"cash\":9000000,\"positions\":1,"
	                              "\"open_orders\":0,\"fills_today\":3,\"halted\":false},{\"name\":"
	                              "\"beta\",\"equity\":"
	                              "4990000,\"day_pnl\":-10000,\"cash\":4990000,\"positions\":0,\"open_"
	                              "orders\":2,"
	                              "\"fills_today\":0,\"halted\":true}]}}\n");
	close_cap(&c);
	/* Quiet (WARN and up): no status line. */
	open_cap(&c, 0, CORE_LOG_WARN);
	logline_status(c.lg, &st);
	assert_true(c.len == 0 || text(&c)[0] == '\0');
	close_cap(&c);
}

/* Overlapping and touching occurrences of different secrets, and of one
 * secret with itself: no byte of any secret shows after a mask. */
static void test_secret_overlaps(void **state)
{
	(void)state;
	struct cap c;
	open_cap(&c, 0, CORE_LOG_INFO);
	assert_int_equal(logline_add_secret(c.lg, "PSkey123"), KE_OK);
	assert_int_equal(logline_add_secret(c.lg, "123456789"), KE_OK);
	assert_int_equal(logline_add_secret(c.lg, "aaaaaaa"), KE_OK);
	/* "PSkey123" covers bytes 0-7, "123456789" bytes 5-13: one run. */
	logline_write(c.lg, CORE_LOG_INFO, NULL, T0, NULL, "PSkey123456789|");
	/* 13 a's: the 7-a secret matches at 0..6, each further start extends
	 * the run to the end; one space apart is two runs. */
	logline_write(c.lg, CORE_LOG_INFO, NULL, T0, NULL, "aaaaaaaaaaaaa PSkey123 PSkey123");
	/* A secret's prefix alone is no secret. */
	logline_write(c.lg, CORE_LOG_INFO, NULL, T0, NULL, "PSkey12 aaaaaa");
	assert_string_equal(text(&c), "2026-03-02T09:00:01.250+09:00 INFO  engine: ****|\n"
	                              "2026-03-02T09:00:01.250+09:00 INFO  engine: **** **** ****\n"
	                              "2026-03-02T09:00:01.250+09:00 INFO  engine: PSkey12 aaaaaa\n");
	close_cap(&c);
}

/* Unregistered token shapes: "Bearer" in any case, JWT-shaped words
 * wherever a word starts, the values of KIS credential fields. */
static void test_token_shapes(void **state)
{
	(void)state;
	struct cap c;
	open_cap(&c, 0, CORE_LOG_INFO);
	logline_write(c.lg, CORE_LOG_INFO, NULL, T0, NULL, "authorization: bearer abc.def / BEARER\txyz / Bearer");
	/* After '/' a word starts (masked); glued to a letter it does not. */
	logline_write(c.lg, CORE_LOG_INFO, NULL, T0, NULL,
	              "GET /eyJhbGciOiJIUzI1NiJ9.e30.x xeyJhbGciOiJIUzI1NiJ9.e30.x");
	logline_write(c.lg, CORE_LOG_INFO, NULL, T0, NULL,
	              "{\"appkey\":\"PSzz\",\"AppSecret\" : "
	              "\"a+/b==\",\"approval_key\":\"1a2b-3c\"}");
	logline_write(c.lg, CORE_LOG_INFO, NULL, T0, NULL,
	              "secretkey=QQ access_token: TT myappkey=keep appkeys=keep appkey keep");
	assert_string_equal(text(&c), "2026-03-02T09:00:01.250+09:00 INFO  engine: "
	                              "authorization: bearer **** / BEARER?**** / Bearer\n"
	                              "2026-03-02T09:00:01.250+09:00 INFO  engine: GET /**** "
	                              "xeyJhbGciOiJIUzI1NiJ9.e30.x\n"
	                              "2026-03-02T09:00:01.250+09:00 INFO  engine: "
	                              "{\"appkey\":\"****\",\"AppSecret\" : \"****\","
	                              "\"approval_key\":\"****\"}\n"
	                              "2026-03-02T09:00:01.250+09:00 INFO  engine: "
	                              "secretkey=**** access_token: **** myappkey=keep "
	                              "appkeys=keep appkey keep\n");
	close_cap(&c);
}

/* A formatted message longer than any buffer is masked whole before it is
 * cut: the secret that straddles LOGLINE_MAX, and one past twice
 * LOGLINE_MAX (formatted on the heap), never show in part. */
static void test_printf_masks_before_cutting(void **state)
{
	(void)state;
	struct cap c;
	open_cap(&c, 0, CORE_LOG_INFO);
	assert_int_equal(logline_add_secret(c.lg, "PSkey123"), KE_OK);
	char *pad = malloc(LOGLINE_MAX * 3);
	assert_non_null(pad);
	memset(pad, 'x', LOGLINE_MAX - 2);
	pad[LOGLINE_MAX - 2] = '\0';
	/* LOGLINE_MAX - 2 x's, then the secret: its mask does not fit, the
	 * line ends in the x's and the marker. */
	logline_printf(c.lg, CORE_LOG_INFO, T0, NULL, "%sPSkey123", pad);
	memset(pad, 'x', LOGLINE_MAX * 3 - 1);
	pad[LOGLINE_MAX * 3 - 1] = '\0';
	logline_printf(c.lg, CORE_LOG_INFO, T0, NULL, "%sPSkey123", pad);
	free(pad);
	const char *t = text(&c);
	assert_null(strstr(t, "PS"));
	assert_null(strstr(t, "*"));
	const char *nl = strchr(t, '\n');
	assert_non_null(nl);
	/* Line 1: prefix (44) + LOGLINE_MAX - 2 x's + " [truncated]" (12). */
	assert_int_equal(nl - t, 44 + LOGLINE_MAX - 2 + 12);
	assert_memory_equal(nl - 14, "xx [truncated]", 14);
	/* Line 2: LOGLINE_MAX x's, then the marker. */
	assert_int_equal(strlen(nl + 1), 44 + LOGLINE_MAX + 12 + 1);
	assert_string_equal(t + strlen(t) - 13, " [truncated]\n");
	close_cap(&c);
}

/* Bytes that are no UTF-8 by RFC 3629 become U+FFFD one by one; DEL is
 * escaped; a 4-byte character survives. */
static void test_json_strict_utf8(void **state)
{
	(void)state;
	struct cap c;
	open_cap(&c, 1, CORE_LOG_INFO);
	/* Overlong "/" (E0 80 AF), a surrogate (ED A0 80), above U+10FFFF
	 * (F4 90 80 80), a sequence cut by the end (F0 9F 98), 0x7f; 😀 is
	 * F0 9F 98 80. */
	logline_write(c.lg, CORE_LOG_INFO, NULL, T0, NULL,
	              "a\xe0\x80\xaf b\xed\xa0\x80 c\xf4\x90\x80\x80 d\x7f "
	              "\xf0\x9f\x98\x80 e\xf0\x9f\x98");
	assert_string_equal(text(&c), "{\"ts\":\"2026-03-02T09:00:01.250+09:00\",\"level\":\"info\",\"source\":"
	                              "\"engine\",\"msg\":\"a\\ufffd\\ufffd\\ufffd b\\ufffd\\ufffd\\ufffd "
	                              "c\\ufffd\\ufffd\\ufffd\\ufffd d\\u007f \xf0\x9f\x98\x80 "
	                              "e\\ufffd\\ufffd\\ufffd\"}\n");
	close_cap(&c);
}

/* The largest line there is: message and source all control bytes (each
 * 6 bytes escaped), a long event. Under ASan this is the overflow test. */
static void test_json_worst_case_line(void **state)
{
	(void)state;
	struct cap c;
	open_cap(&c, 1, CORE_LOG_INFO);
	char *msg = malloc(LOGLINE_MAX * 2 + 1), src[300], ev[200];
	assert_non_null(msg);
	memset(msg, 1, LOGLINE_MAX * 2);
	msg[LOGLINE_MAX * 2] = '\0';
	memset(src, 2, sizeof(src) - 1);
	src[sizeof(src) - 1] = '\0';
	memset(ev, 'e', sizeof(ev) - 1);
	ev[sizeof(ev) - 1] = '\0';
	logline_write(c.lg, CORE_LOG_INFO, src, T0, ev, msg);
	free(msg);
	const char *t = text(&c);
	assert_ptr_equal(strchr(t, '\n'), t + strlen(t) - 1);
	cJSON *j = cJSON_Parse(t);
	assert_non_null(j);
	/* Source and event are cut like the message: at 128 - 13 = 115 and
	 * 64 - 13 = 51 bytes before the marker; the message at LOGLINE_MAX. */
	const char *s = cJSON_GetObjectItem(j, "source")->valuestring;
	assert_int_equal(strlen(s), 115 + 12);
	assert_int_equal(s[114], 2);
	assert_string_equal(s + 115, " [truncated]");
	const char *e = cJSON_GetObjectItem(j, "event")->valuestring;
	assert_int_equal(strlen(e), 51 + 12);
	const char *m = cJSON_GetObjectItem(j, "msg")->valuestring;
	assert_int_equal(strlen(m), LOGLINE_MAX + 12);
	cJSON_Delete(j);
	close_cap(&c);
}

/* Strategy names are masked in both formats; a status object that would
 * not fit says how many strategies it left out. */
static void test_status_masked_and_bounded(void **state)
{
	(void)state;
	struct logline_strategy s[300];
	char names[300][130];
	memset(s, 0, sizeof(s));
	for (int i = 0; i < 300; i++) {
		memset(names[i], 3, 129);
		names[i][129] = '\0';
		s[i].name = names[i];
		s[i].equity = -9000000000000000000LL;
		s[i].day_pnl = -9000000000000000000LL;
		s[i].cash = -9000000000000000000LL;
		s[i].fills_today = -9000000000000000000LL;
		s[i].positions = s[i].open_orders = -2000000000;
	}
	struct logline_strategy one = {.name = "acct50000000", .equity = 1000, .day_pnl = 0};
	struct logline_status st = {
	    .time_ms = T0, .mode = "real", .feed = "live", .feed_age_ms = -1, .strategies = &one, .nstrategies = 1};
	struct cap c;
	open_cap(&c, 0, CORE_LOG_INFO);
	assert_int_equal(logline_add_secret(c.lg, "50000000"), KE_OK);
	logline_status(c.lg, &st);
	/* No feed frame yet: "never"; total 0 is "+0". */
	assert_string_equal(text(&c), "2026-03-02T09:00:01.250+09:00 INFO  engine: real | feed live "
	                              "never 0/s | "
	                              "acct**** eq 1,000 (+0) pos 0 ord 0 fills 0 | today +0\n");
	close_cap(&c);

	open_cap(&c, 1, CORE_LOG_INFO);
	assert_int_equal(logline_add_secret(c.lg, "50000000"), KE_OK);
	logline_status(c.lg, &st);
	assert_non_null(strstr(text(&c), "\"name\":\"acct****\""));
	close_cap(&c);

	open_cap(&c, 1, CORE_LOG_INFO);
	st.strategies = s;
	st.nstrategies = 300;
	logline_status(c.lg, &st);
	const char *t = text(&c);
	assert_ptr_equal(strchr(t, '\n'), t + strlen(t) - 1);
	cJSON *j = cJSON_Parse(t);
	assert_non_null(j);
	cJSON *o = cJSON_GetObjectItem(j, "status");
	int shown = cJSON_GetArraySize(cJSON_GetObjectItem(o, "strategies"));
	cJSON *left = cJSON_GetObjectItem(o, "strategies_omitted");
	assert_non_null(left);
	assert_true(shown > 0);
	assert_int_equal(shown + left->valueint, 300);
	cJSON_Delete(j);
	close_cap(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_human_and_json_lines),
	    cmocka_unit_test(test_secrets_masked),
	    cmocka_unit_test(test_long_message_cut_on_a_character),
	    cmocka_unit_test(test_status_line),
	    cmocka_unit_test(test_secret_overlaps),
	    cmocka_unit_test(test_token_shapes),
	    cmocka_unit_test(test_printf_masks_before_cutting),
	    cmocka_unit_test(test_json_strict_utf8),
	    cmocka_unit_test(test_json_worst_case_line),
	    cmocka_unit_test(test_status_masked_and_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
