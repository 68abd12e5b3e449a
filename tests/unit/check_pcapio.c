/* check_pcapio.c - pcap/pcapng write -> read round trips, bad files, --force. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "nvgrect/pcapio.h"

static char dir[] = "/tmp/nv-pcapio-XXXXXX";
static char path[300];

static void setup(void)
{
	strcpy(dir, "/tmp/nv-pcapio-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *comments[] = { "KEY-01 rfc7637 vsid=5001 flowid=0 key=0x00138900 expect=delivered",
				  NULL, "x", "odd length comment!" };

/* Write 4 records of lengths 60..63 (unaligned on purpose). */
static void write_file(enum nv_pcap_fmt fmt, const char *name)
{
	struct nv_pcap_writer *w;
	struct nv_err e = { 0 };
	uint8_t pkt[64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_msg(nv_pcapio_open_write(path, fmt, false, &w, &e) == 0, "%s", e.msg);
	for (int i = 0; i < 4; i++) {
		memset(pkt, 0x10 + i, sizeof(pkt));
		ck_assert_int_eq(nv_pcapio_write(w, 1767225600000000ull + (uint64_t)i * 1100000u,
						 pkt, 60u + (uint32_t)i, 100, comments[i], &e), 0);
	}
	ck_assert_int_eq(nv_pcapio_close(w, &e), 0);
}

static void read_back(struct nv_pcap_reader *r, bool with_comments)
{
	const uint8_t *d;
	uint32_t cl, len;
	uint64_t ts;
	const char *c;
	struct nv_err e = { 0 };

	ck_assert_int_eq(nv_pcapio_linktype(r), 1);
	for (int i = 0; i < 4; i++) {
		ck_assert_msg(nv_pcapio_next(r, &d, &cl, &len, &ts, &c, &e) == 1, "%s", e.msg);
		ck_assert_uint_eq(cl, 60u + (uint32_t)i);
		ck_assert_uint_eq(len, 100);
		ck_assert_uint_eq(ts, 1767225600000000ull + (uint64_t)i * 1100000u);
		ck_assert_uint_eq(d[0], 0x10 + i);
		ck_assert_uint_eq(d[cl - 1], 0x10 + i);
		if (with_comments && comments[i])
			ck_assert_str_eq(c, comments[i]);
		else
			ck_assert_ptr_null(c);
	}
	ck_assert_int_eq(nv_pcapio_next(r, &d, &cl, &len, &ts, &c, &e), 0);
}

START_TEST(test_pcapio_roundtrip)
{
	struct nv_pcap_reader *r;
	struct nv_err e = { 0 };
	char tmp[320];
	bool ng = _i == 1;

	write_file(ng ? NV_FMT_PCAPNG : NV_FMT_PCAP, ng ? "a.pcapng" : "a.pcap");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ck_assert_int_ne(access(tmp, F_OK), 0);         /* renamed into place */
	ck_assert_int_eq(nv_pcapio_open_read(path, &r, &e), 0);
	read_back(r, ng);
	nv_pcapio_close_read(r);
}
END_TEST

START_TEST(test_pcapio_fmt_and_force)
{
	struct nv_pcap_writer *w;
	struct nv_err e = { 0 };

	ck_assert_int_eq(nv_pcapio_fmt_for("x.pcapng"), NV_FMT_PCAPNG);
	ck_assert_int_eq(nv_pcapio_fmt_for("x.pcap"), NV_FMT_PCAP);
	ck_assert_int_eq(nv_pcapio_fmt_for("pcapng"), NV_FMT_PCAP);
	write_file(NV_FMT_PCAPNG, "f.pcapng");
	ck_assert_int_eq(nv_pcapio_open_write(path, NV_FMT_PCAPNG, false, &w, &e), -1);
	ck_assert_int_eq(e.code, NV_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "--force"));
	ck_assert_int_eq(nv_pcapio_open_write(path, NV_FMT_PCAPNG, true, &w, &e), 0);
	nv_pcapio_abort(w);                             /* old file stays */
	ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

static uint8_t *slurp(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	uint8_t *b = malloc(1 << 16);

	ck_assert_ptr_nonnull(f);
	*n = fread(b, 1, 1 << 16, f);
	fclose(f);
	return b;
}

/* Every prefix of a good file: records read, then a clean end or an error. */
START_TEST(test_pcapio_truncated_every_length)
{
	bool ng = _i == 1;
	size_t n;
	uint8_t *b;

	write_file(ng ? NV_FMT_PCAPNG : NV_FMT_PCAP, ng ? "t.pcapng" : "t.pcap");
	b = slurp(path, &n);
	for (size_t cut = 0; cut < n; cut++) {
		struct nv_pcap_reader *r;
		struct nv_err e = { 0 };
		const uint8_t *d;
		uint32_t cl, len;
		uint64_t ts;
		const char *c;
		uint8_t *copy = malloc(cut ? cut : 1);
		int rc, recs = 0;

		memcpy(copy, b, cut);
		if (nv_pcapio_open_read_mem(copy, cut, &r, &e) < 0) {
			ck_assert_int_eq(e.code, NV_EXIT_USAGE);
			free(copy);
			continue;
		}
		while ((rc = nv_pcapio_next(r, &d, &cl, &len, &ts, &c, &e)) == 1)
			recs++;
		ck_assert_int_lt(recs, 4);
		if (rc < 0)
			ck_assert_msg(strstr(e.msg, "record") != NULL, "no record named: %s", e.msg);
		nv_pcapio_close_read(r);
		free(copy);
	}
	free(b);
}
END_TEST

START_TEST(test_pcapio_garbage)
{
	static const uint8_t junk[] = "this is not a capture file at all";
	static const uint8_t badlen[] = { 0x0a, 0x0d, 0x0d, 0x0a, 0x05, 0, 0, 0,
					  0x4d, 0x3c, 0x2b, 0x1a, 0, 0, 0, 0 };
	struct nv_pcap_reader *r;
	struct nv_err e = { 0 };
	const uint8_t *d;
	uint32_t cl, len;
	uint64_t ts;

	ck_assert_int_eq(nv_pcapio_open_read_mem(junk, sizeof(junk), &r, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a pcap"));
	ck_assert_int_eq(nv_pcapio_open_read_mem(badlen, sizeof(badlen), &r, &e), 0);
	ck_assert_int_eq(nv_pcapio_next(r, &d, &cl, &len, &ts, NULL, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "block length"));
	nv_pcapio_close_read(r);
	ck_assert_int_eq(nv_pcapio_open_read("/nonexistent/x.pcap", &r, &e), -1);
}
END_TEST

/* A pcapng file whose EPB claims more data than its block holds. */
START_TEST(test_pcapio_overrun_caplen)
{
	struct nv_pcap_reader *r;
	struct nv_err e = { 0 };
	const uint8_t *d;
	uint32_t cl, len;
	uint64_t ts;
	size_t n;
	uint8_t *b;
	size_t epb;

	write_file(NV_FMT_PCAPNG, "o.pcapng");
	b = slurp(path, &n);
	/* SHB is 28 + 12 (userappl) + 4 = 44 bytes, IDB 20 + 8 + 4 = 32 */
	epb = 44 + 32;
	ck_assert_uint_eq(b[epb], 6);
	b[epb + 20] = 0xff;                             /* caplen low byte */
	b[epb + 21] = 0x0f;
	ck_assert_int_eq(nv_pcapio_open_read_mem(b, n, &r, &e), 0);
	ck_assert_int_eq(nv_pcapio_next(r, &d, &cl, &len, &ts, NULL, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "overruns"));
	nv_pcapio_close_read(r);
	free(b);
}
END_TEST

/* Records reserved in place read back like written ones. */
START_TEST(test_pcapio_reserve)
{
	struct nv_pcap_writer *w;
	struct nv_pcap_reader *r;
	struct nv_err e = { 0 };
	const uint8_t *d;
	uint32_t cl, len;
	uint64_t ts;
	const char *c;
	bool ng = _i == 1;

	snprintf(path, sizeof(path), "%s/r.%s", dir, ng ? "pcapng" : "pcap");
	ck_assert_int_eq(nv_pcapio_open_write(path, ng ? NV_FMT_PCAPNG : NV_FMT_PCAP, false,
					      &w, &e), 0);
	for (uint32_t i = 0; i < 3000; i++) {       /* > 1 MiB with 1001-byte records */
		uint8_t *p = nv_pcapio_reserve(w, 5000000ull + i, 1001, 1001, &e);

		ck_assert_ptr_nonnull(p);
		memset(p, (int)(i & 0xff), 1001);
	}
	ck_assert_int_eq(nv_pcapio_close(w, &e), 0);
	ck_assert_int_eq(nv_pcapio_open_read(path, &r, &e), 0);
	for (uint32_t i = 0; i < 3000; i++) {
		ck_assert_msg(nv_pcapio_next(r, &d, &cl, &len, &ts, &c, &e) == 1, "%s", e.msg);
		ck_assert_uint_eq(cl, 1001);
		ck_assert_uint_eq(ts, 5000000ull + i);
		ck_assert_uint_eq(d[0], i & 0xff);
		ck_assert_uint_eq(d[1000], i & 0xff);
	}
	ck_assert_int_eq(nv_pcapio_next(r, &d, &cl, &len, &ts, &c, &e), 0);
	nv_pcapio_close_read(r);
}
END_TEST

static Suite *pcapio_suite(void)
{
	Suite *s = suite_create("pcapio");
	TCase *t = tcase_create("io");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, test_pcapio_roundtrip, 0, 2);
	tcase_add_test(t, test_pcapio_fmt_and_force);
	tcase_add_loop_test(t, test_pcapio_truncated_every_length, 0, 2);
	tcase_add_test(t, test_pcapio_garbage);
	tcase_add_test(t, test_pcapio_overrun_caplen);
	tcase_add_loop_test(t, test_pcapio_reserve, 0, 2);
	suite_add_tcase(s, t);
	return s;
}

NV_UNIT_SUITE(pcapio_suite)
