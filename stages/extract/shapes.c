/*
 * Where AML objects sit inside a JSON value, whatever wrapped them:
 *   [OBJ, ...]                           CLI v2 "list" output
 *   {"value":[OBJ...], "nextLink":...}   ARM list page (pages in several files)
 *   {"parameters":..., "responses":{"200":{"body":X}}}   REST-spec example
 *   {"Entries":[{"ResponseBody":X}...]}  Azure SDK test recording
 *   OBJ                                  ARM resource or CLI v2 "show" output
 * Wrappers are told apart by their keys; the object itself by normalize.c.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "strutil.h"
#include "banned.h"

static void walk(struct extract *x, json_t *v, const struct where *w, const char *path);

static void walk_array(struct extract *x, json_t *arr, const struct where *w, const char *path)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e) {
		char *p = xasprintf("%s[%zu]", path, i);

		walk(x, e, w, p);
		free(p);
	}
}

/* The body of the success response of a REST-spec example: "200", else the lowest 2xx. */
static json_t *example_body(json_t *responses, const char **code)
{
	const char *key, *best = NULL;
	json_t *r;

	json_object_foreach(responses, key, r) {
		if (key[0] == '2' && json_object_get(r, "body") && (!best || strcmp(key, best) < 0))
			best = key;
	}
	*code = best;
	return best ? json_object_get(json_object_get(responses, best), "body") : NULL;
}

static int is_rest_example(json_t *o)
{
	return json_is_object(json_object_get(o, "responses")) &&
	       json_object_get(o, "parameters") != NULL && !json_object_get(o, "id");
}

static int is_recording(json_t *o)
{
	return json_is_array(json_object_get(o, "Entries")) && !json_object_get(o, "id");
}

static int is_list_page(json_t *o)
{
	return json_is_array(json_object_get(o, "value")) && !json_object_get(o, "id");
}

static void walk(struct extract *x, json_t *v, const struct where *w, const char *path)
{
	char *p;

	if (json_is_array(v)) {
		walk_array(x, v, w, path);
	} else if (!json_is_object(v)) {
		diag_warn(&w->loc, "%s: a JSON %s is not an AML object; ignored", path,
			  json_is_string(v) ? "string" : json_is_null(v) ? "null" : "scalar");
	} else if (is_rest_example(v)) {
		const char *code;
		json_t *body = example_body(json_object_get(v, "responses"), &code);

		if (!body) {
			diag_warn(&w->loc, "%s: REST example without a 2xx response body; ignored", path);
			return;
		}
		p = xasprintf("%s.responses.%s.body", path, code);
		walk(x, body, w, p);
		free(p);
	} else if (is_recording(v)) {
		size_t i;
		json_t *entry;

		json_array_foreach(json_object_get(v, "Entries"), i, entry) {
			json_t *body = json_object_get(entry, "ResponseBody");

			/* Request bodies are what was sent; the response is what AML holds. */
			if (!json_is_object(body) && !json_is_array(body))
				continue;
			p = xasprintf("%s.Entries[%zu].ResponseBody", path, i);
			walk(x, body, w, p);
			free(p);
		}
	} else if (is_list_page(v)) {
		p = xasprintf("%s.value", path);
		walk_array(x, json_object_get(v, "value"), w, p);
		free(p);
	} else {
		extract_object(x, v, w, path);
	}
}

void extract_value(struct extract *x, json_t *v, const struct where *w)
{
	walk(x, v, w, "$");
}
