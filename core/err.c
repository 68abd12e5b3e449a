/* err.c - error buffers and positioned diagnostics. */
#include "nvgrect/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int verr(struct nv_err *e, int code, const char *fmt, va_list ap)
{
	if (e) {
		e->code = code;
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	}
	return -1;
}

int nv_errf(struct nv_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(e, NV_EXIT_RUNTIME, fmt, ap);
	va_end(ap);
	return -1;
}

int nv_errc(struct nv_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(e, code, fmt, ap);
	va_end(ap);
	return -1;
}

int nv_errno(struct nv_err *e, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	verr(e, NV_EXIT_RUNTIME, fmt, ap);
	va_end(ap);
	if (e) {
		n = strlen(e->msg);
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(saved));
	}
	return -1;
}

void nv_diag_add(struct nv_diags *ds, int line, int col, const char *fmt, ...)
{
	struct nv_diag *d;
	va_list ap;

	if (ds->n >= NV_DIAG_MAX) {
		ds->dropped++;
		return;
	}
	d = &ds->d[ds->n++];
	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}

void nv_diag_format(const struct nv_diags *ds, int i, char *buf, size_t len)
{
	const struct nv_diag *d = &ds->d[i];

	snprintf(buf, len, "%s:%d:%d: %s", ds->path ? ds->path : "<input>",
		 d->line, d->col, d->msg);
}
