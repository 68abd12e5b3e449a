/* wire.c - header writers and checksums for the reference endpoint's replies. */
#include "wire.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "nvgrect/ref.h"

#define IP4_VER_IHL 0x45
#define IP4_DF 0x4000
#define IP6_VER 0x60000000u

void w_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void w_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint32_t w_sum(const uint8_t *buf, uint32_t len, uint32_t sum)
{
	uint32_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(buf[i] << 8 | buf[i + 1]);
	if (len & 1)
		sum += (uint32_t)buf[len - 1] << 8;
	return sum;
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
	uint32_t n = src->family == AF_INET6 ? 16 : 4;
	uint32_t sum = w_sum(src->a, n, 0);

	sum = w_sum(dst->a, n, sum);
	sum += proto;
	sum += len >> 16;
	sum += len & 0xffffu;
	return sum;
}

uint32_t w_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	w_put16(p + 12, type);
	return W_ETH_LEN;
}

uint16_t w_ethertype(int family)
{
	return family == AF_INET6 ? W_ETH_P_IPV6 : W_ETH_P_IPV4;
}

uint32_t w_ip_len(int family)
{
	return family == AF_INET6 ? W_IP6_LEN : W_IP4_LEN;
}

static uint32_t ip4(uint8_t *p, const struct w_ip *ip, uint32_t payload_len)
{
	p[0] = IP4_VER_IHL;
	p[1] = ip->tos;
	w_put16(p + 2, (uint16_t)(W_IP4_LEN + payload_len));
	w_put16(p + 4, ip->id);
	w_put16(p + 6, ip->df ? IP4_DF : 0);
	p[8] = ip->ttl ? ip->ttl : W_TTL;
	p[9] = ip->proto;
	w_put16(p + 10, 0);
	memcpy(p + 12, ip->src->a, 4);
	memcpy(p + 16, ip->dst->a, 4);
	w_put16(p + 10, nv_ref_csum(p, W_IP4_LEN, 0));
	return W_IP4_LEN;
}

static uint32_t ip6(uint8_t *p, const struct w_ip *ip, uint32_t payload_len)
{
	w_put32(p, IP6_VER | (uint32_t)ip->tos << 20);
	w_put16(p + 4, (uint16_t)payload_len);
	p[6] = ip->proto;
	p[7] = ip->ttl ? ip->ttl : W_TTL;
	memcpy(p + 8, ip->src->a, 16);
	memcpy(p + 24, ip->dst->a, 16);
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
	w_put16(p + 2, W_GRE_P_TEB);
	w_put32(p + 4, key);
	return W_GRE_KEY_LEN;
}
