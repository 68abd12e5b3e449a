/*
 * check_ref.c - the reference endpoint: every profile x key layout x GRE flag
 * case through the pure decision (synthetic dissections), the Linux rate
 * limit model, and reply frames built from hand-made probe bytes, checked
 * byte by byte and re-dissected.
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"
#include "nvgrect/crc32.h"
#include "nvgrect/ref.h"

#define VSID_BLUE 5001u
#define VSID_RED 5002u
#define K_RFC(v, f) ((uint32_t)(v) << 8 | (f))
#define F_K 0x2000
#define F_C 0x8000
#define F_S 0x1000

static struct nv_dut dut;
static const uint8_t ref_mac[6] = { 0x02, 0, 0, 0, 0, 0x22 };
static const uint8_t tst_mac[6] = { 0x02, 0, 0, 0, 0, 0x11 };
static const uint8_t vm_blue[6] = { 0x02, 0, 0, 0, 0x13, 0x89 };
static const uint8_t tca_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static void addr(struct nv_addr *a, const char *s)
{
	ck_assert_int_eq(nv_addr_parse(s, a), 0);
}

static void setup(void)
{
	memset(&dut, 0, sizeof(dut));
	strcpy(dut.name, "unit");
	addr(&dut.tester.pa, "192.0.2.1");
	addr(&dut.dut.pa, "192.0.2.2");
	dut.ntenants = 2;
	strcpy(dut.tenants[0].name, "blue");
	dut.tenants[0].vsid = VSID_BLUE;
	addr(&dut.tenants[0].tester_ca, "198.51.100.1");
	addr(&dut.tenants[0].vm_ca, "198.51.100.2");
	memcpy(dut.tenants[0].vm_mac.a, vm_blue, 6);
	memcpy(dut.tenants[0].tester_mac.a, tca_mac, 6);
	strcpy(dut.tenants[1].name, "red");
	dut.tenants[1].vsid = VSID_RED;
	addr(&dut.tenants[1].tester_ca, "2001:db8::1");
	addr(&dut.tenants[1].vm_ca, "2001:db8::3");
	dut.tenants[1].vm_mac.is_auto = true;
	dut.tenants[1].tester_mac.is_auto = true;
}

static struct nv_ref_ctx ctx(const char *profile)
{
	struct nv_ref_ctx c = { .prof = nv_ref_profile_find(profile), .dut = &dut };

	ck_assert_msg(c.prof != NULL, "profile %s", profile);
	memcpy(c.mac, ref_mac, 6);
	return c;
}

/* A well-formed NVGRE echo request from the tester to blue's VM. */
static struct nv_pkt probe(uint32_t key)
{
	struct nv_pkt p;

	memset(&p, 0, sizeof(p));
	p.status = NV_DIS_OK;
	memcpy(p.eth_dst, ref_mac, 6);
	memcpy(p.eth_src, tst_mac, 6);
	p.ethertype = 0x0800;
	p.ip.present = true;
	p.ip.family = AF_INET;
	p.ip.src = dut.tester.pa;
	p.ip.dst = dut.dut.pa;
	p.ip.proto = IPPROTO_GRE;
	p.ip.csum_ok = true;
	p.ip.total_len = 20 + 8 + 14 + 20 + 8 + 16;
	p.gre.present = true;
	p.gre.flags = F_K;
	p.gre.k = p.gre.has_key = true;
	p.gre.key = key;
	p.gre.proto = 0x6558;
	p.gre_off = 34;
	p.has_inner = true;
	p.inner_off = 42;
	memcpy(p.ieth_dst, vm_blue, 6);
	memcpy(p.ieth_src, tca_mac, 6);
	p.iethertype = 0x0800;
	p.iip.present = true;
	p.iip.family = AF_INET;
	p.iip.src = dut.tenants[0].tester_ca;
	p.iip.dst = dut.tenants[0].vm_ca;
	p.iip.proto = IPPROTO_ICMP;
	p.l4.present = true;
	p.l4.proto = IPPROTO_ICMP;
	p.l4.type = 8;
	p.l4.id = 0x4e56;
	p.l4.seq = 1;
	return p;
}

/* Mutations applied to the probe by the decision table. */
enum mut {
	M_NONE, M_FLAGS, M_PROTO, M_CSUM_BAD, M_INNER_VLAN, M_SRC_PA, M_FRAG,
	M_IPCSUM, M_IPOPT, M_SRC_CA, M_DST_MAC, M_OUTER_V6, M_NOKEY, M_ARP_VM,
	M_ARP_OTHER, M_OTHER_MAC, M_NOT_GRE, M_TRUNC_INNER,
};

struct dcase {
	const char *prof;
	uint32_t key;
	enum mut mut;
	uint16_t val;
	enum nv_ref_verdict v;
	enum nv_ref_answer a;
	const char *reason;     /* NULL: not checked */
	uint8_t type, code;     /* REJECT */
	bool nvgre;
};

static void mutate(struct nv_pkt *p, enum mut m, uint16_t val)
{
	switch (m) {
	case M_NONE: break;
	case M_FLAGS: p->gre.flags = val; p->gre.c = (val & F_C) != 0;
		p->gre.csum_ok = p->gre.has_csum = p->gre.c; break;
	case M_PROTO: p->gre.proto = val; p->has_inner = false; break;
	case M_CSUM_BAD: p->gre.flags = F_C | F_K; p->gre.has_csum = true;
		p->gre.csum_ok = false; break;
	case M_INNER_VLAN: p->invlan = 1; p->ivlan_tpid[0] = 0x8100; break;
	case M_SRC_PA: addr(&p->ip.src, "192.0.2.99"); break;
	case M_FRAG: p->ip.is_fragment = p->ip.mf = true; break;
	case M_IPCSUM: p->ip.csum_ok = false; break;
	case M_IPOPT: p->ip.has_options = true; break;
	case M_SRC_CA: addr(&p->iip.src, "198.51.100.77"); break;
	case M_DST_MAC: p->ieth_dst[5] ^= 1; break;
	case M_OUTER_V6:
		addr(&dut.tester.pa, "2001:db8:ffff::1");
		addr(&dut.dut.pa, "2001:db8:ffff::2");
		p->ip.family = AF_INET6;
		p->ip.src = dut.tester.pa;
		p->ip.dst = dut.dut.pa;
		p->ethertype = 0x86dd;
		break;
	case M_NOKEY: p->gre.flags = 0; p->gre.k = p->gre.has_key = false; break;
	case M_ARP_VM:
	case M_ARP_OTHER:
		memset(p->ieth_dst, 0xff, 6);
		p->iethertype = 0x0806;
		p->iip.present = false;
		p->l4.proto = 0;
		p->l4.arp_op = 1;
		p->l4.arp_spa = dut.tenants[0].tester_ca;
		memcpy(p->l4.arp_sha, tca_mac, 6);
		addr(&p->l4.arp_tpa, m == M_ARP_VM ? "198.51.100.2" : "198.51.100.9");
		break;
	case M_OTHER_MAC: p->eth_dst[0] = 0x04; break;
	case M_NOT_GRE: p->ip.proto = IPPROTO_UDP; p->gre.present = false; break;
	case M_TRUNC_INNER: p->status = NV_DIS_TRUNCATED; p->bad_layer = NV_L_ICMP;
		p->finding = "icmp.truncated"; break;
	}
}

