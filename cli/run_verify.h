/*
 * run_verify.h - the seam between a live run (gen/live_run.c) and the
 * verifier: every frame sent and captured goes in, a struct nv_result comes
 * out. Private to cli/run.c.
 */
#ifndef NV_CLI_RUN_VERIFY_H
#define NV_CLI_RUN_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "nvgrect/craft.h"
#include "nvgrect/err.h"
#include "nvgrect/result.h"

struct nv_run_verify;

/* timeout_ms: the answer window per probe (the run's --timeout). */
int nv_rv_begin(const struct nv_plan *plan, const struct nv_dut *dut,
		uint32_t timeout_ms, struct nv_run_verify **v, struct nv_err *err);
void nv_rv_sent(void *v, const struct nv_planned *pl, int frag, uint64_t ts_us,
		const uint8_t *frame, uint32_t len);
void nv_rv_frame(void *v, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
		 uint32_t len);
/*
 * interrupted: a signal stopped the run (report says so). cut_short: the
 * run ended early (signal, DUT unreachable, send failure): cases with a
 * probe never sent, or still in its answer window at stop_us (wall clock),
 * become inconclusive.
 */
int nv_rv_finish(struct nv_run_verify *v, const struct nv_capture_stats *st,
		 bool interrupted, bool cut_short, uint64_t stop_us,
		 struct nv_result *out, struct nv_err *err);
void nv_rv_free(struct nv_run_verify *v);

#endif
