/* diagnose.c - `nvgrect diagnose`: explain an NVGRE capture, no suite needed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "nvgrect/diagnose.h"
#include "nvgrect/dut.h"
#include "nvgrect/err.h"
#include "nvgrect/report.h"

struct dx_opts {
	const char *capture, *dut, *outdir;
	bool json, force;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nvgrect diagnose CAPTURE.pcap[ng] [--dut DUT.yaml] [-o OUTDIR] [--json] [--force]\n"
		"\n"
		"Reads a capture taken anywhere (Wireshark, tcpdump, a switch mirror), finds every\n"
		"NVGRE frame (GRE K=1, protocol 0x6558) and every ICMP/ICMPv6 error quoting one,\n"
		"infers each host's key layout (rfc7637 or draft00) with a confidence and the\n"
		"reasons, and explains what goes wrong, most important first, citing frame numbers.\n"
		"\n"
		"  --dut FILE   a DUT file: its tenants' VSIDs are taken as ground truth\n"
		"  -o OUTDIR    also write report.md, report.html and report.json there\n"
		"  --json       print report.json on stdout instead of the text\n"
		"  --force      reuse an OUTDIR that already holds files\n"
		"\n"
		"exit: 0 nothing wrong found (or no NVGRE at all), 1 a critical or error finding,\n"
		"      2 bad usage or an unreadable capture, 4 I/O error\n");
}

static int parse(int argc, char **argv, struct dx_opts *o)
{
	static const struct option lo[] = {
		{ "dut", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:o:jfh", lo, NULL)) != -1) {
		switch (c) {
		case 'd': o->dut = optarg; break;
		case 'o': o->outdir = optarg; break;
		case 'j': o->json = true; break;
		case 'f': o->force = true; break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "nvgrect diagnose: give exactly one capture file\n");
		usage(stderr);
		return -1;
	}
	o->capture = argv[optind];
	return 0;
}

static int load_dut(const char *path, struct nv_dut *dut)
{
	struct nv_diags *ds = calloc(1, sizeof(*ds));
	char line[512];
	int rc;

	if (!ds) {
		perror("nvgrect diagnose");
		return -1;
	}
	rc = nv_dut_load(path, dut, ds);
	for (int i = 0; rc < 0 && i < ds->n; i++) {
		nv_diag_format(ds, i, line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	free(ds);
	return rc;
}

static int exit_code(const struct nv_diagnosis *d)
{
	for (int i = 0; i < d->nfindings; i++)
		if (d->findings[i].severity <= NV_DX_ERROR)
			return NV_EXIT_FAIL;
	return NV_EXIT_OK;
}

static int emit(const struct dx_opts *o, const struct nv_diagnosis *d)
{
	struct nv_err err;

	if (o->outdir && (nv_report_outdir_prepare(o->outdir, o->force, &err) < 0 ||
			  nv_diagnose_write_all(d, o->outdir, o->force, &err) < 0)) {
		fprintf(stderr, "nvgrect diagnose: %s\n", err.msg);
		return err.code;
	}
	if ((o->json ? nv_diagnose_write_json(stdout, d, &err)
		     : nv_diagnose_write_text(stdout, d, isatty(STDOUT_FILENO), &err)) < 0) {
		fprintf(stderr, "nvgrect diagnose: %s\n", err.msg);
		return NV_EXIT_RUNTIME;
	}
	return exit_code(d);
}

int nv_cmd_diagnose(int argc, char **argv)
{
	struct dx_opts o = { 0 };
	struct nv_diagnosis d;
	struct nv_dut *dut = NULL;
	struct nv_err err;
	int rc = parse(argc, argv, &o);

	if (rc)
		return rc > 0 ? NV_EXIT_OK : NV_EXIT_USAGE;
	if (o.dut) {
		dut = calloc(1, sizeof(*dut));
		if (!dut || load_dut(o.dut, dut) < 0) {
			free(dut);
			return NV_EXIT_USAGE;
		}
	}
	rc = nv_diagnose_file(o.capture, dut, &d, &err);
	free(dut);
	if (rc < 0) {
		fprintf(stderr, "nvgrect diagnose: %s\n", err.msg);
		return err.code ? err.code : NV_EXIT_USAGE;
	}
	rc = emit(&o, &d);
	nv_diagnose_result_free(&d);
	return rc;
}
