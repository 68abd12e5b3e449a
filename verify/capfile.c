/*
 * capfile.c - the offline verifier's reader. Classic pcap files are read in
 * 512 KiB blocks and records handed out in place (libpcap's fread of every
 * record was a quarter of the verifier's time; a mapping would grow the
 * resident set with the file); pcapng and anything else go through libpcap.
 * Record headers are read through the bounded cursor, and the same sanity
 * limits as libpcap's sf-pcap.c apply (caplen <= 262144, a record
 * cut by the end of the file is an error, not a frame).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "nvgrect/cursor.h"
#include "verify_int.h"

#define NV_PCAP_MAGIC_US 0xa1b2c3d4u
#define NV_PCAP_MAGIC_NS 0xa1b23c4du
#define NV_PCAP_FILE_HLEN 24
#define NV_PCAP_REC_HLEN 16
#define NV_PCAP_LINKTYPE_OFF 20
#define NV_PCAP_MAX_SNAPLEN 262144u
#define NV_US_PER_S 1000000ull
#define NV_NS_PER_US 1000u
#define NV_READ_BLOCK (512u << 10)  /* > the largest record; small enough to stay in L2 */

struct nv_capfile {
	/* classic pcap, read in large blocks */
	int fd;
	uint8_t *buf;
	struct nv_cur c;            /* over the bytes of buf not yet used */
	size_t fill;                /* bytes in buf */
	bool eof;
	bool swapped, nsec;
	int linktype;
	uint32_t n;
	/* everything else */
	pcap_t *pc;
};

static uint32_t rd32(const uint8_t *p, bool swapped)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[3] << 24;

	return swapped ? __builtin_bswap32(v) : v;
}

/* Keep the unused tail, read more behind it. -1 on a read error. */
static int refill(struct nv_capfile *f)
{
	size_t keep = nv_cur_left(&f->c);

	memmove(f->buf, f->c.p, keep);
	f->fill = keep;
	while (!f->eof && f->fill < NV_READ_BLOCK) {
		ssize_t r = read(f->fd, f->buf + f->fill, NV_READ_BLOCK - f->fill);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			f->eof = true;
		f->fill += (size_t)r;
	}
	nv_cur_init(&f->c, f->buf, f->fill);
	return 0;
}

/* n bytes at the cursor, reading more if needed; false at end of file. */
static bool have(struct nv_capfile *f, size_t n)
{
	if (nv_cur_left(&f->c) >= n)
		return true;
	if (f->eof || refill(f) < 0)
		return false;
	return nv_cur_left(&f->c) >= n;
}

static int open_classic(struct nv_capfile *f, const char *path)
{
	uint32_t magic;

	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	f->buf = malloc(NV_READ_BLOCK);
	if (f->fd < 0 || !f->buf)
		return -1;
	nv_cur_init(&f->c, f->buf, 0);
	if (!have(f, NV_PCAP_FILE_HLEN))
		return -1;
	magic = rd32(f->c.p, false);
	f->swapped = magic == __builtin_bswap32(NV_PCAP_MAGIC_US) ||
		     magic == __builtin_bswap32(NV_PCAP_MAGIC_NS);
	f->nsec = magic == NV_PCAP_MAGIC_NS || magic == __builtin_bswap32(NV_PCAP_MAGIC_NS);
	if (!f->swapped && magic != NV_PCAP_MAGIC_US && magic != NV_PCAP_MAGIC_NS)
		return -1;          /* not classic pcap: libpcap decides */
	f->linktype = (int)(rd32(f->c.p + NV_PCAP_LINKTYPE_OFF, f->swapped) & 0xffff);
	nv_cur_skip(&f->c, NV_PCAP_FILE_HLEN);
	return 0;
}

static void close_classic(struct nv_capfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->buf);
	f->fd = -1;
	f->buf = NULL;
}

int nv_capfile_open(struct nv_capfile **out, const char *path, struct nv_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct nv_capfile *f = calloc(1, sizeof(*f));

	*out = NULL;
	if (!f)
		return nv_errno(err, "capture reader");
	f->fd = -1;
	if (open_classic(f, path) < 0) {
		close_classic(f);
		f->pc = pcap_open_offline(path, ebuf);
		if (!f->pc) {
			free(f);
			return nv_errc(err, NV_EXIT_USAGE, "%s", ebuf);
		}
		f->linktype = pcap_datalink(f->pc);
	}
	*out = f;
	return 0;
}

int nv_capfile_linktype(const struct nv_capfile *f)
{
	return f->linktype;
}

static int next_classic(struct nv_capfile *f, const uint8_t **data, uint32_t *caplen,
			uint32_t *len, uint64_t *ts_us, struct nv_err *err)
{
	const uint8_t *h;
	uint32_t sec, frac;

	if (!have(f, 1))
		return f->eof ? 0 : nv_errno(err, "read");
	if (!have(f, NV_PCAP_REC_HLEN))
		return nv_errc(err, NV_EXIT_USAGE, "record %u: header cut by the end of the file",
			       f->n + 1);
	h = f->c.p;
	sec = rd32(h, f->swapped);
	frac = rd32(h + 4, f->swapped);
	*caplen = rd32(h + 8, f->swapped);
	*len = rd32(h + 12, f->swapped);
	if (*caplen > NV_PCAP_MAX_SNAPLEN)
		return nv_errc(err, NV_EXIT_USAGE, "record %u: invalid capture length %u",
			       f->n + 1, *caplen);
	if (!have(f, NV_PCAP_REC_HLEN + (size_t)*caplen))
		return nv_errc(err, NV_EXIT_USAGE,
			       "record %u: truncated packet data (needs %u bytes, %zu there)",
			       f->n + 1, *caplen, nv_cur_left(&f->c) - NV_PCAP_REC_HLEN);
	nv_cur_skip(&f->c, NV_PCAP_REC_HLEN);
	*data = f->c.p;
	nv_cur_skip(&f->c, *caplen);
	*ts_us = (uint64_t)sec * NV_US_PER_S + (f->nsec ? frac / NV_NS_PER_US : frac);
	f->n++;
	return 1;
}

int nv_capfile_next(struct nv_capfile *f, const uint8_t **data, uint32_t *caplen,
		    uint32_t *len, uint64_t *ts_us, struct nv_err *err)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc;

	if (f->buf)
		return next_classic(f, data, caplen, len, ts_us, err);
	rc = pcap_next_ex(f->pc, &h, &d);
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1)
		return nv_errc(err, NV_EXIT_USAGE, "after record %u: %s", f->n,
			       pcap_geterr(f->pc));
	f->n++;
	*data = d;
	*caplen = h->caplen;
	*len = h->len;
	*ts_us = (uint64_t)h->ts.tv_sec * NV_US_PER_S + (uint64_t)h->ts.tv_usec;
	return 1;
}

void nv_capfile_close(struct nv_capfile *f)
{
	if (!f)
		return;
	close_classic(f);
	if (f->pc)
		pcap_close(f->pc);
	free(f);
}
