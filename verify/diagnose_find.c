/*
 * diagnose_find.c - the findings of `nvgrect diagnose`, in plain words,
 * each with the frames that prove it. Written after the layouts are
 * inferred; sorted by severity, then by how much traffic they concern.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose_int.h"

#define DX_LOWBYTE_MASK 0xFFu
#define DX_RANK_TOP 1000000000
#define DX_RANK_PEER 10000000
#define DX_CITE_SENT 3          /* frames of the offending key cited first */

struct fctx {
	const struct nv_diagnose *x;
	struct nv_diagnosis *out;
	bool mismatch[NV_DX_HOST_MAX];  /* host is part of a layout-mismatch finding */
};

static int u64cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* " (frames 12, 14, 19)" or " (frames 12, 14 and 40 more)". */
static void frames_str(const struct nv_dx_frames *fr, char *buf, size_t len)
{
	uint64_t f[NV_DX_FRAMES_CITED];
	size_t o;

	buf[0] = '\0';
	if (fr->n == 0)
		return;
	memcpy(f, fr->f, sizeof(f[0]) * (size_t)fr->n);
	qsort(f, (size_t)fr->n, sizeof(f[0]), u64cmp);
	o = (size_t)snprintf(buf, len, " (frame%s", fr->total > 1 ? "s" : "");
	for (int i = 0; i < fr->n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s %llu", i ? "," : "",
				      (unsigned long long)f[i]);
	if (fr->total > (uint64_t)fr->n && o < len)
		o += (size_t)snprintf(buf + o, len - o, " and %llu more",
				      (unsigned long long)(fr->total - (uint64_t)fr->n));
	if (o < len)
		snprintf(buf + o, len - o, ")");
}

__attribute__((format(printf, 6, 7)))
static struct nv_dx_finding *fadd(struct fctx *c, enum nv_dx_severity sev,
				  const char *code, const struct nv_dx_frames *fr,
				  long long rank, const char *fmt, ...)
{
	struct nv_dx_finding *f;
	va_list ap;

	if (c->out->nfindings >= NV_DX_FINDING_MAX)
		return NULL;
	f = &c->out->findings[c->out->nfindings++];
	memset(f, 0, sizeof(*f));
	f->severity = sev;
	snprintf(f->code, sizeof(f->code), "%s", code);
	if (fr)
		f->frames = *fr;
	f->rank = rank > DX_RANK_TOP ? DX_RANK_TOP : (int)rank;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
	return f;
}

static const char *pa_str(const struct fctx *c, int h, char *buf, size_t len)
{
	return nv_addr_str(&c->x->hosts[h].pa, buf, (unsigned)len);
}

static bool is_mixed(const struct fctx *c, int h)
{
	return c->out->hosts[h].mixed;
}

static int layout_of(const struct fctx *c, int h)
{
	return c->out->hosts[h].layout;
}

static const struct dx_key *top_key(const struct dx_dir *d)
{
	const struct dx_key *k = d->nkeys ? &d->keys[0] : NULL;

	for (int i = 1; i < d->nkeys; i++)
		if (d->keys[i].frames.total > k->frames.total)
			k = &d->keys[i];
	return k;
}

/* The first endpoint rejection R sent for traffic in d (NULL if none). */
static const struct dx_rej *first_rej(const struct dx_dir *d, bool want_no_gre)
{
	for (int i = 0; i < d->nrej; i++)
		if (d->rej[i].rejecter == d->dst && dx_no_gre(&d->rej[i]) == want_no_gre)
			return &d->rej[i];
	return NULL;
}

static void sig_str(const struct dx_rej *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s %u/%u%s", r->family == AF_INET6 ? "ICMPv6" : "ICMP",
		 r->type, r->code, r->in_nvgre ? " inside NVGRE" : "");
}

/* Echo/ARP requests sent s->d whose VM pair never saw a reply. */
static uint64_t unanswered(const struct nv_diagnose *x, int s, int d,
			   struct nv_dx_frames *fr, const struct dx_conv **ex)
{
	uint64_t n = 0;

