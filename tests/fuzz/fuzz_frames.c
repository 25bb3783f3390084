/*
 * fuzz_frames.c - libFuzzer target for the KIS WebSocket readers: every
 * input is offered, as is, to the frame splitter and record readers, the
 * control-message classifier, the notice decryptor (with the test key and
 * iv of kis-protocol.md §5.8) and the notice parser. Besides the
 * sanitizers' checks, each success is checked for what the headers promise
 * (counts within bounds, strings terminated, lengths as documented).
 *
 * Built and run by tests/e2e/fuzz.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kis_frame.h"
#include "kis_notice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TEST_KEY "abcdefghijklmnopqrstuvwxyz012345"
#define TEST_IV  "0123456789abcdef"

/* A broken promise is a finding: stop with a message libFuzzer keeps. */
#define EXPECT(cond)                                                                                                   \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "fuzz_frames: %s:%d: expected %s\n", __FILE__, __LINE__, #cond);               \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* Room for the largest frame's records, kept off the stack. */
struct scratch {
	struct kis_trade trades[KIS_FRAME_MAX_RECORDS];
	struct kis_book books[KIS_FRAME_MAX_RECORDS];
	struct kis_notice notices[KIS_FRAME_MAX_RECORDS];
	char plain[8192];
};

static void check_notices(const struct kis_notice *nt, int n)
{
	for (int i = 0; i < n; i++) {
		EXPECT(terminated(nt[i].hts_id, sizeof(nt[i].hts_id)) && nt[i].hts_id[0]);
		EXPECT(strlen(nt[i].account) == 10);
		EXPECT(nt[i].side == SIDE_BUY || nt[i].side == SIDE_SELL);
		EXPECT(nt[i].change >= KIS_NOTICE_NEW && nt[i].change <= KIS_NOTICE_CANCEL);
		EXPECT(nt[i].fields >= KIS_FRAME_NOTICE_FIELDS);
		EXPECT(nt[i].qty >= 0 && nt[i].price >= 0 && nt[i].order_qty >= 0 && nt[i].order_price >= 0);
		EXPECT(terminated(nt[i].symbol, sizeof(nt[i].symbol)) && nt[i].symbol[0]);
	}
}

static void parse_notices(struct scratch *s, const char *text, size_t len, int count, int max)
{
	char err[160];
	int n = -1;
	int rc = kis_notice_parse(text, len, count, s->notices, max, &n, err, sizeof(err));
	EXPECT(rc == KE_OK || rc == KE_EINVAL || rc == KE_ELIMIT);
	if (rc == KE_OK) {
		EXPECT(n == count && n <= max);
		check_notices(s->notices, n);
	} else {
		EXPECT(n == 0);
	}
}

static void decrypt_and_parse(struct scratch *s, const char *b64, size_t len, size_t cap, int count)
{
	struct kis_notice_key k;
	char err[160];
	size_t plen = 1;
	EXPECT(kis_notice_key_set(&k, TEST_KEY, TEST_IV) == KE_OK);
	int rc = kis_notice_decrypt(&k, b64, len, s->plain, cap, &plen, err, sizeof(err));
	EXPECT(rc == KE_OK || rc == KE_EINVAL || rc == KE_ELIMIT);
	if (rc != KE_OK) {
		EXPECT(plen == 0);
		return;
	}
	EXPECT(plen < cap && s->plain[plen] == '\0' && plen <= len / 4 * 3);
	parse_notices(s, s->plain, plen, count, KIS_FRAME_MAX_RECORDS);
}

