/*
 * vframes.h - hand-built frames for the verifier's unit tests. Written byte
 * by byte from the RFCs, independent of gen/ (the crafter is tested against
 * the same dissector, so it must not also be the dissector's oracle).
 */
#ifndef NV_TEST_VFRAMES_H
#define NV_TEST_VFRAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "nvgrect/tag.h"

struct tf {
	bool v6;                    /* outer IPv6 */
	bool outer_vlan;
	bool c, s, no_k;            /* GRE flags (K is on unless no_k) */
	bool bad_gre_csum;
	uint32_t key;
	uint8_t gre_ver;
	uint16_t gre_proto;         /* 0 = 0x6558 */
	int inner_vlans;            /* 0..2 */
	bool inner_v6;
	uint32_t ipid;              /* outer IPv4 ID / IPv6 flow label */
	uint8_t src4[4], dst4[4];   /* outer PAs (v4) */
	uint8_t imac_src[6], imac_dst[6];
	uint8_t ica_src[4], ica_dst[4];
	uint8_t icmp_type;          /* inner ICMP type: 8 request, 0 reply */
	uint16_t echo_id, echo_seq;
	bool has_tag;
	struct nv_tag tag;
	uint16_t payload_len;       /* after the ICMP header, default 32 */
	uint16_t frag;              /* outer IPv4 flags+offset field */
	/* an inner ICMP error instead of echo: quote bytes follow its header */
	const uint8_t *icmp_quote;
	size_t icmp_quote_len;
	uint8_t icmp_code;
};

static inline void tf_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void tf_put32(uint8_t *p, uint32_t v)
{
	tf_put16(p, (uint16_t)(v >> 16));
	tf_put16(p + 2, (uint16_t)v);
}

static inline uint16_t tf_csum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < n)
		sum += (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline size_t tf_ip4(uint8_t *p, uint16_t total, uint16_t id, uint16_t frag,
			    uint8_t proto, const uint8_t src[4], const uint8_t dst[4])
{
	memset(p, 0, 20);
	p[0] = 0x45;
	tf_put16(p + 2, total);
	tf_put16(p + 4, id);
	tf_put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	tf_put16(p + 10, tf_csum(p, 20, 0));
	return 20;
}

static inline size_t tf_ip6(uint8_t *p, uint16_t plen, uint32_t flow, uint8_t nh,
			    uint8_t srclast, uint8_t dstlast)
{
	memset(p, 0, 40);
	tf_put32(p, 0x60000000u | (flow & 0xfffff));
	tf_put16(p + 4, plen);
	p[6] = nh;
	p[7] = 64;
	p[8] = 0x20;
	p[9] = 0x01;
	p[10] = 0x0d;
	p[11] = 0xb8;
	p[23] = srclast;
	memcpy(p + 24, p + 8, 8);
	p[39] = dstlast;
	return 40;
}

/* Ethernet header (+ optional 802.1Q tag); returns its length. */
static inline size_t tf_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6],
			    int ntags, uint16_t type)
{
	size_t n = 12;

	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	for (int i = 0; i < ntags; i++) {
		tf_put16(p + n, i == 0 && ntags == 2 ? 0x88a8 : 0x8100);
		tf_put16(p + n + 2, (uint16_t)(100 + i));
		n += 4;
	}
	tf_put16(p + n, type);
	return n + 2;
}

/* The inner Ethernet frame: ICMP echo (with nonce) or ICMP error. */
static inline size_t tf_inner(const struct tf *o, uint8_t *p)
{
	size_t n = tf_eth(p, o->imac_dst, o->imac_src, o->inner_vlans,
			  o->inner_v6 ? 0x86dd : 0x0800);
	size_t ip = n, l4, plen = o->payload_len ? o->payload_len : 32;
	uint8_t *icmp;

	if (o->icmp_quote)
		plen = o->icmp_quote_len;
	n += o->inner_v6 ? 40 : 20;
	l4 = n;
	icmp = p + l4;
	memset(icmp, 0, 8 + plen);
	icmp[0] = o->icmp_type;
	icmp[1] = o->icmp_code;
	if (o->icmp_quote) {
		memcpy(icmp + 8, o->icmp_quote, plen);
	} else {
		tf_put16(icmp + 4, o->echo_id);
		tf_put16(icmp + 6, o->echo_seq);
		for (size_t i = 0; i < plen; i++)
			icmp[8 + i] = (uint8_t)(0xa0 + i);
		if (o->has_tag)
			nv_tag_encode(&o->tag, icmp + 8);
	}
	n += 8 + plen;
	if (o->inner_v6)
		tf_ip6(p + ip, (uint16_t)(8 + plen), 0, 58, 1, 2);
	else
		tf_ip4(p + ip, (uint16_t)(20 + 8 + plen), 1, 0x4000, 1,
		       o->ica_src, o->ica_dst);
	tf_put16(icmp + 2, tf_csum(icmp, 8 + plen, 0));
	return n;
}

