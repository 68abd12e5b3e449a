/*
 * send.c - live send with interlocks (see send.h). AF_PACKET SOCK_RAW with
 * protocol 0 (transmit only: the socket never receives), bound to the
 * interface, frames handed over in sendmmsg() batches: on veth this is the
 * fastest path measured (0.8 M frames/s per core, research/perf-anchors).
 */
/* sendmmsg() is a GNU extension */
#define _GNU_SOURCE
#include "nvgrect/send.h"


#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nvgrect/live.h"

#define ETH_HDR 14
#define VLAN_TAG 4
#define ETYPE_IPV4 0x0800
#define ETYPE_IPV6 0x86dd
#define ETYPE_VLAN 0x8100
#define IPV4_OFF_DST 16
#define IPV6_OFF_DST 24
#define IPV4_MIN 20
#define IPV6_MIN 40
#define RETRY_SLEEP_US 50
#define ROUTE_LINE_MAX 512
#define SYSFS_PATH_MAX 128
#define RTF_UP_FLAG 0x0001      /* <linux/route.h> RTF_UP */
#define RTF_REJECT_FLAG 0x0200  /* RTF_REJECT */
#define WAIT_SLICE_US 100000u
#define SNDBUF_BYTES (4 << 20)
#define BATCH_WINDOW_US 1000u   /* a batch never holds more than ~1 ms of frames */

struct nv_sender {
	struct nv_send_cfg cfg;
	int fd;
	pcap_t *pc;
	int ifindex;
	struct nv_pace pace;
	volatile int stop;
	uint32_t batch;             /* frames per sendmmsg at this rate */
	uint32_t nq;
	uint32_t qframe[NV_SEND_BATCH_MAX];
	uint32_t qlen[NV_SEND_BATCH_MAX];
	uint8_t qdata[NV_SEND_BATCH_MAX][NV_FRAME_MAX];
	struct mmsghdr msg[NV_SEND_BATCH_MAX];
	struct iovec iov[NV_SEND_BATCH_MAX];
	struct sockaddr_ll sll;
	uint64_t t_open_us;
	struct nv_send_stats st;
};

/* --- interlocks ----------------------------------------------------------- */

static bool v4_default_on(const char *iface)
{
	char line[ROUTE_LINE_MAX], ifn[IF_NAMESIZE + 1];
	unsigned long dst, gw, mask;
	unsigned flags;
	bool found = false;
	FILE *f = fopen("/proc/net/route", "r");

	if (!f)
		return false;
	/* Iface Destination Gateway Flags RefCnt Use Metric Mask ... (hex) */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%16s %lx %lx %x %*d %*d %*d %lx", ifn, &dst, &gw, &flags,
			   &mask) != 5)
			continue;
		if (dst == 0 && mask == 0 && strcmp(ifn, iface) == 0 && (flags & RTF_UP_FLAG) &&
		    !(flags & RTF_REJECT_FLAG))
			found = true;
	}
	fclose(f);
	return found;
}

static bool v6_default_on(const char *iface)
{
	char line[ROUTE_LINE_MAX], dst[33], ifn[IF_NAMESIZE + 1];
	unsigned plen, flags;
	bool found = false;
	FILE *f = fopen("/proc/net/ipv6_route", "r");

	if (!f)
		return false;
	/* dst plen src splen nexthop metric refcnt use flags iface */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%32s %x %*s %*s %*s %*s %*s %*s %x %16s", dst, &plen,
			   &flags, ifn) != 4)
			continue;
		/* the kernel's own "unreachable" ::/0 on lo is RTF_REJECT, not a route out */
		if (plen == 0 && strspn(dst, "0") == 32 && strcmp(ifn, iface) == 0 &&
		    (flags & RTF_UP_FLAG) && !(flags & RTF_REJECT_FLAG))
			found = true;
	}
	fclose(f);
	return found;
}

bool nv_send_iface_has_default_route(const char *iface)
{
	return v4_default_on(iface) || v6_default_on(iface);
}

/*
 * Interface facts come from sysfs, not from ioctl()s on a socket, so that a
 * dry run provably opens no socket at all (tests/gen/check-send.sh straces it).
 */
