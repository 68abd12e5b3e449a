/* check_yamlx.c - the capped libyaml front end: limits, policy, positions, accessors. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "nvgrect/yamlx.h"

static struct nv_diags ds;
static struct nv_yx y;

static void setup(void)
{
	memset(&ds, 0, sizeof(ds));
	ds.path = "t.yaml";
}

static void teardown(void)
{
	nv_yx_free(&y);
}

static int parse(const char *s)
{
	return nv_yx_parse(&y, s, strlen(s), &ds);
}

static bool has_diag(int line, int col, const char *what)
{
	if (nv_test_has_diag(&ds, line, col, what))
		return true;
	nv_test_dump_diags(&ds);
	return false;
}

/* "[[[...]]]" n deep under a key */
static char *nested(int n)
{
	char *s = malloc((size_t)n * 2 + 16);

	strcpy(s, "k: ");
	memset(s + 3, '[', (size_t)n);
	memset(s + 3 + n, ']', (size_t)n);
	strcpy(s + 3 + 2 * n, "\n");
	return s;
}

START_TEST(test_yx_depth_limit)
{
	/* the root mapping is level 1: 31 lists fit, 32 do not */
	char *ok = nested(NV_YX_DEPTH_MAX - 1), *deep = nested(NV_YX_DEPTH_MAX);

	ck_assert_int_eq(parse(ok), 0);
	nv_yx_free(&y);
	ck_assert_int_eq(parse(deep), -1);
	ck_assert(has_diag(1, 4 + NV_YX_DEPTH_MAX - 1, "nesting deeper than 32 levels"));
	free(ok);
	free(deep);
}
END_TEST

START_TEST(test_yx_ten_thousand_deep_fails_fast)
{
	char *deep = nested(10000);

	ck_assert_int_eq(parse(deep), -1);
	ck_assert_int_eq(ds.n, 1);
	ck_assert(has_diag(1, 35, "nesting deeper"));
	free(deep);
}
END_TEST

START_TEST(test_yx_node_limit)
{
	size_t n = NV_YX_NODES_MAX + 10, len = 0;
	char *s = malloc(n * 2 + 16);

	len += (size_t)sprintf(s, "k: [");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(s + len, "1,");
	strcpy(s + len, "1]\n");
	ck_assert_int_eq(parse(s), -1);
	ck_assert(has_diag(1, 5 + 2 * (NV_YX_NODES_MAX - 3), "more than 100000 YAML nodes"));
	free(s);
}
END_TEST

START_TEST(test_yx_scalar_limit)
{
	char *s = malloc(NV_YX_SCALAR_MAX + 32);

	strcpy(s, "k: ");
	memset(s + 3, 'a', NV_YX_SCALAR_MAX);
	strcpy(s + 3 + NV_YX_SCALAR_MAX, "\n");
	ck_assert_int_eq(parse(s), 0);
	nv_yx_free(&y);
	strcpy(s + 3 + NV_YX_SCALAR_MAX, "b\n");
	ck_assert_int_eq(parse(s), -1);
	ck_assert(has_diag(1, 4, "scalar of 4097 bytes is longer than the 4096-byte limit"));
	free(s);
}
END_TEST

START_TEST(test_yx_size_limit)
{
	ck_assert_int_eq(nv_yx_parse(&y, "k: v\n", NV_YX_FILE_MAX + 1, &ds), -1);
	ck_assert(has_diag(1, 1, "larger than the 1048576-byte limit"));
}
END_TEST

START_TEST(test_yx_policy)
{
	ck_assert_int_eq(parse("a: &x 1\nb: *x\n"), -1);
	ck_assert(has_diag(1, 4, "anchors (&name) are not allowed"));
	ck_assert(has_diag(2, 4, "aliases (*name) are not allowed"));
	nv_yx_free(&y);
	setup();
	ck_assert_int_eq(parse("a: !!int 1\nb: !x [1]\n"), -1);
	ck_assert(has_diag(1, 4, "explicit tags are not allowed ('tag:yaml.org,2002:int')"));
	ck_assert(has_diag(2, 4, "explicit tags are not allowed ('!x')"));
	nv_yx_free(&y);
	setup();
	ck_assert_int_eq(parse("a: 1\n---\na: 2\n"), -1);
	ck_assert(has_diag(2, 1, "more than one YAML document"));
	nv_yx_free(&y);
	setup();
	ck_assert_int_eq(parse("# only a comment\n"), -1);
	ck_assert(has_diag(1, 1, "empty file"));
}
END_TEST

