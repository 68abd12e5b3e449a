/*
 * md.c - report.md: the summary first, then what needs attention (fail,
 * inconclusive, warn, info) with expected versus actual, then the
 * endpoint block in words, then every case in one table. Text is escaped
 * for where it stands: nv_esc_md in table cells, nv_esc_md_text elsewhere.
 */
#include <stdlib.h>
#include <string.h>

#include "rpt.h"

#define WORDS_MAX 2048

static void md_summary(FILE *f, const struct nv_result *r)
{
	const struct nv_capture_stats *s = &r->stats;
	char buf[64];
	int code = nv_result_exit_code(r);

	fputs("# nvgrect report: ", f);
	nv_esc_md_text(f, r->dut ? r->dut->name : r->endpoint.name);
	fprintf(f, "\n\n**Result: %s** (exit %d). %d fail, %d inconclusive, %d warn, %d info, "
		"%d pass; %d cases, %d probes; %s.\n\n",
		code == NV_EXIT_FAIL ? "FAIL" : code == NV_EXIT_INCONCLUSIVE ? "INCONCLUSIVE" : "PASS",
		code, r->counts[NV_V_FAIL], r->counts[NV_V_INCONCLUSIVE], r->counts[NV_V_WARN],
		r->counts[NV_V_INFO], r->counts[NV_V_PASS], r->ncases, r->nprobe_results,
		nv_rpt_score_str(r->score, buf, sizeof(buf)));
	if (r->interrupted)
		fputs("> **Interrupted:** the run was stopped early; these results are partial.\n\n", f);
	fputs("- Run: ", f);
	nv_esc_md_text(f, r->started[0] ? r->started : "?");
	fputs(" to ", f);
	nv_esc_md_text(f, r->finished[0] ? r->finished : "?");
	fputs(", nvgrect ", f);
	nv_esc_md_text(f, r->tool_version);
	fputc('\n', f);
	if (r->dut) {
		fprintf(f, "- Provider addresses: tester %s", nv_addr_str(&r->dut->tester.pa, buf, sizeof(buf)));
		fprintf(f, ", DUT %s\n", nv_addr_str(&r->dut->dut.pa, buf, sizeof(buf)));
	}
	fprintf(f, "- Capture: %s, %llu frames, %llu dropped, %llu unsolicited, %llu malformed, %llu truncated\n\n",
		s->live ? "live" : "from file", (unsigned long long)s->captured,
		(unsigned long long)(s->dropped + s->ifdropped), (unsigned long long)s->unsolicited,
		(unsigned long long)s->malformed, (unsigned long long)s->truncated);
}

static void md_probe(FILE *f, const struct nv_probe_result *p)
{
	char key[16];

	fputs("  - probe", f);
	if (p->pl) {
		nv_rpt_key_str(p->pl->key, key, sizeof(key));
		fprintf(f, " frame %u, ", (unsigned)p->pl->frame);
		nv_esc_md_text(f, p->pl->layout ? p->pl->layout->name : "raw key");
		fprintf(f, ", VSID %u, FlowID %u, key `%s`",
			(unsigned)p->pl->vsid, (unsigned)p->pl->flowid, key);
	}
	fprintf(f, ": **%s**", nv_report_obs_str(p->obs));
	if (nv_rpt_sig_adds(p)) {
		fputs(" (", f);
		nv_esc_md_text(f, p->signature);
		fputc(')', f);
	}
	fputc('\n', f);
	if (p->error.present) {
		fprintf(f, "    - capture frame %u: ", (unsigned)p->error.capture_frame);
		nv_esc_md_text(f, p->error.summary);
		fputc('\n', f);
	}
	if (p->reply.present) {
		fprintf(f, "    - capture frame %u: ", (unsigned)p->reply.capture_frame);
		nv_esc_md_text(f, p->reply.summary);
		fputc('\n', f);
	}
}

