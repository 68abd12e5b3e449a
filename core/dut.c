/* dut.c - load and validate a DUT file (DESIGN.md §5). */
#include "nvgrect/dut.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvgrect/key.h"
#include "nvgrect/yamlx.h"

/* A tenant nobody configured a tester MAC for gets this locally administered one. */
static const uint8_t default_tester_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static const char *const top_keys[] = { "name", "tester", "dut", "tenants", NULL };
static const char *const tester_keys[] = { "iface", "pa", "mac", NULL };
static const char *const dutside_keys[] = { "pa", "mac", NULL };
static const char *const tenant_keys[] = { "name", "vsid", "tester_ca", "tester_mac",
					   "vm_ca", "vm_mac", NULL };

/* Interface names as the kernel takes them: 1..15 bytes, no '/', ':' or space. */
static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= NV_IFNAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return true;
}

/* Names shown in reports and used as keys: printable, no spaces. */
static bool word_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static void load_name(struct nv_yx *y, yaml_node_t *n, const char *path,
		      char *out, size_t size)
{
	if (nv_yx_str(y, n, path, out, size) < 0)
		return;
	if (!word_ok(out))
		nv_yx_err(y, n, path, "'%.40s' is not a valid name (non-empty, no spaces or control characters)", out);
}

static void load_tester(struct nv_yx *y, yaml_node_t *m, struct nv_dut *d)
{
	yaml_node_t *v;

	if (!nv_yx_map_check(y, m, "tester", tester_keys))
		return;
	if ((v = nv_yx_get(y, m, "iface")) &&
	    nv_yx_str(y, v, "tester.iface", d->tester.iface, sizeof(d->tester.iface)) == 0 &&
	    !ifname_ok(d->tester.iface))
		nv_yx_err(y, v, "tester.iface", "'%s' is not an interface name", d->tester.iface);
	if ((v = nv_yx_need(y, m, "tester", "pa")))
		nv_yx_addr(y, v, "tester.pa", &d->tester.pa);
	if ((v = nv_yx_get(y, m, "mac")))
		nv_yx_mac(y, v, "tester.mac", true, &d->tester.mac);
}

static void load_dutside(struct nv_yx *y, yaml_node_t *m, struct nv_dut *d)
{
	yaml_node_t *v;

	if (!nv_yx_map_check(y, m, "dut", dutside_keys))
		return;
	if ((v = nv_yx_need(y, m, "dut", "pa")))
		nv_yx_addr(y, v, "dut.pa", &d->dut.pa);
	if ((v = nv_yx_get(y, m, "mac")))
		nv_yx_mac(y, v, "dut.mac", true, &d->dut.mac);
}

static void load_tenant(struct nv_yx *y, yaml_node_t *m, const char *path,
			struct nv_tenant *t)
{
	char sub[NV_YX_PATH_MAX];
	yaml_node_t *v, *tca = NULL, *vca = NULL;

	memset(t, 0, sizeof(*t));
	memcpy(t->tester_mac.a, default_tester_mac, 6);
	t->vm_mac.is_auto = true;
	t->line = nv_yx_line(m);
	t->col = nv_yx_col(m);
	t->vsid = UINT32_MAX;       /* not set: keeps it out of duplicate checks */
	if (!nv_yx_map_check(y, m, path, tenant_keys))
		return;
	if ((v = nv_yx_need(y, m, path, "name")))
		load_name(y, v, nv_yx_path_key(sub, sizeof(sub), path, "name"),
			  t->name, sizeof(t->name));
	if ((v = nv_yx_need(y, m, path, "vsid"))) {
		nv_yx_path_key(sub, sizeof(sub), path, "vsid");
		if (nv_yx_u32(y, v, sub, 0, NV_VSID_MAX, &t->vsid) < 0)
			t->vsid = UINT32_MAX;
		else if (t->vsid <= NV_VSID_RESERVED_LOW || t->vsid == NV_VSID_VENDOR)
			nv_yx_err(y, v, sub, "%u (0x%x) is a reserved VSID (RFC 7637 §3.4: 0-0xFFF and 0xFFFFFF); a tenant needs 4096..16777214",
				  t->vsid, t->vsid);
	}
	if ((tca = nv_yx_need(y, m, path, "tester_ca")))
		nv_yx_addr(y, tca, nv_yx_path_key(sub, sizeof(sub), path, "tester_ca"),
			   &t->tester_ca);
	if ((vca = nv_yx_need(y, m, path, "vm_ca")))
		nv_yx_addr(y, vca, nv_yx_path_key(sub, sizeof(sub), path, "vm_ca"), &t->vm_ca);
	if ((v = nv_yx_get(y, m, "tester_mac")))
		nv_yx_mac(y, v, nv_yx_path_key(sub, sizeof(sub), path, "tester_mac"),
			  false, &t->tester_mac);
	if ((v = nv_yx_get(y, m, "vm_mac")))
		nv_yx_mac(y, v, nv_yx_path_key(sub, sizeof(sub), path, "vm_mac"),
			  true, &t->vm_mac);
	if (t->tester_ca.family && t->vm_ca.family &&
	    t->tester_ca.family != t->vm_ca.family)
		nv_yx_err(y, vca, nv_yx_path_key(sub, sizeof(sub), path, "vm_ca"),
			  "tester_ca and vm_ca must both be IPv4 or both IPv6");
}

