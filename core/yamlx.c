/* yamlx.c - libyaml behind caps: scan events first, then load a document. */
#include "nvgrect/yamlx.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- reading ---------------------------------------------------------------- */

int nv_yx_read_file(const char *path, char **buf, size_t *len,
		    struct nv_diags *diags)
{
	struct stat st;
	size_t cap = NV_YX_FILE_MAX + 1, n = 0;
	char *b;
	int fd;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		nv_diag_add(diags, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		nv_diag_add(diags, 0, 0, "cannot read: %s",
			    S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
		close(fd);
		return -1;
	}
	/* fstat first so a huge regular file is refused without reading it */
	if (S_ISREG(st.st_mode) && st.st_size > (off_t)NV_YX_FILE_MAX) {
		nv_diag_add(diags, 1, 1, "file is %lld bytes, larger than the %u-byte limit",
			    (long long)st.st_size, NV_YX_FILE_MAX);
		close(fd);
		return -1;
	}
	b = malloc(cap);
	if (!b) {
		nv_diag_add(diags, 0, 0, "out of memory");
		close(fd);
		return -1;
	}
	/* pipes and growing files: read one byte past the limit to notice */
	while (n < cap) {
		ssize_t r = read(fd, b + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			nv_diag_add(diags, 0, 0, "read error: %s", strerror(errno));
			free(b);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > NV_YX_FILE_MAX) {
		nv_diag_add(diags, 1, 1, "file is larger than the %u-byte limit",
			    NV_YX_FILE_MAX);
		free(b);
		return -1;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* --- scanning ------------------------------------------------------------- */

/* Byte offset -> 1-based line and column (columns count characters, as libyaml's). */
static void offset_pos(const char *buf, size_t len, size_t off, int *line, int *col)
{
	int l = 1, c = 1;

	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == '\n' || (ch == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
			l++;
			c = 1;
		} else if (ch != '\r' && (ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static void parser_error(const yaml_parser_t *p, const char *buf, size_t len,
			 struct nv_diags *ds)
{
	int line, col;

	if (p->error == YAML_READER_ERROR) {
		offset_pos(buf, len, p->problem_offset, &line, &col);
		/* problem_value is an octet for encoding errors, a code point otherwise */
		if (p->problem_value >= 0 && p->problem_value <= 0xFF)
			nv_diag_add(ds, line, col, "invalid input: %s (byte 0x%02x); files must be UTF-8 text",
				    p->problem ? p->problem : "reader error",
				    (unsigned)p->problem_value);
		else if (p->problem_value > 0xFF)
			nv_diag_add(ds, line, col, "invalid input: %s (U+%04X); files must be UTF-8 text",
				    p->problem ? p->problem : "reader error",
				    (unsigned)p->problem_value);
		else
			nv_diag_add(ds, line, col, "invalid input: %s; files must be UTF-8 text",
				    p->problem ? p->problem : "reader error");
		return;
	}
	if (p->error == YAML_MEMORY_ERROR) {
		nv_diag_add(ds, 1, 1, "out of memory while parsing");
		return;
	}
	line = (int)p->problem_mark.line + 1;
	col = (int)p->problem_mark.column + 1;
	if (p->context)
		nv_diag_add(ds, line, col, "YAML syntax error: %s (%s at %d:%d)",
			    p->problem ? p->problem : "?", p->context,
			    (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
	else
		nv_diag_add(ds, line, col, "YAML syntax error: %s",
			    p->problem ? p->problem : "?");
}

static void ev_err(struct nv_diags *ds, const yaml_event_t *ev, const char *what)
{
	nv_diag_add(ds, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
		    "%s", what);
}

/* Policy checks on one node event; returns the number of problems. */
static int ev_policy(const yaml_event_t *ev, struct nv_diags *ds)
{
	const yaml_char_t *anchor = NULL, *tag = NULL;
	int bad = 0;

	if (ev->type == YAML_SCALAR_EVENT) {
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		if (ev->data.scalar.length > NV_YX_SCALAR_MAX) {
			nv_diag_add(ds, (int)ev->start_mark.line + 1,
				    (int)ev->start_mark.column + 1,
				    "scalar of %zu bytes is longer than the %d-byte limit",
				    ev->data.scalar.length, NV_YX_SCALAR_MAX);
			bad++;
		}
	} else if (ev->type == YAML_SEQUENCE_START_EVENT) {
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
	} else if (ev->type == YAML_MAPPING_START_EVENT) {
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
	}
	if (anchor) {
		ev_err(ds, ev, "anchors (&name) are not allowed");
		bad++;
	}
	if (tag) {
		char m[128];

		snprintf(m, sizeof(m), "explicit tags are not allowed ('%.60s')",
			 (const char *)tag);
		ev_err(ds, ev, m);
		bad++;
	}
	return bad;
}

enum scan_step { SCAN_GO, SCAN_STOP, SCAN_FATAL };

/* a billion-laughs file has thousands of aliases: twenty messages say enough */
#define SCAN_BAD_MAX 20

static enum scan_step scan_event(const yaml_event_t *ev, int *depth, int *docs,
				 int *bad, struct nv_diags *ds)
{
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return SCAN_STOP;
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs > 1) {
			ev_err(ds, ev, "more than one YAML document in the file");
			return SCAN_FATAL;
		}
		break;
	case YAML_ALIAS_EVENT:
		ev_err(ds, ev, "aliases (*name) are not allowed");
		(*bad)++;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++*depth > NV_YX_DEPTH_MAX) {
			char m[80];

			snprintf(m, sizeof(m), "nesting deeper than %d levels", NV_YX_DEPTH_MAX);
			ev_err(ds, ev, m);
			return SCAN_FATAL;
		}
		*bad += ev_policy(ev, ds);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		(*depth)--;
		break;
	case YAML_SCALAR_EVENT:
		*bad += ev_policy(ev, ds);
		break;
	default:
		break;
	}
	return SCAN_GO;
}

static bool is_node(const yaml_event_t *ev)
{
	return ev->type == YAML_SCALAR_EVENT || ev->type == YAML_SEQUENCE_START_EVENT ||
	       ev->type == YAML_MAPPING_START_EVENT || ev->type == YAML_ALIAS_EVENT;
}

/*
 * Walk the event stream with our own caps before anything builds a tree:
 * libyaml 0.2.5 has no nesting limit and its loader shares aliased nodes.
 */
static int scan(const char *buf, size_t len, struct nv_diags *ds)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, docs = 0, bad = 0, nodes = 0, rc = 0;
	enum scan_step step = SCAN_GO;

	if (!yaml_parser_initialize(&p)) {
		nv_diag_add(ds, 1, 1, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (step == SCAN_GO) {
		if (!yaml_parser_parse(&p, &ev)) {
			parser_error(&p, buf, len, ds);
			rc = -1;
			break;
		}
		if (is_node(&ev) && ++nodes > NV_YX_NODES_MAX) {
			char m[80];

			snprintf(m, sizeof(m), "more than %d YAML nodes", NV_YX_NODES_MAX);
			ev_err(ds, &ev, m);
			step = SCAN_FATAL;
		} else {
			step = scan_event(&ev, &depth, &docs, &bad, ds);
		}
		yaml_event_delete(&ev);
		if (step == SCAN_GO && bad >= SCAN_BAD_MAX) {
			nv_diag_add(ds, (int)p.mark.line + 1, (int)p.mark.column + 1,
				    "too many problems, stopped reading here");
			step = SCAN_FATAL;
		}
		if (step == SCAN_FATAL)
			rc = -1;
	}
	yaml_parser_delete(&p);
	if (rc == 0 && docs == 0) {
		nv_diag_add(ds, 1, 1, "empty file: expected a YAML mapping");
		rc = -1;
	}
	return rc < 0 || bad ? -1 : 0;
}

/* NUL and UTF-16 are not our YAML text; say so plainly rather than as a reader error. */
static int check_nul(const char *buf, size_t len, struct nv_diags *ds)
{
	const char *z = memchr(buf, '\0', len);
	int line, col;

	if (len >= 2 && ((buf[0] == '\xff' && buf[1] == '\xfe') ||
			 (buf[0] == '\xfe' && buf[1] == '\xff'))) {
		nv_diag_add(ds, 1, 1, "UTF-16 byte order mark: files must be UTF-8 text");
		return -1;
	}
	if (!z)
		return 0;
	offset_pos(buf, len, (size_t)(z - buf), &line, &col);
	nv_diag_add(ds, line, col, "NUL byte in file: not a text file");
	return -1;
}

int nv_yx_parse(struct nv_yx *y, const char *buf, size_t len,
		struct nv_diags *diags)
{
	yaml_parser_t p;
	int rc = 0;

	memset(y, 0, sizeof(*y));
	y->diags = diags;
	if (len > NV_YX_FILE_MAX) {
		nv_diag_add(diags, 1, 1, "input is %zu bytes, larger than the %u-byte limit",
			    len, NV_YX_FILE_MAX);
		return -1;
	}
	/* forcing UTF-8 (no UTF-16 guessing) also stops libyaml skipping a BOM */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		buf += 3;
		len -= 3;
	}
	if (check_nul(buf, len, diags) < 0 || scan(buf, len, diags) < 0)
		return -1;
	if (!yaml_parser_initialize(&p)) {
		nv_diag_add(diags, 1, 1, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&p, &y->doc)) {
		parser_error(&p, buf, len, diags);
		rc = -1;
	} else {
		y->loaded = true;
		if (!yaml_document_get_root_node(&y->doc)) {
			nv_diag_add(diags, 1, 1, "empty file: expected a YAML mapping");
			rc = -1;
		}
	}
	yaml_parser_delete(&p);
	return rc;
}

void nv_yx_free(struct nv_yx *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = false;
}

yaml_node_t *nv_yx_root(struct nv_yx *y)
{
	return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

/* --- positions, paths, kinds ------------------------------------------------ */

int nv_yx_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 1;
}

int nv_yx_col(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.column + 1 : 1;
}

void nv_yx_err(struct nv_yx *y, const yaml_node_t *n, const char *path,
	       const char *fmt, ...)
{
	char m[sizeof(((struct nv_diag *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	if (path && *path)
		nv_diag_add(y->diags, nv_yx_line(n), nv_yx_col(n), "%s: %s", path, m);
	else
		nv_diag_add(y->diags, nv_yx_line(n), nv_yx_col(n), "%s", m);
}

const char *nv_yx_path_key(char *out, size_t len, const char *parent, const char *key)
{
	snprintf(out, len, "%s%s%s", parent, *parent ? "." : "", key);
	return out;
}

const char *nv_yx_path_idx(char *out, size_t len, const char *parent, int i)
{
	snprintf(out, len, "%s[%d]", parent, i);
	return out;
}

const char *nv_yx_kind(const yaml_node_t *n)
{
	if (!n)
		return "nothing";
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_SCALAR_NODE:
		return n->data.scalar.length == 0 ? "an empty value" : "a scalar";
	default:
		return "nothing";
	}
}

static bool want_kind(struct nv_yx *y, yaml_node_t *n, const char *path,
		      yaml_node_type_t t, const char *name)
{
	if (n && n->type == t)
		return true;
	nv_yx_err(y, n, path, "expected %s, got %s", name, nv_yx_kind(n));
	return false;
}

bool nv_yx_is_map(struct nv_yx *y, yaml_node_t *n, const char *path)
{
	return want_kind(y, n, path, YAML_MAPPING_NODE, "a mapping");
}

bool nv_yx_is_seq(struct nv_yx *y, yaml_node_t *n, const char *path)
{
	return want_kind(y, n, path, YAML_SEQUENCE_NODE, "a list");
}

bool nv_yx_is_scalar(struct nv_yx *y, yaml_node_t *n, const char *path)
{
	return want_kind(y, n, path, YAML_SCALAR_NODE, "a value");
}

/* --- mappings ----------------------------------------------------------------- */

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[33];

	if (la > 32 || lb > 32)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (tolower((unsigned char)a[i - 1]) !=
						      tolower((unsigned char)b[j - 1]));

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *nv_yx_suggest(const char *word, const char *const *known)
{
	const char *best = NULL;
	size_t bestd = 99, limit = strlen(word) <= 3 ? 1 : 2;

	for (int i = 0; known[i]; i++) {
		size_t d = edit_distance(word, known[i]);

		if (d < bestd) {
			bestd = d;
			best = known[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

static void list_known(const char *const *known, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; known[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? ", " : "", known[i]);
}

static void unknown_key(struct nv_yx *y, yaml_node_t *k, const char *path,
			const char *const *known)
{
	const char *name = scalar(k), *hint = nv_yx_suggest(name, known);
	char list[160];

	if (hint) {
		nv_yx_err(y, k, path, "unknown key '%.40s' (did you mean '%s'?)", name, hint);
		return;
	}
	list_known(known, list, sizeof(list));
	nv_yx_err(y, k, path, "unknown key '%.40s' (expected one of: %s)", name, list);
}

#define KNOWN_MAX 32

bool nv_yx_map_check(struct nv_yx *y, yaml_node_t *n, const char *path,
		     const char *const *known)
{
	yaml_node_t *first[KNOWN_MAX] = { 0 };

	if (!nv_yx_is_map(y, n, path))
		return false;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&y->doc, p->key);
		const char *name = scalar(k);
		int i;

		if (!name) {
			nv_yx_err(y, k, path, "keys must be plain words, got %s", nv_yx_kind(k));
			continue;
		}
		for (i = 0; known[i] && strcmp(known[i], name) != 0; i++)
			;
		if (!known[i]) {
			unknown_key(y, k, path, known);
		} else if (i < KNOWN_MAX && first[i]) {
			char sub[NV_YX_PATH_MAX];

			nv_yx_err(y, k, nv_yx_path_key(sub, sizeof(sub), path, name),
				  "duplicate key (first at %d:%d)",
				  nv_yx_line(first[i]), nv_yx_col(first[i]));
		} else if (i < KNOWN_MAX) {
			first[i] = k;
		}
	}
	return true;
}

static yaml_node_pair_t *find_pair(struct nv_yx *y, yaml_node_t *n, const char *key)
{
	if (!n || n->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		const char *name = scalar(yaml_document_get_node(&y->doc, p->key));

		if (name && strcmp(name, key) == 0)
			return p;
	}
	return NULL;
}

yaml_node_t *nv_yx_get(struct nv_yx *y, yaml_node_t *n, const char *key)
{
	yaml_node_pair_t *p = find_pair(y, n, key);

	return p ? yaml_document_get_node(&y->doc, p->value) : NULL;
}

yaml_node_t *nv_yx_key_node(struct nv_yx *y, yaml_node_t *n, const char *key)
{
	yaml_node_pair_t *p = find_pair(y, n, key);

	return p ? yaml_document_get_node(&y->doc, p->key) : NULL;
}

yaml_node_t *nv_yx_need(struct nv_yx *y, yaml_node_t *n, const char *path,
			const char *key)
{
	yaml_node_t *v = nv_yx_get(y, n, key);

	if (!v && n && n->type == YAML_MAPPING_NODE)
		nv_yx_err(y, n, path, "missing required key '%s'", key);
	return v;
}

bool nv_yx_root_has(struct nv_yx *y, const char *key)
{
	return find_pair(y, nv_yx_root(y), key) != NULL;
}

int nv_yx_seq_len(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return 0;
	return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *nv_yx_item(struct nv_yx *y, yaml_node_t *n, int i)
{
	if (i < 0 || i >= nv_yx_seq_len(n))
		return NULL;
	return yaml_document_get_node(&y->doc, n->data.sequence.items.start[i]);
}

/* --- typed scalars ------------------------------------------------------------ */

int nv_yx_str(struct nv_yx *y, yaml_node_t *n, const char *path,
	      char *buf, size_t size)
{
	size_t len;

	if (!nv_yx_is_scalar(y, n, path))
		return -1;
	len = n->data.scalar.length;
	/* "\0" in a double-quoted scalar decodes to a NUL byte */
	if (memchr(n->data.scalar.value, '\0', len)) {
		nv_yx_err(y, n, path, "NUL character in text");
		return -1;
	}
	if (len >= size) {
		nv_yx_err(y, n, path, "text of %zu bytes is too long (max %zu)", len, size - 1);
		return -1;
	}
	memcpy(buf, n->data.scalar.value, len);
	buf[len] = '\0';
	return 0;
}

int nv_yx_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int base = 10, digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++, digits++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (digits == 0)
		return -1;
	*out = v;
	return 0;
}

/* A plain (unquoted) scalar: numbers and booleans must not be quoted. */
static const char *plain_value(struct nv_yx *y, yaml_node_t *n, const char *path,
			       const char *what)
{
	if (!nv_yx_is_scalar(y, n, path))
		return NULL;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		nv_yx_err(y, n, path, "expected %s, got quoted text \"%.40s\"", what,
			  (const char *)n->data.scalar.value);
		return NULL;
	}
	if (n->data.scalar.length == 0) {
		nv_yx_err(y, n, path, "expected %s, got an empty value", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

int nv_yx_u32(struct nv_yx *y, yaml_node_t *n, const char *path,
	      uint32_t min, uint32_t max, uint32_t *out)
{
	const char *s = plain_value(y, n, path, "a number");
	uint64_t v;

	if (!s)
		return -1;
	if (nv_yx_parse_u64(s, &v) < 0) {
		if (s[0] == '-')
			nv_yx_err(y, n, path, "%.40s out of range (%u..%u)", s, min, max);
		else
			nv_yx_err(y, n, path, "'%.40s' is not a number (decimal or 0x hex)", s);
		return -1;
	}
	if (v < min || v > max) {
		nv_yx_err(y, n, path, "%.40s out of range (%u..%u)", s, min, max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int nv_yx_bool(struct nv_yx *y, yaml_node_t *n, const char *path, bool *out)
{
	const char *s = plain_value(y, n, path, "true or false");

	if (!s)
		return -1;
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
		*out = false;
		return 0;
	}
	nv_yx_err(y, n, path, "expected true or false, got '%.40s'", s);
	return -1;
}

int nv_yx_enum(struct nv_yx *y, yaml_node_t *n, const char *path,
	       const char *const *names, int nnames, int *out)
{
	const char *known[24];
	char list[160];
	const char *s, *hint;
	int nk = 0;

	if (!nv_yx_is_scalar(y, n, path))
		return -1;
	s = (const char *)n->data.scalar.value;
	for (int i = 0; i < nnames; i++) {
		if (!names[i])
			continue;
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
		if (nk < 23)
			known[nk++] = names[i];
	}
	known[nk] = NULL;
	hint = nv_yx_suggest(s, known);
	if (hint) {
		nv_yx_err(y, n, path, "unknown value '%.40s' (did you mean '%s'?)", s, hint);
		return -1;
	}
	list_known(known, list, sizeof(list));
	nv_yx_err(y, n, path, "unknown value '%.40s' (expected one of: %s)", s, list);
	return -1;
}

int nv_yx_addr(struct nv_yx *y, yaml_node_t *n, const char *path,
	       struct nv_addr *out)
{
	char s[64];

	if (nv_yx_str(y, n, path, s, sizeof(s)) < 0)
		return -1;
	if (nv_addr_parse(s, out) < 0) {
		nv_yx_err(y, n, path, "'%.60s' is not an IPv4 or IPv6 address", s);
		return -1;
	}
	return 0;
}

int nv_yx_mac(struct nv_yx *y, yaml_node_t *n, const char *path,
	      bool allow_auto, struct nv_mac *out)
{
	char s[32];

	if (nv_yx_str(y, n, path, s, sizeof(s)) < 0)
		return -1;
	if (nv_mac_parse(s, out) < 0 || (out->is_auto && !allow_auto)) {
		nv_yx_err(y, n, path, "'%.31s' is not a MAC address (xx:xx:xx:xx:xx:xx%s)",
			  s, allow_auto ? " or auto" : "");
		return -1;
	}
	return 0;
}

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int nv_yx_hex(struct nv_yx *y, yaml_node_t *n, const char *path,
	      uint8_t *out, int max, int *nout)
{
	const char *s;
	size_t len;

	if (!nv_yx_is_scalar(y, n, path))
		return -1;
	s = (const char *)n->data.scalar.value;
	len = n->data.scalar.length;
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len % 2) {
		nv_yx_err(y, n, path, "expected hex bytes (an even number of hex digits)");
		return -1;
	}
	if (len / 2 > (size_t)max) {
		nv_yx_err(y, n, path, "%zu bytes is too long (max %d)", len / 2, max);
		return -1;
	}
	for (size_t i = 0; i < len; i += 2) {
		int hi = hexdigit(s[i]), lo = hexdigit(s[i + 1]);

		if (hi < 0 || lo < 0) {
			nv_yx_err(y, n, path, "'%c%c' is not a hex byte", s[i],
				  s[i + 1] ? s[i + 1] : '?');
			return -1;
		}
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*nout = (int)(len / 2);
	return 0;
}

/* Report in file order: loaders check fields in schema order, readers expect line order. */
void nv_yx_diags_sort(struct nv_diags *ds)
{
	for (int i = 1; i < ds->n; i++) {
		struct nv_diag d = ds->d[i];
		int j = i;

		while (j > 0 && (ds->d[j - 1].line > d.line ||
				 (ds->d[j - 1].line == d.line && ds->d[j - 1].col > d.col))) {
			ds->d[j] = ds->d[j - 1];
			j--;
		}
		ds->d[j] = d;
	}
}
