/*
 * craft.c - one planned probe -> wire frame(s): resolve addresses from the
 * DUT file, then build inner frame, GRE, outer headers (inner to outer).
 */
#include "craft_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "nvgrect/cursor.h"

#define DOC_TESTER_CA "198.51.100.1"
#define DOC_VM_CA "198.51.100.2"
#define GRE_MAX_PACKET NV_FRAME_MAX

static const uint8_t mac_auto_tester[6] = NV_MAC_AUTO_TESTER;
static const uint8_t mac_auto_dut[6] = NV_MAC_AUTO_DUT;
static const uint8_t mac_auto_vm[6] = NV_MAC_AUTO_VM;
static const uint8_t mac_auto_tenant_tester[6] = NV_MAC_AUTO_TENANT_TESTER;
static const uint8_t mac_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void mac_or(uint8_t out[6], const struct nv_mac *m, const uint8_t dflt[6])
{
	memcpy(out, m->is_auto ? dflt : m->a, 6);
}

void nv_craft_env_init(struct nv_craft_env *env, const struct nv_dut *dut,
		       uint32_t run_id)
{
	memset(env, 0, sizeof(*env));
	env->dut = dut;
	env->run_id = run_id;
	mac_or(env->tester_mac, &dut->tester.mac, mac_auto_tester);
	mac_or(env->dut_mac, &dut->dut.mac, mac_auto_dut);
}

static void doc_tenant(struct nv_tenant *t, const char *name, uint32_t vsid,
		       const char *tester_ca, const char *tester_mac, const char *vm_ca,
		       const char *vm_mac)
{
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->vsid = vsid;
	nv_addr_parse(tester_ca, &t->tester_ca);
	nv_mac_parse(tester_mac, &t->tester_mac);
	nv_addr_parse(vm_ca, &t->vm_ca);
	nv_mac_parse(vm_mac, &t->vm_mac);
}

/* The first two tenants of suites/duts/lab.yaml, so the shipped suites run. */
void nv_craft_doc_dut(struct nv_dut *dut)
{
	memset(dut, 0, sizeof(*dut));
	snprintf(dut->name, sizeof(dut->name), "documentation-dut");
	nv_addr_parse("192.0.2.1", &dut->tester.pa);
	dut->tester.mac.is_auto = true;
	nv_addr_parse("192.0.2.2", &dut->dut.pa);
	dut->dut.mac.is_auto = true;
	doc_tenant(&dut->tenants[0], "blue", 5001, DOC_TESTER_CA, "02:00:00:00:00:01",
		   DOC_VM_CA, "02:00:00:00:13:89");
	doc_tenant(&dut->tenants[1], "green", 6001, "203.0.113.1", "02:00:00:00:00:02",
		   "203.0.113.2", "02:00:00:00:17:71");
	dut->ntenants = 2;
}

static const struct nv_tenant *tenant_or_first(const struct nv_dut *dut,
					       const struct nv_tenant *t)
{
	if (t)
		return t;
	return dut && dut->ntenants ? &dut->tenants[0] : NULL;
}

static void inner_cas(const struct nv_dut *dut, const struct nv_tenant *tenant,
		      const struct nv_probe *p, struct nv_addr *src, struct nv_addr *dst)
{
	const struct nv_tenant *t = tenant_or_first(dut, tenant);

	if (p->inner.has_src_ca)
		*src = p->inner.src_ca;
	else if (t)
		*src = t->tester_ca;
	else
		nv_addr_parse(DOC_TESTER_CA, src);
	if (p->inner.has_dst_ca)
		*dst = p->inner.dst_ca;
	else if (t)
		*dst = t->vm_ca;
	else
		nv_addr_parse(DOC_VM_CA, dst);
}

int nv_craft_inner_flow(const struct nv_dut *dut, const struct nv_tenant *tenant,
			const struct nv_probe *p, struct nv_addr *src,
			struct nv_addr *dst, uint8_t *proto, uint16_t *sport,
			uint16_t *dport, struct nv_err *err)
{
	(void)err;
	inner_cas(dut, tenant, p, src, dst);
	switch (p->inner.payload) {
	case NV_PAYLOAD_UDP:
		*proto = IPPROTO_UDP_NUM;
		*sport = p->inner.udp_sport ? p->inner.udp_sport : UDP_DEFAULT_SPORT;
		*dport = p->inner.udp_dport ? p->inner.udp_dport : UDP_DEFAULT_DPORT;
		return 0;
	case NV_PAYLOAD_ICMP6_ECHO:
		*proto = IPPROTO_ICMP6_NUM;
		break;
	default:
		*proto = IPPROTO_ICMP_NUM;
		break;
	}
	/* an echo flow is named by its id: the same for every probe frame */
	*sport = *dport = NV_TAG_ICMP_ID;
	return 0;
}

