/* main.c - `nvgrect` dispatch: subcommand table, --help, --version. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "nvgrect/err.h"

struct subcmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct subcmd cmds[] = {
	{ "key", nv_cmd_key, "encode a VSID or explain a GRE key in every layout" },
	{ "lint", nv_cmd_lint, "validate suite and DUT files" },
	{ "gen", nv_cmd_gen, "craft probes to a pcap/pcapng file or an interface" },
	{ "run", nv_cmd_run, "send, capture, judge: a live conformance run" },
	{ "verify", nv_cmd_verify, "score a capture taken elsewhere" },
	{ "ref", nv_cmd_ref, "serve as a reference NVGRE endpoint" },
	{ "matrix", nv_cmd_matrix, "pair endpoints: who can talk to whom" },
	{ "diagnose", nv_cmd_diagnose, "explain an NVGRE capture, no suite needed" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nvgrect COMMAND [options]   (nvgrect COMMAND --help)\n\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nexit: 0 no FAIL, 1 FAIL, 2 usage/invalid input, 3 inconclusive, 4 runtime error\n");
}

int nv_cli_number(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	v = strtoull(s, &end, 0);
	if (*end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

int nv_cli_real(const char *s, double max, double *out)
{
	char *end;
	double v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return NV_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return NV_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("nvgrect %s\n", NV_VERSION);
		return NV_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "nvgrect: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return NV_EXIT_USAGE;
}
