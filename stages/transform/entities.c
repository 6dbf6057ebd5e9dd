/*
 * The entities each record makes, level by level (transform.h): workspaces;
 * then datastores, data assets, models and unregistered job outputs; then
 * pipelines; then jobs, pipeline steps and data registrations, the Process
 * entities whose inputs and outputs are the lineage:
 *   storage -> registration -> data asset          (FACTS rule 1)
 *   data / model / storage / output -> job -> output or registered asset (2)
 *   pipeline steps bound through ${{parent...}}    (3)
 *   job -> model it produced                      (4)
 */
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "strutil.h"
#include "timefmt.h"
#include "transform.h"
#include "banned.h"

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* ---- building entities ---- */

static json_t *entity_new(struct transform *tf, enum tf_type t, const char *qn, const char *name)
{
	return json_pack("{s:s, s:{s:s, s:s}, s:{}, s:i}", "typeName", tf_type(tf, t), "attributes",
			 "qualifiedName", qn, "name", name, "relationshipAttributes", "$type", (int)t);
}

/* Our role of entity e ("$type" is dropped when it is written). */
static enum tf_type etype(json_t *e) { return (enum tf_type)json_integer_value(json_object_get(e, "$type")); }

/* Sets attribute key (which the type must define) to v; steals v; NULL is "not said". */
static void put(json_t *e, const char *key, json_t *v)
{
	if (!v)
		return;
	if (!tf_attr_type(etype(e), key))
		diag_die(PV_EX_SOFTWARE, "internal error: attribute %s is not defined for its type", key);
	json_object_set_new(json_object_get(e, "attributes"), key, v);
}

static void put_str(json_t *e, const char *key, const char *v)
{
	if (v)
		put(e, key, json_string(v));
}

static void put_copy(json_t *e, const char *key, json_t *v)
{
	if (v && !json_is_null(v))
		put(e, key, json_deep_copy(v));
}

static void put_date(json_t *e, const char *key, const char *t)
{
	long long ms;

	if (t && time_epoch_ms(t, &ms) == 0)
		put(e, key, json_integer(ms));
}

static void put_ref_text(json_t *e, const char *key, json_t *ref)
{
	char *s;

	if (!ref)
		return;
	s = tf_ref_text(ref);
	put_str(e, key, s);
	free(s);
}

static void put_rel(json_t *e, const char *end, json_t *target)
{
	if (target)
		json_object_set_new(json_object_get(e, "relationshipAttributes"), end, target);
}

static int cmp_target(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(str(x, "$t"), str(y, "$t"));

	return c ? c : strcmp(str(x, "$q"), str(y, "$q"));
}

/* Sorted and without duplicates: the same lineage whatever the input order. */
static json_t *targets_finish(json_t *arr)
{
	size_t n = json_array_size(arr), i;
	json_t **v = xmalloc((n ? n : 1) * sizeof(*v)), *out = json_array();

	for (i = 0; i < n; i++)
		v[i] = json_array_get(arr, i);
	qsort(v, n, sizeof(*v), cmp_target);
	for (i = 0; i < n; i++)
		if (i == 0 || cmp_target(&v[i], &v[i - 1]) != 0)
			json_array_append(out, v[i]);
	free(v);
	json_decref(arr);
	return out;
}

static void add_target(json_t *arr, json_t *t)
{
	if (t)
		json_array_append_new(arr, t);
}

/* Attributes every entity of a record carries. */
static void put_common(json_t *e, json_t *rec)
{
	put_str(e, "description", str(rec, "description"));
	put_str(e, "azureMlId", str(rec, "id"));
	put_copy(e, "tags", json_object_get(rec, "tags"));
	put_copy(e, "properties", json_object_get(rec, "properties"));
	put_str(e, "createdBy", str(rec, "created_by"));
	put_date(e, "createTime", str(rec, "created_at"));
	put_str(e, "modifiedBy", str(rec, "modified_by"));
	put_date(e, "modifiedTime", str(rec, "modified_at"));
}

