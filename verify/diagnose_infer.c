/*
 * diagnose_infer.c - which key layout does each host use? Evidence is
 * weighed per host and layout: keys that are only plausible under one
 * layout, conversations whose two directions agree only under one pairing
 * of layouts, rejections that one layout explains, and (with --dut) the
 * provisioned VSIDs. The margin between the layouts gives the confidence.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose_int.h"

#define DX_TOPBYTE_MASK 0xFF000000u
#define DX_LOWBYTE_MASK 0x000000FFu
#define DX_FLOW_SHIFT 8
#define DX_REJECT_CAP 8.0       /* total weight rejections may add to one host */

/* Weight of one piece of evidence, and how many of a kind count. */
static const struct { double w; int cap; } ev_rule[DX_EV_KINDS] = {
	[DX_EV_DUT] = { 6, 2 },
	[DX_EV_RESERVED] = { 3, 3 },
	[DX_EV_TOPBYTE] = { 2, 2 },
	[DX_EV_LOWZERO] = { 2, 2 },
	[DX_EV_FLOWVAR] = { 2, 2 },
	[DX_EV_SYMMETRY] = { 3, 2 },
	[DX_EV_REJECT] = { 0, 4 },      /* weight given per rejection */
	[DX_EV_REJECTED] = { 0, 4 },
	[DX_EV_ECHO] = { 4, 2 },
	[DX_EV_PEER] = { 2, 1 },
};

struct dx_sym {
	int match[DX_LAYOUTS][DX_LAYOUTS];
	int conv;                       /* an example conversation */
	bool has_conv;
};

__attribute__((format(printf, 5, 6)))
static void ev_add(struct dx_host *h, enum dx_ev_kind k, int layout, double w,
		   const char *fmt, ...)
{
	struct dx_ev *e = &h->ev[k];
	va_list ap;

	if (e->count[layout]++ == 0) {
		va_start(ap, fmt);
		vsnprintf(e->example[layout], sizeof(e->example[layout]), fmt, ap);
		va_end(ap);
	}
	if (e->count[layout] <= ev_rule[k].cap)
		e->weight[layout] += w;
	if ((k == DX_EV_REJECT || k == DX_EV_REJECTED) && e->weight[layout] > DX_REJECT_CAP)
		e->weight[layout] = DX_REJECT_CAP;
}

static void scores(const struct dx_host *h, double s[DX_LAYOUTS])
{
	s[0] = s[1] = 0;
	for (int k = 0; k < DX_EV_KINDS; k++)
		for (int l = 0; l < DX_LAYOUTS; l++)
			s[l] += h->ev[k].weight[l];
}

/* Best layout, or -1 when the evidence is even; margin in *m. */
static int best(const struct dx_host *h, double *m)
{
	double s[DX_LAYOUTS];

	scores(h, s);
	*m = s[0] > s[1] ? s[0] - s[1] : s[1] - s[0];
	if (*m < 0.5)
		return -1;
	return s[0] > s[1] ? DX_RFC : DX_DRAFT;
}

static void key_evidence(struct nv_diagnose *x, struct dx_host *h, uint32_t key)
{
	uint32_t r = dx_vsid(x, DX_RFC, key), d = dx_vsid(x, DX_DRAFT, key);
	char rs[32], ds[32];

	dx_vsid_str(r, rs, sizeof(rs));
	dx_vsid_str(d, ds, sizeof(ds));
	if (x->has_dut && dx_provisioned(x, r) != dx_provisioned(x, d)) {
		int l = dx_provisioned(x, r) ? DX_RFC : DX_DRAFT;

		ev_add(h, DX_EV_DUT, l, ev_rule[DX_EV_DUT].w,
		       "key 0x%08x is provisioned VSID %s under %s (under %s it would be VSID %s)",
		       key, l == DX_RFC ? rs : ds, dx_layout_words(l),
		       dx_layout_words(!l), l == DX_RFC ? ds : rs);
	}
	if (dx_reserved(r) != dx_reserved(d)) {
		int l = dx_reserved(r) ? DX_DRAFT : DX_RFC;

		ev_add(h, DX_EV_RESERVED, l, ev_rule[DX_EV_RESERVED].w,
		       "key 0x%08x reads as reserved VSID %s under %s but as VSID %s under %s",
		       key, l == DX_DRAFT ? rs : ds, dx_layout_words(!l),
		       l == DX_DRAFT ? ds : rs, dx_layout_words(l));
	}
	if ((key & DX_TOPBYTE_MASK) && !dx_reserved(r))
		ev_add(h, DX_EV_TOPBYTE, DX_RFC, ev_rule[DX_EV_TOPBYTE].w,
		       "key 0x%08x has bits 31..24 set, which a draft-00 sender must zero",
		       key);
	if (!(key & DX_LOWBYTE_MASK) && !dx_reserved(r))
		ev_add(h, DX_EV_LOWZERO, DX_RFC, ev_rule[DX_EV_LOWZERO].w,
		       "key 0x%08x ends in a zero byte: VSID %s with FlowID 0 under RFC 7637 "
		       "(a draft-00 VSID would end in 00 only 1 time in 256)", key, rs);
}

