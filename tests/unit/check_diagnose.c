/*
 * check_diagnose.c - layout inference and findings of `nvgrect diagnose`
 * on synthetic dissections (struct nv_pkt built by hand), and its writers.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"
#include "nvgrect/diagnose.h"

#define A "192.0.2.1"
#define B "192.0.2.2"
#define K_DRAFT_5001 0x00001389u
#define K_RFC_5001 0x00138900u

static struct nv_diagnose *x;
static struct nv_diagnosis d;
static uint64_t fno;

static void setup(void)
{
	x = nv_diagnose_new(NULL, NULL);
	memset(&d, 0, sizeof(d));
	fno = 0;
}

static void teardown(void)
{
	nv_diagnose_free(x);
	nv_diagnose_result_free(&d);
}

static struct nv_addr addr(const char *s)
{
	struct nv_addr a;

	ck_assert_int_eq(nv_addr_parse(s, &a), 0);
	return a;
}

/* An NVGRE frame src -> dst carrying an inner ICMP echo (request or reply). */
static void nvgre(const char *src, const char *dst, uint32_t key, const char *isrc,
		  const char *idst, bool reply)
{
	struct nv_pkt p;

	memset(&p, 0, sizeof(p));
	p.ip.present = true;
	p.ip.family = strchr(src, ':') ? AF_INET6 : AF_INET;
	p.ip.src = addr(src);
	p.ip.dst = addr(dst);
	p.ip.proto = 47;
	p.gre.present = p.gre.k = p.gre.has_key = true;
	p.gre.key = key;
	p.gre.proto = 0x6558;
	p.has_inner = true;
	p.iethertype = 0x0800;
	p.iip.present = true;
	p.iip.family = AF_INET;
	p.iip.src = addr(isrc);
	p.iip.dst = addr(idst);
	p.l4.present = true;
	p.l4.proto = 1;
	p.l4.type = reply ? 0 : 8;
	nv_diagnose_add(x, ++fno, &p);
}

/* The ICMP error `from` sends about a frame orig_src -> orig_dst with key. */
static void icmp_err(const char *from, const char *orig_src, const char *orig_dst,
		     uint32_t key, uint8_t type, uint8_t code)
{
	struct nv_pkt p;

	memset(&p, 0, sizeof(p));
	p.ip.present = true;
	p.ip.family = AF_INET;
	p.ip.src = addr(from);
	p.ip.dst = addr(orig_src);
	p.ip.proto = 1;
	p.is_icmp_error = true;
	p.icmp_type = type;
	p.icmp_code = code;
	p.icmp_family = AF_INET;
	p.quote.present = true;
	p.quote.quote_len = 28;
	p.quote.ip.present = true;
	p.quote.ip.src = addr(orig_src);
	p.quote.ip.dst = addr(orig_dst);
	p.quote.ip.proto = 47;
	p.quote.gre.present = p.quote.gre.has_key = true;
	p.quote.gre.key = key;
	p.quote.gre.proto = 0x6558;
	nv_diagnose_add(x, ++fno, &p);
}

static const struct nv_dx_host *host(const char *pa)
{
	struct nv_addr a = addr(pa);

	for (int i = 0; i < d.nhosts; i++)
		if (nv_addr_eq(&d.hosts[i].pa, &a))
			return &d.hosts[i];
	ck_abort_msg("host %s not in the diagnosis", pa);
	return NULL;
}

static void finish(void)
{
	struct nv_err e;

	ck_assert_int_eq(nv_diagnose_finish(x, &d, &e), 0);
}

static bool has_code(const char *code)
{
	for (int i = 0; i < d.nfindings; i++)
		if (!strcmp(d.findings[i].code, code))
			return true;
	return false;
}

