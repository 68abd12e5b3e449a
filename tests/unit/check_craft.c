/*
 * check_craft.c - plan expansion and frame crafting. Checksums, offsets and
 * lengths are recomputed here from the RFCs, independently of gen/.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"
#include "nvgrect/craft.h"
#include "nvgrect/send.h"

#define MAXP 16

static struct nv_dut dut;
static struct nv_probe probes[MAXP];
static struct nv_case kase;
static struct nv_suite suite;
static struct nv_plan plan;
static struct nv_frame fr[NV_FRAG_MAX];

/* The loader's defaults (core/suite.c), spelled out. */
static struct nv_probe *probe(int i)
{
	struct nv_probe *p = &probes[i];

	memset(p, 0, sizeof(*p));
	strcpy(p->layout, "rfc7637");
	p->gre.k = true;
	p->gre.proto = 0x6558;
	p->outer.family = AF_INET;
	p->outer.df = true;
	p->outer.ttl = 64;
	p->inner.payload_len = 32;
	p->count = 1;
	return p;
}

static void setup(void)
{
	nv_craft_doc_dut(&dut);
	memset(&kase, 0, sizeof(kase));
	strcpy(kase.id, "KEY-02");
	kase.probes = probes;
	kase.nprobes = 1;
	kase.nexpect = 1;
	kase.expect[0].obs = NV_OBS_REJECTED;
	memset(&suite, 0, sizeof(suite));
	strcpy(suite.name, "unit");
	nv_key_layouts_init(&suite.layouts);
	suite.cases = &kase;
	suite.ncases = 1;
	probe(0);
}

static void teardown(void)
{
	nv_plan_free(&plan);
}

static void build_plan(uint64_t seed)
{
	struct nv_run_input in = { .nsuites = 1, .suites = &suite, .dut = &dut, .seed = seed };
	struct nv_err e = { 0 };

	nv_plan_free(&plan);
	ck_assert_msg(nv_plan_build(&in, &plan, &e) == 0, "plan: %s", e.msg);
}

/* Craft frame i of the plan; returns the number of frames. */
static int craft(uint32_t i)
{
	struct nv_craft_env env;
	struct nv_err e = { 0 };
	int n = 0;

	nv_craft_env_init(&env, &dut, plan.run_id);
	ck_assert_msg(nv_craft_frames(&env, &plan.p[i], fr, NV_FRAG_MAX, &n, &e) == 0,
		      "craft: %s", e.msg);
	return n;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RFC 1071, written out again here so gen/ is not checked against itself. */
static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	return s;
}

static bool csum_ok(uint32_t s)
{
	while (s > 0xffff)
		s = (s >> 16) + (s & 0xffff);
	return s == 0xffff;
}

/* Plain frame: outer Eth 14, IPv4 20, GRE 8, inner Eth 14, IPv4 20, ICMP 8. */
enum { O_IP = 14, O_GRE = 34, O_INNER = 42, O_IIP = 56, O_ICMP = 76 };

START_TEST(test_plan_comment_and_key)
{
	strcpy(probes[0].layout, "draft00");
	build_plan(1);
	ck_assert_uint_eq(plan.n, 1);
	ck_assert_uint_eq(plan.p[0].key, 0x00001389u);
	ck_assert_uint_eq(plan.p[0].vsid, 5001);
	ck_assert_str_eq(plan.p[0].comment,
			 "KEY-02 draft00 vsid=5001 flowid=0 key=0x00001389 expect=rejected");
	ck_assert_int_eq(craft(0), 1);
	ck_assert_uint_eq(be32(fr[0].data + O_GRE + 4), 0x00001389u);
}
END_TEST

