/*
 * sender.c - the DUT as a sender (RFC 7637 §3.2-§4.4): every GRE frame it
 * emits is held to the sender rules, and the keys it uses tell which layout
 * it emits (a key that decodes to a provisioned VSID under exactly one
 * layout votes for that layout).
 */
#include <stdio.h>
#include <string.h>

#include "verify_int.h"

#define NV_TEB 0x6558
#define NV_GRE_MUST_BE_ZERO 0x4ff8u     /* R, s, Recur, reserved0 (RFC 2784 bits 1, 4-12) */
#define NV_KEY_HASH_MULT 2654435761u    /* Knuth's multiplicative hash */

struct rule {
	const char *name, *clause, *what;
};

static const struct rule R_C = { "gre.c_bit_set", "RFC 7637 §3.2", "checksum present (C=1)" };
static const struct rule R_S = { "gre.s_bit_set", "RFC 7637 §3.2", "sequence number present (S=1)" };
static const struct rule R_K = { "gre.k_bit_clear", "RFC 7637 §3.2", "no key (K=0)" };
static const struct rule R_VER = { "gre.version_nonzero", "RFC 2784 §2.3.1", "GRE version" };
static const struct rule R_RSVD = { "gre.reserved0_nonzero", "RFC 2784 §2.3", "reserved0 bits" };
static const struct rule R_PROTO = { "gre.proto_not_teb", "RFC 7637 §3.2", "protocol type" };
static const struct rule R_VLAN = { "inner.vlan_tag", "RFC 7637 §3.3", "inner 802.1Q tag" };
static const struct rule R_FRAG = { "outer.fragment", "RFC 7637 §4.4", "outer IP fragment" };
static const struct rule R_VSID = { "key.vsid_reserved", "RFC 7637 §3.4", "VSID in 0-0xFFF" };
static const struct rule R_VEND = { "key.vsid_vendor", "RFC 7637 §3.4", "VSID 0xFFFFFF" };
static const struct rule R_RBITS = { "key.reserved_bits", "draft-sridharan-virtualization-nvgre-00 §3", "reserved key bits" };

static const struct rule R_FCONST = { "key.flowid_constant_nonzero", "RFC 7637 §3.2",
				      "one non-zero FlowID for every flow (not generated, so it must be 0)" };
static const struct rule R_FUNSTABLE = { "key.flowid_unstable", "RFC 7637 §3.2",
					 "FlowID changed within one inner flow" };

static void finding(struct nv_verifier *v, const struct rule *r, uint32_t capf,
		    uint32_t count, uint32_t actual, uint32_t expected)
{
	struct nv_sender_finding *f;

	for (int i = 0; i < v->nsf; i++)
		if (v->sf[i].rule == r->name) {
			v->sf[i].count += count;
			return;
		}
	if (v->nsf >= NV_SENDER_MAX) {
		v->sf_dropped++;
		return;
	}
	f = &v->sf[v->nsf++];
	f->rule = r->name;
	f->clause = r->clause;
	f->capture_frame = capf;
	f->count = count;
	snprintf(f->detail, sizeof(f->detail),
		 "%s: expected %u (0x%x), actual %u (0x%x) in frame %u", r->what,
		 expected, expected, actual, actual, capf);
}

static void note_key(struct nv_verifier *v, uint32_t key, uint32_t capf)
{
	uint32_t h = (key * NV_KEY_HASH_MULT) >> 24;   /* 256 buckets, linear probing */

	for (uint32_t i = 0; i < NV_KEYTAB_MAX; i++) {
		struct nv_keyseen *k = &v->keys[(h + i) % NV_KEYTAB_MAX];

		if (k->count && k->key == key) {
			k->count++;
			return;
		}
		if (k->count == 0) {
			k->key = key;
			k->count = 1;
			k->first_frame = capf;
			v->nkeys++;
			return;
		}
	}
	v->keys_untracked++;
}

static uint32_t addr_hash(const struct nv_addr *a, uint32_t h)
{
	for (int i = 0; i < 16; i++)
		h = (h ^ a->a[i]) * 16777619u;     /* FNV-1a */
	return h;
}

/* Keys per inner (src, dst): a FlowID is per flow, so it should not move. */
static void note_flow(struct nv_verifier *v, const struct nv_pkt *p, uint32_t capf)
{
	uint32_t h = addr_hash(&p->iip.dst, addr_hash(&p->iip.src, 2166136261u));
	struct nv_flowseen *f = &v->flows[h % NV_FLOWTAB_MAX];

	if (!f->used || !nv_addr_eq(&f->src, &p->iip.src) || !nv_addr_eq(&f->dst, &p->iip.dst)) {
		memset(f, 0, sizeof(*f));
		f->used = true;
		f->src = p->iip.src;
		f->dst = p->iip.dst;
		f->key = p->gre.key;
		f->first_frame = capf;
		return;
	}
	if (p->gre.key != f->key && f->changes++ == 0) {
		f->other_key = p->gre.key;
		f->change_frame = capf;
	}
}

