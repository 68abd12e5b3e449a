/* check_suite.c - the suite loader: README example, defaults, binding, malformed inputs. */
#include <stdlib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"
#include "nvgrect/suite.h"

#define README "../../suites/README.md"
#define EXAMPLE_DUT "../../examples/dut.yaml"

static struct nv_suite suite;
static struct nv_diags ds;

static void teardown(void)
{
	nv_suite_free(&suite);
}

/* The first ```yaml block of the README: the schema's one annotated example. */
static char *readme_example(size_t *len)
{
	static char text[16384];
	FILE *f = fopen(README, "r");
	size_t n;
	char *a, *b;

	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	a = strstr(text, "```yaml\n");
	ck_assert_ptr_nonnull(a);
	a += strlen("```yaml\n");
	b = strstr(a, "```");
	ck_assert_ptr_nonnull(b);
	*b = '\0';
	*len = (size_t)(b - a);
	return a;
}

START_TEST(test_suite_readme_example_loads)
{
	size_t len;
	char *y = readme_example(&len);
	const struct nv_probe *p;
	const struct nv_case *c;

	if (nv_suite_load_mem("README.md", y, len, &suite, &ds) != 0)
		nv_test_dump_diags(&ds);
	ck_assert_int_eq(ds.n, 0);
	ck_assert_str_eq(suite.name, "interop-layouts");
	ck_assert_uint_eq(suite.default_gap_ms, 1100);
	ck_assert_int_eq(suite.layouts.n, 3);
	ck_assert_str_eq(suite.layouts.l[2].name, "draft00-figure");
	ck_assert_uint_eq(suite.layouts.l[2].vsid_shift, 8);
	ck_assert_uint_eq(suite.layouts.l[2].reserved_mask, 0xff);
	ck_assert_int_eq(suite.ncases, 1);
	c = &suite.cases[0];
	ck_assert_str_eq(c->id, "KEY-01");
	ck_assert_str_eq(c->clause, "RFC 7637 §3.2");
	ck_assert_int_eq(c->level, NV_LEVEL_MUST);
	ck_assert_int_eq(c->nprobes, 1);
	p = &c->probes[0];
	ck_assert_str_eq(p->layout, "rfc7637");
	ck_assert_str_eq(p->tenant, "blue");
	ck_assert(!p->has_vsid);
	ck_assert(p->gre.k);
	ck_assert_uint_eq(p->gre.proto, 0x6558);
	ck_assert(p->gre.has_truncate);
	ck_assert_uint_eq(p->gre.truncate, 6);
	ck_assert(p->outer.has_src);
	ck_assert_uint_eq(p->outer.id, 0x1234);
	ck_assert_int_eq(p->outer.noptions, 4);
	ck_assert(p->outer.has_vlan);
	ck_assert_uint_eq(p->outer.vlan.vid, 10);
	ck_assert_int_eq(p->inner.nvlan, 2);
	ck_assert_uint_eq(p->inner.vlan[0].tpid, 0x8100);
	ck_assert_uint_eq(p->inner.vlan[1].tpid, 0x88a8);
	ck_assert_uint_eq(p->inner.vlan[1].vid, 200);
	ck_assert(p->inner.has_dst_mac);
	ck_assert_int_eq(p->inner.payload, NV_PAYLOAD_ICMP_ECHO);
	ck_assert_uint_eq(p->inner.udp_dport, 7);
	ck_assert_int_eq(c->nexpect, 1);
	ck_assert_int_eq(c->expect[0].obs, NV_OBS_DELIVERED);
	ck_assert_str_eq(c->expect[0].tenant, "blue");
	ck_assert(c->expect[0].rate_limit_ok);
}
END_TEST

START_TEST(test_suite_readme_binds_example_dut)
{
	static struct nv_dut dut;
	struct nv_diags dd;
	size_t len;
	char *y = readme_example(&len);

	ck_assert_int_eq(nv_dut_load(EXAMPLE_DUT, &dut, &dd), 0);
	ck_assert_int_eq(nv_suite_load_mem("README.md", y, len, &suite, &ds), 0);
	if (nv_suite_bind(&suite, &dut, &ds) != 0)
		nv_test_dump_diags(&ds);
	ck_assert_int_eq(ds.n, 0);
}
END_TEST

