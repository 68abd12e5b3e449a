/*
 * craft_outer.c - the delivery header around a GRE packet: outer IPv4
 * (DF, TTL, ID, DSCP/ECN, options, fragments) or IPv6 (traffic class, flow
 * label, hop limit, fragment header), then outer Ethernet with an optional
 * 802.1Q tag. A fragmented probe becomes several frames.
 */
#include "craft_lnet.h"

#include <string.h>
#include <sys/socket.h>

#define DEFAULT_TTL 64

struct outer_piece {
	const uint8_t *data;
	uint32_t len;
	uint32_t offset;        /* bytes into the GRE packet */
	bool more;              /* more fragments follow */
	bool fragment;          /* a fragment at all */
};

static uint8_t tos_byte(const struct nv_probe *p)
{
	return (uint8_t)(p->outer.dscp << TOS_DSCP_SHIFT | (p->outer.ecn & TOS_ECN_MASK));
}

static uint8_t ttl_of(const struct nv_probe *p)
{
	return p->outer.ttl ? p->outer.ttl : DEFAULT_TTL;
}

static int build_v4(libnet_t *l, const struct nv_planned *pl, const struct craft_addrs *a,
		    const struct outer_piece *pc, struct nv_err *err)
{
	const struct nv_probe *p = pl->probe;
	uint16_t frag = (uint16_t)(pc->offset / IPV4_FRAG_UNIT);
	bool first = pc->offset == 0;
	struct nv_lnet_ipv4 s = {
		.src = &a->outer_src, .dst = &a->outer_dst, .tos = tos_byte(p),
		.ttl = ttl_of(p), .proto = IPPROTO_GRE_NUM,
		.id = p->outer.has_id ? p->outer.id : NV_TAG_IPID(pl->frame),
		/* options ride in the first fragment only (none are copied) */
		.options = first ? p->outer.options : NULL,
		.noptions = first ? p->outer.noptions : 0,
	};

	if (pc->more)
		frag |= IPV4_MF;
	if (p->outer.df && !pc->fragment)
		frag |= IPV4_DF;
	s.frag = frag;
	return nv_lnet_ipv4(l, &s, pc->data, pc->len, err);
}

static int build_v6(libnet_t *l, const struct nv_planned *pl, const struct craft_addrs *a,
		    const struct outer_piece *pc, struct nv_err *err)
{
	const struct nv_probe *p = pl->probe;
	uint8_t buf[NV_FRAME_MAX];
	struct nv_lnet_ipv6 s = {
		.src = &a->outer_src, .dst = &a->outer_dst, .tclass = tos_byte(p),
		.hop_limit = ttl_of(p), .next_header = IPPROTO_GRE_NUM,
		.flow_label = p->outer.has_flow_label ? p->outer.flow_label
						      : NV_TAG_FLOW_LABEL(pl->frame),
	};

	if (!pc->fragment)
		return nv_lnet_ipv6(l, &s, pc->data, pc->len, err);
	/* RFC 8200 §4.5 fragment header, written here: next header, reserved,
	 * offset<<3 | M, identification (the probe tag) */
	buf[0] = IPPROTO_GRE_NUM;
	buf[1] = 0;
	put16(buf + 2, (uint16_t)((pc->offset / IPV4_FRAG_UNIT) << 3 | (pc->more ? 1 : 0)));
	put32(buf + 4, p->outer.has_id ? p->outer.id : NV_TAG_IPID(pl->frame));
	memcpy(buf + IPV6_FRAG_HDR_LEN, pc->data, pc->len);
	s.next_header = IPPROTO_FRAG_NUM;
	return nv_lnet_ipv6(l, &s, buf, IPV6_FRAG_HDR_LEN + pc->len, err);
}

/*
 * libnet 1.1.6 writes the IPv6 flow label's middle byte as `fl & 0x0ff00 >> 8`
 * (precedence: the low byte again), so the first word of the header is
 * rewritten here: version 6, traffic class, 20-bit flow label.
 */
static void fix_v6_word(const struct nv_planned *pl, struct nv_frame *f, uint32_t l3)
{
	const struct nv_probe *p = pl->probe;
	uint32_t fl = p->outer.has_flow_label ? p->outer.flow_label
					      : NV_TAG_FLOW_LABEL(pl->frame);

	if (f->len < l3 + IPV6_HDR_LEN)
		return;
	put32(f->data + l3, IPV6_VERSION_WORD | (uint32_t)tos_byte(p) << IPV6_TCLASS_SHIFT |
			    (fl & IPV6_FLOW_LABEL_MASK));
}

static int build_frame(const struct nv_planned *pl, const struct craft_addrs *a,
		       int family, const struct outer_piece *pc, struct nv_frame *out,
		       struct nv_err *err)
{
	const struct nv_probe *p = pl->probe;
	libnet_t *l = nv_lnet_open(err);
	struct nv_lnet_eth eth = {
		.dst = a->outer_dst_mac, .src = a->outer_src_mac,
		.nvlan = p->outer.has_vlan ? 1 : 0, .vlan = &p->outer.vlan,
		.type = family == AF_INET6 ? ETYPE_IPV6 : ETYPE_IPV4,
	};
	int rc = -1;

	if (!l)
		return -1;
	if ((family == AF_INET6 ? build_v6 : build_v4)(l, pl, a, pc, err) < 0)
		goto out;
	if (nv_lnet_eth(l, &eth, NULL, 0, err) < 0)
		goto out;
	rc = nv_lnet_coalesce(l, out->data, sizeof(out->data), &out->len, err);
	if (rc == 0 && family == AF_INET6)
		fix_v6_word(pl, out, ETH_HDR_LEN + (eth.nvlan ? VLAN_TAG_LEN : 0));
out:
	libnet_destroy(l);
	return rc;
}

int nv_craft_outer(const struct nv_planned *pl, const struct craft_addrs *a,
		   const uint8_t *gre, uint32_t glen, struct nv_frame *out, int max,
		   int *nout, struct nv_err *err)
{
	const struct nv_probe *p = pl->probe;
	int family = a->outer_dst.family, nfrag = p->outer.fragments;
	uint32_t piece;
	int n = 0;

	if (a->outer_src.family != family)
		return nv_errc(err, NV_EXIT_USAGE,
			       "case %s: outer source and destination are of different families",
			       pl->kase->id);
	if (nfrag <= 1) {
		struct outer_piece pc = { .data = gre, .len = glen };

		*nout = 0;
		if (max < 1 || build_frame(pl, a, family, &pc, &out[0], err) < 0)
			return max < 1 ? nv_errf(err, "no room for a frame") : -1;
		*nout = 1;
		return 0;
	}
	/* n pieces of equal size, a multiple of 8 bytes; the last takes the rest */
	piece = (glen + (uint32_t)nfrag - 1) / (uint32_t)nfrag;
	piece = (piece + IPV4_FRAG_UNIT - 1) / IPV4_FRAG_UNIT * IPV4_FRAG_UNIT;
	if (piece == 0)
		piece = IPV4_FRAG_UNIT;
	for (uint32_t off = 0; off < glen; off += piece) {
		struct outer_piece pc = {
			.data = gre + off, .len = glen - off < piece ? glen - off : piece,
			.offset = off, .more = off + piece < glen, .fragment = true,
		};

		if (n >= max)
			return nv_errf(err, "case %s: %d fragments do not fit (max %d)",
				       pl->kase->id, n + 1, max);
		if (build_frame(pl, a, family, &pc, &out[n], err) < 0)
			return -1;
		n++;
	}
	*nout = n;
	return 0;
}