/* Names and VSIDs identify tenants in suites and captures: both unique. */
static void check_unique(struct nv_yx *y, yaml_node_t *seq, struct nv_dut *d)
{
	char path[NV_YX_PATH_MAX];

	for (int i = 0; i < d->ntenants; i++) {
		const struct nv_tenant *t = &d->tenants[i];

		for (int j = 0; j < i; j++) {
			const struct nv_tenant *o = &d->tenants[j];
			yaml_node_t *m = nv_yx_item(y, seq, i);

			nv_yx_path_idx(path, sizeof(path), "tenants", i);
			if (t->name[0] && strcmp(t->name, o->name) == 0)
				nv_yx_err(y, nv_yx_get(y, m, "name"), path,
					  "duplicate tenant name '%s' (first at %d:%d)",
					  t->name, o->line, o->col);
			if (t->vsid != UINT32_MAX && t->vsid == o->vsid)
				nv_yx_err(y, nv_yx_get(y, m, "vsid"), path,
					  "duplicate VSID %u (tenant '%s' at %d:%d)",
					  t->vsid, o->name, o->line, o->col);
		}
	}
}

static void load_tenants(struct nv_yx *y, yaml_node_t *seq, struct nv_dut *d)
{
	char path[NV_YX_PATH_MAX];
	int n;

	if (!nv_yx_is_seq(y, seq, "tenants"))
		return;
	n = nv_yx_seq_len(seq);
	if (n < 1 || n > NV_TENANT_MAX) {
		nv_yx_err(y, seq, "tenants", "%d tenants, expected 1..%d", n, NV_TENANT_MAX);
		if (n < 1)
			return;
		n = NV_TENANT_MAX;
	}
	for (int i = 0; i < n; i++)
		load_tenant(y, nv_yx_item(y, seq, i),
			    nv_yx_path_idx(path, sizeof(path), "tenants", i), &d->tenants[i]);
	d->ntenants = n;
	check_unique(y, seq, d);
}

static void load_root(struct nv_yx *y, yaml_node_t *root, struct nv_dut *d)
{
	yaml_node_t *v;

	if (!nv_yx_map_check(y, root, "", top_keys))
		return;
	if ((v = nv_yx_need(y, root, "", "name")))
		load_name(y, v, "name", d->name, sizeof(d->name));
	if ((v = nv_yx_need(y, root, "", "tester")))
		load_tester(y, v, d);
	if ((v = nv_yx_need(y, root, "", "dut")))
		load_dutside(y, v, d);
	if ((v = nv_yx_need(y, root, "", "tenants")))
		load_tenants(y, v, d);
	if (d->tester.pa.family && d->dut.pa.family &&
	    d->tester.pa.family != d->dut.pa.family)
		nv_yx_err(y, nv_yx_get(y, nv_yx_get(y, root, "dut"), "pa"), "dut.pa",
			  "tester.pa and dut.pa must both be IPv4 or both IPv6");
}

static void dut_init(struct nv_dut *dut, const char *name, struct nv_diags *diags)
{
	memset(dut, 0, sizeof(*dut));
	snprintf(dut->path, sizeof(dut->path), "%s", name);
	dut->tester.mac.is_auto = true;
	dut->dut.mac.is_auto = true;
	memset(diags, 0, sizeof(*diags));
	diags->path = name;
}

int nv_dut_load_mem(const char *name, const char *buf, size_t len,
		    struct nv_dut *dut, struct nv_diags *diags)
{
	struct nv_yx y;

	dut_init(dut, name, diags);
	if (nv_yx_parse(&y, buf, len, diags) == 0)
		load_root(&y, nv_yx_root(&y), dut);
	nv_yx_free(&y);
	nv_yx_diags_sort(diags);
	return diags->n || diags->dropped ? -1 : 0;
}

int nv_dut_load(const char *path, struct nv_dut *dut, struct nv_diags *diags)
{
	char *buf;
	size_t len;
	int rc;

	dut_init(dut, path, diags);
	if (nv_yx_read_file(path, &buf, &len, diags) < 0)
		return -1;
	rc = nv_dut_load_mem(path, buf, len, dut, diags);
	free(buf);
	return rc;
}

const struct nv_tenant *nv_dut_tenant_by_name(const struct nv_dut *d, const char *name)
{
	for (int i = 0; i < d->ntenants; i++)
		if (strcmp(d->tenants[i].name, name) == 0)
			return &d->tenants[i];
	return NULL;
}

const struct nv_tenant *nv_dut_tenant_by_vsid(const struct nv_dut *d, uint32_t vsid)
{
	for (int i = 0; i < d->ntenants; i++)
		if (d->tenants[i].vsid == vsid)
			return &d->tenants[i];
	return NULL;
}
