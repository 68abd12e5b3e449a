/* suite.c - load and validate a suite file (schema: suites/README.md). */
#include "nvgrect/suite.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nvgrect/yamlx.h"

#define PROBES_MAX 64
#define SUITE_PROBES_MAX 4096  /* ~8 MiB of probes: a 1 MiB file could ask for 130 */
#define CASES_MAX 1024
#define COUNT_MAX 1000000u        /* frames of one probe */
#define GAP_MS_MAX 60000u
#define FRAGMENTS_MAX 8
#define PAYLOAD_LEN_MIN 16        /* room for the probe nonce */
#define PAYLOAD_LEN_MAX 1400
#define TRUNCATE_MAX 65535u
#define DEFAULT_TTL 64
#define DEFAULT_PAYLOAD_LEN 32
#define DEFAULT_UDP_SPORT 40000
#define DEFAULT_UDP_DPORT 7       /* echo */
#define ETH_P_TEB 0x6558          /* Transparent Ethernet Bridging: NVGRE's protocol type */
#define ETH_P_8021Q 0x8100

static const char *const top_keys[] = { "suite", "description", "pacing_ms",
					"layouts", "cases", NULL };
static const char *const layout_keys[] = { "name", "vsid", "flowid", "reserved_mask", NULL };
static const char *const field_keys[] = { "shift", "width", NULL };
static const char *const case_keys[] = { "id", "title", "clause", "level", "why",
					 "probes", "expect", NULL };
static const char *const probe_keys[] = { "layout", "tenant", "vsid", "key", "flowid",
					  "gre", "outer", "inner", "count", "gap_ms", NULL };
static const char *const gre_keys[] = { "c", "k", "s", "r", "strict", "recursion",
					"reserved0", "version", "proto", "checksum",
					"seq", "truncate", NULL };
static const char *const outer_keys[] = { "family", "src", "df", "ttl", "id", "dscp",
					  "ecn", "options", "fragments", "flow_label",
					  "vlan", NULL };
static const char *const vlan_keys[] = { "vid", "pcp", "tpid", NULL };
static const char *const inner_keys[] = { "vlan", "ethertype", "dst_mac", "src_mac",
					  "dst_ca", "src_ca", "payload", "payload_len",
					  "udp", "raw", NULL };
static const char *const udp_keys[] = { "sport", "dport", NULL };
static const char *const flowid_keys[] = { "sweep", NULL };
static const char *const sweep_keys[] = { "from", "to", "step", NULL };
static const char *const expect_keys[] = { "observation", "signature", "tenant",
					   "rate_limit_ok", "sender", NULL };
static const char *const sender_rule_names[NV_SR_COUNT] = {
	[NV_SR_C_BIT] = "c_bit", [NV_SR_S_BIT] = "s_bit", [NV_SR_K_BIT] = "k_bit",
	[NV_SR_VERSION] = "version", [NV_SR_RESERVED0] = "reserved0",
	[NV_SR_PROTO] = "proto", [NV_SR_INNER_VLAN] = "inner_vlan",
	[NV_SR_INNER_FCS] = "inner_fcs", [NV_SR_OUTER_FRAGMENT] = "outer_fragment",
	[NV_SR_RESERVED_VSID] = "reserved_vsid", [NV_SR_VENDOR_VSID] = "vendor_vsid",
	[NV_SR_RESERVED_BITS] = "reserved_bits", [NV_SR_FLOWID] = "flowid",
};

static const char *const family_names[] = { "ipv4", "ipv6" };
static const char *const csum_names[] = { [NV_CSUM_GOOD] = "good", [NV_CSUM_BAD] = "bad" };

/* --- small helpers: an optional field is absent (0), fine (1) or wrong (-1) --- */

static yaml_node_t *field(struct nv_yx *y, yaml_node_t *m, const char *path,
			  const char *key, char *sub)
{
	yaml_node_t *v = nv_yx_get(y, m, key);

	if (v)
		nv_yx_path_key(sub, NV_YX_PATH_MAX, path, key);
	return v;
}

static int opt_u32(struct nv_yx *y, yaml_node_t *m, const char *path, const char *key,
		   uint32_t min, uint32_t max, uint32_t *out)
{
	char sub[NV_YX_PATH_MAX];
	yaml_node_t *v = field(y, m, path, key, sub);

	if (!v)
		return 0;
	return nv_yx_u32(y, v, sub, min, max, out) < 0 ? -1 : 1;
}

static int opt_u16(struct nv_yx *y, yaml_node_t *m, const char *path, const char *key,
		   uint32_t max, uint16_t *out)
{
	uint32_t v;
	int rc = opt_u32(y, m, path, key, 0, max, &v);

	if (rc > 0)
		*out = (uint16_t)v;
	return rc;
}

static int opt_u8(struct nv_yx *y, yaml_node_t *m, const char *path, const char *key,
		  uint32_t max, uint8_t *out)
{
	uint32_t v;
	int rc = opt_u32(y, m, path, key, 0, max, &v);

	if (rc > 0)
		*out = (uint8_t)v;
	return rc;
}

static int opt_bool(struct nv_yx *y, yaml_node_t *m, const char *path, const char *key,
		    bool *out)
{
	char sub[NV_YX_PATH_MAX];
	yaml_node_t *v = field(y, m, path, key, sub);

	if (!v)
		return 0;
	return nv_yx_bool(y, v, sub, out) < 0 ? -1 : 1;
}

static int opt_str(struct nv_yx *y, yaml_node_t *m, const char *path, const char *key,
		   char *out, size_t size)
{
	char sub[NV_YX_PATH_MAX];
	yaml_node_t *v = field(y, m, path, key, sub);

	if (!v)
		return 0;
	return nv_yx_str(y, v, sub, out, size) < 0 ? -1 : 1;
}

