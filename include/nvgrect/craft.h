/*
 * craft.h - suite probes -> wire frames (libnet, LIBNET_NONE: no root).
 *
 * A run is first expanded into a plan: one entry per frame to send, in order,
 * with the key, VSID and FlowID it carries. The plan is deterministic for a
 * given suite list, DUT file and seed, so `verify` can rebuild exactly what
 * `gen`/`run` sent and match a capture taken elsewhere against it.
 */
#ifndef NV_CRAFT_H
#define NV_CRAFT_H

#include <stdbool.h>
#include <stdint.h>

#include "nvgrect/dut.h"
#include "nvgrect/err.h"
#include "nvgrect/suite.h"
#include "nvgrect/tag.h"

#define NV_FRAME_MAX 9216
#define NV_FRAG_MAX 8
#define NV_COMMENT_MAX 256

struct nv_frame {
	uint32_t len;
	uint8_t data[NV_FRAME_MAX];
};

/* One planned probe frame (before fragmentation). */
struct nv_planned {
	uint32_t frame;             /* global index = tag.frame */
	uint16_t suite_idx;         /* which suite of the run */
	uint16_t case_idx, probe_idx;
	uint32_t variant;           /* n-th frame of this probe */
	const struct nv_suite *suite;
	const struct nv_case *kase;
	const struct nv_probe *probe;
	const struct nv_layout *layout;   /* NULL when the probe gives a raw key */
	const struct nv_tenant *tenant;   /* NULL when addressed by bare VSID */
	uint32_t vsid, flowid, key;
	uint64_t t_offset_us;       /* when to send, from the start of the run */
	char comment[NV_COMMENT_MAX];   /* "KEY-02 draft00 vsid=5001 key=0x00001389 expect=rejected" */
};

struct nv_plan {
	uint32_t run_id;            /* tag run id, from the seed */
	uint64_t seed;
	uint32_t n;
	struct nv_planned *p;       /* owned */
};

struct nv_run_input {
	int nsuites;
	struct nv_suite *suites;    /* not owned */
	const struct nv_dut *dut;
	uint64_t seed;
	int ncase_filter;           /* --case ID..., 0 = all */
	const char *const *case_filter;
};

int nv_plan_build(const struct nv_run_input *in, struct nv_plan *plan,
		  struct nv_err *err);
void nv_plan_free(struct nv_plan *plan);
/* Find the planned frame by tag frame index (NULL if out of range). */
const struct nv_planned *nv_plan_get(const struct nv_plan *plan, uint32_t frame);

/* MACs the crafter uses on the underlay (resolved for live runs). */
struct nv_craft_env {
	uint8_t tester_mac[6];
	uint8_t dut_mac[6];
	const struct nv_dut *dut;
	uint32_t run_id;
};

/*
 * Placeholder MACs for files, where nothing is resolved: a DUT-file "auto"
 * becomes one of these (02:00:5e:00:00:0N, locally administered), so a
 * vendor sees at a glance which address to rewrite before replaying.
 */
#define NV_MAC_AUTO_TESTER { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 }
#define NV_MAC_AUTO_DUT { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x02 }
#define NV_MAC_AUTO_VM { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x03 }
#define NV_MAC_AUTO_TENANT_TESTER { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x04 }

/* Ethertype of the inner frame for `payload: raw` without `ethertype:`
 * (IEEE 802 local experimental 1). */
#define NV_RAW_ETHERTYPE 0x88b5

/* Fill env from the DUT file; "auto" MACs become the placeholders above. */
void nv_craft_env_init(struct nv_craft_env *env, const struct nv_dut *dut,
		       uint32_t run_id);

/*
 * The documentation DUT used when `gen` has no --dut: tester 192.0.2.1,
 * DUT 192.0.2.2 (MACs auto), tenant blue VSID 5001 (198.51.100.1 -> .2)
 * and green VSID 6001 (203.0.113.1 -> .2), as in suites/duts/lab.yaml.
 */
void nv_craft_doc_dut(struct nv_dut *dut);

