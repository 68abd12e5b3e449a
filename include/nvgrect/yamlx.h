/*
 * yamlx.h - safe libyaml document loading and typed node accessors.
 *
 * Input is untrusted: the event stream is scanned first with our own caps
 * (size, nesting, node count, scalar length; no anchors, aliases, tags or
 * second documents), and only a stream that passes is loaded with the
 * document API, so every node keeps its 1-based line:col. Accessors report
 * problems into nv_diags as "path:line:col: where: what" and carry on, so a
 * loader can report every problem in one pass.
 */
#ifndef NV_YAMLX_H
#define NV_YAMLX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "nvgrect/dut.h"
#include "nvgrect/err.h"

#define NV_YX_FILE_MAX (1u << 20)     /* bytes */
#define NV_YX_DEPTH_MAX 32            /* nested collections */
#define NV_YX_NODES_MAX 100000        /* scalars, lists and mappings */
#define NV_YX_SCALAR_MAX 4096         /* bytes in one scalar */
#define NV_YX_PATH_MAX 160            /* "cases[2].probes[0].outer.vlan.vid" */

struct nv_yx {
	yaml_document_t doc;
	bool loaded;
	struct nv_diags *diags;
};

/*
 * Read a whole file, at most NV_YX_FILE_MAX bytes. On failure adds a
 * diagnostic (line 0 for "cannot open", 1:1 for "too large") and returns -1.
 * The caller frees *buf.
 */
int nv_yx_read_file(const char *path, char **buf, size_t *len,
		    struct nv_diags *diags);

/*
 * Scan buf against the caps, then load it as one document. Returns 0 when
 * the document loaded (its root may still be of the wrong kind), -1 after
 * adding diagnostics. nv_yx_free() is safe either way.
 */
int nv_yx_parse(struct nv_yx *y, const char *buf, size_t len,
		struct nv_diags *diags);
void nv_yx_free(struct nv_yx *y);
yaml_node_t *nv_yx_root(struct nv_yx *y);

/* 1-based position of a node. */
int nv_yx_line(const yaml_node_t *n);
int nv_yx_col(const yaml_node_t *n);
/* Report "path: message" at node n (path may be "" for the document). */
void nv_yx_err(struct nv_yx *y, const yaml_node_t *n, const char *path,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Child paths: "parent.key" and "parent[i]". */
const char *nv_yx_path_key(char *out, size_t len, const char *parent, const char *key);
const char *nv_yx_path_idx(char *out, size_t len, const char *parent, int i);

/* Node kind checks that report "expected a mapping, got a sequence". */
bool nv_yx_is_map(struct nv_yx *y, yaml_node_t *n, const char *path);
bool nv_yx_is_seq(struct nv_yx *y, yaml_node_t *n, const char *path);
bool nv_yx_is_scalar(struct nv_yx *y, yaml_node_t *n, const char *path);
const char *nv_yx_kind(const yaml_node_t *n);

/*
 * Check a mapping against its known keys (NULL-terminated): reports a
 * non-mapping, non-scalar keys, unknown keys (with the closest known key as
 * a suggestion) and duplicate known keys (both positions). Returns false
 * only when n is not a mapping.
 */
bool nv_yx_map_check(struct nv_yx *y, yaml_node_t *n, const char *path,
		     const char *const *known);
/* Value of key in mapping n (first occurrence), or NULL. */
yaml_node_t *nv_yx_get(struct nv_yx *y, yaml_node_t *n, const char *key);
/* Same, reporting "missing required key 'key'" at the mapping. */
yaml_node_t *nv_yx_need(struct nv_yx *y, yaml_node_t *n, const char *path,
			const char *key);
/* Key node of the first occurrence of key (for positions), or NULL. */
yaml_node_t *nv_yx_key_node(struct nv_yx *y, yaml_node_t *n, const char *key);

/* Sequence length (after nv_yx_is_seq) and item i. */
int nv_yx_seq_len(const yaml_node_t *n);
yaml_node_t *nv_yx_item(struct nv_yx *y, yaml_node_t *n, int i);

/* Closest known word within a small edit distance, or NULL. */
const char *nv_yx_suggest(const char *word, const char *const *known);

/* Typed scalars: 0 on success, -1 after reporting. */
int nv_yx_str(struct nv_yx *y, yaml_node_t *n, const char *path,
	      char *buf, size_t size);
/* Strict unsigned number: decimal or 0x hex, whole string, min..max. */
int nv_yx_u32(struct nv_yx *y, yaml_node_t *n, const char *path,
	      uint32_t min, uint32_t max, uint32_t *out);
int nv_yx_bool(struct nv_yx *y, yaml_node_t *n, const char *path, bool *out);
/* One of names[0..n) (NULL entries skipped); stores the index. */
int nv_yx_enum(struct nv_yx *y, yaml_node_t *n, const char *path,
	       const char *const *names, int nnames, int *out);
int nv_yx_addr(struct nv_yx *y, yaml_node_t *n, const char *path,
	       struct nv_addr *out);
int nv_yx_mac(struct nv_yx *y, yaml_node_t *n, const char *path,
	      bool allow_auto, struct nv_mac *out);
/* Hex bytes "0x0011aabb" (or without 0x): at most max bytes. */
int nv_yx_hex(struct nv_yx *y, yaml_node_t *n, const char *path,
	      uint8_t *out, int max, int *nout);

/* Parse a strict number from text (no YAML): 0 / -1. */
int nv_yx_parse_u64(const char *s, uint64_t *out);

/* Sort diagnostics by line, then column (stable). */
void nv_yx_diags_sort(struct nv_diags *ds);

/* Does the root mapping of buf have key? (cheap classification for lint) */
bool nv_yx_root_has(struct nv_yx *y, const char *key);

#endif
