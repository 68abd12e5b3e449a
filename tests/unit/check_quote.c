/* check_quote.c - ICMP error quotes: every length, RFC 4884, IPv6, C=1, bad IHL. */
#include <sys/socket.h>

#include "unit.h"
#include "vframes.h"
#include "nvgrect/dissect.h"

static uint8_t probe[2048], buf[4096];
static struct nv_pkt pk;

/*
 * A plain ICMP 3/3 quoting the first k bytes of the probe's IP datagram,
 * for every k: what the quote names grows with k and nothing is misread.
 */
static void sweep(bool c_bit, bool v6)
{
	struct tf o;
	size_t pn, ip_off = 14, ip_len, gre_len, key_at;
	struct nv_quote q;

	tf_default(&o);
	o.c = c_bit;
	o.v6 = v6;
	o.ipid = v6 ? 0x80021u : 0x21u;
	o.tag.frame = 0x20;
	pn = tf_build(&o, probe);
	ip_len = v6 ? 40 : 20;
	gre_len = c_bit ? 12 : 8;
	key_at = ip_len + (c_bit ? 8 : 4);
	for (size_t k = 0; k <= pn - ip_off; k++) {
		const uint8_t *qb = probe + ip_off;
		size_t n;

		if (v6)
			n = tf_icmp6_error(buf, 1, 0, qb, k);
		else
			n = tf_icmp_error(buf, 3, 3, 0, qb, k, o.dst4, o.src4);
		nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
		ck_assert_msg(pk.status == NV_DIS_OK, "k=%zu %s", k, pk.finding);
		ck_assert(pk.is_icmp_error);
		q = pk.quote;
		ck_assert(q.present);
		ck_assert_uint_eq(q.quote_len, k);
		ck_assert_msg(!q.malformed, "k=%zu quote malformed %s", k, q.finding);
		ck_assert_int_eq(q.ip.present, k >= ip_len);
		if (q.ip.present && !v6)
			ck_assert_uint_eq(q.ip.id, 0x21);
		if (q.ip.present && v6)
			ck_assert_uint_eq(q.ip.flow_label, 0x80021);
		ck_assert_msg(q.gre.has_key == (k >= key_at + 4), "k=%zu key", k);
		if (q.gre.has_key) {
			ck_assert_uint_eq(q.gre.key, 0x00138900u);
			ck_assert_uint_eq(q.key_off, key_at);
		}
		ck_assert_int_eq(q.has_inner_eth, k >= ip_len + gre_len + 14);
		ck_assert_int_eq(q.inner_ip.present, k >= ip_len + gre_len + 14 + 20);
		ck_assert_int_eq(q.has_echo, k >= ip_len + gre_len + 14 + 20 + 8);
		ck_assert_int_eq(q.has_tag, k >= ip_len + gre_len + 14 + 20 + 8 + 16);
		if (q.has_tag)
			ck_assert_uint_eq(q.tag.frame, 0x20);
		ck_assert(k == pn - ip_off || q.truncated || q.has_echo);
	}
}

START_TEST(test_quote_every_length_c0)
{
	sweep(false, false);
}
END_TEST

START_TEST(test_quote_every_length_c1)
{
	sweep(true, false);
}
END_TEST

START_TEST(test_quote_every_length_ipv6)
{
	sweep(false, true);
}
END_TEST

/* An 8-byte GRE quote holds the key with C=0, not with C=1 (Linux ipgre_err). */
START_TEST(test_quote_8_bytes)
{
	struct tf o;
	struct nv_quote q;
	size_t pn;

	tf_default(&o);
	pn = tf_build(&o, probe);
	nv_dissect_quote(probe + 14, 28, AF_INET, &q);
	ck_assert(q.gre.has_key);
	ck_assert_uint_eq(q.gre.key, 0x00138900u);
	o.c = true;
	pn = tf_build(&o, probe);
	nv_dissect_quote(probe + 14, 28, AF_INET, &q);
	ck_assert(q.gre.present && q.gre.c && !q.gre.has_key);
	ck_assert(q.truncated);
	ck_assert_str_eq(q.finding, "quote.gre_truncated");
	(void)pn;
}
END_TEST

/* RFC 4884: the length field bounds the quote; what follows is an extension. */
START_TEST(test_quote_rfc4884)
{
	struct tf o;
	uint8_t q[512];
	size_t pn, n;

	tf_default(&o);
	pn = tf_build(&o, probe);
	memset(q, 0, sizeof(q));
	memcpy(q, probe + 14, pn - 14);
	/* length 9 words = 36 bytes: IP + GRE + the first 8 inner bytes */
	n = tf_icmp_error(buf, 3, 10, 9, q, 128 + 8, o.dst4, o.src4);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert(pk.is_icmp_error);
	ck_assert_uint_eq(pk.quote.quote_len, 36);
	ck_assert(pk.quote.gre.has_key);
	ck_assert(!pk.quote.has_inner_eth);
	/* a length beyond the bytes present: clamped to what is there */
	n = tf_icmp_error(buf, 3, 10, 255, q, 40, o.dst4, o.src4);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert_uint_eq(pk.quote.quote_len, 40);
	ck_assert(pk.quote.gre.has_key);
}
END_TEST

