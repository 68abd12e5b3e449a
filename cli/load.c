/* load.c - loading a command's DUT file and suites, with every diagnostic printed. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "nvgrect/err.h"

void nv_cli_print_diags(const struct nv_diags *ds)
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

int nv_cli_load_dut(const char *path, struct nv_dut *dut)
{
	static struct nv_diags ds;   /* large: keep it off the stack */

	memset(&ds, 0, sizeof(ds));
	if (nv_dut_load(path, dut, &ds) < 0) {
		nv_cli_print_diags(&ds);
		return NV_EXIT_USAGE;
	}
	return 0;
}

int nv_cli_load_suites(const char *const *paths, int n, const struct nv_dut *dut,
		       struct nv_suite *suites, int *nloaded)
{
	static struct nv_diags ds;
	int bad_input = 0;

	for (int i = 0; i < n; i++) {
		memset(&ds, 0, sizeof(ds));
		*nloaded = i + 1;    /* nv_suite_free is safe on a failed load */
		if (nv_suite_load(paths[i], &suites[i], &ds) < 0) {
			nv_cli_print_diags(&ds);
			bad_input = 1;
			continue;
		}
		memset(&ds, 0, sizeof(ds));
		if (dut && nv_suite_bind(&suites[i], dut, &ds) < 0) {
			nv_cli_print_diags(&ds);
			bad_input = 1;
		}
	}
	return bad_input ? NV_EXIT_USAGE : 0;
}
