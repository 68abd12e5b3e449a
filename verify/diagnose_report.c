/*
 * diagnose_report.c - the diagnosis on a terminal, as report.md,
 * report.html (self-contained) and report.json ("nvgrect-diagnosis/1").
 * Every string goes through the escaper of its format: the capture path
 * and read errors come from outside, the findings quote them.
 */
#include <errno.h>
#include <string.h>

#include "diagnose_int.h"
#include "../reports/rpt.h"

#define ANSI_RED "\033[31m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_BOLD "\033[1m"
#define ANSI_DIM "\033[2m"
#define ANSI_OFF "\033[0m"

static const char *sev_upper(enum nv_dx_severity s)
{
	static const char *const n[] = { "CRITICAL", "ERROR", "WARNING", "INFO" };

	return (unsigned)s < 4 ? n[s] : "INFO";
}

static const char *sev_color(enum nv_dx_severity s)
{
	return s == NV_DX_CRITICAL ? ANSI_BOLD ANSI_RED : s == NV_DX_ERROR ? ANSI_RED :
	       s == NV_DX_WARNING ? ANSI_YELLOW : ANSI_DIM;
}

static int ferr(FILE *f, struct nv_err *err)
{
	if (fflush(f) == EOF || ferror(f))
		return nv_errno(err, "writing the diagnosis");
	return 0;
}

static const char *layout_word(const struct nv_dx_host *h)
{
	return h->mixed ? "mixed" : nv_diagnose_layout_str(h->layout);
}

static void flowid_str(int e, char *buf, size_t len)
{
	snprintf(buf, len, "%s", e == 1 ? "yes" : e == 0 ? "no" : "n/a");
}

static void counts_line(FILE *f, const struct nv_diagnosis *d)
{
	fprintf(f, "%llu frames, %llu NVGRE, %llu ICMP errors quoting NVGRE, %d host%s",
		(unsigned long long)d->frames, (unsigned long long)d->nvgre_frames,
		(unsigned long long)d->icmp_quoting_nvgre, d->nhosts, d->nhosts == 1 ? "" : "s");
}

int nv_diagnose_write_text(FILE *f, const struct nv_diagnosis *d, bool color,
			   struct nv_err *err)
{
	char pa[64];

	fputs("nvgrect diagnose: ", f);
	nv_esc_term(f, d->capture, 0);
	fputs("\n  ", f);
	counts_line(f, d);
	if (d->dut_name[0]) {
		fputs(", provisioned VSIDs from ", f);
		nv_esc_term(f, d->dut_name, 64);
	}
	fputs("\n", f);
	if (d->nhosts)
		fputs("\nHosts (inferred key layout)\n", f);
	for (int i = 0; i < d->nhosts; i++) {
		const struct nv_dx_host *h = &d->hosts[i];

		fprintf(f, "  %-20s %-8s %-6s %.2f  sent %llu, received %llu, ICMP errors sent %llu\n",
			nv_addr_str(&h->pa, pa, sizeof(pa)), layout_word(h),
			nv_diagnose_confidence_str(h->confidence), h->confidence,
			(unsigned long long)h->nvgre_sent, (unsigned long long)h->nvgre_received,
			(unsigned long long)h->icmp_errors_sent);
		for (int r = 0; r < h->nreasons; r++) {
			fputs("      - ", f);
			nv_esc_term(f, h->reasons[r], 0);
			fputc('\n', f);
		}
	}
	fputs("\nFindings (most important first)\n", f);
	for (int i = 0; i < d->nfindings; i++) {
		const struct nv_dx_finding *x = &d->findings[i];

		fprintf(f, "  %2d. %s%-8s%s ", i + 1, color ? sev_color(x->severity) : "",
			sev_upper(x->severity), color ? ANSI_OFF : "");
		nv_esc_term(f, x->text, 0);
		fputc('\n', f);
	}
	return ferr(f, err);
}

static void md_host(FILE *f, const struct nv_dx_host *h)
{
	char pa[64], fl[8];

	flowid_str(h->flowid_entropy, fl, sizeof(fl));
	fprintf(f, "| %s | %s | %s (%.2f) | %llu | %llu | %llu | %s |\n",
		nv_addr_str(&h->pa, pa, sizeof(pa)), layout_word(h),
		nv_diagnose_confidence_str(h->confidence), h->confidence,
		(unsigned long long)h->nvgre_sent, (unsigned long long)h->nvgre_received,
		(unsigned long long)h->icmp_errors_sent, fl);
}

