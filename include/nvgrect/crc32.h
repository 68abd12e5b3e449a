/*
 * crc32.h - the IEEE 802.3 CRC-32 (reflected 0xEDB88320, the value an
 * Ethernet FCS carries, least significant byte first on the wire). The
 * verifier uses it to spot an inner FCS the DUT left in (RFC 7637 §3.2);
 * the reference endpoint's faulty profile uses it to leave one in.
 */
#ifndef NV_CRC32_H
#define NV_CRC32_H

#include <stddef.h>
#include <stdint.h>

#define NV_FCS_LEN 4

uint32_t nv_crc32(const uint8_t *buf, size_t len);

#endif
