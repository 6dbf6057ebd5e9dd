/*
 * One AML object to one record. The same object gives the same record
 * whether it came as an ARM resource (camelCase under "properties") or as CLI
 * v2 output (snake_case at the top): every field is looked up under both
 * spellings, enums are spelt one way, times are canonical, references are
 * parsed (common/amlref.h), and explicit nulls count as "not said".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "amlref.h"
#include "armid.h"
#include "extract.h"
#include "strutil.h"
#include "banned.h"

#define ARM_TYPE_PREFIX "Microsoft.MachineLearningServices/"

struct norm {
	struct extract *x;
	const struct where *w;
	const char *path;
	json_t *obj;    /* the object as found */
	json_t *body;   /* ARM: obj.properties; CLI: obj */
	json_t *fields; /* the record's kind-specific fields */
	const char *workspace_id; /* of the object: short references resolve there */
};

/* A member that is present and not null, or NULL. Borrowed. */
static json_t *get(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_null(v) ? NULL : v;
}

/* The first of two spellings (ARM, CLI) that is present. Borrowed. */
static json_t *pick(json_t *o, const char *arm, const char *cli)
{
	json_t *v = get(o, arm);

	return v ? v : cli ? get(o, cli) : NULL;
}

static json_t *first(json_t *a, json_t *b) { return a ? a : b; }

static const char *pick_str(json_t *o, const char *arm, const char *cli)
{
	return json_string_value(pick(o, arm, cli));
}

static void warn(struct norm *n, const char *fmt, const char *a, const char *b)
{
	char *msg = xasprintf(fmt, a, b ? b : "");

	diag_warn(&n->w->loc, "%s: %s", n->path, msg);
	free(msg);
}

/* "AzureDataLakeGen2" -> "azure_data_lake_gen2", "UriFile" -> "uri_file". malloc'd. */
static char *canon_enum(const char *s)
{
	struct sbuf b = {0};

	for (const char *p = s; *p; p++) {
		if (isupper((unsigned char)*p) && p > s &&
		    (islower((unsigned char)p[-1]) || isdigit((unsigned char)p[-1])))
			sbuf_add(&b, "_", 1);
		if (*p == '-' || *p == ' ')
			sbuf_add(&b, "_", 1);
		else {
			char c = (char)tolower((unsigned char)*p);

			sbuf_add(&b, &c, 1);
		}
	}
	if (!b.data)
		return xstrdup("");
	return b.data;
}

static void set_enum(struct norm *n, json_t *dst, const char *key, const char *v)
{
	char *c;

	if (!v)
		return;
	c = canon_enum(v);
	json_object_set_new(dst, key, json_string(c));
	free(c);
	(void)n;
}

/* Copies a string (or a number or boolean, as found) into dst under key. */
static void set_scalar(struct norm *n, json_t *dst, const char *key, json_t *v)
{
	if (!v)
		return;
	if (json_is_string(v) || json_is_number(v) || json_is_boolean(v))
		json_object_set(dst, key, v);
	else
		warn(n, "field '%s' is not a string, number or boolean; left out", key, NULL);
}

static void set_string(struct norm *n, json_t *dst, const char *key, json_t *v)
{
	if (!v)
		return;
	if (json_is_string(v))
		json_object_set(dst, key, v);
	else
		warn(n, "field '%s' is not a string; left out", key, NULL);
}

/*
 * Flags are written only when true: false is their default, and the CLI
 * leaves out what ARM spells as false, so both shapes give the same record.
 */
static void set_flag(struct norm *n, json_t *dst, const char *key, json_t *v)
{
	const char *s = json_string_value(v);

	if (!v)
		return;
	if (json_is_true(v) || (s && str_ieq(s, "true")))
		json_object_set_new(dst, key, json_true());
	else if (!json_is_false(v) && !(s && str_ieq(s, "false")))
		warn(n, "field '%s' is not a boolean; left out", key, NULL);
}

static void set_time(struct norm *n, json_t *dst, const char *key, json_t *v)
{
	char t[TIME_CANON_MAX];
	const char *s = json_string_value(v);

	if (!v)
		return;
	if (!s || time_canon(s, t) != 0) {
		warn(n, "field '%s' is not a time (%s); left out", key, s ? s : "not a string");
		return;
	}
	json_object_set_new(dst, key, json_string(t));
}

