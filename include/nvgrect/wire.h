/* wire.h - writing big-endian fields and the Internet checksum (RFC 1071). */
#ifndef NV_WIRE_H
#define NV_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Each writer returns the byte after what it wrote. */
static inline uint8_t *nv_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static inline uint8_t *nv_put32(uint8_t *p, uint32_t v)
{
	nv_put16(p, (uint16_t)(v >> 16));
	return nv_put16(p + 2, (uint16_t)v);
}

static inline uint8_t *nv_put(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

/* One's-complement sum of buf added to sum, not folded (odd byte padded). */
static inline uint32_t nv_csum_add(uint32_t sum, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(buf[i] << 8 | buf[i + 1]);
	if (len & 1)
		sum += (uint32_t)buf[len - 1] << 8;
	return sum;
}

/* Fold a sum to 16 bits and complement it: the checksum field's value. */
static inline uint16_t nv_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

#endif
