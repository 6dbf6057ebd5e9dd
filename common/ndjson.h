/*
 * NDJSON: one compact JSON value per line, keys sorted, '\n' after every line.
 * The writer checks every write; ndjson_finish() flushes and closes and
 * reports a failure there too (a full disk or a closed pipe is an error).
 * The reader keeps its own line counter, so errors name the stream's line.
 */
#ifndef PURVEY_NDJSON_H
#define PURVEY_NDJSON_H

#include <stdio.h>
#include <jansson.h>

#define NDJSON_DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)

/* Writes v and a newline. Returns 0, or -1 with errno set on a write error. */
int ndjson_write(FILE *f, const json_t *v);
/* Flushes and closes f. Returns 0, or -1 if anything written to f was lost. */
int ndjson_finish(FILE *f);

struct ndjson_reader {
	FILE *f;
	char *buf;
	size_t cap;
	long line;        /* line number of the value last returned */
	size_t max_bytes; /* longest line accepted; 0 for no limit */
	int max_depth;    /* deepest nesting accepted; 0 for no limit */
};

enum ndjson_status { NDJSON_EOF = 0, NDJSON_VALUE = 1, NDJSON_BAD = -1, NDJSON_IOERR = -2 };

void ndjson_reader_init(struct ndjson_reader *r, FILE *f);
void ndjson_reader_free(struct ndjson_reader *r);
/*
 * Reads the next line into *out (a new reference). On NDJSON_BAD, msg holds
 * the reason and *col the 1-based column (0 if not known); the caller may
 * go on reading the next line. On NDJSON_IOERR, errno is set.
 */
enum ndjson_status ndjson_next(struct ndjson_reader *r, json_t **out,
			       char *msg, size_t msglen, long *col);

/*
 * Checks the nesting depth of the JSON text buf[0..len) without parsing it.
 * Returns 0 when no array or object nests deeper than max_depth; otherwise -1
 * and sets *line and *col (1-based, relative to buf) to where it did.
 */
int json_text_depth_ok(const char *buf, size_t len, int max_depth, long *line,
		       long *col);

#endif