/* A literal as a string: ARM says "5", the CLI says 5. */
static json_t *literal_string(json_t *v)
{
	char *s;
	json_t *r;

	if (json_is_string(v))
		return json_incref(v);
	s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	r = json_string(s ? s : "");
	free(s);
	return r;
}

/* A string map (tags, properties): values as strings, nulls left out. */
static void set_string_map(struct norm *n, json_t *dst, const char *key, json_t *v)
{
	const char *k;
	json_t *e, *m;

	if (!v)
		return;
	if (!json_is_object(v)) {
		warn(n, "field '%s' is not an object; left out", key, NULL);
		return;
	}
	m = json_object();
	json_object_foreach(v, k, e) {
		if (!json_is_null(e))
			json_object_set_new(m, k, literal_string(e));
	}
	json_object_set_new(dst, key, m);
}

/* A parsed reference, resolved in the object's workspace (common/amlref.h). */
static json_t *ref_of(struct norm *n, const char *s, const char *collection)
{
	json_t *r = amlref_parse(s);

	amlref_resolve(r, n->workspace_id, collection);
	return r;
}

/* Sets dst[key] to the reference v names; collection as for amlref_resolve(). */
static void set_ref(struct norm *n, json_t *dst, const char *key, json_t *v, const char *collection)
{
	const char *s = json_string_value(v);

	if (!v)
		return;
	if (!s) {
		warn(n, "reference '%s' is not a string; left out", key, NULL);
		return;
	}
	json_object_set_new(dst, key, ref_of(n, s, collection));
}

/* The asset collection an input or output of this type reads or writes. */
static const char *io_collection(const char *type)
{
	static const char *data[] = {"uri_file", "uri_folder", "mltable"};
	static const char *models[] = {"mlflow_model", "custom_model", "triton_model"};

	for (size_t i = 0; type && i < 3; i++) {
		if (strcmp(type, data[i]) == 0)
			return "data";
		if (strcmp(type, models[i]) == 0)
			return "models";
	}
	return NULL;
}

/* ---- inputs and outputs of jobs and pipeline steps ---- */

/* ARM "ReadOnlyMount" and CLI "ro_mount" are one mode. */
static char *canon_mode(const char *m)
{
	if (str_ieq(m, "ReadOnlyMount"))
		return xstrdup("ro_mount");
	if (str_ieq(m, "ReadWriteMount"))
		return xstrdup("rw_mount");
	if (str_ieq(m, "EvalMount"))
		return xstrdup("eval_mount");
	if (str_ieq(m, "EvalDownload"))
		return xstrdup("eval_download");
	return canon_enum(m);
}

/*
 * One input or output. Forms met in exports:
 *   {"jobInputType":"uri_file","uri":U,"mode":M}     ARM
 *   {"job_input_type":"uri_file","uri":U}             pipeline step (ARM, snake_case)
 *   {"type":"uri_folder","path":U,"mode":"ro_mount"}  CLI
 *   {"jobInputType":"literal","value":V}              literal
 *   "${{parent.inputs.x}}" or 0.01                     bare binding or literal (CLI, steps)
 * Gives {type, mode?, ref?, binding?, value?, asset_name?, asset_version?}.
 */
