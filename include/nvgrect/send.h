/*
 * send.h - live transmission of crafted frames, with the interlocks that keep
 * a conformance tester from spraying a production network:
 *  - an interface must be named, and it must not hold the default route
 *    (IPv4 /proc/net/route, IPv6 /proc/net/ipv6_route) unless allowed;
 *  - every frame's outer destination must be the DUT's PA (checked per
 *    frame, before it is queued);
 *  - a rate cap (default NV_SEND_RATE_DEFAULT frames/s);
 *  - a dry run builds and prints without opening any socket.
 * Frames go out through AF_PACKET sendmmsg() batches (pcap_inject as a
 * fallback). A send error is reported with the frame index and the frame
 * is never counted as sent; ENOBUFS/EAGAIN are retried a bounded number of
 * times.
 */
#ifndef NV_SEND_H
#define NV_SEND_H

#include <stdbool.h>
#include <stdint.h>

#include "nvgrect/craft.h"
#include "nvgrect/dut.h"
#include "nvgrect/err.h"

#define NV_SEND_RATE_DEFAULT 1000u      /* probes (frames) per second */
#define NV_SEND_BATCH_MAX 64            /* frames per sendmmsg() */
#define NV_SEND_RETRIES 200             /* ENOBUFS/EAGAIN retries per frame */

enum nv_send_backend { NV_SEND_PACKET, NV_SEND_PCAP };

struct nv_send_cfg {
	const char *iface;              /* required */
	const struct nv_dut *dut;       /* frames may only go to dut->dut.pa */
	bool allow_default_route;       /* --allow-default-route */
	uint32_t rate_pps;              /* 0 = NV_SEND_RATE_DEFAULT; cap, not target */
	enum nv_send_backend backend;   /* default AF_PACKET */
};

struct nv_send_stats {
	uint64_t sent, bytes;           /* frames the kernel accepted */
	uint64_t retries;               /* ENOBUFS/EAGAIN retries */
	uint64_t t_first_us, t_last_us; /* monotonic, first and last send */
};

struct nv_sender;                   /* opaque */

/*
 * The interface interlock alone: iface named, exists, up, and not holding
 * a default route (unless allow_default_route). NV_EXIT_USAGE on refusal.
 */
int nv_send_check_iface(const char *iface, bool allow_default_route,
			struct nv_err *err);
/* Does the interface hold an IPv4 or IPv6 default route in this netns? */
bool nv_send_iface_has_default_route(const char *iface);
/* The interface's own MAC (SIOCGIFHWADDR). */
int nv_send_iface_mac(const char *iface, uint8_t mac[6], struct nv_err *err);
/*
 * ARP on the underlay for an IPv4 PA (`dut.mac: auto`): who-has pa tell
 * src_pa from src_mac, up to `tries` requests one timeout_ms apart, the
 * first reply from pa wins. NV_EXIT_INCONCLUSIVE when nobody answers.
 */
int nv_send_arp_resolve(const char *iface, const uint8_t src_mac[6],
			const struct nv_addr *src_pa, const struct nv_addr *pa,
			int tries, int timeout_ms, uint8_t mac[6], struct nv_err *err);
/* The destination interlock: the frame's outer IP destination is the DUT PA. */
int nv_send_check_dst(const struct nv_dut *dut, const uint8_t *frame, uint32_t len,
		      struct nv_err *err);

/* Interlocks, then open the socket. */
int nv_sender_open(const struct nv_send_cfg *cfg, struct nv_sender **s,
		   struct nv_err *err);
/*
 * Queue one frame (tag frame index `frame`), paced to the rate cap; a batch
 * is handed to the kernel when full or when the pace requires. The frame
 * bytes are copied.
 */
int nv_sender_frame(struct nv_sender *s, uint32_t frame, const uint8_t *data,
		    uint32_t len, struct nv_err *err);
/* Every frame of one planned probe (fragments back to back), then flush. */
int nv_sender_probe(struct nv_sender *s, const struct nv_planned *pl,
		    const struct nv_frame *fr, int n, struct nv_err *err);
/* Hand what is queued to the kernel now. */
int nv_sender_flush(struct nv_sender *s, struct nv_err *err);
/* Wait (paced, interruptible) until t_us after the sender opened. */
void nv_sender_wait_until(struct nv_sender *s, uint64_t t_us);
void nv_sender_stats(const struct nv_sender *s, struct nv_send_stats *st);
/* Set by a signal handler: stop sending at the next frame. */
void nv_sender_interrupt(struct nv_sender *s);
void nv_sender_close(struct nv_sender *s);

/*
 * A `--count` stream: frames 0..count-1 of st, sent by `workers` senders
 * (fork()ed processes, one socket each, frame i goes to worker i % workers,
 * each paced to rate/workers). stop is polled between frames; tick (may be
 * NULL) is called now and then by worker 0 with a frame count. tot sums
 * every worker; the first worker error is returned in err.
 */
#define NV_SEND_WORKERS_MAX 16
typedef void (*nv_send_tick_fn)(void *arg, uint64_t frames_done);
int nv_send_stream(const struct nv_send_cfg *cfg, const struct nv_stream *st,
		   uint64_t count, int workers, const volatile int *stop,
		   nv_send_tick_fn tick, void *arg, struct nv_send_stats *tot,
		   struct nv_err *err);

/* ---- pacing (gen/pace.c) ------------------------------------------------ */

struct nv_pace {
	uint64_t t0_us;                 /* monotonic start */
	uint64_t interval_ns;           /* 1e9 / rate */
	uint64_t n;                     /* frames released so far */
};

uint64_t nv_pace_now_us(void);
void nv_pace_init(struct nv_pace *p, uint32_t rate_pps);
/* Sleep until `frames` more frames may go without exceeding the rate. */
void nv_pace_wait(struct nv_pace *p, uint32_t frames);
/* After an idle stretch (a plan's pacing gap): restart the schedule now. */
void nv_pace_rebase(struct nv_pace *p);
/* Sleep until the monotonic time t_us (absolute). */
void nv_pace_sleep_until(uint64_t t_us);

#endif
