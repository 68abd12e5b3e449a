/*
 * offline.c - `nvgrect verify -r FILE...`: several capture files merged by
 * timestamp into one verifier, and an estimated send schedule when none of
 * them holds our probes.
 *
 * Why a schedule at all: tagged answers (nonce, IP ID, echo sequence, ICMP
 * quotes) name their probe, but an ARP reply carries no tag. The verifier
 * gives it to the latest ARP probe for that CA sent before it (correlate.c
 * arp_frame). Without send times it can only hand replies out in plan order
 * to probes not yet answered, so one unanswered ARP probe (ISO-02b on an
 * RFC 7637 host) shifts every later reply for the same CA onto the wrong
 * probe: ISO-05 failed offline on capture.pcapng while it passed live.
 *
 * The estimate: a live run sends plan entry i at t0 + sched(i), sched being
 * the plan's t_offset_us capped by the run's rate (nv_offline_schedule). t0
 * is anchored on the tagged answers, which do name their probe: an answer
 * at ts to probe f says t0 <= ts - sched(f), and the smallest such bound is
 * t0 plus the fastest round trip. Without a tagged answer the first frame
 * anchors it (the brief's fallback: a run's capture starts with the DUT's
 * answer to the underlay ARP, just before the first probe). Each estimated
 * send time is then moved earlier by half the gap to the probe before it
 * (at most NV_OFFLINE_SLACK_MAX_US), so an ARP reply a little faster than
 * the fastest tagged answer still falls after its own probe and before the
 * next one.
 *
 * Only ARP probes get estimated times: the others are matched by tag
 * anyway, and a capture without probes never had a timeout applied to
 * them (verify.h); a guessed schedule should not start judging them late.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "nvgrect/live.h"
#include "nvgrect/offline.h"
#include "verify_int.h"

#define US_PER_S 1000000ull
#define ICMP_ECHO 8
#define ICMP6_ECHO 128
#define IPPROTO_ICMP_NUM 1
#define IPPROTO_ICMP6_NUM 58

struct input {
	const char *path;
	struct nv_capfile *f;
	bool have;                  /* a record is pending */
	const uint8_t *data;
	uint32_t caplen, len, no;   /* no: 1-based frame number in its own file */
	uint64_t ts;
};

struct merge {
	struct input in[NV_OFFLINE_FILES_MAX];
	int n;
};

void nv_offline_schedule(const struct nv_plan *plan, uint32_t rate_pps, uint64_t *out)
{
	uint64_t gap = US_PER_S / (rate_pps ? rate_pps : NV_LIVE_RATE_DEFAULT);

	/* as gen/live_run.c due_at paces a run that never stalls */
	for (uint32_t i = 0; i < plan->n; i++) {
		uint64_t due = plan->p[i].t_offset_us;

		if (i > 0 && due < out[i - 1] + gap)
			due = out[i - 1] + gap;
		out[i] = due;
	}
}

static void close_all(struct merge *m)
{
	for (int i = 0; i < m->n; i++)
		nv_capfile_close(m->in[i].f);
	m->n = 0;
}

static int advance(struct input *in, struct nv_err *err)
{
	int rc = nv_capfile_next(in->f, &in->data, &in->caplen, &in->len, &in->ts, err);

	if (rc < 0) {
		char msg[NV_ERRBUF_SIZE];

		snprintf(msg, sizeof(msg), "%s", err->msg);
		return nv_errc(err, NV_EXIT_USAGE, "%s: %s", in->path, msg);
	}
	in->have = rc == 1;
	in->no += in->have;
	return 0;
}

static int open_all(struct merge *m, const char *const *paths, int n, struct nv_err *err)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < n; i++) {
		struct input *in = &m->in[i];
		int lt;

		in->path = paths[i];
		if (nv_capfile_open(&in->f, paths[i], err) < 0)
			break;
		m->n = i + 1;
		if ((lt = nv_capfile_linktype(in->f)) != DLT_EN10MB) {
			nv_errc(err, NV_EXIT_USAGE, "%s: link type %d, need Ethernet (1)",
				paths[i], lt);
			break;
		}
		if (advance(in, err) < 0)
			break;
		if (i + 1 == n)
			return 0;
	}
	close_all(m);
	return -1;
}

/* The input with the earliest pending record (ties: the file given first). */
static struct input *earliest(struct merge *m)
{
	struct input *best = NULL;

	for (int i = 0; i < m->n; i++)
		if (m->in[i].have && (!best || m->in[i].ts < best->ts))
			best = &m->in[i];
	return best;
}

static bool echo_request(const struct nv_pkt *p)
{
	return p->l4.present &&
	       ((p->l4.proto == IPPROTO_ICMP_NUM && p->l4.type == ICMP_ECHO) ||
		(p->l4.proto == IPPROTO_ICMP6_NUM && p->l4.type == ICMP6_ECHO));
}

/* The probe a frame from the DUT names by its nonce, -1 if none. */
static int64_t tagged_answer(const struct nv_verifier *v, const struct nv_pkt *p)
{
	const struct nv_tag *t = NULL;

	if (p->l4.has_tag && !echo_request(p))
		t = &p->l4.tag;
	else if ((p->is_icmp_error || p->inner_icmp_error) && p->quote.present &&
		 p->quote.has_tag)
		t = &p->quote.tag;
	if (!t || t->run_id != v->plan->run_id)
		return -1;
	return nv_vf_plan_index(v, t->frame);
}