static const char *compat_str(int c)
{
	return c < 0 ? "unknown" : c ? "same layout" : "DIFFERENT layouts";
}

static void keys_str(const uint32_t *k, int n, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s0x%08x", i ? " " : "", k[i]);
}

/* One row per provider-address pair: frames and keys in each direction. */
static void pair_row(FILE *f, const struct nv_diagnosis *d, const struct nv_dx_pair *p,
		     bool html)
{
	char a[64], b[64], kab[64], kba[64];

	nv_addr_str(&d->hosts[p->a].pa, a, sizeof(a));
	nv_addr_str(&d->hosts[p->b].pa, b, sizeof(b));
	keys_str(p->keys_ab, p->nkeys_ab, kab, sizeof(kab));
	keys_str(p->keys_ba, p->nkeys_ba, kba, sizeof(kba));
	fprintf(f, html ? "<tr><td>%s</td><td>%s</td><td>%llu</td><td>%llu</td><td>%s</td>"
			  "<td>%s</td><td>%s</td></tr>\n"
			: "| %s | %s | %llu | %llu | %s | %s | %s |\n",
		a, b, (unsigned long long)p->a_to_b, (unsigned long long)p->b_to_a, kab, kba,
		compat_str(p->compatible));
}

int nv_diagnose_write_md(FILE *f, const struct nv_diagnosis *d, struct nv_err *err)
{
	char pa[64];

	fputs("# NVGRE diagnosis: ", f);
	nv_esc_md(f, d->capture);
	fputs("\n\n", f);
	counts_line(f, d);
	fputs(".\n\n## Findings\n\n", f);
	for (int i = 0; i < d->nfindings; i++) {
		fprintf(f, "%d. **%s** ", i + 1, sev_upper(d->findings[i].severity));
		nv_esc_md(f, d->findings[i].text);
		fputc('\n', f);
	}
	if (d->nhosts) {
		fputs("\n## Hosts\n\n| provider address | layout | confidence | NVGRE sent | "
		      "received | ICMP errors sent | FlowID entropy |\n|---|---|---|---|---|---|---|\n", f);
		for (int i = 0; i < d->nhosts; i++)
			md_host(f, &d->hosts[i]);
		fputs("\n### Why\n", f);
	}
	for (int i = 0; i < d->nhosts; i++) {
		fprintf(f, "\n%s (%s):\n\n", nv_addr_str(&d->hosts[i].pa, pa, sizeof(pa)),
			layout_word(&d->hosts[i]));
		for (int r = 0; r < d->hosts[i].nreasons; r++) {
			fputs("- ", f);
			nv_esc_md(f, d->hosts[i].reasons[r]);
			fputc('\n', f);
		}
		if (!d->hosts[i].nreasons)
			fputs("- no evidence either way\n", f);
	}
	if (d->npairs)
		fputs("\n## Host pairs\n\n| a | b | NVGRE a to b | b to a | keys a to b | "
		      "keys b to a | layouts |\n|---|---|---|---|---|---|---|\n", f);
	for (int i = 0; i < d->npairs; i++)
		pair_row(f, d, &d->pairs[i], false);
	return ferr(f, err);
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<title>NVGRE diagnosis</title>\n<style>\n"
	"body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}\n"
	"table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .5em}\n"
	".critical{color:#a00;font-weight:bold}.error{color:#c00}.warning{color:#a60}"
	".info{color:#555}\n</style></head><body>\n";

int nv_diagnose_write_html(FILE *f, const struct nv_diagnosis *d, struct nv_err *err)
{
	char pa[64], fl[8];

	fputs(html_head, f);
	fputs("<h1>NVGRE diagnosis: ", f);
	nv_esc_html(f, d->capture);
	fputs("</h1>\n<p>", f);
	counts_line(f, d);
	fputs(".</p>\n<h2>Findings</h2>\n<ol>\n", f);
	for (int i = 0; i < d->nfindings; i++) {
		const struct nv_dx_finding *x = &d->findings[i];

		fprintf(f, "<li><span class=\"%s\">%s</span> ",
			nv_diagnose_severity_str(x->severity), sev_upper(x->severity));
		nv_esc_html(f, x->text);
		fputs("</li>\n", f);
	}
	fputs("</ol>\n<h2>Hosts</h2>\n<table><tr><th>provider address</th><th>layout</th>"
	      "<th>confidence</th><th>NVGRE sent</th><th>received</th><th>ICMP errors sent</th>"
	      "<th>FlowID entropy</th><th>why</th></tr>\n", f);
	for (int i = 0; i < d->nhosts; i++) {
		const struct nv_dx_host *h = &d->hosts[i];

		flowid_str(h->flowid_entropy, fl, sizeof(fl));
		fprintf(f, "<tr><td>%s</td><td>%s</td><td>%s (%.2f)</td><td>%llu</td><td>%llu</td>"
			"<td>%llu</td><td>%s</td><td><ul>", nv_addr_str(&h->pa, pa, sizeof(pa)),
			layout_word(h),
			nv_diagnose_confidence_str(h->confidence), h->confidence,
			(unsigned long long)h->nvgre_sent, (unsigned long long)h->nvgre_received,
			(unsigned long long)h->icmp_errors_sent, fl);
		for (int r = 0; r < h->nreasons; r++) {
			fputs("<li>", f);
			nv_esc_html(f, h->reasons[r]);
			fputs("</li>", f);
		}
		fputs("</ul></td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (d->npairs)
		fputs("<h2>Host pairs</h2>\n<table><tr><th>a</th><th>b</th><th>NVGRE a to b</th>"
		      "<th>b to a</th><th>keys a to b</th><th>keys b to a</th><th>layouts</th></tr>\n", f);
	for (int i = 0; i < d->npairs; i++)
		pair_row(f, d, &d->pairs[i], true);
	fputs(d->npairs ? "</table>\n</body></html>\n" : "</body></html>\n", f);
	return ferr(f, err);
}

static void json_frames(struct nv_jw *w, const struct nv_dx_frames *fr)
{
	nv_jw_arr(w, "frames");
	for (int i = 0; i < fr->n; i++)
		nv_jw_uint(w, NULL, fr->f[i]);
	nv_jw_end(w, ']');
	nv_jw_uint(w, "frames_total", fr->total);
}

static void json_host(struct nv_jw *w, const struct nv_dx_host *h)
{
	char pa[64];

	nv_jw_obj(w, NULL);
	nv_jw_str(w, "pa", nv_addr_str(&h->pa, pa, sizeof(pa)));
	nv_jw_str(w, "inferred_layout", h->layout < 0 ? NULL : nv_diagnose_layout_str(h->layout));
	nv_jw_dbl(w, "confidence", h->confidence);
	nv_jw_str(w, "confidence_label", nv_diagnose_confidence_str(h->confidence));
	nv_jw_obj(w, "score");
	nv_jw_dbl(w, "rfc7637", h->score[DX_RFC]);
	nv_jw_dbl(w, "draft00", h->score[DX_DRAFT]);
	nv_jw_end(w, '}');
	nv_jw_arr(w, "reasons");
	for (int r = 0; r < h->nreasons; r++)
		nv_jw_str(w, NULL, h->reasons[r]);
	nv_jw_end(w, ']');
	nv_jw_uint(w, "nvgre_sent", h->nvgre_sent);
	nv_jw_uint(w, "nvgre_received", h->nvgre_received);
	nv_jw_uint(w, "icmp_errors_sent", h->icmp_errors_sent);
	if (h->flowid_entropy < 0)
		nv_jw_null(w, "flowid_entropy");
	else
		nv_jw_bool(w, "flowid_entropy", h->flowid_entropy == 1);
	nv_jw_bool(w, "mixed_layouts", h->mixed);
	nv_jw_arr(w, "vsids");
	for (int v = 0; v < h->nvsids; v++)
		nv_jw_uint(w, NULL, h->vsids[v]);
	nv_jw_end(w, ']');
	nv_jw_end(w, '}');
}

static void json_keys(struct nv_jw *w, const char *name, const uint32_t *k, int n)
{
	char buf[16];

	nv_jw_arr(w, name);
	for (int i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "0x%08x", k[i]);
		nv_jw_str(w, NULL, buf);
	}
	nv_jw_end(w, ']');
}

static void json_pair(struct nv_jw *w, const struct nv_diagnosis *d, const struct nv_dx_pair *p)
{
	char pa[64];

	nv_jw_obj(w, NULL);
	nv_jw_str(w, "a", nv_addr_str(&d->hosts[p->a].pa, pa, sizeof(pa)));
	nv_jw_str(w, "b", nv_addr_str(&d->hosts[p->b].pa, pa, sizeof(pa)));
	nv_jw_uint(w, "a_to_b", p->a_to_b);
	nv_jw_uint(w, "b_to_a", p->b_to_a);
	json_keys(w, "keys_a_to_b", p->keys_ab, p->nkeys_ab);
	json_keys(w, "keys_b_to_a", p->keys_ba, p->nkeys_ba);
	if (p->compatible < 0)
		nv_jw_null(w, "compatible");
	else
		nv_jw_bool(w, "compatible", p->compatible == 1);
	nv_jw_end(w, '}');
}

static void json_capture(struct nv_jw *w, const struct nv_diagnosis *d)
{
	nv_jw_obj(w, "capture");
	nv_jw_str(w, "path", d->capture);
	nv_jw_uint(w, "frames", d->frames);
	nv_jw_uint(w, "nvgre_frames", d->nvgre_frames);
	nv_jw_uint(w, "other_gre_frames", d->gre_other_frames);
	nv_jw_uint(w, "outer_fragments", d->outer_fragments);
	nv_jw_uint(w, "icmp_errors", d->icmp_errors);
	nv_jw_uint(w, "icmp_errors_quoting_nvgre", d->icmp_quoting_nvgre);
	nv_jw_uint(w, "truncated_frames", d->truncated_frames);
	nv_jw_uint(w, "malformed_frames", d->malformed_frames);
	nv_jw_uint(w, "untracked_frames", d->untracked);
	nv_jw_str(w, "read_error", d->read_error[0] ? d->read_error : NULL);
	nv_jw_end(w, '}');
}

int nv_diagnose_write_json(FILE *f, const struct nv_diagnosis *d, struct nv_err *err)
{
	struct nv_jw w;

	nv_jw_init(&w, f);
	nv_jw_obj(&w, NULL);
	nv_jw_str(&w, "schema", NV_DIAGNOSE_SCHEMA);
	nv_jw_obj(&w, "tool");
	nv_jw_str(&w, "name", "nvgrect");
	nv_jw_str(&w, "version", NV_VERSION);
	nv_jw_end(&w, '}');
	json_capture(&w, d);
	nv_jw_str(&w, "dut", d->dut_name[0] ? d->dut_name : NULL);
	nv_jw_obj(&w, "diagnosis");
	nv_jw_arr(&w, "hosts");
	for (int i = 0; i < d->nhosts; i++)
		json_host(&w, &d->hosts[i]);
	nv_jw_end(&w, ']');
	nv_jw_arr(&w, "pairs");
	for (int i = 0; i < d->npairs; i++)
		json_pair(&w, d, &d->pairs[i]);
	nv_jw_end(&w, ']');
	nv_jw_arr(&w, "findings");
	for (int i = 0; i < d->nfindings; i++) {
		nv_jw_obj(&w, NULL);
		nv_jw_str(&w, "severity", nv_diagnose_severity_str(d->findings[i].severity));
		nv_jw_str(&w, "code", d->findings[i].code);
		nv_jw_str(&w, "text", d->findings[i].text);
		json_frames(&w, &d->findings[i].frames);
		nv_jw_end(&w, '}');
	}
	nv_jw_end(&w, ']');
	nv_jw_end(&w, '}');
	nv_jw_end(&w, '}');
	return ferr(f, err);
}

typedef int (*dx_writer)(FILE *f, const struct nv_diagnosis *d, struct nv_err *err);

static int write_one(const struct nv_diagnosis *d, const char *outdir, const char *name,
		     dx_writer fn, bool force, struct nv_err *err)
{
	struct nv_atomic a;

	if (nv_atomic_open(&a, outdir, name, force, err) < 0)
		return -1;
	if (fn(a.f, d, err) < 0) {
		nv_atomic_abort(&a);
		return -1;
	}
	return nv_atomic_commit(&a, err);
}

int nv_diagnose_write_all(const struct nv_diagnosis *d, const char *outdir,
			  bool force, struct nv_err *err)
{
	if (write_one(d, outdir, "report.json", nv_diagnose_write_json, force, err) < 0 ||
	    write_one(d, outdir, "report.md", nv_diagnose_write_md, force, err) < 0 ||
	    write_one(d, outdir, "report.html", nv_diagnose_write_html, force, err) < 0)
		return -1;
	return 0;
}