START_TEST(test_yx_bytes)
{
	static const char nul[] = "a: 1\nbb: x\0y\n";
	static const char utf8[] = "a: \xc3\xa9\xc3\xa9\nb: \xc3\xa9 \xff\n";

	ck_assert_int_eq(nv_yx_parse(&y, nul, sizeof(nul) - 1, &ds), -1);
	ck_assert(has_diag(2, 6, "NUL byte"));
	nv_yx_free(&y);
	setup();
	/* a reader error carries a byte offset; columns count characters */
	ck_assert_int_eq(parse(utf8), -1);
	ck_assert(has_diag(2, 6, "invalid leading UTF-8 octet (byte 0xff)"));
	nv_yx_free(&y);
	setup();
	ck_assert_int_eq(parse("\xef\xbb\xbf" "a: 1\r\nb: 2\r\n"), 0);   /* UTF-8 BOM, CRLF: fine */
	nv_yx_free(&y);
	ck_assert_int_eq(parse("\xff\xfe" "a\0"), -1);
	ck_assert(has_diag(1, 1, "UTF-16"));
}
END_TEST

START_TEST(test_yx_syntax_error_position)
{
	ck_assert_int_eq(parse("a: 1\nb: [1, 2\n"), -1);
	ck_assert(has_diag(3, 1, "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at 2:4)"));
}
END_TEST

static const char *const known[] = { "vsid", "tenant", "layout", NULL };

START_TEST(test_yx_map_check)
{
	yaml_node_t *root;

	ck_assert_int_eq(parse("vsid: 1\ntenant: a\nvsid: 2\nlayuot: x\n[a]: 1\n"), 0);
	root = nv_yx_root(&y);
	ck_assert(nv_yx_map_check(&y, root, "p", known));
	ck_assert(has_diag(3, 1, "p.vsid: duplicate key (first at 1:1)"));
	ck_assert(has_diag(4, 1, "p: unknown key 'layuot' (did you mean 'layout'?)"));
	ck_assert(has_diag(5, 1, "keys must be plain words, got a list"));
	ck_assert_int_eq(ds.n, 3);
	ck_assert_ptr_nonnull(nv_yx_need(&y, root, "p", "tenant"));
	ck_assert_ptr_null(nv_yx_need(&y, root, "p", "layout"));
	ck_assert(has_diag(1, 1, "p: missing required key 'layout'"));
}
END_TEST