START_TEST(test_plan_flowid_list_and_pacing)
{
	struct nv_probe *p = &probes[0];
	static const uint32_t vals[] = { 1, 0x5a, 0x80, 0xff };

	p->flowid.mode = NV_FLOWID_LIST;
	p->flowid.n = 4;
	memcpy(p->flowid.values, vals, sizeof(vals));
	p->count = 2;
	p->gap_ms = 5;
	p->has_gap = true;
	suite.default_gap_ms = 1100;
	probe(1);
	kase.nprobes = 2;
	build_plan(7);
	ck_assert_uint_eq(plan.n, 9);
	for (uint32_t i = 0; i < 8; i++) {
		ck_assert_uint_eq(plan.p[i].frame, i);
		ck_assert_uint_eq(plan.p[i].flowid, vals[i % 4]);
		ck_assert_uint_eq(plan.p[i].key, 5001u << 8 | vals[i % 4]);
		ck_assert_uint_eq(plan.p[i].t_offset_us, i * 5000u);
		ck_assert_uint_eq(plan.p[i].probe_idx, 0);
	}
	ck_assert_uint_eq(plan.p[8].probe_idx, 1);
	ck_assert_uint_eq(plan.p[8].t_offset_us, 7 * 5000u + 1100000u);
	ck_assert_ptr_eq(nv_plan_get(&plan, 8), &plan.p[8]);
	ck_assert_ptr_null(nv_plan_get(&plan, 9));
}
END_TEST

/*
 * pacing_ms is the default gap between frames, inside a probe too; a
 * written gap_ms (0 included) replaces it within that probe. Through the
 * loader, so has_gap is what core/suite.c records.
 */
START_TEST(test_plan_pacing_default_inside_probe)
{
	static const char yaml[] =
		"suite: pace\n"
		"pacing_ms: 200\n"
		"cases:\n"
		"  - id: P-01\n"
		"    level: INFO\n"
		"    probes:\n"
		"      - {flowid: [1, 2, 3]}\n"
		"      - {count: 2, gap_ms: 0}\n"
		"      - {count: 2, gap_ms: 30}\n"
		"      - {flowid: {sweep: {from: 0, to: 2, step: 1}}}\n"
		"      - {count: 2}\n"
		"    expect: {observation: any}\n";
	static const uint32_t want_ms[] = { 0, 200, 400, 600, 600, 800, 830,
					    1030, 1230, 1430, 1630, 1830 };
	struct nv_suite s;
	struct nv_diags ds;
	struct nv_run_input in = { .nsuites = 1, .suites = &s, .dut = &dut, .seed = 1 };
	struct nv_err e = { 0 };

	memset(&ds, 0, sizeof(ds));
	ck_assert_int_eq(nv_suite_load_mem("pace.yaml", yaml, sizeof(yaml) - 1, &s, &ds), 0);
	ck_assert(!s.cases[0].probes[0].has_gap);
	ck_assert(s.cases[0].probes[1].has_gap);
	ck_assert_uint_eq(s.cases[0].probes[1].gap_ms, 0);
	ck_assert(s.cases[0].probes[2].has_gap);
	ck_assert_int_eq(nv_plan_build(&in, &plan, &e), 0);
	ck_assert_uint_eq(plan.n, sizeof(want_ms) / sizeof(want_ms[0]));
	for (uint32_t i = 0; i < plan.n; i++)
		ck_assert_msg(plan.p[i].t_offset_us == want_ms[i] * 1000ull,
			      "frame %u at %llu us, want %u ms", i,
			      (unsigned long long)plan.p[i].t_offset_us, want_ms[i]);
	nv_plan_free(&plan);
	nv_suite_free(&s);
}
END_TEST

START_TEST(test_plan_sweep_random_hash)
{
	struct nv_probe *p = &probes[0];
	uint32_t first[4];

	p->flowid.mode = NV_FLOWID_SWEEP;
	p->flowid.from = 0;
	p->flowid.to = 255;
	p->flowid.step = 17;
	build_plan(1);
	ck_assert_uint_eq(plan.n, 16);
	ck_assert_uint_eq(plan.p[15].flowid, 255);

	p->flowid.mode = NV_FLOWID_RANDOM;
	p->count = 4;
	build_plan(42);
	for (int i = 0; i < 4; i++)
		first[i] = plan.p[i].flowid;
	build_plan(42);
	for (int i = 0; i < 4; i++) {
		ck_assert_uint_eq(plan.p[i].flowid, first[i]);   /* seeded */
		ck_assert_uint_le(plan.p[i].flowid, 0xff);
	}
	ck_assert(first[0] != first[1] || first[1] != first[2] || first[2] != first[3]);
	build_plan(43);
	ck_assert(plan.p[0].flowid != first[0] || plan.p[1].flowid != first[1] ||
		  plan.p[2].flowid != first[2]);

	/* draft00 has no FlowID field: random collapses to 0 */
	strcpy(p->layout, "draft00");
	build_plan(42);
	ck_assert_uint_eq(plan.p[1].flowid, 0);

	strcpy(p->layout, "rfc7637");
	p->flowid.mode = NV_FLOWID_HASH;
	build_plan(1);
	ck_assert_uint_eq(plan.p[0].flowid, plan.p[3].flowid);
}
END_TEST

