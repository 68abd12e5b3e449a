/* wire.h - ref-internal header writers: Ethernet, IPv4/IPv6, GRE, checksums. */
#ifndef NV_REF_WIRE_H
#define NV_REF_WIRE_H

#include <stdbool.h>
#include <stdint.h>

#include "nvgrect/dut.h"

#define W_ETH_LEN 14
#define W_VLAN_LEN 4
#define W_IP4_LEN 20
#define W_IP6_LEN 40
#define W_GRE_KEY_LEN 8         /* flags/proto + key */
#define W_ICMP_HDR_LEN 8
#define W_ARP_LEN 28
#define W_ETH_MIN 60            /* minimum frame without FCS */

#define W_ETH_P_IPV4 0x0800
#define W_ETH_P_ARP 0x0806
#define W_ETH_P_IPV6 0x86DD
#define W_GRE_P_TEB 0x6558
#define W_GRE_F_KEY 0x2000

#define W_TTL 64
#define W_TOS_INTERNETCONTROL 0xc0   /* Linux: precedence of ICMP errors */

void w_put16(uint8_t *p, uint16_t v);
void w_put32(uint8_t *p, uint32_t v);
/* One's-complement sum of buf added to sum (not folded). */
uint32_t w_sum(const uint8_t *buf, uint32_t len, uint32_t sum);
/* Sum of the IPv4/IPv6 pseudo header for an upper-layer checksum. */
uint32_t w_pseudo(const struct nv_addr *src, const struct nv_addr *dst,
		  uint8_t proto, uint32_t len);

uint32_t w_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
uint16_t w_ethertype(int family);

struct w_ip {
	const struct nv_addr *src, *dst;
	uint8_t proto, tos;
	uint8_t ttl;            /* 0: W_TTL */
	bool df;
	uint16_t id;
};
/* Write an IPv4 or IPv6 header (family of src) for payload_len; its length. */
uint32_t w_ip(uint8_t *p, const struct w_ip *ip, uint32_t payload_len);
uint32_t w_ip_len(int family);
uint32_t w_gre(uint8_t *p, uint32_t key);

#endif
