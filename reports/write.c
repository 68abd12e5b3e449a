/* write.c - every report format into OUTDIR, each file atomically. */
#include "rpt.h"

typedef int (*writer_fn)(FILE *f, const struct nv_result *r, struct nv_err *err);

static const struct {
	unsigned fmt;
	const char *name;
	writer_fn fn;
} writers[] = {
	{ NV_REPORT_JSON, "report.json", nv_report_write_json },
	{ NV_REPORT_JUNIT, "report.xml", nv_report_write_junit },
	{ NV_REPORT_MD, "report.md", nv_report_write_md },
	{ NV_REPORT_HTML, "report.html", nv_report_write_html },
};

int nv_report_write_all(const struct nv_result *r, const char *outdir,
			const struct nv_report_opts *o, struct nv_err *err)
{
	unsigned fmts = o && o->formats ? o->formats : ~0u;
	bool force = o && o->force;

	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
		struct nv_atomic a;

		if (!(fmts & writers[i].fmt))
			continue;
		if (nv_atomic_open(&a, outdir, writers[i].name, force, err) < 0)
			return -1;
		if (writers[i].fn(a.f, r, err) < 0) {
			nv_atomic_abort(&a);
			return -1;
		}
		if (nv_atomic_commit(&a, err) < 0)
			return -1;
	}
	return 0;
}