START_TEST(test_plan_raw_key_filter_runid)
{
	struct nv_run_input in = { .nsuites = 1, .suites = &suite, .dut = &dut, .seed = 9 };
	const char *only[] = { "NOPE" };
	struct nv_err e = { 0 };
	uint32_t rid;

	probes[0].has_key = true;
	probes[0].key = 0x00001389;
	build_plan(9);
	ck_assert_ptr_null(plan.p[0].layout);
	ck_assert_uint_eq(plan.p[0].vsid, 0x13);      /* read as rfc7637 */
	ck_assert_uint_eq(plan.p[0].flowid, 0x89);
	ck_assert_ptr_nonnull(strstr(plan.p[0].comment, " raw "));
	rid = plan.run_id;
	build_plan(9);
	ck_assert_uint_eq(plan.run_id, rid);
	build_plan(10);
	ck_assert_uint_ne(plan.run_id, rid);
	nv_plan_free(&plan);
	in.ncase_filter = 1;
	in.case_filter = only;
	ck_assert_int_eq(nv_plan_build(&in, &plan, &e), -1);
	ck_assert_int_eq(e.code, NV_EXIT_USAGE);
}
END_TEST

START_TEST(test_plan_unknown_tenant)
{
	struct nv_run_input in = { .nsuites = 1, .suites = &suite, .dut = &dut };
	struct nv_err e = { 0 };

	strcpy(probes[0].tenant, "purple");
	ck_assert_int_eq(nv_plan_build(&in, &plan, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "purple"));
}
END_TEST

START_TEST(test_craft_default_frame)
{
	const uint8_t *f;
	uint8_t nonce[NV_NONCE_LEN];
	struct nv_tag t;

	build_plan(1);
	ck_assert_int_eq(craft(0), 1);
	f = fr[0].data;
	ck_assert_uint_eq(fr[0].len, 116);
	ck_assert_uint_eq(be16(f + 12), 0x0800);
	ck_assert_uint_eq(f[O_IP], 0x45);
	ck_assert_uint_eq(be16(f + O_IP + 2), 116 - 14);
	ck_assert_uint_eq(be16(f + O_IP + 4), NV_TAG_IPID(0));
	ck_assert_uint_eq(be16(f + O_IP + 6), 0x4000);          /* DF */
	ck_assert_uint_eq(f[O_IP + 8], 64);
	ck_assert_uint_eq(f[O_IP + 9], 47);
	ck_assert(csum_ok(sum16(0, f + O_IP, 20)));
	ck_assert_uint_eq(be16(f + O_GRE), 0x2000);              /* K only */
	ck_assert_uint_eq(be16(f + O_GRE + 2), 0x6558);
	ck_assert_uint_eq(be32(f + O_GRE + 4), 0x00138900u);
	ck_assert_uint_eq(be16(f + O_INNER + 12), 0x0800);
	ck_assert(csum_ok(sum16(0, f + O_IIP, 20)));
	ck_assert_uint_eq(f[O_ICMP], 8);
	ck_assert_uint_eq(be16(f + O_ICMP + 4), NV_TAG_ICMP_ID);
	ck_assert_uint_eq(be16(f + O_ICMP + 6), 0);
	ck_assert(csum_ok(sum16(0, f + O_ICMP, 116 - O_ICMP)));
	ck_assert(nv_tag_decode(f + O_ICMP + 8, NV_NONCE_LEN, &t));
	ck_assert_uint_eq(t.run_id, plan.run_id);
	ck_assert_uint_eq(t.frame, 0);
	(void)nonce;
	/* inner MACs from the tenant, outer MACs placeholders for "auto" */
	ck_assert_uint_eq(f[O_INNER + 5], 0x89);
	ck_assert_uint_eq(f[5], 0x02);
	ck_assert_uint_eq(f[11], 0x01);
}
END_TEST