START_TEST(test_dx_incident)
{
	for (int i = 0; i < 3; i++) {
		nvgre(A, B, K_DRAFT_5001, "10.0.0.1", "10.0.0.2", false);
		icmp_err(B, A, B, K_DRAFT_5001, 3, 10);
	}
	for (int i = 0; i < 3; i++)
		nvgre(B, A, K_RFC_5001, "10.0.0.2", "10.0.0.1", false);
	finish();
	ck_assert_int_eq(d.nhosts, 2);
	ck_assert_str_eq(nv_diagnose_layout_str(host(A)->layout), "draft00");
	ck_assert_str_eq(nv_diagnose_layout_str(host(B)->layout), "rfc7637");
	ck_assert(host(A)->confidence >= 0.85);
	ck_assert(host(B)->confidence >= 0.85);
	ck_assert_int_gt(host(A)->nreasons, 0);
	ck_assert_str_eq(d.findings[0].code, "layout-mismatch");
	ck_assert_int_eq(d.findings[0].severity, NV_DX_CRITICAL);
	ck_assert_ptr_nonnull(strstr(d.findings[0].text,
		"192.0.2.1 sends VSID 5001 in the draft-00 layout (key 0x00001389); "
		"192.0.2.2 reads that as VSID 0x13 and answers ICMP 3/10"));
	ck_assert_ptr_nonnull(strstr(d.findings[0].text, "bring 192.0.2.1 to RFC 7637"));
	/* the draft key's frames 1, 3, 5 and B's ICMP errors 2, 4, 6 are cited */
	ck_assert_ptr_nonnull(strstr(d.findings[0].text, "answers ICMP 3/10 (frames 1, 2, 3, 4, 5, 6)."));
	/* the other direction: B's requests 7, 8, 9 went unanswered */
	ck_assert_ptr_nonnull(strstr(d.findings[0].text, "without a word: 3 requests"));
	ck_assert_int_eq(d.findings[0].frames.n, NV_DX_FRAMES_CITED);
	ck_assert_uint_eq(d.npairs, 1);
	ck_assert_int_eq(d.pairs[0].compatible, 0);
}
END_TEST

START_TEST(test_dx_one_direction_rejects_only)
{
	/* only B's traffic and A's rejections: A's layout comes from the rejection */
	for (int i = 0; i < 4; i++) {
		nvgre(B, A, K_RFC_5001, "10.0.0.2", "10.0.0.1", false);
		icmp_err(A, B, A, K_RFC_5001, 3, 10);
		nvgre(B, A, 0x00138A00u, "10.0.0.2", "10.0.0.1", false);
		icmp_err(A, B, A, 0x00138A00u, 3, 10);
	}
	finish();
	ck_assert_int_eq(host(A)->layout, 1);
	ck_assert_int_eq(host(B)->layout, 0);
	ck_assert_uint_eq(host(A)->nvgre_sent, 0);
	ck_assert_str_eq(d.findings[0].code, "layout-mismatch");
}
END_TEST

START_TEST(test_dx_healthy_rfc)
{
	for (int i = 0; i < 3; i++) {
		nvgre(A, B, K_RFC_5001, "10.0.0.1", "10.0.0.2", false);
		nvgre(B, A, K_RFC_5001, "10.0.0.2", "10.0.0.1", true);
	}
	finish();
	ck_assert_int_eq(host(A)->layout, 0);
	ck_assert_int_eq(host(B)->layout, 0);
	ck_assert_int_eq(host(A)->flowid_entropy, 0);
	ck_assert_str_eq(d.findings[0].code, "healthy-pair");
	for (int i = 0; i < d.nfindings; i++)
		ck_assert_int_gt(d.findings[i].severity, NV_DX_ERROR);
}
END_TEST

