/*
 * Playing one request: references to what the stream does not create are
 * checked first (missing sources), then the request is sent, retried while
 * the failure is transient (connection errors, timeouts, 408, 429, 5xx but
 * 501) with exponential back-off and jitter or the server's Retry-After,
 * within --max-attempts and --max-retry-seconds, and its outcome written.
 *
 * A retry of a request that the server applied before the connection broke
 * is safe: entity/bulk is create-or-update by qualifiedName.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "exitcodes.h"
#include "ndjson.h"
#include "upload.h"
#include "banned.h"

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

char *api_url(struct upload *u, const char *path, int with_collection)
{
	struct sbuf b = {0};
	int q = strchr(path, '?') != NULL;

	sbuf_adds(&b, u->opt.endpoint);
	sbuf_adds(&b, u->opt.api_prefix);
	sbuf_adds(&b, path);
	if (u->opt.api_version) {
		sbuf_adds(&b, q ? "&api-version=" : "?api-version=");
		sbuf_adds(&b, u->opt.api_version);
		q = 1;
	}
	if (with_collection && u->opt.collection) {
		char *c = curl_easy_escape(u->curl, u->opt.collection, 0);

		sbuf_adds(&b, q ? "&collectionId=" : "?collectionId=");
		sbuf_adds(&b, c);
		curl_free(c);
	}
	return b.data;
}

static double backoff(struct upload *u, long attempt, const struct http_resp *r)
{
	double d;

	if (r->retry_after >= 0)
		return r->retry_after;
	d = u->opt.retry_base * pow(2.0, (double)(attempt - 1));
	if (d > 60)
		d = 60;
	return d * (0.5 + 0.5 * ((double)rand() / RAND_MAX)); /* jitter */
}

static double next_slot;

/*
 * --rate: requests start at most rate per second. Returns 0 and takes the
 * slot if a request may start now, else the seconds until it may.
 */
double pace_wait(struct upload *u)
{
	double now = now_seconds();

	if (u->opt.rate <= 0)
		return 0;
	if (next_slot > now)
		return next_slot - now;
	next_slot = (next_slot > now - 1.0 / u->opt.rate ? next_slot : now) + 1.0 / u->opt.rate;
	return 0;
}

/* The same, waiting for the slot. */
void pace(struct upload *u)
{
	double d;

	while ((d = pace_wait(u)) > 0)
		sleep_seconds(d);
}

/* What the server said went wrong: the Atlas errorCode and message, or the status. */
static void error_of(const struct http_resp *r, json_t *out)
{
	json_t *j = json_loads(r->body.data ? r->body.data : "", 0, NULL);
	const char *code = str(j, "errorCode"), *msg = str(j, "errorMessage");

	if (!code && json_is_object(json_object_get(j, "error"))) {
		code = str(json_object_get(j, "error"), "code");
		msg = str(json_object_get(j, "error"), "message");
	}
	if (code)
		json_object_set_new(out, "error_code", json_string(code));
	if (msg)
		json_object_set_new(out, "error_message", json_string(msg));
	else if (r->status == 0)
		json_object_set_new(out, "error_message", json_string(r->error));
	json_decref(j);
}

/*
 * What to do once attempt number `attempts` of a request got r: done (a
 * success, or an answer to report), again now as PUT (a typedef that
 * exists), again with a renewed token (a first 401), again after *delay
 * seconds (transient), or stop the run with *rc.
 */
enum verdict judge(struct upload *u, long n, const char *method, const char *url, const char *on_conflict,
		   const struct http_resp *r, long attempts, double started, int renewed, double *delay, int *rc)
{
	char what[32];

	if (n > 0)
		snprintf(what, sizeof(what), "request %ld", n);
	else
		snprintf(what, sizeof(what), "lookup"); /* whether a referenced entity exists */
	if (r->status >= 200 && r->status < 300)
		return V_DONE;
	if (r->curl == CURLE_PEER_FAILED_VERIFICATION || r->curl == CURLE_SSL_CACERT ||
	    r->curl == CURLE_SSL_CACERT_BADFILE || r->curl == CURLE_SSL_CERTPROBLEM) {
		diag_note("%s: TLS: %s (a private CA: --cacert FILE)", url, r->error);
		*rc = PV_EX_CONFIG;
		return V_STOP;
	}
	if (r->status == 409 && on_conflict && strcmp(on_conflict, "put") == 0 && strcmp(method, "POST") == 0)
		return V_PUT;
	if (r->status == 401 && u->opt.auth == AUTH_ENTRA && !renewed)
		return V_RENEW; /* the token may have expired early: once more with a new one */
	if (r->status == 401 || r->status == 403) {
		diag_note("%s (%s %s): HTTP %ld: not allowed; check the credentials and the "
			  "principal's role (Data Curator on the collection)", what, method, url, r->status);
		*rc = PV_EX_NOPERM;
		return V_STOP;
	}
	if (!http_transient(r))
		return V_DONE; /* an answer: the caller reports it */
	*delay = backoff(u, attempts, r);
	if (attempts >= u->opt.max_attempts || now_seconds() - started + *delay > u->opt.max_retry_seconds) {
		diag_note("%s (%s %s): %s%s after %ld attempts; run again to resume", what, method, url,
			  r->status ? "HTTP " : "", r->status ? "still failing" : r->error, attempts);
		*rc = PV_EX_TEMPFAIL;
		return V_STOP;
	}
	u->retries++;
	if (r->status)
		diag_note("%s (%s %s): HTTP %ld; retry %ld in %.1f s", what, method, url, r->status, attempts, *delay);
	else
		diag_note("%s (%s %s): %s; retry %ld in %.1f s", what, method, url, r->error, attempts, *delay);
	return V_RETRY;
}

