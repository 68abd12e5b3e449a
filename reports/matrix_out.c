/*
 * matrix_out.c - matrix.json ("nvgrect-matrix/1"), matrix.md and
 * matrix.html (a heat-map: rows send, columns receive).
 */
#include <string.h>

#include "rpt.h"

static void jw_link(struct nv_jw *w, const char *key, enum nv_mx_link l)
{
	if (l == NV_MX_UNKNOWN)
		nv_jw_null(w, key);
	else
		nv_jw_bool(w, key, l == NV_MX_YES);
}

static void jw_tri(struct nv_jw *w, const char *key, int v)
{
	if (v < 0)
		nv_jw_null(w, key);
	else
		nv_jw_bool(w, key, v > 0);
}

static void jw_endpoint(struct nv_jw *w, const struct nv_mx_endpoint *e)
{
	nv_jw_obj(w, NULL);
	nv_jw_str(w, "name", e->name);
	nv_jw_str(w, "report", e->path);
	nv_jw_arr(w, "accepts");
	for (int i = 0; i < e->naccepts && i < NV_LAYOUT_MAX; i++)
		nv_jw_str(w, NULL, e->accepts[i]);
	nv_jw_end(w, ']');
	nv_jw_str(w, "emits", e->has_emits ? e->emits : NULL);
	jw_tri(w, "flowid_tolerant", e->flowid_tolerant);
	jw_tri(w, "flowid_entropy", e->flowid_entropy);
	nv_jw_obj(w, "rejects");
	for (int i = 0; i < e->nrejects && i < NV_LAYOUT_MAX; i++)
		nv_jw_str(w, e->rejects[i].layout, e->rejects[i].signature);
	nv_jw_end(w, '}');
	nv_jw_str(w, "unknown_vsid", e->unknown_vsid[0] ? e->unknown_vsid : NULL);
	nv_jw_end(w, '}');
}

int nv_matrix_write_json(FILE *f, const struct nv_matrix *m, struct nv_err *err)
{
	struct nv_jw w;
	char why[512];

	nv_jw_init(&w, f);
	nv_jw_obj(&w, NULL);
	nv_jw_str(&w, "schema", NV_MATRIX_SCHEMA);
	nv_jw_str(&w, "tool", "nvgrect");
	nv_jw_str(&w, "version", NV_VERSION);
	nv_jw_arr(&w, "endpoints");
	for (int i = 0; i < m->n; i++)
		jw_endpoint(&w, &m->ep[i]);
	nv_jw_end(&w, ']');
	nv_jw_arr(&w, "pairs");
	for (int i = 0; i < m->npairs; i++) {
		const struct nv_mx_pair *p = &m->pairs[i];

		nv_jw_obj(&w, NULL);
		nv_jw_str(&w, "a", m->ep[p->a].name);
		nv_jw_str(&w, "b", m->ep[p->b].name);
		jw_link(&w, "a_to_b", p->a_to_b);
		jw_link(&w, "b_to_a", p->b_to_a);
		nv_jw_bool(&w, "compatible", p->compatible);
		nv_jw_str(&w, "advice", p->advice);
		nv_matrix_link(&m->ep[p->a], &m->ep[p->b], why, sizeof(why));
		nv_jw_str(&w, "a_to_b_why", why);
		nv_matrix_link(&m->ep[p->b], &m->ep[p->a], why, sizeof(why));
		nv_jw_str(&w, "b_to_a_why", why);
		nv_jw_end(&w, '}');
	}
	nv_jw_end(&w, ']');
	nv_jw_end(&w, '}');
	return nv_rpt_ferr(f, "matrix.json", err);
}

static const char *link_md(enum nv_mx_link l)
{
	return l == NV_MX_YES ? "\xe2\x9c\x93 yes" : l == NV_MX_NO ? "\xe2\x9c\x97 no" : "? unknown";
}

