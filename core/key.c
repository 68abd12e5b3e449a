/* key.c - NVGRE key layouts: the single place that knows where the VSID is. */
#include "nvgrect/key.h"

#include <stdio.h>
#include <string.h>

static const struct nv_layout builtins[] = {
	{ "rfc7637", NV_RFC7637_VSID_SHIFT, 24, 0, NV_RFC7637_FLOW_WIDTH, 0 },
	{ "draft00", 0, 24, 0, 0, NV_DRAFT00_RESERVED_MASK },
};

#define NBUILTIN ((int)(sizeof(builtins) / sizeof(builtins[0])))

static uint32_t field_mask(unsigned shift, unsigned width)
{
	if (width == 0)
		return 0;
	if (width >= 32)
		return 0xFFFFFFFFu;
	return ((1u << width) - 1u) << shift;
}

const struct nv_layout *nv_key_builtin(int i)
{
	return (i >= 0 && i < NBUILTIN) ? &builtins[i] : NULL;
}

int nv_key_builtin_count(void)
{
	return NBUILTIN;
}

void nv_key_layouts_init(struct nv_layouts *ls)
{
	memset(ls, 0, sizeof(*ls));
	for (int i = 0; i < NBUILTIN; i++)
		ls->l[ls->n++] = builtins[i];
}

int nv_key_layout_check(const struct nv_layout *l, struct nv_err *err)
{
	uint32_t v, f;

	if (l->name[0] == '\0')
		return nv_errc(err, NV_EXIT_USAGE, "layout has no name");
	if (l->vsid_width < 1 || l->vsid_width > 24)
		return nv_errc(err, NV_EXIT_USAGE,
			       "layout %s: vsid width %u out of range (1..24)",
			       l->name, l->vsid_width);
	if (l->vsid_shift + l->vsid_width > 32)
		return nv_errc(err, NV_EXIT_USAGE,
			       "layout %s: vsid shift %u + width %u exceeds 32 bits",
			       l->name, l->vsid_shift, l->vsid_width);
	if (l->flow_width > 8 || l->flow_shift + l->flow_width > 32)
		return nv_errc(err, NV_EXIT_USAGE,
			       "layout %s: flowid shift %u width %u does not fit (width 0..8)",
			       l->name, l->flow_shift, l->flow_width);
	v = field_mask(l->vsid_shift, l->vsid_width);
	f = field_mask(l->flow_shift, l->flow_width);
	if ((v & f) || (v & l->reserved_mask) || (f & l->reserved_mask))
		return nv_errc(err, NV_EXIT_USAGE,
			       "layout %s: vsid 0x%08x, flowid 0x%08x and reserved 0x%08x overlap",
			       l->name, v, f, l->reserved_mask);
	return 0;
}

int nv_key_layout_add(struct nv_layouts *ls, const struct nv_layout *l,
		      struct nv_err *err)
{
	if (nv_key_layout_check(l, err) < 0)
		return -1;
	if (nv_key_layout_find(ls, l->name))
		return nv_errc(err, NV_EXIT_USAGE, "layout %s defined twice", l->name);
	if (ls->n >= NV_LAYOUT_MAX)
		return nv_errc(err, NV_EXIT_USAGE, "too many layouts (max %d)",
			       NV_LAYOUT_MAX);
	ls->l[ls->n++] = *l;
	return 0;
}

const struct nv_layout *nv_key_layout_find(const struct nv_layouts *ls,
					   const char *name)
{
	for (int i = 0; i < ls->n; i++)
		if (strcmp(ls->l[i].name, name) == 0)
			return &ls->l[i];
	return NULL;
}

int nv_key_encode(const struct nv_layout *l, uint32_t vsid, uint32_t flowid,
		  uint32_t *key, struct nv_err *err)
{
	uint32_t vmax = (uint32_t)(field_mask(0, l->vsid_width));
	uint32_t fmax = (uint32_t)(field_mask(0, l->flow_width));

	if (vsid > vmax)
		return nv_errc(err, NV_EXIT_USAGE,
			       "vsid %u (0x%x) does not fit layout %s (max 0x%x)",
			       vsid, vsid, l->name, vmax);
	if (flowid > fmax)
		return nv_errc(err, NV_EXIT_USAGE,
			       "flowid %u (0x%x) does not fit layout %s (max 0x%x)",
			       flowid, flowid, l->name, fmax);
	*key = vsid << l->vsid_shift;
	if (l->flow_width)
		*key |= flowid << l->flow_shift;
	return 0;
}

void nv_key_decode(const struct nv_layout *l, uint32_t key,
		   struct nv_key_reading *out)
{
	memset(out, 0, sizeof(*out));
	out->layout = l;
	out->vsid = (key & field_mask(l->vsid_shift, l->vsid_width)) >> l->vsid_shift;
	if (l->flow_width)
		out->flowid = (key & field_mask(l->flow_shift, l->flow_width)) >>
			      l->flow_shift;
	out->reserved = key & l->reserved_mask;
	if (out->vsid <= NV_VSID_RESERVED_LOW)
		out->problems |= NV_KEYP_VSID_RESERVED;
	if (l->vsid_width == 24 && out->vsid == NV_VSID_VENDOR)
		out->problems |= NV_KEYP_VSID_VENDOR;
	if (out->reserved)
		out->problems |= NV_KEYP_RESERVED_BITS;
}

int nv_key_aliases(const struct nv_layouts *ls, uint32_t key,
		   struct nv_key_reading *out, int max)
{
	int n = 0;

	for (int i = 0; i < ls->n && n < max; i++)
		nv_key_decode(&ls->l[i], key, &out[n++]);
	return n;
}

void nv_key_problems_str(unsigned problems, char *buf, unsigned len)
{
	size_t used = 0;

	buf[0] = '\0';
	if (problems & NV_KEYP_VSID_RESERVED)
		used += (size_t)snprintf(buf + used, len - used, "%sVSID in reserved range 0-0xFFF",
					 used ? "; " : "");
	if (used < len && (problems & NV_KEYP_VSID_VENDOR))
		used += (size_t)snprintf(buf + used, len - used, "%sVSID 0xFFFFFF is vendor-specific",
					 used ? "; " : "");
	if (used < len && (problems & NV_KEYP_RESERVED_BITS))
		snprintf(buf + used, len - used, "%snon-zero reserved bits",
			 used ? "; " : "");
}
