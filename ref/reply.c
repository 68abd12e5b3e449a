/*
 * reply.c - frames the reference endpoint sends: underlay ARP replies, the
 * tenant VM's answers (ARP, ICMP/ICMPv6 echo) encapsulated in the profile's
 * layout, and ICMP errors for policy misses (plain from the PA, or inside
 * NVGRE as MS-NVGREE's UNREACHABLE message). Requests are re-read through
 * the bounded cursor; every length is checked against NV_REF_FRAME_MAX.
 */
#include "nvgrect/ref.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "nvgrect/cursor.h"
#include "nvgrect/tag.h"
#include "wire.h"

#define ARP_HTYPE_ETH 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define ARP_HLEN 6
#define ARP_PLEN4 4
#define ICMP_ECHO_REPLY 0
#define ICMP6_ECHO_REPLY 129
#define IP4_IHL_MASK 0x0f
#define IP6_NH_OFF 6
#define IP6_PLEN_OFF 4
#define IP4_TOTLEN_OFF 2
#define ECHO_IDSEQ_OFF 4        /* id and sequence inside the ICMP header */
#define ND_NS 135
#define ND_NA 136
#define ND_HOPLIMIT 255
#define ND_NA_LEN 32            /* header, target, one TLLA option */
#define ND_NA_SOLICITED 0x40000000u
#define ND_NA_OVERRIDE 0x20000000u
#define ND_OPT_TLLA 2

/* The underlay: ARP for dut.pa is ours to answer (the kernel has no address). */
uint32_t nv_ref_underlay_arp(const struct nv_ref_ctx *c, const uint8_t *frame,
			     uint32_t caplen, struct nv_ref_tx *tx)
{
	struct nv_cur cur;
	uint16_t type, htype, ptype, op;
	uint8_t hlen, plen, sha[6], spa[4], tpa[4];
	uint8_t *b = tx->buf;
	uint32_t n;

	nv_cur_init(&cur, frame, caplen);
	if (c->dut->dut.pa.family != AF_INET || !nv_cur_skip(&cur, 12) ||
	    !nv_get_be16(&cur, &type) || type != W_ETH_P_ARP ||
	    !nv_get_be16(&cur, &htype) || !nv_get_be16(&cur, &ptype) ||
	    !nv_get_u8(&cur, &hlen) || !nv_get_u8(&cur, &plen) ||
	    !nv_get_be16(&cur, &op) || !nv_get_bytes(&cur, sha, 6) ||
	    !nv_get_bytes(&cur, spa, 4) || !nv_cur_skip(&cur, 6) ||
	    !nv_get_bytes(&cur, tpa, 4))
		return 0;
	if (htype != ARP_HTYPE_ETH || ptype != W_ETH_P_IPV4 || hlen != ARP_HLEN ||
	    plen != ARP_PLEN4 || op != ARP_OP_REQUEST ||
	    memcmp(tpa, c->dut->dut.pa.a, 4))
		return 0;
	n = w_eth(b, sha, c->mac, W_ETH_P_ARP);
	w_put16(b + n, ARP_HTYPE_ETH);
	w_put16(b + n + 2, W_ETH_P_IPV4);
	b[n + 4] = ARP_HLEN;
	b[n + 5] = ARP_PLEN4;
	w_put16(b + n + 6, ARP_OP_REPLY);
	memcpy(b + n + 8, c->mac, 6);
	memcpy(b + n + 14, tpa, 4);
	memcpy(b + n + 18, sha, 6);
	memcpy(b + n + 24, spa, 4);
	n += W_ARP_LEN;
	memset(b + n, 0, W_ETH_MIN - n);
	return W_ETH_MIN;
}

/*
 * IPv6 underlay: answer a Neighbor Solicitation for dut.pa (RFC 4861 §7.2.4)
 * with a solicited, override Advertisement carrying our link-layer address.
 * NS options are not parsed: the answer goes to the asker's MAC, and to
 * all-nodes when it asked from the unspecified address (DAD).
 */
static bool nd_solicit_for(const struct nv_ref_ctx *c, const uint8_t *frame,
			   uint32_t caplen, uint8_t smac[6], uint8_t sip[16])
{
	struct nv_cur cur;
	uint16_t type;
	uint8_t nh, hlim, icmp_type, target[16];

	nv_cur_init(&cur, frame, caplen);
	if (c->dut->dut.pa.family != AF_INET6 || !nv_cur_skip(&cur, 6) ||
	    !nv_get_bytes(&cur, smac, 6) || !nv_get_be16(&cur, &type) ||
	    type != W_ETH_P_IPV6 || !nv_cur_skip(&cur, IP6_NH_OFF) ||
	    !nv_get_u8(&cur, &nh) || !nv_get_u8(&cur, &hlim) ||
	    !nv_get_bytes(&cur, sip, 16) || !nv_cur_skip(&cur, 16) ||
	    !nv_get_u8(&cur, &icmp_type) || !nv_cur_skip(&cur, 7) ||
	    !nv_get_bytes(&cur, target, 16))
		return false;
	/* RFC 4861 §7.1.1: hop limit 255, or it came from off-link */
	return nh == IPPROTO_ICMPV6 && hlim == ND_HOPLIMIT && icmp_type == ND_NS &&
	       memcmp(target, c->dut->dut.pa.a, 16) == 0;
}

