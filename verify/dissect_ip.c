/*
 * dissect_ip.c - parse state helpers and IPv4/IPv6 headers, shared by the
 * frame dissector (outer and inner headers) and the ICMP quote parser.
 */
#include <string.h>
#include <sys/socket.h>

#include "dissect_int.h"

const struct nv_ipnames nv_names_ip4_outer = {
	"ip4.truncated", "ip4.bad_version", "ip4.bad_ihl", "ip4.bad_total_len",
	"ip4.bad_checksum", "ip4.len_exceeds_frame", NULL, NULL,
};
const struct nv_ipnames nv_names_ip6_outer = {
	"ip6.truncated", "ip6.bad_version", NULL, "ip6.bad_payload_len", NULL,
	"ip6.len_exceeds_frame", "ip6.too_many_ext", "ip6.ext_truncated",
};
const struct nv_ipnames nv_names_ip4_inner = {
	"iip4.truncated", "iip4.bad_version", "iip4.bad_ihl", "iip4.bad_total_len",
	"iip4.bad_checksum", "iip4.len_exceeds_frame", NULL, NULL,
};
const struct nv_ipnames nv_names_ip6_inner = {
	"iip6.truncated", "iip6.bad_version", NULL, "iip6.bad_payload_len", NULL,
	"iip6.len_exceeds_frame", "iip6.too_many_ext", "iip6.ext_truncated",
};
const struct nv_ipnames nv_names_ip4_quote = {
	"quote.ip4_truncated", "quote.ip4_bad_version", "quote.ip4_bad_ihl",
	"quote.ip4_bad_total_len", NULL, NULL, NULL, NULL,
};
const struct nv_ipnames nv_names_ip6_quote = {
	"quote.ip6_truncated", "quote.ip6_bad_version", NULL, NULL, NULL, NULL,
	"quote.ip6_too_many_ext", "quote.ip6_ext_truncated",
};

void nv_dis_init(struct nv_dis *d, const uint8_t *data, size_t caplen, size_t len)
{
	/* field by field: this runs once per frame, notes[] need no zeroing */
	d->quote = false;
	d->frag = false;
	d->stopped = false;
	d->st = NV_DIS_OK;
	d->layer = NV_L_NONE;
	d->finding = NULL;
	d->depth = 0;
	d->nnotes = 0;
	nv_cur_init(&d->c, data, caplen);
	d->wire_end = data + (len > caplen ? len : caplen);
}

bool nv_dis_stop(struct nv_dis *d, enum nv_status st, enum nv_layer l,
		 const char *finding)
{
	/* the fault that stopped the parse outranks a checksum noted earlier */
	if (!d->stopped) {
		d->stopped = true;
		d->st = st;
		d->layer = l;
		d->finding = finding;
	}
	return false;
}

bool nv_dis_need(struct nv_dis *d, size_t n, enum nv_layer l, const char *name)
{
	if (nv_cur_left(&d->c) >= n)
		return true;
	if (d->frag) {
		/* a first fragment ends where the fragment ends: not a fault */
		d->layer = l;
		return false;
	}
	return nv_dis_stop(d, NV_DIS_TRUNCATED, l, name);
}

void nv_dis_note(struct nv_dis *d, enum nv_layer l, const char *finding,
		 bool malformed)
{
	if (d->nnotes < NV_FINDING_MAX)
		d->notes[d->nnotes++] = finding;
	if (malformed && d->st == NV_DIS_OK) {
		d->st = NV_DIS_MALFORMED;
		d->layer = l;
		d->finding = finding;
	}
}

void nv_dis_clamp(struct nv_dis *d, size_t n)
{
	if (n < nv_cur_left(&d->c))
		d->c.end = d->c.p + n;
	if (n < (size_t)(d->wire_end - d->c.p))
		d->wire_end = d->c.p + n;
}

