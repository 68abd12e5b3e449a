/* crc32.c - table-driven IEEE 802.3 CRC-32 (the Ethernet FCS). */
#include "nvgrect/crc32.h"

#include <stdbool.h>

#define NV_CRC32_POLY 0xedb88320u   /* 0x04C11DB7 bit-reversed */
#define NV_CRC32_INIT 0xffffffffu

static uint32_t table[256];
static bool table_ready;

/* Built on first use; a race only writes the same values twice. */
static void make_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? NV_CRC32_POLY ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	table_ready = true;
}

uint32_t nv_crc32(const uint8_t *buf, size_t len)
{
	uint32_t c = NV_CRC32_INIT;

	if (!table_ready)
		make_table();
	for (size_t i = 0; i < len; i++)
		c = table[(c ^ buf[i]) & 0xffu] ^ (c >> 8);
	return c ^ NV_CRC32_INIT;
}
