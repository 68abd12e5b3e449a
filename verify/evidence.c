/*
 * evidence.c - keep a response as evidence: its first bytes, where the key
 * (or the quoted key) sits for highlighting, and a one-line decode.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "verify_int.h"

static void summary_error(char *s, size_t n, const struct nv_pkt *p)
{
	const struct nv_quote *q = &p->quote;
	char src[64], qkey[32] = "", outer[32] = "";

	nv_addr_str(&p->ip.src, src, sizeof(src));
	if (p->icmp_in_nvgre)
		snprintf(outer, sizeof(outer), "NVGRE key=0x%08x ", p->gre.key);
	if (q->gre.has_key)
		snprintf(qkey, sizeof(qkey), " key=0x%08x", q->gre.key);
	if (snprintf(s, n, "%sICMP%s %u/%u from %s quoting %u bytes%s%s", outer,
		     p->icmp_family == AF_INET6 ? "v6" : "", p->icmp_type, p->icmp_code,
		     src, q->quote_len, qkey, q->has_tag ? " nonce" : "") >= (int)n)
		s[n - 1] = '\0';
}

static void summary_reply(char *s, size_t n, const struct nv_pkt *p)
{
	char src[64], dst[64], isrc[64] = "?", idst[64] = "?";
	const char *what = "frame";

	nv_addr_str(&p->ip.src, src, sizeof(src));
	nv_addr_str(&p->ip.dst, dst, sizeof(dst));
	if (p->iip.present) {
		nv_addr_str(&p->iip.src, isrc, sizeof(isrc));
		nv_addr_str(&p->iip.dst, idst, sizeof(idst));
	} else if (p->l4.present && p->l4.proto == 0) {
		nv_addr_str(&p->l4.arp_spa, isrc, sizeof(isrc));
		nv_addr_str(&p->l4.arp_tpa, idst, sizeof(idst));
	}
	if (p->inner_icmp_error)
		what = "ICMP error from the tenant";
	else if (p->l4.present && p->l4.proto == 0)
		what = "ARP reply";
	else if (p->l4.present && (p->l4.proto == 1 || p->l4.proto == 58))
		what = "echo reply";
	else if (p->l4.present)
		what = "L4 reply";
	/* long IPv6 addresses may not fit: a cut summary is fine */
	if (snprintf(s, n, "NVGRE %s>%s key=0x%08x inner %s>%s %s seq=%u", src, dst,
		     p->gre.key, isrc, idst, what, p->l4.seq) >= (int)n)
		s[n - 1] = '\0';
}

void nv_evidence_fill(struct nv_evidence *e, const uint8_t *data, uint32_t caplen,
		      uint32_t len, uint64_t ts_us, uint32_t cap_frame,
		      const struct nv_pkt *p)
{
	uint32_t n = caplen < NV_EVIDENCE_BYTES ? caplen : NV_EVIDENCE_BYTES;

	e->present = true;
	e->capture_frame = cap_frame;
	e->ts_us = ts_us;
	e->len = len;
	e->caplen = caplen;
	memcpy(e->bytes, data, n);
	e->key_off = 0;
	e->key_len = 0;
	if (p->is_icmp_error && p->quote.gre.has_key && p->quote_off) {
		e->key_off = (uint16_t)(p->quote_off + p->quote.key_off);
		e->key_len = 4;
	} else if (p->gre.has_key) {
		e->key_off = p->key_off;
		e->key_len = 4;
	}
	if (p->is_icmp_error)
		summary_error(e->summary, sizeof(e->summary), p);
	else
		summary_reply(e->summary, sizeof(e->summary), p);
}