static int sysfs_read(const char *iface, const char *attr, char *buf, size_t len)
{
	char path[SYSFS_PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", iface, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return 0;
}

static int iface_index(const char *iface)
{
	char buf[32];

	if (sysfs_read(iface, "ifindex", buf, sizeof(buf)) < 0)
		return 0;
	return (int)strtol(buf, NULL, 10);
}

static bool iface_up(const char *iface)
{
	char buf[32];

	/* when we cannot tell, the send itself will */
	if (sysfs_read(iface, "flags", buf, sizeof(buf)) < 0)
		return true;
	return strtoul(buf, NULL, 16) & IFF_UP;
}

int nv_send_check_iface(const char *iface, bool allow_default_route, struct nv_err *err)
{
	if (!iface || !*iface)
		return nv_errc(err, NV_EXIT_USAGE, "no interface named: live send needs -i IFACE");
	if (strlen(iface) >= IF_NAMESIZE || strchr(iface, '/') || iface_index(iface) <= 0)
		return nv_errc(err, NV_EXIT_USAGE, "interface %s does not exist", iface);
	if (!iface_up(iface))
		return nv_errc(err, NV_EXIT_USAGE, "interface %s is down", iface);
	if (!allow_default_route && nv_send_iface_has_default_route(iface))
		return nv_errc(err, NV_EXIT_USAGE,
			       "interface %s holds the default route: refusing to send test "
			       "traffic on it (use a lab interface, or --allow-default-route)",
			       iface);
	return 0;
}

int nv_send_iface_mac(const char *iface, uint8_t mac[6], struct nv_err *err)
{
	char buf[32];
	struct nv_mac m;

	if (sysfs_read(iface, "address", buf, sizeof(buf)) < 0)
		return nv_errno(err, "%s: hardware address", iface);
	buf[strcspn(buf, "\n")] = '\0';
	if (nv_mac_parse(buf, &m) < 0 || m.is_auto)
		return nv_errf(err, "%s: hardware address '%s' is not Ethernet", iface, buf);
	memcpy(mac, m.a, 6);
	return 0;
}

int nv_send_check_dst(const struct nv_dut *dut, const uint8_t *f, uint32_t len,
		      struct nv_err *err)
{
	uint32_t off = ETH_HDR;
	uint16_t type;
	const struct nv_addr *pa = &dut->dut.pa;
	char want[64];

	if (len < ETH_HDR)
		return nv_errf(err, "frame of %u bytes has no Ethernet header", len);
	type = (uint16_t)(f[12] << 8 | f[13]);
	if (type == ETYPE_VLAN && len >= ETH_HDR + VLAN_TAG) {
		type = (uint16_t)(f[16] << 8 | f[17]);
		off += VLAN_TAG;
	}
	if (type == ETYPE_IPV4 && pa->family == AF_INET && len >= off + IPV4_MIN &&
	    memcmp(f + off + IPV4_OFF_DST, pa->a, 4) == 0)
		return 0;
	if (type == ETYPE_IPV6 && pa->family == AF_INET6 && len >= off + IPV6_MIN &&
	    memcmp(f + off + IPV6_OFF_DST, pa->a, 16) == 0)
		return 0;
	return nv_errc(err, NV_EXIT_USAGE,
		       "refusing to send: outer destination is not the DUT's PA %s",
		       nv_addr_str(pa, want, sizeof(want)));
}

/* --- the socket ----------------------------------------------------------- */

static int open_packet(struct nv_sender *s, struct nv_err *err)
{
	int one = 1, sndbuf = SNDBUF_BYTES;

	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		int e = errno;

		nv_errno(err, "AF_PACKET socket (needs CAP_NET_RAW)");
		errno = e;      /* the caller decides on a fallback from it */
		return -1;
	}
	memset(&s->sll, 0, sizeof(s->sll));
	s->sll.sll_family = AF_PACKET;
	s->sll.sll_ifindex = s->ifindex;
	s->sll.sll_protocol = 0;
	if (bind(s->fd, (struct sockaddr *)&s->sll, sizeof(s->sll)) < 0)
		return nv_errno(err, "bind to %s", s->cfg.iface);
	/* best effort: a bigger send buffer means fewer ENOBUFS retries, and
	 * the qdisc is skipped (as trafgen does); neither changes what is sent */
	setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	setsockopt(s->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	return 0;
}

static int open_pcap(struct nv_sender *s, struct nv_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE];

	s->pc = pcap_open_live(s->cfg.iface, 0, 0, 1, ebuf);
	if (!s->pc)
		return nv_errf(err, "pcap_open_live %s: %s", s->cfg.iface, ebuf);
	return 0;
}

