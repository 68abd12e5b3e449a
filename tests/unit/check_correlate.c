/* check_correlate.c - answers to probes: replies, ICMP quotes, both, loss, timing. */
#include "unit.h"
#include "vharness.h"

#define MS 1000ull
#define KEY_BLUE 0x00138900u
#define KEY_RED 0x00138a00u

static const char suite3[] =
	"suite: unit\n"
	"cases:\n"
	"  - id: A\n    title: a\n    level: MUST\n"
	"    probes: [{layout: rfc7637, tenant: blue}]\n"
	"    expect: {observation: delivered, tenant: blue}\n"
	"  - id: B\n    title: b\n    level: MUST\n"
	"    probes: [{layout: draft00, tenant: blue}]\n"
	"    expect: {observation: rejected, signature: icmp-3-10}\n"
	"  - id: C\n    title: c\n    level: SHOULD\n"
	"    probes: [{layout: rfc7637, vsid: 7001}]\n"
	"    expect: {observation: silent}\n";

START_TEST(test_correlate_basic)
{
	struct vh h;

	vh_init(&h, suite3, NULL);
	ck_assert_uint_eq(h.plan.n, 3);
	vh_send(&h, 0, 1000 * MS);
	vh_reply(&h, 0, 0, KEY_BLUE, 1000 * MS + 300);
	vh_send(&h, 1, 2000 * MS);
	vh_icmp(&h, 3, 10, 28, 2000 * MS + 200);     /* 8 bytes after IP: GRE + key */
	vh_send(&h, 2, 3000 * MS);
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_DELIVERED);
	ck_assert_str_eq(vh_probe(&h, 0)->reply_tenant, "blue");
	ck_assert_uint_eq(vh_probe(&h, 0)->reply_vsid, 5001);
	ck_assert(vh_probe(&h, 0)->reply.present);
	ck_assert_uint_eq(vh_probe(&h, 0)->reply.capture_frame, 2);
	ck_assert_int_eq(vh_probe(&h, 1)->obs, NV_OBS_REJECTED);
	ck_assert_str_eq(vh_probe(&h, 1)->signature, "icmp-3-10");
	ck_assert(vh_probe(&h, 1)->error.present);
	ck_assert_uint_eq(vh_probe(&h, 1)->error.key_len, 4);
	ck_assert_int_eq(vh_probe(&h, 2)->obs, NV_OBS_SILENT);
	ck_assert_str_eq(vh_probe(&h, 2)->signature, "silent");
	ck_assert_int_eq(vh_case(&h, "A")->verdict, NV_V_PASS);
	ck_assert_int_eq(vh_case(&h, "B")->verdict, NV_V_PASS);
	ck_assert_int_eq(vh_case(&h, "C")->verdict, NV_V_PASS);
	ck_assert_int_eq(h.res.score, 100);
	ck_assert_int_eq(nv_result_exit_code(&h.res), NV_EXIT_OK);
	ck_assert_uint_eq(h.res.stats.probes_seen, 3);
	ck_assert_uint_eq(h.res.stats.unsolicited, 0);
	ck_assert_str_eq(h.res.endpoint.emits, "rfc7637");
	vh_free(&h);
}
END_TEST

/* Every quote length: the error is attributed as soon as the IP ID is quoted. */
START_TEST(test_correlate_quote_lengths)
{
	for (size_t q = 0; q <= 120; q++) {
		struct vh h;
		const struct nv_probe_result *pr;

		vh_init(&h, suite3, NULL);
		vh_send(&h, 1, 1000 * MS);
		vh_icmp(&h, 3, 10, q, 1000 * MS + 100);
		vh_finish(&h);
		pr = vh_probe(&h, 1);
		if (q >= 20) {
			ck_assert_msg(pr->obs == NV_OBS_REJECTED, "quote %zu", q);
			ck_assert_uint_eq(h.res.stats.unsolicited, 0);
		} else {
			ck_assert_msg(pr->obs == NV_OBS_SILENT, "quote %zu", q);
			ck_assert_uint_eq(h.res.stats.unsolicited, 1);
		}
		vh_free(&h);
	}
}
END_TEST

