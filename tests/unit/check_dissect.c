/* check_dissect.c - the frame dissector: each layer, every truncation, malformed input. */
#include <sys/socket.h>

#include "unit.h"
#include "vframes.h"
#include "nvgrect/dissect.h"

static uint8_t buf[4096];
static struct nv_pkt pk;

START_TEST(test_dissect_good_probe)
{
	struct tf o;
	size_t n;

	tf_default(&o);
	o.ipid = 0x1234;
	o.echo_seq = 7;
	o.tag.frame = 7;
	n = tf_build(&o, buf);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert_int_eq(pk.status, NV_DIS_OK);
	ck_assert_ptr_null(pk.finding);
	ck_assert_int_eq(pk.nfindings, 0);
	ck_assert_uint_eq(pk.ethertype, 0x0800);
	ck_assert(pk.ip.present && pk.ip.family == AF_INET && pk.ip.csum_ok);
	ck_assert_uint_eq(pk.ip.id, 0x1234);
	ck_assert_uint_eq(pk.ip.proto, 47);
	ck_assert(pk.ip.df && !pk.ip.is_fragment);
	ck_assert_uint_eq(pk.ip.src.a[3], 1);
	ck_assert_uint_eq(pk.ip.dst.a[3], 2);
	ck_assert(pk.gre.present && pk.gre.k && !pk.gre.c && !pk.gre.s);
	ck_assert(pk.gre.has_key);
	ck_assert_uint_eq(pk.gre.key, 0x00138900u);
	ck_assert_uint_eq(pk.gre.proto, 0x6558);
	ck_assert_uint_eq(pk.gre_off, 34);
	ck_assert_uint_eq(pk.key_off, 38);
	ck_assert(nv_dissect_is_nvgre(&pk));
	ck_assert(pk.has_inner);
	ck_assert_uint_eq(pk.inner_off, 42);
	ck_assert_uint_eq(pk.ieth_dst[5], 0x89);
	ck_assert_uint_eq(pk.iethertype, 0x0800);
	ck_assert(pk.iip.present && pk.iip.csum_ok);
	ck_assert_uint_eq(pk.iip.proto, 1);
	ck_assert(pk.l4.present);
	ck_assert_uint_eq(pk.l4.type, 8);
	ck_assert_uint_eq(pk.l4.id, NV_TAG_ICMP_ID);
	ck_assert_uint_eq(pk.l4.seq, 7);
	ck_assert(pk.l4.has_tag);
	ck_assert_uint_eq(pk.l4.tag.frame, 7);
	ck_assert_uint_eq(pk.l4.tag.run_id, 0x11223344u);
	ck_assert(!pk.is_icmp_error);
}
END_TEST

/* Variants the truncation sweep runs over. */
static void variant(int i, struct tf *o)
{
	tf_default(o);
	switch (i) {
	case 1: o->v6 = true; o->ipid = 0x80005; break;
	case 2: o->c = true; break;
	case 3: o->s = true; o->c = true; break;
	case 4: o->inner_vlans = 2; break;
	case 5: o->outer_vlan = true; o->inner_vlans = 1; break;
	case 6: o->inner_v6 = true; o->icmp_type = 128; break;
	default: break;
	}
}

/* Offset where the ICMP header ends: every cut before it is a truncation. */
static size_t headers_end(const struct tf *o)
{
	return (size_t)(14 + (o->outer_vlan ? 4 : 0) + (o->v6 ? 40 : 20) + 4 +
			(o->c ? 4 : 0) + 4 + (o->s ? 4 : 0) + 14 + 4 * o->inner_vlans +
			(o->inner_v6 ? 40 : 20) + 8);
}

