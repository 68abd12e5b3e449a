/*
 * json.c - report.json, schema "nvgrect-report/1" (reports/README.md,
 * reports/nvgrect-report.schema.json). Field order follows the README so a
 * diff of two reports reads top-down.
 */
#include <string.h>

#include "rpt.h"

/* Fixed-size char arrays filled by other stages: never trust a NUL. */
#define JSTR(w, k, arr) nv_jw_strn((w), (k), (arr), strnlen((arr), sizeof(arr)))
#define JSTR_OR_NULL(w, k, arr) \
	do { if ((arr)[0]) JSTR(w, k, arr); else nv_jw_null(w, k); } while (0)

static void write_dut(struct nv_jw *w, const struct nv_result *r)
{
	const struct nv_dut *d = r->dut;
	char buf[64];

	nv_jw_obj(w, "dut");
	if (d) {
		JSTR(w, "name", d->name);
		nv_jw_str(w, "tester_pa", d->tester.pa.family ? nv_addr_str(&d->tester.pa, buf, sizeof(buf)) : NULL);
		nv_jw_str(w, "dut_pa", d->dut.pa.family ? nv_addr_str(&d->dut.pa, buf, sizeof(buf)) : NULL);
		nv_jw_arr(w, "tenants");
		for (int i = 0; i < d->ntenants && i < NV_TENANT_MAX; i++) {
			const struct nv_tenant *t = &d->tenants[i];

			nv_jw_obj(w, NULL);
			JSTR(w, "name", t->name);
			nv_jw_uint(w, "vsid", t->vsid);
			nv_jw_str(w, "tester_ca", t->tester_ca.family ? nv_addr_str(&t->tester_ca, buf, sizeof(buf)) : NULL);
			nv_jw_str(w, "vm_ca", t->vm_ca.family ? nv_addr_str(&t->vm_ca, buf, sizeof(buf)) : NULL);
			nv_jw_end(w, '}');
		}
		nv_jw_end(w, ']');
	} else {
		JSTR(w, "name", r->endpoint.name);
		nv_jw_null(w, "tester_pa");
		nv_jw_null(w, "dut_pa");
		nv_jw_arr(w, "tenants");
		nv_jw_end(w, ']');
	}
	nv_jw_end(w, '}');
}

static void write_summary(struct nv_jw *w, const struct nv_result *r)
{
	const struct nv_capture_stats *s = &r->stats;

	nv_jw_obj(w, "summary");
	nv_jw_int(w, "cases", r->ncases);
	nv_jw_int(w, "pass", r->counts[NV_V_PASS]);
	nv_jw_int(w, "fail", r->counts[NV_V_FAIL]);
	nv_jw_int(w, "warn", r->counts[NV_V_WARN]);
	nv_jw_int(w, "info", r->counts[NV_V_INFO]);
	nv_jw_int(w, "inconclusive", r->counts[NV_V_INCONCLUSIVE]);
	nv_jw_int(w, "probes", r->nprobe_results);
	if (r->score < 0)
		nv_jw_null(w, "score");     /* nothing scorable: only INFO cases */
	else
		nv_jw_int(w, "score", r->score);
	nv_jw_arr(w, "suites");
	for (int i = 0; i < r->nsuite_scores && i < NV_SUITE_SCORE_MAX; i++) {
		const struct nv_suite_score *ss = &r->suite_scores[i];

		nv_jw_obj(w, NULL);
		nv_jw_str(w, "suite", ss->suite ? ss->suite->name : "");
		if (ss->score < 0)
			nv_jw_null(w, "score");
		else
			nv_jw_int(w, "score", ss->score);
		nv_jw_int(w, "cases", ss->cases);
		nv_jw_end(w, '}');
	}
	nv_jw_end(w, ']');
	nv_jw_int(w, "exit_code", nv_result_exit_code(r));
	nv_jw_uint(w, "timeout_ms", r->timeout_ms);
	nv_jw_uint(w, "sender_frames", r->sender_frames);
	nv_jw_uint(w, "sender_findings_dropped", r->sender_dropped);
	nv_jw_obj(w, "capture");
	nv_jw_bool(w, "live", s->live);
	nv_jw_uint(w, "captured", s->captured);
	nv_jw_uint(w, "received", s->received);
	nv_jw_uint(w, "dropped", s->dropped);
	nv_jw_uint(w, "ifdropped", s->ifdropped);
	nv_jw_uint(w, "unsolicited", s->unsolicited);
	nv_jw_uint(w, "malformed", s->malformed);
	nv_jw_uint(w, "truncated", s->truncated);
	nv_jw_uint(w, "probes_seen", s->probes_seen);
	nv_jw_uint(w, "responses", s->responses);
	nv_jw_uint(w, "late", s->late);
	nv_jw_uint(w, "foreign_run", s->foreign_run);
	nv_jw_end(w, '}');
	nv_jw_end(w, '}');
}

