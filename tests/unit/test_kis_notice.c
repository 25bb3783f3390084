/*
 * test_kis_notice.c - execution notices: AES-256-CBC + Base64 decryption
 * and the 26- and 23-field records (kis-protocol.md §5.7, §5.8).
 *
 * The encrypted frame, key and iv are §5.8's; the fill is encrypted here
 * with EVP directly (same key/iv), so decryption is checked against an
 * independent encryption. Expected fields are read off the plain text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "kis_frame.h"
#include "kis_notice.h"

#define TEST_KEY "abcdefghijklmnopqrstuvwxyz012345"
#define TEST_IV  "0123456789abcdef"

static const char NOTICE_FRAME[] =
    "1|H0STCNI0|001|zmCjAqdYa5HhBNilnFYi0Gl/K5C0m8DXRS3yQ4zbjVrwR/lMGhiBcmJoqOmOf3eoYYC37tfcRY6FO/"
    "2YtxkDE1ohXzMnyTyGvQZC3OMipIJxyUnZUK/kQykIRRyvRGGcIE6SyFfMsBi4xxEwJV2uJAFBX+/441W87A8Ybzf6L9M=";

/* §5.8 plain texts: 26 fields each; 홍길동 and 삼성전자 are UTF-8. */
#define ACK_TEXT                                                                                                       \
	"myhtsid^1234567801^0000012345^0000000000^02^0^00^0^005930^10^71200^093015^0^1^1^06010^10^"                    \
	"\xed\x99\x8d\xea\xb8\xb8\xeb\x8f\x99^0^1^Y^^^^\xec\x82\xbc\xec\x84\xb1\xec\xa0\x84\xec\x9e\x90^71200"
#define FILL_TEXT                                                                                                      \
	"myhtsid^1234567801^0000012345^0000000000^02^0^00^0^005930^10^71200^093016^0^2^2^06010^10^"                    \
	"\xed\x99\x8d\xea\xb8\xb8\xeb\x8f\x99^0^1^Y^^^^\xec\x82\xbc\xec\x84\xb1\xec\xa0\x84\xec\x9e\x90^71200"

/* A pre-2025-03 record, 23 fields: 17 ACNT_NAME, 18 CNTG_ISNM, 19 CRDT_CLS,
 * 20 CRDT_LOAN_DATE, 21 CNTG_ISNM40, 22 ODER_PRC. A sell of 5 at 71000. */
#define OLD_TEXT                                                                                                       \
	"myhtsid^1234567801^0000012399^0000000000^01^0^00^0^005930^5^71000^100501^0^1^1^06010^5^"                      \
	"\xed\x99\x8d\xea\xb8\xb8\xeb\x8f\x99^SAMSUNG^^^SAMSUNG^71000"

static struct kis_notice_key test_key(void)
{
	struct kis_notice_key k;
	assert_int_equal(kis_notice_key_set(&k, TEST_KEY, TEST_IV), KE_OK);
	return k;
}

/* Base64(AES-256-CBC(plain)) with EVP, no newlines, into b64. */
static size_t encrypt_b64(const char *key, const char *iv, const char *plain, char *b64, size_t cap)
{
	unsigned char ct[8192];
	int n1 = 0, n2 = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	assert_non_null(c);
	assert_int_equal(
	    EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, (const unsigned char *)key, (const unsigned char *)iv), 1);
	assert_true(strlen(plain) + 16 <= sizeof(ct));
	assert_int_equal(EVP_EncryptUpdate(c, ct, &n1, (const unsigned char *)plain, (int)strlen(plain)), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, ct + n1, &n2), 1);
	EVP_CIPHER_CTX_free(c);
	assert_true((size_t)(n1 + n2) / 3 * 4 + 5 <= cap);
	return (size_t)EVP_EncodeBlock((unsigned char *)b64, ct, n1 + n2);
}

