/*
 * simvenue.h - kis-sim's venue: accounts, order numbering and validation the
 * KIS way, matching through the one matching engine (simbroker.h), booking of
 * fills with commission and tax, execution notices, and the answers of the
 * account and quote queries.
 *
 * It does no I/O and never reads a clock: every call that can change state
 * takes `now` (ms since the epoch, the replayed market time). The HTTP and
 * WebSocket front end parses a request into one of the request structs below
 * (strings exactly as the client sent them; the venue parses and validates),
 * calls the venue, and turns the result structs into KIS JSON. docs/kis-sim.md
 * describes what is modelled, the codes, and what a front end must know.
 */
#ifndef SIMVENUE_H
#define SIMVENUE_H

#include <stddef.h>
#include <stdint.h>

#include "fee.h"
#include "ke_common.h"
#include "market.h"
#include "order.h"
#include "simacct.h"
#include "simbroker.h"

struct cJSON;

enum simvenue_env { SIMVENUE_MOCK = 1, SIMVENUE_REAL = 2 };

/* Every answer the venue can give, success or refusal. The text of each is a
 * config entry (struct simvenue_msg), so a code KIS is not known to use can
 * be corrected without a rebuild. */
enum simvenue_msg_id {
	SIMVENUE_OK_BUY = 0,     /* order-cash buy accepted */
	SIMVENUE_OK_SELL,        /* order-cash sell accepted */
	SIMVENUE_OK_REVISE,      /* order-rvsecncl revise accepted */
	SIMVENUE_OK_CANCEL,      /* order-rvsecncl cancel accepted */
	SIMVENUE_OK_INQUIRY,     /* account queries */
	SIMVENUE_OK_QUOTE,       /* quotations */
	SIMVENUE_E_ACCOUNT,      /* no such CANO + ACNT_PRDT_CD */
	SIMVENUE_E_INPUT,        /* a field missing or malformed (msg1 names it) */
	SIMVENUE_E_UNSUPPORTED,  /* an ORD_DVSN or exchange kis-sim does not model */
	SIMVENUE_E_SYMBOL,       /* order for a PDNO the venue does not trade */
	SIMVENUE_E_QUOTE_SYMBOL, /* quote of an unknown FID_INPUT_ISCD */
	SIMVENUE_E_QTY,          /* ORD_QTY not a positive integer */
	SIMVENUE_E_TICK,         /* limit price not on the tick grid */
	SIMVENUE_E_UPPER,        /* limit price above the day's upper limit */
	SIMVENUE_E_LOWER,        /* limit price below the day's lower limit */
	SIMVENUE_E_NO_PRICE,     /* the symbol has no price yet (no base for limits) */
	SIMVENUE_E_HOLIDAY,      /* a Saturday or Sunday */
	SIMVENUE_E_BEFORE_OPEN,  /* before the order window opens */
	SIMVENUE_E_AFTER_CLOSE,  /* at or after the order window closes */
	SIMVENUE_E_CASH,         /* buying power too small */
	SIMVENUE_E_HOLDINGS,     /* not enough unpledged shares to sell */
	SIMVENUE_E_NO_ORDER,     /* revise/cancel of an order that does not exist here */
	SIMVENUE_E_NOTHING_LEFT, /* revise/cancel of an order with nothing unfilled */
	SIMVENUE_E_RVSE_QTY,     /* revise/cancel quantity above the unfilled quantity */
	SIMVENUE_E_INTERNAL,     /* out of memory or a broken invariant */
	SIMVENUE_MSG_COUNT
};

struct simvenue_msg {
	int http_status; /* HTTP status the front end answers with */
	char rt_cd[4];   /* "0" success, "1" / "7" failure */
	char msg_cd[16];
	char msg1[KE_REASON_MAX];
};

/* Largest page any paged query returns; the page sizes below are capped here. */
#define SIMVENUE_PAGE_MAX 100

struct simvenue_config {
	enum simvenue_env env;
	char orgno[8];         /* KRX_FWDG_ORD_ORGNO / ORD_GNO_BRNO / BRNC_NO */
	int odno_padded;       /* 1: ODNO "0000006555"; 0: "6555" (old mock captures) */
	int64_t first_odno;    /* the first order number issued, >= 1 */
	struct fee_model fees; /* commission and sell tax per fill */
	struct simbroker_config matcher;
	int64_t limit_ppm;      /* daily price band, parts per million of the base (300000 = 30%) */
	int check_session;      /* 0: accept orders at any hour and day */
	int64_t order_open_ms;  /* KST ms of day from which orders are taken (inclusive) */
	int64_t order_close_ms; /* KST ms of day from which they are refused again */
	int balance_page;       /* inquire-balance rows per page */
	int ccld_page;          /* inquire-daily-ccld rows per page */
	int rvsecncl_page;      /* inquire-psbl-rvsecncl rows per page */
	int reject_log_max;     /* refused order requests kept for the state dump */
	struct simvenue_msg msg[SIMVENUE_MSG_COUNT];
};

