/*
 * gen.c - `nvgrect gen`: suites -> frames, into a pcap/pcapng file or onto
 * an interface. Options, loading and output only; the work is in gen/.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd.h"
#include "nvgrect/craft.h"
#include "nvgrect/pcapio.h"
#include "nvgrect/send.h"
#include "nvgrect/suite.h"

#define GEN_SUITES_MAX 16
#define GEN_CASES_MAX 256
#define GEN_RATE_MAX 10000000ull
#define GEN_COUNT_MAX 1000000000000ull
#define US_PER_S 1000000ull
#define PROGRESS_EVERY_US 500000u
#define PROGRESS_CHECK_MASK 0xfffu     /* look at the clock every 4096 frames */
#define HEX_PER_LINE 16

struct gen_opts {
	int nsuites;
	const char *suites[GEN_SUITES_MAX];
	const char *dut, *out, *iface, *manifest;
	int ncases;
	const char *cases[GEN_CASES_MAX];
	uint64_t seed, count;
	uint32_t rate;
	int workers;
	bool force, dry_run, allow_default_route, use_pcap;
	int verbose;
};

struct gen {
	struct gen_opts o;
	struct nv_suite suites[GEN_SUITES_MAX];
	int nloaded;
	struct nv_dut dut;
	struct nv_plan plan;
	struct nv_craft_env env;
	bool tty;
};

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nvgrect gen SUITE.yaml... [--dut DUT.yaml] -w OUT.pcap|OUT.pcapng [options]\n"
		"       nvgrect gen SUITE.yaml... --dut DUT.yaml -i IFACE [options]\n"
		"\n"
		"Craft every probe of the suites. To a file: pcapng carries one comment per\n"
		"frame (case, layout, VSID, FlowID, key, expectation); timestamps are pinned\n"
		"(2026-01-01T00:00:00Z + the plan's pacing), so the same inputs and --seed\n"
		"give byte-identical files. Without --dut a built-in documentation DUT is\n"
		"used (192.0.2.1 -> 192.0.2.2, tenants blue 5001 and green 6001).\n"
		"Live: frames go only to dut.pa, on an interface without the default\n"
		"route; dut.mac: auto is resolved by ARP (IPv4), tester.mac: auto is the\n"
		"interface's own.\n"
		"\n"
		"  -w, --write FILE        output file (.pcapng -> pcapng, else pcap)\n"
		"  -i, --iface IFACE       send live on IFACE (needs --dut)\n"
		"  --dut FILE              the DUT file\n"
		"  --case ID               only this case (repeatable)\n"
		"  --seed N                run id and random FlowIDs (default 1)\n"
		"  --count N               stream N frames: the selected probes repeated,\n"
		"                          per-frame fields patched (IP ID, seq, nonce, FlowID)\n"
		"  --manifest FILE         JSON: every frame with tag, case, key, expectation\n"
		"  --force                 replace existing output files\n"
		"  --rate PPS              live: at most PPS frames/s (default %u); with\n"
		"                          --count to a file: the timestamps' rate\n"
		"  --dry-run               live: build and print, open no socket\n"
		"  --allow-default-route   live: allow an interface holding the default route\n"
		"  --pcap-inject           live: send with pcap_inject, not AF_PACKET sendmmsg\n"
		"  --workers N             live --count: N sending processes (rate shared)\n"
		"  -v, --verbose           dry run: hex dump every frame\n"
		"  -h, --help              this text\n"
		"\n"
		"exit: 0 ok, 2 usage or invalid input, 3 DUT unreachable (no ARP answer),\n"
		"4 runtime error (I/O, send), 130/143 interrupted\n",
		NV_SEND_RATE_DEFAULT);
}

static int bad(const char *what, const char *val)
{
	fprintf(stderr, "nvgrect gen: invalid %s: %s\n", what, val);
	return NV_EXIT_USAGE;
}

enum { OPT_DUT = 256, OPT_CASE, OPT_SEED, OPT_COUNT, OPT_MANIFEST, OPT_FORCE,
       OPT_RATE, OPT_DRY, OPT_ALLOW_DEFAULT, OPT_PCAP, OPT_WORKERS };

static int parse_number(const char *what, const char *arg, unsigned long long max,
			unsigned long long *n)
{
	if (nv_cli_number(arg, max, n) < 0)
		return bad(what, arg);
	return 0;
}