START_TEST(test_dissect_truncated_every_offset)
{
	struct tf o;
	size_t n, hend;

	variant(_i, &o);
	n = tf_build(&o, buf);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert_msg(pk.status == NV_DIS_OK, "variant %d: %s", _i,
		      pk.finding ? pk.finding : "-");
	ck_assert(pk.l4.has_tag);
	hend = headers_end(&o);
	for (size_t k = 0; k < n; k++) {
		nv_dissect_frame(buf, (uint32_t)k, (uint32_t)n, &pk);
		ck_assert_msg(pk.status != NV_DIS_MALFORMED,
			      "variant %d cut at %zu: malformed %s", _i, k, pk.finding);
		if (k < hend) {
			ck_assert_msg(pk.status == NV_DIS_TRUNCATED,
				      "variant %d cut at %zu: not truncated", _i, k);
			ck_assert(pk.cut_by_capture);
			ck_assert_ptr_nonnull(pk.finding);
			ck_assert_ptr_nonnull(strstr(pk.finding, "truncated"));
		}
		/* the key is known as soon as its 4 bytes are captured */
		if (k >= (size_t)pk.key_off + 4 && pk.key_off)
			ck_assert_uint_eq(pk.gre.key, 0x00138900u);
		/* a cut frame cannot prove its GRE checksum wrong */
		ck_assert(pk.finding == NULL || strcmp(pk.finding, "gre.bad_checksum"));
	}
}
END_TEST

START_TEST(test_dissect_truncation_names)
{
	struct tf o;
	size_t n;

	tf_default(&o);
	n = tf_build(&o, buf);
	nv_dissect_frame(buf, 10, (uint32_t)n, &pk);
	ck_assert_str_eq(pk.finding, "eth.truncated");
	ck_assert_int_eq(pk.bad_layer, NV_L_ETH);
	nv_dissect_frame(buf, 30, (uint32_t)n, &pk);
	ck_assert_str_eq(pk.finding, "ip4.truncated");
	nv_dissect_frame(buf, 40, (uint32_t)n, &pk);
	ck_assert_str_eq(pk.finding, "gre.truncated");
	ck_assert_int_eq(pk.bad_layer, NV_L_GRE);
	ck_assert_str_eq(nv_layer_name(pk.bad_layer), "gre");
	nv_dissect_frame(buf, 50, (uint32_t)n, &pk);
	ck_assert_str_eq(pk.finding, "ieth.truncated");
	nv_dissect_frame(buf, 60, (uint32_t)n, &pk);
	ck_assert_str_eq(pk.finding, "iip4.truncated");
	nv_dissect_frame(buf, 80, (uint32_t)n, &pk);
	ck_assert_str_eq(pk.finding, "icmp.truncated");
}
END_TEST

/* A frame whose IP total length says the GRE header ends inside the key. */
START_TEST(test_dissect_short_gre_on_wire)
{
	struct tf o;
	size_t n;

	tf_default(&o);
	n = tf_build(&o, buf);
	(void)n;
	tf_ip4(buf + 14, 20 + 6, 1, 0x4000, 47, o.src4, o.dst4);
	nv_dissect_frame(buf, 14 + 26, 14 + 26, &pk);
	ck_assert_int_eq(pk.status, NV_DIS_TRUNCATED);
	ck_assert_str_eq(pk.finding, "gre.truncated");
	ck_assert(!pk.cut_by_capture);
	ck_assert(pk.gre.present && !pk.gre.has_key);
}
END_TEST

static void expect_malformed(const char *finding)
{
	ck_assert_msg(pk.status == NV_DIS_MALFORMED, "expected %s, got status %d (%s)",
		      finding, pk.status, pk.finding ? pk.finding : "-");
	ck_assert_str_eq(pk.finding, finding);
}

START_TEST(test_dissect_malformed_ip4)
{
	struct tf o;
	size_t n;

	tf_default(&o);
	n = tf_build(&o, buf);
	buf[14] = 0x55;
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	expect_malformed("ip4.bad_version");
	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		buf[14] = (uint8_t)(0x40 | ihl);
		nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
		expect_malformed("ip4.bad_ihl");
	}
	n = tf_build(&o, buf);
	tf_put16(buf + 16, 19);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	expect_malformed("ip4.bad_total_len");
	tf_put16(buf + 16, (uint16_t)(n - 14 + 1));
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	expect_malformed("ip4.len_exceeds_frame");
	/* IHL 15: 60-byte header claims more than the datagram's first bytes hold */
	n = tf_build(&o, buf);
	buf[14] = 0x4f;
	nv_dissect_frame(buf, 14 + 40, 14 + 40, &pk);
	ck_assert_int_ne(pk.status, NV_DIS_OK);
}
END_TEST

