/*
 * classify.c - one observation per probe frame (DESIGN §6), once the
 * capture is over and the DUT's emitted layout is known:
 *   reply (echo/ARP/tenant ICMP)  -> delivered, or misdelivered when the
 *                                    answer came from another tenant or under
 *                                    another provisioned VSID;
 *   ICMP error only               -> rejected (signature icmp-T-C, ...);
 *   nothing                       -> silent; rate-limited when the case allows
 *                                    it and a neighbour of the same case drew
 *                                    an ICMP error within the rate window;
 *                                    inconclusive when the capture dropped.
 * A reply and an error both: delivered decides, the error is kept beside it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "verify_int.h"

#define NV_US_PER_MS 1000u
#define NV_RL_SCAN_MAX 4096     /* neighbours looked at on each side */

static int expected_tenant(const struct nv_verifier *v, const struct nv_planned *pl)
{
	const struct nv_tenant *t = pl->tenant ? pl->tenant
					       : nv_dut_tenant_by_vsid(v->dut, pl->vsid);

	return t ? (int)(t - v->dut->tenants) : -1;
}

static int key_tenant(const struct nv_verifier *v, const struct nv_layout *emits,
		      uint32_t key)
{
	struct nv_key_reading r;
	const struct nv_tenant *t;

	if (!emits)
		return -1;
	nv_key_decode(emits, key, &r);
	if (r.reserved)
		return -1;
	t = nv_dut_tenant_by_vsid(v->dut, r.vsid);
	return t ? (int)(t - v->dut->tenants) : -1;
}

/* Did one reply come from a tenant other than want? Its tenant in *got. */
static bool elsewhere(const struct nv_verifier *v, const struct nv_layout *emits,
		      int want, int by_addr, bool has_key, uint32_t key, int *got)
{
	int bykey = has_key ? key_tenant(v, emits, key) : -1;

	*got = by_addr >= 0 ? by_addr : bykey;
	if (*got >= 0 && *got != want)
		return true;
	if (bykey >= 0 && bykey != want) {
		*got = bykey;
		return true;
	}
	return false;
}

static enum nv_obs observe(const struct nv_verifier *v, uint32_t i,
			   const struct nv_layout *emits, int *got_out)
{
	const struct nv_vprobe *vp = &v->vp[i];
	int want, got;

	*got_out = -1;
	if (vp->replies == 0)
		return vp->errors ? NV_OBS_REJECTED : NV_OBS_SILENT;
	want = expected_tenant(v, &v->plan->p[i]);
	if (elsewhere(v, emits, want, vp->reply_tenant, vp->reply_has_key, vp->reply_key,
		      got_out))
		return NV_OBS_MISDELIVERED;
	if (vp->alt_seen && elsewhere(v, emits, want, vp->alt_tenant, vp->alt_has_key,
				      vp->alt_key, &got)) {
		*got_out = got;
		return NV_OBS_MISDELIVERED;
	}
	return NV_OBS_DELIVERED;
}

static uint64_t when(const struct nv_verifier *v, uint32_t i, bool real)
{
	return real ? v->vp[i].sent_us : v->plan->p[i].t_offset_us;
}

/* A neighbour in the same case that drew an ICMP error close in time. */
static int64_t rl_neighbour(const struct nv_verifier *v, uint32_t i)
{
	const struct nv_case *k = v->plan->p[i].kase;
	uint64_t win = (uint64_t)v->o.rate_window_ms * NV_US_PER_MS;

	for (int dir = -1; dir <= 1; dir += 2) {
		int64_t j = (int64_t)i + dir;

		for (int n = 0; n < NV_RL_SCAN_MAX && j >= 0 && (uint64_t)j < v->plan->n &&
		     v->plan->p[j].kase == k; n++, j += dir) {
			bool real = (v->vp[i].flags & v->vp[j].flags & NV_VP_SENT) != 0;
			uint64_t a = when(v, i, real), b = when(v, (uint32_t)j, real);

			if ((a > b ? a - b : b - a) > win)
				break;
			if (v->vp[j].errors && !v->vp[j].replies)
				return j;
		}
	}
	return -1;
}

