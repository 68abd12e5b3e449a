/*
 * verify_int.h - private to verify/: the verifier's state. Per planned frame
 * a compact record (no evidence bytes); evidence only for the frames kept in
 * the result (the first detail_per_case of every case).
 */
#ifndef NV_VERIFY_INT_H
#define NV_VERIFY_INT_H

#include "nvgrect/dissect.h"
#include "nvgrect/verify.h"

#define NV_TAG16 65536u             /* IPv4 ID, echo seq: 16-bit tags */
#define NV_KEYTAB_MAX 256           /* distinct keys the DUT emitted, tracked */
#define NV_SENDER_MAX 32

/* How an ICMP error reached us. */
enum nv_errkind { NV_EK_ICMP, NV_EK_ICMP6, NV_EK_NVGRE_ICMP, NV_EK_NVGRE_ICMP6 };

enum nv_vp_flags {
	NV_VP_SENT = 1 << 0,        /* seen leaving (capture or nv_verify_sent) */
	NV_VP_NOMINAL = 1 << 1,
	NV_VP_RATE_OK = 1 << 2,     /* the case tolerates rate-limited ICMP */
	NV_VP_IS_ARP = 1 << 3,
	NV_VP_FIXED_ID = 1 << 4,    /* outer.id / flow_label given: not a tag */
};

struct nv_vprobe {
	uint64_t sent_us;           /* first send (stream: latest) */
	uint64_t reply_us, error_us;
	uint32_t reply_key;
	uint32_t sends;             /* times seen leaving (stream repetitions) */
	uint32_t replies, errors, dups;
	uint8_t flags;
	uint8_t err_kind, err_type, err_code;
	uint8_t reply_has_key;
	int8_t reply_tenant;        /* tenant index by inner MAC/CA, -1 unknown */
	/* a later reply that came from elsewhere (flooded into two tenants) */
	uint8_t alt_has_key, alt_seen;
	int8_t alt_tenant;
	uint32_t alt_key;
	uint8_t obs;                /* enum nv_obs, set by classify */
	int32_t slot;               /* index in the result's probe array, -1 */
	int32_t rl_from;            /* rate-limited: the neighbour whose error counts */
	/* the DUT as a sender, for cases whose expectations name rules */
	uint16_t sender_bad;        /* header rules broken by its correlated DUT frames */
	int32_t scase;              /* index into v->cs, -1: the case names no rule */
	uint32_t reply_capf;        /* capture frame of the first reply */
};

struct nv_keyseen {
	uint32_t key;
	uint32_t count;
	uint32_t first_frame;
};

/* One inner flow the DUT encapsulated: does its key (FlowID) stay put? */
struct nv_flowseen {
	bool used;
	struct nv_addr src, dst;
	uint32_t key, other_key;    /* first key; the first different one */
	uint32_t first_frame, change_frame;
	uint32_t changes;
};

#define NV_FLOWTAB_MAX 64
#define NV_CASE_FLOWS 8             /* inner flows tracked per case */

/* Header rules one DUT frame breaks (bit = enum nv_sender_rule), with values. */
struct nv_sender_frame {
	uint32_t bad;
	uint32_t actual[NV_SR_COUNT];   /* valid where bad has the bit */
};

/* Per case that names sender rules: first violation of each rule, flows. */
struct nv_case_sender {
	uint32_t capf[NV_SR_COUNT];     /* capture frame, 0 = none yet */
	uint32_t actual[NV_SR_COUNT];
	int nflows;
	struct nv_flowseen flows[NV_CASE_FLOWS];
};

struct nv_verifier {
	const struct nv_plan *plan;
	const struct nv_dut *dut;
	struct nv_verify_opts o;
	struct nv_vprobe *vp;               /* plan->n */
	uint32_t last_sent[NV_TAG16];       /* low 16 bits of frame -> frame+1 */

	/* result being built: probe slots are allocated up front */
	struct nv_probe_result *res;
	int nres;

	/* layouts of every suite in the plan (names point into the suites) */
	int nlayouts;
	const struct nv_layout *layouts[NV_LAYOUT_MAX];

	uint32_t *arp;                      /* plan frames whose payload is ARP */
	uint32_t narp;
	uint32_t *fixed_id;                 /* plan frames with an explicit IP ID / flow label */
	uint32_t nfixed;