#define HEAD "suite: t\ncases:\n  - id: C1\n    level: MUST\n    expect: {observation: delivered}\n" \
	"    probes:\n      - "

START_TEST(test_suite_defaults)
{
	static const char y[] = HEAD "{vsid: 0x1389}\n";
	const struct nv_probe *p;

	ck_assert_int_eq(nv_suite_load_mem("d.yaml", y, sizeof(y) - 1, &suite, &ds), 0);
	p = &suite.cases[0].probes[0];
	ck_assert_str_eq(suite.cases[0].title, "C1");
	ck_assert(p->has_vsid);
	ck_assert_uint_eq(p->vsid, 5001);
	ck_assert_str_eq(p->layout, "rfc7637");
	ck_assert_int_eq(p->flowid.mode, NV_FLOWID_FIXED);
	ck_assert_uint_eq(p->flowid.values[0], 0);
	ck_assert(p->gre.k && !p->gre.c && !p->gre.s && !p->gre.r);
	ck_assert_uint_eq(p->gre.proto, 0x6558);
	ck_assert_int_eq(p->outer.family, AF_INET);
	ck_assert(p->outer.df);
	ck_assert_uint_eq(p->outer.ttl, 64);
	ck_assert(!p->outer.has_id);
	ck_assert_int_eq(p->inner.payload, NV_PAYLOAD_ICMP_ECHO);
	ck_assert_uint_eq(p->inner.payload_len, 32);
	ck_assert_uint_eq(p->count, 1);
	ck_assert_int_eq(p->line, 7);
	ck_assert_int_eq(p->col, 9);
}
END_TEST

START_TEST(test_suite_flowid_forms)
{
	static const char y[] = HEAD "{vsid: 5001, flowid: [1, 0x5a, 0x80, 0xff]}\n"
		"      - {vsid: 5001, flowid: {sweep: {from: 0, to: 255, step: 17}}}\n"
		"      - {vsid: 5001, flowid: random}\n"
		"      - {vsid: 5001, flowid: hash}\n"
		"      - {layout: draft00, vsid: 5001, flowid: 0}\n"
		"      - {key: 0x00001389, tenant: blue}\n";
	const struct nv_probe *p;

	if (nv_suite_load_mem("f.yaml", y, sizeof(y) - 1, &suite, &ds) != 0)
		nv_test_dump_diags(&ds);
	ck_assert_int_eq(ds.n, 0);
	p = suite.cases[0].probes;
	ck_assert_int_eq(p[0].flowid.mode, NV_FLOWID_LIST);
	ck_assert_int_eq(p[0].flowid.n, 4);
	ck_assert_uint_eq(p[0].flowid.values[1], 0x5a);
	ck_assert_int_eq(p[1].flowid.mode, NV_FLOWID_SWEEP);
	ck_assert_uint_eq(p[1].flowid.to, 255);
	ck_assert_uint_eq(p[1].flowid.step, 17);
	ck_assert_int_eq(p[2].flowid.mode, NV_FLOWID_RANDOM);
	ck_assert_int_eq(p[3].flowid.mode, NV_FLOWID_HASH);
	ck_assert_str_eq(p[4].layout, "draft00");
	ck_assert(p[5].has_key);
	ck_assert_uint_eq(p[5].key, 0x00001389);
}
END_TEST

