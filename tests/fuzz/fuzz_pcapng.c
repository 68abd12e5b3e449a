/*
 * fuzz_pcapng.c - libFuzzer target for capture files, two ways (first byte):
 *  - the reader on any bytes (pcap or pcapng, from memory): records or a
 *    clean error, never a crash;
 *  - the pcapng writer -> reader round trip: records cut from the input are
 *    written with their comments and must read back identical.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvgrect/pcapio.h"

#define MAX_RECORDS 64
#define MAX_COMMENT 96

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_any(const uint8_t *data, size_t size)
{
	struct nv_pcap_reader *r;
	struct nv_err err;
	const uint8_t *pkt;
	const char *comment;
	uint32_t caplen, len;
	uint64_t ts;
	int n = 0;

	if (nv_pcapio_open_read_mem(data, size, &r, &err) < 0)
		return;
	(void)nv_pcapio_linktype(r);
	while (n++ < 100000 &&
	       nv_pcapio_next(r, &pkt, &caplen, &len, &ts, &comment, &err) == 1) {
		volatile uint8_t sink = 0;

		if (caplen)
			sink = pkt[caplen - 1];      /* ASan: the record is really there */
		(void)sink;
		if (comment)
			(void)strlen(comment);
	}
	nv_pcapio_close_read(r);
}

struct rec {
	const uint8_t *data;
	uint32_t caplen, len;
	char comment[MAX_COMMENT + 1];
};

/* Records: [caplen lo][caplen hi:2 bits][extra wire bytes][comment len] data comment. */
static int cut_records(const uint8_t *p, size_t n, struct rec *rs)
{
	int nr = 0;

	while (nr < MAX_RECORDS && n >= 4) {
		size_t cl = p[0] | (size_t)(p[1] & 3) << 8, extra = p[2], ml = p[3] % (MAX_COMMENT + 1);

		p += 4;
		n -= 4;
		if (cl + ml > n)
			break;
		rs[nr].data = p;
		rs[nr].caplen = (uint32_t)cl;
		rs[nr].len = (uint32_t)(cl + extra);
		memset(rs[nr].comment, 0, sizeof(rs[nr].comment));
		for (size_t i = 0; i < ml; i++)   /* comments are text: no NUL inside */
			rs[nr].comment[i] = (char)(p[cl + i] ? p[cl + i] : 'x');
		p += cl + ml;
		n -= cl + ml;
		nr++;
	}
	return nr;
}

static void round_trip(const uint8_t *data, size_t size)
{
	static struct rec rs[MAX_RECORDS];
	char path[128];
	struct nv_pcap_writer *w;
	struct nv_pcap_reader *r;
	struct nv_err err;
	int nr = cut_records(data, size, rs), got = 0;
	const uint8_t *pkt;
	const char *comment;
	uint32_t caplen, len;
	uint64_t ts;

	snprintf(path, sizeof(path), "/dev/shm/nvgrect-fuzz-%d.pcapng", (int)getpid());
	if (nv_pcapio_open_write(path, NV_FMT_PCAPNG, true, &w, &err) < 0)
		return;
	for (int i = 0; i < nr; i++)
		if (nv_pcapio_write(w, 1000000u * (uint64_t)i, rs[i].data, rs[i].caplen, rs[i].len,
				    rs[i].comment[0] ? rs[i].comment : NULL, &err) < 0) {
			nv_pcapio_abort(w);
			return;
		}
	if (nv_pcapio_close(w, &err) < 0)
		abort();
	if (nv_pcapio_open_read(path, &r, &err) < 0)
		abort();
	while (nv_pcapio_next(r, &pkt, &caplen, &len, &ts, &comment, &err) == 1) {
		const struct rec *e = &rs[got];

		if (got >= nr || caplen != e->caplen || len != e->len ||
		    memcmp(pkt, e->data, caplen) != 0 || ts != 1000000u * (uint64_t)got)
			abort();
		if (strcmp(comment ? comment : "", e->comment) != 0)
			abort();
		got++;
	}
	nv_pcapio_close_read(r);
	unlink(path);
	if (got != nr)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		round_trip(data + 1, size - 1);
	else
		read_any(data + 1, size - 1);
	return 0;
}