uint32_t nv_dis_sum(const struct nv_cur *c, size_t n, uint32_t sum)
{
	const uint8_t *p = c->p;
	size_t i;

	if (n > nv_cur_left(c))
		n = nv_cur_left(c);
	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < n)
		sum += (uint32_t)p[i] << 8;
	return sum;
}

uint16_t nv_dis_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

/* Bytes of the datagram that exist on the wire from the cursor on. */
static size_t wire_left(const struct nv_dis *d)
{
	return (size_t)(d->wire_end - d->c.p);
}

static void get_addr(struct nv_cur *c, int family, struct nv_addr *a)
{
	a->family = family;
	if (family == AF_INET) {
		memset(a->a + NV_IP4_ALEN, 0, sizeof(a->a) - NV_IP4_ALEN);
		nv_get_bytes(c, a->a, NV_IP4_ALEN);
	} else {
		nv_get_bytes(c, a->a, NV_IP6_ALEN);
	}
}

/* Total length against the wire: claims beyond it are a lie unless cut/quoted. */
static bool check_len(struct nv_dis *d, size_t total, enum nv_layer l,
		      const char *exceeds)
{
	if (total <= wire_left(d) || d->quote || exceeds == NULL) {
		nv_dis_clamp(d, total);
		return true;
	}
	if (d->frag)
		return true;
	return nv_dis_stop(d, NV_DIS_MALFORMED, l, exceeds);
}

bool nv_dis_ip4(struct nv_dis *d, struct nv_ipinfo *ip, enum nv_layer l,
		const struct nv_ipnames *n)
{
	struct nv_cur h = d->c;
	uint8_t vihl = 0, ttl = 0, proto = 0, tos = 0;
	uint16_t total = 0, id = 0, frag = 0, csum = 0;
	size_t hlen;

	memset(ip, 0, sizeof(*ip));
	if (!nv_dis_need(d, 1, l, n->trunc))
		return false;
	nv_get_u8(&h, &vihl);
	if (nv_ip_version(vihl) != NV_IP4_VERSION)
		return nv_dis_stop(d, NV_DIS_MALFORMED, l, n->bad_version);
	hlen = (size_t)(vihl & NV_IP4_IHL_MASK) * NV_IP4_IHL_UNIT;
	if (hlen < NV_IP4_MIN_HLEN)
		return nv_dis_stop(d, NV_DIS_MALFORMED, l, n->bad_ihl);
	if (!nv_dis_need(d, NV_IP4_MIN_HLEN, l, n->trunc))
		return false;
	ip->present = true;
	ip->family = AF_INET;
	nv_get_u8(&h, &tos);
	nv_get_be16(&h, &total);
	nv_get_be16(&h, &id);
	nv_get_be16(&h, &frag);
	nv_get_u8(&h, &ttl);
	nv_get_u8(&h, &proto);
	nv_get_be16(&h, &csum);
	get_addr(&h, AF_INET, &ip->src);
	get_addr(&h, AF_INET, &ip->dst);
	ip->tos = tos;
	ip->total_len = total;
	ip->id = id;
	ip->ttl = ttl;
	ip->proto = proto;
	ip->df = (frag & NV_IP4_DF) != 0;
	ip->mf = (frag & NV_IP4_MF) != 0;
	ip->frag_off = frag & NV_IP4_OFF_MASK;
	/* from the local word: reading back the bytes just stored stalls */
	ip->is_fragment = (frag & (NV_IP4_MF | NV_IP4_OFF_MASK)) != 0;
	ip->has_options = hlen > NV_IP4_MIN_HLEN;
	ip->csum_ok = true;
	if (total < hlen && !(d->quote && total == 0))
		return nv_dis_stop(d, NV_DIS_MALFORMED, l, n->bad_len);
	if (!nv_dis_need(d, hlen, l, n->trunc))
		return false;
	if (n->bad_csum && nv_dis_fold(nv_dis_sum(&d->c, hlen, 0)) != NV_CSUM_GOOD) {
		ip->csum_ok = false;
		nv_dis_note(d, l, n->bad_csum, true);
	}
	if (total >= hlen && !check_len(d, total, l, n->len_exceeds))
		return false;
	nv_cur_skip(&d->c, hlen);
	return true;
}

