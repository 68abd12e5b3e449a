/*
 * run.c - `nvgrect run`: load, plan, open the interface while privileged,
 * drop privileges, then resolve, send paced while capturing, judge, and
 * write every output into OUTDIR as the unprivileged user.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "nvgrect/craft.h"
#include "nvgrect/live.h"
#include "nvgrect/pcapio.h"
#include "nvgrect/priv.h"
#include "nvgrect/report.h"
#include "nvgrect/send.h"
#include "nvgrect/sig.h"
#include "nvgrect/suite.h"
#include "run_verify.h"

#define RUN_SUITES_MAX 16
#define RUN_CASES_MAX 256
#define RATE_MAX 10000000ull
#define TIMEOUT_MAX_S 3600.0
#define BUFFER_MAX_MIB 4096.0
#define KIB_PER_MIB 1024.0
#define MS_PER_S 1000.0
#define EXTRA_SRC_MAX 8
#define PATH_MAX_RUN 4096

struct run_opts {
	int nsuites;
	const char *suites[RUN_SUITES_MAX];
	const char *dut, *outdir, *user;
	int ncases;
	const char *cases[RUN_CASES_MAX];
	uint32_t timeout_ms, rate;
	unsigned buffer_kib;
	uint64_t seed;
	bool force, allow_default_route;
	int verbose;
};

/* Everything a run holds, so one cleanup path frees it all. */
struct run {
	struct run_opts o;
	struct nv_suite suites[RUN_SUITES_MAX];
	int nloaded;
	struct nv_dut dut;
	struct nv_plan plan;
	struct nv_live lv;
	bool live_open;
	bool answer_arp;                /* the interface lacks tester.pa */
	struct nv_pcap_writer *probes_w, *capture_w;
	struct nv_run_verify *ver;
	struct nv_result result;
	bool have_result;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nvgrect run SUITE.yaml... --dut DUT.yaml -o OUTDIR [options]\n"
		"\n"
		"Send every probe of the suites to the DUT on tester.iface, paced, while\n"
		"capturing what comes back; judge it and write OUTDIR/report.json,\n"
		"report.xml, report.md, report.html, probes.pcapng, capture.pcapng.\n"
		"\n"
		"  --dut FILE         the DUT file (tester.iface is the interface used)\n"
		"  -o, --out DIR      output directory (must be new or empty, see --force)\n"
		"  --case ID          only this case (repeatable)\n"
		"  --timeout S        wait S seconds after the last probe (default 2)\n"
		"  --seed N           run id and random FlowIDs (default 1)\n"
		"  --rate PPS         at most PPS frames/s on top of the suite's pacing\n"
		"                     (default %u)\n"
		"  --buffer-size MIB  kernel capture ring in MiB, fractions allowed (default %u;\n"
		"                     the ring is made of 256 KiB blocks, at least one)\n"
		"  --user NAME        drop to this user after opening the interface\n"
		"                     (default: the invoking user under sudo; plain root\n"
		"                     keeps uid 0 but loses every capability)\n"
		"  --force            write into a non-empty OUTDIR, replacing files\n"
		"  --allow-default-route  use an interface holding a default route\n"
		"  -v, --verbose      log resolution and per-case progress\n"
		"  -h, --help         this text\n"
		"\n"
		"exit: 0 no FAIL, 1 a FAIL, 2 usage or invalid input, 3 inconclusive\n"
		"(capture loss, DUT unreachable), 4 runtime error, 130/143 interrupted\n",
		NV_LIVE_RATE_DEFAULT, NV_LIVE_BUFFER_DEFAULT_KIB / (unsigned)KIB_PER_MIB);
}

static int bad(const char *what, const char *val)
{
	fprintf(stderr, "nvgrect run: invalid %s: %s\n", what, val);
	return NV_EXIT_USAGE;
}

enum { OPT_DUT = 256, OPT_CASE, OPT_TIMEOUT, OPT_SEED, OPT_RATE, OPT_FORCE,
       OPT_USER, OPT_BUFFER, OPT_DEFROUTE };

