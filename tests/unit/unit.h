/* unit.h - each check_<module>.c registers its Check suite with NV_UNIT_SUITE. */
#ifndef NV_UNIT_H
#define NV_UNIT_H

#include <check.h>
#include <stdbool.h>

#include "nvgrect/err.h"

typedef Suite *(*nv_suite_fn)(void);
void nv_unit_register(nv_suite_fn fn);

#define NV_UNIT_SUITE(fn) \
	__attribute__((constructor)) static void register_##fn(void) { nv_unit_register(fn); }

/* A diagnostic sits exactly at line:col and its message contains what. */
bool nv_test_has_diag(const struct nv_diags *d, int line, int col, const char *what);
/* Every diagnostic on stderr, "path:line:col: message". */
void nv_test_dump_diags(const struct nv_diags *d);

/* Directory holding test data (tests/unit is the runner's working dir). */
#define NV_TESTDATA "../"

#endif