uint32_t nv_ref_underlay_nd(const struct nv_ref_ctx *c, const uint8_t *frame,
			    uint32_t caplen, struct nv_ref_tx *tx)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t smac[6], sip[16], *b = tx->buf, *na;
	struct nv_addr dst = { .family = AF_INET6 };
	struct w_ip ip = { .src = &c->dut->dut.pa, .dst = &dst, .proto = IPPROTO_ICMPV6,
			   .ttl = ND_HOPLIMIT };
	uint32_t n;
	bool dad;

	if (!nd_solicit_for(c, frame, caplen, smac, sip))
		return 0;
	dad = sip[0] == 0 && !memcmp(sip, sip + 1, 15);
	memcpy(dst.a, dad ? all_nodes : sip, 16);
	n = w_eth(b, dad ? all_nodes_mac : smac, c->mac, W_ETH_P_IPV6);
	n += w_ip(b + n, &ip, ND_NA_LEN);
	na = b + n;
	memset(na, 0, ND_NA_LEN);
	na[0] = ND_NA;
	w_put32(na + 4, dad ? ND_NA_OVERRIDE : ND_NA_SOLICITED | ND_NA_OVERRIDE);
	memcpy(na + 8, c->dut->dut.pa.a, 16);
	na[24] = ND_OPT_TLLA;
	na[25] = 1;                     /* option length in 8-byte units */
	memcpy(na + 26, c->mac, 6);
	w_put16(na + 2, nv_ref_csum(na, ND_NA_LEN, w_pseudo(ip.src, ip.dst,
							     IPPROTO_ICMPV6, ND_NA_LEN)));
	return n + ND_NA_LEN;
}

/* Offset of the inner L3 header (after inner Ethernet and its tags). */
static uint32_t inner_l3_off(const struct nv_pkt *p)
{
	return p->inner_off + W_ETH_LEN + W_VLAN_LEN * (uint32_t)p->invlan;
}

/* Inner Ethernet of the VM's answer; tags are kept as they came (only
 * profiles that deliver tagged frames get here with tags). */
static uint32_t inner_eth(uint8_t *b, const uint8_t *frame, const struct nv_pkt *p,
			  const uint8_t vm[6], uint16_t type)
{
	uint32_t tags = W_VLAN_LEN * (uint32_t)p->invlan;

	memcpy(b, p->ieth_src, 6);
	memcpy(b + 6, vm, 6);
	memcpy(b + 12, frame + p->inner_off + 12, tags);
	w_put16(b + 12 + tags, type);
	return W_ETH_LEN + tags;
}

static uint32_t inner_arp_reply(uint8_t *b, uint32_t room, const struct nv_pkt *p,
				const struct nv_tenant *t, const uint8_t vm[6])
{
	if (room < W_ARP_LEN || t->vm_ca.family != AF_INET ||
	    p->l4.arp_spa.family != AF_INET)
		return 0;
	w_put16(b, ARP_HTYPE_ETH);
	w_put16(b + 2, W_ETH_P_IPV4);
	b[4] = ARP_HLEN;
	b[5] = ARP_PLEN4;
	w_put16(b + 6, ARP_OP_REPLY);
	memcpy(b + 8, vm, 6);
	memcpy(b + 14, t->vm_ca.a, 4);
	memcpy(b + 18, p->l4.arp_sha, 6);
	memcpy(b + 24, p->l4.arp_spa.a, 4);
	return W_ARP_LEN;
}

/*
 * The request's echo body (id, seq, data) as [*off, *off + *len) of frame,
 * so the nonce comes back unchanged. False if the request is cut short.
 */
static bool echo_body(const uint8_t *frame, const struct nv_pkt *p, bool v6,
		      uint32_t *off, uint32_t *len)
{
	struct nv_cur cur;
	uint32_t l3 = inner_l3_off(p), hl;
	uint16_t tot;
	uint8_t b0, nh;

	nv_cur_init(&cur, frame, p->caplen);
	if (!nv_cur_skip(&cur, l3))
		return false;
	if (v6) {
		struct nv_cur h = cur;

		if (!nv_cur_skip(&h, IP6_PLEN_OFF) || !nv_get_be16(&h, &tot) ||
		    !nv_get_u8(&h, &nh) || nh != IPPROTO_ICMPV6)
			return false;
		hl = W_IP6_LEN;
		tot = (uint16_t)(tot + W_IP6_LEN);
	} else {
		struct nv_cur h = cur;

		if (!nv_get_u8(&h, &b0) || !nv_cur_skip(&h, 1) || !nv_get_be16(&h, &tot))
			return false;
		hl = (uint32_t)(b0 & IP4_IHL_MASK) * 4;
	}
	if (tot < hl + W_ICMP_HDR_LEN || !nv_cur_skip(&cur, tot))
		return false;
	*off = l3 + hl + ECHO_IDSEQ_OFF;
	*len = tot - hl - ECHO_IDSEQ_OFF;
	return true;
}

