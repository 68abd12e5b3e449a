/* key.c - `nvgrect key`: encode a VSID in every layout, or explain a GRE key. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "nvgrect/err.h"
#include "nvgrect/key.h"

#define FLOWID_MAX 0xFFu          /* widest FlowID of any layout (8 bits) */
#define KEY_MAX 0xFFFFFFFFull

struct key_opts {
	bool has_vsid, has_key, has_flowid, json;
	uint32_t vsid, flowid, key;
	const char *layout;          /* NULL = all */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nvgrect key --vsid N [--flowid F] [--layout NAME|all] [--json]\n"
		"       nvgrect key --key 0xKKKKKKKK [--layout NAME|all] [--json]\n"
		"\n"
		"--vsid: the 32-bit GRE key carrying VSID N (and FlowID F) in each layout.\n"
		"--key:  what a key means in each layout, with problems flagged (reserved\n"
		"        VSIDs, non-zero reserved bits) and the KB2779768 mix-up named.\n"
		"\n"
		"  --vsid N       0..16777215 (0xFFFFFF), decimal or 0x hex\n"
		"  --flowid F     0..255, only with --vsid (default 0)\n"
		"  --key K        0..0xFFFFFFFF\n"
		"  --layout NAME  rfc7637 (RFC 7637 §3.2: VSID bits 31..8, FlowID 7..0) or\n"
		"                 draft00 (draft-00 text: VSID bits 23..0, 31..24 reserved); default all\n"
		"  --json         one JSON object on stdout\n"
		"\n"
		"exit: 0 done, 2 bad usage or a value no chosen layout can carry\n");
}

static const char *prose(const struct nv_layout *l)
{
	if (!strcmp(l->name, "rfc7637"))
		return "RFC 7637";
	if (!strcmp(l->name, "draft00"))
		return "draft-00";
	return l->name;
}

static const char *article(const char *word)
{
	/* "an RFC 7637", "a draft-00": by sound, R is "ar" */
	return strchr("AEFHILMNORSXaeio", word[0]) ? "an" : "a";
}

static bool selected(const struct key_opts *o, const struct nv_layout *l)
{
	return !o->layout || !strcmp(o->layout, "all") || !strcmp(o->layout, l->name);
}

/* --- --vsid ------------------------------------------------------------------- */

static void flowid_text(uint32_t f, char *buf, size_t len)
{
	if (f)
		snprintf(buf, len, "%u (0x%02x)", f, f);
	else
		snprintf(buf, len, "0");
}

static int encode_all(const struct key_opts *o)
{
	int ok = 0, shown = 0;
	char fl[32], probs[128];

	if (o->json)
		printf("{\"vsid\": %u, \"flowid\": %u, \"layouts\": [", o->vsid, o->flowid);
	for (int i = 0; i < nv_key_builtin_count(); i++) {
		const struct nv_layout *l = nv_key_builtin(i);
		struct nv_key_reading r = { 0 };
		struct nv_err err;
		uint32_t key;
		int rc;

		if (!selected(o, l))
			continue;
		rc = nv_key_encode(l, o->vsid, o->flowid, &key, &err);
		if (rc == 0)
			nv_key_decode(l, key, &r);
		if (o->json) {
			printf("%s{\"layout\": \"%s\", ", shown ? ", " : "", l->name);
			if (rc == 0)
				printf("\"ok\": true, \"key\": %u, \"key_hex\": \"0x%08x\", \"vsid_reserved\": %s}",
				       key, key, (r.problems & (NV_KEYP_VSID_RESERVED | NV_KEYP_VSID_VENDOR)) ? "true" : "false");
			else
				printf("\"ok\": false, \"error\": \"%s\"}",
				       l->flow_width ? "flowid too wide" : "layout has no FlowID field");
		} else {
			flowid_text(o->flowid, fl, sizeof(fl));
			printf("%-8s vsid=%u (0x%06x) flowid=%s", l->name, o->vsid, o->vsid, fl);
			if (rc < 0 && !l->flow_width)
				printf(": cannot carry FlowID %u, this layout has no FlowID field\n", o->flowid);
			else if (rc < 0)
				printf(": %s\n", err.msg);
			else {
				nv_key_problems_str(r.problems, probs, sizeof(probs));
				printf(" -> key 0x%08x%s%s\n", key, probs[0] ? "  note: " : "", probs);
			}
		}
		shown++;
		ok += rc == 0;
	}
	if (o->json)
		printf("]}\n");
	if (!shown) {
		fprintf(stderr, "nvgrect key: unknown layout '%s' (rfc7637, draft00 or all)\n", o->layout);
		return NV_EXIT_USAGE;
	}
	return ok ? NV_EXIT_OK : NV_EXIT_USAGE;
}

