/*
 * vharness.h - a verifier under test: a suite and DUT from memory, the plan,
 * the crafted probes (fed as captured), and hand-built answers (vframes.h).
 */
#ifndef NV_TEST_VHARNESS_H
#define NV_TEST_VHARNESS_H

#include <stdio.h>
#include <sys/socket.h>

#include "vframes.h"
#include "nvgrect/craft.h"
#include "nvgrect/verify.h"

static const char vh_dut_yaml[] =
	"name: unit-dut\n"
	"tester:\n  pa: 192.0.2.1\n"
	"dut:\n  pa: 192.0.2.2\n"
	"tenants:\n"
	"  - name: blue\n    vsid: 5001\n    tester_ca: 198.51.100.1\n"
	"    tester_mac: 02:00:00:00:00:01\n    vm_ca: 198.51.100.2\n"
	"    vm_mac: 02:00:00:00:13:89\n"
	"  - name: red\n    vsid: 5002\n    tester_ca: 203.0.113.1\n"
	"    tester_mac: 02:00:00:00:00:02\n    vm_ca: 203.0.113.2\n"
	"    vm_mac: 02:00:00:00:13:8a\n";

struct vh {
	struct nv_dut dut;
	struct nv_suite suite;
	struct nv_plan plan;
	struct nv_craft_env env;
	struct nv_verifier *v;
	struct nv_result res;
	uint32_t capf;
	uint8_t probe[NV_FRAG_MAX][2048];
	uint32_t probe_len[NV_FRAG_MAX];
};

static struct nv_diags vh_ds;
static uint32_t vh_tag_xor;     /* tag replies as another run would */

/* Load, plan, open a verifier. Fails the test with the loader's message. */
static inline void vh_init(struct vh *h, const char *suite_yaml,
			   const struct nv_verify_opts *o)
{
	struct nv_run_input in = { 0 };
	struct nv_err err = { 0 };
	char line[NV_ERRBUF_SIZE] = "";

	memset(h, 0, sizeof(*h));
	memset(&vh_ds, 0, sizeof(vh_ds));
	if (nv_dut_load_mem("unit-dut", vh_dut_yaml, sizeof(vh_dut_yaml) - 1, &h->dut,
			    &vh_ds) < 0 && vh_ds.n)
		nv_diag_format(&vh_ds, 0, line, sizeof(line));
	ck_assert_msg(line[0] == '\0', "dut: %s", line);
	memset(&vh_ds, 0, sizeof(vh_ds));
	if (nv_suite_load_mem("unit-suite", suite_yaml, strlen(suite_yaml), &h->suite,
			      &vh_ds) < 0 && vh_ds.n)
		nv_diag_format(&vh_ds, 0, line, sizeof(line));
	ck_assert_msg(line[0] == '\0', "suite: %s", line);
	in.nsuites = 1;
	in.suites = &h->suite;
	in.dut = &h->dut;
	in.seed = 7;
	ck_assert_msg(nv_plan_build(&in, &h->plan, &err) == 0, "plan: %s", err.msg);
	nv_craft_env_init(&h->env, &h->dut, h->plan.run_id);
	ck_assert_msg(nv_verify_new(&h->v, &h->plan, &h->dut, o, &err) == 0, "%s", err.msg);
}

static inline void vh_feed(struct vh *h, const uint8_t *f, uint32_t n, uint64_t ts)
{
	nv_verify_frame(h->v, f, n, n, ts, ++h->capf);
}

/* Craft plan frame i (its first fragment lands in h->probe[0]) and capture it. */
static inline void vh_send(struct vh *h, uint32_t i, uint64_t ts)
{
	static struct nv_frame fr[NV_FRAG_MAX];
	struct nv_err err = { 0 };
	int n = 0;

	ck_assert_msg(nv_craft_frames(&h->env, &h->plan.p[i], fr, NV_FRAG_MAX, &n, &err) == 0,
		      "craft: %s", err.msg);
	for (int k = 0; k < n; k++) {
		memcpy(h->probe[k], fr[k].data, fr[k].len);
		h->probe_len[k] = fr[k].len;
		vh_feed(h, fr[k].data, fr[k].len, ts);
	}
}

