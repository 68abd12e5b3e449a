/*
 * capdrv.c - drive verify/capture.c for check-verify.sh and the bench:
 * capture on IFACE for MS milliseconds (filter: the DUT file's default, or
 * "-" for none), dissect every frame, and with SUITE also run the whole
 * verifier on it (plan rebuilt with seed 1, as a `gen --count` stream, only
 * CASE if given); print "captured N nvgre G received R dropped D rate PPS"
 * and, with SUITE, "verified N probes_seen P".
 *
 *   capdrv IFACE MS DUT.yaml|- [BUFFER_BYTES [SUITE.yaml [CASE]]]
 *
 * SIGTERM or SIGINT ends the capture before MS are up.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nvgrect/capture.h"
#include "nvgrect/dissect.h"
#include "nvgrect/verify.h"

struct counts {
	uint64_t n, nvgre, first_us, last_us;
	struct nv_verifier *v;
};

static void on_frame(void *arg, const uint8_t *data, uint32_t caplen, uint32_t len,
		     uint64_t ts, uint32_t no)
{
	struct counts *c = arg;
	struct nv_pkt p;

	if (c->v) {
		nv_verify_frame(c->v, data, caplen, len, ts, no);
	} else {
		nv_dissect_frame(data, caplen, len, &p);
		c->nvgre += nv_dissect_is_nvgre(&p);
	}
	if (!c->n++)
		c->first_us = ts;
	c->last_us = ts;
}

static struct nv_capture *cap;

/* SIGTERM/SIGINT end the capture early (the bench stops it when the sender is done). */
static void on_signal(int sig)
{
	(void)sig;
	if (cap)
		nv_capture_break(cap);
}

static int verifier(struct counts *c, const char *suite_path, const char *kase,
		    const struct nv_dut *dut)
{
	static struct nv_suite suite;
	static struct nv_plan plan;
	static struct nv_diags ds;
	struct nv_verify_opts o = { .stream = true };
	struct nv_run_input in = { .nsuites = 1, .suites = &suite, .dut = dut, .seed = 1 };
	const char *cases[1] = { kase };
	struct nv_err err;

	in.ncase_filter = kase ? 1 : 0;
	in.case_filter = cases;
	if (nv_suite_load(suite_path, &suite, &ds) < 0 || nv_plan_build(&in, &plan, &err) < 0 ||
	    nv_verify_new(&c->v, &plan, dut, &o, &err) < 0) {
		fprintf(stderr, "capdrv: cannot verify with %s\n", suite_path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct nv_dut dut;
	static struct nv_diags ds;
	struct nv_capture_cfg cfg = { 0 };
	struct nv_capture_stats st;
	struct sigaction sa = { .sa_handler = on_signal };
	struct counts c = { 0 };
	struct nv_err err;
	double secs;

	if (argc < 4) {
		fprintf(stderr, "usage: capdrv IFACE MS DUT.yaml|- [BUFFER_BYTES]\n");
		return 2;
	}
	cfg.iface = argv[1];
	if (strcmp(argv[3], "-") == 0) {
		cfg.filter = "";
	} else if (nv_dut_load(argv[3], &dut, &ds) < 0) {
		fprintf(stderr, "capdrv: bad DUT file\n");
		return 2;
	} else {
		cfg.dut = &dut;
	}
	if (argc > 4)
		cfg.buffer_bytes = (uint32_t)strtoul(argv[4], NULL, 0);
	if (argc > 5 && verifier(&c, argv[5], argc > 6 ? argv[6] : NULL, &dut) < 0)
		return 2;
	if (nv_capture_open(&cap, &cfg, &err) < 0) {
		fprintf(stderr, "capdrv: %s\n", err.msg);
		return err.code ? err.code : 4;
	}
	sigaction(SIGTERM, &sa, NULL);     /* no SA_RESTART: poll() returns */
	sigaction(SIGINT, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	if (nv_capture_run(cap, atoi(argv[2]), on_frame, &c, &err) < 0 ||
	    nv_capture_stats(cap, &st, &err) < 0) {
		fprintf(stderr, "capdrv: %s\n", err.msg);
		return 4;
	}
	nv_capture_close(cap);
	if (c.v) {
		struct nv_result r;

		nv_verify_stats(c.v, &st);
		if (nv_verify_finish(c.v, &r, &err) < 0) {
			fprintf(stderr, "capdrv: %s\n", err.msg);
			return 4;
		}
		c.nvgre = r.stats.probes_seen;
		printf("verified %llu probes_seen %llu\n", (unsigned long long)r.stats.captured,
		       (unsigned long long)r.stats.probes_seen);
		nv_result_free(&r);
		nv_verify_free(c.v);
	}
	secs = c.last_us > c.first_us ? (double)(c.last_us - c.first_us) / 1e6 : 0;
	printf("captured %llu nvgre %llu received %llu dropped %llu rate %.0f\n",
	       (unsigned long long)c.n, (unsigned long long)c.nvgre,
	       (unsigned long long)st.received, (unsigned long long)st.dropped,
	       secs > 0 ? (double)c.n / secs : 0.0);
	return 0;
}