START_TEST(test_dx_healthy_draft)
{
	for (int i = 0; i < 3; i++) {
		nvgre(A, B, K_DRAFT_5001, "10.0.0.1", "10.0.0.2", false);
		nvgre(B, A, K_DRAFT_5001, "10.0.0.2", "10.0.0.1", true);
	}
	finish();
	ck_assert_int_eq(host(A)->layout, 1);
	ck_assert_int_eq(host(B)->layout, 1);
	ck_assert_int_eq(host(A)->flowid_entropy, -1);
	ck_assert_str_eq(d.findings[0].code, "draft00-host");
	ck_assert(has_code("healthy-pair"));
}
END_TEST

START_TEST(test_dx_silent_mismatch_symmetry)
{
	/* no ICMP at all: both directions agree only as draft00 -> rfc7637 */
	for (int i = 0; i < 3; i++) {
		nvgre(A, B, K_DRAFT_5001, "10.0.0.1", "10.0.0.2", false);
		nvgre(B, A, K_RFC_5001, "10.0.0.2", "10.0.0.1", false);
	}
	finish();
	ck_assert_int_eq(host(A)->layout, 1);
	ck_assert_int_eq(host(B)->layout, 0);
	ck_assert_ptr_nonnull(strstr(d.findings[0].text, "drops it without a word"));
}
END_TEST

START_TEST(test_dx_no_nvgre)
{
	struct nv_pkt p;

	memset(&p, 0, sizeof(p));
	nv_diagnose_add(x, ++fno, &p);          /* not even IP */
	p.ip.present = true;
	p.ip.src = addr(A);
	p.ip.dst = addr(B);
	p.ip.proto = 47;
	p.gre.present = true;                   /* GRE without a key */
	p.gre.proto = 0x0800;
	nv_diagnose_add(x, ++fno, &p);
	finish();
	ck_assert_int_eq(d.nhosts, 0);
	ck_assert_uint_eq(d.gre_other_frames, 1);
	ck_assert_str_eq(d.findings[0].code, "no-nvgre");
}
END_TEST

START_TEST(test_dx_dut_ground_truth)
{
	struct nv_dut dut;
	uint32_t ambiguous = 0x00123456u;   /* rfc VSID 0x1234 FlowID 0x56 / draft 0x123456 */

	memset(&dut, 0, sizeof(dut));
	/* without a DUT file the key is plausible both ways: unknown */
	nvgre(A, B, ambiguous, "10.0.0.1", "10.0.0.2", false);
	finish();
	ck_assert_int_eq(host(A)->layout, -1);
	ck_assert(has_code("layout-unknown"));
	teardown();

	for (int want = 0; want < 2; want++) {
		dut.ntenants = 1;
		dut.tenants[0].vsid = want == 0 ? 0x1234 : 0x123456;
		x = nv_diagnose_new(&dut, NULL);
		memset(&d, 0, sizeof(d));
		nvgre(A, B, ambiguous, "10.0.0.1", "10.0.0.2", false);
		finish();
		ck_assert_int_eq(host(A)->layout, want);
		ck_assert(host(A)->confidence >= 0.7);
		if (want == 0)
			teardown();
	}
}
END_TEST

START_TEST(test_dx_flowid_intolerant)
{
	for (int i = 0; i < 2; i++) {
		nvgre(A, B, K_RFC_5001, "10.0.0.1", "10.0.0.2", false);
		nvgre(B, A, K_RFC_5001, "10.0.0.2", "10.0.0.1", true);
		nvgre(A, B, K_RFC_5001 | 0x3c, "10.0.0.1", "10.0.0.2", false);
		icmp_err(B, A, B, K_RFC_5001 | 0x3c, 3, 10);
	}
	finish();
	ck_assert_int_eq(host(A)->layout, 0);
	ck_assert_int_eq(host(B)->layout, 0);     /* not pushed to draft00 by the rejections */
	ck_assert_int_eq(host(A)->flowid_entropy, 1);
	ck_assert_str_eq(d.findings[0].code, "flowid-intolerant");
}
END_TEST

