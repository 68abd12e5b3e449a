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

/* Build the wire frame(s) of one planned probe: 1, or n fragments. */
int nv_craft_frames(const struct nv_craft_env *env, const struct nv_planned *pl,
		    struct nv_frame *out, int max, int *nout, struct nv_err *err);

#endif
