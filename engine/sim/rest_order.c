/*
 * rest_order.c - POST order-cash and order-rvsecncl: the body's UPPERCASE
 * string fields into the venue's request structs, the venue's answer into
 * KIS's JSON.
 *
 * Every required field must be present as a string (kis-protocol §3, §4.1,
 * §4.2); a missing one answers the venue's E_INPUT naming it, before the
 * venue sees the request, so the venue's own checks only ever judge values.
 * The account must be the caller's: at KIS an app key belongs to one
 * account.
 */
#include <stdio.h>
#include <string.h>

#include "rest_internal.h"

struct field {
	const char *name;
	char *dst;
	size_t len;
	int required;
};

/* Reads fields in order; -1 when one answered. */
static int read_fields(struct simrest_ctx *c, const struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (simrest_body_field(c, f[i].name, f[i].required, f[i].dst, f[i].len) != 0)
			return -1;
	return 0;
}

#define FIELD(name, dst, required)                                                                                     \
	{                                                                                                              \
		name, dst, sizeof(dst), required                                                                       \
	}

int simrest_order_cash(struct simrest_ctx *c)
{
	struct simvenue_order_req q;
	char cndt_pric[SIMVENUE_FIELD_MAX];
	memset(&q, 0, sizeof(q));
	const struct field f[] = {
	    FIELD("CANO", q.cano, 1),
	    FIELD("ACNT_PRDT_CD", q.acnt_prdt_cd, 1),
	    FIELD("PDNO", q.pdno, 1),
	    FIELD("ORD_DVSN", q.ord_dvsn, 1),
	    FIELD("ORD_QTY", q.ord_qty, 1),
	    FIELD("ORD_UNPR", q.ord_unpr, 1),
	    FIELD("SLL_TYPE", q.sll_type, 0),
	    /* Only stop-limit orders (ORD_DVSN 22) use it; the venue refuses those. */
	    FIELD("CNDT_PRIC", cndt_pric, 0),
	    FIELD("EXCG_ID_DVSN_CD", q.excg_id_dvsn_cd, 0),
	};
	if (read_fields(c, f, KE_ARRAY_LEN(f)) != 0 || simrest_own_account(c, q.cano, q.acnt_prdt_cd) != 0)
		return c->rc;
	snprintf(q.tr_id, sizeof(q.tr_id), "%s", c->tr->id);
	q.side = c->tr->side;

	struct simvenue_result res;
	struct simvenue_order_ack ack;
	if (simvenue_place(c->w->venue, c->market_ms, &q, &res, &ack) != KE_OK)
		return simrest_venue_msg(c, SIMVENUE_E_INTERNAL, NULL);
	if (simrest_refused(&res))
		return simrest_venue_error(c, &res);
	cJSON *root = simrest_venue_ok(c, &res);
	cJSON *out = simrest_obj(c, root, "output");
	/* UPPERCASE keys: order-cash is the exception of kis-protocol §4.1. */
	simrest_str(c, out, "KRX_FWDG_ORD_ORGNO", ack.krx_fwdg_ord_orgno);
	simrest_str(c, out, "ODNO", ack.odno);
	simrest_str(c, out, "ORD_TMD", ack.ord_tmd);
	return simrest_send(c, res.http_status, root);
}

int simrest_order_rvsecncl(struct simrest_ctx *c)
{
	struct simvenue_rvse_req q;
	char cndt_pric[SIMVENUE_FIELD_MAX];
	memset(&q, 0, sizeof(q));
	const struct field f[] = {
	    FIELD("CANO", q.cano, 1),
	    FIELD("ACNT_PRDT_CD", q.acnt_prdt_cd, 1),
	    FIELD("KRX_FWDG_ORD_ORGNO", q.krx_fwdg_ord_orgno, 1),
	    FIELD("ORGN_ODNO", q.orgn_odno, 1),
	    FIELD("ORD_DVSN", q.ord_dvsn, 1),
	    FIELD("RVSE_CNCL_DVSN_CD", q.rvse_cncl_dvsn_cd, 1),
	    FIELD("ORD_QTY", q.ord_qty, 1),
	    FIELD("ORD_UNPR", q.ord_unpr, 1),
	    FIELD("QTY_ALL_ORD_YN", q.qty_all_ord_yn, 1),
	    FIELD("CNDT_PRIC", cndt_pric, 0),
	    FIELD("EXCG_ID_DVSN_CD", q.excg_id_dvsn_cd, 0),
	};
	if (read_fields(c, f, KE_ARRAY_LEN(f)) != 0 || simrest_own_account(c, q.cano, q.acnt_prdt_cd) != 0)
		return c->rc;
	snprintf(q.tr_id, sizeof(q.tr_id), "%s", c->tr->id);

	struct simvenue_result res;
	struct simvenue_order_ack ack;
	if (simvenue_revise_cancel(c->w->venue, c->market_ms, &q, &res, &ack) != KE_OK)
		return simrest_venue_msg(c, SIMVENUE_E_INTERNAL, NULL);
	if (simrest_refused(&res))
		return simrest_venue_error(c, &res);
	cJSON *root = simrest_venue_ok(c, &res);
	cJSON *out = simrest_obj(c, root, "output");
	/* Lowercase, as the reference documents this output (§4.2). */
	simrest_str(c, out, "krx_fwdg_ord_orgno", ack.krx_fwdg_ord_orgno);
	simrest_str(c, out, "odno", ack.odno);
	simrest_str(c, out, "ord_tmd", ack.ord_tmd);
	return simrest_send(c, res.http_status, root);
}
