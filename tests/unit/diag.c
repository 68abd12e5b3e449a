/* diag.c - assertions on loader diagnostics, shared by the loader tests. */
#include <stdio.h>
#include <string.h>

#include "unit.h"

bool nv_test_has_diag(const struct nv_diags *d, int line, int col, const char *what)
{
	for (int i = 0; i < d->n; i++)
		if (d->d[i].line == line && d->d[i].col == col && strstr(d->d[i].msg, what))
			return true;
	return false;
}

void nv_test_dump_diags(const struct nv_diags *d)
{
	char buf[512];

	for (int i = 0; i < d->n; i++) {
		nv_diag_format(d, i, buf, sizeof(buf));
		fprintf(stderr, "  %s\n", buf);
	}
}
