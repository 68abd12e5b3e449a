/*
 * pcapio.c - capture files in and out.
 *
 * Writing: classic pcap with its file header from libpcap (pcap_open_dead +
 * pcap_dump_fopen), pcapng with our own SHB and IDB (opt_comment per EPB:
 * libpcap cannot write pcapng). Records of both go into one 1 MiB block
 * buffer handed to write(2): pcap_dump() costs two locked fwrite()s per
 * record, which kept `gen --count` below 60% of the raw write bandwidth
 * (research/perf-anchors.md; tests/bench/bench-gen.sh). pcap records are in
 * host byte order with microsecond stamps, exactly what pcap_dump writes.
 * Everything goes to "<path>.tmp", renamed into place on close.
 *
 * Reading: pcap (both byte orders, us or ns) and pcapng (SHB/IDB/EPB/SPB,
 * other blocks skipped), from a file or memory, every length checked
 * before use; a bad file gives an error naming the record, never a crash.
 */
#include "nvgrect/pcapio.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IO_BUF_SIZE (1u << 20)
#define SNAPLEN 262144u
#define LINKTYPE_ETHERNET 1

/* pcap file header and record header */
#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_FILE_HDR_LEN 24
#define PCAP_REC_HDR_LEN 16
#define PCAP_OFF_LINKTYPE 20

/* pcapng blocks (draft-ietf-opsawg-pcapng) */
#define PCAPNG_SHB 0x0a0d0d0au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_SPB 0x00000003u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_BOM 0x1a2b3c4du
#define PCAPNG_BLOCK_HDR_LEN 8      /* type + total length */
#define PCAPNG_BLOCK_TRAILER_LEN 4  /* total length again */
#define PCAPNG_SHB_BODY_LEN 16      /* bom, major, minor, section length */
#define PCAPNG_IDB_BODY_LEN 8       /* linktype, reserved, snaplen */
#define PCAPNG_EPB_BODY_LEN 20      /* if id, ts high, ts low, caplen, len */
#define PCAPNG_OPT_ENDOFOPT 0
#define PCAPNG_OPT_COMMENT 1
#define PCAPNG_OPT_SHB_USERAPPL 4
#define PCAPNG_OPT_IF_TSRESOL 9
#define PCAPNG_OPT_HDR_LEN 4
#define PCAPNG_MAX_BLOCK (16u << 20)
#define PCAPNG_MAX_IF 64
#define COMMENT_MAX 65535

static uint32_t pad4(uint32_t n)
{
	return (n + 3u) & ~3u;
}

enum nv_pcap_fmt nv_pcapio_fmt_for(const char *path)
{
	size_t n = strlen(path);

	if (n >= 7 && strcmp(path + n - 7, ".pcapng") == 0)
		return NV_FMT_PCAPNG;
	return NV_FMT_PCAP;
}

/* --- writer ------------------------------------------------------------- */

struct nv_pcap_writer {
	enum nv_pcap_fmt fmt;
	char *path, *tmp;
	/* pcap */
	pcap_t *dead;
	pcap_dumper_t *dumper;
	FILE *fp;
	int fd;                     /* pcapng: ours to close */
	int out;                    /* where blocks go (fd, or fileno of fp) */
	uint8_t *buf;
	uint32_t used;
	uint64_t records;
};

static int block_flush(struct nv_pcap_writer *w, struct nv_err *err)
{
	uint32_t off = 0;

	while (off < w->used) {
		ssize_t n = write(w->out, w->buf + off, w->used - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nv_errno(err, "%s: write", w->tmp);
		off += (uint32_t)n;
	}
	w->used = 0;
	return 0;
}

/* Room for n more bytes in the block buffer (flushing first if needed). */
static uint8_t *block_room(struct nv_pcap_writer *w, uint32_t n, struct nv_err *err)
{
	if (w->used + n > IO_BUF_SIZE && block_flush(w, err) < 0)
		return NULL;
	if (n > IO_BUF_SIZE) {
		nv_errf(err, "%s: record of %u bytes is too large", w->path, n);
		return NULL;
	}
	return w->buf + w->used;
}

static uint8_t *put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static uint8_t *put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	return p + 4;
}