START_TEST(test_suite_bind_unknown_tenant)
{
	static struct nv_dut dut;
	struct nv_diags dd;
	static const char y[] = HEAD "{tenant: bleu}\n"
		"    \n  - id: C2\n    level: INFO\n    probes: [{}]\n"
		"    expect: [{observation: delivered, tenant: green}, {observation: any}]\n";

	ck_assert_int_eq(nv_dut_load(EXAMPLE_DUT, &dut, &dd), 0);
	ck_assert_int_eq(nv_suite_load_mem("b.yaml", y, sizeof(y) - 1, &suite, &ds), 0);
	ck_assert_int_eq(nv_suite_bind(&suite, &dut, &ds), -1);
	ck_assert_int_eq(ds.n, 2);
	ck_assert_int_eq(ds.d[0].line, 7);
	ck_assert_int_eq(ds.d[0].col, 18);
	ck_assert_ptr_nonnull(strstr(ds.d[0].msg, "cases[0].probes[0].tenant: unknown tenant 'bleu'"));
	ck_assert_ptr_nonnull(strstr(ds.d[0].msg, "did you mean 'blue'"));
	ck_assert_int_eq(ds.d[1].line, 12);
	ck_assert_ptr_nonnull(strstr(ds.d[1].msg, "cases[1].expect[0].tenant: unknown tenant 'green'"));
}
END_TEST

/* --- malformed suites: exact position and the kind of error --- */

#define CASE_HEAD "suite: t\ncases:\n  - id: C1\n    level: MUST\n"
#define PROBE "    probes: [{}]\n"

struct neg {
	const char *yaml;
	int line, col;
	const char *what;
};