/* Defaults for env: codes and texts of that env, ORGNO "00950" (mock) or
 * "06010" (real), padded ODNOs from 1, KIS's 0.0140527% commission and the
 * fee.h tax table, the default matcher, orders taken 09:00-15:30 (mock) or
 * 08:30-15:30 (real), pages 20/15/50 (mock) or 50/100/50 (real). */
void simvenue_config_default(struct simvenue_config *cfg, enum simvenue_env env);

/* Stable name of a message id ("E_CASH"), for config files; NULL if out of range. */
const char *simvenue_msg_name(enum simvenue_msg_id id);

struct simvenue;

/* KE_EINVAL for a config out of range (page sizes 1..SIMVENUE_PAGE_MAX,
 * first_odno >= 1, limit_ppm 1..999999, the matcher's own ranges). */
int simvenue_new(const struct simvenue_config *cfg, struct simvenue **out);
void simvenue_free(struct simvenue *v);
const struct simvenue_config *simvenue_get_config(const struct simvenue *v);

/* ---- symbols: the venue's own table; tick.sym / bar.sym are these ids ---- */

/* Intern code (1..KE_SYMBOL_MAX-1 characters, letters and digits) and give its id. */
int simvenue_symbol(struct simvenue *v, const char *code, int32_t *id);
/* KE_ENOENT if the venue does not know code. */
int simvenue_symbol_find(const struct simvenue *v, const char *code, int32_t *id);
const char *simvenue_symbol_code(const struct simvenue *v, int32_t id); /* NULL if bad id */
/* prdt_name / CNTG_ISNM40; the code until set. */
int simvenue_set_symbol_name(struct simvenue *v, int32_t id, const char *name);
int32_t simvenue_symbol_count(const struct simvenue *v);

/* ---- accounts ---- */

/* Opens an account with the starting cash and holdings of a (symbols are
 * interned). KE_EINVAL for a malformed account or a duplicate CANO+PRDT. */
int simvenue_add_account(struct simvenue *v, const struct simacct_account *a);

/* ---- the market ---- */

/* Move the clock (a new KST day expires yesterday's open orders, resets the
 * day's counters and takes each symbol's last price as its new base). Time
 * never runs backwards: an earlier now is taken as the current time. */
int simvenue_advance(struct simvenue *v, int64_t now);

/* Base price (previous close) of sym for the day of now; the limits follow. */
int simvenue_set_prev_close(struct simvenue *v, int64_t now, int32_t sym, int64_t prev_close);

/* A trade print or a completed bar (time = its end) of a venue symbol: moves
 * the clock to its time, updates the day's quote and fills resting orders. */
int simvenue_on_tick(struct simvenue *v, const struct tick *t);
int simvenue_on_bar(struct simvenue *v, const struct bar *b);

/* ---- execution notices (H0STCNI0 / H0STCNI9) ---- */

enum simvenue_notice_kind {
	SIMVENUE_NOTICE_RECEIPT = 1, /* a new order was taken: CNTG_YN 1, ACPT_YN 1 */
	SIMVENUE_NOTICE_FILL,        /* CNTG_YN 2, ACPT_YN 2 */
	SIMVENUE_NOTICE_REVISED,     /* revise confirmed: RCTF_CLS 1, CNTG_YN 1, ACPT_YN 2 */
	SIMVENUE_NOTICE_CANCELLED,   /* cancel confirmed: RCTF_CLS 2, CNTG_YN 1, ACPT_YN 2 */
	SIMVENUE_NOTICE_REJECTED,    /* after acceptance (expiry): RFUS_YN 1, CNTG_YN 1, ACPT_YN 3 */
};

/* Field values of one notice, in the order of shared/kis-protocol.md 5.7.
 * The front end joins them with '^' (numbers printed as decimal integers),
 * fills the fixed ones (ORD_COND_PRC "0", POPUP_YN "Y", empty CRDT fields)
 * and encrypts. For acknowledgements (CNTG_YN 1) cntg_qty/cntg_unpr carry
 * the order quantity and price, as KIS does. */