static json_t *norm_io(struct norm *n, json_t *v, int output)
{
	json_t *io = json_object();
	const char *type, *s, *mode;
	json_t *val, *uri;

	if (!json_is_object(v)) {
		s = json_string_value(v);
		if (s && str_starts(s, "${{")) {
			json_object_set_new(io, "type", json_string("binding"));
			json_object_set_new(io, "binding", ref_of(n, s, NULL));
		} else {
			json_object_set_new(io, "type", json_string("literal"));
			json_object_set_new(io, "value", literal_string(v));
		}
		return io;
	}
	type = output ? pick_str(v, "jobOutputType", "job_output_type")
		      : pick_str(v, "jobInputType", "job_input_type");
	if (!type)
		type = pick_str(v, "type", NULL);
	set_enum(n, io, "type", type);
	mode = pick_str(v, "mode", NULL);
	if (mode) {
		char *m = canon_mode(mode);

		json_object_set_new(io, "mode", json_string(m));
		free(m);
	}
	uri = pick(v, "uri", "path");
	if (uri)
		set_ref(n, io, "ref", uri,
			io_collection(json_string_value(json_object_get(io, "type"))));
	val = get(v, "value");
	s = json_string_value(val);
	if (s && str_starts(s, "${{")) {
		/* {"type":"literal","value":"${{parent...}}"} binds; it is no literal */
		json_object_set_new(io, "binding", ref_of(n, s, NULL));
		if (!type || str_ieq(type, "literal"))
			json_object_set_new(io, "type", json_string("binding"));
	} else if (val) {
		json_object_set_new(io, "value", literal_string(val));
	}
	set_string(n, io, "asset_name", pick(v, "assetName", "name"));
	set_scalar(n, io, "asset_version", pick(v, "assetVersion", "version"));
	set_string(n, io, "description", get(v, "description"));
	if (!type && !uri && !val)
		json_object_set_new(io, "type", json_string("unknown"));
	return io;
}

static json_t *norm_io_map(struct norm *n, json_t *m, int output)
{
	json_t *out = json_object(), *v;
	const char *k;

	json_object_foreach(m, k, v) {
		if (json_is_null(v))
			continue;
		json_object_set_new(out, k, norm_io(n, v, output));
	}
	return out;
}

static void set_io(struct norm *n, json_t *dst, const char *key, json_t *m, int output)
{
	if (!m)
		return;
	if (!json_is_object(m)) {
		warn(n, "'%s' is not an object; left out", key, NULL);
		return;
	}
	json_object_set_new(dst, key, norm_io_map(n, m, output));
}

/* ---- kinds ---- */

static void norm_workspace(struct norm *n)
{
	json_t *b = n->body, *f = n->fields;

	set_string(n, f, "location", get(n->obj, "location"));
	set_string(n, f, "friendly_name", pick(b, "friendlyName", "display_name"));
	set_string(n, f, "storage_account", pick(b, "storageAccount", "storage_account"));
	set_string(n, f, "key_vault", pick(b, "keyVault", "key_vault"));
	set_string(n, f, "application_insights", pick(b, "applicationInsights", "application_insights"));
	set_string(n, f, "container_registry", pick(b, "containerRegistry", "container_registry"));
	set_string(n, f, "workspace_guid", pick(b, "workspaceId", "workspace_id"));
	set_string(n, f, "discovery_url", pick(b, "discoveryUrl", "discovery_url"));
	set_string(n, f, "mlflow_tracking_uri", pick(b, "mlFlowTrackingUri", "mlflow_tracking_uri"));
	set_enum(n, f, "public_network_access", pick_str(b, "publicNetworkAccess", "public_network_access"));
	set_flag(n, f, "hbi_workspace", pick(b, "hbiWorkspace", "hbi_workspace"));
}

/* Datastore types as one spelling: azure_blob, azure_data_lake_gen2, ... */
static char *canon_datastore_type(const char *t)
{
	static const char *known[] = {"azure_blob", "azure_data_lake_gen2", "azure_file",
				      "azure_data_lake_gen1", "one_lake"};
	char *c = canon_enum(t), *squeezed = xstrdup(c);
	size_t j = 0;

	for (size_t i = 0; squeezed[i]; i++)
		if (squeezed[i] != '_')
			squeezed[j++] = squeezed[i];
	squeezed[j] = '\0';
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		char *k = xstrdup(known[i]);

		j = 0;
		for (size_t m = 0; k[m]; m++)
			if (k[m] != '_')
				k[j++] = k[m];
		k[j] = '\0';
		if (strcmp(k, squeezed) == 0) {
			free(k);
			free(c);
			free(squeezed);
			return xstrdup(known[i]);
		}
		free(k);
	}
	free(squeezed);
	return c;
}