static bool own_probe(const struct nv_verifier *v, const struct nv_pkt *p)
{
	if (!nv_vf_from_tester(v, p))
		return false;
	return p->l4.has_tag ? p->l4.tag.run_id == v->plan->run_id : p->gre.present;
}

/*
 * Pass 1: are our probes in the files? If not, where does the plan start?
 * Stops at the first probe: then the files give every send time.
 */
static int scan(struct nv_verifier *v, struct merge *m, const uint64_t *sched,
		struct nv_offline_info *info, struct nv_err *err)
{
	uint64_t anchor = UINT64_MAX, first = UINT64_MAX;
	struct input *in;
	struct nv_pkt p;

	while ((in = earliest(m)) != NULL) {
		int64_t f;

		if (first == UINT64_MAX)
			first = in->ts;
		nv_dissect_frame(in->data, in->caplen, in->len, &p);
		if (p.ip.present && own_probe(v, &p)) {
			info->times = NV_TIMES_PROBES;
			return 0;
		}
		if (p.ip.present && nv_vf_from_dut(v, &p) && (f = tagged_answer(v, &p)) >= 0 &&
		    in->ts >= sched[f] && in->ts - sched[f] < anchor)
			anchor = in->ts - sched[f];
		if (advance(in, err) < 0)
			return -1;
	}
	info->times = anchor != UINT64_MAX ? NV_TIMES_REPLY_ANCHOR
		    : first != UINT64_MAX ? NV_TIMES_FIRST_FRAME : NV_TIMES_NONE;
	info->t0_us = anchor != UINT64_MAX ? anchor : first;
	return 0;
}

/* sched[i] becomes the estimated absolute send time of entry i. */
static void place(const struct nv_plan *plan, uint64_t t0, uint64_t *sched)
{
	uint64_t prev = 0;

	for (uint32_t i = 0; i < plan->n; i++) {
		uint64_t gap = i ? sched[i] - prev : 0, slack = gap / 2;

		prev = sched[i];
		if (slack > NV_OFFLINE_SLACK_MAX_US)
			slack = NV_OFFLINE_SLACK_MAX_US;
		sched[i] = t0 + sched[i] - slack;
	}
}

/* Estimated ARP sends due up to ts (all of them when ts is UINT64_MAX). */
static void sends_until(struct nv_verifier *v, const uint64_t *sched, uint32_t *next,
			uint64_t ts)
{
	while (*next < v->narp && sched[v->arp[*next]] <= ts) {
		uint32_t f = v->arp[*next];

		nv_verify_sent(v, f, sched[f]);
		(*next)++;
	}
}

/* Pass 2: every frame of every file, in time order, through the verifier. */
static int feed(struct nv_verifier *v, struct merge *m, const uint64_t *sched,
		struct nv_offline_info *info, struct nv_err *err)
{
	struct input *in;
	uint32_t next = 0;

	while ((in = earliest(m)) != NULL) {
		if (sched)
			sends_until(v, sched, &next, in->ts);
		/* numbered within its own file, as a live run numbers capture.pcapng */
		nv_verify_frame(v, in->data, in->caplen, in->len, in->ts, in->no);
		info->frames++;
		if (advance(in, err) < 0)
			return -1;
	}
	if (sched)
		sends_until(v, sched, &next, UINT64_MAX);
	return 0;
}

static int estimate(struct nv_verifier *v, const char *const *paths, int npaths,
		    uint32_t rate_pps, uint64_t **sched, struct nv_offline_info *info,
		    struct nv_err *err)
{
	const struct nv_plan *plan = v->plan;
	struct merge m;
	int rc;

	*sched = NULL;
	if (v->o.stream || v->narp == 0) {
		info->times = NV_TIMES_NONE;
		return 0;
	}
	*sched = malloc((size_t)plan->n * sizeof(**sched));
	if (!*sched)
		return nv_errno(err, "send schedule for %u frames", plan->n);
	nv_offline_schedule(plan, rate_pps, *sched);
	if (open_all(&m, paths, npaths, err) < 0)
		return -1;
	rc = scan(v, &m, *sched, info, err);
	close_all(&m);
	if (rc < 0)
		return -1;
	if (info->times == NV_TIMES_REPLY_ANCHOR || info->times == NV_TIMES_FIRST_FRAME) {
		place(plan, info->t0_us, *sched);
		return 0;
	}
	free(*sched);
	*sched = NULL;
	return 0;
}

int nv_verify_files(const char *const *paths, int npaths, const struct nv_plan *plan,
		    const struct nv_dut *dut, const struct nv_verify_opts *o,
		    uint32_t rate_pps, struct nv_offline_info *info,
		    struct nv_result *out, struct nv_err *err)
{
	struct nv_verifier *v;
	uint64_t *sched = NULL;
	struct merge m;
	int rc;

	memset(info, 0, sizeof(*info));
	if (npaths < 1 || npaths > NV_OFFLINE_FILES_MAX)
		return nv_errc(err, NV_EXIT_USAGE, "between 1 and %d capture files",
			       NV_OFFLINE_FILES_MAX);
	if (nv_verify_new(&v, plan, dut, o, err) < 0)
		return -1;
	rc = estimate(v, paths, npaths, rate_pps, &sched, info, err);
	if (rc == 0 && (rc = open_all(&m, paths, npaths, err)) == 0) {
		rc = feed(v, &m, sched, info, err);
		/* frames point into the readers' buffers: finish (evidence is copied) first */
		if (rc == 0)
			rc = nv_verify_finish(v, out, err);
		close_all(&m);
	}
	free(sched);
	nv_verify_free(v);
	return rc;
}