/*
 * Sends method url body until it succeeds, fails for good, or retrying is
 * over. Returns the last response in r (caller frees), the attempts made,
 * and 0 or the exit code that must stop the run.
 */
int send_retrying(struct upload *u, long n, const char *method, const char *url, const char *body,
		  const char *on_conflict, struct http_resp *r, long *attempts)
{
	double start = now_seconds(), delay = 0;
	int renewed = 0, rc = 0;
	const char *m = method;

	memset(r, 0, sizeof(*r)); /* an answer to report even if no request goes out */
	r->retry_after = -1;
	for (*attempts = 1;; (*attempts)++) {
		pace(u);
		if ((rc = auth_token(u, 0)) != 0)
			return rc;
		http_call(u, m, url, body ? "application/json" : NULL, body, body ? strlen(body) : 0, 1, r);
		switch (judge(u, n, m, url, on_conflict, r, *attempts, start, renewed, &delay, &rc)) {
		case V_DONE:
			return 0;
		case V_STOP:
			return rc;
		case V_PUT:
			m = "PUT";
			break;
		case V_RENEW:
			renewed = 1;
			if ((rc = auth_token(u, 1)) != 0)
				return rc;
			break;
		case V_RETRY:
			sleep_seconds(delay);
			break;
		}
		http_resp_free(r);
	}
}

static char *ref_key(json_t *ref)
{
	return xasprintf("%s %s", str(ref, "typeName"), str(json_object_get(ref, "uniqueAttributes"), "qualifiedName"));
}

#define LOOKUP_CHUNK 40 /* qualifiedNames a lookup asks for: keeps the URL short */

/*
 * Looks up, with as few calls as the URL length allows, which of refs (of
 * any types) the server has, and remembers the answers. 0 or an exit code.
 */
int prefetch_exists(struct upload *u, json_t *refs)
{
	json_t *by_type = json_object(), *list, *ref;
	const char *type;
	size_t i;
	int rc = 0;

	json_array_foreach(refs, i, ref) {
		char *key = ref_key(ref);

		if (!json_object_get(u->exists, key) && !json_object_get(u->created, key)) {
			if (!(list = json_object_get(by_type, str(ref, "typeName"))))
				json_object_set_new(by_type, str(ref, "typeName"), list = json_object());
			json_object_set(list, str(json_object_get(ref, "uniqueAttributes"), "qualifiedName"), json_false());
		}
		free(key);
	}
	json_object_foreach(by_type, type, list) {
		const char *qn;
		json_t *x, *chunk = json_array();
		void *it;

		for (it = json_object_iter(list); it && rc == 0;) {
			json_array_append_new(chunk, json_string(json_object_iter_key(it)));
			it = json_object_iter_next(list, it);
			if (json_array_size(chunk) == LOOKUP_CHUNK || !it) {
				struct sbuf p = {0};
				char *url, *t = curl_easy_escape(u->curl, type, 0);
				struct http_resp r;
				long attempts;
				size_t k;

				sbuf_adds(&p, "entity/bulk/uniqueAttribute/type/");
				sbuf_adds(&p, t);
				curl_free(t);
				json_array_foreach(chunk, k, x) {
					char *q = curl_easy_escape(u->curl, json_string_value(x), 0), *a;

					a = xasprintf("%sattr_%zu:qualifiedName=%s", k ? "&" : "?", k, q);
					sbuf_adds(&p, a);
					free(a);
					curl_free(q);
				}
				url = api_url(u, p.data, 0);
				rc = send_retrying(u, 0, "GET", url, NULL, NULL, &r, &attempts);
				if (rc == 0 && r.status != 200) {
					diag_note("looking up %zu %s entities: HTTP %ld", json_array_size(chunk), type, r.status);
					rc = PV_EX_UNAVAILABLE;
				}
				if (rc == 0) {
					json_t *found = json_loads(r.body.data, 0, NULL), *e;

					json_array_foreach(json_object_get(found, "entities"), k, e)
						json_object_set(list, str(json_object_get(e, "attributes"), "qualifiedName"),
								json_true());
					json_decref(found);
				}
				http_resp_free(&r);
				free(url);
				sbuf_free(&p);
				json_array_clear(chunk);
			}
		}
		json_decref(chunk);
		json_object_foreach(list, qn, x) {
			char *key = xasprintf("%s %s", type, qn);

			json_object_set(u->exists, key, x);
			free(key);
		}
	}
	json_decref(by_type);
	return rc;
}