static void norm_datastore(struct norm *n)
{
	json_t *b = n->body, *f = n->fields, *contents = get(b, "contents"), *art;
	const char *type;

	/* API 2021-03-01-preview kept the storage fields under properties.contents. */
	if (json_is_object(contents))
		b = contents;
	type = pick_str(b, "datastoreType", "contentsType");
	if (!type)
		type = pick_str(n->body, "datastoreType", "type");
	if (type) {
		char *t = canon_datastore_type(type);

		json_object_set_new(f, "datastore_type", json_string(t));
		free(t);
	}
	set_string(n, f, "account_name", pick(b, "accountName", "account_name"));
	set_string(n, f, "container_name", pick(b, "containerName", "container_name"));
	set_string(n, f, "filesystem", pick(b, "filesystem", "file_system"));
	set_string(n, f, "file_share_name", pick(b, "fileShareName", "file_share_name"));
	set_string(n, f, "store_name", pick(b, "storeName", "store_name"));
	set_string(n, f, "endpoint", pick(b, "endpoint", NULL));
	set_string(n, f, "protocol", pick(b, "protocol", NULL));
	set_string(n, f, "onelake_workspace_name", pick(b, "oneLakeWorkspaceName", "one_lake_workspace_name"));
	art = get(b, "artifact");
	if (json_is_object(art)) {
		set_enum(n, f, "artifact_type", pick_str(art, "artifactType", "type"));
		set_string(n, f, "artifact_name", pick(art, "artifactName", "name"));
	}
	set_flag(n, f, "is_default", pick(n->body, "isDefault", "is_default"));
}

static void norm_container(struct norm *n)
{
	set_enum(n, n->fields, "data_type", pick_str(n->body, "dataType", NULL));
	set_scalar(n, n->fields, "latest_version", pick(n->body, "latestVersion", "latest_version"));
	set_flag(n, n->fields, "is_archived", pick(n->body, "isArchived", "is_archived"));
}

static void set_ref_list(struct norm *n, json_t *dst, const char *key, json_t *list)
{
	json_t *out, *e;
	size_t i;

	if (!list)
		return;
	if (!json_is_array(list)) {
		warn(n, "'%s' is not an array; left out", key, NULL);
		return;
	}
	out = json_array();
	json_array_foreach(list, i, e) {
		if (json_is_string(e))
			json_array_append_new(out, ref_of(n, json_string_value(e), NULL));
	}
	json_object_set_new(dst, key, out);
}

static const char *cli_type(struct norm *n)
{
	const char *t = json_string_value(get(n->obj, "type"));

	return t && !str_istarts(t, ARM_TYPE_PREFIX) ? t : NULL;
}

static void norm_data_version(struct norm *n)
{
	json_t *b = n->body, *f = n->fields;
	const char *type = pick_str(b, "dataType", NULL);

	/* CLI: "type" is the data type (uri_folder, mltable, ...) */
	if (!type)
		type = cli_type(n);
	set_enum(n, f, "data_type", type);
	set_ref(n, f, "data_uri", pick(b, "dataUri", "path"), NULL);
	set_ref_list(n, f, "referenced_uris", pick(b, "referencedUris", "referenced_uris"));
	set_flag(n, f, "is_anonymous", pick(b, "isAnonymous", "is_anonymous"));
	set_flag(n, f, "is_archived", pick(b, "isArchived", "is_archived"));
	set_string(n, f, "stage", get(b, "stage"));
}

static void norm_model_version(struct norm *n)
{
	json_t *b = n->body, *f = n->fields;
	const char *type = pick_str(b, "modelType", NULL);

	set_enum(n, f, "model_type", type ? type : cli_type(n));
	set_ref(n, f, "model_uri", pick(b, "modelUri", "path"), NULL);
	if (json_is_object(get(b, "flavors")))
		json_object_set(f, "flavors", get(b, "flavors"));
	set_string(n, f, "stage", get(b, "stage"));
	set_string(n, f, "job_name", pick(b, "jobName", "job_name"));
	set_flag(n, f, "is_anonymous", pick(b, "isAnonymous", "is_anonymous"));
	set_flag(n, f, "is_archived", pick(b, "isArchived", "is_archived"));
}

static void norm_environment_version(struct norm *n)
{
	set_string(n, n->fields, "image", get(n->body, "image"));
	set_enum(n, n->fields, "os_type", pick_str(n->body, "osType", "os_type"));
}

