/*
 * diagnose_int.h - private to verify/diagnose*.c: the bounded aggregates
 * that nv_diagnose_add() fills and nv_diagnose_finish() reasons over.
 */
#ifndef NV_DIAGNOSE_INT_H
#define NV_DIAGNOSE_INT_H

#include "nvgrect/diagnose.h"
#include "nvgrect/key.h"

#define DX_LAYOUTS 2                /* the built-ins: 0 rfc7637, 1 draft00 */
#define DX_RFC 0
#define DX_DRAFT 1
#define DX_HOST_SLOTS (NV_DX_HOST_MAX * 2)
#define DX_DIR_SLOTS (NV_DX_DIR_MAX * 2)
#define DX_CONV_SLOTS (NV_DX_CONV_MAX * 2)
#define DX_HOST_CACHE 4
#define DX_CONV_CACHE 4
#define DX_FLOW_WORDS 8             /* 256-bit set of FlowID bytes */
#define DX_VSID_PROV_MAX NV_TENANT_MAX

/* ICMP (RFC 792) and ICMPv6 (RFC 4443) types and codes the diagnosis reads. */
#define DX_ICMP_UNREACH 3
#define DX_ICMP_PROTO_UNREACH 2        /* code: no GRE on that host */
#define DX_ICMP_FRAG_NEEDED 4          /* code: path MTU */
#define DX_ICMP_TIME_EXCEEDED 11
#define DX_ICMP6_UNREACH 1
#define DX_ICMP6_TOO_BIG 2
#define DX_ICMP6_TIME_EXCEEDED 3
#define DX_ICMP6_PARAM_PROBLEM 4
#define DX_ICMP6_UNKNOWN_NEXT_HDR 1    /* code: no GRE on that host */

/* One distinct key sent in one direction. */
struct dx_key {
	uint32_t key;
	struct nv_dx_frames frames;     /* total = frames carrying it */
};

/* An ICMP error that quotes a key sent in one direction. */
struct dx_rej {
	uint32_t key;
	uint8_t type, code;
	int family;                     /* AF_INET: ICMP; AF_INET6: ICMPv6 */
	bool in_nvgre;                  /* carried inside NVGRE (MS-NVGREE) */
	bool has_echo;
	uint32_t echo_key;              /* key of that NVGRE: the VSID the rejecter read */
	int rejecter;                   /* host index of the ICMP sender */
	struct nv_dx_frames frames;
};

/* Everything one provider address sent to another. */
struct dx_dir {
	int src, dst;
	uint64_t frames;
	int nkeys;
	uint64_t keys_untracked;
	struct dx_key keys[NV_DX_KEY_MAX];
	int last_key;                   /* lookup cache */
	int nrej;
	struct dx_rej rej[NV_DX_REJ_MAX];
	struct nv_dx_frames cs_bits;    /* GRE C or S set */
	struct nv_dx_frames inner_vlan;
	struct nv_dx_frames fragments;  /* outer IP fragments of GRE */
	struct nv_dx_frames gre_odd;    /* version, R/s bits, recursion, reserved0 */
	struct nv_dx_frames path_err;   /* ICMP from a third party (PMTU, TTL) */
	uint8_t path_type, path_code;
	struct nv_addr path_from;       /* who sent it */
	int path_family;
};

/* One side of an inner conversation: what one host's VM sent. */
struct dx_side {
	uint64_t frames;
	uint32_t key;                   /* first key seen */
	bool key_hi_varies;             /* key bits 31..8 changed */
	uint32_t key2;                  /* the first key that changed them */
	uint32_t flows[DX_FLOW_WORDS];  /* key low bytes seen */
	uint32_t requests, replies;     /* echo/ARP */
	struct nv_dx_frames req_frames;
	struct nv_dx_frames all_frames;
};

/* VM pair across one host pair; side 0 is the lower host index. */
struct dx_conv {
	int h[2];
	struct nv_addr ca[2];           /* ca[s]: the VM behind host h[s] */
	bool by_mac;                    /* no IP: MACs stand in for addresses */
	struct dx_side side[2];
};

