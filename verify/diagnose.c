/*
 * diagnose.c - aggregation for `nvgrect diagnose`: every NVGRE frame and
 * every ICMP error quoting one lands in bounded per-host, per-direction and
 * per-conversation tables (open addressing, fixed size), so a capture of any
 * length is read in constant memory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diagnose_int.h"

#define DX_ETHERTYPE_ARP 0x0806
#define DX_ARP_REQUEST 1
#define DX_ARP_REPLY 2
#define DX_ICMP_ECHO 8
#define DX_ICMP_ECHO_REPLY 0
#define DX_ICMP6_ECHO 128
#define DX_ICMP6_ECHO_REPLY 129
#define DX_PROTO_ICMP 1
#define DX_PROTO_ICMP6 58
#define DX_PROTO_GRE 47
#define DX_ETHERTYPE_TEB 0x6558
#define DX_FLOW_SHIFT 8
#define DX_FLOW_MASK 0xFFu
#define DX_FNV_OFFSET 2166136261u
#define DX_MIX 0x9E3779B1u

void dx_frames_add(struct nv_dx_frames *fr, uint64_t frame_no)
{
	fr->total++;
	if (fr->n < NV_DX_FRAMES_CITED)
		fr->f[fr->n++] = frame_no;
}

void dx_frames_merge(struct nv_dx_frames *dst, const struct nv_dx_frames *src)
{
	for (int i = 0; i < src->n; i++) {
		bool dup = false;

		for (int j = 0; j < dst->n; j++)
			dup = dup || dst->f[j] == src->f[i];
		if (!dup && dst->n < NV_DX_FRAMES_CITED)
			dst->f[dst->n++] = src->f[i];
	}
	dst->total += src->total;
}

/* Make room for one more element in *arr (zeroed); false at max or OOM. */
static bool grow(void **arr, int *cap, int n, int max, size_t elem)
{
	int ncap;
	void *p;

	if (n < *cap)
		return true;
	if (n >= max)
		return false;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > max)
		ncap = max;
	p = realloc(*arr, (size_t)ncap * elem);
	if (!p)
		return false;
	memset((char *)p + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
	*arr = p;
	*cap = ncap;
	return true;
}

static size_t addr_len(const struct nv_addr *a)
{
	return a->family == AF_INET6 ? 16 : a->family == AF_INET ? 4 : 6;
}

/* Word-wise mix of an address (hot path: called per frame on cache misses). */
static uint32_t addr_hash(uint32_t h, const struct nv_addr *a)
{
	size_t n = addr_len(a);
	uint32_t w;

	h = (h ^ (uint32_t)a->family) * DX_MIX;
	for (size_t i = 0; i + 4 <= n; i += 4) {
		memcpy(&w, a->a + i, 4);
		h = (h ^ w) * DX_MIX;
		h ^= h >> 15;
	}
	if (n % 4) {        /* a MAC: the last two bytes */
		w = (uint32_t)a->a[4] << 8 | a->a[5];
		h = (h ^ w) * DX_MIX;
	}
	return h ^ h >> 13;
}

static bool addr_eq(const struct nv_addr *a, const struct nv_addr *b)
{
	uint32_t x, y;

	if (a->family != b->family)
		return false;
	if (a->family == AF_INET) {
		memcpy(&x, a->a, 4);
		memcpy(&y, b->a, 4);
		return x == y;
	}
	return memcmp(a->a, b->a, addr_len(a)) == 0;
}