/* --- --key ---------------------------------------------------------------------- */

static void problem_text(const struct nv_key_reading *r, char *buf, size_t len)
{
	if (r->problems & NV_KEYP_VSID_RESERVED)
		snprintf(buf, len, "VSID 0x%x, inside the reserved range 0-0xFFF", r->vsid);
	else if (r->problems & NV_KEYP_VSID_VENDOR)
		snprintf(buf, len, "VSID 0xFFFFFF, reserved for vendor use");
	else
		snprintf(buf, len, "VSID 0x%x with reserved bits 0x%08x set (a sender must send zero)",
			 r->vsid, r->reserved);
}

/*
 * One key, two layouts, one reading broken and the other plausible: a
 * sender and a receiver disagree on the layout - the Windows Server 2012
 * RTM vs 2012 R2 story of KB2779768.
 */
static int mixups(const struct nv_key_reading *rd, int n, char lines[][320], int max)
{
	int k = 0;

	for (int a = 0; a < n; a++)
		for (int b = 0; b < n && k < max; b++) {
			const char *snd = prose(rd[b].layout), *rcv = prose(rd[a].layout);
			char what[128];

			if (a == b || !rd[a].problems || rd[b].problems)
				continue;
			problem_text(&rd[a], what, sizeof(what));
			snprintf(lines[k++], 320,
				 "under %s this is %s: %s %s sender's key for VSID %u read by %s %s receiver (the KB2779768 failure)",
				 rd[a].layout->name, what, article(snd), snd, rd[b].vsid,
				 article(rcv), rcv);
		}
	return k;
}

/* Both readings plausible but different: the endpoints would pick different subnets. */
static int aliases(const struct nv_key_reading *rd, int n, char lines[][320], int k, int max)
{
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n && k < max; b++) {
			if (rd[a].problems || rd[b].problems || rd[a].vsid == rd[b].vsid)
				continue;
			snprintf(lines[k++], 320,
				 "one wire key, two subnets: %s VSID %u (0x%06x) is %s VSID %u (0x%06x); endpoints that disagree on the layout misdeliver or drop it",
				 rd[a].layout->name, rd[a].vsid, rd[a].vsid,
				 rd[b].layout->name, rd[b].vsid, rd[b].vsid);
		}
	return k;
}

static void print_reading_text(const struct nv_key_reading *r, uint32_t key)
{
	char probs[128], fl[32] = "-";

	nv_key_problems_str(r->problems, probs, sizeof(probs));
	if (r->layout->flow_width)
		flowid_text(r->flowid, fl, sizeof(fl));
	printf("%-8s key 0x%08x -> vsid=%u (0x%06x) flowid=%s", r->layout->name, key,
	       r->vsid, r->vsid, fl);
	if (r->layout->reserved_mask)
		printf(" reserved=0x%08x", r->reserved);
	printf("  %s%s\n", probs[0] ? "PROBLEM: " : "ok", probs);
}

