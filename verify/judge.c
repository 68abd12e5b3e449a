/*
 * judge.c - a verdict per case. Every frame of the case must match one of
 * its expectations (any one passes). A mismatch gives the level's verdict
 * (MUST -> fail, SHOULD -> warn, MAY/INFO -> info); frames lost to capture
 * drops make the case inconclusive unless a mismatch already fails it
 * (verdicts only get worse: pass < info < warn < inconclusive < fail). With
 * drops, only what was seen is evidence: a silent probe, or a rejected one
 * that was expected to be answered (its reply may be the lost frame), proves
 * nothing.
 * `observation: any` records what happened as info.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_int.h"

struct frame_view {
	enum nv_obs obs;
	char sig[NV_SIG_MAX];
	const char *tenant;         /* "" unknown */
};

static bool obs_matches(const struct nv_expect *e, const struct frame_view *f)
{
	switch (e->obs) {
	case NV_OBS_ANY:
		return true;
	case NV_OBS_NOT_DELIVERED:
		return f->obs == NV_OBS_REJECTED || f->obs == NV_OBS_SILENT ||
		       f->obs == NV_OBS_RATE_LIMITED;
	case NV_OBS_REJECTED:
		return f->obs == NV_OBS_REJECTED ||
		       (f->obs == NV_OBS_RATE_LIMITED && e->rate_limit_ok);
	case NV_OBS_SILENT:
		return f->obs == NV_OBS_SILENT ||
		       (f->obs == NV_OBS_RATE_LIMITED && e->rate_limit_ok);
	default:
		return f->obs == e->obs;
	}
}

static bool matches(const struct nv_expect *e, const struct frame_view *f)
{
	if (!obs_matches(e, f))
		return false;
	if (e->signature[0] && e->obs != NV_OBS_ANY && f->obs != NV_OBS_SILENT &&
	    strcmp(e->signature, f->sig) != 0)
		return false;
	if (e->tenant[0] && (f->obs == NV_OBS_DELIVERED || f->obs == NV_OBS_MISDELIVERED) &&
	    strcmp(e->tenant, f->tenant) != 0)
		return false;
	return true;
}

/* Index of the matching expectation, preferring a specific one over `any`. */
static int match_index(const struct nv_case *c, const struct frame_view *f)
{
	int any = -1;

	for (int i = 0; i < c->nexpect; i++) {
		if (!matches(&c->expect[i], f))
			continue;
		if (c->expect[i].obs != NV_OBS_ANY)
			return i;
		any = i;
	}
	return any;
}

static void view(const struct nv_verifier *v, uint32_t i, struct frame_view *f)
{
	const struct nv_vprobe *vp = &v->vp[i];

	f->obs = (enum nv_obs)vp->obs;
	nv_classify_signature(v, i, f->sig, sizeof(f->sig));
	f->tenant = vp->reply_tenant >= 0 ? v->dut->tenants[vp->reply_tenant].name : "";
}

static enum nv_verdict level_verdict(enum nv_level l)
{
	switch (l) {
	case NV_LEVEL_MUST: return NV_V_FAIL;
	case NV_LEVEL_SHOULD: return NV_V_WARN;
	default: return NV_V_INFO;
	}
}

/* "delivered 3, rejected 1 (icmp-3-10)" */
static size_t summary(const struct nv_verifier *v, uint32_t a, uint32_t b,
		      const struct nv_case_result *cr, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int o = 0; o <= NV_OBS_INCONCLUSIVE && n < len; o++) {
		char sig[NV_SIG_MAX] = "";
		int w;

		if (!cr->nobs[o])
			continue;
		for (uint32_t i = a; i < b && (o == NV_OBS_REJECTED || o == NV_OBS_RATE_LIMITED); i++)
			if (v->vp[i].obs == o) {
				nv_classify_signature(v, i, sig, sizeof(sig));
				break;
			}
		w = snprintf(buf + n, len - n, "%s%s %u%s%s%s", n ? ", " : "",
			     nv_obs_name((enum nv_obs)o), cr->nobs[o], sig[0] ? " (" : "",
			     sig, sig[0] ? ")" : "");
		if (w < 0)
			break;
		n += (size_t)w;
	}
	return n < len ? n : len - 1;
}