#define ACC(prof, key) { prof, key, M_NONE, 0, NV_REF_DELIVER, NV_REF_ANS_ECHO, "inner.echo-request", 0, 0, false }
#define DROP(prof, key, m, val, why) { prof, key, m, val, NV_REF_DROP, NV_REF_ANS_NONE, why, 0, 0, false }
#define REJ(prof, key, m, val, why, t, c, nv) { prof, key, m, val, NV_REF_REJECT, NV_REF_ANS_NONE, why, t, c, nv }
#define DEL(prof, key, m, val, ans, why) { prof, key, m, val, NV_REF_DELIVER, ans, why, 0, 0, false }

static const struct dcase cases[] = {
	/* sloppy-sender receives exactly like rfc7637 (its faults are on send) */
	ACC("sloppy-sender", K_RFC(VSID_BLUE, 0x5a)),
	DROP("sloppy-sender", VSID_BLUE, M_NONE, 0, "vsid.reserved"),
	DROP("sloppy-sender", K_RFC(6000, 0), M_NONE, 0, "vsid.unknown"),
	DROP("sloppy-sender", K_RFC(VSID_BLUE, 0), M_INNER_VLAN, 0, "inner.8021q"),
	DROP("sloppy-sender", K_RFC(VSID_BLUE, 0), M_FRAG, 0, "outer.fragment"),

	/* rfc7637: VSID lookup, FlowID ignored, silent on a miss */
	ACC("rfc7637", K_RFC(VSID_BLUE, 0)),
	ACC("rfc7637", K_RFC(VSID_BLUE, 0x5a)),
	ACC("rfc7637", K_RFC(VSID_BLUE, 0xff)),
	DROP("rfc7637", VSID_BLUE, M_NONE, 0, "vsid.reserved"),       /* draft00 key */
	DROP("rfc7637", K_RFC(6000, 0), M_NONE, 0, "vsid.unknown"),
	DROP("rfc7637", K_RFC(0, 0), M_NONE, 0, "vsid.reserved"),
	DROP("rfc7637", K_RFC(0xFFF, 0), M_NONE, 0, "vsid.reserved"),
	DROP("rfc7637", K_RFC(0xFFFFFF, 0), M_NONE, 0, "vsid.reserved"),
	DROP("rfc7637", K_RFC(VSID_BLUE, 0), M_INNER_VLAN, 0, "inner.8021q"),
	DEL("rfc7637", K_RFC(VSID_BLUE, 0), M_FLAGS, F_C | F_K, NV_REF_ANS_ECHO, NULL),
	DROP("rfc7637", K_RFC(VSID_BLUE, 0), M_CSUM_BAD, 0, "gre.checksum"),
	DROP("rfc7637", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 0x4000, "gre.routing"),
	DROP("rfc7637", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 0x0800, "gre.strict-route"),
	DROP("rfc7637", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 0x0400, "gre.recursion"),
	DROP("rfc7637", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 1, "gre.version"),
	/* RFC 2784 bits 6-12 MUST be ignored */
	DEL("rfc7637", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 0x0300, NV_REF_ANS_ECHO, NULL),
	DEL("rfc7637", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 0x00f8, NV_REF_ANS_ECHO, NULL),
	DEL("rfc7637", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | F_S, NV_REF_ANS_ECHO, NULL),
	DROP("rfc7637", K_RFC(VSID_BLUE, 0), M_PROTO, 0x0800, "gre.not-teb"),
	DROP("rfc7637", 0, M_NOKEY, 0, "gre.no-key"),
	DROP("rfc7637", K_RFC(VSID_BLUE, 0), M_SRC_PA, 0, "outer.src-unknown"),
	DROP("rfc7637", K_RFC(VSID_BLUE, 0), M_FRAG, 0, "outer.fragment"),
	DROP("rfc7637", K_RFC(VSID_BLUE, 0), M_IPCSUM, 0, "outer.ip-checksum"),
	DEL("rfc7637", K_RFC(VSID_BLUE, 0), M_IPOPT, 0, NV_REF_ANS_ECHO, NULL),
	DEL("rfc7637", K_RFC(VSID_BLUE, 0), M_SRC_CA, 0, NV_REF_ANS_ECHO, NULL),
	DEL("rfc7637", K_RFC(VSID_BLUE, 0), M_DST_MAC, 0, NV_REF_ANS_NONE, "inner.not-for-vm"),
	DEL("rfc7637", K_RFC(VSID_BLUE, 0x33), M_ARP_VM, 0, NV_REF_ANS_ARP, "inner.arp-request"),
	DEL("rfc7637", K_RFC(VSID_BLUE, 0), M_ARP_OTHER, 0, NV_REF_ANS_NONE, "inner.arp-not-vm"),
	DROP("rfc7637", K_RFC(VSID_BLUE, 0), M_TRUNC_INNER, 0, "icmp.truncated"),
	{ "rfc7637", K_RFC(VSID_BLUE, 0), M_OTHER_MAC, 0, NV_REF_IGNORE, NV_REF_ANS_NONE, "eth.dst-other", 0, 0, false },
	{ "rfc7637", K_RFC(VSID_BLUE, 0), M_NOT_GRE, 0, NV_REF_IGNORE, NV_REF_ANS_NONE, "not-gre", 0, 0, false },

	/* ws2012-rtm: draft00 (VSID in bits 23..0), ICMP 3/10 from the PA */
	ACC("ws2012-rtm", VSID_BLUE),
	REJ("ws2012-rtm", K_RFC(VSID_BLUE, 0), M_NONE, 0, "vsid.unknown", 3, 10, false),
	REJ("ws2012-rtm", K_RFC(VSID_BLUE, 0x5a), M_NONE, 0, "vsid.unknown", 3, 10, false),
	REJ("ws2012-rtm", 0x01000000u | VSID_BLUE, M_NONE, 0, "key.reserved-bits", 3, 10, false),
	REJ("ws2012-rtm", 0x13, M_NONE, 0, "vsid.reserved", 3, 10, false),
	REJ("ws2012-rtm", 0xFFFFFF, M_NONE, 0, "vsid.reserved", 3, 10, false),
	REJ("ws2012-rtm", VSID_BLUE, M_SRC_PA, 0, "outer.src-unknown", 3, 10, false),
	REJ("ws2012-rtm", VSID_BLUE, M_SRC_CA, 0, "policy.inner-src-ca", 3, 10, false),
	REJ("ws2012-rtm", VSID_BLUE, M_DST_MAC, 0, "policy.inner-dst-mac", 3, 10, false),
	REJ("ws2012-rtm", 6000, M_OUTER_V6, 0, "vsid.unknown", 1, 1, false),
	DROP("ws2012-rtm", VSID_BLUE, M_INNER_VLAN, 0, "inner.8021q"),
	DROP("ws2012-rtm", VSID_BLUE, M_FLAGS, F_K | 0x4000, "gre.routing"),
	DROP("ws2012-rtm", 0, M_NOKEY, 0, "gre.no-key"),
	DEL("ws2012-rtm", VSID_BLUE, M_ARP_VM, 0, NV_REF_ANS_ARP, NULL),

	/* ws2012r2: rfc7637 layout, ICMP 3/10 inside NVGRE */
	ACC("ws2012r2", K_RFC(VSID_BLUE, 0)),
	ACC("ws2012r2", K_RFC(VSID_BLUE, 0x5a)),
	REJ("ws2012r2", VSID_BLUE, M_NONE, 0, "vsid.reserved", 3, 10, true),
	REJ("ws2012r2", K_RFC(6000, 0), M_NONE, 0, "vsid.unknown", 3, 10, true),
	REJ("ws2012r2", K_RFC(VSID_BLUE, 0), M_SRC_CA, 0, "policy.inner-src-ca", 3, 10, true),
	REJ("ws2012r2", K_RFC(6000, 0), M_OUTER_V6, 0, "vsid.unknown", 1, 1, true),
	DROP("ws2012r2", K_RFC(VSID_BLUE, 0), M_INNER_VLAN, 0, "inner.8021q"),
	DROP("ws2012r2", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 2, "gre.version"),
	/* a miss without an inner frame cannot be answered inside NVGRE */
	DROP("ws2012r2", K_RFC(VSID_BLUE, 0), M_PROTO, 0x0800, "gre.not-teb"),

	/* linux-gretap key=VSID<<8: exact 32-bit key, ICMP 3/3 */
	ACC("linux-gretap", K_RFC(VSID_BLUE, 0)),
	REJ("linux-gretap", K_RFC(VSID_BLUE, 0x5a), M_NONE, 0, "key.flowid-nonzero", 3, 3, false),
	REJ("linux-gretap", VSID_BLUE, M_NONE, 0, "key.unknown", 3, 3, false),
	REJ("linux-gretap", K_RFC(6000, 0), M_NONE, 0, "key.unknown", 3, 3, false),
	REJ("linux-gretap", K_RFC(VSID_BLUE, 0), M_SRC_PA, 0, "outer.src-unknown", 3, 3, false),
	REJ("linux-gretap", K_RFC(VSID_BLUE, 0), M_PROTO, 0x0800, "gre.not-teb", 3, 3, false),
	REJ("linux-gretap", 0, M_NOKEY, 0, "gre.no-key", 3, 3, false),
	REJ("linux-gretap", K_RFC(6000, 0), M_OUTER_V6, 0, "key.unknown", 1, 4, false),
	DEL("linux-gretap", K_RFC(VSID_BLUE, 0), M_INNER_VLAN, 0, NV_REF_ANS_ECHO, NULL),
	DEL("linux-gretap", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 0x0800, NV_REF_ANS_ECHO, NULL),
	DEL("linux-gretap", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 0x0700, NV_REF_ANS_ECHO, NULL),
	DEL("linux-gretap", K_RFC(VSID_BLUE, 0), M_FLAGS, F_C | F_K, NV_REF_ANS_ECHO, NULL),
	DROP("linux-gretap", K_RFC(VSID_BLUE, 0), M_CSUM_BAD, 0, "gre.checksum"),
	DROP("linux-gretap", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 0x4000, "gre.routing"),
	DROP("linux-gretap", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 1, "gre.version"),

	/* ovs-gre key=VSID<<8: exact key, only C/K/S, silent */
	ACC("ovs-gre", K_RFC(VSID_BLUE, 0)),
	DROP("ovs-gre", K_RFC(VSID_BLUE, 0x5a), M_NONE, 0, "key.flowid-nonzero"),
	DROP("ovs-gre", VSID_BLUE, M_NONE, 0, "key.unknown"),
	DEL("ovs-gre", K_RFC(VSID_BLUE, 0), M_FLAGS, F_C | F_K, NV_REF_ANS_ECHO, NULL),
	DEL("ovs-gre", K_RFC(VSID_BLUE, 0), M_FLAGS, F_S | F_K, NV_REF_ANS_ECHO, NULL),
	DROP("ovs-gre", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 0x0100, "gre.flags"),
	DROP("ovs-gre", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 0x0008, "gre.flags"),
	DROP("ovs-gre", K_RFC(VSID_BLUE, 0), M_FLAGS, F_K | 1, "gre.version"),
	DROP("ovs-gre", K_RFC(VSID_BLUE, 0), M_IPOPT, 0, "outer.ip-options"),
	DROP("ovs-gre", K_RFC(VSID_BLUE, 0), M_CSUM_BAD, 0, "gre.checksum"),
	DROP("ovs-gre", K_RFC(VSID_BLUE, 0), M_INNER_VLAN, 0, "inner.8021q"),
	DROP("ovs-gre", K_RFC(VSID_BLUE, 0), M_SRC_PA, 0, "outer.src-unknown"),
};