static void norm_component_version(struct norm *n)
{
	/* ARM keeps the component itself, snake_case, under componentSpec. */
	json_t *spec = get(n->body, "componentSpec"), *f = n->fields;
	json_t *s = json_is_object(spec) ? spec : n->obj;

	set_enum(n, f, "component_type", json_string_value(get(s, "type")));
	set_string(n, f, "display_name", get(s, "display_name"));
	set_ref(n, f, "code", get(s, "code"), "codes");
	set_ref(n, f, "environment", get(s, "environment"), "environments");
	set_flag(n, f, "is_anonymous", pick(n->body, "isAnonymous", "is_anonymous"));
}

static void norm_code_version(struct norm *n)
{
	set_ref(n, n->fields, "code_uri", pick(n->body, "codeUri", "path"), NULL);
}

/* Job types: Command, Pipeline, Sweep, AutoML, Spark -> command, ..., automl. */
static char *canon_job_type(const char *t)
{
	char *c = str_lower(xstrdup(t));
	size_t j = 0;

	for (size_t i = 0; c[i]; i++)
		if (c[i] != '_')
			c[j++] = c[i];
	c[j] = '\0';
	return c;
}

static void norm_pipeline_steps(struct norm *n, json_t *jobs)
{
	json_t *steps = json_object(), *step;
	const char *name;

	json_object_foreach(jobs, name, step) {
		json_t *s = json_object();
		const char *t;

		if (!json_is_object(step)) {
			warn(n, "pipeline step '%s' is not an object; left out", name, NULL);
			json_decref(s);
			continue;
		}
		t = pick_str(step, "type", "jobType");
		if (t) {
			char *c = canon_job_type(t);

			json_object_set_new(s, "type", json_string(c));
			free(c);
		}
		set_string(n, s, "display_name", pick(step, "display_name", "displayName"));
		set_ref(n, s, "component", pick(step, "componentId", "component"), "components");
		set_ref(n, s, "compute", pick(step, "computeId", "compute"), "computes");
		set_io(n, s, "inputs", get(step, "inputs"), 0);
		set_io(n, s, "outputs", get(step, "outputs"), 1);
		json_object_set_new(steps, name, s);
	}
	json_object_set_new(n->fields, "steps", steps);
}

/* AutoML keeps its data in taskDetails (ARM) or at the top (CLI): made inputs. */
static void norm_automl(struct norm *n, json_t *inputs)
{
	static const char *data[][3] = {{"trainingData", "training_data", "training_data"},
					{"validationData", "validation_data", "validation_data"},
					{"testData", "test_data", "test_data"}};
	json_t *task = get(n->body, "taskDetails"), *src = json_is_object(task) ? task : n->obj;

	set_enum(n, n->fields, "task_type", pick_str(src, "taskType", "task"));
	set_string(n, n->fields, "target_column_name", pick(src, "targetColumnName", "target_column_name"));
	for (size_t i = 0; i < 3; i++) {
		json_t *d = pick(src, data[i][0], data[i][1]);

		if (json_is_object(d))
			json_object_set_new(inputs, data[i][2], norm_io(n, d, 0));
	}
}

