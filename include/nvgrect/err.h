/* err.h - caller-owned error buffer and the tool's exit codes. */
#ifndef NV_ERR_H
#define NV_ERR_H

#include <stddef.h>

#define NV_ERRBUF_SIZE 512

/* Exit codes: the contract of DESIGN.md §4. */
enum nv_exit {
	NV_EXIT_OK = 0,           /* no FAIL */
	NV_EXIT_FAIL = 1,         /* at least one FAIL verdict */
	NV_EXIT_USAGE = 2,        /* usage or invalid input */
	NV_EXIT_INCONCLUSIVE = 3, /* capture loss, DUT unreachable */
	NV_EXIT_RUNTIME = 4,      /* permissions, send or I/O failure */
	NV_EXIT_SIGINT = 130,
	NV_EXIT_SIGTERM = 143,
};

/*
 * One error message; fallible library functions take it last and return -1.
 * `code` is the exit code main() should use (NV_EXIT_USAGE for bad input,
 * NV_EXIT_RUNTIME for I/O), so main need not guess from the text.
 */
struct nv_err {
	int code;
	char msg[NV_ERRBUF_SIZE];
};

/* Fill e (if non-NULL) and return -1. Code defaults to NV_EXIT_RUNTIME. */
int nv_errf(struct nv_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Same, with an explicit exit code. */
int nv_errc(struct nv_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same as nv_errf with ": strerror(errno)" appended. */
int nv_errno(struct nv_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A list of positioned diagnostics, for loaders that report every problem
 * in one pass ("path:line:col: message"). Lines and columns are 1-based.
 */
#define NV_DIAG_MAX 256
struct nv_diag {
	int line, col;
	char msg[240];
};
struct nv_diags {
	const char *path;      /* not owned */
	int n;                 /* entries stored (<= NV_DIAG_MAX) */
	int dropped;           /* entries beyond NV_DIAG_MAX */
	struct nv_diag d[NV_DIAG_MAX];
};

void nv_diag_add(struct nv_diags *ds, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Format entry i as "path:line:col: msg" into buf. */
void nv_diag_format(const struct nv_diags *ds, int i, char *buf, size_t len);

#endif
