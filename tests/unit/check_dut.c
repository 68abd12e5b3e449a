/* check_dut.c - the DUT file loader: the example loads, every malformed input is placed. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"
#include "nvgrect/dut.h"

#define EXAMPLE_DUT "../../examples/dut.yaml"

static struct nv_dut dut;
static struct nv_diags ds;

START_TEST(test_dut_example_loads)
{
	const struct nv_tenant *t;
	char buf[64];

	if (nv_dut_load(EXAMPLE_DUT, &dut, &ds) != 0)
		nv_test_dump_diags(&ds);
	ck_assert_int_eq(ds.n, 0);
	ck_assert_str_eq(dut.name, "hv-host-07");
	ck_assert_str_eq(dut.tester.iface, "tst0");
	ck_assert_str_eq(nv_addr_str(&dut.tester.pa, buf, sizeof(buf)), "192.0.2.1");
	ck_assert_str_eq(nv_addr_str(&dut.dut.pa, buf, sizeof(buf)), "192.0.2.2");
	ck_assert(dut.tester.mac.is_auto);
	ck_assert(dut.dut.mac.is_auto);
	ck_assert_int_eq(dut.ntenants, 2);
	t = nv_dut_tenant_by_name(&dut, "blue");
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->vsid, 5001);
	ck_assert_str_eq(nv_addr_str(&t->vm_ca, buf, sizeof(buf)), "198.51.100.2");
	ck_assert_str_eq(nv_mac_str(t->vm_mac.a, buf, sizeof(buf)), "02:00:00:00:13:89");
	ck_assert(!t->vm_mac.is_auto);
	ck_assert_int_eq(t->line, 19);
	ck_assert_int_eq(t->col, 5);
	t = nv_dut_tenant_by_vsid(&dut, 0x1000);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->name, "red");
	ck_assert(t->vm_mac.is_auto);
	ck_assert_ptr_null(nv_dut_tenant_by_name(&dut, "green"));
	ck_assert_ptr_null(nv_dut_tenant_by_vsid(&dut, 5002));
}
END_TEST

START_TEST(test_dut_defaults_and_ipv6)
{
	static const char y[] =
		"name: v6\n"
		"tester: {pa: 2001:db8::1}\n"
		"dut: {pa: 2001:db8::2}\n"
		"tenants:\n"
		"  - {name: a, vsid: 0x10000, tester_ca: 2001:db8:1::1, vm_ca: 2001:db8:1::2}\n";
	const struct nv_tenant *t;

	ck_assert_int_eq(nv_dut_load_mem("v6.yaml", y, sizeof(y) - 1, &dut, &ds), 0);
	ck_assert_int_eq(dut.tester.pa.family, AF_INET6);
	ck_assert_str_eq(dut.tester.iface, "");
	t = &dut.tenants[0];
	ck_assert_uint_eq(t->vsid, 0x10000);
	ck_assert(t->vm_mac.is_auto);
	ck_assert(!t->tester_mac.is_auto);
	ck_assert_uint_eq(t->tester_mac.a[0], 0x02);
	ck_assert_uint_eq(t->tester_mac.a[5], 0x01);
}
END_TEST

START_TEST(test_dut_ipv6_file)
{
	const struct nv_tenant *t;
	char buf[64];

	if (nv_dut_load("data/dut-ipv6.yaml", &dut, &ds) != 0)
		nv_test_dump_diags(&ds);
	ck_assert_int_eq(ds.n, 0);
	ck_assert_str_eq(dut.tester.iface, "veth-t0");
	ck_assert_int_eq(dut.dut.pa.family, AF_INET6);
	ck_assert(!dut.tester.mac.is_auto && !dut.dut.mac.is_auto);
	ck_assert_str_eq(nv_mac_str(dut.dut.mac.a, buf, sizeof(buf)), "02:00:00:00:aa:02");
	t = nv_dut_tenant_by_vsid(&dut, 16777214);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->name, "v6-tenant");
	ck_assert_str_eq(nv_addr_str(&t->vm_ca, buf, sizeof(buf)), "2001:db8:1::2");
	ck_assert_uint_eq(nv_dut_tenant_by_name(&dut, "blue")->vsid, 5001);
}
END_TEST

START_TEST(test_dut_missing_file)
{
	ck_assert_int_eq(nv_dut_load("/nonexistent/dut.yaml", &dut, &ds), -1);
	ck_assert_int_eq(ds.n, 1);
	ck_assert_int_eq(ds.d[0].line, 0);
	ck_assert_ptr_nonnull(strstr(ds.d[0].msg, "cannot open"));
}
END_TEST

/* --- malformed DUT files: exact first position and the kind of error --- */

#define T_HEAD "name: lab\ntester: {pa: 192.0.2.1}\ndut: {pa: 192.0.2.2}\ntenants:\n"
#define TENANT(x) T_HEAD "  - {name: blue, vsid: 5001, tester_ca: 198.51.100.1, vm_ca: 198.51.100.2" x "}\n"

struct neg {
	const char *yaml;
	int line, col;
	const char *what;
};