	*ex = NULL;
	for (int i = 0; i < x->nconvs; i++) {
		const struct dx_conv *c = &x->convs[i];
		int side = c->h[0] == s ? 0 : 1;

		if (c->h[side] != s || c->h[!side] != d)
			continue;
		if (c->side[side].requests == 0 || c->side[!side].replies != 0)
			continue;
		n += c->side[side].requests;
		dx_frames_merge(fr, &c->side[side].req_frames);
		if (!*ex)
			*ex = c;
	}
	return n;
}

/* One direction of a mismatch: "S sends ...; R reads that as ... (frames)." */
static void mismatch_dir(struct fctx *c, const struct dx_dir *d, char *buf, size_t len,
			 struct nv_dx_frames *all)
{
	const struct nv_diagnose *x = c->x;
	const struct dx_key *top = top_key(d);
	const struct dx_rej *r = first_rej(d, false);
	struct dx_key from_rej;
	const struct dx_key *k = top;
	const struct dx_conv *ex;
	struct nv_dx_frames fr = { 0 }, un = { 0 };
	int ls = layout_of(c, d->src), lr = layout_of(c, d->dst);
	char s[64], rr[64], v[32], v2[32], what[160], sig[48], fs[160];
	uint64_t nun = unanswered(x, d->src, d->dst, &un, &ex);

	if (!k && r) {      /* the capture holds only the rejections of it */
		memset(&from_rej, 0, sizeof(from_rej));
		from_rej.key = r->key;
		k = &from_rej;
	}
	if (!k)
		return;
	if (r && r->key != k->key)  /* cite the rejection of the key named */
		for (int i = 0; i < d->nrej; i++)
			if (d->rej[i].rejecter == d->dst && d->rej[i].key == k->key)
				r = &d->rej[i];
	for (int i = 0; i < k->frames.n && i < DX_CITE_SENT; i++)
		dx_frames_add(&fr, k->frames.f[i]);
	fr.total = k->frames.total;
	dx_vsid_str(dx_vsid(x, ls, k->key), v, sizeof(v));
	dx_vsid_str(dx_vsid(x, lr, k->key), v2, sizeof(v2));
	if (r) {
		sig_str(r, sig, sizeof(sig));
		snprintf(what, sizeof(what), "answers %s", sig);
		dx_frames_merge(&fr, &r->frames);
	} else if (nun) {
		snprintf(what, sizeof(what), "drops it without a word: %llu request%s sent "
			 "that way got no reply", (unsigned long long)nun, nun > 1 ? "s" : "");
		dx_frames_merge(&fr, &un);
	} else {
		snprintf(what, sizeof(what), "so cannot deliver it to the tenant it is meant for");
	}
	frames_str(&fr, fs, sizeof(fs));
	dx_frames_merge(all, &fr);
	dx_fmt(buf, len, "%s sends VSID %s in the %s layout (key 0x%08x); %s reads that as "
		 "VSID %s and %s%s. ", pa_str(c, d->src, s, sizeof(s)), v, dx_layout_words(ls),
		 k->key, pa_str(c, d->dst, rr, sizeof(rr)), v2, what, fs);
}

static int mismatched_peers(const struct fctx *c, int h)
{
	int n = 0;

	for (int i = 0; i < c->out->npairs; i++) {
		const struct nv_dx_pair *p = &c->out->pairs[i];

		n += p->compatible == 0 && (p->a == h || p->b == h);
	}
	return n;
}

static void find_mismatch(struct fctx *c)
{
	for (int i = 0; i < c->out->npairs; i++) {
		const struct nv_dx_pair *p = &c->out->pairs[i];
		int dab = dx_dir_find(c->x, p->a, p->b), dba = dx_dir_find(c->x, p->b, p->a);
		char t[2][NV_DX_TEXT_LEN / 2] = { "", "" }, dr[64];
		struct nv_dx_frames all = { 0 };
		int draft;

		if (p->compatible != 0 || is_mixed(c, p->a) || is_mixed(c, p->b))
			continue;
		draft = layout_of(c, p->a) == DX_DRAFT ? p->a : p->b;
		if (draft != p->a) {    /* the draft-00 host's direction first */
			int t_ = dab;

			dab = dba;
			dba = t_;
		}
		if (dab >= 0)
			mismatch_dir(c, &c->x->dirs[dab], t[0], sizeof(t[0]), &all);
		if (dba >= 0)
			mismatch_dir(c, &c->x->dirs[dba], t[1], sizeof(t[1]), &all);
		c->mismatch[p->a] = c->mismatch[p->b] = true;
		/* a host at odds with many peers first, then by traffic */
		fadd(c, NV_DX_CRITICAL, "layout-mismatch", &all,
		     (long long)mismatched_peers(c, draft) * DX_RANK_PEER + (long long)all.total,
		     "%s%sThe hosts use different NVGRE key layouts: bring %s to RFC 7637 "
		     "(KB2779768 on Windows Server 2012).", t[0], t[1],
		     pa_str(c, draft, dr, sizeof(dr)));
	}
}