/* Without our probes in the capture (a vendor's tcpdump of replies only). */
START_TEST(test_correlate_no_probes_in_capture)
{
	struct vh h;

	vh_init(&h, suite3, NULL);
	vh_send(&h, 1, 0);              /* craft it for the quote ... */
	nv_verify_free(h.v);            /* ... but start over without it */
	ck_assert_int_eq(nv_verify_new(&h.v, &h.plan, &h.dut, NULL, NULL), 0);
	vh_reply(&h, 0, 0, KEY_BLUE, 5000 * MS);
	vh_icmp(&h, 3, 10, 28, 9000 * MS);
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_DELIVERED);
	ck_assert_int_eq(vh_probe(&h, 1)->obs, NV_OBS_REJECTED);
	ck_assert_uint_eq(h.res.stats.probes_seen, 0);
	vh_free(&h);
}
END_TEST

START_TEST(test_correlate_nvgre_icmp)
{
	struct vh h;

	vh_init(&h, suite3, NULL);
	vh_send(&h, 1, 1000 * MS);
	vh_nvgre_icmp(&h, KEY_BLUE, 8 + 14 + 20, 1000 * MS + 100);   /* MS-NVGREE minimum */
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 1)->obs, NV_OBS_REJECTED);
	ck_assert_str_eq(vh_probe(&h, 1)->signature, "nvgre-icmp-3-10");
	ck_assert_int_eq(vh_case(&h, "B")->verdict, NV_V_FAIL);   /* wanted icmp-3-10 */
	ck_assert_ptr_nonnull(strstr(vh_case(&h, "B")->detail, "nvgre-icmp-3-10"));
	vh_free(&h);
}
END_TEST

/* A host stack without GRE beside a userspace datapath: reply and ICMP 3/2. */
START_TEST(test_correlate_both_reply_and_icmp)
{
	struct vh h;
	const struct nv_probe_result *pr;

	vh_init(&h, suite3, NULL);
	vh_send(&h, 0, 1000 * MS);
	vh_icmp(&h, 3, 2, 200, 1000 * MS + 100);
	vh_reply(&h, 0, 0, KEY_BLUE, 1000 * MS + 300);
	vh_finish(&h);
	pr = vh_probe(&h, 0);
	ck_assert_int_eq(pr->obs, NV_OBS_DELIVERED);
	ck_assert(pr->also_rejected);
	ck_assert_str_eq(pr->also_signature, "icmp-3-2");
	ck_assert_uint_eq(pr->replies, 1);
	ck_assert_uint_eq(pr->errors, 1);
	ck_assert(pr->reply.present && pr->error.present);
	ck_assert_int_eq(vh_case(&h, "A")->verdict, NV_V_PASS);
	vh_free(&h);
}
END_TEST

START_TEST(test_correlate_misdelivered)
{
	struct vh h;

	vh_init(&h, suite3, NULL);
	vh_send(&h, 0, 1000 * MS);
	vh_reply(&h, 0, 1, KEY_RED, 1000 * MS + 300);    /* answered from red */
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_MISDELIVERED);
	ck_assert_str_eq(vh_probe(&h, 0)->reply_tenant, "red");
	ck_assert_int_eq(vh_case(&h, "A")->verdict, NV_V_FAIL);
	vh_free(&h);
	/* answered by the right VM and, flooded, by red's too */
	vh_init(&h, suite3, NULL);
	vh_send(&h, 0, 1000 * MS);
	vh_reply(&h, 0, 0, KEY_BLUE, 1000 * MS + 300);
	vh_reply(&h, 0, 1, KEY_RED, 1000 * MS + 400);
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_MISDELIVERED);
	ck_assert_str_eq(vh_probe(&h, 0)->reply_tenant, "red");
	ck_assert_uint_eq(vh_probe(&h, 0)->duplicates, 1);
	vh_free(&h);
	/* the right VM answering, but under red's key: another VSID */
	vh_init(&h, suite3, NULL);
	vh_send(&h, 0, 1000 * MS);
	vh_reply(&h, 0, 0, KEY_RED, 1000 * MS + 300);
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_MISDELIVERED);
	vh_free(&h);
}
END_TEST