static int popcount8w(const uint32_t w[DX_FLOW_WORDS])
{
	int n = 0;

	for (int i = 0; i < DX_FLOW_WORDS; i++)
		n += __builtin_popcount(w[i]);
	return n;
}

static void flow_evidence(struct nv_diagnose *x)
{
	for (int i = 0; i < x->nconvs; i++) {
		const struct dx_conv *c = &x->convs[i];

		for (int s = 0; s < 2; s++) {
			const struct dx_side *sd = &c->side[s];
			int n = popcount8w(sd->flows);
			char a[64], b[64];

			if (sd->frames == 0 || sd->key_hi_varies || n < 2 ||
			    dx_reserved(sd->key >> DX_FLOW_SHIFT))
				continue;
			dx_ca_str(&c->ca[s], a, sizeof(a));
			dx_ca_str(&c->ca[!s], b, sizeof(b));
			ev_add(&x->hosts[c->h[s]], DX_EV_FLOWVAR, DX_RFC, ev_rule[DX_EV_FLOWVAR].w,
			       "VM %s -> %s: the key changes only in its low byte (%d values): "
			       "RFC 7637 FlowID entropy; under draft-00 one VM pair would span %d tenants",
			       a, b, n, n);
		}
	}
}

static int pair_index(struct nv_diagnosis *out, int h0, int h1)
{
	int a = h0 < h1 ? h0 : h1, b = h0 < h1 ? h1 : h0;

	for (int i = 0; i < out->npairs; i++)
		if (out->pairs[i].a == a && out->pairs[i].b == b)
			return i;
	out->pairs[out->npairs] = (struct nv_dx_pair){ .a = a, .b = b, .compatible = -1 };
	return out->npairs++;
}

