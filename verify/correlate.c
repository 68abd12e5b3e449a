/*
 * correlate.c - each captured frame to the probe it answers, in O(1):
 *  - our own probes (to the DUT PA) give their send times;
 *  - encapsulated replies from the DUT (inner echo reply with our id/seq or
 *    nonce, ARP reply for the CA asked, the tenant stack's own ICMP error
 *    quoting our nonce) count as deliveries;
 *  - ICMP errors (plain, ICMPv6, inside NVGRE) are matched by whatever the
 *    quote holds: nonce, quoted outer IPv4 ID / IPv6 flow label, quoted inner
 *    IPv4 ID, quoted echo sequence; a quoted key must agree with the plan.
 * 16-bit tags repeat every 65536 frames: the last probe sent with those low
 * bits wins (see last_sent), which is right for any run paced slower than
 * 65536 frames per timeout.
 */
#include <string.h>
#include <sys/socket.h>

#include "verify_int.h"

#define NV_LOW16 0xffffu
#define NV_ICMP_ECHO_REPLY 0
#define NV_ICMP6_ECHO_REPLY 129
#define NV_ARP_OP_REPLY 2
#define NV_ETHERTYPE_ARP 0x0806
#define NV_US_PER_MS 1000u
#define NV_FLOW_TAG_MASK 0x7ffffu       /* frame bits of NV_TAG_FLOW_LABEL */
#define NV_PA4_LEN 4
#define NV_ICMP_ECHO 8
#define NV_IPPROTO_ICMP 1
#define NV_IPPROTO_ICMP6 58
#define NV_ICMP6_ECHO 128

/* Per frame, several times: fixed-size compares the compiler inlines. */
static inline bool pa_eq(const struct nv_addr *a, const struct nv_addr *b)
{
	if (a->family != b->family)
		return false;
	return a->family == AF_INET ? memcmp(a->a, b->a, NV_PA4_LEN) == 0
				    : memcmp(a->a, b->a, sizeof(a->a)) == 0;
}

bool nv_vf_from_tester(const struct nv_verifier *v, const struct nv_pkt *p)
{
	return pa_eq(&p->ip.dst, &v->dut->dut.pa) && !pa_eq(&p->ip.src, &v->dut->dut.pa);
}

bool nv_vf_from_dut(const struct nv_verifier *v, const struct nv_pkt *p)
{
	if (pa_eq(&p->ip.src, &v->dut->dut.pa))
		return true;
	return pa_eq(&p->ip.dst, &v->dut->tester.pa) && !pa_eq(&p->ip.src, &v->dut->tester.pa);
}

/* Tenant whose VM the inner source is, -1 if unknown or ambiguous. */
int nv_vf_tenant_of_reply(const struct nv_verifier *v, const struct nv_pkt *p)
{
	const struct nv_dut *d = v->dut;
	const struct nv_addr *src = p->iip.present ? &p->iip.src :
		(p->l4.present && p->l4.proto == 0 ? &p->l4.arp_spa : NULL);
	int found = -1, nca = 0;

	for (int i = 0; i < d->ntenants; i++) {
		const struct nv_tenant *t = &d->tenants[i];

		if (!t->vm_mac.is_auto &&
		    memcmp(t->vm_mac.a, p->ieth_src, sizeof(t->vm_mac.a)) == 0)
			return i;
		if (src && nv_addr_eq(src, &t->vm_ca)) {
			found = i;
			nca++;
		}
	}
	/* overlapping CA spaces are normal in NV: then the key decides */
	return nca == 1 ? found : -1;
}

int64_t nv_vf_plan_index(const struct nv_verifier *v, uint64_t tag_frame)
{
	if (v->o.stream && v->plan->n)
		return (int64_t)(tag_frame % v->plan->n);
	return tag_frame < v->plan->n ? (int64_t)tag_frame : -1;
}

/* Frame for a 16-bit tag: the last one sent with those bits, else the first. */
static int64_t by_tag16(const struct nv_verifier *v, uint32_t low16)
{
	uint32_t f1 = v->last_sent[low16 & NV_LOW16];

	if (f1)
		return (int64_t)f1 - 1;
	return nv_vf_plan_index(v, low16);
}

