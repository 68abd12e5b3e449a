/*
 * live_nd.c - IPv6 neighbour discovery on the underlay (RFC 4861 §4.3,
 * §4.4, §7.2): a solicitation for dut.pa when dut.mac is "auto", and the
 * advertisement for tester.pa when the interface does not hold it.
 */
#include <string.h>

#include "nvgrect/cursor.h"
#include "nvgrect/live.h"
#include "nvgrect/wire.h"

#define ETH_ALEN_ 6
#define ETH_HLEN_ 14
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define IPV6_HLEN 40
#define IPV6_VER 0x60
#define IPPROTO_ICMPV6_ 58
#define ND_HOP_LIMIT 255            /* RFC 4861: anything else is off-link */
#define ND_NS 135
#define ND_NA 136
#define ND_MSG_LEN 24               /* type, code, csum, flags/reserved, target */
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_OPT_LEN 8                /* one link-layer option: 1 x 8 bytes */
#define ND_NA_SOLICITED 0x40000000u
#define ND_NA_OVERRIDE 0x20000000u
#define ND_OPTS_MAX 8

static const uint8_t snm_prefix[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

/* ICMPv6 checksum: pseudo-header (src, dst, length, next header) + message. */
static uint16_t icmp6_csum(const uint8_t *ip6, const uint8_t *msg, uint32_t len)
{
	uint32_t sum = len + IPPROTO_ICMPV6_;

	sum = nv_csum_add(sum, ip6 + 8, IPV6_HLEN - 8);    /* source and destination */
	return nv_csum_fold(nv_csum_add(sum, msg, len));
}

/* Ethernet + IPv6 + an NS/NA with one link-layer option. */
static size_t nd_frame(uint8_t out[NV_ND_FRAME_LEN], const uint8_t dmac[6],
		       const uint8_t smac[6], const uint8_t sip[16], const uint8_t dip[16],
		       uint8_t type, uint32_t flags, const uint8_t target[16], uint8_t opt)
{
	uint8_t *ip = out + ETH_HLEN_, *msg = ip + IPV6_HLEN, *p = out;

	memset(out, 0, NV_ND_FRAME_LEN);
	p = nv_put(p, dmac, ETH_ALEN_);
	p = nv_put(p, smac, ETH_ALEN_);
	p = nv_put16(p, ETHERTYPE_IPV6);
	p = nv_put32(p, (uint32_t)IPV6_VER << 24);
	p = nv_put16(p, ND_MSG_LEN + ND_OPT_LEN);
	*p++ = IPPROTO_ICMPV6_;
	*p++ = ND_HOP_LIMIT;
	p = nv_put(p, sip, 16);
	p = nv_put(p, dip, 16);
	*p++ = type;
	*p++ = 0;
	p = nv_put16(p, 0);
	p = nv_put32(p, flags);
	p = nv_put(p, target, 16);
	*p++ = opt;
	*p++ = 1;
	nv_put(p, smac, ETH_ALEN_);
	nv_put16(msg + 2, icmp6_csum(ip, msg, ND_MSG_LEN + ND_OPT_LEN));
	return NV_ND_FRAME_LEN;
}

size_t nv_nd_solicit(uint8_t out[NV_ND_FRAME_LEN], const uint8_t smac[6],
		     const uint8_t sip[16], const uint8_t tip[16])
{
	uint8_t dip[16], dmac[ETH_ALEN_] = { 0x33, 0x33, 0xff, tip[13], tip[14], tip[15] };

	memcpy(dip, snm_prefix, sizeof snm_prefix);
	memcpy(dip + sizeof snm_prefix, tip + sizeof snm_prefix, 16 - sizeof snm_prefix);
	return nd_frame(out, dmac, smac, sip, dip, ND_NS, 0, tip, ND_OPT_SLLA);
}

size_t nv_nd_advert(uint8_t out[NV_ND_FRAME_LEN], const uint8_t mac[6],
		    const uint8_t target[16], const uint8_t amac[6], const uint8_t aip[16])
{
	return nd_frame(out, amac, mac, target, aip, ND_NA,
			ND_NA_SOLICITED | ND_NA_OVERRIDE, target, ND_OPT_TLLA);
}

/* Up to the ND message: Ethernet (tags skipped), IPv6 with ICMPv6 next. */
static bool to_nd(struct nv_cur *c, uint8_t want_type, uint8_t src_ip[16])
{
	uint16_t type;
	uint8_t next, hops, t, code;

	if (!nv_cur_skip(c, 2 * ETH_ALEN_) || !nv_get_be16(c, &type))
		return false;
	for (int i = 0; i < 2 && type == ETHERTYPE_VLAN; i++)
		if (!nv_cur_skip(c, 2) || !nv_get_be16(c, &type))
			return false;
	if (type != ETHERTYPE_IPV6 || !nv_cur_skip(c, 6) || !nv_get_u8(c, &next) ||
	    !nv_get_u8(c, &hops) || next != IPPROTO_ICMPV6_ || hops != ND_HOP_LIMIT)
		return false;
	if (!nv_get_bytes(c, src_ip, 16) || !nv_cur_skip(c, 16))
		return false;
	if (!nv_get_u8(c, &t) || !nv_get_u8(c, &code) || t != want_type || code != 0)
		return false;
	return nv_cur_skip(c, 2 + 4);       /* checksum, flags/reserved */
}

/* The first option of this type: copies its 6-byte link-layer address. */
static bool ll_option(struct nv_cur *c, uint8_t want, uint8_t mac[6])
{
	for (int i = 0; i < ND_OPTS_MAX && nv_cur_left(c) >= ND_OPT_LEN; i++) {
		uint8_t type, len;

		if (!nv_get_u8(c, &type) || !nv_get_u8(c, &len) || len == 0)
			return false;
		if (type == want && len == 1)
			return nv_get_bytes(c, mac, ETH_ALEN_);
		if (!nv_cur_skip(c, (size_t)len * ND_OPT_LEN - 2))
			return false;
	}
	return false;
}

bool nv_nd_is_advert_for(const uint8_t *frame, uint32_t caplen, const uint8_t target[16],
			 uint8_t mac[6])
{
	struct nv_cur c;
	uint8_t src[16], tgt[16];

	nv_cur_init(&c, frame, caplen);
	if (!to_nd(&c, ND_NA, src) || !nv_get_bytes(&c, tgt, 16) || memcmp(tgt, target, 16))
		return false;
	if (ll_option(&c, ND_OPT_TLLA, mac))
		return true;
	memcpy(mac, frame + ETH_ALEN_, ETH_ALEN_);      /* no option: the sender's */
	return true;
}

bool nv_nd_is_solicit_for(const uint8_t *frame, uint32_t caplen, const uint8_t target[16],
			  uint8_t mac[6], uint8_t ip[16])
{
	struct nv_cur c;
	uint8_t tgt[16];

	nv_cur_init(&c, frame, caplen);
	if (!to_nd(&c, ND_NS, ip) || !nv_get_bytes(&c, tgt, 16) || memcmp(tgt, target, 16))
		return false;
	if (!ll_option(&c, ND_OPT_SLLA, mac))
		memcpy(mac, frame + ETH_ALEN_, ETH_ALEN_);
	return true;
}
