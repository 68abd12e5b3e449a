/*
 * reply.c - frames the reference endpoint sends: underlay ARP/ND answers, the
 * tenant VM's answers (ARP, ICMP/ICMPv6 echo) encapsulated in the profile's
 * layout, and ICMP errors for policy misses (plain from the PA, or inside
 * NVGRE as MS-NVGREE's UNREACHABLE message). Requests are re-read through
 * the bounded cursor; every length is checked against NV_REF_FRAME_MAX.
 */
#include "nvgrect/ref.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "nvgrect/crc32.h"
#include "nvgrect/cursor.h"
#include "nvgrect/tag.h"
#include "wire.h"

#define ICMP_ECHO_REPLY 0
#define ICMP6_ECHO_REPLY 129
#define ND_NS 135
#define ND_NA 136
#define ND_HOPLIMIT 255
#define ND_NA_SOLICITED 0x40000000u
#define ND_NA_OVERRIDE 0x20000000u
#define ND_NA_BODY (W_ND_NA_LEN - W_ICMP_HDR_LEN)
#define GRE_F_SEQ 0x1000
#define GRE_SEQ_LEN 4
#define VLAN_TPID 0x8100
#define VLAN_VID_MASK 0x0fff
#define IP4_MF 0x2000
#define IP4_FRAG_UNIT 8

static const uint8_t no_rest[4];
static const uint8_t all_nodes[W_IP6_ALEN] = { 0xff, 0x02, [15] = 1 };
static const uint8_t unspecified[W_IP6_ALEN];

/* The underlay: ARP for dut.pa is ours to answer (the kernel has no address). */
uint32_t nv_ref_underlay_arp(const struct nv_ref_ctx *c, const uint8_t *frame,
			     uint32_t caplen, struct nv_ref_tx *tx)
{
	struct nv_cur cur;
	uint16_t type, htype, ptype, op;
	uint8_t hlen, plen, sha[W_MAC_LEN], spa[W_IP4_ALEN], tpa[W_IP4_ALEN];
	uint32_t n;

	nv_cur_init(&cur, frame, caplen);
	if (c->dut->dut.pa.family != AF_INET || !nv_cur_skip(&cur, W_ETH_OFF_TYPE) ||
	    !nv_get_be16(&cur, &type) || type != W_ETH_P_ARP ||
	    !nv_get_be16(&cur, &htype) || !nv_get_be16(&cur, &ptype) ||
	    !nv_get_u8(&cur, &hlen) || !nv_get_u8(&cur, &plen) ||
	    !nv_get_be16(&cur, &op) || !nv_get_bytes(&cur, sha, W_MAC_LEN) ||
	    !nv_get_bytes(&cur, spa, W_IP4_ALEN) || !nv_cur_skip(&cur, W_MAC_LEN) ||
	    !nv_get_bytes(&cur, tpa, W_IP4_ALEN))
		return 0;
	if (htype != W_ARP_HTYPE_ETH || ptype != W_ETH_P_IPV4 || hlen != W_MAC_LEN ||
	    plen != W_IP4_ALEN || op != W_ARP_OP_REQUEST ||
	    memcmp(tpa, c->dut->dut.pa.a, W_IP4_ALEN))
		return 0;
	n = w_eth(tx->buf, sha, c->mac, W_ETH_P_ARP);
	n += w_arp(tx->buf + n, W_ARP_OP_REPLY, c->mac, tpa, sha, spa);
	memset(tx->buf + n, 0, W_ETH_MIN - n);
	return W_ETH_MIN;
}

/* IPv6 header + Neighbor Advertisement for target at mac (RFC 4861 §7.2.4). */
static uint32_t nd_advert(uint8_t *b, const struct w_ip *ip, const uint8_t target[16],
			  const uint8_t mac[6], bool solicited)
{
	uint8_t flags[4], body[ND_NA_BODY];
	uint32_t n = w_ip(b, ip, W_ND_NA_LEN);

	w_put32(flags, solicited ? ND_NA_SOLICITED | ND_NA_OVERRIDE : ND_NA_OVERRIDE);
	/* body after the 8-byte header: target, then the TLLA option */
	memcpy(body, target, W_IP6_ALEN);
	body[W_ND_OFF_OPT - W_ICMP_HDR_LEN] = W_ND_OPT_TLLA;
	body[W_ND_OFF_OPT - W_ICMP_HDR_LEN + 1] = W_ND_OPT_LEN_UNITS;
	memcpy(body + W_ND_OFF_OPT - W_ICMP_HDR_LEN + 2, mac, W_MAC_LEN);
	return n + w_icmp(b + n, ND_NA, 0, flags, body, sizeof(body), ip);
}

