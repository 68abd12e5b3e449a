/*
 * run_verify.c - the seam between a live run and the verifier: frames sent
 * and captured go to nv_verify_*, a struct nv_result comes out. A run cut
 * short marks the cases it never finished inconclusive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_verify.h"
#include "nvgrect/verify.h"

#define US_PER_MS 1000ull
#define RECENT_MAX 4096u            /* sends remembered with their times */

/* A probe frame and when it left. */
struct sent_rec {
	uint32_t frame;
	uint64_t ts_us;
};

/*
 * Probes go out in plan order, so what a stop leaves unfinished is a
 * suffix: frames never sent, and the last ones sent whose answer window
 * was still open. A ring of the latest sends finds where that suffix
 * starts without memory per plan frame (a stream has millions).
 */
struct nv_run_verify {
	struct nv_verifier *v;
	uint32_t captured;          /* capture_frame numbers, 1-based */
	uint32_t nsent;             /* frames [0, nsent) went out */
	uint64_t timeout_us;
	uint32_t head, count;       /* ring of the latest sends, oldest at head */
	bool lost;                  /* a send still in its window fell off the ring */
	uint32_t lost_frame;        /* the first such frame */
	struct sent_rec recent[RECENT_MAX];
};

void nv_rv_free(struct nv_run_verify *rv);

int nv_rv_begin(const struct nv_plan *plan, const struct nv_dut *dut,
		uint32_t timeout_ms, struct nv_run_verify **out, struct nv_err *err)
{
	struct nv_verify_opts o = { .timeout_ms = timeout_ms };
	struct nv_run_verify *rv = malloc(sizeof *rv);

	*out = NULL;
	if (!rv)
		return nv_errf(err, "out of memory");
	memset(rv, 0, sizeof *rv);  /* touched now: resident memory stays flat */
	rv->timeout_us = (uint64_t)(timeout_ms ? timeout_ms : NV_VERIFY_TIMEOUT_MS) * US_PER_MS;
	if (nv_verify_new(&rv->v, plan, dut, &o, err) < 0) {
		nv_rv_free(rv);
		return -1;
	}
	*out = rv;
	return 0;
}

static void remember(struct nv_run_verify *rv, uint32_t frame, uint64_t ts_us)
{
	if (rv->count == RECENT_MAX) {
		const struct sent_rec *old = &rv->recent[rv->head];

		if (!rv->lost && old->ts_us + rv->timeout_us > ts_us) {
			rv->lost = true;
			rv->lost_frame = old->frame;
		}
		rv->head = (rv->head + 1) % RECENT_MAX;
		rv->count--;
	}
	rv->recent[(rv->head + rv->count) % RECENT_MAX] = (struct sent_rec){ frame, ts_us };
	rv->count++;
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
	if (pl->frame + 1 > rv->nsent)
		rv->nsent = pl->frame + 1;
	remember(rv, pl->frame, ts_us);
}

void nv_rv_frame(void *arg, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
		 uint32_t len)
{
	struct nv_run_verify *rv = arg;

	nv_verify_frame(rv->v, data, caplen, len, ts_us, ++rv->captured);
}

/* The first frame whose answer window was still open at stop_us. */
static uint32_t open_from(const struct nv_run_verify *rv, uint64_t stop_us)
{
	uint32_t k = rv->nsent;

	for (uint32_t i = 0; i < rv->count; i++) {
		const struct sent_rec *s = &rv->recent[(rv->head + i) % RECENT_MAX];

		if (s->ts_us + rv->timeout_us > stop_us) {
			k = s->frame;
			break;
		}
	}
	return rv->lost && rv->lost_frame < k ? rv->lost_frame : k;
}

/*
 * A probe never sent, or one that stayed silent while its answer window
 * was still open when the run stopped, proves nothing.
 */
static bool probe_unfinished(const struct nv_run_verify *rv,
			     const struct nv_probe_result *p, uint32_t open)
{
	if (!p->pl)
		return false;
	if (p->pl->frame >= rv->nsent)
		return true;
	return p->obs == NV_OBS_SILENT && p->pl->frame >= open;
}

static bool case_unfinished(const struct nv_run_verify *rv, const struct nv_case_result *c,
			    const struct nv_result *r, uint32_t open)
{
	for (int i = c->first; i < c->first + c->nprobes && i < r->nprobe_results; i++)
		if (probe_unfinished(rv, &r->probes[i], open))
			return true;
	return false;
}

static void mark_unfinished(const struct nv_run_verify *rv, struct nv_result *r,
			    uint64_t stop_us)
{
	uint32_t open = open_from(rv, stop_us);

	for (int i = 0; i < r->ncases; i++) {
		struct nv_case_result *c = &r->cases[i];

		if (c->verdict == NV_V_INCONCLUSIVE || !case_unfinished(rv, c, r, open))
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
	free(rv);
}