/* Key k from S means VSID v to S and v2 to a host of the other layout. */
static void find_alias_key(struct fctx *c, const struct dx_dir *d, const struct dx_key *k)
{
	const struct nv_diagnose *x = c->x;
	int ls = layout_of(c, d->src), lr = layout_of(c, d->dst);
	uint32_t v = dx_vsid(x, ls, k->key), v2 = dx_vsid(x, !ls, k->key);
	char s[64], r[64], h[64], vs[32], v2s[32], fs[160];
	int user = -1;

	if (v == v2 || dx_reserved(v2))
		return;
	dx_vsid_str(v, vs, sizeof(vs));
	dx_vsid_str(v2, v2s, sizeof(v2s));
	frames_str(&k->frames, fs, sizeof(fs));
	pa_str(c, d->src, s, sizeof(s));
	pa_str(c, d->dst, r, sizeof(r));
	if (lr == !ls && (dx_serves(x, d->dst, lr, v2) ||
			  (x->has_dut && dx_provisioned(x, v2)))) {
		fadd(c, NV_DX_CRITICAL, "tenant-aliasing", &k->frames,
		     (long long)k->frames.total,
		     "%s reads key 0x%08x from %s (VSID %s) as VSID %s, a tenant it carries "
		     "itself: traffic of VSID %s can land in tenant %s%s.",
		     r, k->key, s, vs, v2s, vs, v2s, fs);
		return;
	}
	for (int i = 0; i < c->out->nhosts && user < 0; i++)
		if (i != d->src && !is_mixed(c, i) && layout_of(c, i) == !ls &&
		    dx_serves(x, i, !ls, v2))
			user = i;
	if (user < 0)
		return;
	fadd(c, NV_DX_WARNING, "possible-aliasing", &k->frames, (long long)k->frames.total,
	     "Possible tenant aliasing: key 0x%08x is VSID %s to %s (%s) but VSID %s to a "
	     "%s host, and %s uses VSID %s: a %s host receiving this traffic would deliver "
	     "it into that tenant%s.", k->key, vs, s, dx_layout_words(ls), v2s,
	     dx_layout_words(!ls), pa_str(c, user, h, sizeof(h)), v2s,
	     dx_layout_words(!ls), fs);
}

static void find_aliasing(struct fctx *c)
{
	for (int i = 0; i < c->x->ndirs; i++) {
		const struct dx_dir *d = &c->x->dirs[i];

		if (layout_of(c, d->src) < 0 || is_mixed(c, d->src) || is_mixed(c, d->dst))
			continue;
		for (int k = 0; k < d->nkeys; k++)
			find_alias_key(c, d, &d->keys[k]);
	}
}

