/*
 * The bytes of one stream (a file, a member, stdin), already decompressed by
 * libarchive, are either one JSON document or NDJSON. Told from the bytes:
 * if the first non-blank line is a complete JSON value on its own, the
 * stream is NDJSON (a one-line document reads the same either way);
 * otherwise the whole stream is one document.
 *
 * NDJSON is read a line at a time, so memory does not grow with the stream;
 * a bad line is reported and the next is read. A document is held whole,
 * up to --max-member-bytes.
 */
#include <archive.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "ndjson.h"
#include "strutil.h"
#include "banned.h"

#define CHUNK (64 * 1024)
#define RATIO_FLOOR (1024 * 1024) /* the ratio is judged past this many bytes */

struct reader {
	struct extract *x;
	struct archive *a, *root;
	const struct where *w;
	char chunk[CHUNK];
	size_t pos, len;
	size_t total; /* bytes delivered so far */
	int eof, failed;
};

/* Refills the chunk. Returns 0 at the end or on a failure (reported here). */
static int refill(struct reader *r)
{
	la_ssize_t n;

	if (r->eof || r->failed)
		return 0;
	n = archive_read_data(r->a, r->chunk, sizeof(r->chunk));
	if (n < 0) {
		r->failed = 1;
		r->x->bad_data = 1;
		diag_error(&r->w->loc, "damaged data: %s", archive_error_string(r->a));
		return 0;
	}
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->pos = 0;
	r->len = (size_t)n;
	r->total += (size_t)n;
	if (r->total > r->x->opt.max_member_bytes) {
		r->failed = 1;
		r->x->bad_data = 1;
		diag_error(&r->w->loc, "larger than %zu bytes (--max-member-bytes); skipped",
			   r->x->opt.max_member_bytes);
		return 0;
	}
	if (r->total > RATIO_FLOOR) {
		la_int64_t packed = archive_filter_bytes(r->root, -1);

		if (packed > 0 && (double)r->total > r->x->opt.max_ratio * (double)packed) {
			r->failed = 1;
			r->x->bad_data = 1;
			diag_error(&r->w->loc,
				   "suspicious compression ratio (over %.0f:1, --max-ratio); skipped",
				   r->x->opt.max_ratio);
			return 0;
		}
	}
	return 1;
}

/* Appends the next line (with its '\n', if any) to line. Returns 0 at the end. */
static int next_line(struct reader *r, struct sbuf *line)
{
	line->len = 0;
	if (line->data)
		line->data[0] = '\0';
	for (;;) {
		char *nl;

		if (r->pos == r->len && !refill(r))
			return line->len > 0 && !r->failed;
		nl = memchr(r->chunk + r->pos, '\n', r->len - r->pos);
		if (nl) {
			size_t n = (size_t)(nl - (r->chunk + r->pos)) + 1;

			sbuf_add(line, r->chunk + r->pos, n);
			r->pos += n;
			return 1;
		}
		sbuf_add(line, r->chunk + r->pos, r->len - r->pos);
		r->pos = r->len;
	}
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* The length of a line without its line ending. */
static size_t chomp(const struct sbuf *line)
{
	size_t n = line->len;

	if (n && line->data[n - 1] == '\n')
		n--;
	if (n && line->data[n - 1] == '\r')
		n--;
	return n;
}

/* Parses text as one JSON value, checking the nesting first. NULL if bad. */
static json_t *parse(struct reader *r, const char *text, size_t n, long first_line,
		     int report)
{
	json_error_t err;
	long line, col;
	json_t *v;
	struct diag_loc loc = r->w->loc;

	if (json_text_depth_ok(text, n, r->x->opt.max_depth, &line, &col) != 0) {
		if (report) {
			loc.line = first_line + line - 1;
			loc.col = col;
			r->x->bad_data = 1;
			diag_error(&loc, "JSON nested deeper than %d levels (--max-depth)",
				   r->x->opt.max_depth);
		}
		return NULL;
	}
	v = json_loadb(text, n, JSON_DECODE_ANY, &err);
	if (!v && report) {
		loc.line = first_line + (err.line > 0 ? err.line : 1) - 1;
		loc.col = err.column > 0 ? err.column : 0;
		r->x->bad_data = 1;
		diag_error(&loc, "invalid JSON: %s", err.text);
	}
	return v;
}

static void handle(struct reader *r, json_t *v, long line)
{
	struct where w = *r->w;

	w.loc.line = line;
	extract_value(r->x, v, &w);
	json_decref(v);
}

static void read_ndjson(struct reader *r, struct sbuf *line, long lineno)
{
	json_t *v;

	while (next_line(r, line)) {
		lineno++;
		if (blank(line->data, line->len))
			continue;
		v = parse(r, line->data, chomp(line), lineno, 1);
		if (v)
			handle(r, v, lineno);
	}
}

static void read_document(struct reader *r, struct sbuf *doc, struct sbuf *line)
{
	json_t *v;

	while (next_line(r, line))
		sbuf_add(doc, line->data, line->len);
	if (r->failed)
		return;
	v = parse(r, doc->data, doc->len, 1, 1);
	if (v)
		handle(r, v, 1);
}

void extract_content(struct extract *x, struct archive *a, struct archive *root,
		     const struct where *w)
{
	struct reader *r = xmalloc(sizeof(*r));
	struct sbuf doc = {0}, line = {0};
	long lineno = 0;
	json_t *v = NULL;

	memset(r, 0, sizeof(*r));
	r->x = x;
	r->a = a;
	r->root = root;
	r->w = w;
	/* Everything up to the first non-blank line goes into doc too. */
	while (next_line(r, &line)) {
		lineno++;
		if (lineno == 1 && line.len >= 3 && memcmp(line.data, "\xEF\xBB\xBF", 3) == 0)
			memset(line.data, ' ', 3); /* a UTF-8 byte order mark */
		sbuf_add(&doc, line.data, line.len);
		if (!blank(line.data, line.len))
			break;
	}
	if (r->failed) {
		/* reported by refill() */
	} else if (blank(doc.data ? doc.data : "", doc.len)) {
		diag_warn(&w->loc, "no JSON in this input");
	} else if (line.len > 0 && line.data[line.len - 1] == '\n' &&
		   (v = parse(r, line.data, chomp(&line), lineno, 0)) != NULL) {
		handle(r, v, lineno);
		read_ndjson(r, &line, lineno);
	} else if (!strchr("{[", doc.data[strspn(doc.data, " \t\r\n")])) {
		struct diag_loc loc = w->loc;

		loc.line = lineno;
		x->bad_data = 1;
		diag_error(&loc, "neither JSON nor an archive (starts with '%c')",
			   doc.data[strspn(doc.data, " \t\r\n")]);
	} else {
		read_document(r, &doc, &line);
	}
	sbuf_free(&doc);
	sbuf_free(&line);
	free(r);
}
