/*
 * matrix.c - who can talk to whom (DESIGN.md §6). A->B works when the
 * layout A emits is one B accepts and, if A puts non-zero FlowIDs on the
 * wire, B is FlowID tolerant. Advice names the layouts and the fix, in the
 * words an operator uses; RFC 7637 is always the layout to move towards.
 */
#include <stdlib.h>
#include <string.h>

#include "rpt.h"

#define RFC "rfc7637"
#define DRAFT "draft00"
#define WHY_MAX 512
#define FIX_MAX 384

static bool accepts(const struct nv_mx_endpoint *e, const char *layout)
{
	for (int i = 0; i < e->naccepts && i < NV_LAYOUT_MAX; i++)
		if (!strcmp(e->accepts[i], layout))
			return true;
	return false;
}

static const char *reject_sig(const struct nv_mx_endpoint *e, const char *layout)
{
	for (int i = 0; i < e->nrejects && i < NV_LAYOUT_MAX; i++)
		if (!strcmp(e->rejects[i].layout, layout))
			return e->rejects[i].signature;
	return NULL;
}

/* "rfc7637 only", "draft00 and rfc7637", "no layout". */
static void accepts_words(const struct nv_mx_endpoint *e, char *buf, size_t len)
{
	size_t n = 0;

	if (e->naccepts == 0) {
		nv_rpt_fmt(buf, len, "no layout it was probed with");
		return;
	}
	for (int i = 0; i < e->naccepts && i < NV_LAYOUT_MAX && n < len; i++)
		n += nv_rpt_fmt(buf + n, len - n, "%s%s",
				      i == 0 ? "" : i + 1 == e->naccepts ? " and " : ", ", e->accepts[i]);
	if (e->naccepts == 1 && n < len)
		nv_rpt_fmt(buf + n, len - n, " only");
}

/* How `to` answers keys of `layout` it does not accept. */
static void answer_words(const struct nv_mx_endpoint *to, const char *layout, char *buf, size_t len)
{
	const char *sig = reject_sig(to, layout);
	char w[128];

	if (!sig) {
		nv_rpt_fmt(buf, len, "its answer to %s keys was not recorded", layout);
	} else if (!strcmp(sig, "silent")) {
		nv_rpt_fmt(buf, len, "drops them silently");
	} else {
		nv_rpt_sig_words(sig, w, sizeof(w));
		nv_rpt_fmt(buf, len, "answers %s", w);
	}
}

enum nv_mx_link nv_matrix_link(const struct nv_mx_endpoint *from,
			       const struct nv_mx_endpoint *to,
			       char *why, size_t whylen)
{
	char acc[160], ans[192];
	char tmp[WHY_MAX];
	enum nv_mx_link res;

	if (!why) {
		why = tmp;
		whylen = sizeof(tmp);
	}
	accepts_words(to, acc, sizeof(acc));
	if (!from->has_emits) {
		nv_rpt_fmt(why, whylen, "%s: none of its own encapsulated replies was seen, so the layout "
			 "it emits is unknown", from->name);
		return NV_MX_UNKNOWN;
	}
	if (!accepts(to, from->emits)) {
		answer_words(to, from->emits, ans, sizeof(ans));
		nv_rpt_fmt(why, whylen, "%s emits %s keys (%s); %s accepts %s and %s",
			 from->name, from->emits, nv_rpt_layout_words(from->emits), to->name, acc, ans);
		return NV_MX_NO;
	}
	res = NV_MX_YES;
	if (from->flowid_entropy == 1 && to->flowid_tolerant != 1)
		res = to->flowid_tolerant == 0 ? NV_MX_NO : NV_MX_UNKNOWN;
	if (res == NV_MX_YES)
		nv_rpt_fmt(why, whylen, "%s emits %s keys and %s accepts %s", from->name, from->emits,
			 to->name, from->emits);
	else
		nv_rpt_fmt(why, whylen, "%s emits %s keys with non-zero FlowIDs; %s %s", from->name,
			 from->emits, to->name, res == NV_MX_NO ?
			 "does not deliver non-zero FlowIDs" : "was not probed with non-zero FlowIDs");
	return res;
}

