/*
 * plan.c - suites x cases x probes x FlowID values -> the ordered list of
 * frames to send, each with its key, VSID, FlowID, send time and comment.
 *
 * Everything here is a pure function of (suites, DUT, seed, case filter):
 * `verify` rebuilds the same plan to recognise a capture taken elsewhere.
 */
#include "nvgrect/craft.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define US_PER_MS 1000u
#define PLAN_MAX_FRAMES 10000000u     /* a suite asking for more is a typo */
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

uint64_t nv_plan_mix64(uint64_t x)
{
	/* splitmix64 finaliser: a bijection, so distinct inputs stay distinct */
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * FNV_PRIME;
	return h;
}

uint32_t nv_plan_flow_hash(const struct nv_addr *src, const struct nv_addr *dst,
			   uint8_t proto, uint16_t sport, uint16_t dport)
{
	size_t alen = src->family == AF_INET6 ? 16 : 4;
	uint8_t ports[5] = { proto, (uint8_t)(sport >> 8), (uint8_t)sport,
			     (uint8_t)(dport >> 8), (uint8_t)dport };
	uint64_t h = fnv(FNV_OFFSET, src->a, alen);

	h = fnv(h, dst->a, alen);
	h = fnv(h, ports, sizeof(ports));
	/* fold all 64 bits into the 8-bit FlowID */
	h ^= h >> 32;
	h ^= h >> 16;
	h ^= h >> 8;
	return (uint32_t)(h & 0xffu);
}

const char *nv_plan_expect_str(const struct nv_case *c, char *buf, unsigned len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < c->nexpect && n < len; i++) {
		const struct nv_expect *e = &c->expect[i];
		int w = snprintf(buf + n, len - n, "%s%s%s%s", i ? "|" : "",
				 nv_obs_name(e->obs), e->signature[0] ? ":" : "",
				 e->signature);

		if (w < 0)
			break;
		n += (size_t)w;
	}
	if (c->nexpect == 0)
		snprintf(buf, len, "any");
	return buf;
}

static const struct nv_tenant *tenant_named(const struct nv_dut *d, const char *name)
{
	for (int i = 0; i < d->ntenants; i++)
		if (strcmp(d->tenants[i].name, name) == 0)
			return &d->tenants[i];
	return NULL;
}

static const struct nv_tenant *tenant_vsid(const struct nv_dut *d, uint32_t vsid)
{
	for (int i = 0; i < d->ntenants; i++)
		if (d->tenants[i].vsid == vsid)
			return &d->tenants[i];
	return NULL;
}

/* How many FlowID values one repetition of the probe walks through. */
static uint32_t flow_values(const struct nv_probe *p)
{
	uint32_t step;

	switch (p->flowid.mode) {
	case NV_FLOWID_LIST:
		return p->flowid.n > 0 ? (uint32_t)p->flowid.n : 1;
	case NV_FLOWID_SWEEP:
		step = p->flowid.step ? p->flowid.step : 1;
		return p->flowid.to >= p->flowid.from
			? (p->flowid.to - p->flowid.from) / step + 1 : 1;
	default:
		return 1;
	}
}

static uint32_t probe_frames(const struct nv_probe *p)
{
	uint32_t count = p->count ? p->count : 1;

	return flow_values(p) * count;
}

/* Per-probe state resolved once: layout, tenant, VSID, 5-tuple hash. */
struct probe_ctx {
	const struct nv_suite *s;
	const struct nv_case *c;
	const struct nv_probe *p;
	const struct nv_layout *layout;   /* NULL for a raw key */
	const struct nv_layout *name_layout;
	const struct nv_tenant *tenant;
	uint32_t vsid;
	uint32_t flow_mask;
	uint32_t hash;
};

static int resolve_probe(const struct nv_run_input *in, struct probe_ctx *pc,
			 struct nv_err *err)
{
	const struct nv_probe *p = pc->p;
	const char *lname = p->layout[0] ? p->layout : "rfc7637";
	struct nv_addr src, dst;
	uint8_t proto;
	uint16_t sport, dport;