/*
 * The workspace an entity belongs to, or NULL when the snapshot does not
 * hold it (warned once a workspace): its assets then go without a parent
 * rather than name an entity nothing creates.
 */
static json_t *workspace_target(struct transform *tf, json_t *rec)
{
	const char *wsid = str(rec, "workspace_id");
	char *qn;
	json_t *t;

	if (!json_object_get(tf->records, wsid)) {
		if (!json_object_get(tf->missing_workspaces, wsid)) {
			json_object_set_new(tf->missing_workspaces, wsid, json_true());
			tf_warn(tf, "workspace %s is not in the snapshot: its assets are pushed without it", wsid);
		}
		return NULL;
	}
	qn = tf_asset_uri(wsid);
	t = tf_target(tf_type(tf, T_WORKSPACE), qn);
	free(qn);
	return t;
}

/* ---- outputs ---- */

/*
 * An output registered as an asset the snapshot holds is that asset; one
 * registered as an asset the snapshot lacks is written as the job output
 * (which exists: this snapshot creates it) rather than named blindly.
 */
json_t *tf_output_target_warn(struct transform *tf, json_t *rec, const char *name, json_t *io, int warn)
{
	const char *type = str(io, "type"), *an = str(io, "asset_name");
	json_t *av = json_object_get(io, "asset_version");
	char *qn, *base;
	json_t *t;

	if (an && av) {
		int model = type && strstr(type, "model") != NULL;
		char *v = json_is_string(av) ? xstrdup(json_string_value(av))
					     : xasprintf("%lld", (long long)json_integer_value(av));
		char *id = xasprintf("%s/%s/%s/versions/%s", str(rec, "workspace_id"), model ? "models" : "data", an, v);

		qn = tf_asset_uri(id);
		t = json_object_get(tf->records, id) ? tf_target(tf_type(tf, model ? T_MODEL : T_DATA_ASSET), qn) : NULL;
		if (!t && warn) {
			tf->unresolved++;
			tf_warn(tf, "job %s output %s: registered as %s:%s, which is not in the snapshot; "
				    "linked as the job's output instead", str(rec, "name"), name, an, v);
		}
		free(id);
		free(v);
		free(qn);
		if (t)
			return t;
	}
	base = tf_asset_uri(str(rec, "id"));
	qn = xasprintf("%s/outputs/%s", base, name);
	t = tf_target(tf_type(tf, T_JOB_OUTPUT), qn);
	free(base);
	free(qn);
	return t;
}

json_t *tf_output_target(struct transform *tf, json_t *rec, const char *name, json_t *io)
{
	return tf_output_target_warn(tf, rec, name, io, 0);
}

json_t *tf_job_output_target(struct transform *tf, const char *wsid, const char *job, const char *output)
{
	char *jobs = tf_key(wsid, "jobs"), *jid = tf_key(jobs, job), *base, *qn;
	json_t *t = json_object_get(json_object_get(tf->job_outputs, jid), output);

	free(jobs);
	if (t && strcmp(output, "default") != 0) {
		free(jid);
		return json_deep_copy(t);
	}
	tf->unresolved++;
	if (strcmp(output, "default") == 0) {
		tf_warn(tf, "azureml://jobs/%s/outputs/default: a job's default (artifacts) output is not pushed", job);
		free(jid);
		return NULL;
	}
	tf_warn(tf, "azureml://jobs/%s/outputs/%s: %s; referenced by qualifiedName", job, output,
		json_object_get(tf->records, jid) ? "no such output" : "the job is not in the snapshot");
	base = tf_asset_uri(jid);
	qn = xasprintf("%s/outputs/%s", base, output);
	t = tf_target(tf_type(tf, T_JOB_OUTPUT), qn);
	free(base);
	free(qn);
	free(jid);
	return t;
}

