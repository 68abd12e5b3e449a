/*
 * craft_int.h - what the crafter's layers share inside gen/: wire offsets,
 * the resolved per-frame specification, checksum helpers.
 */
#ifndef NV_GEN_CRAFT_INT_H
#define NV_GEN_CRAFT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "nvgrect/craft.h"

/* Ethernet / 802.1Q */
#define ETH_ADDR_LEN 6
#define ETH_HDR_LEN 14
#define ETH_OFF_TYPE 12
#define VLAN_TAG_LEN 4
#define ETYPE_IPV4 0x0800
#define ETYPE_ARP 0x0806
#define ETYPE_IPV6 0x86dd
#define ETYPE_VLAN 0x8100
#define ETYPE_QINQ 0x88a8
#define ETYPE_TEB 0x6558
#define VLAN_VID_MASK 0x0fff
#define VLAN_PCP_SHIFT 13

/* IPv4 */
#define IPV4_HDR_LEN 20
#define IPV4_OFF_TOTLEN 2
#define IPV4_OFF_ID 4
#define IPV4_OFF_FRAG 6
#define IPV4_OFF_PROTO 9
#define IPV4_OFF_CSUM 10
#define IPV4_DF 0x4000
#define IPV4_MF 0x2000
#define IPV4_FRAG_UNIT 8
#define IPV4_IHL_MASK 0x0f
#define TOS_DSCP_SHIFT 2
#define TOS_ECN_MASK 0x03

/* IPv6 */
#define IPV6_HDR_LEN 40
#define IPV6_OFF_NH 6
#define IPV6_FRAG_HDR_LEN 8
#define IPV6_FLOW_LABEL_MASK 0xfffffu
#define IPV6_VERSION_WORD 0x60000000u
#define IPV6_TCLASS_SHIFT 20
#define IPPROTO_GRE_NUM 47
#define IPPROTO_FRAG_NUM 44
#define IPPROTO_ICMP_NUM 1
#define IPPROTO_ICMP6_NUM 58
#define IPPROTO_UDP_NUM 17

/* ICMP / ICMPv6 / UDP */
#define ICMP_ECHO_REQUEST 8
#define ICMP6_ECHO_REQUEST 128
#define ICMP_HDR_LEN 8
#define ICMP_OFF_CSUM 2
#define ICMP_OFF_SEQ 6
#define UDP_HDR_LEN 8
#define UDP_OFF_CSUM 6
#define UDP_DEFAULT_SPORT 40000
#define UDP_DEFAULT_DPORT 7

/* ARP */
#define ARP_HRD_ETHER 1
#define ARP_OP_REQUEST 1

/*
 * GRE (RFC 2784, RFC 2890 key/sequence, RFC 1701 routing/strict/recursion).
 * Flag word bit n counts from the most significant bit, as the RFCs draw it.
 */
#define GRE_BASE_LEN 4
#define GRE_OFF_FLAGS 0
#define GRE_OFF_PROTO 2
#define GRE_F_C 0x8000          /* bit 0: checksum present */
#define GRE_F_R 0x4000          /* bit 1: routing present */
#define GRE_F_K 0x2000          /* bit 2: key present */
#define GRE_F_S 0x1000          /* bit 3: sequence number present */
#define GRE_F_STRICT 0x0800     /* bit 4: strict source route */
#define GRE_RECUR_SHIFT 8       /* bits 5..7: recursion control */
#define GRE_RECUR_MASK 0x0700
#define GRE_RSVD0_SHIFT 3       /* bits 4..12: RFC 2890 Reserved0 */
#define GRE_RSVD0_MASK 0x0ff8
#define GRE_VER_MASK 0x0007     /* bits 13..15 */
#define GRE_CSUM_FIELD_LEN 4    /* checksum + offset (RFC 1701: with C or R) */
#define GRE_KEY_LEN 4
#define GRE_SEQ_LEN 4
#define GRE_SRE_NULL_LEN 4      /* the NULL SRE that ends a routing list */
/* A checksum made wrong on purpose; XOR of the low byte can never map a
 * value onto its one's-complement twin (0x0000 <-> 0xffff). */
#define GRE_CSUM_BAD_XOR 0x00ff

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* One's-complement sum of a byte range, not yet folded or inverted. */
static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* RFC 1624 eqn. 3: new checksum after one 16-bit word changes m -> m2. */
static inline uint16_t csum_update16(uint16_t hc, uint16_t m, uint16_t m2)
{
	uint32_t sum = (uint16_t)~hc + (uint32_t)(uint16_t)~m + m2;

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Resolved addresses of one frame, after DUT-file defaults. */
struct craft_addrs {
	uint8_t outer_src_mac[6], outer_dst_mac[6];
	struct nv_addr outer_src, outer_dst;
	uint8_t inner_src_mac[6], inner_dst_mac[6];
	struct nv_addr inner_src, inner_dst;
};

/* craft_inner.c: the inner Ethernet frame (no FCS) into buf. */
int nv_craft_inner(const struct nv_craft_env *env, const struct nv_planned *pl,
		   const struct craft_addrs *a, uint8_t *buf, uint32_t cap,
		   uint32_t *len, struct nv_err *err);
/* craft_gre.c: GRE header + payload into buf (checksum, truncation). */
int nv_craft_gre(const struct nv_planned *pl, const uint8_t *inner, uint32_t ilen,
		 uint8_t *buf, uint32_t cap, uint32_t *len, struct nv_err *err);
/* Length of the GRE header the probe asks for. */
uint32_t nv_craft_gre_hdr_len(const struct nv_probe *p);
/* craft_outer.c: outer IP (+ fragments) + Ethernet around a GRE packet. */
int nv_craft_outer(const struct nv_planned *pl, const struct craft_addrs *a,
		   const uint8_t *gre, uint32_t glen, struct nv_frame *out, int max,
		   int *nout, struct nv_err *err);

#endif