static const struct neg negs[] = {
	/* 0 */ { "suite: t\n", 1, 1, "missing required key 'cases'" },
	{ "suite: t\ncases: {}\n", 2, 8, "cases: expected a list, got a mapping" },
	{ "suite: a b\ncases: []\n", 1, 8, "suite: 'a b' is not a valid identifier" },
	{ "suite: t\npacing_ms: 60001\ncases: []\n", 2, 12, "pacing_ms: 60001 out of range (0..60000)" },
	{ "suite: t\ndescripton: x\ncases: []\n", 2, 1, "unknown key 'descripton' (did you mean 'description'?)" },
	/* 5 */ { HEAD "{vsid: 16777216}\n", 7, 16, "cases[0].probes[0].vsid: 16777216 out of range (0..16777215)" },
	{ HEAD "{vsid: 0x1000000}\n", 7, 16, "vsid: 0x1000000 out of range (0..16777215)" },
	{ HEAD "{vsid: 12ab}\n", 7, 16, "'12ab' is not a number" },
	{ HEAD "{vsid: 0x}\n", 7, 16, "'0x' is not a number" },
	{ HEAD "{vsid: ' 5001'}\n", 7, 16, "expected a number, got quoted text" },
	/* 10 */ { HEAD "{tenant: blue, vsid: 5001}\n", 7, 30, "give tenant or vsid, not both" },
	{ HEAD "{tenant: two words}\n", 7, 18, "is not a tenant name" },
	{ HEAD "{key: 0x100000000}\n", 7, 15, "key: 0x100000000 out of range (0..4294967295)" },
	{ HEAD "{key: 1, flowid: 3}\n", 7, 15, "a raw key replaces vsid and flowid" },
	{ HEAD "{layout: draft01}\n", 7, 18, "unknown layout 'draft01' (did you mean 'draft00'?)" },
	/* 15 */ { HEAD "{flowid: 256}\n", 7, 18, "flowid: 256 out of range (0..255) for layout rfc7637" },
	{ HEAD "{flowid: [1, 2, 300]}\n", 7, 18, "300 out of range (0..255)" },
	{ HEAD "{flowid: []}\n", 7, 18, "0 FlowIDs, expected 1..32" },
	{ HEAD "{flowid: {sweep: {from: 9, to: 1}}}\n", 7, 26, "from 9 is greater than to 1" },
	{ HEAD "{flowid: {sweep: {from: 0, to: 9, step: 0}}}\n", 7, 49, "step: 0 out of range (1..4294967295)" },
	/* 20 */ { HEAD "{flowid: {swep: {}}}\n", 7, 19, "unknown key 'swep' (did you mean 'sweep'?)" },
	{ HEAD "{layout: draft00, flowid: random}\n", 7, 35, "layout draft00 has no FlowID field" },
	{ HEAD "{gre: {c: 1}}\n", 7, 19, "gre.c: expected true or false, got '1'" },
	{ HEAD "{gre: {version: 8}}\n", 7, 25, "gre.version: 8 out of range (0..7)" },
	{ HEAD "{gre: {reserved0: 0x200}}\n", 7, 27, "gre.reserved0: 0x200 out of range (0..511)" },
	/* 25 */ { HEAD "{gre: {checksum: bad}}\n", 7, 26, "gre.checksum: bad checksum needs c: true" },
	{ HEAD "{gre: {checksum: wrong}}\n", 7, 26, "unknown value 'wrong' (expected one of: good, bad)" },
	{ HEAD "{gre: {seq: 5}}\n", 7, 21, "gre.seq: a sequence number needs s: true" },
	{ HEAD "{gre: {proto: 0x10000}}\n", 7, 23, "gre.proto: 0x10000 out of range (0..65535)" },
	{ HEAD "{outer: {family: ipv5}}\n", 7, 26, "unknown value 'ipv5' (did you mean 'ipv4'?)" },
	/* 30 */ { HEAD "{outer: {family: ipv4, src: 2001:db8::1}}\n", 7, 37, "an IPv6 address, but family is ipv4" },
	{ HEAD "{outer: {dscp: 64}}\n", 7, 24, "outer.dscp: 64 out of range (0..63)" },
	{ HEAD "{outer: {options: 0x010101}}\n", 7, 27, "3 option bytes, must be a multiple of 4" },
	{ HEAD "{outer: {options: 0xzz}}\n", 7, 27, "'zz' is not a hex byte" },
	{ HEAD "{outer: {family: ipv4, flow_label: 1}}\n", 7, 44, "flow_label needs family: ipv6" },
	/* 35 */ { HEAD "{outer: {fragments: 9}}\n", 7, 29, "outer.fragments: 9 out of range (0..8)" },
	{ HEAD "{outer: {vlan: {pcp: 1}}}\n", 7, 24, "outer.vlan: missing required key 'vid'" },
	{ HEAD "{inner: {vlan: [{vid: 1}, {vid: 2}, {vid: 3}]}}\n", 7, 24, "3 VLAN tags, expected 1..2" },
	{ HEAD "{inner: {vlan: [{vid: 4096}]}}\n", 7, 31, "inner.vlan[0].vid: 4096 out of range (0..4095)" },
	{ HEAD "{inner: {dst_mac: auto}}\n", 7, 27, "'auto' is not a MAC address (xx:xx:xx:xx:xx:xx)" },
	/* 40 */ { HEAD "{inner: {src_ca: 198.51.100.256}}\n", 7, 26, "'198.51.100.256' is not an IPv4 or IPv6 address" },
	{ HEAD "{inner: {payload: icmp}}\n", 7, 27, "unknown value 'icmp'" },
	{ HEAD "{inner: {payload_len: 8}}\n", 7, 31, "8 out of range (16..1400): the probe nonce needs 16 bytes" },
	{ HEAD "{inner: {payload: raw}}\n", 7, 17, "payload: raw needs raw: bytes" },
	{ HEAD "{inner: {raw: 0x00}}\n", 7, 23, "raw bytes need payload: raw" },
	/* 45 */ { HEAD "{inner: {udp: {sport: 65536}}}\n", 7, 31, "inner.udp.sport: 65536 out of range (0..65535)" },
	{ HEAD "{count: 0}\n", 7, 17, "count: 0 out of range (1..1000000)" },
	{ HEAD "{gap_ms: -5}\n", 7, 18, "gap_ms: -5 out of range (0..60000)" },
	{ HEAD "[]\n", 7, 9, "cases[0].probes[0]: expected a mapping, got a list" },
	{ CASE_HEAD PROBE, 3, 5, "cases[0]: missing required key 'expect'" },
	/* 50 */ { CASE_HEAD PROBE "    expect: {}\n", 6, 13, "missing required key 'observation'" },
	{ CASE_HEAD PROBE "    expect: {observation: rejected, signature: icmp-3-999}\n", 6, 48,
	  "'icmp-3-999' is not a signature" },
	{ CASE_HEAD PROBE "    expect: {observation: silent, signature: icmp-3-10}\n", 6, 46,
	  "a signature needs observation rejected or not-delivered" },
	{ CASE_HEAD PROBE "    expect: {observation: rejected, tenant: blue}\n", 6, 45,
	  "a tenant needs observation delivered or misdelivered" },
	{ CASE_HEAD PROBE "    expect: [{observation: any}, {observation: any}, {observation: any},"
	  " {observation: any}, {observation: any}]\n", 6, 13, "5 expectations, expected 1..4" },
	/* 55 */ { CASE_HEAD PROBE "    expect: {observation: any, rate_limit_ok: maybe}\n", 6, 47,
		   "expected true or false, got 'maybe'" },
	{ "suite: t\ncases:\n  - {id: C1, level: MUST, probes: [{}], expect: {observation: any}, titel: x}\n",
	  3, 69, "unknown key 'titel' (did you mean 'title'?)" },
	{ "suite: t\ncases:\n  - {id: '', level: MUST, probes: [{}], expect: {observation: any}}\n",
	  3, 10, "'' is not a valid identifier" },
	{ "suite: t\nlayouts:\n  - {name: x, vsid: {shift: 8, width: 25}}\ncases: []\n", 3, 39,
	  "width: 25 out of range (1..24)" },
	{ "suite: t\nlayouts:\n  - {name: rfc7637, vsid: {shift: 8, width: 24}}\ncases: []\n", 3, 12,
	  "layout rfc7637 defined twice" },
	/* 60 */ { "suite: t\nlayouts:\n  - {name: x}\ncases: []\n", 3, 5, "missing required key 'vsid'" },
	{ "suite: t\nlayouts:\n  - {name: x, vsid: {shift: 0, width: 8}, flowid: {shift: 4, width: 8}}\n"
	  "cases: []\n", 3, 12, "overlap" },
	{ "suite: t\ncases:\n  - {id: C1, level: MUST, probes: [{}], expect: {observation: any}}\n"
	  "  - {id: C1, level: MUST, probes: [{}], expect: {observation: any}}\n", 4, 10,
	  "cases[1].id: duplicate case id 'C1' (first at 3:5)" },
	{ "suite: t\ncases:\n  - {id: C1, id: C2, level: MUST, probes: [{}], expect: {observation: any}}\n",
	  3, 14, "cases[0].id: duplicate key (first at 3:6)" },
	{ HEAD "{vsid: 1}\n      - {vsid: 2, vsid: 3}\n", 8, 19, "cases[0].probes[1].vsid: duplicate key (first at 8:10)" },
	/* 65: sender rules */
	{ CASE_HEAD PROBE "    expect: {observation: delivered, sender: dirty}\n", 6, 46,
	  "cases[0].expect.sender: expected clean or a list of rules, got 'dirty'" },
	{ CASE_HEAD PROBE "    expect: {observation: delivered, sender: [s_bit, sbit]}\n", 6, 54,
	  "cases[0].expect.sender[1]: unknown value 'sbit' (did you mean 's_bit'?)" },
	{ CASE_HEAD PROBE "    expect: {observation: delivered, sender: [flowid, flowid]}\n", 6, 55,
	  "cases[0].expect.sender[1]: rule 'flowid' named twice" },
	{ CASE_HEAD PROBE "    expect: {observation: delivered, sender: []}\n", 6, 46,
	  "cases[0].expect.sender: 0 rules, expected 1..13" },
	{ CASE_HEAD PROBE "    expect: {observation: rejected, sender: clean}\n", 6, 45,
	  "sender rules judge the DUT's replies: they need observation delivered, misdelivered or any" },
	/* 70 */ { CASE_HEAD PROBE "    expect: {observation: any, sender: {c_bit: true}}\n", 6, 40,
		   "cases[0].expect.sender: expected a list, got a mapping" },
	{ CASE_HEAD PROBE "    expect:\n      - {observation: delivered, sender: [clean]}\n", 7, 43,
	  "cases[0].expect[0].sender[0]: unknown value 'clean'" },
};

