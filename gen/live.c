/*
 * live.c - the run's interface: a TPACKET_V3 capture ring (verify/capture.c)
 * for what comes in, an AF_PACKET socket for what goes out, driven by
 * poll() so a single thread interleaves paced sends and capture dispatch.
 *
 * Not immediate mode: libpcap then falls back to TPACKET_V2, which drops
 * frames at rates V3 takes without loss (research/perf-anchors.md §6). A
 * conformance run times each answer by its kernel timestamp, so the block
 * delay (NV_CAPTURE_TIMEOUT_MS) only postpones when we look at a frame.
 */
#include <errno.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nvgrect/capture.h"
#include "nvgrect/live.h"

#define US_PER_S 1000000ull
#define NS_PER_US 1000ull
#define RETRY_SLEEP_US 100
#define KIB 1024u

uint64_t nv_live_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * US_PER_S + (uint64_t)ts.tv_nsec / NS_PER_US;
}

static int open_capture(struct nv_live *lv, const struct nv_live_cfg *cfg,
			struct nv_err *err)
{
	unsigned kib = cfg->buffer_kib ? cfg->buffer_kib : NV_LIVE_BUFFER_DEFAULT_KIB;
	struct nv_capture_cfg cc = {
		.iface = lv->iface, .buffer_bytes = kib * KIB, .snaplen = NV_LIVE_SNAPLEN,
		/* "" keeps every frame: nv_capture reads NULL as "the DUT's filter" */
		.filter = cfg->filter ? cfg->filter : "", .inbound_only = true,
	};

	if (nv_capture_open(&lv->cap, &cc, err) < 0)
		return -1;
	lv->pc = nv_capture_pcap(lv->cap);
	lv->fd = nv_capture_fd(lv->cap);
	return 0;
}

/* Protocol 0: the socket only sends, no frame is ever queued to it. */
static int open_tx(struct nv_live *lv, struct nv_err *err)
{
	struct sockaddr_ll sll;

	lv->ifindex = (int)if_nametoindex(lv->iface);
	if (!lv->ifindex)
		return nv_errc(err, NV_EXIT_USAGE, "%s: no such interface", lv->iface);
	lv->tx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (lv->tx < 0)
		return nv_errc(err, NV_EXIT_RUNTIME, "%s: packet socket (needs CAP_NET_RAW): %s",
			       lv->iface, strerror(errno));
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = lv->ifindex;
	sll.sll_protocol = 0;
	if (bind(lv->tx, (struct sockaddr *)&sll, sizeof sll) < 0)
		return nv_errno(err, "%s: bind the send socket", lv->iface);
	return 0;
}

int nv_live_open(struct nv_live *lv, const struct nv_live_cfg *cfg,
		 struct nv_err *err)
{
	memset(lv, 0, sizeof *lv);
	lv->fd = -1;
	lv->tx = -1;
	lv->gre[0] = lv->gre[1] = -1;
	if (!cfg->iface || !*cfg->iface || strlen(cfg->iface) >= sizeof lv->iface)
		return nv_errc(err, NV_EXIT_USAGE, "no usable interface (tester.iface)");
	strcpy(lv->iface, cfg->iface);
	if (nv_live_iface_mac(lv->iface, lv->mac, err) < 0)
		return -1;
	if (open_capture(lv, cfg, err) < 0 || open_tx(lv, err) < 0 ||
	    (cfg->hold_gre && nv_live_gre_hold(lv->gre, err) < 0)) {
		nv_live_close(lv);
		return -1;
	}
	return 0;
}

struct rx_ctx {
	struct nv_live *lv;
	nv_live_rx_fn fn;
	void *arg;
};

static void on_pkt(void *u, const uint8_t *data, uint32_t caplen, uint32_t len,
		   uint64_t ts, uint32_t frame_no)
{
	struct rx_ctx *c = u;

	(void)frame_no;
	c->lv->received++;
	c->fn(c->arg, ts, data, caplen, len);
}

int nv_live_wait(struct nv_live *lv, int timeout_ms, nv_live_rx_fn fn, void *arg,
		 struct nv_err *err)
{
	struct rx_ctx c = { lv, fn, arg };
	return nv_capture_poll(lv->cap, timeout_ms, on_pkt, &c, err);
}

int nv_live_settle(struct nv_live *lv, nv_live_rx_fn fn, void *arg, struct nv_err *err)
{
	struct rx_ctx c = { lv, fn, arg };

	return nv_capture_settle(lv->cap, on_pkt, &c, err);
}

int nv_live_send(struct nv_live *lv, const uint8_t *frame, uint32_t len,
		 struct nv_err *err)
{
	for (int tries = 0;; tries++) {
		ssize_t n = send(lv->tx, frame, len, 0);

		if (n == (ssize_t)len) {
			lv->sent++;
			lv->sent_bytes += len;
			return 0;
		}
		if (n >= 0) {
			lv->send_errors++;
			return nv_errf(err, "%s: short write (%zd of %u bytes)", lv->iface,
				       n, len);
		}
		if ((errno != ENOBUFS && errno != EAGAIN) || tries >= NV_LIVE_RETRIES) {
			lv->send_errors++;
			return nv_errno(err, "%s: send", lv->iface);
		}
		lv->send_retries++;
		usleep(RETRY_SLEEP_US);
	}
}

int nv_live_stats(struct nv_live *lv, struct nv_capture_stats *st,
		  struct nv_err *err)
{
	if (nv_capture_stats(lv->cap, st, err) < 0)
		return -1;
	st->captured = lv->received;
	return 0;
}

void nv_live_close(struct nv_live *lv)
{
	nv_capture_close(lv->cap);
	lv->cap = NULL;
	lv->pc = NULL;
	lv->fd = -1;
	if (lv->tx >= 0)
		close(lv->tx);
	lv->tx = -1;
	nv_live_gre_release(lv->gre);
}

static int add_host(char *buf, size_t len, size_t *n, const struct nv_addr *a)
{
	char s[64];
	int w;

	if (!a->family || !nv_addr_str(a, s, sizeof s))
		return 0;
	w = snprintf(buf + *n, len - *n, " or (%s dst host %s)",
		     a->family == AF_INET6 ? "ip6" : "ip", s);
	if (w < 0 || (size_t)w >= len - *n)
		return -1;
	*n += (size_t)w;
	return 0;
}

static int host_terms(const struct nv_dut *dut, const struct nv_addr *extra, int nextra,
		      char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "arp");

	if (n >= len || add_host(buf, len, &n, &dut->tester.pa) < 0)
		return -1;
	for (int i = 0; i < nextra; i++) {
		bool dup = nv_addr_eq(&extra[i], &dut->tester.pa);

		for (int j = 0; j < i && !dup; j++)
			dup = nv_addr_eq(&extra[i], &extra[j]);
		if (!dup && add_host(buf, len, &n, &extra[i]) < 0)
			return -1;
	}
	return 0;
}

int nv_live_filter_text(const struct nv_dut *dut, const struct nv_addr *extra,
			int nextra, char *buf, size_t len)
{
	char terms[NV_LIVE_FILTER_MAX];
	int n;

	if (host_terms(dut, extra, nextra, terms, sizeof terms) < 0)
		return -1;
	/* once untagged, once behind an 802.1Q tag (`vlan` shifts the offsets) */
	n = snprintf(buf, len, "%s or (vlan and (%s))", terms, terms);
	return n > 0 && (size_t)n < len ? 0 : -1;
}
