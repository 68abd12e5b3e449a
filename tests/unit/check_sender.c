/*
 * check_sender.c - the DUT as a sender: `expect: sender:` rules judged on
 * the replies correlated to a case's probes (header bits, inner tag, inner
 * FCS, outer fragments, reserved VSIDs, FlowID per flow), verdict by the
 * rule's level capped by the case's, details naming rule, clause, capture
 * frame, expected and actual in decimal and hex.
 */
#include "unit.h"
#include "vharness.h"
#include "nvgrect/crc32.h"

#define MS 1000ull
#define KEY_BLUE 0x00138900u
#define KEY_RED 0x00138a00u
#define ETH_HLEN 14
#define IP4_OFF_TOTLEN 2
#define IP4_OFF_CSUM 10
#define IP4_HLEN 20
#define GRE_KEY_HLEN 8

/* Faults a reply can carry. */
struct fault {
	bool s, c;
	int inner_vlans;
	uint16_t frag;              /* outer flags+offset (0: DF only) */
	bool fcs;                   /* append the inner frame's CRC-32 */
	bool trailer;               /* append 4 bytes that are not a CRC */
};

/* vh_reply with faults: an encapsulated echo reply from tenant t for frame i. */
static void reply(struct vh *h, uint32_t i, int t, uint32_t key, const struct fault *f,
		  uint64_t ts)
{
	static const uint8_t dut4[4] = { 192, 0, 2, 2 }, tst4[4] = { 192, 0, 2, 1 };
	const struct nv_tenant *tn = &h->dut.tenants[t];
	uint8_t buf[2048];
	uint8_t *ip = buf + ETH_HLEN;
	struct tf o;
	size_t n, inner = ETH_HLEN + IP4_HLEN + GRE_KEY_HLEN;

	tf_default(&o);
	memcpy(o.src4, dut4, 4);
	memcpy(o.dst4, tst4, 4);
	memcpy(o.imac_src, tn->vm_mac.a, 6);
	memcpy(o.imac_dst, tn->tester_mac.a, 6);
	memcpy(o.ica_src, tn->vm_ca.a, 4);
	memcpy(o.ica_dst, tn->tester_ca.a, 4);
	o.key = key;
	o.icmp_type = 0;
	o.echo_seq = (uint16_t)i;
	o.tag.run_id = h->plan.run_id;
	o.tag.frame = i;
	o.s = f->s;
	o.c = f->c;
	o.inner_vlans = f->inner_vlans;
	o.frag = f->frag;
	n = tf_build(&o, buf);
	inner += (f->c ? 4u : 0u) + (f->s ? 4u : 0u);
	if (f->fcs || f->trailer) {
		uint32_t crc = nv_crc32(buf + inner, n - inner) ^ (f->trailer ? 1u : 0u);

		for (int k = 0; k < 4; k++)
			buf[n++] = (uint8_t)(crc >> (8 * k));
		tf_put16(ip + IP4_OFF_TOTLEN, (uint16_t)(n - ETH_HLEN));
		tf_put16(ip + IP4_OFF_CSUM, 0);
		tf_put16(ip + IP4_OFF_CSUM, tf_csum(ip, IP4_HLEN, 0));
	}
	vh_feed(h, buf, (uint32_t)n, ts);
}

/* Send every frame of the plan; answer each from blue/red by its tenant. */
static void run(struct vh *h, uint32_t (*key_of)(const struct vh *, uint32_t),
		const struct fault *f)
{
	for (uint32_t i = 0; i < h->plan.n; i++) {
		const struct nv_planned *pl = &h->plan.p[i];
		int t = pl->tenant == &h->dut.tenants[1];
		uint64_t ts = (1000 + 10 * i) * MS;

		vh_send(h, i, ts);
		reply(h, i, t, key_of ? key_of(h, i) : pl->key, f, ts + 100);
	}
	vh_finish(h);
}

static bool has(const char *s, const char *what)
{
	if (strstr(s, what))
		return true;
	fprintf(stderr, "missing '%s' in: %s\n", what, s);
	return false;
}