struct simvenue_notice {
	enum simvenue_notice_kind kind;
	int64_t time;            /* ms */
	char cust_id[32];        /* 0 HTS ID: the notice's tr_key */
	char acnt_no[11];        /* 1 CANO + ACNT_PRDT_CD */
	char oder_no[16];        /* 2 ODNO of the order (of the revise/cancel order for those) */
	char ooder_no[16];       /* 3 original ODNO ("0000000000" / "0" for a new order) */
	char seln_byov_cls[3];   /* 4 "01" sell, "02" buy */
	char rctf_cls[2];        /* 5 "0" new, "1" revise, "2" cancel */
	char oder_kind[3];       /* 6 ORD_DVSN "00" / "01" */
	char oder_cond[2];       /* 7 "0" */
	char stck_shrn_iscd[16]; /* 8 */
	int64_t cntg_qty;        /* 9 */
	int64_t cntg_unpr;       /* 10 */
	char stck_cntg_hour[7];  /* 11 HHMMSS KST */
	char rfus_yn[2];         /* 12 */
	char cntg_yn[2];         /* 13 */
	char acpt_yn[2];         /* 14 */
	char brnc_no[8];         /* 15 ORGNO */
	int64_t oder_qty;        /* 16 quantity of the order the notice is about */
	char acnt_name[32];      /* 17 "" (no names in the accounts file) */
	char ord_exg_gb[2];      /* 19 "1" KRX */
	char cntg_isnm40[64];    /* 24 symbol name */
	int64_t oder_prc;        /* 25 order price (0 for market) */
};

typedef void (*simvenue_notice_fn)(void *ud, const struct simvenue_notice *n);

/* Called synchronously from the call that caused the notice; it must not
 * call back into the venue. NULL fn turns notices off. */
void simvenue_set_notice_sink(struct simvenue *v, simvenue_notice_fn fn, void *ud);

/* ---- orders ---- */

#define SIMVENUE_FIELD_MAX 32

/* Every call below that answers a request fills one of these. The function
 * itself returns KE_OK whenever it produced an answer (check rt_cd), and
 * KE_EINVAL only for NULL arguments. */
struct simvenue_result {
	enum simvenue_msg_id id;
	int http_status;
	char rt_cd[4];
	char msg_cd[16];
	char msg1[KE_REASON_MAX];
};

/* order-cash: the body fields as sent; side comes from the tr_id. */
struct simvenue_order_req {
	char tr_id[16]; /* kept for the state dump only */
	enum order_side side;
	char cano[SIMVENUE_FIELD_MAX];
	char acnt_prdt_cd[SIMVENUE_FIELD_MAX];
	char pdno[SIMVENUE_FIELD_MAX];
	char ord_dvsn[SIMVENUE_FIELD_MAX];
	char ord_qty[SIMVENUE_FIELD_MAX];
	char ord_unpr[SIMVENUE_FIELD_MAX];
	char excg_id_dvsn_cd[SIMVENUE_FIELD_MAX]; /* "" or "KRX" */
	char sll_type[SIMVENUE_FIELD_MAX];        /* ignored */
};

/* order-rvsecncl body fields as sent. */
struct simvenue_rvse_req {
	char tr_id[16];
	char cano[SIMVENUE_FIELD_MAX];
	char acnt_prdt_cd[SIMVENUE_FIELD_MAX];
	char krx_fwdg_ord_orgno[SIMVENUE_FIELD_MAX];
	char orgn_odno[SIMVENUE_FIELD_MAX];
	char ord_dvsn[SIMVENUE_FIELD_MAX];
	char rvse_cncl_dvsn_cd[SIMVENUE_FIELD_MAX]; /* "01" revise, "02" cancel */
	char ord_qty[SIMVENUE_FIELD_MAX];
	char ord_unpr[SIMVENUE_FIELD_MAX];
	char qty_all_ord_yn[SIMVENUE_FIELD_MAX]; /* "Y" all unfilled, "N" ORD_QTY of it */
	char excg_id_dvsn_cd[SIMVENUE_FIELD_MAX];
};

/* The output of a taken order-cash / order-rvsecncl (empty strings on refusal). */
struct simvenue_order_ack {
	char krx_fwdg_ord_orgno[8];
	char odno[16];
	char ord_tmd[7]; /* HHMMSS KST */
	int64_t odno_num;
};

