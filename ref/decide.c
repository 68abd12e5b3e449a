/*
 * decide.c - what a profile does with one received frame: a pure function of
 * the profile, the lookup records (the DUT file) and the dissected frame.
 * Order of checks follows a receive path: outer IP, GRE header, tunnel
 * lookup (source PA + key), inner frame, then the tenant VM's own stack.
 */
#include "nvgrect/ref.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define ETH_P_IPV4 0x0800
#define ETH_P_ARPT 0x0806
#define ETH_P_IPV6 0x86DD
#define GRE_P_TEB 0x6558

/* GRE first 16 bits (RFC 2784 / RFC 1701 / RFC 2890). */
#define GREF_C 0x8000u
#define GREF_R 0x4000u
#define GREF_K 0x2000u
#define GREF_S 0x1000u
#define GREF_STRICT 0x0800u   /* RFC 2784 bit 4 */
#define GREF_BIT5 0x0400u     /* RFC 2784 bit 5: the first recursion bit */
#define GREF_VER 0x0007u

#define ARP_OP_REQUEST 1
#define ICMP_ECHO_REQ 8
#define ICMP6_ECHO_REQ 128
#define ICMP6_ND_NS 135
/* solicited-node multicast ff02::1:ffXX:XXXX (RFC 4291 §2.7.1) and its MAC */
#define SNMA_PREFIX_LEN 13
#define SNMA_LOW 3
#define V6_MCAST_MAC0 0x33

#define VM_MAC_LOCAL 0x02    /* locally administered, unicast */
#define VM_MAC_N 0x4e
#define VM_MAC_V 0x56

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

const char *nv_ref_verdict_name(enum nv_ref_verdict v)
{
	switch (v) {
	case NV_REF_IGNORE: return "ignore";
	case NV_REF_DROP: return "drop";
	case NV_REF_DELIVER: return "deliver";
	case NV_REF_REJECT: return "reject";
	}
	return "?";
}

void nv_ref_vm_mac(const struct nv_tenant *t, uint8_t mac[6])
{
	if (!t->vm_mac.is_auto) {
		memcpy(mac, t->vm_mac.a, 6);
		return;
	}
	/* locally administered, "NV", then the VSID: stable and readable */
	mac[0] = VM_MAC_LOCAL;
	mac[1] = VM_MAC_N;
	mac[2] = VM_MAC_V;
	mac[3] = (uint8_t)(t->vsid >> 16);
	mac[4] = (uint8_t)(t->vsid >> 8);
	mac[5] = (uint8_t)t->vsid;
}

uint32_t nv_ref_tx_key(const struct nv_ref_profile *prof, uint32_t vsid,
		       uint32_t flow_hash)
{
	const struct nv_layout *l = nv_key_builtin(prof->layout);
	uint32_t flow = prof->flowid_entropy && l->flow_width ? flow_hash : 0;
	uint32_t key = 0;

	if (prof->tx_flowid && l->flow_width)
		flow = prof->tx_flowid;     /* one value for every flow: a sender fault */

	(void)nv_key_encode(l, vsid, flow, &key, NULL);
	return key;
}