static void md_profiles(FILE *f, const struct nv_matrix *m)
{
	fputs("## Endpoints\n\n| Endpoint | Accepts | Emits | FlowID tolerant | Rejects | Report |\n"
	      "|---|---|---|---|---|---|\n", f);
	for (int i = 0; i < m->n; i++) {
		const struct nv_mx_endpoint *e = &m->ep[i];

		fputs("| ", f);
		nv_esc_md(f, e->name);
		fputs(" | ", f);
		for (int j = 0; j < e->naccepts && j < NV_LAYOUT_MAX; j++) {
			fputs(j ? ", " : "", f);
			nv_esc_md(f, e->accepts[j]);
		}
		fputs(" | ", f);
		nv_esc_md(f, e->has_emits ? e->emits : "unknown");
		fprintf(f, " | %s | ", e->flowid_tolerant < 0 ? "not probed" :
			e->flowid_tolerant ? "yes" : "no");
		for (int j = 0; j < e->nrejects && j < NV_LAYOUT_MAX; j++) {
			fputs(j ? ", " : "", f);
			nv_esc_md(f, e->rejects[j].layout);
			fputs(": ", f);
			nv_esc_md(f, e->rejects[j].signature);
		}
		fputs(" | ", f);
		nv_esc_md(f, e->path);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

int nv_matrix_write_md(FILE *f, const struct nv_matrix *m, struct nv_err *err)
{
	int bad = 0;

	for (int i = 0; i < m->npairs; i++)
		bad += !m->pairs[i].compatible;
	fprintf(f, "# nvgrect compatibility matrix\n\n**%d endpoints, %d %s, %d not compatible.**\n\n",
		m->n, m->npairs, m->npairs == 1 ? "pair" : "pairs", bad);
	if (m->npairs) {
		fputs("## Pairs\n\n", f);
		for (int i = 0; i < m->npairs; i++) {
			const struct nv_mx_pair *p = &m->pairs[i];

			fprintf(f, "### %s ", p->compatible ? "\xe2\x9c\x93 Compatible:" : "\xe2\x9c\x97 Not compatible:");
			nv_esc_md(f, m->ep[p->a].name);
			fputs(" and ", f);
			nv_esc_md(f, m->ep[p->b].name);
			fputs("\n\n- ", f);
			nv_esc_md(f, m->ep[p->a].name);
			fprintf(f, " \xe2\x86\x92 ");
			nv_esc_md(f, m->ep[p->b].name);
			fprintf(f, ": %s\n- ", link_md(p->a_to_b));
			nv_esc_md(f, m->ep[p->b].name);
			fprintf(f, " \xe2\x86\x92 ");
			nv_esc_md(f, m->ep[p->a].name);
			fprintf(f, ": %s\n\n", link_md(p->b_to_a));
			nv_esc_md(f, p->advice);
			fputs("\n\n", f);
		}
		fputs("## Matrix (row sends, column receives)\n\n| from \\\\ to |", f);
		for (int b = 0; b < m->n; b++) {
			fputc(' ', f);
			nv_esc_md(f, m->ep[b].name);
			fputs(" |", f);
		}
		fputs("\n|---|", f);
		for (int b = 0; b < m->n; b++)
			fputs("---|", f);
		fputc('\n', f);
		for (int a = 0; a < m->n; a++) {
			fputs("| ", f);
			nv_esc_md(f, m->ep[a].name);
			fputs(" |", f);
			for (int b = 0; b < m->n; b++)
				fprintf(f, " %s |", link_md(nv_matrix_link(&m->ep[a], &m->ep[b], NULL, 0)));
			fputc('\n', f);
		}
		fputc('\n', f);
	} else {
		fputs("One report: no pair to compare. Its profile is below.\n\n", f);
	}
	md_profiles(f, m);
	return nv_rpt_ferr(f, "matrix.md", err);
}

static const char *link_class(enum nv_mx_link l)
{
	return l == NV_MX_YES ? "yes" : l == NV_MX_NO ? "no" : "unk";
}

static const char mx_css[] =
	"<style>\n"
	"table.heat td.cell{text-align:center;font-weight:700;min-width:9em;padding:14px 10px;"
	"-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	"td.yes{background:#009E73;color:#000}td.no{background:#D55E00;color:#000}"
	"td.unk{background:#E0E0E0;color:#000;background-image:repeating-linear-gradient(45deg,"
	"transparent 0 6px,#c8c8c8 6px 8px)}\n"
	"td.self{outline:2px dashed #555;outline-offset:-4px}\n"
	"table.heat th{text-align:center;vertical-align:middle}table.heat th.row{text-align:right}\n"
	".pair{border-left:6px solid #d0d0d0;background:#fafafa;padding:8px 14px;margin:12px 0;"
	"border-radius:0 6px 6px 0;break-inside:avoid}\n.pair.ok{border-left-color:#009E73}"
	".pair.bad{border-left-color:#D55E00}\n"
	"</style>\n";

static void html_heat(FILE *f, const struct nv_matrix *m)
{
	char why[512];

	fputs("<section id=\"heat\">\n<h2>Heat-map</h2>\n<p class=\"muted\">Each cell answers: can "
	      "packets encapsulated by the <strong>row</strong> endpoint be decapsulated and delivered "
	      "by the <strong>column</strong> endpoint? The diagonal (dashed) is an endpoint with a peer "
	      "of its own kind. Hover a cell for the reason.</p>\n"
	      "<table class=\"heat\">\n<tr><th>from \\ to</th>", f);
	for (int b = 0; b < m->n; b++) {
		fputs("<th scope=\"col\">", f);
		nv_esc_html(f, m->ep[b].name);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (int a = 0; a < m->n; a++) {
		fputs("<tr><th scope=\"row\" class=\"row\">", f);
		nv_esc_html(f, m->ep[a].name);
		fputs("</th>", f);
		for (int b = 0; b < m->n; b++) {
			enum nv_mx_link l = nv_matrix_link(&m->ep[a], &m->ep[b], why, sizeof(why));

			fprintf(f, "<td class=\"cell %s%s\" title=\"", link_class(l), a == b ? " self" : "");
			nv_esc_html(f, why);
			fprintf(f, "\">%s</td>", link_md(l));
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n</section>\n", f);
}

static void html_profile_row(FILE *f, const struct nv_mx_endpoint *e)
{
	fputs("<tr><td>", f);
	nv_esc_html(f, e->name);
	fputs("</td><td>", f);
	for (int j = 0; j < e->naccepts && j < NV_LAYOUT_MAX; j++) {
		fputs(j ? ", <code>" : "<code>", f);
		nv_esc_html(f, e->accepts[j]);
		fputs("</code>", f);
	}
	if (!e->naccepts)
		fputs("none", f);
	fputs("</td><td>", f);
	if (e->has_emits) {
		fputs("<code>", f);
		nv_esc_html(f, e->emits);
		fputs("</code>", f);
	} else {
		fputs("unknown", f);
	}
	fprintf(f, "</td><td>%s</td><td>", e->flowid_tolerant < 0 ? "not probed" :
		e->flowid_tolerant ? "yes" : "no");
	for (int j = 0; j < e->nrejects && j < NV_LAYOUT_MAX; j++) {
		fputs(j ? "<br><code>" : "<code>", f);
		nv_esc_html(f, e->rejects[j].layout);
		fputs("</code> \xe2\x86\x92 <code>", f);
		nv_esc_html(f, e->rejects[j].signature);
		fputs("</code>", f);
	}
	fputs("</td><td class=\"mono\">", f);
	nv_esc_html(f, e->path);
	fputs("</td></tr>\n", f);
}

int nv_matrix_write_html(FILE *f, const struct nv_matrix *m, struct nv_err *err)
{
	int bad = 0;

	for (int i = 0; i < m->npairs; i++)
		bad += !m->pairs[i].compatible;
	nv_html_head(f, "nvgrect compatibility matrix");
	fputs(mx_css, f);
	fprintf(f, "<header>\n<h1>nvgrect compatibility matrix</h1>\n<p class=\"banner\">"
		"<span class=\"badge v-%s\">%s</span> %d endpoints &middot; %d %s &middot; "
		"%d not compatible</p>\n</header>\n",
		bad ? "fail" : "pass", bad ? "\xe2\x9c\x97 NOT ALL COMPATIBLE" : "\xe2\x9c\x93 ALL COMPATIBLE",
		m->n, m->npairs, m->npairs == 1 ? "pair" : "pairs", bad);
	html_heat(f, m);
	if (m->npairs) {
		fputs("<section id=\"pairs\">\n<h2>Pairs and advice</h2>\n", f);
		for (int i = 0; i < m->npairs; i++) {
			const struct nv_mx_pair *p = &m->pairs[i];

			fprintf(f, "<div class=\"pair %s\"><h3>%s ", p->compatible ? "ok" : "bad",
				p->compatible ? "\xe2\x9c\x93 Compatible:" : "\xe2\x9c\x97 Not compatible:");
			nv_esc_html(f, m->ep[p->a].name);
			fputs(" \xe2\x86\x94 ", f);
			nv_esc_html(f, m->ep[p->b].name);
			fputs("</h3>\n<p>", f);
			nv_esc_html(f, p->advice);
			fputs("</p></div>\n", f);
		}
		fputs("</section>\n", f);
	}
	fputs("<section id=\"endpoints\">\n<h2>Endpoints</h2>\n<table>\n<tr><th>Endpoint</th>"
	      "<th>Accepts</th><th>Emits</th><th>FlowID tolerant</th><th>Rejects</th>"
	      "<th>Report</th></tr>\n", f);
	for (int i = 0; i < m->n; i++)
		html_profile_row(f, &m->ep[i]);
	fputs("</table>\n</section>\n", f);
	nv_html_foot(f, NV_VERSION);
	return nv_rpt_ferr(f, "matrix.html", err);
}

typedef int (*mx_writer_fn)(FILE *f, const struct nv_matrix *m, struct nv_err *err);

int nv_matrix_write_all(const struct nv_matrix *m, const char *outdir, bool force,
			struct nv_err *err)
{
	static const struct { const char *name; mx_writer_fn fn; } w[] = {
		{ "matrix.json", nv_matrix_write_json },
		{ "matrix.md", nv_matrix_write_md },
		{ "matrix.html", nv_matrix_write_html },
	};

	/* OUTDIR may hold the reports being paired: only our files are guarded. */
	if (nv_rpt_mkdir_p(outdir, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		struct nv_atomic a;

		if (nv_atomic_open(&a, outdir, w[i].name, force, err) < 0)
			return -1;
		if (w[i].fn(a.f, m, err) < 0) {
			nv_atomic_abort(&a);
			return -1;
		}
		if (nv_atomic_commit(&a, err) < 0)
			return -1;
	}
	return 0;
}