static void sig_of(const struct nv_vprobe *vp, char *buf, unsigned len)
{
	bool nv = vp->err_kind == NV_EK_NVGRE_ICMP || vp->err_kind == NV_EK_NVGRE_ICMP6;
	bool v6 = vp->err_kind == NV_EK_ICMP6 || vp->err_kind == NV_EK_NVGRE_ICMP6;

	nv_verify_signature(buf, len, nv, v6 ? AF_INET6 : AF_INET, vp->err_type,
			    vp->err_code);
}

void nv_classify_signature(const struct nv_verifier *v, uint32_t i, char *buf,
			   unsigned len)
{
	const struct nv_vprobe *vp = &v->vp[i];

	if (vp->obs == NV_OBS_REJECTED)
		sig_of(vp, buf, len);
	else if (vp->obs == NV_OBS_RATE_LIMITED && vp->rl_from >= 0)
		sig_of(&v->vp[vp->rl_from], buf, len);
	else
		snprintf(buf, len, "%s", nv_obs_name((enum nv_obs)vp->obs));
}

static void fill(struct nv_verifier *v, uint32_t i, int got,
		 const struct nv_layout *emits)
{
	const struct nv_vprobe *vp = &v->vp[i];
	struct nv_probe_result *pr = &v->res[vp->slot];
	const struct nv_layout *l = emits ? emits : v->plan->p[i].layout;
	uint64_t first = vp->replies ? vp->reply_us : vp->error_us;

	pr->obs = (enum nv_obs)vp->obs;
	nv_classify_signature(v, i, pr->signature, sizeof(pr->signature));
	pr->also_rejected = vp->replies && vp->errors;
	if (pr->also_rejected)
		sig_of(vp, pr->also_signature, sizeof(pr->also_signature));
	pr->replies = vp->replies;
	pr->errors = vp->errors;
	pr->duplicates = vp->dups;
	if (vp->replies && vp->reply_has_key && l) {
		struct nv_key_reading r;

		nv_key_decode(l, vp->reply_key, &r);
		pr->reply_vsid = r.vsid;
	}
	if (got >= 0)
		snprintf(pr->reply_tenant, sizeof(pr->reply_tenant), "%s",
			 v->dut->tenants[got].name);
	if ((vp->flags & NV_VP_SENT) && (vp->replies || vp->errors) && first >= vp->sent_us)
		pr->rtt_ms = (double)(first - vp->sent_us) / NV_US_PER_MS;
}

/*
 * Silence proves nothing when the capture lost frames (the answer may be
 * among them), when a live run never sent the probe, or when the run stopped
 * before its answer window closed.
 */
static bool silence_unproven(const struct nv_verifier *v, const struct nv_vprobe *vp)
{
	uint64_t win = (uint64_t)v->o.timeout_ms * NV_US_PER_MS;

	if (v->st.dropped > 0)
		return true;
	if (v->o.live && !(vp->flags & NV_VP_SENT))
		return true;
	return v->cut && (vp->flags & NV_VP_SENT) && vp->sent_us + win > v->stop_us;
}

void nv_classify(struct nv_verifier *v, const struct nv_layout *emits)
{
	const uint32_t n = v->plan->n;

	for (uint32_t i = 0; i < n; i++) {
		int got;

		v->vp[i].obs = (uint8_t)observe(v, i, emits, &got);
		v->vp[i].reply_tenant = (int8_t)got;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct nv_vprobe *vp = &v->vp[i];
		int64_t rl = -1;

		vp->rl_from = -1;
		if (vp->obs == NV_OBS_SILENT && silence_unproven(v, vp)) {
			vp->obs = NV_OBS_INCONCLUSIVE;
		} else if (vp->obs == NV_OBS_SILENT && (vp->flags & NV_VP_RATE_OK) &&
			   (rl = rl_neighbour(v, i)) >= 0) {
			vp->obs = NV_OBS_RATE_LIMITED;
			vp->rl_from = (int32_t)rl;
		}
		if (vp->slot >= 0)
			fill(v, i, vp->reply_tenant, emits);
	}
}
