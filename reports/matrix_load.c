/*
 * matrix_load.c - read the endpoint block back from a report.json. JSON is
 * YAML, so libyaml's document API reads it and keeps line:col for every
 * node; no second JSON parser. Only the members the matrix needs are
 * visited, and every one is type-checked with a positioned message.
 */
#include <errno.h>
#include <string.h>
#include <yaml.h>

#include "rpt.h"

#define REPORT_FILE_MAX (64u << 20)   /* a 64 MiB report is already absurd */
#define REPORT_DEPTH_MAX 32           /* report.json nests 7 deep */
#define REPORT_EVENTS_MAX (4u << 20)  /* ~60 events per probe: 70k probes */

struct ld {
	const char *path;
	yaml_document_t *doc;
	struct nv_err *err;
};

static int fail_at(struct ld *l, const yaml_node_t *n, const char *fmt, const char *what)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, what);
	if (n)
		return nv_errc(l->err, NV_EXIT_USAGE, "%s:%lu:%lu: %s", l->path,
			       (unsigned long)n->start_mark.line + 1,
			       (unsigned long)n->start_mark.column + 1, msg);
	return nv_errc(l->err, NV_EXIT_USAGE, "%s: %s", l->path, msg);
}

static bool is_null(const yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;

	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!strcmp(v, "null") || !strcmp(v, "~") || !*v);
}

static bool is_plain(const yaml_node_t *n, const char *word)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       !strcmp((const char *)n->data.scalar.value, word);
}

/* Member `key` of mapping m, or NULL. */
static yaml_node_t *member(struct ld *l, yaml_node_t *m, const char *key)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);

		if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
			return yaml_document_get_node(l->doc, p->value);
	}
	return NULL;
}

/* A string member into buf; null allowed when *is_set may be false. */
static int get_str(struct ld *l, yaml_node_t *n, const char *what, char *buf, size_t len,
		   bool null_ok, bool *is_set)
{
	size_t vlen;

	if (is_set)
		*is_set = false;
	buf[0] = '\0';
	if (!n)
		return null_ok ? 0 : fail_at(l, NULL, "missing %s", what);
	if (null_ok && is_null(n))
		return 0;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return fail_at(l, n, "%s: expected a string", what);
	vlen = n->data.scalar.length;
	if (vlen >= len && strcmp(what, "endpoint.name"))
		return fail_at(l, n, "%s: string too long", what);
	if (vlen >= len) {
		/* a display name: cut it at a UTF-8 character boundary */
		vlen = len - 1;
		while (vlen > 0 && (n->data.scalar.value[vlen] & 0xc0) == 0x80)
			vlen--;
	}
	memcpy(buf, n->data.scalar.value, vlen);
	buf[vlen] = '\0';
	if (memchr(buf, '\0', vlen))
		return fail_at(l, n, "%s: string contains a NUL character", what);
	if (is_set)
		*is_set = true;
	return 0;
}

/* true/false/null -> 1/0/-1. */
static int get_tri(struct ld *l, yaml_node_t *n, const char *what, int *out)
{
	*out = -1;
	if (!n || is_null(n))
		return 0;
	if (is_plain(n, "true"))
		*out = 1;
	else if (is_plain(n, "false"))
		*out = 0;
	else
		return fail_at(l, n, "%s: expected true, false or null", what);
	return 0;
}

static int get_int(struct ld *l, yaml_node_t *n, const char *what, int *out)
{
	char *end;
	long v;

	*out = -1;
	if (!n || is_null(n))
		return 0;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return fail_at(l, n, "%s: expected a number", what);
	errno = 0;
	v = strtol((const char *)n->data.scalar.value, &end, 10);
	if (errno || *end || v < 0 || v > 1000000000L)
		return fail_at(l, n, "%s: expected a non-negative integer", what);
	*out = (int)v;
	return 0;
}

