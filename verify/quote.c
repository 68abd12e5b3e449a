/*
 * quote.c - what an ICMP error quotes of the probe that triggered it.
 *
 * The cursor is clamped to the quote (the caller already applied the RFC 4884
 * length) and then to the quoted IP total length, as tcpdump's print-icmp.c
 * does, so nothing past the original datagram is read. An 8-byte quote with
 * C=0 holds the GRE header and key; with C=1 the key sits 4 bytes later and
 * only a longer quote (Linux quotes up to 576 bytes) has it. Quotes carried
 * inside NVGRE (MS-NVGREE UNREACHABLE) start at the GRE header.
 */
#include <string.h>
#include <sys/socket.h>

#include "dissect_int.h"

#define NV_ICMP_ECHO 8
#define NV_ICMP6_ECHO 128

static const struct nv_ipnames names_ip4_qinner = {
	"quote.iip4_truncated", "quote.iip4_bad_version", "quote.iip4_bad_ihl",
	"quote.iip4_bad_total_len", NULL, NULL, NULL, NULL,
};
static const struct nv_ipnames names_ip6_qinner = {
	"quote.iip6_truncated", "quote.iip6_bad_version", NULL, NULL, NULL, NULL,
	"quote.iip6_too_many_ext", "quote.iip6_ext_truncated",
};

static void quoted_l4(struct nv_dis *d, struct nv_quote *q)
{
	struct nv_cur h = d->c;
	uint8_t type = 0, code = 0;
	uint16_t csum = 0;

	if (q->inner_ip.frag_off != 0)
		return;
	if ((q->inner_ip.proto == NV_PROTO_ICMP || q->inner_ip.proto == NV_PROTO_ICMP6) &&
	    nv_dis_need(d, NV_ICMP_HLEN, NV_L_QUOTE, "quote.icmp_truncated")) {
		nv_get_u8(&h, &type);
		nv_get_u8(&h, &code);
		nv_get_be16(&h, &csum);
		if (type == NV_ICMP_ECHO || type == NV_ICMP6_ECHO) {
			q->has_echo = true;
			nv_get_be16(&h, &q->echo_id);
			nv_get_be16(&h, &q->echo_seq);
		}
	}
	q->has_tag = nv_tag_find(d->c.p, nv_cur_left(&d->c), &q->tag);
}

static void quoted_inner(struct nv_dis *d, struct nv_quote *q)
{
	uint16_t type;

	if (!nv_dis_need(d, NV_ETH_HLEN, NV_L_QUOTE, "quote.ieth_truncated"))
		return;
	q->has_inner_eth = true;
	nv_get_bytes(&d->c, q->inner_dst, NV_ETH_ALEN);
	nv_get_bytes(&d->c, q->inner_src, NV_ETH_ALEN);
	nv_get_be16(&d->c, &type);
	if (!nv_dis_vlans(d, &type, &q->invlan, NULL, NULL, NV_L_QUOTE,
			  "quote.ivlan_truncated", "quote.ivlan_too_deep"))
		return;
	q->iethertype = type;
	if (type == NV_ETHERTYPE_IP4) {
		if (nv_dis_ip4(d, &q->inner_ip, NV_L_QUOTE, &names_ip4_qinner))
			quoted_l4(d, q);
	} else if (type == NV_ETHERTYPE_IP6) {
		if (nv_dis_ip6(d, &q->inner_ip, NV_L_QUOTE, &names_ip6_qinner))
			quoted_l4(d, q);
	} else {
		q->has_tag = nv_tag_find(d->c.p, nv_cur_left(&d->c), &q->tag);
	}
}

static void quoted_gre(struct nv_dis *d, struct nv_quote *q)
{
	if (!nv_dis_gre(d, &q->gre, &q->gre_off, &q->key_off,
			"quote.gre_truncated"))
		return;
	if (q->gre.proto == NV_ETHERTYPE_TEB)
		quoted_inner(d, q);
}

static void quote_init(struct nv_dis *d, const uint8_t *qb, size_t qlen,
		       struct nv_quote *q)
{
	memset(q, 0, sizeof(*q));
	q->present = true;
	q->quote_len = (uint16_t)(qlen > UINT16_MAX ? UINT16_MAX : qlen);
	nv_dis_init(d, qb, qlen, qlen);
	d->quote = true;
}

static void quote_finish(const struct nv_dis *d, struct nv_quote *q)
{
	q->truncated = d->st == NV_DIS_TRUNCATED;
	q->malformed = d->st == NV_DIS_MALFORMED;
	q->finding = d->finding;
}

void nv_dissect_quote(const uint8_t *qb, size_t qlen, int family,
		      struct nv_quote *q)
{
	struct nv_dis d;
	bool ok;
	int v;

	quote_init(&d, qb, qlen, q);
	if (qlen == 0) {
		nv_dis_stop(&d, NV_DIS_TRUNCATED, NV_L_QUOTE, "quote.empty");
		quote_finish(&d, q);
		return;
	}
	v = nv_ip_version(qb[0]);
	if (v != NV_IP4_VERSION && v != NV_IP6_VERSION)   /* let the parser name the fault */
		v = family == AF_INET6 ? NV_IP6_VERSION : NV_IP4_VERSION;
	if (v == NV_IP4_VERSION)
		ok = nv_dis_ip4(&d, &q->ip, NV_L_QUOTE, &nv_names_ip4_quote);
	else
		ok = nv_dis_ip6(&d, &q->ip, NV_L_QUOTE, &nv_names_ip6_quote);
	if (ok && q->ip.frag_off == 0 && q->ip.proto == NV_PROTO_GRE)
		quoted_gre(&d, q);
	else if (ok && q->ip.frag_off == 0)     /* e.g. the tenant stack quoting our inner probe */
		q->has_tag = nv_tag_find(d.c.p, nv_cur_left(&d.c), &q->tag);
	quote_finish(&d, q);
}

void nv_dissect_quote_gre(const uint8_t *qb, size_t qlen, struct nv_quote *q)
{
	struct nv_dis d;

	quote_init(&d, qb, qlen, q);
	q->from_gre = true;
	quoted_gre(&d, q);
	quote_finish(&d, q);
}