/* The fix for a direction that does not work. */
static void fix_words(const struct nv_mx_endpoint *from, const struct nv_mx_endpoint *to,
		      enum nv_mx_link link, char *buf, size_t len)
{
	if (link == NV_MX_UNKNOWN && !from->has_emits) {
		nv_rpt_fmt(buf, len, "run suites/interop/layouts.yaml against %s with a tenant VM that "
			 "answers, so the layout it emits is seen", from->name);
	} else if (accepts(to, from->emits)) {
		/* layouts agree: the FlowID is the problem */
		nv_rpt_fmt(buf, len, link == NV_MX_NO ?
			 "have %s send FlowID 0, or bring %s to RFC 7637 \xc2\xa7" "3.2, which delivers "
			 "by VSID whatever the FlowID" :
			 "probe %s with non-zero FlowIDs (suites/interop/layouts.yaml) to learn whether "
			 "it takes %s's FlowIDs", link == NV_MX_NO ? from->name : to->name,
			 link == NV_MX_NO ? to->name : from->name);
	} else if (strcmp(from->emits, RFC) && accepts(to, RFC)) {
		nv_rpt_fmt(buf, len, "bring %s to the RFC 7637 layout%s", from->name,
			 !strcmp(from->emits, DRAFT) ? " (KB2779768)" : "");
	} else if (!strcmp(from->emits, RFC)) {
		nv_rpt_fmt(buf, len, "bring %s to the RFC 7637 layout%s", to->name,
			 accepts(to, DRAFT) ? " (KB2779768)" : "");
	} else {
		nv_rpt_fmt(buf, len, "make %s emit a layout %s accepts, or both use RFC 7637",
			 from->name, to->name);
	}
}

static void pair_advice(struct nv_mx_pair *p, const struct nv_mx_endpoint *a,
			const struct nv_mx_endpoint *b, const char *why_ab, const char *why_ba)
{
	char fix1[FIX_MAX] = "", fix2[FIX_MAX] = "";
	size_t n = 0, len = sizeof(p->advice);
	char *buf = p->advice;

	if (p->compatible) {
		nv_rpt_fmt(buf, len, "%s and %s can share a virtual network: %s; %s.",
			 a->name, b->name, why_ab, why_ba);
		return;
	}
	if (p->a_to_b != NV_MX_YES)
		fix_words(a, b, p->a_to_b, fix1, sizeof(fix1));
	if (p->b_to_a != NV_MX_YES)
		fix_words(b, a, p->b_to_a, fix2, sizeof(fix2));
	if (p->a_to_b != NV_MX_YES)
		n += nv_rpt_fmt(buf + n, len - n, "%s: %s.", why_ab, fix1);
	if (p->b_to_a != NV_MX_YES && n < len) {
		/* the same fix mended both directions: say it once */
		if (fix1[0] && !strcmp(fix1, fix2))
			nv_rpt_fmt(buf + n, len - n, " In the other direction %s; the same fix mends it.", why_ba);
		else
			nv_rpt_fmt(buf + n, len - n, "%s%s: %s.", n ? " " : "", why_ba, fix2);
	}
}

int nv_matrix_add(struct nv_matrix *m, const struct nv_mx_endpoint *ep, struct nv_err *err)
{
	struct nv_mx_endpoint *n = realloc(m->ep, ((size_t)m->n + 1) * sizeof(*n));

	if (!n)
		return nv_errc(err, NV_EXIT_RUNTIME, "out of memory adding %s", ep->path);
	m->ep = n;
	m->ep[m->n++] = *ep;
	return 0;
}

int nv_matrix_build(struct nv_matrix *m, struct nv_err *err)
{
	size_t np = m->n > 1 ? (size_t)m->n * (size_t)(m->n - 1) / 2 : 0;
	char why_ab[WHY_MAX], why_ba[WHY_MAX];
	int k = 0;

	free(m->pairs);
	m->pairs = NULL;
	m->npairs = 0;
	if (np == 0)
		return 0;
	m->pairs = calloc(np, sizeof(*m->pairs));
	if (!m->pairs)
		return nv_errc(err, NV_EXIT_RUNTIME, "out of memory building the matrix");
	for (int a = 0; a < m->n; a++) {
		for (int b = a + 1; b < m->n; b++) {
			struct nv_mx_pair *p = &m->pairs[k++];

			p->a = a;
			p->b = b;
			p->a_to_b = nv_matrix_link(&m->ep[a], &m->ep[b], why_ab, sizeof(why_ab));
			p->b_to_a = nv_matrix_link(&m->ep[b], &m->ep[a], why_ba, sizeof(why_ba));
			p->compatible = p->a_to_b == NV_MX_YES && p->b_to_a == NV_MX_YES;
			pair_advice(p, &m->ep[a], &m->ep[b], why_ab, why_ba);
		}
	}
	m->npairs = k;
	return 0;
}