static void norm_job(struct norm *n)
{
	json_t *b = n->body, *f = n->fields, *props = get(b, "properties"), *trial = get(b, "trial");
	json_t *services = get(b, "services"), *jobs = get(b, "jobs"), *inputs;
	const char *t = pick_str(b, "jobType", NULL);
	char *jt;

	if (!t)
		t = cli_type(n);
	jt = t ? canon_job_type(t) : NULL;
	if (jt)
		json_object_set_new(f, "job_type", json_string(jt));
	set_string(n, f, "status", get(b, "status"));
	set_string(n, f, "experiment_name", pick(b, "experimentName", "experiment_name"));
	set_string(n, f, "display_name", pick(b, "displayName", "display_name"));
	set_ref(n, f, "compute", pick(b, "computeId", "compute"), "computes");
	if (!json_is_object(trial))
		trial = NULL;
	set_ref(n, f, "environment", first(pick(b, "environmentId", "environment"),
					   pick(trial, "environmentId", "environment")), "environments");
	set_ref(n, f, "component", pick(b, "componentId", "component"), "components");
	set_ref(n, f, "code", first(pick(b, "codeId", "code"), pick(trial, "codeId", "code")), "codes");
	set_string(n, f, "command", first(get(b, "command"), get(trial, "command")));
	set_string(n, f, "parent_job_name", pick(b, "parentJobName", "parent_job_name"));
	if (json_is_object(props)) {
		if (!json_object_get(f, "parent_job_name"))
			set_string(n, f, "parent_job_name", get(props, "azureml.parentJobName"));
		set_time(n, f, "start_time", get(props, "StartTimeUtc"));
		set_time(n, f, "end_time", get(props, "EndTimeUtc"));
	}
	if (json_is_object(services))
		set_string(n, f, "studio_url", get(get(services, "Studio"), "endpoint"));
	inputs = json_is_object(get(b, "inputs")) ? norm_io_map(n, get(b, "inputs"), 0) : json_object();
	if (jt && strcmp(jt, "automl") == 0)
		norm_automl(n, inputs);
	json_object_set_new(f, "inputs", inputs);
	set_io(n, f, "outputs", get(b, "outputs"), 1);
	if (json_is_object(jobs))
		norm_pipeline_steps(n, jobs);
	else if (jobs)
		warn(n, "'jobs' is not an object; left out", NULL, NULL);
	if (json_is_object(get(b, "settings")))
		set_ref(n, f, "default_compute", pick(get(b, "settings"), "default_compute", "defaultCompute"), "computes");
	free(jt);
}

typedef void (*norm_fn)(struct norm *);

static norm_fn kind_fn(enum aml_kind k)
{
	switch (k) {
	case AK_WORKSPACE: return norm_workspace;
	case AK_DATASTORE: return norm_datastore;
	case AK_DATA_CONTAINER:
	case AK_MODEL_CONTAINER:
	case AK_ENVIRONMENT_CONTAINER:
	case AK_COMPONENT_CONTAINER:
	case AK_CODE_CONTAINER: return norm_container;
	case AK_DATA_VERSION: return norm_data_version;
	case AK_MODEL_VERSION: return norm_model_version;
	case AK_JOB: return norm_job;
	case AK_ENVIRONMENT_VERSION: return norm_environment_version;
	case AK_COMPONENT_VERSION: return norm_component_version;
	case AK_CODE_VERSION: return norm_code_version;
	default: return NULL;
	}
}

/* Created/modified times and people, from ARM systemData or CLI creation_context. */
static void norm_system_data(struct norm *n, json_t *rec)
{
	json_t *sd = get(n->obj, "systemData");

	if (!json_is_object(sd))
		sd = get(n->obj, "creation_context");
	if (!json_is_object(sd))
		return;
	set_time(n, rec, "created_at", pick(sd, "createdAt", "created_at"));
	set_string(n, rec, "created_by", pick(sd, "createdBy", "created_by"));
	set_time(n, rec, "modified_at", pick(sd, "lastModifiedAt", "last_modified_at"));
	set_string(n, rec, "modified_by", pick(sd, "lastModifiedBy", "last_modified_by"));
}

static void note_time(struct extract *x, json_t *rec, const char *key)
{
	const char *t = json_string_value(json_object_get(rec, key));

	if (t && (!x->snapshot_time[0] || time_cmp(t, x->snapshot_time) > 0))
		snprintf(x->snapshot_time, sizeof(x->snapshot_time), "%s", t);
}

json_t *extract_source(const struct where *w, const char *path, const char *shape)
{
	json_t *s = json_pack("{s:s, s:s, s:s}", "input", w->src_input, "path", path, "shape", shape);

	if (w->src_member)
		json_object_set_new(s, "member", json_string(w->src_member));
	if (w->loc.line > 0)
		json_object_set_new(s, "line", json_integer(w->loc.line));
	return s;
}

void extract_note_times(struct extract *x, json_t *rec)
{
	note_time(x, rec, "created_at");
	note_time(x, rec, "modified_at");
}

