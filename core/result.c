/* result.c - verdict names, freeing a result, its exit code (DESIGN §4). */
#include <stdlib.h>

#include "nvgrect/err.h"
#include "nvgrect/result.h"

const char *nv_verdict_name(enum nv_verdict v)
{
	switch (v) {
	case NV_V_PASS: return "pass";
	case NV_V_INFO: return "info";
	case NV_V_WARN: return "warn";
	case NV_V_INCONCLUSIVE: return "inconclusive";
	case NV_V_FAIL: return "fail";
	}
	return "?";
}

void nv_result_free(struct nv_result *r)
{
	free(r->probes);
	free(r->cases);
	r->probes = NULL;
	r->cases = NULL;
	r->nprobe_results = 0;
	r->ncases = 0;
}

/* A FAIL with evidence outranks loss; loss with nothing failed is 3. */
int nv_result_exit_code(const struct nv_result *r)
{
	if (r->counts[NV_V_FAIL] > 0)
		return NV_EXIT_FAIL;
	if (r->counts[NV_V_INCONCLUSIVE] > 0)
		return NV_EXIT_INCONCLUSIVE;
	return NV_EXIT_OK;
}
