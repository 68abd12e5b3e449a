/* priv.c - become the unprivileged user and shed every capability. */
#define _GNU_SOURCE     /* getresuid */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "nvgrect/priv.h"

#define UID_MAX_VALUE 0x7fffffffUL

static int parse_id(const char *s, unsigned long *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || *end || *v > UID_MAX_VALUE)
		return -1;
	return 0;
}

static void set_user(struct nv_priv_target *t, const char *name)
{
	snprintf(t->user, sizeof t->user, "%s", name ? name : "");
}

static int resolve_named(const char *user, struct nv_priv_target *t,
			 struct nv_err *err)
{
	const struct passwd *pw = getpwnam(user);
	unsigned long id;

	if (!pw && parse_id(user, &id) == 0)
		pw = getpwuid((uid_t)id);
	if (!pw)
		return nv_errc(err, NV_EXIT_USAGE, "--user %s: no such user", user);
	t->change_id = true;
	t->uid = pw->pw_uid;
	t->gid = pw->pw_gid;
	set_user(t, pw->pw_name);
	t->why = "--user";
	return 0;
}

/* Under sudo the invoking user gets the files; sudo exports who that was. */
static int resolve_sudo(struct nv_priv_target *t, struct nv_err *err)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	const struct passwd *pw;
	unsigned long uid, gid;

	if (!su)
		return 1;
	if (parse_id(su, &uid) < 0 || !sg || parse_id(sg, &gid) < 0)
		return nv_errc(err, NV_EXIT_USAGE,
			       "SUDO_UID/SUDO_GID are not numbers; give --user");
	if (uid == 0)
		return 1;
	t->change_id = true;
	t->uid = (uid_t)uid;
	t->gid = (gid_t)gid;
	pw = getpwuid(t->uid);
	set_user(t, pw ? pw->pw_name : "");
	t->why = "sudo";
	return 0;
}

int nv_priv_resolve(const char *user, struct nv_priv_target *t, struct nv_err *err)
{
	int rc;

	memset(t, 0, sizeof *t);
	t->uid = getuid();
	t->gid = getgid();
	t->why = "unchanged";
	if (user)
		return resolve_named(user, t, err);
	if (geteuid() != 0)
		return 0;
	rc = resolve_sudo(t, err);
	return rc < 0 ? -1 : 0;
}

static int set_groups(const struct nv_priv_target *t, struct nv_err *err)
{
	if (t->user[0] && initgroups(t->user, t->gid) == 0)
		return 0;
	if (setgroups(0, NULL) < 0)
		return nv_errno(err, "setgroups");
	return 0;
}

/* Root: groups, then gid, then uid, then nothing left to keep. */
static int change_id(const struct nv_priv_target *t, struct nv_err *err)
{
	if (set_groups(t, err) < 0)
		return -1;
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_change_id((int)t->uid, (int)t->gid,
			    CAPNG_CLEAR_BOUNDING | CAPNG_CLEAR_AMBIENT) < 0)
		return nv_errno(err, "cannot become uid %lu gid %lu",
				(unsigned long)t->uid, (unsigned long)t->gid);
	return 0;
}

/* Same uid: clear the bounding set only if we may (CAP_SETPCAP). */
static int clear_caps(struct nv_err *err)
{
	capng_select_t set = CAPNG_SELECT_CAPS;

	capng_get_caps_process();
	if (capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP))
		set = CAPNG_SELECT_ALL;
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_apply(set) < 0)
		return nv_errno(err, "cannot clear capabilities");
	return 0;
}

static int check_dropped(const struct nv_priv_target *t, struct nv_err *err)
{
	uid_t r, e, s;

	if (getresuid(&r, &e, &s) < 0)
		return nv_errno(err, "getresuid");
	if (t->change_id && (r != t->uid || e != t->uid || s != t->uid))
		return nv_errf(err, "uid change did not hold (%lu/%lu/%lu)",
			       (unsigned long)r, (unsigned long)e, (unsigned long)s);
	if (t->change_id && t->uid != 0 && setuid(0) == 0)
		return nv_errf(err, "root could be regained after the drop");
	capng_get_caps_process();
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
		return nv_errf(err, "capabilities left after the drop");
	return 0;
}

int nv_priv_drop(const struct nv_priv_target *t, struct nv_err *err)
{
	if (t->change_id && change_id(t, err) < 0)
		return -1;
	if (!t->change_id && clear_caps(err) < 0)
		return -1;
	/* No setuid binary or file capability can hand anything back. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nv_errno(err, "prctl(PR_SET_NO_NEW_PRIVS)");
	return check_dropped(t, err);
}

static bool probe_line(const char *line)
{
	static const char *const keep[] = {
		"Uid:", "Gid:", "Groups:", "CapInh:", "CapPrm:", "CapEff:",
		"CapBnd:", "CapAmb:", "NoNewPrivs:",
	};

	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
		if (!strncmp(line, keep[i], strlen(keep[i])))
			return true;
	return false;
}

int nv_priv_probe_hook(struct nv_err *err)
{
	const char *path = getenv(NV_PRIV_PROBE_ENV);
	char line[512];
	FILE *in, *out;
	int fd;

	if (!path || !*path)
		return 0;
	in = fopen("/proc/self/status", "r");
	if (!in)
		return nv_errno(err, "/proc/self/status");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	out = fd < 0 ? NULL : fdopen(fd, "w");
	if (!out) {
		if (fd >= 0)
			close(fd);
		fclose(in);
		return nv_errno(err, "%s", path);
	}
	while (fgets(line, sizeof line, in))
		if (probe_line(line))
			fputs(line, out);
	fclose(in);
	if (fclose(out) != 0)
		return nv_errno(err, "%s", path);
	return 0;
}
