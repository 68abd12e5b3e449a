/* jw.c - the small JSON emitter behind report.json and matrix.json. */
#include <math.h>

#include "rpt.h"

#define JW_INDENT 2

void nv_jw_init(struct nv_jw *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->first[0] = true;
}

/* Comma, newline, indentation and the key of the next member. */
static void member(struct nv_jw *w, const char *key)
{
	if (w->depth > 0) {
		if (!w->first[w->depth])
			fputc(',', w->f);
		fprintf(w->f, "\n%*s", w->depth * JW_INDENT, "");
	}
	w->first[w->depth] = false;
	if (key) {
		nv_esc_json(w->f, key);
		fputs(": ", w->f);
	}
}

static void open_(struct nv_jw *w, const char *key, char c)
{
	member(w, key);
	fputc(c, w->f);
	if (w->depth < NV_JW_DEPTH - 1)
		w->depth++;
	w->first[w->depth] = true;
}

void nv_jw_obj(struct nv_jw *w, const char *key)
{
	open_(w, key, '{');
}

void nv_jw_arr(struct nv_jw *w, const char *key)
{
	open_(w, key, '[');
}

void nv_jw_end(struct nv_jw *w, char close)
{
	bool empty = w->first[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (!empty)
		fprintf(w->f, "\n%*s", w->depth * JW_INDENT, "");
	fputc(close, w->f);
	if (w->depth == 0)
		fputc('\n', w->f);
}

void nv_jw_str(struct nv_jw *w, const char *key, const char *val)
{
	member(w, key);
	if (val)
		nv_esc_json(w->f, val);
	else
		fputs("null", w->f);
}

void nv_jw_strn(struct nv_jw *w, const char *key, const char *val, size_t n)
{
	member(w, key);
	nv_esc_json_n(w->f, val, n);
}

void nv_jw_int(struct nv_jw *w, const char *key, long long v)
{
	member(w, key);
	fprintf(w->f, "%lld", v);
}

void nv_jw_uint(struct nv_jw *w, const char *key, unsigned long long v)
{
	member(w, key);
	fprintf(w->f, "%llu", v);
}

void nv_jw_dbl(struct nv_jw *w, const char *key, double v)
{
	member(w, key);
	if (isfinite(v))
		fprintf(w->f, "%.3f", v);
	else
		fputs("null", w->f);
}

void nv_jw_bool(struct nv_jw *w, const char *key, bool v)
{
	member(w, key);
	fputs(v ? "true" : "false", w->f);
}

void nv_jw_null(struct nv_jw *w, const char *key)
{
	member(w, key);
	fputs("null", w->f);
}

void nv_jw_hex(struct nv_jw *w, const char *key, const uint8_t *b, size_t n)
{
	member(w, key);
	fputc('"', w->f);
	nv_rpt_hex(w->f, b, n);
	fputc('"', w->f);
}