/* Host index for a provider address, creating it; -1 when the table is full. */
static int host_get(struct nv_diagnose *x, const struct nv_addr *pa)
{
	uint32_t h;

	/* most frames come from the host pair of the frame before */
	for (int i = 0; i < DX_HOST_CACHE; i++)
		if (x->hcache[i] > 0 && addr_eq(&x->hosts[x->hcache[i] - 1].pa, pa))
			return x->hcache[i] - 1;
	h = addr_hash(DX_FNV_OFFSET, pa) % DX_HOST_SLOTS;

	for (;;) {
		int s = x->host_slot[h];

		if (s == 0)
			break;
		if (addr_eq(&x->hosts[s - 1].pa, pa)) {
			x->hcache[x->hnext++ % DX_HOST_CACHE] = s;
			return s - 1;
		}
		h = (h + 1) % DX_HOST_SLOTS;
	}
	if (!grow((void **)&x->hosts, &x->cap_hosts, x->nhosts, NV_DX_HOST_MAX,
		  sizeof(*x->hosts)))
		return -1;
	x->hosts[x->nhosts].pa = *pa;
	x->host_slot[h] = ++x->nhosts;
	x->hcache[x->hnext++ % DX_HOST_CACHE] = x->nhosts;
	return x->nhosts - 1;
}

static uint32_t dir_hash(int src, int dst)
{
	return (uint32_t)(src * NV_DX_HOST_MAX + dst) * 2654435761u % DX_DIR_SLOTS;
}

int dx_dir_find(const struct nv_diagnose *x, int src, int dst)
{
	uint32_t h = dir_hash(src, dst);

	for (;;) {
		int s = x->dir_slot[h];

		if (s == 0)
			return -1;
		if (x->dirs[s - 1].src == src && x->dirs[s - 1].dst == dst)
			return s - 1;
		h = (h + 1) % DX_DIR_SLOTS;
	}
}

static struct dx_dir *dir_get(struct nv_diagnose *x, int src, int dst)
{
	struct dx_dir *d;
	uint32_t h;
	int i;

	/* one cached direction per way: replies alternate with requests */
	int *last = &x->last_dir[src < dst];

	if (*last >= 0 && x->dirs[*last].src == src && x->dirs[*last].dst == dst)
		return &x->dirs[*last];
	i = dx_dir_find(x, src, dst);
	if (i < 0) {
		if (!grow((void **)&x->dirs, &x->cap_dirs, x->ndirs, NV_DX_DIR_MAX,
			  sizeof(*x->dirs)))
			return NULL;
		for (h = dir_hash(src, dst); x->dir_slot[h]; h = (h + 1) % DX_DIR_SLOTS)
			;
		i = x->ndirs++;
		d = &x->dirs[i];
		d->src = src;
		d->dst = dst;
		x->dir_slot[h] = i + 1;
	}
	*last = i;
	return &x->dirs[i];
}

static struct dx_key *key_get(struct dx_dir *d, uint32_t key)
{
	if (d->nkeys > 0 && d->keys[d->last_key].key == key)
		return &d->keys[d->last_key];
	for (int i = 0; i < d->nkeys; i++) {
		if (d->keys[i].key == key) {
			d->last_key = i;
			return &d->keys[i];
		}
	}
	if (d->nkeys >= NV_DX_KEY_MAX)
		return NULL;
	d->keys[d->nkeys].key = key;
	d->last_key = d->nkeys;
	return &d->keys[d->nkeys++];
}

/* The VM addresses of an inner frame: IP, else ARP, else MAC. */
static bool inner_cas(const struct nv_pkt *p, struct nv_addr *src, struct nv_addr *dst,
		      bool *by_mac)
{
	*by_mac = false;
	if (p->iip.present) {
		*src = p->iip.src;
		*dst = p->iip.dst;
		return true;
	}
	if (p->iethertype == DX_ETHERTYPE_ARP && p->l4.present) {
		*src = p->l4.arp_spa;
		*dst = p->l4.arp_tpa;
		return true;
	}
	if (!p->has_inner)
		return false;
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	src->family = dst->family = AF_PACKET;
	memcpy(src->a, p->ieth_src, 6);
	memcpy(dst->a, p->ieth_dst, 6);
	*by_mac = true;
	return true;
}

static bool ca_eq(const struct nv_addr *a, const struct nv_addr *b)
{
	return addr_eq(a, b);
}

