/*
 * Pass one: reads the record stream, checks it against the contract
 * (schemas/record.schema.json: header first, records, end trailer last),
 * copies every line to a spool file, and keeps per object id only where its
 * winning copy lies: the same object read twice (a list page and a GET, two
 * snapshots) is one, the newer by modification time, ties broken by content.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "ndjson.h"
#include "strutil.h"
#include "timefmt.h"
#include "transform.h"
#include "banned.h"

static const char *kinds[] = {"workspace", "datastore", "data_container", "data_version",
			      "model_container", "model_version", "job", "environment_container",
			      "environment_version", "component_container", "component_version",
			      "code_container", "code_version"};

static int known_kind(const char *k)
{
	for (size_t i = 0; k && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(k, kinds[i]) == 0)
			return 1;
	return 0;
}

/* FNV-1a over the record's content without "source", as 16 hex digits. */
static void content_hash(json_t *rec, char out[17])
{
	json_t *copy = json_copy(rec);
	char *s;
	uint64_t h = 1469598103934665603ULL;

	json_object_del(copy, "source");
	s = json_dumps(copy, NDJSON_DUMP_FLAGS);
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	snprintf(out, 17, "%016llx", (unsigned long long)h);
	free(s);
	json_decref(copy);
}

/* What makes a record usable; NULL if it is, else the reason. */
static const char *record_problem(json_t *rec)
{
	const char *id = json_string_value(json_object_get(rec, "id"));

	if (!known_kind(json_string_value(json_object_get(rec, "kind"))))
		return "record of an unknown kind";
	if (!id || !str_starts(id, "/subscriptions/"))
		return "record without a canonical ARM id";
	if (!json_is_string(json_object_get(rec, "workspace_id")))
		return "record without workspace_id";
	if (!json_is_string(json_object_get(rec, "name")))
		return "record without name";
	if (!json_is_object(json_object_get(rec, "fields")))
		return "record without fields";
	return NULL;
}

static void keep_newest(struct transform *tf, json_t *rec, long off, size_t len)
{
	const char *id = json_string_value(json_object_get(rec, "id"));
	const char *t = json_string_value(json_object_get(rec, "modified_at"));
	const char *jt = json_string_value(json_object_get(json_object_get(rec, "fields"), "job_type"));
	json_t *old = json_object_get(tf->records, id);
	struct tf_record *r;
	char h[17];

	if (!t)
		t = json_string_value(json_object_get(rec, "created_at"));
	if (!t || strlen(t) >= TIME_CANON_MAX)
		t = "";
	content_hash(rec, h);
	if (old) {
		r = &tf->recs[json_integer_value(old)];
		int c = (*t && *r->time) ? time_cmp(t, r->time) : strcmp(t, r->time);

		tf->duplicates++;
		if (c < 0 || (c == 0 && strcmp(h, r->hash) <= 0))
			return;
	} else {
		if (tf->n_recs == tf->cap_recs) {
			tf->cap_recs = tf->cap_recs ? tf->cap_recs * 2 : 1024;
			tf->recs = xrealloc(tf->recs, tf->cap_recs * sizeof(*tf->recs));
		}
		r = &tf->recs[tf->n_recs];
		memset(r, 0, sizeof(*r));
		r->id = xstrdup(id);
		json_object_set_new(tf->records, id, json_integer((json_int_t)tf->n_recs++));
	}
	r->off = off;
	r->len = len;
	snprintf(r->kind, sizeof(r->kind), "%s", json_string_value(json_object_get(rec, "kind")));
	snprintf(r->time, sizeof(r->time), "%s", t);
	memcpy(r->hash, h, sizeof(r->hash));
	r->pipeline = jt && strcmp(jt, "pipeline") == 0;
}

static struct transform *sorting; /* qsort has no context argument */

static int cmp_by_id(const void *a, const void *b)
{
	return strcmp(sorting->recs[*(const size_t *)a].id, sorting->recs[*(const size_t *)b].id);
}

static void sort_ids(struct transform *tf)
{
	tf->order = xmalloc((tf->n_recs ? tf->n_recs : 1) * sizeof(*tf->order));
	for (size_t i = 0; i < tf->n_recs; i++)
		tf->order[i] = i;
	sorting = tf;
	qsort(tf->order, tf->n_recs, sizeof(*tf->order), cmp_by_id);
	sorting = NULL;
}

/* An incomplete record stream: refused (65), or with --allow-partial transformed and marked. */
static int incomplete(struct transform *tf, const struct diag_loc *loc, const char *why)
{
	if (!tf->opt.allow_partial) {
		diag_error(loc, "incomplete record stream: %s; --allow-partial to transform it anyway", why);
		return PV_EX_DATAERR;
	}
	diag_warn(loc, "incomplete record stream: %s; going on (--allow-partial)", why);
	tf->partial = 1;
	return 0;
}

