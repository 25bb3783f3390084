/*
 * kis_frame.h - KIS WebSocket messages (protocol reference §5): data frames
 * ("0|H0STCNT0|002|f^f^...") parsed in place, control messages (JSON acks,
 * PINGPONG) classified, and subscribe requests written.
 *
 * Pure: no I/O, no clock, no allocation on the data path. Data frames are
 * read where they lie: kis_frame_split finds the header and the payload in
 * the caller's buffer, and the record readers convert fields straight from
 * it into typed records (the payload is never copied).
 *
 * Field counts grow at KIS over time (H0STASP0: 59 documented, 62 live;
 * H0STCNI0: 23 before 2025-03, 26 now), so records are read by index: the
 * fields per record are total / count, which must divide evenly and reach
 * the TR's documented minimum; extra trailing fields are ignored. A frame
 * that is too short, uneven or malformed is refused with a message saying
 * what was wrong (the caller logs it and skips the frame).
 *
 * Written from the protocol reference; shares no code with kis-sim.
 */
#ifndef KIS_FRAME_H
#define KIS_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "ke_common.h"

/* Documented fields per record. */
#define KIS_FRAME_TRADE_FIELDS  46 /* H0STCNT0 */
#define KIS_FRAME_BOOK_FIELDS   59 /* H0STASP0 (62 live: extras ignored) */
#define KIS_FRAME_NOTICE_FIELDS 23 /* H0STCNI0/9: 23 old, 26 current */

/* Most records one frame may carry (KIS packs up to a few dozen). */
#define KIS_FRAME_MAX_RECORDS 256

#define KIS_FRAME_BOOK_LEVELS 10

enum kis_frame_type {
	KIS_FRAME_DATA = 1,    /* "0|..." or "1|..." */
	KIS_FRAME_CONTROL = 2, /* a JSON object: ack, error, PINGPONG */
};

/* Which of the two a text frame is, from its first byte; KE_EINVAL for
 * anything else (empty, binary, garbage). */
int kis_frame_type(const char *buf, size_t len, enum kis_frame_type *out);

/* A data frame's header; payload points into the caller's buffer. */
struct kis_data_frame {
	int encrypted;  /* 1 for "1|": the payload is Base64 of AES-256-CBC */
	char tr_id[16]; /* "H0STCNT0" */
	int count;      /* records, 1..KIS_FRAME_MAX_RECORDS */
	const char *payload;
	size_t payload_len;
};

/* "<0|1>|<TR_ID>|<count 3 digits>|<payload>". KE_EINVAL (err says why) for
 * a bad flag, an empty or over-long TR id, a count that is not 1..256, a
 * missing '|', or an empty payload. */
int kis_frame_split(const char *buf, size_t len, struct kis_data_frame *out, char *err, size_t errlen);

/* Fields per record of a payload holding count records with at least
 * min_fields each: total '^'-separated fields / count. KE_EINVAL (err)
 * when uneven or below min_fields. */
int kis_frame_fields_per_record(const char *payload, size_t len, int count, int min_fields, int *out, char *err,
                                size_t errlen);

/* H0STCNT0: one trade print. Prices and quantities in won and shares. */
struct kis_trade {
	char symbol[KE_SYMBOL_MAX]; /* 0 MKSC_SHRN_ISCD */
	int32_t hhmmss;             /* 1 STCK_CNTG_HOUR */
	int32_t date;               /* 33 BSOP_DATE YYYYMMDD (0 if empty) */
	int64_t price;              /* 2 STCK_PRPR */
	int64_t change;             /* 4 PRDY_VRSS, signed */
	int64_t open, high, low;    /* 7, 8, 9 */
	int64_t ask1, bid1;         /* 10 ASKP1, 11 BIDP1 (0 if empty) */
	int64_t volume;             /* 12 CNTG_VOL: this print */
	int64_t cum_volume;         /* 13 ACML_VOL */
	int64_t cum_value;          /* 14 ACML_TR_PBMN */
	int side;                   /* 21 CCLD_DVSN: 1 buy-initiated, 5 sell-initiated, 3 pre-open; 0 if empty */
	int halted;                 /* 35 TRHT_YN == "Y" */
	char session[3];            /* 34 NEW_MKOP_CLS_CODE ("20"), "" if empty */
	char hour_cls;              /* 43 HOUR_CLS_CODE ('0' regular), 0 if empty */
};

