/*
 * live.h - a live run on one interface: address resolution on the underlay
 * (ARP or IPv6 neighbour discovery for dut.mac: auto) and inside the tunnel
 * (ARP for vm_mac: auto), answering ARP/ND for tester.pa when the interface
 * does not hold it, the raw GRE socket that keeps the tester's kernel quiet
 * (see nv_live_gre_hold), and the paced send loop with its capture.
 *
 * Frames are built here for what the crafter does not plan (ARP and ND);
 * replies are recognised through the bounded cursor.
 */
#ifndef NV_LIVE_H
#define NV_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#include "nvgrect/craft.h"
#include "nvgrect/dut.h"
#include "nvgrect/err.h"
#include "nvgrect/pcapio.h"
#include "nvgrect/result.h"

#define NV_ARP_FRAME_LEN 60         /* 42 bytes of ARP, padded to the Ethernet minimum */
#define NV_ARP_NVGRE_MAX 160

/* The interface's own MAC (SIOCGIFHWADDR). */
int nv_live_iface_mac(const char *ifname, uint8_t mac[6], struct nv_err *err);

/*
 * Hold raw IPPROTO_GRE sockets (IPv4 and IPv6) open. Why: the tester host's
 * kernel has no GRE endpoint for the DUT's encapsulated replies and would
 * answer each with ICMP 3/2 (protocol unreachable), which the DUT may count
 * against us or rate-limit its own answers for. An open raw socket for the
 * protocol makes the kernel consider the datagram delivered, so it stays
 * silent. A drop-all filter keeps the socket's queue empty; libpcap still
 * sees every frame. Returns the number of sockets held (fds[0..1], -1 unused).
 */
int nv_live_gre_hold(int fds[2], struct nv_err *err);
void nv_live_gre_release(int fds[2]);

/* ARP request who-has tip tell sip, from smac to broadcast. Returns length. */
size_t nv_arp_request(uint8_t out[NV_ARP_FRAME_LEN], const uint8_t smac[6],
		      const uint8_t sip[4], const uint8_t tip[4]);
/* Is this frame an ARP reply from spa? Copies the sender MAC. */
bool nv_arp_is_reply_from(const uint8_t *frame, uint32_t caplen,
			  const uint8_t spa[4], uint8_t sha[6]);

/* Is this an ARP request for tpa? Copies the asker's MAC and address. */
bool nv_arp_is_request_for(const uint8_t *frame, uint32_t caplen,
			   const uint8_t tpa[4], uint8_t sha[6], uint8_t spa[4]);
/* The reply: tpa is at mac, to the asker (sha, spa). Returns the length. */
size_t nv_arp_reply(uint8_t out[NV_ARP_FRAME_LEN], const uint8_t mac[6],
		    const uint8_t tpa[4], const uint8_t sha[6], const uint8_t spa[4]);
/* Does the interface carry this address (getifaddrs)? */
bool nv_live_iface_has_addr(const char *ifname, const struct nv_addr *a);

/*
 * An ARP request carried in NVGRE (IPv4 or IPv6 outer): outer from the
 * tester to the DUT with the given 32-bit key; inner who-has vm_ca tell
 * tester_ca from tester_mac. Returns the length, 0 if out is too small or
 * the tenant's CAs are not IPv4.
 */
struct nv_arp_tunnel {
	uint8_t outer_src_mac[6], outer_dst_mac[6];
	struct nv_addr outer_src, outer_dst;
	uint32_t key;
	uint8_t inner_src_mac[6];
	struct nv_addr inner_spa, inner_tpa;
};
size_t nv_arp_nvgre_request(uint8_t *out, size_t cap, const struct nv_arp_tunnel *t);
/*
 * Is this frame NVGRE carrying an ARP reply from spa (the VM's CA)?
 * Fills in the VM's MAC, the MAC it answered and the GRE key.
 */