/* The sender's layout is unknown or matches: say what the rejection means. */
static void reject_finding(struct fctx *c, const struct dx_dir *d, const struct dx_rej *j,
			   const char *s, const char *r)
{
	const struct nv_diagnose *x = c->x;
	int ls = layout_of(c, d->src);
	char sig[48], fs[160], vs[32], v2s[32];
	uint32_t v;

	sig_str(j, sig, sizeof(sig));
	frames_str(&j->frames, fs, sizeof(fs));
	if (ls < 0) {
		dx_vsid_str(dx_vsid(x, DX_RFC, j->key), vs, sizeof(vs));
		dx_vsid_str(dx_vsid(x, DX_DRAFT, j->key), v2s, sizeof(v2s));
		fadd(c, NV_DX_ERROR, "rejected", &j->frames, (long long)j->frames.total,
		     "%s rejects key 0x%08x from %s (VSID %s under RFC 7637, %s under "
		     "draft-00) with %s%s.", r, j->key, s, vs, v2s, sig, fs);
		return;
	}
	v = dx_vsid(x, ls, j->key);
	dx_vsid_str(v, vs, sizeof(vs));
	if (dx_other_key_accepted(x, d, ls, j->key)) {
		fadd(c, NV_DX_ERROR, "flowid-intolerant", &j->frames, (long long)j->frames.total,
		     "%s rejects key 0x%08x (VSID %s, FlowID 0x%02x) from %s with %s%s, "
		     "while it takes other keys of VSID %s: it matches the whole 32-bit key "
		     "and is not FlowID tolerant. Turn FlowID entropy off on %s, or make %s "
		     "ignore the FlowID byte.", r, j->key, vs, j->key & DX_LOWBYTE_MASK, s,
		     sig, fs, vs, s, r);
		return;
	}
	fadd(c, NV_DX_ERROR, "unknown-vsid", &j->frames, (long long)j->frames.total,
	     "%s rejects VSID %s from %s (key 0x%08x, %s layout) with %s%s. %s "
	     "does not serve VSID %s%s: provision the tenant there or fix the VSID on %s.",
	     r, vs, s, j->key, dx_layout_words(ls), sig, fs, r, vs,
	     x->has_dut && !dx_provisioned(x, v) ? " (nor does the DUT file list it)" : "", s);
}

/* ICMP protocol unreachable (or ICMPv6 4/1): no GRE there at all. */
static void find_no_gre(struct fctx *c, const struct dx_dir *d)
{
	char s[64], r[64], sig[48], fs[160];

	for (int i = 0; i < d->nrej; i++) {
		const struct dx_rej *j = &d->rej[i];

		if (j->rejecter != d->dst || !dx_no_gre(j))
			continue;
		sig_str(j, sig, sizeof(sig));
		frames_str(&j->frames, fs, sizeof(fs));
		pa_str(c, d->src, s, sizeof(s));
		pa_str(c, d->dst, r, sizeof(r));
		if (c->x->hosts[d->dst].sent) {     /* yet it sends NVGRE itself */
			fadd(c, NV_DX_INFO, "kernel-no-gre", &j->frames, (long long)j->frames.total,
			     "%s also answers NVGRE from %s with %s%s, while it sends NVGRE itself: "
			     "its kernel has no GRE and a userspace endpoint serves NVGRE beside "
			     "it. Harmless, but every frame draws an ICMP error.", r, s, sig, fs);
			return;
		}
		fadd(c, NV_DX_ERROR, "no-gre-endpoint", &j->frames, (long long)j->frames.total,
		     "%s answers NVGRE from %s with %s (%s): nothing on %s terminates GRE, "
		     "so no NVGRE endpoint runs there%s.", r, s, sig,
		     j->family == AF_INET6 ? "unrecognised next header" : "protocol unreachable",
		     r, fs);
		return;     /* once per direction is enough */
	}
}

static void find_rejects_dir(struct fctx *c, const struct dx_dir *d)
{
	char s[64], r[64];

	pa_str(c, d->src, s, sizeof(s));
	pa_str(c, d->dst, r, sizeof(r));
	for (int i = 0; i < d->nrej; i++)
		if (d->rej[i].rejecter == d->dst && !dx_no_gre(&d->rej[i]))
			reject_finding(c, d, &d->rej[i], s, r);
	find_no_gre(c, d);
}

/* A tester sends every layout on purpose: its rejections say what the peer reads. */
static void find_rejects_mixed(struct fctx *c, const struct dx_dir *d)
{
	struct nv_dx_frames fr = { 0 };
	const struct dx_rej *ex = NULL;
	int lr = layout_of(c, d->dst), n = 0;
	char s[64], r[64], sig[48], fs[160], v[32], v2[32], how[200] = "";

	for (int i = 0; i < d->nrej; i++) {
		if (d->rej[i].rejecter != d->dst || dx_no_gre(&d->rej[i]))
			continue;
		ex = ex ? ex : &d->rej[i];
		dx_frames_merge(&fr, &d->rej[i].frames);
		n++;
	}
	if (!ex)
		return;
	sig_str(ex, sig, sizeof(sig));
	if (lr >= 0) {
		dx_vsid_str(dx_vsid(c->x, !lr, ex->key), v, sizeof(v));
		dx_vsid_str(dx_vsid(c->x, lr, ex->key), v2, sizeof(v2));
		dx_fmt(how, sizeof(how), ": e.g. key 0x%08x, VSID %s under %s, which %s (%s) "
		       "reads as VSID %s", ex->key, v, dx_layout_words(!lr),
		       pa_str(c, d->dst, r, sizeof(r)), dx_layout_words(lr), v2);
	}
	frames_str(&fr, fs, sizeof(fs));
	fadd(c, NV_DX_INFO, "probes-rejected", &fr, (long long)fr.total,
	     "%s rejects %d of the keys %s sends with %s%s%s.", pa_str(c, d->dst, r, sizeof(r)),
	     n, pa_str(c, d->src, s, sizeof(s)), sig, how, fs);
}