	pc->name_layout = nv_key_layout_find(&pc->s->layouts, lname);
	if (!pc->name_layout)
		return nv_errc(err, NV_EXIT_USAGE, "%s:%d:%d: case %s: unknown layout '%s'",
			       pc->s->path, p->line, p->col, pc->c->id, lname);
	pc->layout = p->has_key ? NULL : pc->name_layout;
	if (nv_craft_family_conflict(p, &in->dut->dut.pa))
		return nv_errc(err, NV_EXIT_USAGE,
			       "%s:%d:%d: case %s: outer family %s, but the DUT's pa is %s",
			       pc->s->path, p->line, p->col, pc->c->id,
			       p->outer.family == AF_INET6 ? "ipv6" : "ipv4",
			       in->dut->dut.pa.family == AF_INET6 ? "IPv6" : "IPv4");
	if (p->tenant[0]) {
		pc->tenant = tenant_named(in->dut, p->tenant);
		if (!pc->tenant)
			return nv_errc(err, NV_EXIT_USAGE,
				       "%s:%d:%d: case %s: tenant '%s' is not in the DUT file %s",
				       pc->s->path, p->line, p->col, pc->c->id, p->tenant,
				       in->dut->path[0] ? in->dut->path : "(built-in)");
	} else if (p->has_vsid) {
		pc->tenant = tenant_vsid(in->dut, p->vsid);
	} else {
		pc->tenant = in->dut->ntenants ? &in->dut->tenants[0] : NULL;
	}
	if (p->has_vsid)
		pc->vsid = p->vsid;
	else if (pc->tenant)
		pc->vsid = pc->tenant->vsid;
	else if (!p->has_key)
		return nv_errc(err, NV_EXIT_USAGE,
			       "%s:%d:%d: case %s: no tenant in the DUT file and no vsid",
			       pc->s->path, p->line, p->col, pc->c->id);
	pc->flow_mask = pc->name_layout->flow_width
		? (1u << pc->name_layout->flow_width) - 1u : 0;
	if (nv_craft_inner_flow(in->dut, pc->tenant, p, &src, &dst, &proto, &sport,
				&dport, err) < 0)
		return -1;
	pc->hash = nv_plan_flow_hash(&src, &dst, proto, sport, dport);
	return 0;
}

static uint32_t flowid_for(const struct nv_run_input *in, const struct probe_ctx *pc,
			   uint32_t variant, uint32_t frame)
{
	const struct nv_probe *p = pc->p;
	uint32_t nv = flow_values(p), i = variant % nv;

	switch (p->flowid.mode) {
	case NV_FLOWID_LIST:
		return p->flowid.n > 0 ? p->flowid.values[i] : 0;
	case NV_FLOWID_SWEEP:
		return p->flowid.from + i * (p->flowid.step ? p->flowid.step : 1);
	case NV_FLOWID_RANDOM:
		return (uint32_t)nv_plan_mix64(in->seed ^ ((uint64_t)frame << 20)) &
		       pc->flow_mask;
	case NV_FLOWID_HASH:
		return pc->hash & pc->flow_mask;
	default:
		return p->flowid.n > 0 ? p->flowid.values[0] : 0;
	}
}

static void comment_for(struct nv_planned *pl, const struct probe_ctx *pc)
{
	char ex[96];

	snprintf(pl->comment, sizeof(pl->comment),
		 "%s %s vsid=%u flowid=%u key=0x%08x expect=%s", pc->c->id,
		 pc->layout ? pc->layout->name : "raw", pl->vsid, pl->flowid, pl->key,
		 nv_plan_expect_str(pc->c, ex, sizeof(ex)));
}

static int fill_frame(const struct nv_run_input *in, const struct probe_ctx *pc,
		      struct nv_planned *pl, struct nv_err *err)
{
	const struct nv_probe *p = pc->p;
	struct nv_key_reading r;
	struct nv_err kerr;

	pl->suite = pc->s;
	pl->kase = pc->c;
	pl->probe = p;
	pl->layout = pc->layout;
	pl->tenant = pc->tenant;
	if (p->has_key) {
		/* show what the raw key means under the probe's layout */
		nv_key_decode(pc->name_layout, p->key, &r);
		pl->key = p->key;
		pl->vsid = r.vsid;
		pl->flowid = r.flowid;
	} else {
		pl->vsid = pc->vsid;
		pl->flowid = flowid_for(in, pc, pl->variant, pl->frame);
		if (nv_key_encode(pc->layout, pl->vsid, pl->flowid, &pl->key, &kerr) < 0)
			return nv_errc(err, NV_EXIT_USAGE, "%s:%d:%d: case %s: %s",
				       pc->s->path, p->line, p->col, pc->c->id, kerr.msg);
	}
	comment_for(pl, pc);
	return 0;
}

