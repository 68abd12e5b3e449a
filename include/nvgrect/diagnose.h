/*
 * diagnose.h - explain an NVGRE capture taken in the field, no suite needed
 * (`nvgrect diagnose`). Frames are fed one at a time into bounded per-host,
 * per-pair and per-conversation aggregates; finish() infers each host's key
 * layout from the evidence and writes findings in plain words, most
 * important first, each citing the frames that prove it.
 */
#ifndef NV_DIAGNOSE_H
#define NV_DIAGNOSE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nvgrect/dissect.h"
#include "nvgrect/dut.h"
#include "nvgrect/err.h"

#define NV_DIAGNOSE_SCHEMA "nvgrect-diagnosis/1"

/* Memory bounds: beyond them traffic is counted but not tracked. */
#define NV_DX_HOST_MAX 256          /* provider addresses */
#define NV_DX_DIR_MAX 1024          /* directed host pairs */
#define NV_DX_KEY_MAX 32            /* distinct keys per directed pair */
#define NV_DX_REJ_MAX 16            /* distinct rejected keys per directed pair */
#define NV_DX_CONV_MAX 16384        /* inner conversations */
#define NV_DX_FRAMES_CITED 8        /* frame numbers kept per fact */
#define NV_DX_FINDING_MAX 64
#define NV_DX_REASON_MAX 8
#define NV_DX_REASON_LEN 320
#define NV_DX_TEXT_LEN 640

enum nv_dx_severity {
	NV_DX_CRITICAL = 0,         /* tenants cannot talk, or talk to the wrong tenant */
	NV_DX_ERROR,                /* traffic rejected or unanswered */
	NV_DX_WARNING,              /* RFC 7637 rule broken, risk for interop */
	NV_DX_INFO,
};

/* Up to NV_DX_FRAMES_CITED 1-based frame numbers, and how many there were. */
struct nv_dx_frames {
	int n;
	uint64_t total;
	uint64_t f[NV_DX_FRAMES_CITED];
};

/* Layout verdict for one host: index of a built-in layout, or -1 unknown. */
struct nv_dx_host {
	struct nv_addr pa;
	int layout;                 /* 0 rfc7637, 1 draft00, -1 unknown */
	double confidence;          /* 0 when unknown, else 0.5 .. 1 */
	double score[2];            /* evidence weight per built-in layout */
	int nreasons;
	char reasons[NV_DX_REASON_MAX][NV_DX_REASON_LEN];
	uint64_t nvgre_sent, nvgre_received, icmp_errors_sent;
	int flowid_entropy;         /* -1 unknown, 0 FlowID always 0, 1 varies */
	int nvsids;                 /* VSIDs it sends under its layout (capped) */
	uint32_t vsids[NV_DX_KEY_MAX];
	bool mixed;                 /* sends one VSID in both layouts (a tester) */
	uint32_t mixed_keys[2];     /* an example: its rfc7637 and draft00 keys */
};

struct nv_dx_pair {
	int a, b;                   /* host indexes, a < b */
	uint64_t a_to_b, b_to_a;    /* NVGRE frames */
	int nkeys_ab, nkeys_ba;
	uint32_t keys_ab[4], keys_ba[4];  /* the most frequent keys, first seen first */
	int compatible;             /* -1 unknown, 0 layouts differ, 1 same layout */
};

struct nv_dx_finding {
	enum nv_dx_severity severity;
	char code[32];              /* stable: "layout-mismatch", "unanswered", ... */
	char text[NV_DX_TEXT_LEN];
	struct nv_dx_frames frames;
	int rank;                   /* ordering inside one severity, larger first */
};

/* The result, caller-owned (nv_diagnose_result_free). */
struct nv_diagnosis {
	char capture[256];          /* path as given (escaped when printed) */
	char dut_name[NV_NAME_MAX]; /* "" without --dut */
	uint64_t frames, nvgre_frames, gre_other_frames, outer_fragments;
	uint64_t icmp_errors, icmp_quoting_nvgre, truncated_frames, malformed_frames;
	uint64_t untracked;         /* frames beyond the memory bounds */
	char read_error[NV_ERRBUF_SIZE];  /* "" unless the file ended badly */
	int nhosts;
	struct nv_dx_host *hosts;   /* owned */
	int npairs;
	struct nv_dx_pair *pairs;   /* owned */
	int nfindings;              /* sorted: severity, then rank */
	struct nv_dx_finding findings[NV_DX_FINDING_MAX];
};

struct nv_diagnose;             /* opaque aggregation state */

/* dut may be NULL; when given its VSIDs are ground truth (copied). */
struct nv_diagnose *nv_diagnose_new(const struct nv_dut *dut, struct nv_err *err);
/* Feed one dissected frame; frame_no is 1-based as in Wireshark. */
void nv_diagnose_add(struct nv_diagnose *x, uint64_t frame_no, const struct nv_pkt *p);
/* Infer layouts and write the findings into out (which it initialises). */
int nv_diagnose_finish(struct nv_diagnose *x, struct nv_diagnosis *out,
		       struct nv_err *err);
void nv_diagnose_free(struct nv_diagnose *x);
void nv_diagnose_result_free(struct nv_diagnosis *d);

/*
 * Read a pcap/pcapng file, dissect every frame, diagnose. Unreadable or
 * non-Ethernet captures are NV_EXIT_USAGE errors; a file that ends badly
 * after some records is diagnosed and d->read_error says why.
 */
int nv_diagnose_file(const char *path, const struct nv_dut *dut,
		     struct nv_diagnosis *d, struct nv_err *err);

const char *nv_diagnose_severity_str(enum nv_dx_severity s);
/* "rfc7637", "draft00" or "unknown". */
const char *nv_diagnose_layout_str(int layout);
/* "high", "medium", "low" or "none". */
const char *nv_diagnose_confidence_str(double c);

/* Writers: terminal text (control characters escaped), Markdown, HTML, JSON. */
int nv_diagnose_write_text(FILE *f, const struct nv_diagnosis *d, bool color,
			   struct nv_err *err);
int nv_diagnose_write_md(FILE *f, const struct nv_diagnosis *d, struct nv_err *err);
int nv_diagnose_write_html(FILE *f, const struct nv_diagnosis *d, struct nv_err *err);
int nv_diagnose_write_json(FILE *f, const struct nv_diagnosis *d, struct nv_err *err);
/* report.md, report.html, report.json into outdir, atomically. */
int nv_diagnose_write_all(const struct nv_diagnosis *d, const char *outdir,
			  bool force, struct nv_err *err);

#endif
