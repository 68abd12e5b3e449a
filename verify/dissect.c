/*
 * dissect.c - one captured frame, outside in: Ethernet/802.1Q -> IPv4|IPv6
 * -> GRE -> inner Ethernet/802.1Q -> ARP|IPv4|IPv6 -> L4 (dissect_l4.c).
 * Every read goes through the bounded cursor; the first fault stops the parse
 * with a stable finding name, except checksum faults, which are noted and
 * parsing goes on (the key behind a bad checksum is still worth knowing).
 */
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "dissect_int.h"

bool nv_dis_vlans(struct nv_dis *d, uint16_t *ethertype, int *ntags,
		  uint16_t tpids[2], uint16_t vids[2], enum nv_layer l,
		  const char *trunc, const char *too_deep)
{
	while (nv_is_vlan_tpid(*ethertype)) {
		uint16_t tci = 0, next = 0;

		if (d->depth >= NV_MAX_DEPTH)
			return nv_dis_stop(d, NV_DIS_MALFORMED, l, too_deep);
		if (!nv_dis_need(d, NV_VLAN_TLEN, l, trunc))
			return false;
		nv_get_be16(&d->c, &tci);
		nv_get_be16(&d->c, &next);
		if (*ntags < 2) {
			if (tpids)
				tpids[*ntags] = *ethertype;
			if (vids)
				vids[*ntags] = tci & NV_VLAN_VID_MASK;
		}
		(*ntags)++;
		d->depth++;
		*ethertype = next;
	}
	return true;
}

bool nv_dis_gre(struct nv_dis *d, struct nv_greinfo *g, uint16_t *gre_off,
		uint16_t *key_off, const char *trunc_name)
{
	uint16_t flags = 0, rsvd1 = 0, csum = 0;

	memset(g, 0, sizeof(*g));
	*gre_off = (uint16_t)nv_cur_off(&d->c);
	if (!nv_dis_need(d, NV_GRE_BASE_LEN, NV_L_GRE, trunc_name))
		return false;
	nv_get_be16(&d->c, &flags);
	nv_get_be16(&d->c, &g->proto);
	g->present = true;
	g->flags = flags;
	g->c = (flags & NV_GRE_C) != 0;
	g->r = (flags & NV_GRE_R) != 0;
	g->k = (flags & NV_GRE_K) != 0;
	g->s = (flags & NV_GRE_S) != 0;
	g->strict = (flags & NV_GRE_STRICT) != 0;
	g->recursion = (uint8_t)((flags >> NV_GRE_RECUR_SHIFT) & NV_GRE_RECUR_MASK);
	g->reserved0 = (uint16_t)((flags >> NV_GRE_RSVD0_SHIFT) & NV_GRE_RSVD0_MASK);
	g->version = (uint8_t)(flags & NV_GRE_VER_MASK);
	d->depth++;
	/* RFC 2784/2890 layout: checksum+reserved1, key, sequence, each if flagged */
	if (g->c) {
		if (!nv_dis_need(d, NV_GRE_FIELD_LEN, NV_L_GRE, trunc_name))
			return false;
		nv_get_be16(&d->c, &csum);
		nv_get_be16(&d->c, &rsvd1);
		g->has_csum = true;
	}
	if (g->k) {
		*key_off = (uint16_t)nv_cur_off(&d->c);
		if (!nv_dis_need(d, NV_GRE_FIELD_LEN, NV_L_GRE, trunc_name))
			return false;
		nv_get_be32(&d->c, &g->key);
		g->has_key = true;
	}
	if (g->s) {
		if (!nv_dis_need(d, NV_GRE_FIELD_LEN, NV_L_GRE, trunc_name))
			return false;
		nv_get_be32(&d->c, &g->seq);
		g->has_seq = true;
	}
	return true;
}

bool nv_dis_tag(const struct nv_cur *c, struct nv_tag *t)
{
	size_t left = nv_cur_left(c);

	if (nv_tag_decode(c->p, left, t))
		return true;
	return nv_tag_find(c->p, left < NV_TAG_WINDOW ? left : NV_TAG_WINDOW, t);
}

/* GRE checksum covers the GRE header and payload: only when all captured. */
static void gre_csum(struct nv_dis *d, struct nv_pkt *p)
{
	struct nv_cur all;

	if (!p->gre.has_csum || d->c.end != d->wire_end)
		return;
	all = d->c;
	all.p = all.base + p->gre_off;
	p->gre.csum_ok = nv_dis_fold(nv_dis_sum(&all, nv_cur_left(&all), 0)) == NV_CSUM_GOOD;
	if (!p->gre.csum_ok)
		nv_dis_note(d, NV_L_GRE, "gre.bad_checksum", true);
}

