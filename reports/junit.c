/*
 * junit.c - report.xml in the JUnit dialect Jenkins and GitLab read
 * (reports/junit.xsd): one <testsuite> per suite, one <testcase> per case;
 * FAIL -> <failure>, INCONCLUSIVE -> <error>, WARN/INFO -> properties and
 * <system-out>. PASS stays a bare testcase.
 */
#include <stdlib.h>
#include <string.h>

#include "rpt.h"

#define MS_PER_S 1e3

static void attr(FILE *f, const char *name, const char *val)
{
	fprintf(f, " %s=\"", name);
	nv_esc_xml(f, val);
	fputc('"', f);
}

static void property(FILE *f, int ind, const char *name, const char *val)
{
	fprintf(f, "%*s<property", ind, "");
	attr(f, "name", name);
	attr(f, "value", val);
	fputs("/>\n", f);
}

/* One line per probe: what was sent, what came back. */
static void probe_lines(FILE *f, const struct nv_result *r, const struct nv_case_result *c)
{
	for (int i = 0; i < c->nprobes; i++) {
		const struct nv_probe_result *p = nv_rpt_probe(r, c, i);
		char key[16];

		if (!p)
			continue;
		if (p->pl) {
			nv_rpt_key_str(p->pl->key, key, sizeof(key));
			fprintf(f, "probe frame %u key %s: ", (unsigned)p->pl->frame, key);
			nv_esc_xml(f, p->pl->comment);
		}
		fprintf(f, "\n  observed %s", nv_report_obs_str(p->obs));
		if (nv_rpt_sig_adds(p)) {
			fputs(" (", f);
			nv_esc_xml(f, p->signature);
			fputc(')', f);
		}
		if (p->error.present) {
			fprintf(f, "\n  capture frame %u: ", (unsigned)p->error.capture_frame);
			nv_esc_xml(f, p->error.summary);
		}
		if (p->reply.present) {
			fprintf(f, "\n  capture frame %u: ", (unsigned)p->reply.capture_frame);
			nv_esc_xml(f, p->reply.summary);
		}
		fputs("\n", f);
	}
}

static double case_seconds(const struct nv_result *r, const struct nv_case_result *c)
{
	double ms = 0;

	for (int i = 0; i < c->nprobes; i++) {
		const struct nv_probe_result *p = nv_rpt_probe(r, c, i);

		if (p && (p->reply.present || p->error.present) && p->rtt_ms > 0)
			ms += p->rtt_ms;
	}
	return ms / MS_PER_S;
}

static void write_case(FILE *f, const struct nv_result *r, const struct nv_case_result *c)
{
	const struct nv_case *k = c->kase;
	char name[NV_ID_MAX + NV_TITLE_MAX + 4];
	const char *tag = NULL;

	snprintf(name, sizeof(name), "%s: %s", k ? k->id : "?", k ? k->title : "");
	fputs("    <testcase", f);
	attr(f, "classname", nv_rpt_suite_name(c));
	attr(f, "name", name);
	fprintf(f, " time=\"%.6f\">\n", case_seconds(r, c));
	if (c->verdict == NV_V_PASS) {
		fputs("    </testcase>\n", f);
		return;
	}
	fputs("      <properties>\n", f);
	property(f, 8, "verdict", nv_report_verdict_str(c->verdict));
	property(f, 8, "level", k ? nv_rpt_level_str(k->level) : "INFO");
	property(f, 8, "clause", k ? k->clause : "");
	fputs("      </properties>\n", f);
	if (c->verdict == NV_V_FAIL)
		tag = "failure";
	else if (c->verdict == NV_V_INCONCLUSIVE)
		tag = "error";
	if (tag) {
		fprintf(f, "      <%s", tag);
		attr(f, "message", c->detail[0] ? c->detail : nv_rpt_verdict_upper(c->verdict));
		attr(f, "type", c->verdict == NV_V_FAIL && k ? nv_rpt_level_str(k->level) : "inconclusive");
		fputc('>', f);
		probe_lines(f, r, c);
		fprintf(f, "</%s>\n", tag);
	}
	fputs("      <system-out>", f);
	fprintf(f, "%s: ", nv_rpt_verdict_upper(c->verdict));
	nv_esc_xml(f, c->detail);
	fputs("\n", f);
	if (k && k->why[0]) {
		fputs("why: ", f);
		nv_esc_xml(f, k->why);
		fputs("\n", f);
	}
	probe_lines(f, r, c);
	fputs("</system-out>\n", f);
	fputs("    </testcase>\n", f);
}

static void suite_counts(const struct nv_result *r, const struct nv_suite *s, int n[3])
{
	n[0] = n[1] = n[2] = 0;
	for (int i = 0; i < r->ncases; i++) {
		if (r->cases[i].suite != s)
			continue;
		n[0]++;
		n[1] += r->cases[i].verdict == NV_V_FAIL;
		n[2] += r->cases[i].verdict == NV_V_INCONCLUSIVE;
	}
}

static void suite_properties(FILE *f, const struct nv_result *r)
{
	const struct nv_endpoint *e = &r->endpoint;
	char buf[64];

	fputs("    <properties>\n", f);
	property(f, 6, "dut", r->dut ? r->dut->name : e->name);
	property(f, 6, "endpoint.emits", e->emits ? e->emits : "null");
	for (int i = 0; i < e->naccepts && i < NV_LAYOUT_MAX; i++)
		property(f, 6, "endpoint.accepts", e->accepts[i] ? e->accepts[i] : "");
	property(f, 6, "endpoint.flowid_tolerant",
		 e->flowid_tolerant < 0 ? "null" : e->flowid_tolerant ? "true" : "false");
	property(f, 6, "endpoint.unknown_vsid", e->unknown_vsid[0] ? e->unknown_vsid : "null");
	if (r->score >= 0)
		snprintf(buf, sizeof(buf), "%d", r->score);
	else
		snprintf(buf, sizeof(buf), "null");
	property(f, 6, "score", buf);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)(r->stats.dropped + r->stats.ifdropped));
	property(f, 6, "capture.dropped", buf);
	property(f, 6, "interrupted", r->interrupted ? "true" : "false");
	fputs("    </properties>\n", f);
}

int nv_report_write_junit(FILE *f, const struct nv_result *r, struct nv_err *err)
{
	const struct nv_suite **seen = calloc((size_t)r->ncases + 1, sizeof(*seen));
	int nseen = 0;

	if (!seen)
		return nv_errc(err, NV_EXIT_RUNTIME, "out of memory writing report.xml");
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites name=\"nvgrect\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n",
		r->ncases, r->counts[NV_V_FAIL], r->counts[NV_V_INCONCLUSIVE]);
	for (int i = 0; i < r->ncases; i++) {
		const struct nv_suite *s = r->cases[i].suite;
		int n[3], j;

		for (j = 0; j < nseen && seen[j] != s; j++)
			;
		if (j < nseen)
			continue;
		seen[nseen++] = s;
		suite_counts(r, s, n);
		fputs("  <testsuite", f);
		attr(f, "name", s ? s->name : "");
		fprintf(f, " tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\"", n[0], n[1], n[2]);
		if (r->started[0])
			attr(f, "timestamp", r->started);
		attr(f, "hostname", r->dut ? r->dut->name : r->endpoint.name);
		fputs(">\n", f);
		suite_properties(f, r);
		for (int c = 0; c < r->ncases; c++)
			if (r->cases[c].suite == s)
				write_case(f, r, &r->cases[c]);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	free(seen);
	return nv_rpt_ferr(f, "report.xml", err);
}