START_TEST(test_correlate_timeout_and_duplicates)
{
	struct vh h;

	vh_init(&h, suite3, NULL);
	vh_send(&h, 0, 1000 * MS);
	vh_reply(&h, 0, 0, KEY_BLUE, 4000 * MS);         /* 3 s later: too late */
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_SILENT);
	ck_assert_uint_eq(h.res.stats.late, 1);
	ck_assert_int_eq(vh_case(&h, "A")->verdict, NV_V_FAIL);
	ck_assert_int_eq(nv_result_exit_code(&h.res), NV_EXIT_FAIL);
	vh_free(&h);

	vh_init(&h, suite3, NULL);
	vh_send(&h, 0, 1000 * MS);
	vh_reply(&h, 0, 0, KEY_BLUE, 1000 * MS + 100);
	vh_reply(&h, 0, 0, KEY_BLUE, 1000 * MS + 200);
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_DELIVERED);
	ck_assert_uint_eq(vh_probe(&h, 0)->duplicates, 1);
	vh_free(&h);
}
END_TEST

/* Capture loss: silence proves nothing, a positive failure still fails. */
START_TEST(test_correlate_capture_loss)
{
	struct nv_capture_stats st = { .live = true, .received = 10, .dropped = 3 };
	struct vh h;

	vh_init(&h, suite3, NULL);
	vh_send(&h, 0, 1000 * MS);
	vh_send(&h, 1, 2000 * MS);
	vh_send(&h, 2, 3000 * MS);
	nv_verify_stats(h.v, &st);
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_INCONCLUSIVE);
	ck_assert_int_eq(vh_case(&h, "A")->verdict, NV_V_INCONCLUSIVE);
	ck_assert_int_eq(vh_case(&h, "C")->verdict, NV_V_INCONCLUSIVE);
	ck_assert_int_eq(h.res.counts[NV_V_PASS], 0);
	ck_assert_int_eq(nv_result_exit_code(&h.res), NV_EXIT_INCONCLUSIVE);
	ck_assert_uint_eq(h.res.stats.dropped, 3);
	vh_free(&h);

	/* rejected where a reply was expected: the reply may be what was lost */
	vh_init(&h, suite3, NULL);
	vh_send(&h, 0, 1000 * MS);
	vh_icmp(&h, 3, 2, 28, 1000 * MS + 100);
	nv_verify_stats(h.v, &st);
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_REJECTED);
	ck_assert_int_eq(vh_case(&h, "A")->verdict, NV_V_INCONCLUSIVE);
	vh_free(&h);

	vh_init(&h, suite3, NULL);
	vh_send(&h, 0, 1000 * MS);
	vh_reply(&h, 0, 1, KEY_RED, 1000 * MS + 300);    /* misdelivered: evidence */
	vh_send(&h, 2, 3000 * MS);
	nv_verify_stats(h.v, &st);
	vh_finish(&h);
	ck_assert_int_eq(vh_case(&h, "A")->verdict, NV_V_FAIL);
	ck_assert_int_eq(nv_result_exit_code(&h.res), NV_EXIT_FAIL);
	vh_free(&h);
}
END_TEST