static struct dx_conv *conv_get(struct nv_diagnose *x, const int hh[2],
				const struct nv_addr ca[2], bool by_mac)
{
	uint32_t h;
	struct dx_conv *c;

	for (int i = 0; i < DX_CONV_CACHE; i++) {
		if (x->conv_cache[i] <= 0)
			continue;
		c = &x->convs[x->conv_cache[i] - 1];
		if (c->h[0] == hh[0] && c->h[1] == hh[1] && ca_eq(&c->ca[0], &ca[0]) &&
		    ca_eq(&c->ca[1], &ca[1]))
			return c;
	}
	h = (uint32_t)(hh[0] * NV_DX_HOST_MAX + hh[1]) * DX_MIX;
	h = addr_hash(addr_hash(h, &ca[0]), &ca[1]) % DX_CONV_SLOTS;
	for (;;) {
		int s = x->conv_slot[h];

		if (s == 0)
			break;
		c = &x->convs[s - 1];
		if (c->h[0] == hh[0] && c->h[1] == hh[1] && ca_eq(&c->ca[0], &ca[0]) &&
		    ca_eq(&c->ca[1], &ca[1])) {
			x->conv_cache[x->conv_next++ % DX_CONV_CACHE] = s;
			return c;
		}
		h = (h + 1) % DX_CONV_SLOTS;
	}
	if (!grow((void **)&x->convs, &x->cap_convs, x->nconvs, NV_DX_CONV_MAX,
		  sizeof(*x->convs)))
		return NULL;
	c = &x->convs[x->nconvs];
	c->h[0] = hh[0];
	c->h[1] = hh[1];
	c->ca[0] = ca[0];
	c->ca[1] = ca[1];
	c->by_mac = by_mac;
	x->conv_slot[h] = ++x->nconvs;
	x->conv_cache[x->conv_next++ % DX_CONV_CACHE] = x->nconvs;
	return c;
}

/* Request (1), reply (2) or neither (0) for echo and ARP. */
static int inner_kind(const struct nv_pkt *p)
{
	if (!p->l4.present)
		return 0;
	if (p->iethertype == DX_ETHERTYPE_ARP)
		return p->l4.arp_op == DX_ARP_REQUEST ? 1 :
		       p->l4.arp_op == DX_ARP_REPLY ? 2 : 0;
	if (p->inner_icmp_error)
		return 2;       /* the VM's own stack answered */
	if (p->l4.proto == DX_PROTO_ICMP)
		return p->l4.type == DX_ICMP_ECHO ? 1 :
		       p->l4.type == DX_ICMP_ECHO_REPLY ? 2 : 0;
	if (p->l4.proto == DX_PROTO_ICMP6)
		return p->l4.type == DX_ICMP6_ECHO ? 1 :
		       p->l4.type == DX_ICMP6_ECHO_REPLY ? 2 : 0;
	return 0;
}

static void conv_add(struct nv_diagnose *x, uint64_t fno, const struct nv_pkt *p,
		     int src, int dst)
{
	struct nv_addr ca[2], s, d;
	struct dx_conv *c;
	struct dx_side *sd;
	bool by_mac;
	int hh[2], side = src < dst ? 0 : 1, kind;
	uint32_t key = p->gre.key;

	if (!inner_cas(p, &s, &d, &by_mac))
		return;
	hh[side] = src;
	hh[!side] = dst;
	ca[side] = s;
	ca[!side] = d;
	c = conv_get(x, hh, ca, by_mac);
	if (!c) {
		x->untracked++;
		return;
	}
	sd = &c->side[side];
	if (sd->frames == 0)
		sd->key = key;
	else if (!sd->key_hi_varies && sd->key >> DX_FLOW_SHIFT != key >> DX_FLOW_SHIFT) {
		sd->key_hi_varies = true;
		sd->key2 = key;
	}
	sd->flows[(key & DX_FLOW_MASK) / 32] |= 1u << (key & 31);
	sd->frames++;
	dx_frames_add(&sd->all_frames, fno);
	kind = inner_kind(p);
	if (kind == 1) {
		sd->requests++;
		dx_frames_add(&sd->req_frames, fno);
	} else if (kind == 2) {
		sd->replies++;
	}
}

static bool gre_odd(const struct nv_greinfo *g)
{
	return g->version != 0 || g->r || g->strict || g->recursion != 0 ||
	       g->reserved0 != 0;
}