static const char suite_bits[] =
	"suite: unit-sender\n"
	"cases:\n"
	"  - id: CLEAN\n    level: MUST\n"
	"    probes: [{tenant: blue, count: 2}]\n"
	"    expect: {observation: delivered, sender: clean}\n"
	"  - id: PLAIN\n    level: MUST\n"
	"    probes: [{tenant: blue}]\n"
	"    expect: {observation: delivered}\n"
	"  - id: SHOULD\n    level: SHOULD\n"
	"    probes: [{tenant: blue}]\n"
	"    expect: {observation: delivered, sender: [s_bit]}\n"
	"  - id: INFO\n    level: INFO\n"
	"    probes: [{tenant: blue}]\n"
	"    expect: {observation: any, sender: clean}\n"
	"  - id: OTHER\n    level: MUST\n"
	"    probes: [{tenant: blue}]\n"
	"    expect: {observation: delivered, sender: [inner_vlan]}\n";

/* S=1 on every reply: MUST fails, SHOULD warns, INFO is info, unnamed rules pass. */
START_TEST(test_sender_s_bit_by_level)
{
	static const struct fault f = { .s = true };
	const struct nv_case_result *c;
	struct vh h;
	bool listed = false;

	vh_init(&h, suite_bits, NULL);
	run(&h, NULL, &f);
	c = vh_case(&h, "CLEAN");
	ck_assert_int_eq(c->verdict, NV_V_FAIL);
	ck_assert(has(c->detail, "sender rule s_bit (gre.s_bit_set RFC 7637 §3.2, MUST) capture frame 2"));
	ck_assert(has(c->detail, "S bit (sequence number present): expected 0 (0x0), actual 1 (0x1)"));
	ck_assert(has(c->detail, "2 of 2 answered frames; delivered 2"));
	ck_assert_int_eq(vh_case(&h, "PLAIN")->verdict, NV_V_PASS);
	ck_assert_int_eq(vh_case(&h, "SHOULD")->verdict, NV_V_WARN);
	ck_assert_int_eq(vh_case(&h, "INFO")->verdict, NV_V_INFO);
	c = vh_case(&h, "OTHER");
	ck_assert_int_eq(c->verdict, NV_V_PASS);
	ck_assert(has(c->detail, "sender rules kept by 1 answered frames"));
	/* the run-wide findings still list it */
	for (int i = 0; i < h.res.nsender; i++)
		listed |= strcmp(h.res.sender[i].rule, "gre.s_bit_set") == 0 &&
			  h.res.sender[i].count == h.plan.n;
	ck_assert(listed);
	vh_free(&h);
}
END_TEST

/* Capture drops make silence inconclusive, but a broken MUST rule was seen. */
START_TEST(test_sender_fail_despite_drops)
{
	static const struct fault f = { .s = true };
	struct nv_capture_stats st = { .live = true, .received = 100, .dropped = 3 };
	struct vh h;

	vh_init(&h, suite_bits, NULL);
	nv_verify_stats(h.v, &st);
	/* CLEAN: frame 0 answered with S=1, frame 1 silent (lost?); PLAIN silent */
	vh_send(&h, 0, 1000 * MS);
	reply(&h, 0, 0, h.plan.p[0].key, &f, 1000 * MS + 100);
	vh_send(&h, 1, 1010 * MS);
	vh_send(&h, 2, 1020 * MS);
	vh_finish(&h);
	ck_assert_int_eq(vh_case(&h, "CLEAN")->verdict, NV_V_FAIL);
	ck_assert(has(vh_case(&h, "CLEAN")->detail, "sender rule s_bit"));
	ck_assert_int_eq(vh_case(&h, "PLAIN")->verdict, NV_V_INCONCLUSIVE);
	vh_free(&h);
}
END_TEST

/* C=1 and an inner tag: both broken, the detail says so. */
START_TEST(test_sender_c_bit_and_vlan)
{
	static const struct fault f = { .c = true, .inner_vlans = 1 };
	const struct nv_case_result *c;
	struct vh h;

	vh_init(&h, suite_bits, NULL);
	run(&h, NULL, &f);
	c = vh_case(&h, "CLEAN");
	ck_assert_int_eq(c->verdict, NV_V_FAIL);
	ck_assert(has(c->detail, "sender rule c_bit"));
	ck_assert(has(c->detail, "other rules broken too"));
	c = vh_case(&h, "OTHER");
	ck_assert_int_eq(c->verdict, NV_V_FAIL);
	ck_assert(has(c->detail, "sender rule inner_vlan (inner.vlan_tag RFC 7637 §3.3, MUST)"));
	ck_assert(has(c->detail, "inner 802.1Q tags: expected 0 (0x0), actual 1 (0x1)"));
	vh_free(&h);
}
END_TEST

