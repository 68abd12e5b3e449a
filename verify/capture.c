/*
 * capture.c - live capture with libpcap: TPACKET_V3 with a large buffer,
 * non-blocking, poll()-driven (capture.h says why each of these).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <pcap/pcap.h>

#include "nvgrect/capture.h"

#define NV_US_PER_S 1000000ull
#define NV_DISPATCH_ALL (-1)
#define NV_DRAIN_BLOCKS 64              /* blocks handed over per poll call at most */
#define NV_SETTLE_MS (3 * NV_CAPTURE_TIMEOUT_MS)  /* retire timer + jiffy rounding */

struct nv_capture {
	pcap_t *pc;
	int fd;
	uint32_t frames;
	struct nv_pcap_writer *writer;
	bool write_failed;
	struct nv_err write_err;
	volatile sig_atomic_t brk;
	nv_capture_fn fn;
	void *arg;
};

int nv_capture_filter(const struct nv_dut *dut, char *buf, size_t len)
{
	char pa[64];
	int n;

	nv_addr_str(&dut->dut.pa, pa, sizeof(pa));
	/* once untagged, once behind one 802.1Q tag (`vlan` shifts the offsets) */
	n = snprintf(buf, len,
		     "arp or ((ip proto 47 or ip6 proto 47 or icmp or icmp6) and host %s)"
		     " or (vlan and (arp or ((ip proto 47 or ip6 proto 47 or icmp or icmp6)"
		     " and host %s)))", pa, pa);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* A missing or down interface is the user's to fix; anything else is ours. */
static int activate_code(int rc)
{
	return rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_IFACE_NOT_UP
		       ? NV_EXIT_USAGE : NV_EXIT_RUNTIME;
}

static int pcap_fail(struct nv_capture *c, struct nv_err *err, int code,
		     const char *what, const char *iface)
{
	nv_errc(err, code, "%s %s: %s", what, iface, pcap_geterr(c->pc));
	pcap_close(c->pc);
	free(c);
	return -1;
}

static int apply_filter(struct nv_capture *c, const struct nv_capture_cfg *cfg,
			struct nv_err *err)
{
	char text[NV_CAPTURE_FILTER_MAX];
	struct bpf_program prog;
	const char *f = cfg->filter;

	if (!f) {
		if (!cfg->dut || nv_capture_filter(cfg->dut, text, sizeof(text)) < 0)
			return nv_errc(err, NV_EXIT_USAGE, "capture: no filter and no DUT");
		f = text;
	}
	if (pcap_compile(c->pc, &prog, f, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return nv_errc(err, NV_EXIT_USAGE, "capture filter '%s': %s", f,
			       pcap_geterr(c->pc));
	if (pcap_setfilter(c->pc, &prog) < 0) {
		pcap_freecode(&prog);
		return nv_errf(err, "capture filter: %s", pcap_geterr(c->pc));
	}
	pcap_freecode(&prog);
	return 0;
}

int nv_capture_open(struct nv_capture **out, const struct nv_capture_cfg *cfg,
		    struct nv_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct nv_capture *c;
	int rc;

	*out = NULL;
	if (!cfg->iface || !cfg->iface[0])
		return nv_errc(err, NV_EXIT_USAGE, "capture: no interface");
	c = calloc(1, sizeof(*c));
	if (!c)
		return nv_errno(err, "capture");
	c->pc = pcap_create(cfg->iface, ebuf);
	if (!c->pc) {
		free(c);
		return nv_errf(err, "capture on %s: %s", cfg->iface, ebuf);
	}
	c->writer = cfg->writer;
	pcap_set_snaplen(c->pc, cfg->snaplen ? (int)cfg->snaplen : NV_CAPTURE_SNAPLEN);
	pcap_set_buffer_size(c->pc, (int)(cfg->buffer_bytes ? cfg->buffer_bytes
							    : NV_CAPTURE_BUFFER_DEFAULT));
	/* no pcap_set_immediate_mode: libpcap would fall back to TPACKET_V2 */
	pcap_set_timeout(c->pc, NV_CAPTURE_TIMEOUT_MS);
	pcap_set_promisc(c->pc, 0);
	rc = pcap_activate(c->pc);
	if (rc < 0)
		return pcap_fail(c, err, activate_code(rc), "capture on", cfg->iface);
	if (pcap_datalink(c->pc) != DLT_EN10MB) {
		nv_errc(err, NV_EXIT_USAGE, "capture on %s: not Ethernet", cfg->iface);
		pcap_close(c->pc);
		free(c);
		return -1;
	}
	if (cfg->inbound_only && pcap_setdirection(c->pc, PCAP_D_IN) < 0)
		return pcap_fail(c, err, NV_EXIT_RUNTIME, "inbound-only capture on", cfg->iface);
	if (pcap_setnonblock(c->pc, 1, ebuf) < 0 || (c->fd = pcap_get_selectable_fd(c->pc)) < 0)
		return pcap_fail(c, err, NV_EXIT_RUNTIME, "non-blocking capture on",
				 cfg->iface);
	if (apply_filter(c, cfg, err) < 0) {
		pcap_close(c->pc);
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct nv_capture *c = (struct nv_capture *)user;
	uint64_t ts = (uint64_t)h->ts.tv_sec * NV_US_PER_S + (uint64_t)h->ts.tv_usec;

	c->frames++;
	if (c->writer && !c->write_failed &&
	    nv_pcapio_write(c->writer, ts, data, h->caplen, h->len, NULL, &c->write_err) < 0)
		c->write_failed = true;
	if (c->fn)
		c->fn(c->arg, data, h->caplen, h->len, ts, c->frames);
}

/* One pcap_dispatch: frames handled, 0, or -1; *stop after a break. */
static int dispatch(struct nv_capture *c, bool *stop, struct nv_err *err)
{
	int n = pcap_dispatch(c->pc, NV_DISPATCH_ALL, on_frame, (u_char *)c);

	/* pcap_breakloop (ours or a signal handler's) is a stop, not a failure */
	if (n == PCAP_ERROR_BREAK) {
		*stop = true;
		n = 0;
	} else if (n < 0) {
		return nv_errf(err, "capture: %s", pcap_geterr(c->pc));
	}
	if (c->write_failed) {
		*err = c->write_err;
		return -1;
	}
	return n;
}

int nv_capture_poll(struct nv_capture *c, int timeout_ms, nv_capture_fn fn,
		    void *arg, struct nv_err *err)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	int total = 0, blocks = 0, n;
	bool stop = false, waited = false;

	c->fn = fn;
	c->arg = arg;
	/* what the ring holds already (bounded), else wait once for more */
	for (;;) {
		n = dispatch(c, &stop, err);
		if (n < 0)
			return -1;
		total += n;
		if (stop || c->brk)
			break;
		if (n > 0 && ++blocks < NV_DRAIN_BLOCKS)
			continue;
		if (total > 0 || waited || timeout_ms <= 0)
			break;
		n = poll(&pfd, 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			break;      /* a signal: the caller looks at its flag */
		if (n < 0)
			return nv_errno(err, "capture poll");
		if (n == 0)
			break;
		if (pfd.revents & (POLLERR | POLLNVAL))
			return nv_errf(err, "capture socket error (interface gone?)");
		waited = true;
	}
	return total;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int64_t nv_capture_run(struct nv_capture *c, int duration_ms, nv_capture_fn fn,
		       void *arg, struct nv_err *err)
{
	uint64_t end = mono_ms() + (uint64_t)(duration_ms > 0 ? duration_ms : 0), now;
	int64_t total = 0;

	while ((now = mono_ms()) < end && !c->brk) {
		int n = nv_capture_poll(c, (int)(end - now), fn, arg, err);

		if (n < 0)
			return -1;
		total += n;
	}
	/* a last drain: the block in progress retires on its timer */
	if (!c->brk) {
		int n = nv_capture_settle(c, fn, arg, err);

		if (n < 0)
			return -1;
		total += n;
	}
	c->brk = 0;
	return total;
}

int nv_capture_settle(struct nv_capture *c, nv_capture_fn fn, void *arg,
		      struct nv_err *err)
{
	uint64_t end = mono_ms() + NV_SETTLE_MS, now;
	int total = 0;

	while ((now = mono_ms()) < end && !c->brk) {
		int n = nv_capture_poll(c, (int)(end - now), fn, arg, err);

		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

void nv_capture_break(struct nv_capture *c)
{
	c->brk = 1;
	pcap_breakloop(c->pc);
}

int nv_capture_stats(struct nv_capture *c, struct nv_capture_stats *st,
		     struct nv_err *err)
{
	struct pcap_stat ps;

	if (pcap_stats(c->pc, &ps) < 0)
		return nv_errf(err, "capture stats: %s", pcap_geterr(c->pc));
	st->live = true;
	st->captured = c->frames;
	st->received = ps.ps_recv;
	st->dropped = ps.ps_drop;
	st->ifdropped = ps.ps_ifdrop;
	return 0;
}

int nv_capture_fd(const struct nv_capture *c)
{
	return c->fd;
}

struct pcap *nv_capture_pcap(const struct nv_capture *c)
{
	return c->pc;
}

void nv_capture_close(struct nv_capture *c)
{
	if (!c)
		return;
	pcap_close(c->pc);
	free(c);
}
