/*
 * --parallel N: up to N requests in flight (libcurl's multi interface), a
 * request started only once every request creating an entity it refers to
 * has finished; retries wait their back-off without holding anything up;
 * --rate gates every start; outcomes are written in request order.
 * Typedef requests never come here: they are played one by one, first.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "exitcodes.h"
#include "upload.h"
#include "banned.h"

enum { Q_WAITING, Q_RUNNING, Q_RETRY, Q_DONE };

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void find_entity_deps(struct upload *u, struct job *j);

static void add_dep(struct job *j, size_t i)
{
	j->deps = xrealloc(j->deps, (j->n_deps + 1) * sizeof(*j->deps));
	j->deps[j->n_deps++] = i;
}

/*
 * Queue indices of the requests that create what this one needs: for an
 * entity request, every typedef request and the requests creating the
 * entities it references; for relationship typedefs, the entity typedefs.
 */
static void find_deps(struct upload *u, struct job *j)
{
	int typedefs = strcmp(str(j->req, "path"), "types/typedefs") == 0;

	for (size_t k = 0; k < u->n_typedef_jobs; k++) {
		size_t i = u->typedef_jobs[k];

		if (!typedefs || (json_object_get(json_object_get(j->req, "body"), "relationshipDefs") &&
				  json_object_get(json_object_get(u->queue[i].req, "body"), "entityDefs")))
			add_dep(j, i);
	}
	if (typedefs) {
		u->typedef_jobs = xrealloc(u->typedef_jobs, (u->n_typedef_jobs + 1) * sizeof(*u->typedef_jobs));
		u->typedef_jobs[u->n_typedef_jobs++] = u->n_queue; /* the index j is about to get */
	} else {
		find_entity_deps(u, j);
	}
}

/* Queue indices of the requests that create the entities this one references. */
static void find_entity_deps(struct upload *u, struct job *j)
{
	json_t *e, *ref;
	size_t i, k;
	long first = u->n_queue ? u->queue[0].n : j->n;
	const char *lists[] = {"inputs", "outputs"};

	json_array_foreach(json_object_get(json_object_get(j->req, "body"), "entities"), i, e) {
		json_t *attrs = json_object_get(e, "attributes"), *rels = json_object_get(e, "relationshipAttributes");
		json_t *refs = json_array();
		const char *name;

		for (int l = 0; l < 2; l++)
			json_array_foreach(json_object_get(attrs, lists[l]), k, ref)
				json_array_append(refs, ref);
		json_object_foreach(rels, name, ref)
			json_array_append(refs, ref);
		json_array_foreach(refs, k, ref) {
			char *key;
			json_t *by;

			if (!json_object_get(ref, "uniqueAttributes"))
				continue;
			key = xasprintf("%s %s", str(ref, "typeName"),
					str(json_object_get(ref, "uniqueAttributes"), "qualifiedName"));
			by = json_object_get(u->created, key);
			free(key);
			if (by && json_integer_value(by) >= first && json_integer_value(by) < j->n)
				add_dep(j, (size_t)(json_integer_value(by) - first));
		}
		json_decref(refs);
	}
}

void queue_add(struct upload *u, struct job *j)
{
	if (u->n_queue == u->cap_queue) {
		u->cap_queue = u->cap_queue ? u->cap_queue * 2 : 64;
		u->queue = xrealloc(u->queue, u->cap_queue * sizeof(*u->queue));
	}
	j->n = (long)json_integer_value(json_object_get(j->req, "n"));
	find_deps(u, j);
	j->state = Q_WAITING;
	u->queue[u->n_queue++] = *j;
}

static int deps_done(struct upload *u, const struct job *j)
{
	for (size_t i = 0; i < j->n_deps; i++)
		if (u->queue[j->deps[i]].state != Q_DONE)
			return 0;
	return 1;
}

/* Starts an attempt of j on the multi handle. Returns 0, or an exit code. */
static int launch(struct upload *u, CURLM *multi, struct job *j)
{
	int rc;

	if ((rc = auth_token(u, 0)) != 0)
		return rc;
	j->attempts++;
	j->easy = curl_easy_init();
	if (!j->easy)
		diag_die(PV_EX_SOFTWARE, "cannot initialise libcurl");
	j->headers = http_setup(u, j->easy, j->method, j->url, j->text ? "application/json" : NULL, j->text,
				j->text ? strlen(j->text) : 0, 1, &j->r);
	if (curl_multi_add_handle(multi, j->easy) != CURLM_OK)
		diag_die(PV_EX_SOFTWARE, "libcurl refused a transfer");
	j->state = Q_RUNNING;
	return 0;
}

/*
 * Starts what may start: returns 0, or the exit code that stops the run.
 * *wait_ms says how soon something else may start (--rate, back-off).
 */