static void unidentifiable(struct extract *x, const struct where *w, const char *path,
			   const char *why)
{
	x->unidentifiable++;
	diag_warn(&w->loc, "%s: unidentifiable object (%s); not extracted", path, why);
}

static void count_unknown(struct extract *x, const char *what)
{
	json_t *c = json_object_get(x->unknown, what);

	json_object_set_new(x->unknown, what, json_integer(json_integer_value(c) + 1));
}

/* The id's kind, or (for an ARM resource) its type's; warns when they disagree. */
static enum aml_kind object_kind(const struct where *w, const char *path, const struct armid *id,
				 const char *type, int arm)
{
	enum aml_kind tk;

	if (!arm)
		return id->kind;
	tk = aml_kind_for_arm_type(type);
	if (tk != id->kind && tk != AK_NONE && id->kind != AK_OTHER)
		diag_warn(&w->loc, "%s: type %s does not match id %s; going by the id", path,
			  type, aml_kind_name(id->kind));
	return id->kind;
}

void extract_object(struct extract *x, json_t *o, const struct where *w, const char *path)
{
	const char *ids = json_string_value(get(o, "id"));
	const char *type = json_string_value(get(o, "type"));
	struct armid id;
	char err[160];
	struct norm n = {x, w, path, o, NULL, NULL, NULL};
	json_t *rec, *b;
	enum aml_kind kind;
	int arm = type && str_istarts(type, ARM_TYPE_PREFIX);
	norm_fn fn;
	char *s;

	if (extract_legacy(x, o, w, path))
		return;
	if (!ids) {
		unidentifiable(x, w, path, "no id");
		return;
	}
	if (strcmp(ids, "string") == 0) {
		unidentifiable(x, w, path,
			       "placeholder id \"string\": a REST-spec example shows field shapes only");
		return;
	}
	if (armid_parse(ids, &id, err, sizeof(err)) != 0) {
		char *why = xasprintf("id '%s': %s", ids, err);

		unidentifiable(x, w, path, why);
		free(why);
		return;
	}
	kind = object_kind(w, path, &id, type, arm);
	fn = kind_fn(kind);
	if (!fn) {
		const char *what = kind == AK_OTHER ? id.collection : aml_kind_name(kind);

		count_unknown(x, what);
		diag_warn(&w->loc, "%s: unknown kind '%s' (id %s); counted, not extracted", path, what, ids);
		armid_free(&id);
		return;
	}
	/* A CLI id may name a label (".../labels/default"); the object names its version. */
	if (id.label && !id.version) {
		json_t *v = get(o, "version");

		if (json_is_string(v)) {
			id.version = xstrdup(json_string_value(v));
			free(id.label);
			id.label = NULL;
		}
	}
	b = arm ? get(o, "properties") : o;
	n.body = json_is_object(b) ? b : json_object();
	n.fields = json_object();
	rec = json_pack("{s:s, s:s}", "type", "record", "kind", aml_kind_name(kind));
	s = armid_format(&id);
	json_object_set_new(rec, "id", json_string(s));
	free(s);
	s = armid_workspace_id(&id);
	json_object_set_new(rec, "workspace_id", json_string(s));
	n.workspace_id = json_string_value(json_object_get(rec, "workspace_id"));
	free(s);
	json_object_set_new(rec, "name", json_string(id.name ? id.name : id.workspace));
	if (id.version)
		json_object_set_new(rec, "version", json_string(id.version));
	else if (id.label)
		json_object_set_new(rec, "label", json_string(id.label));
	norm_system_data(&n, rec);
	set_string(&n, rec, "description", get(n.body, "description"));
	set_string_map(&n, rec, "tags", get(n.body, "tags") ? get(n.body, "tags") : get(o, "tags"));
	set_string_map(&n, rec, "properties", arm ? get(n.body, "properties") : get(o, "properties"));
	fn(&n);
	json_object_set_new(rec, "fields", n.fields);
	json_object_set_new(rec, "source", extract_source(w, path, arm ? "arm" : "cli"));
	extract_note_times(x, rec);
	extract_emit(x, rec, aml_kind_name(kind));
	if (b != n.body)
		json_decref(n.body);
	armid_free(&id);
}
