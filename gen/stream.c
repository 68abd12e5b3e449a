/*
 * stream.c - `--count N`: templates patched per frame (see craft.h). Every
 * field patched sits at an even offset from a checksum region that itself
 * starts at an even frame offset, so RFC 1624 word updates apply directly.
 */
#include "craft_int.h"

#include <stdlib.h>
#include <string.h>

#define STREAM_FLOW_SALT_SHIFT 20

/* Replace one 16-bit word and fix the checksums that cover it. */
static void patch16(uint8_t *f, uint32_t off, uint16_t v, uint16_t cs1, uint16_t cs2)
{
	uint16_t old = get16(f + off);

	if (old == v)
		return;
	put16(f + off, v);
	if (cs1)
		put16(f + cs1, csum_update16(get16(f + cs1), old, v));
	if (cs2 && get16(f + cs2) != 0) {   /* UDP over IPv4: 0 = no checksum */
		uint16_t c = csum_update16(get16(f + cs2), old, v);

		put16(f + cs2, c ? c : 0xffff);
	}
}

static void patch32(uint8_t *f, uint32_t off, uint32_t v, uint16_t cs1, uint16_t cs2)
{
	patch16(f, off, (uint16_t)(v >> 16), cs1, cs2);
	patch16(f, off + 2, (uint16_t)v, cs1, cs2);
}

static int make_tpl(struct nv_stream_tpl *t, const struct nv_craft_env *env,
		    const struct nv_planned *pl, struct nv_err *err)
{
	static _Thread_local struct nv_frame fr[NV_FRAG_MAX];
	int n;

	if (nv_craft_frames(env, pl, fr, NV_FRAG_MAX, &n, err) < 0)
		return -1;
	if (n != 1)
		return nv_errc(err, NV_EXIT_USAGE,
			       "case %s: a fragmented probe cannot be streamed (--count)",
			       pl->kase->id);
	t->pl = pl;
	t->len = fr[0].len;
	t->data = malloc(fr[0].len);
	if (!t->data)
		return nv_errno(err, "stream template");
	memcpy(t->data, fr[0].data, fr[0].len);
	if (nv_craft_map(t->data, t->len, &t->map, err) < 0)
		return -1;
	if (pl->layout && pl->probe->flowid.mode == NV_FLOWID_RANDOM &&
	    pl->layout->flow_width) {
		t->flow_shift = pl->layout->flow_shift;
		t->flow_mask = ((1u << pl->layout->flow_width) - 1u) << t->flow_shift;
	}
	return 0;
}

int nv_stream_init(struct nv_stream *st, const struct nv_plan *plan,
		   const struct nv_craft_env *env, struct nv_err *err)
{
	memset(st, 0, sizeof(*st));
	st->seed = plan->seed;
	st->tpl = calloc(plan->n, sizeof(*st->tpl));
	if (!st->tpl)
		return nv_errno(err, "stream templates");
	for (uint32_t i = 0; i < plan->n; i++) {
		st->ntpl = i + 1;
		if (make_tpl(&st->tpl[i], env, &plan->p[i], err) < 0) {
			nv_stream_free(st);
			return -1;
		}
	}
	return 0;
}

static void patch_outer(const struct nv_stream_tpl *t, uint8_t *f, uint32_t idx)
{
	const struct nv_probe *p = t->pl->probe;
	uint32_t l3 = t->map.outer_l3, w;

	if (t->map.outer_v6) {
		if (p->outer.has_flow_label)
			return;
		/* version/class/label word: no checksum covers it */
		w = (uint32_t)get16(f + l3) << 16 | get16(f + l3 + 2);
		w = (w & ~IPV6_FLOW_LABEL_MASK) | NV_TAG_FLOW_LABEL(idx);
		put16(f + l3, (uint16_t)(w >> 16));
		put16(f + l3 + 2, (uint16_t)w);
		return;
	}
	if (!p->outer.has_id)
		patch16(f, l3 + IPV4_OFF_ID, NV_TAG_IPID(idx), (uint16_t)(l3 + IPV4_OFF_CSUM), 0);
}

static void patch_inner(const struct nv_stream_tpl *t, uint8_t *f, uint32_t idx)
{
	const struct nv_frame_map *m = &t->map;
	uint16_t l4cs = 0;

	if (m->inner_l3 && (f[m->inner_l3] >> 4) == 4)
		patch16(f, m->inner_l3 + IPV4_OFF_ID, NV_TAG_IPID(idx),
			(uint16_t)(m->inner_l3 + IPV4_OFF_CSUM), 0);
	if (!m->inner_l4)
		return;
	if (m->inner_l4_proto == IPPROTO_UDP_NUM) {
		l4cs = (uint16_t)(m->inner_l4 + UDP_OFF_CSUM);
	} else {
		l4cs = (uint16_t)(m->inner_l4 + ICMP_OFF_CSUM);
		patch16(f, m->inner_l4 + ICMP_OFF_SEQ, (uint16_t)(idx & 0xffff), l4cs, 0);
	}
	if (m->nonce)       /* nonce bytes 8..11: the frame index */
		patch32(f, m->nonce + 8u, idx, m->inner_l4_proto == IPPROTO_UDP_NUM ? 0 : l4cs,
			m->inner_l4_proto == IPPROTO_UDP_NUM ? l4cs : 0);
}

static uint32_t patch_key(const struct nv_stream *st, const struct nv_stream_tpl *t,
			  uint8_t *f, uint64_t i)
{
	uint32_t key = t->pl->key, flow;

	if (t->flow_mask && t->map.key_off) {
		flow = (uint32_t)nv_plan_mix64(st->seed ^ (i << STREAM_FLOW_SALT_SHIFT));
		key = (key & ~t->flow_mask) | ((flow << t->flow_shift) & t->flow_mask);
		put32(f + t->map.key_off, key);
	}
	return key;
}

static void fix_gre_csum(const struct nv_stream_tpl *t, uint8_t *f)
{
	uint32_t g = t->map.gre;
	uint16_t sum;

	/* recomputed whole: a deliberately bad checksum must stay bad */
	put16(f + t->map.csum_off, 0);
	sum = csum_fold(csum_add(0, f + g, t->len - g));
	if (t->pl->probe->gre.checksum == NV_CSUM_BAD)
		sum ^= GRE_CSUM_BAD_XOR;
	put16(f + t->map.csum_off, sum);
}

uint32_t nv_stream_len(const struct nv_stream *st, uint64_t i)
{
	return st->tpl[i % st->ntpl].len;
}

uint32_t nv_stream_frame(const struct nv_stream *st, uint64_t i, uint8_t *out,
			 const struct nv_planned **pl, uint32_t *key)
{
	const struct nv_stream_tpl *t = &st->tpl[i % st->ntpl];
	uint32_t idx = (uint32_t)i, k;

	memcpy(out, t->data, t->len);
	patch_outer(t, out, idx);
	patch_inner(t, out, idx);
	k = patch_key(st, t, out, i);
	if (t->map.csum_off)
		fix_gre_csum(t, out);
	if (pl)
		*pl = t->pl;
	if (key)
		*key = k;
	return t->len;
}

void nv_stream_free(struct nv_stream *st)
{
	for (uint32_t i = 0; i < st->ntpl; i++)
		free(st->tpl[i].data);
	free(st->tpl);
	st->tpl = NULL;
	st->ntpl = 0;
}