static const struct neg negs[] = {
	/* 0 */ { "", 1, 1, "empty file" },
	{ "- a\n- b\n", 1, 1, "expected a mapping, got a list" },
	{ "name: lab\n", 1, 1, "missing required key 'tester'" },
	{ T_HEAD "  - {name: blue, vsid: 5001, tester_ca: 198.51.100.1}\n", 5, 5,
	  "tenants[0]: missing required key 'vm_ca'" },
	{ TENANT(", vsid_: 3"), 5, 76, "unknown key 'vsid_' (did you mean 'vsid'?)" },
	/* 5 */ { T_HEAD "  - {name: blue, vsid: 16777216, tester_ca: 198.51.100.1, vm_ca: 198.51.100.2}\n",
		  5, 24, "tenants[0].vsid: 16777216 out of range (0..16777215)" },
	{ T_HEAD "  - {name: blue, vsid: 0x13, tester_ca: 198.51.100.1, vm_ca: 198.51.100.2}\n",
	  5, 24, "reserved VSID" },
	{ T_HEAD "  - {name: blue, vsid: 50x1, tester_ca: 198.51.100.1, vm_ca: 198.51.100.2}\n",
	  5, 24, "'50x1' is not a number" },
	{ T_HEAD "  - {name: blue, vsid: \"5001\", tester_ca: 198.51.100.1, vm_ca: 198.51.100.2}\n",
	  5, 24, "expected a number, got quoted text" },
	{ T_HEAD "  - {name: blue, vsid: 5001, tester_ca: 198.51.100.300, vm_ca: 198.51.100.2}\n",
	  5, 41, "'198.51.100.300' is not an IPv4 or IPv6 address" },
	/* 10 */ { TENANT(", vm_mac: 02:00:00:00:13"), 5, 84, "is not a MAC address" },
	{ TENANT(", tester_mac: auto"), 5, 88, "is not a MAC address" },
	{ T_HEAD "  - {name: blue, vsid: 5001, tester_ca: 198.51.100.1, vm_ca: 2001:db8::2}\n",
	  5, 62, "both be IPv4 or both IPv6" },
	{ TENANT("") "  - {name: blue, vsid: 5002, tester_ca: 198.51.100.1, vm_ca: 198.51.100.3}\n",
	  6, 12, "duplicate tenant name 'blue' (first at 5:5)" },
	{ TENANT("") "  - {name: red, vsid: 5001, tester_ca: 198.51.100.1, vm_ca: 198.51.100.3}\n",
	  6, 23, "duplicate VSID 5001 (tenant 'blue' at 5:5)" },
	/* 15 */ { "name: lab\ntester: {pa: 192.0.2.1, iface: this-name-is-too-long}\n"
		   "dut: {pa: 192.0.2.2}\ntenants: []\n", 2, 32, "tester.iface: text of 21 bytes is too long" },
	{ "name: lab\ntester: {pa: 192.0.2.1}\ndut: {pa: 192.0.2.2}\ntenants: []\n", 4, 10,
	  "0 tenants, expected 1..64" },
	{ "name: lab\ntester: {pa: 192.0.2.1}\ndut: {pa: 2001:db8::2}\ntenants: []\n", 3, 11,
	  "both be IPv4 or both IPv6" },
	{ "name: lab\nname: lab2\n", 2, 1, "duplicate key (first at 1:1)" },
	{ "name: [a, b]\n", 1, 7, "name: expected a value, got a list" },
	/* 20 */ { "name: lab\ntester: 192.0.2.1\n", 2, 9, "tester: expected a mapping, got a scalar" },
	{ "name: lab\ntester: {pa: 192.0.2.1, mac: 02:00:00:00:00:zz}\n", 2, 30, "not a MAC address" },
	{ "name: two words\n", 1, 7, "not a valid name" },
	{ "name: lab\n  bad: indent\n", 2, 6, "YAML syntax error" },
	{ "name: &a lab\n", 1, 7, "anchors (&name) are not allowed" },
};

START_TEST(test_dut_negative)
{
	const struct neg *n = &negs[_i];
	int rc = nv_dut_load_mem("t.yaml", n->yaml, strlen(n->yaml), &dut, &ds);

	if (rc != -1 || !nv_test_has_diag(&ds, n->line, n->col, n->what)) {
		fprintf(stderr, "dut negative %d: want %d:%d '%s', got:\n", _i, n->line, n->col,
			n->what);
		nv_test_dump_diags(&ds);
	}
	ck_assert_int_eq(rc, -1);
	ck_assert(nv_test_has_diag(&ds, n->line, n->col, n->what));
}
END_TEST

static Suite *dut_suite(void)
{
	Suite *s = suite_create("dut");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, test_dut_example_loads);
	tcase_add_test(tc, test_dut_defaults_and_ipv6);
	tcase_add_test(tc, test_dut_missing_file);
	tcase_add_test(tc, test_dut_ipv6_file);
	tcase_add_loop_test(tc, test_dut_negative, 0, (int)(sizeof(negs) / sizeof(negs[0])));
	suite_add_tcase(s, tc);
	return s;
}

NV_UNIT_SUITE(dut_suite)