START_TEST(test_yx_numbers)
{
	static const struct { const char *s; int ok; uint64_t v; } t[] = {
		{ "0", 1, 0 }, { "5001", 1, 5001 }, { "0x1389", 1, 0x1389 }, { "0X00FF", 1, 0xff },
		{ "007", 1, 7 }, { "18446744073709551615", 1, UINT64_MAX },
		{ "18446744073709551616", 0, 0 }, { "0x", 0, 0 }, { "", 0, 0 }, { "-1", 0, 0 },
		{ "+1", 0, 0 }, { " 1", 0, 0 }, { "1 ", 0, 0 }, { "1e3", 0, 0 }, { "1.0", 0, 0 },
		{ "0x1g", 0, 0 }, { "0b101", 0, 0 }, { "1_000", 0, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t v = 12345;
		int rc = nv_yx_parse_u64(t[i].s, &v);

		ck_assert_msg((rc == 0) == t[i].ok, "'%s'", t[i].s);
		if (t[i].ok)
			ck_assert_uint_eq(v, t[i].v);
	}
}
END_TEST

START_TEST(test_yx_typed_values)
{
	yaml_node_t *r;
	uint32_t u;
	bool b;
	struct nv_addr a;
	struct nv_mac m;
	uint8_t hex[4];
	int n, e;
	static const char *const names[] = { "good", "bad" };

	ck_assert_int_eq(parse("n: 0x10\nb: false\na: 2001:db8::1\nm: auto\nh: 0xdeadbeef\ne: bad\n"), 0);
	r = nv_yx_root(&y);
	ck_assert_int_eq(nv_yx_u32(&y, nv_yx_get(&y, r, "n"), "n", 0, 16, &u), 0);
	ck_assert_uint_eq(u, 16);
	ck_assert_int_eq(nv_yx_u32(&y, nv_yx_get(&y, r, "n"), "n", 0, 15, &u), -1);
	ck_assert(has_diag(1, 4, "n: 0x10 out of range (0..15)"));
	ck_assert_int_eq(nv_yx_bool(&y, nv_yx_get(&y, r, "b"), "b", &b), 0);
	ck_assert(!b);
	ck_assert_int_eq(nv_yx_addr(&y, nv_yx_get(&y, r, "a"), "a", &a), 0);
	ck_assert_int_eq(nv_yx_mac(&y, nv_yx_get(&y, r, "m"), "m", true, &m), 0);
	ck_assert(m.is_auto);
	ck_assert_int_eq(nv_yx_mac(&y, nv_yx_get(&y, r, "m"), "m", false, &m), -1);
	ck_assert_int_eq(nv_yx_hex(&y, nv_yx_get(&y, r, "h"), "h", hex, 4, &n), 0);
	ck_assert_int_eq(n, 4);
	ck_assert_uint_eq(hex[0], 0xde);
	ck_assert_int_eq(nv_yx_hex(&y, nv_yx_get(&y, r, "h"), "h", hex, 3, &n), -1);
	ck_assert_int_eq(nv_yx_enum(&y, nv_yx_get(&y, r, "e"), "e", names, 2, &e), 0);
	ck_assert_int_eq(e, 1);
}
END_TEST

START_TEST(test_yx_suggest)
{
	static const char *const words[] = { "observation", "signature", "tenant", "c", "k", NULL };

	ck_assert_str_eq(nv_yx_suggest("obervation", words), "observation");
	ck_assert_str_eq(nv_yx_suggest("Tenant", words), "tenant");
	ck_assert_ptr_null(nv_yx_suggest("banana", words));
	ck_assert_str_eq(nv_yx_suggest("x", words), "c");   /* one edit on a short word */
}
END_TEST

START_TEST(test_yx_read_file)
{
	char path[] = "/tmp/nvgrect-yx-XXXXXX";
	int fd = mkstemp(path);
	char *buf;
	size_t len;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, NV_YX_FILE_MAX + 1), 0);
	close(fd);
	ck_assert_int_eq(nv_yx_read_file(path, &buf, &len, &ds), -1);
	ck_assert(has_diag(1, 1, "larger than the 1048576-byte limit"));
	unlink(path);
	ck_assert_int_eq(nv_yx_read_file(path, &buf, &len, &ds), -1);
	ck_assert(has_diag(0, 0, "cannot open"));
	ck_assert_int_eq(nv_yx_read_file("/", &buf, &len, &ds), -1);
	ck_assert(has_diag(0, 0, "is a directory"));
}
END_TEST

START_TEST(test_yx_sort)
{
	nv_diag_add(&ds, 5, 1, "e");
	nv_diag_add(&ds, 1, 9, "b");
	nv_diag_add(&ds, 1, 2, "a");
	nv_diag_add(&ds, 5, 1, "f");
	nv_yx_diags_sort(&ds);
	ck_assert_str_eq(ds.d[0].msg, "a");
	ck_assert_str_eq(ds.d[1].msg, "b");
	ck_assert_str_eq(ds.d[2].msg, "e");   /* stable */
	ck_assert_str_eq(ds.d[3].msg, "f");
}
END_TEST

static Suite *yamlx_suite(void)
{
	Suite *s = suite_create("yamlx");
	TCase *tc = tcase_create("caps");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_yx_depth_limit);
	tcase_add_test(tc, test_yx_ten_thousand_deep_fails_fast);
	tcase_add_test(tc, test_yx_node_limit);
	tcase_add_test(tc, test_yx_scalar_limit);
	tcase_add_test(tc, test_yx_size_limit);
	tcase_add_test(tc, test_yx_policy);
	tcase_add_test(tc, test_yx_bytes);
	tcase_add_test(tc, test_yx_syntax_error_position);
	tcase_add_test(tc, test_yx_map_check);
	tcase_add_test(tc, test_yx_numbers);
	tcase_add_test(tc, test_yx_typed_values);
	tcase_add_test(tc, test_yx_suggest);
	tcase_add_test(tc, test_yx_read_file);
	tcase_add_test(tc, test_yx_sort);
	suite_add_tcase(s, tc);
	return s;
}

NV_UNIT_SUITE(yamlx_suite)
