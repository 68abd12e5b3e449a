/* check_main.c - one SRunner over every registered suite; TAP with NV_TAP=1. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#define MAX_SUITES 64

static nv_suite_fn suites[MAX_SUITES];
static int nsuites;

void nv_unit_register(nv_suite_fn fn)
{
	if (nsuites < MAX_SUITES)
		suites[nsuites++] = fn;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (nsuites == 0)
		return EXIT_FAILURE;
	sr = srunner_create(suites[0]());
	for (int i = 1; i < nsuites; i++)
		srunner_add_suite(sr, suites[i]());
	if (getenv("NV_TAP"))
		srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
