/*
 * live_arp.c - ARP requests on the underlay and inside the tunnel, and
 * recognising their replies. The crafter plans probes; these frames are
 * the run's own, so they are built here from named offsets.
 */
#include <string.h>
#include <sys/socket.h>

#include "nvgrect/cursor.h"
#include "nvgrect/live.h"
#include "nvgrect/wire.h"

#define ETH_ALEN_ 6
#define ETH_HLEN_ 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_TEB 0x6558        /* GRE payload: transparent Ethernet bridging */

#define ARP_HTYPE_ETHER 1
#define ARP_HLEN_ETHER 6
#define ARP_PLEN_IPV4 4
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define ARP_BODY_LEN 28

#define IPV4_HLEN 20
#define IPV4_VER_IHL 0x45
#define IPV4_DF 0x4000
#define IPV4_TTL 64
#define IPV6_HLEN 40
#define IPV6_VER 0x60
#define IPV6_HOPS 64
#define IPPROTO_GRE_ 47

#define GRE_HLEN_KEY 8
#define GRE_FLAG_K 0x2000
#define GRE_FLAG_C 0x8000
#define GRE_FLAG_S 0x1000
#define GRE_VER_MASK 0x0007

static const uint8_t bcast[ETH_ALEN_] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint8_t *eth_hdr(uint8_t *p, const uint8_t dst[6], const uint8_t src[6],
			uint16_t type)
{
	p = nv_put(p, dst, ETH_ALEN_);
	p = nv_put(p, src, ETH_ALEN_);
	return nv_put16(p, type);
}

static uint8_t *arp_msg(uint8_t *p, uint16_t op, const uint8_t sha[6],
			const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4])
{
	p = nv_put16(p, ARP_HTYPE_ETHER);
	p = nv_put16(p, ETHERTYPE_IPV4);
	*p++ = ARP_HLEN_ETHER;
	*p++ = ARP_PLEN_IPV4;
	p = nv_put16(p, op);
	p = nv_put(p, sha, ETH_ALEN_);
	p = nv_put(p, spa, 4);
	p = nv_put(p, tha, ETH_ALEN_);
	return nv_put(p, tpa, 4);
}

static uint8_t *arp_body(uint8_t *p, const uint8_t sha[6], const uint8_t spa[4],
			 const uint8_t tpa[4])
{
	static const uint8_t zero[ETH_ALEN_];

	return arp_msg(p, ARP_OP_REQUEST, sha, spa, zero, tpa);
}

size_t nv_arp_reply(uint8_t out[NV_ARP_FRAME_LEN], const uint8_t mac[6],
		    const uint8_t tpa[4], const uint8_t sha[6], const uint8_t spa[4])
{
	uint8_t *p;

	memset(out, 0, NV_ARP_FRAME_LEN);
	p = eth_hdr(out, sha, mac, ETHERTYPE_ARP);
	arp_msg(p, ARP_OP_REPLY, mac, tpa, sha, spa);
	return NV_ARP_FRAME_LEN;
}

size_t nv_arp_request(uint8_t out[NV_ARP_FRAME_LEN], const uint8_t smac[6],
		      const uint8_t sip[4], const uint8_t tip[4])
{
	uint8_t *p;

	memset(out, 0, NV_ARP_FRAME_LEN);
	p = eth_hdr(out, bcast, smac, ETHERTYPE_ARP);
	arp_body(p, smac, sip, tip);
	return NV_ARP_FRAME_LEN;
}

/* Skip outer 802.1Q tags; leaves the cursor after the EtherType. */
static bool eth_type(struct nv_cur *c, uint16_t *type)
{
	if (!nv_cur_skip(c, 2 * ETH_ALEN_) || !nv_get_be16(c, type))
		return false;
	for (int i = 0; i < 2 && *type == ETHERTYPE_VLAN; i++)
		if (!nv_cur_skip(c, 2) || !nv_get_be16(c, type))
			return false;
	return true;
}

