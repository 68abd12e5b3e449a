/*
 * diagnose_file.c - read a capture file and diagnose it: one pass, one
 * dissection per frame, constant memory. It reads through the offline
 * verifier's reader (verify/capfile.c: pcap in large blocks, pcapng through
 * libpcap), so a capture is diagnosed at the verifier's rate.
 */
#include <string.h>
#include <unistd.h>

#include "diagnose_int.h"
#include "verify_int.h"

#define DX_LINKTYPE_ETHERNET 1

/* A file that exists but cannot be read is a runtime error; anything else is bad input. */
static int open_error_code(const char *path, const struct nv_err *err)
{
	if (access(path, F_OK) == 0 && access(path, R_OK) != 0)
		return err->code;
	return NV_EXIT_USAGE;
}

static int read_all(struct nv_capfile *r, struct nv_diagnose *x,
		    struct nv_diagnosis *d, struct nv_err *err)
{
	struct nv_pkt p;
	const uint8_t *data;
	uint32_t caplen, len;
	uint64_t ts, n = 0;
	struct nv_err rerr;
	int rc;

	while ((rc = nv_capfile_next(r, &data, &caplen, &len, &ts, &rerr)) == 1) {
		nv_dissect_frame(data, caplen, len, &p);
		nv_diagnose_add(x, ++n, &p);
	}
	if (rc < 0 && n == 0)
		return nv_errc(err, NV_EXIT_USAGE, "%s: not a readable capture: %s",
			       d->capture, rerr.msg);
	if (rc < 0)
		snprintf(d->read_error, sizeof(d->read_error), "%s", rerr.msg);
	return 0;
}

int nv_diagnose_file(const char *path, const struct nv_dut *dut,
		     struct nv_diagnosis *d, struct nv_err *err)
{
	struct nv_capfile *r;
	struct nv_diagnose *x;
	int rc, lt;

	memset(d, 0, sizeof(*d));
	snprintf(d->capture, sizeof(d->capture), "%s", path);
	if (nv_capfile_open(&r, path, err) < 0) {
		err->code = open_error_code(path, err);
		return -1;
	}
	lt = nv_capfile_linktype(r);
	if (lt != DX_LINKTYPE_ETHERNET) {
		nv_capfile_close(r);
		return nv_errc(err, NV_EXIT_USAGE,
			       "%s: link type %d; diagnose reads Ethernet captures only", path, lt);
	}
	x = nv_diagnose_new(dut, err);
	if (!x) {
		nv_capfile_close(r);
		return -1;
	}
	rc = read_all(r, x, d, err);
	nv_capfile_close(r);
	if (rc == 0)
		rc = nv_diagnose_finish(x, d, err);
	nv_diagnose_free(x);
	return rc;
}