/* Identifiers (case ids, layout names): [A-Za-z0-9._-]{1,31}. */
static bool ident_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 31)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

static int ident(struct nv_yx *y, yaml_node_t *v, const char *path, char *out, size_t size)
{
	char tmp[NV_TITLE_MAX];

	if (nv_yx_str(y, v, path, tmp, sizeof(tmp)) < 0)
		return -1;
	if (!ident_ok(tmp) || strlen(tmp) >= size) {
		nv_yx_err(y, v, path, "'%.40s' is not a valid identifier ([A-Za-z0-9._-], 1..31 characters)", tmp);
		return -1;
	}
	snprintf(out, size, "%s", tmp);
	return 0;
}

/* Tenant names: printable, no spaces (as in the DUT file). */
static int tenant_ref(struct nv_yx *y, yaml_node_t *v, const char *path, char *out,
		      int *line, int *col)
{
	if (nv_yx_str(y, v, path, out, NV_NAME_MAX) < 0)
		return -1;
	for (const char *c = out; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f) {
			nv_yx_err(y, v, path, "'%.40s' is not a tenant name", out);
			return -1;
		}
	if (!out[0]) {
		nv_yx_err(y, v, path, "empty tenant name");
		return -1;
	}
	*line = nv_yx_line(v);
	*col = nv_yx_col(v);
	return 0;
}

/* --- layouts ------------------------------------------------------------------ */

static void load_field(struct nv_yx *y, yaml_node_t *m, const char *path,
		       uint8_t *shift, uint8_t *width, uint32_t wmin, bool required)
{
	char sub[NV_YX_PATH_MAX];
	yaml_node_t *v;

	if (!nv_yx_map_check(y, m, path, field_keys))
		return;
	if ((v = nv_yx_need(y, m, path, "shift"))) {
		uint32_t s;

		if (nv_yx_u32(y, v, nv_yx_path_key(sub, sizeof(sub), path, "shift"), 0, 31, &s) == 0)
			*shift = (uint8_t)s;
	}
	v = required ? nv_yx_need(y, m, path, "width") : nv_yx_get(y, m, "width");
	if (v) {
		uint32_t w;

		if (nv_yx_u32(y, v, nv_yx_path_key(sub, sizeof(sub), path, "width"),
			      wmin, required ? 24 : 8, &w) == 0)
			*width = (uint8_t)w;
	}
}

static void load_layout(struct nv_yx *y, yaml_node_t *m, const char *path,
			struct nv_suite *s)
{
	char sub[NV_YX_PATH_MAX];
	struct nv_layout l;
	struct nv_err err;
	yaml_node_t *v, *name;
	int before = y->diags->n;

	memset(&l, 0, sizeof(l));
	if (!nv_yx_map_check(y, m, path, layout_keys))
		return;
	if ((name = nv_yx_need(y, m, path, "name")))
		ident(y, name, nv_yx_path_key(sub, sizeof(sub), path, "name"),
		      l.name, sizeof(l.name));
	if ((v = nv_yx_need(y, m, path, "vsid")))
		load_field(y, v, nv_yx_path_key(sub, sizeof(sub), path, "vsid"),
			   &l.vsid_shift, &l.vsid_width, 1, true);
	if ((v = nv_yx_get(y, m, "flowid")))
		load_field(y, v, nv_yx_path_key(sub, sizeof(sub), path, "flowid"),
			   &l.flow_shift, &l.flow_width, 0, false);
	opt_u32(y, m, path, "reserved_mask", 0, UINT32_MAX, &l.reserved_mask);
	if (y->diags->n != before)
		return;
	if (nv_key_layout_add(&s->layouts, &l, &err) < 0)
		nv_yx_err(y, name ? name : m, path, "%s", err.msg);
}

static void load_layouts(struct nv_yx *y, yaml_node_t *seq, struct nv_suite *s)
{
	char path[NV_YX_PATH_MAX];
	int n;

	if (!nv_yx_is_seq(y, seq, "layouts"))
		return;
	n = nv_yx_seq_len(seq);
	if (n > NV_LAYOUT_MAX - nv_key_builtin_count()) {
		nv_yx_err(y, seq, "layouts", "%d layouts, at most %d beyond the built-ins",
			  n, NV_LAYOUT_MAX - nv_key_builtin_count());
		return;
	}
	for (int i = 0; i < n; i++)
		load_layout(y, nv_yx_item(y, seq, i),
			    nv_yx_path_idx(path, sizeof(path), "layouts", i), s);
}

/* --- probes ------------------------------------------------------------------- */

static void load_sweep(struct nv_yx *y, yaml_node_t *m, const char *path,
		       struct nv_probe *p)
{
	char sub[NV_YX_PATH_MAX];
	yaml_node_t *sw;

	if (!nv_yx_map_check(y, m, path, flowid_keys))
		return;
	if (!(sw = nv_yx_need(y, m, path, "sweep")))
		return;
	nv_yx_path_key(sub, sizeof(sub), path, "sweep");
	if (!nv_yx_map_check(y, sw, sub, sweep_keys))
		return;
	p->flowid.mode = NV_FLOWID_SWEEP;
	p->flowid.step = 1;
	if (nv_yx_need(y, sw, sub, "from"))
		opt_u32(y, sw, sub, "from", 0, UINT32_MAX, &p->flowid.from);
	if (nv_yx_need(y, sw, sub, "to"))
		opt_u32(y, sw, sub, "to", 0, UINT32_MAX, &p->flowid.to);
	opt_u32(y, sw, sub, "step", 1, UINT32_MAX, &p->flowid.step);
	if (p->flowid.from > p->flowid.to)
		nv_yx_err(y, sw, sub, "from %u is greater than to %u",
			  p->flowid.from, p->flowid.to);
}

static void load_flowid(struct nv_yx *y, yaml_node_t *v, const char *path,
			struct nv_probe *p)
{
	char sub[NV_YX_PATH_MAX];
	int n;

