/*
 * tag.h - probe tags: how every probe is recognised in whatever answers it.
 *
 * Format (documented in suites/README.md, "Probe tags"):
 *  - outer IPv4 ID = NV_TAG_IPID(frame index); IPv6 flow label = 0x80000 | index
 *    (20 bits); both unique per frame within a run of < 65536 frames;
 *  - inner ICMP echo id = NV_TAG_ICMP_ID, sequence = frame index & 0xffff;
 *  - payload nonce (first NV_NONCE_LEN bytes of the inner L4 payload, and of
 *    the UDP/raw payload): "NVGT" magic, run id, frame index, case index,
 *    probe index, all big-endian;
 *  - the first 8 bytes after the outer IP header are the GRE header with the
 *    key (C=0), so an 8-byte ICMP quote names layout and key.
 */
#ifndef NV_TAG_H
#define NV_TAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NV_TAG_MAGIC 0x4e564754u    /* "NVGT" */
#define NV_TAG_ICMP_ID 0x4e56       /* "NV" */
#define NV_NONCE_LEN 16
#define NV_TAG_IPID(idx) ((uint16_t)(((idx) + 1u) & 0xffffu))
#define NV_TAG_FLOW_LABEL(idx) (0x80000u | ((uint32_t)(idx) & 0x7ffffu))

struct nv_tag {
	uint32_t run_id;        /* from --seed; ties a capture to its run */
	uint32_t frame;         /* global frame index within the run */
	uint16_t case_idx;
	uint16_t probe_idx;
};

void nv_tag_encode(const struct nv_tag *t, uint8_t out[NV_NONCE_LEN]);
/* Finds the nonce at p (len bytes available). false if not a tag. */
bool nv_tag_decode(const uint8_t *p, size_t len, struct nv_tag *t);
/* Search a byte range for a nonce (quotes may be offset); false if none. */
bool nv_tag_find(const uint8_t *p, size_t len, struct nv_tag *t);

#endif
