/*
 * mkfixture - write the reports of a hand-built result (fixture.c):
 *   mkfixture PROFILE OUTDIR [--force]     PROFILE: rtm | r2 | hostile | empty
 * then print the terminal summary (coloured only on a TTY). Exit: the
 * result's exit code, or 2/4 as nvgrect would.
 */
#include <unistd.h>

#include "fixture.c"

int main(int argc, char **argv)
{
	static struct nv_fixture fx;
	struct nv_report_opts o = { 0 };
	struct nv_err err = { 0 };

	if (argc < 3) {
		fprintf(stderr, "usage: mkfixture rtm|r2|hostile|empty OUTDIR [--force]\n");
		return 2;
	}
	o.force = argc > 3 && !strcmp(argv[3], "--force");
	if (nv_fixture_build(argv[1], &fx) < 0) {
		fprintf(stderr, "mkfixture: unknown profile %s\n", argv[1]);
		return 2;
	}
	if (nv_report_outdir_prepare(argv[2], o.force, &err) < 0 ||
	    nv_report_write_all(&fx.r, argv[2], &o, &err) < 0) {
		fprintf(stderr, "mkfixture: %s\n", err.msg);
		return err.code;
	}
	nv_report_print_summary(stdout, &fx.r, isatty(STDOUT_FILENO));
	return 0;
}
