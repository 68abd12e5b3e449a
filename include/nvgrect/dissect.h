/*
 * dissect.h - bounded dissection of one captured frame:
 * Ethernet/802.1Q -> IPv4|IPv6 -> GRE -> inner Ethernet/802.1Q -> ARP|IPv4|IPv6
 * -> ICMP|ICMPv6|UDP|TCP, and ICMP error quotes down to the probe's key/nonce.
 * Truncated (capture ended) and malformed (packet contradicts itself) differ.
 */
#ifndef NV_DISSECT_H
#define NV_DISSECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvgrect/dut.h"
#include "nvgrect/tag.h"

#define NV_MAX_DEPTH 8          /* VLAN tags + encapsulations, capped */
#define NV_FINDING_MAX 8

enum nv_status {
	NV_DIS_OK = 0,
	NV_DIS_TRUNCATED,       /* ran out of captured bytes */
	NV_DIS_MALFORMED,       /* a field contradicts the rest */
};

enum nv_layer {
	NV_L_NONE = 0, NV_L_ETH, NV_L_VLAN, NV_L_IP4, NV_L_IP6, NV_L_GRE,
	NV_L_IETH, NV_L_IVLAN, NV_L_IARP, NV_L_IIP4, NV_L_IIP6,
	NV_L_ICMP, NV_L_ICMP6, NV_L_UDP, NV_L_TCP, NV_L_QUOTE,
	NV_L_ARP,               /* underlay ARP (outer) */
};

/* One IP header's facts (outer, inner, or quoted). */
struct nv_ipinfo {
	bool present;
	int family;                 /* AF_INET / AF_INET6 */
	struct nv_addr src, dst;
	uint8_t proto;              /* after IPv6 extension headers */
	uint8_t ttl;
	uint8_t tos;                /* DSCP<<2 | ECN */
	uint16_t id;                /* IPv4 ID (or IPv6 fragment ID low 16) */
	uint32_t flow_label;
	bool df, mf;
	uint16_t frag_off;          /* in 8-byte units */
	bool is_fragment;           /* MF or offset != 0, or v6 fragment header */
	bool has_options;
	uint16_t total_len;         /* claimed length of the datagram */
	bool csum_ok;               /* IPv4 header checksum (true for v6) */
};

struct nv_greinfo {
	bool present;
	uint16_t flags;             /* first 16 bits: C R K S s Recur Flags Ver */
	bool c, r, k, s, strict;
	uint8_t recursion, version;
	uint16_t reserved0;
	uint16_t proto;
	bool has_key;
	uint32_t key;
	bool has_seq;
	uint32_t seq;
	bool has_csum;
	bool csum_ok;
};

struct nv_l4info {
	bool present;
	uint8_t proto;              /* 1, 58, 17, 6; 0 for ARP */
	uint8_t type, code;         /* ICMP/ICMPv6 */
	uint16_t id, seq;           /* echo */
	uint16_t sport, dport;      /* UDP/TCP */
	uint16_t arp_op;            /* ARP */
	struct nv_addr arp_spa, arp_tpa;
	uint8_t arp_sha[6];
	bool has_tag;               /* payload carries a probe nonce */
	struct nv_tag tag;
};

/*
 * What an ICMP/ICMPv6 error quotes about the packet that triggered it.
 * Parsed from a cursor clamped to the quote (and to the RFC 4884 length).
 */