/* Per-host evidence, built in finish(). */
enum dx_ev_kind {
	DX_EV_DUT,                      /* a provisioned VSID under one layout only */
	DX_EV_RESERVED,                 /* reserved VSID under one layout only */
	DX_EV_TOPBYTE,                  /* top byte set: draft00 must zero it */
	DX_EV_LOWZERO,                  /* low byte zero: rfc7637 FlowID 0 */
	DX_EV_FLOWVAR,                  /* one VM pair, key varies in the low byte only */
	DX_EV_SYMMETRY,                 /* both directions agree only under this pairing */
	DX_EV_REJECT,                   /* a rejection explained by this layout */
	DX_EV_REJECTED,                 /* its key rejected by a peer of known layout */
	DX_EV_ECHO,                     /* NVGRE ICMP error keyed with the VSID it read */
	DX_EV_PEER,                     /* same layout as a peer it talks with */
	DX_EV_KINDS
};

struct dx_ev {
	int count[DX_LAYOUTS];
	double weight[DX_LAYOUTS];
	char example[DX_LAYOUTS][NV_DX_REASON_LEN];
};

struct dx_host {
	struct nv_addr pa;
	uint64_t sent, received, icmp_sent;
	struct dx_ev ev[DX_EV_KINDS];
};

struct nv_diagnose {
	struct nv_layouts layouts;
	const struct nv_layout *lay[DX_LAYOUTS];
	bool has_dut;
	char dut_name[NV_NAME_MAX];
	int nprov;
	uint32_t prov[DX_VSID_PROV_MAX];

	uint64_t frames, nvgre, gre_other, fragments, icmp_errors, icmp_nvgre;
	uint64_t truncated, malformed, untracked;

	/* tables grow on demand up to their NV_DX_*_MAX bound */
	int nhosts, cap_hosts;
	struct dx_host *hosts;
	int host_slot[DX_HOST_SLOTS];   /* index + 1, 0 = empty */
	int hcache[DX_HOST_CACHE];      /* recently used hosts, index + 1 */
	unsigned hnext;
	int ndirs, cap_dirs;
	struct dx_dir *dirs;
	int dir_slot[DX_DIR_SLOTS];
	int last_dir[2];                /* cache per way: [src < dst] */
	int nconvs, cap_convs;
	int conv_cache[DX_CONV_CACHE];  /* recently used conversations, index + 1 */
	unsigned conv_next;
	struct dx_conv *convs;
	int *conv_slot;                 /* DX_CONV_SLOTS */
};

/* diagnose.c */
void dx_frames_add(struct nv_dx_frames *fr, uint64_t frame_no);
void dx_frames_merge(struct nv_dx_frames *dst, const struct nv_dx_frames *src);
int dx_dir_find(const struct nv_diagnose *x, int src, int dst);
uint32_t dx_vsid(const struct nv_diagnose *x, int layout, uint32_t key);
bool dx_reserved(uint32_t vsid);
bool dx_provisioned(const struct nv_diagnose *x, uint32_t vsid);
/* "5001", "0x13", "1280256 (0x138900)". */
void dx_vsid_str(uint32_t vsid, char *buf, size_t len);
const char *dx_layout_words(int layout);
/* Does host h send VSID vsid when its keys are read under layout l? */
bool dx_serves(const struct nv_diagnose *x, int h, int l, uint32_t vsid);
/* Did d carry another key of key's VSID (under l) that was not rejected? */
bool dx_other_key_accepted(const struct nv_diagnose *x, const struct dx_dir *d,
			   int l, uint32_t key);
/* Protocol unreachable says "no GRE here", not "wrong VSID". */
bool dx_no_gre(const struct dx_rej *r);
/* snprintf that may cut (the texts are bounded on purpose). */
void dx_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A VM address: IPv4, IPv6, or a MAC (AF_PACKET) when the frame had no IP. */
void dx_ca_str(const struct nv_addr *a, char *buf, size_t len);

/* diagnose_infer.c: fill out->hosts/pairs. */
void dx_infer(struct nv_diagnose *x, struct nv_diagnosis *out);
/* diagnose_find.c: fill out->findings. */
void dx_find(const struct nv_diagnose *x, struct nv_diagnosis *out);

#endif