static void inner_frame(struct nv_dis *d, struct nv_pkt *p)
{
	uint16_t type;

	p->has_inner = true;
	p->inner_off = (uint16_t)nv_cur_off(&d->c);
	if (!nv_dis_need(d, NV_ETH_HLEN, NV_L_IETH, "ieth.truncated"))
		return;
	nv_get_bytes(&d->c, p->ieth_dst, NV_ETH_ALEN);
	nv_get_bytes(&d->c, p->ieth_src, NV_ETH_ALEN);
	nv_get_be16(&d->c, &type);
	d->depth++;
	if (!nv_dis_vlans(d, &type, &p->invlan, p->ivlan_tpid, NULL, NV_L_IVLAN,
			  "ivlan.truncated", "ivlan.too_deep"))
		return;
	p->iethertype = type;
	switch (type) {
	case NV_ETHERTYPE_IP4:
		if (nv_dis_ip4(d, &p->iip, NV_L_IIP4, &nv_names_ip4_inner) &&
		    p->iip.frag_off == 0)
			nv_dis_l4(d, p, p->iip.proto, true);
		break;
	case NV_ETHERTYPE_IP6:
		if (nv_dis_ip6(d, &p->iip, NV_L_IIP6, &nv_names_ip6_inner) &&
		    p->iip.frag_off == 0)
			nv_dis_l4(d, p, p->iip.proto, true);
		break;
	case NV_ETHERTYPE_ARP:
		nv_dis_arp(d, &p->l4, NV_L_IARP, "iarp.truncated");
		break;
	default:
		break;
	}
}

static void after_outer_ip(struct nv_dis *d, struct nv_pkt *p)
{
	if (p->ip.is_fragment) {
		if (p->ip.frag_off != 0)
			return;    /* a later fragment: no headers to read */
		d->frag = true;
	}
	if (p->ip.proto != NV_PROTO_GRE) {
		nv_dis_l4(d, p, p->ip.proto, false);
		return;
	}
	if (!nv_dis_gre(d, &p->gre, &p->gre_off, &p->key_off, "gre.truncated"))
		return;
	gre_csum(d, p);
	if (p->gre.proto == NV_ETHERTYPE_TEB)
		inner_frame(d, p);
}

static void finish(struct nv_dis *d, struct nv_pkt *p)
{
	p->status = d->st;
	p->bad_layer = d->st == NV_DIS_OK ? NV_L_NONE : d->layer;
	p->finding = d->finding;
	p->nfindings = d->nnotes;
	for (int i = 0; i < d->nnotes; i++)
		p->findings[i] = d->notes[i];
	p->cut_by_capture = d->st == NV_DIS_TRUNCATED && p->caplen < p->len;
	p->depth = (uint32_t)d->depth;
}

void nv_dissect_frame(const uint8_t *data, uint32_t caplen, uint32_t len,
		      struct nv_pkt *p)
{
	struct nv_dis d;
	uint16_t type;

	/* the quote is cleared by its parser: most frames carry none */
	memset(p, 0, offsetof(struct nv_pkt, quote));
	p->quote.present = false;
	memset((uint8_t *)p + offsetof(struct nv_pkt, quote) + sizeof(p->quote), 0,
	       sizeof(*p) - offsetof(struct nv_pkt, quote) - sizeof(p->quote));
	p->caplen = caplen;
	p->len = len;
	nv_dis_init(&d, data, caplen, len);
	if (nv_dis_need(&d, NV_ETH_HLEN, NV_L_ETH, "eth.truncated")) {
		nv_get_bytes(&d.c, p->eth_dst, NV_ETH_ALEN);
		nv_get_bytes(&d.c, p->eth_src, NV_ETH_ALEN);
		nv_get_be16(&d.c, &type);
		if (nv_dis_vlans(&d, &type, &p->nvlan, NULL, p->vlan_vid, NV_L_VLAN,
				 "vlan.truncated", "vlan.too_deep")) {
			p->ethertype = type;
			if (type == NV_ETHERTYPE_IP4) {
				if (nv_dis_ip4(&d, &p->ip, NV_L_IP4, &nv_names_ip4_outer))
					after_outer_ip(&d, p);
			} else if (type == NV_ETHERTYPE_IP6) {
				if (nv_dis_ip6(&d, &p->ip, NV_L_IP6, &nv_names_ip6_outer))
					after_outer_ip(&d, p);
			} else if (type == NV_ETHERTYPE_ARP) {
				nv_dis_arp(&d, &p->l4, NV_L_ARP, "arp.truncated");
			}
		}
	}
	finish(&d, p);
}

bool nv_dissect_is_nvgre(const struct nv_pkt *p)
{
	return p->gre.present && p->gre.has_key && p->gre.proto == NV_ETHERTYPE_TEB;
}

const char *nv_layer_name(enum nv_layer l)
{
	static const char *const names[] = {
		[NV_L_NONE] = "none", [NV_L_ETH] = "eth", [NV_L_VLAN] = "vlan",
		[NV_L_IP4] = "ip4", [NV_L_IP6] = "ip6", [NV_L_GRE] = "gre",
		[NV_L_IETH] = "ieth", [NV_L_IVLAN] = "ivlan", [NV_L_IARP] = "iarp",
		[NV_L_IIP4] = "iip4", [NV_L_IIP6] = "iip6", [NV_L_ICMP] = "icmp",
		[NV_L_ICMP6] = "icmp6", [NV_L_UDP] = "udp", [NV_L_TCP] = "tcp",
		[NV_L_QUOTE] = "quote", [NV_L_ARP] = "arp",
	};

	if ((unsigned)l < sizeof(names) / sizeof(names[0]) && names[l])
		return names[l];
	return "?";
}

const char *nv_status_name(enum nv_status s)
{
	switch (s) {
	case NV_DIS_OK: return "ok";
	case NV_DIS_TRUNCATED: return "truncated";
	case NV_DIS_MALFORMED: return "malformed";
	}
	return "?";
}