/* H0STASP0: the 10-level book. Empty price fields read as 0. */
struct kis_book {
	char symbol[KE_SYMBOL_MAX];             /* 0 */
	int32_t hhmmss;                         /* 1 BSOP_HOUR */
	char hour_cls;                          /* 2 HOUR_CLS_CODE, 0 if empty */
	int64_t ask[KIS_FRAME_BOOK_LEVELS];     /* 3..12, best first */
	int64_t bid[KIS_FRAME_BOOK_LEVELS];     /* 13..22, best first */
	int64_t ask_qty[KIS_FRAME_BOOK_LEVELS]; /* 23..32 */
	int64_t bid_qty[KIS_FRAME_BOOK_LEVELS]; /* 33..42 */
	int64_t total_ask_qty, total_bid_qty;   /* 43, 44 */
	int64_t expected_price, expected_qty;   /* 47 ANTC_CNPR, 48 ANTC_CNQN (auctions) */
	int64_t cum_volume;                     /* 53 ACML_VOL */
};

/*
 * Every record of a data frame into out (at most max; KE_ELIMIT if the
 * frame holds more), *n the number read. The frame's tr_id must be the
 * reader's (H0STCNT0 / H0STASP0; KE_EINVAL otherwise) and it must not be
 * encrypted. A record with a malformed number (letters, overflow) or a
 * missing symbol fails the whole frame: KE_EINVAL, err names the record
 * and field index ("H0STCNT0 record 2 field 12 (CNTG_VOL): not a number").
 */
int kis_frame_trades(const struct kis_data_frame *f, struct kis_trade *out, int max, int *n, char *err, size_t errlen);
int kis_frame_books(const struct kis_data_frame *f, struct kis_book *out, int max, int *n, char *err, size_t errlen);

/* ---- control messages (JSON text) ---- */

enum kis_ctl_kind {
	KIS_CTL_PINGPONG = 1, /* header.tr_id "PINGPONG": echo it back */
	KIS_CTL_SUBSCRIBED,   /* rt_cd "0", not an unsubscribe: iv/key present for encrypted TRs */
	KIS_CTL_UNSUBSCRIBED, /* rt_cd "0" and msg1 starting with "UNSUB" (OPSP0001) */
	KIS_CTL_ERROR,        /* rt_cd other than "0": msg_cd says which (OPSP0008, OPSP8996 ...) */
};

struct kis_ctl {
	enum kis_ctl_kind kind;
	char tr_id[16];
	char tr_key[64];
	int encrypt; /* header.encrypt "Y" */
	char rt_cd[4];
	char msg_cd[16];
	char msg[128];
	char iv[17];  /* output.iv: 16 characters, "" when absent */
	char key[33]; /* output.key: 32 characters, "" when absent */
};

/* Classify a control message. KE_EINVAL (err says why) for malformed JSON,
 * a body that is not an object, or no header.tr_id. An iv or key of the
 * wrong length is malformed too (they key AES-256-CBC). */
int kis_frame_control(const char *buf, size_t len, struct kis_ctl *out, char *err, size_t errlen);

/* The subscribe (subscribe 1, tr_type "1") or unsubscribe (0, "2") request
 * for tr_id/tr_key (§5.1) into buf, NUL-terminated, *len its length.
 * custtype 'P' or 'B'. KE_EINVAL for an empty or unsafe (quote, backslash,
 * control character) argument, KE_ELIMIT when buf is too small. */
int kis_frame_subscribe(const char *approval_key, char custtype, int subscribe, const char *tr_id, const char *tr_key,
                        char *buf, size_t cap, size_t *len);

#endif
