/*
 * capdrv.c - drive verify/capture.c for check-verify.sh and the bench:
 * capture on IFACE for MS milliseconds (filter: the DUT file's default, or
 * "-" for none), count frames, optionally feed the verifier's dissector, and
 * print "captured N received R dropped D rate PPS".
 *
 *   capdrv IFACE MS DUT.yaml|- [BUFFER_BYTES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nvgrect/capture.h"
#include "nvgrect/dissect.h"

struct counts {
	uint64_t n, nvgre, first_us, last_us;
};

static void on_frame(void *arg, const uint8_t *data, uint32_t caplen, uint32_t len,
		     uint64_t ts, uint32_t no)
{
	struct counts *c = arg;
	struct nv_pkt p;

	(void)no;
	nv_dissect_frame(data, caplen, len, &p);
	c->nvgre += nv_dissect_is_nvgre(&p);
	if (!c->n++)
		c->first_us = ts;
	c->last_us = ts;
}

int main(int argc, char **argv)
{
	static struct nv_dut dut;
	static struct nv_diags ds;
	struct nv_capture_cfg cfg = { 0 };
	struct nv_capture_stats st;
	struct nv_capture *cap;
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
	if (nv_capture_open(&cap, &cfg, &err) < 0) {
		fprintf(stderr, "capdrv: %s\n", err.msg);
		return err.code ? err.code : 4;
	}
	printf("ready\n");
	fflush(stdout);
	if (nv_capture_run(cap, atoi(argv[2]), on_frame, &c, &err) < 0 ||
	    nv_capture_stats(cap, &st, &err) < 0) {
		fprintf(stderr, "capdrv: %s\n", err.msg);
		return 4;
	}
	nv_capture_close(cap);
	secs = c.last_us > c.first_us ? (double)(c.last_us - c.first_us) / 1e6 : 0;
	printf("captured %llu nvgre %llu received %llu dropped %llu rate %.0f\n",
	       (unsigned long long)c.n, (unsigned long long)c.nvgre,
	       (unsigned long long)st.received, (unsigned long long)st.dropped,
	       secs > 0 ? (double)c.n / secs : 0.0);
	return 0;
}