int nv_sender_open(const struct nv_send_cfg *cfg, struct nv_sender **out,
		   struct nv_err *err)
{
	struct nv_sender *s;
	uint32_t rate;
	int rc;

	*out = NULL;
	if (!cfg->dut || !cfg->dut->dut.pa.family)
		return nv_errc(err, NV_EXIT_USAGE, "live send needs a DUT file with dut.pa");
	if (nv_send_check_iface(cfg->iface, cfg->allow_default_route, err) < 0)
		return -1;
	s = calloc(1, sizeof(*s));
	if (!s)
		return nv_errno(err, "sender");
	s->cfg = *cfg;
	s->fd = -1;
	s->ifindex = iface_index(cfg->iface);
	rate = cfg->rate_pps ? cfg->rate_pps : NV_SEND_RATE_DEFAULT;
	/* batch only as many frames as fit in a millisecond at this rate */
	s->batch = rate / (1000000u / BATCH_WINDOW_US);
	if (s->batch < 1)
		s->batch = 1;
	if (s->batch > NV_SEND_BATCH_MAX)
		s->batch = NV_SEND_BATCH_MAX;
	if (cfg->backend == NV_SEND_PCAP) {
		rc = open_pcap(s, err);
	} else if ((rc = open_packet(s, err)) < 0 && s->fd < 0 && errno != EPERM &&
		   errno != EACCES) {
		/* no AF_PACKET here (not Linux, or a restricted kernel): libpcap */
		rc = open_pcap(s, err);
	}
	if (rc < 0) {
		nv_sender_close(s);
		return -1;
	}
	nv_pace_init(&s->pace, rate);
	s->t_open_us = s->pace.t0_us;
	*out = s;
	return 0;
}

static bool transient(int e)
{
	return e == ENOBUFS || e == EAGAIN || e == EINTR;
}

static int send_err(struct nv_sender *s, uint32_t i, int e, struct nv_err *err)
{
	const char *why = e == ENXIO || e == ENODEV ? " (interface gone)"
			  : e == ENETDOWN ? " (link down)"
			  : e == EMSGSIZE ? " (frame larger than the MTU)" : "";

	errno = e;
	return nv_errno(err, "frame %u (%u bytes) not sent on %s%s", s->qframe[i],
			s->qlen[i], s->cfg.iface, why);
}

static void count_sent(struct nv_sender *s, uint32_t from, uint32_t n)
{
	uint64_t now = nv_pace_now_us();

	if (!s->st.sent)
		s->st.t_first_us = now;
	s->st.t_last_us = now;
	s->st.sent += n;
	for (uint32_t i = from; i < from + n; i++)
		s->st.bytes += s->qlen[i];
}

static int flush_pcap(struct nv_sender *s, struct nv_err *err)
{
	for (uint32_t i = 0; i < s->nq; i++) {
		int tries = 0;

		while (pcap_inject(s->pc, s->qdata[i], s->qlen[i]) < 0) {
			int e = errno;

			if (!transient(e) || ++tries > NV_SEND_RETRIES) {
				nv_errf(err, "frame %u not sent on %s: %s", s->qframe[i],
					s->cfg.iface, pcap_geterr(s->pc));
				s->nq = 0;
				return -1;
			}
			s->st.retries++;
			usleep(RETRY_SLEEP_US);
		}
		count_sent(s, i, 1);
	}
	s->nq = 0;
	return 0;
}

static int flush_packet(struct nv_sender *s, struct nv_err *err)
{
	uint32_t off = 0;
	int tries = 0;

	for (uint32_t i = 0; i < s->nq; i++) {
		s->iov[i].iov_base = s->qdata[i];
		s->iov[i].iov_len = s->qlen[i];
		memset(&s->msg[i], 0, sizeof(s->msg[i]));
		s->msg[i].msg_hdr.msg_iov = &s->iov[i];
		s->msg[i].msg_hdr.msg_iovlen = 1;
	}
	while (off < s->nq) {
		int n = sendmmsg(s->fd, s->msg + off, s->nq - off, 0);

		if (n > 0) {
			count_sent(s, off, (uint32_t)n);
			off += (uint32_t)n;
			tries = 0;
			continue;
		}
		if (n < 0 && transient(errno) && ++tries <= NV_SEND_RETRIES) {
			s->st.retries++;
			usleep(RETRY_SLEEP_US);
			continue;
		}
		n = send_err(s, off, n < 0 ? errno : EIO, err);
		s->nq = 0;
		return n;
	}
	s->nq = 0;
	return 0;
}