void nv_sender_check(struct nv_verifier *v, const struct nv_pkt *p, uint32_t capf)
{
	const struct nv_greinfo *g = &p->gre;

	v->sender_frames++;
	if (p->ip.is_fragment)
		finding(v, &R_FRAG, capf, 1, p->ip.frag_off, 0);
	if (!g->present)
		return;
	if (g->c)
		finding(v, &R_C, capf, 1, 1, 0);
	if (g->s)
		finding(v, &R_S, capf, 1, 1, 0);
	if (!g->k)
		finding(v, &R_K, capf, 1, 0, 1);
	if (g->version)
		finding(v, &R_VER, capf, 1, g->version, 0);
	if (g->r || g->strict || g->recursion || g->reserved0)
		finding(v, &R_RSVD, capf, 1, (uint32_t)(g->flags & NV_GRE_MUST_BE_ZERO), 0);
	if (g->proto != NV_TEB)
		finding(v, &R_PROTO, capf, 1, g->proto, NV_TEB);
	if (p->invlan > 0)
		finding(v, &R_VLAN, capf, 1, (uint32_t)p->invlan, 0);
	/* an NVGRE-carried ICMP error echoes the key it refuses: not the DUT's own */
	if (g->has_key && !p->is_icmp_error)
		note_key(v, g->key, capf);
	if (g->has_key && p->iip.present && !p->is_icmp_error)
		note_flow(v, p, capf);
}

/* R-07 (constant non-zero FlowID over several flows) and per-flow stability. */
static void flow_findings(struct nv_verifier *v, const struct nv_layout *emits)
{
	uint32_t nflows = 0, first = 0, same = 0, frame = 0;

	if (!emits || emits->flow_width == 0)
		return;
	for (int i = 0; i < NV_FLOWTAB_MAX; i++) {
		const struct nv_flowseen *f = &v->flows[i];
		struct nv_key_reading a, b;

		if (!f->used)
			continue;
		nv_key_decode(emits, f->key, &a);
		if (f->changes) {
			nv_key_decode(emits, f->other_key, &b);
			if (a.vsid == b.vsid && a.flowid != b.flowid)
				finding(v, &R_FUNSTABLE, f->change_frame, f->changes, b.flowid,
					a.flowid);
		}
		if (nflows++ == 0) {
			first = a.flowid;
			frame = f->first_frame;
		}
		same += a.flowid == first;
	}
	if (nflows >= 2 && same == nflows && first != 0)
		finding(v, &R_FCONST, frame, nflows, first, 0);
}

/* Index of l in v->layouts. */
static int layout_index(const struct nv_verifier *v, const struct nv_layout *l)
{
	for (int i = 0; i < v->nlayouts; i++)
		if (v->layouts[i] == l)
			return i;
	return -1;
}

static bool provisioned(const struct nv_verifier *v, const struct nv_key_reading *r)
{
	return r->reserved == 0 && nv_dut_tenant_by_vsid(v->dut, r->vsid) != NULL;
}

const struct nv_layout *nv_sender_emits(const struct nv_verifier *v, bool *entropy)
{
	uint64_t votes[NV_LAYOUT_MAX] = { 0 };
	int best = -1;

	*entropy = false;
	for (int i = 0; i < NV_KEYTAB_MAX; i++) {
		const struct nv_keyseen *k = &v->keys[i];
		int hit = -1, nhit = 0;

		if (!k->count)
			continue;
		for (int l = 0; l < v->nlayouts; l++) {
			struct nv_key_reading r;

			nv_key_decode(v->layouts[l], k->key, &r);
			if (provisioned(v, &r)) {
				hit = l;
				nhit++;
			}
		}
		if (nhit == 1)
			votes[hit] += k->count;
	}
	for (int l = 0; l < v->nlayouts; l++)
		if (votes[l] && (best < 0 || votes[l] > votes[best]))
			best = l;
	if (best < 0)
		return NULL;
	for (int i = 0; i < NV_KEYTAB_MAX; i++) {
		struct nv_key_reading r;

		if (!v->keys[i].count)
			continue;
		nv_key_decode(v->layouts[best], v->keys[i].key, &r);
		if (provisioned(v, &r) && r.flowid != 0)
			*entropy = true;
	}
	return v->layouts[best];
}

/* Key rules need the emitted layout; then copy the findings out. */
void nv_sender_finish(struct nv_verifier *v, struct nv_result *r,
		      const struct nv_layout *emits)
{
	for (int i = 0; emits && layout_index(v, emits) >= 0 && i < NV_KEYTAB_MAX; i++) {
		const struct nv_keyseen *k = &v->keys[i];
		struct nv_key_reading kr;

		if (!k->count)
			continue;
		nv_key_decode(emits, k->key, &kr);
		if (kr.problems & NV_KEYP_VSID_RESERVED)
			finding(v, &R_VSID, k->first_frame, k->count, kr.vsid, 0x1000);
		if (kr.problems & NV_KEYP_VSID_VENDOR)
			finding(v, &R_VEND, k->first_frame, k->count, kr.vsid, 0x1000);
		if (kr.problems & NV_KEYP_RESERVED_BITS)
			finding(v, &R_RBITS, k->first_frame, k->count, kr.reserved, 0);
	}
	flow_findings(v, emits);
	r->nsender = v->nsf;
	memcpy(r->sender, v->sf, sizeof(v->sf[0]) * (size_t)v->nsf);
	r->sender_frames = v->sender_frames;
	r->sender_dropped = v->sf_dropped;
}
