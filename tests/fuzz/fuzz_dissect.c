/*
 * fuzz_dissect.c - libFuzzer target: the frame dissector on any bytes, with
 * the capture cut short or not (first byte), then the diagnosis aggregator
 * on what came out. Invariants checked: the dissector never claims bytes it
 * did not have.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nvgrect/diagnose.h"
#include "nvgrect/dissect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nv_pkt p;
	struct nv_diagnose *x;
	struct nv_diagnosis d;
	uint32_t len;

	if (size < 1)
		return 0;
	/* byte 0: how much longer the frame was on the wire than captured */
	len = (uint32_t)(size - 1) + data[0];
	memset(&p, 0, sizeof(p));
	nv_dissect_frame(data + 1, (uint32_t)(size - 1), len, &p);
	if (p.has_inner && p.inner_off > size - 1)
		abort();
	if (p.gre.has_key && p.key_off + 4u > size - 1 && !p.quote.present)
		abort();
	(void)nv_dissect_is_nvgre(&p);
	(void)nv_layer_name(p.bad_layer);
	x = nv_diagnose_new(NULL, NULL);
	if (!x)
		return 0;
	nv_diagnose_add(x, 1, &p);
	nv_diagnose_add(x, 2, &p);
	memset(&d, 0, sizeof(d));
	if (nv_diagnose_finish(x, &d, NULL) == 0)
		nv_diagnose_result_free(&d);
	nv_diagnose_free(x);
	return 0;
}