/* A job output entity (an output no asset was registered from). */
static void emit_job_output(struct transform *tf, json_t *rec, json_t *target, const char *name,
			    json_t *io, const char *job_name)
{
	const char *qn = str(target, "$q");
	json_t *e = entity_new(tf, T_JOB_OUTPUT, qn, name);

	put_str(e, "outputName", name);
	put_str(e, "outputType", str(io, "type"));
	put_ref_text(e, "uri", json_object_get(io, "ref"));
	put_str(e, "jobName", job_name);
	put_rel(e, "workspace", workspace_target(tf, rec));
	tf_emit_entity(tf, e);
}

static int is_job_output(struct transform *tf, json_t *t)
{
	return t && strcmp(str(t, "$t"), tf_type(tf, T_JOB_OUTPUT)) == 0;
}

/* ---- inputs ---- */

/* Literal inputs: parameters, not lineage. */
static void add_parameter(json_t *params, const char *name, json_t *io)
{
	json_t *v = json_object_get(io, "value");

	if (json_is_string(v))
		json_object_set(params, name, v);
}

static json_t *resolve_input(struct transform *tf, json_t *rec, const char *name, json_t *io)
{
	json_t *ref = json_object_get(io, "ref");
	char *what;
	json_t *t;

	if (!ref)
		return NULL;
	what = xasprintf("job %s input %s", str(rec, "name"), name);
	t = tf_resolve_ref(tf, ref, str(rec, "workspace_id"), what);
	free(what);
	return t;
}

/* Sets a Process's parameters (if any), inputs and outputs; takes all three over. */
static void put_process(json_t *e, json_t *inputs, json_t *outputs, json_t *params)
{
	if (json_object_size(params))
		put(e, "parameters", params);
	else
		json_decref(params);
	json_object_set_new(json_object_get(e, "attributes"), "inputs", targets_finish(inputs));
	json_object_set_new(json_object_get(e, "attributes"), "outputs", targets_finish(outputs));
}

/* A job's lineage: its data inputs, its outputs but the default one, the models it produced. */
static void put_job_lineage(struct transform *tf, json_t *e, json_t *rec)
{
	json_t *f = json_object_get(rec, "fields"), *io;
	json_t *inputs = json_array(), *outputs = json_array(), *params = json_object();
	const char *name;
	size_t i;

	json_object_foreach(json_object_get(f, "inputs"), name, io) {
		add_parameter(params, name, io);
		add_target(inputs, resolve_input(tf, rec, name, io));
	}
	json_object_foreach(json_object_get(f, "outputs"), name, io)
		if (strcmp(name, "default") != 0)
			add_target(outputs, tf_output_target(tf, rec, name, io));
	json_array_foreach(json_object_get(tf->job_models, str(rec, "id")), i, io)
		json_array_append(outputs, io);
	put_process(e, inputs, outputs, params);
}

/* ---- kinds ---- */

static void workspace_entities(struct transform *tf, json_t *rec, enum tf_level level)
{
	json_t *f = json_object_get(rec, "fields"), *e;
	char *qn, *url;

	if (level != L_WORKSPACE)
		return;
	qn = tf_asset_uri(str(rec, "id"));
	e = entity_new(tf, T_WORKSPACE, qn, str(rec, "name"));
	put_common(e, rec);
	put_str(e, "location", str(f, "location"));
	put_str(e, "friendlyName", str(f, "friendly_name"));
	put_str(e, "storageAccount", str(f, "storage_account"));
	put_str(e, "keyVault", str(f, "key_vault"));
	put_str(e, "applicationInsights", str(f, "application_insights"));
	put_str(e, "containerRegistry", str(f, "container_registry"));
	{
		const char *id = str(rec, "id");
		const char *sub = id + strlen("/subscriptions/"), *rg = strstr(id, "/resourceGroups/");

		put(e, "subscriptionId", json_stringn(sub, strcspn(sub, "/")));
		if (rg)
			put(e, "resourceGroup", json_stringn(rg + 16, strcspn(rg + 16, "/")));
	}
	url = xasprintf("https://ml.azure.com/?wsid=%s", str(rec, "id"));
	put_str(e, "studioUrl", url);
	free(url);
	free(qn);
	tf_emit_entity(tf, e);
}