#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

START_TEST(test_ref_decide_table)
{
	const struct dcase *k = &cases[_i];
	struct nv_ref_ctx c = ctx(k->prof);
	struct nv_pkt p = probe(k->key);
	struct nv_ref_decision d;

	mutate(&p, k->mut, k->val);
	nv_ref_decide(&c, &p, &d);
	ck_assert_msg(d.verdict == k->v, "case %d %s key=0x%08x: verdict %s (%s), want %s",
		      _i, k->prof, k->key, nv_ref_verdict_name(d.verdict), d.reason,
		      nv_ref_verdict_name(k->v));
	ck_assert_msg(d.answer == k->a, "case %d %s: answer %d want %d (%s)",
		      _i, k->prof, d.answer, k->a, d.reason);
	if (k->reason)
		ck_assert_msg(strcmp(d.reason, k->reason) == 0, "case %d %s: reason %s want %s",
			      _i, k->prof, d.reason, k->reason);
	if (k->v == NV_REF_REJECT) {
		ck_assert_uint_eq(d.icmp_type, k->type);
		ck_assert_uint_eq(d.icmp_code, k->code);
		ck_assert_int_eq(d.in_nvgre, k->nvgre);
	}
	if (k->v == NV_REF_DELIVER)
		ck_assert_ptr_eq(d.tenant, &dut.tenants[0]);
}
END_TEST

START_TEST(test_ref_profiles_listed)
{
	ck_assert_int_eq(nv_ref_profile_count(), 6);
	for (int i = 0; i < nv_ref_profile_count(); i++)
		ck_assert_ptr_eq(nv_ref_profile_find(nv_ref_profile_get(i)->name),
				 nv_ref_profile_get(i));
	ck_assert_ptr_null(nv_ref_profile_find("hyper-v"));
	ck_assert_ptr_null(nv_ref_profile_get(6));
}
END_TEST