static uint32_t inner_echo_reply(uint8_t *b, uint32_t room, const uint8_t *frame,
				 const struct nv_pkt *p, const struct nv_tenant *t,
				 bool v6, struct nv_ref_tx *tx)
{
	struct w_ip ip = { .src = &t->vm_ca, .dst = &p->iip.src, .tos = p->iip.tos,
			   .proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, .id = tx->ip_id++ };
	uint32_t off, len, hl = w_ip_len(v6 ? AF_INET6 : AF_INET), icmp_len;
	uint8_t *icmp = b + hl;
	uint32_t sum;

	if (!echo_body(frame, p, v6, &off, &len) || t->vm_ca.family != p->iip.src.family)
		return 0;
	icmp_len = ECHO_IDSEQ_OFF + len;
	if (room < hl + icmp_len)
		return 0;
	w_ip(b, &ip, icmp_len);
	icmp[0] = v6 ? ICMP6_ECHO_REPLY : ICMP_ECHO_REPLY;
	icmp[1] = 0;
	w_put16(icmp + 2, 0);
	memcpy(icmp + ECHO_IDSEQ_OFF, frame + off, len);
	sum = v6 ? w_pseudo(ip.src, ip.dst, IPPROTO_ICMPV6, icmp_len) : 0;
	w_put16(icmp + 2, nv_ref_csum(icmp, icmp_len, sum));
	return hl + icmp_len;
}

/* Outer Ethernet + IP + GRE in front of an inner frame of inner_len bytes. */
static uint32_t encap(const struct nv_ref_ctx *c, const struct nv_pkt *p,
		      uint32_t key, uint32_t inner_len, struct nv_ref_tx *tx)
{
	struct w_ip ip = { .src = &c->dut->dut.pa, .dst = &p->ip.src,
			   .proto = IPPROTO_GRE, .df = true, .id = tx->ip_id++ };
	uint8_t *b = tx->buf;
	uint32_t n = w_eth(b, p->eth_src, c->mac, w_ethertype(ip.src->family));

	n += w_ip(b + n, &ip, W_GRE_KEY_LEN + inner_len);
	n += w_gre(b + n, key);
	return n + inner_len;
}

static uint32_t outer_len(const struct nv_ref_ctx *c)
{
	return W_ETH_LEN + w_ip_len(c->dut->dut.pa.family) + W_GRE_KEY_LEN;
}

uint32_t nv_ref_build_answer(const struct nv_ref_ctx *c, const uint8_t *frame,
			     const struct nv_pkt *p,
			     const struct nv_ref_decision *d, struct nv_ref_tx *tx)
{
	uint32_t hdr = outer_len(c), room, n, m = 0;
	uint8_t *b = tx->buf + hdr, vm[6];
	bool v6 = d->answer == NV_REF_ANS_ECHO6;
	uint16_t type = d->answer == NV_REF_ANS_ARP ? W_ETH_P_ARP :
			w_ethertype(v6 ? AF_INET6 : AF_INET);

	if (d->verdict != NV_REF_DELIVER || d->answer == NV_REF_ANS_NONE || !d->tenant)
		return 0;
	nv_ref_vm_mac(d->tenant, vm);
	n = inner_eth(b, frame, p, vm, type);
	room = NV_REF_FRAME_MAX - hdr - n;
	if (d->answer == NV_REF_ANS_ARP)
		m = inner_arp_reply(b + n, room, p, d->tenant, vm);
	else
		m = inner_echo_reply(b + n, room, frame, p, d->tenant, v6, tx);
	if (!m)
		return 0;
	return encap(c, p, nv_ref_tx_key(c->prof, d->tenant->vsid, nv_ref_flow_hash(p)),
		     n + m, tx);
}

/* Bytes of the offending datagram a plain ICMP error quotes (Linux style). */
static uint32_t plain_quote(const struct nv_pkt *p, uint32_t *off, bool v6)
{
	uint32_t avail, total = v6 ? NV_REF_ICMP6_QUOTE_TOTAL : NV_REF_ICMP4_QUOTE_TOTAL;
	uint32_t room = total - w_ip_len(v6 ? AF_INET6 : AF_INET) - W_ICMP_HDR_LEN;
	uint32_t dgram = p->ip.total_len;

	*off = W_ETH_LEN + W_VLAN_LEN * (uint32_t)p->nvlan;
	if (p->caplen <= *off)
		return 0;
	avail = p->caplen - *off;
	if (dgram && dgram < avail)
		avail = dgram;
	return avail < room ? avail : room;
}

