/*
 * dissect_l4.c - ARP, ICMP/ICMPv6 (echo and errors), UDP, TCP; finding the
 * probe nonce in payloads and handing ICMP error quotes to quote.c.
 */
#include <string.h>
#include <sys/socket.h>

#include "dissect_int.h"

#define NV_ARP_HTYPE_ETH 1
#define NV_ARP_HLEN_ETH 6
#define NV_ARP_PLEN_IP4 4

#define NV_ICMP_ECHO_REPLY 0
#define NV_ICMP_UNREACH 3
#define NV_ICMP_SOURCE_QUENCH 4
#define NV_ICMP_REDIRECT 5
#define NV_ICMP_ECHO 8
#define NV_ICMP_TIME_EXCEEDED 11
#define NV_ICMP_PARAM_PROBLEM 12
#define NV_ICMP6_UNREACH 1
#define NV_ICMP6_TOO_BIG 2
#define NV_ICMP6_TIME_EXCEEDED 3
#define NV_ICMP6_PARAM_PROBLEM 4
#define NV_ICMP6_ECHO 128
#define NV_ICMP6_ECHO_REPLY 129
#define NV_ICMP_RFC4884_UNIT 4      /* ICMPv4 length field: 32-bit words */
#define NV_ICMP6_RFC4884_UNIT 8     /* ICMPv6 length field: 64-bit words */
#define NV_TCP_DOFF_SHIFT 4
#define NV_ICMP6_REDIRECT 137
#define NV_ICMP6_REDIRECT_ADDRS 32  /* target and destination after the header */
#define NV_ND_OPT_HLEN 8            /* type, length, 6 reserved (Redirected Header) */
#define NV_ND_OPT_UNIT 8
#define NV_ND_OPT_REDIRECTED 4

void nv_dis_arp(struct nv_dis *d, struct nv_l4info *l4, enum nv_layer l,
		const char *trunc)
{
	uint16_t htype = 0, ptype = 0;
	uint8_t hlen = 0, plen = 0;
	uint8_t tha[NV_ETH_ALEN];

	if (!nv_dis_need(d, NV_ARP_ETH_IP4_LEN, l, trunc))
		return;
	nv_get_be16(&d->c, &htype);
	nv_get_be16(&d->c, &ptype);
	nv_get_u8(&d->c, &hlen);
	nv_get_u8(&d->c, &plen);
	if (htype != NV_ARP_HTYPE_ETH || ptype != NV_ETHERTYPE_IP4 ||
	    hlen != NV_ARP_HLEN_ETH || plen != NV_ARP_PLEN_IP4) {
		nv_dis_stop(d, NV_DIS_MALFORMED, l,
			    l == NV_L_ARP ? "arp.unsupported" : "iarp.unsupported");
		return;
	}
	l4->present = true;
	l4->proto = 0;
	nv_get_be16(&d->c, &l4->arp_op);
	nv_get_bytes(&d->c, l4->arp_sha, NV_ETH_ALEN);
	l4->arp_spa.family = AF_INET;
	nv_get_bytes(&d->c, l4->arp_spa.a, NV_IP4_ALEN);
	nv_get_bytes(&d->c, tha, NV_ETH_ALEN);
	l4->arp_tpa.family = AF_INET;
	nv_get_bytes(&d->c, l4->arp_tpa.a, NV_IP4_ALEN);
}

static bool is_error(int family, uint8_t type)
{
	if (family == AF_INET)
		return type == NV_ICMP_UNREACH || type == NV_ICMP_SOURCE_QUENCH ||
		       type == NV_ICMP_REDIRECT || type == NV_ICMP_TIME_EXCEEDED ||
		       type == NV_ICMP_PARAM_PROBLEM;
	return type == NV_ICMP6_UNREACH || type == NV_ICMP6_TOO_BIG ||
	       type == NV_ICMP6_TIME_EXCEEDED || type == NV_ICMP6_PARAM_PROBLEM;
}

static bool is_echo(int family, uint8_t type)
{
	if (family == AF_INET)
		return type == NV_ICMP_ECHO || type == NV_ICMP_ECHO_REPLY;
	return type == NV_ICMP6_ECHO || type == NV_ICMP6_ECHO_REPLY;
}

/* RFC 4884 original-datagram length, 0 when the field is unused. */
static size_t rfc4884_len(int family, uint8_t type, const uint8_t rest[4])
{
	if (family == AF_INET && (type == NV_ICMP_UNREACH ||
				  type == NV_ICMP_TIME_EXCEEDED ||
				  type == NV_ICMP_PARAM_PROBLEM))
		return (size_t)rest[1] * NV_ICMP_RFC4884_UNIT;
	if (family == AF_INET6 && (type == NV_ICMP6_UNREACH ||
				   type == NV_ICMP6_TIME_EXCEEDED))
		return (size_t)rest[0] * NV_ICMP6_RFC4884_UNIT;
	return 0;
}

/*
 * Inside NVGRE an error quoting a GRE header is the endpoint's own
 * rejection (MS-NVGREE); one quoting an IP header came from the tenant side.
 */
static bool quote_starts_with_gre(const struct nv_cur *q)
{
	size_t left = nv_cur_left(q);

	if (left >= NV_GRE_BASE_LEN &&
	    (q->p[2] << 8 | q->p[3]) == NV_ETHERTYPE_TEB)
		return true;
	return left == 0 || (nv_ip_version(q->p[0]) != NV_IP4_VERSION &&
			     nv_ip_version(q->p[0]) != NV_IP6_VERSION);
}