struct nv_arp_answer {
	uint8_t sha[6];             /* the VM's MAC */
	uint8_t tha[6];             /* whom it answered: the requester's MAC */
	uint32_t key;               /* the GRE key it came under */
};
bool nv_arp_nvgre_is_reply_from(const uint8_t *frame, uint32_t caplen,
				const struct nv_addr *spa, struct nv_arp_answer *a);

/* ---- IPv6 underlay: neighbour discovery (RFC 4861) ---------------------- */

#define NV_ND_FRAME_LEN 86          /* Ethernet + IPv6 + NS/NA + one link-layer option */

/* Neighbour solicitation for tip from sip/smac, to tip's solicited-node group. */
size_t nv_nd_solicit(uint8_t out[NV_ND_FRAME_LEN], const uint8_t smac[6],
		     const uint8_t sip[16], const uint8_t tip[16]);
/* Is this a neighbour advertisement for target? Copies its link-layer address. */
bool nv_nd_is_advert_for(const uint8_t *frame, uint32_t caplen, const uint8_t target[16],
			 uint8_t mac[6]);
/* Is this a neighbour solicitation for target? Copies the asker's MAC and IP. */
bool nv_nd_is_solicit_for(const uint8_t *frame, uint32_t caplen, const uint8_t target[16],
			  uint8_t mac[6], uint8_t ip[16]);
/* The solicited advertisement: target is at mac, to the asker (amac, aip). */
size_t nv_nd_advert(uint8_t out[NV_ND_FRAME_LEN], const uint8_t mac[6],
		    const uint8_t target[16], const uint8_t amac[6], const uint8_t aip[16]);

/* ---- the interface: a capture ring in, a packet socket out ------------ */

/*
 * Receiving goes through verify/capture.c: TPACKET_V3 (no immediate mode),
 * a large ring, non-blocking and poll()-driven, inbound only
 * (research/perf-anchors.md §6: immediate mode, i.e. TPACKET_V2, drops
 * 1-3% at 100 k frames/s; V3 with 64 MiB drops nothing at 600 k/s). V3
 * hands frames over when a block retires, at most NV_CAPTURE_TIMEOUT_MS
 * (10 ms) after they arrive; their timestamps are the kernel's either way.
 * Sending goes through its own AF_PACKET socket bound to the interface with
 * protocol 0, so it receives nothing and costs nothing per captured frame.
 */
#define NV_LIVE_SNAPLEN 65535
#define NV_LIVE_BUFFER_DEFAULT_KIB (64u * 1024u)
#define NV_LIVE_FILTER_MAX 1024

struct nv_capture;

struct nv_live_cfg {
	const char *iface;
	unsigned buffer_kib;        /* kernel capture ring; 0 = default (64 MiB) */
	const char *filter;         /* BPF text; NULL = every inbound frame */
	bool hold_gre;              /* hold the raw GRE sockets (nv_live_gre_hold) */
};

struct nv_live {
	pcap_t *pc;                 /* the capture's handle (for nv_sig_watch) */
	int fd;                     /* selectable fd of the capture */
	int gre[2];
	uint8_t mac[6];             /* the interface's own */
	char iface[NV_IFNAME_MAX];
	uint64_t sent, sent_bytes, send_errors, send_retries;
	uint64_t received;          /* frames handed to callbacks */
	struct nv_capture *cap;     /* receive: TPACKET_V3 ring */
	int tx;                     /* send: AF_PACKET socket, protocol 0 */
	int ifindex;
};

typedef void (*nv_live_rx_fn)(void *arg, uint64_t ts_us, const uint8_t *data,
			      uint32_t caplen, uint32_t len);

/*
 * Open the capture (inbound only, TPACKET_V3, non-blocking), the send
 * socket and the raw GRE sockets. Needs CAP_NET_RAW: call before dropping
 * privileges.
 */
int nv_live_open(struct nv_live *lv, const struct nv_live_cfg *cfg,
		 struct nv_err *err);