/*
 * MS-NVGREE UNREACHABLE quotes "at least the GRE frame, the Inner Ethernet
 * Header, and the Inner IP Header": we quote from the GRE header through the
 * inner IP header plus 8 bytes and the probe nonce, so the probe's key and
 * tag are both recoverable.
 */
static uint32_t nvgre_quote(const uint8_t *frame, const struct nv_pkt *p, uint32_t *off)
{
	uint32_t l3 = inner_l3_off(p), end;

	if (!p->gre.present || !p->has_inner || l3 >= p->caplen)
		return 0;
	*off = p->gre_off;
	if (p->iethertype == W_ETH_P_IPV4)
		end = l3 + (uint32_t)(frame[l3] & IP4_IHL_MASK) * 4;
	else if (p->iethertype == W_ETH_P_IPV6)
		end = l3 + W_IP6_LEN;
	else
		end = l3 + W_ARP_LEN;
	end += W_ICMP_HDR_LEN + NV_NONCE_LEN;
	if (end > p->caplen)
		end = p->caplen;
	return end - *off;
}

/* ICMP(v6) header + quote at b; returns its length. */
static uint32_t icmp_error(uint8_t *b, const struct nv_ref_decision *d,
			   const uint8_t *quote, uint32_t qlen,
			   const struct w_ip *ip)
{
	uint32_t len = W_ICMP_HDR_LEN + qlen;
	uint32_t sum = d->icmp_v6 ? w_pseudo(ip->src, ip->dst, IPPROTO_ICMPV6, len) : 0;

	b[0] = d->icmp_type;
	b[1] = d->icmp_code;
	memset(b + 2, 0, 6);
	memcpy(b + W_ICMP_HDR_LEN, quote, qlen);
	w_put16(b + 2, nv_ref_csum(b, len, sum));
	return len;
}

static uint32_t reject_plain(const struct nv_ref_ctx *c, const uint8_t *frame,
			     const struct nv_pkt *p, const struct nv_ref_decision *d,
			     struct nv_ref_tx *tx)
{
	struct w_ip ip = { .src = &c->dut->dut.pa, .dst = &p->ip.src,
			   .proto = d->icmp_v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP,
			   .tos = W_TOS_INTERNETCONTROL, .id = tx->ip_id++ };
	uint32_t off, qlen = plain_quote(p, &off, d->icmp_v6);
	uint32_t hl = w_ip_len(ip.src->family);
	uint8_t *b = tx->buf;
	uint32_t n = w_eth(b, p->eth_src, c->mac, w_ethertype(ip.src->family));
	uint32_t m = icmp_error(b + n + hl, d, frame + off, qlen, &ip);

	w_ip(b + n, &ip, m);
	return n + hl + m;
}

static uint32_t reject_nvgre(const struct nv_ref_ctx *c, const uint8_t *frame,
			     const struct nv_pkt *p, const struct nv_ref_decision *d,
			     struct nv_ref_tx *tx)
{
	struct w_ip ip = { .src = &c->dut->dut.pa, .dst = &p->ip.src,
			   .proto = d->icmp_v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP,
			   .tos = W_TOS_INTERNETCONTROL, .id = tx->ip_id++ };
	uint32_t off = 0, qlen = nvgre_quote(frame, p, &off);
	uint32_t hl = w_ip_len(ip.src->family), hdr = outer_len(c);
	uint8_t *b = tx->buf + hdr;
	/* Sender NVE MAC <- Receiver NVE MAC: the NVEs' own, not the VMs' */
	uint32_t n = w_eth(b, p->eth_src, c->mac, w_ethertype(ip.src->family));
	uint32_t m = icmp_error(b + n + hl, d, frame + off, qlen, &ip);
	/* the VSID of the received key, re-encoded rfc7637 with FlowID 0 */
	uint32_t key = p->gre.key & ~((1u << NV_RFC7637_VSID_SHIFT) - 1);

	if (!qlen)
		return 0;
	w_ip(b + n, &ip, m);
	return encap(c, p, key, n + hl + m, tx);
}

uint32_t nv_ref_build_reject(const struct nv_ref_ctx *c, const uint8_t *frame,
			     const struct nv_pkt *p,
			     const struct nv_ref_decision *d, struct nv_ref_tx *tx)
{
	if (d->verdict != NV_REF_REJECT)
		return 0;
	if (d->in_nvgre)
		return reject_nvgre(c, frame, p, d, tx);
	return reject_plain(c, frame, p, d, tx);
}
