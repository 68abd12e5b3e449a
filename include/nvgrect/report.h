/*
 * report.h - writers for what a run or a verification produced
 * (report.json "nvgrect-report/1", report.xml JUnit, report.md,
 * report.html, the terminal summary) and the compatibility matrix.
 *
 * Usage from `run` / `verify`:
 *
 *	if (nv_report_outdir_prepare(outdir, force, &err) < 0)   // before
 *		return err.code;                                  // anything
 *	... write probes.pcapng / capture.pcapng into outdir ...
 *	if (nv_report_write_all(&result, outdir, &opts, &err) < 0)
 *		return err.code;
 *	nv_report_print_summary(stdout, &result, isatty(1));
 *
 * Every string that came from a packet, a file or the DUT is escaped for the
 * format it lands in. Files are written to a temporary name in OUTDIR,
 * fsync'ed and renamed, so a reader never sees half a report.
 */
#ifndef NV_REPORT_H
#define NV_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "nvgrect/err.h"
#include "nvgrect/key.h"
#include "nvgrect/result.h"

#define NV_REPORT_SCHEMA "nvgrect-report/1"
#define NV_MATRIX_SCHEMA "nvgrect-matrix/1"

/* Formats for nv_report_opts.formats (0 = all four). */
enum nv_report_format {
	NV_REPORT_JSON = 1 << 0,
	NV_REPORT_JUNIT = 1 << 1,
	NV_REPORT_MD = 1 << 2,
	NV_REPORT_HTML = 1 << 3,
};

struct nv_report_opts {
	bool force;             /* replace report files already in OUTDIR */
	unsigned formats;       /* enum nv_report_format bits; 0 = all */
};

/*
 * Make OUTDIR ready: create it (and missing parents) or, when it exists and
 * is not empty, refuse with NV_EXIT_USAGE unless force. Call it before
 * writing anything (pcaps included) into OUTDIR.
 */
int nv_report_outdir_prepare(const char *outdir, bool force, struct nv_err *err);

/*
 * Write report.json, report.xml, report.md, report.html into OUTDIR
 * atomically. Without o->force an existing report file is an error
 * (NV_EXIT_USAGE). o may be NULL (all formats, no force).
 */
int nv_report_write_all(const struct nv_result *r, const char *outdir,
			const struct nv_report_opts *o, struct nv_err *err);

/* One format to an open stream (tests, stdout). 0 / -1 on a write error. */
int nv_report_write_json(FILE *f, const struct nv_result *r, struct nv_err *err);
int nv_report_write_junit(FILE *f, const struct nv_result *r, struct nv_err *err);
int nv_report_write_md(FILE *f, const struct nv_result *r, struct nv_err *err);
int nv_report_write_html(FILE *f, const struct nv_result *r, struct nv_err *err);

/*
 * The table printed after every run: one row per case (failures first),
 * the totals, the endpoint profile and the exit code. color: ANSI colours
 * (pass isatty(fileno(f))). Control characters in names are escaped.
 */
void nv_report_print_summary(FILE *f, const struct nv_result *r, bool color);

/* Lower-case stable names used in every report ("pass", "fail", ...). */
const char *nv_report_verdict_str(enum nv_verdict v);
const char *nv_report_obs_str(enum nv_obs o);

/* ---- atomic files (reports/atomic.c) ------------------------------------ */

struct nv_atomic {
	FILE *f;                /* write here */
	char tmp[512];
	char dst[512];
};

/* Open DIR/.NAME.XXXXXX for writing; commit renames it to DIR/NAME. */
int nv_atomic_open(struct nv_atomic *a, const char *dir, const char *name,
		   bool force, struct nv_err *err);
/* Flush, fsync, close, rename over the destination, fsync the directory. */
int nv_atomic_commit(struct nv_atomic *a, struct nv_err *err);
/* Close and unlink the temporary file (safe after a failed commit). */
void nv_atomic_abort(struct nv_atomic *a);

/* ---- compatibility matrix (reports/matrix.c) ---------------------------- */

#define NV_MX_ADVICE_MAX 1024
#define NV_MX_PATH_MAX 512

/* One endpoint as read back from a report.json (its "endpoint" block). */
struct nv_mx_endpoint {
	char path[NV_MX_PATH_MAX];          /* the report it came from */
	char name[NV_NAME_MAX];
	int naccepts;
	char accepts[NV_LAYOUT_MAX][NV_LAYOUT_NAME_MAX];
	bool has_emits;
	char emits[NV_LAYOUT_NAME_MAX];
	int flowid_tolerant;                /* -1 null, 0 false, 1 true */
	int flowid_entropy;                 /* -1 unknown, 0 no, 1 emits non-zero FlowIDs */
	int nrejects;
	struct {
		char layout[NV_LAYOUT_NAME_MAX];
		char signature[NV_SIG_MAX];
	} rejects[NV_LAYOUT_MAX];
	char unknown_vsid[NV_SIG_MAX];      /* "" = null */
	int cases, pass, fail, score;       /* from "summary", -1 if absent */
	bool interrupted;
};

/* Can traffic encapsulated by one endpoint be decapsulated by the other? */
enum nv_mx_link {
	NV_MX_NO = 0,
	NV_MX_YES = 1,
	NV_MX_UNKNOWN = 2,     /* the sender's emitted layout was never seen */
};

struct nv_mx_pair {
	int a, b;                           /* indexes into nv_matrix.ep */
	enum nv_mx_link a_to_b, b_to_a;
	bool compatible;                    /* both directions NV_MX_YES */
	char advice[NV_MX_ADVICE_MAX];
};

struct nv_matrix {
	int n;
	struct nv_mx_endpoint *ep;          /* owned */
	int npairs;
	struct nv_mx_pair *pairs;           /* owned; n*(n-1)/2 */
};

/*
 * Read the endpoint block of one report.json (libyaml: JSON is YAML).
 * A malformed file or a wrong schema is NV_EXIT_USAGE with
 * "path:line:col: message".
 */
int nv_matrix_load(const char *path, struct nv_mx_endpoint *ep, struct nv_err *err);
/* Add an endpoint (copied) to the matrix. */
int nv_matrix_add(struct nv_matrix *m, const struct nv_mx_endpoint *ep,
		  struct nv_err *err);
/* Decide every pair, both directions, with advice. */
int nv_matrix_build(struct nv_matrix *m, struct nv_err *err);
/* One direction: can `from` reach `to`? why: a sentence (may be NULL). */
enum nv_mx_link nv_matrix_link(const struct nv_mx_endpoint *from,
			       const struct nv_mx_endpoint *to,
			       char *why, size_t whylen);
/* matrix.json, matrix.md, matrix.html into OUTDIR (atomic, force as above). */
int nv_matrix_write_all(const struct nv_matrix *m, const char *outdir,
			bool force, struct nv_err *err);
int nv_matrix_write_json(FILE *f, const struct nv_matrix *m, struct nv_err *err);
int nv_matrix_write_md(FILE *f, const struct nv_matrix *m, struct nv_err *err);
int nv_matrix_write_html(FILE *f, const struct nv_matrix *m, struct nv_err *err);
/* The matrix on a terminal; with one endpoint, its profile. */
void nv_matrix_print(FILE *f, const struct nv_matrix *m, bool color);
void nv_matrix_free(struct nv_matrix *m);

#endif
