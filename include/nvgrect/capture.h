/*
 * capture.h - live capture for the verifier (libpcap, TPACKET_V3).
 *
 * Set up the way research/perf-anchors.md §6 measured zero drops at 600 k
 * frames/s: pcap_create, a large kernel buffer (64 MiB default), NO
 * immediate mode (libpcap 1.10 then falls back to TPACKET_V2 and drops 1-3%
 * at 100 k/s), non-blocking, driven by poll() so the caller's send loop and
 * signals keep control. Optionally every frame is also written to a
 * pcap/pcapng writer (capture.pcapng of a run).
 *
 *	struct nv_capture *cap;
 *	nv_capture_open(&cap, &cfg, &err);            // needs CAP_NET_RAW
 *	while (sending) nv_capture_poll(cap, 10, fn, arg, &err);
 *	nv_capture_poll(cap, timeout_ms, fn, arg, &err);   // drain the answers
 *	nv_capture_stats(cap, &st, &err);             // received/dropped/ifdropped
 *	nv_capture_close(cap);
 */
#ifndef NV_CAPTURE_H
#define NV_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvgrect/dut.h"
#include "nvgrect/err.h"
#include "nvgrect/pcapio.h"
#include "nvgrect/result.h"

#define NV_CAPTURE_BUFFER_DEFAULT (64u << 20)   /* bytes */
#define NV_CAPTURE_SNAPLEN 65535
#define NV_CAPTURE_FILTER_MAX 1024
/*
 * TPACKET_V3 hands frames over a block at a time: a block is retired when
 * full or this long after its first frame, so this bounds the delay between
 * a frame's arrival and its callback (ARP/ND answers, per-probe loops).
 */
#define NV_CAPTURE_TIMEOUT_MS 10

struct nv_capture_cfg {
	const char *iface;
	uint32_t buffer_bytes;          /* 0 = NV_CAPTURE_BUFFER_DEFAULT */
	uint32_t snaplen;               /* 0 = NV_CAPTURE_SNAPLEN */
	const char *filter;             /* BPF text; NULL = nv_capture_filter(dut) */
	const struct nv_dut *dut;       /* for the default filter */
	struct nv_pcap_writer *writer;  /* every captured frame also goes here; may be NULL */
	bool inbound_only;              /* not the frames this host sends (a run's probes) */
};

struct nv_capture;                  /* opaque */

/* Frame callback: ts in microseconds (wall clock), frame number 1-based. */
typedef void (*nv_capture_fn)(void *arg, const uint8_t *data, uint32_t caplen,
			      uint32_t len, uint64_t ts_us, uint32_t frame_no);

/*
 * The default filter: GRE over IPv4/IPv6, ICMP, ICMPv6 to or from the DUT
 * PA, and ARP, e.g.
 * "arp or ((ip proto 47 or ip6 proto 47 or icmp or icmp6) and host 192.0.2.2)".
 * (vlan-tagged variants are matched too.) Returns 0, -1 if buf is too small.
 */
int nv_capture_filter(const struct nv_dut *dut, char *buf, size_t len);

int nv_capture_open(struct nv_capture **out, const struct nv_capture_cfg *cfg,
		    struct nv_err *err);
/*
 * Hand every frame the ring holds to fn; if there is none, wait up to
 * timeout_ms for some (0: do not wait). Returns the number handled (0 on
 * timeout), -1 on error. A busy ring is drained a bounded number of blocks
 * per call, so a flood cannot starve the caller's send loop. Returns early
 * (not an error) when a signal interrupts poll() or the loop is broken
 * (nv_capture_break, or pcap_breakloop from a signal handler).
 */
int nv_capture_poll(struct nv_capture *c, int timeout_ms, nv_capture_fn fn,
		    void *arg, struct nv_err *err);
/*
 * Keep polling for duration_ms (monotonic clock), handing every frame to fn;
 * returns the number handled, -1 on error. Stops early on nv_capture_break.
 */
int64_t nv_capture_run(struct nv_capture *c, int duration_ms, nv_capture_fn fn,
		       void *arg, struct nv_err *err);
/* Async-signal-safe: the current or next poll returns at once, and every
   poll after it waits no more, until nv_capture_run returns. */
void nv_capture_break(struct nv_capture *c);
/*
 * Wait until the block in progress retires (at most a few
 * NV_CAPTURE_TIMEOUT_MS), handing its frames to fn: call it before the
 * final statistics so frames that arrived just before the end are not
 * left in the ring. Returns the number handled, -1 on error.
 */
int nv_capture_settle(struct nv_capture *c, nv_capture_fn fn, void *arg,
		      struct nv_err *err);
/* Kernel counters since open: received, dropped (buffer full), ifdropped. */
int nv_capture_stats(struct nv_capture *c, struct nv_capture_stats *st,
		     struct nv_err *err);
/* The selectable descriptor, for callers that poll several things. */
int nv_capture_fd(const struct nv_capture *c);
/* The libpcap handle (pcap_t), for a signal handler's pcap_breakloop (sig.h). */
struct pcap;
struct pcap *nv_capture_pcap(const struct nv_capture *c);
void nv_capture_close(struct nv_capture *c);

#endif