START_TEST(test_dissect_bad_checksums_keep_parsing)
{
	struct tf o;
	size_t n;

	tf_default(&o);
	n = tf_build(&o, buf);
	buf[14 + 10] ^= 0x01;
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	expect_malformed("ip4.bad_checksum");
	ck_assert(!pk.ip.csum_ok);
	ck_assert_uint_eq(pk.gre.key, 0x00138900u);
	ck_assert(pk.l4.has_tag);
	ck_assert_int_eq(pk.nfindings, 1);

	tf_default(&o);
	o.c = true;
	n = tf_build(&o, buf);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert_int_eq(pk.status, NV_DIS_OK);
	ck_assert(pk.gre.has_csum && pk.gre.csum_ok);
	ck_assert_uint_eq(pk.key_off, 42);
	o.bad_gre_csum = true;
	n = tf_build(&o, buf);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	expect_malformed("gre.bad_checksum");
	ck_assert_int_eq(pk.bad_layer, NV_L_GRE);
	ck_assert_uint_eq(pk.gre.key, 0x00138900u);
	ck_assert(pk.l4.has_tag);
}
END_TEST

START_TEST(test_dissect_gre_fields)
{
	struct tf o;
	size_t n;

	tf_default(&o);
	o.s = true;
	o.gre_ver = 1;
	n = tf_build(&o, buf);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert(pk.gre.s && pk.gre.has_seq);
	ck_assert_uint_eq(pk.gre.seq, 7);
	ck_assert_uint_eq(pk.gre.version, 1);
	ck_assert_uint_eq(pk.gre.flags, 0x3001);
	tf_default(&o);
	o.no_k = true;
	n = tf_build(&o, buf);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert(!pk.gre.has_key);
	ck_assert(!nv_dissect_is_nvgre(&pk));
	ck_assert(pk.has_inner && pk.l4.has_tag);
	/* reserved0 and recursion bits */
	tf_default(&o);
	n = tf_build(&o, buf);
	tf_put16(buf + 34, 0x2000 | 0x0700 | 0x00f8);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert_uint_eq(pk.gre.recursion, 7);
	ck_assert_uint_eq(pk.gre.reserved0, 0x1f);
	ck_assert_uint_eq(pk.gre.version, 0);
}
END_TEST

START_TEST(test_dissect_vlans)
{
	struct tf o;
	size_t n;

	tf_default(&o);
	o.outer_vlan = true;
	o.inner_vlans = 2;
	n = tf_build(&o, buf);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert_int_eq(pk.status, NV_DIS_OK);
	ck_assert_int_eq(pk.nvlan, 1);
	ck_assert_uint_eq(pk.vlan_vid[0], 100);
	ck_assert_int_eq(pk.invlan, 2);
	ck_assert_uint_eq(pk.ivlan_tpid[0], 0x88a8);
	ck_assert_uint_eq(pk.ivlan_tpid[1], 0x8100);
	ck_assert(pk.l4.has_tag);
}
END_TEST

START_TEST(test_dissect_vlan_depth_capped)
{
	size_t n = 12;

	memset(buf, 0, sizeof(buf));
	for (int i = 0; i < 20; i++, n += 4) {
		tf_put16(buf + n, 0x8100);
		tf_put16(buf + n + 2, 1);
	}
	tf_put16(buf + n, 0x0800);
	nv_dissect_frame(buf, (uint32_t)n + 60, (uint32_t)n + 60, &pk);
	expect_malformed("vlan.too_deep");
	ck_assert_int_eq(pk.nvlan, NV_MAX_DEPTH);
}
END_TEST