static int parse_one(struct gen_opts *o, int c, const char *arg)
{
	unsigned long long n;

	switch (c) {
	case 'w': o->out = arg; return 0;
	case 'i': o->iface = arg; return 0;
	case 'v': o->verbose++; return 0;
	case OPT_DUT: o->dut = arg; return 0;
	case OPT_MANIFEST: o->manifest = arg; return 0;
	case OPT_FORCE: o->force = true; return 0;
	case OPT_DRY: o->dry_run = true; return 0;
	case OPT_ALLOW_DEFAULT: o->allow_default_route = true; return 0;
	case OPT_PCAP: o->use_pcap = true; return 0;
	case OPT_CASE:
		if (o->ncases >= GEN_CASES_MAX)
			return bad("--case (too many)", arg);
		o->cases[o->ncases++] = arg;
		return 0;
	case OPT_SEED:
		if (parse_number("--seed", arg, UINT64_MAX, &n))
			return NV_EXIT_USAGE;
		o->seed = n;
		return 0;
	case OPT_COUNT:
		if (parse_number("--count", arg, GEN_COUNT_MAX, &n) || n == 0)
			return n == 0 ? bad("--count", arg) : NV_EXIT_USAGE;
		o->count = n;
		return 0;
	case OPT_WORKERS:
		if (parse_number("--workers", arg, NV_SEND_WORKERS_MAX, &n) || n == 0)
			return n == 0 ? bad("--workers", arg) : NV_EXIT_USAGE;
		o->workers = (int)n;
		return 0;
	case OPT_RATE:
		if (parse_number("--rate", arg, GEN_RATE_MAX, &n) || n == 0)
			return n == 0 ? bad("--rate", arg) : NV_EXIT_USAGE;
		o->rate = (uint32_t)n;
		return 0;
	default:
		usage(stderr);
		return NV_EXIT_USAGE;
	}
}

static int check_args(const struct gen_opts *o)
{
	const char *why = NULL;

	if (!o->nsuites)
		why = "no suite given";
	else if (!o->out && !o->iface)
		why = "say where the frames go: -w FILE or -i IFACE";
	else if (o->out && o->iface)
		why = "-w and -i together: choose one";
	else if (o->iface && !o->dut)
		why = "live send (-i) needs --dut: frames may only go to the DUT's PA";
	else if (o->dry_run && !o->iface)
		why = "--dry-run is for live send (-i)";
	else if (o->workers > 1 && (!o->iface || !o->count))
		why = "--workers is for live streams (-i with --count)";
	if (!why)
		return 0;
	fprintf(stderr, "nvgrect gen: %s\n", why);
	usage(stderr);
	return NV_EXIT_USAGE;
}

/* 0 = go on, -1 = --help done, else an exit code. */
static int parse_args(struct gen_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "write", required_argument, NULL, 'w' },
		{ "iface", required_argument, NULL, 'i' },
		{ "dut", required_argument, NULL, OPT_DUT },
		{ "case", required_argument, NULL, OPT_CASE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "manifest", required_argument, NULL, OPT_MANIFEST },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "allow-default-route", no_argument, NULL, OPT_ALLOW_DEFAULT },
		{ "pcap-inject", no_argument, NULL, OPT_PCAP },
		{ "workers", required_argument, NULL, OPT_WORKERS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->seed = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "w:i:vh", lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		if (c == '?')
			return NV_EXIT_USAGE;
		if ((rc = parse_one(o, c, optarg)) != 0)
			return rc;
	}
	for (; optind < argc; optind++) {
		if (o->nsuites >= GEN_SUITES_MAX)
			return bad("suite list (too many)", argv[optind]);
		o->suites[o->nsuites++] = argv[optind];
	}
	return check_args(o);
}

static int load_inputs(struct gen *g)
{
	if (!g->o.dut) {
		nv_craft_doc_dut(&g->dut);
		fprintf(stderr, "nvgrect gen: no --dut: using the built-in documentation DUT "
			"(192.0.2.1 -> 192.0.2.2, tenants blue 5001, green 6001)\n");
	} else if (nv_cli_load_dut(g->o.dut, &g->dut) != 0) {
		return NV_EXIT_USAGE;
	}
	return nv_cli_load_suites((const char *const *)g->o.suites, g->o.nsuites, &g->dut,
				  g->suites, &g->nloaded);
}