int nv_sender_flush(struct nv_sender *s, struct nv_err *err)
{
	if (s->nq == 0)
		return 0;
	nv_pace_wait(&s->pace, s->nq);
	return s->pc ? flush_pcap(s, err) : flush_packet(s, err);
}

int nv_sender_frame(struct nv_sender *s, uint32_t frame, const uint8_t *data,
		    uint32_t len, struct nv_err *err)
{
	struct nv_err derr;

	if (s->stop)
		return nv_errc(err, NV_EXIT_SIGINT, "interrupted before frame %u", frame);
	if (len > NV_FRAME_MAX)
		return nv_errf(err, "frame %u: %u bytes exceeds %u", frame, len, NV_FRAME_MAX);
	if (nv_send_check_dst(s->cfg.dut, data, len, &derr) < 0)
		return nv_errc(err, NV_EXIT_USAGE, "frame %u: %s", frame, derr.msg);
	s->qframe[s->nq] = frame;
	s->qlen[s->nq] = len;
	memcpy(s->qdata[s->nq], data, len);
	if (++s->nq >= s->batch)
		return nv_sender_flush(s, err);
	return 0;
}

int nv_sender_probe(struct nv_sender *s, const struct nv_planned *pl,
		    const struct nv_frame *fr, int n, struct nv_err *err)
{
	for (int i = 0; i < n; i++)
		if (nv_sender_frame(s, pl->frame, fr[i].data, fr[i].len, err) < 0)
			return -1;
	return nv_sender_flush(s, err);
}

void nv_sender_wait_until(struct nv_sender *s, uint64_t t_us)
{
	uint64_t deadline = s->t_open_us + t_us;

	if (nv_pace_now_us() >= deadline)
		return;
	/* in slices, so an interrupt is seen within 100 ms */
	while (!s->stop && nv_pace_now_us() < deadline) {
		uint64_t now = nv_pace_now_us(), step = deadline - now;

		nv_pace_sleep_until(now + (step > WAIT_SLICE_US ? WAIT_SLICE_US : step));
	}
	nv_pace_rebase(&s->pace);
}

void nv_sender_stats(const struct nv_sender *s, struct nv_send_stats *st)
{
	*st = s->st;
}

void nv_sender_interrupt(struct nv_sender *s)
{
	s->stop = 1;
}

void nv_sender_close(struct nv_sender *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->pc)
		pcap_close(s->pc);
	free(s);
}

/* --- streams, optionally on several workers -------------------------------- */

#define TICK_MASK 0xfffu

struct worker_out {
	struct nv_send_stats st;
	int rc;
	struct nv_err err;
};

struct stream_job {
	const struct nv_send_cfg *cfg;
	const struct nv_stream *st;
	uint64_t count;
	int nw;
	const volatile int *stop;
	nv_send_tick_fn tick;
	void *arg;
};

static void stream_worker(const struct stream_job *j, int w, struct worker_out *o)
{
	static uint8_t buf[NV_FRAME_MAX];
	struct nv_sender *s;

	o->rc = 0;
	if (nv_sender_open(j->cfg, &s, &o->err) < 0) {
		o->rc = -1;
		return;
	}
	for (uint64_t i = (uint64_t)w; i < j->count && !*j->stop; i += (uint64_t)j->nw) {
		uint32_t len = nv_stream_frame(j->st, i, buf, NULL, NULL);

		if (nv_sender_frame(s, (uint32_t)i, buf, len, &o->err) < 0) {
			o->rc = -1;
			break;
		}
		if (j->tick && w == 0 && ((i / (uint64_t)j->nw) & TICK_MASK) == 0)
			j->tick(j->arg, i + 1);
	}
	if (o->rc == 0 && nv_sender_flush(s, &o->err) < 0)
		o->rc = -1;
	nv_sender_stats(s, &o->st);
	nv_sender_close(s);
}

static void stats_add(struct nv_send_stats *t, const struct nv_send_stats *s)
{
	if (!s->sent)
		return;
	if (!t->sent || s->t_first_us < t->t_first_us)
		t->t_first_us = s->t_first_us;
	if (s->t_last_us > t->t_last_us)
		t->t_last_us = s->t_last_us;
	t->sent += s->sent;
	t->bytes += s->bytes;
	t->retries += s->retries;
}

static int stream_forked(const struct stream_job *j, struct worker_out *out,
			 struct nv_err *err)
{
	pid_t pid[NV_SEND_WORKERS_MAX];
	int started = 0;