/* Walk IPv6 extension headers; the fragment header fills the fragment facts. */
static bool ip6_ext(struct nv_dis *d, struct nv_ipinfo *ip, uint8_t *nh,
		    enum nv_layer l, const struct nv_ipnames *n)
{
	for (int i = 0;; i++) {
		uint8_t next = 0, hlen8 = 0;
		uint16_t off = 0;
		uint32_t ident = 0;
		struct nv_cur h = d->c;

		if (*nh != NV_PROTO_HOPOPT && *nh != NV_PROTO_ROUTING &&
		    *nh != NV_PROTO_FRAGMENT && *nh != NV_PROTO_DSTOPTS &&
		    *nh != NV_PROTO_AH)
			return true;
		if (i >= NV_IP6_MAX_EXT)
			return nv_dis_stop(d, NV_DIS_MALFORMED, l, n->too_many_ext);
		if (!nv_dis_need(d, NV_IP6_FRAG_HLEN, l, n->ext_trunc))
			return false;
		nv_get_u8(&h, &next);
		nv_get_u8(&h, &hlen8);
		if (*nh == NV_PROTO_FRAGMENT) {
			nv_get_be16(&h, &off);
			nv_get_be32(&h, &ident);
			ip->is_fragment = true;
			ip->frag_off = off >> NV_IP6_FRAG_OFF_SHIFT;
			ip->mf = (off & NV_IP6_FRAG_MF) != 0;
			ip->id = (uint16_t)ident;
			nv_cur_skip(&d->c, NV_IP6_FRAG_HLEN);
		} else {
			/* AH counts 4-byte units minus 2, the others 8-byte units minus 1 */
			size_t len = *nh == NV_PROTO_AH ? ((size_t)hlen8 + 2) * NV_IP6_AH_UNIT
							 : ((size_t)hlen8 + 1) * NV_IP6_EXT_UNIT;
			if (!nv_dis_need(d, len, l, n->ext_trunc))
				return false;
			nv_cur_skip(&d->c, len);
		}
		*nh = next;
		d->depth++;
	}
}

bool nv_dis_ip6(struct nv_dis *d, struct nv_ipinfo *ip, enum nv_layer l,
		const struct nv_ipnames *n)
{
	struct nv_cur h = d->c;
	uint32_t vtf = 0;
	uint16_t plen = 0;
	uint8_t nh = 0, hop = 0;

	memset(ip, 0, sizeof(*ip));
	if (!nv_dis_need(d, 1, l, n->trunc))
		return false;
	if (nv_ip_version(d->c.p[0]) != NV_IP6_VERSION)
		return nv_dis_stop(d, NV_DIS_MALFORMED, l, n->bad_version);
	if (!nv_dis_need(d, NV_IP6_HLEN, l, n->trunc))
		return false;
	nv_get_be32(&h, &vtf);
	nv_get_be16(&h, &plen);
	nv_get_u8(&h, &nh);
	nv_get_u8(&h, &hop);
	ip->present = true;
	ip->family = AF_INET6;
	get_addr(&h, AF_INET6, &ip->src);
	get_addr(&h, AF_INET6, &ip->dst);
	ip->tos = (uint8_t)(vtf >> NV_IP6_TCLASS_SHIFT);
	ip->flow_label = vtf & NV_IP6_FLOW_MASK;
	ip->ttl = hop;
	ip->total_len = (uint16_t)(NV_IP6_HLEN + plen);
	ip->csum_ok = true;
	nv_cur_skip(&d->c, NV_IP6_HLEN);
	/* payload length 0 is a jumbogram (hop-by-hop option): take what is there */
	if (plen != 0 && !check_len(d, plen, l, n->len_exceeds))
		return false;
	if (!ip6_ext(d, ip, &nh, l, n))
		return false;
	ip->proto = nh;
	return true;
}
