/* key.h - NVGRE GRE-Key layouts: encode, decode, aliases (DESIGN.md §3). */
#ifndef NV_KEY_H
#define NV_KEY_H

#include <stdbool.h>
#include <stdint.h>

#include "nvgrect/err.h"

#define NV_LAYOUT_NAME_MAX 32
#define NV_LAYOUT_MAX 16          /* built-ins plus a suite's own */

#define NV_VSID_MAX 0xFFFFFFu     /* 24-bit VSID */
#define NV_VSID_RESERVED_LOW 0xFFFu   /* RFC 7637 §3.4: 0..0xFFF reserved */
#define NV_VSID_VENDOR 0xFFFFFFu      /* RFC 7637 §3.4: vendor-specific */

/* RFC 7637 §3.2: VSID in key bits 31..8, FlowID in bits 7..0. */
#define NV_RFC7637_VSID_SHIFT 8
#define NV_RFC7637_FLOW_WIDTH 8
/* draft-00 text: TNI in bits 23..0, bits 31..24 reserved (sender sets 0). */
#define NV_DRAFT00_RESERVED_MASK 0xFF000000u

struct nv_layout {
	char name[NV_LAYOUT_NAME_MAX];
	uint8_t vsid_shift, vsid_width;   /* width 1..24 */
	uint8_t flow_shift, flow_width;   /* width 0 = no FlowID field */
	uint32_t reserved_mask;           /* bits a sender must set to zero */
};

/* A set of layouts: the two built-ins first, then a suite's own. */
struct nv_layouts {
	int n;
	struct nv_layout l[NV_LAYOUT_MAX];
};

/* Problems found when decoding a key under one layout (bit flags). */
enum nv_key_problem {
	NV_KEYP_VSID_RESERVED = 1 << 0,   /* VSID in 0..0xFFF */
	NV_KEYP_VSID_VENDOR = 1 << 1,     /* VSID 0xFFFFFF */
	NV_KEYP_RESERVED_BITS = 1 << 2,   /* non-zero reserved bits */
};

struct nv_key_reading {
	const struct nv_layout *layout;
	uint32_t vsid;
	uint32_t flowid;
	uint32_t reserved;                /* key & reserved_mask */
	unsigned problems;                /* enum nv_key_problem bits */
};

const struct nv_layout *nv_key_builtin(int i);   /* 0 rfc7637, 1 draft00 */
int nv_key_builtin_count(void);

/* Fill ls with the built-ins only. */
void nv_key_layouts_init(struct nv_layouts *ls);
/* Add a layout after validating it (fields fit in 32 bits, no overlap). */
int nv_key_layout_add(struct nv_layouts *ls, const struct nv_layout *l,
		      struct nv_err *err);
/* Check a layout definition; 0 if sound. */
int nv_key_layout_check(const struct nv_layout *l, struct nv_err *err);
const struct nv_layout *nv_key_layout_find(const struct nv_layouts *ls,
					   const char *name);

/* (VSID, FlowID) -> key; -1 with a message when a value is too wide. */
int nv_key_encode(const struct nv_layout *l, uint32_t vsid, uint32_t flowid,
		  uint32_t *key, struct nv_err *err);
/* Key -> VSID, FlowID, reserved bits and problems. Never fails. */
void nv_key_decode(const struct nv_layout *l, uint32_t key,
		   struct nv_key_reading *out);
/* Every reading of one key: one per layout in ls; returns the count. */
int nv_key_aliases(const struct nv_layouts *ls, uint32_t key,
		   struct nv_key_reading *out, int max);
/* Readable list of problems, e.g. "VSID in reserved range 0-0xFFF". */
void nv_key_problems_str(unsigned problems, char *buf, unsigned len);

#endif