/* Field by field: what was expected and what came, in decimal and hex. */
static void mismatch_detail(const struct nv_verifier *v, uint32_t i, uint32_t nbad,
			    uint32_t nframes, char *buf, size_t len)
{
	const struct nv_planned *pl = &v->plan->p[i];
	const struct nv_vprobe *vp = &v->vp[i];
	const struct nv_expect *e = &pl->kase->expect[0];
	struct frame_view f;
	char ex[96], more[200] = "";
	int n;

	view(v, i, &f);
	nv_plan_expect_str(pl->kase, ex, sizeof(ex));
	if (f.obs == NV_OBS_REJECTED && e->obs == NV_OBS_REJECTED && e->signature[0])
		snprintf(more, sizeof(more), "; signature: expected %s, actual %s (type %u (0x%02x) code %u (0x%02x))",
			 e->signature, f.sig, vp->err_type, vp->err_type, vp->err_code,
			 vp->err_code);
	else if (vp->replies && vp->reply_has_key)
		snprintf(more, sizeof(more), "; reply key: expected %u (0x%08x), actual %u (0x%08x)%s%s",
			 pl->key, pl->key, vp->reply_key, vp->reply_key,
			 f.tenant[0] ? " from tenant " : "", f.tenant);
	n = snprintf(buf, len, "frame %u: observation: expected %s, actual %s%s%s; "
		     "probe key %u (0x%08x) VSID %u (0x%06x) FlowID %u (0x%02x)%s",
		     pl->frame, ex, nv_obs_name(f.obs),
		     f.obs == NV_OBS_REJECTED || f.obs == NV_OBS_RATE_LIMITED ? " " : "",
		     f.obs == NV_OBS_REJECTED || f.obs == NV_OBS_RATE_LIMITED ? f.sig : "",
		     pl->key, pl->key, pl->vsid, pl->vsid, pl->flowid, pl->flowid, more);
	if (n > 0 && (size_t)n < len && nbad > 1)
		snprintf(buf + n, len - (size_t)n, "; %u of %u frames differ", nbad, nframes);
}

static void judge_case(const struct nv_verifier *v, uint32_t a, uint32_t b,
		       struct nv_case_result *cr)
{
	const struct nv_case *c = v->plan->p[a].kase;
	uint32_t nbad = 0, nany = 0;
	bool inconc = false;
	enum nv_verdict vd = NV_V_PASS;
	size_t n;

	cr->first_mismatch = -1;
	for (uint32_t i = a; i < b; i++) {
		struct frame_view f;
		int m;

		view(v, i, &f);
		cr->nobs[f.obs]++;
		if (f.obs == NV_OBS_INCONCLUSIVE) {
			inconc = true;
			continue;
		}
		m = match_index(c, &f);
		if (m < 0 && f.obs == NV_OBS_REJECTED && v->st.dropped > 0) {
			inconc = true;      /* a reply may be among the frames lost */
			continue;
		}
		if (m < 0) {
			if (nbad++ == 0)
				cr->first_mismatch = i;
		} else if (c->expect[m].obs == NV_OBS_ANY) {
			nany++;
		}
	}
	if (nbad)
		vd = level_verdict(c->level);
	else if (nany)
		vd = NV_V_INFO;
	if (inconc && vd < NV_V_INCONCLUSIVE)
		vd = NV_V_INCONCLUSIVE;
	cr->verdict = vd;
	if (nbad) {
		mismatch_detail(v, (uint32_t)cr->first_mismatch, nbad, b - a, cr->detail,
				sizeof(cr->detail));
		return;
	}
	n = summary(v, a, b, cr, cr->detail, sizeof(cr->detail));
	if (inconc && n + 1 < sizeof(cr->detail))
		snprintf(cr->detail + n, sizeof(cr->detail) - n,
			 "; capture dropped %llu frames: silence proves nothing",
			 (unsigned long long)v->st.dropped);
}

int nv_judge(struct nv_verifier *v, struct nv_result *r, struct nv_err *err)
{
	const struct nv_plan *pl = v->plan;
	int ncases = 0, k = 0;

	for (uint32_t i = 0; i < pl->n; i++)
		if (i == 0 || pl->p[i].kase != pl->p[i - 1].kase)
			ncases++;
	r->cases = calloc(ncases ? (size_t)ncases : 1, sizeof(*r->cases));
	if (!r->cases)
		return nv_errno(err, "case results");
	for (uint32_t a = 0; a < pl->n;) {
		uint32_t b = a + 1;
		struct nv_case_result *cr = &r->cases[k++];

		while (b < pl->n && pl->p[b].kase == pl->p[a].kase)
			b++;
		cr->kase = pl->p[a].kase;
		cr->suite = pl->p[a].suite;
		cr->nframes = b - a;
		cr->first = v->vp[a].slot;
		cr->nprobes = (int)(cr->nframes < v->o.detail_per_case ? cr->nframes
							       : v->o.detail_per_case);
		judge_case(v, a, b, cr);
		r->counts[cr->verdict]++;
		a = b;
	}
	r->ncases = ncases;
	return 0;
}