	if (v->type == YAML_MAPPING_NODE) {
		load_sweep(y, v, path, p);
		return;
	}
	if (v->type == YAML_SEQUENCE_NODE) {
		n = nv_yx_seq_len(v);
		if (n < 1 || n > NV_FLOWID_LIST_MAX) {
			nv_yx_err(y, v, path, "%d FlowIDs, expected 1..%d", n, NV_FLOWID_LIST_MAX);
			return;
		}
		p->flowid.mode = NV_FLOWID_LIST;
		p->flowid.n = n;
		for (int i = 0; i < n; i++)
			nv_yx_u32(y, nv_yx_item(y, v, i), nv_yx_path_idx(sub, sizeof(sub), path, i),
				  0, UINT32_MAX, &p->flowid.values[i]);
		return;
	}
	if (v->type == YAML_SCALAR_NODE && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (!strcmp((const char *)v->data.scalar.value, "random")) {
			p->flowid.mode = NV_FLOWID_RANDOM;
			return;
		}
		if (!strcmp((const char *)v->data.scalar.value, "hash")) {
			p->flowid.mode = NV_FLOWID_HASH;
			return;
		}
	}
	p->flowid.mode = NV_FLOWID_FIXED;
	p->flowid.n = 1;
	if (v->type == YAML_SCALAR_NODE && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    nv_yx_parse_u64((const char *)v->data.scalar.value, &(uint64_t){ 0 }) < 0 &&
	    ((const char *)v->data.scalar.value)[0] != '-')
		nv_yx_err(y, v, path, "expected a number, a list, {sweep: ...}, random or hash; got '%.40s'",
			  (const char *)v->data.scalar.value);
	else
		nv_yx_u32(y, v, path, 0, UINT32_MAX, &p->flowid.values[0]);
}

static void load_gre(struct nv_yx *y, yaml_node_t *m, const char *path,
		     struct nv_probe *p)
{
	char sub[NV_YX_PATH_MAX];
	yaml_node_t *v;
	int seq;

	if (!nv_yx_map_check(y, m, path, gre_keys))
		return;
	opt_bool(y, m, path, "c", &p->gre.c);
	opt_bool(y, m, path, "k", &p->gre.k);
	opt_bool(y, m, path, "s", &p->gre.s);
	opt_bool(y, m, path, "r", &p->gre.r);
	opt_bool(y, m, path, "strict", &p->gre.strict);
	opt_u8(y, m, path, "recursion", 7, &p->gre.recursion);
	opt_u16(y, m, path, "reserved0", 0x1ff, &p->gre.reserved0);
	opt_u8(y, m, path, "version", 7, &p->gre.version);
	opt_u16(y, m, path, "proto", 0xffff, &p->gre.proto);
	if ((v = field(y, m, path, "checksum", sub))) {
		int c;

		if (nv_yx_enum(y, v, sub, csum_names, 2, &c) == 0) {
			p->gre.checksum = (enum nv_csum)c;
			if (c == NV_CSUM_BAD && !p->gre.c)
				nv_yx_err(y, v, sub, "bad checksum needs c: true");
		}
	}
	seq = opt_u32(y, m, path, "seq", 0, UINT32_MAX, &p->gre.seq);
	p->gre.has_seq = seq > 0;
	if (seq > 0 && !p->gre.s)
		nv_yx_err(y, nv_yx_get(y, m, "seq"), nv_yx_path_key(sub, sizeof(sub), path, "seq"),
			  "a sequence number needs s: true");
	p->gre.has_truncate = opt_u32(y, m, path, "truncate", 0, TRUNCATE_MAX,
				      &p->gre.truncate) > 0;
}

static void load_vlan(struct nv_yx *y, yaml_node_t *m, const char *path,
		      struct nv_vlan *t)
{
	t->tpid = ETH_P_8021Q;
	if (!nv_yx_map_check(y, m, path, vlan_keys))
		return;
	if (nv_yx_need(y, m, path, "vid"))
		opt_u16(y, m, path, "vid", 4095, &t->vid);
	opt_u8(y, m, path, "pcp", 7, &t->pcp);
	opt_u16(y, m, path, "tpid", 0xffff, &t->tpid);
}

static void load_outer(struct nv_yx *y, yaml_node_t *m, const char *path,
		       struct nv_probe *p)
{
	char sub[NV_YX_PATH_MAX];
	yaml_node_t *v, *src;
	uint32_t frags;
	int fam;

	if (!nv_yx_map_check(y, m, path, outer_keys))
		return;
	if ((v = field(y, m, path, "family", sub)) &&
	    nv_yx_enum(y, v, sub, family_names, 2, &fam) == 0) {
		p->outer.family = fam ? AF_INET6 : AF_INET;
		p->has_family = true;
	}
	/* without family: the DUT's pa decides, so nv_suite_bind checks these */
	if ((src = field(y, m, path, "src", sub)) &&
	    nv_yx_addr(y, src, sub, &p->outer.src) == 0) {
		p->outer.has_src = true;
		if (p->has_family && p->outer.src.family != p->outer.family)
			nv_yx_err(y, src, sub, "an %s address, but family is %s",
				  p->outer.src.family == AF_INET6 ? "IPv6" : "IPv4",
				  p->outer.family == AF_INET6 ? "ipv6" : "ipv4");
	}
	opt_bool(y, m, path, "df", &p->outer.df);
	opt_u8(y, m, path, "ttl", 255, &p->outer.ttl);
	p->outer.has_id = opt_u16(y, m, path, "id", 0xffff, &p->outer.id) > 0;
	opt_u8(y, m, path, "dscp", 63, &p->outer.dscp);
	opt_u8(y, m, path, "ecn", 3, &p->outer.ecn);
	if ((v = field(y, m, path, "options", sub)) &&
	    nv_yx_hex(y, v, sub, p->outer.options, NV_IPOPT_MAX, &p->outer.noptions) == 0) {
		if (p->outer.noptions % 4)
			nv_yx_err(y, v, sub, "%d option bytes, must be a multiple of 4",
				  p->outer.noptions);
		if (p->has_family && p->outer.family == AF_INET6)
			nv_yx_err(y, v, sub, "IPv4 options with family ipv6");
	}
	if (opt_u32(y, m, path, "fragments", 0, FRAGMENTS_MAX, &frags) > 0)
		p->outer.fragments = (int)frags;
	if ((p->outer.has_flow_label = opt_u32(y, m, path, "flow_label", 0, 0xFFFFF,
					       &p->outer.flow_label) > 0) &&
	    p->has_family && p->outer.family != AF_INET6)
		nv_yx_err(y, nv_yx_get(y, m, "flow_label"),
			  nv_yx_path_key(sub, sizeof(sub), path, "flow_label"),
			  "flow_label needs family: ipv6");
	if ((v = field(y, m, path, "vlan", sub))) {
		p->outer.has_vlan = true;
		load_vlan(y, v, sub, &p->outer.vlan);
	}
}

