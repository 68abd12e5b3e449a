/* craft_lnet.h - named-field wrappers over libnet's builders (gen/ only). */
#ifndef NV_GEN_CRAFT_LNET_H
#define NV_GEN_CRAFT_LNET_H

#include <libnet.h>

#include "craft_int.h"

struct nv_lnet_eth {
	const uint8_t *dst, *src;
	int nvlan;                      /* 0, 1 or 2 (QinQ); vlan[0] outermost */
	const struct nv_vlan *vlan;
	uint16_t type;                  /* ethertype after the tags */
};

struct nv_lnet_ipv4 {
	const struct nv_addr *src, *dst;
	uint8_t tos, ttl, proto;
	uint16_t id;
	uint16_t frag;                  /* flags | offset in 8-byte units */
	const uint8_t *options;
	int noptions;
	uint32_t l4_len;                /* bytes of already-built upper pblocks */
};

struct nv_lnet_ipv6 {
	const struct nv_addr *src, *dst;
	uint8_t tclass, hop_limit, next_header;
	uint32_t flow_label;
	uint32_t l4_len;
};

libnet_t *nv_lnet_open(struct nv_err *err);
int nv_lnet_eth(libnet_t *l, const struct nv_lnet_eth *e, const uint8_t *payload,
		uint32_t plen, struct nv_err *err);
int nv_lnet_ipv4(libnet_t *l, const struct nv_lnet_ipv4 *s, const uint8_t *payload,
		 uint32_t plen, struct nv_err *err);
int nv_lnet_ipv6(libnet_t *l, const struct nv_lnet_ipv6 *s, const uint8_t *payload,
		 uint32_t plen, struct nv_err *err);
/* Copy the finished frame into buf. */
int nv_lnet_coalesce(libnet_t *l, uint8_t *buf, uint32_t cap, uint32_t *len,
		     struct nv_err *err);

#endif