static int build_plan(struct gen *g)
{
	struct nv_run_input in = {
		.nsuites = g->o.nsuites, .suites = g->suites, .dut = &g->dut,
		.seed = g->o.seed, .ncase_filter = g->o.ncases, .case_filter = g->o.cases,
	};
	struct nv_err err = { 0 };

	if (nv_plan_build(&in, &g->plan, &err) < 0) {
		fprintf(stderr, "nvgrect gen: %s\n", err.msg);
		return err.code ? err.code : NV_EXIT_USAGE;
	}
	nv_craft_env_init(&g->env, &g->dut, g->plan.run_id);
	return 0;
}

static int fail(const struct nv_err *err)
{
	fprintf(stderr, "nvgrect gen: %s\n", err->msg);
	return err->code ? err->code : NV_EXIT_RUNTIME;
}

/* --- progress (a terminal only) ------------------------------------------ */

struct progress {
	bool on;
	uint64_t t0, last, total;
};

static void progress_tick(struct progress *p, uint64_t done)
{
	uint64_t now, el;
	double rate;

	if (!p->on || (done & PROGRESS_CHECK_MASK))
		return;
	now = nv_pace_now_us();
	if (now - p->last < PROGRESS_EVERY_US)
		return;
	p->last = now;
	el = now - p->t0;
	rate = el ? (double)done * US_PER_S / (double)el : 0;
	fprintf(stderr, "\r%llu/%llu frames  %.0f/s  ETA %.0fs   ", (unsigned long long)done,
		(unsigned long long)p->total, rate,
		rate > 0 ? (double)(p->total - done) / rate : 0.0);
}

static void progress_end(const struct progress *p)
{
	if (p->on)
		fputc('\n', stderr);
}

/* --- file output ---------------------------------------------------------- */

static void frag_comment(char *buf, size_t len, const struct nv_planned *pl, int k, int n)
{
	if (n == 1)
		snprintf(buf, len, "%s", pl->comment);
	else
		snprintf(buf, len, "%s frag=%d/%d", pl->comment, k + 1, n);
}