/* One GRE flag per loop index: (field setter, expected word, header len). */
static void set_bit(struct nv_probe *p, int i)
{
	switch (i) {
	case 0: p->gre.c = true; break;
	case 1: p->gre.r = true; break;
	case 2: p->gre.k = false; break;
	case 3: p->gre.s = true; p->gre.has_seq = true; p->gre.seq = 0xdeadbeef; break;
	case 4: p->gre.strict = true; break;
	case 5: p->gre.recursion = 7; break;
	case 6: p->gre.reserved0 = 0x1ff; break;
	case 7: p->gre.version = 7; break;
	case 8: p->gre.proto = 0x0800; break;
	}
}

static const uint16_t bit_word[] = { 0xa000, 0x6000, 0x0000, 0x3000, 0x2800, 0x2700,
				     0x2ff8, 0x2007, 0x2000 };
static const uint32_t bit_hlen[] = { 12, 16, 4, 12, 8, 8, 8, 8, 8 };

START_TEST(test_craft_gre_bits)
{
	const uint8_t *g;
	uint32_t glen;

	set_bit(&probes[0], _i);
	build_plan(1);
	ck_assert_int_eq(craft(0), 1);
	g = fr[0].data + O_GRE;
	glen = fr[0].len - O_GRE;
	ck_assert_uint_eq(be16(g), bit_word[_i]);
	ck_assert_uint_eq(be16(g + 2), _i == 8 ? 0x0800 : 0x6558);
	/* the inner frame starts right after the header the flags describe */
	ck_assert_uint_eq(glen, bit_hlen[_i] + 74);
	ck_assert_uint_eq(be16(g + bit_hlen[_i] + 12), 0x0800);
	if (_i == 0)
		ck_assert(csum_ok(sum16(0, g, glen)));
	if (_i == 3) {
		ck_assert_uint_eq(be32(g + 4), 0x00138900u);
		ck_assert_uint_eq(be32(g + 8), 0xdeadbeefu);
	}
	if (_i == 1)                    /* checksum/offset, key, NULL SRE */
		ck_assert_uint_eq(be32(g + 12), 0);
}
END_TEST

START_TEST(test_craft_gre_bad_checksum_and_truncate)
{
	const uint8_t *g;

	probes[0].gre.c = true;
	probes[0].gre.checksum = NV_CSUM_BAD;
	build_plan(1);
	craft(0);
	g = fr[0].data + O_GRE;
	ck_assert(!csum_ok(sum16(0, g, fr[0].len - O_GRE)));
	ck_assert(csum_ok(sum16(0, fr[0].data + O_IP, 20)));    /* outer still right */

	probe(0)->gre.has_truncate = true;
	probes[0].gre.truncate = 6;         /* ends inside the key */
	build_plan(1);
	craft(0);
	ck_assert_uint_eq(fr[0].len, O_GRE + 6);
	ck_assert_uint_eq(be16(fr[0].data + O_IP + 2), 20 + 6);
	ck_assert(csum_ok(sum16(0, fr[0].data + O_IP, 20)));
}
END_TEST

START_TEST(test_craft_outer_fields)
{
	struct nv_probe *p = &probes[0];
	const uint8_t *f;
	static const uint8_t opts[] = { 0x01, 0x01, 0x01, 0x00 };   /* NOP NOP NOP EOL */

	p->outer.has_id = true;
	p->outer.id = 0x1234;
	p->outer.dscp = 46;
	p->outer.ecn = 1;
	p->outer.ttl = 3;
	p->outer.df = false;
	p->outer.noptions = 4;
	memcpy(p->outer.options, opts, 4);
	p->outer.has_vlan = true;
	p->outer.vlan.vid = 10;
	p->outer.vlan.pcp = 5;
	build_plan(1);
	craft(0);
	f = fr[0].data;
	ck_assert_uint_eq(be16(f + 12), 0x8100);
	ck_assert_uint_eq(be16(f + 14), 5 << 13 | 10);
	ck_assert_uint_eq(be16(f + 16), 0x0800);
	f += 18;
	ck_assert_uint_eq(f[0], 0x46);                  /* IHL 6 */
	ck_assert_uint_eq(f[1], 46 << 2 | 1);
	ck_assert_uint_eq(be16(f + 4), 0x1234);
	ck_assert_uint_eq(be16(f + 6), 0);
	ck_assert_uint_eq(f[8], 3);
	ck_assert_mem_eq(f + 20, opts, 4);
	ck_assert_uint_eq(be16(f + 2), fr[0].len - 18);
	ck_assert(csum_ok(sum16(0, f, 24)));
	ck_assert_uint_eq(be16(f + 24), 0x2000);        /* GRE after the options */
}
END_TEST