/* DESIGN.md §6, exactly: no member added or renamed. */
static void write_endpoint(struct nv_jw *w, const struct nv_endpoint *e)
{
	nv_jw_obj(w, "endpoint");
	JSTR(w, "name", e->name);
	nv_jw_arr(w, "accepts");
	for (int i = 0; i < e->naccepts && i < NV_LAYOUT_MAX; i++)
		nv_jw_str(w, NULL, e->accepts[i] ? e->accepts[i] : "");
	nv_jw_end(w, ']');
	nv_jw_str(w, "emits", e->emits);
	if (e->flowid_tolerant < 0)
		nv_jw_null(w, "flowid_tolerant");
	else
		nv_jw_bool(w, "flowid_tolerant", e->flowid_tolerant > 0);
	nv_jw_obj(w, "rejects");
	for (int i = 0; i < e->nrejects && i < NV_LAYOUT_MAX; i++)
		JSTR(w, e->rejects[i].layout ? e->rejects[i].layout : "", e->rejects[i].signature);
	nv_jw_end(w, '}');
	JSTR_OR_NULL(w, "unknown_vsid", e->unknown_vsid);
	nv_jw_end(w, '}');
}

static void write_sender(struct nv_jw *w, const struct nv_result *r)
{
	nv_jw_arr(w, "sender_findings");
	for (int i = 0; i < r->nsender && i < 32; i++) {
		const struct nv_sender_finding *s = &r->sender[i];

		nv_jw_obj(w, NULL);
		nv_jw_str(w, "rule", s->rule ? s->rule : "");
		nv_jw_str(w, "clause", s->clause ? s->clause : "");
		nv_jw_uint(w, "capture_frame", s->capture_frame);
		nv_jw_uint(w, "count", s->count);
		JSTR(w, "detail", s->detail);
		nv_jw_end(w, '}');
	}
	nv_jw_end(w, ']');
}

static void write_evidence(struct nv_jw *w, const char *key, const struct nv_evidence *e)
{
	uint32_t n = e->caplen < NV_EVIDENCE_BYTES ? e->caplen : NV_EVIDENCE_BYTES;

	if (!e->present) {
		nv_jw_null(w, key);
		return;
	}
	nv_jw_obj(w, key);
	nv_jw_uint(w, "capture_frame", e->capture_frame);
	nv_jw_uint(w, "ts_us", e->ts_us);
	nv_jw_uint(w, "len", e->len);
	nv_jw_uint(w, "caplen", e->caplen);
	nv_jw_hex(w, "hex", e->bytes, n);
	nv_jw_bool(w, "hex_clamped", e->caplen > n);
	JSTR(w, "summary", e->summary);
	if (e->key_len && (uint32_t)e->key_off + e->key_len <= n) {
		nv_jw_uint(w, "key_off", e->key_off);
		nv_jw_uint(w, "key_len", e->key_len);
	} else {
		nv_jw_null(w, "key_off");
		nv_jw_null(w, "key_len");
	}
	nv_jw_end(w, '}');
}

static void write_probe(struct nv_jw *w, const struct nv_probe_result *p)
{
	const struct nv_planned *pl = p->pl;
	char key[16];
	bool answered = p->reply.present || p->error.present;

	nv_jw_obj(w, NULL);
	if (pl) {
		nv_jw_uint(w, "frame", pl->frame);
		nv_jw_str(w, "layout", pl->layout ? pl->layout->name : NULL);
		nv_jw_uint(w, "vsid", pl->vsid);
		nv_jw_uint(w, "flowid", pl->flowid);
		nv_rpt_key_str(pl->key, key, sizeof(key));
		nv_jw_str(w, "key", key);
		JSTR(w, "comment", pl->comment);
	} else {
		nv_jw_null(w, "frame");
		nv_jw_null(w, "layout");
		nv_jw_null(w, "vsid");
		nv_jw_null(w, "flowid");
		nv_jw_null(w, "key");
		nv_jw_str(w, "comment", "");
	}
	nv_jw_str(w, "observation", nv_report_obs_str(p->obs));
	JSTR_OR_NULL(w, "signature", p->signature);
	nv_jw_bool(w, "also_rejected", p->also_rejected);
	JSTR_OR_NULL(w, "also_signature", p->also_signature);
	nv_jw_uint(w, "replies", p->replies);
	nv_jw_uint(w, "errors", p->errors);
	nv_jw_uint(w, "duplicates", p->duplicates);
	if (p->reply.present)
		nv_jw_uint(w, "reply_vsid", p->reply_vsid);
	else
		nv_jw_null(w, "reply_vsid");
	JSTR_OR_NULL(w, "reply_tenant", p->reply_tenant);
	if (answered)
		nv_jw_dbl(w, "rtt_ms", p->rtt_ms);
	else
		nv_jw_null(w, "rtt_ms");
	nv_jw_obj(w, "evidence");
	write_evidence(w, "reply", &p->reply);
	write_evidence(w, "error", &p->error);
	nv_jw_end(w, '}');
	nv_jw_end(w, '}');
}