static const char suite_rl[] =
	"suite: unit-rl\n"
	"cases:\n"
	"  - id: R\n    title: burst\n    level: MUST\n"
	"    probes: [{layout: rfc7637, vsid: 7001, count: 4, gap_ms: 100}]\n"
	"    expect: {observation: rejected, signature: icmp-3-3, rate_limit_ok: true}\n"
	"  - id: S\n    title: same without leave\n    level: MUST\n"
	"    probes: [{layout: rfc7637, vsid: 7001, count: 2, gap_ms: 100}]\n"
	"    expect: {observation: rejected, signature: icmp-3-3}\n";

START_TEST(test_correlate_rate_limited)
{
	struct vh h;

	vh_init(&h, suite_rl, NULL);
	ck_assert_uint_eq(h.plan.n, 6);
	for (uint32_t i = 0; i < 6; i++) {
		vh_send(&h, i, (10000 + 100 * i) * MS);
		if (i == 0 || i == 4)
			vh_icmp(&h, 3, 3, 28, (10000 + 100 * i) * MS + 50);
	}
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_REJECTED);
	for (uint32_t i = 1; i < 4; i++) {
		ck_assert_int_eq(vh_probe(&h, i)->obs, NV_OBS_RATE_LIMITED);
		ck_assert_str_eq(vh_probe(&h, i)->signature, "icmp-3-3");
	}
	ck_assert_int_eq(vh_case(&h, "R")->verdict, NV_V_PASS);
	ck_assert_int_eq(vh_probe(&h, 5)->obs, NV_OBS_SILENT);    /* no leave in S */
	ck_assert_int_eq(vh_case(&h, "S")->verdict, NV_V_FAIL);
	vh_free(&h);
}
END_TEST

START_TEST(test_correlate_unsolicited_and_foreign)
{
	struct vh h;

	vh_init(&h, suite3, NULL);
	vh_send(&h, 0, 1000 * MS);
	vh_tag_xor = 1;                 /* a reply tagged by another run */
	vh_reply(&h, 0, 0, KEY_BLUE, 1000 * MS + 100);
	vh_tag_xor = 0;
	vh_icmp(&h, 3, 3, 4, 1000 * MS + 200);           /* quote too short */
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_SILENT);
	ck_assert_uint_eq(h.res.stats.foreign_run, 1);
	ck_assert_uint_eq(h.res.stats.unsolicited, 2);
	vh_free(&h);
}
END_TEST

/* The DUT as a sender: C=1 and an inner tag in its replies are findings. */
START_TEST(test_correlate_sender_rules)
{
	static const uint8_t dut4[4] = { 192, 0, 2, 2 }, tst4[4] = { 192, 0, 2, 1 };
	struct vh h;
	uint8_t buf[2048];
	struct tf o;
	size_t n;
	bool c = false, vlan = false;

	vh_init(&h, suite3, NULL);
	vh_send(&h, 0, 1000 * MS);
	tf_default(&o);
	memcpy(o.src4, dut4, 4);
	memcpy(o.dst4, tst4, 4);
	o.c = true;
	o.inner_vlans = 1;
	o.icmp_type = 0;
	o.tag.run_id = h.plan.run_id;
	n = tf_build(&o, buf);
	vh_feed(&h, buf, (uint32_t)n, 1000 * MS + 100);
	vh_finish(&h);
	for (int i = 0; i < h.res.nsender; i++) {
		c |= strcmp(h.res.sender[i].rule, "gre.c_bit_set") == 0;
		vlan |= strcmp(h.res.sender[i].rule, "inner.vlan_tag") == 0;
	}
	ck_assert(c && vlan);
	ck_assert_uint_eq(h.res.sender_frames, 1);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_DELIVERED);
	vh_free(&h);
}
END_TEST

