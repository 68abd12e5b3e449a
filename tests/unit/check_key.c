/* check_key.c - key layouts: round trips, boundaries, aliases, reserved flags. */
#include "unit.h"
#include "nvgrect/key.h"

static struct nv_layouts ls;

static void setup(void)
{
	nv_key_layouts_init(&ls);
}

static const struct nv_layout *L(const char *n)
{
	return nv_key_layout_find(&ls, n);
}

START_TEST(test_key_design_examples)
{
	uint32_t k;
	struct nv_key_reading r;

	/* DESIGN §3: VSID 5001 -> 0x00138900 (rfc7637), 0x00001389 (draft00) */
	ck_assert_int_eq(nv_key_encode(L("rfc7637"), 5001, 0, &k, NULL), 0);
	ck_assert_uint_eq(k, 0x00138900u);
	ck_assert_int_eq(nv_key_encode(L("draft00"), 5001, 0, &k, NULL), 0);
	ck_assert_uint_eq(k, 0x00001389u);
	/* the KB2779768 failure: 0x00001389 read as rfc7637 is VSID 0x13, FlowID 0x89 */
	nv_key_decode(L("rfc7637"), 0x00001389u, &r);
	ck_assert_uint_eq(r.vsid, 0x13);
	ck_assert_uint_eq(r.flowid, 0x89);
	ck_assert(r.problems & NV_KEYP_VSID_RESERVED);
}
END_TEST

START_TEST(test_key_alias_identity)
{
	uint32_t a, b;

	/* draft00 TNI 0x138900 and rfc7637 VSID 5001 FlowID 0 are one wire key */
	ck_assert_int_eq(nv_key_encode(L("draft00"), 0x138900, 0, &a, NULL), 0);
	ck_assert_int_eq(nv_key_encode(L("rfc7637"), 5001, 0, &b, NULL), 0);
	ck_assert_uint_eq(a, b);
}
END_TEST

static const uint32_t vsids[] = { 0, 1, 0xFFF, 0x1000, 5001, 0xFFFF, 0x10000,
				  0x123456, 0xFFFFFE, 0xFFFFFF };
static const uint32_t flows[] = { 0, 1, 0x5A, 0x80, 0xFF };

START_TEST(test_key_roundtrip_rfc7637)
{
	uint32_t v = vsids[_i % 10], f = flows[_i / 10], k;
	struct nv_key_reading r;

	ck_assert_int_eq(nv_key_encode(L("rfc7637"), v, f, &k, NULL), 0);
	nv_key_decode(L("rfc7637"), k, &r);
	ck_assert_uint_eq(r.vsid, v);
	ck_assert_uint_eq(r.flowid, f);
	ck_assert_uint_eq(r.reserved, 0);
	ck_assert_int_eq(!!(r.problems & NV_KEYP_VSID_RESERVED), v <= 0xFFF);
	ck_assert_int_eq(!!(r.problems & NV_KEYP_VSID_VENDOR), v == 0xFFFFFF);
}
END_TEST

START_TEST(test_key_roundtrip_draft00)
{
	uint32_t v = vsids[_i], k;
	struct nv_key_reading r;

	ck_assert_int_eq(nv_key_encode(L("draft00"), v, 0, &k, NULL), 0);
	ck_assert_uint_eq(k & NV_DRAFT00_RESERVED_MASK, 0);
	nv_key_decode(L("draft00"), k, &r);
	ck_assert_uint_eq(r.vsid, v);
	ck_assert_uint_eq(r.problems & NV_KEYP_RESERVED_BITS, 0);
}
END_TEST

START_TEST(test_key_too_wide)
{
	uint32_t k;
	struct nv_err e;

	ck_assert_int_eq(nv_key_encode(L("rfc7637"), 0x1000000, 0, &k, &e), -1);
	ck_assert_int_eq(e.code, NV_EXIT_USAGE);
	ck_assert_int_eq(nv_key_encode(L("rfc7637"), 5001, 0x100, &k, &e), -1);
	/* draft00 has no FlowID field: any non-zero FlowID is too wide */
	ck_assert_int_eq(nv_key_encode(L("draft00"), 5001, 1, &k, &e), -1);
}
END_TEST

START_TEST(test_key_reserved_bits)
{
	struct nv_key_reading r;

	nv_key_decode(L("draft00"), 0x01001389u, &r);
	ck_assert_uint_eq(r.vsid, 0x1389);
	ck_assert_uint_eq(r.reserved, 0x01000000u);
	ck_assert(r.problems & NV_KEYP_RESERVED_BITS);
}
END_TEST

START_TEST(test_key_custom_layout)
{
	/* the draft-00 figure's reading: VSID in 31..8, low byte reserved-zero */
	struct nv_layout fig = { "draft00-figure", 8, 24, 0, 0, 0xFFu };
	struct nv_layout bad = { "bad", 4, 24, 0, 8, 0 };
	struct nv_key_reading rd[NV_LAYOUT_MAX];
	struct nv_err e;
	int n;

	ck_assert_int_eq(nv_key_layout_add(&ls, &fig, &e), 0);
	ck_assert_int_eq(nv_key_layout_add(&ls, &fig, &e), -1);  /* twice */
	ck_assert_int_eq(nv_key_layout_add(&ls, &bad, &e), -1);  /* overlap */
	n = nv_key_aliases(&ls, 0x00138955u, rd, NV_LAYOUT_MAX);
	ck_assert_int_eq(n, 3);
	ck_assert_uint_eq(rd[2].vsid, 5001);
	ck_assert(rd[2].problems & NV_KEYP_RESERVED_BITS);
	ck_assert_uint_eq(rd[0].flowid, 0x55);
}
END_TEST

static Suite *key_suite(void)
{
	Suite *s = suite_create("key");
	TCase *tc = tcase_create("layouts");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_key_design_examples);
	tcase_add_test(tc, test_key_alias_identity);
	tcase_add_loop_test(tc, test_key_roundtrip_rfc7637, 0, 50);
	tcase_add_loop_test(tc, test_key_roundtrip_draft00, 0, 10);
	tcase_add_test(tc, test_key_too_wide);
	tcase_add_test(tc, test_key_reserved_bits);
	tcase_add_test(tc, test_key_custom_layout);
	suite_add_tcase(s, tc);
	return s;
}

NV_UNIT_SUITE(key_suite)
