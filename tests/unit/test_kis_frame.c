/*
 * test_kis_frame.c - KIS WebSocket frames: data frame split, H0STCNT0 and
 * H0STASP0 records, control messages, subscribe requests.
 *
 * Frames are the examples of kis-protocol.md §5.8; expected values are read
 * off their text by field index (the index is in each comment).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "kis_frame.h"

/* §5.8: two H0STCNT0 records, 46 fields each. */
#define TRADE_REC1                                                                                                     \
	"005930^093015^71200^2^1200^1.71^70950.12^70500^71300^70400^71200^71100^15^3124567^221687654300^10234^"        \
	"11890^1656^118.23^1402311^1658000^1^53.10^41.20^090000^2^700^092811^5^-100^090312^2^800^20260302^20^N^"       \
	"35120^80233^812345^1203456^0.05^2987650^104.58^0^^70500"
#define TRADE_REC2                                                                                                     \
	"005930^093015^71100^2^1100^1.57^70950.15^70500^71300^70400^71200^71100^3^3124570^221687867600^10235^"         \
	"11890^1655^118.23^1402314^1658000^5^53.10^41.20^090000^2^600^092811^5^-200^090312^2^700^20260302^20^N^"       \
	"35120^80230^812345^1203453^0.05^2987650^104.58^0^^70500"
static const char TRADE_FRAME[] = "0|H0STCNT0|002|" TRADE_REC1 "^" TRADE_REC2;

/* §5.8: one H0STASP0 record, 59 fields. */
#define BOOK_REC                                                                                                       \
	"005930^093015^0^71200^71300^71400^71500^71600^71700^71800^71900^72000^72100^71100^71000^70900^70800^"         \
	"70700^70600^70500^70400^70300^70200^35120^41230^52011^18800^22000^9100^15000^30010^12000^8800^80233^"         \
	"60120^45100^39000^27000^21000^18000^15500^12000^9900^245071^327853^0^0^0^0^0^0^0^0.00^3124567^-512^1033^"     \
	"0^0^00"
static const char BOOK_FRAME[] = "0|H0STASP0|001|" BOOK_REC;

/* §5.8's encrypted notice frame. */
static const char NOTICE_FRAME[] =
    "1|H0STCNI0|001|zmCjAqdYa5HhBNilnFYi0Gl/K5C0m8DXRS3yQ4zbjVrwR/lMGhiBcmJoqOmOf3eoYYC37tfcRY6FO/"
    "2YtxkDE1ohXzMnyTyGvQZC3OMipIJxyUnZUK/kQykIRRyvRGGcIE6SyFfMsBi4xxEwJV2uJAFBX+/441W87A8Ybzf6L9M=";

static void split_ok(const char *s, struct kis_data_frame *f)
{
	char err[160] = "";
	int rc = kis_frame_split(s, strlen(s), f, err, sizeof(err));
	if (rc != KE_OK)
		fail_msg("split: %s", err);
}

/* Splits s and reads trades; returns the code, err filled. */
static int trades_of(const char *s, struct kis_trade *t, int max, int *n, char *err, size_t errlen)
{
	struct kis_data_frame f;
	int rc = kis_frame_split(s, strlen(s), &f, err, errlen);
	if (rc != KE_OK)
		return rc;
	return kis_frame_trades(&f, t, max, n, err, errlen);
}

static int books_of(const char *s, struct kis_book *b, int max, int *n, char *err, size_t errlen)
{
	struct kis_data_frame f;
	int rc = kis_frame_split(s, strlen(s), &f, err, errlen);
	if (rc != KE_OK)
		return rc;
	return kis_frame_books(&f, b, max, n, err, errlen);
}

#define ASSERT_ERR_HAS(err, text)                                                                                      \
	do {                                                                                                           \
		if (!strstr((err), (text)))                                                                            \
			fail_msg("error '%s' does not mention '%s'", (err), (text));                                   \
	} while (0)

/* ---- frame type and split ---- */

static void test_type(void **state)
{
	(void)state;
	enum kis_frame_type t;
	assert_int_equal(kis_frame_type("0|H0STCNT0|001|x", 16, &t), KE_OK);
	assert_int_equal(t, KIS_FRAME_DATA);
	assert_int_equal(kis_frame_type("1|H0STCNI0|001|x", 16, &t), KE_OK);
	assert_int_equal(t, KIS_FRAME_DATA);
	assert_int_equal(kis_frame_type("{\"header\":{}}", 13, &t), KE_OK);
	assert_int_equal(t, KIS_FRAME_CONTROL);
	assert_int_equal(kis_frame_type("", 0, &t), KE_EINVAL);
	assert_int_equal(kis_frame_type("2|x", 3, &t), KE_EINVAL);
	assert_int_equal(kis_frame_type(" {}", 3, &t), KE_EINVAL);
	assert_int_equal(kis_frame_type("\x00\x01", 2, &t), KE_EINVAL);
	assert_int_equal(kis_frame_type("\xff", 1, &t), KE_EINVAL);
}