static void load_inner_vlans(struct nv_yx *y, yaml_node_t *v, const char *path,
			     struct nv_probe *p)
{
	char sub[NV_YX_PATH_MAX];
	int n;

	if (!nv_yx_is_seq(y, v, path))
		return;
	n = nv_yx_seq_len(v);
	if (n < 1 || n > NV_VLAN_MAX) {
		nv_yx_err(y, v, path, "%d VLAN tags, expected 1..%d", n, NV_VLAN_MAX);
		return;
	}
	p->inner.nvlan = n;
	for (int i = 0; i < n; i++)
		load_vlan(y, nv_yx_item(y, v, i), nv_yx_path_idx(sub, sizeof(sub), path, i),
			  &p->inner.vlan[i]);
}

static void load_payload(struct nv_yx *y, yaml_node_t *m, const char *path,
			 struct nv_probe *p)
{
	const char *names[NV_PAYLOAD_RAW + 1];
	char sub[NV_YX_PATH_MAX];
	yaml_node_t *v, *raw;
	int pl;

	for (int i = 0; i <= NV_PAYLOAD_RAW; i++)
		names[i] = nv_payload_name((enum nv_payload)i);
	if ((v = field(y, m, path, "payload", sub)) &&
	    nv_yx_enum(y, v, sub, names, NV_PAYLOAD_RAW + 1, &pl) == 0)
		p->inner.payload = (enum nv_payload)pl;
	opt_u16(y, m, path, "payload_len", PAYLOAD_LEN_MAX, &p->inner.payload_len);
	if (p->inner.payload_len < PAYLOAD_LEN_MIN)
		nv_yx_err(y, nv_yx_get(y, m, "payload_len"),
			  nv_yx_path_key(sub, sizeof(sub), path, "payload_len"),
			  "%u out of range (%d..%d): the probe nonce needs %d bytes",
			  p->inner.payload_len, PAYLOAD_LEN_MIN, PAYLOAD_LEN_MAX, PAYLOAD_LEN_MIN);
	if ((v = field(y, m, path, "udp", sub)) && nv_yx_map_check(y, v, sub, udp_keys)) {
		char upath[NV_YX_PATH_MAX];

		snprintf(upath, sizeof(upath), "%s", sub);
		opt_u16(y, v, upath, "sport", 0xffff, &p->inner.udp_sport);
		opt_u16(y, v, upath, "dport", 0xffff, &p->inner.udp_dport);
	}
	raw = field(y, m, path, "raw", sub);
	if (raw && nv_yx_hex(y, raw, sub, p->inner.raw, NV_RAW_MAX, &p->inner.nraw) == 0 &&
	    p->inner.payload != NV_PAYLOAD_RAW)
		nv_yx_err(y, raw, sub, "raw bytes need payload: raw");
	if (!raw && p->inner.payload == NV_PAYLOAD_RAW)
		nv_yx_err(y, m, path, "payload: raw needs raw: bytes");
}

static void load_inner(struct nv_yx *y, yaml_node_t *m, const char *path,
		       struct nv_probe *p)
{
	char sub[NV_YX_PATH_MAX];
	struct nv_mac mac;
	yaml_node_t *v;

	if (!nv_yx_map_check(y, m, path, inner_keys))
		return;
	if ((v = field(y, m, path, "vlan", sub)))
		load_inner_vlans(y, v, sub, p);
	p->inner.has_ethertype = opt_u16(y, m, path, "ethertype", 0xffff,
					 &p->inner.ethertype) > 0;
	if ((v = field(y, m, path, "dst_mac", sub)) && nv_yx_mac(y, v, sub, false, &mac) == 0) {
		p->inner.has_dst_mac = true;
		memcpy(p->inner.dst_mac, mac.a, 6);
	}
	if ((v = field(y, m, path, "src_mac", sub)) && nv_yx_mac(y, v, sub, false, &mac) == 0) {
		p->inner.has_src_mac = true;
		memcpy(p->inner.src_mac, mac.a, 6);
	}
	if ((v = field(y, m, path, "dst_ca", sub)))
		p->inner.has_dst_ca = nv_yx_addr(y, v, sub, &p->inner.dst_ca) == 0;
	if ((v = field(y, m, path, "src_ca", sub)))
		p->inner.has_src_ca = nv_yx_addr(y, v, sub, &p->inner.src_ca) == 0;
	load_payload(y, m, path, p);
}

