/*
 * Requests: typedefs first, one a type, each with "on_conflict":"put" so that
 * replaying the stream where the types exist succeeds; then entity/bulk
 * requests of at most --batch-entities entities and --batch-bytes bytes.
 *
 * Entities come in level order (an entity refers only to lower levels), so a
 * reference is either to an entity of the same request, written as a
 * placeholder guid ("-1", "-2", ... in the order of the request, so never
 * dependent on input order), or to one an earlier request created or that
 * exists already (storage), written as uniqueAttributes. No request depends
 * on a later one, whatever the batch size.
 *
 * Purview's limits are kept: a value over 32 KB or a name over 4 KB is cut
 * with a visible marker and a warning; an entity over 2 MB is refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "ndjson.h"
#include "strutil.h"
#include "transform.h"
#include "banned.h"

#define MAX_VALUE (32 * 1024)
#define MAX_NAME (4 * 1024)
#define MAX_ENTITY (2 * 1024 * 1024)
#define CUT_MARK "...[cut by purvey]"

int tf_write(struct transform *tf, json_t *line)
{
	if (!tf->write_failed && ndjson_write(stdout, line) != 0) {
		tf->write_failed = 1;
		tf->write_errno = errno;
	}
	json_decref(line);
	return tf->write_failed ? -1 : 0;
}

static json_t *request(struct transform *tf, const char *method, const char *path, json_t *body)
{
	tf->requests++;
	return json_pack("{s:s, s:I, s:s, s:s, s:o}", "type", "request", "n", (json_int_t)tf->requests,
			 "method", method, "path", path, "body", body);
}

void tf_emit_typedefs(struct transform *tf)
{
	json_t *defs = tf_typedefs(tf), *d;
	const char *keys[] = {"entityDefs", "relationshipDefs"};
	size_t i;

	for (int k = 0; k < 2; k++)
		json_array_foreach(json_object_get(defs, keys[k]), i, d) {
			json_t *r = request(tf, "POST", "types/typedefs", json_pack("{s:[O]}", keys[k], d));

			json_object_set_new(r, "on_conflict", json_string("put"));
			tf_write(tf, r);
		}
	json_decref(defs);
}

void tf_flush(struct transform *tf)
{
	json_t *body;

	if (json_array_size(tf->batch) == 0)
		return;
	body = json_pack("{s:O, s:{}}", "entities", tf->batch, "referredEntities");
	tf->entities += (long)json_array_size(tf->batch);
	{
		json_t *r = request(tf, "POST", "entity/bulk", body);

		json_object_set_new(r, "entities", json_integer((json_int_t)json_array_size(tf->batch)));
		tf_write(tf, r);
	}
	json_array_clear(tf->batch);
	json_object_clear(tf->placeholders);
	tf->batch_size = 0;
}

static char *target_key(json_t *t)
{
	return xasprintf("%s %s", json_string_value(json_object_get(t, "$t")),
			 json_string_value(json_object_get(t, "$q")));
}

/* A target as Atlas takes it: a placeholder in this request, else by qualifiedName. */
static json_t *reference(struct transform *tf, json_t *t)
{
	char *k = target_key(t);
	json_t *ph = json_object_get(tf->placeholders, k);

	free(k);
	if (ph)
		return json_pack("{s:O}", "guid", ph);
	return json_pack("{s:O, s:{s:O}}", "typeName", json_object_get(t, "$t"), "uniqueAttributes",
			 "qualifiedName", json_object_get(t, "$q"));
}

static json_t *references(struct transform *tf, json_t *v)
{
	if (json_is_array(v)) {
		json_t *out = json_array(), *x;
		size_t i;

		json_array_foreach(v, i, x)
			json_array_append_new(out, references(tf, x));
		return out;
	}
	if (json_is_object(v) && json_object_get(v, "$t"))
		return reference(tf, v);
	return json_incref(v);
}

/* Cuts s to at most max bytes (at a UTF-8 boundary) with a marker. New reference. */
static json_t *cut(const char *s, size_t max)
{
	size_t n = max - strlen(CUT_MARK);
	char *c;
	json_t *r;

	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	c = xasprintf("%.*s%s", (int)n, s, CUT_MARK);
	r = json_string(c);
	free(c);
	return r;
}

static void limit_values(struct transform *tf, json_t *attrs, const char *qn)
{
	const char *k;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(attrs, tmp, k, v) {
		const char *s = json_string_value(v);
		size_t max = strcmp(k, "name") == 0 ? MAX_NAME : MAX_VALUE;

		if (s && strlen(s) > max && strcmp(k, "qualifiedName") != 0) {
			tf->cut++;
			tf_warn(tf, "%s: attribute %s cut from %zu to %zu bytes (Purview's limit)", qn, k, strlen(s), max);
			json_object_set_new(attrs, k, cut(s, max));
		} else if (json_is_object(v)) {
			limit_values(tf, v, qn);
		}
	}
}

/* The entity as written in the current request; *size its length in bytes. */
static json_t *written(struct transform *tf, json_t *e, size_t *size)
{
	json_t *a = json_object(), *r = json_object(), *v, *out;
	const char *k;
	char *text;

	json_object_foreach(json_object_get(e, "attributes"), k, v)
		json_object_set_new(a, k, references(tf, v));
	json_object_foreach(json_object_get(e, "relationshipAttributes"), k, v)
		json_object_set_new(r, k, references(tf, v));
	out = json_pack("{s:O, s:o, s:o}", "typeName", json_object_get(e, "typeName"), "attributes", a,
			"relationshipAttributes", r);
	text = json_dumps(out, NDJSON_DUMP_FLAGS);
	*size = strlen(text);
	free(text);
	return out;
}

void tf_emit_entity(struct transform *tf, json_t *e)
{
	json_t *attrs = json_object_get(e, "attributes"), *out, *target;
	const char *qn = json_string_value(json_object_get(attrs, "qualifiedName"));
	char *key;
	size_t size;

	if (strlen(qn) > MAX_NAME) {
		tf_warn(tf, "%.200s...: qualifiedName over %d bytes; entity left out", qn, MAX_NAME);
		tf->cut++;
		json_decref(e);
		return;
	}
	limit_values(tf, attrs, qn);
	out = written(tf, e, &size);
	if (size > MAX_ENTITY) {
		tf_warn(tf, "%s: entity of %zu bytes is over Purview's 2 MB; left out", qn, size);
		tf->cut++;
		json_decref(out);
		json_decref(e);
		return;
	}
	if (json_array_size(tf->batch) > 0 &&
	    ((long)json_array_size(tf->batch) >= tf->opt.batch_entities ||
	     (long)(tf->batch_size + size) > tf->opt.batch_bytes)) {
		tf_flush(tf);
		json_decref(out);
		out = written(tf, e, &size); /* no placeholders left: by qualifiedName now */
	}
	key = xasprintf("-%zu", json_array_size(tf->batch) + 1);
	json_object_set_new(out, "guid", json_string(key));
	free(key);
	target = tf_target(json_string_value(json_object_get(e, "typeName")), qn);
	key = target_key(target);
	json_object_set(tf->placeholders, key, json_object_get(out, "guid"));
	free(key);
	json_decref(target);
	json_array_append_new(tf->batch, out);
	tf->batch_size += size;
	json_decref(e);
}