static void test_split_trade_frame(void **state)
{
	(void)state;
	struct kis_data_frame f;
	split_ok(TRADE_FRAME, &f);
	assert_int_equal(f.encrypted, 0);
	assert_string_equal(f.tr_id, "H0STCNT0");
	assert_int_equal(f.count, 2);
	/* "0|H0STCNT0|002|" is 1 + 1 + 8 + 1 + 3 + 1 = 15 bytes: the payload
	 * starts there, in the caller's buffer, and runs to the end. */
	assert_ptr_equal(f.payload, TRADE_FRAME + 15);
	assert_int_equal(f.payload_len, strlen(TRADE_FRAME) - 15);

	int per = 0;
	char err[160] = "";
	/* 2 records x 46 fields = 92 fields. */
	assert_int_equal(kis_frame_fields_per_record(f.payload, f.payload_len, 2, 46, &per, err, sizeof(err)), KE_OK);
	assert_int_equal(per, 46);
	/* The same 92 fields as one record would be 92 per record. */
	assert_int_equal(kis_frame_fields_per_record(f.payload, f.payload_len, 1, 46, &per, err, sizeof(err)), KE_OK);
	assert_int_equal(per, 92);
	/* 92 / 4 = 23 < 46: too short. */
	assert_int_equal(kis_frame_fields_per_record(f.payload, f.payload_len, 4, 46, &per, err, sizeof(err)),
	                 KE_EINVAL);
	ASSERT_ERR_HAS(err, "23 fields");
	/* 92 / 3 is not whole. */
	assert_int_equal(kis_frame_fields_per_record(f.payload, f.payload_len, 3, 1, &per, err, sizeof(err)),
	                 KE_EINVAL);
	ASSERT_ERR_HAS(err, "evenly");
}

static void test_split_encrypted(void **state)
{
	(void)state;
	struct kis_data_frame f;
	split_ok(NOTICE_FRAME, &f);
	assert_int_equal(f.encrypted, 1);
	assert_string_equal(f.tr_id, "H0STCNI0");
	assert_int_equal(f.count, 1);
	/* 172 Base64 characters follow "1|H0STCNI0|001|". */
	assert_int_equal(f.payload_len, 172);
	assert_int_equal(f.payload[0], 'z');
	assert_int_equal(f.payload[171], '=');
}

static void test_split_bad(void **state)
{
	(void)state;
	static const struct {
		const char *frame;
		const char *why;
	} bad[] = {
	    {"0", "not a data frame"},
	    {"2|H0STCNT0|001|x", "not a data frame"},
	    {"{\"a\":1}", "not a data frame"},
	    {"0H0STCNT0|001|x", "after the flag"},
	    {"0|H0STCNT0", "after the TR id"},
	    {"0|H0STCNT0|001", "after the record count"},
	    {"0|H0STCNT0|001|", "empty payload"},
	    {"0||001|x", "empty TR id"},
	    {"0|H0STCNT0H0STCNT0|001|x", "longer than 15"},
	    {"0|H0ST CNT|001|x", "TR id has"},
	    {"0|H0STCNT0|000|x", "'000' is not 1..256"},
	    {"0|H0STCNT0|abc|x", "'abc' is not 1..256"},
	    {"0|H0STCNT0|257|x", "'257' is not 1..256"},
	    {"0|H0STCNT0|0001|x", "'0001' is not 1..256"},
	    {"0|H0STCNT0||x", "'' is not 1..256"},
	    {"0|H0STCNT0|-01|x", "not 1..256"},
	    {"0|H0STCNT0|+01|x", "not 1..256"},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(bad); i++) {
		struct kis_data_frame f;
		char err[160] = "";
		int rc = kis_frame_split(bad[i].frame, strlen(bad[i].frame), &f, err, sizeof(err));
		if (rc != KE_EINVAL)
			fail_msg("'%s' was accepted", bad[i].frame);
		ASSERT_ERR_HAS(err, bad[i].why);
	}
	/* Bounds: 256 records and a one-digit count are fine. */
	struct kis_data_frame f;
	split_ok("0|H0STCNT0|256|x", &f);
	assert_int_equal(f.count, 256);
	split_ok("0|X|7|a^b", &f);
	assert_int_equal(f.count, 7);
	assert_string_equal(f.tr_id, "X");
	assert_int_equal(f.payload_len, 3);
	/* The length given is what counts: the same text cut before its
	 * payload is refused, and no NUL is needed after it. */
	assert_int_equal(kis_frame_split(TRADE_FRAME, 15, &f, NULL, 0), KE_EINVAL);
	assert_int_equal(kis_frame_split(TRADE_FRAME, 16, &f, NULL, 0), KE_OK);
	assert_int_equal(f.payload_len, 1);
}

/* ---- H0STCNT0 ---- */

