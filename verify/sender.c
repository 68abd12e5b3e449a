/*
 * sender.c - the DUT as a sender (RFC 7637 §3.2-§4.4): every GRE frame it
 * emits is held to the sender rules, and the keys it uses tell which layout
 * it emits (a key that decodes to a provisioned VSID under exactly one
 * layout votes for that layout).
 */
#include <stdio.h>
#include <string.h>

#include "nvgrect/crc32.h"
#include "verify_int.h"

#define NV_TEB 0x6558
#define NV_GRE_MUST_BE_ZERO 0x4ff8u     /* R, s, Recur, reserved0 (RFC 2784 bits 1, 4-12) */
#define NV_KEY_HASH_MULT 2654435761u    /* Knuth's multiplicative hash */
#define NV_ETH_HLEN 14
#define NV_VLAN_HLEN 4
#define NV_ETHERTYPE_ARP 0x0806
#define NV_ARP_LEN 28
#define NV_IP_MF_SHIFT 13               /* MF beside the offset, as on the wire */
#define NV_SENDER_VSID_FIRST 0x1000u           /* RFC 7637 §3.4: 0-0xFFF reserved */
#define NV_SENDER_VSID_VENDOR 0xffffffu

struct rule {
	const char *name, *clause, *what;
	enum nv_level level;
	const char *cmp;                /* how actual should relate to expected */
	uint32_t expected;
};

/*
 * Indexed by enum nv_sender_rule. The FCS check is a heuristic (a trailer
 * that happens to be its own CRC-32 is 1 in 2^32), so it only warns; so do
 * the FlowID rules, which infer "not generated" from what the keys show.
 */
static const struct rule rules[NV_SR_COUNT] = {
	[NV_SR_C_BIT] = { "gre.c_bit_set", "RFC 7637 §3.2", "C bit (checksum present)", NV_LEVEL_MUST, "", 0 },
	[NV_SR_S_BIT] = { "gre.s_bit_set", "RFC 7637 §3.2", "S bit (sequence number present)", NV_LEVEL_MUST, "", 0 },
	[NV_SR_K_BIT] = { "gre.k_bit_clear", "RFC 7637 §3.2", "K bit (key present)", NV_LEVEL_MUST, "", 1 },
	[NV_SR_VERSION] = { "gre.version_nonzero", "RFC 2784 §2.3.1", "GRE version", NV_LEVEL_MUST, "", 0 },
	[NV_SR_RESERVED0] = { "gre.reserved0_nonzero", "RFC 2784 §2.3", "GRE reserved bits 1, 4-12", NV_LEVEL_MUST, "", 0 },
	[NV_SR_PROTO] = { "gre.proto_not_teb", "RFC 7637 §3.2", "GRE protocol type", NV_LEVEL_MUST, "", NV_TEB },
	[NV_SR_INNER_VLAN] = { "inner.vlan_tag", "RFC 7637 §3.3", "inner 802.1Q tags", NV_LEVEL_MUST, "", 0 },
	[NV_SR_INNER_FCS] = { "inner.fcs_present", "RFC 7637 §3.2",
			      "inner frame ends in its own CRC-32 (an FCS)", NV_LEVEL_SHOULD, "", 0 },
	[NV_SR_OUTER_FRAGMENT] = { "outer.fragment", "RFC 7637 §4.4", "outer IP MF|fragment offset", NV_LEVEL_MUST, "", 0 },
	[NV_SR_RESERVED_VSID] = { "key.vsid_reserved", "RFC 7637 §3.4", "VSID", NV_LEVEL_MUST, ">= ", NV_SENDER_VSID_FIRST },
	[NV_SR_VENDOR_VSID] = { "key.vsid_vendor", "RFC 7637 §3.4", "VSID", NV_LEVEL_SHOULD, "< ", NV_SENDER_VSID_VENDOR },
	[NV_SR_RESERVED_BITS] = { "key.reserved_bits", "draft-sridharan-virtualization-nvgre-00 §3",
				  "reserved key bits", NV_LEVEL_MUST, "", 0 },
	[NV_SR_FLOWID] = { "key.flowid", "RFC 7637 §3.2", "FlowID", NV_LEVEL_SHOULD, "", 0 },
};

static const struct rule R_FCONST = { "key.flowid_constant_nonzero", "RFC 7637 §3.2",
				      "one non-zero FlowID for every flow (not generated, so it must be 0)",
				      NV_LEVEL_SHOULD, "", 0 };
static const struct rule R_FUNSTABLE = { "key.flowid_unstable", "RFC 7637 §3.2",
					 "FlowID changed within one inner flow", NV_LEVEL_SHOULD, "", 0 };

