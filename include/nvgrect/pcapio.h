/*
 * pcapio.h - capture files: pcap via libpcap, pcapng with our own small
 * writer (SHB, IDB, EPB with opt_comment; libpcap cannot write pcapng) and a
 * reader for both through one interface. Writes are atomic: a temporary
 * file renamed into place on close, so a killed run never leaves a
 * half-written file under the final name.
 */
#ifndef NV_PCAPIO_H
#define NV_PCAPIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nvgrect/err.h"

enum nv_pcap_fmt { NV_FMT_PCAP, NV_FMT_PCAPNG };

/* Files that must be reproducible pin time here: 2026-01-01T00:00:00Z. */
#define NV_PCAPIO_PINNED_EPOCH_US 1767225600000000ull

struct nv_pcap_writer;          /* opaque */
struct nv_pcap_reader;          /* opaque */

/* Format from the file name (".pcapng" -> pcapng, else pcap). */
enum nv_pcap_fmt nv_pcapio_fmt_for(const char *path);

/* Open path.tmp for writing; final rename happens in close. force: may replace. */
int nv_pcapio_open_write(const char *path, enum nv_pcap_fmt fmt, bool force,
			 struct nv_pcap_writer **w, struct nv_err *err);
/* Write one record; comment may be NULL (ignored for pcap). ts in microseconds. */
int nv_pcapio_write(struct nv_pcap_writer *w, uint64_t ts_us, const uint8_t *data,
		    uint32_t caplen, uint32_t len, const char *comment,
		    struct nv_err *err);
/*
 * Zero-copy variant for streams: room for one record of caplen bytes
 * (no comment) inside the block buffer; the caller fills it before the
 * next call on w. NULL on error.
 */
uint8_t *nv_pcapio_reserve(struct nv_pcap_writer *w, uint64_t ts_us, uint32_t caplen,
			   uint32_t len, struct nv_err *err);
/* Flush what is buffered so a reader sees complete records (signal paths). */
int nv_pcapio_flush(struct nv_pcap_writer *w, struct nv_err *err);
/* Flush, fsync, rename into place. */
int nv_pcapio_close(struct nv_pcap_writer *w, struct nv_err *err);
/* Remove the temporary file without publishing it. */
void nv_pcapio_abort(struct nv_pcap_writer *w);

/* Open pcap or pcapng (detected from the magic). */
int nv_pcapio_open_read(const char *path, struct nv_pcap_reader **r,
			struct nv_err *err);
int nv_pcapio_open_read_mem(const uint8_t *buf, size_t len,
			    struct nv_pcap_reader **r, struct nv_err *err);
/*
 * Next record: 1 = got one, 0 = end of file, -1 = error (truncated or
 * garbage file: err says which record and why). comment may be NULL.
 */
int nv_pcapio_next(struct nv_pcap_reader *r, const uint8_t **data, uint32_t *caplen,
		   uint32_t *len, uint64_t *ts_us, const char **comment,
		   struct nv_err *err);
int nv_pcapio_linktype(const struct nv_pcap_reader *r);
void nv_pcapio_close_read(struct nv_pcap_reader *r);

#endif
