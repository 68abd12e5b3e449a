/*
 * run_verify.c - the seam between a live run and the verifier: frames sent
 * and captured go to nv_verify_*, a struct nv_result comes out. A run cut
 * short marks the cases it never finished inconclusive.
 */
#include <stdio.h>
#include <stdlib.h>

#include "run_verify.h"
#include "nvgrect/verify.h"

#define US_PER_MS 1000ull

struct nv_run_verify {
	struct nv_verifier *v;
	uint32_t captured;          /* capture_frame numbers, 1-based */
	uint32_t nplan;
	uint64_t *sent_us;          /* per plan frame: wall time sent, 0 = never */
	uint64_t timeout_us;
};

void nv_rv_free(struct nv_run_verify *rv);

int nv_rv_begin(const struct nv_plan *plan, const struct nv_dut *dut,
		uint32_t timeout_ms, struct nv_run_verify **out, struct nv_err *err)
{
	struct nv_verify_opts o = { .timeout_ms = timeout_ms };
	struct nv_run_verify *rv = calloc(1, sizeof *rv);

	*out = NULL;
	if (!rv || !(rv->sent_us = calloc(plan->n ? plan->n : 1, sizeof *rv->sent_us))) {
		free(rv);
		return nv_errf(err, "out of memory");
	}
	rv->nplan = plan->n;
	rv->timeout_us = (uint64_t)(timeout_ms ? timeout_ms : NV_VERIFY_TIMEOUT_MS) * US_PER_MS;
	if (nv_verify_new(&rv->v, plan, dut, &o, err) < 0) {
		nv_rv_free(rv);
		return -1;
	}
	*out = rv;
	return 0;
}

void nv_rv_sent(void *arg, const struct nv_planned *pl, int frag, uint64_t ts_us,
		const uint8_t *frame, uint32_t len)
{
	struct nv_run_verify *rv = arg;

	(void)frame;
	(void)len;
	if (frag != 0)
		return;
	nv_verify_sent(rv->v, pl->frame, ts_us);
	if (pl->frame < rv->nplan)
		rv->sent_us[pl->frame] = ts_us;
}

void nv_rv_frame(void *arg, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
		 uint32_t len)
{
	struct nv_run_verify *rv = arg;

	nv_verify_frame(rv->v, data, caplen, len, ts_us, ++rv->captured);
}

/*
 * A probe never sent, or one that stayed silent while its answer window
 * was still open when the run stopped, proves nothing.
 */
static bool probe_unfinished(const struct nv_run_verify *rv,
			     const struct nv_probe_result *p, uint64_t stop_us)
{
	uint64_t t;

	if (!p->pl || p->pl->frame >= rv->nplan)
		return false;
	t = rv->sent_us[p->pl->frame];
	if (t == 0)
		return true;
	return p->obs == NV_OBS_SILENT && t + rv->timeout_us > stop_us;
}

static bool case_unfinished(const struct nv_run_verify *rv, const struct nv_case_result *c,
			    const struct nv_result *r, uint64_t stop_us)
{
	for (int i = c->first; i < c->first + c->nprobes && i < r->nprobe_results; i++)
		if (probe_unfinished(rv, &r->probes[i], stop_us))
			return true;
	return false;
}

static void mark_unfinished(const struct nv_run_verify *rv, struct nv_result *r,
			    uint64_t stop_us)
{
	for (int i = 0; i < r->ncases; i++) {
		struct nv_case_result *c = &r->cases[i];

		if (c->verdict == NV_V_INCONCLUSIVE || !case_unfinished(rv, c, r, stop_us))
			continue;
		r->counts[c->verdict]--;
		c->verdict = NV_V_INCONCLUSIVE;
		r->counts[NV_V_INCONCLUSIVE]++;
		snprintf(c->detail, sizeof c->detail,
			 "interrupted before every probe of this case was sent and answered");
	}
}

int nv_rv_finish(struct nv_run_verify *rv, const struct nv_capture_stats *st,
		 bool interrupted, bool cut_short, uint64_t stop_us,
		 struct nv_result *out, struct nv_err *err)
{
	nv_verify_stats(rv->v, st);
	if (nv_verify_finish(rv->v, out, err) < 0)
		return -1;
	out->interrupted = interrupted;
	if (interrupted || cut_short)
		mark_unfinished(rv, out, stop_us);
	return 0;
}

void nv_rv_free(struct nv_run_verify *rv)
{
	if (!rv)
		return;
	if (rv->v)
		nv_verify_free(rv->v);
	free(rv->sent_us);
	free(rv);
}