/*
 * True when the probe asks for an outer family the DUT's PA does not have:
 * family: written (has_family), or set to ipv6 by a caller that built the
 * probe by hand (the loader's unwritten default is ipv4 without has_family).
 */
bool nv_craft_family_conflict(const struct nv_probe *p, const struct nv_addr *pa)
{
	if (!pa->family || (!p->has_family && p->outer.family != AF_INET6))
		return false;
	return p->outer.family != pa->family;
}

static int resolve_addrs(const struct nv_craft_env *env, const struct nv_planned *pl,
			 struct craft_addrs *a, struct nv_err *err)
{
	const struct nv_probe *p = pl->probe;
	const struct nv_dut *dut = env->dut;
	const struct nv_tenant *t = tenant_or_first(dut, pl->tenant);

	memset(a, 0, sizeof(*a));
	memcpy(a->outer_src_mac, env->tester_mac, 6);
	memcpy(a->outer_dst_mac, env->dut_mac, 6);
	a->outer_src = p->outer.has_src ? p->outer.src : dut->tester.pa;
	a->outer_dst = dut->dut.pa;
	/* the outer header is always the PA's family; a probe that asked for
	 * the other one cannot be crafted (the plan refuses it first) */
	if (nv_craft_family_conflict(p, &a->outer_dst))
		return nv_errc(err, NV_EXIT_USAGE,
			       "%s:%d:%d: case %s: outer family %s, but the DUT's pa is %s",
			       pl->suite ? pl->suite->path : "", p->line, p->col,
			       pl->kase->id, p->outer.family == AF_INET6 ? "ipv6" : "ipv4",
			       a->outer_dst.family == AF_INET6 ? "IPv6" : "IPv4");
	if (p->inner.has_src_mac)
		memcpy(a->inner_src_mac, p->inner.src_mac, 6);
	else if (t)
		mac_or(a->inner_src_mac, &t->tester_mac, mac_auto_tenant_tester);
	else
		memcpy(a->inner_src_mac, mac_auto_tenant_tester, 6);
	if (p->inner.has_dst_mac)
		memcpy(a->inner_dst_mac, p->inner.dst_mac, 6);
	else if (p->inner.payload == NV_PAYLOAD_ARP)
		memcpy(a->inner_dst_mac, mac_broadcast, 6);
	else if (t)
		mac_or(a->inner_dst_mac, &t->vm_mac, mac_auto_vm);
	else
		memcpy(a->inner_dst_mac, mac_auto_vm, 6);
	inner_cas(dut, pl->tenant, p, &a->inner_src, &a->inner_dst);
	return 0;
}

int nv_craft_frames(const struct nv_craft_env *env, const struct nv_planned *pl,
		    struct nv_frame *out, int max, int *nout, struct nv_err *err)
{
	static _Thread_local uint8_t inner[NV_FRAME_MAX], gre[GRE_MAX_PACKET];
	struct craft_addrs a;
	uint32_t ilen, glen;

	*nout = 0;
	if (resolve_addrs(env, pl, &a, err) < 0)
		return -1;
	if (nv_craft_inner(env, pl, &a, inner, sizeof(inner), &ilen, err) < 0)
		return -1;
	if (nv_craft_gre(pl, inner, ilen, gre, sizeof(gre), &glen, err) < 0)
		return -1;
	return nv_craft_outer(pl, &a, gre, glen, out, max, nout, err);
}

/* --- locating fields in a built frame ------------------------------------ */

static bool skip_vlans(struct nv_cur *c, uint16_t *type)
{
	for (int i = 0; i < NV_VLAN_MAX + 1; i++) {
		if (*type != ETYPE_VLAN && *type != ETYPE_QINQ)
			return true;
		if (!nv_cur_skip(c, 2) || !nv_get_be16(c, type))
			return false;
	}
	return false;
}

