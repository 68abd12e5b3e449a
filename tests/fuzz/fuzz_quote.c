/*
 * fuzz_quote.c - libFuzzer target: the ICMP quote parsers (from the quoted IP
 * header, or from the quoted GRE header as MS-NVGREE sends it) on any bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nvgrect/dissect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nv_quote q;

	if (size < 1)
		return 0;
	memset(&q, 0, sizeof(q));
	switch (data[0] % 3) {
	case 0:
		nv_dissect_quote(data + 1, size - 1, AF_INET, &q);
		break;
	case 1:
		nv_dissect_quote(data + 1, size - 1, AF_INET6, &q);
		break;
	default:
		nv_dissect_quote_gre(data + 1, size - 1, &q);
		break;
	}
	/* the quote never claims more bytes than it was given */
	if (q.quote_len > size - 1)
		abort();
	return 0;
}
