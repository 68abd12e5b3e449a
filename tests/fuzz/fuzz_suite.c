/*
 * fuzz_suite.c - libFuzzer target: the suite loader and the DUT loader from
 * memory on any bytes (first byte picks which), then binding a suite to a
 * DUT file. Problems must come back as diagnostics, never as a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nvgrect/dut.h"
#include "nvgrect/suite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char lab_dut[] =
	"name: lab\n"
	"tester:\n  pa: 192.0.2.1\n"
	"dut:\n  pa: 192.0.2.2\n"
	"tenants:\n"
	"  - name: blue\n    vsid: 5001\n    tester_ca: 198.51.100.1\n    vm_ca: 198.51.100.2\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nv_diags diags;
	static struct nv_dut dut, lab;
	struct nv_suite s;
	const char *buf = (const char *)data + 1;

	if (size < 1)
		return 0;
	memset(&diags, 0, sizeof(diags));
	if (data[0] & 1) {
		memset(&dut, 0, sizeof(dut));
		(void)nv_dut_load_mem("fuzz-dut.yaml", buf, size - 1, &dut, &diags);
	} else {
		memset(&s, 0, sizeof(s));
		if (nv_suite_load_mem("fuzz-suite.yaml", buf, size - 1, &s, &diags) == 0) {
			memset(&lab, 0, sizeof(lab));
			if (nv_dut_load_mem("lab.yaml", lab_dut, sizeof(lab_dut) - 1, &lab, &diags) == 0)
				(void)nv_suite_bind(&s, &lab, &diags);
		}
		nv_suite_free(&s);
	}
	if (diags.n < 0 || diags.n > NV_DIAG_MAX)
		abort();
	return 0;
}