static void probe_defaults(struct nv_probe *p, yaml_node_t *m)
{
	memset(p, 0, sizeof(*p));
	p->line = nv_yx_line(m);
	p->col = nv_yx_col(m);
	snprintf(p->layout, sizeof(p->layout), "rfc7637");
	p->flowid.mode = NV_FLOWID_FIXED;
	p->flowid.n = 1;
	p->flowid.step = 1;
	p->gre.k = true;
	p->gre.proto = ETH_P_TEB;
	p->gre.checksum = NV_CSUM_GOOD;
	p->outer.family = AF_INET;
	p->outer.df = true;
	p->outer.ttl = DEFAULT_TTL;
	p->inner.payload = NV_PAYLOAD_ICMP_ECHO;
	p->inner.payload_len = DEFAULT_PAYLOAD_LEN;
	p->inner.udp_sport = DEFAULT_UDP_SPORT;
	p->inner.udp_dport = DEFAULT_UDP_DPORT;
	p->count = 1;
}

static void check_flowid_fits(struct nv_yx *y, yaml_node_t *v, const char *path,
			      const struct nv_layout *l, const struct nv_probe *p)
{
	uint32_t max = l->flow_width ? (uint32_t)((1u << l->flow_width) - 1u) : 0;
	uint32_t hi = 0;

	if (p->flowid.mode == NV_FLOWID_RANDOM || p->flowid.mode == NV_FLOWID_HASH) {
		if (!l->flow_width)
			nv_yx_err(y, v, path, "layout %s has no FlowID field", l->name);
		return;
	}
	if (p->flowid.mode == NV_FLOWID_SWEEP)
		hi = p->flowid.to;
	for (int i = 0; p->flowid.mode != NV_FLOWID_SWEEP && i < p->flowid.n; i++)
		if (p->flowid.values[i] > hi)
			hi = p->flowid.values[i];
	if (hi > max && !l->flow_width)
		nv_yx_err(y, v, path, "%u: layout %s has no FlowID field", hi, l->name);
	else if (hi > max)
		nv_yx_err(y, v, path, "%u out of range (0..%u) for layout %s", hi, max, l->name);
}

static void unknown_layout(struct nv_yx *y, yaml_node_t *v, const char *path,
			   const struct nv_suite *s, const char *name)
{
	const char *known[NV_LAYOUT_MAX + 1], *hint;

	for (int i = 0; i < s->layouts.n; i++)
		known[i] = s->layouts.l[i].name;
	known[s->layouts.n] = NULL;
	hint = nv_yx_suggest(name, known);
	if (hint)
		nv_yx_err(y, v, path, "unknown layout '%.31s' (did you mean '%s'?)", name, hint);
	else
		nv_yx_err(y, v, path, "unknown layout '%.31s' (built in: rfc7637, draft00; define others under layouts:)",
			  name);
}

/* Layout, VSID/tenant/key and FlowID depend on each other: check them together. */
static void load_addressing(struct nv_yx *y, yaml_node_t *m, const char *path,
			    const struct nv_suite *s, struct nv_probe *p)
{
	char sub[NV_YX_PATH_MAX];
	const struct nv_layout *l = NULL;
	yaml_node_t *v, *fl = nv_yx_get(y, m, "flowid");

	if ((v = field(y, m, path, "layout", sub)) &&
	    nv_yx_str(y, v, sub, p->layout, sizeof(p->layout)) == 0 &&
	    !(l = nv_key_layout_find(&s->layouts, p->layout)))
		unknown_layout(y, v, sub, s, p->layout);
	if (!v)
		l = nv_key_layout_find(&s->layouts, p->layout);
	if ((v = field(y, m, path, "tenant", sub)))
		tenant_ref(y, v, sub, p->tenant, &p->tenant_line, &p->tenant_col);
	if ((v = field(y, m, path, "vsid", sub))) {
		if (nv_yx_u32(y, v, sub, 0, NV_VSID_MAX, &p->vsid) == 0) {
			p->has_vsid = true;
			if (l && l->vsid_width < 24 && p->vsid >= (1u << l->vsid_width))
				nv_yx_err(y, v, sub, "%u out of range (0..%u) for layout %s",
					  p->vsid, (1u << l->vsid_width) - 1u, l->name);
		}
		if (p->tenant[0])
			nv_yx_err(y, v, sub, "give tenant or vsid, not both");
	}
	if ((v = field(y, m, path, "key", sub))) {
		p->has_key = nv_yx_u32(y, v, sub, 0, UINT32_MAX, &p->key) == 0;
		if (nv_yx_get(y, m, "vsid") || fl)
			nv_yx_err(y, v, sub, "a raw key replaces vsid and flowid; drop them");
	}
	if (fl) {
		nv_yx_path_key(sub, sizeof(sub), path, "flowid");
		load_flowid(y, fl, sub, p);
		if (l)
			check_flowid_fits(y, fl, sub, l, p);
	}
}

static void load_probe(struct nv_yx *y, yaml_node_t *m, const char *path,
		       const struct nv_suite *s, struct nv_probe *p)
{
	char sub[NV_YX_PATH_MAX];
	yaml_node_t *v;

	probe_defaults(p, m);
	if (!nv_yx_map_check(y, m, path, probe_keys))
		return;
	load_addressing(y, m, path, s, p);
	if ((v = field(y, m, path, "gre", sub)))
		load_gre(y, v, sub, p);
	if ((v = field(y, m, path, "outer", sub)))
		load_outer(y, v, sub, p);
	if ((v = field(y, m, path, "inner", sub)))
		load_inner(y, v, sub, p);
	opt_u32(y, m, path, "count", 1, COUNT_MAX, &p->count);
	p->has_gap = opt_u32(y, m, path, "gap_ms", 0, GAP_MS_MAX, &p->gap_ms) > 0;
}

/* --- expectations ------------------------------------------------------------- */

/*
 * icmp-T-C, nvgre-icmp-T-C, icmp6-T-C with T and C in 0..255 (DESIGN §6),
 * and nvgre-icmp6-T-C: ICMPv6 carried inside NVGRE (MS-NVGREE 1/1 for IPv6).
 */