START_TEST(test_craft_fragments)
{
	uint8_t whole[NV_FRAME_MAX], re[NV_FRAME_MAX];
	uint32_t wlen, got = 0;
	int n;

	build_plan(1);
	craft(0);
	wlen = fr[0].len - O_GRE;
	memcpy(whole, fr[0].data + O_GRE, wlen);
	probes[0].outer.fragments = 3;
	build_plan(1);
	n = craft(0);
	ck_assert_int_eq(n, 3);
	for (int i = 0; i < n; i++) {
		const uint8_t *ip = fr[i].data + O_IP;
		uint16_t fo = be16(ip + 6);
		uint32_t plen = be16(ip + 2) - 20u;

		ck_assert(csum_ok(sum16(0, ip, 20)));
		ck_assert_uint_eq(be16(ip + 4), NV_TAG_IPID(0));
		ck_assert_uint_eq(!!(fo & 0x2000), i < n - 1);     /* MF */
		ck_assert_uint_eq(fo & 0x4000, 0);                 /* no DF */
		ck_assert_uint_eq((fo & 0x1fffu) * 8u, got);
		memcpy(re + got, ip + 20, plen);
		got += plen;
	}
	ck_assert_uint_eq(got, wlen);
	ck_assert_mem_eq(re, whole, wlen);
}
END_TEST

static void v6dut(void)
{
	nv_addr_parse("2001:db8::1", &dut.tester.pa);
	nv_addr_parse("2001:db8::2", &dut.dut.pa);
}

START_TEST(test_craft_ipv6_outer_and_fragment)
{
	const uint8_t *f;
	uint32_t v;
	int n;

	v6dut();
	probes[0].outer.family = AF_INET6;
	probes[0].outer.ttl = 9;
	build_plan(1);
	craft(0);
	f = fr[0].data;
	ck_assert_uint_eq(be16(f + 12), 0x86dd);
	v = be32(f + 14);
	ck_assert_uint_eq(v >> 28, 6);
	ck_assert_uint_eq(v & 0xfffff, NV_TAG_FLOW_LABEL(0));
	ck_assert_uint_eq(be16(f + 18), fr[0].len - 54);
	ck_assert_uint_eq(f[20], 47);
	ck_assert_uint_eq(f[21], 9);
	ck_assert_uint_eq(be16(f + 54), 0x2000);

	/* every bit of a given flow label and traffic class (libnet 1.1.6 gets
	 * the label's middle byte wrong; craft_outer.c rewrites the word) */
	probes[0].outer.has_flow_label = true;
	probes[0].outer.flow_label = 0xabcde;
	probes[0].outer.dscp = 10;
	probes[0].outer.ecn = 2;
	build_plan(1);
	craft(0);
	ck_assert_uint_eq(be32(fr[0].data + 14), 0x6u << 28 | 0x2au << 20 | 0xabcde);
	probes[0].outer.has_flow_label = false;
	probes[0].outer.dscp = probes[0].outer.ecn = 0;

	probes[0].outer.fragments = 2;
	build_plan(1);
	n = craft(0);
	ck_assert_int_eq(n, 2);
	f = fr[1].data;
	ck_assert_uint_eq(f[20], 44);                   /* fragment header */
	ck_assert_uint_eq(f[54], 47);
	ck_assert_uint_eq(be16(f + 56) & 1, 0);         /* last: M=0 */
	ck_assert_uint_ne(be16(f + 56) >> 3, 0);
	ck_assert_uint_eq(be16(fr[0].data + 56) & 1, 1);
}
END_TEST

/*
 * An explicit outer family the DUT's PA lacks is refused with path:line:col
 * by the binder, the plan and the crafter alike, in both directions; one
 * that matches is followed; an unwritten one takes the PA's.
 */