/* An ARP reply body at c from spa: copies sha (and tha if wanted). */
static bool arp_reply_body(struct nv_cur *c, const uint8_t spa[4], uint8_t sha[6],
			   uint8_t *tha)
{
	uint16_t htype, ptype, op;
	uint8_t hlen, plen, mac[ETH_ALEN_], ip[4], target[ETH_ALEN_];

	if (!nv_get_be16(c, &htype) || !nv_get_be16(c, &ptype) ||
	    !nv_get_u8(c, &hlen) || !nv_get_u8(c, &plen) || !nv_get_be16(c, &op))
		return false;
	if (htype != ARP_HTYPE_ETHER || ptype != ETHERTYPE_IPV4 ||
	    hlen != ARP_HLEN_ETHER || plen != ARP_PLEN_IPV4 || op != ARP_OP_REPLY)
		return false;
	/* A reply cut short is no reply: the whole body must be there. */
	if (!nv_get_bytes(c, mac, ETH_ALEN_) || !nv_get_bytes(c, ip, 4) ||
	    !nv_get_bytes(c, target, ETH_ALEN_) || !nv_cur_skip(c, 4))
		return false;
	if (memcmp(ip, spa, 4) != 0)
		return false;
	memcpy(sha, mac, ETH_ALEN_);
	if (tha)
		memcpy(tha, target, ETH_ALEN_);
	return true;
}

bool nv_arp_is_request_for(const uint8_t *frame, uint32_t caplen,
			   const uint8_t tpa[4], uint8_t sha[6], uint8_t spa[4])
{
	struct nv_cur c;
	uint16_t type, htype, ptype, op;
	uint8_t hlen, plen, tha[ETH_ALEN_], ip[4];

	nv_cur_init(&c, frame, caplen);
	if (!eth_type(&c, &type) || type != ETHERTYPE_ARP)
		return false;
	if (!nv_get_be16(&c, &htype) || !nv_get_be16(&c, &ptype) ||
	    !nv_get_u8(&c, &hlen) || !nv_get_u8(&c, &plen) || !nv_get_be16(&c, &op))
		return false;
	if (htype != ARP_HTYPE_ETHER || ptype != ETHERTYPE_IPV4 ||
	    hlen != ARP_HLEN_ETHER || plen != ARP_PLEN_IPV4 || op != ARP_OP_REQUEST)
		return false;
	if (!nv_get_bytes(&c, sha, ETH_ALEN_) || !nv_get_bytes(&c, spa, 4) ||
	    !nv_get_bytes(&c, tha, ETH_ALEN_) || !nv_get_bytes(&c, ip, 4))
		return false;
	return memcmp(ip, tpa, 4) == 0;
}

bool nv_arp_is_reply_from(const uint8_t *frame, uint32_t caplen,
			  const uint8_t spa[4], uint8_t sha[6])
{
	struct nv_cur c;
	uint16_t type;

	nv_cur_init(&c, frame, caplen);
	return eth_type(&c, &type) && type == ETHERTYPE_ARP &&
	       arp_reply_body(&c, spa, sha, NULL);
}

static uint16_t ip4_csum(const uint8_t *h, size_t n)
{
	return nv_csum_fold(nv_csum_add(0, h, n));
}

static uint8_t *outer_ip(uint8_t *p, const struct nv_arp_tunnel *t, uint16_t payload)
{
	uint8_t *h = p;

	if (t->outer_src.family == AF_INET6) {
		p = nv_put32(p, (uint32_t)IPV6_VER << 24);
		p = nv_put16(p, payload);
		*p++ = IPPROTO_GRE_;
		*p++ = IPV6_HOPS;
		p = nv_put(p, t->outer_src.a, 16);
		return nv_put(p, t->outer_dst.a, 16);
	}
	*p++ = IPV4_VER_IHL;
	*p++ = 0;
	p = nv_put16(p, (uint16_t)(IPV4_HLEN + payload));
	p = nv_put16(p, 0);                    /* ID: not a probe, no tag */
	p = nv_put16(p, IPV4_DF);
	*p++ = IPV4_TTL;
	*p++ = IPPROTO_GRE_;
	p = nv_put16(p, 0);
	p = nv_put(p, t->outer_src.a, 4);
	p = nv_put(p, t->outer_dst.a, 4);
	nv_put16(h + 10, ip4_csum(h, IPV4_HLEN));
	return p;
}