START_TEST(test_ref_tx_keys)
{
	struct nv_pkt p = probe(0), q = probe(0);
	uint32_t h = nv_ref_flow_hash(&p);

	ck_assert_uint_ne(h, 0);
	ck_assert_uint_le(h, 0xff);
	/* a different inner flow gives (here) a different hash; same flow, same */
	q.l4.id = 0x1234;
	ck_assert_uint_eq(nv_ref_flow_hash(&p), h);
	ck_assert_uint_ne(nv_ref_flow_hash(&q), h);
	ck_assert_uint_eq(nv_ref_tx_key(nv_ref_profile_find("rfc7637"), VSID_BLUE, h),
			  K_RFC(VSID_BLUE, h));
	ck_assert_uint_eq(nv_ref_tx_key(nv_ref_profile_find("ws2012r2"), VSID_BLUE, h),
			  K_RFC(VSID_BLUE, 0));
	ck_assert_uint_eq(nv_ref_tx_key(nv_ref_profile_find("ws2012-rtm"), VSID_BLUE, h),
			  VSID_BLUE);
	ck_assert_uint_eq(nv_ref_tx_key(nv_ref_profile_find("linux-gretap"), VSID_BLUE, h),
			  0x00138900u);
	ck_assert_uint_eq(nv_ref_tx_key(nv_ref_profile_find("ovs-gre"), VSID_BLUE, h),
			  0x00138900u);
	/* sloppy-sender: one FlowID for every flow */
	ck_assert_uint_eq(nv_ref_tx_key(nv_ref_profile_find("sloppy-sender"), VSID_BLUE, h),
			  K_RFC(VSID_BLUE, 0x5a));
	ck_assert_uint_eq(nv_ref_tx_key(nv_ref_profile_find("sloppy-sender"), VSID_BLUE,
					nv_ref_flow_hash(&q)), K_RFC(VSID_BLUE, 0x5a));
}
END_TEST

START_TEST(test_ref_vm_mac_auto)
{
	uint8_t m[6];
	const uint8_t want[6] = { 0x02, 0x4e, 0x56, 0x00, 0x13, 0x8a };

	nv_ref_vm_mac(&dut.tenants[1], m);
	ck_assert_mem_eq(m, want, 6);
	nv_ref_vm_mac(&dut.tenants[0], m);
	ck_assert_mem_eq(m, vm_blue, 6);
}
END_TEST

START_TEST(test_ref_ratelimit_burst)
{
	struct nv_ref_ratelimit rl;
	struct nv_addr a, b;
	int n = 0;

	addr(&a, "192.0.2.1");
	addr(&b, "192.0.2.7");
	nv_ref_rl_init(&rl, 0);
	for (int i = 0; i < 10; i++)
		n += nv_ref_rl_allow(&rl, &a, 1000 + (uint64_t)i);
	ck_assert_int_eq(n, NV_REF_RL_BURST);
	/* another destination has its own bucket */
	ck_assert(nv_ref_rl_allow(&rl, &b, 1010));
	/* one token per second afterwards */
	ck_assert(!nv_ref_rl_allow(&rl, &a, 1500));
	ck_assert(nv_ref_rl_allow(&rl, &a, 2100));
	ck_assert(!nv_ref_rl_allow(&rl, &a, 2200));
	/* a long quiet spell refills to the burst, no more */
	n = 0;
	for (int i = 0; i < 10; i++)
		n += nv_ref_rl_allow(&rl, &a, 60000 + (uint64_t)i);
	ck_assert_int_eq(n, NV_REF_RL_BURST);
}
END_TEST

START_TEST(test_ref_ratelimit_slots)
{
	struct nv_ref_ratelimit rl;
	struct nv_addr a;

	nv_ref_rl_init(&rl, 1000);
	/* more peers than slots: the oldest is evicted, nothing overflows */
	for (int i = 0; i < NV_REF_RL_SLOTS + 10; i++) {
		a.family = AF_INET;
		memset(a.a, 0, sizeof(a.a));
		a.a[0] = 10;
		a.a[2] = (uint8_t)(i >> 8);
		a.a[3] = (uint8_t)i;
		ck_assert(nv_ref_rl_allow(&rl, &a, (uint64_t)i));
	}
	ck_assert_int_eq(rl.n, NV_REF_RL_SLOTS);
}
END_TEST

/* ---- reply frames from real probe bytes -------------------------------- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Hand-built probe: tester -> DUT, NVGRE key, echo request with a payload. */
static uint32_t mk_probe(uint8_t *f, uint32_t key, uint32_t paylen)
{
	static const uint8_t eth[14] = { 0x02, 0, 0, 0, 0, 0x22, 0x02, 0, 0, 0, 0, 0x11, 0x08, 0x00 };
	uint32_t inner_ip = 20 + 8 + paylen, outer = 20 + 8 + 14 + inner_ip;
	uint8_t *ip = f + 14, *g = ip + 20, *ie = g + 8, *iip = ie + 14, *ic = iip + 20;

	memcpy(f, eth, 14);
	memset(ip, 0, 20);
	ip[0] = 0x45; ip[2] = (uint8_t)(outer >> 8); ip[3] = (uint8_t)outer;
	ip[4] = 0x12; ip[5] = 0x34; ip[8] = 64; ip[9] = 47;
	memcpy(ip + 12, dut.tester.pa.a, 4);
	memcpy(ip + 16, dut.dut.pa.a, 4);
	ip[10] = 0; ip[11] = 0;
	{
		uint16_t s = nv_ref_csum(ip, 20, 0);
		ip[10] = (uint8_t)(s >> 8); ip[11] = (uint8_t)s;
	}
	g[0] = 0x20; g[1] = 0; g[2] = 0x65; g[3] = 0x58;
	g[4] = (uint8_t)(key >> 24); g[5] = (uint8_t)(key >> 16);
	g[6] = (uint8_t)(key >> 8); g[7] = (uint8_t)key;
	memcpy(ie, vm_blue, 6);
	memcpy(ie + 6, tca_mac, 6);
	ie[12] = 0x08; ie[13] = 0x00;
	memset(iip, 0, 20);
	iip[0] = 0x45; iip[2] = (uint8_t)(inner_ip >> 8); iip[3] = (uint8_t)inner_ip;
	iip[8] = 64; iip[9] = 1;
	memcpy(iip + 12, dut.tenants[0].tester_ca.a, 4);
	memcpy(iip + 16, dut.tenants[0].vm_ca.a, 4);
	{
		uint16_t s = nv_ref_csum(iip, 20, 0);
		iip[10] = (uint8_t)(s >> 8); iip[11] = (uint8_t)s;
	}
	ic[0] = 8; ic[1] = 0; ic[2] = 0; ic[3] = 0;
	ic[4] = 0x4e; ic[5] = 0x56; ic[6] = 0; ic[7] = 7;
	for (uint32_t i = 0; i < paylen; i++)
		ic[8 + i] = (uint8_t)(0xa0 + i);
	{
		uint16_t s = nv_ref_csum(ic, 8 + paylen, 0);
		ic[2] = (uint8_t)(s >> 8); ic[3] = (uint8_t)s;
	}
	return 14 + outer;
}

