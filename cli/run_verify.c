/*
 * run_verify.c - TEMPORARY: weak placeholders for the verifier seam until
 * verify/ provides its live API; `run` then fails with a clear message
 * instead of the link failing for everyone.
 */
#include <stdlib.h>

#include "run_verify.h"

#define WEAK __attribute__((weak))

WEAK int nv_rv_begin(const struct nv_plan *plan, const struct nv_dut *dut,
		     uint32_t timeout_ms, struct nv_run_verify **v, struct nv_err *err)
{
	(void)plan;
	(void)timeout_ms;
	(void)dut;
	*v = NULL;
	return nv_errf(err, "the verifier is not built yet");
}

WEAK void nv_rv_sent(void *v, const struct nv_planned *pl, int frag, uint64_t ts_us,
		     const uint8_t *frame, uint32_t len)
{
	(void)v; (void)pl; (void)frag; (void)ts_us; (void)frame; (void)len;
}

WEAK void nv_rv_frame(void *v, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
		      uint32_t len)
{
	(void)v; (void)ts_us; (void)data; (void)caplen; (void)len;
}

WEAK int nv_rv_finish(struct nv_run_verify *v, const struct nv_capture_stats *st,
		      bool interrupted, uint64_t stop_us, struct nv_result *out,
		      struct nv_err *err)
{
	(void)v; (void)st; (void)interrupted; (void)stop_us; (void)out;
	return nv_errf(err, "the verifier is not built yet");
}

WEAK void nv_rv_free(struct nv_run_verify *v)
{
	(void)v;
}

WEAK int nv_result_exit_code(const struct nv_result *r)
{
	(void)r;
	return NV_EXIT_RUNTIME;
}

WEAK void nv_result_free(struct nv_result *r)
{
	(void)r;
}