static uint32_t fnv1a(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static size_t addr_len(const struct nv_addr *a)
{
	return a->family == AF_INET6 ? 16 : 4;
}

uint32_t nv_ref_flow_hash(const struct nv_pkt *p)
{
	uint32_t h = 2166136261u;
	uint8_t b[6];

	if (p->iip.present) {
		h = fnv1a(h, p->iip.src.a, addr_len(&p->iip.src));
		h = fnv1a(h, p->iip.dst.a, addr_len(&p->iip.dst));
	} else if (p->l4.present) {
		h = fnv1a(h, p->l4.arp_spa.a, addr_len(&p->l4.arp_spa));
		h = fnv1a(h, p->l4.arp_tpa.a, addr_len(&p->l4.arp_tpa));
	}
	b[0] = p->l4.proto;
	b[1] = (uint8_t)(p->l4.id >> 8);
	b[2] = (uint8_t)p->l4.id;
	b[3] = (uint8_t)(p->l4.sport ^ p->l4.dport);
	b[4] = (uint8_t)((p->l4.sport ^ p->l4.dport) >> 8);
	b[5] = 0;
	h = fnv1a(h, b, sizeof(b));
	h = (h ^ h >> 8 ^ h >> 16 ^ h >> 24) & 0xffu;
	return h ? h : 1;   /* RFC 7637 §3.2: 0 means "not generated" */
}

static void set(struct nv_ref_decision *d, enum nv_ref_verdict v, const char *why)
{
	d->verdict = v;
	d->reason = why;
}

/* A policy miss: the profile's signature (silent, ICMP, ICMP in NVGRE). */
static void miss(const struct nv_ref_ctx *c, const struct nv_pkt *p,
		 struct nv_ref_decision *d, const char *why)
{
	const struct nv_ref_profile *pr = c->prof;

	if (pr->miss == NV_REF_MISS_SILENT) {
		set(d, NV_REF_DROP, why);
		return;
	}
	/* The UNREACHABLE message needs a key and an inner frame to answer in. */
	if (pr->miss == NV_REF_MISS_NVGRE_ICMP && !(p->gre.has_key && p->has_inner)) {
		set(d, NV_REF_DROP, why);
		return;
	}
	set(d, NV_REF_REJECT, why);
	d->in_nvgre = pr->miss == NV_REF_MISS_NVGRE_ICMP;
	d->icmp_v6 = p->ip.family == AF_INET6;
	d->icmp_type = d->icmp_v6 ? pr->icmp6_type : pr->icmp_type;
	d->icmp_code = d->icmp_v6 ? pr->icmp6_code : pr->icmp_code;
}

/* NULL if the profile takes this GRE header, else the reason it does not. */
static const char *gre_header_refused(const struct nv_ref_profile *pr,
				      const struct nv_greinfo *g)
{
	uint16_t f = g->flags;

	if (f & GREF_VER)
		return "gre.version";
	if (f & GREF_R)
		return "gre.routing";
	switch (pr->greflags) {
	case NV_REF_GRE_RFC2784:
		/* RFC 2784 §2.3: discard if any of bits 1-5 is set (K and S are
		 * RFC 2890's); bits 6-12 MUST be ignored on receipt */
		if (f & GREF_STRICT)
			return "gre.strict-route";
		if (f & GREF_BIT5)
			return "gre.recursion";
		break;
	case NV_REF_GRE_OVS:
		if (f & ~(GREF_C | GREF_K | GREF_S))
			return "gre.flags";
		break;
	case NV_REF_GRE_LINUX:
		break;
	}
	if ((f & GREF_C) && !g->csum_ok)
		return "gre.checksum";
	return NULL;
}

static const struct nv_tenant *by_vsid(const struct nv_dut *dut, uint32_t vsid)
{
	for (int i = 0; i < dut->ntenants; i++)
		if (dut->tenants[i].vsid == vsid)
			return &dut->tenants[i];
	return NULL;
}

/* Tunnel lookup on the key; NULL with *why set on a miss. */
static const struct nv_tenant *lookup(const struct nv_ref_ctx *c, uint32_t key,
				      struct nv_ref_decision *d, const char **why)
{
	const struct nv_ref_profile *pr = c->prof;
	const struct nv_layout *l = nv_key_builtin(pr->layout);
	struct nv_key_reading r;
	const struct nv_tenant *t;

	nv_key_decode(l, key, &r);
	d->vsid = r.vsid;
	if (pr->match == NV_REF_MATCH_KEY32) {
		t = by_vsid(c->dut, r.vsid);
		if (t && nv_ref_tx_key(pr, t->vsid, 0) == key)
			return t;
		*why = t ? "key.flowid-nonzero" : "key.unknown";
		return NULL;
	}
	if (pr->check_reserved_bits && r.reserved) {
		*why = "key.reserved-bits";
		return NULL;
	}
	if (pr->refuse_reserved_vsid &&
	    (r.problems & (NV_KEYP_VSID_RESERVED | NV_KEYP_VSID_VENDOR))) {
		*why = "vsid.reserved";
		return NULL;
	}
	t = by_vsid(c->dut, r.vsid);
	if (!t)
		*why = "vsid.unknown";
	return t;
}

static bool is_echo_request(const struct nv_pkt *p)
{
	if (!p->l4.present || p->iip.is_fragment)
		return false;
	if (p->iethertype == ETH_P_IPV4)
		return p->l4.proto == IPPROTO_ICMP && p->l4.type == ICMP_ECHO_REQ;
	return p->l4.proto == IPPROTO_ICMPV6 && p->l4.type == ICMP6_ECHO_REQ;
}

static void inner_arp(const struct nv_tenant *t, const uint8_t vm[6],
		      const struct nv_pkt *p, struct nv_ref_decision *d)
{
	set(d, NV_REF_DELIVER, "inner.arp-not-vm");
	if (memcmp(p->ieth_dst, bcast, 6) && memcmp(p->ieth_dst, vm, 6))
		return;
	if (!p->l4.present || p->l4.arp_op != ARP_OP_REQUEST)
		return;
	/* Hyper-V: "If a MAC is not found, no response is sent" */
	if (!nv_addr_eq(&p->l4.arp_tpa, &t->vm_ca))
		return;
	d->answer = NV_REF_ANS_ARP;
	d->reason = "inner.arp-request";
}

static bool is_ns(const struct nv_pkt *p)
{
	return p->iethertype == ETH_P_IPV6 && p->l4.present &&
	       p->l4.proto == IPPROTO_ICMPV6 && p->l4.type == ICMP6_ND_NS &&
	       !p->iip.is_fragment;
}

/* Is a the solicited-node multicast address of the VM's IPv6 CA? */
static bool solicited_node_of(const struct nv_addr *a, const struct nv_tenant *t)
{
	static const uint8_t prefix[SNMA_PREFIX_LEN] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	return a->family == AF_INET6 && t->vm_ca.family == AF_INET6 &&
	       !memcmp(a->a, prefix, SNMA_PREFIX_LEN) &&
	       !memcmp(a->a + SNMA_PREFIX_LEN, t->vm_ca.a + SNMA_PREFIX_LEN, SNMA_LOW);
}

/*
 * The IPv6 counterpart of inner ARP: a Neighbor Solicitation addressed to
 * the VM (its MAC, or the solicited-node group of its CA) is answered like
 * an ARP request, outside the IP policy. The target itself is checked by
 * the builder from the frame (the dissection does not carry it).
 */
static void inner_nd(const struct nv_tenant *t, const uint8_t vm[6],
		     const struct nv_pkt *p, struct nv_ref_decision *d)
{
	set(d, NV_REF_DELIVER, "inner.nd-not-vm");
	if (memcmp(p->ieth_dst, vm, 6) && p->ieth_dst[0] != V6_MCAST_MAC0)
		return;
	if (!nv_addr_eq(&p->iip.dst, &t->vm_ca) && !solicited_node_of(&p->iip.dst, t))
		return;
	d->answer = NV_REF_ANS_ND;
	d->reason = "inner.nd-solicit";
}

/* The tenant VM's view of a delivered IP frame (after any policy check). */
static void inner_ip(const struct nv_ref_ctx *c, const struct nv_tenant *t,
		     const uint8_t vm[6], const struct nv_pkt *p,
		     struct nv_ref_decision *d)
{
	if (c->prof->hnv_policy) {
		/* Hyper-V's lookup records name the VM's MAC and CA and the
		 * tester's CA; anything else is a policy mismatch. */
		if (memcmp(p->ieth_dst, vm, 6)) {
			miss(c, p, d, "policy.inner-dst-mac");
			return;
		}
		if (!nv_addr_eq(&p->iip.dst, &t->vm_ca)) {
			miss(c, p, d, "policy.inner-dst-ca");
			return;
		}
		if (!nv_addr_eq(&p->iip.src, &t->tester_ca)) {
			miss(c, p, d, "policy.inner-src-ca");
			return;
		}
	}
	set(d, NV_REF_DELIVER, "inner.not-for-vm");
	if (memcmp(p->ieth_dst, vm, 6) || !nv_addr_eq(&p->iip.dst, &t->vm_ca))
		return;
	d->reason = "inner.not-echo";
	if (!is_echo_request(p))
		return;
	d->answer = p->iethertype == ETH_P_IPV4 ? NV_REF_ANS_ECHO : NV_REF_ANS_ECHO6;
	d->reason = "inner.echo-request";
}

static void decide_inner(const struct nv_ref_ctx *c, const struct nv_tenant *t,
			 const struct nv_pkt *p, struct nv_ref_decision *d)
{
	uint8_t vm[6];

	if (!p->has_inner || p->status != NV_DIS_OK) {
		set(d, NV_REF_DROP, p->finding ? p->finding : "inner.missing");
		return;
	}
	/* RFC 7637 §3.3: a decapsulating NVE MUST drop inner 802.1Q */
	if (p->invlan > 0 && c->prof->drop_inner_vlan) {
		set(d, NV_REF_DROP, "inner.8021q");
		return;
	}
	d->tenant = t;
	nv_ref_vm_mac(t, vm);
	if (p->iethertype == ETH_P_ARPT) {
		inner_arp(t, vm, p, d);
		return;
	}
	if (p->iip.present && is_ns(p)) {
		inner_nd(t, vm, p, d);
		return;
	}
	if ((p->iethertype == ETH_P_IPV4 || p->iethertype == ETH_P_IPV6) &&
	    p->iip.present) {
		inner_ip(c, t, vm, p, d);
		return;
	}
	set(d, NV_REF_DELIVER, "inner.other-ethertype");
}

/* NULL if the outer IP header is acceptable, else the reason it is not. */
static const char *outer_refused(const struct nv_ref_profile *pr,
				 const struct nv_pkt *p)
{
	/* faults past the GRE header are the VM's business, after the lookup */
	if (p->status != NV_DIS_OK && p->bad_layer <= NV_L_GRE)
		return p->finding ? p->finding : "frame.bad";
	/* RFC 7637 §4.4: a receiver MAY discard fragmented NVGRE packets */
	if (p->ip.is_fragment)
		return "outer.fragment";
	if (p->ip.family == AF_INET && !p->ip.csum_ok)
		return "outer.ip-checksum";
	if (pr->reject_ip_options && p->ip.has_options)
		return "outer.ip-options";
	if (!p->gre.present)
		return "gre.missing";
	return gre_header_refused(pr, &p->gre);
}

static void decide_gre(const struct nv_ref_ctx *c, const struct nv_pkt *p,
		       struct nv_ref_decision *d)
{
	const struct nv_ref_profile *pr = c->prof;
	const struct nv_tenant *t;
	const char *why = outer_refused(pr, p);

	if (p->gre.has_key)
		d->key = p->gre.key;
	if (why) {
		set(d, NV_REF_DROP, why);
		return;
	}
	why = !(p->gre.flags & GREF_K) || !p->gre.has_key ? "gre.no-key" :
	      p->gre.proto != GRE_P_TEB ? "gre.not-teb" : NULL;
	if (why) {
		/* Linux looks for a keyless or non-TEB tunnel and finds none */
		if (pr->any_proto_is_miss)
			miss(c, p, d, why);
		else
			set(d, NV_REF_DROP, why);
		return;
	}
	/* the lookup record / tunnel names the tester's PA as the peer */
	t = nv_addr_eq(&p->ip.src, &c->dut->tester.pa) ?
	    lookup(c, p->gre.key, d, &why) : NULL;
	if (!t) {
		miss(c, p, d, why ? why : "outer.src-unknown");
		return;
	}
	decide_inner(c, t, p, d);
}

void nv_ref_decide(const struct nv_ref_ctx *c, const struct nv_pkt *p,
		   struct nv_ref_decision *d)
{
	memset(d, 0, sizeof(*d));
	set(d, NV_REF_IGNORE, "not-for-us");
	if (!p->ip.present || !nv_addr_eq(&p->ip.dst, &c->dut->dut.pa))
		return;
	if (p->ip.proto != IPPROTO_GRE) {
		set(d, NV_REF_IGNORE, "not-gre");
		return;
	}
	/* the kernel would drop frames for another MAC (PACKET_OTHERHOST) */
	if (memcmp(p->eth_dst, c->mac, 6)) {
		set(d, NV_REF_IGNORE, "eth.dst-other");
		return;
	}
	if (p->nvlan > 0) {
		set(d, NV_REF_IGNORE, "outer.vlan");
		return;
	}
	decide_gre(c, p, d);
}
