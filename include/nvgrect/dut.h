/* dut.h - the DUT file (DESIGN.md §5): tester, DUT and provisioned tenants. */
#ifndef NV_DUT_H
#define NV_DUT_H

#include <stdbool.h>
#include <stdint.h>

#include "nvgrect/err.h"

#define NV_NAME_MAX 64
#define NV_IFNAME_MAX 16
#define NV_TENANT_MAX 64

/* An IPv4 or IPv6 address; family is AF_INET or AF_INET6 (0 = unset). */
struct nv_addr {
	int family;
	uint8_t a[16];      /* IPv4 in a[0..3] */
};

/* A MAC that may be "auto" (resolved at run time). */
struct nv_mac {
	bool is_auto;
	uint8_t a[6];
};

struct nv_tenant {
	char name[NV_NAME_MAX];
	uint32_t vsid;
	struct nv_addr tester_ca;
	struct nv_mac tester_mac;
	struct nv_addr vm_ca;
	struct nv_mac vm_mac;
	int line, col;      /* where it was defined, for messages */
};

struct nv_dut {
	char name[NV_NAME_MAX];
	char path[256];
	struct {
		char iface[NV_IFNAME_MAX];   /* "" when not given */
		struct nv_addr pa;
		struct nv_mac mac;           /* default auto */
	} tester;
	struct {
		struct nv_addr pa;
		struct nv_mac mac;           /* default auto */
	} dut;
	int ntenants;
	struct nv_tenant tenants[NV_TENANT_MAX];
};

/*
 * Load and validate a DUT file. On failure returns -1; every problem is in
 * diags as "path:line:col: message" (diags->path is set to path).
 */
int nv_dut_load(const char *path, struct nv_dut *dut, struct nv_diags *diags);
/* Same from memory (tests, fuzzing); name is used in messages. */
int nv_dut_load_mem(const char *name, const char *buf, size_t len,
		    struct nv_dut *dut, struct nv_diags *diags);

const struct nv_tenant *nv_dut_tenant_by_name(const struct nv_dut *d, const char *name);
const struct nv_tenant *nv_dut_tenant_by_vsid(const struct nv_dut *d, uint32_t vsid);

/* Address helpers shared by every stage. */
int nv_addr_parse(const char *s, struct nv_addr *a);          /* 0 / -1 */
const char *nv_addr_str(const struct nv_addr *a, char *buf, unsigned len);
bool nv_addr_eq(const struct nv_addr *a, const struct nv_addr *b);
int nv_mac_parse(const char *s, struct nv_mac *m);            /* "auto" ok */
const char *nv_mac_str(const uint8_t mac[6], char *buf, unsigned len);

#endif
