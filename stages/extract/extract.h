/* purvey-extract: AML export snapshots to the record stream. */
#ifndef PURVEY_EXTRACT_H
#define PURVEY_EXTRACT_H

#include <stdio.h>
#include <jansson.h>

#include "diag.h"
#include "timefmt.h"

struct extract_opts {
	size_t max_member_bytes; /* largest decompressed member accepted */
	int max_depth;           /* deepest JSON nesting accepted */
	double max_ratio;        /* largest decompressed:compressed ratio accepted */
	int max_archive_depth;   /* archives inside archives, at most */
	char *v1_workspace;      /* canonical workspace id for legacy v1 objects, or NULL */
	int quiet;
};

/* The state of one run: what was seen, counted and written so far. */
struct extract {
	struct extract_opts opt;
	FILE *spool;       /* records, until the header can be written */
	long records;
	json_t *counts;    /* kind -> records written */
	json_t *unknown;   /* unknown kind -> objects seen */
	long unidentifiable;
	json_t *inputs;    /* [{"name": basename}] in command-line order */
	char snapshot_time[TIME_CANON_MAX]; /* newest time in the data, or "" */
	int bad_data;      /* some input or member was damaged */
	int no_input;      /* some input could not be opened */
	int write_failed;
	int progress;      /* show progress on stderr (a terminal, not --quiet) */
};

/* Where a JSON value came from: for messages (file, member) and for records (source). */
struct where {
	struct diag_loc loc;    /* file as opened, member chain, line */
	const char *src_input;  /* basename of the command-line input */
	const char *src_member; /* path below it (directory and archive members), or NULL */
};

/* input.c: reads one command-line input (file, directory, or "-"). */
void extract_input(struct extract *x, const char *arg);

/* content.c: reads JSON or NDJSON bytes of one stream and extracts its objects. */
struct archive;
void extract_content(struct extract *x, struct archive *a, struct archive *root,
		     const struct where *w);

/* shapes.c: finds AML objects in a JSON value (arrays, list pages, wrappers). */
void extract_value(struct extract *x, json_t *v, const struct where *w);

/* normalize.c: turns one AML object into a record and writes it. */
void extract_object(struct extract *x, json_t *o, const struct where *w, const char *path);

/* normalize.c: a record's "source"; shape is "arm", "cli" or "v1". */
json_t *extract_source(const struct where *w, const char *path, const char *shape);
/* normalize.c: keeps the snapshot time up to date with a record's times. */
void extract_note_times(struct extract *x, json_t *rec);

/* legacy.c: if o is a legacy v1 object, extracts it (or reports it) and returns 1. */
int extract_legacy(struct extract *x, json_t *o, const struct where *w, const char *path);

/* main.c: writes a record to the spool and counts it. */
void extract_emit(struct extract *x, json_t *record, const char *kind);

#endif