START_TEST(test_plan_outer_family_explicit)
{
	static const char yaml[] =
		"suite: fam\n"
		"cases:\n"
		"  - id: F-01\n"
		"    level: INFO\n"
		"    probes:\n"
		"      - {outer: {family: ipv4}}\n"
		"    expect: {observation: any}\n";
	struct nv_run_input in = { .nsuites = 1, .suites = &suite, .dut = &dut };
	struct nv_craft_env env;
	struct nv_suite s;
	struct nv_diags ds;
	struct nv_err e = { 0 };
	int n = 0;

	strcpy(suite.path, "unit.yaml");
	probes[0].line = 7;
	probes[0].col = 9;
	probes[0].has_family = true;
	build_plan(1);                                  /* ipv4 to an IPv4 PA */
	craft(0);
	ck_assert_uint_eq(be16(fr[0].data + 12), 0x0800);

	v6dut();
	nv_plan_free(&plan);
	ck_assert_int_eq(nv_plan_build(&in, &plan, &e), -1);
	ck_assert_int_eq(e.code, NV_EXIT_USAGE);
	ck_assert_str_eq(e.msg, "unit.yaml:7:9: case KEY-02: outer family ipv4, but the DUT's pa is IPv6");

	/* the crafter on its own, given a plan made before family was set */
	probes[0].has_family = false;
	build_plan(1);
	probes[0].has_family = true;
	nv_craft_env_init(&env, &dut, plan.run_id);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(nv_craft_frames(&env, &plan.p[0], fr, NV_FRAG_MAX, &n, &e), -1);
	ck_assert_str_eq(e.msg, "unit.yaml:7:9: case KEY-02: outer family ipv4, but the DUT's pa is IPv6");

	probes[0].outer.family = AF_INET6;              /* ipv6 to an IPv6 PA */
	build_plan(1);
	craft(0);
	ck_assert_uint_eq(be16(fr[0].data + 12), 0x86dd);

	nv_craft_doc_dut(&dut);                         /* ipv6 to an IPv4 PA */
	nv_plan_free(&plan);
	ck_assert_int_eq(nv_plan_build(&in, &plan, &e), -1);
	ck_assert_str_eq(e.msg, "unit.yaml:7:9: case KEY-02: outer family ipv6, but the DUT's pa is IPv4");

	/* through the loader: the binder names the probe, the plan agrees */
	v6dut();
	memset(&ds, 0, sizeof(ds));
	ck_assert_int_eq(nv_suite_load_mem("f.yaml", yaml, sizeof(yaml) - 1, &s, &ds), 0);
	ck_assert(s.cases[0].probes[0].has_family);
	ck_assert_int_eq(nv_suite_bind(&s, &dut, &ds), -1);
	ck_assert_int_eq(ds.n, 1);
	ck_assert_int_eq(ds.d[0].line, 6);
	ck_assert_int_eq(ds.d[0].col, 9);
	ck_assert_ptr_nonnull(strstr(ds.d[0].msg, "outer family ipv4, but the DUT's pa is IPv6"));
	in.suites = &s;
	ck_assert_int_eq(nv_plan_build(&in, &plan, &e), -1);
	ck_assert_str_eq(e.msg, "f.yaml:6:9: case F-01: outer family ipv4, but the DUT's pa is IPv6");
	nv_suite_free(&s);
}
END_TEST

