/*
 * responder.c - a scripted DUT for golden captures: reads the probes `gen`
 * wrote, lets a reference-endpoint profile (ref/, nv_ref_decide) answer
 * each one, and writes probes and answers, interleaved, as one capture.
 * Built by check-verify.sh against the library; not part of nvgrect.
 *
 *   responder PROFILE DUT.yaml PROBES.pcap OUT.pcap [--both] [--drop-every N]
 *
 * --both        also answer every delivered probe with a plain ICMP 3/2,
 *               as a host stack without GRE beside a userspace datapath does
 * --drop-every  leave out every Nth answer (a capture that lost frames)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvgrect/dissect.h"
#include "nvgrect/pcapio.h"
#include "nvgrect/ref.h"

#define ANSWER_DELAY_US 150

static uint8_t buf[NV_REF_FRAME_MAX];

static int put(struct nv_pcap_writer *w, uint64_t ts, const uint8_t *f, uint32_t n,
	       unsigned drop_every, unsigned *nans)
{
	struct nv_err err;

	if (drop_every && ++*nans % drop_every == 0)
		return 0;
	if (nv_pcapio_write(w, ts, f, n, n, NULL, &err) < 0) {
		fprintf(stderr, "responder: %s\n", err.msg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct nv_dut dut;
	static struct nv_diags ds;
	struct nv_ref_ctx ctx = { 0 };
	struct nv_ref_ratelimit rl;
	struct nv_pcap_reader *r;
	struct nv_pcap_writer *w;
	struct nv_err err;
	const uint8_t *data;
	uint32_t caplen, len;
	uint64_t ts;
	unsigned drop_every = 0, nans = 0;
	bool both = false;
	struct nv_ref_tx tx = { .buf = buf, .ip_id = 1 };

	if (argc < 5) {
		fprintf(stderr, "usage: responder PROFILE DUT PROBES OUT [--both] [--drop-every N]\n");
		return 2;
	}
	for (int i = 5; i < argc; i++) {
		if (!strcmp(argv[i], "--both"))
			both = true;
		else if (!strcmp(argv[i], "--drop-every") && i + 1 < argc)
			drop_every = (unsigned)atoi(argv[++i]);
	}
	ctx.prof = nv_ref_profile_find(argv[1]);
	if (!ctx.prof || nv_dut_load(argv[2], &dut, &ds) < 0) {
		fprintf(stderr, "responder: bad profile or DUT file\n");
		return 2;
	}
	ctx.dut = &dut;
	/* the underlay MAC the probes were crafted to: the file's, else gen's placeholder */
	if (!dut.dut.mac.is_auto)
		memcpy(ctx.mac, dut.dut.mac.a, 6);
	else
		memcpy(ctx.mac, (uint8_t[6]){ 0x02, 0, 0x5e, 0, 0, 0x02 }, 6);
	nv_ref_rl_init(&rl, NV_REF_RL_COST_MS);
	if (nv_pcapio_open_read(argv[3], &r, &err) < 0 ||
	    nv_pcapio_open_write(argv[4], nv_pcapio_fmt_for(argv[4]), true, &w, &err) < 0) {
		fprintf(stderr, "responder: %s\n", err.msg);
		return 4;
	}
	while (nv_pcapio_next(r, &data, &caplen, &len, &ts, NULL, &err) == 1) {
		struct nv_pkt p;
		struct nv_ref_decision d;
		uint32_t n = 0;

		nv_dissect_frame(data, caplen, len, &p);
		nv_ref_decide(&ctx, &p, &d);
		if (nv_pcapio_write(w, ts, data, caplen, len, NULL, &err) < 0)
			return 4;
		if (d.verdict == NV_REF_DELIVER && d.answer != NV_REF_ANS_NONE)
			n = nv_ref_build_answer(&ctx, data, &p, &d, &tx);
		else if (d.verdict == NV_REF_REJECT &&
			 (!ctx.prof->ratelimit || nv_ref_rl_allow(&rl, &p.ip.src, ts / 1000)))
			n = nv_ref_build_reject(&ctx, data, &p, &d, &tx);
		if (n && put(w, ts + ANSWER_DELAY_US, buf, n, drop_every, &nans) < 0)
			return 4;
		/* a second outer fragment (sloppy-sender) follows its first */
		if (n && tx.more_len &&
		    put(w, ts + ANSWER_DELAY_US + 1, buf + tx.more_off, tx.more_len, 0, &nans) < 0)
			return 4;
		if (both && d.verdict == NV_REF_DELIVER) {
			d.verdict = NV_REF_REJECT;
			d.in_nvgre = false;
			d.icmp_v6 = p.ip.family == 10;
			d.icmp_type = d.icmp_v6 ? 4 : 3;
			d.icmp_code = d.icmp_v6 ? 1 : 2;
			n = nv_ref_build_reject(&ctx, data, &p, &d, &tx);
			if (n && put(w, ts + 2 * ANSWER_DELAY_US, buf, n, drop_every, &nans) < 0)
				return 4;
		}
	}
	nv_pcapio_close_read(r);
	if (nv_pcapio_close(w, &err) < 0) {
		fprintf(stderr, "responder: %s\n", err.msg);
		return 4;
	}
	return 0;
}
