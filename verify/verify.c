/*
 * verify.c - the verifier's life cycle: tables sized once from the plan,
 * frames through correlate.c, then classify -> judge -> score -> endpoint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <pcap/pcap.h>

#include "verify_int.h"

#define NV_US_PER_S 1000000ull

static void iso_now(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void nv_verify_signature(char *buf, unsigned len, bool in_nvgre, int family,
			 uint8_t type, uint8_t code)
{
	snprintf(buf, len, "%sicmp%s-%u-%u", in_nvgre ? "nvgre-" : "",
		 family == AF_INET6 ? "6" : "", type, code);
}

bool nv_verify_probe_nominal(const struct nv_probe *p)
{
	bool gre = !p->gre.c && p->gre.k && !p->gre.s && !p->gre.r && !p->gre.strict &&
		   p->gre.recursion == 0 && p->gre.reserved0 == 0 &&
		   p->gre.version == 0 && p->gre.proto == 0x6558 && !p->gre.has_truncate;
	bool outer = !p->outer.has_src && p->outer.noptions == 0 &&
		     p->outer.fragments <= 1 && !p->outer.has_vlan;
	bool inner = p->inner.nvlan == 0 && !p->inner.has_ethertype &&
		     !p->inner.has_dst_mac && !p->inner.has_src_mac &&
		     !p->inner.has_dst_ca && !p->inner.has_src_ca &&
		     p->inner.payload != NV_PAYLOAD_RAW;

	return gre && outer && inner && !p->has_key;
}

static void add_layouts(struct nv_verifier *v, const struct nv_suite *s)
{
	for (int i = 0; i < s->layouts.n; i++) {
		bool dup = false;

		for (int j = 0; j < v->nlayouts; j++)
			dup |= strcmp(v->layouts[j]->name, s->layouts.l[i].name) == 0;
		if (!dup && v->nlayouts < NV_LAYOUT_MAX)
			v->layouts[v->nlayouts++] = &s->layouts.l[i];
	}
}

static bool case_names_sender_rules(const struct nv_case *c)
{
	for (int i = 0; i < c->nexpect; i++)
		if (c->expect[i].sender_rules)
			return true;
	return false;
}

static bool case_rate_ok(const struct nv_case *c)
{
	for (int i = 0; i < c->nexpect; i++)
		if (c->expect[i].rate_limit_ok)
			return true;
	return false;
}

/* Per-frame flags, layouts, ARP probes, and result slots (first N per case). */
static int index_plan(struct nv_verifier *v, struct nv_err *err)
{
	const struct nv_plan *pl = v->plan;
	const struct nv_case *cur = NULL;
	uint32_t in_case = 0;
	int32_t scase = -1;

	for (uint32_t i = 0; i < pl->n; i++) {
		const struct nv_planned *p = &pl->p[i];
		struct nv_vprobe *vp = &v->vp[i];

		if (p->kase != cur) {
			cur = p->kase;
			in_case = 0;
			add_layouts(v, p->suite);
			scase = case_names_sender_rules(cur) ? v->ncs++ : -1;
		}
		vp->scase = scase;
		vp->slot = -1;
		vp->reply_tenant = -1;
		if (nv_verify_probe_nominal(p->probe))
			vp->flags |= NV_VP_NOMINAL;
		if (case_rate_ok(p->kase))
			vp->flags |= NV_VP_RATE_OK;
		if (p->probe->inner.payload == NV_PAYLOAD_ARP) {
			vp->flags |= NV_VP_IS_ARP;
			v->narp++;
		}
		if (p->probe->outer.has_id || p->probe->outer.has_flow_label) {
			vp->flags |= NV_VP_FIXED_ID;
			v->nfixed++;
		}
		if (in_case++ < v->o.detail_per_case)
			vp->slot = v->nres++;
	}
	v->res = calloc(v->nres ? (size_t)v->nres : 1, sizeof(*v->res));
	v->arp = calloc(v->narp ? v->narp : 1, sizeof(*v->arp));
	v->fixed_id = calloc(v->nfixed ? v->nfixed : 1, sizeof(*v->fixed_id));
	v->cs = calloc(v->ncs ? (size_t)v->ncs : 1, sizeof(*v->cs));
	if (!v->res || !v->arp || !v->fixed_id || !v->cs)
		return nv_errno(err, "verifier tables for %u frames", pl->n);
	v->narp = 0;
	v->nfixed = 0;
	for (uint32_t i = 0; i < pl->n; i++) {
		if (v->vp[i].flags & NV_VP_IS_ARP)
			v->arp[v->narp++] = i;
		if (v->vp[i].flags & NV_VP_FIXED_ID)
			v->fixed_id[v->nfixed++] = i;
		if (v->vp[i].slot >= 0)
			v->res[v->vp[i].slot].pl = &pl->p[i];
	}
	return 0;
}