/* Live: a probe never sent, or cut off inside its window, proves nothing. */
START_TEST(test_correlate_live_cutoff)
{
	struct nv_verify_opts o = { .live = true };
	struct vh h;

	vh_init(&h, suite3, &o);
	nv_verify_sent(h.v, 0, 1000 * MS);
	nv_verify_sent(h.v, 2, 5000 * MS);
	nv_verify_cutoff(h.v, 5500 * MS, true);     /* 0.5 s into frame 2's window */
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_SILENT);      /* window closed */
	ck_assert_int_eq(vh_probe(&h, 1)->obs, NV_OBS_INCONCLUSIVE); /* never sent */
	ck_assert_int_eq(vh_probe(&h, 2)->obs, NV_OBS_INCONCLUSIVE); /* window open */
	ck_assert_int_eq(vh_case(&h, "A")->verdict, NV_V_FAIL);
	ck_assert_int_eq(vh_case(&h, "B")->verdict, NV_V_INCONCLUSIVE);
	ck_assert(h.res.interrupted);
	vh_free(&h);
}
END_TEST

/* A `gen --count` stream: tag frame i is plan entry i % n; answers add up. */
START_TEST(test_correlate_stream)
{
	struct nv_verify_opts o = { .stream = true };
	struct vh h;

	vh_init(&h, suite3, &o);
	for (uint32_t k = 0; k < 4; k++) {
		nv_verify_sent(h.v, 3 * k, (1000 + k) * MS);
		vh_reply(&h, 3 * k, 0, KEY_BLUE, (1000 + k) * MS + 100);
	}
	vh_reply(&h, 3, 0, KEY_BLUE, 1003 * MS + 200);   /* one more than sent */
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_DELIVERED);
	ck_assert_uint_eq(vh_probe(&h, 0)->replies, 5);
	ck_assert_uint_eq(vh_probe(&h, 0)->duplicates, 1);
	ck_assert_uint_eq(h.res.stats.responses, 5);
	vh_free(&h);
}
END_TEST

/* Mutated probes, replies and errors through the whole verifier: no crash. */
START_TEST(test_correlate_noise)
{
	static const uint8_t dut4[4] = { 192, 0, 2, 2 }, tst4[4] = { 192, 0, 2, 1 };
	uint8_t seed[3][2048], f[2048];
	size_t n[3];
	uint32_t x = 99;
	struct vh h;
	struct tf o;

	vh_init(&h, suite3, NULL);
	vh_send(&h, 1, 1000 * MS);
	memcpy(seed[0], h.probe[0], h.probe_len[0]);
	n[0] = h.probe_len[0];
	n[1] = tf_icmp_error(seed[1], 3, 10, 0, h.probe[0] + 14, h.probe_len[0] - 14, dut4, tst4);
	tf_default(&o);
	memcpy(o.src4, dut4, 4);
	memcpy(o.dst4, tst4, 4);
	o.icmp_type = 3;
	o.icmp_code = 10;
	o.icmp_quote = h.probe[0] + 34;
	o.icmp_quote_len = h.probe_len[0] - 34;
	n[2] = tf_build(&o, seed[2]);
	for (int r = 0; r < 30000; r++) {
		int k = r % 3;
		size_t len = n[k] - (size_t)(r % 7 == 0 ? r % (int)n[k] : 0);

		memcpy(f, seed[k], n[k]);
		for (int j = 0; j < 4; j++) {
			x = x * 1103515245u + 12345u;
			f[(x >> 8) % n[k]] = (uint8_t)(x >> 20);
		}
		nv_verify_frame(h.v, f, (uint32_t)len, (uint32_t)n[k], (1000 + (uint64_t)r) * MS,
				(uint32_t)r + 2);
	}
	vh_finish(&h);
	ck_assert_uint_eq(h.res.stats.captured, 30001);
	vh_free(&h);
}
END_TEST

static bool has_finding(const struct nv_result *r, const char *rule)
{
	for (int i = 0; i < r->nsender; i++)
		if (strcmp(r->sender[i].rule, rule) == 0)
			return true;
	return false;
}

