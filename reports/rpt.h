/* rpt.h - helpers shared by the report writers (private to reports/). */
#ifndef NV_REPORTS_RPT_H
#define NV_REPORTS_RPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nvgrect/report.h"

/*
 * Escapers. Input is any byte string (it may come from a packet or a
 * hostile file): invalid UTF-8 becomes U+FFFD (or \xNN on a terminal),
 * control characters are escaped or replaced as the format requires.
 */
void nv_esc_json(FILE *f, const char *s);       /* writes "..." with quotes */
void nv_esc_json_n(FILE *f, const char *s, size_t n);
void nv_esc_xml(FILE *f, const char *s);        /* text and attribute values */
#define nv_esc_html nv_esc_xml
void nv_esc_md(FILE *f, const char *s);         /* table cells (safe anywhere) */
void nv_esc_md_text(FILE *f, const char *s);    /* paragraphs, list items, headings */
/* Terminal: printable UTF-8 kept, everything else as \xNN; at most maxcols
 * characters (0 = no limit), cut with "..." . Returns columns written. */
int nv_esc_term(FILE *f, const char *s, int maxcols);
/* Escaped and word-wrapped at width; continuation lines indented. The
 * caller has already printed indent columns on the first line. */
void nv_esc_term_wrap(FILE *f, const char *s, int indent, int width);
/*
 * Decode one UTF-8 sequence at s (n bytes available). Returns its length
 * and the code point in *cp, or 0 if the bytes are not valid UTF-8
 * (overlong, surrogate, out of range, cut short).
 */
int nv_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* Verdict icons that do not rely on colour. */
const char *nv_rpt_verdict_icon(enum nv_verdict v);
const char *nv_rpt_verdict_upper(enum nv_verdict v);
const char *nv_rpt_level_str(enum nv_level l);

/* Case results in the order people read them: fail, inconclusive, warn,
 * info, pass; stable within a verdict. idx must hold r->ncases ints. */
void nv_rpt_case_order(const struct nv_result *r, int *idx);
/* The probe results of case c (NULL if out of range). */
const struct nv_probe_result *nv_rpt_probe(const struct nv_result *r,
					   const struct nv_case_result *c, int i);
/* Suite name and case fields, "" when a pointer is missing. */
const char *nv_rpt_suite_name(const struct nv_case_result *c);
/* Human words for an expectation, e.g. "rejected (icmp-3-10)". */
void nv_rpt_expect_str(const struct nv_expect *e, char *buf, size_t len);
/* "0x%08x" key text. */
void nv_rpt_key_str(uint32_t key, char *buf, size_t len);
/* Lowercase hex of n bytes, no separators. */
void nv_rpt_hex(FILE *f, const uint8_t *b, size_t n);
/* A signature in words: "icmp-3-10" -> "ICMP 3/10 (host administratively
 * prohibited) from the provider address". Output is plain (escape it). */
void nv_rpt_sig_words(const char *sig, char *buf, size_t len);
/* "draft00" -> "VSID in the low 24 bits", ... */
const char *nv_rpt_layout_words(const char *layout);
/* The endpoint block as plain sentences (escape before output). */
void nv_rpt_endpoint_words(const struct nv_endpoint *e, char *buf, size_t len);
/* HTML page frame with the shared stylesheet (html.c). */
void nv_html_head(FILE *f, const char *title);
void nv_html_foot(FILE *f, const char *version);
/* snprintf that never overruns and returns the bytes written (not the
 * would-be length): cut sentences are acceptable in advice text. */
size_t nv_rpt_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "score 80/100", or "not scored (...)" for -1. */
const char *nv_rpt_score_str(int score, char *buf, size_t len);
/* "40 frames in all: 38 delivered, 2 rejected; the first 16 are shown",
 * or "" when every frame of the case has its probe entry. */
void nv_rpt_frames_str(const struct nv_case_result *c, char *buf, size_t len);
/* The probe's signature says more than its observation ("icmp-3-10" after
 * "rejected"; not "delivered" after "delivered"). */
bool nv_rpt_sig_adds(const struct nv_probe_result *p);
/* mkdir -p (atomic.c). */
int nv_rpt_mkdir_p(const char *path, struct nv_err *err);
int nv_rpt_ferr(FILE *f, const char *what, struct nv_err *err);

/*
 * A minimal JSON emitter: tracks nesting so commas and indentation are
 * always right. key is NULL inside arrays.
 */
#define NV_JW_DEPTH 16
struct nv_jw {
	FILE *f;
	int depth;
	bool first[NV_JW_DEPTH];
};
void nv_jw_init(struct nv_jw *w, FILE *f);
void nv_jw_obj(struct nv_jw *w, const char *key);
void nv_jw_arr(struct nv_jw *w, const char *key);
void nv_jw_end(struct nv_jw *w, char close);   /* '}' or ']' */
void nv_jw_str(struct nv_jw *w, const char *key, const char *val);   /* NULL -> null */
void nv_jw_strn(struct nv_jw *w, const char *key, const char *val, size_t n);
void nv_jw_int(struct nv_jw *w, const char *key, long long v);
void nv_jw_uint(struct nv_jw *w, const char *key, unsigned long long v);
void nv_jw_dbl(struct nv_jw *w, const char *key, double v);   /* non-finite -> null */
void nv_jw_bool(struct nv_jw *w, const char *key, bool v);
void nv_jw_null(struct nv_jw *w, const char *key);
void nv_jw_hex(struct nv_jw *w, const char *key, const uint8_t *b, size_t n);

#endif
