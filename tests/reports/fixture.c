/*
 * fixture.c - hand-built verification results for testing the report
 * writers before (and independently of) the verifier: a Windows Server
 * 2012 RTM-like endpoint (draft00 keys), a 2012 R2-like one (rfc7637), and
 * a hostile one whose every string tries to break a format.
 *
 * Included by tests/reports/mkfixture.c and tests/unit/check_report.c so
 * both test the same content.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nvgrect/report.h"

#define FX_CASES 8
#define FX_PROBES 12

struct nv_fixture {
	struct nv_dut dut;
	struct nv_suite suite;
	struct nv_case cases[FX_CASES];
	struct nv_probe probes[FX_CASES];
	struct nv_planned planned[FX_PROBES];
	struct nv_plan plan;
	struct nv_probe_result pr[FX_PROBES];
	struct nv_case_result cr[FX_CASES];
	struct nv_result r;
};

/* ---- frame bytes, built the way the wire has them ----------------------- */

struct fx_buf {
	uint8_t *b;
	uint32_t n, max;
};

static void put(struct fx_buf *b, const void *p, uint32_t n)
{
	if (b->n + n <= b->max) {
		memcpy(b->b + b->n, p, n);
		b->n += n;
	}
}

static void put8(struct fx_buf *b, unsigned v) { uint8_t x = (uint8_t)v; put(b, &x, 1); }
static void put16(struct fx_buf *b, unsigned v) { put8(b, v >> 8); put8(b, v); }
static void put32(struct fx_buf *b, uint32_t v) { put16(b, v >> 16); put16(b, v & 0xffff); }

static void eth(struct fx_buf *b, const uint8_t dst[6], const uint8_t src[6], unsigned type)
{
	put(b, dst, 6);
	put(b, src, 6);
	put16(b, type);
}

static void ip4(struct fx_buf *b, const uint8_t src[4], const uint8_t dst[4],
		unsigned proto, unsigned total, unsigned id)
{
	put8(b, 0x45); put8(b, 0); put16(b, total); put16(b, id); put16(b, 0x4000);
	put8(b, 64); put8(b, proto); put16(b, 0);   /* checksum not computed: fixture */
	put(b, src, 4); put(b, dst, 4);
}

static void gre(struct fx_buf *b, uint32_t key)
{
	put16(b, 0x2000);  /* K */
	put16(b, 0x6558);
	put32(b, key);
}

