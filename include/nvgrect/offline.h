/*
 * offline.h - verify one or more capture files as one capture.
 *
 * The files are merged by timestamp (equal timestamps: the file given
 * first goes first), so a run's probes.pcapng and capture.pcapng together
 * replay what the live verifier saw: our own probes among them (outer
 * destination the DUT's PA, our tag) give every probe its send time.
 *
 * When no file holds any of our probes (capture.pcapng alone, a vendor's
 * capture of the answers only), send times are estimated from the plan:
 * see nv_offline_schedule.
 */
#ifndef NV_OFFLINE_H
#define NV_OFFLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "nvgrect/craft.h"
#include "nvgrect/dut.h"
#include "nvgrect/err.h"
#include "nvgrect/result.h"
#include "nvgrect/verify.h"

#define NV_OFFLINE_FILES_MAX 16
#define NV_OFFLINE_SLACK_MAX_US 20000u  /* schedule moved earlier by at most this */

/* What the files held and how send times were found. */
enum nv_offline_times {
	NV_TIMES_PROBES,            /* from our probes in the files */
	NV_TIMES_REPLY_ANCHOR,      /* plan schedule, anchored on tagged answers */
	NV_TIMES_FIRST_FRAME,       /* plan schedule from the first frame */
	NV_TIMES_NONE,              /* no estimate: no ARP probe in the plan, --stream,
				       or an empty capture */
};

struct nv_offline_info {
	uint64_t frames;            /* over all files */
	enum nv_offline_times times;
	uint64_t t0_us;             /* the estimated start of the plan (schedule) */
};

/*
 * rate_pps: the run's --rate (frames/s cap on top of the plan's pacing; 0 =
 * the run default) for the estimated schedule.
 */
int nv_verify_files(const char *const *paths, int npaths, const struct nv_plan *plan,
		    const struct nv_dut *dut, const struct nv_verify_opts *o,
		    uint32_t rate_pps, struct nv_offline_info *info,
		    struct nv_result *out, struct nv_err *err);

/*
 * The send schedule a live run follows, relative to its start: plan entry
 * i at max(t_offset_us, the previous one + 1/rate). Written into out[0..n).
 */
void nv_offline_schedule(const struct nv_plan *plan, uint32_t rate_pps, uint64_t *out);

#endif
