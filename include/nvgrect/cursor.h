/* cursor.h - bounded reads over captured bytes. Every packet read goes here. */
#ifndef NV_CURSOR_H
#define NV_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* [p, end) is what was captured: end = data + caplen, never + wire length. */
struct nv_cur {
	const uint8_t *base;
	const uint8_t *p;
	const uint8_t *end;
};

static inline void nv_cur_init(struct nv_cur *c, const uint8_t *data, size_t caplen)
{
	c->base = data;
	c->p = data;
	c->end = data + caplen;
}

static inline size_t nv_cur_left(const struct nv_cur *c)
{
	return (size_t)(c->end - c->p);
}

static inline size_t nv_cur_off(const struct nv_cur *c)
{
	return (size_t)(c->p - c->base);
}

static inline bool nv_cur_skip(struct nv_cur *c, size_t n)
{
	if (nv_cur_left(c) < n)
		return false;
	c->p += n;
	return true;
}

static inline bool nv_get_u8(struct nv_cur *c, uint8_t *v)
{
	if (nv_cur_left(c) < 1)
		return false;
	*v = c->p[0];
	c->p += 1;
	return true;
}

static inline bool nv_get_be16(struct nv_cur *c, uint16_t *v)
{
	if (nv_cur_left(c) < 2)
		return false;
	*v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	return true;
}

static inline bool nv_get_be32(struct nv_cur *c, uint32_t *v)
{
	if (nv_cur_left(c) < 4)
		return false;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	     (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	return true;
}

static inline bool nv_get_bytes(struct nv_cur *c, void *dst, size_t n)
{
	const uint8_t *s = c->p;
	uint8_t *d = dst;

	if (nv_cur_left(c) < n)
		return false;
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
	c->p += n;
	return true;
}

/* A sub-cursor over the next n bytes, clamped to what is left (ICMP quotes). */
static inline struct nv_cur nv_cur_sub(const struct nv_cur *c, size_t n)
{
	struct nv_cur s = *c;

	s.base = c->p;
	if (n < nv_cur_left(c))
		s.end = c->p + n;
	return s;
}

#endif
