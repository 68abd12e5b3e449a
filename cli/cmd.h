/* cmd.h - one entry point per subcommand; each returns an exit code. */
#ifndef NV_CLI_CMD_H
#define NV_CLI_CMD_H

#include "nvgrect/dut.h"
#include "nvgrect/suite.h"

int nv_cmd_key(int argc, char **argv);
int nv_cmd_lint(int argc, char **argv);
int nv_cmd_gen(int argc, char **argv);
int nv_cmd_run(int argc, char **argv);
int nv_cmd_verify(int argc, char **argv);
int nv_cmd_ref(int argc, char **argv);
int nv_cmd_matrix(int argc, char **argv);
int nv_cmd_diagnose(int argc, char **argv);

/* Print every diagnostic as "path:line:col: message" on stderr. */
void nv_cli_print_diags(const struct nv_diags *ds);
/* Load a DUT file; 0, or NV_EXIT_USAGE after printing every problem. */
int nv_cli_load_dut(const char *path, struct nv_dut *dut);
/*
 * Load n suites (bound to dut when non-NULL), printing every problem of
 * every file; *nloaded = slots to nv_suite_free. 0 or NV_EXIT_USAGE.
 */
int nv_cli_load_suites(const char *const *paths, int n, const struct nv_dut *dut,
		       struct nv_suite *suites, int *nloaded);

/* Parse a decimal or 0x-hex unsigned number, whole string; 0 ok / -1. */
int nv_cli_number(const char *s, unsigned long long max, unsigned long long *out);

/* Parse a non-negative decimal (fractions allowed) up to max; 0 ok / -1. */
int nv_cli_real(const char *s, double max, double *out);

#endif
