/*
 * Pass one and a half: from the winning records, only what resolving
 * references needs, so no record is held whole:
 *   datastores   "wsid/name" -> the datastore's storage fields
 *   versions     "wsid/collection/name" -> the versions in the snapshot
 *   steps        pipeline job id -> {step name: the child run that ran it, or {}}
 *   children     child job id -> {"pipeline", "step"}: runs that are pipeline steps
 *   job_outputs  job id -> {output: target}
 *   output_paths [[storage qualifiedName, job id]]: where job outputs were written
 *   job_models   job id -> [model targets]: models a job produced (FACTS rule 4)
 */
#include <stdlib.h>
#include <string.h>

#include "strutil.h"
#include "transform.h"
#include "banned.h"

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

char *tf_key(const char *a, const char *b) { return xasprintf("%s/%s", a, b); }

static void add_version(struct transform *tf, json_t *rec, const char *coll)
{
	char *k1 = tf_key(str(rec, "workspace_id"), coll), *key = tf_key(k1, str(rec, "name"));
	json_t *list = json_object_get(tf->versions, key);

	if (!list) {
		list = json_array();
		json_object_set_new(tf->versions, key, list);
	}
	if (str(rec, "version"))
		json_array_append_new(list, json_string(str(rec, "version")));
	free(k1);
	free(key);
}

/* The step a child run ran: properties "azureml.nodeid", else its display name. */
static const char *child_step(json_t *rec)
{
	const char *s = str(json_object_get(rec, "properties"), "azureml.nodeid");

	return s ? s : str(json_object_get(rec, "fields"), "display_name");
}

static void index_child(struct transform *tf, json_t *rec)
{
	json_t *f = json_object_get(rec, "fields");
	const char *parent = str(f, "parent_job_name"), *step = child_step(rec);
	char *pid, *jobs;
	json_t *steps;

	if (!parent || !step)
		return;
	jobs = tf_key(str(rec, "workspace_id"), "jobs");
	pid = tf_key(jobs, parent);
	steps = json_object_get(tf->steps, pid);
	if (steps && json_object_get(steps, step)) {
		json_object_set_new(tf->children, str(rec, "id"), json_pack("{s:s, s:s}", "pipeline", pid, "step", step));
		json_object_set_new(steps, step,
				    json_pack("{s:s, s:O?, s:O?, s:O?}", "run", str(rec, "name"), "status",
					      json_object_get(f, "status"), "start", json_object_get(f, "start_time"),
					      "end", json_object_get(f, "end_time")));
	}
	free(jobs);
	free(pid);
}

/* Where each output of a job was written, for models registered from under it. */
static void index_outputs(struct transform *tf, json_t *rec)
{
	json_t *outs = json_object_get(json_object_get(rec, "fields"), "outputs"), *io, *targets;
	const char *name;

	targets = json_object();
	json_object_foreach(outs, name, io) {
		json_t *ref = json_object_get(io, "ref"), *st = NULL;

		json_object_set_new(targets, name, tf_output_target_warn(tf, rec, name, io, 1));
		if (!ref)
			continue;
		if (strcmp(str(ref, "form"), "datastore_path") == 0)
			st = tf_storage_of_datastore_path(tf, str(ref, "workspace_id"), str(ref, "datastore"),
							  str(ref, "path"));
		else if (strcmp(str(ref, "form"), "storage_url") == 0)
			st = tf_storage_of_url(ref);
		if (st)
			json_array_append_new(tf->output_paths,
					      json_pack("[s, s]", str(st, "$q"), str(rec, "id")));
		json_decref(st);
	}
	json_object_set_new(tf->job_outputs, str(rec, "id"), targets);
}

static void link_model(struct transform *tf, const char *job_id, json_t *model)
{
	json_t *list = json_object_get(tf->job_models, job_id);

	if (!list) {
		list = json_array();
		json_object_set_new(tf->job_models, job_id, list);
	}
	json_array_append(list, model);
}