/* Clean replies: every case passes, and the detail says the rules held. */
START_TEST(test_sender_clean_replies)
{
	static const struct fault f = { 0 };
	struct vh h;

	vh_init(&h, suite_bits, NULL);
	run(&h, NULL, &f);
	ck_assert_int_eq(vh_case(&h, "CLEAN")->verdict, NV_V_PASS);
	ck_assert(has(vh_case(&h, "CLEAN")->detail, "delivered 2; sender rules kept by 2 answered frames"));
	ck_assert_int_eq(vh_case(&h, "INFO")->verdict, NV_V_INFO);
	ck_assert_int_eq(h.res.nsender, 0);
	vh_free(&h);
}
END_TEST

static const char suite_fcs[] =
	"suite: unit-fcs\n"
	"cases:\n"
	"  - id: FCS\n    level: MUST\n"
	"    probes: [{tenant: blue, inner: {payload_len: 64}}]\n"
	"    expect: {observation: delivered, sender: [inner_fcs]}\n"
	"  - id: FRAG\n    level: MUST\n"
	"    probes: [{tenant: blue}]\n"
	"    expect: {observation: delivered, sender: [outer_fragment]}\n";

/* A trailer equal to the CRC-32 of the inner frame is an FCS: SHOULD, so warn. */
START_TEST(test_sender_inner_fcs)
{
	static const struct fault f = { .fcs = true };
	const struct nv_case_result *c;
	struct vh h;

	vh_init(&h, suite_fcs, NULL);
	run(&h, NULL, &f);
	c = vh_case(&h, "FCS");
	ck_assert_int_eq(c->verdict, NV_V_WARN);
	ck_assert(has(c->detail, "sender rule inner_fcs (inner.fcs_present RFC 7637 §3.2, SHOULD) capture frame 2: inner FCS: expected none, actual "));
	ck_assert_int_eq(vh_case(&h, "FRAG")->verdict, NV_V_PASS);
	vh_free(&h);
}
END_TEST

/* Four trailing bytes that are not the CRC: padding, not an FCS. */
START_TEST(test_sender_trailer_not_fcs)
{
	static const struct fault f = { .trailer = true };
	struct vh h;

	vh_init(&h, suite_fcs, NULL);
	run(&h, NULL, &f);
	ck_assert_int_eq(vh_case(&h, "FCS")->verdict, NV_V_PASS);
	vh_free(&h);
}
END_TEST

/* A reply that is a first fragment (MF set): outer_fragment fails. */
START_TEST(test_sender_outer_fragment)
{
	static const struct fault f = { .frag = 0x2000 };
	const struct nv_case_result *c;
	struct vh h;

	vh_init(&h, suite_fcs, NULL);
	run(&h, NULL, &f);
	c = vh_case(&h, "FRAG");
	ck_assert_int_eq(c->verdict, NV_V_FAIL);
	ck_assert(has(c->detail, "sender rule outer_fragment (outer.fragment RFC 7637 §4.4, MUST)"));
	ck_assert(has(c->detail, "outer IP MF|fragment offset: expected 0 (0x0), actual 8192 (0x2000)"));
	vh_free(&h);
}
END_TEST

static const char suite_flow[] =
	"suite: unit-flow\n"
	"cases:\n"
	"  - id: FLOW\n    level: MUST\n"
	"    probes: [{tenant: blue, count: 2}, {tenant: red, count: 2}]\n"
	"    expect: {observation: delivered, sender: [flowid]}\n";

static uint32_t flow_const(const struct vh *h, uint32_t i)
{
	return (h->plan.p[i].key & ~0xffu) | 0x5a;
}

static uint32_t flow_moving(const struct vh *h, uint32_t i)
{
	return (h->plan.p[i].key & ~0xffu) | (0x10 + i);
}

static uint32_t flow_entropy(const struct vh *h, uint32_t i)
{
	return (h->plan.p[i].key & ~0xffu) | (h->plan.p[i].tenant == &h->dut.tenants[1] ? 0x22 : 0x11);
}

