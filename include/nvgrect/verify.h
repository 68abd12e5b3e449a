/*
 * verify.h - the verification API: captured frames in, a struct nv_result
 * out (observations per probe, verdicts per case, score, endpoint block,
 * DUT-sender findings).
 *
 * Usage, live or offline:
 *
 *	struct nv_verifier *v;
 *	if (nv_verify_new(&v, &plan, &dut, NULL, &err) < 0) ...
 *	for each probe sent:     nv_verify_sent(v, pl->frame, ts_us);      (live)
 *	for each captured frame: nv_verify_frame(v, data, caplen, len, ts_us, n);
 *	nv_verify_stats(v, &capture_stats);                                 (live)
 *	nv_verify_finish(v, &result, &err);   // classify, judge, score, endpoint
 *	nv_verify_free(v);
 *	... report ...; nv_result_free(&result);
 *
 * nv_verify_frame does no allocation and costs O(1) per frame: probes are
 * found by tag (nonce, IPv4 ID, IPv6 flow label, echo sequence) through
 * tables sized once from the plan. Our own probes seen in the capture give
 * their send times; without them (a vendor's capture) the timeout is not
 * applied. The plan, DUT and suites must outlive the result.
 */
#ifndef NV_VERIFY_H
#define NV_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "nvgrect/craft.h"
#include "nvgrect/dut.h"
#include "nvgrect/err.h"
#include "nvgrect/result.h"

#define NV_VERIFY_TIMEOUT_MS 2000u      /* answer window per probe */
#define NV_VERIFY_RATE_WINDOW_MS 1100u  /* ICMP neighbours within this: rate-limited */
#define NV_VERIFY_DETAIL_MAX 100u       /* probe results kept per case (report bound) */

struct nv_verify_opts {
	uint32_t timeout_ms;        /* 0 = NV_VERIFY_TIMEOUT_MS */
	uint32_t rate_window_ms;    /* 0 = NV_VERIFY_RATE_WINDOW_MS */
	uint32_t detail_per_case;   /* 0 = NV_VERIFY_DETAIL_MAX */
	/*
	 * The capture holds a stream (`gen --count`): tag frame i is plan entry
	 * i % plan->n; each entry's observation sums its repetitions, the
	 * timeout runs from its latest repetition.
	 */
	bool stream;
	/* Live: probes never reported through nv_verify_sent are inconclusive. */
	bool live;
};

struct nv_verifier;             /* opaque */

int nv_verify_new(struct nv_verifier **out, const struct nv_plan *plan,
		  const struct nv_dut *dut, const struct nv_verify_opts *o,
		  struct nv_err *err);
/* A probe frame left at ts_us (live runs; offline the capture tells). */
void nv_verify_sent(struct nv_verifier *v, uint32_t frame, uint64_t ts_us);
/* One captured frame (DLT_EN10MB). capture_frame: 1-based number in the file. */
void nv_verify_frame(struct nv_verifier *v, const uint8_t *data, uint32_t caplen,
		     uint32_t len, uint64_t ts_us, uint32_t capture_frame);
/*
 * The run stopped at stop_us (wall clock of the send timestamps): a silent
 * probe whose answer window was still open then is inconclusive, not silent.
 */
void nv_verify_cutoff(struct nv_verifier *v, uint64_t stop_us, bool interrupted);
/* Kernel capture counters (live). dropped > 0 makes silent probes inconclusive. */
void nv_verify_stats(struct nv_verifier *v, const struct nv_capture_stats *st);
/* Classify, judge, score, characterise. out is overwritten; free with nv_result_free. */
int nv_verify_finish(struct nv_verifier *v, struct nv_result *out, struct nv_err *err);
void nv_verify_free(struct nv_verifier *v);

/* Offline: read a pcap/pcapng file through nv_verify_frame, then finish. */
int nv_verify_file(const char *path, const struct nv_plan *plan,
		   const struct nv_dut *dut, const struct nv_verify_opts *o,
		   struct nv_result *out, struct nv_err *err);

/* "icmp-3-10", "nvgre-icmp-3-10", "icmp6-1-4", "nvgre-icmp6-1-1". */
void nv_verify_signature(char *buf, unsigned len, bool in_nvgre, int family,
			 uint8_t type, uint8_t code);
/* Is this probe nominal (GRE, outer and inner all default)? DESIGN §6. */
bool nv_verify_probe_nominal(const struct nv_probe *p);

#endif