static int map_outer(struct nv_cur *c, struct nv_frame_map *m, struct nv_err *err)
{
	uint16_t type;
	uint8_t b, proto;

	if (!nv_cur_skip(c, ETH_OFF_TYPE) || !nv_get_be16(c, &type) || !skip_vlans(c, &type))
		return nv_errf(err, "frame map: truncated outer Ethernet");
	m->outer_l3 = (uint16_t)nv_cur_off(c);
	m->outer_v6 = type == ETYPE_IPV6;
	if (type == ETYPE_IPV4) {
		if (!nv_get_u8(c, &b) || !nv_cur_skip(c, IPV4_OFF_PROTO - 1) ||
		    !nv_get_u8(c, &proto) ||
		    !nv_cur_skip(c, (size_t)(b & IPV4_IHL_MASK) * 4 - IPV4_OFF_PROTO - 1))
			return nv_errf(err, "frame map: truncated outer IPv4");
	} else if (type == ETYPE_IPV6) {
		if (!nv_cur_skip(c, IPV6_OFF_NH) || !nv_get_u8(c, &proto) ||
		    !nv_cur_skip(c, IPV6_HDR_LEN - IPV6_OFF_NH - 1))
			return nv_errf(err, "frame map: truncated outer IPv6");
	} else {
		return nv_errf(err, "frame map: outer ethertype 0x%04x is not IP", type);
	}
	if (proto != IPPROTO_GRE_NUM)
		return nv_errf(err, "frame map: outer protocol %u is not GRE (fragment?)", proto);
	return 0;
}

static int map_gre(struct nv_cur *c, struct nv_frame_map *m, struct nv_err *err)
{
	uint16_t flags, proto;
	size_t off;

	m->gre = (uint16_t)nv_cur_off(c);
	if (!nv_get_be16(c, &flags) || !nv_get_be16(c, &proto))
		return nv_errf(err, "frame map: truncated GRE");
	off = nv_cur_off(c);
	if (flags & (GRE_F_C | GRE_F_R)) {
		if ((flags & GRE_F_C) && nv_cur_left(c) >= GRE_CSUM_FIELD_LEN)
			m->csum_off = (uint16_t)off;
		off += GRE_CSUM_FIELD_LEN;
	}
	if (flags & GRE_F_K) {
		m->key_off = (uint16_t)off;
		off += GRE_KEY_LEN;
	}
	if (flags & GRE_F_S)
		off += GRE_SEQ_LEN;
	if (flags & GRE_F_R)
		off += GRE_SRE_NULL_LEN;
	if (!nv_cur_skip(c, off - nv_cur_off(c)))
		return nv_errf(err, "frame map: truncated GRE options");
	if (proto != ETYPE_TEB)
		return 1;       /* not bridged Ethernet: nothing inner to map */
	return 0;
}

static void map_inner(struct nv_cur *c, struct nv_frame_map *m)
{
	uint16_t type;
	uint8_t b, proto = 0;
	size_t l3;

	if (!nv_cur_skip(c, ETH_OFF_TYPE) || !nv_get_be16(c, &type) || !skip_vlans(c, &type))
		return;
	l3 = nv_cur_off(c);
	if (type == ETYPE_IPV4) {
		if (!nv_get_u8(c, &b) || !nv_cur_skip(c, IPV4_OFF_PROTO - 1) ||
		    !nv_get_u8(c, &proto) ||
		    !nv_cur_skip(c, (size_t)(b & IPV4_IHL_MASK) * 4 - IPV4_OFF_PROTO - 1))
			return;
	} else if (type == ETYPE_IPV6) {
		if (!nv_cur_skip(c, IPV6_OFF_NH) || !nv_get_u8(c, &proto) ||
		    !nv_cur_skip(c, IPV6_HDR_LEN - IPV6_OFF_NH - 1))
			return;
	} else {
		return;
	}
	m->inner_l3 = (uint16_t)l3;
	if ((proto != IPPROTO_ICMP_NUM && proto != IPPROTO_ICMP6_NUM &&
	     proto != IPPROTO_UDP_NUM) || nv_cur_left(c) < ICMP_HDR_LEN)
		return;
	m->inner_l4 = (uint16_t)nv_cur_off(c);
	m->inner_l4_proto = proto;
	if (nv_cur_left(c) >= ICMP_HDR_LEN + NV_NONCE_LEN)
		m->nonce = (uint16_t)(m->inner_l4 + ICMP_HDR_LEN);   /* UDP too: 8 */
}

int nv_craft_map(const uint8_t *frame, uint32_t len, struct nv_frame_map *m,
		 struct nv_err *err)
{
	struct nv_cur c;
	int rc;

	memset(m, 0, sizeof(*m));
	nv_cur_init(&c, frame, len);
	if (map_outer(&c, m, err) < 0)
		return -1;
	/* a GRE header cut short on purpose (gre.truncate) maps as far as it goes */
	rc = map_gre(&c, m, NULL);
	if (rc < 0) {
		m->key_off = m->csum_off = 0;
		return 0;
	}
	if (rc == 0)
		map_inner(&c, m);
	return 0;
}