static void check_ack(const struct kis_notice *nt)
{
	assert_string_equal(nt->hts_id, "myhtsid");       /* 0 */
	assert_string_equal(nt->account, "1234567801");   /* 1 */
	assert_string_equal(nt->odno, "0000012345");      /* 2 */
	assert_string_equal(nt->orig_odno, "0000000000"); /* 3 */
	assert_int_equal(nt->side, SIDE_BUY);             /* 4 "02" */
	assert_int_equal(nt->change, KIS_NOTICE_NEW);     /* 5 "0" */
	assert_string_equal(nt->ord_kind, "00");          /* 6 limit */
	assert_string_equal(nt->symbol, "005930");        /* 8 */
	assert_int_equal(nt->qty, 10);                    /* 9: the order's, for an ack */
	assert_int_equal(nt->price, 71200);               /* 10 */
	assert_int_equal(nt->hhmmss, 93015);              /* 11 */
	assert_int_equal(nt->rejected, 0);                /* 12 "0" */
	assert_int_equal(nt->is_fill, 0);                 /* 13 "1": acknowledgement */
	assert_int_equal(nt->accept, 1);                  /* 14 "1" received */
	assert_string_equal(nt->branch, "06010");         /* 15 */
	assert_int_equal(nt->order_qty, 10);              /* 16 */
	assert_int_equal(nt->order_price, 71200);         /* 25 */
	assert_int_equal(nt->fields, 26);
}

static void test_key_set(void **state)
{
	(void)state;
	struct kis_notice_key k;
	assert_int_equal(kis_notice_key_set(&k, TEST_KEY, TEST_IV), KE_OK);
	assert_memory_equal(k.key, TEST_KEY, 32);
	assert_memory_equal(k.iv, TEST_IV, 16);
	assert_int_equal(kis_notice_key_set(&k, "abcdefghijklmnopqrstuvwxyz01234", TEST_IV), KE_EINVAL);
	assert_int_equal(kis_notice_key_set(&k, TEST_KEY "6", TEST_IV), KE_EINVAL);
	assert_int_equal(kis_notice_key_set(&k, TEST_KEY, "0123456789abcde"), KE_EINVAL);
	assert_int_equal(kis_notice_key_set(&k, TEST_KEY, TEST_IV "0"), KE_EINVAL);
	assert_int_equal(kis_notice_key_set(&k, NULL, TEST_IV), KE_EINVAL);
	assert_int_equal(kis_notice_key_set(NULL, TEST_KEY, TEST_IV), KE_EINVAL);
}