static void data_frame(struct scratch *s, const char *buf, size_t size)
{
	struct kis_data_frame f;
	char err[160];
	int n = -1;
	if (kis_frame_split(buf, size, &f, err, sizeof(err)) != KE_OK)
		return;
	EXPECT(f.count >= 1 && f.count <= KIS_FRAME_MAX_RECORDS);
	EXPECT(f.payload > buf && f.payload + f.payload_len == buf + size && f.payload_len > 0);
	EXPECT(terminated(f.tr_id, sizeof(f.tr_id)) && f.tr_id[0]);

	int per = 0;
	if (kis_frame_fields_per_record(f.payload, f.payload_len, f.count, 1, &per, err, sizeof(err)) == KE_OK)
		EXPECT(per >= 1 && (size_t)per * (size_t)f.count <= f.payload_len + 1);

	/* As it came, then as each plain reader's TR whatever it said, so the
	 * record walk sees every payload the splitter lets through. */
	(void)kis_frame_trades(&f, s->trades, KIS_FRAME_MAX_RECORDS, &n, err, sizeof(err));
	struct kis_data_frame g = f;
	g.encrypted = 0;
	int max = (int)(size % 3 == 0 ? (size_t)f.count - 1 : KIS_FRAME_MAX_RECORDS); /* sometimes too small */
	strcpy(g.tr_id, "H0STCNT0");
	int rc = kis_frame_trades(&g, s->trades, max, &n, err, sizeof(err));
	EXPECT(rc == KE_OK || rc == KE_EINVAL || rc == KE_ELIMIT);
	if (rc == KE_OK) {
		EXPECT(n == f.count && n <= max);
		for (int i = 0; i < n; i++) {
			EXPECT(s->trades[i].symbol[0] && terminated(s->trades[i].symbol, KE_SYMBOL_MAX));
			EXPECT(s->trades[i].hhmmss >= 0 && s->trades[i].hhmmss <= 235959);
			EXPECT(s->trades[i].price >= 0 && s->trades[i].volume >= 0);
			EXPECT(terminated(s->trades[i].session, sizeof(s->trades[i].session)));
		}
	} else {
		EXPECT(n == 0);
	}
	strcpy(g.tr_id, "H0STASP0");
	rc = kis_frame_books(&g, s->books, max, &n, err, sizeof(err));
	EXPECT(rc == KE_OK || rc == KE_EINVAL || rc == KE_ELIMIT);
	if (rc == KE_OK) {
		EXPECT(n == f.count && n <= max);
		for (int i = 0; i < n; i++)
			for (int l = 0; l < KIS_FRAME_BOOK_LEVELS; l++)
				EXPECT(s->books[i].ask[l] >= 0 && s->books[i].bid_qty[l] >= 0);
	} else {
		EXPECT(n == 0);
	}

	/* An encrypted payload goes to the notice path, with room to spare
	 * and with too little. */
	if (f.encrypted) {
		decrypt_and_parse(s, f.payload, f.payload_len, sizeof(s->plain), f.count);
		decrypt_and_parse(s, f.payload, f.payload_len, 1 + size % 130, f.count);
	}
}

static void control(const char *buf, size_t size)
{
	struct kis_ctl c;
	char err[160];
	if (kis_frame_control(buf, size, &c, err, sizeof(err)) != KE_OK)
		return;
	EXPECT(c.kind >= KIS_CTL_PINGPONG && c.kind <= KIS_CTL_ERROR);
	EXPECT(terminated(c.tr_id, sizeof(c.tr_id)) && c.tr_id[0]);
	EXPECT(terminated(c.tr_key, sizeof(c.tr_key)) && terminated(c.rt_cd, sizeof(c.rt_cd)));
	EXPECT(terminated(c.msg_cd, sizeof(c.msg_cd)) && terminated(c.msg, sizeof(c.msg)));
	EXPECT(strlen(c.iv) == 0 || strlen(c.iv) == 16);
	EXPECT(strlen(c.key) == 0 || strlen(c.key) == 32);
}

/* The input (cut at 200 bytes, NUL-terminated) as a subscription's key. */
static void subscribe(const char *buf, size_t size)
{
	char key[201], out[512];
	size_t n = size < 200 ? size : 200, len = 0;
	memcpy(key, buf, n);
	key[n] = '\0';
	int rc = kis_frame_subscribe("approval", 'P', (int)(size & 1), "H0STCNT0", key, out, sizeof(out), &len);
	EXPECT(rc == KE_OK || rc == KE_EINVAL || rc == KE_ELIMIT);
	if (rc == KE_OK)
		EXPECT(len == strlen(out) && strstr(out, key) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scratch *s; /* reused across runs: allocation is not what is fuzzed */
	if (!s && !(s = malloc(sizeof(*s))))
		return 0;
	const char *buf = (const char *)data;

	enum kis_frame_type t;
	if (kis_frame_type(buf, size, &t) == KE_OK)
		EXPECT(t == KIS_FRAME_DATA || t == KIS_FRAME_CONTROL);
	data_frame(s, buf, size);
	control(buf, size);
	/* The whole input as a notice's Base64, and as its plain text. */
	decrypt_and_parse(s, buf, size, sizeof(s->plain), 1 + (int)(size % 2));
	parse_notices(s, buf, size, 1 + (int)(size % 3), 2);
	subscribe(buf, size);
	return 0;
}