/* sender: clean, a list, or nothing; rule names round-trip. */
START_TEST(test_suite_sender_rules)
{
	static const char y[] = CASE_HEAD PROBE
		"    expect:\n"
		"      - {observation: delivered, sender: clean}\n"
		"      - {observation: any, sender: [s_bit, inner_fcs, flowid]}\n"
		"      - {observation: misdelivered}\n";
	const struct nv_case *c;

	if (nv_suite_load_mem("s.yaml", y, sizeof(y) - 1, &suite, &ds) != 0)
		nv_test_dump_diags(&ds);
	ck_assert_int_eq(ds.n, 0);
	c = &suite.cases[0];
	ck_assert_uint_eq(c->expect[0].sender_rules, NV_SENDER_CLEAN);
	ck_assert_uint_eq(c->expect[0].sender_rules, (1u << NV_SR_COUNT) - 1);
	ck_assert_uint_eq(c->expect[1].sender_rules,
			  1u << NV_SR_S_BIT | 1u << NV_SR_INNER_FCS | 1u << NV_SR_FLOWID);
	ck_assert_uint_eq(c->expect[2].sender_rules, 0);
	ck_assert_str_eq(nv_sender_rule_name(NV_SR_C_BIT), "c_bit");
	ck_assert_str_eq(nv_sender_rule_name(NV_SR_OUTER_FRAGMENT), "outer_fragment");
	ck_assert_str_eq(nv_sender_rule_name(NV_SR_FLOWID), "flowid");
	ck_assert_ptr_null(nv_sender_rule_name(NV_SR_COUNT));
	for (int r = 0; r < NV_SR_COUNT; r++)
		ck_assert_ptr_nonnull(nv_sender_rule_name((enum nv_sender_rule)r));
}
END_TEST

