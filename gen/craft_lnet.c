/*
 * craft_lnet.c - libnet's positional builders behind structs with named
 * fields. Every context is LIBNET_NONE: build only, no socket, no root.
 * Layers are built inner to outer; libnet fills lengths and checksums we
 * pass as 0 when the frame is coalesced.
 */
#include "craft_lnet.h"

#include <string.h>
#include <sys/socket.h>

libnet_t *nv_lnet_open(struct nv_err *err)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	libnet_t *l = libnet_init(LIBNET_NONE, NULL, ebuf);

	if (!l)
		nv_errf(err, "libnet_init: %s", ebuf);
	return l;
}

static int lnet_fail(libnet_t *l, const char *what, struct nv_err *err)
{
	return nv_errf(err, "libnet %s: %s", what, libnet_geterror(l));
}

int nv_lnet_eth(libnet_t *l, const struct nv_lnet_eth *e, const uint8_t *payload,
		uint32_t plen, struct nv_err *err)
{
	uint8_t tag[VLAN_TAG_LEN];
	libnet_ptag_t t;
	uint16_t next = e->type;

	if (e->nvlan == 2) {
		/* QinQ: the inner tag is plain bytes in front of the payload */
		const struct nv_vlan *v = &e->vlan[1];

		put16(tag, (uint16_t)(v->pcp << VLAN_PCP_SHIFT | (v->vid & VLAN_VID_MASK)));
		put16(tag + 2, e->type);
		if (libnet_build_data(tag, sizeof(tag), l, 0) < 0)
			return lnet_fail(l, "inner VLAN tag", err);
		next = v->tpid ? v->tpid : ETYPE_VLAN;
	}
	if (e->nvlan >= 1) {
		const struct nv_vlan *v = &e->vlan[0];

		t = libnet_build_802_1q(e->dst, e->src, v->tpid ? v->tpid : ETYPE_VLAN,
					v->pcp, 0, v->vid & VLAN_VID_MASK, next,
					e->nvlan == 2 ? NULL : payload,
					e->nvlan == 2 ? 0 : plen, l, 0);
		if (t < 0)
			return lnet_fail(l, "802.1Q", err);
		return 0;
	}
	t = libnet_build_ethernet(e->dst, e->src, e->type, payload, plen, l, 0);
	return t < 0 ? lnet_fail(l, "ethernet", err) : 0;
}

int nv_lnet_ipv4(libnet_t *l, const struct nv_lnet_ipv4 *s, const uint8_t *payload,
		 uint32_t plen, struct nv_err *err)
{
	uint32_t src, dst;
	uint16_t total = (uint16_t)(IPV4_HDR_LEN + s->noptions + s->l4_len + plen);
	libnet_ptag_t t;

	memcpy(&src, s->src->a, sizeof(src));
	memcpy(&dst, s->dst->a, sizeof(dst));
	if (s->noptions > 0 &&
	    libnet_build_ipv4_options(s->options, (uint32_t)s->noptions, l, 0) < 0)
		return lnet_fail(l, "IPv4 options", err);
	t = libnet_build_ipv4(total, s->tos, s->id, s->frag, s->ttl, s->proto, 0,
			      src, dst, payload, plen, l, 0);
	return t < 0 ? lnet_fail(l, "IPv4", err) : 0;
}

int nv_lnet_ipv6(libnet_t *l, const struct nv_lnet_ipv6 *s, const uint8_t *payload,
		 uint32_t plen, struct nv_err *err)
{
	struct libnet_in6_addr src, dst;
	libnet_ptag_t t;

	memcpy(&src, s->src->a, sizeof(src));
	memcpy(&dst, s->dst->a, sizeof(dst));
	t = libnet_build_ipv6(s->tclass, s->flow_label & IPV6_FLOW_LABEL_MASK,
			      (uint16_t)(s->l4_len + plen), s->next_header, s->hop_limit,
			      src, dst, payload, plen, l, 0);
	return t < 0 ? lnet_fail(l, "IPv6", err) : 0;
}

int nv_lnet_coalesce(libnet_t *l, uint8_t *buf, uint32_t cap, uint32_t *len,
		     struct nv_err *err)
{
	uint8_t *pkt = NULL;
	uint32_t n = 0;

	if (libnet_pblock_coalesce(l, &pkt, &n) < 0)
		return lnet_fail(l, "coalesce", err);
	if (n > cap) {
		libnet_adv_free_packet(l, pkt);
		return nv_errf(err, "frame of %u bytes exceeds %u", n, cap);
	}
	memcpy(buf, pkt, n);
	libnet_adv_free_packet(l, pkt);
	*len = n;
	return 0;
}
