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

/* Sender rules broken by the frames of one case, under the expectations they matched. */
struct sender_tally {
	uint32_t rules;             /* union of the rules the matched expectations name */
	uint32_t judged;            /* frames judged that drew a DUT frame */
	uint32_t nbad[NV_SR_COUNT]; /* frames breaking each rule */
	uint32_t capf[NV_SR_COUNT], actual[NV_SR_COUNT];
};

/* Key rules on a frame's reply key, read in the layout the DUT emits. */
static uint32_t key_rules(const struct nv_verifier *v, const struct nv_vprobe *vp,
			  uint32_t actual[NV_SR_COUNT])
{
	struct nv_key_reading kr;
	uint32_t bad = 0;

	if (!v->emits || !vp->replies || !vp->reply_has_key)
		return 0;
	nv_key_decode(v->emits, vp->reply_key, &kr);
	if (kr.problems & NV_KEYP_VSID_RESERVED) {
		bad |= 1u << NV_SR_RESERVED_VSID;
		actual[NV_SR_RESERVED_VSID] = kr.vsid;
	}
	if (kr.problems & NV_KEYP_VSID_VENDOR) {
		bad |= 1u << NV_SR_VENDOR_VSID;
		actual[NV_SR_VENDOR_VSID] = kr.vsid;
	}
	if (kr.problems & NV_KEYP_RESERVED_BITS) {
		bad |= 1u << NV_SR_RESERVED_BITS;
		actual[NV_SR_RESERVED_BITS] = kr.reserved;
	}
	return bad;
}

static void tally_frame(const struct nv_verifier *v, uint32_t i, uint32_t rules,
			struct sender_tally *t)
{
	const struct nv_vprobe *vp = &v->vp[i];
	const struct nv_case_sender *cs;
	uint32_t kactual[NV_SR_COUNT] = { 0 }, kbad, hbad;

	if (!rules || vp->scase < 0)
		return;
	cs = &v->cs[vp->scase];
	t->rules |= rules;
	if (vp->replies || vp->errors)
		t->judged++;
	hbad = vp->sender_bad & rules;
	kbad = key_rules(v, vp, kactual) & rules;
	for (int r = 0; r < NV_SR_COUNT; r++) {
		if (!((hbad | kbad) & 1u << r) || t->nbad[r]++)
			continue;
		/* header rules: the case's first offending frame; key rules: this reply */
		t->capf[r] = hbad & 1u << r ? cs->capf[r] : vp->reply_capf;
		t->actual[r] = hbad & 1u << r ? cs->actual[r] : kactual[r];
	}
}

/* A rule's verdict, but no worse than the case's own level allows. */
static enum nv_verdict capped(enum nv_verdict rule, enum nv_verdict kase)
{
	return rule < kase ? rule : kase;
}

/*
 * The worst sender-rule verdict of a case, with a detail naming the rule,
 * its clause, the capture frame, and expected vs actual.
 */
static enum nv_verdict judge_sender(const struct nv_verifier *v, const struct nv_case *c,
				    const struct sender_tally *t, int32_t scase,
				    char *buf, size_t len)
{
	enum nv_verdict worst = NV_V_PASS, kase = level_verdict(c->level);
	int first = -1, nbroken = 0;
	size_t n = 0;

	buf[0] = '\0';
	for (int r = 0; r < NV_SR_COUNT; r++) {
		enum nv_verdict rv;

		if (!t->nbad[r])
			continue;
		nbroken++;
		rv = capped(level_verdict(nv_sender_rule_level((enum nv_sender_rule)r)), kase);
		if (first < 0 || rv > worst) {
			worst = rv;
			first = r;
		}
	}
	if (first >= 0) {
		int w = nv_sender_rule_detail((enum nv_sender_rule)first, t->capf[first],
					      t->actual[first], buf, len);

		n = w > 0 && (size_t)w < len ? (size_t)w : len - 1;
		snprintf(buf + n, len - n, "; %u of %u answered frames%s", t->nbad[first],
			 t->judged, nbroken > 1 ? "; other rules broken too" : "");
		return worst;
	}
	if ((t->rules & 1u << NV_SR_FLOWID) && scase >= 0 &&
	    nv_sender_case_flowid(&v->cs[scase], v->emits, buf, len))
		return capped(level_verdict(nv_sender_rule_level(NV_SR_FLOWID)), kase);
	return NV_V_PASS;
}

/* The sender verdict's reason goes first; a clean check says so at the end. */
static void prepend_sender(struct nv_case_result *cr, const char *sdet,
			   const struct sender_tally *t)
{
	char rest[NV_TEXT_MAX];
	size_t n = strlen(cr->detail), k = strlen(sdet);

	if (sdet[0]) {
		/* sdet first, then "; " and as much of the old detail as fits */
		memcpy(rest, cr->detail, n + 1);
		memcpy(cr->detail, sdet, k + 1);
		if (k + 3 < sizeof(cr->detail)) {
			memcpy(cr->detail + k, "; ", 2);
			n = n < sizeof(cr->detail) - k - 3 ? n : sizeof(cr->detail) - k - 3;
			memcpy(cr->detail + k + 2, rest, n);
			cr->detail[k + 2 + n] = '\0';
		}
	} else if (t->rules && n + 1 < sizeof(cr->detail)) {
		snprintf(cr->detail + n, sizeof(cr->detail) - n,
			 "; sender rules kept by %u answered frames", t->judged);
	}
}

static void judge_case(const struct nv_verifier *v, uint32_t a, uint32_t b,
		       struct nv_case_result *cr)
{
	const struct nv_case *c = v->plan->p[a].kase;
	uint32_t nbad = 0, nany = 0;
	bool inconc = false;
	enum nv_verdict vd = NV_V_PASS, sv;
	struct sender_tally t;
	char sdet[NV_TEXT_MAX];
	size_t n;

	memset(&t, 0, sizeof(t));

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
		} else {
			if (c->expect[m].obs == NV_OBS_ANY)
				nany++;
			tally_frame(v, i, c->expect[m].sender_rules, &t);
		}
	}
	if (nbad)
		vd = level_verdict(c->level);
	else if (nany)
		vd = NV_V_INFO;
	if (inconc && vd < NV_V_INCONCLUSIVE)
		vd = NV_V_INCONCLUSIVE;
	/* a broken rule is what was seen: a MUST one fails even beside capture
	   loss (fail outranks inconclusive) */
	sv = judge_sender(v, c, &t, v->vp[a].scase, sdet, sizeof(sdet));
	if (sv > vd)
		vd = sv;
	cr->verdict = vd;
	if (nbad) {
		mismatch_detail(v, (uint32_t)cr->first_mismatch, nbad, b - a, cr->detail,
				sizeof(cr->detail));
	} else {
		n = summary(v, a, b, cr, cr->detail, sizeof(cr->detail));
		if (inconc && n + 1 < sizeof(cr->detail))
			snprintf(cr->detail + n, sizeof(cr->detail) - n,
				 "; capture dropped %llu frames: silence proves nothing",
				 (unsigned long long)v->st.dropped);
	}
	prepend_sender(cr, sdet, &t);
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