START_TEST(test_ref_echo_reply_bytes)
{
	static uint8_t f[1600], out[NV_REF_FRAME_MAX];
	struct nv_ref_ctx c = ctx("rfc7637");
	struct nv_ref_tx tx = { .buf = out, .ip_id = 1 };
	struct nv_ref_decision d;
	struct nv_pkt p, r;
	uint32_t n = mk_probe(f, K_RFC(VSID_BLUE, 0x77), 40), m;
	const uint8_t *ic;

	nv_dissect_frame(f, n, n, &p);
	ck_assert_int_eq(p.status, NV_DIS_OK);
	nv_ref_decide(&c, &p, &d);
	ck_assert_int_eq(d.verdict, NV_REF_DELIVER);
	ck_assert_int_eq(d.answer, NV_REF_ANS_ECHO);
	m = nv_ref_build_answer(&c, f, &p, &d, &tx);
	ck_assert_uint_eq(m, n);        /* same sizes, both directions */
	nv_dissect_frame(out, m, m, &r);
	ck_assert_int_eq(r.status, NV_DIS_OK);
	ck_assert_mem_eq(r.eth_dst, tst_mac, 6);
	ck_assert_mem_eq(r.eth_src, ref_mac, 6);
	ck_assert(nv_addr_eq(&r.ip.src, &dut.dut.pa));
	ck_assert(nv_addr_eq(&r.ip.dst, &dut.tester.pa));
	ck_assert(r.ip.csum_ok);
	ck_assert_uint_eq(r.gre.flags, F_K);
	ck_assert_uint_eq(r.gre.key >> 8, VSID_BLUE);
	ck_assert_uint_eq(r.gre.key & 0xff, nv_ref_flow_hash(&p));
	ck_assert_mem_eq(r.ieth_src, vm_blue, 6);
	ck_assert_mem_eq(r.ieth_dst, tca_mac, 6);
	ck_assert(nv_addr_eq(&r.iip.src, &dut.tenants[0].vm_ca));
	ck_assert(nv_addr_eq(&r.iip.dst, &dut.tenants[0].tester_ca));
	ck_assert_uint_eq(r.l4.type, 0);
	ck_assert_uint_eq(r.l4.id, 0x4e56);
	ck_assert_uint_eq(r.l4.seq, 7);
	/* the payload comes back byte for byte, and the ICMP checksum holds */
	ic = out + r.inner_off + 14 + 20;
	ck_assert_mem_eq(ic + 8, f + p.inner_off + 14 + 20 + 8, 40);
	ck_assert_uint_eq(nv_ref_csum(ic, 48, 0), 0);
	ck_assert_uint_eq(nv_ref_csum(out + r.inner_off + 14, 20, 0), 0);
}
END_TEST

/* sloppy-sender: S=1 + sequence, an inner 802.1Q tag, the inner FCS kept. */
START_TEST(test_ref_sloppy_reply_bytes)
{
	static uint8_t f[1600], out[NV_REF_FRAME_MAX];
	struct nv_ref_ctx c = ctx("sloppy-sender");
	struct nv_ref_tx tx = { .buf = out, .ip_id = 9 };
	struct nv_ref_decision d;
	struct nv_pkt p, r;
	uint32_t n = mk_probe(f, K_RFC(VSID_BLUE, 0x77), 40), m, fcs, end;
	const uint8_t *t;

	nv_dissect_frame(f, n, n, &p);
	nv_ref_decide(&c, &p, &d);
	ck_assert_int_eq(d.verdict, NV_REF_DELIVER);
	m = nv_ref_build_answer(&c, f, &p, &d, &tx);
	/* 4 sequence + 4 tag + 4 FCS bytes more than the probe */
	ck_assert_uint_eq(m, n + 12);
	nv_dissect_frame(out, m, m, &r);
	ck_assert_int_eq(r.status, NV_DIS_OK);
	ck_assert(r.ip.csum_ok);
	ck_assert(r.gre.s && r.gre.has_seq && r.gre.k && !r.gre.c);
	ck_assert_uint_eq(r.gre.seq, 10);   /* the inner IP ID took 9 */
	ck_assert_uint_eq(r.gre.key, K_RFC(VSID_BLUE, 0x5a));
	ck_assert_int_eq(r.invlan, 1);
	ck_assert_uint_eq(be16(out + r.inner_off + 12), 0x8100);
	ck_assert_uint_eq(be16(out + r.inner_off + 14) & 0xfff, 100);
	ck_assert_uint_eq(r.l4.type, 0);
	ck_assert_uint_eq(r.l4.seq, 7);
	/* the last 4 bytes are the CRC-32 of the inner frame, LSB first */
	end = 14 + r.ip.total_len;
	ck_assert_uint_eq(end, m);
	t = out + end - 4;
	fcs = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
	ck_assert_uint_eq(fcs, nv_crc32(out + r.inner_off, end - 4 - r.inner_off));
	/* it still receives like rfc7637: a tagged probe is dropped */
	ck_assert(c.prof->drop_inner_vlan && c.prof->refuse_reserved_vsid);
}
END_TEST

/* sloppy-sender: a reply over 1280 bytes leaves as two IPv4 fragments. */
START_TEST(test_ref_sloppy_fragments)
{
	static uint8_t f[1600], out[NV_REF_FRAME_MAX];
	struct nv_ref_ctx c = ctx("sloppy-sender"), r7 = ctx("rfc7637");
	struct nv_ref_tx tx = { .buf = out, .ip_id = 1 };
	struct nv_ref_decision d;
	struct nv_pkt p, a, b;
	uint32_t n = mk_probe(f, K_RFC(VSID_BLUE, 0), 1300), m;

	nv_dissect_frame(f, n, n, &p);
	nv_ref_decide(&c, &p, &d);
	m = nv_ref_build_answer(&c, f, &p, &d, &tx);
	ck_assert_uint_eq(m, 14 + 20 + 1256);
	ck_assert_uint_eq(tx.more_off, n + 12);
	/* both halves: the whole reply's IP payload, split on an 8-byte boundary */
	ck_assert_uint_eq(m - 34 + tx.more_len - 34, n + 12 - 34);
	nv_dissect_frame(out, m, m, &a);
	nv_dissect_frame(out + tx.more_off, tx.more_len, tx.more_len, &b);
	ck_assert(a.ip.is_fragment && a.ip.mf && !a.ip.df && a.ip.frag_off == 0 && a.ip.csum_ok);
	ck_assert(b.ip.is_fragment && !b.ip.mf && b.ip.frag_off == 1256 / 8 && b.ip.csum_ok);
	ck_assert_uint_eq(a.ip.id, b.ip.id);
	/* the first still shows the echo reply */
	ck_assert(a.gre.present && a.gre.s);
	ck_assert_uint_eq(a.l4.type, 0);
	/* a small reply is not split; rfc7637 never splits */
	n = mk_probe(f, K_RFC(VSID_BLUE, 0), 40);
	nv_dissect_frame(f, n, n, &p);
	ck_assert_uint_eq(nv_ref_build_answer(&c, f, &p, &d, &tx), n + 12);
	ck_assert_uint_eq(tx.more_len, 0);
	n = mk_probe(f, K_RFC(VSID_BLUE, 0), 1300);
	nv_dissect_frame(f, n, n, &p);
	nv_ref_decide(&r7, &p, &d);
	ck_assert_uint_eq(nv_ref_build_answer(&r7, f, &p, &d, &tx), n);
	ck_assert_uint_eq(tx.more_len, 0);
}
END_TEST