static void datastore_entities(struct transform *tf, json_t *rec, enum tf_level level)
{
	json_t *f = json_object_get(rec, "fields"), *e, *root;
	const char *c;
	char *qn;

	if (level != L_ASSET)
		return;
	qn = tf_asset_uri(str(rec, "id"));
	e = entity_new(tf, T_DATASTORE, qn, str(rec, "name"));
	put_common(e, rec);
	put_str(e, "datastoreType", str(f, "datastore_type"));
	put_str(e, "accountName", str(f, "account_name") ? str(f, "account_name") : str(f, "store_name"));
	c = str(f, "container_name");
	c = c ? c : str(f, "filesystem") ? str(f, "filesystem") : str(f, "file_share_name");
	put_str(e, "containerName", c);
	put_str(e, "endpoint", str(f, "endpoint"));
	root = tf_storage_of_datastore_path(tf, str(rec, "workspace_id"), str(rec, "name"), "");
	if (root)
		put_str(e, "storageUrl", str(root, "$q"));
	json_decref(root);
	if (json_is_true(json_object_get(f, "is_default")))
		put(e, "isDefault", json_true());
	put_rel(e, "workspace", workspace_target(tf, rec));
	free(qn);
	tf_emit_entity(tf, e);
}

/* "a/b/" + "../c.csv" -> "a/c.csv"; "./x" -> "a/b/x". malloc'd. */
static char *path_join(const char *base, const char *rel)
{
	char *out = xstrdup(base ? base : "");
	size_t n = strlen(out);

	while (n > 0 && out[n - 1] == '/')
		out[--n] = '\0';
	while (*rel) {
		size_t len = strcspn(rel, "/");

		if (len == 2 && strncmp(rel, "..", 2) == 0) {
			char *slash = strrchr(out, '/');

			if (slash)
				*slash = '\0';
			else
				out[0] = '\0';
		} else if (!(len == 1 && rel[0] == '.') && len > 0) {
			char *next = xasprintf("%s%s%.*s", out, *out ? "/" : "", (int)len, rel);

			free(out);
			out = next;
		}
		rel += len;
		if (*rel == '/')
			rel++;
	}
	return out;
}

/* The storage a data version was registered from: one target per source. */
static json_t *data_sources(struct transform *tf, json_t *rec)
{
	json_t *f = json_object_get(rec, "fields"), *uri = json_object_get(f, "data_uri"), *out = json_array();
	json_t *rel = json_object_get(f, "referenced_uris"), *r;
	const char *form = str(uri, "form");
	char *what = xasprintf("data asset %s:%s", str(rec, "name"), str(rec, "version"));
	size_t i;

	if (!uri) {
		free(what);
		return out;
	}
	if (json_array_size(rel) > 0 && form &&
	    (strcmp(form, "datastore_path") == 0 || strcmp(form, "storage_url") == 0)) {
		/* an mltable: each file or folder it reads, relative to the table's folder */
		json_array_foreach(rel, i, r) {
			json_t *ref = json_deep_copy(uri);
			char *p = path_join(str(uri, "path"), str(r, "path") ? str(r, "path") : "");

			json_object_set_new(ref, "path", json_string(p));
			add_target(out, tf_resolve_ref(tf, ref, str(rec, "workspace_id"), what));
			json_decref(ref);
			free(p);
		}
	} else {
		add_target(out, tf_resolve_ref(tf, uri, str(rec, "workspace_id"), what));
	}
	free(what);
	return targets_finish(out);
}