/* Is this a Neighbor Solicitation for dut.pa? Copies the asker's MAC and IP. */
static bool nd_solicit_for(const struct nv_ref_ctx *c, const uint8_t *frame,
			   uint32_t caplen, uint8_t smac[6], uint8_t sip[16])
{
	struct nv_cur cur;
	uint16_t type;
	uint8_t nh, hlim, icmp_type, target[W_IP6_ALEN];

	nv_cur_init(&cur, frame, caplen);
	if (c->dut->dut.pa.family != AF_INET6 || !nv_cur_skip(&cur, W_ETH_OFF_SRC) ||
	    !nv_get_bytes(&cur, smac, W_MAC_LEN) || !nv_get_be16(&cur, &type) ||
	    type != W_ETH_P_IPV6 || !nv_cur_skip(&cur, W_IP6_OFF_NH) ||
	    !nv_get_u8(&cur, &nh) || !nv_get_u8(&cur, &hlim) ||
	    !nv_get_bytes(&cur, sip, W_IP6_ALEN) || !nv_cur_skip(&cur, W_IP6_ALEN) ||
	    !nv_get_u8(&cur, &icmp_type) || !nv_cur_skip(&cur, W_ND_OFF_TARGET - 1) ||
	    !nv_get_bytes(&cur, target, W_IP6_ALEN))
		return false;
	/* RFC 4861 §7.1.1: hop limit 255, or it came from off-link */
	return nh == IPPROTO_ICMPV6 && hlim == ND_HOPLIMIT && icmp_type == ND_NS &&
	       memcmp(target, c->dut->dut.pa.a, W_IP6_ALEN) == 0;
}

/*
 * IPv6 underlay: answer a Neighbor Solicitation for dut.pa (RFC 4861 §7.2.4)
 * with a solicited, override Advertisement carrying our link-layer address.
 * NS options are not parsed: the answer goes to the asker's MAC, and to
 * all-nodes when it asked from the unspecified address (DAD).
 */
uint32_t nv_ref_underlay_nd(const struct nv_ref_ctx *c, const uint8_t *frame,
			    uint32_t caplen, struct nv_ref_tx *tx)
{
	static const uint8_t all_nodes_mac[W_MAC_LEN] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t smac[W_MAC_LEN], sip[W_IP6_ALEN];
	struct nv_addr dst = { .family = AF_INET6 };
	struct w_ip ip = { .src = &c->dut->dut.pa, .dst = &dst, .proto = IPPROTO_ICMPV6,
			   .ttl = ND_HOPLIMIT };
	uint8_t *b = tx->buf;
	uint32_t n;
	bool dad;

	if (!nd_solicit_for(c, frame, caplen, smac, sip))
		return 0;
	dad = memcmp(sip, unspecified, W_IP6_ALEN) == 0;
	memcpy(dst.a, dad ? all_nodes : sip, W_IP6_ALEN);
	n = w_eth(b, dad ? all_nodes_mac : smac, c->mac, W_ETH_P_IPV6);
	return n + nd_advert(b + n, &ip, c->dut->dut.pa.a, c->mac, !dad);
}

/* Offset of the inner L3 header (after inner Ethernet and its tags). */
static uint32_t inner_l3_off(const struct nv_pkt *p)
{
	return p->inner_off + W_ETH_LEN + W_VLAN_LEN * (uint32_t)p->invlan;
}

/* Inner Ethernet of the VM's answer; tags are kept as they came (only
 * profiles that deliver tagged frames get here with tags). */
static uint32_t inner_eth(uint8_t *b, const uint8_t *frame, const struct nv_pkt *p,
			  const uint8_t vm[6], uint16_t type, uint16_t add_vid)
{
	uint32_t tags = W_VLAN_LEN * (uint32_t)p->invlan;

	memcpy(b, p->ieth_src, W_MAC_LEN);
	memcpy(b + W_ETH_OFF_SRC, vm, W_MAC_LEN);
	memcpy(b + W_ETH_OFF_TYPE, frame + p->inner_off + W_ETH_OFF_TYPE, tags);
	if (add_vid) {
		/* sloppy-sender: the VM's tag left on (RFC 7637 §3.3 says remove it) */
		w_put16(b + W_ETH_OFF_TYPE + tags, VLAN_TPID);
		w_put16(b + W_ETH_OFF_TYPE + tags + 2, add_vid & VLAN_VID_MASK);
		tags += W_VLAN_LEN;
	}
	w_put16(b + W_ETH_OFF_TYPE + tags, type);
	return W_ETH_LEN + tags;
}

