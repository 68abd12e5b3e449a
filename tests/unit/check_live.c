/* check_live.c - ARP frames of a live run: built, then recognised as replies. */
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"
#include "nvgrect/live.h"

static const uint8_t tmac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t tip[4] = { 192, 0, 2, 1 };
static const uint8_t dip[4] = { 192, 0, 2, 2 };

/* Turn a request (at arp offset o) into the reply the target would send. */
static void make_reply(uint8_t *f, size_t o, const uint8_t mac[6])
{
	uint8_t spa[4], tpa[4];

	memcpy(spa, f + o + 14, 4);
	memcpy(tpa, f + o + 24, 4);
	f[o + 7] = 2;                           /* op = reply */
	memcpy(f + o + 18, f + o + 8, 6);       /* tha = old sha */
	memcpy(f + o + 8, mac, 6);
	memcpy(f + o + 14, tpa, 4);
	memcpy(f + o + 24, spa, 4);
}

START_TEST(test_arp_request_layout)
{
	uint8_t f[NV_ARP_FRAME_LEN], mac[6];

	ck_assert_uint_eq(nv_arp_request(f, tmac, tip, dip), 60);
	ck_assert_int_eq(f[0], 0xff);
	ck_assert_int_eq(f[12] << 8 | f[13], 0x0806);
	ck_assert_int_eq(f[20] << 8 | f[21], 1);
	ck_assert(memcmp(f + 38, dip, 4) == 0);
	/* a request is not a reply */
	ck_assert(!nv_arp_is_reply_from(f, sizeof f, dip, mac));
	make_reply(f, 14, dmac);
	ck_assert(nv_arp_is_reply_from(f, sizeof f, dip, mac));
	ck_assert(memcmp(mac, dmac, 6) == 0);
	/* from someone else: no */
	ck_assert(!nv_arp_is_reply_from(f, sizeof f, tip, mac));
	/* cut short at every length: never a match, never a read past the end */
	for (uint32_t n = 0; n < 42; n++)
		ck_assert(!nv_arp_is_reply_from(f, n, dip, mac));
}
END_TEST

static void tunnel(struct nv_arp_tunnel *t, int fam)
{
	memset(t, 0, sizeof *t);
	memcpy(t->outer_src_mac, tmac, 6);
	memcpy(t->outer_dst_mac, dmac, 6);
	nv_addr_parse(fam == AF_INET ? "192.0.2.1" : "2001:db8::1", &t->outer_src);
	nv_addr_parse(fam == AF_INET ? "192.0.2.2" : "2001:db8::2", &t->outer_dst);
	t->key = 0x00138900u;
	memcpy(t->inner_src_mac, tmac, 6);
	nv_addr_parse("198.51.100.1", &t->inner_spa);
	nv_addr_parse("198.51.100.2", &t->inner_tpa);
}

static void check_tunnel(int fam, size_t iplen)
{
	struct nv_arp_tunnel t;
	uint8_t f[NV_ARP_NVGRE_MAX];
	const uint8_t vm[6] = { 0x02, 0, 0, 0, 0x13, 0x89 };
	struct nv_arp_answer a;
	size_t n, gre = 14 + iplen;

	tunnel(&t, fam);
	n = nv_arp_nvgre_request(f, sizeof f, &t);
	ck_assert_uint_eq(n, 14 + iplen + 8 + 14 + 28);
	ck_assert_int_eq(f[gre] << 8 | f[gre + 1], 0x2000);
	ck_assert_int_eq(f[gre + 2] << 8 | f[gre + 3], 0x6558);
	ck_assert_int_eq(f[gre + 6], 0x89);
	ck_assert(!nv_arp_nvgre_is_reply_from(f, (uint32_t)n, &t.inner_tpa, &a));
	make_reply(f, gre + 8 + 14, vm);
	ck_assert(nv_arp_nvgre_is_reply_from(f, (uint32_t)n, &t.inner_tpa, &a));
	ck_assert(memcmp(a.sha, vm, 6) == 0);
	ck_assert(memcmp(a.tha, tmac, 6) == 0);    /* answered the requester */
	ck_assert_uint_eq(a.key, 0x00138900u);
	for (uint32_t k = 0; k < n; k++)
		ck_assert(!nv_arp_nvgre_is_reply_from(f, k, &t.inner_tpa, &a));
	ck_assert_uint_eq(nv_arp_nvgre_request(f, n - 1, &t), 0);
}

START_TEST(test_arp_in_nvgre_v4)
{
	check_tunnel(AF_INET, 20);
}
END_TEST

START_TEST(test_arp_in_nvgre_v6)
{
	check_tunnel(AF_INET6, 40);
}
END_TEST