START_TEST(test_dx_unknown_vsid_and_no_gre)
{
	nvgre(A, B, K_RFC_5001, "10.0.0.1", "10.0.0.2", false);
	nvgre(B, A, K_RFC_5001, "10.0.0.2", "10.0.0.1", true);
	nvgre(A, B, 0x001B5800u, "10.0.0.1", "10.0.0.9", false);   /* VSID 7000 */
	icmp_err(B, A, B, 0x001B5800u, 3, 10);
	nvgre(A, "192.0.2.3", K_RFC_5001, "10.0.0.1", "10.0.0.3", false);
	icmp_err("192.0.2.3", A, "192.0.2.3", K_RFC_5001, 3, 2);
	finish();
	ck_assert_int_eq(host(B)->layout, 0);
	ck_assert(has_code("unknown-vsid"));
	ck_assert(has_code("no-gre-endpoint"));
}
END_TEST

START_TEST(test_dx_bounds)
{
	char src[32];

	/* more hosts than the table holds: counted, never tracked, never a crash */
	for (int i = 0; i < NV_DX_HOST_MAX + 40; i++) {
		snprintf(src, sizeof(src), "10.%d.%d.1", i / 250, i % 250);
		nvgre(src, B, K_RFC_5001, "10.0.0.1", "10.0.0.2", false);
	}
	/* many rejections: frame lists stay capped, totals stay exact */
	for (int i = 0; i < 100; i++)
		icmp_err(B, A, B, K_DRAFT_5001, 3, 10);
	finish();
	ck_assert_int_le(d.nhosts, NV_DX_HOST_MAX);
	ck_assert_uint_gt(d.untracked, 0);
	ck_assert(has_code("bounds-reached"));
	for (int i = 0; i < d.nfindings; i++)
		ck_assert_int_le(d.findings[i].frames.n, NV_DX_FRAMES_CITED);
}
END_TEST

START_TEST(test_dx_writers_escape)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	struct nv_err e;

	nvgre(A, B, K_DRAFT_5001, "10.0.0.1", "10.0.0.2", false);
	icmp_err(B, A, B, K_DRAFT_5001, 3, 10);
	nvgre(B, A, K_RFC_5001, "10.0.0.2", "10.0.0.1", false);
	snprintf(d.capture, sizeof(d.capture), "evil\033[31m<script>\".pcap");
	finish();
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(nv_diagnose_write_text(f, &d, true, &e), 0);
	ck_assert_int_eq(nv_diagnose_write_json(f, &d, &e), 0);
	fclose(f);
	/* colour codes are ours; the file name's ESC must be escaped */
	ck_assert_ptr_null(strstr(buf, "evil\033"));
	ck_assert_ptr_nonnull(strstr(buf, "evil\\x1b[31m"));
	ck_assert_ptr_nonnull(strstr(buf, "\"inferred_layout\": \"draft00\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"schema\": \"nvgrect-diagnosis/1\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"code\": \"layout-mismatch\""));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(nv_diagnose_write_md(f, &d, &e), 0);
	ck_assert_int_eq(nv_diagnose_write_html(f, &d, &e), 0);
	fclose(f);
	ck_assert_ptr_null(memchr(buf, '\033', len));
	ck_assert_ptr_null(strstr(buf, "<script>"));
	ck_assert_ptr_nonnull(strstr(buf, "&lt;script&gt;"));
	free(buf);
}
END_TEST

/* MS-NVGREE: the rejection comes back inside NVGRE, keyed with the VSID read. */
static void nvgre_icmp_err(const char *from, const char *to, uint32_t outer_key,
			   uint32_t quoted_key)
{
	struct nv_pkt p;

	memset(&p, 0, sizeof(p));
	p.ip.present = true;
	p.ip.family = AF_INET;
	p.ip.src = addr(from);
	p.ip.dst = addr(to);
	p.ip.proto = 47;
	p.gre.present = p.gre.k = p.gre.has_key = true;
	p.gre.key = outer_key;
	p.gre.proto = 0x6558;
	p.has_inner = true;
	p.is_icmp_error = p.icmp_in_nvgre = true;
	p.icmp_type = 3;
	p.icmp_code = 10;
	p.icmp_family = AF_INET;
	p.quote.present = p.quote.from_gre = true;
	p.quote.gre.present = p.quote.gre.has_key = true;
	p.quote.gre.key = quoted_key;
	p.quote.gre.proto = 0x6558;
	nv_diagnose_add(x, ++fno, &p);
}

