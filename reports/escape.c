/*
 * escape.c - one escaper per output format. Strings reaching a report may
 * come from a packet, a YAML file or the DUT, so none of them is trusted:
 * bad UTF-8 is replaced, control characters never reach the output raw.
 */
#include <string.h>

#include "rpt.h"

#define UTF8_REPLACEMENT "\xef\xbf\xbd"   /* U+FFFD */
#define ASCII_DEL 0x7f
#define C1_FIRST 0x80u
#define C1_LAST 0x9fu
#define UNICODE_MAX 0x10ffffu
#define SURROGATE_FIRST 0xd800u
#define SURROGATE_LAST 0xdfffu

static int cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

int nv_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned char c = s[0];
	int len;
	uint32_t v;

	if (n == 0)
		return 0;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		len = 2; v = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3; v = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4; v = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)len > n)
		return 0;
	for (int i = 1; i < len; i++) {
		if (!cont(s[i]))
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min_cp[len] || v > UNICODE_MAX ||
	    (v >= SURROGATE_FIRST && v <= SURROGATE_LAST))
		return 0;
	*cp = v;
	return len;
}

static bool is_ctrl(uint32_t cp)
{
	return cp < 0x20 || cp == ASCII_DEL || (cp >= C1_FIRST && cp <= C1_LAST);
}

void nv_esc_json_n(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	uint32_t cp;

	fputc('"', f);
	while (i < n && s[i]) {
		int l = nv_utf8_next(s + i, n - i, &cp);

		if (l == 0) {
			fputs("\\ufffd", f);
			i++;
			continue;
		}
		switch (cp) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		/* < > & as \u escapes: the JSON stays inert if pasted into HTML. */
		case '<': case '>': case '&': case '\'':
			fprintf(f, "\\u%04x", (unsigned)cp);
			break;
		default:
			if (is_ctrl(cp) || cp == 0x2028 || cp == 0x2029)
				fprintf(f, "\\u%04x", (unsigned)cp);
			else
				fwrite(s + i, 1, (size_t)l, f);
		}
		i += (size_t)l;
	}
	fputc('"', f);
}

void nv_esc_json(FILE *f, const char *s)
{
	nv_esc_json_n(f, s ? s : "", s ? strlen(s) : 0);
}

void nv_esc_xml(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s), i = 0;
	uint32_t cp;

	while (i < n) {
		int l = nv_utf8_next(s + i, n - i, &cp);

		if (l == 0) {
			fputs(UTF8_REPLACEMENT, f);
			i++;
			continue;
		}
		switch (cp) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\n': fputs("&#10;", f); break;
		case '\t': fputs("&#9;", f); break;
		default:
			/* XML 1.0 forbids most C0 characters even as references. */
			if (is_ctrl(cp) || cp == 0xfffe || cp == 0xffff)
				fputs(UTF8_REPLACEMENT, f);
			else
				fwrite(s + i, 1, (size_t)l, f);
		}
		i += (size_t)l;
	}
}

/*
 * Where a character would start a block (quote, list item) if it led a
 * paragraph: '>', '-', '+', or the '.'/')' after leading digits. Returns its
 * index, or -1. Only text that may begin a line needs this.
 */
static long md_block_marker(const unsigned char *s)
{
	size_t d = 0;

	if (s[0] == '>' || s[0] == '-' || s[0] == '+')
		return 0;
	while (s[d] >= '0' && s[d] <= '9')
		d++;
	/* "1. x" is a list item, "198.51.100.2" is not */
	if (d > 0 && (s[d] == '.' || s[d] == ')') && (s[d + 1] == ' ' || s[d + 1] == '\0'))
		return (long)d;
	return -1;
}

#define MD_INLINE "\\`*_[]#!~"    /* inline markup, escaped in every context */

static bool md_special(uint32_t cp, bool cell)
{
	return cp < 0x80 && (strchr(MD_INLINE, (int)cp) || (cell && cp == '|'));
}

/*
 * Markdown, by context. Both: '<' and '&' as entities (no raw HTML, no
 * entity reading), inline markup characters backslash-escaped, line breaks
 * as spaces. A table cell also escapes '|' (it would end the cell) and '>';
 * paragraph and list text keeps them readable ("delivered|silent", "a > b")
 * and escapes only a block marker that leads the text.
 */
static void esc_md(FILE *f, const char *str, bool cell)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s), i = 0;
	long lead = cell ? -1 : md_block_marker(s);
	uint32_t cp;

	while (i < n) {
		int l = nv_utf8_next(s + i, n - i, &cp);

		if (l == 0) {
			fputs(UTF8_REPLACEMENT, f);
			i++;
			continue;
		}
		if (cp == '<')
			fputs("&lt;", f);
		else if (cp == '>' && cell)
			fputs("&gt;", f);
		else if (cp == '&')
			fputs("&amp;", f);
		else if (cp == '\n' || cp == '\r' || cp == '\t')
			fputc(' ', f);              /* keep tables and lists intact */
		else if (is_ctrl(cp))
			fputs(UTF8_REPLACEMENT, f);
		else if ((long)i == lead || md_special(cp, cell))
			fprintf(f, "\\%c", (int)cp);
		else
			fwrite(s + i, 1, (size_t)l, f);
		i += (size_t)l;
	}
}

void nv_esc_md(FILE *f, const char *str)
{
	esc_md(f, str, true);
}

void nv_esc_md_text(FILE *f, const char *str)
{
	esc_md(f, str, false);
}

/* Width of one step of the terminal escaper: bytes consumed and columns. */
static int term_step(const unsigned char *s, size_t n, int *cols)
{
	uint32_t cp;
	int l = nv_utf8_next(s, n, &cp);

	if (l == 0 || is_ctrl(cp)) {
		*cols = 4;          /* \xNN, one byte at a time */
		return 1;
	}
	*cols = 1;
	return l;
}

int nv_esc_term(FILE *f, const char *str, int maxcols)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s), i;
	int total = 0, cols = 0, limit, w = 0;

	for (i = 0; i < n;) {
		i += (size_t)term_step(s + i, n - i, &w);
		total += w;
	}
	limit = (maxcols > 3 && total > maxcols) ? maxcols - 3 : total;
	for (i = 0; i < n;) {
		int l = term_step(s + i, n - i, &w);

		if (cols + w > limit)
			break;
		if (w == 4)
			fprintf(f, "\\x%02x", s[i]);
		else
			fwrite(s + i, 1, (size_t)l, f);
		i += (size_t)l;
		cols += w;
	}
	if (i < n) {
		fputs("...", f);
		cols += 3;
	}
	return cols;
}

static int term_width_n(const unsigned char *s, size_t n)
{
	int total = 0, w = 0;

	for (size_t i = 0; i < n;) {
		i += (size_t)term_step(s + i, n - i, &w);
		total += w;
	}
	return total;
}

/* Escaped words of s, wrapped at width columns; lines after the first
 * start with indent spaces. Words longer than a line are cut. */
void nv_esc_term_wrap(FILE *f, const char *str, int indent, int width)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	int col = indent;

	while (*s) {
		size_t n = strcspn((const char *)s, " ");
		int w = term_width_n(s, n);
		char word[1024];

		if (n) {
			if (col > indent && col + 1 + w > width) {
				fprintf(f, "\n%*s", indent, "");
				col = indent;
			} else if (col > indent) {
				fputc(' ', f);
				col++;
			}
			snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n : sizeof(word) - 1), (const char *)s);
			col += nv_esc_term(f, word, width - indent);
		}
		s += n;
		while (*s == ' ')
			s++;
	}
}