int nv_verify_new(struct nv_verifier **out, const struct nv_plan *plan,
		  const struct nv_dut *dut, const struct nv_verify_opts *o,
		  struct nv_err *err)
{
	struct nv_verifier *v = calloc(1, sizeof(*v));

	*out = NULL;
	if (!v)
		return nv_errno(err, "verifier");
	v->plan = plan;
	v->dut = dut;
	if (o)
		v->o = *o;
	if (!v->o.timeout_ms)
		v->o.timeout_ms = NV_VERIFY_TIMEOUT_MS;
	if (!v->o.rate_window_ms)
		v->o.rate_window_ms = NV_VERIFY_RATE_WINDOW_MS;
	if (!v->o.detail_per_case)
		v->o.detail_per_case = NV_VERIFY_DETAIL_MAX;
	v->vp = calloc(plan->n ? plan->n : 1, sizeof(*v->vp));
	if (!v->vp || index_plan(v, err) < 0) {
		if (!v->vp)
			nv_errno(err, "verifier tables for %u frames", plan->n);
		nv_verify_free(v);
		return -1;
	}
	iso_now(v->started, sizeof(v->started));
	*out = v;
	return 0;
}

void nv_verify_cutoff(struct nv_verifier *v, uint64_t stop_us, bool interrupted)
{
	v->cut = true;
	v->stop_us = stop_us;
	v->interrupted = interrupted;
}

void nv_verify_stats(struct nv_verifier *v, const struct nv_capture_stats *st)
{
	v->st.live = st->live;
	v->st.received = st->received;
	v->st.dropped = st->dropped;
	v->st.ifdropped = st->ifdropped;
	v->have_stats = true;
}

int nv_verify_finish(struct nv_verifier *v, struct nv_result *r, struct nv_err *err)
{
	const struct nv_layout *emits;
	bool entropy;

	memset(r, 0, sizeof(*r));
	r->dut = v->dut;
	r->plan = v->plan;
	snprintf(r->tool_version, sizeof(r->tool_version), "%s", NV_VERSION);
	memcpy(r->started, v->started, sizeof(r->started));
	iso_now(r->finished, sizeof(r->finished));
	r->timeout_ms = v->o.timeout_ms;
	r->interrupted = v->interrupted;
	r->stats = v->st;
	emits = nv_sender_emits(v, &entropy);
	v->emits = emits;
	nv_classify(v, emits);
	/* the probe results move into the result */
	r->probes = v->res;
	r->nprobe_results = v->nres;
	v->res = NULL;
	v->nres = 0;
	if (nv_judge(v, r, err) < 0)
		return -1;
	nv_score(r);
	nv_sender_finish(v, r, emits);
	nv_endpoint(v, r, emits, entropy);
	return 0;
}

void nv_verify_free(struct nv_verifier *v)
{
	if (!v)
		return;
	free(v->vp);
	free(v->res);
	free(v->arp);
	free(v->fixed_id);
	free(v->cs);
	free(v);
}

int nv_verify_file(const char *path, const struct nv_plan *plan,
		   const struct nv_dut *dut, const struct nv_verify_opts *o,
		   struct nv_result *out, struct nv_err *err)
{
	struct nv_capfile *f;
	struct nv_verifier *v;
	const uint8_t *data;
	uint32_t caplen, len, n = 0;
	uint64_t ts;
	int rc;

	if (nv_capfile_open(&f, path, err) < 0)
		return -1;
	if ((rc = nv_capfile_linktype(f)) != DLT_EN10MB) {
		nv_capfile_close(f);
		return nv_errc(err, NV_EXIT_USAGE, "%s: link type %d, need Ethernet (1)",
			       path, rc);
	}
	if (nv_verify_new(&v, plan, dut, o, err) < 0) {
		nv_capfile_close(f);
		return -1;
	}
	while ((rc = nv_capfile_next(f, &data, &caplen, &len, &ts, err)) == 1)
		nv_verify_frame(v, data, caplen, len, ts, ++n);
	if (rc < 0) {
		char msg[NV_ERRBUF_SIZE];

		snprintf(msg, sizeof(msg), "%s", err->msg);
		nv_errc(err, NV_EXIT_USAGE, "%s: %s", path, msg);
	}
	/* frames point into the mapping: finish (evidence is copied) first */
	if (rc < 0 || nv_verify_finish(v, out, err) < 0) {
		nv_capfile_close(f);
		nv_verify_free(v);
		return -1;
	}
	nv_capfile_close(f);
	nv_verify_free(v);
	return 0;
}