START_TEST(test_ref_draft00_reply_key)
{
	static uint8_t f[1600], out[NV_REF_FRAME_MAX];
	struct nv_ref_ctx c = ctx("ws2012-rtm");
	struct nv_ref_tx tx = { .buf = out };
	struct nv_ref_decision d;
	struct nv_pkt p;
	uint32_t n = mk_probe(f, VSID_BLUE, 16), m;

	nv_dissect_frame(f, n, n, &p);
	nv_ref_decide(&c, &p, &d);
	ck_assert_int_eq(d.answer, NV_REF_ANS_ECHO);
	m = nv_ref_build_answer(&c, f, &p, &d, &tx);
	ck_assert_uint_gt(m, 42);
	ck_assert_uint_eq(be32(out + 14 + 20 + 4), VSID_BLUE);
}
END_TEST

START_TEST(test_ref_plain_icmp_quote)
{
	static uint8_t f[1600], out[NV_REF_FRAME_MAX];
	struct nv_ref_ctx c = ctx("linux-gretap");
	struct nv_ref_tx tx = { .buf = out };
	struct nv_ref_decision d;
	struct nv_pkt p, r;
	uint32_t n = mk_probe(f, K_RFC(VSID_BLUE, 0x5a), 1000), m;

	nv_dissect_frame(f, n, n, &p);
	nv_ref_decide(&c, &p, &d);
	ck_assert_int_eq(d.verdict, NV_REF_REJECT);
	m = nv_ref_build_reject(&c, f, &p, &d, &tx);
	/* Linux: the ICMP datagram is cut at 576 bytes */
	ck_assert_uint_eq(m, 14 + NV_REF_ICMP4_QUOTE_TOTAL);
	ck_assert_uint_eq(be16(out + 12), 0x0800);
	ck_assert_uint_eq(out[14 + 9], 1);
	ck_assert_uint_eq(nv_ref_csum(out + 14, 20, 0), 0);
	ck_assert_uint_eq(out[34], 3);
	ck_assert_uint_eq(out[35], 3);
	ck_assert_uint_eq(nv_ref_csum(out + 34, 576 - 20, 0), 0);
	/* the quote starts at the probe's outer IP header */
	ck_assert_mem_eq(out + 42, f + 14, 576 - 28);
	nv_dissect_frame(out, m, m, &r);
	ck_assert(r.is_icmp_error);
	ck_assert(!r.icmp_in_nvgre);
	ck_assert(r.quote.gre.has_key);
	ck_assert_uint_eq(r.quote.gre.key, K_RFC(VSID_BLUE, 0x5a));
}
END_TEST

START_TEST(test_ref_nvgre_icmp_bytes)
{
	static uint8_t f[1600], out[NV_REF_FRAME_MAX];
	struct nv_ref_ctx c = ctx("ws2012r2");
	struct nv_ref_tx tx = { .buf = out };
	struct nv_ref_decision d;
	struct nv_pkt p, r;
	uint32_t n = mk_probe(f, K_RFC(6000, 0x42), 64), m, q;
	const uint8_t *ie, *iip, *ic;

	nv_dissect_frame(f, n, n, &p);
	nv_ref_decide(&c, &p, &d);
	ck_assert_int_eq(d.verdict, NV_REF_REJECT);
	ck_assert(d.in_nvgre);
	m = nv_ref_build_reject(&c, f, &p, &d, &tx);
	ck_assert_uint_gt(m, 0);
	/* outer: NVGRE from the PA, key = received VSID, FlowID 0 */
	ck_assert_uint_eq(be16(out + 14 + 20), F_K);
	ck_assert_uint_eq(be16(out + 14 + 22), 0x6558);
	ck_assert_uint_eq(be32(out + 14 + 24), K_RFC(6000, 0));
	/* inner Ethernet: Sender NVE MAC <- Receiver NVE MAC */
	ie = out + 42;
	ck_assert_mem_eq(ie, tst_mac, 6);
	ck_assert_mem_eq(ie + 6, ref_mac, 6);
	iip = ie + 14;
	ck_assert_uint_eq(iip[9], 1);
	ck_assert_mem_eq(iip + 12, dut.dut.pa.a, 4);
	ck_assert_mem_eq(iip + 16, dut.tester.pa.a, 4);
	ic = iip + 20;
	ck_assert_uint_eq(ic[0], 3);
	ck_assert_uint_eq(ic[1], 10);
	/* quote: GRE header, inner Ethernet, inner IP, 8 bytes, nonce room */
	q = m - (uint32_t)(ic - out) - 8;
	ck_assert_uint_eq(q, 8 + 14 + 20 + 8 + 16);
	ck_assert_mem_eq(ic + 8, f + 34, q);
	ck_assert_uint_eq(nv_ref_csum(ic, 8 + q, 0), 0);
	nv_dissect_frame(out, m, m, &r);
	ck_assert_int_eq(r.status, NV_DIS_OK);
	ck_assert(nv_dissect_is_nvgre(&r));
}
END_TEST

START_TEST(test_ref_inner_arp_reply)
{
	static uint8_t f[1600], out[NV_REF_FRAME_MAX];
	struct nv_ref_ctx c = ctx("ws2012r2");
	struct nv_ref_tx tx = { .buf = out };
	struct nv_ref_decision d;
	struct nv_pkt p, r;
	uint32_t n = mk_probe(f, K_RFC(VSID_BLUE, 0), 0), m;
	uint8_t *ie = f + 42, *a = ie + 14;

	/* turn the inner frame into an ARP request for blue's VM */
	memset(ie, 0xff, 6);
	ie[12] = 0x08; ie[13] = 0x06;
	memset(a, 0, 28);
	a[1] = 1; a[2] = 0x08; a[4] = 6; a[5] = 4; a[7] = 1;
	memcpy(a + 8, tca_mac, 6);
	memcpy(a + 14, dut.tenants[0].tester_ca.a, 4);
	memcpy(a + 24, dut.tenants[0].vm_ca.a, 4);
	n = 42 + 14 + 28;
	f[16] = 0; f[17] = (uint8_t)(n - 14);
	f[24] = f[25] = 0;
	{
		uint16_t s = nv_ref_csum(f + 14, 20, 0);
		f[24] = (uint8_t)(s >> 8); f[25] = (uint8_t)s;
	}
	nv_dissect_frame(f, n, n, &p);
	ck_assert_int_eq(p.status, NV_DIS_OK);
	nv_ref_decide(&c, &p, &d);
	ck_assert_int_eq(d.answer, NV_REF_ANS_ARP);
	m = nv_ref_build_answer(&c, f, &p, &d, &tx);
	nv_dissect_frame(out, m, m, &r);
	ck_assert_int_eq(r.status, NV_DIS_OK);
	ck_assert_uint_eq(r.gre.key, K_RFC(VSID_BLUE, 0));
	ck_assert_uint_eq(r.iethertype, 0x0806);
	ck_assert_uint_eq(r.l4.arp_op, 2);
	ck_assert_mem_eq(r.l4.arp_sha, vm_blue, 6);
	ck_assert(nv_addr_eq(&r.l4.arp_spa, &dut.tenants[0].vm_ca));
	ck_assert(nv_addr_eq(&r.l4.arp_tpa, &dut.tenants[0].tester_ca));
}
END_TEST