int simvenue_place(struct simvenue *v, int64_t now, const struct simvenue_order_req *req, struct simvenue_result *res,
                   struct simvenue_order_ack *ack);
int simvenue_revise_cancel(struct simvenue *v, int64_t now, const struct simvenue_rvse_req *req,
                           struct simvenue_result *res, struct simvenue_order_ack *ack);

enum simvenue_order_kind { SIMVENUE_KIND_NEW = 0, SIMVENUE_KIND_REVISE = 1, SIMVENUE_KIND_CANCEL = 2 };

/* One order the venue took. A revise is an order of its own (kind REVISE,
 * orgn_odno = the order it revised) that carries the moved quantity; a
 * cancel is a record (kind CANCEL) whose qty is the quantity cancelled. */
struct simvenue_order_info {
	int64_t odno, orgn_odno; /* orgn_odno 0 for a new order */
	char cano[9], acnt_prdt_cd[3];
	int32_t sym;
	enum order_side side;
	enum simvenue_order_kind kind;
	char ord_dvsn[3];
	int64_t qty;   /* ordered (revise: moved; cancel: cancelled) */
	int64_t price; /* limit price; 0 for market */
	int64_t time;  /* ms when taken */
	int64_t filled_qty, filled_amt, fees, taxes;
	int64_t remaining; /* still working at the matcher */
	int64_t revised_qty, cancelled_qty, expired_qty;
};

/* KE_ENOENT if no order has that number. */
int simvenue_order_get(const struct simvenue *v, int64_t odno, struct simvenue_order_info *out);

/* ---- queries; paged ones take and give an opaque cursor ---- */

#define SIMVENUE_CURSOR_MAX 64

/* Paging state of one answer: next is "" on the last page; tr_cont is the
 * response header value: 'F' first page, more follows; 'M' a later page,
 * more follows; 'D' first and last; 'E' a later page and the last. */
struct simvenue_paging {
	char next[SIMVENUE_CURSOR_MAX];
	char tr_cont;
	int more;
};

struct simvenue_balance_req {
	char cano[SIMVENUE_FIELD_MAX];
	char acnt_prdt_cd[SIMVENUE_FIELD_MAX];
	char cursor[SIMVENUE_CURSOR_MAX]; /* "" for the first page */
};

struct simvenue_balance_row {
	char pdno[KE_SYMBOL_MAX];
	char prdt_name[64];
	int64_t bfdy_buy_qty, bfdy_sll_qty, thdt_buyqty, thdt_sll_qty;
	int64_t hldg_qty, ord_psbl_qty;
	int64_t pchs_avg_pric;    /* won, rounded half up */
	int64_t pchs_avg_pric_e4; /* average x 10^4, truncated: "70433.3333" */
	int64_t pchs_amt, prpr, evlu_amt, evlu_pfls_amt;
	int64_t evlu_pfls_rt_bp; /* evlu_pfls / pchs_amt in basis points (1.71% = 171) */
	int64_t fltt_rt_bp;      /* change of prpr against the base, basis points */
	int64_t bfdy_cprs_icdc;  /* prpr - base */
};

struct simvenue_balance_summary {
	int64_t dnca_tot_amt;       /* settled cash */
	int64_t nxdy_excc_amt;      /* cash once D+1 settles */
	int64_t prvs_rcdl_excc_amt; /* cash once D+2 settles = all trades booked */
	int64_t thdt_buy_amt, thdt_sll_amt, thdt_tlex_amt;
	int64_t bfdy_buy_amt, bfdy_sll_amt, bfdy_tlex_amt;
	int64_t scts_evlu_amt, tot_evlu_amt, nass_amt;
	int64_t pchs_amt_smtl_amt, evlu_amt_smtl_amt, evlu_pfls_smtl_amt;
	int64_t bfdy_tot_asst_evlu_amt, asst_icdc_amt;
};

struct simvenue_balance {
	struct simvenue_result res;
	struct simvenue_balance_row rows[SIMVENUE_PAGE_MAX];
	int nrows;
	struct simvenue_balance_summary sum;
	struct simvenue_paging page;
};

int simvenue_balance(struct simvenue *v, int64_t now, const struct simvenue_balance_req *req,
                     struct simvenue_balance *out);