/* Frame named by a nonce of this run; -1 (counted) for another run's. */
static int64_t by_nonce(struct nv_verifier *v, const struct nv_tag *t)
{
	if (t->run_id != v->plan->run_id) {
		v->st.foreign_run++;
		return -1;
	}
	return nv_vf_plan_index(v, t->frame);
}

/* Mark plan entry f sent at ts; tag_frame's low 16 bits now name it. */
static void mark_sent(struct nv_verifier *v, int64_t f, uint64_t tag_frame, uint64_t ts)
{
	struct nv_vprobe *vp = &v->vp[f];

	if (!vp->sends++ || v->o.stream)
		vp->sent_us = ts;
	vp->flags |= NV_VP_SENT;
	v->last_sent[tag_frame & NV_LOW16] = (uint32_t)f + 1;
}

/* An outbound frame to the DUT: one of our probes (or a fragment of one). */
static void own_probe(struct nv_verifier *v, const struct nv_pkt *p, uint64_t ts)
{
	int64_t tf = -1, f;
	const struct nv_planned *pl;

	if (p->l4.has_tag && p->l4.tag.run_id != v->plan->run_id)
		return;                 /* another run's probe (or someone else's) */
	if (p->l4.has_tag)
		tf = p->l4.tag.frame;
	else if (p->ip.family == AF_INET && p->gre.present)
		tf = (p->ip.id - 1u) & NV_LOW16;
	else if (p->ip.family == AF_INET6 && p->gre.present)
		tf = p->ip.flow_label & NV_FLOW_TAG_MASK;
	/* untagged (a nonce cut off): the next unsent frame with these low bits */
	while (!p->l4.has_tag && !v->o.stream && tf >= 0 && (uint64_t)tf < v->plan->n &&
	       v->vp[tf].sends)
		tf += p->ip.family == AF_INET ? (int64_t)NV_TAG16 : NV_FLOW_TAG_MASK + 1;
	f = tf < 0 ? -1 : nv_vf_plan_index(v, (uint64_t)tf);
	if (f < 0)
		return;
	pl = &v->plan->p[f];
	if (p->gre.has_key && pl->probe->gre.k && p->gre.key != pl->key)
		return;
	if (v->vp[f].sends && !v->o.stream)
		return;                 /* a retransmission or a later fragment */
	mark_sent(v, f, (uint64_t)tf, ts);
	v->st.probes_seen++;
}

void nv_verify_sent(struct nv_verifier *v, uint32_t frame, uint64_t ts_us)
{
	int64_t f = nv_vf_plan_index(v, frame);

	if (f < 0 || (v->vp[f].sends && !v->o.stream))
		return;
	mark_sent(v, f, frame, ts_us);
}

/* Within the answer window? Unknown send time: the capture cannot tell. */
static bool in_time(struct nv_verifier *v, const struct nv_vprobe *vp, uint64_t ts)
{
	if (!(vp->flags & NV_VP_SENT) || ts < vp->sent_us)
		return true;
	if (ts - vp->sent_us <= (uint64_t)v->o.timeout_ms * NV_US_PER_MS)
		return true;
	v->st.late++;
	return false;
}

/* Answers a probe may draw before the next is a duplicate (stream: one per send). */
static uint32_t answers_due(const struct nv_verifier *v, const struct nv_vprobe *vp)
{
	return v->o.stream && vp->sends > 1 ? vp->sends : 1u;
}

static uint8_t err_kind(const struct nv_pkt *p)
{
	if (p->icmp_in_nvgre)
		return p->icmp_family == AF_INET6 ? NV_EK_NVGRE_ICMP6 : NV_EK_NVGRE_ICMP;
	return p->icmp_family == AF_INET6 ? NV_EK_ICMP6 : NV_EK_ICMP;
}

static void record_error(struct nv_verifier *v, int64_t f, const struct nv_pkt *p,
			 const struct nv_sender_frame *sf, const uint8_t *data, uint64_t ts,
			 uint32_t capf)
{
	struct nv_vprobe *vp = &v->vp[f];

	if (!in_time(v, vp, ts))
		return;
	v->st.responses++;
	if (p->gre.present)
		nv_sender_attach(v, (uint32_t)f, p, sf, capf);
	if (vp->errors++ >= answers_due(v, vp)) {
		vp->dups++;
		return;
	}
	if (vp->errors > 1)
		return;                 /* another repetition's answer: counted */
	vp->error_us = ts;
	vp->err_kind = err_kind(p);
	vp->err_type = p->icmp_type;
	vp->err_code = p->icmp_code;
	if (vp->slot >= 0)
		nv_evidence_fill(&v->res[vp->slot].error, data, p->caplen, p->len, ts,
				 capf, p);
}