static const uint8_t mac_tester[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_dut[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t mac_vm[6] = { 0x02, 0, 0, 0, 0x13, 0x89 };
static const uint8_t mac_tca[6] = { 0x02, 0, 0, 0, 0, 0x11 };
static const uint8_t pa_tester[4] = { 192, 0, 2, 1 };
static const uint8_t pa_dut[4] = { 192, 0, 2, 2 };
static const uint8_t ca_tester[4] = { 198, 51, 100, 1 };
static const uint8_t ca_vm[4] = { 198, 51, 100, 2 };

/* The DUT's encapsulated echo reply. */
static void ev_reply(struct nv_evidence *e, uint32_t frame, uint32_t key, unsigned id)
{
	struct fx_buf b = { e->bytes, 0, NV_EVIDENCE_BYTES };

	e->present = true;
	e->capture_frame = frame;
	e->ts_us = 1764154000000000ull + frame * 1000ull;
	eth(&b, mac_tester, mac_dut, 0x0800);
	ip4(&b, pa_dut, pa_tester, 47, 20 + 8 + 14 + 20 + 8 + 32, id);
	e->key_off = (uint16_t)(b.n + 4);
	e->key_len = 4;
	gre(&b, key);
	eth(&b, mac_tca, mac_vm, 0x0800);
	ip4(&b, ca_vm, ca_tester, 1, 20 + 8 + 32, 0x77);
	put8(&b, 0); put8(&b, 0); put16(&b, 0); put16(&b, 0x4e56); put16(&b, frame);
	for (int i = 0; i < 32; i++)
		put8(&b, i < 4 ? "NVGT"[i] : i);
	e->len = e->caplen = b.n;
}

/* An ICMP error quoting the probe's outer IP + GRE header; in_nvgre: the
 * ICMP is itself carried inside NVGRE (MS-NVGREE). */
static void ev_error(struct nv_evidence *e, uint32_t frame, uint32_t probe_key,
		     unsigned type, unsigned code, bool in_nvgre, uint32_t outer_key)
{
	struct fx_buf b = { e->bytes, 0, NV_EVIDENCE_BYTES };
	unsigned quote = 20 + 8 + 14 + 20 + 8;

	e->present = true;
	e->capture_frame = frame;
	e->ts_us = 1764154000000000ull + frame * 1000ull;
	eth(&b, mac_tester, mac_dut, 0x0800);
	if (in_nvgre) {
		ip4(&b, pa_dut, pa_tester, 47, 20 + 8 + 14 + 20 + 8 + quote, 0x100 + frame);
		gre(&b, outer_key);
		eth(&b, mac_tca, mac_vm, 0x0800);
		ip4(&b, ca_vm, ca_tester, 1, 20 + 8 + quote, 0x200 + frame);
	} else {
		ip4(&b, pa_dut, pa_tester, 1, 20 + 8 + quote, 0x100 + frame);
	}
	put8(&b, type); put8(&b, code); put16(&b, 0); put32(&b, 0);
	ip4(&b, pa_tester, pa_dut, 47, 20 + 8 + 14 + 20 + 8 + 32, frame + 1);
	e->key_off = (uint16_t)(b.n + 4);
	e->key_len = 4;
	gre(&b, probe_key);
	eth(&b, mac_vm, mac_tca, 0x0800);
	ip4(&b, ca_tester, ca_vm, 1, 20 + 8 + 32, 0x55);
	put8(&b, 8); put8(&b, 0); put16(&b, 0); put16(&b, 0x4e56); put16(&b, frame);
	e->len = e->caplen = b.n;
}

/* ---- cases -------------------------------------------------------------- */

struct fx_case {
	const char *id, *title, *clause, *why;
	enum nv_level level;
	enum nv_obs expect;
	const char *expect_sig;
	int layout;                 /* builtin index, -1 raw key */
	uint32_t vsid, flowid;
};

static const struct fx_case fx_cases[] = {
	{ "KEY-01", "RFC 7637 key to a provisioned VSID is delivered", "RFC 7637 \xc2\xa7" "3.2",
	  "VSID in key bits 31..8, FlowID 0: the baseline every RFC endpoint must accept.",
	  NV_LEVEL_MUST, NV_OBS_DELIVERED, "", 0, 5001, 0 },
	{ "KEY-02", "draft-00 key (VSID in the low 24 bits) to a provisioned VSID", "draft-sridharan-virtualization-nvgre-00",
	  "Windows Server 2012 RTM put the VSID in the low 24 bits; record whether the DUT still takes it.",
	  NV_LEVEL_INFO, NV_OBS_ANY, "", 1, 5001, 0 },
	{ "FLOW-01", "Non-zero FlowID is delivered like FlowID 0", "RFC 7637 \xc2\xa7" "3.2",
	  "The FlowID is per-flow entropy; an endpoint must not use it to pick the VSID.",
	  NV_LEVEL_MUST, NV_OBS_DELIVERED, "", 0, 5001, 0x5a },
	{ "VSID-04", "Valid but unprovisioned VSID is not delivered", "RFC 7637 \xc2\xa7" "4.3",
	  "Traffic for a VSID the host does not serve must not reach any tenant.",
	  NV_LEVEL_MUST, NV_OBS_NOT_DELIVERED, "", 0, 7777, 0 },
	{ "HDR-01", "GRE C bit set is rejected", "RFC 7637 \xc2\xa7" "3.2",
	  "The C (checksum present) bit MUST be zero in NVGRE.",
	  NV_LEVEL_SHOULD, NV_OBS_NOT_DELIVERED, "", 0, 5001, 0 },
	{ "ICMP-03", "ICMP error rate-limit profile", "RFC 1812 \xc2\xa7" "4.3.2.8",
	  "Missing ICMP errors inside a burst are rate limiting, not silent drops.",
	  NV_LEVEL_INFO, NV_OBS_ANY, "", 0, 7777, 0 },
};

#define FX_NCASES ((int)(sizeof(fx_cases) / sizeof(fx_cases[0])))

/* What each profile does with each case: observation, signature, verdict. */
struct fx_outcome {
	enum nv_obs obs;
	const char *sig;
	enum nv_verdict v;
	const char *detail;
};

static const struct fx_outcome out_rtm[] = {
	{ NV_OBS_REJECTED, "icmp-3-10", NV_V_FAIL,
	  "observation: expected delivered, got rejected (icmp-3-10); key 0x00138900 read as draft00 is TNI 0x138900 (1280256), not provisioned" },
	{ NV_OBS_DELIVERED, "", NV_V_INFO, "delivered into tenant blue: the DUT accepts draft00 keys" },
	{ NV_OBS_REJECTED, "icmp-3-10", NV_V_FAIL,
	  "observation: expected delivered, got rejected (icmp-3-10); key 0x0013895a" },
	{ NV_OBS_REJECTED, "icmp-3-10", NV_V_PASS, "" },
	{ NV_OBS_SILENT, "silent", NV_V_PASS, "" },
	{ NV_OBS_RATE_LIMITED, "rate-limited", NV_V_INCONCLUSIVE,
	  "12 of 20 ICMP errors missing inside a 1 s burst; 0 missing when spaced 1.1 s" },
};

static const struct fx_outcome out_r2[] = {
	{ NV_OBS_DELIVERED, "", NV_V_PASS, "" },
	{ NV_OBS_REJECTED, "nvgre-icmp-3-10", NV_V_INFO,
	  "rejected with ICMP 3/10 inside NVGRE: key 0x00001389 read as rfc7637 is VSID 0x13 (reserved range) FlowID 0x89 (KB2779768)" },
	{ NV_OBS_DELIVERED, "", NV_V_PASS, "" },
	{ NV_OBS_REJECTED, "nvgre-icmp-3-10", NV_V_PASS, "" },
	{ NV_OBS_REJECTED, "icmp-3-2", NV_V_PASS, "" },
	{ NV_OBS_REJECTED, "nvgre-icmp-3-10", NV_V_WARN,
	  "ICMP errors paced at 1/s: 19 of 20 missing in a burst" },
};

#define HOSTILE "<script>alert(1)</script> \"q\" 'a' ]]> & \x01\x1b[31mred\x1b[0m \x7f \xc2\x9b \xff\xfe \xed\xa0\x80 | *b* `c` [l](x) </td>"

/* Copy and cut (hostile strings are longer than the fields on purpose). */
static void set_str(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);

	if (l >= n)
		l = n - 1;
	memcpy(dst, src, l);
	dst[l] = '\0';
}

static void fx_dut(struct nv_fixture *fx, const char *name)
{
	struct nv_dut *d = &fx->dut;
	struct nv_tenant *t = &d->tenants[0];

	set_str(d->name, sizeof(d->name), name);
	nv_addr_parse("192.0.2.1", &d->tester.pa);
	nv_addr_parse("192.0.2.2", &d->dut.pa);
	d->ntenants = 1;
	set_str(t->name, sizeof(t->name), "blue");
	t->vsid = 5001;
	nv_addr_parse("198.51.100.1", &t->tester_ca);
	nv_addr_parse("198.51.100.2", &t->vm_ca);
}

static void fx_case(struct nv_fixture *fx, int i, const struct fx_outcome *o,
		    bool hostile, bool draft_emitter)
{
	const struct fx_case *c = &fx_cases[i];
	struct nv_case *k = &fx->cases[i];
	struct nv_planned *pl = &fx->planned[i];
	struct nv_probe_result *p = &fx->pr[i];
	struct nv_case_result *cr = &fx->cr[i];
	const struct nv_layout *lay = nv_key_builtin(c->layout);
	uint32_t key = 0, emit_key;

	set_str(k->id, sizeof(k->id), c->id);
	set_str(k->title, sizeof(k->title), hostile ? HOSTILE : c->title);
	set_str(k->clause, sizeof(k->clause), c->clause);
	set_str(k->why, sizeof(k->why), hostile ? HOSTILE : c->why);
	k->level = c->level;
	k->nprobes = 1;
	k->probes = &fx->probes[i];
	k->nexpect = 1;
	k->expect[0].obs = c->expect;
	set_str(k->expect[0].signature, sizeof(k->expect[0].signature), c->expect_sig);

	/* the loader's defaults, so the crafter can rebuild the probe */
	set_str(fx->probes[i].layout, sizeof(fx->probes[i].layout), lay->name);
	fx->probes[i].gre.k = true;
	fx->probes[i].gre.proto = 0x6558;
	fx->probes[i].gre.c = !strcmp(c->id, "HDR-01");
	fx->probes[i].outer.family = AF_INET;
	fx->probes[i].outer.df = true;
	fx->probes[i].outer.ttl = 64;
	fx->probes[i].inner.payload_len = 32;
	fx->probes[i].count = 1;
	fx->probes[i].has_vsid = true;
	fx->probes[i].vsid = c->vsid;
	nv_key_encode(lay, c->vsid, c->flowid, &key, NULL);
	pl->frame = (uint32_t)i;
	pl->case_idx = (uint16_t)i;
	pl->suite = &fx->suite;
	pl->kase = k;
	pl->probe = &fx->probes[i];
	pl->layout = lay;
	pl->tenant = c->vsid == 5001 ? &fx->dut.tenants[0] : NULL;
	pl->vsid = c->vsid;
	pl->flowid = c->flowid;
	pl->key = key;
	snprintf(pl->comment, sizeof(pl->comment), "%s %s vsid=%u key=0x%08x expect=%s",
		 c->id, lay->name, (unsigned)c->vsid, (unsigned)key, nv_report_obs_str(c->expect));
	if (hostile)
		set_str(pl->comment, sizeof(pl->comment), HOSTILE);

	p->pl = pl;
	p->obs = o->obs;
	set_str(p->signature, sizeof(p->signature), o->sig);
	emit_key = draft_emitter ? 5001u : 5001u << NV_RFC7637_VSID_SHIFT;
	if (o->obs == NV_OBS_DELIVERED) {
		p->replies = 1;
		p->reply_vsid = 5001;
		set_str(p->reply_tenant, sizeof(p->reply_tenant), "blue");
		p->rtt_ms = 0.412 + i * 0.031;
		ev_reply(&p->reply, (uint32_t)(2 * i + 1), emit_key, 0x300 + (unsigned)i);
		snprintf(p->reply.summary, sizeof(p->reply.summary),
			 "NVGRE key 0x%08x (%s VSID 5001) 198.51.100.2 > 198.51.100.1 ICMP echo reply id 0x4e56 seq %d",
			 (unsigned)emit_key, draft_emitter ? "draft00" : "rfc7637", i);
	} else if (o->obs == NV_OBS_REJECTED || o->obs == NV_OBS_RATE_LIMITED) {
		bool in_nvgre = !strncmp(o->sig, "nvgre-", 6);
		unsigned code = strstr(o->sig, "3-2") ? 2 : 10;

		p->errors = 1;
		p->rtt_ms = 0.298 + i * 0.017;
		ev_error(&p->error, (uint32_t)(2 * i + 1), key, 3, code, in_nvgre, emit_key);
		snprintf(p->error.summary, sizeof(p->error.summary),
			 "%sICMP 3/%u %s from 192.0.2.2, quoting GRE key 0x%08x",
			 in_nvgre ? "NVGRE-carried " : "", code,
			 code == 2 ? "protocol unreachable" : "host administratively prohibited",
			 (unsigned)key);
	}
	if (hostile) {
		set_str(p->reply_tenant, sizeof(p->reply_tenant), HOSTILE);
		set_str(p->error.summary, sizeof(p->error.summary), HOSTILE);
		set_str(p->reply.summary, sizeof(p->reply.summary), HOSTILE);
	}

	cr->kase = k;
	cr->suite = &fx->suite;
	cr->verdict = o->v;
	set_str(cr->detail, sizeof(cr->detail), hostile ? HOSTILE : o->detail);
	cr->first = i;
	cr->nprobes = 1;
	cr->nframes = 1;
	cr->nobs[o->obs] = 1;
	cr->first_mismatch = o->v == NV_V_FAIL ? (int64_t)pl->frame : -1;
	cr->score_weight = c->level == NV_LEVEL_MUST ? 3 : c->level == NV_LEVEL_SHOULD ? 2 :
			   c->level == NV_LEVEL_MAY ? 1 : 0;
	fx->r.counts[o->v]++;
}

static int fx_score(const struct nv_result *r)
{
	int scored = r->counts[NV_V_PASS] + r->counts[NV_V_FAIL] + r->counts[NV_V_WARN];

	return scored ? (100 * r->counts[NV_V_PASS] + 50 * r->counts[NV_V_WARN]) / scored : 100;
}

/* Nothing run: no DUT file, no case, nothing seen (every null path). */
static void fx_empty(struct nv_fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	set_str(fx->r.tool_version, sizeof(fx->r.tool_version), "0.1.0");
	set_str(fx->r.endpoint.name, sizeof(fx->r.endpoint.name), "nothing");
	fx->r.endpoint.flowid_tolerant = -1;
	fx->r.score = -1;
	fx->r.interrupted = true;
}

/* profile: "rtm", "r2", "hostile" or "empty". 0 / -1 unknown profile. */
static int nv_fixture_build(const char *profile, struct nv_fixture *fx)
{
	bool rtm = !strcmp(profile, "rtm"), hostile = !strcmp(profile, "hostile");
	const struct fx_outcome *out = rtm || hostile ? out_rtm : out_r2;
	struct nv_endpoint *e = &fx->r.endpoint;

	if (!strcmp(profile, "empty")) {
		fx_empty(fx);
		return 0;
	}
	if (!rtm && !hostile && strcmp(profile, "r2"))
		return -1;
	memset(fx, 0, sizeof(*fx));
	fx_dut(fx, rtm ? "hv-rtm" : hostile ? HOSTILE : "hv-r2");
	set_str(fx->suite.name, sizeof(fx->suite.name), hostile ? HOSTILE : "interop/layouts");
	nv_key_layouts_init(&fx->suite.layouts);
	fx->suite.ncases = FX_NCASES;
	fx->suite.cases = fx->cases;
	for (int i = 0; i < FX_NCASES; i++)
		fx_case(fx, i, &out[i], hostile, rtm || hostile);
	fx->plan.run_id = 0x5eed0001;
	fx->plan.n = FX_NCASES;
	fx->plan.p = fx->planned;

	fx->r.dut = &fx->dut;
	fx->r.plan = &fx->plan;
	set_str(fx->r.tool_version, sizeof(fx->r.tool_version), "0.1.0");
	set_str(fx->r.started, sizeof(fx->r.started), "2026-11-26T10:00:00Z");
	set_str(fx->r.finished, sizeof(fx->r.finished), "2026-11-26T10:00:09Z");
	fx->r.interrupted = hostile;
	fx->r.nprobe_results = FX_NCASES;
	fx->r.probes = fx->pr;
	fx->r.ncases = FX_NCASES;
	fx->r.cases = fx->cr;
	fx->r.stats.live = true;
	fx->r.stats.captured = 11;
	fx->r.stats.received = 11;
	fx->r.stats.unsolicited = hostile ? 3 : 0;
	fx->r.score = fx_score(&fx->r);
	fx->r.nsuite_scores = 1;
	fx->r.suite_scores[0].suite = &fx->suite;
	fx->r.suite_scores[0].score = fx->r.score;
	fx->r.suite_scores[0].cases = FX_NCASES;
	fx->r.timeout_ms = 2000;
	fx->r.sender_frames = 5;
	fx->r.stats.probes_seen = FX_NCASES;
	fx->r.stats.responses = 5;

	set_str(e->name, sizeof(e->name), fx->dut.name);
	e->naccepts = 1;
	e->accepts[0] = rtm || hostile ? "draft00" : "rfc7637";
	e->emits = e->accepts[0];
	e->flowid_tolerant = rtm || hostile ? -1 : 1;   /* rtm: rfc7637 FlowIDs never got through */
	e->flowid_entropy = false;
	e->nrejects = 1;
	e->rejects[0].layout = rtm || hostile ? "rfc7637" : "draft00";
	set_str(e->rejects[0].signature, sizeof(e->rejects[0].signature),
		rtm || hostile ? "icmp-3-10" : "nvgre-icmp-3-10");
	set_str(e->unknown_vsid, sizeof(e->unknown_vsid), rtm || hostile ? "icmp-3-10" : "nvgre-icmp-3-10");

	if (!rtm) {
		struct nv_sender_finding *s = &fx->r.sender[fx->r.nsender++];

		s->rule = "inner.vlan_tag";
		s->clause = "RFC 7637 \xc2\xa7" "3.3";
		s->capture_frame = 3;
		s->count = 2;
		set_str(s->detail, sizeof(s->detail),
			hostile ? HOSTILE : "inner frame carried an 802.1Q tag (TPID 0x8100, VID 12); RFC 7637 says it MUST NOT");
	}
	return 0;
}