START_TEST(test_suite_negative)
{
	const struct neg *n = &negs[_i];
	int rc = nv_suite_load_mem("t.yaml", n->yaml, strlen(n->yaml), &suite, &ds);

	if (rc != -1 || !nv_test_has_diag(&ds, n->line, n->col, n->what)) {
		fprintf(stderr, "suite negative %d: want %d:%d '%s', got:\n", _i, n->line, n->col,
			n->what);
		nv_test_dump_diags(&ds);
	}
	ck_assert_int_eq(rc, -1);
	ck_assert(nv_test_has_diag(&ds, n->line, n->col, n->what));
}
END_TEST

/* All problems in one pass, in file order. */
START_TEST(test_suite_reports_all_in_order)
{
	static const char y[] = HEAD "{vsid: 16777216, gre: {version: 9}, count: 0}\n"
		"  - {id: 'bad id', level: must, probes: [{}], expect: {observation: any}}\n";
	int prev = 0;

	ck_assert_int_eq(nv_suite_load_mem("t.yaml", y, sizeof(y) - 1, &suite, &ds), -1);
	ck_assert_int_eq(ds.n, 5);
	for (int i = 0; i < ds.n; i++) {
		ck_assert_int_ge(ds.d[i].line * 1000 + ds.d[i].col, prev);
		prev = ds.d[i].line * 1000 + ds.d[i].col;
	}
}
END_TEST

#define DATA "data/"

