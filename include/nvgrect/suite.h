/* suite.h - the in-memory model of a suite: cases, probes, expectations. */
#ifndef NV_SUITE_H
#define NV_SUITE_H

#include <stdbool.h>
#include <stdint.h>

#include "nvgrect/dut.h"
#include "nvgrect/err.h"
#include "nvgrect/key.h"

#define NV_ID_MAX 32
#define NV_TITLE_MAX 160
#define NV_TEXT_MAX 512
#define NV_FLOWID_LIST_MAX 32
#define NV_VLAN_MAX 2
#define NV_RAW_MAX 1500
#define NV_IPOPT_MAX 40
#define NV_EXPECT_MAX 4

enum nv_level { NV_LEVEL_MUST, NV_LEVEL_SHOULD, NV_LEVEL_MAY, NV_LEVEL_INFO };

/* How a probe's FlowID is chosen per frame. */
enum nv_flowid_mode {
	NV_FLOWID_FIXED,    /* flowid.values[0] (default 0) */
	NV_FLOWID_LIST,     /* one frame per value, in order */
	NV_FLOWID_SWEEP,    /* from..to step */
	NV_FLOWID_RANDOM,   /* seeded */
	NV_FLOWID_HASH,     /* hash of the inner 5-tuple */
};

enum nv_payload {
	NV_PAYLOAD_ICMP_ECHO,   /* IPv4 ICMP echo request (default) */
	NV_PAYLOAD_ICMP6_ECHO,  /* ICMPv6 echo request */
	NV_PAYLOAD_ARP,         /* ARP request for the VM's CA */
	NV_PAYLOAD_UDP,
	NV_PAYLOAD_RAW,         /* raw bytes after the inner Ethernet header */
};

enum nv_csum { NV_CSUM_GOOD, NV_CSUM_BAD };

/* The observation vocabulary of DESIGN.md §6, plus expectation helpers. */
enum nv_obs {
	NV_OBS_DELIVERED,
	NV_OBS_REJECTED,
	NV_OBS_SILENT,
	NV_OBS_MISDELIVERED,
	NV_OBS_NOT_DELIVERED,   /* expectation only: rejected or silent */
	NV_OBS_ANY,             /* expectation only: record what happens */
	NV_OBS_RATE_LIMITED,    /* observation only: ICMP missing in a burst */
	NV_OBS_INCONCLUSIVE,    /* observation only: capture loss */
};

struct nv_vlan {
	uint16_t tpid;      /* 0x8100 or 0x88a8 */
	uint8_t pcp;
	uint16_t vid;
};

/*
 * Everything the crafter needs for one probe. A field whose has_* flag is
 * false takes the default (from the DUT file or RFC 7637 nominal values).
 */
struct nv_probe {
	int line, col;

	/* key */
	char layout[NV_LAYOUT_NAME_MAX];   /* default "rfc7637" */
	char tenant[NV_NAME_MAX];          /* "" = first tenant unless vsid set */
	bool has_vsid;
	uint32_t vsid;
	bool has_key;                      /* raw 32-bit key overrides layout */
	uint32_t key;
	struct {
		enum nv_flowid_mode mode;
		int n;                         /* list length */
		uint32_t values[NV_FLOWID_LIST_MAX];
		uint32_t from, to, step;       /* sweep */
	} flowid;

	/* GRE header (RFC 2784/2890 bit names) */
	struct {
		bool c, k, s, r, strict;       /* k defaults to true */
		uint8_t recursion;             /* 0..7 */
		uint16_t reserved0;            /* bits 5..12 beyond the flags, 0..0x1ff */
		uint8_t version;               /* 0..7 */
		uint16_t proto;                /* default 0x6558 */
		enum nv_csum checksum;         /* with c */
		bool has_seq;
		uint32_t seq;                  /* with s */
		bool has_truncate;             /* cut the frame after this many */
		uint32_t truncate;             /*   bytes of GRE header + payload */
	} gre;

	/* outer delivery header */
	struct {
		int family;                    /* AF_INET (default) or AF_INET6 */
		bool has_src;                  /* spoofed PA */
		struct nv_addr src;
		bool df;                       /* default true */
		uint8_t ttl;                   /* default 64 (hop limit for v6) */
		bool has_id;
		uint16_t id;                   /* default: the probe tag */
		uint8_t dscp, ecn;
		int noptions;
		uint8_t options[NV_IPOPT_MAX];
		int fragments;                 /* 0/1 = none; n = split into n */
		bool has_flow_label;
		uint32_t flow_label;
		bool has_vlan;
		struct nv_vlan vlan;
	} outer;

