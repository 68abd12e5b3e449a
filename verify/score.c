/*
 * score.c - 0..100 per suite and overall.
 *
 * Weights (documented contract, also in README/man):
 *   case weight by level:  MUST 3, SHOULD 2, MAY 1, INFO 0 (recorded, not scored)
 *   credit by verdict:     pass 1, info 1 (the DUT did what `any` allows),
 *                          warn 0.5, fail 0;
 *                          inconclusive cases leave the denominator (no evidence
 *                          either way).
 *   score = round(100 * sum(weight * credit) / sum(weight)); -1 when no case
 *   could be scored (only INFO cases, or all inconclusive).
 */
#include <math.h>

#include "verify_int.h"

#define NV_W_MUST 3.0
#define NV_W_SHOULD 2.0
#define NV_W_MAY 1.0
#define NV_W_INFO 0.0
#define NV_CREDIT_WARN 0.5

static double weight(enum nv_level l)
{
	switch (l) {
	case NV_LEVEL_MUST: return NV_W_MUST;
	case NV_LEVEL_SHOULD: return NV_W_SHOULD;
	case NV_LEVEL_MAY: return NV_W_MAY;
	default: return NV_W_INFO;
	}
}

static double credit(enum nv_verdict v)
{
	switch (v) {
	case NV_V_PASS:
	case NV_V_INFO:
		return 1.0;
	case NV_V_WARN:
		return NV_CREDIT_WARN;
	default:
		return 0.0;
	}
}

static int percent(double got, double max)
{
	return max > 0 ? (int)lround(100.0 * got / max) : -1;
}

static struct nv_suite_score *suite_slot(struct nv_result *r, const struct nv_suite *s,
					 double *got, double *max)
{
	for (int i = 0; i < r->nsuite_scores; i++)
		if (r->suite_scores[i].suite == s)
			return &r->suite_scores[i];
	if (r->nsuite_scores >= NV_SUITE_SCORE_MAX)
		return NULL;
	got[r->nsuite_scores] = max[r->nsuite_scores] = 0;
	r->suite_scores[r->nsuite_scores].suite = s;
	return &r->suite_scores[r->nsuite_scores++];
}

void nv_score(struct nv_result *r)
{
	double got[NV_SUITE_SCORE_MAX], max[NV_SUITE_SCORE_MAX], tgot = 0, tmax = 0;

	r->nsuite_scores = 0;
	for (int i = 0; i < r->ncases; i++) {
		struct nv_case_result *c = &r->cases[i];
		struct nv_suite_score *ss = suite_slot(r, c->suite, got, max);
		double w = weight(c->kase->level);

		c->score_weight = w;
		if (ss)
			ss->cases++;
		if (c->verdict == NV_V_INCONCLUSIVE || w == 0)
			continue;
		tgot += w * credit(c->verdict);
		tmax += w;
		if (ss) {
			got[ss - r->suite_scores] += w * credit(c->verdict);
			max[ss - r->suite_scores] += w;
		}
	}
	for (int i = 0; i < r->nsuite_scores; i++)
		r->suite_scores[i].score = percent(got[i], max[i]);
	r->score = percent(tgot, tmax);
}