/* The most frequent keys of a direction, most frequent first (max 4). */
static int top_keys(const struct dx_dir *d, uint32_t keys[4])
{
	int idx[NV_DX_KEY_MAX], n = d->nkeys;

	for (int i = 0; i < n; i++)
		idx[i] = i;
	for (int i = 1; i < n; i++)   /* insertion sort, stable */
		for (int j = i; j > 0 && d->keys[idx[j]].frames.total >
					     d->keys[idx[j - 1]].frames.total; j--) {
			int t = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	for (int i = 0; i < n && i < 4; i++)
		keys[i] = d->keys[idx[i]].key;
	return n < 4 ? n : 4;
}

static void build_pairs(struct nv_diagnose *x, struct nv_diagnosis *out)
{
	for (int i = 0; i < x->ndirs; i++) {
		const struct dx_dir *d = &x->dirs[i];
		struct nv_dx_pair *p = &out->pairs[pair_index(out, d->src, d->dst)];

		if (d->src == p->a) {
			p->a_to_b = d->frames;
			p->nkeys_ab = top_keys(d, p->keys_ab);
		} else {
			p->b_to_a = d->frames;
			p->nkeys_ba = top_keys(d, p->keys_ba);
		}
	}
}

/* The VSID a tester's VM pair is probed with in both layouts, if it is one. */
static bool tested_vsid(const struct nv_diagnose *x, const struct dx_side *sd, uint32_t *v)
{
	if (!sd->key_hi_varies)
		return false;
	for (int l = 0; l < DX_LAYOUTS; l++) {
		uint32_t a = dx_vsid(x, l, sd->key), b = dx_vsid(x, !l, sd->key2);

		if (a == b && !dx_reserved(a)) {
			*v = a;
			return true;
		}
	}
	return false;
}

/*
 * A host answering a tester: the tester sends VSID v in both layouts, so
 * the answer's key tells the answering host's layout when only one of its
 * readings is v.
 */
static void answer_to_tester(struct nv_diagnose *x, const struct dx_conv *c, int ts)
{
	const struct dx_side *o = &c->side[!ts];
	char pa[64], vs[32];
	uint32_t v;
	bool m[DX_LAYOUTS];
	int l;

	if (!o->frames || !tested_vsid(x, &c->side[ts], &v))
		return;
	for (l = 0; l < DX_LAYOUTS; l++)
		m[l] = dx_vsid(x, l, o->key) == v;
	if (m[DX_RFC] == m[DX_DRAFT])
		return;
	l = m[DX_RFC] ? DX_RFC : DX_DRAFT;
	nv_addr_str(&x->hosts[c->h[ts]].pa, pa, sizeof(pa));
	dx_vsid_str(v, vs, sizeof(vs));
	ev_add(&x->hosts[c->h[!ts]], DX_EV_SYMMETRY, l, ev_rule[DX_EV_SYMMETRY].w,
	       "it answers %s, which sends VSID %s in both layouts, with key 0x%08x: VSID %s "
	       "only under %s", pa, vs, o->key, vs, dx_layout_words(l));
}

static void symmetry_collect(struct nv_diagnose *x, struct nv_diagnosis *out,
			     struct dx_sym *sym, const bool *mixed)
{
	for (int i = 0; i < x->nconvs; i++) {
		const struct dx_conv *c = &x->convs[i];
		struct dx_sym *s;

		if (mixed[c->h[0]] != mixed[c->h[1]]) {
			answer_to_tester(x, c, mixed[c->h[0]] ? 0 : 1);
			continue;
		}
		if (!c->side[0].frames || !c->side[1].frames || mixed[c->h[0]])
			continue;
		s = &sym[pair_index(out, c->h[0], c->h[1])];
		for (int l0 = 0; l0 < DX_LAYOUTS; l0++)
			for (int l1 = 0; l1 < DX_LAYOUTS; l1++)
				if (dx_vsid(x, l0, c->side[0].key) == dx_vsid(x, l1, c->side[1].key)) {
					s->match[l0][l1]++;
					if (!s->has_conv && (l0 != l1 || c->side[0].key != c->side[1].key)) {
						s->conv = i;
						s->has_conv = true;
					}
				}
		if (!s->has_conv) {
			s->conv = i;
			s->has_conv = true;
		}
	}
}

/*
 * The one pairing of layouts under which both directions agree, if only
 * one does. Identical keys agree under both same-layout pairings: that says
 * "same layout" (peer_evidence), not which.
 */
static bool sym_unique(const struct dx_sym *s, int *l0, int *l1)
{
	int n = 0;

	for (int a = 0; a < DX_LAYOUTS; a++)
		for (int b = 0; b < DX_LAYOUTS; b++)
			if (s->match[a][b]) {
				n++;
				*l0 = a;
				*l1 = b;
			}
	return n == 1;
}

static void symmetry_evidence(struct nv_diagnose *x, struct nv_diagnosis *out,
			      const struct dx_sym *sym)
{
	for (int i = 0; i < out->npairs; i++) {
		const struct dx_sym *s = &sym[i];
		const struct dx_conv *c;
		char pa[2][64], v[32];
		int l[2];

		if (!s->has_conv || !sym_unique(s, &l[0], &l[1]))
			continue;
		c = &x->convs[s->conv];
		nv_addr_str(&x->hosts[c->h[0]].pa, pa[0], sizeof(pa[0]));
		nv_addr_str(&x->hosts[c->h[1]].pa, pa[1], sizeof(pa[1]));
		dx_vsid_str(dx_vsid(x, l[0], c->side[0].key), v, sizeof(v));
		for (int h = 0; h < 2; h++)
			/* a second agreeing VM pair adds half as much again */
			ev_add(&x->hosts[c->h[h]], DX_EV_SYMMETRY, l[h],
			       ev_rule[DX_EV_SYMMETRY].w * (s->match[l[0]][l[1]] > 1 ? 1.5 : 1),
			       "one VM pair uses key 0x%08x from %s and 0x%08x from %s: both read "
			       "as VSID %s only if %s uses %s and %s uses %s",
			       c->side[0].key, pa[0], c->side[1].key, pa[1], v, pa[0],
			       dx_layout_words(l[0]), pa[1], dx_layout_words(l[1]));
	}
}

/* Has host r answered (echo or ARP reply) a VM behind host s? */
static bool answers(const struct nv_diagnose *x, int r, int s)
{
	for (int i = 0; i < x->nconvs; i++) {
		const struct dx_conv *c = &x->convs[i];

		for (int k = 0; k < 2; k++)
			if (c->h[k] == r && c->h[!k] == s && c->side[k].replies)
				return true;
	}
	return false;
}

static void reject_one(struct nv_diagnose *x, const struct dx_dir *d,
		       const struct dx_rej *r, int ls)
{
	struct dx_host *h = &x->hosts[r->rejecter];
	uint32_t v = dx_vsid(x, ls, r->key), v2 = dx_vsid(x, !ls, r->key);
	char vs[32], v2s[32], pa[64];
	double w;
	const char *why;

	if (v == v2 || dx_other_key_accepted(x, d, ls, r->key))
		return;     /* a FlowID problem, not a layout one */
	dx_vsid_str(v, vs, sizeof(vs));
	dx_vsid_str(v2, v2s, sizeof(v2s));
	nv_addr_str(&x->hosts[d->src].pa, pa, sizeof(pa));
	if (x->has_dut && dx_provisioned(x, v)) {
		w = 4;
		why = "that VSID is provisioned, so a host reading it that way would accept it";
	} else if (dx_serves(x, r->rejecter, ls, v)) {
		w = 4;
		why = "it sends that VSID itself when its own keys are read that way";
	} else if (dx_reserved(v2)) {
		w = 2;
		why = "the other reading is a reserved VSID, which must be dropped";
	} else if (!answers(x, r->rejecter, d->src)) {
		w = 1;
		why = "hosts of one estate normally share their tenants' VSIDs";
	} else {
		return;     /* it talks with the sender: an unprovisioned VSID, not a layout */
	}
	ev_add(h, DX_EV_REJECT, !ls, w,
	       "it rejects key 0x%08x from %s (VSID %s under %s) with %s %u/%u: "
	       "it must read it as VSID %s (%s); %s",
	       r->key, pa, vs, dx_layout_words(ls), r->family == AF_INET6 ? "ICMPv6" : "ICMP",
	       r->type, r->code, v2s, dx_layout_words(!ls), why);
}

/*
 * The rejecter's layout is known: it read key as v1. If the sender meant
 * the other layout's v2, a VSID the rejecter serves, the rejection is the
 * layout mismatch; so the sender uses the other layout.
 */
static void rejected_one(struct nv_diagnose *x, const struct dx_dir *d,
			 const struct dx_rej *r, int lr)
{
	struct dx_host *h = &x->hosts[d->src];
	uint32_t v1 = dx_vsid(x, lr, r->key), v2 = dx_vsid(x, !lr, r->key);
	char v1s[32], v2s[32], pa[64];
	double w;
	const char *why;

	if (v1 == v2 || dx_other_key_accepted(x, d, lr, r->key))
		return;
	if (x->has_dut && dx_provisioned(x, v2) && !dx_provisioned(x, v1)) {
		w = 4;
		why = "which is provisioned";
	} else if (dx_serves(x, r->rejecter, lr, v2) && !dx_serves(x, r->rejecter, lr, v1)) {
		w = 4;
		why = "a VSID it carries itself";
	} else if (dx_reserved(v1) && !dx_reserved(v2)) {
		w = 2;
		why = "while the way it reads the key gives a reserved VSID";
	} else {
		return;
	}
	dx_vsid_str(v1, v1s, sizeof(v1s));
	dx_vsid_str(v2, v2s, sizeof(v2s));
	nv_addr_str(&x->hosts[r->rejecter].pa, pa, sizeof(pa));
	ev_add(h, DX_EV_REJECTED, !lr, w,
	       "%s (%s) rejects its key 0x%08x, which it reads as VSID %s; under %s the key "
	       "is VSID %s, %s", pa, dx_layout_words(lr), r->key, v1s, dx_layout_words(!lr),
	       v2s, why);
}

/* An ICMP error inside NVGRE keyed with the VSID the rejecter read. */
static void echo_evidence(struct nv_diagnose *x, const struct dx_rej *r)
{
	bool m[DX_LAYOUTS];
	char vs[32];
	int l;

	for (l = 0; l < DX_LAYOUTS; l++)
		m[l] = dx_vsid(x, l, r->echo_key) == dx_vsid(x, l, r->key);
	if (m[DX_RFC] == m[DX_DRAFT])
		return;
	l = m[DX_RFC] ? DX_RFC : DX_DRAFT;
	dx_vsid_str(dx_vsid(x, l, r->key), vs, sizeof(vs));
	ev_add(&x->hosts[r->rejecter], DX_EV_ECHO, l, ev_rule[DX_EV_ECHO].w,
	       "it rejects key 0x%08x with an ICMP error inside NVGRE keyed 0x%08x: both "
	       "are VSID %s only under %s", r->key, r->echo_key, vs, dx_layout_words(l));
}

static void reject_evidence(struct nv_diagnose *x)
{
	int lay[NV_DX_HOST_MAX];
	double m;

	/* senders are placed before any rejection is weighed: order-independent */
	for (int i = 0; i < x->nhosts; i++)
		lay[i] = best(&x->hosts[i], &m);
	for (int i = 0; i < x->ndirs; i++) {
		const struct dx_dir *d = &x->dirs[i];
		int ls = lay[d->src];

		for (int j = 0; j < d->nrej; j++) {
			const struct dx_rej *r = &d->rej[j];

			if (dx_no_gre(r))
				continue;
			if (ls >= 0)
				reject_one(x, d, r, ls);
			if (lay[r->rejecter] >= 0 && r->rejecter == d->dst)
				rejected_one(x, d, r, lay[r->rejecter]);
		}
	}
}

/* A host nothing else places takes the layout of a peer it talks with. */
static void peer_evidence(struct nv_diagnose *x, struct nv_diagnosis *out,
			  const struct dx_sym *sym)
{
	int lay[NV_DX_HOST_MAX];
	double m[NV_DX_HOST_MAX];

	for (int i = 0; i < x->nhosts; i++)
		lay[i] = best(&x->hosts[i], &m[i]);
	for (int i = 0; i < out->npairs; i++) {
		const struct dx_sym *s = &sym[i];
		int a = out->pairs[i].a, b = out->pairs[i].b, known, other;
		char pa[64];

		if (!s->has_conv || !s->match[0][0] || !s->match[1][1] ||
		    s->match[0][1] || s->match[1][0])
			continue;
		if ((lay[a] < 0) == (lay[b] < 0))
			continue;
		known = lay[a] >= 0 ? a : b;
		other = known == a ? b : a;
		nv_addr_str(&x->hosts[known].pa, pa, sizeof(pa));
		ev_add(&x->hosts[other], DX_EV_PEER, lay[known], ev_rule[DX_EV_PEER].w,
		       "its VMs and those behind %s use the same VSID in both directions, "
		       "and %s uses %s", pa, pa, dx_layout_words(lay[known]));
	}
}

static int reason_cmp(const void *a, const void *b)
{
	const double *x = a, *y = b;

	return (x[0] < y[0]) - (x[0] > y[0]);
}

static void host_reasons(const struct dx_host *h, struct nv_dx_host *o)
{
	double order[DX_EV_KINDS * DX_LAYOUTS][3];   /* weight, kind, layout */
	int n = 0;

	for (int k = 0; k < DX_EV_KINDS; k++)
		for (int l = 0; l < DX_LAYOUTS; l++)
			if (h->ev[k].count[l]) {
				/* evidence for the verdict first, then against it */
				double w = h->ev[k].weight[l] + (o->layout == l ? 100 : 0);

				order[n][0] = w;
				order[n][1] = k;
				order[n][2] = l;
				n++;
			}
	qsort(order, (size_t)n, sizeof(order[0]), reason_cmp);
	for (int i = 0; i < n && o->nreasons < NV_DX_REASON_MAX; i++) {
		const struct dx_ev *e = &h->ev[(int)order[i][1]];
		int l = (int)order[i][2];
		char more[48] = "";

		if (e->count[l] > 1)
			snprintf(more, sizeof(more), " (%d like this)", e->count[l]);
		snprintf(o->reasons[o->nreasons++], NV_DX_REASON_LEN, "%s%s: %s%s",
			 o->layout >= 0 && l != o->layout ? "against, for " : "",
			 nv_diagnose_layout_str(l), e->example[l], more);
	}
}

static void host_vsids(const struct nv_diagnose *x, int h, struct nv_dx_host *o)
{
	int flow = -1;

	for (int i = 0; i < x->ndirs; i++) {
		const struct dx_dir *d = &x->dirs[i];

		if (d->src != h)
			continue;
		for (int k = 0; k < d->nkeys; k++) {
			uint32_t key = d->keys[k].key, v;
			bool dup = false;

			if (o->layout == DX_RFC)
				flow = (flow == 1 || (key & DX_LOWBYTE_MASK)) ? 1 : 0;
			if (o->layout < 0)
				continue;
			v = dx_vsid(x, o->layout, key);
			for (int j = 0; j < o->nvsids; j++)
				dup = dup || o->vsids[j] == v;
			if (!dup && o->nvsids < NV_DX_KEY_MAX)
				o->vsids[o->nvsids++] = v;
		}
	}
	o->flowid_entropy = flow;
}

/*
 * Does host h send one VM pair's traffic under one VSID in both layouts
 * (k[0] the rfc7637 key, k[1] the draft00 one)? A tester does; a host with
 * two tenants whose keys alias does not (each VM pair keeps its key).
 */
static bool host_mixed(const struct nv_diagnose *x, int h, uint32_t k[2])
{
	for (int i = 0; i < x->nconvs; i++) {
		const struct dx_conv *c = &x->convs[i];

		for (int s = 0; s < 2; s++) {
			const struct dx_side *sd = &c->side[s];

			if (c->h[s] != h || !sd->key_hi_varies)
				continue;
			for (int l = 0; l < DX_LAYOUTS; l++) {
				uint32_t a = l == DX_RFC ? sd->key : sd->key2;
				uint32_t b = l == DX_RFC ? sd->key2 : sd->key;
				uint32_t v = dx_vsid(x, DX_RFC, a);

				if (!dx_reserved(v) && v == dx_vsid(x, DX_DRAFT, b)) {
					k[0] = a;
					k[1] = b;
					return true;
				}
			}
		}
	}
	return false;
}

static void fill_hosts(struct nv_diagnose *x, struct nv_diagnosis *out)
{
	out->nhosts = x->nhosts;
	for (int i = 0; i < x->nhosts; i++) {
		const struct dx_host *h = &x->hosts[i];
		struct nv_dx_host *o = &out->hosts[i];
		double m;

		o->pa = h->pa;
		o->layout = best(h, &m);
		o->confidence = o->layout < 0 ? 0 : 0.5 + 0.5 * m / (m + 2);
		scores(h, o->score);
		o->nvgre_sent = h->sent;
		o->nvgre_received = h->received;
		o->icmp_errors_sent = h->icmp_sent;
		host_reasons(h, o);
		host_vsids(x, i, o);
		o->mixed = host_mixed(x, i, o->mixed_keys);     /* as dx_infer found */
		if (o->mixed) {         /* a tester has no layout of its own */
			o->layout = -1;
			o->confidence = 0;
			o->flowid_entropy = -1;
		}
	}
	for (int i = 0; i < out->npairs; i++) {
		struct nv_dx_pair *p = &out->pairs[i];
		int la = out->hosts[p->a].layout, lb = out->hosts[p->b].layout;

		p->compatible = la < 0 || lb < 0 ? -1 : la == lb;
	}
}

void dx_infer(struct nv_diagnose *x, struct nv_diagnosis *out)
{
	struct dx_sym *sym = calloc((size_t)x->ndirs + 1, sizeof(*sym));
	bool mixed[NV_DX_HOST_MAX];

	for (int i = 0; i < x->nhosts; i++)
		mixed[i] = host_mixed(x, i, out->hosts[i].mixed_keys);

	for (int i = 0; i < x->nhosts; i++)
		memset(x->hosts[i].ev, 0, sizeof(x->hosts[i].ev));
	build_pairs(x, out);
	for (int i = 0; i < x->ndirs; i++)
		for (int k = 0; k < x->dirs[i].nkeys; k++)
			key_evidence(x, &x->hosts[x->dirs[i].src], x->dirs[i].keys[k].key);
	flow_evidence(x);
	for (int i = 0; i < x->ndirs; i++)
		for (int j = 0; j < x->dirs[i].nrej; j++)
			if (x->dirs[i].rej[j].has_echo)
				echo_evidence(x, &x->dirs[i].rej[j]);
	if (sym) {
		symmetry_collect(x, out, sym, mixed);
		symmetry_evidence(x, out, sym);
	}
	reject_evidence(x);
	if (sym)
		peer_evidence(x, out, sym);
	/* a host placed by its peer can now explain its own rejections */
	for (int i = 0; i < x->nhosts; i++) {
		memset(&x->hosts[i].ev[DX_EV_REJECT], 0, sizeof(x->hosts[i].ev[0]));
		memset(&x->hosts[i].ev[DX_EV_REJECTED], 0, sizeof(x->hosts[i].ev[0]));
	}
	reject_evidence(x);
	fill_hosts(x, out);
	free(sym);
}