START_TEST(test_suite_every_key)
{
	const struct nv_probe *p;
	const struct nv_case *c;

	if (nv_suite_load(DATA "suite-every-key.yaml", &suite, &ds) != 0)
		nv_test_dump_diags(&ds);
	ck_assert_int_eq(ds.n, 0);
	ck_assert_uint_eq(suite.default_gap_ms, 250);
	ck_assert_int_eq(suite.layouts.n, 4);
	ck_assert_uint_eq(suite.layouts.l[3].flow_width, 4);
	c = &suite.cases[0];
	ck_assert_int_eq(c->level, NV_LEVEL_SHOULD);
	ck_assert_str_eq(c->why, "The loader must carry each field to the crafter unchanged.");
	p = &c->probes[0];
	ck_assert_str_eq(p->layout, "narrow");
	ck_assert_uint_eq(p->vsid, 0xabc);
	ck_assert_int_eq(p->flowid.mode, NV_FLOWID_SWEEP);
	ck_assert_uint_eq(p->flowid.from, 1);
	ck_assert_uint_eq(p->flowid.to, 15);
	ck_assert_uint_eq(p->flowid.step, 2);
	ck_assert(p->gre.c && p->gre.k && p->gre.s && p->gre.r && p->gre.strict);
	ck_assert_uint_eq(p->gre.recursion, 7);
	ck_assert_uint_eq(p->gre.reserved0, 0x1ff);
	ck_assert_uint_eq(p->gre.version, 1);
	ck_assert_uint_eq(p->gre.proto, 0x0800);
	ck_assert_int_eq(p->gre.checksum, NV_CSUM_BAD);
	ck_assert(p->gre.has_seq);
	ck_assert_uint_eq(p->gre.seq, 0xffffffffu);
	ck_assert_uint_eq(p->gre.truncate, 6);
	ck_assert(p->has_family);
	ck_assert_int_eq(p->outer.family, AF_INET6);
	ck_assert_int_eq(p->outer.src.family, AF_INET6);
	ck_assert(!p->outer.df);
	ck_assert_uint_eq(p->outer.ttl, 1);
	ck_assert(p->outer.has_id);
	ck_assert_uint_eq(p->outer.id, 0xbeef);
	ck_assert_uint_eq(p->outer.dscp, 46);
	ck_assert_uint_eq(p->outer.ecn, 3);
	ck_assert_int_eq(p->outer.fragments, 3);
	ck_assert(p->outer.has_flow_label);
	ck_assert_uint_eq(p->outer.flow_label, 0xfffff);
	ck_assert_uint_eq(p->outer.vlan.vid, 4095);
	ck_assert_uint_eq(p->outer.vlan.pcp, 7);
	ck_assert_uint_eq(p->outer.vlan.tpid, 0x88a8);
	ck_assert_int_eq(p->inner.nvlan, 2);
	ck_assert_uint_eq(p->inner.vlan[0].pcp, 1);
	ck_assert(p->inner.has_ethertype);
	ck_assert_uint_eq(p->inner.ethertype, 0x86dd);
	ck_assert_uint_eq(p->inner.src_mac[5], 0x01);
	ck_assert(p->inner.has_dst_ca && p->inner.has_src_ca);
	ck_assert_int_eq(p->inner.payload, NV_PAYLOAD_RAW);
	ck_assert_uint_eq(p->inner.payload_len, 1400);
	ck_assert_uint_eq(p->inner.udp_dport, 65535);
	ck_assert_int_eq(p->inner.nraw, 5);
	ck_assert_uint_eq(p->inner.raw[0], 0x4e);
	ck_assert_uint_eq(p->count, 1000000);
	ck_assert_uint_eq(p->gap_ms, 60000);
	p = &c->probes[1];
	ck_assert(p->has_key && !p->has_vsid && !p->has_family);
	ck_assert_uint_eq(p->key, 0x00138900);
	ck_assert_int_eq(p->outer.noptions, 4);
	ck_assert(p->outer.has_id);
	ck_assert_uint_eq(p->outer.id, 0);
	ck_assert_int_eq(p->inner.payload, NV_PAYLOAD_UDP);
	ck_assert_int_eq(c->probes[2].flowid.n, 2);
	ck_assert_int_eq(c->nexpect, 4);
	ck_assert_str_eq(c->expect[0].signature, "nvgre-icmp-3-10");
	ck_assert(c->expect[0].rate_limit_ok);
	ck_assert_int_eq(c->expect[1].obs, NV_OBS_NOT_DELIVERED);
	ck_assert_int_eq(c->expect[2].obs, NV_OBS_MISDELIVERED);
	ck_assert_str_eq(c->expect[2].tenant, "v6-tenant");
	ck_assert_int_eq(c->expect[3].obs, NV_OBS_SILENT);
	c = &suite.cases[1];
	ck_assert_int_eq(c->level, NV_LEVEL_INFO);
	ck_assert_int_eq(c->probes[0].flowid.mode, NV_FLOWID_HASH);
	ck_assert_uint_eq(c->probes[1].vsid, 0xffffff);
	ck_assert_int_eq(c->expect[0].obs, NV_OBS_ANY);
}
END_TEST