START_TEST(test_sender_flowid_constant)
{
	static const struct fault f = { 0 };
	const struct nv_case_result *c;
	struct vh h;

	vh_init(&h, suite_flow, NULL);
	run(&h, flow_const, &f);
	c = vh_case(&h, "FLOW");
	ck_assert_int_eq(c->verdict, NV_V_WARN);
	ck_assert(has(c->detail, "sender rule flowid (key.flowid_constant_nonzero RFC 7637 §3.2, SHOULD)"));
	ck_assert(has(c->detail, "FlowID over 2 inner flows: expected 0 (0x00) or per-flow entropy, actual 90 (0x5a) on every flow"));
	vh_free(&h);
}
END_TEST

START_TEST(test_sender_flowid_unstable)
{
	static const struct fault f = { 0 };
	const struct nv_case_result *c;
	struct vh h;

	vh_init(&h, suite_flow, NULL);
	run(&h, flow_moving, &f);
	c = vh_case(&h, "FLOW");
	ck_assert_int_eq(c->verdict, NV_V_WARN);
	ck_assert(has(c->detail, "key.flowid_unstable"));
	ck_assert(has(c->detail, "FlowID within one inner flow: expected 16 (0x10) as in frame 2, actual 17 (0x11)"));
	vh_free(&h);
}
END_TEST

START_TEST(test_sender_flowid_entropy_and_zero)
{
	static const struct fault f = { 0 };
	struct vh h;

	vh_init(&h, suite_flow, NULL);
	run(&h, flow_entropy, &f);
	ck_assert_int_eq(vh_case(&h, "FLOW")->verdict, NV_V_PASS);
	vh_free(&h);
	vh_init(&h, suite_flow, NULL);
	run(&h, NULL, &f);
	ck_assert_int_eq(vh_case(&h, "FLOW")->verdict, NV_V_PASS);
	vh_free(&h);
}
END_TEST

static const char suite_vsid[] =
	"suite: unit-vsid\n"
	"cases:\n"
	"  - id: KEYS\n    level: MUST\n"
	"    probes: [{tenant: blue, count: 3}]\n"
	"    expect: [{observation: delivered, sender: clean},"
	" {observation: misdelivered, sender: clean}]\n";

/* The last reply under VSID 0x13 (the draft-00 key read as RFC 7637). */
static uint32_t key_reserved(const struct vh *h, uint32_t i)
{
	return i == 2 ? 0x00001389u : h->plan.p[i].key;
}

START_TEST(test_sender_reserved_vsid)
{
	static const struct fault f = { 0 };
	const struct nv_case_result *c;
	struct vh h;

	vh_init(&h, suite_vsid, NULL);
	run(&h, key_reserved, &f);
	c = vh_case(&h, "KEYS");
	ck_assert_int_eq(c->verdict, NV_V_FAIL);
	ck_assert(has(c->detail, "sender rule reserved_vsid (key.vsid_reserved RFC 7637 §3.4, MUST) capture frame 6"));
	ck_assert(has(c->detail, "VSID: expected >= 4096 (0x1000), actual 19 (0x13)"));
	ck_assert(has(c->detail, "1 of 3 answered frames"));
	vh_free(&h);
}
END_TEST

/* The CRC-32 the FCS check relies on: the standard check value. */
START_TEST(test_sender_crc32)
{
	static const uint8_t check[] = "123456789";

	ck_assert_uint_eq(nv_crc32(check, 9), 0xcbf43926u);
	ck_assert_uint_eq(nv_crc32(check, 0), 0);
}
END_TEST

static Suite *sender_suite(void)
{
	Suite *s = suite_create("sender");
	TCase *t = tcase_create("rules");

	tcase_add_test(t, test_sender_s_bit_by_level);
	tcase_add_test(t, test_sender_fail_despite_drops);
	tcase_add_test(t, test_sender_c_bit_and_vlan);
	tcase_add_test(t, test_sender_clean_replies);
	tcase_add_test(t, test_sender_inner_fcs);
	tcase_add_test(t, test_sender_trailer_not_fcs);
	tcase_add_test(t, test_sender_outer_fragment);
	tcase_add_test(t, test_sender_flowid_constant);
	tcase_add_test(t, test_sender_flowid_unstable);
	tcase_add_test(t, test_sender_flowid_entropy_and_zero);
	tcase_add_test(t, test_sender_reserved_vsid);
	tcase_add_test(t, test_sender_crc32);
	suite_add_tcase(s, t);
	return s;
}

NV_UNIT_SUITE(sender_suite)
