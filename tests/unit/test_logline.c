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
	assert_string_equal(text(&c),
	                    "{\"ts\":\"2026-03-02T09:00:01.250+09:00\",\"level\":\"error\",\"source\":\"s\\\"1\","
	                    "\"event\":\"fill\",\"msg\":\"q\\\"b\\\\s\\n\\u0009\\u0001 \\ufffd ok \xea\xb0\x80\"}\n");
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
	/* At the start, twice adjacent, the longer secret first, at the end. */
	logline_write(c.lg, CORE_LOG_INFO, "PSkey123", T0, NULL, "PSkey123PSkey123 acct 50000000-01 or 50000000");
	/* A bearer header and a JWT-shaped word; a short eyJ word stays. */
	logline_write(c.lg, CORE_LOG_INFO, NULL, T0, NULL,
	              "Authorization: Bearer abc.def-ghi token=eyJhbGciOiJIUzI1NiJ9.e30.sig eyJok");
	assert_string_equal(text(&c), "2026-03-02T09:00:01.250+09:00 INFO  ****: ******** acct **** or ****\n"
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
	assert_string_equal(text(&c),
	                    "2026-03-02T09:00:01.250+09:00 INFO  engine: mock | feed live 0.2s 40/s | alpha eq "
	                    "10,012,300 (+12,300) pos 1 ord 0 fills 3 | beta eq 4,990,000 (-10,000) pos 0 ord "
	                    "2 fills 0 HALTED | today +2,300\n");
	close_cap(&c);
	open_cap(&c, 1, CORE_LOG_INFO);
	logline_status(c.lg, &st);
	assert_string_equal(text(&c),
	                    "{\"ts\":\"2026-03-02T09:00:01.250+09:00\",\"level\":\"info\",\"source\":\"engine\","
	                    "\"event\":\"status\",\"status\":{\"mode\":\"mock\",\"feed\":\"live\",\"feed_age_ms\":"
	                    "250,\"frames_per_sec\":40,\"reconnects\":1,\"strategies\":[{\"name\":\"alpha\","
	                    "\"equity\":10012300,\"day_pnl\":12300,\"cash\":9000000,\"positions\":1,"
	                    "\"open_orders\":0,\"fills_today\":3,\"halted\":false},{\"name\":\"beta\",\"equity\":"
	                    "4990000,\"day_pnl\":-10000,\"cash\":4990000,\"positions\":0,\"open_orders\":2,"
	                    "\"fills_today\":0,\"halted\":true}]}}\n");
	close_cap(&c);
	/* Quiet (WARN and up): no status line. */
	open_cap(&c, 0, CORE_LOG_WARN);
	logline_status(c.lg, &st);
	assert_true(c.len == 0 || text(&c)[0] == '\0');
	close_cap(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_human_and_json_lines),
	    cmocka_unit_test(test_secrets_masked),
	    cmocka_unit_test(test_long_message_cut_on_a_character),
	    cmocka_unit_test(test_status_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
