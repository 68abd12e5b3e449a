/*
 * ref.h - the reference NVGRE endpoint (`nvgrect ref`): behaviour profiles,
 * the pure receive decision, reply builders and the serving loop.
 *
 * The endpoint is the DUT a DUT file describes: it owns dut.pa on its
 * interface (answers underlay ARP, or ND for an IPv6 PA, itself; its
 * namespace has no IP address, so the kernel neither answers ARP nor sends
 * ICMP 3/2), holds one
 * lookup record per tenant (VSID, VM CA/MAC, tester PA, like Hyper-V's), and
 * answers inner ARP and ICMP/ICMPv6 echo for each tenant VM, encapsulated in
 * its own key layout.
 *
 * Everything a profile decides about a received frame is a pure function of
 * the profile, the lookup records and the dissected frame (nv_ref_decide),
 * so every profile x layout x flag case is unit-testable without a network.
 * Time-dependent parts (the Linux ICMP rate limit) sit outside it.
 */
#ifndef NV_REF_H
#define NV_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nvgrect/dissect.h"
#include "nvgrect/dut.h"
#include "nvgrect/err.h"
#include "nvgrect/key.h"
#include "nvgrect/priv.h"

/* How the receive lookup reads the GRE key. */
enum nv_ref_match {
	NV_REF_MATCH_VSID,      /* decode with the layout; FlowID ignored */
	NV_REF_MATCH_KEY32,     /* whole key == layout encoding of (VSID, 0) */
};

/* Which GRE header bits make a profile discard the packet. */
enum nv_ref_greflags {
	NV_REF_GRE_RFC2784,     /* RFC 2784 bits 1-5 (R, s, bit 5), version; C checked */
	NV_REF_GRE_LINUX,       /* version, R only (gre_parse_header); C checked */
	NV_REF_GRE_OVS,         /* any bit but C, K, S (parse_gre_header); C checked */
};

/* What a policy miss (no lookup record) produces. */
enum nv_ref_miss {
	NV_REF_MISS_SILENT,
	NV_REF_MISS_ICMP,       /* plain ICMP error from dut.pa */
	NV_REF_MISS_NVGRE_ICMP, /* ICMP error inside NVGRE (MS-NVGREE UNREACHABLE) */
};

struct nv_ref_profile {
	const char *name;
	const char *summary;
	int layout;                     /* nv_key_builtin index: 0 rfc7637, 1 draft00 */
	enum nv_ref_match match;
	enum nv_ref_greflags greflags;
	bool refuse_reserved_vsid;      /* 0..0xFFF and 0xFFFFFF never match */
	bool check_reserved_bits;       /* draft00: reserved key bits must be 0 */
	bool drop_inner_vlan;           /* RFC 7637 §3.3 */
	bool reject_ip_options;         /* OVS: no IPv4 options on tunnel packets */
	bool hnv_policy;                /* Hyper-V lookup: inner CAs/MAC must match */
	bool any_proto_is_miss;         /* Linux: non-TEB or keyless GRE -> miss */
	bool flowid_entropy;            /* emits FlowID = hash of the inner flow */
	enum nv_ref_miss miss;
	uint8_t icmp_type, icmp_code;   /* IPv4 outer */
	uint8_t icmp6_type, icmp6_code; /* IPv6 outer */
	bool ratelimit;                 /* Linux icmp_ratelimit model */
	/* added: deliberate sender faults (the sloppy-sender profile), so the
	   verifier's sender rules can be seen to fail on real packets */
	bool tx_seq;                    /* S=1 and a sequence number (RFC 7637 §3.2) */
	uint16_t tx_inner_vid;          /* non-zero: an inner 802.1Q tag (§3.3) */
	bool tx_inner_fcs;              /* the inner frame keeps its FCS (§3.2) */
	uint8_t tx_flowid;              /* non-zero: this FlowID on every flow */
	uint16_t tx_frag_over;          /* non-zero: outer IPv4 datagrams longer
					   than this go out in two fragments (§4.4) */
};

const struct nv_ref_profile *nv_ref_profile_find(const char *name);
const struct nv_ref_profile *nv_ref_profile_get(int i);
int nv_ref_profile_count(void);

/* The outcome of one received frame (underlay ARP/ND is answered before
 * any decision: nv_ref_underlay_arp, nv_ref_underlay_nd). */
enum nv_ref_verdict {
	NV_REF_IGNORE,          /* not addressed to us: not logged by default */
	NV_REF_DROP,            /* for us, discarded without an answer */
	NV_REF_DELIVER,         /* decapsulated and handed to a tenant VM */
	NV_REF_REJECT,          /* policy miss answered with an ICMP error */
};

/* What the tenant VM answers to a delivered frame. */
enum nv_ref_answer {
	NV_REF_ANS_NONE,        /* delivered, nothing to say (not for the VM) */
	NV_REF_ANS_ARP,         /* inner ARP reply for vm_ca */
	NV_REF_ANS_ECHO,        /* inner ICMP echo reply */
	NV_REF_ANS_ECHO6,       /* inner ICMPv6 echo reply */
	NV_REF_ANS_ND,          /* inner Neighbor Advertisement for vm_ca */
};

struct nv_ref_decision {
	enum nv_ref_verdict verdict;
	enum nv_ref_answer answer;
	const struct nv_tenant *tenant; /* DELIVER: the tenant whose VM got it */
	uint32_t key;                   /* received GRE key (0 if none) */
	uint32_t vsid;                  /* VSID as the profile's layout reads it */
	bool icmp_v6;                   /* REJECT: ICMPv6 (outer IPv6) */
	uint8_t icmp_type, icmp_code;   /* REJECT */
	bool in_nvgre;                  /* REJECT: carried inside NVGRE */
	const char *reason;             /* stable dotted reason, e.g. "key.miss" */
};