START_TEST(test_dissect_ipv6_ext_headers)
{
	struct tf o;
	uint8_t f[2048];
	size_t n, g;

	tf_default(&o);
	o.v6 = true;
	o.ipid = 0x80009;
	n = tf_build(&o, buf);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert_int_eq(pk.status, NV_DIS_OK);
	ck_assert_int_eq(pk.ip.family, AF_INET6);
	ck_assert_uint_eq(pk.ip.flow_label, 0x80009);
	ck_assert_uint_eq(pk.gre.key, 0x00138900u);
	ck_assert_uint_eq(pk.gre_off, 54);
	/* insert a hop-by-hop (8) and a first-fragment header (8) */
	g = n - 54;
	memcpy(f, buf, 54);
	f[20] = 0;                              /* next header: hop-by-hop */
	tf_put16(f + 18, (uint16_t)(g + 16));
	memset(f + 54, 0, 16);
	f[54] = 44;                             /* hop-by-hop -> fragment */
	f[62] = 47;                             /* fragment -> GRE */
	tf_put16(f + 64, 0x0001);               /* offset 0, M=1 */
	tf_put32(f + 66, 0xabcd1234u);
	memcpy(f + 70, buf + 54, g);
	nv_dissect_frame(f, (uint32_t)(n + 16), (uint32_t)(n + 16), &pk);
	ck_assert_int_eq(pk.status, NV_DIS_OK);
	ck_assert(pk.ip.is_fragment && pk.ip.mf);
	ck_assert_uint_eq(pk.ip.id, 0x1234);
	ck_assert_uint_eq(pk.ip.proto, 47);
	ck_assert_uint_eq(pk.gre.key, 0x00138900u);
	/* a later fragment: no GRE parsed */
	tf_put16(f + 64, (uint16_t)(185 << 3));
	nv_dissect_frame(f, (uint32_t)(n + 16), (uint32_t)(n + 16), &pk);
	ck_assert(pk.ip.is_fragment && pk.ip.frag_off == 185);
	ck_assert(!pk.gre.present);
	/* a chain of 9 destination-option headers is refused */
	memcpy(f, buf, 54);
	f[20] = 60;
	tf_put16(f + 18, (uint16_t)(9 * 8 + g));
	for (int i = 0; i < 9; i++) {
		memset(f + 54 + 8 * i, 0, 8);
		f[54 + 8 * i] = i == 8 ? 47 : 60;
	}
	memcpy(f + 54 + 72, buf + 54, g);
	nv_dissect_frame(f, (uint32_t)(n + 72), (uint32_t)(n + 72), &pk);
	expect_malformed("ip6.too_many_ext");
}
END_TEST

START_TEST(test_dissect_ip4_fragments)
{
	struct tf o;
	size_t n;

	tf_default(&o);
	o.frag = 0x2000;                /* MF, offset 0 */
	n = tf_build(&o, buf);
	/* first fragment carries only 40 bytes of the GRE payload */
	tf_ip4(buf + 14, 20 + 40, 1, 0x2000, 47, o.src4, o.dst4);
	nv_dissect_frame(buf, 14 + 60, 14 + 60, &pk);
	ck_assert_int_eq(pk.status, NV_DIS_OK);
	ck_assert(pk.ip.is_fragment && pk.ip.mf && pk.ip.frag_off == 0);
	ck_assert_uint_eq(pk.gre.key, 0x00138900u);
	ck_assert(pk.has_inner);
	/* second fragment: its payload is not a header */
	tf_ip4(buf + 14, 20 + 40, 1, 5, 47, o.src4, o.dst4);
	nv_dissect_frame(buf, 14 + 60, 14 + 60, &pk);
	ck_assert_int_eq(pk.status, NV_DIS_OK);
	ck_assert(pk.ip.is_fragment && pk.ip.frag_off == 5);
	ck_assert(!pk.gre.present);
	(void)n;
}
END_TEST