START_TEST(test_ref_underlay_arp)
{
	uint8_t f[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x11, 0x08, 0x06,
			  0, 1, 0x08, 0, 6, 4, 0, 1, 0x02, 0, 0, 0, 0, 0x11 };
	uint8_t out[NV_REF_FRAME_MAX];
	struct nv_ref_ctx c = ctx("rfc7637");
	struct nv_ref_tx tx = { .buf = out };

	memcpy(f + 28, dut.tester.pa.a, 4);
	memcpy(f + 38, dut.dut.pa.a, 4);
	ck_assert_uint_eq(nv_ref_underlay_arp(&c, f, 60, &tx), 60);
	ck_assert_mem_eq(out, tst_mac, 6);
	ck_assert_mem_eq(out + 6, ref_mac, 6);
	ck_assert_uint_eq(be16(out + 20), 2);
	ck_assert_mem_eq(out + 22, ref_mac, 6);
	ck_assert_mem_eq(out + 28, dut.dut.pa.a, 4);
	ck_assert_mem_eq(out + 38, dut.tester.pa.a, 4);
	/* for another address, a reply, or a cut frame: nothing */
	f[41] ^= 1;
	ck_assert_uint_eq(nv_ref_underlay_arp(&c, f, 60, &tx), 0);
	f[41] ^= 1;
	ck_assert_uint_eq(nv_ref_underlay_arp(&c, f, 41, &tx), 0);
	f[21] = 2;
	ck_assert_uint_eq(nv_ref_underlay_arp(&c, f, 60, &tx), 0);
}
END_TEST

/* ref/wire.h is private to ref/; the pseudo header sum is spelled out here. */
static uint32_t pseudo6(const uint8_t *src, const uint8_t *dst, uint32_t len)
{
	uint32_t sum = 58 + len;

	for (int i = 0; i < 16; i += 2)
		sum += (uint32_t)(src[i] << 8 | src[i + 1]) + (uint32_t)(dst[i] << 8 | dst[i + 1]);
	return sum;
}

START_TEST(test_ref_underlay_nd)
{
	uint8_t f[86], out[NV_REF_FRAME_MAX];
	const uint8_t mcast[6] = { 0x33, 0x33, 0xff, 0, 0, 0x02 };
	struct nv_ref_ctx c = ctx("ws2012r2");
	struct nv_ref_tx tx = { .buf = out };
	uint8_t *ip = f + 14, *ns = f + 54, *na;
	uint32_t n;

	addr(&dut.tester.pa, "2001:db8:ffff::1");
	addr(&dut.dut.pa, "2001:db8:ffff::2");
	memset(f, 0, sizeof(f));
	memcpy(f, mcast, 6);
	memcpy(f + 6, tst_mac, 6);
	f[12] = 0x86; f[13] = 0xdd;
	ip[0] = 0x60; ip[5] = 32; ip[6] = 58; ip[7] = 255;
	memcpy(ip + 8, dut.tester.pa.a, 16);
	ip[24] = 0xff; ip[25] = 0x02; ip[35] = 1; ip[36] = 0xff; ip[39] = 2;
	ns[0] = 135;
	memcpy(ns + 8, dut.dut.pa.a, 16);
	ns[24] = 1; ns[25] = 1;
	memcpy(ns + 26, tst_mac, 6);
	n = nv_ref_underlay_nd(&c, f, sizeof(f), &tx);
	ck_assert_uint_eq(n, 14 + 40 + 32);
	ck_assert_mem_eq(out, tst_mac, 6);
	ck_assert_mem_eq(out + 6, ref_mac, 6);
	ck_assert_uint_eq(out[14 + 7], 255);
	ck_assert_mem_eq(out + 14 + 8, dut.dut.pa.a, 16);
	ck_assert_mem_eq(out + 14 + 24, dut.tester.pa.a, 16);
	na = out + 54;
	ck_assert_uint_eq(na[0], 136);
	ck_assert_uint_eq(na[4], 0x60);                 /* solicited, override */
	ck_assert_mem_eq(na + 8, dut.dut.pa.a, 16);
	ck_assert_uint_eq(na[24], 2);
	ck_assert_mem_eq(na + 26, ref_mac, 6);
	ck_assert_uint_eq(nv_ref_csum(na, 32, pseudo6(out + 22, out + 38, 32)), 0);
	/* hop limit below 255 (off-link), another target, IPv4 PA: no answer */
	ip[7] = 64;
	ck_assert_uint_eq(nv_ref_underlay_nd(&c, f, sizeof(f), &tx), 0);
	ip[7] = 255;
	ns[23] ^= 1;
	ck_assert_uint_eq(nv_ref_underlay_nd(&c, f, sizeof(f), &tx), 0);
	ns[23] ^= 1;
	ck_assert_uint_eq(nv_ref_underlay_nd(&c, f, 70, &tx), 0);
	addr(&dut.dut.pa, "192.0.2.2");
	ck_assert_uint_eq(nv_ref_underlay_nd(&c, f, sizeof(f), &tx), 0);
}
END_TEST