struct simvenue_ccld_req {
	char cano[SIMVENUE_FIELD_MAX];
	char acnt_prdt_cd[SIMVENUE_FIELD_MAX];
	char inqr_strt_dt[SIMVENUE_FIELD_MAX]; /* YYYYMMDD, "" = today */
	char inqr_end_dt[SIMVENUE_FIELD_MAX];
	char sll_buy_dvsn_cd[SIMVENUE_FIELD_MAX]; /* "00"/"" all, "01" sell, "02" buy */
	char pdno[SIMVENUE_FIELD_MAX];            /* "" all */
	char odno[SIMVENUE_FIELD_MAX];            /* "" all */
	char ccld_dvsn[SIMVENUE_FIELD_MAX];       /* "00"/"" all, "01" filled, "02" unfilled */
	char inqr_dvsn[SIMVENUE_FIELD_MAX];       /* "00"/"" newest first, "01" oldest first */
	char cursor[SIMVENUE_CURSOR_MAX];
};

struct simvenue_ccld_row {
	char ord_dt[9];
	char ord_gno_brno[8];
	char odno[16], orgn_odno[16]; /* orgn_odno "" for a new order */
	char ord_dvsn_cd[3];
	char ord_dvsn_name[16];
	char sll_buy_dvsn_cd[3];
	char sll_buy_dvsn_cd_name[16];
	char pdno[KE_SYMBOL_MAX];
	char prdt_name[64];
	char ord_tmd[7];
	char cncl_yn[2];
	int64_t ord_qty, ord_unpr, tot_ccld_qty, avg_prvs, tot_ccld_amt;
	int64_t cnc_cfrm_qty, rmn_qty, rjct_qty;
};

struct simvenue_ccld {
	struct simvenue_result res;
	struct simvenue_ccld_row rows[SIMVENUE_PAGE_MAX];
	int nrows;
	/* output2, over every row the filters select (not only this page) */
	int64_t tot_ord_qty, tot_ccld_qty, tot_ccld_amt, prsm_tlex_smtl, pchs_avg_pric;
	struct simvenue_paging page;
};

int simvenue_daily_ccld(struct simvenue *v, int64_t now, const struct simvenue_ccld_req *req,
                        struct simvenue_ccld *out);

struct simvenue_psbl_order_req {
	char cano[SIMVENUE_FIELD_MAX];
	char acnt_prdt_cd[SIMVENUE_FIELD_MAX];
	char pdno[SIMVENUE_FIELD_MAX];     /* "" gives the cash only */
	char ord_unpr[SIMVENUE_FIELD_MAX]; /* "" or "0" with ORD_DVSN 00: the current price */
	char ord_dvsn[SIMVENUE_FIELD_MAX]; /* "00" limit, "01" market (upper limit) */
};

struct simvenue_psbl_order {
	struct simvenue_result res;
	int64_t ord_psbl_cash, ord_psbl_sbst, ruse_psbl_amt;
	int64_t psbl_qty_calc_unpr;
	int64_t nrcvb_buy_amt, nrcvb_buy_qty, max_buy_amt, max_buy_qty;
	int64_t cma_evlu_amt;
};

int simvenue_psbl_order(struct simvenue *v, int64_t now, const struct simvenue_psbl_order_req *req,
                        struct simvenue_psbl_order *out);

struct simvenue_rvsecncl_req {
	char cano[SIMVENUE_FIELD_MAX];
	char acnt_prdt_cd[SIMVENUE_FIELD_MAX];
	char inqr_dvsn_1[SIMVENUE_FIELD_MAX]; /* "0"/"" by order, "1" by symbol */
	char inqr_dvsn_2[SIMVENUE_FIELD_MAX]; /* "0"/"" all, "1" sell, "2" buy */
	char cursor[SIMVENUE_CURSOR_MAX];
};

struct simvenue_rvsecncl_row {
	char ord_gno_brno[8];
	char odno[16], orgn_odno[16];
	char ord_dvsn_cd[3];
	char ord_dvsn_name[16];
	char sll_buy_dvsn_cd[3];
	char pdno[KE_SYMBOL_MAX];
	char prdt_name[64];
	char ord_tmd[7];
	int64_t ord_qty, ord_unpr, tot_ccld_qty, tot_ccld_amt, psbl_qty;
};

struct simvenue_rvsecncl {
	struct simvenue_result res;
	struct simvenue_rvsecncl_row rows[SIMVENUE_PAGE_MAX];
	int nrows;
	struct simvenue_paging page;
};

int simvenue_psbl_rvsecncl(struct simvenue *v, int64_t now, const struct simvenue_rvsecncl_req *req,
                           struct simvenue_rvsecncl *out);

