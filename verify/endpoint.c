/*
 * endpoint.c - the `endpoint` block of DESIGN §6, from nominal probes only
 * (GRE, outer and inner all default: nothing but the key varies):
 *   accepts         layouts whose FlowID-0 probes to a provisioned VSID were
 *                   all delivered (at least one, inconclusive ones ignored);
 *   emits           layout of the DUT's own encapsulated frames (sender.c);
 *   flowid_tolerant non-zero-FlowID probes to a provisioned VSID all
 *                   delivered; null (-1) if none was sent;
 *   rejects         per probed layout not accepted, its most frequent
 *                   signature ("icmp-3-10", "silent", ...);
 *   unknown_vsid    most frequent signature of probes to a valid
 *                   (0x1000..0xFFFFFE) unprovisioned VSID, under an accepted
 *                   layout when there is one; "" (null) if not probed.
 */
#include <stdio.h>
#include <string.h>

#include "verify_int.h"

#define NV_SIGS 6

struct sigcount {
	int n;
	char sig[NV_SIGS][NV_SIG_MAX];
	uint32_t count[NV_SIGS];
};

struct lstat {
	uint32_t sent, delivered;
	struct sigcount other;          /* signatures of the not delivered */
	struct sigcount unknown;        /* unprovisioned valid VSIDs */
};

static void sig_add(struct sigcount *s, const char *sig)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->sig[i], sig) == 0) {
			s->count[i]++;
			return;
		}
	if (s->n < NV_SIGS) {
		snprintf(s->sig[s->n], NV_SIG_MAX, "%s", sig);
		s->count[s->n++] = 1;
	}
}

/* Most frequent; ties go to the first seen. */
static const char *sig_top(const struct sigcount *s)
{
	int best = -1;

	for (int i = 0; i < s->n; i++)
		if (best < 0 || s->count[i] > s->count[best])
			best = i;
	return best < 0 ? NULL : s->sig[best];
}

static int layout_of(const struct nv_verifier *v, const struct nv_layout *l)
{
	for (int i = 0; l && i < v->nlayouts; i++)
		if (strcmp(v->layouts[i]->name, l->name) == 0)
			return i;
	return -1;
}

static bool valid_unprovisioned(const struct nv_verifier *v, uint32_t vsid)
{
	return vsid > NV_VSID_RESERVED_LOW && vsid != NV_VSID_VENDOR &&
	       !nv_dut_tenant_by_vsid(v->dut, vsid);
}

static void tally(const struct nv_verifier *v, struct lstat *ls, uint32_t *ft_sent,
		  uint32_t *ft_deliv)
{
	for (uint32_t i = 0; i < v->plan->n; i++) {
		const struct nv_planned *pl = &v->plan->p[i];
		const struct nv_vprobe *vp = &v->vp[i];
		int l = layout_of(v, pl->layout);
		bool prov = nv_dut_tenant_by_vsid(v->dut, pl->vsid) != NULL;
		bool deliv = vp->obs == NV_OBS_DELIVERED;
		char sig[NV_SIG_MAX];

		if (!(vp->flags & NV_VP_NOMINAL) || l < 0 || vp->obs == NV_OBS_INCONCLUSIVE)
			continue;
		nv_classify_signature(v, i, sig, sizeof(sig));
		if (prov && pl->flowid == 0) {
			ls[l].sent++;
			if (deliv)
				ls[l].delivered++;
			else
				sig_add(&ls[l].other, sig);
		} else if (prov && pl->layout->flow_width > 0) {
			(*ft_sent)++;
			*ft_deliv += deliv;
		} else if (valid_unprovisioned(v, pl->vsid)) {
			sig_add(&ls[l].unknown, sig);
		}
	}
}

void nv_endpoint(const struct nv_verifier *v, struct nv_result *r,
		 const struct nv_layout *emits, bool entropy)
{
	struct nv_endpoint *e = &r->endpoint;
	struct lstat ls[NV_LAYOUT_MAX];
	uint32_t ft_sent = 0, ft_deliv = 0;
	const char *unk = NULL, *unk_any = NULL;

	memset(ls, 0, sizeof(ls));
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", v->dut->name);
	e->emits = emits ? emits->name : NULL;
	e->flowid_entropy = entropy;
	tally(v, ls, &ft_sent, &ft_deliv);
	for (int l = 0; l < v->nlayouts; l++) {
		const char *u = sig_top(&ls[l].unknown);
		bool acc = ls[l].sent > 0 && ls[l].delivered == ls[l].sent;

		if (acc) {
			e->accepts[e->naccepts++] = v->layouts[l]->name;
			if (u && !unk)
				unk = u;
		} else if (ls[l].sent > 0) {
			const char *s = sig_top(&ls[l].other);

			e->rejects[e->nrejects].layout = v->layouts[l]->name;
			snprintf(e->rejects[e->nrejects].signature, NV_SIG_MAX, "%s",
				 s ? s : "delivered");
			e->nrejects++;
		}
		if (u && !unk_any)
			unk_any = u;
	}
	e->flowid_tolerant = ft_sent ? ft_deliv == ft_sent : -1;
	snprintf(e->unknown_vsid, sizeof(e->unknown_vsid), "%s",
		 unk ? unk : (unk_any ? unk_any : ""));
}
