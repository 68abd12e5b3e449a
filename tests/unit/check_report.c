/* check_report.c - escapers, report writers, atomic files, the matrix. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "../../reports/rpt.h"
/* One fixture for the unit and the shell tests (tests/reports/). */
#include "../reports/fixture.c"

/* Run an escaper into a string (caller frees). */
static char *esc(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, s);
	fclose(f);
	return buf;
}

static void esc_term0(FILE *f, const char *s)
{
	nv_esc_term(f, s, 0);
}

static bool has_raw_ctrl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
			return true;
	return false;
}

START_TEST(test_report_utf8)
{
	uint32_t cp;

	ck_assert_int_eq(nv_utf8_next((const unsigned char *)"A", 1, &cp), 1);
	ck_assert_uint_eq(cp, 'A');
	ck_assert_int_eq(nv_utf8_next((const unsigned char *)"\xc2\xa7", 2, &cp), 2);
	ck_assert_uint_eq(cp, 0xa7);
	ck_assert_int_eq(nv_utf8_next((const unsigned char *)"\xe2\x9c\x93", 3, &cp), 3);
	ck_assert_int_eq(nv_utf8_next((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
	ck_assert_uint_eq(cp, 0x1f600);
	/* overlong, surrogate, beyond U+10FFFF, cut short, stray continuation */
	ck_assert_int_eq(nv_utf8_next((const unsigned char *)"\xc0\x80", 2, &cp), 0);
	ck_assert_int_eq(nv_utf8_next((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0);
	ck_assert_int_eq(nv_utf8_next((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
	ck_assert_int_eq(nv_utf8_next((const unsigned char *)"\xe2\x9c", 2, &cp), 0);
	ck_assert_int_eq(nv_utf8_next((const unsigned char *)"\x80", 1, &cp), 0);
}
END_TEST

START_TEST(test_report_escape_json)
{
	char *o = esc(nv_esc_json, "a\"\\<\x01\xff\n\xe2\x80\xa8\xc2\xa7");

	ck_assert_str_eq(o, "\"a\\\"\\\\\\u003c\\u0001\\ufffd\\n\\u2028\xc2\xa7\"");
	free(o);
}
END_TEST

START_TEST(test_report_escape_xml)
{
	char *o = esc(nv_esc_xml, "<&>\"']]>\x01\xff\x1b");

	ck_assert_str_eq(o, "&lt;&amp;&gt;&quot;&#39;]]&gt;\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	free(o);
}
END_TEST

START_TEST(test_report_escape_md)
{
	char *o = esc(nv_esc_md, "a|b*`c`\n<td>[x](y)");

	ck_assert_str_eq(o, "a\\|b\\*\\`c\\` &lt;td&gt;\\[x\\](y)");
	free(o);
}
END_TEST

/* Outside tables: '|' and '>' stay readable; only a leading block marker is escaped. */
START_TEST(test_report_escape_md_text)
{
	static const char *const cases[][2] = {
		{ "expected delivered|not-delivered; 198.51.100.2 > 198.51.100.1",
		  "expected delivered|not-delivered; 198.51.100.2 > 198.51.100.1" },
		{ "a|b*`c`\n<td>[x](y) &", "a|b\\*\\`c\\` &lt;td>\\[x\\](y) &amp;" },
		{ ">quote", "\\>quote" },
		{ "- item", "\\- item" },
		{ "+", "\\+" },
		{ "3. item", "3\\. item" },
		{ "12) item", "12\\) item" },
		{ "198.51.100.2 answered", "198.51.100.2 answered" },
		{ "a - b + c > d", "a - b + c > d" },
		{ "# h", "\\# h" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *o = esc(nv_esc_md_text, cases[i][0]);

		ck_assert_str_eq(o, cases[i][1]);
		free(o);
	}
}
END_TEST

/*
 * report.md: a '|' or '>' in a finding's text is written as is, in a table
 * cell escaped; no "\|" or "&gt;" anywhere but in table rows.
 */
START_TEST(test_report_md_context)
{
	static struct nv_fixture fx;
	struct nv_err err = { 0 };
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	bool actual = false, row = false;
	FILE *f;

	ck_assert_int_eq(nv_fixture_build("rtm", &fx), 0);
	for (int i = 0; i < fx.r.ncases; i++) {
		snprintf(fx.cr[i].detail, sizeof(fx.cr[i].detail),
			 "observation: expected delivered|not-delivered, got a > b");
		snprintf(fx.cases[i].title, sizeof(fx.cases[i].title), "x|y > z");
	}
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(nv_report_write_md(f, &fx.r, &err), 0);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '|') {
			row |= strstr(line, "| x\\|y &gt; z |") != NULL;
			continue;
		}
		ck_assert_msg(!strstr(line, "\\|") && !strstr(line, "&gt;"), "escaped outside a table: %s", line);
		if (!strncmp(line, "- Actual: ", 10)) {
			ck_assert_str_eq(line + 10, "observation: expected delivered|not-delivered, got a > b");
			actual = true;
		}
	}
	ck_assert(actual);
	ck_assert(row);
	free(buf);
}
END_TEST

START_TEST(test_report_escape_term)
{
	char *o = esc(esc_term0, "\x1b[31mred\xc2\x9b\xff ok \xc2\xa7");
	char long_s[200];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int cols;

	ck_assert_str_eq(o, "\\x1b[31mred\\xc2\\x9b\\xff ok \xc2\xa7");
	free(o);
	memset(long_s, 'a', sizeof(long_s) - 1);
	long_s[sizeof(long_s) - 1] = '\0';
	f = open_memstream(&buf, &len);
	cols = nv_esc_term(f, long_s, 10);
	fclose(f);
	ck_assert_int_eq(cols, 10);
	ck_assert_str_eq(buf, "aaaaaaa...");
	free(buf);
	/* fits exactly: not cut */
	f = open_memstream(&buf, &len);
	cols = nv_esc_term(f, "abcdefghij", 10);
	fclose(f);
	ck_assert_int_eq(cols, 10);
	ck_assert_str_eq(buf, "abcdefghij");
	free(buf);
}
END_TEST

/* A 1 MiB hostile string through every escaper: bounded, nothing raw. */
START_TEST(test_report_escape_long)
{
	size_t n = 1u << 20;
	char *s = malloc(n + 1);
	void (*fns[])(FILE *, const char *) = { nv_esc_json, nv_esc_xml, nv_esc_md, esc_term0 };

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < n; i++)
		s[i] = "<\x01\xff\"]>&\x1b|"[i % 9];
	s[n] = '\0';
	for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++) {
		char *o = esc(fns[k], s);

		ck_assert_ptr_nonnull(o);
		ck_assert(!has_raw_ctrl(o));
		ck_assert(strchr(o, '<') == NULL || fns[k] == esc_term0);
		ck_assert_uint_le(strlen(o), 8 * n);
		free(o);
	}
	free(s);
}
END_TEST

static char *mktmp(void)
{
	char *d = strdup("/tmp/nvt-report-unit.XXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static void rmtree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';      /* temporaries start with '.' too */
	closedir(d);
	return n;
}

static int count_hidden(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

START_TEST(test_report_roundtrip_endpoint)
{
	static struct nv_fixture fx;
	struct nv_mx_endpoint ep;
	struct nv_err err = { 0 };
	char *dir = mktmp();
	char path[600];

	ck_assert_int_eq(nv_fixture_build("rtm", &fx), 0);
	ck_assert_int_eq(nv_report_write_all(&fx.r, dir, NULL, &err), 0);
	ck_assert_int_eq(count_entries(dir), 4);
	ck_assert_int_eq(count_hidden(dir), 0);
	snprintf(path, sizeof(path), "%s/report.json", dir);
	ck_assert_msg(nv_matrix_load(path, &ep, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(ep.name, "hv-rtm");
	ck_assert_int_eq(ep.naccepts, 1);
	ck_assert_str_eq(ep.accepts[0], "draft00");
	ck_assert(ep.has_emits);
	ck_assert_str_eq(ep.emits, "draft00");
	ck_assert_int_eq(ep.flowid_tolerant, -1);
	ck_assert_int_eq(ep.flowid_entropy, 0);
	ck_assert_int_eq(ep.nrejects, 1);
	ck_assert_str_eq(ep.rejects[0].layout, "rfc7637");
	ck_assert_str_eq(ep.rejects[0].signature, "icmp-3-10");
	ck_assert_str_eq(ep.unknown_vsid, "icmp-3-10");
	ck_assert_int_eq(ep.cases, 6);
	ck_assert_int_eq(ep.fail, 2);

	/* no --force: an existing report is kept; with it, replaced */
	ck_assert_int_eq(nv_report_write_all(&fx.r, dir, NULL, &err), -1);
	ck_assert_int_eq(err.code, NV_EXIT_USAGE);
	ck_assert_int_eq(nv_report_write_all(&fx.r, dir, &(struct nv_report_opts){ .force = true }, &err), 0);
	ck_assert_int_eq(count_hidden(dir), 0);
	rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_report_outdir_prepare)
{
	struct nv_err err = { 0 };
	char *dir = mktmp();
	char sub[600], file[700];
	FILE *f;

	snprintf(sub, sizeof(sub), "%s/a/b/c", dir);
	ck_assert_int_eq(nv_report_outdir_prepare(sub, false, &err), 0);
	ck_assert_int_eq(access(sub, W_OK), 0);
	ck_assert_int_eq(nv_report_outdir_prepare(sub, false, &err), 0);   /* empty: fine */
	snprintf(file, sizeof(file), "%s/x", sub);
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(nv_report_outdir_prepare(sub, false, &err), -1);
	ck_assert_int_eq(err.code, NV_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "--force"));
	ck_assert_int_eq(nv_report_outdir_prepare(sub, true, &err), 0);
	ck_assert_int_eq(nv_report_outdir_prepare(file, true, &err), -1);   /* not a dir */
	ck_assert_int_eq(nv_report_outdir_prepare("", false, &err), -1);
	rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_report_write_error)
{
	static struct nv_fixture fx;
	struct nv_err err = { 0 };
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		return;     /* no /dev/full in this sandbox */
	setvbuf(f, NULL, _IONBF, 0);
	ck_assert_int_eq(nv_fixture_build("r2", &fx), 0);
	ck_assert_int_eq(nv_report_write_json(f, &fx.r, &err), -1);
	ck_assert_int_eq(err.code, NV_EXIT_RUNTIME);
	fclose(f);
}
END_TEST

START_TEST(test_report_summary_color)
{
	static struct nv_fixture fx;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(nv_fixture_build("hostile", &fx), 0);
	f = open_memstream(&buf, &len);
	nv_report_print_summary(f, &fx.r, false);
	fclose(f);
	ck_assert(!has_raw_ctrl(buf));          /* no colour, and DUT strings escaped */
	ck_assert_ptr_nonnull(strstr(buf, "\\x1b[31mred"));
	ck_assert_ptr_nonnull(strstr(buf, "exit 1"));
	/* failures first */
	ck_assert_ptr_nonnull(strstr(buf, "FAIL"));
	ck_assert(strstr(buf, "FAIL") < strstr(buf, "PASS"));
	free(buf);
	f = open_memstream(&buf, &len);
	nv_report_print_summary(f, &fx.r, true);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "\033[1;31mFAIL"));
	free(buf);
}
END_TEST

static void ep_set(struct nv_mx_endpoint *e, const char *name, const char *acc,
		   const char *emits, int tolerant, int entropy)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (acc) {
		e->naccepts = 1;
		snprintf(e->accepts[0], sizeof(e->accepts[0]), "%s", acc);
	}
	e->has_emits = emits != NULL;
	if (emits)
		snprintf(e->emits, sizeof(e->emits), "%s", emits);
	e->flowid_tolerant = tolerant;
	e->flowid_entropy = entropy;
}

START_TEST(test_report_matrix_links)
{
	struct nv_mx_endpoint rtm, r2, ent, blind;
	char why[512];

	ep_set(&rtm, "hv-rtm", "draft00", "draft00", -1, 0);
	ep_set(&r2, "hv-r2", "rfc7637", "rfc7637", 0, 0);
	snprintf(r2.rejects[0].layout, NV_LAYOUT_NAME_MAX, "draft00");
	snprintf(r2.rejects[0].signature, NV_SIG_MAX, "nvgre-icmp-3-10");
	r2.nrejects = 1;
	ep_set(&ent, "ovs", "rfc7637", "rfc7637", 1, 1);
	ep_set(&blind, "mute", "rfc7637", NULL, 1, -1);

	ck_assert_int_eq(nv_matrix_link(&rtm, &r2, why, sizeof(why)), NV_MX_NO);
	ck_assert_str_eq(why, "hv-rtm emits draft00 keys (VSID in the low 24 bits); hv-r2 accepts "
			 "rfc7637 only and answers ICMP 3/10 (host administratively prohibited) inside NVGRE");
	ck_assert_int_eq(nv_matrix_link(&r2, &r2, NULL, 0), NV_MX_YES);
	ck_assert_int_eq(nv_matrix_link(&rtm, &rtm, NULL, 0), NV_MX_YES);
	/* non-zero FlowIDs: only a tolerant receiver takes them */
	ck_assert_int_eq(nv_matrix_link(&ent, &r2, why, sizeof(why)), NV_MX_NO);
	ck_assert_ptr_nonnull(strstr(why, "non-zero FlowIDs"));
	ck_assert_int_eq(nv_matrix_link(&ent, &ent, NULL, 0), NV_MX_YES);
	r2.flowid_tolerant = -1;
	ck_assert_int_eq(nv_matrix_link(&ent, &r2, NULL, 0), NV_MX_UNKNOWN);
	ck_assert_int_eq(nv_matrix_link(&r2, &ent, NULL, 0), NV_MX_YES);
	/* emitted layout never seen */
	ck_assert_int_eq(nv_matrix_link(&blind, &r2, NULL, 0), NV_MX_UNKNOWN);
}
END_TEST

START_TEST(test_report_matrix_advice)
{
	struct nv_matrix m = { 0 };
	struct nv_mx_endpoint rtm, r2;
	struct nv_err err = { 0 };

	ep_set(&rtm, "hv-rtm", "draft00", "draft00", -1, 0);
	ep_set(&r2, "hv-r2", "rfc7637", "rfc7637", 1, 0);
	ck_assert_int_eq(nv_matrix_add(&m, &rtm, &err), 0);
	ck_assert_int_eq(nv_matrix_add(&m, &r2, &err), 0);
	ck_assert_int_eq(nv_matrix_add(&m, &r2, &err), 0);
	ck_assert_int_eq(nv_matrix_build(&m, &err), 0);
	ck_assert_int_eq(m.npairs, 3);
	ck_assert(!m.pairs[0].compatible);
	ck_assert_int_eq(m.pairs[0].a_to_b, NV_MX_NO);
	ck_assert_int_eq(m.pairs[0].b_to_a, NV_MX_NO);
	ck_assert_ptr_nonnull(strstr(m.pairs[0].advice, "bring hv-rtm to the RFC 7637 layout (KB2779768)"));
	ck_assert(m.pairs[2].compatible);
	ck_assert_ptr_nonnull(strstr(m.pairs[2].advice, "can share a virtual network"));
	nv_matrix_free(&m);
	ck_assert_ptr_null(m.ep);
}
END_TEST

START_TEST(test_report_matrix_load_errors)
{
	struct nv_mx_endpoint ep;
	struct nv_err err = { 0 };
	char *dir = mktmp();
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/r.json", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"schema\": \"nvgrect-report/1\",\n \"endpoint\": {\"name\": \"x\", \"accepts\": {}}}\n", f);
	fclose(f);
	ck_assert_int_eq(nv_matrix_load(path, &ep, &err), -1);
	ck_assert_int_eq(err.code, NV_EXIT_USAGE);
	ck_assert_msg(strstr(err.msg, "r.json:2:39: endpoint.accepts") != NULL, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/none.json", dir);
	ck_assert_int_eq(nv_matrix_load(path, &ep, &err), -1);
	ck_assert_int_eq(err.code, NV_EXIT_USAGE);
	rmtree(dir);
	free(dir);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_report_utf8);
	tcase_add_test(tc, test_report_escape_json);
	tcase_add_test(tc, test_report_escape_xml);
	tcase_add_test(tc, test_report_escape_md);
	tcase_add_test(tc, test_report_escape_md_text);
	tcase_add_test(tc, test_report_md_context);
	tcase_add_test(tc, test_report_escape_term);
	tcase_add_test(tc, test_report_escape_long);
	tcase_add_test(tc, test_report_roundtrip_endpoint);
	tcase_add_test(tc, test_report_outdir_prepare);
	tcase_add_test(tc, test_report_write_error);
	tcase_add_test(tc, test_report_summary_color);
	tcase_add_test(tc, test_report_matrix_links);
	tcase_add_test(tc, test_report_matrix_advice);
	tcase_add_test(tc, test_report_matrix_load_errors);
	suite_add_tcase(s, tc);
	return s;
}

NV_UNIT_SUITE(report_suite)
