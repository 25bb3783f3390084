/*
 * kis_msg.h - KIS REST messages: request bodies and query strings built
 * from engine values, and answers turned into typed rows.
 *
 * Pure: no I/O, no clock, no global state. Builders write into the
 * caller's buffer (no allocation on the order path) and fail with
 * KE_ELIMIT when it is too small. Parsers read a classified answer
 * (kis_reply, kind OK) and append typed rows to a growable list owned by
 * the caller (free it with the matching *_free). Every numeric field is a
 * JSON string at KIS ("71200", "-300", "71234.5678"); money becomes int64
 * won, decimals rounded half away from zero (avg prices). A required field
 * that is missing or malformed is an error whose message names the API,
 * the row and the field ("inquire-balance output1[3].hldg_qty: missing"),
 * never a value of a credential.
 *
 * Field names are matched case-insensitively (KIS's revise/cancel answer
 * is documented lowercase and seen uppercase).
 *
 * Written from the protocol reference (/work/shared/kis-protocol.md §3-§4);
 * it shares no code with kis-sim.
 */
#ifndef KIS_MSG_H
#define KIS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "ke_common.h"
#include "kis_cred.h"
#include "kis_reply.h"
#include "order.h"

#define KIS_MSG_ORGNO_MAX 8  /* KRX_FWDG_ORD_ORGNO, 5 digits */
#define KIS_MSG_ODNO_MAX  16 /* ODNO, 10 digits (mock may send fewer) */
#define KIS_MSG_NAME_MAX  64 /* prdt_name (UTF-8) */

/* A KRX code the client will send: 6 ASCII letters/digits, or 'Q' + 6 (ETN). */
int kis_msg_symbol_ok(const char *symbol);

/* ---- order-cash ---- */

struct kis_msg_order {
	const char *symbol;
	enum order_side side;
	enum order_type type; /* LIMIT -> ORD_DVSN 00, MARKET -> 01 */
	int64_t qty;          /* 1..CORE_MAX_QTY */
	int64_t price;        /* limit: > 0; market: ignored, "0" is sent */
};

/* The JSON body (UPPERCASE keys, all values strings, EXCG_ID_DVSN_CD "KRX",
 * SLL_TYPE and CNDT_PRIC "") into buf; *len its length (buf is
 * NUL-terminated). KE_EINVAL (err says which field), KE_ELIMIT. */
int kis_msg_order_body(const struct kis_credentials *cr, const struct kis_msg_order *o, char *buf, size_t cap,
                       size_t *len, char *err, size_t errlen);

/* ---- order-rvsecncl ---- */

enum kis_msg_rvse_kind { KIS_MSG_REVISE = 1, KIS_MSG_CANCEL = 2 };

struct kis_msg_rvse {
	const char *orgno; /* KRX_FWDG_ORD_ORGNO of the order being changed */
	const char *odno;  /* its ODNO (the latest in its chain) */
	enum kis_msg_rvse_kind kind;
	enum order_type type; /* ORD_DVSN of the result: LIMIT 00, MARKET 01 */
	int all;              /* 1: QTY_ALL_ORD_YN Y (ORD_QTY "0"); 0: qty */
	int64_t qty;          /* when !all: shares to revise or cancel, > 0 */
	int64_t price;        /* revise of a limit order: the new price, > 0;
	                       * cancel or market: "0" is sent */
};

int kis_msg_rvse_body(const struct kis_credentials *cr, const struct kis_msg_rvse *r, char *buf, size_t cap,
                      size_t *len, char *err, size_t errlen);

/* The output of an order-cash or order-rvsecncl answer. */
struct kis_msg_order_ack {
	char orgno[KIS_MSG_ORGNO_MAX];
	char odno[KIS_MSG_ODNO_MAX];
	char ord_tmd[7]; /* HHMMSS, "" when absent */
};

/* KE_EINVAL when output, its ODNO or its KRX_FWDG_ORD_ORGNO is missing. */
int kis_msg_parse_order_ack(const struct kis_reply *rep, struct kis_msg_order_ack *out, char *err, size_t errlen);

/* ---- query strings (no leading '?'; values percent-encoded) ---- */

/* inquire-balance: AFHR_FLPR_YN N, INQR_DVSN 02, UNPR_DVSN 01,
 * FUND_STTL_ICLD_YN N, FNCG_AMT_AUTO_RDPT_YN N, PRCS_DVSN 00, OFL_YN "",
 * and the paging context (NULL = ""). */
int kis_msg_balance_query(const struct kis_credentials *cr, const char *fk100, const char *nk100, char *buf,
                          size_t cap);

enum kis_msg_ccld_fill { KIS_MSG_CCLD_ALL = 0, KIS_MSG_CCLD_FILLED = 1, KIS_MSG_CCLD_UNFILLED = 2 };