START_TEST(test_dissect_nvgre_icmp)
{
	struct tf probe, err;
	uint8_t p[2048];
	size_t pn, n;

	tf_default(&probe);
	probe.tag.frame = 42;
	pn = tf_build(&probe, p);
	/* MS-NVGREE: ICMP 3/10 inside NVGRE quoting the probe from its GRE header */
	tf_default(&err);
	err.icmp_type = 3;
	err.icmp_code = 10;
	err.icmp_quote = p + 34;
	err.icmp_quote_len = pn - 34;
	err.key = 0x00138900u;
	n = tf_build(&err, buf);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert_int_eq(pk.status, NV_DIS_OK);
	ck_assert(pk.is_icmp_error && pk.icmp_in_nvgre && !pk.inner_icmp_error);
	ck_assert_uint_eq(pk.icmp_type, 3);
	ck_assert_uint_eq(pk.icmp_code, 10);
	ck_assert(pk.quote.present && pk.quote.from_gre);
	ck_assert(!pk.quote.ip.present);
	ck_assert(pk.quote.gre.has_key);
	ck_assert_uint_eq(pk.quote.gre.key, 0x00138900u);
	ck_assert_uint_eq(pk.quote.key_off, 4);
	ck_assert(pk.quote.has_inner_eth);
	ck_assert(pk.quote.inner_ip.present);
	ck_assert(pk.quote.has_echo);
	ck_assert_uint_eq(pk.quote.echo_seq, 0);
	ck_assert(pk.quote.has_tag);
	ck_assert_uint_eq(pk.quote.tag.frame, 42);
	/* the MS-NVGREE minimum: GRE + inner Ethernet + inner IP, no more */
	err.icmp_quote_len = 8 + 14 + 20;
	n = tf_build(&err, buf);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert(pk.icmp_in_nvgre && pk.quote.inner_ip.present);
	ck_assert_uint_eq(pk.quote.inner_ip.src.a[3], 1);
	ck_assert(!pk.quote.has_tag);
	/* the tenant's own stack answering (quote starts at the inner IP header) */
	err.icmp_code = 3;
	err.icmp_quote = p + 42 + 14;
	err.icmp_quote_len = pn - 56;
	n = tf_build(&err, buf);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert(!pk.is_icmp_error && pk.inner_icmp_error);
	ck_assert(pk.quote.ip.present && pk.quote.ip.proto == 1);
}
END_TEST

START_TEST(test_dissect_plain_icmp_error)
{
	struct tf probe;
	uint8_t p[2048];
	size_t pn, n;

	tf_default(&probe);
	probe.ipid = 0x0102;
	pn = tf_build(&probe, p);
	n = tf_icmp_error(buf, 3, 3, 0, p + 14, pn - 14, probe.dst4, probe.src4);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert_int_eq(pk.status, NV_DIS_OK);
	ck_assert(pk.is_icmp_error && !pk.icmp_in_nvgre);
	ck_assert_int_eq(pk.icmp_family, AF_INET);
	ck_assert_uint_eq(pk.icmp_type, 3);
	ck_assert_uint_eq(pk.icmp_code, 3);
	ck_assert(!pk.gre.present && !pk.has_inner);
	ck_assert_uint_eq(pk.quote.ip.id, 0x0102);
	ck_assert_uint_eq(pk.quote.gre.key, 0x00138900u);
	ck_assert(pk.quote.has_tag);
}
END_TEST

START_TEST(test_dissect_arp)
{
	uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 2, 2, 0, 0, 0, 0x13, 0x89,
			    198, 51, 100, 2, 2, 0, 0, 0, 0, 1, 198, 51, 100, 1 };
	size_t n = tf_eth(buf, tf_mac_a, tf_mac_b, 0, 0x0806);

	memcpy(buf + n, arp, sizeof(arp));
	nv_dissect_frame(buf, (uint32_t)(n + 28), (uint32_t)(n + 28), &pk);
	ck_assert_int_eq(pk.status, NV_DIS_OK);
	ck_assert_uint_eq(pk.l4.arp_op, 2);
	ck_assert_uint_eq(pk.l4.arp_spa.a[3], 2);
	nv_dissect_frame(buf, (uint32_t)(n + 20), (uint32_t)(n + 28), &pk);
	ck_assert_str_eq(pk.finding, "arp.truncated");
	buf[n + 1] = 6;
	nv_dissect_frame(buf, (uint32_t)(n + 28), (uint32_t)(n + 28), &pk);
	expect_malformed("arp.unsupported");
}
END_TEST

