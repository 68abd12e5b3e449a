/* tag.c - encode and find probe nonces. */
#include "nvgrect/tag.h"
#include "nvgrect/wire.h"

#include <string.h>

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void nv_tag_encode(const struct nv_tag *t, uint8_t out[NV_NONCE_LEN])
{
	nv_put32(out, NV_TAG_MAGIC);
	nv_put32(out + 4, t->run_id);
	nv_put32(out + 8, t->frame);
	out[12] = (uint8_t)(t->case_idx >> 8);
	out[13] = (uint8_t)t->case_idx;
	out[14] = (uint8_t)(t->probe_idx >> 8);
	out[15] = (uint8_t)t->probe_idx;
}

bool nv_tag_decode(const uint8_t *p, size_t len, struct nv_tag *t)
{
	if (len < NV_NONCE_LEN || get32(p) != NV_TAG_MAGIC)
		return false;
	t->run_id = get32(p + 4);
	t->frame = get32(p + 8);
	t->case_idx = (uint16_t)(p[12] << 8 | p[13]);
	t->probe_idx = (uint16_t)(p[14] << 8 | p[15]);
	return true;
}

bool nv_tag_find(const uint8_t *p, size_t len, struct nv_tag *t)
{
	for (size_t i = 0; i + NV_NONCE_LEN <= len; i++)
		if (p[i] == 0x4e && nv_tag_decode(p + i, len - i, t))
			return true;
	return false;
}