/* An inner Neighbor Solicitation for red's IPv6 VM (vm_mac auto). */
START_TEST(test_ref_inner_nd_reply)
{
	static uint8_t f[256], out[NV_REF_FRAME_MAX];
	const uint8_t red_vm[6] = { 0x02, 0x4e, 0x56, 0x00, 0x13, 0x8a };
	const uint8_t snma_mac[6] = { 0x33, 0x33, 0xff, 0, 0, 0x03 };
	struct nv_ref_ctx c = ctx("ws2012r2");
	struct nv_ref_tx tx = { .buf = out };
	struct nv_ref_decision d;
	struct nv_pkt p, r;
	uint32_t n = mk_probe(f, K_RFC(VSID_RED, 0), 0), m;
	uint8_t *ie = f + 42, *ip6 = ie + 14, *ns = ip6 + 40;
	const uint8_t *na;

	memcpy(ie, snma_mac, 6);
	ie[12] = 0x86; ie[13] = 0xdd;
	memset(ip6, 0, 40 + 32);
	ip6[0] = 0x60; ip6[5] = 32; ip6[6] = 58; ip6[7] = 255;
	memcpy(ip6 + 8, dut.tenants[1].tester_ca.a, 16);
	ip6[24] = 0xff; ip6[25] = 0x02; ip6[35] = 1; ip6[36] = 0xff; ip6[39] = 3;
	ns[0] = 135;
	memcpy(ns + 8, dut.tenants[1].vm_ca.a, 16);
	ns[24] = 1; ns[25] = 1;
	memcpy(ns + 26, tca_mac, 6);
	{
		uint16_t s = nv_ref_csum(ns, 32, pseudo6(ip6 + 8, ip6 + 24, 32));
		ns[2] = (uint8_t)(s >> 8); ns[3] = (uint8_t)s;
	}
	n = 42 + 14 + 40 + 32;
	f[16] = 0; f[17] = (uint8_t)(n - 14);
	f[24] = f[25] = 0;
	{
		uint16_t s = nv_ref_csum(f + 14, 20, 0);
		f[24] = (uint8_t)(s >> 8); f[25] = (uint8_t)s;
	}
	nv_dissect_frame(f, n, n, &p);
	ck_assert_int_eq(p.status, NV_DIS_OK);
	nv_ref_decide(&c, &p, &d);
	ck_assert_int_eq(d.verdict, NV_REF_DELIVER);
	ck_assert_int_eq(d.answer, NV_REF_ANS_ND);
	m = nv_ref_build_answer(&c, f, &p, &d, &tx);
	ck_assert_uint_eq(m, 42 + 14 + 40 + 32);
	nv_dissect_frame(out, m, m, &r);
	ck_assert_int_eq(r.status, NV_DIS_OK);
	ck_assert_uint_eq(r.gre.key, K_RFC(VSID_RED, 0));
	ck_assert_mem_eq(r.ieth_src, red_vm, 6);
	ck_assert_mem_eq(r.ieth_dst, tca_mac, 6);
	ck_assert(nv_addr_eq(&r.iip.src, &dut.tenants[1].vm_ca));
	ck_assert(nv_addr_eq(&r.iip.dst, &dut.tenants[1].tester_ca));
	na = out + 42 + 14 + 40;
	ck_assert_uint_eq(out[42 + 14 + 7], 255);
	ck_assert_uint_eq(na[0], 136);
	ck_assert_uint_eq(na[4], 0x60);
	ck_assert_mem_eq(na + 8, dut.tenants[1].vm_ca.a, 16);
	ck_assert_mem_eq(na + 26, red_vm, 6);
	ck_assert_uint_eq(nv_ref_csum(na, 32, pseudo6(out + 42 + 14 + 8, out + 42 + 14 + 24, 32)), 0);
	/* another target in the same solicited-node group: delivered as an
	 * ND answer by the decision, refused by the builder's target check */
	ns[23] ^= 0x10;
	ns[2] = ns[3] = 0;
	{
		uint16_t s = nv_ref_csum(ns, 32, pseudo6(ip6 + 8, ip6 + 24, 32));
		ns[2] = (uint8_t)(s >> 8); ns[3] = (uint8_t)s;
	}
	nv_dissect_frame(f, n, n, &p);
	ck_assert_int_eq(p.status, NV_DIS_OK);
	nv_ref_decide(&c, &p, &d);
	ck_assert_int_eq(d.answer, NV_REF_ANS_ND);
	ck_assert_uint_eq(nv_ref_build_answer(&c, f, &p, &d, &tx), 0);
}
END_TEST

START_TEST(test_ref_truncated_echo_no_reply)
{
	static uint8_t f[1600], out[NV_REF_FRAME_MAX];
	struct nv_ref_ctx c = ctx("rfc7637");
	struct nv_ref_tx tx = { .buf = out };
	struct nv_ref_decision d;
	struct nv_pkt p;
	uint32_t n = mk_probe(f, K_RFC(VSID_BLUE, 0), 40);

	/* the synthetic decision says "echo", but the bytes are cut short:
	 * the builder must refuse rather than read past the capture */
	p = probe(K_RFC(VSID_BLUE, 0));
	p.caplen = n - 20;
	nv_ref_decide(&c, &p, &d);
	ck_assert_int_eq(d.answer, NV_REF_ANS_ECHO);
	ck_assert_uint_eq(nv_ref_build_answer(&c, f, &p, &d, &tx), 0);
}
END_TEST

/* Every cut of a probe, every profile: decide and build never read past the
 * capture (run under `make san`) and never overflow the reply buffer. */
START_TEST(test_ref_every_truncation)
{
	static uint8_t f[1600], out[NV_REF_FRAME_MAX];
	const struct nv_ref_profile *pr = nv_ref_profile_get(_i);
	struct nv_ref_ctx c = { .prof = pr, .dut = &dut };
	struct nv_ref_tx tx = { .buf = out };
	const uint32_t keys[] = { nv_ref_tx_key(pr, VSID_BLUE, 0), K_RFC(VSID_BLUE, 0x77),
				  VSID_BLUE, K_RFC(6000, 3) };
	struct nv_ref_decision d;
	struct nv_pkt p;

	memcpy(c.mac, ref_mac, 6);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		uint32_t n = mk_probe(f, keys[k], 200);

		for (uint32_t cut = 0; cut <= n; cut++) {
			uint32_t m;

			nv_dissect_frame(f, cut, n, &p);
			nv_ref_decide(&c, &p, &d);
			m = nv_ref_build_answer(&c, f, &p, &d, &tx);
			ck_assert_uint_le(m, NV_REF_FRAME_MAX);
			/* a cut probe is never echoed as if it were whole */
			if (cut < n && d.answer == NV_REF_ANS_ECHO)
				ck_assert_uint_eq(m, 0);
			if (cut == n && k == 0)
				ck_assert_msg(m > 0, "%s: whole probe not answered (%s)",
					      pr->name, d.reason);
			m = nv_ref_build_reject(&c, f, &p, &d, &tx);
			ck_assert_uint_le(m, NV_REF_FRAME_MAX);
			ck_assert_uint_le(nv_ref_underlay_arp(&c, f, cut, &tx) +
					  nv_ref_underlay_nd(&c, f, cut, &tx), 0);
		}
	}
}
END_TEST

static Suite *ref_suite(void)
{
	Suite *s = suite_create("ref");
	TCase *tc = tcase_create("decide");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_ref_decide_table, 0, NCASES);
	tcase_add_test(tc, test_ref_profiles_listed);
	tcase_add_test(tc, test_ref_tx_keys);
	tcase_add_test(tc, test_ref_vm_mac_auto);
	suite_add_tcase(s, tc);
	tc = tcase_create("ratelimit");
	tcase_add_test(tc, test_ref_ratelimit_burst);
	tcase_add_test(tc, test_ref_ratelimit_slots);
	suite_add_tcase(s, tc);
	tc = tcase_create("reply");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ref_echo_reply_bytes);
	tcase_add_test(tc, test_ref_sloppy_reply_bytes);
	tcase_add_test(tc, test_ref_sloppy_fragments);
	tcase_add_test(tc, test_ref_draft00_reply_key);
	tcase_add_test(tc, test_ref_plain_icmp_quote);
	tcase_add_test(tc, test_ref_nvgre_icmp_bytes);
	tcase_add_test(tc, test_ref_inner_arp_reply);
	tcase_add_test(tc, test_ref_underlay_arp);
	tcase_add_test(tc, test_ref_underlay_nd);
	tcase_add_test(tc, test_ref_inner_nd_reply);
	tcase_add_test(tc, test_ref_truncated_echo_no_reply);
	tcase_add_loop_test(tc, test_ref_every_truncation, 0, 5);
	suite_add_tcase(s, tc);
	return s;
}

NV_UNIT_SUITE(ref_suite)
