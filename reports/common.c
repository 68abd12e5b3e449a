/* common.c - names, ordering and small formatting shared by the writers. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "rpt.h"

const char *nv_report_verdict_str(enum nv_verdict v)
{
	return nv_verdict_name(v);
}

const char *nv_rpt_verdict_upper(enum nv_verdict v)
{
	switch (v) {
	case NV_V_PASS: return "PASS";
	case NV_V_INFO: return "INFO";
	case NV_V_WARN: return "WARN";
	case NV_V_INCONCLUSIVE: return "INCONCLUSIVE";
	case NV_V_FAIL: return "FAIL";
	}
	return "UNKNOWN";
}

/* Shapes, not colours, carry the verdict (colour-blind and print safe). */
const char *nv_rpt_verdict_icon(enum nv_verdict v)
{
	switch (v) {
	case NV_V_PASS: return "\xe2\x9c\x93";          /* ✓ */
	case NV_V_INFO: return "i";
	case NV_V_WARN: return "!";
	case NV_V_INCONCLUSIVE: return "?";
	case NV_V_FAIL: return "\xe2\x9c\x97";          /* ✗ */
	}
	return "?";
}

const char *nv_report_obs_str(enum nv_obs o)
{
	return nv_obs_name(o);
}

const char *nv_rpt_level_str(enum nv_level l)
{
	return nv_level_name(l);
}

static int verdict_rank(enum nv_verdict v)
{
	switch (v) {
	case NV_V_FAIL: return 0;
	case NV_V_INCONCLUSIVE: return 1;
	case NV_V_WARN: return 2;
	case NV_V_INFO: return 3;
	case NV_V_PASS: return 4;
	}
	return 5;
}

void nv_rpt_case_order(const struct nv_result *r, int *idx)
{
	int k = 0;

	/* A counting pass per rank keeps plan order inside a verdict. */
	for (int rank = 0; rank <= 5; rank++)
		for (int i = 0; i < r->ncases; i++)
			if (verdict_rank(r->cases[i].verdict) == rank)
				idx[k++] = i;
}

const struct nv_probe_result *nv_rpt_probe(const struct nv_result *r,
					   const struct nv_case_result *c, int i)
{
	int j = c->first + i;

	if (i < 0 || i >= c->nprobes || j < 0 || j >= r->nprobe_results || !r->probes)
		return NULL;
	return &r->probes[j];
}

const char *nv_rpt_suite_name(const struct nv_case_result *c)
{
	return c->suite ? c->suite->name : "";
}

void nv_rpt_expect_str(const struct nv_expect *e, char *buf, size_t len)
{
	const char *words = e->obs == NV_OBS_ANY ? "anything (recorded for information)" :
		e->obs == NV_OBS_NOT_DELIVERED ? "not delivered (rejected or silent)" :
		nv_report_obs_str(e->obs);
	size_t n = (size_t)snprintf(buf, len, "%s", words);

	if (e->signature[0] && n < len)
		n += (size_t)snprintf(buf + n, len - n, " (%.*s)",
				      (int)sizeof(e->signature), e->signature);
	if (e->tenant[0] && n < len)
		n += (size_t)snprintf(buf + n, len - n, " into tenant %.*s",
				      (int)sizeof(e->tenant), e->tenant);
	if (e->rate_limit_ok && n < len)
		snprintf(buf + n, len - n, ", rate-limited ok");
}

void nv_rpt_key_str(uint32_t key, char *buf, size_t len)
{
	snprintf(buf, len, "0x%08x", (unsigned)key);
}

void nv_rpt_hex(FILE *f, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
}

int nv_rpt_ferr(FILE *f, const char *what, struct nv_err *err)
{
	if (fflush(f) != 0 || ferror(f)) {
		int e = errno;

		return nv_errc(err, NV_EXIT_RUNTIME, "writing %s: %s", what,
			       e ? strerror(e) : "I/O error");
	}
	return 0;
}

static const char *icmp_unreach_code(unsigned code)
{
	switch (code) {
	case 0: return "net unreachable";
	case 1: return "host unreachable";
	case 2: return "protocol unreachable";
	case 3: return "port unreachable";
	case 4: return "fragmentation needed";
	case 9: return "network administratively prohibited";
	case 10: return "host administratively prohibited";
	case 13: return "communication administratively prohibited";
	}
	return NULL;
}

