/* check_suite.c - the suite loader: README example, defaults, binding, malformed inputs. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"
#include "nvgrect/suite.h"

#define README "../../suites/README.md"
#define EXAMPLE_DUT "../../examples/dut.yaml"

static struct nv_suite suite;
static struct nv_diags ds;

static void dump(const struct nv_diags *d)
{
	char buf[512];

	for (int i = 0; i < d->n; i++) {
		nv_diag_format(d, i, buf, sizeof(buf));
		fprintf(stderr, "  %s\n", buf);
	}
}

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
		dump(&ds);
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
		dump(&ds);
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
		dump(&ds);
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
	suite_add_tcase(s, tc);
	return s;
}

NV_UNIT_SUITE(suite_suite)