static uint32_t inner_arp_reply(uint8_t *b, uint32_t room, const struct nv_pkt *p,
				const struct nv_tenant *t, const uint8_t vm[6])
{
	if (room < W_ARP_LEN || t->vm_ca.family != AF_INET ||
	    p->l4.arp_spa.family != AF_INET)
		return 0;
	return w_arp(b, W_ARP_OP_REPLY, vm, t->vm_ca.a, p->l4.arp_sha, p->l4.arp_spa.a);
}

/* Where an echo request's parts lie in the frame: id/seq, then data. */
struct echo_req {
	uint32_t idseq_off;
	uint32_t data_off, data_len;
};

/* Locate the request's echo body, so the nonce comes back unchanged.
 * False if the request is cut short or not laid out as expected. */
static bool echo_body(const uint8_t *frame, const struct nv_pkt *p, bool v6,
		      struct echo_req *e)
{
	struct nv_cur cur, h;
	uint32_t l3 = inner_l3_off(p), hl;
	uint16_t tot;
	uint8_t b0, nh;

	nv_cur_init(&cur, frame, p->caplen);
	if (!nv_cur_skip(&cur, l3))
		return false;
	h = cur;
	if (v6) {
		if (!nv_cur_skip(&h, W_IP6_OFF_PLEN) || !nv_get_be16(&h, &tot) ||
		    !nv_get_u8(&h, &nh) || nh != IPPROTO_ICMPV6)
			return false;
		hl = W_IP6_LEN;
		tot = (uint16_t)(tot + W_IP6_LEN);
	} else {
		if (!nv_get_u8(&h, &b0) || !nv_cur_skip(&h, W_IP4_OFF_TOTLEN - 1) ||
		    !nv_get_be16(&h, &tot))
			return false;
		hl = (uint32_t)(b0 & W_IP4_IHL_MASK) * 4;
	}
	if (tot < hl + W_ICMP_HDR_LEN || !nv_cur_skip(&cur, tot))
		return false;
	e->idseq_off = l3 + hl + W_ICMP_OFF_REST;
	e->data_off = l3 + hl + W_ICMP_HDR_LEN;
	e->data_len = tot - hl - W_ICMP_HDR_LEN;
	return true;
}

static uint32_t inner_echo_reply(uint8_t *b, uint32_t room, const uint8_t *frame,
				 const struct nv_pkt *p, const struct nv_tenant *t,
				 bool v6, struct nv_ref_tx *tx)
{
	struct w_ip ip = { .src = &t->vm_ca, .dst = &p->iip.src, .tos = p->iip.tos,
			   .proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, .id = tx->ip_id++ };
	uint32_t hl = w_ip_len(v6 ? AF_INET6 : AF_INET), icmp_len;
	struct echo_req e;

	if (!echo_body(frame, p, v6, &e) || t->vm_ca.family != p->iip.src.family)
		return 0;
	icmp_len = W_ICMP_HDR_LEN + e.data_len;
	if (room < hl + icmp_len)
		return 0;
	w_ip(b, &ip, icmp_len);
	return hl + w_icmp(b + hl, v6 ? ICMP6_ECHO_REPLY : ICMP_ECHO_REPLY, 0,
			   frame + e.idseq_off, frame + e.data_off, e.data_len,
			   v6 ? &ip : NULL);
}

/* The VM's Advertisement, if the solicitation's target is its CA. */
static uint32_t inner_nd_reply(uint8_t *b, uint32_t room, const uint8_t *frame,
			       const struct nv_pkt *p, const struct nv_tenant *t,
			       const uint8_t vm[6])
{
	struct nv_addr dst = p->iip.src;
	struct w_ip ip = { .src = &t->vm_ca, .dst = &dst, .proto = IPPROTO_ICMPV6,
			   .ttl = ND_HOPLIMIT };
	uint8_t target[W_IP6_ALEN];
	struct nv_cur cur;
	bool dad;

	nv_cur_init(&cur, frame, p->caplen);
	if (room < W_IP6_LEN + W_ND_NA_LEN || t->vm_ca.family != AF_INET6 ||
	    !nv_cur_skip(&cur, inner_l3_off(p) + W_IP6_LEN + W_ND_OFF_TARGET) ||
	    !nv_get_bytes(&cur, target, W_IP6_ALEN) ||
	    memcmp(target, t->vm_ca.a, W_IP6_ALEN))
		return 0;
	dad = memcmp(dst.a, unspecified, W_IP6_ALEN) == 0;
	if (dad)
		memcpy(dst.a, all_nodes, W_IP6_ALEN);
	return nd_advert(b, &ip, t->vm_ca.a, vm, !dad);
}

