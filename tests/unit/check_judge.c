/* check_judge.c - verdicts by level, `any`, mismatch details, scores, the endpoint block. */
#include "unit.h"
#include "vharness.h"

#define MS 1000ull
#define KEY_BLUE 0x00138900u

static const char suite_levels[] =
	"suite: unit-levels\n"
	"cases:\n"
	"  - id: M\n    title: m\n    level: MUST\n"
	"    probes: [{layout: rfc7637, tenant: blue}]\n"
	"    expect: {observation: delivered}\n"
	"  - id: S\n    title: s\n    level: SHOULD\n"
	"    probes: [{layout: rfc7637, tenant: blue}]\n"
	"    expect: {observation: rejected}\n"
	"  - id: Y\n    title: y\n    level: MAY\n"
	"    probes: [{layout: rfc7637, tenant: blue}]\n"
	"    expect: {observation: silent}\n"
	"  - id: F\n    title: f\n    level: MUST\n"
	"    probes: [{layout: rfc7637, tenant: blue}]\n"
	"    expect: [{observation: rejected, signature: icmp-3-10}, {observation: silent}]\n"
	"  - id: N\n    title: n\n    level: INFO\n"
	"    probes: [{layout: rfc7637, tenant: blue}]\n"
	"    expect: {observation: any}\n";

/* Every probe delivered: M passes, S warns, Y is info, F fails, N records. */
START_TEST(test_judge_levels)
{
	struct vh h;
	const struct nv_case_result *f;

	vh_init(&h, suite_levels, NULL);
	for (uint32_t i = 0; i < h.plan.n; i++) {
		vh_send(&h, i, (1000 + 1000 * i) * MS);
		vh_reply(&h, i, 0, KEY_BLUE, (1000 + 1000 * i) * MS + 100);
	}
	vh_finish(&h);
	ck_assert_int_eq(vh_case(&h, "M")->verdict, NV_V_PASS);
	ck_assert_int_eq(vh_case(&h, "S")->verdict, NV_V_WARN);
	ck_assert_int_eq(vh_case(&h, "Y")->verdict, NV_V_INFO);
	ck_assert_int_eq(vh_case(&h, "N")->verdict, NV_V_INFO);
	ck_assert_ptr_nonnull(strstr(vh_case(&h, "N")->detail, "delivered 1"));
	f = vh_case(&h, "F");
	ck_assert_int_eq(f->verdict, NV_V_FAIL);
	ck_assert_int_eq(f->first_mismatch, 3);
	ck_assert_uint_eq(f->nobs[NV_OBS_DELIVERED], 1);
	/* the detail names the field, expected and actual, decimal and hex */
	ck_assert_ptr_nonnull(strstr(f->detail, "expected rejected:icmp-3-10|silent"));
	ck_assert_ptr_nonnull(strstr(f->detail, "actual delivered"));
	ck_assert_ptr_nonnull(strstr(f->detail, "1280256 (0x00138900)"));
	ck_assert_ptr_nonnull(strstr(f->detail, "5001 (0x001389)"));
	/* weights: M 3x1, S 2x0.5, Y 1x1, F 3x0, N 0 -> 5/9 */
	ck_assert_int_eq(h.res.score, 56);
	ck_assert_int_eq(h.res.nsuite_scores, 1);
	ck_assert_int_eq(h.res.suite_scores[0].score, 56);
	ck_assert_int_eq(h.res.counts[NV_V_FAIL], 1);
	ck_assert_str_eq(nv_verdict_name(NV_V_WARN), "warn");
	ck_assert_int_eq(nv_result_exit_code(&h.res), NV_EXIT_FAIL);
	vh_free(&h);
}
END_TEST

START_TEST(test_judge_signature_detail)
{
	struct vh h;
	const struct nv_case_result *f;

	vh_init(&h, suite_levels, NULL);
	vh_send(&h, 3, 1000 * MS);
	vh_icmp(&h, 3, 3, 28, 1000 * MS + 100);
	vh_finish(&h);
	f = vh_case(&h, "F");
	ck_assert_int_eq(f->verdict, NV_V_FAIL);
	ck_assert_ptr_nonnull(strstr(f->detail, "actual rejected icmp-3-3"));
	ck_assert_ptr_nonnull(strstr(f->detail, "signature: expected icmp-3-10, actual icmp-3-3"));
	ck_assert_ptr_nonnull(strstr(f->detail, "code 3 (0x03)"));
	vh_free(&h);
}
END_TEST

static const char suite_layouts[] =
	"suite: unit-layouts\n"
	"cases:\n"
	"  - id: L1\n    title: rfc\n    level: INFO\n"
	"    probes: [{layout: rfc7637, tenant: blue}, {layout: rfc7637, tenant: red}]\n"
	"    expect: {observation: any}\n"
	"  - id: L2\n    title: draft\n    level: INFO\n"
	"    probes: [{layout: draft00, tenant: blue}]\n"
	"    expect: {observation: any}\n"
	"  - id: L3\n    title: flowid\n    level: INFO\n"
	"    probes: [{layout: rfc7637, tenant: blue, flowid: [0x5a, 0xff]}]\n"
	"    expect: {observation: any}\n"
	"  - id: L4\n    title: unknown\n    level: INFO\n"
	"    probes: [{layout: rfc7637, vsid: 7001}, {layout: draft00, vsid: 7001}]\n"
	"    expect: {observation: any}\n"
	"  - id: L5\n    title: not nominal\n    level: INFO\n"
	"    probes: [{layout: draft00, tenant: blue, gre: {c: true}}]\n"
	"    expect: {observation: any}\n";