static bool case_selected(const struct nv_run_input *in, const struct nv_case *c)
{
	if (in->ncase_filter == 0)
		return true;
	for (int i = 0; i < in->ncase_filter; i++)
		if (strcmp(in->case_filter[i], c->id) == 0)
			return true;
	return false;
}

/* Count the frames first so the plan is one allocation. */
static int count_frames(const struct nv_run_input *in, uint64_t *total)
{
	*total = 0;
	for (int si = 0; si < in->nsuites; si++) {
		const struct nv_suite *s = &in->suites[si];

		for (int ci = 0; ci < s->ncases; ci++) {
			if (!case_selected(in, &s->cases[ci]))
				continue;
			for (int pi = 0; pi < s->cases[ci].nprobes; pi++)
				*total += probe_frames(&s->cases[ci].probes[pi]);
		}
	}
	return 0;
}

/*
 * The gap before a frame: pacing_ms is the default gap between any two
 * frames (ICMP rate limits apply inside a probe too); a probe's gap_ms,
 * when written, replaces it between that probe's own frames.
 */
static uint64_t gap_before(const struct nv_suite *s, const struct nv_probe *p,
			   uint32_t variant)
{
	if (variant > 0 && p->has_gap)
		return (uint64_t)p->gap_ms * US_PER_MS;
	return (uint64_t)s->default_gap_ms * US_PER_MS;
}

static int expand_probe(const struct nv_run_input *in, struct probe_ctx *pc,
			uint16_t si, uint16_t ci, uint16_t pi, struct nv_plan *plan,
			uint64_t *t, struct nv_err *err)
{
	uint32_t n = probe_frames(pc->p);

	if (resolve_probe(in, pc, err) < 0)
		return -1;
	for (uint32_t v = 0; v < n; v++) {
		struct nv_planned *pl = &plan->p[plan->n];

		memset(pl, 0, sizeof(*pl));
		pl->frame = plan->n;
		pl->suite_idx = si;
		pl->case_idx = ci;
		pl->probe_idx = pi;
		pl->variant = v;
		if (plan->n > 0)
			*t += gap_before(pc->s, pc->p, v);
		pl->t_offset_us = *t;
		if (fill_frame(in, pc, pl, err) < 0)
			return -1;
		plan->n++;
	}
	return 0;
}

int nv_plan_build(const struct nv_run_input *in, struct nv_plan *plan,
		  struct nv_err *err)
{
	uint64_t total, t = 0;

	memset(plan, 0, sizeof(*plan));
	plan->seed = in->seed;
	plan->run_id = (uint32_t)(nv_plan_mix64(in->seed) >> 32);
	count_frames(in, &total);
	if (total > PLAN_MAX_FRAMES)
		return nv_errc(err, NV_EXIT_USAGE,
			       "the suites ask for %llu frames (limit %u): use --count for streams",
			       (unsigned long long)total, PLAN_MAX_FRAMES);
	if (total == 0)
		return nv_errc(err, NV_EXIT_USAGE, "no case selected: nothing to send");
	plan->p = calloc(total, sizeof(*plan->p));
	if (!plan->p)
		return nv_errno(err, "plan of %llu frames", (unsigned long long)total);
	for (int si = 0; si < in->nsuites; si++) {
		const struct nv_suite *s = &in->suites[si];

		for (int ci = 0; ci < s->ncases; ci++) {
			const struct nv_case *c = &s->cases[ci];

			if (!case_selected(in, c))
				continue;
			for (int pi = 0; pi < c->nprobes; pi++) {
				struct probe_ctx pc = { .s = s, .c = c, .p = &c->probes[pi] };

				if (expand_probe(in, &pc, (uint16_t)si, (uint16_t)ci,
						 (uint16_t)pi, plan, &t, err) < 0) {
					nv_plan_free(plan);
					return -1;
				}
			}
		}
	}
	return 0;
}

void nv_plan_free(struct nv_plan *plan)
{
	free(plan->p);
	plan->p = NULL;
	plan->n = 0;
}

const struct nv_planned *nv_plan_get(const struct nv_plan *plan, uint32_t frame)
{
	return frame < plan->n ? &plan->p[frame] : NULL;
}
