/*
 * kis_notice.h - execution notices (H0STCNI0 real / H0STCNI9 mock,
 * protocol reference §5.7): decrypted and read into typed records.
 *
 * The payload of a notice frame is Base64 of AES-256-CBC with PKCS#7
 * padding; key and iv are the 32 and 16 ASCII bytes of that subscription's
 * ack (output.key, output.iv). Decryption uses OpenSSL EVP into the
 * caller's buffer. The plain text is '^'-separated fields, 26 per record
 * now, 23 before 2025-03; both are read (by index), extra trailing fields
 * are ignored.
 *
 * Pure apart from OpenSSL: no I/O, no clock, no global state. Shares no
 * code with kis-sim.
 */
#ifndef KIS_NOTICE_H
#define KIS_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "ke_common.h"
#include "order.h"

struct kis_notice_key {
	unsigned char key[32];
	unsigned char iv[16];
};

/* From the ack's strings: key exactly 32 characters, iv exactly 16.
 * KE_EINVAL otherwise. */
int kis_notice_key_set(struct kis_notice_key *k, const char *key, const char *iv);

/*
 * Base64-decode and decrypt b64 (len bytes, no newlines) into out (cap
 * bytes), NUL-terminated, *out_len the plain length. KE_EINVAL (err says
 * why: not Base64, not a whole number of blocks, bad padding - which is
 * also what a wrong key gives), KE_ELIMIT when out is too small (the plain
 * text is at most the decoded length). Never reads or writes past the
 * given lengths.
 */
int kis_notice_decrypt(const struct kis_notice_key *k, const char *b64, size_t len, char *out, size_t cap,
                       size_t *out_len, char *err, size_t errlen);

enum kis_notice_change {
	KIS_NOTICE_NEW = 0,    /* RCTF_CLS 0 */
	KIS_NOTICE_REVISE = 1, /* 1 */
	KIS_NOTICE_CANCEL = 2, /* 2 */
};

struct kis_notice {
	char hts_id[64];               /* 0 CUST_ID */
	char account[16];              /* 1 ACNT_NO: 10 digits, CANO + ACNT_PRDT_CD */
	char odno[16];                 /* 2 ODER_NO */
	char orig_odno[16];            /* 3 OODER_NO ("" or zeros for a new order) */
	enum order_side side;          /* 4 SELN_BYOV_CLS: 01 sell, 02 buy */
	enum kis_notice_change change; /* 5 RCTF_CLS */
	char ord_kind[3];              /* 6 ODER_KIND (ORD_DVSN: "00" limit, "01" market ...) */
	char symbol[KE_SYMBOL_MAX];    /* 8 STCK_SHRN_ISCD */
	int64_t qty;                   /* 9 CNTG_QTY: a fill's quantity, or the order's for an ack */
	int64_t price;                 /* 10 CNTG_UNPR: a fill's price, or the order's for an ack */
	int32_t hhmmss;                /* 11 STCK_CNTG_HOUR */
	int rejected;                  /* 12 RFUS_YN == "1" */
	int is_fill;         /* 13 CNTG_YN == "2" (1: acknowledgement of an order, revise, cancel or reject) */
	int accept;          /* 14 ACPT_YN: 1 received, 2 confirmed, 3 cancelled (IOC/FOK); 0 if empty */
	char branch[8];      /* 15 BRNC_NO */
	int64_t order_qty;   /* 16 ODER_QTY (0 if empty) */
	int64_t order_price; /* 25 ODER_PRC (26-field records; 22 in the 23-field form; 0 if empty) */
	int fields;          /* fields per record seen (23, 26, or more) */
};

/*
 * Read count records from the plain text (after kis_notice_decrypt) into
 * out (at most max; KE_ELIMIT if more), *n the number read. Fields per
 * record = total / count, at least 23. KE_EINVAL (err names the record and
 * field) for a malformed number, side or flag, or an uneven split.
 */
int kis_notice_parse(const char *text, size_t len, int count, struct kis_notice *out, int max, int *n, char *err,
                     size_t errlen);

#endif
