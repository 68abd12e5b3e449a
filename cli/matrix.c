/* matrix.c - `nvgrect matrix REPORT.json... [-o OUTDIR] [--force]`. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "nvgrect/report.h"

#define MAX_ARGS 256

static void usage(FILE *f)
{
	fputs("usage: nvgrect matrix REPORT.json... [-o OUTDIR] [--force]\n\n"
	      "Pair the endpoints of the given reports (written by `nvgrect run` or\n"
	      "`nvgrect verify`): every pair, both directions. A can send to B when the\n"
	      "key layout A emits is one B accepts and, if A sends non-zero FlowIDs,\n"
	      "B is FlowID tolerant. With one report, print that endpoint's profile.\n\n"
	      "  -o, --output OUTDIR  write matrix.json, matrix.md, matrix.html there\n"
	      "  --force              replace matrix files already in OUTDIR\n"
	      "  -h, --help           this text\n\n"
	      "exit: 0 every pair compatible (or one endpoint), 1 a pair is not compatible,\n"
	      "2 usage or a malformed report, 3 a direction is unknown (no incompatibility),\n"
	      "4 I/O error\n", f);
}

static int result_code(const struct nv_matrix *m)
{
	bool unknown = false;

	for (int i = 0; i < m->npairs; i++) {
		if (m->pairs[i].a_to_b == NV_MX_NO || m->pairs[i].b_to_a == NV_MX_NO)
			return NV_EXIT_FAIL;
		if (!m->pairs[i].compatible)
			unknown = true;
	}
	return unknown ? NV_EXIT_INCONCLUSIVE : NV_EXIT_OK;
}

static int load_all(struct nv_matrix *m, int argc, char **argv, const bool *is_input)
{
	struct nv_mx_endpoint ep;
	struct nv_err err = { 0 };

	for (int i = 1; i < argc; i++) {
		if (!is_input[i])
			continue;
		if (nv_matrix_load(argv[i], &ep, &err) < 0 || nv_matrix_add(m, &ep, &err) < 0) {
			fprintf(stderr, "nvgrect matrix: %s\n", err.msg);
			return err.code ? err.code : NV_EXIT_USAGE;
		}
	}
	return 0;
}

int nv_cmd_matrix(int argc, char **argv)
{
	struct nv_matrix m = { 0 };
	struct nv_err err = { 0 };
	const char *outdir = NULL;
	bool force = false, is_input[MAX_ARGS];
	int ninputs = 0, rc;

	if (argc > MAX_ARGS) {
		fprintf(stderr, "nvgrect matrix: at most %d arguments\n", MAX_ARGS - 1);
		return NV_EXIT_USAGE;
	}
	memset(is_input, 0, sizeof(is_input));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return NV_EXIT_OK;
		} else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			if (++i >= argc) {
				fprintf(stderr, "nvgrect matrix: %s needs a directory\n", argv[i - 1]);
				return NV_EXIT_USAGE;
			}
			outdir = argv[i];
		} else if (!strcmp(argv[i], "--force")) {
			force = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "nvgrect matrix: unknown option %s\n", argv[i]);
			usage(stderr);
			return NV_EXIT_USAGE;
		} else {
			is_input[i] = true;
			ninputs++;
		}
	}
	if (ninputs == 0) {
		fprintf(stderr, "nvgrect matrix: no report.json given\n");
		usage(stderr);
		return NV_EXIT_USAGE;
	}
	rc = load_all(&m, argc, argv, is_input);
	if (rc == 0 && nv_matrix_build(&m, &err) < 0) {
		fprintf(stderr, "nvgrect matrix: %s\n", err.msg);
		rc = err.code;
	}
	if (rc == 0 && outdir && nv_matrix_write_all(&m, outdir, force, &err) < 0) {
		fprintf(stderr, "nvgrect matrix: %s\n", err.msg);
		rc = err.code;
	}
	if (rc == 0) {
		nv_matrix_print(stdout, &m, isatty(STDOUT_FILENO));
		if (outdir)
			printf("\nwrote %s/matrix.json, matrix.md, matrix.html\n", outdir);
		rc = result_code(&m);
	}
	nv_matrix_free(&m);
	return rc;
}