/* The uniqueAttributes references among the inputs and outputs of a request body. */
json_t *external_refs(json_t *body)
{
	json_t *out = json_array(), *e, *ref;
	const char *lists[] = {"inputs", "outputs"};
	size_t i, k;

	json_array_foreach(json_object_get(body, "entities"), i, e)
		for (int l = 0; l < 2; l++)
			json_array_foreach(json_object_get(json_object_get(e, "attributes"), lists[l]), k, ref)
				if (json_object_get(ref, "uniqueAttributes"))
					json_array_append(out, ref);
	return out;
}

static int is_ours(struct upload *u, json_t *ref)
{
	return u->prefix && str(ref, "typeName") && str_starts(str(ref, "typeName"), u->prefix);
}

/* Creates minimal entities for storage references the server lacks (--missing-sources create). */
static int create_sources(struct upload *u, json_t *refs, json_t *outcome)
{
	json_t *ents = json_array(), *ref, *body, *list = json_array();
	struct http_resp r;
	long attempts;
	size_t i;
	char *text, *url;
	int rc;

	json_array_foreach(refs, i, ref) {
		const char *qn = str(json_object_get(ref, "uniqueAttributes"), "qualifiedName");
		const char *slash = strrchr(qn, '/');

		json_array_append_new(ents, json_pack("{s:s, s:{s:s, s:s}}", "typeName", str(ref, "typeName"),
						      "attributes", "qualifiedName", qn, "name",
						      slash && slash[1] ? slash + 1 : qn));
		json_array_append_new(list, json_pack("{s:s, s:s}", "typeName", str(ref, "typeName"), "qualifiedName", qn));
	}
	body = json_pack("{s:o, s:{}}", "entities", ents, "referredEntities");
	text = json_dumps(body, NDJSON_DUMP_FLAGS);
	url = api_url(u, "entity/bulk", 1);
	rc = send_retrying(u, 0, "POST", url, text, NULL, &r, &attempts);
	if (rc == 0 && r.status != 200) {
		diag_note("creating missing sources: HTTP %ld", r.status);
		rc = PV_EX_DATAERR;
	}
	if (rc == 0) {
		json_array_foreach(refs, i, ref) {
			char *k = ref_key(ref);

			json_object_set_new(u->exists, k, json_true());
			free(k);
		}
		u->sources_created += (long)json_array_size(refs);
		json_object_set_new(outcome, "sources_created", list);
	} else {
		json_decref(list);
	}
	http_resp_free(&r);
	free(url);
	free(text);
	json_decref(body);
	return rc;
}

/*
 * References to entities this stream does not create must exist on the
 * server: source data never scanned into Purview would fail the whole
 * request. Per --missing-sources they are dropped from inputs and outputs
 * (and listed in the outcome), created minimally (storage only), or stop
 * the run.
 */