static void find_mixed(struct fctx *c)
{
	for (int h = 0; h < c->out->nhosts; h++) {
		const struct nv_dx_host *o = &c->out->hosts[h];
		char s[64], v[32];

		if (!o->mixed)
			continue;
		dx_vsid_str(dx_vsid(c->x, DX_RFC, o->mixed_keys[0]), v, sizeof(v));
		fadd(c, NV_DX_INFO, "mixed-sender", NULL, 0,
		     "%s sends the same VSID in both key layouts (VSID %s as 0x%08x and 0x%08x): "
		     "a conformance tester, or a host in the middle of a migration. Its own layout "
		     "means little; its peers' answers show theirs.", pa_str(c, h, s, sizeof(s)), v,
		     o->mixed_keys[0], o->mixed_keys[1]);
	}
}

static void find_rejects(struct fctx *c)
{
	for (int i = 0; i < c->x->ndirs; i++) {
		const struct dx_dir *d = &c->x->dirs[i];

		if (is_mixed(c, d->src)) {
			find_rejects_mixed(c, d);
			find_no_gre(c, d);
			continue;
		}

		if (c->mismatch[d->src] && c->mismatch[d->dst] &&
		    layout_of(c, d->src) != layout_of(c, d->dst))
			continue;   /* the mismatch finding explains these */
		find_rejects_dir(c, d);
	}
}

static void find_unanswered(struct fctx *c)
{
	for (int i = 0; i < c->x->ndirs; i++) {
		const struct dx_dir *d = &c->x->dirs[i];
		struct nv_dx_frames fr = { 0 };
		const struct dx_conv *ex;
		char s[64], r[64], a[64], b[64], fs[160];
		int side;
		uint64_t n;

		if (layout_of(c, d->src) >= 0 && layout_of(c, d->dst) >= 0 &&
		    layout_of(c, d->src) != layout_of(c, d->dst) && !is_mixed(c, d->src))
			continue;
		if (first_rej(d, false) || first_rej(d, true))
			continue;
		n = unanswered(c->x, d->src, d->dst, &fr, &ex);
		if (!n)
			continue;
		side = ex->h[0] == d->src ? 0 : 1;
		dx_ca_str(&ex->ca[side], a, sizeof(a));
		dx_ca_str(&ex->ca[!side], b, sizeof(b));
		frames_str(&fr, fs, sizeof(fs));
		fadd(c, NV_DX_ERROR, "unanswered", &fr, (long long)n,
		     "%llu echo/ARP request%s sent from %s to %s got no reply and no ICMP error "
		     "(e.g. VM %s to VM %s, key 0x%08x)%s: the traffic is lost at %s or beyond%s.",
		     (unsigned long long)n, n > 1 ? "s" : "", pa_str(c, d->src, s, sizeof(s)),
		     pa_str(c, d->dst, r, sizeof(r)), a, b, ex->side[side].key, fs, r,
		     dx_dir_find(c->x, d->dst, d->src) < 0 ?
		     " (or the capture saw only one direction: nothing from it is in the file)" : "");
	}
}