static void write_case(struct nv_jw *w, const struct nv_result *r,
		       const struct nv_case_result *c)
{
	const struct nv_case *k = c->kase;
	char buf[256];

	nv_jw_obj(w, NULL);
	nv_jw_str(w, "suite", nv_rpt_suite_name(c));
	if (k) {
		JSTR(w, "id", k->id);
		JSTR(w, "title", k->title);
		JSTR(w, "clause", k->clause);
		nv_jw_str(w, "level", nv_rpt_level_str(k->level));
		JSTR(w, "why", k->why);
	} else {
		nv_jw_str(w, "id", "");
		nv_jw_str(w, "title", "");
		nv_jw_str(w, "clause", "");
		nv_jw_str(w, "level", "INFO");
		nv_jw_str(w, "why", "");
	}
	nv_jw_str(w, "verdict", nv_report_verdict_str(c->verdict));
	JSTR(w, "detail", c->detail);
	nv_jw_dbl(w, "weight", c->score_weight);
	/* every frame of the case, also those beyond the probes[] kept */
	nv_jw_uint(w, "frames", c->nframes > (uint32_t)c->nprobes ? c->nframes : (uint32_t)c->nprobes);
	nv_jw_obj(w, "observations");
	for (int o = 0; o <= NV_OBS_INCONCLUSIVE; o++)
		if (c->nobs[o])
			nv_jw_uint(w, nv_report_obs_str((enum nv_obs)o), c->nobs[o]);
	nv_jw_end(w, '}');
	if (c->first_mismatch >= 0)
		nv_jw_int(w, "first_mismatch", c->first_mismatch);
	else
		nv_jw_null(w, "first_mismatch");
	nv_jw_arr(w, "expect");
	for (int i = 0; k && i < k->nexpect && i < NV_EXPECT_MAX; i++) {
		nv_jw_obj(w, NULL);
		nv_jw_str(w, "observation", nv_report_obs_str(k->expect[i].obs));
		JSTR_OR_NULL(w, "signature", k->expect[i].signature);
		JSTR_OR_NULL(w, "tenant", k->expect[i].tenant);
		nv_jw_bool(w, "rate_limit_ok", k->expect[i].rate_limit_ok);
		nv_rpt_expect_str(&k->expect[i], buf, sizeof(buf));
		nv_jw_str(w, "text", buf);
		nv_jw_end(w, '}');
	}
	nv_jw_end(w, ']');
	nv_jw_arr(w, "probes");
	for (int i = 0; i < c->nprobes; i++) {
		const struct nv_probe_result *p = nv_rpt_probe(r, c, i);

		if (p)
			write_probe(w, p);
	}
	nv_jw_end(w, ']');
	nv_jw_end(w, '}');
}

int nv_report_write_json(FILE *f, const struct nv_result *r, struct nv_err *err)
{
	struct nv_jw w;

	nv_jw_init(&w, f);
	nv_jw_obj(&w, NULL);
	nv_jw_str(&w, "schema", NV_REPORT_SCHEMA);
	nv_jw_str(&w, "tool", "nvgrect");
	JSTR(&w, "version", r->tool_version);
	JSTR_OR_NULL(&w, "started", r->started);
	JSTR_OR_NULL(&w, "finished", r->finished);
	nv_jw_bool(&w, "interrupted", r->interrupted);
	write_dut(&w, r);
	write_summary(&w, r);
	write_endpoint(&w, &r->endpoint);
	/* Beside the endpoint block (which stays as DESIGN.md §6 has it):
	 * what the matrix needs about the DUT as a sender. */
	nv_jw_obj(&w, "emitter");
	nv_jw_bool(&w, "flowid_entropy", r->endpoint.flowid_entropy);
	nv_jw_end(&w, '}');
	write_sender(&w, r);
	nv_jw_arr(&w, "cases");
	for (int i = 0; i < r->ncases; i++)
		write_case(&w, r, &r->cases[i]);
	nv_jw_end(&w, ']');
	nv_jw_end(&w, '}');
	return nv_rpt_ferr(f, "report.json", err);
}
