/*
 * ref.c - `nvgrect ref`: serve as the DUT a DUT file describes, with one of
 * the behaviour profiles (ref/profile.c), until SIGINT/SIGTERM.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "nvgrect/ref.h"
#include "nvgrect/sig.h"

struct ref_args {
	const char *profile, *dut, *iface, *user;
	bool verbose, list;
	uint64_t count_limit;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nvgrect ref --profile NAME --dut DUT.yaml -i IFACE [options]\n"
		"\n"
		"Serve as the NVGRE endpoint the DUT file describes: own dut.pa on IFACE\n"
		"(answer ARP for it), hold one lookup record per tenant, answer inner ARP\n"
		"and ICMP/ICMPv6 echo for each tenant VM, encapsulated in the profile's\n"
		"key layout. Give IFACE no IP address: the endpoint answers for dut.pa\n"
		"itself, and a kernel address would add ARP replies and ICMP 3/2.\n"
		"\n"
		"  --profile NAME     behaviour profile (--list-profiles)\n"
		"  --dut FILE         the DUT file (dut.pa, tester.pa, tenants)\n"
		"  -i, --iface IFACE  interface to serve on\n"
		"  -v, --verbose      one stderr line per decision (accepted/rejected, why)\n"
		"  --count-limit N    exit after N decisions (tests)\n"
		"  --user NAME        drop to this user once the interface is open\n"
		"  --list-profiles    print the profiles and exit\n"
		"  -h, --help         this text\n"
		"\n"
		"exit: 0 stopped after --count-limit, 2 usage or invalid input,\n"
		"4 runtime error, 130/143 stopped by SIGINT/SIGTERM\n");
}

static void list_profiles(void)
{
	for (int i = 0; i < nv_ref_profile_count(); i++) {
		const struct nv_ref_profile *p = nv_ref_profile_get(i);

		printf("%-13s %s\n", p->name, p->summary);
	}
}

enum { OPT_PROFILE = 256, OPT_DUT, OPT_COUNT, OPT_USER, OPT_LIST };

static int parse_args(struct ref_args *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "dut", required_argument, NULL, OPT_DUT },
		{ "iface", required_argument, NULL, 'i' },
		{ "count-limit", required_argument, NULL, OPT_COUNT },
		{ "user", required_argument, NULL, OPT_USER },
		{ "list-profiles", no_argument, NULL, OPT_LIST },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long n;
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:vh", lo, NULL)) != -1) {
		switch (c) {
		case OPT_PROFILE: a->profile = optarg; break;
		case OPT_DUT: a->dut = optarg; break;
		case 'i': a->iface = optarg; break;
		case OPT_USER: a->user = optarg; break;
		case OPT_LIST: a->list = true; break;
		case 'v': a->verbose = true; break;
		case 'h': usage(stdout); return -1;
		case OPT_COUNT:
			if (nv_cli_number(optarg, UINT64_MAX, &n) < 0 || n == 0) {
				fprintf(stderr, "nvgrect ref: invalid --count-limit: %s\n", optarg);
				return NV_EXIT_USAGE;
			}
			a->count_limit = n;
			break;
		default: usage(stderr); return NV_EXIT_USAGE;
		}
	}
	if (a->list)
		return 0;
	if (optind < argc || !a->profile || !a->dut || !a->iface) {
		fprintf(stderr, "nvgrect ref: need --profile, --dut and -i\n");
		usage(stderr);
		return NV_EXIT_USAGE;
	}
	return 0;
}

static int load_dut(const char *path, struct nv_dut *dut)
{
	static struct nv_diags ds;
	char line[NV_ERRBUF_SIZE];

	memset(&ds, 0, sizeof(ds));
	if (nv_dut_load(path, dut, &ds) == 0)
		return 0;
	for (int i = 0; i < ds.n; i++) {
		nv_diag_format(&ds, i, line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	return -1;
}

static void print_stats(const char *prof, const struct nv_ref_stats *st)
{
	fprintf(stderr,
		"nvgrect ref %s: %llu frames seen, %llu underlay ARP/ND answered, "
		"%llu delivered (%llu answered), %llu dropped, %llu rejected, "
		"%llu ICMP suppressed by the rate limit, %llu send errors, "
		"%llu dropped by the kernel (capture buffer full)\n", prof,
		(unsigned long long)st->seen, (unsigned long long)st->arp,
		(unsigned long long)st->delivered, (unsigned long long)st->answered,
		(unsigned long long)st->dropped, (unsigned long long)st->rejected,
		(unsigned long long)st->ratelimited, (unsigned long long)st->send_errors,
		(unsigned long long)st->kernel_dropped);
}

static int serve(const struct ref_args *a, const struct nv_ref_profile *prof,
		 const struct nv_dut *dut)
{
	struct nv_priv_target who = { 0 };
	struct nv_ref_opts o = { .prof = prof, .dut = dut, .iface = a->iface,
				 .verbose = a->verbose, .count_limit = a->count_limit,
				 .drop = a->user ? &who : NULL };
	struct nv_ref_stats st;
	struct nv_err e = { 0 };
	int rc, signo;

	if (a->user && nv_priv_resolve(a->user, &who, &e) < 0) {
		fprintf(stderr, "nvgrect ref: %s\n", e.msg);
		return e.code ? e.code : NV_EXIT_USAGE;
	}
	if (nv_sig_install(&e) < 0) {
		fprintf(stderr, "nvgrect ref: %s\n", e.msg);
		return NV_EXIT_RUNTIME;
	}
	fprintf(stderr, "nvgrect ref %s: serving %s on %s (%d tenants)\n", prof->name,
		dut->name, a->iface, dut->ntenants);
	rc = nv_ref_serve(&o, &st, &e);
	signo = nv_sig_caught();
	nv_sig_restore();
	print_stats(prof->name, &st);
	if (rc < 0) {
		fprintf(stderr, "nvgrect ref: %s\n", e.msg);
		return e.code ? e.code : NV_EXIT_RUNTIME;
	}
	return signo ? nv_sig_exit_code(signo) : NV_EXIT_OK;
}

int nv_cmd_ref(int argc, char **argv)
{
	static struct nv_dut dut;
	const struct nv_ref_profile *prof;
	struct ref_args a;
	int rc = parse_args(&a, argc, argv);

	if (rc)
		return rc < 0 ? NV_EXIT_OK : rc;
	if (a.list) {
		list_profiles();
		return NV_EXIT_OK;
	}
	prof = nv_ref_profile_find(a.profile);
	if (!prof) {
		fprintf(stderr, "nvgrect ref: unknown profile '%s'; one of:\n", a.profile);
		list_profiles();
		return NV_EXIT_USAGE;
	}
	if (load_dut(a.dut, &dut) < 0)
		return NV_EXIT_USAGE;
	return serve(&a, prof, &dut);
}