static int write_plan(struct gen *g, struct nv_pcap_writer *w, struct nv_err *err)
{
	static struct nv_frame fr[NV_FRAG_MAX];
	char comment[NV_COMMENT_MAX + 40];

	for (uint32_t i = 0; i < g->plan.n; i++) {
		const struct nv_planned *pl = &g->plan.p[i];
		int n;

		if (nv_craft_frames(&g->env, pl, fr, NV_FRAG_MAX, &n, err) < 0)
			return -1;
		for (int k = 0; k < n; k++) {
			frag_comment(comment, sizeof(comment), pl, k, n);
			if (nv_pcapio_write(w, NV_PCAPIO_PINNED_EPOCH_US + pl->t_offset_us,
					    fr[k].data, fr[k].len, fr[k].len, comment, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int write_stream(struct gen *g, struct nv_pcap_writer *w, bool ng,
			struct nv_err *err)
{
	static uint8_t buf[NV_FRAME_MAX];
	struct nv_stream st;
	uint64_t rate = g->o.rate ? g->o.rate : NV_SEND_RATE_DEFAULT;
	struct progress pr = { .on = g->tty, .t0 = nv_pace_now_us(), .total = g->o.count };
	char comment[NV_COMMENT_MAX];
	int rc = 0;

	if (nv_stream_init(&st, &g->plan, &g->env, err) < 0)
		return -1;
	for (uint64_t i = 0; i < g->o.count && !stop_sig; i++) {
		const struct nv_planned *pl;
		uint64_t ts = NV_PCAPIO_PINNED_EPOCH_US + i * US_PER_S / rate;
		uint32_t key, len = nv_stream_len(&st, i);
		uint8_t *p;

		if (ng) {   /* a comment per frame: built, then written */
			len = nv_stream_frame(&st, i, buf, &pl, &key);
			snprintf(comment, sizeof(comment), "%s stream=%llu key=0x%08x",
				 pl->kase->id, (unsigned long long)i, key);
			rc = nv_pcapio_write(w, ts, buf, len, len, comment, err);
		} else if ((p = nv_pcapio_reserve(w, ts, len, len, err)) != NULL) {
			nv_stream_frame(&st, i, p, NULL, NULL);     /* straight into the block */
		} else {
			rc = -1;
		}
		if (rc < 0)
			break;
		progress_tick(&pr, i + 1);
	}
	progress_end(&pr);
	nv_stream_free(&st);
	if (!rc && stop_sig)
		return nv_errc(err, 128 + stop_sig, "interrupted: %s not written",
			       g->o.out);
	return rc;
}

static int to_file(struct gen *g)
{
	enum nv_pcap_fmt fmt = nv_pcapio_fmt_for(g->o.out);
	struct nv_pcap_writer *w;
	struct nv_err err = { 0 };
	int rc;

	if (nv_pcapio_open_write(g->o.out, fmt, g->o.force, &w, &err) < 0)
		return fail(&err);
	if (g->o.count)
		rc = write_stream(g, w, fmt == NV_FMT_PCAPNG, &err);
	else
		rc = write_plan(g, w, &err);
	if (rc < 0) {
		nv_pcapio_abort(w);
		return fail(&err);
	}
	if (nv_pcapio_close(w, &err) < 0)
		return fail(&err);
	return 0;
}

/* --- manifest ------------------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void manifest_expect(FILE *f, const struct nv_case *c)
{
	fputs("\"expect\": [", f);
	for (int i = 0; i < c->nexpect; i++) {
		const struct nv_expect *e = &c->expect[i];

		fprintf(f, "%s{\"observation\": ", i ? ", " : "");
		json_str(f, nv_obs_name(e->obs));
		if (e->signature[0]) {
			fputs(", \"signature\": ", f);
			json_str(f, e->signature);
		}
		if (e->tenant[0]) {
			fputs(", \"tenant\": ", f);
			json_str(f, e->tenant);
		}
		fputc('}', f);
	}
	fputc(']', f);
}

static void manifest_frame(FILE *f, const struct gen *g, const struct nv_planned *pl)
{
	const struct nv_probe *p = pl->probe;
	bool v6 = g->dut.dut.pa.family == AF_INET6;

	fprintf(f, "    {\"frame\": %u, ", pl->frame);
	if (v6)
		fprintf(f, "\"flow_label\": %u, ", p->outer.has_flow_label
			? p->outer.flow_label : NV_TAG_FLOW_LABEL(pl->frame));
	else
		fprintf(f, "\"ip_id\": %u, ", (unsigned)(p->outer.has_id ? p->outer.id
							   : NV_TAG_IPID(pl->frame)));
	fprintf(f, "\"icmp_id\": %u, \"icmp_seq\": %u, \"suite\": ", (unsigned)NV_TAG_ICMP_ID,
		pl->frame & 0xffffu);
	json_str(f, pl->suite->name);
	fputs(", \"case\": ", f);
	json_str(f, pl->kase->id);
	fprintf(f, ", \"case_idx\": %u, \"probe\": %u, \"variant\": %u, \"layout\": ",
		pl->case_idx, pl->probe_idx, pl->variant);
	json_str(f, pl->layout ? pl->layout->name : "raw");
	fprintf(f, ", \"vsid\": %u, \"flowid\": %u, \"key\": \"0x%08x\", "
		"\"t_offset_us\": %llu, ", pl->vsid, pl->flowid, pl->key,
		(unsigned long long)pl->t_offset_us);
	manifest_expect(f, pl->kase);
	fputs(", \"comment\": ", f);
	json_str(f, pl->comment);
	fputc('}', f);
}

static int write_manifest(const struct gen *g)
{
	struct nv_err err = { 0 };
	char tmp[4096];
	FILE *f;

	if (!g->o.force && access(g->o.manifest, F_OK) == 0) {
		fprintf(stderr, "nvgrect gen: %s exists (use --force to replace it)\n",
			g->o.manifest);
		return NV_EXIT_USAGE;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", g->o.manifest);
	f = fopen(tmp, "w");
	if (!f) {
		nv_errno(&err, "%s", tmp);
		return fail(&err);
	}
	fprintf(f, "{\n  \"schema\": \"nvgrect-manifest/1\",\n  \"run_id\": \"0x%08x\",\n"
		"  \"seed\": %llu,\n  \"dut\": ", g->plan.run_id, (unsigned long long)g->plan.seed);
	json_str(f, g->dut.name);
	if (g->o.count)     /* a stream: frame i is planned frame i mod n, re-tagged */
		fprintf(f, ",\n  \"stream\": {\"count\": %llu, \"template\": \"frame mod %u\"}",
			(unsigned long long)g->o.count, g->plan.n);
	fprintf(f, ",\n  \"tag\": {\"ip_id\": \"frame + 1 (mod 65536)\", "
		"\"flow_label\": \"0x80000 | frame\", \"icmp_id\": %u, "
		"\"icmp_seq\": \"frame mod 65536\", \"nonce\": \"NVGT run_id frame case probe\"},\n"
		"  \"frames\": [\n", (unsigned)NV_TAG_ICMP_ID);
	for (uint32_t i = 0; i < g->plan.n; i++) {
		manifest_frame(f, g, &g->plan.p[i]);
		fputs(i + 1 < g->plan.n ? ",\n" : "\n", f);
	}
	fputs("  ]\n}\n", f);
	if (fflush(f) != 0 || ferror(f) || fclose(f) != 0 || rename(tmp, g->o.manifest) < 0) {
		nv_errno(&err, "%s", g->o.manifest);
		unlink(tmp);
		return fail(&err);
	}
	return 0;
}

/* --- live ----------------------------------------------------------------- */

static void dry_print(const struct gen *g, uint32_t idx, const struct nv_planned *pl,
		      const uint8_t *d, uint32_t len)
{
	printf("frame %u  t=+%llu us  %u bytes  %s\n", idx,
	       (unsigned long long)(pl ? pl->t_offset_us : 0), len, pl ? pl->comment : "");
	for (uint32_t i = 0; g->o.verbose && i < len; i++)
		printf("%s%02x%s", i % HEX_PER_LINE ? "" : "  ", d[i],
		       (i % HEX_PER_LINE == HEX_PER_LINE - 1 || i + 1 == len) ? "\n" : " ");
}

/* The dry run: the same checks and frames as a live send, no socket. */
static int dry_run(struct gen *g)
{
	static struct nv_frame fr[NV_FRAG_MAX];
	struct nv_err err = { 0 };

	if (nv_send_check_iface(g->o.iface, g->o.allow_default_route, &err) < 0)
		return fail(&err);
	for (uint32_t i = 0; i < g->plan.n; i++) {
		const struct nv_planned *pl = &g->plan.p[i];
		int n;

		if (nv_craft_frames(&g->env, pl, fr, NV_FRAG_MAX, &n, &err) < 0)
			return fail(&err);
		for (int k = 0; k < n; k++) {
			if (nv_send_check_dst(&g->dut, fr[k].data, fr[k].len, &err) < 0)
				return fail(&err);
			dry_print(g, pl->frame, pl, fr[k].data, fr[k].len);
		}
	}
	printf("dry run: %u planned frames built for %s, nothing sent\n", g->plan.n,
	       g->o.iface);
	return 0;
}

static int send_plan(struct gen *g, struct nv_sender *s, struct nv_err *err)
{
	static struct nv_frame fr[NV_FRAG_MAX];

	for (uint32_t i = 0; i < g->plan.n && !stop_sig; i++) {
		const struct nv_planned *pl = &g->plan.p[i];
		int n;

		if (nv_craft_frames(&g->env, pl, fr, NV_FRAG_MAX, &n, err) < 0)
			return -1;
		nv_sender_wait_until(s, pl->t_offset_us);
		if (stop_sig)
			break;
		if (nv_sender_probe(s, pl, fr, n, err) < 0)
			return -1;
	}
	return 0;
}

static void tick(void *arg, uint64_t done)
{
	progress_tick(arg, done & ~(uint64_t)PROGRESS_CHECK_MASK);
}

static int send_stream(struct gen *g, const struct nv_send_cfg *cfg,
		       struct nv_send_stats *st, struct nv_err *err)
{
	struct nv_stream stream;
	struct progress pr = { .on = g->tty, .t0 = nv_pace_now_us(), .total = g->o.count };
	int rc;

	if (nv_stream_init(&stream, &g->plan, &g->env, err) < 0)
		return -1;
	rc = nv_send_stream(cfg, &stream, g->o.count, g->o.workers, &stop_sig,
			    pr.on ? tick : NULL, &pr, st, err);
	progress_end(&pr);
	nv_stream_free(&stream);
	return rc;
}

#define ARP_TRIES 3
#define ARP_TIMEOUT_MS 300

/* MACs for a live send: the interface's own, and ARP for the DUT's. */
static int live_macs(struct gen *g)
{
	struct nv_err err = { 0 };
	uint8_t mac[6];

	if (g->dut.tester.mac.is_auto && nv_send_iface_mac(g->o.iface, mac, &err) == 0)
		memcpy(g->env.tester_mac, mac, 6);
	for (int i = 0; i < g->dut.ntenants; i++)
		if (g->dut.tenants[i].vm_mac.is_auto)
			fprintf(stderr, "nvgrect gen: tenant %s: vm_mac is auto: inner frames go "
				"to the placeholder 02:00:5e:00:00:03\n", g->dut.tenants[i].name);
	if (!g->dut.dut.mac.is_auto)
		return 0;
	if (g->o.dry_run || g->dut.dut.pa.family != AF_INET) {
		fprintf(stderr, "nvgrect gen: dut.mac is auto: %s to the placeholder "
			"02:00:5e:00:00:02\n", g->o.dry_run ? "a dry run resolves nothing, frames go"
			: "no ARP for an IPv6 PA (set dut.mac), frames go");
		return 0;
	}
	if (nv_send_arp_resolve(g->o.iface, g->env.tester_mac, &g->dut.tester.pa,
				&g->dut.dut.pa, ARP_TRIES, ARP_TIMEOUT_MS, mac, &err) < 0) {
		fprintf(stderr, "nvgrect gen: dut.mac is auto and %s; set dut.mac in %s\n",
			err.msg, g->o.dut);
		return err.code ? err.code : NV_EXIT_RUNTIME;
	}
	memcpy(g->env.dut_mac, mac, 6);
	return 0;
}

static int to_iface(struct gen *g)
{
	struct nv_send_cfg cfg = {
		.iface = g->o.iface, .dut = &g->dut, .rate_pps = g->o.rate,
		.allow_default_route = g->o.allow_default_route,
		.backend = g->o.use_pcap ? NV_SEND_PCAP : NV_SEND_PACKET,
	};
	struct nv_err err = { 0 };
	struct nv_send_stats st = { 0 };
	struct nv_sender *s;
	int rc;

	/* the interface interlock first, before any work (the sender repeats it) */
	if (nv_send_check_iface(g->o.iface, g->o.allow_default_route, &err) < 0)
		return fail(&err);
	if ((rc = live_macs(g)) != 0)
		return rc;
	if (g->o.dry_run)
		return dry_run(g);
	if (g->o.count) {
		rc = send_stream(g, &cfg, &st, &err);
	} else {
		if (nv_sender_open(&cfg, &s, &err) < 0)
			return fail(&err);
		rc = send_plan(g, s, &err);
		if (rc == 0)
			rc = nv_sender_flush(s, &err);
		nv_sender_stats(s, &st);
		nv_sender_close(s);
	}
	if (rc < 0 && st.sent == 0)
		return fail(&err);
	fprintf(stderr, "nvgrect gen: %llu frames sent on %s", (unsigned long long)st.sent,
		g->o.iface);
	if (st.sent > 1 && st.t_last_us > st.t_first_us)
		fprintf(stderr, " (%.0f frames/s)", (double)(st.sent - 1) * US_PER_S /
			(double)(st.t_last_us - st.t_first_us));
	if (st.retries)
		fprintf(stderr, ", %llu ENOBUFS/EAGAIN retries", (unsigned long long)st.retries);
	fputc('\n', stderr);
	if (rc < 0)
		return fail(&err);
	return stop_sig ? 128 + stop_sig : 0;
}

static void cleanup(struct gen *g)
{
	nv_plan_free(&g->plan);
	for (int i = 0; i < g->nloaded; i++)
		nv_suite_free(&g->suites[i]);
}

int nv_cmd_gen(int argc, char **argv)
{
	static struct gen g;
	struct sigaction sa = { .sa_handler = on_signal };
	int rc;

	memset(&g, 0, sizeof(g));
	rc = parse_args(&g.o, argc, argv);
	if (rc)
		return rc < 0 ? NV_EXIT_OK : rc;
	g.tty = isatty(STDERR_FILENO);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = load_inputs(&g);
	if (!rc)
		rc = build_plan(&g);
	if (!rc && g.o.out)
		rc = to_file(&g);
	if (!rc && g.o.iface)
		rc = to_iface(&g);
	if (!rc && g.o.manifest)
		rc = write_manifest(&g);
	cleanup(&g);
	return rc;
}