void nv_matrix_free(struct nv_matrix *m)
{
	free(m->ep);
	free(m->pairs);
	memset(m, 0, sizeof(*m));
}

/* ---- terminal ----------------------------------------------------------- */

#define MX_COL 16
#define TERM_WIDTH 96

static const char *link_word(enum nv_mx_link l)
{
	return l == NV_MX_YES ? "yes" : l == NV_MX_NO ? "NO" : "unknown";
}

static const char *link_sgr(enum nv_mx_link l)
{
	return l == NV_MX_YES ? "\033[32m" : l == NV_MX_NO ? "\033[1;31m" : "\033[35m";
}

/* An escaped name cut and padded to a column. */
static void pad_term(FILE *f, const char *s, int width)
{
	for (int c = nv_esc_term(f, s, width - 1); c < width; c++)
		fputc(' ', f);
}

static void print_profile(FILE *f, const struct nv_mx_endpoint *e)
{
	struct nv_endpoint tmp;
	char words[2048];

	/* Reuse the report's sentences: view the loaded block as nv_endpoint. */
	memset(&tmp, 0, sizeof(tmp));
	nv_rpt_fmt(tmp.name, sizeof(tmp.name), "%s", e->name);
	tmp.naccepts = e->naccepts;
	for (int i = 0; i < e->naccepts && i < NV_LAYOUT_MAX; i++)
		tmp.accepts[i] = e->accepts[i];
	tmp.emits = e->has_emits ? e->emits : NULL;
	tmp.flowid_tolerant = e->flowid_tolerant;
	tmp.flowid_entropy = e->flowid_entropy == 1;
	tmp.nrejects = e->nrejects;
	for (int i = 0; i < e->nrejects && i < NV_LAYOUT_MAX; i++) {
		tmp.rejects[i].layout = e->rejects[i].layout;
		nv_rpt_fmt(tmp.rejects[i].signature, NV_SIG_MAX, "%s", e->rejects[i].signature);
	}
	nv_rpt_fmt(tmp.unknown_vsid, sizeof(tmp.unknown_vsid), "%s", e->unknown_vsid);
	nv_rpt_endpoint_words(&tmp, words, sizeof(words));
	fputs("  ", f);
	nv_esc_term_wrap(f, words, 2, TERM_WIDTH);
	fputc('\n', f);
}

void nv_matrix_print(FILE *f, const struct nv_matrix *m, bool color)
{
	if (m->n == 1) {
		fputs("\nEndpoint profile (one report: no pair to compare)\n", f);
		print_profile(f, &m->ep[0]);
		return;
	}
	fputs("\nCan the row endpoint's packets be decapsulated by the column endpoint?\n\n", f);
	fprintf(f, "  %-*s", MX_COL, "from \\ to");
	for (int b = 0; b < m->n; b++) {
		fputc(' ', f);
		if (b + 1 < m->n)
			pad_term(f, m->ep[b].name, MX_COL);
		else
			nv_esc_term(f, m->ep[b].name, MX_COL - 1);
	}
	fputc('\n', f);
	for (int a = 0; a < m->n; a++) {
		fputs("  ", f);
		pad_term(f, m->ep[a].name, MX_COL);
		for (int b = 0; b < m->n; b++) {
			enum nv_mx_link l = nv_matrix_link(&m->ep[a], &m->ep[b], NULL, 0);

			fputc(' ', f);
			if (color)
				fputs(link_sgr(l), f);
			fprintf(f, "%-*s", b + 1 < m->n ? MX_COL : 0, link_word(l));
			if (color)
				fputs("\033[0m", f);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
	for (int i = 0; i < m->npairs; i++) {
		const struct nv_mx_pair *p = &m->pairs[i];

		fputs(p->compatible ? "  compatible:   " : "  INCOMPATIBLE: ", f);
		nv_esc_term(f, m->ep[p->a].name, 40);
		fputs(" <-> ", f);
		nv_esc_term(f, m->ep[p->b].name, 40);
		fputs("\n    ", f);
		nv_esc_term_wrap(f, p->advice, 4, TERM_WIDTH);
		fputc('\n', f);
	}
}