static void ip4_refrag(uint8_t *ip, uint32_t total, uint16_t frag)
{
	w_put16(ip + W_IP4_OFF_TOTLEN, (uint16_t)total);
	w_put16(ip + W_IP4_OFF_FRAG, frag);
	w_put16(ip + W_IP4_OFF_CSUM, 0);
	w_put16(ip + W_IP4_OFF_CSUM, nv_ref_csum(ip, W_IP4_LEN, 0));
}

/*
 * sloppy-sender: an outer IPv4 datagram over tx_frag_over bytes leaves as
 * two fragments (RFC 7637 §4.4 forbids it). The first stays in place (its
 * length is returned), the second goes to tx->more_off.
 */
static uint32_t fragment(const struct nv_ref_ctx *c, struct nv_ref_tx *tx, uint32_t n)
{
	uint32_t limit = c->prof->tx_frag_over, dgram = n - W_ETH_LEN, first, rest;
	uint8_t *ip = tx->buf + W_ETH_LEN, *f2 = tx->buf + n;

	if (!limit || c->dut->dut.pa.family != AF_INET || dgram <= limit)
		return n;
	first = (limit - W_IP4_LEN) & ~(IP4_FRAG_UNIT - 1u);
	rest = dgram - W_IP4_LEN - first;
	if (n + W_ETH_LEN + W_IP4_LEN + rest > NV_REF_FRAME_MAX)
		return n;
	memcpy(f2, tx->buf, W_ETH_LEN + W_IP4_LEN);
	memcpy(f2 + W_ETH_LEN + W_IP4_LEN, ip + W_IP4_LEN + first, rest);
	ip4_refrag(ip, W_IP4_LEN + first, IP4_MF);
	ip4_refrag(f2 + W_ETH_LEN, W_IP4_LEN + rest, (uint16_t)(first / IP4_FRAG_UNIT));
	tx->more_off = n;
	tx->more_len = W_ETH_LEN + W_IP4_LEN + rest;
	return W_ETH_LEN + W_IP4_LEN + first;
}

static uint32_t gre_len(const struct nv_ref_ctx *c)
{
	return W_GRE_KEY_LEN + (c->prof->tx_seq ? GRE_SEQ_LEN : 0);
}

/* Outer Ethernet + IP + GRE in front of an inner frame of inner_len bytes. */
static uint32_t encap(const struct nv_ref_ctx *c, const struct nv_pkt *p,
		      uint32_t key, uint32_t inner_len, struct nv_ref_tx *tx)
{
	struct w_ip ip = { .src = &c->dut->dut.pa, .dst = &p->ip.src,
			   .proto = IPPROTO_GRE, .df = true, .id = tx->ip_id };
	uint8_t *b = tx->buf;
	uint32_t n = w_eth(b, p->eth_src, c->mac, w_ethertype(ip.src->family));

	n += w_ip(b + n, &ip, gre_len(c) + inner_len);
	w_gre(b + n, key);
	if (c->prof->tx_seq) {
		/* sloppy-sender: S=1 and a sequence number after the key */
		w_put16(b + n, W_GRE_F_KEY | GRE_F_SEQ);
		w_put32(b + n + W_GRE_KEY_LEN, tx->ip_id);
	}
	tx->ip_id++;
	return fragment(c, tx, n + gre_len(c) + inner_len);
}

static uint32_t outer_len(const struct nv_ref_ctx *c)
{
	return W_ETH_LEN + w_ip_len(c->dut->dut.pa.family) + gre_len(c);
}

/* sloppy-sender: append the inner frame's FCS (CRC-32, LSB first). */
static uint32_t add_fcs(const struct nv_ref_ctx *c, uint8_t *inner, uint32_t len,
			uint32_t room)
{
	uint32_t fcs;

	if (!c->prof->tx_inner_fcs || room < len + NV_FCS_LEN)
		return len;
	fcs = nv_crc32(inner, len);
	for (int i = 0; i < NV_FCS_LEN; i++)
		inner[len + (uint32_t)i] = (uint8_t)(fcs >> (8 * i));
	return len + NV_FCS_LEN;
}