/* Outer family: the DUT's unless written; then it must agree with the DUT. */
START_TEST(test_suite_bind_families)
{
	static struct nv_dut v6, v4;
	static const char y[] = HEAD "{outer: {family: ipv6}}\n"
		"      - {inner: {payload: icmp6-echo}}\n"
		"      - {outer: {src: 2001:db8::7}}\n"
		"      - {outer: {flow_label: 5}}\n"
		"      - {}\n";
	struct nv_diags dd;

	ck_assert_int_eq(nv_dut_load(DATA "dut-ipv6.yaml", &v6, &dd), 0);
	ck_assert_int_eq(nv_dut_load(EXAMPLE_DUT, &v4, &dd), 0);
	ck_assert_int_eq(nv_suite_load(DATA "suite-every-key.yaml", &suite, &ds), 0);
	ck_assert_int_eq(nv_suite_bind(&suite, &v6, &ds), -1);
	ck_assert_int_eq(ds.n, 1);
	ck_assert_int_eq(ds.d[0].line, 42);
	ck_assert_ptr_nonnull(strstr(ds.d[0].msg, "cases[0].probes[1]: outer.options (IPv4), but the DUT's pa is IPv6"));
	nv_suite_free(&suite);

	ck_assert_int_eq(nv_suite_load_mem("f.yaml", y, sizeof(y) - 1, &suite, &ds), 0);
	ck_assert_int_eq(nv_suite_bind(&suite, &v4, &ds), -1);
	ck_assert_int_eq(ds.n, 4);
	ck_assert_ptr_nonnull(strstr(ds.d[0].msg, "probes[0]: outer family ipv6, but the DUT's pa is IPv4"));
	ck_assert_ptr_nonnull(strstr(ds.d[1].msg, "probes[1]: payload icmp6-echo, but the inner addresses (tenant 'blue') are IPv4"));
	ck_assert_ptr_nonnull(strstr(ds.d[2].msg, "probes[2]: outer.src is IPv6, but the DUT's pa is IPv4"));
	ck_assert_ptr_nonnull(strstr(ds.d[3].msg, "probes[3]: outer.flow_label (IPv6), but the DUT's pa is IPv4"));
	ck_assert_int_eq(ds.d[3].line, 10);
	/* the same probes against an IPv6 DUT: the v6 ones fit, payload icmp-echo vs blue (v4) fits */
	ck_assert_int_eq(nv_suite_bind(&suite, &v6, &ds), -1);
	ck_assert_int_eq(ds.n, 1);
	ck_assert_ptr_nonnull(strstr(ds.d[0].msg, "probes[1]: payload icmp6-echo"));
}
END_TEST

static Suite *suite_suite(void)
{
	Suite *s = suite_create("suite");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_suite_readme_example_loads);
	tcase_add_test(tc, test_suite_readme_binds_example_dut);
	tcase_add_test(tc, test_suite_defaults);
	tcase_add_test(tc, test_suite_flowid_forms);
	tcase_add_test(tc, test_suite_bind_unknown_tenant);
	tcase_add_test(tc, test_suite_reports_all_in_order);
	tcase_add_test(tc, test_suite_every_key);
	tcase_add_test(tc, test_suite_bind_families);
	tcase_add_test(tc, test_suite_sender_rules);
	tcase_add_loop_test(tc, test_suite_negative, 0, (int)(sizeof(negs) / sizeof(negs[0])));
	suite_add_tcase(s, tc);
	return s;
}

NV_UNIT_SUITE(suite_suite)
