/*
 * priv.h - dropping root and every capability once the sockets and captures
 * are open (tcpdump -Z order): packets from the DUT are parsed, and output
 * files created, only by the unprivileged process.
 *
 * Whom to become: --user NAME (or a numeric uid); otherwise, when root was
 * reached through sudo, the invoking user (SUDO_UID/SUDO_GID/SUDO_USER);
 * otherwise the uid stays as it is (plain root stays uid 0) but every
 * capability, the bounding set included, is cleared all the same.
 */
#ifndef NV_PRIV_H
#define NV_PRIV_H

#include <stdbool.h>
#include <sys/types.h>

#include "nvgrect/err.h"

#define NV_PRIV_USER_MAX 64
#define NV_PRIV_PROBE_ENV "NVGRECT_PRIV_PROBE"

struct nv_priv_target {
	bool change_id;             /* switch uid/gid (false: keep, clear caps only) */
	uid_t uid;
	gid_t gid;
	char user[NV_PRIV_USER_MAX];   /* for initgroups; "" = no supplementary groups */
	const char *why;            /* "--user", "sudo", "unchanged": for -v */
};

/* Decide whom to become; user may be NULL. Unknown user: NV_EXIT_USAGE. */
int nv_priv_resolve(const char *user, struct nv_priv_target *t, struct nv_err *err);
/*
 * Become t and clear every capability (effective, permitted, inheritable,
 * ambient, bounding), set no_new_privs, then check that it held: root
 * cannot be regained. Runtime error (NV_EXIT_RUNTIME) if any step fails.
 */
int nv_priv_drop(const struct nv_priv_target *t, struct nv_err *err);
/*
 * Test hook: when NVGRECT_PRIV_PROBE names a file, write the Uid, Gid,
 * CapInh/CapPrm/CapEff/CapBnd/CapAmb and NoNewPrivs lines of /proc/self/status
 * into it. Call right after nv_priv_drop. 0 when unset or written.
 */
int nv_priv_probe_hook(struct nv_err *err);

#endif
