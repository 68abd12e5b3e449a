/*
 * craft_inner.c - the tenant's Ethernet frame that NVGRE carries: optional
 * 802.1Q/QinQ tags, then ICMP echo, ICMPv6 echo, ARP request, UDP or raw
 * bytes. No FCS (RFC 7637 §3.2). The L4 payload starts with the 16-byte
 * probe nonce (tag.h) followed by a counting filler.
 */
#include "craft_lnet.h"

#include <string.h>
#include <sys/socket.h>

#define INNER_TTL 64
#define FILLER_BASE 0x20        /* filler byte i = 0x20 + i (mod 256) */

/* The probe's L4 payload: nonce, then filler, payload_len bytes in all. */
static uint32_t fill_payload(const struct nv_craft_env *env, const struct nv_planned *pl,
			     uint8_t *buf, uint32_t cap)
{
	uint32_t n = pl->probe->inner.payload_len;
	uint8_t nonce[NV_NONCE_LEN];
	struct nv_tag t = { .run_id = env->run_id, .frame = pl->frame,
			    .case_idx = pl->case_idx, .probe_idx = pl->probe_idx };

	if (n > cap)
		n = cap;
	nv_tag_encode(&t, nonce);
	for (uint32_t i = 0; i < n; i++)
		buf[i] = i < NV_NONCE_LEN ? nonce[i] : (uint8_t)(FILLER_BASE + i);
	return n;
}

static const char *payload_word(enum nv_payload k)
{
	switch (k) {
	case NV_PAYLOAD_ICMP_ECHO: return "icmp-echo";
	case NV_PAYLOAD_ICMP6_ECHO: return "icmp6-echo";
	case NV_PAYLOAD_ARP: return "arp";
	case NV_PAYLOAD_UDP: return "udp";
	case NV_PAYLOAD_RAW: return "raw";
	}
	return "?";
}

static int lnet_fail(libnet_t *l, const char *what, struct nv_err *err)
{
	return nv_errf(err, "libnet %s: %s", what, libnet_geterror(l));
}

static int need_family(const struct nv_planned *pl, const struct craft_addrs *a,
		       int family, struct nv_err *err)
{
	if (a->inner_src.family == family && a->inner_dst.family == family)
		return 0;
	return nv_errc(err, NV_EXIT_USAGE,
		       "case %s: payload %s needs %s inner addresses (set inner.src_ca/dst_ca)",
		       pl->kase->id, payload_word(pl->probe->inner.payload),
		       family == AF_INET ? "IPv4" : "IPv6");
}

static int build_ip_l3(libnet_t *l, const struct nv_planned *pl,
		       const struct craft_addrs *a, uint8_t proto, uint32_t l4_len,
		       struct nv_err *err)
{
	if (a->inner_src.family == AF_INET6) {
		struct nv_lnet_ipv6 s = {
			.src = &a->inner_src, .dst = &a->inner_dst,
			.hop_limit = INNER_TTL, .next_header = proto, .l4_len = l4_len,
		};
		return nv_lnet_ipv6(l, &s, NULL, 0, err);
	}
	struct nv_lnet_ipv4 s = {
		.src = &a->inner_src, .dst = &a->inner_dst, .ttl = INNER_TTL,
		.proto = proto, .id = NV_TAG_IPID(pl->frame), .l4_len = l4_len,
	};
	return nv_lnet_ipv4(l, &s, NULL, 0, err);
}