size_t nv_arp_nvgre_request(uint8_t *out, size_t cap, const struct nv_arp_tunnel *t)
{
	bool v6 = t->outer_src.family == AF_INET6;
	size_t iplen = v6 ? IPV6_HLEN : IPV4_HLEN;
	size_t inner = ETH_HLEN_ + ARP_BODY_LEN;
	size_t len = ETH_HLEN_ + iplen + GRE_HLEN_KEY + inner;
	uint8_t *p = out;

	if (cap < len || t->inner_spa.family != AF_INET ||
	    t->inner_tpa.family != AF_INET || t->outer_src.family != t->outer_dst.family)
		return 0;
	memset(out, 0, len);
	p = eth_hdr(p, t->outer_dst_mac, t->outer_src_mac,
		    v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
	p = outer_ip(p, t, (uint16_t)(GRE_HLEN_KEY + inner));
	p = nv_put16(p, GRE_FLAG_K);
	p = nv_put16(p, ETHERTYPE_TEB);
	p = nv_put32(p, t->key);
	p = eth_hdr(p, bcast, t->inner_src_mac, ETHERTYPE_ARP);
	arp_body(p, t->inner_src_mac, t->inner_spa.a, t->inner_tpa.a);
	return len;
}

/* Outer IPv4/IPv6 carrying GRE: leaves c at the GRE header. */
static bool outer_to_gre(struct nv_cur *c, uint16_t type)
{
	uint8_t vihl, proto, next;

	if (type == ETHERTYPE_IPV4) {
		struct nv_cur h = *c;

		if (!nv_get_u8(&h, &vihl) || (vihl >> 4) != 4 || (vihl & 0xf) < 5)
			return false;
		if (!nv_cur_skip(&h, 8) || !nv_get_u8(&h, &proto) || proto != IPPROTO_GRE_)
			return false;
		return nv_cur_skip(c, (size_t)(vihl & 0xf) * 4);
	}
	if (type != ETHERTYPE_IPV6)
		return false;
	/* Extension headers are not expected on an ARP reply; require GRE next. */
	if (!nv_cur_skip(c, 6) || !nv_get_u8(c, &next) || next != IPPROTO_GRE_)
		return false;
	return nv_cur_skip(c, IPV6_HLEN - 7);
}

/* GRE with K (and optional C/S words) carrying TEB: copies the key. */
static bool gre_key(struct nv_cur *c, uint32_t *key)
{
	uint16_t flags, proto;

	if (!nv_get_be16(c, &flags) || !nv_get_be16(c, &proto))
		return false;
	if (!(flags & GRE_FLAG_K) || (flags & GRE_VER_MASK) || proto != ETHERTYPE_TEB)
		return false;
	if ((flags & GRE_FLAG_C) && !nv_cur_skip(c, 4))
		return false;
	if (!nv_get_be32(c, key))
		return false;
	return !(flags & GRE_FLAG_S) || nv_cur_skip(c, 4);
}

bool nv_arp_nvgre_is_reply_from(const uint8_t *frame, uint32_t caplen,
				const struct nv_addr *spa, struct nv_arp_answer *a)
{
	struct nv_cur c;
	uint16_t type;

	if (spa->family != AF_INET)
		return false;
	nv_cur_init(&c, frame, caplen);
	if (!eth_type(&c, &type) || !outer_to_gre(&c, type) || !gre_key(&c, &a->key))
		return false;
	if (!eth_type(&c, &type) || type != ETHERTYPE_ARP)
		return false;
	return arp_reply_body(&c, spa->a, a->sha, a->tha);
}
