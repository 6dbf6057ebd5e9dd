#include "ndjson.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

int ndjson_write(FILE *f, const json_t *v)
{
	if (json_dumpf(v, f, NDJSON_DUMP_FLAGS) != 0)
		return -1;
	if (fputc('\n', f) == EOF)
		return -1;
	return ferror(f) ? -1 : 0;
}

int ndjson_finish(FILE *f)
{
	int bad = 0;

	if (fflush(f) != 0 || ferror(f))
		bad = 1;
	if (fclose(f) != 0)
		bad = 1;
	return bad ? -1 : 0;
}

void ndjson_reader_init(struct ndjson_reader *r, FILE *f)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
}

void ndjson_reader_free(struct ndjson_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

int json_text_depth_ok(const char *buf, size_t len, int max_depth, long *line,
		       long *col)
{
	int depth = 0, in_string = 0, escaped = 0;
	long ln = 1, cl = 0;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		cl++;
		if (c == '\n') {
			ln++;
			cl = 0;
			continue;
		}
		if (in_string) {
			if (escaped)
				escaped = 0;
			else if (c == '\\')
				escaped = 1;
			else if (c == '"')
				in_string = 0;
			continue;
		}
		if (c == '"') {
			in_string = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > max_depth) {
				*line = ln;
				*col = cl;
				return -1;
			}
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return 0;
}

enum ndjson_status ndjson_next(struct ndjson_reader *r, json_t **out,
			       char *msg, size_t msglen, long *col)
{
	ssize_t n;
	json_error_t err;
	long dl, dc;

	*out = NULL;
	*col = 0;
	errno = 0;
	n = getline(&r->buf, &r->cap, r->f);
	if (n < 0)
		return ferror(r->f) ? NDJSON_IOERR : NDJSON_EOF;
	r->line++;
	if (n == 0 || r->buf[n - 1] != '\n') {
		snprintf(msg, msglen, "last line has no newline (stream cut short?)");
		return NDJSON_BAD;
	}
	if (r->max_bytes && (size_t)n > r->max_bytes) {
		snprintf(msg, msglen, "line longer than %zu bytes", r->max_bytes);
		return NDJSON_BAD;
	}
	if (r->max_depth && json_text_depth_ok(r->buf, (size_t)n, r->max_depth, &dl, &dc) != 0) {
		*col = dc;
		snprintf(msg, msglen, "JSON nested deeper than %d levels", r->max_depth);
		return NDJSON_BAD;
	}
	*out = json_loadb(r->buf, (size_t)n, JSON_DECODE_ANY, &err);
	if (!*out) {
		*col = err.column > 0 ? err.column : 0;
		snprintf(msg, msglen, "invalid JSON: %s", err.text);
		return NDJSON_BAD;
	}
	return NDJSON_VALUE;
}