static int load_accepts(struct ld *l, yaml_node_t *n, struct nv_mx_endpoint *ep)
{
	if (!n)
		return fail_at(l, NULL, "missing %s", "endpoint.accepts");
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_at(l, n, "%s: expected an array of layout names", "endpoint.accepts");
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		if (ep->naccepts >= NV_LAYOUT_MAX)
			return fail_at(l, n, "%s: too many layouts", "endpoint.accepts");
		if (get_str(l, yaml_document_get_node(l->doc, *it), "endpoint.accepts[]",
			    ep->accepts[ep->naccepts], NV_LAYOUT_NAME_MAX, false, NULL) < 0)
			return -1;
		ep->naccepts++;
	}
	return 0;
}

static int load_rejects(struct ld *l, yaml_node_t *n, struct nv_mx_endpoint *ep)
{
	if (!n)
		return fail_at(l, NULL, "missing %s", "endpoint.rejects");
	if (n->type != YAML_MAPPING_NODE)
		return fail_at(l, n, "%s: expected an object {layout: signature}", "endpoint.rejects");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		if (ep->nrejects >= NV_LAYOUT_MAX)
			return fail_at(l, n, "%s: too many layouts", "endpoint.rejects");
		if (get_str(l, yaml_document_get_node(l->doc, p->key), "endpoint.rejects key",
			    ep->rejects[ep->nrejects].layout, NV_LAYOUT_NAME_MAX, false, NULL) < 0 ||
		    get_str(l, yaml_document_get_node(l->doc, p->value), "endpoint.rejects value",
			    ep->rejects[ep->nrejects].signature, NV_SIG_MAX, false, NULL) < 0)
			return -1;
		ep->nrejects++;
	}
	return 0;
}

static int load_endpoint(struct ld *l, yaml_node_t *root, struct nv_mx_endpoint *ep)
{
	yaml_node_t *e = member(l, root, "endpoint");
	yaml_node_t *sum = member(l, root, "summary");
	yaml_node_t *emitter = member(l, root, "emitter");
	int interrupted;

	if (!e)
		return fail_at(l, root, "%s", "no \"endpoint\" block: is this a report.json from nvgrect run/verify?");
	if (e->type != YAML_MAPPING_NODE)
		return fail_at(l, e, "%s: expected an object", "endpoint");
	if (get_str(l, member(l, e, "name"), "endpoint.name", ep->name, sizeof(ep->name), false, NULL) < 0 ||
	    load_accepts(l, member(l, e, "accepts"), ep) < 0 ||
	    get_str(l, member(l, e, "emits"), "endpoint.emits", ep->emits, sizeof(ep->emits),
		    true, &ep->has_emits) < 0 ||
	    get_tri(l, member(l, e, "flowid_tolerant"), "endpoint.flowid_tolerant", &ep->flowid_tolerant) < 0 ||
	    load_rejects(l, member(l, e, "rejects"), ep) < 0 ||
	    get_str(l, member(l, e, "unknown_vsid"), "endpoint.unknown_vsid", ep->unknown_vsid,
		    sizeof(ep->unknown_vsid), true, NULL) < 0)
		return -1;
	if (get_tri(l, member(l, emitter, "flowid_entropy"), "emitter.flowid_entropy", &ep->flowid_entropy) < 0 ||
	    get_int(l, member(l, sum, "cases"), "summary.cases", &ep->cases) < 0 ||
	    get_int(l, member(l, sum, "pass"), "summary.pass", &ep->pass) < 0 ||
	    get_int(l, member(l, sum, "fail"), "summary.fail", &ep->fail) < 0 ||
	    get_int(l, member(l, sum, "score"), "summary.score", &ep->score) < 0 ||
	    get_tri(l, member(l, root, "interrupted"), "interrupted", &interrupted) < 0)
		return -1;
	ep->interrupted = interrupted == 1;
	return 0;
}

static int check_schema(struct ld *l, yaml_node_t *root)
{
	char schema[64];

	if (!root || root->type != YAML_MAPPING_NODE)
		return fail_at(l, root, "%s", "expected a JSON object at the top");
	if (get_str(l, member(l, root, "schema"), "schema", schema, sizeof(schema), false, NULL) < 0)
		return -1;
	if (strcmp(schema, NV_REPORT_SCHEMA))
		return fail_at(l, member(l, root, "schema"),
			       "schema is not \"" NV_REPORT_SCHEMA "\" (found \"%s\")", schema);
	return 0;
}