/* RFC 7637 §3.2: a FlowID not generated must be 0; one generated is per flow. */
START_TEST(test_correlate_flowid_rules)
{
	struct vh h;

	vh_init(&h, suite3, NULL);
	vh_reply(&h, 0, 0, KEY_BLUE | 0x5a, 1000 * MS);
	vh_reply(&h, 1, 1, KEY_RED | 0x5a, 1001 * MS);   /* another flow, same FlowID */
	vh_finish(&h);
	ck_assert(has_finding(&h.res, "key.flowid_constant_nonzero"));
	ck_assert(!has_finding(&h.res, "key.flowid_unstable"));
	vh_free(&h);

	vh_init(&h, suite3, NULL);
	vh_reply(&h, 0, 0, KEY_BLUE | 0x01, 1000 * MS);
	vh_reply(&h, 1, 0, KEY_BLUE | 0x02, 1001 * MS);  /* same flow, FlowID moved */
	vh_reply(&h, 2, 1, KEY_RED | 0x07, 1002 * MS);
	vh_finish(&h);
	ck_assert(has_finding(&h.res, "key.flowid_unstable"));
	ck_assert(!has_finding(&h.res, "key.flowid_constant_nonzero"));
	ck_assert(h.res.endpoint.flowid_entropy);
	vh_free(&h);
}
END_TEST

/* A suite-fixed outer IPv4 ID is not a tag: 8-byte quotes still find the probe. */
START_TEST(test_correlate_fixed_ip_id)
{
	static const char suite_id[] =
		"suite: unit-id\n"
		"cases:\n"
		"  - id: I\n    title: fixed id\n    level: MUST\n"
		"    probes: [{layout: rfc7637, tenant: blue}, {layout: draft00, tenant: blue,"
		" outer: {id: 0x0001}}]\n"
		"    expect: {observation: rejected}\n";
	struct vh h;

	vh_init(&h, suite_id, NULL);
	vh_send(&h, 1, 1000 * MS);                  /* ID 0x0001, as frame 0's tag */
	vh_icmp(&h, 3, 3, 28, 1000 * MS + 100);
	vh_send(&h, 0, 2000 * MS);
	vh_icmp(&h, 3, 10, 28, 2000 * MS + 100);
	vh_finish(&h);
	ck_assert_int_eq(vh_probe(&h, 1)->obs, NV_OBS_REJECTED);
	ck_assert_str_eq(vh_probe(&h, 1)->signature, "icmp-3-3");
	ck_assert_int_eq(vh_probe(&h, 0)->obs, NV_OBS_REJECTED);
	ck_assert_str_eq(vh_probe(&h, 0)->signature, "icmp-3-10");
	ck_assert_uint_eq(h.res.stats.unsolicited, 0);
	vh_free(&h);
}
END_TEST

static Suite *correlate_suite(void)
{
	Suite *s = suite_create("correlate");
	TCase *t = tcase_create("core");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_correlate_basic);
	tcase_add_test(t, test_correlate_quote_lengths);
	tcase_add_test(t, test_correlate_no_probes_in_capture);
	tcase_add_test(t, test_correlate_nvgre_icmp);
	tcase_add_test(t, test_correlate_both_reply_and_icmp);
	tcase_add_test(t, test_correlate_misdelivered);
	tcase_add_test(t, test_correlate_timeout_and_duplicates);
	tcase_add_test(t, test_correlate_capture_loss);
	tcase_add_test(t, test_correlate_rate_limited);
	tcase_add_test(t, test_correlate_unsolicited_and_foreign);
	tcase_add_test(t, test_correlate_sender_rules);
	tcase_add_test(t, test_correlate_live_cutoff);
	tcase_add_test(t, test_correlate_stream);
	tcase_add_test(t, test_correlate_noise);
	tcase_add_test(t, test_correlate_flowid_rules);
	tcase_add_test(t, test_correlate_fixed_ip_id);
	suite_add_tcase(s, t);
	return s;
}

NV_UNIT_SUITE(correlate_suite)