static int parse_one(struct run_opts *o, int c, const char *arg)
{
	unsigned long long n;
	double d;

	switch (c) {
	case OPT_DUT: o->dut = arg; return 0;
	case 'o': o->outdir = arg; return 0;
	case OPT_USER: o->user = arg; return 0;
	case OPT_FORCE: o->force = true; return 0;
	case OPT_DEFROUTE: o->allow_default_route = true; return 0;
	case 'v': o->verbose++; return 0;
	case OPT_CASE:
		if (o->ncases >= RUN_CASES_MAX)
			return bad("--case (too many)", arg);
		o->cases[o->ncases++] = arg;
		return 0;
	case OPT_TIMEOUT:
		if (nv_cli_real(arg, TIMEOUT_MAX_S, &d) < 0)
			return bad("--timeout", arg);
		o->timeout_ms = (uint32_t)(d * MS_PER_S);
		if (!o->timeout_ms)
			o->timeout_ms = 1;  /* 0 would mean the default */
		return 0;
	case OPT_SEED:
		if (nv_cli_number(arg, UINT64_MAX, &n) < 0)
			return bad("--seed", arg);
		o->seed = n;
		return 0;
	case OPT_RATE:
		if (nv_cli_number(arg, RATE_MAX, &n) < 0 || n == 0)
			return bad("--rate", arg);
		o->rate = (uint32_t)n;
		return 0;
	case OPT_BUFFER:
		if (nv_cli_real(arg, BUFFER_MAX_MIB, &d) < 0 || d * KIB_PER_MIB < 1)
			return bad("--buffer-size", arg);
		o->buffer_kib = (unsigned)(d * KIB_PER_MIB);
		return 0;
	default:
		return NV_EXIT_USAGE;
	}
}