/* One option: code, length, value, zero padding to 4. */
static uint8_t *put_opt(uint8_t *p, uint16_t code, const void *v, uint16_t len)
{
	p = put_le16(p, code);
	p = put_le16(p, len);
	if (len)            /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(p, v, len);
	memset(p + len, 0, pad4(len) - len);
	return p + pad4(len);
}

static int ng_write_headers(struct nv_pcap_writer *w, struct nv_err *err)
{
	static const char appl[] = "nvgrect";
	uint8_t tsresol = 6;        /* microseconds, written out for clarity */
	uint32_t shb = PCAPNG_BLOCK_HDR_LEN + PCAPNG_SHB_BODY_LEN + PCAPNG_OPT_HDR_LEN +
		       pad4(sizeof(appl) - 1) + PCAPNG_OPT_HDR_LEN + PCAPNG_BLOCK_TRAILER_LEN;
	uint32_t idb = PCAPNG_BLOCK_HDR_LEN + PCAPNG_IDB_BODY_LEN + PCAPNG_OPT_HDR_LEN +
		       pad4(1) + PCAPNG_OPT_HDR_LEN + PCAPNG_BLOCK_TRAILER_LEN;
	uint8_t *p = block_room(w, shb + idb, err);

	if (!p)
		return -1;
	p = put_le32(p, PCAPNG_SHB);
	p = put_le32(p, shb);
	p = put_le32(p, PCAPNG_BOM);
	p = put_le16(p, 1);
	p = put_le16(p, 0);
	p = put_le32(p, 0xffffffffu);       /* section length unknown (-1) */
	p = put_le32(p, 0xffffffffu);
	p = put_opt(p, PCAPNG_OPT_SHB_USERAPPL, appl, sizeof(appl) - 1);
	p = put_opt(p, PCAPNG_OPT_ENDOFOPT, NULL, 0);
	p = put_le32(p, shb);
	p = put_le32(p, PCAPNG_IDB);
	p = put_le32(p, idb);
	p = put_le16(p, LINKTYPE_ETHERNET);
	p = put_le16(p, 0);
	p = put_le32(p, SNAPLEN);
	p = put_opt(p, PCAPNG_OPT_IF_TSRESOL, &tsresol, 1);
	p = put_opt(p, PCAPNG_OPT_ENDOFOPT, NULL, 0);
	put_le32(p, idb);
	w->used += shb + idb;
	return 0;
}

static int open_pcap(struct nv_pcap_writer *w, struct nv_err *err)
{
	w->fp = fopen(w->tmp, "wb");
	if (!w->fp)
		return nv_errno(err, "%s", w->tmp);
	w->dead = pcap_open_dead(DLT_EN10MB, (int)SNAPLEN);
	if (!w->dead)
		return nv_errf(err, "pcap_open_dead failed");
	w->dumper = pcap_dump_fopen(w->dead, w->fp);
	if (!w->dumper)
		return nv_errf(err, "%s: %s", w->tmp, pcap_geterr(w->dead));
	/* the file header is out; records follow through the block buffer */
	if (pcap_dump_flush(w->dumper) < 0)
		return nv_errno(err, "%s: write", w->tmp);
	w->out = fileno(w->fp);
	return 0;
}

static void writer_free(struct nv_pcap_writer *w)
{
	if (w->dumper)
		pcap_dump_close(w->dumper);     /* closes fp too */
	else if (w->fp)
		fclose(w->fp);
	if (w->dead)
		pcap_close(w->dead);
	if (w->fd >= 0)
		close(w->fd);
	free(w->buf);
	free(w->path);
	free(w->tmp);
	free(w);
}

int nv_pcapio_open_write(const char *path, enum nv_pcap_fmt fmt, bool force,
			 struct nv_pcap_writer **out, struct nv_err *err)
{
	struct nv_pcap_writer *w;
	struct stat st;
	size_t n = strlen(path);

