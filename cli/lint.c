/* lint.c - `nvgrect lint FILE...`: validate suite and DUT files, report every problem. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "nvgrect/dut.h"
#include "nvgrect/err.h"
#include "nvgrect/suite.h"
#include "nvgrect/yamlx.h"

enum file_kind { KIND_UNKNOWN, KIND_SUITE, KIND_DUT };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nvgrect lint [-q] [--dut DUT.yaml] FILE.yaml...\n"
		"\n"
		"Validate suite files (with suite: or cases:) and DUT files (with tenants:\n"
		"or dut:). Every problem is printed to stderr as path:line:col: message;\n"
		"each valid file prints 'path: ok (suite|dut)' on stdout.\n"
		"\n"
		"  --dut FILE    also check the suites' tenant names and address families\n"
		"                against this DUT file\n"
		"  -q, --quiet   print nothing for valid files\n"
		"  -h, --help    this text\n"
		"\n"
		"exit: 0 every file valid, 2 a file is invalid or unreadable\n");
}

/* Suite or DUT? Decided from the root mapping's keys; parse problems are reported. */
static enum file_kind classify(const char *buf, size_t len, struct nv_diags *ds)
{
	struct nv_yx y;
	enum file_kind k = KIND_UNKNOWN;

	if (nv_yx_parse(&y, buf, len, ds) == 0) {
		if (nv_yx_root_has(&y, "suite") || nv_yx_root_has(&y, "cases"))
			k = KIND_SUITE;
		else if (nv_yx_root_has(&y, "tenants") || nv_yx_root_has(&y, "dut"))
			k = KIND_DUT;
		else
			nv_yx_err(&y, nv_yx_root(&y), "",
				  "neither a suite (no 'suite:' or 'cases:') nor a DUT file (no 'tenants:' or 'dut:')");
	}
	nv_yx_free(&y);
	return k;
}

/* --dut: load once; lint reports its own problems like any other file's */
static struct nv_dut *bind_dut;

static int load_bind_dut(const char *path)
{
	static struct nv_diags ds;

	bind_dut = malloc(sizeof(*bind_dut));
	if (!bind_dut) {
		fprintf(stderr, "nvgrect lint: out of memory\n");
		return -1;
	}
	if (nv_dut_load(path, bind_dut, &ds) == 0)
		return 0;
	nv_cli_print_diags(&ds);
	free(bind_dut);
	bind_dut = NULL;
	return -1;
}

static int lint_suite(const char *path, const char *buf, size_t len, struct nv_diags *ds)
{
	struct nv_suite s;
	int rc = nv_suite_load_mem(path, buf, len, &s, ds);

	if (rc == 0 && bind_dut)
		rc = nv_suite_bind(&s, bind_dut, ds);
	nv_suite_free(&s);
	return rc;
}

static int lint_one(const char *path, bool quiet)
{
	static struct nv_diags ds;
	struct nv_dut *d;
	enum file_kind k;
	char *buf;
	size_t len;
	int rc = -1;

	memset(&ds, 0, sizeof(ds));
	ds.path = path;
	if (nv_yx_read_file(path, &buf, &len, &ds) < 0) {
		nv_cli_print_diags(&ds);
		return -1;
	}
	k = classify(buf, len, &ds);
	if (k == KIND_SUITE) {
		rc = lint_suite(path, buf, len, &ds);
	} else if (k == KIND_DUT) {
		d = malloc(sizeof(*d));
		rc = d ? nv_dut_load_mem(path, buf, len, d, &ds) : -1;
		free(d);
	}
	free(buf);
	ds.path = path;             /* the loaders point it at their own copies */
	nv_cli_print_diags(&ds);
	if (rc == 0 && !quiet)
		printf("%s: ok (%s)\n", path, k == KIND_SUITE ? "suite" : "dut");
	return rc;
}

int nv_cmd_lint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "dut", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dut = NULL;
	bool quiet = false;
	int c, bad = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qd:h", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'd':
			dut = optarg;
			break;
		case 'h':
			usage(stdout);
			return NV_EXIT_OK;
		default:
			usage(stderr);
			return NV_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "nvgrect lint: no files given\n");
		usage(stderr);
		return NV_EXIT_USAGE;
	}
	if (dut && load_bind_dut(dut) < 0)
		bad++;
	for (int i = optind; i < argc; i++)
		if (lint_one(argv[i], quiet) < 0)
			bad++;
	free(bind_dut);
	bind_dut = NULL;
	return bad ? NV_EXIT_USAGE : NV_EXIT_OK;
}