	for (int w = 0; w < j->nw; w++) {
		pid[w] = fork();
		if (pid[w] < 0) {
			nv_errno(err, "fork worker %d", w);
			break;
		}
		if (pid[w] == 0) {
			stream_worker(j, w, &out[w]);
			_exit(out[w].rc < 0 ? 1 : 0);
		}
		started++;
	}
	for (int w = 0; w < started; w++) {
		int status;

		while (waitpid(pid[w], &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) && out[w].rc == 0) {
			out[w].rc = -1;
			nv_errf(&out[w].err, "worker %d died", w);
		}
	}
	return started == j->nw ? 0 : -1;
}

int nv_send_stream(const struct nv_send_cfg *cfg, const struct nv_stream *st,
		   uint64_t count, int workers, const volatile int *stop,
		   nv_send_tick_fn tick, void *arg, struct nv_send_stats *tot,
		   struct nv_err *err)
{
	struct nv_send_cfg wcfg = *cfg;
	struct stream_job j = { &wcfg, st, count, workers < 1 ? 1 : workers, stop, tick, arg };
	struct worker_out *out;
	int rc = 0;

	memset(tot, 0, sizeof(*tot));
	if (j.nw > NV_SEND_WORKERS_MAX)
		return nv_errc(err, NV_EXIT_USAGE, "%d workers (max %d)", j.nw,
			       NV_SEND_WORKERS_MAX);
	wcfg.rate_pps = (cfg->rate_pps ? cfg->rate_pps : NV_SEND_RATE_DEFAULT) /
			(uint32_t)j.nw;
	if (wcfg.rate_pps == 0)
		wcfg.rate_pps = 1;
	/* shared with the forked workers: their counts and errors come back here */
	out = mmap(NULL, sizeof(*out) * (size_t)j.nw, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (out == MAP_FAILED)
		return nv_errno(err, "worker results");
	memset(out, 0, sizeof(*out) * (size_t)j.nw);
	if (j.nw == 1)
		stream_worker(&j, 0, &out[0]);
	else
		rc = stream_forked(&j, out, err);
	for (int w = 0; w < j.nw; w++) {
		stats_add(tot, &out[w].st);
		if (out[w].rc < 0 && rc == 0) {
			*err = out[w].err;
			rc = -1;
		}
	}
	munmap(out, sizeof(*out) * (size_t)j.nw);
	return rc;
}

/* --- ARP on the underlay ----------------------------------------------------- */

#define ETYPE_ARP 0x0806
#define POLL_SLICE_MS 50

static int arp_wait(int fd, const uint8_t pa[4], int timeout_ms, uint8_t mac[6])
{
	uint64_t end = nv_pace_now_us() + (uint64_t)timeout_ms * 1000u;
	uint8_t buf[NV_FRAME_MAX];

	while (nv_pace_now_us() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, POLL_SLICE_MS) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0 && nv_arp_is_reply_from(buf, (uint32_t)n, pa, mac))
			return 0;
	}
	return -1;
}

int nv_send_arp_resolve(const char *iface, const uint8_t src_mac[6],
			const struct nv_addr *src_pa, const struct nv_addr *pa,
			int tries, int timeout_ms, uint8_t mac[6], struct nv_err *err)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETYPE_ARP) };
	uint8_t req[NV_ARP_FRAME_LEN];
	size_t reqlen;
	char a[64];
	int fd, rc = -1;

	if (pa->family != AF_INET || src_pa->family != AF_INET)
		return nv_errc(err, NV_EXIT_USAGE, "ARP resolves IPv4 addresses only");
	sll.sll_ifindex = iface_index(iface);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETYPE_ARP));
	if (fd < 0)
		return nv_errno(err, "ARP socket on %s", iface);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		nv_errno(err, "ARP bind to %s", iface);
		goto out;
	}
	reqlen = nv_arp_request(req, src_mac, src_pa->a, pa->a);
	for (int i = 0; i < tries && rc < 0; i++) {
		if (send(fd, req, reqlen, 0) < 0) {
			nv_errno(err, "ARP request on %s", iface);
			goto out;
		}
		rc = arp_wait(fd, pa->a, timeout_ms, mac);
	}
	if (rc < 0)
		nv_errc(err, NV_EXIT_INCONCLUSIVE, "%s does not answer ARP on %s (%d tries)",
			nv_addr_str(pa, a, sizeof(a)), iface, tries);
out:
	close(fd);
	return rc;
}