static void data_version_entities(struct transform *tf, json_t *rec, enum tf_level level)
{
	json_t *f = json_object_get(rec, "fields"), *e, *src;
	char *qn, *name, *rq;

	if (level != L_ASSET && level != L_PROCESS)
		return;
	qn = tf_asset_uri(str(rec, "id"));
	name = xasprintf("%s:%s", str(rec, "name"), str(rec, "version"));
	if (level == L_ASSET) {
		e = entity_new(tf, T_DATA_ASSET, qn, name);
		put_common(e, rec);
		put_str(e, "version", str(rec, "version"));
		put_str(e, "dataType", str(f, "data_type"));
		put_ref_text(e, "dataUri", json_object_get(f, "data_uri"));
		put_str(e, "stage", str(f, "stage"));
		if (json_is_true(json_object_get(f, "is_anonymous")))
			put(e, "isAnonymous", json_true());
		put_rel(e, "workspace", workspace_target(tf, rec));
		tf_emit_entity(tf, e);
	} else if (json_array_size(src = data_sources(tf, rec)) > 0) {
		rq = xasprintf("%s/registration", qn);
		free(name);
		name = xasprintf("register %s:%s", str(rec, "name"), str(rec, "version"));
		e = entity_new(tf, T_DATA_REGISTRATION, rq, name);
		put_str(e, "azureMlId", str(rec, "id"));
		put_str(e, "dataType", str(f, "data_type"));
		json_object_set_new(json_object_get(e, "attributes"), "inputs", src);
		json_object_set_new(json_object_get(e, "attributes"), "outputs",
				    json_pack("[o]", tf_target(tf_type(tf, T_DATA_ASSET), qn)));
		put_rel(e, "workspace", workspace_target(tf, rec));
		tf_emit_entity(tf, e);
		free(rq);
	} else {
		json_decref(src);
	}
	free(name);
	free(qn);
}

static void model_version_entities(struct transform *tf, json_t *rec, enum tf_level level)
{
	json_t *f = json_object_get(rec, "fields"), *e, *flavors, *fl, *x;
	const char *k;
	char *qn, *name;

	if (level != L_ASSET)
		return;
	qn = tf_asset_uri(str(rec, "id"));
	name = xasprintf("%s:%s", str(rec, "name"), str(rec, "version"));
	e = entity_new(tf, T_MODEL, qn, name);
	put_common(e, rec);
	put_str(e, "version", str(rec, "version"));
	put_str(e, "modelType", str(f, "model_type"));
	put_ref_text(e, "modelUri", json_object_get(f, "model_uri"));
	put_str(e, "stage", str(f, "stage"));
	put_str(e, "jobName", str(f, "job_name"));
	fl = json_object_get(f, "flavors");
	if (json_object_size(fl) > 0) {
		flavors = json_array();
		json_object_foreach(fl, k, x)
			json_array_append_new(flavors, json_string(k));
		put(e, "flavors", flavors);
	}
	put_rel(e, "workspace", workspace_target(tf, rec));
	free(name);
	free(qn);
	tf_emit_entity(tf, e);
}

/* Attributes of jobs and steps from what ran them. */
static void put_run(json_t *e, json_t *f)
{
	json_t *c = json_object_get(f, "compute");

	put_str(e, "status", str(f, "status"));
	put_date(e, "startTime", str(f, "start_time"));
	put_date(e, "endTime", str(f, "end_time"));
	if (c)
		put_str(e, "compute", str(c, "name") ? str(c, "name") : str(c, "raw"));
}

static void put_job(json_t *e, json_t *rec)
{
	json_t *f = json_object_get(rec, "fields");

	put_common(e, rec);
	put_str(e, "jobType", str(f, "job_type"));
	put_str(e, "experimentName", str(f, "experiment_name"));
	put_str(e, "displayName", str(f, "display_name"));
	put_str(e, "studioUrl", str(f, "studio_url"));
	put_run(e, f);
}