static bool signature_ok(const char *s)
{
	static const char *const prefixes[] = { "nvgre-icmp6-", "nvgre-icmp-", "icmp6-",
						"icmp-" };
	unsigned t, c;
	int end = 0;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(s, prefixes[i], n) != 0)
			continue;
		if (sscanf(s + n, "%3u-%3u%n", &t, &c, &end) != 2 || s[n + (size_t)end] ||
		    t > 255 || c > 255 || s[n] < '0' || s[n] > '9')
			return false;
		return strchr(s + n, '+') == NULL && strchr(s + n, ' ') == NULL;
	}
	return false;
}

const char *nv_sender_rule_name(enum nv_sender_rule r)
{
	return (unsigned)r < NV_SR_COUNT ? sender_rule_names[r] : NULL;
}

/* One rule name of a `sender:` list; a repeated one is an error. */
static void load_sender_rule(struct nv_yx *y, yaml_node_t *v, const char *path,
			     uint32_t *rules)
{
	int r;

	if (nv_yx_enum(y, v, path, sender_rule_names, NV_SR_COUNT, &r) < 0)
		return;
	if (*rules & 1u << r)
		nv_yx_err(y, v, path, "rule '%s' named twice", sender_rule_names[r]);
	*rules |= 1u << r;
}

/* sender: clean (every rule) | [rule, ...]; judged on the DUT's replies. */
static void load_sender(struct nv_yx *y, yaml_node_t *v, const char *path,
			struct nv_expect *e)
{
	char sub[NV_YX_PATH_MAX];
	int n;

	if (e->obs != NV_OBS_DELIVERED && e->obs != NV_OBS_MISDELIVERED &&
	    e->obs != NV_OBS_ANY) {
		nv_yx_err(y, v, path, "sender rules judge the DUT's replies: they need observation delivered, misdelivered or any");
		return;
	}
	if (v->type == YAML_SCALAR_NODE) {
		if (strcmp((const char *)v->data.scalar.value, "clean") == 0)
			e->sender_rules = NV_SENDER_CLEAN;
		else
			nv_yx_err(y, v, path, "expected clean or a list of rules, got '%.40s'",
				  (const char *)v->data.scalar.value);
		return;
	}
	if (!nv_yx_is_seq(y, v, path))
		return;
	n = nv_yx_seq_len(v);
	if (n < 1 || n > NV_SR_COUNT) {
		nv_yx_err(y, v, path, "%d rules, expected 1..%d", n, NV_SR_COUNT);
		return;
	}
	for (int i = 0; i < n; i++)
		load_sender_rule(y, nv_yx_item(y, v, i), nv_yx_path_idx(sub, sizeof(sub), path, i),
				 &e->sender_rules);
}

static void load_expect(struct nv_yx *y, yaml_node_t *m, const char *path,
			struct nv_expect *e)
{
	const char *names[NV_OBS_ANY + 1];
	char sub[NV_YX_PATH_MAX];
	yaml_node_t *v;
	int o;

	memset(e, 0, sizeof(e[0]));
	e->obs = NV_OBS_ANY;
	e->line = nv_yx_line(m);
	e->col = nv_yx_col(m);
	if (!nv_yx_map_check(y, m, path, expect_keys))
		return;
	for (int i = 0; i <= NV_OBS_ANY; i++)
		names[i] = nv_obs_name((enum nv_obs)i);
	if ((v = nv_yx_need(y, m, path, "observation")) &&
	    nv_yx_enum(y, v, nv_yx_path_key(sub, sizeof(sub), path, "observation"),
		       names, NV_OBS_ANY + 1, &o) == 0)
		e->obs = (enum nv_obs)o;
	if ((v = field(y, m, path, "signature", sub)) &&
	    nv_yx_str(y, v, sub, e->signature, sizeof(e->signature)) == 0) {
		if (!signature_ok(e->signature))
			nv_yx_err(y, v, sub, "'%s' is not a signature (icmp-T-C, nvgre-icmp-T-C, icmp6-T-C or nvgre-icmp6-T-C)",
				  e->signature);
		else if (e->obs != NV_OBS_REJECTED && e->obs != NV_OBS_NOT_DELIVERED)
			nv_yx_err(y, v, sub, "a signature needs observation rejected or not-delivered");
	}
	if ((v = field(y, m, path, "tenant", sub)) &&
	    tenant_ref(y, v, sub, e->tenant, &e->tenant_line, &e->tenant_col) == 0 &&
	    e->obs != NV_OBS_DELIVERED && e->obs != NV_OBS_MISDELIVERED)
		nv_yx_err(y, v, sub, "a tenant needs observation delivered or misdelivered");
	opt_bool(y, m, path, "rate_limit_ok", &e->rate_limit_ok);
	if ((v = field(y, m, path, "sender", sub)))
		load_sender(y, v, sub, e);
}

static void load_expects(struct nv_yx *y, yaml_node_t *v, const char *path,
			 struct nv_case *c)
{
	char sub[NV_YX_PATH_MAX];
	int n;

	if (v->type != YAML_SEQUENCE_NODE) {
		c->nexpect = 1;
		load_expect(y, v, path, &c->expect[0]);
		return;
	}
	n = nv_yx_seq_len(v);
	if (n < 1 || n > NV_EXPECT_MAX) {
		nv_yx_err(y, v, path, "%d expectations, expected 1..%d", n, NV_EXPECT_MAX);
		return;
	}
	c->nexpect = n;
	for (int i = 0; i < n; i++)
		load_expect(y, nv_yx_item(y, v, i), nv_yx_path_idx(sub, sizeof(sub), path, i),
			    &c->expect[i]);
}

/* --- cases ---------------------------------------------------------------------- */