int external_references(struct upload *u, json_t *body, json_t *outcome)
{
	json_t *ents = json_object_get(body, "entities"), *e, *missing = json_array(), *dropped = json_array();
	json_t *refs = external_refs(body);
	size_t i, j;
	int rc = prefetch_exists(u, refs); /* one lookup for all of them, not one each */
	const char *lists[] = {"inputs", "outputs"};

	json_decref(refs);

	json_array_foreach(ents, i, e) {
		json_t *attrs = json_object_get(e, "attributes");

		for (int l = 0; l < 2 && rc == 0; l++) {
			json_t *arr = json_object_get(attrs, lists[l]), *ref;

			for (j = 0; j < json_array_size(arr) && rc == 0;) {
				char *key;
				int known;

				ref = json_array_get(arr, j);
				if (!json_object_get(ref, "uniqueAttributes")) {
					j++;
					continue;
				}
				/* created by the stream, or found by prefetch_exists() above */
				key = ref_key(ref);
				known = json_object_get(u->created, key) || json_is_true(json_object_get(u->exists, key));
				free(key);
				if (known) {
					j++;
					continue;
				}
				if (u->opt.missing == MISSING_FAIL) {
					diag_note("%s %s: not on the server (--missing-sources fail)", str(ref, "typeName"),
						  str(json_object_get(ref, "uniqueAttributes"), "qualifiedName"));
					rc = PV_EX_DATAERR;
				} else if (u->opt.missing == MISSING_CREATE && !is_ours(u, ref)) {
					json_array_append(missing, ref);
					j++;
				} else {
					json_array_append_new(dropped, json_pack("{s:s, s:s, s:O, s:O}", "entity",
						str(attrs, "qualifiedName"), "attribute", lists[l], "typeName",
						json_object_get(ref, "typeName"), "qualifiedName",
						json_object_get(json_object_get(ref, "uniqueAttributes"), "qualifiedName")));
					json_array_remove(arr, j);
					u->dropped++;
				}
			}
		}
	}
	if (rc == 0 && json_array_size(missing) > 0)
		rc = create_sources(u, missing, outcome);
	if (json_array_size(dropped) > 0)
		json_object_set(outcome, "dropped", dropped);
	json_decref(dropped);
	json_decref(missing);
	return rc;
}

/* Counts and guid assignments from an EntityMutationResponse. */
void mutation_summary(const struct http_resp *r, json_t *outcome)
{
	json_t *j = json_loads(r->body.data ? r->body.data : "", 0, NULL), *m = json_object_get(j, "mutatedEntities");

	json_object_set_new(outcome, "created", json_integer((json_int_t)json_array_size(json_object_get(m, "CREATE"))));
	json_object_set_new(outcome, "updated", json_integer((json_int_t)json_array_size(json_object_get(m, "UPDATE"))));
	if (json_object_size(json_object_get(j, "guidAssignments")))
		json_object_set(outcome, "guid_assignments", json_object_get(j, "guidAssignments"));
	json_decref(j);
}

void report_error(const struct http_resp *r, json_t *outcome) { error_of(r, outcome); }

/* GET path; returns the status (0 on failure, with *rc set) and the parsed body in *out. */
static long get_json(struct upload *u, const char *path, json_t **out, int *rc)
{
	char *url = api_url(u, path, 0);
	struct http_resp r;
	long attempts, status;

	*rc = send_retrying(u, 0, "GET", url, NULL, NULL, &r, &attempts);
	status = *rc ? 0 : r.status;
	*out = status == 200 ? json_loads(r.body.data, 0, NULL) : NULL;
	http_resp_free(&r);
	free(url);
	return status;
}

/* What we send equals what the server holds, references aside. */
static int same_values(json_t *sent, json_t *held)
{
	const char *k;
	json_t *v;

	json_object_foreach(sent, k, v) {
		if (json_is_array(v) || (json_is_object(v) && (json_object_get(v, "guid") || json_object_get(v, "uniqueAttributes"))))
			continue; /* references: inputs, outputs */
		if (!json_equal(v, json_object_get(held, k)))
			return 0;
	}
	return 1;
}

int already_applied(struct upload *u, json_t *req)
{
	const char *path = str(req, "path");
	json_t *body = json_object_get(req, "body"), *e, *held;
	size_t i;
	int rc = 0;

	if (strcmp(path, "types/typedefs") == 0) {
		const char *keys[] = {"entityDefs", "relationshipDefs"};

		for (int k = 0; k < 2; k++)
			json_array_foreach(json_object_get(body, keys[k]), i, e) {
				char *p = xasprintf("types/typedef/name/%s", str(e, "name"));
				long st = get_json(u, p, &held, &rc);

				free(p);
				json_decref(held);
				if (rc)
					return -rc;
				if (st != 200)
					return 0;
			}
		return 1;
	}
	if (strcmp(path, "entity/bulk") != 0)
		return 0;
	json_array_foreach(json_object_get(body, "entities"), i, e) {
		char *q = curl_easy_escape(u->curl, str(json_object_get(e, "attributes"), "qualifiedName"), 0);
		char *p = xasprintf("entity/uniqueAttribute/type/%s?attr:qualifiedName=%s", str(e, "typeName"), q);
		long st = get_json(u, p, &held, &rc);
		int same = st == 200 && same_values(json_object_get(e, "attributes"),
						    json_object_get(json_object_get(held, "entity"), "attributes"));

		curl_free(q);
		free(p);
		json_decref(held);
		if (rc)
			return -rc;
		if (!same)
			return 0;
	}
	return 1;
}