/* The job that produced a model: its job_name, its modelUri, or a job output it lies under. */
static void index_model(struct transform *tf, json_t *rec)
{
	json_t *f = json_object_get(rec, "fields"), *uri = json_object_get(f, "model_uri"), *st = NULL, *m, *p;
	const char *wsid = str(rec, "workspace_id"), *form = str(uri, "form");
	char *jobs = tf_key(wsid, "jobs"), *qn = tf_asset_uri(str(rec, "id")), *jid = NULL;
	size_t i;

	m = tf_target(tf_type(tf, T_MODEL), qn);
	if (str(f, "job_name"))
		jid = tf_key(jobs, str(f, "job_name"));
	else if (form && strcmp(form, "job_output") == 0)
		jid = tf_key(jobs, str(uri, "job"));
	else if (form && strcmp(form, "mlflow_run") == 0)
		jid = tf_key(jobs, str(uri, "run"));
	else if (form && strcmp(form, "datastore_path") == 0)
		st = tf_storage_of_datastore_path(tf, str(uri, "workspace_id"), str(uri, "datastore"), str(uri, "path"));
	else if (form && strcmp(form, "storage_url") == 0)
		st = tf_storage_of_url(uri);
	if (st) {
		const char *path = str(st, "$q");

		json_array_foreach(tf->output_paths, i, p) {
			const char *out = json_string_value(json_array_get(p, 0));
			size_t n = strlen(out);

			if (strncmp(path, out, n) == 0 && (path[n] == '\0' || path[n] == '/')) {
				jid = xstrdup(json_string_value(json_array_get(p, 1)));
				break;
			}
		}
	}
	if (jid) {
		if (json_object_get(tf->records, jid))
			link_model(tf, jid, m);
		else
			tf_warn(tf, "model %s: the job that produced it (%s) is not in the snapshot", qn, jid);
	}
	json_decref(m);
	json_decref(st);
	free(jid);
	free(jobs);
	free(qn);
}

static void index_datastore(struct transform *tf, json_t *rec)
{
	char *key = tf_key(str(rec, "workspace_id"), str(rec, "name"));

	json_object_set(tf->datastores, key, json_object_get(rec, "fields"));
	free(key);
}

static void index_data_version(struct transform *tf, json_t *rec) { add_version(tf, rec, "data"); }

static void index_pipeline(struct transform *tf, json_t *rec)
{
	json_t *steps = json_object_get(json_object_get(rec, "fields"), "steps"), *s, *x;
	const char *name;

	if (!json_is_object(steps))
		return;
	s = json_object();
	json_object_foreach(steps, name, x)
		json_object_set_new(s, name, json_object());
	json_object_set_new(tf->steps, str(rec, "id"), s);
}

static int is_datastore(const struct tf_record *r) { return strcmp(r->kind, "datastore") == 0; }
static int is_data_version(const struct tf_record *r) { return strcmp(r->kind, "data_version") == 0; }
static int is_model_version(const struct tf_record *r) { return strcmp(r->kind, "model_version") == 0; }
static int is_job(const struct tf_record *r) { return strcmp(r->kind, "job") == 0; }
static int is_pipeline(const struct tf_record *r) { return r->pipeline; }

/* Models, then children and outputs: what one indexes, the next uses. */
static void index_job(struct transform *tf, json_t *rec)
{
	index_child(tf, rec);
	index_outputs(tf, rec);
}

static void index_model_version(struct transform *tf, json_t *rec)
{
	add_version(tf, rec, "models");
}

void tf_index(struct transform *tf)
{
	tf_each(tf, is_datastore, index_datastore);
	tf_each(tf, is_data_version, index_data_version);
	tf_each(tf, is_model_version, index_model_version);
	tf_each(tf, is_pipeline, index_pipeline);
	tf_each(tf, is_job, index_job);
	tf_each(tf, is_model_version, index_model);
}