static void load_probes(struct nv_yx *y, yaml_node_t *v, const char *path,
			const struct nv_suite *s, struct nv_case *c)
{
	char sub[NV_YX_PATH_MAX];
	int n;

	if (!nv_yx_is_seq(y, v, path))
		return;
	n = nv_yx_seq_len(v);
	if (n < 1 || n > PROBES_MAX) {
		nv_yx_err(y, v, path, "%d probes, expected 1..%d", n, PROBES_MAX);
		return;
	}

	c->probes = calloc((size_t)n, sizeof(*c->probes));
	if (!c->probes) {
		nv_yx_err(y, v, path, "out of memory");
		return;
	}
	c->nprobes = n;
	for (int i = 0; i < n; i++)
		load_probe(y, nv_yx_item(y, v, i), nv_yx_path_idx(sub, sizeof(sub), path, i),
			   s, &c->probes[i]);
}

static void load_case(struct nv_yx *y, yaml_node_t *m, const char *path,
		      const struct nv_suite *s, struct nv_case *c)
{
	static const char *const levels[] = { "MUST", "SHOULD", "MAY", "INFO" };
	char sub[NV_YX_PATH_MAX];
	yaml_node_t *v;
	int lv;

	c->line = nv_yx_line(m);
	c->col = nv_yx_col(m);
	c->level = NV_LEVEL_MUST;
	if (!nv_yx_map_check(y, m, path, case_keys))
		return;
	if ((v = nv_yx_need(y, m, path, "id")))
		ident(y, v, nv_yx_path_key(sub, sizeof(sub), path, "id"), c->id, sizeof(c->id));
	if (opt_str(y, m, path, "title", c->title, sizeof(c->title)) <= 0)
		snprintf(c->title, sizeof(c->title), "%s", c->id);
	opt_str(y, m, path, "clause", c->clause, sizeof(c->clause));
	if ((v = nv_yx_need(y, m, path, "level")) &&
	    nv_yx_enum(y, v, nv_yx_path_key(sub, sizeof(sub), path, "level"), levels, 4, &lv) == 0)
		c->level = (enum nv_level)lv;
	opt_str(y, m, path, "why", c->why, sizeof(c->why));
	if ((v = nv_yx_need(y, m, path, "probes")))
		load_probes(y, v, nv_yx_path_key(sub, sizeof(sub), path, "probes"), s, c);
	if ((v = nv_yx_need(y, m, path, "expect")))
		load_expects(y, v, nv_yx_path_key(sub, sizeof(sub), path, "expect"), c);
}

static void check_case_ids(struct nv_yx *y, yaml_node_t *seq, const struct nv_suite *s)
{
	char path[NV_YX_PATH_MAX], item[NV_YX_PATH_MAX];

	for (int i = 0; i < s->ncases; i++)
		for (int j = 0; j < i; j++)
			if (s->cases[i].id[0] && !strcmp(s->cases[i].id, s->cases[j].id)) {
				nv_yx_err(y, nv_yx_get(y, nv_yx_item(y, seq, i), "id"),
					  nv_yx_path_key(path, sizeof(path),
							 nv_yx_path_idx(item, sizeof(item), "cases", i), "id"),
					  "duplicate case id '%s' (first at %d:%d)", s->cases[i].id,
					  s->cases[j].line, s->cases[j].col);
				break;
			}
}

static void load_cases(struct nv_yx *y, yaml_node_t *seq, struct nv_suite *s)
{
	char path[NV_YX_PATH_MAX];
	int n, total = 0;

	if (!nv_yx_is_seq(y, seq, "cases"))
		return;
	n = nv_yx_seq_len(seq);
	if (n < 1 || n > CASES_MAX) {
		nv_yx_err(y, seq, "cases", "%d cases, expected 1..%d", n, CASES_MAX);
		return;
	}
	for (int i = 0; i < n; i++)
		total += nv_yx_seq_len(nv_yx_get(y, nv_yx_item(y, seq, i), "probes"));
	if (total > SUITE_PROBES_MAX) {
		nv_yx_err(y, seq, "cases", "%d probes in the suite, at most %d", total,
			  SUITE_PROBES_MAX);
		return;
	}
	s->cases = calloc((size_t)n, sizeof(*s->cases));
	if (!s->cases) {
		nv_yx_err(y, seq, "cases", "out of memory");
		return;
	}
	s->ncases = n;
	for (int i = 0; i < n; i++)
		load_case(y, nv_yx_item(y, seq, i), nv_yx_path_idx(path, sizeof(path), "cases", i),
			  s, &s->cases[i]);
	check_case_ids(y, seq, s);
}

static void load_root(struct nv_yx *y, yaml_node_t *root, struct nv_suite *s)
{
	yaml_node_t *v;

	if (!nv_yx_map_check(y, root, "", top_keys))
		return;
	if ((v = nv_yx_need(y, root, "", "suite")))
		ident(y, v, "suite", s->name, sizeof(s->name));
	opt_str(y, root, "", "description", s->description, sizeof(s->description));
	opt_u32(y, root, "", "pacing_ms", 0, GAP_MS_MAX, &s->default_gap_ms);
	/* layouts first: probes may name them wherever they appear in the file */
	if ((v = nv_yx_get(y, root, "layouts")))
		load_layouts(y, v, s);
	if ((v = nv_yx_need(y, root, "", "cases")))
		load_cases(y, v, s);
}

/* --- entry points ------------------------------------------------------------------ */

static void suite_init(struct nv_suite *s, const char *name, struct nv_diags *diags)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", name);
	nv_key_layouts_init(&s->layouts);
	memset(diags, 0, sizeof(*diags));
	diags->path = name;
}

int nv_suite_load_mem(const char *name, const char *buf, size_t len,
		      struct nv_suite *s, struct nv_diags *diags)
{
	struct nv_yx y;