/* An exact-key RFC 7637 endpoint (Linux gretap style): ICMP 3/3 for misses. */
START_TEST(test_judge_endpoint_block)
{
	struct vh h;
	const struct nv_endpoint *e;

	vh_init(&h, suite_layouts, NULL);
	ck_assert_uint_eq(h.plan.n, 8);
	for (uint32_t i = 0; i < h.plan.n; i++) {
		const struct nv_planned *pl = &h.plan.p[i];
		uint64_t t = (1000 + 1000 * i) * MS;

		vh_send(&h, i, t);
		if (i == 7 || (pl->layout && strcmp(pl->layout->name, "rfc7637") == 0 &&
			       pl->flowid == 0 && pl->tenant))
			vh_reply(&h, i, pl->tenant == &h.dut.tenants[1], pl->key, t + 100);
		else
			vh_icmp(&h, 3, 3, 28, t + 100);
	}
	vh_finish(&h);
	e = &h.res.endpoint;
	ck_assert_str_eq(e->name, "unit-dut");
	ck_assert_int_eq(e->naccepts, 1);
	ck_assert_str_eq(e->accepts[0], "rfc7637");
	ck_assert_str_eq(e->emits, "rfc7637");
	ck_assert_int_eq(e->flowid_tolerant, 0);
	ck_assert_int_eq(e->nrejects, 1);
	ck_assert_str_eq(e->rejects[0].layout, "draft00");
	ck_assert_str_eq(e->rejects[0].signature, "icmp-3-3");
	ck_assert_str_eq(e->unknown_vsid, "icmp-3-3");
	/* L5 (C=1, draft00) was delivered but is not nominal: draft00 stays rejected */
	ck_assert_int_eq(vh_probe(&h, 7)->obs, NV_OBS_DELIVERED);
	ck_assert_int_eq(h.res.score, -1);        /* INFO only: nothing scored */
	vh_free(&h);
}
END_TEST

/* Nothing probed: null fields. */
START_TEST(test_judge_endpoint_nulls)
{
	struct vh h;
	const struct nv_endpoint *e;

	vh_init(&h, suite_levels, NULL);
	vh_finish(&h);
	e = &h.res.endpoint;
	ck_assert_int_eq(e->flowid_tolerant, -1);
	ck_assert_str_eq(e->unknown_vsid, "");
	ck_assert_ptr_null(e->emits);
	ck_assert_int_eq(e->naccepts, 0);
	ck_assert_int_eq(e->nrejects, 1);
	ck_assert_str_eq(e->rejects[0].signature, "silent");
	vh_free(&h);
}
END_TEST

/* A case bigger than the detail limit keeps counts for every frame. */
START_TEST(test_judge_detail_cap)
{
	static const char big[] =
		"suite: unit-big\n"
		"cases:\n"
		"  - id: B\n    title: b\n    level: MUST\n"
		"    probes: [{layout: rfc7637, tenant: blue, count: 40}]\n"
		"    expect: {observation: delivered}\n";
	struct nv_verify_opts o = { .detail_per_case = 8 };
	struct vh h;
	const struct nv_case_result *c;

	vh_init(&h, big, &o);
	for (uint32_t i = 0; i < 40; i++) {
		vh_send(&h, i, (1000 + i) * MS);
		if (i != 33)
			vh_reply(&h, i, 0, KEY_BLUE, (1000 + i) * MS + 50);
	}
	vh_finish(&h);
	c = vh_case(&h, "B");
	ck_assert_int_eq(c->nprobes, 8);
	ck_assert_uint_eq(c->nframes, 40);
	ck_assert_uint_eq(c->nobs[NV_OBS_DELIVERED], 39);
	ck_assert_uint_eq(c->nobs[NV_OBS_SILENT], 1);
	ck_assert_int_eq(c->first_mismatch, 33);
	ck_assert_int_eq(c->verdict, NV_V_FAIL);
	ck_assert_ptr_nonnull(strstr(c->detail, "frame 33"));
	ck_assert_int_eq(h.res.nprobe_results, 8);
	vh_free(&h);
}
END_TEST

static Suite *judge_suite(void)
{
	Suite *s = suite_create("judge");
	TCase *t = tcase_create("core");

	tcase_add_test(t, test_judge_levels);
	tcase_add_test(t, test_judge_signature_detail);
	tcase_add_test(t, test_judge_endpoint_block);
	tcase_add_test(t, test_judge_endpoint_nulls);
	tcase_add_test(t, test_judge_detail_cap);
	suite_add_tcase(s, t);
	return s;
}

NV_UNIT_SUITE(judge_suite)
