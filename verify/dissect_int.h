/*
 * dissect_int.h - private to verify/dissect*.c and verify/quote.c: the parse
 * state shared by the frame dissector and the quote parser, and the layer
 * parsers both use (IP headers, GRE header, inner Ethernet).
 */
#ifndef NV_DISSECT_INT_H
#define NV_DISSECT_INT_H

#include "nvgrect/cursor.h"
#include "nvgrect/dissect.h"

/* Wire constants. */
#define NV_ETH_HLEN 14
#define NV_ETH_ALEN 6
#define NV_VLAN_TLEN 4
#define NV_ETHERTYPE_IP4 0x0800
#define NV_ETHERTYPE_ARP 0x0806
#define NV_ETHERTYPE_IP6 0x86dd
#define NV_ETHERTYPE_TEB 0x6558
#define NV_TPID_8021Q 0x8100
#define NV_TPID_8021AD 0x88a8
#define NV_TPID_QINQ_OLD 0x9100
#define NV_VLAN_VID_MASK 0x0fff

#define NV_IP_VERSION_SHIFT 4       /* version in the first byte's high nibble */
#define NV_IP4_VERSION 4
#define NV_IP6_VERSION 6
#define NV_IP4_ALEN 4
#define NV_IP6_ALEN 16
#define NV_IP4_MIN_HLEN 20
#define NV_IP4_IHL_UNIT 4           /* IHL counts 32-bit words */
#define NV_IP6_TCLASS_SHIFT 20      /* traffic class above the flow label */
#define NV_IP6_EXT_UNIT 8           /* extension length: 8-byte units, minus 1 */
#define NV_IP6_AH_UNIT 4            /* AH length: 4-byte units, minus 2 */
#define NV_CSUM_GOOD 0xffff         /* one's-complement sum over a valid checksum */
#define NV_IP4_IHL_MASK 0x0f
#define NV_IP4_DF 0x4000
#define NV_IP4_MF 0x2000
#define NV_IP4_OFF_MASK 0x1fff
#define NV_IP6_HLEN 40
#define NV_IP6_FLOW_MASK 0x000fffffu
#define NV_IP6_MAX_EXT 8        /* extension headers walked before giving up */
#define NV_IP6_FRAG_HLEN 8
#define NV_IP6_FRAG_OFF_SHIFT 3
#define NV_IP6_FRAG_MF 0x0001

#define NV_PROTO_HOPOPT 0
#define NV_PROTO_ICMP 1
#define NV_PROTO_TCP 6
#define NV_PROTO_UDP 17
#define NV_PROTO_ROUTING 43
#define NV_PROTO_FRAGMENT 44
#define NV_PROTO_GRE 47
#define NV_PROTO_AH 51
#define NV_PROTO_ICMP6 58
#define NV_PROTO_DSTOPTS 60

/* GRE (RFC 2784/2890; RFC 1701 bit names) */
#define NV_GRE_BASE_LEN 4
#define NV_GRE_FIELD_LEN 4          /* checksum+reserved1, key, sequence: 4 each */
#define NV_GRE_C 0x8000
#define NV_GRE_R 0x4000
#define NV_GRE_K 0x2000
#define NV_GRE_S 0x1000
#define NV_GRE_STRICT 0x0800
#define NV_GRE_RECUR_SHIFT 8
#define NV_GRE_RECUR_MASK 0x7
#define NV_GRE_RSVD0_SHIFT 3
#define NV_GRE_RSVD0_MASK 0x1f  /* flags bits 8..12 (after C R K S s Recur) */
#define NV_GRE_VER_MASK 0x7

#define NV_ICMP_HLEN 8
#define NV_UDP_HLEN 8
#define NV_TCP_MIN_HLEN 20
#define NV_TCP_DOFF_UNIT 4
#define NV_ARP_ETH_IP4_LEN 28
#define NV_TAG_WINDOW 64        /* bytes of payload searched for a nonce */

/* Parse state: a cursor plus where the bytes end on the wire. */
struct nv_dis {
	struct nv_cur c;
	const uint8_t *wire_end;    /* >= c.end; beyond c.end the capture was cut */
	bool quote;                 /* lengths beyond the bytes are normal */
	bool frag;                  /* inside a first fragment: running out is normal */
	bool stopped;               /* a fault ended the parse */
	enum nv_status st;
	enum nv_layer layer;
	const char *finding;
	int depth;
	int nnotes;
	const char *notes[NV_FINDING_MAX];
};

/* Finding names of one IP header position (outer, inner, quoted). */
struct nv_ipnames {
	const char *trunc, *bad_version, *bad_ihl, *bad_len, *bad_csum,
		*len_exceeds, *too_many_ext, *ext_trunc;
};

extern const struct nv_ipnames nv_names_ip4_outer, nv_names_ip6_outer,
	nv_names_ip4_inner, nv_names_ip6_inner, nv_names_ip4_quote,
	nv_names_ip6_quote;

void nv_dis_init(struct nv_dis *d, const uint8_t *data, size_t caplen,
		 size_t len);
/* Stop with st at layer; keeps the first reason. Always returns false. */
bool nv_dis_stop(struct nv_dis *d, enum nv_status st, enum nv_layer l,
		 const char *finding);
/* True if n bytes are left; otherwise stops as truncated (or quietly in a fragment). */
bool nv_dis_need(struct nv_dis *d, size_t n, enum nv_layer l, const char *name);
/* A finding that does not stop the parse (checksums, reserved bits). */
void nv_dis_note(struct nv_dis *d, enum nv_layer l, const char *finding,
		 bool malformed);
/* Narrow the cursor (and wire end) to the next n bytes of a datagram. */
void nv_dis_clamp(struct nv_dis *d, size_t n);
/* One's-complement sum of the next n bytes at the cursor (n <= left). */
uint32_t nv_dis_sum(const struct nv_cur *c, size_t n, uint32_t sum);
uint16_t nv_dis_fold(uint32_t sum);

bool nv_dis_ip4(struct nv_dis *d, struct nv_ipinfo *ip, enum nv_layer l,
		const struct nv_ipnames *n);
bool nv_dis_ip6(struct nv_dis *d, struct nv_ipinfo *ip, enum nv_layer l,
		const struct nv_ipnames *n);
/* GRE header; on success the cursor is at the payload. key_off: frame offset. */
bool nv_dis_gre(struct nv_dis *d, struct nv_greinfo *g, uint16_t *gre_off,
		uint16_t *key_off, const char *trunc_name);
/* 802.1Q/QinQ tags; returns false when stopped. */
bool nv_dis_vlans(struct nv_dis *d, uint16_t *ethertype, int *ntags,
		  uint16_t tpids[2], uint16_t vids[2], enum nv_layer l,
		  const char *trunc, const char *too_deep);
/* Nonce at the start of a payload, or within the first NV_TAG_WINDOW bytes. */
bool nv_dis_tag(const struct nv_cur *c, struct nv_tag *t);
/* Inner (or outer non-GRE) L4 after an IP header; fills pkt->l4 and ICMP errors. */
void nv_dis_l4(struct nv_dis *d, struct nv_pkt *p, uint8_t proto, bool inner);
void nv_dis_arp(struct nv_dis *d, struct nv_l4info *l4, enum nv_layer l,
		const char *trunc);

static inline int nv_ip_version(uint8_t first)
{
	return first >> NV_IP_VERSION_SHIFT;
}

static inline bool nv_is_vlan_tpid(uint16_t t)
{
	return t == NV_TPID_8021Q || t == NV_TPID_8021AD || t == NV_TPID_QINQ_OLD;
}

#endif