/* Build the wire frame(s) of one planned probe: 1, or n fragments. */
int nv_craft_frames(const struct nv_craft_env *env, const struct nv_planned *pl,
		    struct nv_frame *out, int max, int *nout, struct nv_err *err);

/*
 * Where the per-frame fields sit in a crafted (unfragmented) frame, so a
 * stream can patch a template instead of rebuilding it. Offsets are from
 * the start of the frame; 0 means "not present".
 */
struct nv_frame_map {
	uint16_t outer_l3;      /* outer IPv4/IPv6 header */
	bool outer_v6;
	uint16_t gre;           /* GRE header */
	uint16_t key_off;      /* the 4-byte key (K=1) */
	uint16_t csum_off;     /* the GRE checksum field (C=1) */
	uint16_t inner_l3;      /* inner IPv4/IPv6 header */
	uint16_t inner_l4;      /* inner ICMP/ICMPv6/UDP header */
	uint8_t inner_l4_proto; /* 1, 58, 17 or 0 */
	uint16_t nonce;         /* the 16-byte probe tag nonce */
};
/*
 * Locate the fields of a frame built by nv_craft_frames (bounded parse).
 * -1 when even the outer Ethernet/IP header is not there or not GRE; a
 * frame cut inside GRE or the inner frame maps what it holds (the rest 0).
 */
int nv_craft_map(const uint8_t *frame, uint32_t len, struct nv_frame_map *m,
		 struct nv_err *err);

/*
 * The inner flow a probe's frames carry (addresses after defaults from the
 * tenant, L4 protocol, ports; ICMP uses its echo id as both ports), for
 * `flowid: hash`. tenant may be NULL (bare VSID): the first tenant's or the
 * documentation CAs are used.
 */
int nv_craft_inner_flow(const struct nv_dut *dut, const struct nv_tenant *tenant,
			const struct nv_probe *p, struct nv_addr *src,
			struct nv_addr *dst, uint8_t *proto, uint16_t *sport,
			uint16_t *dport, struct nv_err *err);

/*
 * Streams (`--count N`): the plan's frames built once as templates, then
 * frame i of the stream is template i % ntpl with the per-frame fields
 * patched and checksums fixed incrementally (RFC 1624): outer IPv4 ID or
 * IPv6 flow label, inner IPv4 ID, ICMP sequence, the nonce's frame index,
 * and the FlowID when the probe asks for `flowid: random`. No libnet per
 * frame. Fragmented probes cannot be streamed.
 */
struct nv_stream_tpl {
	const struct nv_planned *pl;
	struct nv_frame_map map;
	uint32_t len;
	uint8_t *data;
	uint32_t flow_mask;             /* in key position; 0 = FlowID fixed */
	uint8_t flow_shift;
};

struct nv_stream {
	uint64_t seed;
	uint32_t ntpl;
	struct nv_stream_tpl *tpl;      /* owned */
};

int nv_stream_init(struct nv_stream *st, const struct nv_plan *plan,
		   const struct nv_craft_env *env, struct nv_err *err);
/* Length of frame i (to reserve room for it). */
uint32_t nv_stream_len(const struct nv_stream *st, uint64_t i);
/* Frame i into out (room for nv_stream_len bytes); returns its length. */
uint32_t nv_stream_frame(const struct nv_stream *st, uint64_t i, uint8_t *out,
			 const struct nv_planned **pl, uint32_t *key);
void nv_stream_free(struct nv_stream *st);

/* A probe asks for an outer family the DUT's PA (pa) does not have. */
bool nv_craft_family_conflict(const struct nv_probe *p, const struct nv_addr *pa);

/* Seeded PRNG used for `flowid: random` and run ids (splitmix64). */
uint64_t nv_plan_mix64(uint64_t x);
/* FlowID for `flowid: hash`: FNV-1a of the inner 5-tuple folded to 8 bits. */
uint32_t nv_plan_flow_hash(const struct nv_addr *src, const struct nv_addr *dst,
			   uint8_t proto, uint16_t sport, uint16_t dport);
/* The human label of an expectation list ("rejected", "delivered|silent"). */
const char *nv_plan_expect_str(const struct nv_case *c, char *buf, unsigned len);

#endif