uint32_t nv_ref_build_answer(const struct nv_ref_ctx *c, const uint8_t *frame,
			     const struct nv_pkt *p,
			     const struct nv_ref_decision *d, struct nv_ref_tx *tx)
{
	uint32_t hdr = outer_len(c), room, n, m = 0;
	uint8_t *b = tx->buf + hdr, vm[W_MAC_LEN];
	bool v6 = d->answer == NV_REF_ANS_ECHO6 || d->answer == NV_REF_ANS_ND;
	uint16_t type = d->answer == NV_REF_ANS_ARP ? W_ETH_P_ARP :
			w_ethertype(v6 ? AF_INET6 : AF_INET);

	tx->more_len = 0;
	if (d->verdict != NV_REF_DELIVER || d->answer == NV_REF_ANS_NONE || !d->tenant)
		return 0;
	nv_ref_vm_mac(d->tenant, vm);
	n = inner_eth(b, frame, p, vm, type, c->prof->tx_inner_vid);
	room = NV_REF_FRAME_MAX - hdr - n;
	if (d->answer == NV_REF_ANS_ARP)
		m = inner_arp_reply(b + n, room, p, d->tenant, vm);
	else if (d->answer == NV_REF_ANS_ND)
		m = inner_nd_reply(b + n, room, frame, p, d->tenant, vm);
	else
		m = inner_echo_reply(b + n, room, frame, p, d->tenant, v6, tx);
	if (!m)
		return 0;
	return encap(c, p, nv_ref_tx_key(c->prof, d->tenant->vsid, nv_ref_flow_hash(p)),
		     add_fcs(c, b, n + m, NV_REF_FRAME_MAX - hdr), tx);
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
		end = l3 + (uint32_t)(frame[l3] & W_IP4_IHL_MASK) * 4;
	else if (p->iethertype == W_ETH_P_IPV6)
		end = l3 + W_IP6_LEN;
	else
		end = l3 + W_ARP_LEN;
	end += W_ICMP_HDR_LEN + NV_NONCE_LEN;
	if (end > p->caplen)
		end = p->caplen;
	return end - *off;
}

/* The ICMP error's IP header fields: from the PA to the probe's source. */
static struct w_ip error_ip(const struct nv_ref_ctx *c, const struct nv_pkt *p,
			    const struct nv_ref_decision *d, struct nv_ref_tx *tx)
{
	struct w_ip ip = { .src = &c->dut->dut.pa, .dst = &p->ip.src,
			   .proto = d->icmp_v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP,
			   .tos = W_TOS_INTERNETCONTROL, .id = tx->ip_id++ };
	return ip;
}

static uint32_t reject_plain(const struct nv_ref_ctx *c, const uint8_t *frame,
			     const struct nv_pkt *p, const struct nv_ref_decision *d,
			     struct nv_ref_tx *tx)
{
	struct w_ip ip = error_ip(c, p, d, tx);
	uint32_t off, qlen = plain_quote(p, &off, d->icmp_v6);
	uint32_t hl = w_ip_len(ip.src->family);
	uint8_t *b = tx->buf;
	uint32_t n = w_eth(b, p->eth_src, c->mac, w_ethertype(ip.src->family));
	uint32_t m = w_icmp(b + n + hl, d->icmp_type, d->icmp_code, no_rest,
			    frame + off, qlen, d->icmp_v6 ? &ip : NULL);

	w_ip(b + n, &ip, m);
	return n + hl + m;
}

static uint32_t reject_nvgre(const struct nv_ref_ctx *c, const uint8_t *frame,
			     const struct nv_pkt *p, const struct nv_ref_decision *d,
			     struct nv_ref_tx *tx)
{
	struct w_ip ip = error_ip(c, p, d, tx);
	uint32_t off = 0, qlen = nvgre_quote(frame, p, &off);
	uint32_t hl = w_ip_len(ip.src->family);
	uint8_t *b = tx->buf + outer_len(c);
	/* the VSID of the received key, re-encoded rfc7637 with FlowID 0 */
	uint32_t key = p->gre.key & ~((1u << NV_RFC7637_VSID_SHIFT) - 1);
	uint32_t n, m;

	if (!qlen)
		return 0;
	/* Sender NVE MAC <- Receiver NVE MAC: the NVEs' own, not the VMs' */
	n = w_eth(b, p->eth_src, c->mac, w_ethertype(ip.src->family));
	m = w_icmp(b + n + hl, d->icmp_type, d->icmp_code, no_rest, frame + off, qlen,
		   d->icmp_v6 ? &ip : NULL);
	w_ip(b + n, &ip, m);
	return encap(c, p, key, n + hl + m, tx);
}

uint32_t nv_ref_build_reject(const struct nv_ref_ctx *c, const uint8_t *frame,
			     const struct nv_pkt *p,
			     const struct nv_ref_decision *d, struct nv_ref_tx *tx)
{
	tx->more_len = 0;
	if (d->verdict != NV_REF_REJECT)
		return 0;
	if (d->in_nvgre)
		return reject_nvgre(c, frame, p, d, tx);
	return reject_plain(c, frame, p, d, tx);
}