struct kis_msg_ccld_filter {
	char start[9], end[9]; /* YYYYMMDD */
	const char *symbol;    /* NULL or "": all */
	int side;              /* 0: all, or SIDE_BUY / SIDE_SELL */
	enum kis_msg_ccld_fill fill;
	const char *odno; /* NULL or "": all */
	int oldest_first; /* INQR_DVSN 01 instead of 00 */
};

/* inquire-daily-ccld (either tr_id: the query is the same). */
int kis_msg_ccld_query(const struct kis_credentials *cr, const struct kis_msg_ccld_filter *f, const char *fk100,
                       const char *nk100, char *buf, size_t cap);

/* inquire-psbl-order for symbol at price (type LIMIT -> 00, MARKET -> 01,
 * price "0" then); CMA_EVLU_AMT_ICLD_YN N, OVRS_ICLD_YN N. */
int kis_msg_psbl_order_query(const struct kis_credentials *cr, const char *symbol, enum order_type type, int64_t price,
                             char *buf, size_t cap);

/* inquire-psbl-rvsecncl (real only): INQR_DVSN_1 0, INQR_DVSN_2 0. */
int kis_msg_psbl_rvsecncl_query(const struct kis_credentials *cr, const char *fk100, const char *nk100, char *buf,
                                size_t cap);

/* inquire-price: FID_COND_MRKT_DIV_CODE J. */
int kis_msg_price_query(const char *symbol, char *buf, size_t cap);

/* inquire-daily-itemchartprice, period D, adjusted prices (FID_ORG_ADJ_PRC 0). */
int kis_msg_daily_chart_query(const char *symbol, const char *from_yyyymmdd, const char *to_yyyymmdd, char *buf,
                              size_t cap);

/* inquire-time-itemchartprice: bars at or before hhmmss today, past data included. */
int kis_msg_minute_chart_query(const char *symbol, const char *hhmmss, char *buf, size_t cap);

/* chk-holiday (real only): BASS_DT, CTX_AREA_NK "", CTX_AREA_FK "". */
int kis_msg_holiday_query(const char *yyyymmdd, char *buf, size_t cap);

/* ---- typed answers ---- */

struct kis_msg_position {
	char symbol[KE_SYMBOL_MAX];
	char name[KIS_MSG_NAME_MAX];
	int64_t qty;             /* hldg_qty */
	int64_t orderable;       /* ord_psbl_qty */
	int64_t avg_price;       /* pchs_avg_pric, rounded to the won */
	int64_t purchase_amount; /* pchs_amt */
	int64_t price;           /* prpr */
	int64_t eval_amount;     /* evlu_amt */
	int64_t pnl;             /* evlu_pfls_amt */
	int64_t today_buy_qty;   /* thdt_buyqty (0 if absent) */
	int64_t today_sell_qty;  /* thdt_sll_qty (0 if absent) */
};

struct kis_msg_cash {
	int64_t deposit;          /* dnca_tot_amt */
	int64_t d1;               /* nxdy_excc_amt */
	int64_t d2;               /* prvs_rcdl_excc_amt */
	int64_t today_buy_amount; /* thdt_buy_amt (0 if absent) */
	int64_t today_sell_amount;
	int64_t today_costs;     /* thdt_tlex_amt (0 if absent) */
	int64_t securities_eval; /* scts_evlu_amt */
	int64_t total_eval;      /* tot_evlu_amt */
	int64_t net_assets;      /* nass_amt (0 if absent) */
	int64_t pnl;             /* evlu_pfls_smtl_amt (0 if absent) */
};

struct kis_msg_balance {
	struct kis_msg_position *pos;
	size_t npos, cap;
	struct kis_msg_cash cash;
	int have_cash; /* output2 was seen */
};

/* Append this page's output1 rows; take output2[0] as the cash (each page
 * repeats it). Rows with hldg_qty 0 (sold out today) are kept. */
int kis_msg_parse_balance(const struct kis_reply *rep, struct kis_msg_balance *acc, char *err, size_t errlen);
void kis_msg_balance_free(struct kis_msg_balance *b);

