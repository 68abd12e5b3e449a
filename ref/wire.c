/* wire.c - header writers and checksums for the reference endpoint's replies. */
#include "wire.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "nvgrect/ref.h"
#include "nvgrect/wire.h"

#define IP4_VER_IHL 0x45
#define IP4_DF 0x4000
#define IP6_VER 0x60000000u
#define IP6_TCLASS_SHIFT 20

void w_put16(uint8_t *p, uint16_t v)
{
	nv_put16(p, v);
}

void w_put32(uint8_t *p, uint32_t v)
{
	nv_put32(p, v);
}

uint32_t w_sum(const uint8_t *buf, uint32_t len, uint32_t sum)
{
	return nv_csum_add(sum, buf, len);
}

uint16_t nv_ref_csum(const uint8_t *buf, uint32_t len, uint32_t sum)
{
	sum = w_sum(buf, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t w_pseudo(const struct nv_addr *src, const struct nv_addr *dst,
		  uint8_t proto, uint32_t len)
{
	uint32_t n = src->family == AF_INET6 ? W_IP6_ALEN : W_IP4_ALEN;
	uint32_t sum = w_sum(src->a, n, 0);

	sum = w_sum(dst->a, n, sum);
	sum += proto;
	sum += len >> 16;
	sum += len & 0xffffu;
	return sum;
}

uint32_t w_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(p, dst, W_MAC_LEN);
	memcpy(p + W_ETH_OFF_SRC, src, W_MAC_LEN);
	w_put16(p + W_ETH_OFF_TYPE, type);
	return W_ETH_LEN;
}

uint16_t w_ethertype(int family)
{
	return family == AF_INET6 ? W_ETH_P_IPV6 : W_ETH_P_IPV4;
}

uint32_t w_arp(uint8_t *p, uint16_t op, const uint8_t sha[6], const uint8_t spa[4],
	       const uint8_t tha[6], const uint8_t tpa[4])
{
	w_put16(p + W_ARP_OFF_HTYPE, W_ARP_HTYPE_ETH);
	w_put16(p + W_ARP_OFF_PTYPE, W_ETH_P_IPV4);
	p[W_ARP_OFF_HLEN] = W_MAC_LEN;
	p[W_ARP_OFF_PLEN] = W_IP4_ALEN;
	w_put16(p + W_ARP_OFF_OP, op);
	memcpy(p + W_ARP_OFF_SHA, sha, W_MAC_LEN);
	memcpy(p + W_ARP_OFF_SPA, spa, W_IP4_ALEN);
	memcpy(p + W_ARP_OFF_THA, tha, W_MAC_LEN);
	memcpy(p + W_ARP_OFF_TPA, tpa, W_IP4_ALEN);
	return W_ARP_LEN;
}

uint32_t w_ip_len(int family)
{
	return family == AF_INET6 ? W_IP6_LEN : W_IP4_LEN;
}

static uint32_t ip4(uint8_t *p, const struct w_ip *ip, uint32_t payload_len)
{
	p[0] = IP4_VER_IHL;
	p[W_IP4_OFF_TOS] = ip->tos;
	w_put16(p + W_IP4_OFF_TOTLEN, (uint16_t)(W_IP4_LEN + payload_len));
	w_put16(p + W_IP4_OFF_ID, ip->id);
	w_put16(p + W_IP4_OFF_FRAG, ip->df ? IP4_DF : 0);
	p[W_IP4_OFF_TTL] = ip->ttl ? ip->ttl : W_TTL;
	p[W_IP4_OFF_PROTO] = ip->proto;
	w_put16(p + W_IP4_OFF_CSUM, 0);
	memcpy(p + W_IP4_OFF_SRC, ip->src->a, W_IP4_ALEN);
	memcpy(p + W_IP4_OFF_DST, ip->dst->a, W_IP4_ALEN);
	w_put16(p + W_IP4_OFF_CSUM, nv_ref_csum(p, W_IP4_LEN, 0));
	return W_IP4_LEN;
}

static uint32_t ip6(uint8_t *p, const struct w_ip *ip, uint32_t payload_len)
{
	w_put32(p, IP6_VER | (uint32_t)ip->tos << IP6_TCLASS_SHIFT);
	w_put16(p + W_IP6_OFF_PLEN, (uint16_t)payload_len);
	p[W_IP6_OFF_NH] = ip->proto;
	p[W_IP6_OFF_HLIM] = ip->ttl ? ip->ttl : W_TTL;
	memcpy(p + W_IP6_OFF_SRC, ip->src->a, W_IP6_ALEN);
	memcpy(p + W_IP6_OFF_DST, ip->dst->a, W_IP6_ALEN);
	return W_IP6_LEN;
}

uint32_t w_ip(uint8_t *p, const struct w_ip *ip, uint32_t payload_len)
{
	if (ip->src->family == AF_INET6)
		return ip6(p, ip, payload_len);
	return ip4(p, ip, payload_len);
}

uint32_t w_gre(uint8_t *p, uint32_t key)
{
	/* RFC 7637 §3.2: C=0, S=0, K=1, protocol TEB */
	w_put16(p, W_GRE_F_KEY);
	w_put16(p + W_GRE_OFF_PROTO, W_GRE_P_TEB);
	w_put32(p + W_GRE_OFF_KEY, key);
	return W_GRE_KEY_LEN;
}

uint32_t w_icmp(uint8_t *p, uint8_t type, uint8_t code, const uint8_t rest[4],
		const uint8_t *body, uint32_t len, const struct w_ip *ip6)
{
	uint32_t n = W_ICMP_HDR_LEN + len;
	uint32_t sum = ip6 ? w_pseudo(ip6->src, ip6->dst, IPPROTO_ICMPV6, n) : 0;

	p[0] = type;
	p[W_ICMP_OFF_CODE] = code;
	w_put16(p + W_ICMP_OFF_CSUM, 0);
	memcpy(p + W_ICMP_OFF_REST, rest, 4);
	if (len)
		memmove(p + W_ICMP_HDR_LEN, body, len);
	w_put16(p + W_ICMP_OFF_CSUM, nv_ref_csum(p, n, sum));
	return n;
}