static void md_case(FILE *f, const struct nv_result *r, const struct nv_case_result *c)
{
	const struct nv_case *k = c->kase;
	char buf[256];

	fprintf(f, "### %s %s: ", nv_rpt_verdict_icon(c->verdict), nv_rpt_verdict_upper(c->verdict));
	nv_esc_md_text(f, k ? k->id : "?");
	fputs(" ", f);
	nv_esc_md_text(f, k ? k->title : "");
	fputs("\n\n- Suite: ", f);
	nv_esc_md_text(f, nv_rpt_suite_name(c));
	if (k) {
		fprintf(f, "; level %s; clause: ", nv_rpt_level_str(k->level));
		nv_esc_md_text(f, k->clause);
		fputs("\n- Why: ", f);
		nv_esc_md_text(f, k->why);
		fputs("\n- Expected: ", f);
		for (int i = 0; i < k->nexpect && i < NV_EXPECT_MAX; i++) {
			nv_rpt_expect_str(&k->expect[i], buf, sizeof(buf));
			fputs(i ? " or " : "", f);
			nv_esc_md_text(f, buf);
		}
	}
	fputs("\n- Actual: ", f);
	nv_esc_md_text(f, c->detail[0] ? c->detail : "as recorded below");
	fputc('\n', f);
	nv_rpt_frames_str(c, buf, sizeof(buf));
	if (buf[0]) {
		fputs("- Frames: ", f);
		nv_esc_md_text(f, buf);
		fputc('\n', f);
	}
	for (int i = 0; i < c->nprobes; i++) {
		const struct nv_probe_result *p = nv_rpt_probe(r, c, i);

		if (p)
			md_probe(f, p);
	}
	fputc('\n', f);
}

static void md_endpoint(FILE *f, const struct nv_result *r)
{
	char *words = malloc(WORDS_MAX);

	fputs("## Endpoint\n\n", f);
	if (words) {
		nv_rpt_endpoint_words(&r->endpoint, words, WORDS_MAX);
		nv_esc_md_text(f, words);
		free(words);
	}
	fputs("\n\n", f);
}

static void md_table(FILE *f, const struct nv_result *r, const int *idx)
{
	fputs("## All cases\n\n| Verdict | Suite | Case | Title | Observed |\n|---|---|---|---|---|\n", f);
	for (int i = 0; i < r->ncases; i++) {
		const struct nv_case_result *c = &r->cases[idx[i]];
		const struct nv_probe_result *p = nv_rpt_probe(r, c, 0);

		fprintf(f, "| %s %s | ", nv_rpt_verdict_icon(c->verdict), nv_rpt_verdict_upper(c->verdict));
		nv_esc_md(f, nv_rpt_suite_name(c));
		fputs(" | ", f);
		nv_esc_md(f, c->kase ? c->kase->id : "");
		fputs(" | ", f);
		nv_esc_md(f, c->kase ? c->kase->title : "");
		fputs(" | ", f);
		if (p) {
			fputs(nv_report_obs_str(p->obs), f);
			if (nv_rpt_sig_adds(p)) {
				fputc(' ', f);
				nv_esc_md(f, p->signature);
			}
			if (c->nprobes > 1)
				fprintf(f, " (+%d probes)", c->nprobes - 1);
		}
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

/* A code span shows its text verbatim (no escapes work inside), so only an
 * identifier goes in one; anything else is escaped as text. */
static void md_code(FILE *f, const char *s)
{
	static const char ident[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

	if (s[0] && s[strspn(s, ident)] == '\0') {
		fprintf(f, "`%s`", s);
		return;
	}
	nv_esc_md_text(f, s);
}

static void md_sender(FILE *f, const struct nv_result *r)
{
	if (r->nsender == 0)
		return;
	fputs("## What the DUT sent (RFC 7637 sender rules)\n\n", f);
	for (int i = 0; i < r->nsender && i < 32; i++) {
		const struct nv_sender_finding *s = &r->sender[i];

		fputs("- ", f);
		md_code(f, s->rule);
		fputs(" (", f);
		nv_esc_md_text(f, s->clause);
		fprintf(f, "), %u frames, first capture frame %u: ", (unsigned)s->count,
			(unsigned)s->capture_frame);
		nv_esc_md_text(f, s->detail);
		fputc('\n', f);
	}
	fputc('\n', f);
}

int nv_report_write_md(FILE *f, const struct nv_result *r, struct nv_err *err)
{
	int *idx = calloc((size_t)r->ncases + 1, sizeof(*idx));
	int shown = 0;

	if (!idx)
		return nv_errc(err, NV_EXIT_RUNTIME, "out of memory writing report.md");
	nv_rpt_case_order(r, idx);
	md_summary(f, r);
	fputs("## Findings, failures first\n\n", f);
	for (int i = 0; i < r->ncases; i++) {
		if (r->cases[idx[i]].verdict == NV_V_PASS)
			continue;
		md_case(f, r, &r->cases[idx[i]]);
		shown++;
	}
	if (!shown)
		fputs(r->ncases ? "None: every case passed.\n\n" : "None: no case was run.\n\n", f);
	md_endpoint(f, r);
	md_sender(f, r);
	md_table(f, r, idx);
	free(idx);
	return nv_rpt_ferr(f, "report.md", err);
}