/* One row of inquire-daily-ccld, or of inquire-psbl-rvsecncl. */
struct kis_msg_ccld_row {
	char date[9]; /* ord_dt YYYYMMDD ("" for psbl-rvsecncl) */
	char orgno[KIS_MSG_ORGNO_MAX];
	char odno[KIS_MSG_ODNO_MAX];
	char orig_odno[KIS_MSG_ODNO_MAX]; /* "" for a new order */
	char symbol[KE_SYMBOL_MAX];
	char name[KIS_MSG_NAME_MAX];
	char ord_dvsn[3]; /* "00" limit, "01" market, ... */
	char ord_tmd[7];  /* HHMMSS */
	enum order_side side;
	int cancel;            /* cncl_yn Y: this row is a cancel order */
	int64_t qty;           /* ord_qty */
	int64_t price;         /* ord_unpr (0 for market) */
	int64_t filled_qty;    /* tot_ccld_qty */
	int64_t filled_amount; /* tot_ccld_amt */
	int64_t avg_price;     /* avg_prvs, rounded to the won */
	int64_t cancelled_qty; /* cnc_cfrm_qty (0 if absent) */
	int64_t remaining;     /* rmn_qty; psbl-rvsecncl: psbl_qty */
	int64_t rejected_qty;  /* rjct_qty (0 if absent) */
};

struct kis_msg_ccld_list {
	struct kis_msg_ccld_row *rows;
	size_t n, cap;
};

/* Append output1[] of a daily-ccld answer. An empty output1 is no rows
 * (KIS sends [] or a single all-blank object: both are accepted). */
int kis_msg_parse_ccld(const struct kis_reply *rep, struct kis_msg_ccld_list *acc, char *err, size_t errlen);
/* Append output[] of a psbl-rvsecncl answer (remaining = psbl_qty). */
int kis_msg_parse_psbl_rvsecncl(const struct kis_reply *rep, struct kis_msg_ccld_list *acc, char *err, size_t errlen);
void kis_msg_ccld_free(struct kis_msg_ccld_list *l);

struct kis_msg_buyable {
	int64_t cash;             /* ord_psbl_cash */
	int64_t calc_price;       /* psbl_qty_calc_unpr */
	int64_t no_margin_amount; /* nrcvb_buy_amt */
	int64_t no_margin_qty;    /* nrcvb_buy_qty */
	int64_t max_amount;       /* max_buy_amt */
	int64_t max_qty;          /* max_buy_qty */
};

int kis_msg_parse_buyable(const struct kis_reply *rep, struct kis_msg_buyable *out, char *err, size_t errlen);

struct kis_msg_quote {
	int64_t price;  /* stck_prpr */
	int64_t change; /* prdy_vrss, signed */
	int64_t open, high, low;
	int64_t upper, lower; /* stck_mxpr, stck_llam */
	int64_t prev_close;   /* stck_sdpr */
	int64_t volume;       /* acml_vol */
	int64_t value;        /* acml_tr_pbmn */
	int64_t tick;         /* aspr_unit (0 if absent) */
	int64_t change_bp;    /* prdy_ctrt x 100, rounded (1.71 -> 171) */
};

int kis_msg_parse_quote(const struct kis_reply *rep, struct kis_msg_quote *out, char *err, size_t errlen);

struct kis_msg_bar {
	int32_t date; /* YYYYMMDD */
	int32_t time; /* HHMMSS; 0 for a daily bar */
	int64_t open, high, low, close, volume;
};

struct kis_msg_bar_list {
	struct kis_msg_bar *bars;
	size_t n, cap;
};

/* Append output2[] of a daily chart answer (KIS sends newest first; rows
 * are appended in the order received). Blank rows are skipped. */
int kis_msg_parse_daily_bars(const struct kis_reply *rep, struct kis_msg_bar_list *acc, char *err, size_t errlen);
/* Append output2[] of a minute chart answer (cntg_vol is the volume). */
int kis_msg_parse_minute_bars(const struct kis_reply *rep, struct kis_msg_bar_list *acc, char *err, size_t errlen);
void kis_msg_bars_free(struct kis_msg_bar_list *l);

/* One row of chk-holiday: a calendar day from BASS_DT on. */
struct kis_msg_day {
	int32_t date;   /* bass_dt YYYYMMDD */
	int weekday;    /* wday_dvsn_cd: 1 Sunday ... 7 Saturday */
	int open;       /* opnd_yn Y: the market opens (what decides whether orders are possible) */
	int business;   /* bzdy_yn Y: bank business day */
	int trading;    /* tr_day_yn Y: securities business day */
	int settlement; /* sttl_day_yn Y */
};

struct kis_msg_day_list {
	struct kis_msg_day *days;
	size_t n, cap;
};

/* Append output[] of a chk-holiday answer. Every flag must be Y or N. */
int kis_msg_parse_holidays(const struct kis_reply *rep, struct kis_msg_day_list *acc, char *err, size_t errlen);
void kis_msg_days_free(struct kis_msg_day_list *l);

/*
 * A KIS decimal string ("71200", "-300", "+5", "71234.5678", " 12 ") as
 * int64 scaled by 10^scale (0..8), rounded half away from zero beyond that.
 * KE_EINVAL for anything else (empty, letters, overflow).
 */
int kis_msg_decimal(const char *s, int scale, int64_t *out);

#endif