static void add_nvgre(struct nv_diagnose *x, uint64_t fno, const struct nv_pkt *p)
{
	int src = host_get(x, &p->ip.src), dst = host_get(x, &p->ip.dst);
	struct dx_dir *d;
	struct dx_key *k;

	x->nvgre++;
	if (src < 0 || dst < 0 || !(d = dir_get(x, src, dst))) {
		x->untracked++;
		return;
	}
	x->hosts[src].sent++;
	x->hosts[dst].received++;
	d->frames++;
	if (p->is_icmp_error)
		return;     /* its key echoes a rejected one: add_icmp() weighs it */
	k = key_get(d, p->gre.key);
	if (k)
		dx_frames_add(&k->frames, fno);
	else
		d->keys_untracked++;
	if (p->gre.c || p->gre.s)
		dx_frames_add(&d->cs_bits, fno);
	if (gre_odd(&p->gre))
		dx_frames_add(&d->gre_odd, fno);
	if (p->invlan > 0)
		dx_frames_add(&d->inner_vlan, fno);
	if (p->ip.is_fragment)
		dx_frames_add(&d->fragments, fno);
	conv_add(x, fno, p, src, dst);
}

static void add_fragment(struct nv_diagnose *x, uint64_t fno, const struct nv_pkt *p)
{
	int src = host_get(x, &p->ip.src), dst = host_get(x, &p->ip.dst);
	struct dx_dir *d;

	x->fragments++;
	if (src < 0 || dst < 0 || !(d = dir_get(x, src, dst)))
		return;
	dx_frames_add(&d->fragments, fno);
}

static struct dx_rej *rej_get(struct dx_dir *d, const struct nv_pkt *p, int rejecter)
{
	uint32_t key = p->quote.gre.key;

	for (int i = 0; i < d->nrej; i++) {
		struct dx_rej *r = &d->rej[i];

		if (r->key == key && r->type == p->icmp_type && r->code == p->icmp_code &&
		    r->family == p->icmp_family && r->in_nvgre == p->icmp_in_nvgre &&
		    r->rejecter == rejecter)
			return r;
	}
	if (d->nrej >= NV_DX_REJ_MAX)
		return NULL;
	d->rej[d->nrej] = (struct dx_rej){
		.key = key, .type = p->icmp_type, .code = p->icmp_code,
		.family = p->icmp_family, .in_nvgre = p->icmp_in_nvgre,
		.rejecter = rejecter,
	};
	return &d->rej[d->nrej++];
}

/* Unreachable-type errors are the endpoint's own; others come from the path. */
static bool endpoint_error(const struct nv_pkt *p)
{
	if (p->icmp_family == AF_INET6)
		return p->icmp_type == DX_ICMP6_UNREACH || p->icmp_type == DX_ICMP6_PARAM_PROBLEM;
	return p->icmp_type == DX_ICMP_UNREACH && p->icmp_code != DX_ICMP_FRAG_NEEDED;
}

static void add_icmp(struct nv_diagnose *x, uint64_t fno, const struct nv_pkt *p)
{
	const struct nv_quote *q = &p->quote;
	struct dx_dir *d;
	struct dx_rej *r;
	int src, dst;

	x->icmp_errors++;
	if (!q->gre.present || !q->gre.has_key || q->gre.proto != DX_ETHERTYPE_TEB)
		return;
	x->icmp_nvgre++;
	if (q->from_gre) {      /* MS-NVGREE: quotes the GRE header of a frame to it */
		src = host_get(x, &p->ip.dst);
		dst = host_get(x, &p->ip.src);
	} else {
		src = host_get(x, &q->ip.src);
		dst = host_get(x, &q->ip.dst);
	}
	if (src < 0 || dst < 0 || !(d = dir_get(x, src, dst))) {
		x->untracked++;
		return;
	}
	/* a router on the way is no NVGRE host: it is named, not tracked */
	if (!addr_eq(&p->ip.src, &x->hosts[dst].pa) || !endpoint_error(p)) {
		d->path_type = p->icmp_type;
		d->path_code = p->icmp_code;
		d->path_family = p->icmp_family;
		d->path_from = p->ip.src;
		dx_frames_add(&d->path_err, fno);
		return;
	}
	x->hosts[dst].icmp_sent++;
	r = rej_get(d, p, dst);
	if (!r)
		return;
	dx_frames_add(&r->frames, fno);
	if (p->icmp_in_nvgre && !r->has_echo) {
		r->has_echo = true;
		r->echo_key = p->gre.key;
	}
}

