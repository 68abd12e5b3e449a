/* pending.c - TEMPORARY: weak entry points for subcommands not yet landed. */
#include <stdio.h>

#include "cmd.h"
#include "nvgrect/err.h"

#define PENDING(fn, name) \
	__attribute__((weak)) int fn(int argc, char **argv) \
	{ (void)argc; (void)argv; fprintf(stderr, "nvgrect " name ": not built yet\n"); return NV_EXIT_RUNTIME; }

PENDING(nv_cmd_key, "key")
PENDING(nv_cmd_lint, "lint")
PENDING(nv_cmd_gen, "gen")
PENDING(nv_cmd_run, "run")
PENDING(nv_cmd_verify, "verify")
PENDING(nv_cmd_ref, "ref")
PENDING(nv_cmd_matrix, "matrix")
PENDING(nv_cmd_diagnose, "diagnose")