	suite_init(s, name, diags);
	if (nv_yx_parse(&y, buf, len, diags) == 0)
		load_root(&y, nv_yx_root(&y), s);
	nv_yx_free(&y);
	nv_yx_diags_sort(diags);
	if (!diags->n && !diags->dropped)
		return 0;
	nv_suite_free(s);           /* a suite with problems is never half-used */
	return -1;
}

int nv_suite_load(const char *path, struct nv_suite *s, struct nv_diags *diags)
{
	char *buf;
	size_t len;
	int rc;

	suite_init(s, path, diags);
	if (nv_yx_read_file(path, &buf, &len, diags) < 0)
		return -1;
	rc = nv_suite_load_mem(path, buf, len, s, diags);
	free(buf);
	return rc;
}

void nv_suite_free(struct nv_suite *s)
{
	for (int i = 0; i < s->ncases; i++)
		free(s->cases[i].probes);
	free(s->cases);
	s->cases = NULL;
	s->ncases = 0;
}

/* --- binding to a DUT file ---------------------------------------------------------- */

static void tenant_unknown(struct nv_diags *ds, const struct nv_dut *d, int line, int col,
			   const char *path, const char *name)
{
	const char *known[NV_TENANT_MAX + 1];
	const char *hint;

	for (int i = 0; i < d->ntenants; i++)
		known[i] = d->tenants[i].name;
	known[d->ntenants] = NULL;
	hint = nv_yx_suggest(name, known);
	nv_diag_add(ds, line, col, "%s: unknown tenant '%s' (not in %s%s%s%s)", path, name,
		    d->path[0] ? d->path : "the DUT file", hint ? "; did you mean '" : "",
		    hint ? hint : "", hint ? "'?" : "");
}

static const char *fam_name(int f)
{
	return f == AF_INET6 ? "IPv6" : "IPv4";
}

/* The outer family is the DUT's unless the probe names one (then they must agree). */
static void bind_outer(const struct nv_probe *p, const struct nv_dut *d,
		       const char *path, struct nv_diags *ds)
{
	int fam = p->has_family ? p->outer.family : d->dut.pa.family;

	if (!d->dut.pa.family)
		return;
	if (p->has_family && p->outer.family != d->dut.pa.family)
		nv_diag_add(ds, p->line, p->col, "%s: outer family %s, but the DUT's pa is %s",
			    path, p->outer.family == AF_INET6 ? "ipv6" : "ipv4",
			    fam_name(d->dut.pa.family));
	else if (p->outer.has_src && p->outer.src.family != fam)
		nv_diag_add(ds, p->line, p->col, "%s: outer.src is %s, but the DUT's pa is %s",
			    path, fam_name(p->outer.src.family), fam_name(fam));
	if (!p->has_family && p->outer.noptions && fam == AF_INET6)
		nv_diag_add(ds, p->line, p->col, "%s: outer.options (IPv4), but the DUT's pa is IPv6",
			    path);
	if (!p->has_family && p->outer.has_flow_label && fam == AF_INET)
		nv_diag_add(ds, p->line, p->col, "%s: outer.flow_label (IPv6), but the DUT's pa is IPv4",
			    path);
}

static void bind_probe(const struct nv_probe *p, const struct nv_dut *d,
		       const char *path, struct nv_diags *ds)
{
	const struct nv_tenant *t = d->ntenants ? &d->tenants[0] : NULL;
	int caf;

	if (p->tenant[0] && !(t = nv_dut_tenant_by_name(d, p->tenant))) {
		char sub[NV_YX_PATH_MAX];

		tenant_unknown(ds, d, p->tenant_line, p->tenant_col,
			       nv_yx_path_key(sub, sizeof(sub), path, "tenant"), p->tenant);
		return;
	}
	bind_outer(p, d, path, ds);
	if (!t)
		return;
	caf = p->inner.has_dst_ca ? p->inner.dst_ca.family : t->vm_ca.family;
	if ((p->inner.payload == NV_PAYLOAD_ICMP_ECHO && caf == AF_INET6) ||
	    (p->inner.payload == NV_PAYLOAD_ICMP6_ECHO && caf == AF_INET))
		nv_diag_add(ds, p->line, p->col, "%s: payload %s, but the inner addresses (tenant '%s') are %s",
			    path, nv_payload_name(p->inner.payload), t->name, fam_name(caf));
}

int nv_suite_bind(const struct nv_suite *s, const struct nv_dut *d,
		  struct nv_diags *diags)
{
	char path[NV_YX_PATH_MAX], sub[NV_YX_PATH_MAX];

	memset(diags, 0, sizeof(*diags));
	diags->path = s->path;
	for (int i = 0; i < s->ncases; i++) {
		const struct nv_case *c = &s->cases[i];

		for (int j = 0; j < c->nprobes; j++) {
			nv_yx_path_idx(sub, sizeof(sub), "cases", i);
			nv_yx_path_key(path, sizeof(path), sub, "probes");
			nv_yx_path_idx(sub, sizeof(sub), path, j);
			bind_probe(&c->probes[j], d, sub, diags);
		}
		for (int j = 0; j < c->nexpect; j++) {
			const struct nv_expect *e = &c->expect[j];

			if (!e->tenant[0] || nv_dut_tenant_by_name(d, e->tenant))
				continue;
			nv_yx_path_idx(sub, sizeof(sub), "cases", i);
			nv_yx_path_key(path, sizeof(path), sub, "expect");
			if (c->nexpect > 1) {
				nv_yx_path_idx(sub, sizeof(sub), path, j);
				snprintf(path, sizeof(path), "%s", sub);
			}
			nv_yx_path_key(sub, sizeof(sub), path, "tenant");
			tenant_unknown(diags, d, e->tenant_line, e->tenant_col, sub, e->tenant);
		}
	}
	return diags->n || diags->dropped ? -1 : 0;
}