static void find_draft_hosts(struct fctx *c)
{
	struct nv_dx_frames fr = { 0 };
	char list[NV_DX_TEXT_LEN / 3] = "", s[64];
	size_t o = 0;
	int n = 0;

	for (int h = 0; h < c->out->nhosts; h++) {
		if (layout_of(c, h) != DX_DRAFT || c->mismatch[h] || is_mixed(c, h))
			continue;
		for (int i = 0; i < c->x->ndirs; i++)
			if (c->x->dirs[i].src == h && c->x->dirs[i].nkeys)
				dx_frames_merge(&fr, &c->x->dirs[i].keys[0].frames);
		if (o < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", n ? ", " : "",
					      pa_str(c, h, s, sizeof(s)));
		n++;
	}
	if (!n)
		return;
	fadd(c, NV_DX_WARNING, "draft00-host", &fr, (long long)fr.total,
	     "%s use%s the draft-00 key layout (VSID in the low 24 bits: Windows Server 2012 "
	     "without KB2779768). That works between draft-00 hosts, but every RFC 7637 "
	     "endpoint (Windows Server 2012 with KB2779768, 2012 R2 and later, switches, "
	     "gateways) reads these VSIDs wrongly: bring %s to RFC 7637 (install KB2779768).",
	     list, n > 1 ? "" : "s", n > 1 ? "them" : "it");
}