static int start_ready(struct upload *u, CURLM *multi, int *running, int *wait_ms)
{
	double now = now_seconds(), d;
	int rc;

	*wait_ms = 100;
	for (size_t i = 0; i < u->n_queue && *running < u->opt.parallel; i++) {
		struct job *j = &u->queue[i];

		if ((j->state != Q_WAITING && j->state != Q_RETRY) || !deps_done(u, j))
			continue;
		if (j->state == Q_RETRY && now < j->not_before) {
			if ((j->not_before - now) * 1000 < *wait_ms)
				*wait_ms = (int)((j->not_before - now) * 1000) + 1;
			continue;
		}
		if (j->state == Q_WAITING) {
			rc = job_prepare(u, j);
			if (rc == JOB_DONE) {
				j->state = Q_DONE;
				continue;
			}
			if (rc != JOB_SEND) {
				j->state = Q_DONE;
				return rc;
			}
			j->method = str(j->req, "method");
			j->started = now_seconds();
			j->state = Q_RETRY; /* prepared: it goes as soon as a slot is free */
			j->not_before = 0;
		}
		if ((d = pace_wait(u)) > 0) { /* no slot yet: the poll wakes for it */
			*wait_ms = (int)(d * 1000) + 1;
			break;
		}
		if ((rc = launch(u, multi, j)) != 0) {
			j->state = Q_DONE;
			return rc;
		}
		(*running)++;
	}
	return 0;
}

/* A transfer ended: judge it, finish it or schedule its next attempt. */
static int transfer_done(struct upload *u, CURLM *multi, CURLMsg *msg)
{
	struct job *j = NULL;
	double delay = 0;
	int rc = 0;

	for (size_t i = 0; i < u->n_queue && !j; i++)
		if (u->queue[i].easy == msg->easy_handle)
			j = &u->queue[i];
	http_finish(u, j->easy, msg->data.result, &j->r);
	curl_multi_remove_handle(multi, j->easy);
	curl_easy_cleanup(j->easy);
	curl_slist_free_all(j->headers);
	j->easy = NULL;
	j->headers = NULL;
	switch (judge(u, j->n, j->method, j->url, str(j->req, "on_conflict"), &j->r, j->attempts, j->started,
		      j->renewed, &delay, &rc)) {
	case V_DONE:
		j->state = Q_DONE;
		return job_finish(u, j, 0);
	case V_STOP:
		j->state = Q_DONE;
		job_finish(u, j, rc);
		return rc;
	case V_PUT:
		j->method = "PUT";
		break;
	case V_RENEW:
		j->renewed = 1;
		if ((rc = auth_token(u, 1)) != 0) {
			j->state = Q_DONE;
			job_finish(u, j, rc);
			return rc;
		}
		break;
	case V_RETRY:
		break;
	}
	http_resp_free(&j->r);
	j->state = Q_RETRY;
	j->not_before = now_seconds() + delay;
	return 0;
}

int queue_run(struct upload *u)
{
	CURLM *multi;
	size_t next_emit = 0;
	int running = 0, stop = 0, still, wait_ms = 5, finished;

	if (u->n_queue == 0)
		return 0;
	if (!u->opt.dry_run) {
		/* whether the server has what the queue references: a few lookups up front */
		json_t *refs = json_array();
		int rc;

		for (size_t i = 0; i < u->n_queue; i++) {
			json_t *r = external_refs(json_object_get(u->queue[i].req, "body"));

			json_array_extend(refs, r);
			json_decref(r);
		}
		rc = prefetch_exists(u, refs);
		json_decref(refs);
		if (rc)
			return rc;
	}
	multi = curl_multi_init();
	if (!multi)
		diag_die(PV_EX_SOFTWARE, "cannot initialise libcurl");
	while (next_emit < u->n_queue) {
		CURLMsg *msg;
		int left, rc;

		if (!stop && (rc = start_ready(u, multi, &running, &wait_ms)) != 0)
			stop = rc;
		curl_multi_perform(multi, &still);
		finished = 0;
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			running--;
			finished++;
			rc = transfer_done(u, multi, msg);
			if (rc && !stop)
				stop = rc;
		}
		while (next_emit < u->n_queue && u->queue[next_emit].state == Q_DONE) {
			struct job *j = &u->queue[next_emit++];

			if (j->outcome && emit(j->outcome) != 0 && !stop)
				stop = PV_EX_IOERR;
			j->outcome = NULL;
		}
		if (stop && running == 0)
			break;
		/* a finished request may have freed others: try them before waiting */
		if (!finished)
			curl_multi_poll(multi, NULL, 0, wait_ms, NULL);
	}
	curl_multi_cleanup(multi);
	queue_free(u);
	return stop;
}

void queue_free(struct upload *u)
{
	for (size_t i = 0; i < u->n_queue; i++) {
		struct job *j = &u->queue[i];

		if (j->easy)
			curl_easy_cleanup(j->easy);
		curl_slist_free_all(j->headers);
		free(j->deps);
		job_free(j);
	}
	free(u->queue);
	u->queue = NULL;
	u->n_queue = u->cap_queue = 0;
	free(u->typedef_jobs);
	u->typedef_jobs = NULL;
	u->n_typedef_jobs = 0;
}