	*out = NULL;
	if (!force && stat(path, &st) == 0)
		return nv_errc(err, NV_EXIT_USAGE, "%s exists (use --force to replace it)", path);
	w = calloc(1, sizeof(*w));
	if (!w)
		return nv_errno(err, "writer");
	w->fd = -1;
	w->fmt = fmt;
	w->path = strdup(path);
	w->tmp = malloc(n + 5);
	if (!w->path || !w->tmp) {
		writer_free(w);
		return nv_errno(err, "writer");
	}
	memcpy(w->tmp, path, n);
	memcpy(w->tmp + n, ".tmp", 5);
	w->buf = malloc(IO_BUF_SIZE);
	if (!w->buf) {
		nv_errno(err, "writer buffer");
		goto fail;
	}
	if (fmt == NV_FMT_PCAP) {
		if (open_pcap(w, err) < 0)
			goto fail;
	} else {
		w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (w->fd < 0) {
			nv_errno(err, "%s", w->tmp);
			goto fail;
		}
		w->out = w->fd;
		if (ng_write_headers(w, err) < 0)
			goto fail;
	}
	*out = w;
	return 0;
fail:
	unlink(w->tmp);
	writer_free(w);
	return -1;
}

static int ng_write(struct nv_pcap_writer *w, uint64_t ts_us, const uint8_t *data,
		    uint32_t caplen, uint32_t len, const char *comment,
		    struct nv_err *err)
{
	uint32_t clen = comment ? (uint32_t)strnlen(comment, COMMENT_MAX) : 0;
	uint32_t opts = clen ? PCAPNG_OPT_HDR_LEN + pad4(clen) + PCAPNG_OPT_HDR_LEN : 0;
	uint32_t total = PCAPNG_BLOCK_HDR_LEN + PCAPNG_EPB_BODY_LEN + pad4(caplen) + opts +
			 PCAPNG_BLOCK_TRAILER_LEN;
	uint8_t *p = block_room(w, total, err);

	if (!p)
		return -1;
	p = put_le32(p, PCAPNG_EPB);
	p = put_le32(p, total);
	p = put_le32(p, 0);                 /* interface 0 */
	p = put_le32(p, (uint32_t)(ts_us >> 32));
	p = put_le32(p, (uint32_t)ts_us);
	p = put_le32(p, caplen);
	p = put_le32(p, len);
	memcpy(p, data, caplen);
	memset(p + caplen, 0, pad4(caplen) - caplen);
	p += pad4(caplen);
	if (clen) {
		p = put_opt(p, PCAPNG_OPT_COMMENT, comment, (uint16_t)clen);
		p = put_opt(p, PCAPNG_OPT_ENDOFOPT, NULL, 0);
	}
	put_le32(p, total);
	w->used += total;
	return 0;
}

int nv_pcapio_write(struct nv_pcap_writer *w, uint64_t ts_us, const uint8_t *data,
		    uint32_t caplen, uint32_t len, const char *comment,
		    struct nv_err *err)
{
	w->records++;
	if (w->fmt == NV_FMT_PCAPNG)
		return ng_write(w, ts_us, data, caplen, len, comment, err);

	uint8_t *p = nv_pcapio_reserve(w, ts_us, caplen, len, err);

	if (!p)
		return -1;
	w->records--;               /* reserve counted it too */
	memcpy(p, data, caplen);
	return 0;
}