void nv_diagnose_add(struct nv_diagnose *x, uint64_t frame_no, const struct nv_pkt *p)
{
	x->frames++;
	if (p->status == NV_DIS_TRUNCATED)
		x->truncated++;
	else if (p->status == NV_DIS_MALFORMED)
		x->malformed++;
	if (!p->ip.present)
		return;
	if (p->is_icmp_error && !p->icmp_in_nvgre) {
		add_icmp(x, frame_no, p);
		return;
	}
	if (nv_dissect_is_nvgre(p)) {
		add_nvgre(x, frame_no, p);
		if (p->is_icmp_error)
			add_icmp(x, frame_no, p);
	} else if (p->ip.proto == DX_PROTO_GRE && p->ip.is_fragment && !p->gre.present) {
		add_fragment(x, frame_no, p);
	} else if (p->gre.present) {
		x->gre_other++;
	}
}

struct nv_diagnose *nv_diagnose_new(const struct nv_dut *dut, struct nv_err *err)
{
	struct nv_diagnose *x = calloc(1, sizeof(*x));

	if (!x) {
		nv_errno(err, "diagnose: out of memory");
		return NULL;
	}
	x->conv_slot = calloc(DX_CONV_SLOTS, sizeof(*x->conv_slot));
	if (!x->conv_slot) {
		nv_diagnose_free(x);
		nv_errno(err, "diagnose: out of memory");
		return NULL;
	}
	x->last_dir[0] = x->last_dir[1] = -1;
	nv_key_layouts_init(&x->layouts);
	for (int i = 0; i < DX_LAYOUTS; i++)
		x->lay[i] = nv_key_builtin(i);
	if (dut) {
		x->has_dut = true;
		snprintf(x->dut_name, sizeof(x->dut_name), "%s", dut->name);
		for (int i = 0; i < dut->ntenants && x->nprov < DX_VSID_PROV_MAX; i++)
			x->prov[x->nprov++] = dut->tenants[i].vsid;
	}
	return x;
}

void nv_diagnose_free(struct nv_diagnose *x)
{
	if (!x)
		return;
	free(x->hosts);
	free(x->dirs);
	free(x->convs);
	free(x->conv_slot);
	free(x);
}

void nv_diagnose_result_free(struct nv_diagnosis *d)
{
	if (!d)
		return;
	free(d->hosts);
	free(d->pairs);
	d->hosts = NULL;
	d->pairs = NULL;
	d->nhosts = d->npairs = 0;
}

int nv_diagnose_finish(struct nv_diagnose *x, struct nv_diagnosis *out,
		       struct nv_err *err)
{
	char capture[sizeof(out->capture)], read_error[sizeof(out->read_error)];

	/* the file reader fills these before finish; keep them */
	memcpy(capture, out->capture, sizeof(capture));
	memcpy(read_error, out->read_error, sizeof(read_error));
	memset(out, 0, sizeof(*out));
	memcpy(out->capture, capture, sizeof(capture));
	memcpy(out->read_error, read_error, sizeof(read_error));
	out->capture[sizeof(out->capture) - 1] = '\0';
	out->read_error[sizeof(out->read_error) - 1] = '\0';
	snprintf(out->dut_name, sizeof(out->dut_name), "%s", x->dut_name);
	out->frames = x->frames;
	out->nvgre_frames = x->nvgre;
	out->gre_other_frames = x->gre_other;
	out->outer_fragments = x->fragments;
	out->icmp_errors = x->icmp_errors;
	out->icmp_quoting_nvgre = x->icmp_nvgre;
	out->truncated_frames = x->truncated;
	out->malformed_frames = x->malformed;
	out->untracked = x->untracked;
	out->hosts = calloc(x->nhosts ? (size_t)x->nhosts : 1, sizeof(*out->hosts));
	out->pairs = calloc(x->ndirs ? (size_t)x->ndirs : 1, sizeof(*out->pairs));
	if (!out->hosts || !out->pairs) {
		nv_diagnose_result_free(out);
		return nv_errno(err, "diagnose: out of memory");
	}
	dx_infer(x, out);
	dx_find(x, out);
	return 0;
}