/* The quoted total length clamps the parse: trailing bytes are not the datagram. */
START_TEST(test_quote_clamped_to_ip_len)
{
	struct tf o;
	uint8_t q[512];
	struct nv_quote qq;
	size_t pn;

	tf_default(&o);
	pn = tf_build(&o, probe);
	memcpy(q, probe + 14, pn - 14);
	tf_ip4(q, 20 + 6, 1, 0x4000, 47, o.src4, o.dst4);
	nv_dissect_quote(q, pn - 14, AF_INET, &qq);
	ck_assert(qq.ip.present);
	ck_assert(!qq.gre.has_key);
	ck_assert(qq.truncated);
}
END_TEST

START_TEST(test_quote_bad_headers)
{
	struct tf o;
	uint8_t q[64];
	struct nv_quote qq;
	size_t pn;

	tf_default(&o);
	pn = tf_build(&o, probe);
	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		memcpy(q, probe + 14, 60);
		q[0] = (uint8_t)(0x40 | ihl);
		nv_dissect_quote(q, 60, AF_INET, &qq);
		ck_assert(qq.malformed);
		ck_assert_str_eq(qq.finding, "quote.ip4_bad_ihl");
		ck_assert(!qq.gre.present);
	}
	memcpy(q, probe + 14, 60);
	q[0] = 0x4f;                /* 60-byte header in a 28-byte quote */
	nv_dissect_quote(q, 28, AF_INET, &qq);
	ck_assert(qq.truncated && !qq.gre.present);
	memcpy(q, probe + 14, 60);
	tf_put16(q + 2, 12);        /* ip_len < IHL*4 */
	nv_dissect_quote(q, 60, AF_INET, &qq);
	ck_assert(qq.malformed);
	ck_assert_str_eq(qq.finding, "quote.ip4_bad_total_len");
	q[0] = 0x15;
	nv_dissect_quote(q, 60, AF_INET, &qq);
	ck_assert_str_eq(qq.finding, "quote.ip4_bad_version");
	nv_dissect_quote(q, 0, AF_INET, &qq);
	ck_assert(qq.truncated);
	ck_assert_str_eq(qq.finding, "quote.empty");
	(void)pn;
}
END_TEST

/* ICMP quoting an ICMP error: parsed to the quoted IP header, no deeper. */
START_TEST(test_quote_icmp_in_quote)
{
	struct tf o;
	uint8_t first[512];
	size_t pn, n1, n;

	tf_default(&o);
	pn = tf_build(&o, probe);
	n1 = tf_icmp_error(first, 3, 3, 0, probe + 14, 28, o.dst4, o.src4);
	n = tf_icmp_error(buf, 11, 0, 0, first + 14, n1 - 14, o.src4, o.dst4);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert(pk.is_icmp_error);
	ck_assert_uint_eq(pk.quote.ip.proto, 1);
	ck_assert(!pk.quote.gre.present);
	(void)pn;
}
END_TEST

/* MS-NVGREE quote from the GRE header, every length. */
START_TEST(test_quote_gre_every_length)
{
	struct tf o;
	struct nv_quote q;
	size_t pn;

	tf_default(&o);
	pn = tf_build(&o, probe);
	for (size_t k = 0; k <= pn - 34; k++) {
		nv_dissect_quote_gre(probe + 34, k, &q);
		ck_assert(q.from_gre && !q.malformed);
		ck_assert_int_eq(q.gre.has_key, k >= 8);
		ck_assert_int_eq(q.has_inner_eth, k >= 22);
		ck_assert_int_eq(q.inner_ip.present, k >= 42);
		ck_assert_int_eq(q.has_tag, k >= 66);
	}
}
END_TEST

static Suite *quote_suite(void)
{
	Suite *s = suite_create("quote");
	TCase *t = tcase_create("core");

	tcase_add_test(t, test_quote_every_length_c0);
	tcase_add_test(t, test_quote_every_length_c1);
	tcase_add_test(t, test_quote_every_length_ipv6);
	tcase_add_test(t, test_quote_8_bytes);
	tcase_add_test(t, test_quote_rfc4884);
	tcase_add_test(t, test_quote_clamped_to_ip_len);
	tcase_add_test(t, test_quote_bad_headers);
	tcase_add_test(t, test_quote_icmp_in_quote);
	tcase_add_test(t, test_quote_gre_every_length);
	suite_add_tcase(s, t);
	return s;
}

NV_UNIT_SUITE(quote_suite)