static void test_decrypt_example_ack(void **state)
{
	(void)state;
	struct kis_notice_key k = test_key();
	struct kis_data_frame f;
	char err[160] = "";
	assert_int_equal(kis_frame_split(NOTICE_FRAME, strlen(NOTICE_FRAME), &f, err, sizeof(err)), KE_OK);
	assert_int_equal(f.encrypted, 1);

	char plain[512];
	size_t plen = 0;
	assert_int_equal(
	    kis_notice_decrypt(&k, f.payload, f.payload_len, plain, sizeof(plain), &plen, err, sizeof(err)), KE_OK);
	/* 126 bytes: 105 ASCII before the two names, 홍길동 9 and 삼성전자 12
	 * bytes of UTF-8 (the ciphertext is 8 blocks, 128 bytes, padding 2). */
	assert_int_equal(plen, 126);
	assert_int_equal(strlen(ACK_TEXT), 126);
	assert_string_equal(plain, ACK_TEXT);

	struct kis_notice nt[2];
	int n = -1;
	assert_int_equal(kis_notice_parse(plain, plen, f.count, nt, 2, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(n, 1);
	check_ack(&nt[0]);
}

static void test_fill_round_trip(void **state)
{
	(void)state;
	struct kis_notice_key k = test_key();
	char b64[512], plain[512], err[160] = "";
	size_t blen = encrypt_b64(TEST_KEY, TEST_IV, FILL_TEXT, b64, sizeof(b64));
	/* 126 bytes encrypt to 128, Base64 172 (as the ack). */
	assert_int_equal(blen, 172);
	size_t plen = 0;
	assert_int_equal(kis_notice_decrypt(&k, b64, blen, plain, sizeof(plain), &plen, err, sizeof(err)), KE_OK);
	assert_int_equal(plen, strlen(FILL_TEXT));
	assert_string_equal(plain, FILL_TEXT);

	struct kis_notice nt;
	int n = -1;
	assert_int_equal(kis_notice_parse(plain, plen, 1, &nt, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(nt.account, "1234567801");
	assert_string_equal(nt.odno, "0000012345");
	assert_int_equal(nt.side, SIDE_BUY);
	assert_int_equal(nt.qty, 10);       /* 9: filled 10 */
	assert_int_equal(nt.price, 71200);  /* 10: at 71200 */
	assert_int_equal(nt.hhmmss, 93016); /* 11 */
	assert_int_equal(nt.rejected, 0);
	assert_int_equal(nt.is_fill, 1); /* 13 "2" */
	assert_int_equal(nt.accept, 2);  /* 14 "2" */
	assert_int_equal(nt.order_qty, 10);
	assert_int_equal(nt.order_price, 71200);
	assert_int_equal(nt.fields, 26);

	/* Two records in one notice (ack then fill): 52 fields / 2. A longer
	 * text also exercises more than one decode step: repeated 12 times
	 * it is 24 records, 24 * 126 + 23 = 3047 bytes, past the 768-byte
	 * chunks. */
	char two[300];
	snprintf(two, sizeof(two), "%s^%s", ACK_TEXT, FILL_TEXT);
	static char big[4096], bigb64[8192], bigplain[4096];
	size_t o = 0;
	for (int i = 0; i < 12; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "%s%s", i ? "^" : "", two);
	assert_int_equal(o, 3047);
	blen = encrypt_b64(TEST_KEY, TEST_IV, big, bigb64, sizeof(bigb64));
	assert_int_equal(kis_notice_decrypt(&k, bigb64, blen, bigplain, sizeof(bigplain), &plen, err, sizeof(err)),
	                 KE_OK);
	assert_int_equal(plen, 3047);
	assert_string_equal(bigplain, big);
	struct kis_notice many[24];
	assert_int_equal(kis_notice_parse(bigplain, plen, 24, many, 24, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(n, 24);
	check_ack(&many[0]);
	check_ack(&many[22]);
	assert_int_equal(many[23].is_fill, 1);
	assert_int_equal(many[23].hhmmss, 93016);
	/* Room for 23 of 24. */
	assert_int_equal(kis_notice_parse(bigplain, plen, 24, many, 23, &n, err, sizeof(err)), KE_ELIMIT);
	assert_int_equal(n, 0);
}

static void test_old_format(void **state)
{
	(void)state;
	struct kis_notice nt[2];
	int n = -1;
	char err[160] = "";
	assert_int_equal(kis_notice_parse(OLD_TEXT, strlen(OLD_TEXT), 1, nt, 2, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(nt[0].fields, 23);
	assert_string_equal(nt[0].odno, "0000012399");
	assert_int_equal(nt[0].side, SIDE_SELL); /* "01" */
	assert_int_equal(nt[0].qty, 5);
	assert_int_equal(nt[0].price, 71000);
	assert_int_equal(nt[0].hhmmss, 100501);
	assert_int_equal(nt[0].order_qty, 5);
	assert_int_equal(nt[0].order_price, 71000); /* field 22 */

	/* Two old records in one text: 46 fields / 2 = 23. */
	static const char two[] = OLD_TEXT "^" OLD_TEXT;
	assert_int_equal(kis_notice_parse(two, strlen(two), 2, nt, 2, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(nt[1].order_price, 71000);
	assert_int_equal(nt[1].fields, 23);

	/* 23 + one appended field (24): still the old layout, price at 22. */
	static const char wide[] = OLD_TEXT "^EXTRA";
	assert_int_equal(kis_notice_parse(wide, strlen(wide), 1, nt, 2, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(nt[0].order_price, 71000);
	assert_int_equal(nt[0].fields, 24);

	/* 26 + 2 appended (28): the current layout, price at 25. */
	static const char wide26[] = ACK_TEXT "^1^2";
	assert_int_equal(kis_notice_parse(wide26, strlen(wide26), 1, nt, 2, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(nt[0].order_price, 71200);
	assert_int_equal(nt[0].fields, 28);
}

static void test_wrong_key(void **state)
{
	(void)state;
	struct kis_data_frame f;
	char err[160] = "", plain[512];
	size_t plen = 99;
	assert_int_equal(kis_frame_split(NOTICE_FRAME, strlen(NOTICE_FRAME), &f, err, sizeof(err)), KE_OK);

	struct kis_notice_key k;
	assert_int_equal(kis_notice_key_set(&k, "bbcdefghijklmnopqrstuvwxyz012345", TEST_IV), KE_OK);
	assert_int_equal(
	    kis_notice_decrypt(&k, f.payload, f.payload_len, plain, sizeof(plain), &plen, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(plen, 0);
	assert_string_equal(plain, "");

	/* Some wrong key gives valid PKCS#7 padding (about 1 in 256): find
	 * one by trying keys, and check that it is refused all the same -
	 * and that the parser refuses its bytes too, had they got through. */
	char key[33];
	unsigned char raw[256], ct[256];
	int found = 0;
	int ctlen = EVP_DecodeBlock(ct, (const unsigned char *)f.payload, (int)f.payload_len) - 1; /* one '=' */
	assert_int_equal(ctlen, 128);
	for (int i = 0; i < 65536 && !found; i++) {
		snprintf(key, sizeof(key), "wrongkeywrongkeywrongkeywron%04x", (unsigned)i);
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		int n1 = 0, n2 = 0;
		assert_non_null(c);
		EVP_DecryptInit_ex(c, EVP_aes_256_cbc(), NULL, (const unsigned char *)key,
		                   (const unsigned char *)TEST_IV);
		EVP_DecryptUpdate(c, raw, &n1, ct, ctlen);
		if (EVP_DecryptFinal_ex(c, raw + n1, &n2) == 1) {
			found = 1;
			assert_int_equal(kis_notice_key_set(&k, key, TEST_IV), KE_OK);
			err[0] = '\0';
			assert_int_equal(kis_notice_decrypt(&k, f.payload, f.payload_len, plain, sizeof(plain), &plen,
			                                    err, sizeof(err)),
			                 KE_EINVAL);
			assert_non_null(strstr(err, "not text"));
			struct kis_notice nt;
			int n = -1;
			assert_int_equal(
			    kis_notice_parse((const char *)raw, (size_t)(n1 + n2), 1, &nt, 1, &n, err, sizeof(err)),
			    KE_EINVAL);
			assert_int_equal(n, 0);
		}
		EVP_CIPHER_CTX_free(c);
	}
	assert_true(found);
}

static void test_bad_base64(void **state)
{
	(void)state;
	struct kis_notice_key k = test_key();
	struct kis_data_frame f;
	char err[160] = "", plain[512], b64[256];
	size_t plen;
	assert_int_equal(kis_frame_split(NOTICE_FRAME, strlen(NOTICE_FRAME), &f, err, sizeof(err)), KE_OK);
	assert_int_equal(f.payload_len, 172);
	memcpy(b64, f.payload, 172);

	/* Not a multiple of 4. */
	assert_int_equal(kis_notice_decrypt(&k, b64, 171, plain, sizeof(plain), &plen, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "multiple of 4"));
	assert_int_equal(kis_notice_decrypt(&k, b64, 0, plain, sizeof(plain), &plen, err, sizeof(err)), KE_EINVAL);
	/* 168 characters: 126 bytes, not whole 16-byte blocks. */
	assert_int_equal(kis_notice_decrypt(&k, b64, 168, plain, sizeof(plain), &plen, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "126 bytes are not a whole number of AES blocks"));
	/* 64 characters: 48 bytes, 3 whole blocks, but the third ends in
	 * plain text byte 47 ('0' of "00^", 0x30), which is no padding. */
	assert_int_equal(kis_notice_decrypt(&k, b64, 64, plain, sizeof(plain), &plen, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "bad padding"));

	/* Characters outside the alphabet, white space, '=' inside. */
	static const char bad[] = {'!', '\n', ' ', '=', '-', '_', '\0', '\xc3'};
	for (size_t i = 0; i < sizeof(bad); i++) {
		memcpy(b64, f.payload, 172);
		b64[40] = bad[i];
		err[0] = '\0';
		if (kis_notice_decrypt(&k, b64, 172, plain, sizeof(plain), &plen, err, sizeof(err)) != KE_EINVAL)
			fail_msg("byte 0x%02x accepted", (unsigned char)bad[i]);
		assert_non_null(strstr(err, "character 40"));
	}
	/* "==" where one '=' belongs: byte 170 becomes padding too. */
	memcpy(b64, f.payload, 172);
	b64[170] = '=';
	assert_int_equal(kis_notice_decrypt(&k, b64, 172, plain, sizeof(plain), &plen, err, sizeof(err)), KE_EINVAL);
	/* A trailing newline makes the length 173. */
	memcpy(b64, f.payload, 172);
	b64[172] = '\n';
	assert_int_equal(kis_notice_decrypt(&k, b64, 173, plain, sizeof(plain), &plen, err, sizeof(err)), KE_EINVAL);
	/* One flipped bit in the last block breaks the padding. */
	memcpy(b64, f.payload, 172);
	b64[168] = b64[168] == 'A' ? 'B' : 'A';
	assert_int_equal(kis_notice_decrypt(&k, b64, 172, plain, sizeof(plain), &plen, err, sizeof(err)), KE_EINVAL);
}

static void test_out_too_small(void **state)
{
	(void)state;
	struct kis_notice_key k = test_key();
	struct kis_data_frame f;
	char err[160] = "", plain[512];
	size_t plen = 99;
	assert_int_equal(kis_frame_split(NOTICE_FRAME, strlen(NOTICE_FRAME), &f, err, sizeof(err)), KE_OK);
	/* 126 bytes of text + NUL = 127. */
	memset(plain, 'x', sizeof(plain));
	assert_int_equal(kis_notice_decrypt(&k, f.payload, f.payload_len, plain, 126, &plen, err, sizeof(err)),
	                 KE_ELIMIT);
	assert_int_equal(plen, 0);
	assert_int_equal(plain[0], '\0');
	assert_int_equal(plain[126], 'x'); /* nothing written past cap */
	assert_int_equal(kis_notice_decrypt(&k, f.payload, f.payload_len, plain, 1, &plen, err, sizeof(err)),
	                 KE_ELIMIT);
	assert_int_equal(kis_notice_decrypt(&k, f.payload, f.payload_len, plain, 0, &plen, err, sizeof(err)),
	                 KE_ELIMIT);
	assert_int_equal(kis_notice_decrypt(&k, f.payload, f.payload_len, plain, 127, &plen, err, sizeof(err)), KE_OK);
	assert_int_equal(plen, 126);
	assert_string_equal(plain, ACK_TEXT);
	assert_int_equal(plain[127], 'x');
	/* A wrong key with a small buffer is still a wrong key. */
	struct kis_notice_key bad;
	assert_int_equal(kis_notice_key_set(&bad, "bbcdefghijklmnopqrstuvwxyz012345", TEST_IV), KE_OK);
	assert_int_equal(kis_notice_decrypt(&bad, f.payload, f.payload_len, plain, 10, &plen, err, sizeof(err)),
	                 KE_EINVAL);
}

/* ACK_TEXT with field idx replaced by val. */
static void ack_with(char *buf, size_t cap, int idx, const char *val)
{
	char rec[] = ACK_TEXT;
	char *f[26];
	int k = 0;
	f[k++] = rec;
	for (char *p = rec; *p; p++)
		if (*p == '^') {
			*p = '\0';
			f[k++] = p + 1;
		}
	assert_int_equal(k, 26);
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < 26; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? "^" : "", i == idx ? val : f[i]);
	assert_true(o < cap);
}

static void test_parse_fields(void **state)
{
	(void)state;
	char buf[512], err[160];
	struct kis_notice nt;
	int n;
	/* Accepted variants. */
	ack_with(buf, sizeof(buf), 4, "01");
	assert_int_equal(kis_notice_parse(buf, strlen(buf), 1, &nt, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(nt.side, SIDE_SELL);
	ack_with(buf, sizeof(buf), 5, "2");
	assert_int_equal(kis_notice_parse(buf, strlen(buf), 1, &nt, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(nt.change, KIS_NOTICE_CANCEL);
	ack_with(buf, sizeof(buf), 12, "1");
	assert_int_equal(kis_notice_parse(buf, strlen(buf), 1, &nt, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(nt.rejected, 1);
	ack_with(buf, sizeof(buf), 14, "");
	assert_int_equal(kis_notice_parse(buf, strlen(buf), 1, &nt, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(nt.accept, 0);
	ack_with(buf, sizeof(buf), 16, "");
	assert_int_equal(kis_notice_parse(buf, strlen(buf), 1, &nt, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(nt.order_qty, 0);
	ack_with(buf, sizeof(buf), 25, "");
	assert_int_equal(kis_notice_parse(buf, strlen(buf), 1, &nt, 1, &n, err, sizeof(err)), KE_OK);
	assert_int_equal(nt.order_price, 0);
	ack_with(buf, sizeof(buf), 3, "");
	assert_int_equal(kis_notice_parse(buf, strlen(buf), 1, &nt, 1, &n, err, sizeof(err)), KE_OK);
	assert_string_equal(nt.orig_odno, "");

	static const struct {
		int idx;
		const char *val;
		const char *why;
	} bad[] = {
	    {0, "", "record 1 field 0 (CUST_ID): empty"},
	    {0, "a\tb", "field 0 (CUST_ID)"},
	    {1, "123456780", "field 1 (ACNT_NO): not 10 digits"},
	    {1, "12345678011", "field 1 (ACNT_NO)"},
	    {1, "12345678-1", "field 1 (ACNT_NO)"},
	    {2, "", "field 2 (ODER_NO): empty"},
	    {2, "0000012345678901", "field 2 (ODER_NO): too long"},
	    {4, "03", "field 4 (SELN_BYOV_CLS)"},
	    {4, "2", "field 4 (SELN_BYOV_CLS)"},
	    {4, "", "field 4 (SELN_BYOV_CLS)"},
	    {5, "3", "field 5 (RCTF_CLS): not a known code"},
	    {5, "", "field 5 (RCTF_CLS): empty"},
	    {6, "001", "field 6 (ODER_KIND)"},
	    {8, "", "field 8 (STCK_SHRN_ISCD): empty"},
	    {9, "1O", "field 9 (CNTG_QTY): not a number"},
	    {9, "-10", "field 9 (CNTG_QTY): not a number"},
	    {9, "", "field 9 (CNTG_QTY): empty"},
	    {10, "71200.0", "field 10 (CNTG_UNPR): not a number"},
	    {10, "9999999999999999999", "field 10 (CNTG_UNPR): out of range"},
	    {11, "93015", "field 11 (STCK_CNTG_HOUR)"},
	    {11, "096015", "field 11 (STCK_CNTG_HOUR)"},
	    {12, "2", "field 12 (RFUS_YN)"},
	    {13, "0", "field 13 (CNTG_YN)"},
	    {13, "Y", "field 13 (CNTG_YN)"},
	    {14, "4", "field 14 (ACPT_YN)"},
	    {15, "0601-0", "field 15 (BRNC_NO)"},
	    {16, "x", "field 16 (ODER_QTY)"},
	    {25, "71,200", "field 25 (ODER_PRC)"},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(bad); i++) {
		ack_with(buf, sizeof(buf), bad[i].idx, bad[i].val);
		err[0] = '\0';
		n = -1;
		if (kis_notice_parse(buf, strlen(buf), 1, &nt, 1, &n, err, sizeof(err)) != KE_EINVAL)
			fail_msg("field %d = '%s' accepted", bad[i].idx, bad[i].val);
		assert_int_equal(n, 0);
		if (!strstr(err, bad[i].why))
			fail_msg("error '%s' does not mention '%s'", err, bad[i].why);
	}
	/* The error names the record: the second here. */
	ack_with(buf, sizeof(buf), 13, "9");
	char two[700];
	snprintf(two, sizeof(two), "%s^%s", ACK_TEXT, buf);
	struct kis_notice pair[2];
	assert_int_equal(kis_notice_parse(two, strlen(two), 2, pair, 2, &n, err, sizeof(err)), KE_EINVAL);
	assert_string_equal(err, "H0STCNI0 record 2 field 13 (CNTG_YN): not a known code");
}

static void test_parse_shape(void **state)
{
	(void)state;
	struct kis_notice nt[3];
	int n = -1;
	char err[160] = "";
	/* 22 fields: one short of the old layout. */
	static const char t22[] = "myhtsid^1234567801^0000012399^0000000000^01^0^00^0^005930^5^71000^100501^0^1^1^"
	                          "06010^5^A^B^^^71000";
	assert_int_equal(kis_notice_parse(t22, strlen(t22), 1, nt, 3, &n, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "of 22 fields, expected at least 23"));
	/* 26 + 26 + 1 = 53 fields do not split into 2. */
	static const char uneven[] = ACK_TEXT "^" FILL_TEXT "^x";
	assert_int_equal(kis_notice_parse(uneven, strlen(uneven), 2, nt, 3, &n, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "53 fields do not split evenly into 2 records"));
	/* Two records' worth under a count of 3: 52 / 3 is not whole. */
	static const char two[] = ACK_TEXT "^" FILL_TEXT;
	assert_int_equal(kis_notice_parse(two, strlen(two), 3, nt, 3, &n, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(kis_notice_parse(two, strlen(two), 0, nt, 3, &n, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(kis_notice_parse(two, strlen(two), 2, nt, 1, &n, err, sizeof(err)), KE_ELIMIT);
	assert_int_equal(kis_notice_parse("", 0, 1, nt, 3, &n, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(kis_notice_parse("garbage", 7, 1, nt, 3, &n, err, sizeof(err)), KE_EINVAL);
	/* Only len bytes are read: the ack inside a longer buffer. */
	assert_int_equal(kis_notice_parse(two, strlen(ACK_TEXT), 1, nt, 3, &n, err, sizeof(err)), KE_OK);
	check_ack(&nt[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_set),         cmocka_unit_test(test_decrypt_example_ack),
	    cmocka_unit_test(test_fill_round_trip), cmocka_unit_test(test_old_format),
	    cmocka_unit_test(test_wrong_key),       cmocka_unit_test(test_bad_base64),
	    cmocka_unit_test(test_out_too_small),   cmocka_unit_test(test_parse_fields),
	    cmocka_unit_test(test_parse_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