static void test_trades_example(void **state)
{
	(void)state;
	struct kis_trade t[4];
	int n = -1;
	char err[160] = "";
	assert_int_equal(trades_of(TRADE_FRAME, t, 4, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(n, 2);

	/* Record 1, by field index. */
	assert_string_equal(t[0].symbol, "005930");     /* 0 */
	assert_int_equal(t[0].hhmmss, 93015);           /* 1 "093015" */
	assert_int_equal(t[0].price, 71200);            /* 2 */
	assert_int_equal(t[0].change, 1200);            /* 4: 71200 - 70000 */
	assert_int_equal(t[0].open, 70500);             /* 7 */
	assert_int_equal(t[0].high, 71300);             /* 8 */
	assert_int_equal(t[0].low, 70400);              /* 9 */
	assert_int_equal(t[0].ask1, 71200);             /* 10 */
	assert_int_equal(t[0].bid1, 71100);             /* 11 */
	assert_int_equal(t[0].volume, 15);              /* 12 */
	assert_int_equal(t[0].cum_volume, 3124567);     /* 13 */
	assert_int_equal(t[0].cum_value, 221687654300); /* 14 */
	assert_int_equal(t[0].side, 1);                 /* 21 buy-initiated */
	assert_int_equal(t[0].date, 20260302);          /* 33 */
	assert_string_equal(t[0].session, "20");        /* 34 */
	assert_int_equal(t[0].halted, 0);               /* 35 "N" */
	assert_int_equal(t[0].hour_cls, '0');           /* 43 */

	/* Record 2: 3 more shares at 71100, sold into the bid. */
	assert_string_equal(t[1].symbol, "005930");
	assert_int_equal(t[1].hhmmss, 93015);
	assert_int_equal(t[1].price, 71100);
	assert_int_equal(t[1].change, 1100); /* 71100 - 70000 */
	assert_int_equal(t[1].open, 70500);
	assert_int_equal(t[1].high, 71300);
	assert_int_equal(t[1].low, 70400);
	assert_int_equal(t[1].ask1, 71200);
	assert_int_equal(t[1].bid1, 71100);
	assert_int_equal(t[1].volume, 3);
	assert_int_equal(t[1].cum_volume, 3124570);     /* 3124567 + 3 */
	assert_int_equal(t[1].cum_value, 221687867600); /* 221687654300 + 3 * 71100 */
	assert_int_equal(t[1].side, 5);
	assert_int_equal(t[1].date, 20260302);
	assert_string_equal(t[1].session, "20");
	assert_int_equal(t[1].halted, 0);
	assert_int_equal(t[1].hour_cls, '0');
}

/* Record 1 with field idx replaced by val (46 fields, '^'-joined). */
static void trade_with(char *buf, size_t cap, int idx, const char *val)
{
	char rec[] = TRADE_REC1;
	char *f[46];
	int k = 0;
	f[k++] = rec;
	for (char *p = rec; *p; p++)
		if (*p == '^') {
			*p = '\0';
			f[k++] = p + 1;
		}
	assert_int_equal(k, 46);
	size_t o = (size_t)snprintf(buf, cap, "0|H0STCNT0|001|");
	for (int i = 0; i < 46; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? "^" : "", i == idx ? val : f[i]);
	assert_true(o < cap);
}

static void test_trades_wider_records(void **state)
{
	(void)state;
	/* One extra field per record (47): read by index, extras ignored. */
	static const char wide[] = "0|H0STCNT0|002|" TRADE_REC1 "^EXTRA^" TRADE_REC2 "^9";
	struct kis_trade t[2];
	int n = 0;
	char err[160] = "";
	assert_int_equal(trades_of(wide, t, 2, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(t[0].price, 71200);
	assert_int_equal(t[0].hour_cls, '0');
	/* Record 2 starts at field 47, not 46: its fields are right. */
	assert_string_equal(t[1].symbol, "005930");
	assert_int_equal(t[1].price, 71100);
	assert_int_equal(t[1].volume, 3);
	assert_int_equal(t[1].side, 5);
	assert_int_equal(t[1].date, 20260302);
}

static void test_trades_empty_and_signed_fields(void **state)
{
	(void)state;
	char buf[1024], err[160];
	struct kis_trade t;
	int n;
	/* Fields documented "0 if empty" read as 0 / "". */
	static const int empty_ok[] = {10, 11, 21, 33, 34, 35, 43};
	for (size_t i = 0; i < KE_ARRAY_LEN(empty_ok); i++) {
		trade_with(buf, sizeof(buf), empty_ok[i], "");
		err[0] = '\0';
		if (trades_of(buf, &t, 1, &n, err, sizeof(err)) != KE_OK)
			fail_msg("empty field %d refused: %s", empty_ok[i], err);
	}
	trade_with(buf, sizeof(buf), 10, "");
	assert_int_equal(trades_of(buf, &t, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(t.ask1, 0);
	assert_int_equal(t.bid1, 71100);
	trade_with(buf, sizeof(buf), 33, "");
	assert_int_equal(trades_of(buf, &t, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(t.date, 0);
	trade_with(buf, sizeof(buf), 34, "");
	assert_int_equal(trades_of(buf, &t, 1, &n, err, sizeof(err)), KE_OK);
	assert_string_equal(t.session, "");
	trade_with(buf, sizeof(buf), 43, "");
	assert_int_equal(trades_of(buf, &t, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(t.hour_cls, 0);
	trade_with(buf, sizeof(buf), 21, "");
	assert_int_equal(trades_of(buf, &t, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(t.side, 0);
	trade_with(buf, sizeof(buf), 35, "Y");
	assert_int_equal(trades_of(buf, &t, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(t.halted, 1);
	trade_with(buf, sizeof(buf), 43, "B");
	assert_int_equal(trades_of(buf, &t, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(t.hour_cls, 'B');
	/* A fall: PRDY_VRSS carries its sign. */
	trade_with(buf, sizeof(buf), 4, "-1500");
	assert_int_equal(trades_of(buf, &t, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(t.change, -1500);
	/* ETN code and the largest int64 (19 digits). */
	trade_with(buf, sizeof(buf), 0, "Q500001");
	assert_int_equal(trades_of(buf, &t, 1, &n, err, sizeof(err)), KE_OK);
	assert_string_equal(t.symbol, "Q500001");
	trade_with(buf, sizeof(buf), 14, "9223372036854775807");
	assert_int_equal(trades_of(buf, &t, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(t.cum_value, INT64_MAX);
	trade_with(buf, sizeof(buf), 1, "000000");
	assert_int_equal(trades_of(buf, &t, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(t.hhmmss, 0);
}

static void test_trades_malformed_fields(void **state)
{
	(void)state;
	static const struct {
		int idx;
		const char *val;
		const char *why;
	} bad[] = {
	    {0, "", "record 1 field 0 (MKSC_SHRN_ISCD): missing symbol"},
	    {0, "0059 30", "field 0 (MKSC_SHRN_ISCD)"},
	    {0, "1234567890123456", "symbol too long"},
	    {1, "93015", "field 1 (STCK_CNTG_HOUR): not a time"},
	    {1, "246000", "not a time of day"},
	    {1, "", "field 1 (STCK_CNTG_HOUR)"},
	    {2, "", "field 2 (STCK_PRPR): empty"},
	    {2, "71200.5", "field 2 (STCK_PRPR): not a number"},
	    {2, "-71200", "field 2 (STCK_PRPR): not a number"},
	    {2, "7l200", "not a number"},
	    {4, "-", "field 4 (PRDY_VRSS): not a number"},
	    {4, "", "field 4 (PRDY_VRSS): empty"},
	    {12, "abc", "field 12 (CNTG_VOL): not a number"},
	    {12, " 15", "field 12 (CNTG_VOL): not a number"},
	    {13, "9223372036854775808", "field 13 (ACML_VOL): out of range"},
	    {14, "99999999999999999999", "field 14 (ACML_TR_PBMN): out of range"},
	    {21, "7", "field 21 (CCLD_DVSN)"},
	    {21, "11", "field 21 (CCLD_DVSN)"},
	    {33, "2026032", "field 33 (BSOP_DATE): not a date"},
	    {34, "200", "field 34 (NEW_MKOP_CLS_CODE)"},
	    {35, "y", "field 35 (TRHT_YN)"},
	    {43, "00", "field 43 (HOUR_CLS_CODE)"},
	};
	char buf[1024];
	for (size_t i = 0; i < KE_ARRAY_LEN(bad); i++) {
		struct kis_trade t;
		int n = -1;
		char err[160] = "";
		trade_with(buf, sizeof(buf), bad[i].idx, bad[i].val);
		if (trades_of(buf, &t, 1, &n, err, sizeof(err)) != KE_EINVAL)
			fail_msg("field %d = '%s' accepted", bad[i].idx, bad[i].val);
		assert_int_equal(n, 0);
		ASSERT_ERR_HAS(err, bad[i].why);
	}
	/* The error names the record: here the second. */
	static const char r2[] =
	    "0|H0STCNT0|002|" TRADE_REC1
	    "^005930^093015^71100^2^1100^1.57^70950.15^70500^71300^70400^71200^71100^x3^3124570^"
	    "221687867600^10235^11890^1655^118.23^1402314^1658000^5^53.10^41.20^090000^2^600^092811^"
	    "5^-200^090312^2^700^20260302^20^N^35120^80230^812345^1203453^0.05^2987650^104.58^0^^70500";
	struct kis_trade t[2];
	int n = -1;
	char err[160] = "";
	assert_int_equal(trades_of(r2, t, 2, &n, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(n, 0);
	assert_string_equal(err, "H0STCNT0 record 2 field 12 (CNTG_VOL): not a number");
}

static void test_trades_frame_shape(void **state)
{
	(void)state;
	struct kis_trade t[4];
	int n = -1;
	char err[160] = "";
	/* 45 fields: one short of the documented 46. */
	static const char short45[] = "0|H0STCNT0|001|005930^093015^71200^2^1200^1.71^70950.12^70500^71300^70400^71200^"
	                              "71100^15^3124567^221687654300^10234^11890^1656^118.23^1402311^1658000^1^53.10^"
	                              "41.20^090000^2^700^092811^5^-100^090312^2^800^20260302^20^N^35120^80233^812345^"
	                              "1203456^0.05^2987650^104.58^0^";
	assert_int_equal(trades_of(short45, t, 4, &n, err, sizeof(err)), KE_EINVAL);
	ASSERT_ERR_HAS(err, "of 45 fields, expected at least 46");
	/* Two records' worth minus one field: 91 do not split into 2. */
	static const char uneven[] = "0|H0STCNT0|002|" TRADE_REC1 "^" TRADE_REC2;
	char cut[sizeof(uneven)];
	memcpy(cut, uneven, sizeof(uneven));
	*strrchr(cut, '^') = '\0'; /* drop the last field */
	assert_int_equal(trades_of(cut, t, 4, &n, err, sizeof(err)), KE_EINVAL);
	ASSERT_ERR_HAS(err, "91 fields do not split evenly into 2 records");
	/* The count says 3 but only 2 records came: 92 / 3 is not whole. */
	char three[sizeof(TRADE_FRAME)];
	memcpy(three, TRADE_FRAME, sizeof(TRADE_FRAME));
	three[13] = '3';
	assert_int_equal(trades_of(three, t, 4, &n, err, sizeof(err)), KE_EINVAL);
	ASSERT_ERR_HAS(err, "92 fields do not split evenly into 3 records");
	/* Says 1, carries 2: a 92-field record, read as one (the extras are
	 * the second record's, ignored) - the rule is total / count. */
	char one[sizeof(TRADE_FRAME)];
	memcpy(one, TRADE_FRAME, sizeof(TRADE_FRAME));
	one[13] = '1';
	assert_int_equal(trades_of(one, t, 4, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(t[0].price, 71200);
	/* Garbage payloads. */
	assert_int_equal(trades_of("0|H0STCNT0|001|garbage", t, 4, &n, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(
	    trades_of("0|H0STCNT0|001|^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^", t, 4, &n, err, sizeof(err)),
	    KE_EINVAL);
	ASSERT_ERR_HAS(err, "missing symbol");
	/* More records than room. */
	assert_int_equal(trades_of(TRADE_FRAME, t, 1, &n, err, sizeof(err)), KE_ELIMIT);
	assert_int_equal(n, 0);
}

static void test_trades_wrong_frame(void **state)
{
	(void)state;
	struct kis_trade t[2];
	struct kis_book b[2];
	int n = -1;
	char err[160] = "";
	/* An encrypted frame is for kis_notice, never the plain readers. */
	assert_int_equal(trades_of(NOTICE_FRAME, t, 2, &n, err, sizeof(err)), KE_EINVAL);
	ASSERT_ERR_HAS(err, "H0STCNI0");
	static const char enc[] = "1|H0STCNT0|002|" TRADE_REC1 "^" TRADE_REC2;
	assert_int_equal(trades_of(enc, t, 2, &n, err, sizeof(err)), KE_EINVAL);
	ASSERT_ERR_HAS(err, "encrypted");
	/* Each reader takes only its TR. */
	assert_int_equal(trades_of(BOOK_FRAME, t, 2, &n, err, sizeof(err)), KE_EINVAL);
	ASSERT_ERR_HAS(err, "H0STCNT0 reader given a H0STASP0 frame");
	assert_int_equal(books_of(TRADE_FRAME, b, 2, &n, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(n, 0);
	/* A frame struct with a forged count is still checked. */
	struct kis_data_frame f;
	split_ok(TRADE_FRAME, &f);
	f.count = 0;
	assert_int_equal(kis_frame_trades(&f, t, 2, &n, err, sizeof(err)), KE_EINVAL);
	f.count = 300;
	assert_int_equal(kis_frame_trades(&f, t, 2, &n, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(kis_frame_trades(NULL, t, 2, &n, err, sizeof(err)), KE_EINVAL);
}

/* ---- H0STASP0 ---- */

static void check_book_example(const struct kis_book *b)
{
	assert_string_equal(b->symbol, "005930"); /* 0 */
	assert_int_equal(b->hhmmss, 93015);       /* 1 */
	assert_int_equal(b->hour_cls, '0');       /* 2 */
	for (int i = 0; i < 10; i++) {
		assert_int_equal(b->ask[i], 71200 + 100 * i); /* 3..12: 71200 up to 72100 */
		assert_int_equal(b->bid[i], 71100 - 100 * i); /* 13..22: 71100 down to 70200 */
	}
	/* 23..32 and 33..42 as listed. */
	static const int64_t askq[10] = {35120, 41230, 52011, 18800, 22000, 9100, 15000, 30010, 12000, 8800};
	static const int64_t bidq[10] = {80233, 60120, 45100, 39000, 27000, 21000, 18000, 15500, 12000, 9900};
	for (int i = 0; i < 10; i++) {
		assert_int_equal(b->ask_qty[i], askq[i]);
		assert_int_equal(b->bid_qty[i], bidq[i]);
	}
	/* 43, 44 as sent. (The bid levels sum to 327853; the ask levels sum
	 * to 244071, not 245071 - the total is KIS's field, read as is.) */
	assert_int_equal(b->total_ask_qty, 245071);
	assert_int_equal(b->total_bid_qty, 327853);
	assert_int_equal(b->expected_price, 0);   /* 47 */
	assert_int_equal(b->expected_qty, 0);     /* 48 */
	assert_int_equal(b->cum_volume, 3124567); /* 53 */
}

static void test_books_example(void **state)
{
	(void)state;
	struct kis_book b[2];
	int n = -1;
	char err[160] = "";
	struct kis_data_frame f;
	split_ok(BOOK_FRAME, &f);
	int per = 0;
	assert_int_equal(kis_frame_fields_per_record(f.payload, f.payload_len, 1, 59, &per, err, sizeof(err)), KE_OK);
	assert_int_equal(per, 59);
	assert_int_equal(kis_frame_books(&f, b, 2, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(n, 1);
	check_book_example(&b[0]);

	/* The 62-field live form: KMID_PRC, KMID_TOTAL_RSQN, KMID_CLS_CODE
	 * appended, ignored. */
	static const char live[] = "0|H0STASP0|001|" BOOK_REC "^71150^1234^1";
	split_ok(live, &f);
	assert_int_equal(kis_frame_fields_per_record(f.payload, f.payload_len, 1, 59, &per, err, sizeof(err)), KE_OK);
	assert_int_equal(per, 62);
	assert_int_equal(kis_frame_books(&f, b, 2, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(n, 1);
	check_book_example(&b[0]);

	/* 58 fields is short. */
	static const char short58[] = "0|H0STASP0|001|" BOOK_REC;
	char cut[sizeof(short58)];
	memcpy(cut, short58, sizeof(short58));
	*strrchr(cut, '^') = '\0';
	assert_int_equal(books_of(cut, b, 2, &n, err, sizeof(err)), KE_EINVAL);
	ASSERT_ERR_HAS(err, "58 fields, expected at least 59");
}

static void test_books_multi_record(void **state)
{
	(void)state;
	/* Three 62-field records: the example, a thin book with empty levels,
	 * and the example again under another symbol during an auction. */
	char buf[4096];
	size_t o = (size_t)snprintf(buf, sizeof(buf), "0|H0STASP0|003|%s^71150^1234^1^", BOOK_REC);
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "000660^153000^A");
	/* fields 3..12 asks: two levels, 8 empty; 13..22 bids: one level. */
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "^180000^180500^^^^^^^^^179500^^^^^^^^^");
	/* 23..32, 33..42: quantities to match, empty beyond. */
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "^10^20^^^^^^^^^30^^^^^^^^^");
	/* 43..61: totals 30 and 30, 45..46, expected 180000 x 500, ...,
	 * 53 ACML_VOL 777, 54..61. */
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "^30^30^0^0^180000^500^0^0^0^0.00^777^0^0^0^0^00^^^");
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "^%s^71150^1234^1", BOOK_REC);
	assert_true(o < sizeof(buf));
	/* Third record's symbol: rewrite "005930" of the last copy. */
	char *third = strstr(strstr(buf, "000660"), "005930");
	assert_non_null(third);
	memcpy(third, "035420", 6);

	struct kis_book b[3];
	int n = -1;
	char err[160] = "";
	if (books_of(buf, b, 3, &n, err, sizeof(err)) != KE_OK)
		fail_msg("%s", err);
	assert_int_equal(n, 3);
	check_book_example(&b[0]);

	assert_string_equal(b[1].symbol, "000660");
	assert_int_equal(b[1].hhmmss, 153000);
	assert_int_equal(b[1].hour_cls, 'A');
	assert_int_equal(b[1].ask[0], 180000);
	assert_int_equal(b[1].ask[1], 180500);
	assert_int_equal(b[1].ask[2], 0);
	assert_int_equal(b[1].ask[9], 0);
	assert_int_equal(b[1].bid[0], 179500);
	assert_int_equal(b[1].bid[1], 0);
	assert_int_equal(b[1].ask_qty[0], 10);
	assert_int_equal(b[1].ask_qty[1], 20);
	assert_int_equal(b[1].ask_qty[2], 0);
	assert_int_equal(b[1].bid_qty[0], 30);
	assert_int_equal(b[1].bid_qty[9], 0);
	assert_int_equal(b[1].total_ask_qty, 30); /* 10 + 20 */
	assert_int_equal(b[1].total_bid_qty, 30);
	assert_int_equal(b[1].expected_price, 180000);
	assert_int_equal(b[1].expected_qty, 500);
	assert_int_equal(b[1].cum_volume, 777);

	assert_string_equal(b[2].symbol, "035420");
	assert_int_equal(b[2].ask[9], 72100);
	assert_int_equal(b[2].bid_qty[9], 9900);
	assert_int_equal(b[2].cum_volume, 3124567);

	/* Room for two of three. */
	assert_int_equal(books_of(buf, b, 2, &n, err, sizeof(err)), KE_ELIMIT);
	/* A letter in record 3's ASKP_RSQN5 (field 27). */
	char *q = strstr(third, "^22000^");
	assert_non_null(q);
	q[1] = 'X';
	assert_int_equal(books_of(buf, b, 3, &n, err, sizeof(err)), KE_EINVAL);
	assert_string_equal(err, "H0STASP0 record 3 field 27 (ASKP_RSQN5): not a number");
	assert_int_equal(n, 0);
}

/* ---- control messages ---- */

static int ctl(const char *s, struct kis_ctl *c, char *err, size_t errlen)
{
	return kis_frame_control(s, strlen(s), c, err, errlen);
}

static void test_control_acks(void **state)
{
	(void)state;
	struct kis_ctl c;
	char err[160] = "";
	/* §5.2 subscribe ack. */
	assert_int_equal(ctl("{\"header\":{\"tr_id\":\"H0STCNT0\",\"tr_key\":\"005930\",\"encrypt\":\"N\"},"
	                     "\"body\":{\"rt_cd\":\"0\",\"msg_cd\":\"OPSP0000\",\"msg1\":\"SUBSCRIBE SUCCESS\","
	                     "\"output\":{\"iv\":\"d59d91fcf9fd0044\",\"key\":\"iuheqrmvfxoceaxeyqgjwesozgizmmgx\"}}}",
	                     &c, err, sizeof(err)),
	                 KE_OK);
	assert_int_equal(c.kind, KIS_CTL_SUBSCRIBED);
	assert_string_equal(c.tr_id, "H0STCNT0");
	assert_string_equal(c.tr_key, "005930");
	assert_int_equal(c.encrypt, 0);
	assert_string_equal(c.rt_cd, "0");
	assert_string_equal(c.msg_cd, "OPSP0000");
	assert_string_equal(c.msg, "SUBSCRIBE SUCCESS");
	assert_string_equal(c.iv, "d59d91fcf9fd0044");
	assert_string_equal(c.key, "iuheqrmvfxoceaxeyqgjwesozgizmmgx");

	/* §5.8 ack of the encrypted notice TR. */
	assert_int_equal(ctl("{\"header\":{\"tr_id\":\"H0STCNI0\",\"tr_key\":\"myhtsid\",\"encrypt\":\"Y\"},\"body\":"
	                     "{\"rt_cd\":\"0\",\"msg_cd\":\"OPSP0000\",\"msg1\":\"SUBSCRIBE SUCCESS\",\"output\":"
	                     "{\"iv\":\"0123456789abcdef\",\"key\":\"abcdefghijklmnopqrstuvwxyz012345\"}}}",
	                     &c, err, sizeof(err)),
	                 KE_OK);
	assert_int_equal(c.kind, KIS_CTL_SUBSCRIBED);
	assert_string_equal(c.tr_id, "H0STCNI0");
	assert_string_equal(c.tr_key, "myhtsid");
	assert_int_equal(c.encrypt, 1);
	assert_string_equal(c.iv, "0123456789abcdef");
	assert_string_equal(c.key, "abcdefghijklmnopqrstuvwxyz012345");

	/* Unsubscribe ack (OPSP0001): rt_cd 0, msg1 "UNSUB...". */
	assert_int_equal(ctl("{\"header\":{\"tr_id\":\"H0STCNT0\",\"tr_key\":\"005930\",\"encrypt\":\"N\"},"
	                     "\"body\":{\"rt_cd\":\"0\",\"msg_cd\":\"OPSP0001\",\"msg1\":\"UNSUBSCRIBE SUCCESS\"}}",
	                     &c, err, sizeof(err)),
	                 KE_OK);
	assert_int_equal(c.kind, KIS_CTL_UNSUBSCRIBED);
	assert_string_equal(c.msg_cd, "OPSP0001");
	assert_string_equal(c.iv, "");
	assert_string_equal(c.key, "");

	/* An ack without output is still an ack (plain TR). */
	assert_int_equal(ctl("{\"header\":{\"tr_id\":\"H0STASP0\"},\"body\":{\"rt_cd\":\"0\",\"msg1\":\"SUBSCRIBE "
	                     "SUCCESS\"}}",
	                     &c, err, sizeof(err)),
	                 KE_OK);
	assert_int_equal(c.kind, KIS_CTL_SUBSCRIBED);
	assert_string_equal(c.tr_key, "");
}

static void test_control_pingpong_and_errors(void **state)
{
	(void)state;
	struct kis_ctl c;
	char err[160] = "";
	/* §5.3: no body. */
	assert_int_equal(
	    ctl("{\"header\":{\"tr_id\":\"PINGPONG\",\"datetime\":\"20260302093000\"}}", &c, err, sizeof(err)), KE_OK);
	assert_int_equal(c.kind, KIS_CTL_PINGPONG);
	assert_string_equal(c.tr_id, "PINGPONG");

	/* §5.2 OPSP8996 as captured. */
	assert_int_equal(ctl("{\"header\":{\"tr_id\":\"(null)\",\"tr_key\":\"\",\"encrypt\":\"N\"},\"body\":"
	                     "{\"rt_cd\":\"9\",\"msg_cd\":\"OPSP8996\",\"msg1\":\"ALREADY IN USE appkey\"}}",
	                     &c, err, sizeof(err)),
	                 KE_OK);
	assert_int_equal(c.kind, KIS_CTL_ERROR);
	assert_string_equal(c.tr_id, "(null)");
	assert_string_equal(c.tr_key, "");
	assert_string_equal(c.rt_cd, "9");
	assert_string_equal(c.msg_cd, "OPSP8996");
	assert_string_equal(c.msg, "ALREADY IN USE appkey");

	/* 42nd registration. */
	assert_int_equal(ctl("{\"header\":{\"tr_id\":\"H0STCNT0\",\"tr_key\":\"000660\",\"encrypt\":\"N\"},\"body\":"
	                     "{\"rt_cd\":\"1\",\"msg_cd\":\"OPSP0008\",\"msg1\":\"MAX SUBSCRIBE OVER\"}}",
	                     &c, err, sizeof(err)),
	                 KE_OK);
	assert_int_equal(c.kind, KIS_CTL_ERROR);
	assert_string_equal(c.msg_cd, "OPSP0008");
	assert_string_equal(c.tr_key, "000660");

	/* "UNSUBSCRIBE ERROR" is an error, not an unsubscribe: rt_cd decides. */
	assert_int_equal(ctl("{\"header\":{\"tr_id\":\"H0STCNT0\"},\"body\":{\"rt_cd\":\"1\",\"msg_cd\":\"OPSP0003\","
	                     "\"msg1\":\"UNSUBSCRIBE ERROR(not found!)\"}}",
	                     &c, err, sizeof(err)),
	                 KE_OK);
	assert_int_equal(c.kind, KIS_CTL_ERROR);

	/* A long msg1 is cut to fit without splitting a UTF-8 character:
	 * 126 'a' then U+D55C (3 bytes) would end at byte 129 > 127, so the
	 * cut leaves the 126 'a'. */
	char big[512], m[200];
	memset(m, 'a', 126);
	strcpy(m + 126, "\xed\x95\x9c tail");
	snprintf(big, sizeof(big), "{\"header\":{\"tr_id\":\"X\"},\"body\":{\"rt_cd\":\"1\",\"msg1\":\"%s\"}}", m);
	assert_int_equal(ctl(big, &c, err, sizeof(err)), KE_OK);
	assert_int_equal(strlen(c.msg), 126);
}

static void test_control_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		const char *why;
	} bad[] = {
	    {"{\"header\":{\"tr_id\":\"PINGPONG\"}", "malformed JSON"},
	    {"{", "malformed JSON"},
	    {"[1,2]", "not a JSON object"},
	    {"{}", "no header"},
	    {"{\"header\":1}", "no header"},
	    {"{\"header\":{}}", "no header.tr_id"},
	    {"{\"header\":{\"tr_id\":5}}", "header.tr_id is not a string"},
	    {"{\"header\":{\"tr_id\":\"\"}}", "empty header.tr_id"},
	    {"{\"header\":{\"tr_id\":\"H0STCNT0H0STCNT0\"}}", "header.tr_id longer than 15"},
	    {"{\"header\":{\"tr_id\":\"H0STCNT0\"}}", "no body"},
	    {"{\"header\":{\"tr_id\":\"H0STCNT0\"},\"body\":\"x\"}", "body is not an object"},
	    {"{\"header\":{\"tr_id\":\"H0STCNT0\"},\"body\":{}}", "no body.rt_cd"},
	    {"{\"header\":{\"tr_id\":\"H0STCNT0\"},\"body\":{\"rt_cd\":0}}", "body.rt_cd is not a string"},
	    {"{\"header\":{\"tr_id\":\"H0STCNT0\"},\"body\":{\"rt_cd\":\"0\",\"output\":{\"iv\":\"0123456789abcde\","
	     "\"key\":\"abcdefghijklmnopqrstuvwxyz012345\"}}}",
	     "output.iv is 15 characters, not 16"},
	    {"{\"header\":{\"tr_id\":\"H0STCNT0\"},\"body\":{\"rt_cd\":\"0\",\"output\":{\"iv\":\"0123456789abcdef0\"}}"
	     "}",
	     "output.iv longer than 16"},
	    {"{\"header\":{\"tr_id\":\"H0STCNT0\"},\"body\":{\"rt_cd\":\"0\",\"output\":{\"iv\":\"0123456789abcdef\","
	     "\"key\":\"short\"}}}",
	     "output.key is 5 characters, not 32"},
	    {"{\"header\":{\"tr_id\":\"H0STCNI0\",\"encrypt\":\"Y\"},\"body\":{\"rt_cd\":\"0\",\"msg1\":\"SUBSCRIBE "
	     "SUCCESS\"}}",
	     "without output.iv and output.key"},
	    {"{\"header\":{\"tr_id\":\"H0\\u0001\"}}", "control character"},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(bad); i++) {
		struct kis_ctl c;
		char err[160] = "";
		if (ctl(bad[i].json, &c, err, sizeof(err)) != KE_EINVAL)
			fail_msg("accepted: %s", bad[i].json);
		ASSERT_ERR_HAS(err, bad[i].why);
		assert_int_equal(c.kind, 0);
	}
	struct kis_ctl c;
	assert_int_equal(kis_frame_control("", 0, &c, NULL, 0), KE_EINVAL);
	/* Only len bytes are read: the PINGPONG inside a longer buffer. */
	static const char buf[] = "{\"header\":{\"tr_id\":\"PINGPONG\"}}GARBAGE{{{";
	assert_int_equal(kis_frame_control(buf, 31, &c, NULL, 0), KE_OK);
	assert_int_equal(c.kind, KIS_CTL_PINGPONG);
	assert_int_equal(kis_frame_control(buf, 30, &c, NULL, 0), KE_EINVAL);
}

/* ---- subscribe ---- */

static void test_subscribe(void **state)
{
	(void)state;
	char buf[512];
	size_t len = 0;
	assert_int_equal(kis_frame_subscribe("APPROVAL-123", 'P', 1, "H0STCNT0", "005930", buf, sizeof(buf), &len),
	                 KE_OK);
	static const char want[] =
	    "{\"header\":{\"approval_key\":\"APPROVAL-123\",\"custtype\":\"P\",\"tr_type\":\"1\","
	    "\"content-type\":\"utf-8\"},\"body\":{\"input\":{\"tr_id\":\"H0STCNT0\","
	    "\"tr_key\":\"005930\"}}}";
	assert_string_equal(buf, want);
	assert_int_equal(len, strlen(want));

	assert_int_equal(kis_frame_subscribe("k", 'B', 0, "H0STCNI0", "myhtsid", buf, sizeof(buf), &len), KE_OK);
	assert_string_equal(buf, "{\"header\":{\"approval_key\":\"k\",\"custtype\":\"B\",\"tr_type\":\"2\","
	                         "\"content-type\":\"utf-8\"},\"body\":{\"input\":{\"tr_id\":\"H0STCNI0\","
	                         "\"tr_key\":\"myhtsid\"}}}");

	/* Exactly enough room: length + NUL. One byte less is a limit. */
	assert_int_equal(kis_frame_subscribe("APPROVAL-123", 'P', 1, "H0STCNT0", "005930", buf, strlen(want) + 1, &len),
	                 KE_OK);
	assert_string_equal(buf, want);
	assert_int_equal(kis_frame_subscribe("APPROVAL-123", 'P', 1, "H0STCNT0", "005930", buf, strlen(want), &len),
	                 KE_ELIMIT);
	assert_int_equal(kis_frame_subscribe("APPROVAL-123", 'P', 1, "H0STCNT0", "005930", buf, 0, &len), KE_ELIMIT);

	/* Unsafe or empty arguments. */
	assert_int_equal(kis_frame_subscribe("a\"b", 'P', 1, "H0STCNT0", "005930", buf, sizeof(buf), &len), KE_EINVAL);
	assert_int_equal(kis_frame_subscribe("a\\b", 'P', 1, "H0STCNT0", "005930", buf, sizeof(buf), &len), KE_EINVAL);
	assert_int_equal(kis_frame_subscribe("ab", 'P', 1, "H0ST\nCNT0", "005930", buf, sizeof(buf), &len), KE_EINVAL);
	assert_int_equal(kis_frame_subscribe("ab", 'P', 1, "H0STCNT0", "0059\x7f", buf, sizeof(buf), &len), KE_EINVAL);
	assert_int_equal(kis_frame_subscribe("", 'P', 1, "H0STCNT0", "005930", buf, sizeof(buf), &len), KE_EINVAL);
	assert_int_equal(kis_frame_subscribe("ab", 'P', 1, "", "005930", buf, sizeof(buf), &len), KE_EINVAL);
	assert_int_equal(kis_frame_subscribe("ab", 'P', 1, "H0STCNT0", "", buf, sizeof(buf), &len), KE_EINVAL);
	assert_int_equal(kis_frame_subscribe(NULL, 'P', 1, "H0STCNT0", "005930", buf, sizeof(buf), &len), KE_EINVAL);
	assert_int_equal(kis_frame_subscribe("ab", 'X', 1, "H0STCNT0", "005930", buf, sizeof(buf), &len), KE_EINVAL);
	/* UTF-8 needs no escaping. */
	assert_int_equal(kis_frame_subscribe("ab", 'P', 1, "H0STCNI0", "\xed\x99\x8d", buf, sizeof(buf), &len), KE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_type),
	    cmocka_unit_test(test_split_trade_frame),
	    cmocka_unit_test(test_split_encrypted),
	    cmocka_unit_test(test_split_bad),
	    cmocka_unit_test(test_trades_example),
	    cmocka_unit_test(test_trades_wider_records),
	    cmocka_unit_test(test_trades_empty_and_signed_fields),
	    cmocka_unit_test(test_trades_malformed_fields),
	    cmocka_unit_test(test_trades_frame_shape),
	    cmocka_unit_test(test_trades_wrong_frame),
	    cmocka_unit_test(test_books_example),
	    cmocka_unit_test(test_books_multi_record),
	    cmocka_unit_test(test_control_acks),
	    cmocka_unit_test(test_control_pingpong_and_errors),
	    cmocka_unit_test(test_control_malformed),
	    cmocka_unit_test(test_subscribe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