/* An encapsulated echo reply from tenant t (0 blue, 1 red) for frame i. */
static inline void vh_reply(struct vh *h, uint32_t i, int t, uint32_t key, uint64_t ts)
{
	static const uint8_t dut4[4] = { 192, 0, 2, 2 }, tst4[4] = { 192, 0, 2, 1 };
	const struct nv_tenant *tn = &h->dut.tenants[t];
	uint8_t buf[2048];
	struct tf o;
	size_t n;

	tf_default(&o);
	memcpy(o.src4, dut4, 4);
	memcpy(o.dst4, tst4, 4);
	memcpy(o.imac_src, tn->vm_mac.a, 6);
	memcpy(o.imac_dst, tn->tester_mac.a, 6);
	memcpy(o.ica_src, tn->vm_ca.a, 4);
	memcpy(o.ica_dst, tn->tester_ca.a, 4);
	o.key = key;
	o.icmp_type = 0;
	o.echo_seq = (uint16_t)i;
	o.tag.run_id = h->plan.run_id ^ vh_tag_xor;
	o.tag.frame = i;
	n = tf_build(&o, buf);
	vh_feed(h, buf, (uint32_t)n, ts);
}

/* A plain ICMP error from the DUT quoting qlen bytes of the last probe's IP datagram. */
static inline void vh_icmp(struct vh *h, uint8_t type, uint8_t code, size_t qlen, uint64_t ts)
{
	static const uint8_t dut4[4] = { 192, 0, 2, 2 }, tst4[4] = { 192, 0, 2, 1 };
	uint8_t buf[2048];
	size_t avail = h->probe_len[0] - 14, n;

	n = tf_icmp_error(buf, type, code, 0, h->probe[0] + 14, qlen < avail ? qlen : avail,
			  dut4, tst4);
	vh_feed(h, buf, (uint32_t)n, ts);
}

/* MS-NVGREE: ICMP 3/10 inside NVGRE (key), quoting the last probe from its GRE header. */
static inline void vh_nvgre_icmp(struct vh *h, uint32_t key, size_t qlen, uint64_t ts)
{
	static const uint8_t dut4[4] = { 192, 0, 2, 2 }, tst4[4] = { 192, 0, 2, 1 };
	const struct nv_tenant *tn = &h->dut.tenants[0];
	size_t avail = h->probe_len[0] - 34, n;
	uint8_t buf[2048];
	struct tf o;

	tf_default(&o);
	memcpy(o.src4, dut4, 4);
	memcpy(o.dst4, tst4, 4);
	memcpy(o.imac_src, tn->vm_mac.a, 6);
	memcpy(o.ica_src, tn->vm_ca.a, 4);
	memcpy(o.ica_dst, tn->tester_ca.a, 4);
	o.key = key;
	o.icmp_type = 3;
	o.icmp_code = 10;
	o.icmp_quote = h->probe[0] + 34;
	o.icmp_quote_len = qlen < avail ? qlen : avail;
	n = tf_build(&o, buf);
	vh_feed(h, buf, (uint32_t)n, ts);
}

static inline void vh_finish(struct vh *h)
{
	struct nv_err err = { 0 };

	ck_assert_msg(nv_verify_finish(h->v, &h->res, &err) == 0, "%s", err.msg);
}

static inline const struct nv_case_result *vh_case(const struct vh *h, const char *id)
{
	for (int i = 0; i < h->res.ncases; i++)
		if (strcmp(h->res.cases[i].kase->id, id) == 0)
			return &h->res.cases[i];
	ck_abort_msg("no case %s", id);
	return NULL;
}

static inline const struct nv_probe_result *vh_probe(const struct vh *h, uint32_t frame)
{
	for (int i = 0; i < h->res.nprobe_results; i++)
		if (h->res.probes[i].pl->frame == frame)
			return &h->res.probes[i];
	ck_abort_msg("no probe result for frame %u", frame);
	return NULL;
}

static inline void vh_free(struct vh *h)
{
	nv_verify_free(h->v);
	nv_result_free(&h->res);
	nv_plan_free(&h->plan);
	nv_suite_free(&h->suite);
}

#endif