__attribute__((format(printf, 5, 6)))
static void dir_flag(struct fctx *c, const struct dx_dir *d, const struct nv_dx_frames *fr,
		     const char *code, const char *fmt, ...)
{
	char s[64], r[64], fs[160], what[NV_DX_TEXT_LEN / 2];
	va_list ap;

	if (fr->total == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	frames_str(fr, fs, sizeof(fs));
	fadd(c, NV_DX_WARNING, code, fr, (long long)fr->total, "%s sends %s to %s: %llu frame%s%s.",
	     pa_str(c, d->src, s, sizeof(s)), what, pa_str(c, d->dst, r, sizeof(r)),
	     (unsigned long long)fr->total, fr->total > 1 ? "s" : "", fs);
}

static void path_error(struct fctx *c, const struct dx_dir *d)
{
	char s[64], r[64], from[64], fs[160];
	const char *what = "an error from the path";

	if (d->path_err.total == 0)
		return;
	if ((d->path_family == AF_INET && d->path_type == DX_ICMP_UNREACH &&
	     d->path_code == DX_ICMP_FRAG_NEEDED) ||
	    (d->path_family == AF_INET6 && d->path_type == DX_ICMP6_TOO_BIG))
		what = "the path MTU is too small for these NVGRE frames";
	else if ((d->path_family == AF_INET && d->path_type == DX_ICMP_TIME_EXCEEDED) ||
		 (d->path_family == AF_INET6 && d->path_type == DX_ICMP6_TIME_EXCEEDED))
		what = "the frames run out of hops";
	frames_str(&d->path_err, fs, sizeof(fs));
	fadd(c, NV_DX_WARNING, "path-error", &d->path_err, (long long)d->path_err.total,
	     "NVGRE from %s to %s draws %s %u/%u from %s on the path: %s%s.",
	     pa_str(c, d->src, s, sizeof(s)), pa_str(c, d->dst, r, sizeof(r)),
	     d->path_family == AF_INET6 ? "ICMPv6" : "ICMP", d->path_type, d->path_code,
	     nv_addr_str(&d->path_from, from, sizeof(from)), what, fs);
}

static void find_sender_rules(struct fctx *c)
{
	for (int i = 0; i < c->x->ndirs; i++) {
		const struct dx_dir *d = &c->x->dirs[i];

		dir_flag(c, d, &d->cs_bits, "gre-cs-bits",
			 "GRE with the C or S bit set (RFC 7637 §3.2: both MUST be zero)");
		dir_flag(c, d, &d->gre_odd, "gre-reserved-bits",
			 "GRE with a non-zero version, R, s, recursion or reserved field");
		dir_flag(c, d, &d->inner_vlan, "inner-vlan",
			 "inner frames with an 802.1Q tag (RFC 7637 §3.3: MUST NOT; the "
			 "receiver MUST drop them)");
		dir_flag(c, d, &d->fragments, "outer-fragments",
			 "fragmented NVGRE packets (RFC 7637 §4.4: a sender MUST NOT fragment; "
			 "the receiver MAY drop them)");
		path_error(c, d);
	}
}

static void find_reserved(struct fctx *c)
{
	for (int i = 0; i < c->x->ndirs; i++) {
		const struct dx_dir *d = &c->x->dirs[i];
		int ls = layout_of(c, d->src);
		char s[64], vs[32], fs[160];

		if (ls < 0 || is_mixed(c, d->src))
			continue;
		for (int k = 0; k < d->nkeys; k++) {
			uint32_t v = dx_vsid(c->x, ls, d->keys[k].key);

			if (!dx_reserved(v))
				continue;
			dx_vsid_str(v, vs, sizeof(vs));
			frames_str(&d->keys[k].frames, fs, sizeof(fs));
			fadd(c, NV_DX_WARNING, "reserved-vsid", &d->keys[k].frames,
			     (long long)d->keys[k].frames.total,
			     "%s sends reserved VSID %s (key 0x%08x, %s layout): RFC 7637 §3.4 "
			     "reserves 0-0xFFF and 0xFFFFFF%s.", pa_str(c, d->src, s, sizeof(s)), vs,
			     d->keys[k].key, dx_layout_words(ls), fs);
		}
	}
}

static void find_flowid(struct fctx *c)
{
	char absent[NV_DX_TEXT_LEN / 2] = "";
	size_t o = 0;
	int nabsent = 0;

	for (int h = 0; h < c->out->nhosts; h++) {
		const struct nv_dx_host *o_h = &c->out->hosts[h];
		struct nv_dx_frames fr = { 0 };
		uint32_t seen[DX_FLOW_WORDS] = { 0 };
		int n = 0;
		char s[64], fs[160];

		if (o_h->flowid_entropy == 0 && o < sizeof(absent)) {
			o += (size_t)snprintf(absent + o, sizeof(absent) - o, "%s%s",
					      nabsent ? ", " : "", pa_str(c, h, s, sizeof(s)));
			nabsent++;
		}
		if (o_h->flowid_entropy != 1)
			continue;
		for (int i = 0; i < c->x->ndirs; i++) {
			const struct dx_dir *d = &c->x->dirs[i];

			for (int k = 0; d->src == h && k < d->nkeys; k++) {
				uint32_t f = d->keys[k].key & DX_LOWBYTE_MASK;

				if (!(seen[f / 32] & 1u << (f % 32)))
					n++;
				seen[f / 32] |= 1u << (f % 32);
				if (f)
					dx_frames_merge(&fr, &d->keys[k].frames);
			}
		}
		frames_str(&fr, fs, sizeof(fs));
		fadd(c, NV_DX_INFO, "flowid-entropy", &fr, (long long)fr.total,
		     "%s uses FlowID entropy: %d distinct FlowIDs in the low key byte%s. Peers "
		     "that match the whole 32-bit key (Open vSwitch, some switches) reject "
		     "non-zero FlowIDs.", pa_str(c, h, s, sizeof(s)), n, fs);
	}
	if (nabsent)
		fadd(c, NV_DX_INFO, "flowid-absent", NULL, 0,
		     "FlowID entropy is absent: %s always send%s FlowID 0 (allowed by RFC 7637; "
		     "ECMP then spreads tunnels by outer addresses only).", absent,
		     nabsent > 1 ? "" : "s");
}

static void find_unknown(struct fctx *c)
{
	for (int h = 0; h < c->out->nhosts; h++) {
		char s[64], vs[32], v2s[32], what[160] = "";
		const struct dx_key *k = NULL;

		if (layout_of(c, h) >= 0 || is_mixed(c, h))
			continue;
		for (int i = 0; i < c->x->ndirs && !k; i++)
			if (c->x->dirs[i].src == h)
				k = top_key(&c->x->dirs[i]);
		if (k) {
			dx_vsid_str(dx_vsid(c->x, DX_RFC, k->key), vs, sizeof(vs));
			dx_vsid_str(dx_vsid(c->x, DX_DRAFT, k->key), v2s, sizeof(v2s));
			snprintf(what, sizeof(what), ": its key 0x%08x reads as VSID %s under RFC "
				 "7637 and %s under draft-00", k->key, vs, v2s);
		} else {
			snprintf(what, sizeof(what), ": it sends no NVGRE in this capture");
		}
		fadd(c, NV_DX_INFO, "layout-unknown", k ? &k->frames : NULL, 0,
		     "Cannot tell which key layout %s uses%s.%s", pa_str(c, h, s, sizeof(s)), what,
		     c->x->has_dut ? "" : " Give the provisioned VSIDs with --dut.");
	}
}

/* Pairs that work: same layout, answers in both directions. */
static void find_healthy(struct fctx *c)
{
	for (int i = 0; i < c->out->npairs; i++) {
		const struct nv_dx_pair *p = &c->out->pairs[i];
		struct nv_dx_frames fr = { 0 };
		char a[64], b[64], v[32], fs[160];
		uint64_t replies = 0;
		int l = layout_of(c, p->a);

		if (p->compatible != 1 || !p->a_to_b || !p->b_to_a)
			continue;
		for (int j = 0; j < c->x->nconvs; j++) {
			const struct dx_conv *cv = &c->x->convs[j];

			if (cv->h[0] != p->a || cv->h[1] != p->b)
				continue;
			replies += cv->side[0].replies + cv->side[1].replies;
			if (cv->side[0].replies + cv->side[1].replies && fr.n < 4) {
				dx_frames_merge(&fr, &cv->side[0].all_frames);
				dx_frames_merge(&fr, &cv->side[1].all_frames);
			}
		}
		if (!replies || (!p->nkeys_ab && !p->nkeys_ba))
			continue;
		dx_vsid_str(dx_vsid(c->x, l, p->nkeys_ab ? p->keys_ab[0] : p->keys_ba[0]), v,
			    sizeof(v));
		frames_str(&fr, fs, sizeof(fs));
		fadd(c, NV_DX_INFO, "healthy-pair", &fr, DX_RANK_TOP,
		     "%s and %s both use the %s layout and their VMs answer each other "
		     "(VSID %s, %llu replies)%s.", pa_str(c, p->a, a, sizeof(a)),
		     pa_str(c, p->b, b, sizeof(b)), dx_layout_words(l), v,
		     (unsigned long long)replies, fs);
	}
}

static void find_capture(struct fctx *c)
{
	const struct nv_diagnosis *o = c->out;

	if (o->read_error[0])
		fadd(c, NV_DX_WARNING, "capture-damaged", NULL, DX_RANK_TOP,
		     "The capture ends badly (%s); the %llu frames before that are diagnosed.",
		     o->read_error, (unsigned long long)o->frames);
	if (o->nvgre_frames == 0 && o->icmp_quoting_nvgre == 0)
		fadd(c, NV_DX_INFO, "no-nvgre", NULL, DX_RANK_TOP,
		     "No NVGRE in this capture: %llu frames read, none is GRE with K=1 and "
		     "protocol 0x6558, and no ICMP error quotes one%s.",
		     (unsigned long long)o->frames,
		     o->gre_other_frames ? " (other GRE frames are present)" : "");
	if (o->untracked)
		fadd(c, NV_DX_INFO, "bounds-reached", NULL, 0,
		     "%llu frames went beyond the diagnosis' memory bounds (%d hosts, %d host "
		     "pairs, %d VM pairs) and are counted but not analysed.",
		     (unsigned long long)o->untracked, NV_DX_HOST_MAX, NV_DX_DIR_MAX,
		     NV_DX_CONV_MAX);
}

static bool before(const struct nv_dx_finding *x, const struct nv_dx_finding *y)
{
	if (x->severity != y->severity)
		return x->severity < y->severity;
	return x->rank > y->rank;
}

void dx_find(const struct nv_diagnose *x, struct nv_diagnosis *out)
{
	struct fctx c;

	memset(&c, 0, sizeof(c));
	c.x = x;
	c.out = out;
	out->nfindings = 0;
	find_capture(&c);
	find_mismatch(&c);
	find_aliasing(&c);
	find_rejects(&c);
	find_unanswered(&c);
	find_draft_hosts(&c);
	find_mixed(&c);
	find_sender_rules(&c);
	find_reserved(&c);
	find_flowid(&c);
	find_unknown(&c);
	find_healthy(&c);
	/* insertion sort: stable, so equal findings keep their generation order */
	for (int i = 1; i < out->nfindings; i++) {
		struct nv_dx_finding t = out->findings[i];
		int j = i;

		for (; j > 0 && before(&t, &out->findings[j - 1]); j--)
			out->findings[j] = out->findings[j - 1];
		out->findings[j] = t;
	}
}