enum nv_level nv_sender_rule_level(enum nv_sender_rule r)
{
	return (unsigned)r < NV_SR_COUNT ? rules[r].level : NV_LEVEL_INFO;
}

int nv_sender_rule_detail(enum nv_sender_rule r, uint32_t capf, uint32_t actual,
			  char *buf, size_t len)
{
	const struct rule *u = &rules[r];

	if (r == NV_SR_INNER_FCS)
		return snprintf(buf, len, "sender rule %s (%s %s, %s) capture frame %u: inner FCS: expected none, actual %u (0x%08x), the CRC-32 of the inner frame before it",
				nv_sender_rule_name(r), u->name, u->clause,
				nv_level_name(u->level), capf, actual, actual);
	return snprintf(buf, len, "sender rule %s (%s %s, %s) capture frame %u: %s: expected %s%u (0x%x), actual %u (0x%x)",
			nv_sender_rule_name(r), u->name, u->clause, nv_level_name(u->level), capf,
			u->what, u->cmp, u->expected, u->expected, actual, actual);
}

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
		 "%s: expected %s%u (0x%x), actual %u (0x%x) in frame %u", r->what, r->cmp,
		 expected, expected, actual, actual, capf);
}

/*
 * RFC 7637 §3.2: the inner frame carries no FCS. Only frames with at least
 * 4 bytes after their L3 datagram (or ARP body) are tested, so the common
 * case costs a few compares; the trailer is an FCS when it is the CRC-32 of
 * everything before it, least significant byte first as on the wire.
 */
static bool inner_fcs(const struct nv_pkt *p, const uint8_t *data, uint32_t *fcs)
{
	uint32_t outer_ip = NV_ETH_HLEN + NV_VLAN_HLEN * (uint32_t)p->nvlan;
	uint32_t end = outer_ip + p->ip.total_len, l3, l3len, crc;
	const uint8_t *t;

	if (!data || !p->has_inner || !p->ip.total_len || end > p->caplen || p->ip.is_fragment)
		return false;
	l3 = p->inner_off + NV_ETH_HLEN + NV_VLAN_HLEN * (uint32_t)p->invlan;
	if (p->iip.present)
		l3len = p->iip.total_len;
	else if (p->iethertype == NV_ETHERTYPE_ARP)
		l3len = NV_ARP_LEN;
	else
		return false;
	if (l3 + l3len + NV_FCS_LEN > end)
		return false;
	t = data + end - NV_FCS_LEN;
	*fcs = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
	crc = nv_crc32(data + p->inner_off, end - NV_FCS_LEN - p->inner_off);
	return crc == *fcs;
}

static void bad(struct nv_sender_frame *sf, enum nv_sender_rule r, uint32_t actual)
{
	sf->bad |= 1u << r;
	sf->actual[r] = actual;
}

void nv_sender_frame_check(const struct nv_pkt *p, const uint8_t *data,
			   struct nv_sender_frame *sf)
{
	const struct nv_greinfo *g = &p->gre;
	uint32_t fcs;

