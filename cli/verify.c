/*
 * verify.c - `nvgrect verify`: score a capture taken elsewhere (a vendor's
 * tcpdump while replaying our pcap) against the plan rebuilt from the same
 * suites, DUT file, seed and case filter. Options and output only; the work
 * is in verify/.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "nvgrect/live.h"
#include "nvgrect/offline.h"
#include "nvgrect/report.h"
#include "nvgrect/verify.h"

#define VERIFY_SUITES_MAX 16
#define VERIFY_CASES_MAX 256
#define VERIFY_TIMEOUT_MAX_MS 3600000.0
#define VERIFY_MS_PER_S 1000.0
#define VERIFY_RATE_MAX 10000000ull

struct verify_opts {
	int nsuites;
	const char *suites[VERIFY_SUITES_MAX];
	const char *dut, *outdir;
	int ncaptures;
	const char *captures[NV_OFFLINE_FILES_MAX];
	uint32_t rate;
	int ncases;
	const char *cases[VERIFY_CASES_MAX];
	uint64_t seed;
	uint32_t timeout_ms;
	bool force, stream, quiet;
};

struct verify_run {
	struct verify_opts o;
	struct nv_suite suites[VERIFY_SUITES_MAX];
	int nloaded;
	struct nv_dut dut;
	struct nv_plan plan;
	struct nv_result res;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nvgrect verify SUITE.yaml... --dut DUT.yaml -r CAPTURE.pcap[ng]... -o OUTDIR [options]\n"
		"\n"
		"Score a capture taken elsewhere: the plan is rebuilt from the same suites,\n"
		"DUT file, --seed and --case list that `gen` or `run` used, every frame of\n"
		"the capture is dissected and matched to its probe (nonce, IP ID, quoted key),\n"
		"then each case is judged and the endpoint characterised. Writes\n"
		"report.json, report.xml, report.md and report.html into OUTDIR.\n"
		"\n"
		"Several -r files are merged by timestamp, e.g. a run's\n"
		"-r OUTDIR/probes.pcapng -r OUTDIR/capture.pcapng: our own probes among\n"
		"the frames give each probe its send time, as in the live run. Without\n"
		"them, ARP replies (which carry no tag) are given to ARP probes by a send\n"
		"schedule estimated from the plan's pacing and --rate, anchored on the\n"
		"tagged answers (else the first frame).\n"
		"\n"
		"  --dut FILE          the DUT file (required)\n"
		"  -r, --read FILE     a capture, pcap or pcapng (required; repeatable, up to %d)\n"
		"  -o, --outdir DIR    where the reports go (required)\n"
		"  --seed N            the seed `gen` or `run` used (default 1)\n"
		"  --case ID           only this case (repeatable; as given to gen or run)\n"
		"  --rate PPS          the run's --rate, for the estimated schedule (default %u)\n"
		"  --stream            the capture holds `gen --count` repetitions\n"
		"  --timeout S         answer window per probe, seconds (default %.1f)\n"
		"  --force             replace reports already in OUTDIR\n"
		"  -q, --quiet         no terminal summary\n"
		"  -h, --help          this text\n"
		"\n"
		"exit: 0 no FAIL, 1 at least one FAIL, 2 usage or invalid input,\n"
		"3 inconclusive, 4 runtime error (I/O, unreadable capture)\n",
		NV_OFFLINE_FILES_MAX, NV_LIVE_RATE_DEFAULT, NV_VERIFY_TIMEOUT_MS / VERIFY_MS_PER_S);
}

static int bad(const char *what, const char *val)
{
	fprintf(stderr, "nvgrect verify: invalid %s: %s\n", what, val);
	return NV_EXIT_USAGE;
}

/* Seconds, decimals allowed (as `run --timeout`), to milliseconds >= 1. */
static int parse_seconds(const char *arg, uint32_t *ms)
{
	double d;

	if (nv_cli_real(arg, VERIFY_TIMEOUT_MAX_MS / VERIFY_MS_PER_S, &d) < 0 || !(d > 0))
		return -1;
	*ms = (uint32_t)(d * VERIFY_MS_PER_S);
	if (*ms == 0)
		*ms = 1;
	return 0;
}

enum { OPT_DUT = 256, OPT_CASE, OPT_SEED, OPT_FORCE, OPT_STREAM, OPT_TIMEOUT, OPT_RATE };

static int parse_one(struct verify_opts *o, int c, const char *arg)
{
	unsigned long long n;

	switch (c) {
	case 'r':
		if (o->ncaptures >= NV_OFFLINE_FILES_MAX)
			return bad("-r (too many files)", arg);
		o->captures[o->ncaptures++] = arg;
		return 0;
	case 'o': o->outdir = arg; return 0;
	case 'q': o->quiet = true; return 0;
	case OPT_DUT: o->dut = arg; return 0;
	case OPT_FORCE: o->force = true; return 0;
	case OPT_STREAM: o->stream = true; return 0;
	case OPT_SEED:
		if (nv_cli_number(arg, UINT64_MAX, &n) < 0)
			return bad("--seed", arg);
		o->seed = n;
		return 0;
	case OPT_RATE:
		if (nv_cli_number(arg, VERIFY_RATE_MAX, &n) < 0 || n == 0)
			return bad("--rate", arg);
		o->rate = (uint32_t)n;
		return 0;
	case OPT_TIMEOUT:
		if (parse_seconds(arg, &o->timeout_ms) < 0)
			return bad("--timeout", arg);
		return 0;
	case OPT_CASE:
		if (o->ncases >= VERIFY_CASES_MAX)
			return bad("--case (too many)", arg);
		o->cases[o->ncases++] = arg;
		return 0;
	default:
		return NV_EXIT_USAGE;
	}
}

