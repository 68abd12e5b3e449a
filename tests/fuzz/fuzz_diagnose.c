/*
 * fuzz_diagnose.c - libFuzzer target: a whole capture's worth of frames
 * (each as [length hi][length lo][bytes], up to 256 of them) dissected and
 * fed to the diagnosis, which then infers, finds and writes one format (the
 * input's last byte picks which).
 * The reasoning over hosts, pairs and conversations must hold for any mix.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "nvgrect/diagnose.h"
#include "nvgrect/dissect.h"

#define MAX_FRAMES 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One writer per input (the selector byte), so each input stays cheap. */
static void write_one(const struct nv_diagnosis *d, uint8_t which)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	__fsetlocking(f, FSETLOCKING_BYCALLER);    /* the escapers write byte by byte */
	switch (which % 4) {
	case 0: nv_diagnose_write_text(f, d, true, NULL); break;
	case 1: nv_diagnose_write_md(f, d, NULL); break;
	case 2: nv_diagnose_write_html(f, d, NULL); break;
	default: nv_diagnose_write_json(f, d, NULL); break;
	}
	fclose(f);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nv_diagnose *x = nv_diagnose_new(NULL, NULL);
	struct nv_diagnosis d;
	struct nv_pkt p;
	uint64_t n = 0;
	uint8_t which = size ? data[size - 1] : 0;

	if (!x)
		return 0;
	while (size >= 2 && n < MAX_FRAMES) {
		size_t len = (size_t)data[0] << 8 | data[1];

		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		nv_dissect_frame(data, (uint32_t)len, (uint32_t)len, &p);
		nv_diagnose_add(x, ++n, &p);
		data += len;
		size -= len;
	}
	memset(&d, 0, sizeof(d));
	if (nv_diagnose_finish(x, &d, NULL) == 0) {
		if (d.nfindings > NV_DX_FINDING_MAX || d.nhosts > NV_DX_HOST_MAX)
			abort();
		for (int i = 0; i < d.nfindings; i++)
			if (d.findings[i].frames.n > NV_DX_FRAMES_CITED ||
			    (uint64_t)d.findings[i].frames.n > d.findings[i].frames.total)
				abort();
		write_one(&d, which);
		nv_diagnose_result_free(&d);
	}
	nv_diagnose_free(x);
	return 0;
}
