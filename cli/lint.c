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
		"usage: nvgrect lint [-q] FILE.yaml...\n"
		"\n"
		"Validate suite files (with suite: or cases:) and DUT files (with tenants:\n"
		"or dut:). Every problem is printed to stderr as path:line:col: message;\n"
		"each valid file prints 'path: ok (suite|dut)' on stdout.\n"
		"\n"
		"  -q, --quiet   print nothing for valid files\n"
		"  -h, --help    this text\n"
		"\n"
		"exit: 0 every file valid, 2 a file is invalid or unreadable\n");
}

static void print_diags(const struct nv_diags *ds)
{
	char line[NV_ERRBUF_SIZE];

	for (int i = 0; i < ds->n; i++) {
		/* line 0: the file itself (cannot open), no position to give */
		if (ds->d[i].line == 0) {
			fprintf(stderr, "%s: %s\n", ds->path, ds->d[i].msg);
			continue;
		}
		nv_diag_format(ds, i, line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	if (ds->dropped)
		fprintf(stderr, "%s: %d more problems not shown\n", ds->path, ds->dropped);
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

static int lint_one(const char *path, bool quiet)
{
	static struct nv_diags ds;
	struct nv_suite s;
	struct nv_dut *d;
	enum file_kind k;
	char *buf;
	size_t len;
	int rc = -1;

	memset(&ds, 0, sizeof(ds));
	ds.path = path;
	if (nv_yx_read_file(path, &buf, &len, &ds) < 0) {
		print_diags(&ds);
		return -1;
	}
	k = classify(buf, len, &ds);
	if (k == KIND_SUITE) {
		rc = nv_suite_load_mem(path, buf, len, &s, &ds);
		nv_suite_free(&s);
	} else if (k == KIND_DUT) {
		d = malloc(sizeof(*d));
		rc = d ? nv_dut_load_mem(path, buf, len, d, &ds) : -1;
		free(d);
	}
	free(buf);
	print_diags(&ds);
	if (rc == 0 && !quiet)
		printf("%s: ok (%s)\n", path, k == KIND_SUITE ? "suite" : "dut");
	return rc;
}

int nv_cmd_lint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool quiet = false;
	int c, bad = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
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
	for (int i = optind; i < argc; i++)
		if (lint_one(argv[i], quiet) < 0)
			bad++;
	return bad ? NV_EXIT_USAGE : NV_EXIT_OK;
}