/* 0 = go on, -1 = --help done, else an exit code. */
static int parse_args(struct verify_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dut", required_argument, NULL, OPT_DUT },
		{ "read", required_argument, NULL, 'r' },
		{ "outdir", required_argument, NULL, 'o' },
		{ "case", required_argument, NULL, OPT_CASE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "stream", no_argument, NULL, OPT_STREAM },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *why = NULL;
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->seed = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:o:qh", lo, NULL)) != -1) {
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
		if (o->nsuites >= VERIFY_SUITES_MAX)
			return bad("suite list (too many)", argv[optind]);
		o->suites[o->nsuites++] = argv[optind];
	}
	if (o->nsuites == 0)
		why = "no suite given";
	else if (!o->dut)
		why = "--dut is required (the plan is rebuilt from it)";
	else if (!o->ncaptures)
		why = "-r CAPTURE is required";
	else if (!o->outdir)
		why = "-o OUTDIR is required";
	if (!why)
		return 0;
	fprintf(stderr, "nvgrect verify: %s\n", why);
	usage(stderr);
	return NV_EXIT_USAGE;
}

static int load_inputs(struct verify_run *vr)
{
	if (nv_cli_load_dut(vr->o.dut, &vr->dut) != 0)
		return NV_EXIT_USAGE;
	return nv_cli_load_suites((const char *const *)vr->o.suites, vr->o.nsuites,
				  &vr->dut, vr->suites, &vr->nloaded);
}

static int fail(const struct nv_err *err)
{
	fprintf(stderr, "nvgrect verify: %s\n", err->msg);
	return err->code ? err->code : NV_EXIT_RUNTIME;
}

/* A capture that matches nothing usually means other inputs than gen had. */
static void warn_mismatch(const struct nv_capture_stats *st, uint64_t seed)
{
	if (st->foreign_run)
		fprintf(stderr, "nvgrect verify: warning: %llu frames carry another run's tag;"
			" was the capture made with a --seed other than %llu?\n",
			(unsigned long long)st->foreign_run, (unsigned long long)seed);
	else if (st->probes_seen == 0 && st->responses == 0)
		fprintf(stderr, "nvgrect verify: warning: nothing in the capture belongs to this"
			" plan (other suites, --case or --seed than gen had?)\n");
}

/* Say how send times were found when they were estimated. */
static void note_times(const struct nv_offline_info *info)
{
	if (info->times == NV_TIMES_REPLY_ANCHOR || info->times == NV_TIMES_FIRST_FRAME)
		fprintf(stderr, "nvgrect verify: note: no probe frames in the capture; ARP probes'"
			" send times estimated from the plan (anchored on %s); add -r"
			" probes.pcapng for the real ones\n",
			info->times == NV_TIMES_REPLY_ANCHOR ? "the tagged answers"
							     : "the first frame");
}

static int verify(struct verify_run *vr)
{
	struct nv_run_input in = {
		.nsuites = vr->o.nsuites, .suites = vr->suites, .dut = &vr->dut,
		.seed = vr->o.seed, .ncase_filter = vr->o.ncases, .case_filter = vr->o.cases,
	};
	struct nv_verify_opts vo = { .timeout_ms = vr->o.timeout_ms, .stream = vr->o.stream };
	struct nv_report_opts ro = { .force = vr->o.force };
	struct nv_offline_info info;
	struct nv_err err = { 0 };
	int rc;

	if (nv_plan_build(&in, &vr->plan, &err) < 0)
		return fail(&err);
	if (nv_report_outdir_prepare(vr->o.outdir, vr->o.force, &err) < 0)
		return fail(&err);
	if (nv_verify_files(vr->o.captures, vr->o.ncaptures, &vr->plan, &vr->dut, &vo,
			    vr->o.rate, &info, &vr->res, &err) < 0)
		return fail(&err);
	if (!vr->o.quiet)
		note_times(&info);
	warn_mismatch(&vr->res.stats, vr->o.seed);
	rc = nv_result_exit_code(&vr->res);
	if (nv_report_write_all(&vr->res, vr->o.outdir, &ro, &err) < 0)
		return fail(&err);
	if (!vr->o.quiet)
		nv_report_print_summary(stdout, &vr->res, isatty(STDOUT_FILENO) != 0);
	return rc;
}

int nv_cmd_verify(int argc, char **argv)
{
	static struct verify_run vr;
	int rc;

	memset(&vr, 0, sizeof(vr));
	rc = parse_args(&vr.o, argc, argv);
	if (rc < 0)
		return NV_EXIT_OK;
	if (rc == 0)
		rc = load_inputs(&vr);
	if (rc == 0)
		rc = verify(&vr);
	nv_result_free(&vr.res);
	nv_plan_free(&vr.plan);
	for (int i = 0; i < vr.nloaded; i++)
		nv_suite_free(&vr.suites[i]);
	return rc;
}