static void icmp_error(struct nv_dis *d, struct nv_pkt *p, int family,
		       const uint8_t rest[4], bool inner)
{
	size_t qlen = rfc4884_len(family, p->l4.type, rest);
	struct nv_cur q = nv_cur_sub(&d->c, qlen ? qlen : nv_cur_left(&d->c));

	p->quote_off = (uint16_t)nv_cur_off(&d->c);
	p->icmp_type = p->l4.type;
	p->icmp_code = p->l4.code;
	p->icmp_family = family;
	if (inner && !quote_starts_with_gre(&q)) {
		p->inner_icmp_error = true;
		nv_dissect_quote(q.p, nv_cur_left(&q), family, &p->quote);
		return;
	}
	p->is_icmp_error = true;
	p->icmp_in_nvgre = inner;
	if (inner)
		nv_dissect_quote_gre(q.p, nv_cur_left(&q), &p->quote);
	else
		nv_dissect_quote(q.p, nv_cur_left(&q), family, &p->quote);
}

/*
 * ICMPv6 Redirect (RFC 4861 §4.5; MS-NVGREE REDIRECT uses it with code 1):
 * the offending packet sits in the Redirected Header option. Narrows the
 * cursor to that option's data; false if there is none.
 */
static bool redirected_header(struct nv_dis *d)
{
	if (!nv_cur_skip(&d->c, NV_ICMP6_REDIRECT_ADDRS))
		return false;
	while (nv_cur_left(&d->c) >= NV_ND_OPT_HLEN) {
		uint8_t type = d->c.p[0];
		size_t len = (size_t)d->c.p[1] * NV_ND_OPT_UNIT;

		if (len < NV_ND_OPT_HLEN)
			return false;           /* RFC 4861: zero length is invalid */
		if (type == NV_ND_OPT_REDIRECTED) {
			nv_cur_skip(&d->c, NV_ND_OPT_HLEN);
			nv_dis_clamp(d, len - NV_ND_OPT_HLEN);
			return true;
		}
		if (!nv_cur_skip(&d->c, len))
			return false;
	}
	return false;
}

static void icmp(struct nv_dis *d, struct nv_pkt *p, int family, bool inner)
{
	struct nv_l4info *l4 = &p->l4;
	enum nv_layer l = family == AF_INET ? NV_L_ICMP : NV_L_ICMP6;
	uint16_t csum = 0;
	uint8_t rest[4] = { 0 };

	if (!nv_dis_need(d, NV_ICMP_HLEN, l,
			 family == AF_INET ? "icmp.truncated" : "icmp6.truncated"))
		return;
	l4->present = true;
	nv_get_u8(&d->c, &l4->type);
	nv_get_u8(&d->c, &l4->code);
	nv_get_be16(&d->c, &csum);
	nv_get_bytes(&d->c, rest, sizeof(rest));
	if (is_echo(family, l4->type)) {
		l4->id = (uint16_t)(rest[0] << 8 | rest[1]);
		l4->seq = (uint16_t)(rest[2] << 8 | rest[3]);
		l4->has_tag = nv_dis_tag(&d->c, &l4->tag);
	} else if (is_error(family, l4->type)) {
		icmp_error(d, p, family, rest, inner);
	} else if (family == AF_INET6 && l4->type == NV_ICMP6_REDIRECT &&
		   redirected_header(d)) {
		icmp_error(d, p, family, rest, inner);
	}
}

static void udp(struct nv_dis *d, struct nv_l4info *l4)
{
	uint16_t ulen = 0, csum = 0;

	if (!nv_dis_need(d, NV_UDP_HLEN, NV_L_UDP, "udp.truncated"))
		return;
	l4->present = true;
	nv_get_be16(&d->c, &l4->sport);
	nv_get_be16(&d->c, &l4->dport);
	nv_get_be16(&d->c, &ulen);
	nv_get_be16(&d->c, &csum);
	if (ulen < NV_UDP_HLEN) {
		nv_dis_stop(d, NV_DIS_MALFORMED, NV_L_UDP, "udp.bad_length");
		return;
	}
	l4->has_tag = nv_dis_tag(&d->c, &l4->tag);
}

static void tcp(struct nv_dis *d, struct nv_l4info *l4)
{
	struct nv_cur h = d->c;
	uint8_t doff = 0;
	size_t hlen;

	if (!nv_dis_need(d, NV_TCP_MIN_HLEN, NV_L_TCP, "tcp.truncated"))
		return;
	l4->present = true;
	nv_get_be16(&h, &l4->sport);
	nv_get_be16(&h, &l4->dport);
	nv_cur_skip(&h, 8);     /* sequence and acknowledgement numbers */
	nv_get_u8(&h, &doff);
	hlen = (size_t)(doff >> NV_TCP_DOFF_SHIFT) * NV_TCP_DOFF_UNIT;
	if (hlen < NV_TCP_MIN_HLEN) {
		nv_dis_stop(d, NV_DIS_MALFORMED, NV_L_TCP, "tcp.bad_data_offset");
		return;
	}
	if (!nv_dis_need(d, hlen, NV_L_TCP, "tcp.truncated"))
		return;
	nv_cur_skip(&d->c, hlen);
	l4->has_tag = nv_dis_tag(&d->c, &l4->tag);
}

void nv_dis_l4(struct nv_dis *d, struct nv_pkt *p, uint8_t proto, bool inner)
{
	p->l4.proto = proto;
	switch (proto) {
	case NV_PROTO_ICMP:
		icmp(d, p, AF_INET, inner);
		break;
	case NV_PROTO_ICMP6:
		icmp(d, p, AF_INET6, inner);
		break;
	case NV_PROTO_UDP:
		udp(d, &p->l4);
		break;
	case NV_PROTO_TCP:
		tcp(d, &p->l4);
		break;
	default:
		break;
	}
}