/* inquire-price (and the numbers H0STCNT0 needs). Before the day's first
 * trade the price is the base and open/high/low are 0. */
struct simvenue_quote {
	struct simvenue_result res;
	char pdno[KE_SYMBOL_MAX];
	char name[64];
	int64_t stck_prpr, prdy_vrss;
	char prdy_vrss_sign[2]; /* 1 upper limit, 2 up, 3 unchanged, 4 lower limit, 5 down */
	int64_t prdy_ctrt_bp;   /* change against the base, basis points, half away from zero */
	int64_t acml_vol, acml_tr_pbmn;
	int64_t stck_oprc, stck_hgpr, stck_lwpr;
	int64_t stck_mxpr, stck_llam, stck_sdpr;
	int64_t aspr_unit, hts_deal_qty_unit_val;
	int64_t wghn_avrg_stck_prc; /* acml_tr_pbmn / acml_vol, 0 without volume */
	int64_t last_time;          /* ms of the last print, 0 for none today */
};

int simvenue_quote(struct simvenue *v, int64_t now, const char *pdno, struct simvenue_quote *out);

/* ---- chart history (inquire-daily-itemchartprice, inquire-time-itemchartprice) ----
 *
 * The venue records what it is fed: per symbol, today's one-minute bars
 * (stamped at their end: prints in [09:00, 09:01) make the 09:01 bar; a fed
 * bar counts in the minute its time ends) and one daily bar per trading day
 * of the run. Minutes without a print have no bar. */

#define SIMVENUE_DAILY_BARS_MAX  100 /* rows per inquire-daily-itemchartprice call */
#define SIMVENUE_MINUTE_BARS_MAX 30  /* rows per inquire-time-itemchartprice call */

struct simvenue_daily_bar {
	int32_t yyyymmdd;
	int64_t open, high, low, close, volume, value;
	int64_t prdy_vrss;      /* close - the day's base (previous close) */
	char prdy_vrss_sign[2]; /* as simvenue_quote: 1 upper limit, 2 up, 3 unchanged, 4 lower limit, 5 down */
};

/* Daily bars of pdno with from <= date <= to (YYYYMMDD; 0 = unbounded),
 * newest first, at most min(max, SIMVENUE_DAILY_BARS_MAX); today's is the
 * day so far. KE_ENOENT for an unknown pdno. */
int simvenue_daily_bars(struct simvenue *v, int64_t now, const char *pdno, int32_t from_yyyymmdd, int32_t to_yyyymmdd,
                        struct simvenue_daily_bar *out, int max, int *n);

struct simvenue_minute_bar {
	int32_t yyyymmdd;
	int32_t hhmmss; /* the bar's end, e.g. 90100 for 09:01:00 */
	int64_t open, high, low, close, volume, value;
	int64_t acml_value; /* the day's traded value through this bar */
};

/* Today's minute bars of pdno ending at or before hhmmss (HHMMSS as a
 * number), newest first, at most min(max, SIMVENUE_MINUTE_BARS_MAX). A
 * negative hhmmss, or one at or after now, means now: every bar so far,
 * the still-forming one included. KE_EINVAL for an hhmmss that is not a
 * time of day, KE_ENOENT for an unknown pdno. */
int simvenue_minute_bars(struct simvenue *v, int64_t now, const char *pdno, int32_t hhmmss,
                         struct simvenue_minute_bar *out, int max, int *n);

/* ---- inspection ---- */

struct simvenue_counters {
	int64_t place_requests, place_refused;
	int64_t rvse_requests, rvse_refused;
	int64_t orders, revises, cancels, fills, expired, notices;
	int64_t ticks, bars, queries;
	int64_t book_errors; /* fills the account could not book (should stay 0) */
};

void simvenue_get_counters(const struct simvenue *v, struct simvenue_counters *out);

/* GET /_sim/state: a new cJSON object with the clock, every order taken
 * (with its request), every refused request kept, every fill, cash and
 * positions per account, and the counters. The caller frees it. */
int simvenue_dump(const struct simvenue *v, struct cJSON **out);

/* ---- small formatters the front end needs ---- */

/* Basis points as a KIS percentage string: 171 -> "1.71", -5 -> "-0.05". buf >= 24. */
void simvenue_format_bp(int64_t bp, char *buf, size_t len);

/* An order number as this venue prints it (padded or not). buf >= 16. */
void simvenue_format_odno(const struct simvenue *v, int64_t odno, char *buf, size_t len);

#endif