START_TEST(test_dx_nvgre_icmp_echo)
{
	/* B answers A's draft key 0x1389 inside NVGRE keyed 0x1300: VSID 0x13 both,
	 * only under rfc7637. B sends nothing else. */
	for (int i = 0; i < 2; i++) {
		nvgre(A, B, K_DRAFT_5001, "10.0.0.1", "10.0.0.2", false);
		nvgre_icmp_err(B, A, 0x00001300u, K_DRAFT_5001);
	}
	finish();
	ck_assert_int_eq(host(B)->layout, 0);
	ck_assert_int_eq(host(A)->layout, 1);
	ck_assert_str_eq(d.findings[0].code, "layout-mismatch");
	ck_assert_ptr_nonnull(strstr(d.findings[0].text, "ICMP 3/10 inside NVGRE"));
}
END_TEST

START_TEST(test_dx_mixed_tester)
{
	/* a tester sends one VM pair's VSID 5001 in both layouts; the draft00
	 * DUT answers the draft key and rejects the rfc one */
	for (int i = 0; i < 2; i++) {
		nvgre(A, B, K_RFC_5001, "10.0.0.1", "10.0.0.2", false);
		icmp_err(B, A, B, K_RFC_5001, 3, 10);
		nvgre(A, B, K_DRAFT_5001, "10.0.0.1", "10.0.0.2", false);
		nvgre(B, A, K_DRAFT_5001, "10.0.0.2", "10.0.0.1", true);
	}
	finish();
	ck_assert(host(A)->mixed);
	ck_assert(!host(B)->mixed);
	ck_assert_int_eq(host(B)->layout, 1);
	ck_assert_str_eq(d.findings[0].code, "draft00-host");
	ck_assert(has_code("probes-rejected"));
	ck_assert(!has_code("tenant-aliasing"));
	ck_assert(!has_code("layout-mismatch"));
}
END_TEST

START_TEST(test_dx_path_error_router)
{
	nvgre(A, B, K_RFC_5001, "10.0.0.1", "10.0.0.2", false);
	icmp_err("198.18.0.1", A, B, K_RFC_5001, 3, 4);
	finish();
	ck_assert_int_eq(d.nhosts, 2);          /* the router is no NVGRE host */
	ck_assert(has_code("path-error"));
}
END_TEST

static Suite *diagnose_suite(void)
{
	Suite *s = suite_create("diagnose");
	TCase *tc = tcase_create("infer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dx_incident);
	tcase_add_test(tc, test_dx_one_direction_rejects_only);
	tcase_add_test(tc, test_dx_healthy_rfc);
	tcase_add_test(tc, test_dx_healthy_draft);
	tcase_add_test(tc, test_dx_silent_mismatch_symmetry);
	tcase_add_test(tc, test_dx_no_nvgre);
	tcase_add_test(tc, test_dx_dut_ground_truth);
	tcase_add_test(tc, test_dx_flowid_intolerant);
	tcase_add_test(tc, test_dx_unknown_vsid_and_no_gre);
	tcase_add_test(tc, test_dx_bounds);
	tcase_add_test(tc, test_dx_writers_escape);
	tcase_add_test(tc, test_dx_nvgre_icmp_echo);
	tcase_add_test(tc, test_dx_mixed_tester);
	tcase_add_test(tc, test_dx_path_error_router);
	suite_add_tcase(s, tc);
	return s;
}

NV_UNIT_SUITE(diagnose_suite)