START_TEST(test_ipv4_header_checksum)
{
	struct nv_arp_tunnel t;
	uint8_t f[NV_ARP_NVGRE_MAX];
	uint32_t sum = 0;

	tunnel(&t, AF_INET);
	nv_arp_nvgre_request(f, sizeof f, &t);
	for (int i = 14; i < 34; i += 2)
		sum += (uint32_t)(f[i] << 8 | f[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ck_assert_uint_eq(sum, 0xffff);
}
END_TEST

static const uint8_t ip6a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t ip6b[16] = { 0x20, 0x01, 0x0d, 0xb8, [13] = 0xab, [14] = 0xcd, [15] = 2 };

/* The ICMPv6 checksum, summed here independently of live_nd.c. */
static uint32_t ones_sum(const uint8_t *f, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(f[i] << 8 | f[i + 1]);
	return sum;
}

static bool icmp6_ok(const uint8_t *f)
{
	uint32_t len = (uint32_t)(f[18] << 8 | f[19]);
	uint32_t sum = ones_sum(f + 22, 32) + len + 58 + ones_sum(f + 54, len);

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

START_TEST(test_nd_solicit)
{
	uint8_t f[NV_ND_FRAME_LEN], mac[6], ip[16];
	const uint8_t snm[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff, [13] = 0xab,
				  [14] = 0xcd, [15] = 2 };

	ck_assert_uint_eq(nv_nd_solicit(f, tmac, ip6a, ip6b), 86);
	/* to the solicited-node group of the target, its 33:33:ff:.. MAC */
	ck_assert_int_eq(f[0], 0x33);
	ck_assert_int_eq(f[2], 0xff);
	ck_assert_int_eq(f[5], 2);
	ck_assert(memcmp(f + 38, snm, 16) == 0);
	ck_assert_int_eq(f[21], 255);           /* hop limit */
	ck_assert_int_eq(f[54], 135);
	ck_assert(memcmp(f + 62, ip6b, 16) == 0);
	ck_assert_int_eq(f[78], 1);             /* source link-layer option */
	ck_assert(memcmp(f + 80, tmac, 6) == 0);
	ck_assert(icmp6_ok(f));
	ck_assert(nv_nd_is_solicit_for(f, sizeof f, ip6b, mac, ip));
	ck_assert(memcmp(mac, tmac, 6) == 0);
	ck_assert(memcmp(ip, ip6a, 16) == 0);
	ck_assert(!nv_nd_is_solicit_for(f, sizeof f, ip6a, mac, ip));
	ck_assert(!nv_nd_is_advert_for(f, sizeof f, ip6b, mac));
}
END_TEST

START_TEST(test_nd_advert)
{
	uint8_t f[NV_ND_FRAME_LEN], mac[6];

	ck_assert_uint_eq(nv_nd_advert(f, dmac, ip6b, tmac, ip6a), 86);
	ck_assert(memcmp(f, tmac, 6) == 0);
	ck_assert_int_eq(f[54], 136);
	ck_assert_int_eq(f[58], 0x60);          /* solicited + override */
	ck_assert(icmp6_ok(f));
	ck_assert(nv_nd_is_advert_for(f, sizeof f, ip6b, mac));
	ck_assert(memcmp(mac, dmac, 6) == 0);
	ck_assert(!nv_nd_is_advert_for(f, sizeof f, ip6a, mac));
	/* RFC 4861 §7.1.2: a hop limit other than 255 is not ours to trust */
	f[21] = 64;
	ck_assert(!nv_nd_is_advert_for(f, sizeof f, ip6b, mac));
	f[21] = 255;
	/* no target link-layer option: the Ethernet source it came from */
	f[78] = 99;
	ck_assert(nv_nd_is_advert_for(f, sizeof f, ip6b, mac));
	ck_assert(memcmp(mac, dmac, 6) == 0);
	for (uint32_t n = 0; n < 78; n++)
		ck_assert(!nv_nd_is_advert_for(f, n, ip6b, mac));
}
END_TEST

static Suite *live_suite(void)
{
	Suite *s = suite_create("live");
	TCase *tc = tcase_create("arp");

	tcase_add_test(tc, test_arp_request_layout);
	tcase_add_test(tc, test_arp_in_nvgre_v4);
	tcase_add_test(tc, test_arp_in_nvgre_v6);
	tcase_add_test(tc, test_ipv4_header_checksum);
	tcase_add_test(tc, test_nd_solicit);
	tcase_add_test(tc, test_nd_advert);
	suite_add_tcase(s, tc);
	return s;
}

NV_UNIT_SUITE(live_suite)