/* Pseudo-header sums for the L4 checks. */
START_TEST(test_craft_inner_payloads)
{
	struct nv_probe *p = &probes[0];
	const uint8_t *f, *ip, *l4;
	uint32_t s, l4len;

	/* UDP over IPv4 with QinQ */
	p->inner.payload = NV_PAYLOAD_UDP;
	p->inner.nvlan = 2;
	p->inner.vlan[0] = (struct nv_vlan){ .tpid = 0x88a8, .pcp = 1, .vid = 100 };
	p->inner.vlan[1] = (struct nv_vlan){ .tpid = 0x8100, .pcp = 0, .vid = 200 };
	build_plan(1);
	craft(0);
	f = fr[0].data + O_INNER;
	ck_assert_uint_eq(be16(f + 12), 0x88a8);
	ck_assert_uint_eq(be16(f + 14), 1 << 13 | 100);
	ck_assert_uint_eq(be16(f + 16), 0x8100);
	ck_assert_uint_eq(be16(f + 18), 200);
	ck_assert_uint_eq(be16(f + 20), 0x0800);
	ip = f + 22;
	l4 = ip + 20;
	l4len = be16(ip + 2) - 20u;
	ck_assert_uint_eq(ip[9], 17);
	s = sum16(sum16(0, ip + 12, 8), l4, l4len) + 17 + l4len;
	ck_assert(csum_ok(s));

	/* ICMPv6 echo */
	probe(0)->inner.payload = NV_PAYLOAD_ICMP6_ECHO;
	p->inner.has_src_ca = p->inner.has_dst_ca = true;
	nv_addr_parse("2001:db8:1::1", &p->inner.src_ca);
	nv_addr_parse("2001:db8:1::2", &p->inner.dst_ca);
	build_plan(1);
	craft(0);
	ip = fr[0].data + O_INNER + 14;
	l4 = ip + 40;
	l4len = be16(ip + 4);
	ck_assert_uint_eq(ip[6], 58);
	ck_assert_uint_eq(l4[0], 128);
	s = sum16(sum16(0, ip + 8, 32), l4, l4len) + 58 + l4len;
	ck_assert(csum_ok(s));

	/* ARP request: broadcast, who-has vm_ca tell tester_ca */
	probe(0)->inner.payload = NV_PAYLOAD_ARP;
	build_plan(1);
	craft(0);
	f = fr[0].data + O_INNER;
	ck_assert_uint_eq(be16(f + 12), 0x0806);
	ck_assert_uint_eq(f[0] & f[1] & f[5], 0xff);
	ck_assert_uint_eq(be16(f + 14 + 6), 1);
	ck_assert_uint_eq(f[14 + 27], 2);               /* target 198.51.100.2 */

	/* ICMP echo without IPv4 CAs is refused with a message */
	probe(0)->inner.payload = NV_PAYLOAD_ICMP6_ECHO;
	build_plan(1);
	{
		struct nv_craft_env env;
		struct nv_err e = { 0 };
		int n;

		nv_craft_env_init(&env, &dut, plan.run_id);
		ck_assert_int_eq(nv_craft_frames(&env, &plan.p[0], fr, NV_FRAG_MAX, &n, &e), -1);
		ck_assert_ptr_nonnull(strstr(e.msg, "IPv6"));
	}
}
END_TEST

START_TEST(test_craft_map)
{
	struct nv_frame_map m;
	struct nv_err e = { 0 };

	probes[0].gre.c = true;
	build_plan(1);
	craft(0);
	ck_assert_int_eq(nv_craft_map(fr[0].data, fr[0].len, &m, &e), 0);
	ck_assert_uint_eq(m.outer_l3, O_IP);
	ck_assert_uint_eq(m.gre, O_GRE);
	ck_assert_uint_eq(m.csum_off, O_GRE + 4);
	ck_assert_uint_eq(m.key_off, O_GRE + 8);
	ck_assert_uint_eq(m.inner_l3, O_IIP + 4);
	ck_assert_uint_eq(m.inner_l4, O_ICMP + 4);
	ck_assert_uint_eq(m.inner_l4_proto, 1);
	ck_assert_uint_eq(m.nonce, O_ICMP + 12);
	/* cut inside GRE: mapped as far as it goes, never read past the end */
	ck_assert_int_eq(nv_craft_map(fr[0].data, O_GRE + 6, &m, &e), 0);
	ck_assert_uint_eq(m.gre, O_GRE);
	ck_assert_uint_eq(m.key_off, 0);
	ck_assert_uint_eq(m.inner_l4, 0);
	/* cut inside the outer header: an error */
	ck_assert_int_eq(nv_craft_map(fr[0].data, O_IP + 10, &m, &e), -1);
}
END_TEST

