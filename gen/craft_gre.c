/*
 * craft_gre.c - the GRE header, written byte by byte.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  |C|R|K|S|s|Recur|  Reserved0 (4..12)  | Ver |   Protocol Type   |
 *  |      Checksum (optional)      |       Offset (optional)       |
 *  |                         Key (optional)                        |
 *  |                 Sequence Number (optional)                    |
 *  |                  Routing (optional, RFC 1701)                 |
 *
 * libnet_build_gre() covers the RFC 2784/2890 fields but not R, s,
 * recursion, reserved0 or a deliberately wrong checksum together, so every
 * GRE header is written here: one code path, every bit under control.
 * RFC 2890's Reserved0 (bits 4..12) contains RFC 1701's s and Recur bits;
 * a suite may name either, and the bits are OR'ed together.
 */
#include "craft_int.h"

#include <string.h>

static uint16_t flag_word(const struct nv_probe *p)
{
	uint16_t w = 0;

	if (p->gre.c)
		w |= GRE_F_C;
	if (p->gre.r)
		w |= GRE_F_R;
	if (p->gre.k)
		w |= GRE_F_K;
	if (p->gre.s)
		w |= GRE_F_S;
	if (p->gre.strict)
		w |= GRE_F_STRICT;
	w |= (uint16_t)((p->gre.recursion << GRE_RECUR_SHIFT) & GRE_RECUR_MASK);
	w |= (uint16_t)((p->gre.reserved0 << GRE_RSVD0_SHIFT) & GRE_RSVD0_MASK);
	w |= (uint16_t)(p->gre.version & GRE_VER_MASK);
	return w;
}

uint32_t nv_craft_gre_hdr_len(const struct nv_probe *p)
{
	uint32_t n = GRE_BASE_LEN;

	if (p->gre.c || p->gre.r)
		n += GRE_CSUM_FIELD_LEN;
	if (p->gre.k)
		n += GRE_KEY_LEN;
	if (p->gre.s)
		n += GRE_SEQ_LEN;
	if (p->gre.r)
		n += GRE_SRE_NULL_LEN;
	return n;
}

int nv_craft_gre(const struct nv_planned *pl, const uint8_t *inner, uint32_t ilen,
		 uint8_t *buf, uint32_t cap, uint32_t *len, struct nv_err *err)
{
	const struct nv_probe *p = pl->probe;
	uint32_t hlen = nv_craft_gre_hdr_len(p), off = GRE_BASE_LEN, csum_off = 0;
	uint32_t total = hlen + ilen;
	uint16_t sum;

	if (total > cap)
		return nv_errc(err, NV_EXIT_USAGE, "case %s: GRE packet of %u bytes exceeds %u",
			       pl->kase->id, total, cap);
	memset(buf, 0, hlen);
	put16(buf + GRE_OFF_FLAGS, flag_word(p));
	put16(buf + GRE_OFF_PROTO, p->gre.proto);
	if (p->gre.c || p->gre.r) {
		csum_off = off;         /* offset field stays 0: the SRE is first */
		off += GRE_CSUM_FIELD_LEN;
	}
	if (p->gre.k) {
		put32(buf + off, pl->key);
		off += GRE_KEY_LEN;
	}
	if (p->gre.s) {
		put32(buf + off, p->gre.has_seq ? p->gre.seq : pl->variant);
		off += GRE_SEQ_LEN;
	}
	/* with R, the NULL SRE (family 0, length 0) is already zeroed */
	memcpy(buf + hlen, inner, ilen);
	if (p->gre.c) {
		/* RFC 2784 §2.5: over the GRE header and payload, field zero */
		sum = csum_fold(csum_add(0, buf, total));
		if (p->gre.checksum == NV_CSUM_BAD)
			sum ^= GRE_CSUM_BAD_XOR;
		put16(buf + csum_off, sum);
	}
	if (p->gre.has_truncate && p->gre.truncate < total)
		total = p->gre.truncate;
	*len = total;
	return 0;
}
