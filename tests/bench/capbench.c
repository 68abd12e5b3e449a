/*
 * capbench.c - the live run's receive path against the one it replaced,
 * for bench-capture.sh:
 *
 *   capbench run|immediate IFACE MS HOST
 *
 * run:       gen/live.c as `nvgrect run` opens it (verify/capture.c:
 *            TPACKET_V3, 64 MiB ring, 10 ms block timeout, inbound only);
 * immediate: the previous settings (pcap_set_immediate_mode, which makes
 *            libpcap 1.10 use TPACKET_V2, 8 MiB, 100 ms timeout).
 * Both filter as a run does (ARP, IP to HOST, also behind one 802.1Q tag)
 * and dissect every frame in one poll()-driven thread for MS milliseconds,
 * then print "MODE: captured N received R dropped D (P%) rate PPS".
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#include "nvgrect/dissect.h"
#include "nvgrect/live.h"

#define FILTER_FMT "arp or (ip dst host %s) or (vlan and (arp or (ip dst host %s)))"
#define OLD_BUFFER (8 << 20)
#define OLD_TIMEOUT_MS 100
#define POLL_MS 100
#define US_PER_S 1000000ull

static uint64_t frames, first_us, last_us;
static char filter[256];

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static void on_frame(void *arg, uint64_t ts, const uint8_t *d, uint32_t caplen, uint32_t len)
{
	struct nv_pkt p;

	(void)arg;
	nv_dissect_frame(d, caplen, len, &p);
	if (!frames++)
		first_us = ts;
	last_us = ts;
}

static void on_pcap(u_char *u, const struct pcap_pkthdr *h, const u_char *d)
{
	(void)u;
	on_frame(NULL, (uint64_t)h->ts.tv_sec * US_PER_S + (uint64_t)h->ts.tv_usec, d,
		 h->caplen, h->len);
}

static int run_path(const char *iface, uint64_t end, struct pcap_stat *ps)
{
	struct nv_live_cfg cfg = { .iface = iface, .filter = filter };
	struct nv_capture_stats st;
	struct nv_err err = { 0 };
	struct nv_live lv;

	if (nv_live_open(&lv, &cfg, &err) < 0) {
		fprintf(stderr, "capbench: %s\n", err.msg);
		return -1;
	}
	printf("ready\n");
	fflush(stdout);
	while (now_ms() < end)
		if (nv_live_wait(&lv, POLL_MS, on_frame, NULL, &err) < 0)
			break;
	if (nv_live_settle(&lv, on_frame, NULL, &err) < 0 ||
	    nv_live_stats(&lv, &st, &err) < 0) {
		fprintf(stderr, "capbench: %s\n", err.msg);
		return -1;
	}
	ps->ps_recv = (u_int)st.received;
	ps->ps_drop = (u_int)st.dropped;
	nv_live_close(&lv);
	return 0;
}

static int immediate_path(const char *iface, uint64_t end, struct pcap_stat *ps)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	struct pollfd pfd = { .events = POLLIN };
	pcap_t *pc = pcap_create(iface, eb);

	if (!pc)
		return -1;
	pcap_set_snaplen(pc, NV_LIVE_SNAPLEN);
	pcap_set_promisc(pc, 0);
	pcap_set_timeout(pc, OLD_TIMEOUT_MS);
	pcap_set_immediate_mode(pc, 1);
	pcap_set_buffer_size(pc, OLD_BUFFER);
	if (pcap_activate(pc) < 0 || pcap_setdirection(pc, PCAP_D_IN) < 0 ||
	    pcap_setnonblock(pc, 1, eb) < 0 ||
	    pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	    pcap_setfilter(pc, &prog) < 0) {
		fprintf(stderr, "capbench: %s\n", pcap_geterr(pc));
		return -1;
	}
	pfd.fd = pcap_get_selectable_fd(pc);
	printf("ready\n");
	fflush(stdout);
	while (now_ms() < end) {
		poll(&pfd, 1, POLL_MS);
		while (pcap_dispatch(pc, -1, on_pcap, NULL) > 0)
			;
	}
	pcap_stats(pc, ps);
	pcap_close(pc);
	return 0;
}

int main(int argc, char **argv)
{
	struct pcap_stat ps = { 0 };
	uint64_t end;
	int rc;

	if (argc != 5 || (strcmp(argv[1], "run") && strcmp(argv[1], "immediate"))) {
		fprintf(stderr, "usage: capbench run|immediate IFACE MS HOST\n");
		return 2;
	}
	snprintf(filter, sizeof filter, FILTER_FMT, argv[4], argv[4]);
	end = now_ms() + strtoull(argv[3], NULL, 10);
	rc = !strcmp(argv[1], "run") ? run_path(argv[2], end, &ps)
				     : immediate_path(argv[2], end, &ps);
	if (rc < 0)
		return 4;
	printf("%s: captured %llu received %u dropped %u (%.2f%%) rate %.0f pps\n", argv[1],
	       (unsigned long long)frames, ps.ps_recv, ps.ps_drop,
	       ps.ps_recv ? 100.0 * ps.ps_drop / ps.ps_recv : 0.0,
	       last_us > first_us ? (double)(frames - 1) * US_PER_S / (double)(last_us - first_us)
				  : 0.0);
	return 0;
}