/* Keep the first later reply that differs in key or tenant from the first. */
static void note_other_reply(const struct nv_verifier *v, struct nv_vprobe *vp,
			     const struct nv_pkt *p)
{
	int t;

	if (vp->alt_seen)
		return;
	t = nv_vf_tenant_of_reply(v, p);
	if (t == vp->reply_tenant && p->gre.has_key == vp->reply_has_key &&
	    p->gre.key == vp->reply_key)
		return;
	vp->alt_seen = 1;
	vp->alt_tenant = (int8_t)t;
	vp->alt_has_key = p->gre.has_key;
	vp->alt_key = p->gre.key;
}

static void record_reply(struct nv_verifier *v, int64_t f, const struct nv_pkt *p,
			 const struct nv_sender_frame *sf, const uint8_t *data, uint64_t ts,
			 uint32_t capf)
{
	struct nv_vprobe *vp = &v->vp[f];

	if (!in_time(v, vp, ts))
		return;
	v->st.responses++;
	if (p->gre.present)
		nv_sender_attach(v, (uint32_t)f, p, sf, capf);
	if (vp->replies)
		note_other_reply(v, vp, p);
	if (vp->replies++ >= answers_due(v, vp)) {
		vp->dups++;
		return;
	}
	if (vp->replies > 1)
		return;                 /* another repetition's answer: counted */
	vp->reply_us = ts;
	vp->reply_has_key = p->gre.has_key;
	vp->reply_key = p->gre.key;
	vp->reply_tenant = (int8_t)nv_vf_tenant_of_reply(v, p);
	vp->reply_capf = capf;
	if (vp->slot >= 0)
		nv_evidence_fill(&v->res[vp->slot].reply, data, p->caplen, p->len, ts,
				 capf, p);
}

/* The quoted key, when there is one, must be the one frame f carried. */
static bool key_agrees(const struct nv_verifier *v, int64_t f, const struct nv_quote *q)
{
	const struct nv_planned *pl = &v->plan->p[f];

	return !q->gre.has_key || !pl->probe->gre.k || q->gre.key == pl->key;
}

/*
 * Probes whose suite fixed the outer IPv4 ID or IPv6 flow label carry no
 * tag there: the latest one sent with that value and the quoted key.
 */
static int64_t by_fixed_id(const struct nv_verifier *v, const struct nv_quote *q)
{
	int64_t best = -1;

	for (uint32_t i = 0; i < v->nfixed; i++) {
		uint32_t f = v->fixed_id[i];
		const struct nv_probe *pr = v->plan->p[f].probe;
		bool same = q->ip.family == AF_INET ? pr->outer.has_id && pr->outer.id == q->ip.id
			: pr->outer.has_flow_label && pr->outer.flow_label == q->ip.flow_label;

		if (same && key_agrees(v, f, q) &&
		    (best < 0 || v->vp[f].sent_us >= v->vp[best].sent_us))
			best = f;
	}
	return best;
}

/* Which probe does an ICMP error quote? -1 if none of ours. */
static int64_t quoted_frame(struct nv_verifier *v, const struct nv_quote *q)
{
	int64_t f = -1;

	if (q->has_tag) {
		f = by_nonce(v, &q->tag);
		return f >= 0 && key_agrees(v, f, q) ? f : -1;
	}
	if (q->ip.present) {
		f = by_tag16(v, q->ip.family == AF_INET ? (q->ip.id - 1u) & NV_LOW16
							 : q->ip.flow_label & NV_LOW16);
		if (f >= 0 && !(v->vp[f].flags & NV_VP_FIXED_ID) && key_agrees(v, f, q))
			return f;
		return v->nfixed ? by_fixed_id(v, q) : -1;
	}
	/* MS-NVGREE quotes from the GRE header: the inner IPv4 ID or echo seq */
	if (q->inner_ip.present && q->inner_ip.family == AF_INET)
		f = by_tag16(v, (q->inner_ip.id - 1u) & NV_LOW16);
	else if (q->has_echo && q->echo_id == NV_TAG_ICMP_ID)
		f = by_tag16(v, q->echo_seq);
	return f >= 0 && key_agrees(v, f, q) ? f : -1;
}