	/* inner Ethernet frame */
	struct {
		int nvlan;
		struct nv_vlan vlan[NV_VLAN_MAX];
		bool has_ethertype;
		uint16_t ethertype;
		bool has_dst_mac, has_src_mac;
		uint8_t dst_mac[6], src_mac[6];
		bool has_dst_ca, has_src_ca;   /* inner IP override */
		struct nv_addr dst_ca, src_ca;
		enum nv_payload payload;
		uint16_t payload_len;          /* bytes after L4 header; default 32 */
		uint16_t udp_sport, udp_dport;
		int nraw;
		uint8_t raw[NV_RAW_MAX];
	} inner;

	uint32_t count;                    /* frames; default 1 (list: per value) */
	uint32_t gap_ms;                   /* pacing between frames of this probe (has_gap) */
	int tenant_line, tenant_col;       /* where tenant: was written (0 = absent) */
	bool has_family;                   /* outer.family written; else the DUT's pa decides */
	bool has_gap;                      /* gap_ms written; else the suite's pacing_ms */
};

struct nv_expect {
	enum nv_obs obs;                   /* NV_OBS_ANY for INFO record cases */
	char signature[32];                /* optional: "icmp-3-10", "nvgre-icmp-3-10" */
	bool rate_limit_ok;                /* a missing ICMP is "rate-limited" */
	char tenant[NV_NAME_MAX];          /* optional: delivered into this tenant */
	int line, col;
	int tenant_line, tenant_col;       /* where tenant: was written (0 = absent) */
	/* added: RFC 7637 sender rules the DUT's own NVGRE frames answering
	   this expectation's probes must obey (bit i = enum nv_sender_rule i);
	   0 = delivery only */
	uint32_t sender_rules;
};

/*
 * Sender rules a suite can name under `expect: sender:` (suites/README.md).
 * Header rules hold for every DUT frame correlated to a probe; key rules
 * need the emitted layout; flowid looks at all of a case's replies.
 */
enum nv_sender_rule {
	NV_SR_C_BIT,            /* C=0 (RFC 7637 §3.2) */
	NV_SR_S_BIT,            /* S=0 (§3.2) */
	NV_SR_K_BIT,            /* K=1 (§3.2) */
	NV_SR_VERSION,          /* GRE version 0 (RFC 2784 §2.3.1) */
	NV_SR_RESERVED0,        /* reserved0 bits zero (RFC 2784 §2.3) */
	NV_SR_PROTO,            /* protocol 0x6558 (§3.2) */
	NV_SR_INNER_VLAN,       /* no inner 802.1Q tag (§3.3) */
	NV_SR_INNER_FCS,        /* no inner FCS (§3.2; CRC-32 heuristic) */
	NV_SR_OUTER_FRAGMENT,   /* no outer fragments (§4.4) */
	NV_SR_RESERVED_VSID,    /* no VSID in 0..0xFFF (§3.4) */
	NV_SR_VENDOR_VSID,      /* no VSID 0xFFFFFF unsolicited (§3.4) */
	NV_SR_RESERVED_BITS,    /* layout's reserved key bits zero (draft-00) */
	NV_SR_FLOWID,           /* FlowID 0 or per-flow entropy, stable in a flow (§3.2) */
	NV_SR_COUNT,
};

#define NV_SENDER_CLEAN ((1u << NV_SR_COUNT) - 1)   /* `sender: clean`: every rule */

struct nv_case {
	char id[NV_ID_MAX];
	char title[NV_TITLE_MAX];
	char clause[NV_TITLE_MAX];
	enum nv_level level;
	char why[NV_TEXT_MAX];
	int nprobes;
	struct nv_probe *probes;           /* owned */
	int nexpect;
	struct nv_expect expect[NV_EXPECT_MAX];  /* any one matching passes */
	int line, col;
};

struct nv_suite {
	char name[NV_NAME_MAX];
	char description[NV_TEXT_MAX];
	char path[256];
	struct nv_layouts layouts;         /* built-ins + the suite's own */
	uint32_t default_gap_ms;           /* suite-wide pacing */
	int ncases;
	struct nv_case *cases;             /* owned */
};

/*
 * Load and validate a suite. Every problem goes to diags in one pass;
 * returns -1 if there was any. A DUT may be NULL: tenant names are then
 * checked later by nv_suite_bind().
 */
int nv_suite_load(const char *path, struct nv_suite *s, struct nv_diags *diags);
int nv_suite_load_mem(const char *name, const char *buf, size_t len,
		      struct nv_suite *s, struct nv_diags *diags);
/* Check a suite against a DUT file: unknown tenants, VSIDs too wide. */
int nv_suite_bind(const struct nv_suite *s, const struct nv_dut *d,
		  struct nv_diags *diags);
void nv_suite_free(struct nv_suite *s);

const char *nv_level_name(enum nv_level l);
const char *nv_obs_name(enum nv_obs o);
const char *nv_payload_name(enum nv_payload p);
/* Schema name of a sender rule ("c_bit", "inner_fcs", ...), NULL if none. */
const char *nv_sender_rule_name(enum nv_sender_rule r);

#endif