uint8_t *nv_pcapio_reserve(struct nv_pcap_writer *w, uint64_t ts_us, uint32_t caplen,
			   uint32_t len, struct nv_err *err)
{
	/* struct pcap_sf_pkthdr: seconds, microseconds, caplen, len (host order) */
	uint32_t hdr[4] = { (uint32_t)(ts_us / 1000000u), (uint32_t)(ts_us % 1000000u),
			    caplen, len };
	uint32_t total = PCAPNG_BLOCK_HDR_LEN + PCAPNG_EPB_BODY_LEN + pad4(caplen) +
			 PCAPNG_BLOCK_TRAILER_LEN;
	uint8_t *p;

	w->records++;
	if (w->fmt == NV_FMT_PCAPNG) {
		p = block_room(w, total, err);
		if (!p)
			return NULL;
		p = put_le32(p, PCAPNG_EPB);
		p = put_le32(p, total);
		p = put_le32(p, 0);
		p = put_le32(p, (uint32_t)(ts_us >> 32));
		p = put_le32(p, (uint32_t)ts_us);
		p = put_le32(p, caplen);
		p = put_le32(p, len);
		memset(p + caplen, 0, pad4(caplen) - caplen);
		put_le32(p + pad4(caplen), total);
		w->used += total;
		return p;
	}
	p = block_room(w, PCAP_REC_HDR_LEN + caplen, err);
	if (!p)
		return NULL;
	memcpy(p, hdr, PCAP_REC_HDR_LEN);
	w->used += PCAP_REC_HDR_LEN + caplen;
	return p + PCAP_REC_HDR_LEN;
}

int nv_pcapio_flush(struct nv_pcap_writer *w, struct nv_err *err)
{
	return block_flush(w, err);
}

int nv_pcapio_close(struct nv_pcap_writer *w, struct nv_err *err)
{
	if (nv_pcapio_flush(w, err) < 0)
		goto fail;
	if (fsync(w->out) < 0 && errno != EINVAL) {
		nv_errno(err, "%s: fsync", w->tmp);
		goto fail;
	}
	if (w->fmt == NV_FMT_PCAP) {
		pcap_dump_close(w->dumper);     /* closes fp; errors surfaced by fsync */
		w->dumper = NULL;
		w->fp = NULL;
	} else if (close(w->fd) < 0) {
		w->fd = -1;
		nv_errno(err, "%s: close", w->tmp);
		goto fail;
	}
	w->fd = -1;
	if (rename(w->tmp, w->path) < 0) {
		nv_errno(err, "rename %s -> %s", w->tmp, w->path);
		goto fail;
	}
	writer_free(w);
	return 0;
fail:
	nv_pcapio_abort(w);
	return -1;
}

void nv_pcapio_abort(struct nv_pcap_writer *w)
{
	if (!w)
		return;
	unlink(w->tmp);
	writer_free(w);
}

/* --- reader ------------------------------------------------------------- */

struct ng_if {
	int linktype;
	bool pow2;          /* if_tsresol: 2^-n instead of 10^-n */
	uint8_t exp;
};

struct nv_pcap_reader {
	char name[256];
	FILE *fp;                   /* NULL: reading memory */
	const uint8_t *mem;
	size_t memlen, mempos;
	size_t rec_start;           /* memory: where the current record began */
	uint8_t *buf;               /* file: the current record */
	size_t bufcap, fill;
	bool ng, be, ns;
	int linktype;
	int nif;
	struct ng_if ifs[PCAPNG_MAX_IF];
	uint64_t rec, off;          /* record number (1-based) and its file offset */
	char comment[COMMENT_MAX + 1];
};