/* Stream frames: the first n equal the crafted plan; later ones stay valid. */
START_TEST(test_stream_patch)
{
	struct nv_probe *p = &probes[0];
	struct nv_craft_env env;
	struct nv_stream st;
	struct nv_err e = { 0 };
	uint8_t out[NV_FRAME_MAX];
	const struct nv_planned *pl;
	uint32_t len, key;
	struct nv_tag t;

	p->flowid.mode = NV_FLOWID_RANDOM;
	p->count = 3;
	p->gre.c = _i == 1;                 /* with a GRE checksum too */
	p->inner.payload = _i == 2 ? NV_PAYLOAD_UDP : NV_PAYLOAD_ICMP_ECHO;
	build_plan(5);
	nv_craft_env_init(&env, &dut, plan.run_id);
	ck_assert_msg(nv_stream_init(&st, &plan, &env, &e) == 0, "%s", e.msg);
	for (uint32_t i = 0; i < 3; i++) {
		craft(i);
		len = nv_stream_frame(&st, i, out, &pl, &key);
		ck_assert_uint_eq(len, fr[0].len);
		ck_assert_mem_eq(out, fr[0].data, len);
		ck_assert_uint_eq(key, plan.p[i].key);
	}
	for (uint64_t i = 3; i < 70000; i += 7919) {
		uint32_t g = O_GRE, in = O_GRE + (_i == 1 ? 12 : 8), ip = in + 14, l4 = ip + 20;

		len = nv_stream_frame(&st, i, out, &pl, &key);
		ck_assert_uint_eq(be16(out + O_IP + 4), NV_TAG_IPID(i));
		ck_assert(csum_ok(sum16(0, out + O_IP, 20)));
		ck_assert(csum_ok(sum16(0, out + ip, 20)));
		if (_i == 2)
			ck_assert(csum_ok(sum16(sum16(0, out + ip + 12, 8), out + l4, len - l4) +
					  17 + (len - l4)));
		else
			ck_assert(csum_ok(sum16(0, out + l4, len - l4)));
		if (_i == 1)
			ck_assert(csum_ok(sum16(0, out + g, len - g)));
		ck_assert(nv_tag_decode(out + l4 + 8, NV_NONCE_LEN, &t));
		ck_assert_uint_eq(t.frame, (uint32_t)i);
		ck_assert_uint_eq(be32(out + in - 4), key);
		ck_assert_uint_eq(key >> 8, 5001);
	}
	nv_stream_free(&st);
}
END_TEST

/* The destination interlock reads the outer header of every frame. */
START_TEST(test_send_check_dst)
{
	struct nv_err e = { 0 };
	struct nv_dut other;

	probes[0].outer.has_vlan = _i == 1;
	build_plan(1);
	craft(0);
	ck_assert_int_eq(nv_send_check_dst(&dut, fr[0].data, fr[0].len, &e), 0);
	other = dut;
	nv_addr_parse("192.0.2.3", &other.dut.pa);
	ck_assert_int_eq(nv_send_check_dst(&other, fr[0].data, fr[0].len, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "192.0.2.3"));
	nv_addr_parse("2001:db8::2", &other.dut.pa);
	ck_assert_int_eq(nv_send_check_dst(&other, fr[0].data, fr[0].len, &e), -1);
	ck_assert_int_eq(nv_send_check_dst(&dut, fr[0].data, 20, &e), -1);    /* cut */
	ck_assert_int_eq(nv_send_check_iface("", false, &e), -1);
	ck_assert_int_eq(e.code, NV_EXIT_USAGE);
	ck_assert_int_eq(nv_send_check_iface("../../etc", true, &e), -1);
}
END_TEST

/* The pace never releases frame j before t0 + j / rate. */
START_TEST(test_pace_schedule)
{
	struct nv_pace p;
	uint64_t t0;

	nv_pace_init(&p, 20000);            /* 50 us apart */
	t0 = p.t0_us;
	for (int i = 0; i < 40; i++)
		nv_pace_wait(&p, 5);
	ck_assert_uint_ge(nv_pace_now_us() - t0, 199 * 50);
	ck_assert_uint_eq(p.n, 200);
}
END_TEST

static Suite *craft_suite(void)
{
	Suite *s = suite_create("craft");
	TCase *t = tcase_create("plan");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_plan_comment_and_key);
	tcase_add_test(t, test_plan_flowid_list_and_pacing);
	tcase_add_test(t, test_plan_pacing_default_inside_probe);
	tcase_add_test(t, test_plan_sweep_random_hash);
	tcase_add_test(t, test_plan_raw_key_filter_runid);
	tcase_add_test(t, test_plan_unknown_tenant);
	suite_add_tcase(s, t);
	t = tcase_create("frames");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_craft_default_frame);
	tcase_add_loop_test(t, test_craft_gre_bits, 0, 9);
	tcase_add_test(t, test_craft_gre_bad_checksum_and_truncate);
	tcase_add_test(t, test_craft_outer_fields);
	tcase_add_test(t, test_craft_fragments);
	tcase_add_test(t, test_craft_ipv6_outer_and_fragment);
	tcase_add_test(t, test_plan_outer_family_explicit);
	tcase_add_test(t, test_craft_inner_payloads);
	tcase_add_test(t, test_craft_map);
	tcase_add_loop_test(t, test_stream_patch, 0, 3);
	tcase_add_loop_test(t, test_send_check_dst, 0, 2);
	tcase_add_test(t, test_pace_schedule);
	suite_add_tcase(s, t);
	return s;
}

NV_UNIT_SUITE(craft_suite)