/* ICMPv6 Redirect: the quote is the Redirected Header option's data. */
START_TEST(test_dissect_icmp6_redirect)
{
	struct tf o;
	uint8_t p[2048], body[1024];
	size_t pn, qlen, olen, n;

	tf_default(&o);
	o.v6 = true;
	o.ipid = 0x80042;
	pn = tf_build(&o, p);
	qlen = pn - 14;
	olen = (8 + qlen + 7) / 8 * 8;
	memset(body, 0, sizeof(body));
	body[32] = 1;                   /* a source link-layer option first */
	body[33] = 1;
	body[40] = 4;                   /* Redirected Header */
	body[41] = (uint8_t)(olen / 8);
	memcpy(body + 48, p + 14, qlen);
	n = tf_icmp6_error(buf, 137, 1, body, 40 + olen);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert_int_eq(pk.status, NV_DIS_OK);
	ck_assert(pk.is_icmp_error);
	ck_assert_uint_eq(pk.icmp_type, 137);
	ck_assert_uint_eq(pk.quote.ip.flow_label, 0x80042);
	ck_assert_uint_eq(pk.quote.gre.key, 0x00138900u);
	ck_assert(pk.quote.has_tag);
	/* no Redirected Header: an ordinary redirect, no quote */
	body[40] = 3;
	n = tf_icmp6_error(buf, 137, 0, body, 40 + olen);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert(!pk.is_icmp_error);
	/* a zero-length option ends the walk */
	body[33] = 0;
	n = tf_icmp6_error(buf, 137, 0, body, 40 + olen);
	nv_dissect_frame(buf, (uint32_t)n, (uint32_t)n, &pk);
	ck_assert(!pk.is_icmp_error);
}
END_TEST

/* Random bytes after a valid prefix: any status, never a crash (ASan run). */
START_TEST(test_dissect_noise)
{
	uint32_t x = 12345;
	struct tf o;
	size_t n;

	tf_default(&o);
	n = tf_build(&o, buf);
	for (int round = 0; round < 20000; round++) {
		uint8_t f[160];
		size_t len = (size_t)(round % 160);

		memcpy(f, buf, n < sizeof(f) ? n : sizeof(f));
		for (int j = 0; j < 6; j++) {
			x = x * 1103515245u + 12345u;
			f[(x >> 8) % sizeof(f)] = (uint8_t)(x >> 20);
		}
		nv_dissect_frame(f, (uint32_t)len, (uint32_t)(len + (round & 3)), &pk);
		ck_assert(pk.status <= NV_DIS_MALFORMED);
		ck_assert(pk.status == NV_DIS_OK || pk.finding != NULL);
	}
}
END_TEST

static Suite *dissect_suite(void)
{
	Suite *s = suite_create("dissect");
	TCase *t = tcase_create("core");

	tcase_add_test(t, test_dissect_good_probe);
	tcase_add_loop_test(t, test_dissect_truncated_every_offset, 0, 7);
	tcase_add_test(t, test_dissect_truncation_names);
	tcase_add_test(t, test_dissect_short_gre_on_wire);
	tcase_add_test(t, test_dissect_malformed_ip4);
	tcase_add_test(t, test_dissect_bad_checksums_keep_parsing);
	tcase_add_test(t, test_dissect_gre_fields);
	tcase_add_test(t, test_dissect_vlans);
	tcase_add_test(t, test_dissect_vlan_depth_capped);
	tcase_add_test(t, test_dissect_ipv6_ext_headers);
	tcase_add_test(t, test_dissect_ip4_fragments);
	tcase_add_test(t, test_dissect_nvgre_icmp);
	tcase_add_test(t, test_dissect_plain_icmp_error);
	tcase_add_test(t, test_dissect_arp);
	tcase_add_test(t, test_dissect_icmp6_redirect);
	tcase_add_test(t, test_dissect_noise);
	suite_add_tcase(s, t);
	return s;
}

NV_UNIT_SUITE(dissect_suite)
