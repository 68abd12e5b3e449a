/*
 * result.h - what a verification produces: per-probe observations with
 * evidence, per-case verdicts, the endpoint block (DESIGN.md §6), DUT-sender
 * findings, capture statistics. Filled by verify/, read by reports/.
 */
#ifndef NV_RESULT_H
#define NV_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "nvgrect/craft.h"
#include "nvgrect/dissect.h"
#include "nvgrect/suite.h"

enum nv_verdict {
	NV_V_PASS, NV_V_INFO, NV_V_WARN, NV_V_INCONCLUSIVE, NV_V_FAIL,
};

#define NV_EVIDENCE_BYTES 256
#define NV_SIG_MAX 32
#define NV_SUITE_SCORE_MAX 16

/* A captured response kept as evidence (bytes are clamped). */
struct nv_evidence {
	bool present;
	uint32_t capture_frame;     /* 1-based frame number in capture.pcapng */
	uint64_t ts_us;
	uint32_t len, caplen;
	uint8_t bytes[NV_EVIDENCE_BYTES];
	uint16_t key_off, key_len;  /* where the (quoted) GRE key is, for highlighting */
	char summary[192];          /* decoded one-liner */
};

/* One planned probe frame and what came of it. */
struct nv_probe_result {
	const struct nv_planned *pl;
	enum nv_obs obs;            /* delivered, rejected, silent, misdelivered,
				       rate-limited, inconclusive */
	char signature[NV_SIG_MAX]; /* "icmp-3-10", "nvgre-icmp-3-10", "silent", ... */
	bool also_rejected;         /* a reply and an ICMP error both came */
	char also_signature[NV_SIG_MAX];
	uint32_t replies, errors, duplicates;
	uint32_t reply_vsid;        /* VSID the reply decoded to (emit layout) */
	char reply_tenant[NV_NAME_MAX];
	double rtt_ms;
	struct nv_evidence reply, error;
};

struct nv_case_result {
	const struct nv_case *kase;
	const struct nv_suite *suite;
	enum nv_verdict verdict;
	char detail[NV_TEXT_MAX];   /* mismatch: field, expected vs actual (dec and hex) */
	int nprobes;                /* probe_results[first .. first+nprobes) */
	int first;
	/* added: every frame of the case counts here, also those beyond the
	   NV_VERIFY_DETAIL_MAX kept in probe_results */
	uint32_t nframes;
	uint32_t nobs[NV_OBS_INCONCLUSIVE + 1];     /* frames per observation */
	int64_t first_mismatch;     /* plan frame of the first mismatch, -1 none */
	double score_weight;        /* by level, see verify/score.c */
};

/* RFC 7637 sender-rule finding about a frame the DUT emitted. */
struct nv_sender_finding {
	const char *rule;           /* "gre.c_bit_set", "inner.vlan_tag", ... */
	const char *clause;         /* "RFC 7637 §3.2" */
	uint32_t capture_frame;
	uint32_t count;             /* frames with this finding */
	char detail[160];
};

/* DESIGN.md §6. Layout names are pointers into the suite's layout table. */
struct nv_endpoint {
	char name[NV_NAME_MAX];
	int naccepts;
	const char *accepts[NV_LAYOUT_MAX];
	const char *emits;          /* NULL: none seen */
	int flowid_tolerant;        /* -1 null (not probed), 0 false, 1 true */
	bool flowid_entropy;        /* DUT emitted non-zero FlowIDs */
	int nrejects;
	struct { const char *layout; char signature[NV_SIG_MAX]; } rejects[NV_LAYOUT_MAX];
	char unknown_vsid[NV_SIG_MAX];   /* "" = null (not probed) */
};

struct nv_capture_stats {
	bool live;
	uint64_t captured, received, dropped, ifdropped;
	uint64_t unsolicited;       /* frames from the DUT matching no probe */
	uint64_t malformed, truncated;
	/* added */
	uint64_t probes_seen;       /* our own probe frames found in the capture */
	uint64_t responses;         /* replies and ICMP errors attributed to a probe */
	uint64_t late;              /* attributed, but after the per-probe timeout */
	uint64_t foreign_run;       /* tagged with another run id (other --seed) */
};

struct nv_result {
	const struct nv_dut *dut;
	const struct nv_plan *plan;
	char tool_version[32];
	char started[32], finished[32];   /* ISO 8601 UTC */
	bool interrupted;           /* partial: SIGINT/SIGTERM */
	int nprobe_results;
	struct nv_probe_result *probes;   /* owned, plan order */
	int ncases;
	struct nv_case_result *cases;     /* owned */
	int nsender;
	struct nv_sender_finding sender[32];
	struct nv_endpoint endpoint;
	struct nv_capture_stats stats;
	int score;                  /* 0..100, -1 nothing scorable; verify/score.c */
	int counts[NV_V_FAIL + 1];  /* cases per verdict */
	/* added */
	int nsuite_scores;
	struct nv_suite_score {
		const struct nv_suite *suite;
		int score;              /* 0..100; -1 when nothing was scorable */
		int cases;
	} suite_scores[NV_SUITE_SCORE_MAX];
	uint32_t timeout_ms;        /* per-probe answer window used */
	uint32_t sender_frames;     /* NVGRE frames the DUT emitted (checked) */
	uint32_t sender_dropped;    /* findings beyond the 32 kept */
};

const char *nv_verdict_name(enum nv_verdict v);
void nv_result_free(struct nv_result *r);
/* Exit code for a finished result: 1 any FAIL, 3 inconclusive, else 0. */
int nv_result_exit_code(const struct nv_result *r);

#endif