	/* the DUT as a sender */
	struct nv_keyseen keys[NV_KEYTAB_MAX];
	int nkeys;
	uint64_t keys_untracked;
	struct nv_sender_finding sf[NV_SENDER_MAX];
	int nsf;
	uint32_t sf_dropped;
	uint32_t sender_frames;
	struct nv_flowseen flows[NV_FLOWTAB_MAX];  /* direct-mapped by address hash */
	struct nv_case_sender *cs;          /* cases naming sender rules */
	int ncs;
	const struct nv_layout *emits;      /* set by nv_verify_finish */

	struct nv_capture_stats st;
	bool have_stats;
	bool cut;                           /* nv_verify_cutoff called */
	uint64_t stop_us;
	bool interrupted;
	char started[32];
};

/* capfile.c: offline capture reader (mapped classic pcap, else libpcap) */
struct nv_capfile;
int nv_capfile_open(struct nv_capfile **f, const char *path, struct nv_err *err);
int nv_capfile_linktype(const struct nv_capfile *f);
/* 1 a record, 0 end of file, -1 a damaged file (err names the record). */
int nv_capfile_next(struct nv_capfile *f, const uint8_t **data, uint32_t *caplen,
		    uint32_t *len, uint64_t *ts_us, struct nv_err *err);
void nv_capfile_close(struct nv_capfile *f);

/* correlate.c */
/* Plan entry of a tag frame index (stream: modulo the plan), -1 if none. */
int64_t nv_vf_plan_index(const struct nv_verifier *v, uint64_t tag_frame);
bool nv_vf_from_tester(const struct nv_verifier *v, const struct nv_pkt *p);
bool nv_vf_from_dut(const struct nv_verifier *v, const struct nv_pkt *p);
int nv_vf_tenant_of_reply(const struct nv_verifier *v, const struct nv_pkt *p);

/* sender.c */
/* Header rules of one DUT GRE frame (data: the frame, for the FCS check). */
void nv_sender_frame_check(const struct nv_pkt *p, const uint8_t *data,
			   struct nv_sender_frame *sf);
/* Global findings for one DUT GRE frame, sf from nv_sender_frame_check. */
void nv_sender_check(struct nv_verifier *v, const struct nv_pkt *p,
		     const struct nv_sender_frame *sf, uint32_t cap_frame);
/* A DUT frame correlated to plan frame f: keep what its case judges. */
void nv_sender_attach(struct nv_verifier *v, uint32_t f, const struct nv_pkt *p,
		      const struct nv_sender_frame *sf, uint32_t cap_frame);
/* Rule metadata for verdicts and details. */
enum nv_level nv_sender_rule_level(enum nv_sender_rule r);
/* "s_bit (RFC 7637 §3.2, MUST) frame 12: S bit: expected 0 (0x0), actual 1 (0x1)" */
int nv_sender_rule_detail(enum nv_sender_rule r, uint32_t capf, uint32_t actual,
			  char *buf, size_t len);
/* Case-level FlowID rule over a case's replies; 1 broken (capf/detail set). */
int nv_sender_case_flowid(const struct nv_case_sender *cs, const struct nv_layout *emits,
			  char *buf, size_t len);
void nv_sender_finish(struct nv_verifier *v, struct nv_result *r,
		      const struct nv_layout *emits);
/* Layout the DUT emits: a key decoding to a provisioned VSID under exactly one. */
const struct nv_layout *nv_sender_emits(const struct nv_verifier *v, bool *entropy);

/* evidence.c */
void nv_evidence_fill(struct nv_evidence *e, const uint8_t *data, uint32_t caplen,
		      uint32_t len, uint64_t ts_us, uint32_t cap_frame,
		      const struct nv_pkt *p);

/* classify.c: observation per probe (after the last frame) */
void nv_classify(struct nv_verifier *v, const struct nv_layout *emits);
/* The signature a frame's observation carries ("icmp-3-10", "silent", ...). */
void nv_classify_signature(const struct nv_verifier *v, uint32_t i, char *buf,
			   unsigned len);
/* judge.c */
int nv_judge(struct nv_verifier *v, struct nv_result *r, struct nv_err *err);
/* score.c */
void nv_score(struct nv_result *r);
/* endpoint.c */
void nv_endpoint(const struct nv_verifier *v, struct nv_result *r,
		 const struct nv_layout *emits, bool entropy);

#endif