static void print_reading_json(const struct nv_key_reading *r, bool first)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ NV_KEYP_VSID_RESERVED, "vsid-reserved" },
		{ NV_KEYP_VSID_VENDOR, "vsid-vendor" },
		{ NV_KEYP_RESERVED_BITS, "reserved-bits" },
	};
	int np = 0;

	printf("%s{\"layout\": \"%s\", \"vsid\": %u, \"vsid_hex\": \"0x%06x\", ", first ? "" : ", ",
	       r->layout->name, r->vsid, r->vsid);
	if (r->layout->flow_width)
		printf("\"flowid\": %u, ", r->flowid);
	else
		printf("\"flowid\": null, ");
	printf("\"reserved\": %u, \"plausible\": %s, \"problems\": [", r->reserved,
	       r->problems ? "false" : "true");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (r->problems & names[i].bit)
			printf("%s\"%s\"", np++ ? ", " : "", names[i].name);
	printf("]}");
}

static int explain_key(const struct key_opts *o)
{
	struct nv_key_reading rd[NV_LAYOUT_MAX];
	char notes[8][320];
	struct nv_layouts ls;
	int n, nn, shown = 0;

	nv_key_layouts_init(&ls);
	n = nv_key_aliases(&ls, o->key, rd, NV_LAYOUT_MAX);
	nn = mixups(rd, n, notes, 8);
	nn = aliases(rd, n, notes, nn, 8);
	if (o->json)
		printf("{\"key\": %u, \"key_hex\": \"0x%08x\", \"readings\": [", o->key, o->key);
	for (int i = 0; i < n; i++) {
		if (!selected(o, rd[i].layout))
			continue;
		if (o->json)
			print_reading_json(&rd[i], shown == 0);
		else
			print_reading_text(&rd[i], o->key);
		shown++;
	}
	if (o->json) {
		printf("], \"notes\": [");
		for (int i = 0; i < nn; i++)
			printf("%s\"%s\"", i ? ", " : "", notes[i]);
		printf("]}\n");
	} else {
		for (int i = 0; i < nn; i++)
			printf("%s\n", notes[i]);
	}
	if (!shown) {
		fprintf(stderr, "nvgrect key: unknown layout '%s' (rfc7637, draft00 or all)\n", o->layout);
		return NV_EXIT_USAGE;
	}
	return NV_EXIT_OK;
}

/* --- options --------------------------------------------------------------------- */

static int number(const char *opt, const char *s, unsigned long long max, uint32_t *out)
{
	unsigned long long v;

	if (nv_cli_number(s, max, &v) < 0) {
		fprintf(stderr, "nvgrect key: %s '%s': expected a number 0..%llu (0x%llX), decimal or 0x hex\n",
			opt, s, max, max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse(int argc, char **argv, struct key_opts *o)
{
	static const struct option opts[] = {
		{ "vsid", required_argument, NULL, 'v' },
		{ "flowid", required_argument, NULL, 'f' },
		{ "key", required_argument, NULL, 'k' },
		{ "layout", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "v:f:k:l:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			o->has_vsid = true;
			if (number("--vsid", optarg, NV_VSID_MAX, &o->vsid) < 0)
				return -1;
			break;
		case 'f':
			o->has_flowid = true;
			if (number("--flowid", optarg, FLOWID_MAX, &o->flowid) < 0)
				return -1;
			break;
		case 'k':
			o->has_key = true;
			if (number("--key", optarg, KEY_MAX, &o->key) < 0)
				return -1;
			break;
		case 'l':
			o->layout = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc || o->has_vsid == o->has_key || (o->has_flowid && !o->has_vsid)) {
		fprintf(stderr, "nvgrect key: give either --vsid N [--flowid F] or --key K\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

int nv_cmd_key(int argc, char **argv)
{
	struct key_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = parse(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? NV_EXIT_OK : NV_EXIT_USAGE;
	return o.has_vsid ? encode_all(&o) : explain_key(&o);
}