	sf->bad = 0;
	if (p->ip.is_fragment)
		bad(sf, NV_SR_OUTER_FRAGMENT, (uint32_t)p->ip.mf << NV_IP_MF_SHIFT | p->ip.frag_off);
	if (!g->present)
		return;
	if (g->c)
		bad(sf, NV_SR_C_BIT, 1);
	if (g->s)
		bad(sf, NV_SR_S_BIT, 1);
	if (!g->k)
		bad(sf, NV_SR_K_BIT, 0);
	if (g->version)
		bad(sf, NV_SR_VERSION, g->version);
	if (g->r || g->strict || g->recursion || g->reserved0)
		bad(sf, NV_SR_RESERVED0, (uint32_t)(g->flags & NV_GRE_MUST_BE_ZERO));
	if (g->proto != NV_TEB)
		bad(sf, NV_SR_PROTO, g->proto);
	if (p->invlan > 0)
		bad(sf, NV_SR_INNER_VLAN, (uint32_t)p->invlan);
	if (inner_fcs(p, data, &fcs))
		bad(sf, NV_SR_INNER_FCS, fcs);
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

/* One more key for an inner flow: the first, or a change from it. */
static void flow_step(struct nv_flowseen *f, const struct nv_pkt *p, uint32_t capf)
{
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

/* Keys per inner (src, dst): a FlowID is per flow, so it should not move. */
static void note_flow(struct nv_verifier *v, const struct nv_pkt *p, uint32_t capf)
{
	uint32_t h = addr_hash(&p->iip.dst, addr_hash(&p->iip.src, 2166136261u));

	flow_step(&v->flows[h % NV_FLOWTAB_MAX], p, capf);
}

/* The same per case, exactly (a short list, no hashing). */
static void case_flow(struct nv_case_sender *cs, const struct nv_pkt *p, uint32_t capf)
{
	for (int i = 0; i < cs->nflows; i++)
		if (nv_addr_eq(&cs->flows[i].src, &p->iip.src) &&
		    nv_addr_eq(&cs->flows[i].dst, &p->iip.dst)) {
			flow_step(&cs->flows[i], p, capf);
			return;
		}
	if (cs->nflows < NV_CASE_FLOWS)
		flow_step(&cs->flows[cs->nflows++], p, capf);
}

void nv_sender_attach(struct nv_verifier *v, uint32_t f, const struct nv_pkt *p,
		      const struct nv_sender_frame *sf, uint32_t capf)
{
	struct nv_vprobe *vp = &v->vp[f];
	struct nv_case_sender *cs;

	if (vp->scase < 0)
		return;
	cs = &v->cs[vp->scase];
	vp->sender_bad |= (uint16_t)sf->bad;
	for (int r = 0; r < NV_SR_COUNT; r++)
		if ((sf->bad & 1u << r) && !cs->capf[r]) {
			cs->capf[r] = capf;
			cs->actual[r] = sf->actual[r];
		}
	if (p->gre.has_key && p->iip.present && !p->is_icmp_error)
		case_flow(cs, p, capf);
}

int nv_sender_case_flowid(const struct nv_case_sender *cs, const struct nv_layout *emits,
			  char *buf, size_t len)
{
	struct nv_key_reading a, b;
	uint32_t first = 0, same = 0;

	if (!emits || emits->flow_width == 0)
		return 0;
	for (int i = 0; i < cs->nflows; i++) {
		const struct nv_flowseen *f = &cs->flows[i];

		nv_key_decode(emits, f->key, &a);
		if (f->changes) {
			nv_key_decode(emits, f->other_key, &b);
			if (a.vsid == b.vsid && a.flowid != b.flowid) {
				snprintf(buf, len, "sender rule flowid (%s %s, %s) capture frame %u: FlowID within one inner flow: expected %u (0x%02x) as in frame %u, actual %u (0x%02x)",
					 R_FUNSTABLE.name, R_FUNSTABLE.clause,
					 nv_level_name(R_FUNSTABLE.level), f->change_frame, a.flowid,
					 a.flowid, f->first_frame, b.flowid, b.flowid);
				return 1;
			}
		}
		if (i == 0)
			first = a.flowid;
		same += a.flowid == first;
	}
	if (cs->nflows < 2 || same != (uint32_t)cs->nflows || first == 0)
		return 0;
	snprintf(buf, len, "sender rule flowid (%s %s, %s) capture frame %u: FlowID over %d inner flows: expected 0 (0x00) or per-flow entropy, actual %u (0x%02x) on every flow",
		 R_FCONST.name, R_FCONST.clause, nv_level_name(R_FCONST.level),
		 cs->flows[0].first_frame, cs->nflows, first, first);
	return 1;
}

void nv_sender_check(struct nv_verifier *v, const struct nv_pkt *p,
		     const struct nv_sender_frame *sf, uint32_t capf)
{
	const struct nv_greinfo *g = &p->gre;

	v->sender_frames++;
	for (int r = 0; r < NV_SR_COUNT; r++)
		if (sf->bad & 1u << r)
			finding(v, &rules[r], capf, 1, sf->actual[r], rules[r].expected);
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
			finding(v, &rules[NV_SR_RESERVED_VSID], k->first_frame, k->count, kr.vsid,
				NV_SENDER_VSID_FIRST);
		if (kr.problems & NV_KEYP_VSID_VENDOR)
			finding(v, &rules[NV_SR_VENDOR_VSID], k->first_frame, k->count, kr.vsid,
				NV_SENDER_VSID_VENDOR);
		if (kr.problems & NV_KEYP_RESERVED_BITS)
			finding(v, &rules[NV_SR_RESERVED_BITS], k->first_frame, k->count,
				kr.reserved, 0);
	}
	flow_findings(v, emits);
	r->nsender = v->nsf;
	memcpy(r->sender, v->sf, sizeof(v->sf[0]) * (size_t)v->nsf);
	r->sender_frames = v->sender_frames;
	r->sender_dropped = v->sf_dropped;
}