void nv_rpt_sig_words(const char *sig, char *buf, size_t len)
{
	unsigned t, c;
	const char *s = sig ? sig : "";
	bool in_nvgre = !strncmp(s, "nvgre-", 6);
	const char *words;

	if (in_nvgre)
		s += 6;
	if (!*s) {
		snprintf(buf, len, "nothing recorded");
	} else if (!strcmp(s, "silent")) {
		snprintf(buf, len, "silence (no reply, no ICMP error)");
	} else if (!strcmp(s, "rate-limited")) {
		snprintf(buf, len, "ICMP errors missing under rate limiting");
	} else if (sscanf(s, "icmp-%u-%u", &t, &c) == 2) {
		words = t == 3 ? icmp_unreach_code(c) : NULL;
		snprintf(buf, len, "ICMP %u/%u%s%s%s%s", t, c, words ? " (" : "",
			 words ? words : "", words ? ")" : "",
			 in_nvgre ? " inside NVGRE" : " from the provider address");
	} else if (sscanf(s, "icmp6-%u-%u", &t, &c) == 2) {
		snprintf(buf, len, "ICMPv6 %u/%u%s", t, c,
			 in_nvgre ? " inside NVGRE" : " from the provider address");
	} else {
		snprintf(buf, len, "%s", sig);
	}
}

const char *nv_rpt_layout_words(const char *layout)
{
	if (!layout)
		return "no layout seen";
	if (!strcmp(layout, "rfc7637"))
		return "VSID in the high 24 bits, FlowID in the low 8";
	if (!strcmp(layout, "draft00"))
		return "VSID in the low 24 bits";
	return "a suite-defined layout";
}

#define APPEND(...) \
	do { if (n < len) n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__); } while (0)

void nv_rpt_endpoint_words(const struct nv_endpoint *e, char *buf, size_t len)
{
	char w[128];
	size_t n = 0;

	APPEND("%.*s ", (int)sizeof(e->name), e->name[0] ? e->name : "The endpoint");
	if (e->naccepts == 0)
		APPEND("delivered no probe in any key layout it was sent.");
	for (int i = 0; i < e->naccepts && i < NV_LAYOUT_MAX; i++)
		APPEND("%s%s (%s)", i == 0 ? "accepts " : i + 1 == e->naccepts ? " and " : ", ",
		       e->accepts[i] ? e->accepts[i] : "", nv_rpt_layout_words(e->accepts[i]));
	if (e->naccepts)
		APPEND(" keys%s.", e->naccepts == 1 ? " only" : "");
	if (e->emits)
		APPEND(" Its own encapsulated replies use %s keys (%s).", e->emits,
		       nv_rpt_layout_words(e->emits));
	else
		APPEND(" None of its own encapsulated replies was seen, so the layout it emits is unknown.");
	if (e->flowid_entropy)
		APPEND(" It puts non-zero FlowIDs on what it sends.");
	if (e->flowid_tolerant > 0)
		APPEND(" Non-zero FlowIDs are delivered like FlowID 0.");
	else if (e->flowid_tolerant == 0)
		APPEND(" Non-zero FlowIDs are not delivered: it treats the FlowID byte as part of the VSID.");
	else
		APPEND(" FlowID tolerance was not probed.");
	for (int i = 0; i < e->nrejects && i < NV_LAYOUT_MAX; i++) {
		nv_rpt_sig_words(e->rejects[i].signature, w, sizeof(w));
		APPEND(" Keys in the %s layout are answered with %s.",
		       e->rejects[i].layout ? e->rejects[i].layout : "?", w);
	}
	if (e->unknown_vsid[0]) {
		nv_rpt_sig_words(e->unknown_vsid, w, sizeof(w));
		APPEND(" A valid but unprovisioned VSID is answered with %s.", w);
	} else {
		APPEND(" Unprovisioned VSIDs were not probed.");
	}
}

size_t nv_rpt_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len == 0)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	/* cut text is fine for advice; report how much landed */
	return (size_t)n < len ? (size_t)n : len - 1;
}

const char *nv_rpt_score_str(int score, char *buf, size_t len)
{
	if (score < 0)
		snprintf(buf, len, "not scored (no case that counts was judged)");
	else
		snprintf(buf, len, "score %d/100", score);
	return buf;
}

void nv_rpt_frames_str(const struct nv_case_result *c, char *buf, size_t len)
{
	size_t n;

	buf[0] = '\0';
	if (c->nframes <= (uint32_t)c->nprobes)
		return;
	n = (size_t)snprintf(buf, len, "%u frames in all:", (unsigned)c->nframes);
	for (int o = 0; o <= NV_OBS_INCONCLUSIVE && n < len; o++)
		if (c->nobs[o])
			n += (size_t)snprintf(buf + n, len - n, " %u %s,", (unsigned)c->nobs[o],
					      nv_report_obs_str((enum nv_obs)o));
	if (n < len && buf[n - 1] == ',')
		n--;
	snprintf(buf + n, len - n, "; the first %d are shown", c->nprobes);
}

bool nv_rpt_sig_adds(const struct nv_probe_result *p)
{
	size_t n = strnlen(p->signature, sizeof(p->signature));

	return n && strncmp(p->signature, nv_report_obs_str(p->obs), sizeof(p->signature)) != 0;
}