/* ---- small shared helpers -------------------------------------------- */

uint32_t dx_vsid(const struct nv_diagnose *x, int layout, uint32_t key)
{
	struct nv_key_reading r;

	nv_key_decode(x->lay[layout], key, &r);
	return r.vsid;
}

bool dx_reserved(uint32_t vsid)
{
	return vsid <= NV_VSID_RESERVED_LOW || vsid == NV_VSID_VENDOR;
}

bool dx_provisioned(const struct nv_diagnose *x, uint32_t vsid)
{
	for (int i = 0; i < x->nprov; i++)
		if (x->prov[i] == vsid)
			return true;
	return false;
}

void dx_vsid_str(uint32_t vsid, char *buf, size_t len)
{
	if (vsid <= NV_VSID_RESERVED_LOW)
		snprintf(buf, len, "0x%X", vsid);
	else if (vsid < 0x10000)
		snprintf(buf, len, "%u", vsid);
	else
		snprintf(buf, len, "%u (0x%06X)", vsid, vsid);
}

bool dx_serves(const struct nv_diagnose *x, int h, int l, uint32_t vsid)
{
	for (int i = 0; i < x->ndirs; i++) {
		const struct dx_dir *d = &x->dirs[i];

		if (d->src != h)
			continue;
		for (int k = 0; k < d->nkeys; k++)
			if (dx_vsid(x, l, d->keys[k].key) == vsid)
				return true;
	}
	return false;
}

static bool rejected(const struct dx_dir *d, uint32_t key)
{
	for (int j = 0; j < d->nrej; j++)
		if (d->rej[j].key == key && d->rej[j].rejecter == d->dst)
			return true;
	return false;
}

bool dx_other_key_accepted(const struct nv_diagnose *x, const struct dx_dir *d,
			   int l, uint32_t key)
{
	uint32_t v = dx_vsid(x, l, key);

	for (int k = 0; k < d->nkeys; k++)
		if (d->keys[k].key != key && dx_vsid(x, l, d->keys[k].key) == v &&
		    !rejected(d, d->keys[k].key))
			return true;
	return false;
}

bool dx_no_gre(const struct dx_rej *r)
{
	if (r->family == AF_INET6)
		return r->type == DX_ICMP6_PARAM_PROBLEM && r->code == DX_ICMP6_UNKNOWN_NEXT_HDR;
	return r->type == DX_ICMP_UNREACH && r->code == DX_ICMP_PROTO_UNREACH;
}

void dx_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

void dx_ca_str(const struct nv_addr *a, char *buf, size_t len)
{
	if (a->family == AF_PACKET)
		nv_mac_str(a->a, buf, (unsigned)len);
	else
		nv_addr_str(a, buf, (unsigned)len);
}

const char *dx_layout_words(int layout)
{
	return layout == DX_RFC ? "RFC 7637" : layout == DX_DRAFT ? "draft-00" : "an unknown";
}

const char *nv_diagnose_layout_str(int layout)
{
	return layout == DX_RFC ? "rfc7637" : layout == DX_DRAFT ? "draft00" : "unknown";
}

const char *nv_diagnose_severity_str(enum nv_dx_severity s)
{
	static const char *const n[] = { "critical", "error", "warning", "info" };

	return (unsigned)s < 4 ? n[s] : "info";
}

const char *nv_diagnose_confidence_str(double c)
{
	return c >= 0.85 ? "high" : c >= 0.7 ? "medium" : c > 0 ? "low" : "none";
}