static uint32_t rd32(const struct nv_pcap_reader *r, const uint8_t *p)
{
	if (r->be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t rd16(const struct nv_pcap_reader *r, const uint8_t *p)
{
	return r->be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static void rec_begin(struct nv_pcap_reader *r)
{
	r->rec_start = r->mempos;
	r->fill = 0;
}

/* The bytes of the current record read so far, contiguous. */
static const uint8_t *rec_base(const struct nv_pcap_reader *r)
{
	return r->fp ? r->buf : r->mem + r->rec_start;
}

/*
 * Append the next n input bytes to the current record: 0 = done, 1 = clean
 * end of input (nothing left), -1 = the input ends inside them (*got).
 */
static int rd_get(struct nv_pcap_reader *r, size_t n, size_t *got)
{
	if (!r->fp) {
		size_t left = r->memlen - r->mempos;

		*got = left < n ? left : n;
		if (left < n)
			return left == 0 ? 1 : -1;
		r->mempos += n;
		r->off += n;
		return 0;
	}
	if (r->fill + n > r->bufcap) {
		uint8_t *nb = realloc(r->buf, r->fill + n);

		if (!nb) {
			*got = 0;
			return -1;
		}
		r->buf = nb;
		r->bufcap = r->fill + n;
	}
	*got = fread(r->buf + r->fill, 1, n, r->fp);
	r->fill += *got;
	r->off += *got;
	if (*got < n)
		return *got == 0 ? 1 : -1;
	return 0;
}

static int rd_fail(struct nv_pcap_reader *r, uint64_t at, struct nv_err *err,
		   const char *what, size_t want, size_t got)
{
	return nv_errc(err, NV_EXIT_USAGE,
		       "%s: record %llu at offset %llu: %s (needs %zu bytes, %zu there)",
		       r->name, (unsigned long long)r->rec, (unsigned long long)at, what,
		       want, got);
}

static int open_pcap_hdr(struct nv_pcap_reader *r, uint32_t magic_le, struct nv_err *err)
{
	uint32_t magic = magic_le;
	size_t got;

	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS) {
		r->be = false;
	} else if (__builtin_bswap32(magic) == PCAP_MAGIC_US ||
		   __builtin_bswap32(magic) == PCAP_MAGIC_NS) {
		r->be = true;
		magic = __builtin_bswap32(magic);
	} else {
		return nv_errc(err, NV_EXIT_USAGE,
			       "%s: not a pcap or pcapng file (magic 0x%08x)", r->name, magic_le);
	}
	r->ns = magic == PCAP_MAGIC_NS;
	if (rd_get(r, PCAP_FILE_HDR_LEN - 4, &got) != 0)
		return nv_errc(err, NV_EXIT_USAGE,
			       "%s: truncated pcap file header (%zu of %d bytes)", r->name,
			       got + 4, PCAP_FILE_HDR_LEN);
	r->linktype = (int)(rd32(r, rec_base(r) + PCAP_OFF_LINKTYPE) & 0xffff);
	return 0;
}

static int pcap_next_rec(struct nv_pcap_reader *r, const uint8_t **data, uint32_t *caplen,
			 uint32_t *len, uint64_t *ts_us, struct nv_err *err)
{
	const uint8_t *p;
	size_t got;
	uint64_t at = r->off;
	uint32_t sec, frac, cl;
	int rc;

	rec_begin(r);
	rc = rd_get(r, PCAP_REC_HDR_LEN, &got);
	if (rc == 1)
		return 0;
	r->rec++;
	if (rc < 0)
		return rd_fail(r, at, err, "truncated record header", PCAP_REC_HDR_LEN, got);
	p = rec_base(r);
	sec = rd32(r, p);
	frac = rd32(r, p + 4);
	cl = rd32(r, p + 8);
	*len = rd32(r, p + 12);
	if (cl > PCAPNG_MAX_BLOCK)
		return nv_errc(err, NV_EXIT_USAGE,
			       "%s: record %llu at offset %llu: caplen %u is not plausible",
			       r->name, (unsigned long long)r->rec, (unsigned long long)at, cl);
	*ts_us = (uint64_t)sec * 1000000u + (r->ns ? frac / 1000u : frac);
	if (cl > 0 && rd_get(r, cl, &got) != 0)
		return rd_fail(r, at, err, "truncated packet data", cl, got);
	*data = rec_base(r) + PCAP_REC_HDR_LEN;
	*caplen = cl;
	return 1;
}

/* Walk options in [p, end) and call fn for each. */
static void ng_opts(const struct nv_pcap_reader *r, const uint8_t *p, const uint8_t *end,
		    void (*fn)(void *ctx, uint16_t code, const uint8_t *v, uint16_t len),
		    void *ctx)
{
	while (end - p >= PCAPNG_OPT_HDR_LEN) {
		uint16_t code = rd16(r, p), len = rd16(r, p + 2);

		if (code == PCAPNG_OPT_ENDOFOPT || (size_t)(end - p - PCAPNG_OPT_HDR_LEN) < len)
			return;
		fn(ctx, code, p + PCAPNG_OPT_HDR_LEN, len);
		if ((size_t)(end - p) < PCAPNG_OPT_HDR_LEN + pad4(len))
			return;
		p += PCAPNG_OPT_HDR_LEN + pad4(len);
	}
}

static void idb_opt(void *ctx, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct ng_if *i = ctx;

	if (code == PCAPNG_OPT_IF_TSRESOL && len >= 1) {
		i->pow2 = v[0] & 0x80;
		i->exp = v[0] & 0x7f;
	}
}

static int ng_idb(struct nv_pcap_reader *r, const uint8_t *b, uint32_t total,
		  uint64_t at, struct nv_err *err)
{
	struct ng_if *i;

	if (total < PCAPNG_BLOCK_HDR_LEN + PCAPNG_IDB_BODY_LEN + PCAPNG_BLOCK_TRAILER_LEN)
		return rd_fail(r, at, err, "interface block too short",
			       PCAPNG_BLOCK_HDR_LEN + PCAPNG_IDB_BODY_LEN +
			       PCAPNG_BLOCK_TRAILER_LEN, total);
	if (r->nif >= PCAPNG_MAX_IF)
		return nv_errc(err, NV_EXIT_USAGE, "%s: more than %d interfaces", r->name,
			       PCAPNG_MAX_IF);
	i = &r->ifs[r->nif++];
	i->linktype = rd16(r, b + PCAPNG_BLOCK_HDR_LEN);
	i->pow2 = false;
	i->exp = 6;
	ng_opts(r, b + PCAPNG_BLOCK_HDR_LEN + PCAPNG_IDB_BODY_LEN,
		b + total - PCAPNG_BLOCK_TRAILER_LEN, idb_opt, i);
	if (r->linktype < 0)
		r->linktype = i->linktype;
	return 0;
}

static uint64_t ts_to_us(const struct ng_if *i, uint64_t ts)
{
	uint64_t div = 1;

	if (i->pow2) {
		if (i->exp >= 64)
			return 0;
		return (ts >> i->exp) * 1000000u +
		       (((ts & ((1ull << i->exp) - 1)) * 1000000u) >> i->exp);
	}
	if (i->exp <= 6) {
		for (int k = i->exp; k < 6; k++)
			ts *= 10;
		return ts;
	}
	for (int k = 6; k < i->exp && k < 26; k++)
		div *= 10;
	return ts / div;
}

struct comment_ctx {
	char *out;
	bool found;
};

static void epb_opt(void *ctx, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct comment_ctx *c = ctx;

	if (code != PCAPNG_OPT_COMMENT || c->found)
		return;
	memcpy(c->out, v, len);
	c->out[len] = '\0';
	c->found = true;
}

struct ng_rec {
	const uint8_t **data;
	uint32_t *caplen, *len;
	uint64_t *ts_us;
	const char **comment;
};

static int ng_epb(struct nv_pcap_reader *r, const uint8_t *b, uint32_t total, uint64_t at,
		  const struct ng_rec *o, struct nv_err *err)
{
	uint32_t body = total - PCAPNG_BLOCK_HDR_LEN - PCAPNG_BLOCK_TRAILER_LEN, ifid, cl;
	const uint8_t *p = b + PCAPNG_BLOCK_HDR_LEN;
	struct comment_ctx cc = { .out = r->comment };

	if (body < PCAPNG_EPB_BODY_LEN)
		return rd_fail(r, at, err, "packet block too short", PCAPNG_EPB_BODY_LEN, body);
	ifid = rd32(r, p);
	cl = rd32(r, p + 12);
	if (ifid >= (uint32_t)r->nif)
		return nv_errc(err, NV_EXIT_USAGE,
			       "%s: record %llu at offset %llu: interface %u was never described",
			       r->name, (unsigned long long)r->rec, (unsigned long long)at, ifid);
	if (cl > body - PCAPNG_EPB_BODY_LEN)
		return rd_fail(r, at, err, "packet data overruns its block", cl,
			       body - PCAPNG_EPB_BODY_LEN);
	*o->ts_us = ts_to_us(&r->ifs[ifid], (uint64_t)rd32(r, p + 4) << 32 | rd32(r, p + 8));
	*o->len = rd32(r, p + 16);
	*o->caplen = cl;
	*o->data = p + PCAPNG_EPB_BODY_LEN;
	if (pad4(cl) <= body - PCAPNG_EPB_BODY_LEN)
		ng_opts(r, p + PCAPNG_EPB_BODY_LEN + pad4(cl),
			b + total - PCAPNG_BLOCK_TRAILER_LEN, epb_opt, &cc);
	if (o->comment)
		*o->comment = cc.found ? r->comment : NULL;
	return 1;
}

static int ng_spb(struct nv_pcap_reader *r, const uint8_t *b, uint32_t total, uint64_t at,
		  const struct ng_rec *o, struct nv_err *err)
{
	uint32_t room = total - PCAPNG_BLOCK_HDR_LEN - PCAPNG_BLOCK_TRAILER_LEN;

	if (room < 4 || r->nif == 0)
		return rd_fail(r, at, err, "simple packet block without room or interface", 4,
			       room);
	room -= 4;
	*o->len = rd32(r, b + PCAPNG_BLOCK_HDR_LEN);
	*o->caplen = *o->len < room ? *o->len : room;
	*o->data = b + PCAPNG_BLOCK_HDR_LEN + 4;
	*o->ts_us = 0;
	if (o->comment)
		*o->comment = NULL;
	return 1;
}

/*
 * Read one whole block: 0 = end of input, 1 = got it (rec_base() is the
 * block, *type and *total filled), -1 = error.
 */
static int ng_block(struct nv_pcap_reader *r, uint32_t *type, uint32_t *total,
		    struct nv_err *err)
{
	uint64_t at = r->off;
	size_t got;
	int rc;

	rec_begin(r);
	rc = rd_get(r, PCAPNG_BLOCK_HDR_LEN + 4, &got);
	if (rc == 1)
		return 0;
	r->rec++;
	if (rc < 0)
		return rd_fail(r, at, err, "truncated block header", PCAPNG_BLOCK_HDR_LEN + 4, got);
	*type = rd32(r, rec_base(r));
	if (*type == PCAPNG_SHB) {
		/* a section's byte order comes from its own byte-order mark */
		const uint8_t *bom = rec_base(r) + PCAPNG_BLOCK_HDR_LEN;

		r->be = bom[0] == (uint8_t)(PCAPNG_BOM >> 24);
		if (rd32(r, bom) != PCAPNG_BOM)
			return nv_errc(err, NV_EXIT_USAGE,
				       "%s: offset %llu: section header with a bad byte-order mark",
				       r->name, (unsigned long long)at);
	}
	*total = rd32(r, rec_base(r) + 4);
	if (*total < PCAPNG_BLOCK_HDR_LEN + 4 + PCAPNG_BLOCK_TRAILER_LEN || *total % 4 ||
	    *total > PCAPNG_MAX_BLOCK)
		return nv_errc(err, NV_EXIT_USAGE,
			       "%s: record %llu at offset %llu: block length %u is not valid",
			       r->name, (unsigned long long)r->rec, (unsigned long long)at, *total);
	if (rd_get(r, *total - PCAPNG_BLOCK_HDR_LEN - 4, &got) != 0)
		return rd_fail(r, at, err, "truncated block", *total,
			       got + PCAPNG_BLOCK_HDR_LEN + 4);
	if (rd32(r, rec_base(r) + *total - PCAPNG_BLOCK_TRAILER_LEN) != *total)
		return nv_errc(err, NV_EXIT_USAGE,
			       "%s: record %llu at offset %llu: trailing block length differs",
			       r->name, (unsigned long long)r->rec, (unsigned long long)at);
	return 1;
}

static int ng_next(struct nv_pcap_reader *r, const struct ng_rec *o, struct nv_err *err)
{
	for (;;) {
		uint32_t type = 0, total = 0;
		uint64_t at = r->off;
		int rc = ng_block(r, &type, &total, err);

		if (rc <= 0)
			return rc;
		switch (type) {
		case PCAPNG_SHB:
			r->nif = 0;     /* interfaces are numbered per section */
			break;
		case PCAPNG_IDB:
			if (ng_idb(r, rec_base(r), total, at, err) < 0)
				return -1;
			break;
		case PCAPNG_EPB:
			return ng_epb(r, rec_base(r), total, at, o, err);
		case PCAPNG_SPB:
			return ng_spb(r, rec_base(r), total, at, o, err);
		default:
			break;      /* statistics, name resolution, custom: not ours */
		}
	}
}

static int reader_start(struct nv_pcap_reader *r, struct nv_err *err)
{
	uint8_t m[4];
	size_t got;

	r->linktype = -1;
	rec_begin(r);
	if (rd_get(r, 4, &got) != 0)
		return nv_errc(err, NV_EXIT_USAGE, "%s: empty or truncated file (%zu bytes)",
			       r->name, got);
	memcpy(m, rec_base(r), 4);
	/* the SHB type reads the same in both byte orders */
	if (m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d && m[3] == 0x0a) {
		/* rewind to the start so the SHB is read as a block */
		r->ng = true;
		if (r->fp) {
			if (fseek(r->fp, 0, SEEK_SET) < 0)
				return nv_errno(err, "%s: seek", r->name);
		} else {
			r->mempos = 0;
		}
		r->off = 0;
		r->rec = 0;
		return 0;
	}
	return open_pcap_hdr(r, (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 |
			     (uint32_t)m[3] << 24, err);
}

int nv_pcapio_open_read(const char *path, struct nv_pcap_reader **out, struct nv_err *err)
{
	struct nv_pcap_reader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return nv_errno(err, "reader");
	snprintf(r->name, sizeof(r->name), "%s", path);
	r->fp = fopen(path, "rb");
	if (!r->fp) {
		nv_errno(err, "%s", path);
		err->code = errno == ENOENT ? NV_EXIT_USAGE : NV_EXIT_RUNTIME;
		free(r);
		return -1;
	}
	if (reader_start(r, err) < 0) {
		nv_pcapio_close_read(r);
		return -1;
	}
	*out = r;
	return 0;
}

int nv_pcapio_open_read_mem(const uint8_t *buf, size_t len, struct nv_pcap_reader **out,
			    struct nv_err *err)
{
	struct nv_pcap_reader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return nv_errno(err, "reader");
	snprintf(r->name, sizeof(r->name), "<memory>");
	r->mem = buf;
	r->memlen = len;
	if (reader_start(r, err) < 0) {
		nv_pcapio_close_read(r);
		return -1;
	}
	*out = r;
	return 0;
}

int nv_pcapio_next(struct nv_pcap_reader *r, const uint8_t **data, uint32_t *caplen,
		   uint32_t *len, uint64_t *ts_us, const char **comment,
		   struct nv_err *err)
{
	struct ng_rec o = { data, caplen, len, ts_us, comment };

	if (!r->ng) {
		if (comment)
			*comment = NULL;
		return pcap_next_rec(r, data, caplen, len, ts_us, err);
	}
	return ng_next(r, &o, err);
}

int nv_pcapio_linktype(const struct nv_pcap_reader *r)
{
	return r->linktype < 0 ? LINKTYPE_ETHERNET : r->linktype;
}

void nv_pcapio_close_read(struct nv_pcap_reader *r)
{
	if (!r)
		return;
	if (r->fp)
		fclose(r->fp);
	free(r->buf);
	free(r);
}
