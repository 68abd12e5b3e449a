/*
 * check_capture.c - verify/capture.c: a pcap_breakloop (what sig.h's signal
 * handler does) or nv_capture_break ends a poll as a clean stop, not an
 * error. Captures on lo (a few UDP datagrams to 127.0.0.1 port 9);
 * skipped without CAP_NET_RAW.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "nvgrect/capture.h"

static void ignore(void *arg, const uint8_t *d, uint32_t caplen, uint32_t len, uint64_t ts,
		   uint32_t no)
{
	(void)arg, (void)d, (void)caplen, (void)len, (void)ts, (void)no;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

#define DISCARD_PORT 9
#define UDP_FILTER "udp and dst host 127.0.0.1 and dst port 9"

static void send_udp(int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(DISCARD_PORT) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < n; i++)
		sendto(fd, "nvgrect", 7, 0, (struct sockaddr *)&to, sizeof to);
	close(fd);
}

static struct nv_capture *open_lo(void)
{
	struct nv_capture_cfg cfg = { .iface = "lo", .filter = UDP_FILTER,
				      .buffer_bytes = 1u << 20, .inbound_only = true };
	struct nv_capture *c = NULL;
	struct nv_err err = { 0 };

	if (nv_capture_open(&c, &cfg, &err) < 0)
		return NULL;
	return c;
}

/*
 * libpcap notices a pending break while handing out frames and returns
 * PCAP_ERROR_BREAK: that once ended the run with exit 4.
 */
START_TEST(test_breakloop_is_a_clean_stop)
{
	struct nv_capture *c = open_lo();
	struct nv_err err = { 0 };
	int n = 0;

	if (!c)
		return;     /* not root: nothing to check here (e2e tests cover it) */
	ck_assert_ptr_nonnull(nv_capture_pcap(c));
	send_udp(4);
	pcap_breakloop((pcap_t *)nv_capture_pcap(c));
	/* the block retires within NV_CAPTURE_TIMEOUT_MS: a few polls see it */
	for (int i = 0; i < 20 && n == 0; i++) {
		n = nv_capture_poll(c, 50, ignore, NULL, &err);
		ck_assert_msg(n >= 0, "poll after pcap_breakloop failed: %s", err.msg);
	}
	/* the break is spent: the rest of the datagrams come through */
	n = nv_capture_settle(c, ignore, NULL, &err);
	ck_assert_msg(n >= 0, "settle failed: %s", err.msg);
	nv_capture_close(c);
}
END_TEST

START_TEST(test_capture_break_ends_run)
{
	struct nv_capture *c = open_lo();
	struct nv_err err = { 0 };
	double t0;

	if (!c)
		return;
	nv_capture_break(c);
	t0 = now_s();
	ck_assert_int_eq(nv_capture_run(c, 3000, ignore, NULL, &err), 0);
	ck_assert_msg(now_s() - t0 < 1.0, "nv_capture_run ran on after a break");
	ck_assert_int_ge(nv_capture_settle(c, ignore, NULL, &err), 0);
	nv_capture_close(c);
}
END_TEST

static Suite *capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("break");

	tcase_add_test(tc, test_breakloop_is_a_clean_stop);
	tcase_add_test(tc, test_capture_break_ends_run);
	suite_add_tcase(s, tc);
	return s;
}
NV_UNIT_SUITE(capture_suite)
