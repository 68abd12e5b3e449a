/*
 * term.c - the summary table printed after every run. ANSI colour only
 * when asked (the caller passes isatty()); the verdict is always spelled
 * out, so the table reads the same in a log file and in black and white.
 */
#include <stdlib.h>
#include <string.h>

#include "rpt.h"

#define COL_VERDICT 13
#define COL_SUITE 18
#define COL_ID 10
#define COL_TITLE 58
#define COL_DETAIL 100
#define TERM_ROWS_MAX 60

#define SGR_RESET "\033[0m"
#define SGR_BOLD "\033[1m"
#define SGR_DIM "\033[2m"

static const char *verdict_sgr(enum nv_verdict v)
{
	switch (v) {
	case NV_V_PASS: return "\033[32m";
	case NV_V_INFO: return "\033[36m";
	case NV_V_WARN: return "\033[33m";
	case NV_V_INCONCLUSIVE: return "\033[35m";
	case NV_V_FAIL: return "\033[1;31m";
	}
	return "";
}

static void pad(FILE *f, int used, int width)
{
	for (int i = used; i < width; i++)
		fputc(' ', f);
}

/* A cell: escaped, cut to width-1 columns, padded to width. */
static void cell(FILE *f, const char *s, int width)
{
	pad(f, nv_esc_term(f, s, width - 1), width);
}

static void sgr(FILE *f, bool color, const char *code)
{
	if (color)
		fputs(code, f);
}

static void print_case(FILE *f, const struct nv_case_result *c, bool color)
{
	const struct nv_case *k = c->kase;

	fputs("  ", f);
	sgr(f, color, verdict_sgr(c->verdict));
	cell(f, nv_rpt_verdict_upper(c->verdict), COL_VERDICT);
	sgr(f, color, SGR_RESET);
	cell(f, nv_rpt_suite_name(c), COL_SUITE);
	cell(f, k ? k->id : "", COL_ID);
	nv_esc_term(f, k ? k->title : "", COL_TITLE);
	fputc('\n', f);
	if (c->verdict != NV_V_PASS && c->detail[0]) {
		pad(f, 0, 2 + COL_VERDICT);
		sgr(f, color, SGR_DIM);
		nv_esc_term(f, c->detail, COL_DETAIL);
		sgr(f, color, SGR_RESET);
		fputc('\n', f);
	}
}

static void print_totals(FILE *f, const struct nv_result *r, bool color)
{
	static const enum nv_verdict order[] = {
		NV_V_FAIL, NV_V_INCONCLUSIVE, NV_V_WARN, NV_V_INFO, NV_V_PASS,
	};

	fputs("\n  ", f);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int n = r->counts[order[i]];

		if (i)
			fputs(", ", f);
		if (n)
			sgr(f, color, verdict_sgr(order[i]));
		fprintf(f, "%d %s", n, nv_report_verdict_str(order[i]));
		if (n)
			sgr(f, color, SGR_RESET);
	}
	char sc[48];

	fprintf(f, "   (%d cases, %d probes, %s)\n",
		r->ncases, r->nprobe_results, nv_rpt_score_str(r->score, sc, sizeof(sc)));
}

static void print_endpoint(FILE *f, const struct nv_endpoint *e)
{
	fputs("\n  endpoint ", f);
	nv_esc_term(f, e->name, 40);
	fputs("\n    accepts ", f);
	if (e->naccepts == 0)
		fputs("no layout", f);
	for (int i = 0; i < e->naccepts && i < NV_LAYOUT_MAX; i++) {
		if (i)
			fputs(", ", f);
		nv_esc_term(f, e->accepts[i], 32);
	}
	fputs("; emits ", f);
	nv_esc_term(f, e->emits ? e->emits : "(none seen)", 32);
	fputs("; FlowID tolerant: ", f);
	fputs(e->flowid_tolerant < 0 ? "not probed" : e->flowid_tolerant ? "yes" : "no", f);
	fputs("\n    ", f);
	for (int i = 0; i < e->nrejects && i < NV_LAYOUT_MAX; i++) {
		fputs("rejects ", f);
		nv_esc_term(f, e->rejects[i].layout, 32);
		fputs(" with ", f);
		nv_esc_term(f, e->rejects[i].signature, NV_SIG_MAX);
		fputs("; ", f);
	}
	fputs("unknown VSID: ", f);
	nv_esc_term(f, e->unknown_vsid[0] ? e->unknown_vsid : "not probed", NV_SIG_MAX);
	fputc('\n', f);
}

static const char *exit_words(int code)
{
	switch (code) {
	case NV_EXIT_OK: return "no FAIL";
	case NV_EXIT_FAIL: return "at least one FAIL";
	case NV_EXIT_INCONCLUSIVE: return "inconclusive";
	}
	return "";
}

void nv_report_print_summary(FILE *f, const struct nv_result *r, bool color)
{
	int *idx = calloc((size_t)(r->ncases > 0 ? r->ncases : 1), sizeof(*idx));
	const struct nv_capture_stats *s = &r->stats;
	int code = nv_result_exit_code(r);

	if (!idx) {
		fputs("nvgrect: out of memory printing the summary\n", f);
		return;
	}
	nv_rpt_case_order(r, idx);
	fputc('\n', f);
	sgr(f, color, SGR_BOLD);
	fputs("  ", f);
	cell(f, "VERDICT", COL_VERDICT);
	cell(f, "SUITE", COL_SUITE);
	cell(f, "CASE", COL_ID);
	fputs("TITLE", f);
	sgr(f, color, SGR_RESET);
	fputc('\n', f);
	for (int i = 0; i < r->ncases; i++) {
		/* a long run lists what needs reading; passes stay in the files */
		if (r->cases[idx[i]].verdict == NV_V_PASS && r->ncases > TERM_ROWS_MAX) {
			fprintf(f, "  %-*s%d passing cases not listed (see report.md)\n", COL_VERDICT,
				"PASS", r->counts[NV_V_PASS]);
			break;
		}
		print_case(f, &r->cases[idx[i]], color);
	}
	print_totals(f, r, color);
	print_endpoint(f, &r->endpoint);
	fprintf(f, "  capture: %llu frames captured, %llu dropped, %llu unsolicited, %llu malformed\n",
		(unsigned long long)s->captured, (unsigned long long)(s->dropped + s->ifdropped),
		(unsigned long long)s->unsolicited, (unsigned long long)s->malformed);
	if (r->interrupted)
		fputs("  interrupted: the results are partial\n", f);
	fprintf(f, "  exit %d (%s)\n", code, exit_words(code));
	free(idx);
}