/* The endpoint's identity: the DUT file plus its own underlay MAC. */
struct nv_ref_ctx {
	const struct nv_ref_profile *prof;
	const struct nv_dut *dut;
	uint8_t mac[6];                 /* dut.mac, or the interface's */
};

/* Decide what to do with one dissected frame. Pure; never fails. */
void nv_ref_decide(const struct nv_ref_ctx *c, const struct nv_pkt *p,
		   struct nv_ref_decision *d);
const char *nv_ref_verdict_name(enum nv_ref_verdict v);

/* MAC used for a tenant VM whose vm_mac is "auto": 02:4e:56 + VSID. */
void nv_ref_vm_mac(const struct nv_tenant *t, uint8_t mac[6]);
/* Key the endpoint emits for a tenant (FlowID from flow when entropy on). */
uint32_t nv_ref_tx_key(const struct nv_ref_profile *prof, uint32_t vsid,
		       uint32_t flow_hash);
/* Non-zero 8-bit entropy from the inner flow of a received frame. */
uint32_t nv_ref_flow_hash(const struct nv_pkt *p);

/*
 * Linux ICMP rate limit (net/ipv4/icmp.c xrlim_allow): per destination a
 * token bucket in milliseconds; each error costs `cost_ms` (icmp_ratelimit,
 * 1000), tokens accrue with elapsed time up to NV_REF_RL_BURST * cost_ms,
 * and a destination seen for the first time starts with a full bucket.
 */
#define NV_REF_RL_BURST 6
#define NV_REF_RL_COST_MS 1000
#define NV_REF_RL_SLOTS 64

struct nv_ref_ratelimit {
	uint32_t cost_ms;
	int n;
	struct {
		struct nv_addr dst;
		uint64_t last_ms;
		uint64_t tokens;
	} slot[NV_REF_RL_SLOTS];
};

void nv_ref_rl_init(struct nv_ref_ratelimit *rl, uint32_t cost_ms);
/* True if an ICMP error to dst may be sent at now_ms (and charge it). */
bool nv_ref_rl_allow(struct nv_ref_ratelimit *rl, const struct nv_addr *dst,
		     uint64_t now_ms);

/* Reply frames. Each returns the frame length, 0 if it cannot be built. */
#define NV_REF_FRAME_MAX 10240
/* Linux quotes the offending datagram up to a 576-byte ICMP datagram. */
#define NV_REF_ICMP4_QUOTE_TOTAL 576
/* ICMPv6 errors fit the IPv6 minimum MTU (RFC 4443 §2.4 (c)). */
#define NV_REF_ICMP6_QUOTE_TOTAL 1280

struct nv_ref_tx {
	uint8_t *buf;                   /* NV_REF_FRAME_MAX bytes */
	uint16_t ip_id;                 /* next outer IPv4 ID */
	/* added: a second frame to send after the one returned (the second
	   outer fragment, sloppy-sender only): buf + more_off, more_len bytes;
	   set by every nv_ref_build_* call, 0 = none */
	uint32_t more_off, more_len;
};

/* Answer an underlay ARP request for dut.pa; 0 when the frame is not one. */
uint32_t nv_ref_underlay_arp(const struct nv_ref_ctx *c, const uint8_t *frame,
			     uint32_t caplen, struct nv_ref_tx *tx);
/* Same for IPv6: a Neighbor Solicitation for dut.pa gets an Advertisement. */
uint32_t nv_ref_underlay_nd(const struct nv_ref_ctx *c, const uint8_t *frame,
			    uint32_t caplen, struct nv_ref_tx *tx);
/* The tenant VM's answer (d->answer), encapsulated in the profile's layout. */
uint32_t nv_ref_build_answer(const struct nv_ref_ctx *c, const uint8_t *frame,
			     const struct nv_pkt *p,
			     const struct nv_ref_decision *d, struct nv_ref_tx *tx);
/* The profile's ICMP error for a policy miss (plain or inside NVGRE). */
uint32_t nv_ref_build_reject(const struct nv_ref_ctx *c, const uint8_t *frame,
			     const struct nv_pkt *p,
			     const struct nv_ref_decision *d, struct nv_ref_tx *tx);

/* Internet checksum over buf, starting from a partial sum. */
uint16_t nv_ref_csum(const uint8_t *buf, uint32_t len, uint32_t sum);

/* The serving loop. */
struct nv_ref_opts {
	const struct nv_ref_profile *prof;
	const struct nv_dut *dut;
	const char *iface;
	bool verbose;                   /* one stderr line per decision */
	uint64_t count_limit;           /* stop after this many decisions; 0 = no limit */
	FILE *log;                      /* decision lines; NULL = stderr */
	/* whom to become once the interface is open (NULL: stay) */
	const struct nv_priv_target *drop;
};

struct nv_ref_stats {
	uint64_t seen, dropped, arp, delivered, answered, rejected, ratelimited;
	uint64_t send_errors;
	uint64_t kernel_dropped;        /* capture buffer overflows (pcap ps_drop) */
};

/*
 * Serve on o->iface until a signal (core/sig.c: the caller installs the
 * handlers) or count_limit decisions. Needs CAP_NET_RAW. A failed send is
 * counted, logged and survived; only opening the interface is fatal.
 */
int nv_ref_serve(const struct nv_ref_opts *o, struct nv_ref_stats *st,
		 struct nv_err *err);
/* One decision as a log line (no newline). */
void nv_ref_log_format(const struct nv_ref_ctx *c, const struct nv_pkt *p,
		       const struct nv_ref_decision *d, uint32_t sent_len,
		       bool ratelimited, char *buf, size_t len);

#endif