/* GRE header + inner frame. */
static inline size_t tf_gre(const struct tf *o, uint8_t *p)
{
	size_t n = 4, csum_at = 0;
	uint16_t flags = (uint16_t)((o->c ? 0x8000 : 0) | (o->no_k ? 0 : 0x2000) |
				    (o->s ? 0x1000 : 0) | o->gre_ver);

	tf_put16(p, flags);
	tf_put16(p + 2, o->gre_proto ? o->gre_proto : 0x6558);
	if (o->c) {
		csum_at = n;
		tf_put32(p + n, 0);
		n += 4;
	}
	if (!o->no_k) {
		tf_put32(p + n, o->key);
		n += 4;
	}
	if (o->s) {
		tf_put32(p + n, 7);
		n += 4;
	}
	n += tf_inner(o, p + n);
	if (o->c)
		tf_put16(p + csum_at, (uint16_t)(tf_csum(p, n, 0) ^ (o->bad_gre_csum ? 1 : 0)));
	return n;
}

static const uint8_t tf_mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t tf_mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };

/* A whole NVGRE frame; returns its length. */
static inline size_t tf_build(const struct tf *o, uint8_t *out)
{
	size_t n = tf_eth(out, tf_mac_b, tf_mac_a, o->outer_vlan ? 1 : 0,
			  o->v6 ? 0x86dd : 0x0800);
	size_t ip = n, g;

	n += o->v6 ? 40 : 20;
	g = tf_gre(o, out + n);
	if (o->v6)
		tf_ip6(out + ip, (uint16_t)g, o->ipid, 47, 1, 2);
	else
		tf_ip4(out + ip, (uint16_t)(20 + g), (uint16_t)o->ipid, o->frag ? o->frag : 0x4000,
		       47, o->src4, o->dst4);
	return n + g;
}

/* A default probe: PA 192.0.2.1 -> .2, key 0x00138900, CA .1 -> .2, nonce. */
static inline void tf_default(struct tf *o)
{
	static const uint8_t s4[4] = { 192, 0, 2, 1 }, d4[4] = { 192, 0, 2, 2 };
	static const uint8_t cs[4] = { 198, 51, 100, 1 }, cd[4] = { 198, 51, 100, 2 };
	static const uint8_t ms[6] = { 2, 0, 0, 0, 0, 1 }, md[6] = { 2, 0, 0, 0, 0x13, 0x89 };

	memset(o, 0, sizeof(*o));
	o->key = 0x00138900u;
	o->ipid = 1;
	memcpy(o->src4, s4, 4);
	memcpy(o->dst4, d4, 4);
	memcpy(o->ica_src, cs, 4);
	memcpy(o->ica_dst, cd, 4);
	memcpy(o->imac_src, ms, 6);
	memcpy(o->imac_dst, md, 6);
	o->icmp_type = 8;
	o->echo_id = NV_TAG_ICMP_ID;
	o->echo_seq = 0;
	o->has_tag = true;
	o->tag.run_id = 0x11223344u;
	o->tag.frame = 0;
}

/* A plain ICMP(v4) error from `from` to `to` quoting q (qlen bytes). */
static inline size_t tf_icmp_error(uint8_t *out, uint8_t type, uint8_t code,
				   uint8_t rfc4884_words, const uint8_t *q, size_t qlen,
				   const uint8_t from[4], const uint8_t to[4])
{
	size_t n = tf_eth(out, tf_mac_a, tf_mac_b, 0, 0x0800);
	uint8_t *icmp = out + n + 20;

	memset(icmp, 0, 8);
	icmp[0] = type;
	icmp[1] = code;
	icmp[5] = rfc4884_words;
	memcpy(icmp + 8, q, qlen);
	tf_put16(icmp + 2, tf_csum(icmp, 8 + qlen, 0));
	tf_ip4(out + n, (uint16_t)(20 + 8 + qlen), 0x7777, 0, 1, from, to);
	return n + 20 + 8 + qlen;
}

/* An ICMPv6 error quoting q. */
static inline size_t tf_icmp6_error(uint8_t *out, uint8_t type, uint8_t code,
				    const uint8_t *q, size_t qlen)
{
	size_t n = tf_eth(out, tf_mac_a, tf_mac_b, 0, 0x86dd);
	uint8_t *icmp = out + n + 40;

	memset(icmp, 0, 8);
	icmp[0] = type;
	icmp[1] = code;
	memcpy(icmp + 8, q, qlen);
	tf_ip6(out + n, (uint16_t)(8 + qlen), 0, 58, 2, 1);
	return n + 40 + 8 + qlen;
}

#endif