/* Build the L3/L4 pblocks and say which ethertype they need. */
static int build_payload(libnet_t *l, const struct nv_craft_env *env,
			 const struct nv_planned *pl, const struct craft_addrs *a,
			 uint16_t *etype, struct nv_err *err)
{
	static const uint8_t zero_mac[ETH_ADDR_LEN];
	const struct nv_probe *p = pl->probe;
	uint8_t pay[NV_RAW_MAX];
	uint32_t n = fill_payload(env, pl, pay, sizeof(pay));
	uint16_t seq = (uint16_t)(pl->frame & 0xffff);
	uint16_t sport = p->inner.udp_sport ? p->inner.udp_sport : UDP_DEFAULT_SPORT;
	uint16_t dport = p->inner.udp_dport ? p->inner.udp_dport : UDP_DEFAULT_DPORT;

	*etype = a->inner_src.family == AF_INET6 ? ETYPE_IPV6 : ETYPE_IPV4;
	switch (p->inner.payload) {
	case NV_PAYLOAD_ICMP_ECHO:
		if (need_family(pl, a, AF_INET, err) < 0)
			return -1;
		if (libnet_build_icmpv4_echo(ICMP_ECHO_REQUEST, 0, 0, NV_TAG_ICMP_ID, seq,
					     pay, n, l, 0) < 0)
			return lnet_fail(l, "ICMP echo", err);
		return build_ip_l3(l, pl, a, IPPROTO_ICMP_NUM, ICMP_HDR_LEN + n, err);
	case NV_PAYLOAD_ICMP6_ECHO:
		if (need_family(pl, a, AF_INET6, err) < 0)
			return -1;
		if (libnet_build_icmpv6_echo(ICMP6_ECHO_REQUEST, 0, 0, NV_TAG_ICMP_ID, seq,
					     pay, n, l, 0) < 0)
			return lnet_fail(l, "ICMPv6 echo", err);
		return build_ip_l3(l, pl, a, IPPROTO_ICMP6_NUM, ICMP_HDR_LEN + n, err);
	case NV_PAYLOAD_UDP:
		if (libnet_build_udp(sport, dport, (uint16_t)(UDP_HDR_LEN + n), 0, pay, n,
				     l, 0) < 0)
			return lnet_fail(l, "UDP", err);
		return build_ip_l3(l, pl, a, IPPROTO_UDP_NUM, UDP_HDR_LEN + n, err);
	case NV_PAYLOAD_ARP:
		if (need_family(pl, a, AF_INET, err) < 0)
			return -1;
		*etype = ETYPE_ARP;
		if (libnet_build_arp(ARP_HRD_ETHER, ETYPE_IPV4, ETH_ADDR_LEN, 4,
				     ARP_OP_REQUEST, a->inner_src_mac, a->inner_src.a,
				     zero_mac, a->inner_dst.a, NULL, 0, l, 0) < 0)
			return lnet_fail(l, "ARP", err);
		return 0;
	case NV_PAYLOAD_RAW:
		*etype = NV_RAW_ETHERTYPE;
		if (p->inner.nraw > 0 &&
		    libnet_build_data(p->inner.raw, (uint32_t)p->inner.nraw, l, 0) < 0)
			return lnet_fail(l, "raw data", err);
		return 0;
	}
	return nv_errf(err, "case %s: unknown payload kind %d", pl->kase->id,
		       (int)p->inner.payload);
}

int nv_craft_inner(const struct nv_craft_env *env, const struct nv_planned *pl,
		   const struct craft_addrs *a, uint8_t *buf, uint32_t cap,
		   uint32_t *len, struct nv_err *err)
{
	const struct nv_probe *p = pl->probe;
	libnet_t *l = nv_lnet_open(err);
	struct nv_lnet_eth eth = {
		.dst = a->inner_dst_mac, .src = a->inner_src_mac,
		.nvlan = p->inner.nvlan, .vlan = p->inner.vlan,
	};
	int rc = -1;

	if (!l)
		return -1;
	if (build_payload(l, env, pl, a, &eth.type, err) < 0)
		goto out;
	if (p->inner.has_ethertype)
		eth.type = p->inner.ethertype;
	if (nv_lnet_eth(l, &eth, NULL, 0, err) < 0)
		goto out;
	rc = nv_lnet_coalesce(l, buf, cap, len, err);
out:
	libnet_destroy(l);
	return rc;
}
