/*
 * atomic.c - reports appear whole or not at all: write a temporary file in
 * the same directory, fsync it, rename it over the target, fsync the
 * directory. An OUTDIR holding earlier results is only reused with --force.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rpt.h"

#define DIR_MODE 0755

int nv_rpt_mkdir_p(const char *path, struct nv_err *err)
{
	char buf[NV_MX_PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return nv_errc(err, NV_EXIT_USAGE, "output directory name '%s' is empty or too long", path);
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, DIR_MODE) < 0 && errno != EEXIST)
			return nv_errno(err, "creating %s", buf);
		*p = '/';
	}
	if (mkdir(buf, DIR_MODE) < 0 && errno != EEXIST)
		return nv_errno(err, "creating %s", buf);
	return 0;
}

static int dir_is_empty(const char *path, bool *empty, struct nv_err *err)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d)
		return nv_errno(err, "opening %s", path);
	*empty = true;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			*empty = false;
			break;
		}
	}
	closedir(d);
	return 0;
}

int nv_report_outdir_prepare(const char *outdir, bool force, struct nv_err *err)
{
	struct stat st;
	bool empty = true;

	if (!outdir || !*outdir)
		return nv_errc(err, NV_EXIT_USAGE, "no output directory given (-o OUTDIR)");
	if (stat(outdir, &st) < 0) {
		if (errno != ENOENT)
			return nv_errno(err, "%s", outdir);
		return nv_rpt_mkdir_p(outdir, err);
	}
	if (!S_ISDIR(st.st_mode))
		return nv_errc(err, NV_EXIT_USAGE, "%s exists and is not a directory", outdir);
	if (dir_is_empty(outdir, &empty, err) < 0)
		return -1;
	if (!empty && !force)
		return nv_errc(err, NV_EXIT_USAGE,
			       "%s exists and is not empty; use --force to overwrite, or pick another -o",
			       outdir);
	return 0;
}

int nv_atomic_open(struct nv_atomic *a, const char *dir, const char *name,
		   bool force, struct nv_err *err)
{
	int fd;

	memset(a, 0, sizeof(*a));
	if ((size_t)snprintf(a->dst, sizeof(a->dst), "%s/%s", dir, name) >= sizeof(a->dst) ||
	    (size_t)snprintf(a->tmp, sizeof(a->tmp), "%s/.%s.XXXXXX", dir, name) >= sizeof(a->tmp))
		return nv_errc(err, NV_EXIT_USAGE, "output path %s/%s too long", dir, name);
	if (!force && access(a->dst, F_OK) == 0)
		return nv_errc(err, NV_EXIT_USAGE,
			       "%s already exists; use --force to overwrite", a->dst);
	fd = mkstemp(a->tmp);
	if (fd < 0)
		return nv_errno(err, "creating %s", a->tmp);
	/* mkstemp makes 0600; reports are for reading by others. */
	(void)fchmod(fd, 0644);
	a->f = fdopen(fd, "w");
	if (!a->f) {
		close(fd);
		unlink(a->tmp);
		return nv_errno(err, "opening %s", a->tmp);
	}
	return 0;
}

static void fsync_dir(const char *path)
{
	char dir[sizeof(((struct nv_atomic *)0)->dst)];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		(void)fsync(fd);   /* best effort: the rename itself is done */
		close(fd);
	}
}

int nv_atomic_commit(struct nv_atomic *a, struct nv_err *err)
{
	FILE *f = a->f;

	a->f = NULL;
	if (!f)
		return nv_errc(err, NV_EXIT_RUNTIME, "%s: not open", a->tmp);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0) {
		nv_errno(err, "writing %s", a->dst);
		fclose(f);
		unlink(a->tmp);
		return -1;
	}
	if (fclose(f) != 0) {
		nv_errno(err, "closing %s", a->dst);
		unlink(a->tmp);
		return -1;
	}
	if (rename(a->tmp, a->dst) < 0) {
		nv_errno(err, "renaming %s to %s", a->tmp, a->dst);
		unlink(a->tmp);
		return -1;
	}
	a->tmp[0] = '\0';
	fsync_dir(a->dst);
	return 0;
}

void nv_atomic_abort(struct nv_atomic *a)
{
	if (a->f) {
		fclose(a->f);
		a->f = NULL;
	}
	if (a->tmp[0])
		unlink(a->tmp);
	a->tmp[0] = '\0';
}