/* ARP has no tag: the probe that asked for this CA, latest in its window. */
static int64_t arp_frame(struct nv_verifier *v, const struct nv_addr *ca, uint64_t ts)
{
	int64_t best = -1;

	for (uint32_t i = 0; i < v->narp; i++) {
		uint32_t f = v->arp[i];
		const struct nv_planned *pl = &v->plan->p[f];
		const struct nv_probe *pr = pl->probe;
		const struct nv_addr *want = pr->inner.has_dst_ca ? &pr->inner.dst_ca :
			(pl->tenant ? &pl->tenant->vm_ca : NULL);
		const struct nv_vprobe *vp = &v->vp[f];

		if (!want || !nv_addr_eq(want, ca))
			continue;
		if (vp->flags & NV_VP_SENT) {
			if (vp->sent_us <= ts)
				best = f;   /* later ones overwrite: the latest sent before ts */
		} else if (best < 0 && vp->replies == 0) {
			best = f;
		}
	}
	return best;
}

static bool is_echo_reply(const struct nv_pkt *p)
{
	return p->l4.present &&
	       ((p->l4.proto == NV_IPPROTO_ICMP && p->l4.type == NV_ICMP_ECHO_REPLY) ||
		(p->l4.proto == NV_IPPROTO_ICMP6 && p->l4.type == NV_ICMP6_ECHO_REPLY)) &&
	       p->l4.id == NV_TAG_ICMP_ID;
}

static bool is_echo_request(const struct nv_pkt *p)
{
	return (p->l4.proto == NV_IPPROTO_ICMP && p->l4.type == NV_ICMP_ECHO) ||
	       (p->l4.proto == NV_IPPROTO_ICMP6 && p->l4.type == NV_ICMP6_ECHO);
}

/* An encapsulated frame from the DUT answering a probe? */
static bool reply(struct nv_verifier *v, const struct nv_pkt *p,
		  const struct nv_sender_frame *sf, const uint8_t *data, uint64_t ts,
		  uint32_t capf)
{
	int64_t f = -1;

	if (p->inner_icmp_error && p->quote.has_tag)
		f = by_nonce(v, &p->quote.tag);
	else if (p->l4.has_tag && !is_echo_request(p))
		f = by_nonce(v, &p->l4.tag);
	else if (is_echo_reply(p))
		f = by_tag16(v, p->l4.seq);
	else if (p->iethertype == NV_ETHERTYPE_ARP && p->l4.present &&
		 p->l4.arp_op == NV_ARP_OP_REPLY)
		f = arp_frame(v, &p->l4.arp_spa, ts);
	if (f < 0)
		return false;
	record_reply(v, f, p, sf, data, ts, capf);
	return true;
}

void nv_verify_frame(struct nv_verifier *v, const uint8_t *data, uint32_t caplen,
		     uint32_t len, uint64_t ts_us, uint32_t capture_frame)
{
	struct nv_pkt p;
	struct nv_sender_frame sf;      /* actual[] is read only where bad says */
	int64_t f;

	sf.bad = 0;
	nv_dissect_frame(data, caplen, len, &p);
	v->st.captured++;
	if (p.status == NV_DIS_TRUNCATED)
		v->st.truncated++;
	else if (p.status == NV_DIS_MALFORMED)
		v->st.malformed++;
	if (!p.ip.present)
		return;                 /* underlay ARP, LLDP, ...: not ours to judge */
	if (nv_vf_from_tester(v, &p)) {
		own_probe(v, &p, ts_us);
		return;
	}
	if (!nv_vf_from_dut(v, &p))
		return;
	if (p.gre.present) {
		nv_sender_frame_check(&p, data, &sf);
		nv_sender_check(v, &p, &sf, capture_frame);
	}
	if (p.is_icmp_error) {
		f = quoted_frame(v, &p.quote);
		if (f >= 0) {
			record_error(v, f, &p, &sf, data, ts_us, capture_frame);
			return;
		}
	} else if (p.has_inner && reply(v, &p, &sf, data, ts_us, capture_frame)) {
		return;
	}
	v->st.unsolicited++;
}