struct nv_quote {
	bool present;
	uint16_t quote_len;         /* bytes of original datagram available */
	struct nv_ipinfo ip;        /* quoted outer IP header (plain ICMP) */
	struct nv_greinfo gre;      /* quoted GRE header, if the quote reaches it */
	bool has_inner_eth;
	uint8_t inner_dst[6], inner_src[6];
	struct nv_ipinfo inner_ip;
	bool has_tag;
	struct nv_tag tag;
	bool truncated;             /* quote ended inside a header */
	/* added */
	bool malformed;             /* a quoted header contradicted itself */
	const char *finding;        /* "quote.gre_truncated", ... (NULL if none) */
	bool from_gre;              /* quote starts at the GRE header (MS-NVGREE) */
	uint16_t gre_off;           /* offset of the GRE header inside the quote */
	uint16_t key_off;           /* offset of the key inside the quote (has_key) */
	int invlan;                 /* quoted inner 802.1Q tags */
	uint16_t iethertype;
	bool has_echo;              /* quoted inner ICMP/ICMPv6 echo request */
	uint16_t echo_id, echo_seq;
};

/* A full dissection. Layers absent from the frame have present = false. */
struct nv_pkt {
	enum nv_status status;
	enum nv_layer bad_layer;    /* where truncation/malformation was seen */
	const char *finding;        /* stable dotted name, e.g. "gre.truncated" */
	int nfindings;              /* every non-fatal finding, in order */
	const char *findings[NV_FINDING_MAX];

	uint32_t caplen, len;
	uint8_t eth_dst[6], eth_src[6];
	int nvlan;                  /* outer 802.1Q tags */
	uint16_t vlan_vid[2];
	uint16_t ethertype;         /* after tags */

	struct nv_ipinfo ip;        /* outer */
	struct nv_greinfo gre;

	/* inner frame (NVGRE: GRE + TEB) */
	bool has_inner;
	uint16_t inner_off;         /* offset of inner Ethernet in the frame */
	uint8_t ieth_dst[6], ieth_src[6];
	int invlan;                 /* inner 802.1Q/QinQ tags (RFC 7637 §3.3) */
	uint16_t ivlan_tpid[2];
	uint16_t iethertype;        /* after tags */
	struct nv_ipinfo iip;
	struct nv_l4info l4;        /* inner L4, or outer L4 for non-GRE */

	/*
	 * ICMP error, plain (outer) or carried inside NVGRE (MS-NVGREE).
	 * quote is filled only when quote.present (is_icmp_error or
	 * inner_icmp_error); otherwise its other fields are left as they were
	 * (not cleared: most frames carry no quote, and this runs per frame).
	 */
	bool is_icmp_error;
	bool icmp_in_nvgre;
	uint8_t icmp_type, icmp_code;
	int icmp_family;            /* AF_INET for ICMP, AF_INET6 for ICMPv6 */
	struct nv_quote quote;
	/* added */
	bool cut_by_capture;        /* truncation came from caplen < len */
	bool inner_icmp_error;      /* ICMP error inside NVGRE quoting the inner
				       datagram (the tenant's own stack answered) */
	uint16_t gre_off;           /* offset of the GRE header in the frame */
	uint16_t key_off;           /* offset of the GRE key (gre.has_key) */
	uint32_t depth;             /* tags + encapsulations seen */
	uint16_t quote_off;         /* offset of the ICMP quote in the frame */
};

/* Dissect one frame (DLT_EN10MB). Never reads past caplen; never fails. */
void nv_dissect_frame(const uint8_t *data, uint32_t caplen, uint32_t len,
		      struct nv_pkt *out);
/*
 * Parse an ICMP error's quoted datagram (starts at the quoted IP header;
 * family is a hint, the version nibble decides). qlen must already be
 * clamped to the RFC 4884 length when the ICMP header gives one.
 */
void nv_dissect_quote(const uint8_t *qb, size_t qlen, int family,
		      struct nv_quote *q);
/* Same for a quote starting at the GRE header (MS-NVGREE UNREACHABLE). */
void nv_dissect_quote_gre(const uint8_t *qb, size_t qlen, struct nv_quote *q);
/* "truncated", "malformed", "ok". */
const char *nv_status_name(enum nv_status s);
/* True for GRE with K=1 and protocol 0x6558. */
bool nv_dissect_is_nvgre(const struct nv_pkt *p);
const char *nv_layer_name(enum nv_layer l);

#endif
