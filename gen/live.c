/*
 * live.c - the run's interface: one libpcap handle that captures inbound
 * frames and injects probes, driven by poll() so a single thread interleaves
 * paced sends and capture dispatch.
 *
 * Immediate mode: a conformance run sends few frames and times each answer;
 * frames must reach us as they arrive, not when a TPACKET_V3 block retires.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nvgrect/live.h"

#define US_PER_S 1000000ull
#define NS_PER_US 1000ull
#define RETRY_SLEEP_US 100
#define KIB 1024u
#define PCAP_TIMEOUT_MS 100

uint64_t nv_live_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * US_PER_S + (uint64_t)ts.tv_nsec / NS_PER_US;
}

static int pcap_fail(struct nv_live *lv, const char *what, struct nv_err *err)
{
	nv_errf(err, "%s: %s: %s", lv->iface, what, pcap_geterr(lv->pc));
	return -1;
}

static int set_filter(struct nv_live *lv, const char *text, struct nv_err *err)
{
	struct bpf_program prog;
	int rc;

	if (!text)
		return 0;
	if (pcap_compile(lv->pc, &prog, text, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return pcap_fail(lv, "capture filter", err);
	rc = pcap_setfilter(lv->pc, &prog);
	pcap_freecode(&prog);
	return rc < 0 ? pcap_fail(lv, "capture filter", err) : 0;
}

static int activate(struct nv_live *lv, const struct nv_live_cfg *cfg,
		    struct nv_err *err)
{
	unsigned kib = cfg->buffer_kib ? cfg->buffer_kib : NV_LIVE_BUFFER_DEFAULT_KIB;
	char eb[PCAP_ERRBUF_SIZE];
	int rc;

	pcap_set_snaplen(lv->pc, NV_LIVE_SNAPLEN);
	pcap_set_promisc(lv->pc, 0);
	pcap_set_timeout(lv->pc, PCAP_TIMEOUT_MS);
	pcap_set_immediate_mode(lv->pc, 1);
	pcap_set_buffer_size(lv->pc, (int)(kib * KIB));
	rc = pcap_activate(lv->pc);
	if (rc < 0) {
		int code = rc == PCAP_ERROR_NO_SUCH_DEVICE ? NV_EXIT_USAGE : NV_EXIT_RUNTIME;

		return nv_errc(err, code, "%s: cannot capture: %s", lv->iface,
			       pcap_geterr(lv->pc));
	}
	if (pcap_datalink(lv->pc) != DLT_EN10MB)
		return nv_errc(err, NV_EXIT_USAGE, "%s: not an Ethernet interface",
			       lv->iface);
	if (pcap_setdirection(lv->pc, PCAP_D_IN) < 0)
		return pcap_fail(lv, "inbound only", err);
	if (pcap_setnonblock(lv->pc, 1, eb) < 0)
		return nv_errf(err, "%s: non-blocking: %s", lv->iface, eb);
	lv->fd = pcap_get_selectable_fd(lv->pc);
	if (lv->fd < 0)
		return nv_errf(err, "%s: no selectable capture fd", lv->iface);
	return set_filter(lv, cfg->filter, err);
}

int nv_live_open(struct nv_live *lv, const struct nv_live_cfg *cfg,
		 struct nv_err *err)
{
	char eb[PCAP_ERRBUF_SIZE];

	memset(lv, 0, sizeof *lv);
	lv->fd = -1;
	lv->gre[0] = lv->gre[1] = -1;
	if (!cfg->iface || !*cfg->iface || strlen(cfg->iface) >= sizeof lv->iface)
		return nv_errc(err, NV_EXIT_USAGE, "no usable interface (tester.iface)");
	strcpy(lv->iface, cfg->iface);
	if (nv_live_iface_mac(lv->iface, lv->mac, err) < 0)
		return -1;
	lv->pc = pcap_create(lv->iface, eb);
	if (!lv->pc)
		return nv_errf(err, "%s: %s", lv->iface, eb);
	if (activate(lv, cfg, err) < 0 ||
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

static void on_pkt(u_char *u, const struct pcap_pkthdr *h, const u_char *data)
{
	struct rx_ctx *c = (struct rx_ctx *)u;
	uint64_t ts = (uint64_t)h->ts.tv_sec * US_PER_S + (uint64_t)h->ts.tv_usec;

	c->lv->received++;
	c->fn(c->arg, ts, data, h->caplen, h->len);
}

static int drain(struct nv_live *lv, nv_live_rx_fn fn, void *arg, struct nv_err *err)
{
	struct rx_ctx c = { lv, fn, arg };
	int total = 0, n;

	do {
		n = pcap_dispatch(lv->pc, -1, on_pkt, (u_char *)&c);
		if (n == PCAP_ERROR_BREAK) {
			lv->broken = true;
			return total;
		}
		if (n < 0)
			return pcap_fail(lv, "capture", err);
		total += n;
	} while (n > 0);
	return total;
}

int nv_live_wait(struct nv_live *lv, int timeout_ms, nv_live_rx_fn fn, void *arg,
		 struct nv_err *err)
{
	struct pollfd pfd = { .fd = lv->fd, .events = POLLIN };
	int rc = timeout_ms > 0 ? poll(&pfd, 1, timeout_ms) : 1;

	if (rc < 0 && errno == EINTR)
		return 0;       /* a signal: the caller checks nv_sig_caught */
	if (rc < 0)
		return nv_errno(err, "poll");
	if (pfd.revents & (POLLERR | POLLNVAL))
		return nv_errf(err, "%s: capture socket error (interface gone?)", lv->iface);
	return drain(lv, fn, arg, err);
}

int nv_live_send(struct nv_live *lv, const uint8_t *frame, uint32_t len,
		 struct nv_err *err)
{
	for (int tries = 0;; tries++) {
		int n = pcap_inject(lv->pc, frame, len);

		if (n == (int)len) {
			lv->sent++;
			lv->sent_bytes += len;
			return 0;
		}
		if (n >= 0) {
			lv->send_errors++;
			return nv_errf(err, "%s: short write (%d of %u bytes)", lv->iface,
				       n, len);
		}
		if ((errno != ENOBUFS && errno != EAGAIN) || tries >= NV_LIVE_RETRIES) {
			lv->send_errors++;
			return pcap_fail(lv, "send", err);
		}
		lv->send_retries++;
		usleep(RETRY_SLEEP_US);
	}
}

int nv_live_stats(struct nv_live *lv, struct nv_capture_stats *st,
		  struct nv_err *err)
{
	struct pcap_stat ps;

	if (pcap_stats(lv->pc, &ps) < 0)
		return pcap_fail(lv, "capture statistics", err);
	st->live = true;
	st->captured = lv->received;
	st->received = ps.ps_recv;
	st->dropped = ps.ps_drop;
	st->ifdropped = ps.ps_ifdrop;
	return 0;
}

void nv_live_close(struct nv_live *lv)
{
	if (lv->pc)
		pcap_close(lv->pc);
	lv->pc = NULL;
	lv->fd = -1;
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