/* Returns 0, or an exit code after reporting why the stream is unusable. */
int tf_read(struct transform *tf, FILE *in)
{
	struct ndjson_reader r;
	struct diag_loc loc = {tf->input_name, NULL, 0, 0};
	json_t *v, *trailer = NULL;
	char msg[256];
	long col;
	enum ndjson_status st;
	int rc = 0;

	ndjson_reader_init(&r, in);
	r.max_depth = 128;
	while ((st = ndjson_next(&r, &v, msg, sizeof(msg), &col)) != NDJSON_EOF) {
		const char *type, *problem;
		size_t len;
		long off;

		loc.line = r.line;
		loc.col = col;
		if (st == NDJSON_IOERR) {
			diag_error(&loc, "cannot read: %s", strerror(errno));
			rc = PV_EX_NOINPUT;
			break;
		}
		if (st == NDJSON_BAD) {
			diag_error(&loc, "%s", msg);
			rc = PV_EX_DATAERR;
			continue;
		}
		loc.col = 0;
		type = json_string_value(json_object_get(v, "type"));
		if (r.line == 1) {
			if (!type || strcmp(type, "snapshot") != 0) {
				diag_error(&loc, "not a record stream: the first line is no snapshot header");
				json_decref(v);
				rc = PV_EX_DATAERR;
				break;
			}
			if (json_integer_value(json_object_get(v, "v")) != 1) {
				diag_error(&loc, "record stream version %lld not supported (this purvey reads 1)",
					   (long long)json_integer_value(json_object_get(v, "v")));
				json_decref(v);
				rc = PV_EX_DATAERR;
				break;
			}
			tf->header = v;
			continue;
		}
		if (trailer) {
			diag_error(&loc, "line after the end trailer");
			rc = PV_EX_DATAERR;
			json_decref(v);
			continue;
		}
		if (type && strcmp(type, "end") == 0) {
			trailer = v;
			continue;
		}
		if (!type || strcmp(type, "record") != 0 || (problem = record_problem(v)) != NULL) {
			diag_error(&loc, "%s", type && strcmp(type, "record") == 0 ? problem
					       : "not a record line");
			rc = PV_EX_DATAERR;
			json_decref(v);
			continue;
		}
		len = strlen(r.buf);
		off = ftell(tf->spool);
		if (off < 0 || fwrite(r.buf, 1, len, tf->spool) != len)
			diag_die(PV_EX_IOERR, "cannot write the temporary file: %s", strerror(errno));
		tf->records_read++;
		keep_newest(tf, v, off, len);
		json_decref(v);
	}
	ndjson_reader_free(&r);
	if (!tf->header && rc == 0) {
		diag_error(&loc, "empty input: no record stream");
		rc = PV_EX_DATAERR;
	}
	loc.line = 0;
	if (rc == 0 && !trailer) {
		rc = incomplete(tf, &loc, "no end trailer (cut short?)");
	} else if (rc == 0 && !json_is_true(json_object_get(trailer, "complete"))) {
		rc = incomplete(tf, &loc, "the trailer says complete:false");
	} else if (rc == 0 && json_integer_value(json_object_get(trailer, "records")) != tf->records_read) {
		diag_error(&loc, "the trailer counts %lld records, the stream has %ld",
			   (long long)json_integer_value(json_object_get(trailer, "records")), tf->records_read);
		rc = PV_EX_DATAERR;
	}
	json_decref(trailer);
	if (fflush(tf->spool) != 0)
		diag_die(PV_EX_IOERR, "cannot write the temporary file: %s", strerror(errno));
	sort_ids(tf);
	return rc;
}

json_t *tf_load(struct transform *tf, const struct tf_record *r)
{
	char *buf = xmalloc(r->len);
	json_t *v;

	if (fseek(tf->spool, r->off, SEEK_SET) != 0 || fread(buf, 1, r->len, tf->spool) != r->len)
		diag_die(PV_EX_IOERR, "cannot read back the temporary file: %s", strerror(errno));
	v = json_loadb(buf, r->len, 0, NULL);
	free(buf);
	if (!v)
		diag_die(PV_EX_SOFTWARE, "temporary file damaged");
	return v;
}

void tf_each(struct transform *tf, int (*want)(const struct tf_record *),
	     void (*fn)(struct transform *, json_t *))
{
	for (size_t i = 0; i < tf->n_recs; i++) {
		const struct tf_record *r = &tf->recs[tf->order[i]];
		json_t *rec;

		if (!want(r))
			continue;
		rec = tf_load(tf, r);
		fn(tf, rec);
		json_decref(rec);
	}
}