/*
 * Hand what the ring holds to fn; if nothing, wait up to timeout_ms (0:
 * just drain) for frames. Returns early after a signal (EINTR or
 * pcap_breakloop). Returns the number of frames handled or -1.
 */
int nv_live_wait(struct nv_live *lv, int timeout_ms, nv_live_rx_fn fn, void *arg,
		 struct nv_err *err);
/* The end of a run: wait for the block in progress to retire and drain it. */
int nv_live_settle(struct nv_live *lv, nv_live_rx_fn fn, void *arg, struct nv_err *err);
/*
 * Send one frame. ENOBUFS/EAGAIN are retried (at most NV_LIVE_RETRIES
 * times, 100 us apart), a short write is an error, not a send.
 */
#define NV_LIVE_RETRIES 100
int nv_live_send(struct nv_live *lv, const uint8_t *frame, uint32_t len,
		 struct nv_err *err);
/* Kernel counters: received by filter, dropped (buffer full), ifdropped. */
int nv_live_stats(struct nv_live *lv, struct nv_capture_stats *st,
		  struct nv_err *err);
void nv_live_close(struct nv_live *lv);

/* BPF text for a run: ARP plus IP to the tester's PA and to spoofed sources,
 * untagged or behind one 802.1Q tag. */
int nv_live_filter_text(const struct nv_dut *dut, const struct nv_addr *extra,
			int nextra, char *buf, size_t len);

/* Monotonic microseconds. */
uint64_t nv_live_now_us(void);

/* ---- a run: resolve, then send paced while capturing -------------------- */

#define NV_LIVE_RATE_DEFAULT 10000u     /* frames/s cap on top of the plan's pacing */
#define NV_LIVE_TIMEOUT_DEFAULT_MS 2000u

/* What the run reports to its caller (the verifier adapter lives in cli/). */
struct nv_live_hooks {
	/* A probe frame went out (first fragment carries the plan entry). */
	void (*sent)(void *arg, const struct nv_planned *pl, int frag, uint64_t ts_us,
		     const uint8_t *frame, uint32_t len);
	/* A frame came in (every frame the capture filter let through). */
	void (*frame)(void *arg, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
		      uint32_t len);
	void *arg;
};

struct nv_live_run {
	struct nv_live *lv;
	struct nv_dut *dut;             /* resolved MACs are written into it */
	const struct nv_plan *plan;
	struct nv_pcap_writer *probes_w;    /* probes.pcapng (may be NULL) */
	struct nv_pcap_writer *capture_w;   /* capture.pcapng (may be NULL) */
	struct nv_live_hooks hooks;
	uint32_t rate_pps;              /* 0 = NV_LIVE_RATE_DEFAULT */
	uint32_t timeout_ms;            /* after the last probe; 0 = default */
	bool answer_arp;                /* answer ARP for tester.pa ourselves */
	bool progress;                  /* per-case progress on stderr (a TTY) */
	int verbose;
	FILE *log;                      /* -v lines; NULL = stderr */

	/* filled in */
	uint8_t tester_mac[6];
	uint32_t frames_sent;           /* plan entries sent */
	int signo;                      /* the signal that stopped the run, 0 */
	uint64_t t_start_us, t_end_us;  /* wall clock */
	int vm_unresolved;              /* tenants whose vm_mac stayed a placeholder */
	bool output_failed;             /* a pcap write failed (disk full...): publish nothing */
};

/*
 * Resolve dut.mac (ARP on the underlay) and every tenant's vm_mac "auto"
 * (ARP in NVGRE, rfc7637 first, then draft00). DUT not answering ARP:
 * NV_EXIT_INCONCLUSIVE. A VM not answering is a warning, not an error.
 */
int nv_live_resolve(struct nv_live_run *r, struct nv_err *err);
/* Send the plan paced and capture until timeout_ms after the last probe. */
int nv_live_run_plan(struct nv_live_run *r, struct nv_err *err);

#endif