/* A standalone job (command, sweep, AutoML, Spark): its outputs, then its Process. */
static void job_entities(struct transform *tf, json_t *rec, enum tf_level level)
{
	json_t *f = json_object_get(rec, "fields"), *outs = json_object_get(f, "outputs"), *io, *e;
	const char *name;
	char *qn;

	if (level == L_ASSET) {
		json_object_foreach(outs, name, io) {
			json_t *t = tf_output_target(tf, rec, name, io);

			if (strcmp(name, "default") != 0 && is_job_output(tf, t))
				emit_job_output(tf, rec, t, name, io, str(rec, "name"));
			json_decref(t);
		}
		return;
	}
	if (level != L_PROCESS)
		return;
	qn = tf_asset_uri(str(rec, "id"));
	e = entity_new(tf, T_JOB, qn, str(f, "display_name") ? str(f, "display_name") : str(rec, "name"));
	put_job(e, rec);
	put_ref_text(e, "environment", json_object_get(f, "environment"));
	put_ref_text(e, "component", json_object_get(f, "component"));
	put_ref_text(e, "code", json_object_get(f, "code"));
	put_str(e, "command", str(f, "command"));
	put_str(e, "taskType", str(f, "task_type"));
	put_str(e, "parentJobName", str(f, "parent_job_name"));
	put_job_lineage(tf, e, rec);
	put_rel(e, "workspace", workspace_target(tf, rec));
	free(qn);
	tf_emit_entity(tf, e);
}

/* ---- pipelines ---- */

static json_t *step_output_target(struct transform *tf, json_t *rec, const char *step, const char *name);

/* What a pipeline step's output writes: the pipeline output it binds, its asset, or itself. */
static json_t *step_output_of(struct transform *tf, json_t *rec, const char *step, const char *name, json_t *io)
{
	json_t *b = json_object_get(io, "binding");
	char *base, *qn;
	json_t *t;

	if (b && strcmp(str(b, "scope"), "parent_output") == 0) {
		t = json_object_get(json_object_get(tf->job_outputs, str(rec, "id")), str(b, "name"));
		if (t)
			return json_deep_copy(t);
		tf->unresolved++;
		tf_warn(tf, "pipeline %s step %s output %s: binds a pipeline output %s that does not exist",
			str(rec, "name"), step, name, str(b, "name"));
		return NULL;
	}
	if (str(io, "asset_name") && json_object_get(io, "asset_version"))
		return tf_output_target(tf, rec, name, io);
	base = tf_asset_uri(str(rec, "id"));
	qn = xasprintf("%s/jobs/%s/outputs/%s", base, step, name);
	t = tf_target(tf_type(tf, T_JOB_OUTPUT), qn);
	free(base);
	free(qn);
	return t;
}

static json_t *step_output_target(struct transform *tf, json_t *rec, const char *step, const char *name)
{
	json_t *steps = json_object_get(json_object_get(rec, "fields"), "steps");
	json_t *io = json_object_get(json_object_get(json_object_get(steps, step), "outputs"), name);

	if (!io) {
		tf->unresolved++;
		tf_warn(tf, "pipeline %s: ${{parent.jobs.%s.outputs.%s}} names no step output", str(rec, "name"), step, name);
		return NULL;
	}
	return step_output_of(tf, rec, step, name, io);
}

/* A step input: a pipeline input it binds, another step's output, or data of its own. */
static json_t *step_input(struct transform *tf, json_t *rec, const char *step, const char *name, json_t *io,
			  json_t *params)
{
	json_t *b = json_object_get(io, "binding"), *pin;
	const char *scope = str(b, "scope");

	if (!b) {
		add_parameter(params, name, io);
		return resolve_input(tf, rec, name, io);
	}
	if (strcmp(scope, "parent_input") == 0) {
		pin = json_object_get(json_object_get(json_object_get(rec, "fields"), "inputs"), str(b, "name"));
		if (!pin) {
			tf->unresolved++;
			tf_warn(tf, "pipeline %s step %s: ${{parent.inputs.%s}} names no pipeline input",
				str(rec, "name"), step, str(b, "name"));
			return NULL;
		}
		add_parameter(params, name, pin);
		return resolve_input(tf, rec, str(b, "name"), pin);
	}
	if (strcmp(scope, "step_output") == 0)
		return step_output_target(tf, rec, str(b, "step"), str(b, "name"));
	return NULL;
}

