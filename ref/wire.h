/*
 * wire.h - ref-internal header writers: Ethernet, ARP, IPv4/IPv6, GRE,
 * ICMP, checksums. Every field offset of what the endpoint writes is named
 * here; the builders in reply.c only put headers together.
 */
#ifndef NV_REF_WIRE_H
#define NV_REF_WIRE_H

#include <stdbool.h>
#include <stdint.h>

#include "nvgrect/dut.h"

#define W_MAC_LEN 6
#define W_IP4_ALEN 4
#define W_IP6_ALEN 16

/* Ethernet */
#define W_ETH_LEN 14
#define W_ETH_OFF_SRC 6
#define W_ETH_OFF_TYPE 12       /* or the first 802.1Q tag */
#define W_VLAN_LEN 4
#define W_ETH_MIN 60            /* minimum frame without FCS */
#define W_ETH_P_IPV4 0x0800
#define W_ETH_P_ARP 0x0806
#define W_ETH_P_IPV6 0x86DD

/* ARP for IPv4 over Ethernet (RFC 826) */
#define W_ARP_LEN 28
#define W_ARP_OFF_HTYPE 0
#define W_ARP_OFF_PTYPE 2
#define W_ARP_OFF_HLEN 4
#define W_ARP_OFF_PLEN 5
#define W_ARP_OFF_OP 6
#define W_ARP_OFF_SHA 8
#define W_ARP_OFF_SPA 14
#define W_ARP_OFF_THA 18
#define W_ARP_OFF_TPA 24
#define W_ARP_HTYPE_ETH 1
#define W_ARP_OP_REQUEST 1
#define W_ARP_OP_REPLY 2

/* IPv4 / IPv6 */
#define W_IP4_LEN 20
#define W_IP4_OFF_TOS 1
#define W_IP4_OFF_TOTLEN 2
#define W_IP4_OFF_ID 4
#define W_IP4_OFF_FRAG 6
#define W_IP4_OFF_TTL 8
#define W_IP4_OFF_PROTO 9
#define W_IP4_OFF_CSUM 10
#define W_IP4_OFF_SRC 12
#define W_IP4_OFF_DST 16
#define W_IP4_IHL_MASK 0x0f
#define W_IP6_LEN 40
#define W_IP6_OFF_PLEN 4
#define W_IP6_OFF_NH 6
#define W_IP6_OFF_HLIM 7
#define W_IP6_OFF_SRC 8
#define W_IP6_OFF_DST 24
#define W_TTL 64
#define W_TOS_INTERNETCONTROL 0xc0   /* Linux: precedence of ICMP errors */

/* GRE with a key, as RFC 7637 §3.2 sends it */
#define W_GRE_KEY_LEN 8
#define W_GRE_OFF_PROTO 2
#define W_GRE_OFF_KEY 4
#define W_GRE_P_TEB 0x6558
#define W_GRE_F_KEY 0x2000

/* ICMP / ICMPv6: type, code, checksum, 4 bytes (echo: id, sequence) */
#define W_ICMP_HDR_LEN 8
#define W_ICMP_OFF_CODE 1
#define W_ICMP_OFF_CSUM 2
#define W_ICMP_OFF_REST 4

/* Neighbor Discovery (RFC 4861): NS/NA target, then options */
#define W_ND_OFF_FLAGS 4
#define W_ND_OFF_TARGET 8
#define W_ND_OFF_OPT 24
#define W_ND_OPT_TLLA 2
#define W_ND_OPT_LEN_UNITS 1    /* one 8-byte unit: type, length, MAC */
#define W_ND_NA_LEN 32          /* header, target, one TLLA option */

void w_put16(uint8_t *p, uint16_t v);
void w_put32(uint8_t *p, uint32_t v);
/* One's-complement sum of buf added to sum (not folded). */
uint32_t w_sum(const uint8_t *buf, uint32_t len, uint32_t sum);
/* Sum of the IPv4/IPv6 pseudo header for an upper-layer checksum. */
uint32_t w_pseudo(const struct nv_addr *src, const struct nv_addr *dst,
		  uint8_t proto, uint32_t len);

uint32_t w_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
uint16_t w_ethertype(int family);

/* An ARP packet (28 bytes); IPv4 addresses as 4 bytes each. */
uint32_t w_arp(uint8_t *p, uint16_t op, const uint8_t sha[6], const uint8_t spa[4],
	       const uint8_t tha[6], const uint8_t tpa[4]);

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

/*
 * ICMP/ICMPv6 message at p: type, code, the 4 bytes `rest`, then body
 * (copied). The checksum covers it all, plus the pseudo header for ICMPv6
 * (ip given). Returns the message length.
 */
uint32_t w_icmp(uint8_t *p, uint8_t type, uint8_t code, const uint8_t rest[4],
		const uint8_t *body, uint32_t len, const struct w_ip *ip6);

#endif