/*
 * A first pass over the event stream with a nesting cap: a hostile file of
 * 100000 '[' would otherwise keep libyaml busy for minutes (and a flat
 * one of millions of values eat memory). Stops at the
 * first problem; syntax errors are left to the loading pass to report.
 */
static int check_depth(FILE *fp, const char *path, struct nv_err *err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, rc = 0;
	unsigned long events = 0;
	bool done = false;

	if (!yaml_parser_initialize(&p))
		return nv_errc(err, NV_EXIT_RUNTIME, "%s: libyaml initialisation failed", path);
	yaml_parser_set_input_file(&p, fp);
	while (!done && rc == 0 && yaml_parser_parse(&p, &ev)) {
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		if (depth > REPORT_DEPTH_MAX)
			rc = nv_errc(err, NV_EXIT_USAGE, "%s:%lu:%lu: nested deeper than %d levels, not a report",
				     path, (unsigned long)ev.start_mark.line + 1,
				     (unsigned long)ev.start_mark.column + 1, REPORT_DEPTH_MAX);
		if (rc == 0 && ++events > REPORT_EVENTS_MAX)
			rc = nv_errc(err, NV_EXIT_USAGE, "%s:%lu:%lu: more than %u values, not a report",
				     path, (unsigned long)ev.start_mark.line + 1,
				     (unsigned long)ev.start_mark.column + 1, REPORT_EVENTS_MAX);
		done = ev.type == YAML_STREAM_END_EVENT || ev.type == YAML_DOCUMENT_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	rewind(fp);
	return rc;
}

static int parse_file(FILE *fp, const char *path, yaml_document_t *doc, struct nv_err *err)
{
	yaml_parser_t p;
	int rc = 0;

	if (!yaml_parser_initialize(&p))
		return nv_errc(err, NV_EXIT_RUNTIME, "%s: libyaml initialisation failed", path);
	yaml_parser_set_input_file(&p, fp);
	if (!yaml_parser_load(&p, doc)) {
		const yaml_mark_t *m = p.problem_mark.line || p.problem_mark.column ?
			&p.problem_mark : &p.context_mark;

		rc = nv_errc(err, NV_EXIT_USAGE, "%s:%lu:%lu: not valid JSON: %s%s%s", path,
			     (unsigned long)m->line + 1, (unsigned long)m->column + 1,
			     p.problem ? p.problem : "parse error",
			     p.context ? " " : "", p.context ? p.context : "");
	}
	yaml_parser_delete(&p);
	return rc;
}

int nv_matrix_load(const char *path, struct nv_mx_endpoint *ep, struct nv_err *err)
{
	yaml_document_t doc;
	struct ld l = { path, &doc, err };
	FILE *fp;
	long size;
	int rc;

	memset(ep, 0, sizeof(*ep));
	snprintf(ep->path, sizeof(ep->path), "%s", path);
	fp = fopen(path, "rb");
	if (!fp)
		return nv_errc(err, errno == ENOENT || errno == EISDIR || errno == EACCES ?
			       NV_EXIT_USAGE : NV_EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) >= 0 &&
	    (unsigned long)size > REPORT_FILE_MAX) {
		fclose(fp);
		return nv_errc(err, NV_EXIT_USAGE, "%s: larger than %u MiB, not a report", path,
			       REPORT_FILE_MAX >> 20);
	}
	rewind(fp);
	rc = check_depth(fp, path, err);
	if (rc == 0)
		rc = parse_file(fp, path, &doc, err);
	fclose(fp);
	if (rc < 0)
		return -1;
	rc = check_schema(&l, yaml_document_get_root_node(&doc));
	if (rc == 0 && !yaml_document_get_root_node(&doc))
		rc = fail_at(&l, NULL, "%s", "empty file");
	if (rc == 0)
		rc = load_endpoint(&l, yaml_document_get_root_node(&doc), ep);
	yaml_document_delete(&doc);
	return rc;
}