static void step_entity(struct transform *tf, json_t *rec, const char *step, json_t *s)
{
	json_t *e, *io, *inputs = json_array(), *outputs = json_array(), *params = json_object(), *run, *m;
	json_t *pipeline;
	const char *name;
	char *base = tf_asset_uri(str(rec, "id")), *qn = xasprintf("%s/jobs/%s", base, step);
	char *label = xasprintf("%s (%s)", step, str(rec, "name"));
	const char *child;
	size_t i;

	e = entity_new(tf, T_PIPELINE_STEP, qn, label);
	put_str(e, "stepName", step);
	put_str(e, "stepType", str(s, "type"));
	put_ref_text(e, "component", json_object_get(s, "component"));
	if (json_object_get(s, "compute"))
		put_run(e, s);
	run = json_object_get(json_object_get(tf->steps, str(rec, "id")), step);
	child = str(run, "run");
	if (child) {
		put_str(e, "runName", child);
		put_str(e, "status", str(run, "status"));
		put_date(e, "startTime", str(run, "start"));
		put_date(e, "endTime", str(run, "end"));
	}
	json_object_foreach(json_object_get(s, "inputs"), name, io)
		add_target(inputs, step_input(tf, rec, step, name, io, params));
	json_object_foreach(json_object_get(s, "outputs"), name, io)
		add_target(outputs, step_output_of(tf, rec, step, name, io));
	if (child) {
		char *jobs = tf_key(str(rec, "workspace_id"), "jobs"), *cid = tf_key(jobs, child);

		json_array_foreach(json_object_get(tf->job_models, cid), i, m)
			json_array_append(outputs, m);
		free(jobs);
		free(cid);
	}
	put_process(e, inputs, outputs, params);
	pipeline = tf_target(tf_type(tf, T_PIPELINE), base);
	put_rel(e, "pipeline", pipeline);
	tf_emit_entity(tf, e);
	free(label);
	free(qn);
	free(base);
}

static void pipeline_entities(struct transform *tf, json_t *rec, enum tf_level level)
{
	json_t *f = json_object_get(rec, "fields"), *steps = json_object_get(f, "steps"), *s, *io, *e;
	const char *step, *name;
	char *qn;

	if (level == L_ASSET) {
		json_object_foreach(json_object_get(f, "outputs"), name, io) {
			json_t *t = tf_output_target(tf, rec, name, io);

			if (is_job_output(tf, t))
				emit_job_output(tf, rec, t, name, io, str(rec, "name"));
			json_decref(t);
		}
		json_object_foreach(steps, step, s) {
			json_object_foreach(json_object_get(s, "outputs"), name, io) {
				json_t *t = step_output_of(tf, rec, step, name, io);

				if (is_job_output(tf, t) && !json_object_get(io, "binding"))
					emit_job_output(tf, rec, t, name, io, str(rec, "name"));
				json_decref(t);
			}
		}
		return;
	}
	if (level == L_PIPELINE) {
		qn = tf_asset_uri(str(rec, "id"));
		e = entity_new(tf, T_PIPELINE, qn, str(f, "display_name") ? str(f, "display_name") : str(rec, "name"));
		put_job(e, rec);
		put_job_lineage(tf, e, rec);
		put_rel(e, "workspace", workspace_target(tf, rec));
		free(qn);
		tf_emit_entity(tf, e);
		return;
	}
	if (level == L_PROCESS)
		json_object_foreach(steps, step, s)
			step_entity(tf, rec, step, s);
}

void tf_record_entities(struct transform *tf, json_t *rec, enum tf_level level)
{
	const char *kind = str(rec, "kind");

	if (strcmp(kind, "workspace") == 0)
		workspace_entities(tf, rec, level);
	else if (strcmp(kind, "datastore") == 0)
		datastore_entities(tf, rec, level);
	else if (strcmp(kind, "data_version") == 0)
		data_version_entities(tf, rec, level);
	else if (strcmp(kind, "model_version") == 0)
		model_version_entities(tf, rec, level);
	else if (strcmp(kind, "job") == 0) {
		const char *jt = str(json_object_get(rec, "fields"), "job_type");

		if (json_object_get(tf->children, str(rec, "id")))
			return; /* a pipeline step's run: the step says it */
		if (jt && strcmp(jt, "pipeline") == 0)
			pipeline_entities(tf, rec, level);
		else
			job_entities(tf, rec, level);
	}
}