static int parse_args(struct run_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dut", required_argument, NULL, OPT_DUT },
		{ "out", required_argument, NULL, 'o' },
		{ "case", required_argument, NULL, OPT_CASE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "user", required_argument, NULL, OPT_USER },
		{ "buffer-size", required_argument, NULL, OPT_BUFFER },
		{ "allow-default-route", no_argument, NULL, OPT_DEFROUTE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	memset(o, 0, sizeof *o);
	o->seed = 1;
	while ((c = getopt_long(argc, argv, "o:vh", lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		if (c == '?' || (rc = parse_one(o, c, optarg)) != 0) {
			if (c == '?')
				usage(stderr);
			return NV_EXIT_USAGE;
		}
	}
	for (; optind < argc; optind++) {
		if (o->nsuites >= RUN_SUITES_MAX)
			return bad("suite list (too many)", argv[optind]);
		o->suites[o->nsuites++] = argv[optind];
	}
	if (!o->nsuites || !o->dut || !o->outdir) {
		fprintf(stderr, "nvgrect run: need SUITE.yaml..., --dut and -o\n");
		usage(stderr);
		return NV_EXIT_USAGE;
	}
	return 0;
}

static int load_inputs(struct run *r)
{
	if (nv_cli_load_dut(r->o.dut, &r->dut) != 0)
		return NV_EXIT_USAGE;
	return nv_cli_load_suites((const char *const *)r->o.suites, r->o.nsuites,
				  &r->dut, r->suites, &r->nloaded);
}

static int build_plan(struct run *r)
{
	struct nv_run_input in = {
		.nsuites = r->o.nsuites, .suites = r->suites, .dut = &r->dut,
		.seed = r->o.seed, .ncase_filter = r->o.ncases, .case_filter = r->o.cases,
	};
	struct nv_err err = { 0 };

	if (nv_plan_build(&in, &r->plan, &err) < 0) {
		fprintf(stderr, "nvgrect run: %s\n", err.msg);
		return err.code ? err.code : NV_EXIT_USAGE;
	}
	if (r->plan.n == 0) {
		fprintf(stderr, "nvgrect run: nothing to send (no case matched)\n");
		return NV_EXIT_USAGE;
	}
	return 0;
}

/* Refuse early, before any socket: OUTDIR must be new or empty, or --force. */
static int outdir_precheck(const struct run_opts *o)
{
	DIR *d = opendir(o->outdir);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return 0;       /* missing: created after the drop */
	while ((e = readdir(d)) && empty)
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	if (empty || o->force)
		return 0;
	fprintf(stderr, "nvgrect run: %s exists and is not empty (use --force to replace)\n",
		o->outdir);
	return NV_EXIT_USAGE;
}

/* Spoofed outer sources: the DUT answers them, so capture those too. */
static int extra_sources(const struct nv_plan *p, struct nv_addr *out)
{
	int n = 0;

	for (uint32_t i = 0; i < p->n && n < EXTRA_SRC_MAX; i++) {
		const struct nv_probe *pr = p->p[i].probe;
		bool dup = false;

		if (!pr->outer.has_src)
			continue;
		for (int j = 0; j < n && !dup; j++)
			dup = nv_addr_eq(&out[j], &pr->outer.src);
		if (!dup)
			out[n++] = pr->outer.src;
	}
	return n;
}

static int open_live(struct run *r, struct nv_err *err)
{
	struct nv_addr extra[EXTRA_SRC_MAX];
	char filter[NV_LIVE_FILTER_MAX];
	struct nv_live_cfg cfg = {
		.iface = r->dut.tester.iface, .buffer_kib = r->o.buffer_kib,
		.filter = filter, .hold_gre = true,
	};

	if (!r->dut.tester.iface[0])
		return nv_errc(err, NV_EXIT_USAGE, "%s: tester.iface is required for a live run",
			       r->o.dut);
	/* The same interlock as `gen -i`: never the interface of the default route. */
	if (nv_send_check_iface(r->dut.tester.iface, r->o.allow_default_route, err) < 0)
		return -1;
	if (nv_live_filter_text(&r->dut, extra, extra_sources(&r->plan, extra),
				filter, sizeof filter) < 0)
		return nv_errc(err, NV_EXIT_USAGE, "capture filter too long");
	if (nv_live_open(&r->lv, &cfg, err) < 0)
		return -1;
	r->live_open = true;
	nv_sig_watch(r->lv.pc);
	/* The kernel answers ARP for tester.pa only if the interface has it. */
	r->answer_arp = !nv_live_iface_has_addr(r->lv.iface, &r->dut.tester.pa);
	return 0;
}

static int drop_privileges(const struct run *r, struct nv_err *err)
{
	struct nv_priv_target t;

	if (nv_priv_resolve(r->o.user, &t, err) < 0 || nv_priv_drop(&t, err) < 0)
		return -1;
	if (r->o.verbose)
		fprintf(stderr, "nvgrect run: running as uid %lu gid %lu (%s), no capabilities\n",
			(unsigned long)t.uid, (unsigned long)t.gid, t.why);
	return nv_priv_probe_hook(err);
}

static int open_path(const struct run *r, const char *name, struct nv_pcap_writer **w,
		     struct nv_err *err)
{
	char path[PATH_MAX_RUN];

	if (snprintf(path, sizeof path, "%s/%s", r->o.outdir, name) >= (int)sizeof path)
		return nv_errc(err, NV_EXIT_USAGE, "%s: path too long", r->o.outdir);
	return nv_pcapio_open_write(path, NV_FMT_PCAPNG, r->o.force, w, err);
}

static int open_outputs(struct run *r, struct nv_err *err)
{
	if (nv_report_outdir_prepare(r->o.outdir, r->o.force, err) < 0)
		return -1;
	if (open_path(r, "probes.pcapng", &r->probes_w, err) < 0 ||
	    open_path(r, "capture.pcapng", &r->capture_w, err) < 0)
		return -1;
	return 0;
}

static void setup_live_run(struct run *r, struct nv_live_run *lr)
{
	memset(lr, 0, sizeof *lr);
	lr->lv = &r->lv;
	lr->dut = &r->dut;
	lr->plan = &r->plan;
	lr->probes_w = r->probes_w;
	lr->capture_w = r->capture_w;
	lr->hooks.sent = nv_rv_sent;       /* every frame out and in: to the verifier */
	lr->hooks.frame = nv_rv_frame;
	lr->hooks.arg = r->ver;
	lr->rate_pps = r->o.rate;
	lr->timeout_ms = r->o.timeout_ms;
	lr->answer_arp = r->answer_arp;
	lr->progress = isatty(STDERR_FILENO);
	lr->verbose = r->o.verbose;
}

/*
 * Publish the pcaps: complete up to their last record, even when
 * interrupted. Both are flushed before either is renamed, so a full disk
 * publishes neither (and no report follows).
 */
static int close_pcaps(struct run *r, struct nv_err *err)
{
	int rc = 0;

	if ((r->probes_w && nv_pcapio_flush(r->probes_w, err) < 0) ||
	    (r->capture_w && nv_pcapio_flush(r->capture_w, err) < 0))
		return -1;      /* cleanup() aborts both */
	if (r->probes_w && nv_pcapio_close(r->probes_w, err) < 0)
		rc = -1;
	r->probes_w = NULL;
	if (rc < 0 && r->capture_w)
		nv_pcapio_abort(r->capture_w);
	else if (r->capture_w && nv_pcapio_close(r->capture_w, err) < 0)
		rc = -1;
	r->capture_w = NULL;
	return rc;
}

static int finish(struct run *r, const struct nv_live_run *lr, bool cut_short,
		  struct nv_err *err)
{
	struct nv_capture_stats st;
	struct nv_report_opts ro = { .force = r->o.force, .formats = 0 };

	memset(&st, 0, sizeof st);
	if (nv_live_stats(&r->lv, &st, err) < 0)
		return -1;
	if (nv_rv_finish(r->ver, &st, lr->signo != 0, cut_short || lr->signo != 0,
			 lr->t_end_us, &r->result, err) < 0)
		return -1;
	r->have_result = true;
	if (close_pcaps(r, err) < 0)
		return -1;
	if (nv_report_write_all(&r->result, r->o.outdir, &ro, err) < 0)
		return -1;
	return 0;
}

static int exit_code(const struct run *r, const struct nv_live_run *lr)
{
	int code;

	if (lr->signo)
		return nv_sig_exit_code(lr->signo);
	code = nv_result_exit_code(&r->result);
	/* Lost frames may have held the evidence: never a pass (issue 8 §4). */
	if (code == NV_EXIT_OK && r->result.stats.dropped)
		code = NV_EXIT_INCONCLUSIVE;
	return code;
}

static void report_where(const struct run *r)
{
	fprintf(stdout, "reports: %s/report.html (also report.json, report.xml, report.md,"
		" probes.pcapng, capture.pcapng)\n", r->o.outdir);
	if (r->result.stats.dropped)
		fprintf(stdout, "capture: %llu frames lost in the kernel buffer: inconclusive\n",
			(unsigned long long)r->result.stats.dropped);
}

/* Privileged part: sockets and captures. Unprivileged from the drop on. */
static int live_phase(struct run *r, struct nv_err *err)
{
	struct nv_live_run lr;
	int rc;

	if (open_live(r, err) < 0 || drop_privileges(r, err) < 0 ||
	    open_outputs(r, err) < 0 ||
	    nv_rv_begin(&r->plan, &r->dut, r->o.timeout_ms, &r->ver, err) < 0)
		return -1;
	setup_live_run(r, &lr);
	rc = nv_live_resolve(&lr, err);
	if (rc == 0 && !nv_sig_caught())
		rc = nv_live_run_plan(&lr, err);
	lr.signo = nv_sig_caught();
	if (rc < 0) {
		/*
		 * DUT unreachable (exit 3) or a send/capture failure (exit 4):
		 * still write what was seen, every unfinished case inconclusive.
		 * Not when writing itself failed: then nothing gets a final name.
		 */
		struct nv_err ferr = { 0 };

		fprintf(stderr, "nvgrect run: %s\n", err->msg);
		if (lr.output_failed)
			return err->code ? err->code : NV_EXIT_RUNTIME;
		if (finish(r, &lr, true, &ferr) == 0)
			report_where(r);
		else
			fprintf(stderr, "nvgrect run: %s\n", ferr.msg);
		return err->code ? err->code : NV_EXIT_RUNTIME;
	}
	if (finish(r, &lr, false, err) < 0)
		return -1;
	nv_report_print_summary(stdout, &r->result, isatty(STDOUT_FILENO));
	report_where(r);
	return exit_code(r, &lr);
}

static void cleanup(struct run *r)
{
	if (r->probes_w)
		nv_pcapio_abort(r->probes_w);
	if (r->capture_w)
		nv_pcapio_abort(r->capture_w);
	if (r->have_result)
		nv_result_free(&r->result);
	nv_rv_free(r->ver);
	if (r->live_open) {
		nv_sig_watch(NULL);
		nv_live_close(&r->lv);
	}
	nv_plan_free(&r->plan);
	for (int i = 0; i < r->nloaded; i++)
		nv_suite_free(&r->suites[i]);
}

static int run_all(struct run *r)
{
	struct nv_err err = { 0 };
	int rc;

	if ((rc = load_inputs(r)) != 0 || (rc = build_plan(r)) != 0 ||
	    (rc = outdir_precheck(&r->o)) != 0)
		return rc;
	if (nv_sig_install(&err) < 0) {
		fprintf(stderr, "nvgrect run: %s\n", err.msg);
		return NV_EXIT_RUNTIME;
	}
	rc = live_phase(r, &err);
	if (rc < 0) {
		fprintf(stderr, "nvgrect run: %s\n", err.msg);
		rc = nv_sig_caught() ? nv_sig_exit_code(nv_sig_caught())
				     : (err.code ? err.code : NV_EXIT_RUNTIME);
	}
	return rc;
}

int nv_cmd_run(int argc, char **argv)
{
	struct run *r = calloc(1, sizeof *r);
	int rc;

	if (!r) {
		fprintf(stderr, "nvgrect run: out of memory\n");
		return NV_EXIT_RUNTIME;
	}
	rc = parse_args(&r->o, argc, argv);
	if (rc == 0)
		rc = run_all(r);
	else if (rc < 0)
		rc = NV_EXIT_OK;        /* --help */
	cleanup(r);
	free(r);
	return rc;
}
