/*
 * Legacy v1 objects (SDK v1 / older workspaces), mapped to the v2 kinds:
 *   dataset {datasetId, name, latest{versionId, dataPath{datastoreName, relativePath}}}
 *                                                     -> data_version
 *   run     {runId, parentRunId, experimentId, inputDatasets[], outputDatasets[]}
 *                                                     -> job
 *   model   {id:"NAME:VERSION", name, version, runId, experimentName}
 *                                                     -> model_version
 * They carry no ARM id, so their workspace comes from --v1-workspace; without
 * it they are reported as unidentifiable, never given an invented one.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "amlref.h"
#include "armid.h"
#include "extract.h"
#include "strutil.h"
#include "banned.h"

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* "NAME:VERSION" with a numeric version and no '/' (not "azureml:..."). */
static int v1_model_id(const char *id)
{
	const char *colon = id ? strrchr(id, ':') : NULL;

	if (!colon || colon == id || !colon[1] || strchr(id, '/') || str_istarts(id, "azureml:"))
		return 0;
	for (const char *p = colon + 1; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

enum v1_kind { V1_NONE, V1_DATASET, V1_RUN, V1_MODEL };

static enum v1_kind v1_kind(json_t *o)
{
	if (json_object_get(o, "id") && !v1_model_id(str(o, "id")))
		return V1_NONE;
	if (str(o, "datasetId"))
		return V1_DATASET;
	if (str(o, "runId") && !json_object_get(o, "id") &&
	    (json_object_get(o, "experimentId") || json_object_get(o, "parentRunId") ||
	     json_object_get(o, "inputDatasets") || json_object_get(o, "runType")))
		return V1_RUN;
	if (v1_model_id(str(o, "id")))
		return V1_MODEL;
	return V1_NONE;
}

static void set_time(json_t *dst, const char *key, json_t *v)
{
	char t[TIME_CANON_MAX];
	const char *s = json_string_value(v);

	if (s && time_canon(s, t) == 0)
		json_object_set_new(dst, key, json_string(t));
}

static void set_str(json_t *dst, const char *key, json_t *v)
{
	if (json_is_string(v))
		json_object_set(dst, key, v);
}

/* A v1 dataset reference: {"dataset": {"name", "version"}} or {"name", "version"}. */
static json_t *dataset_io(const struct extract *x, json_t *e)
{
	json_t *d = json_is_object(json_object_get(e, "dataset")) ? json_object_get(e, "dataset") : e;
	const char *name = str(d, "name");
	json_t *ver = json_object_get(d, "version"), *io, *ref;
	char *id;

	if (!name)
		return NULL;
	if (json_is_integer(ver))
		id = xasprintf("%s/data/%s/versions/%lld", x->opt.v1_workspace, name,
			       (long long)json_integer_value(ver));
	else if (json_is_string(ver))
		id = xasprintf("%s/data/%s/versions/%s", x->opt.v1_workspace, name, json_string_value(ver));
	else
		id = xasprintf("%s/data/%s", x->opt.v1_workspace, name);
	ref = amlref_parse(id);
	amlref_resolve(ref, x->opt.v1_workspace, "data");
	free(id);
	io = json_pack("{s:s, s:o}", "type", "dataset", "ref", ref);
	return io;
}

static json_t *dataset_ios(const struct extract *x, json_t *list, const char *name_key,
			   const char *prefix)
{
	json_t *m = json_object(), *e;
	size_t i;

	json_array_foreach(list, i, e) {
		json_t *io = dataset_io(x, e);
		json_t *details = json_object_get(e, name_key);
		const char *n = str(details, "inputName") ? str(details, "inputName") : str(details, "outputName");
		char *key = n ? xstrdup(n) : xasprintf("%s%zu", prefix, i);

		if (io)
			json_object_set_new(m, key, io);
		free(key);
	}
	return m;
}

static char *v1_id(const struct extract *x, enum v1_kind k, json_t *o, json_t *rec, json_t *f)
{
	const char *ws = x->opt.v1_workspace;

	if (k == V1_DATASET) {
		json_t *latest = json_object_get(o, "latest"), *path = json_object_get(latest, "dataPath");
		const char *ver = str(latest, "versionId");

		if (json_is_object(path) && str(path, "datastoreName")) {
			char *u = xasprintf("azureml://datastores/%s/paths/%s", str(path, "datastoreName"),
					    str(path, "relativePath") ? str(path, "relativePath") : "");
			json_t *ref = amlref_parse(u);

			amlref_resolve(ref, ws, NULL);
			json_object_set_new(f, "data_uri", ref);
			free(u);
		}
		set_time(rec, "created_at", json_object_get(latest, "createdTime"));
		return ver ? xasprintf("%s/data/%s/versions/%s", ws, str(o, "name"), ver)
			   : xasprintf("%s/data/%s", ws, str(o, "name"));
	}
	if (k == V1_RUN) {
		set_str(f, "parent_job_name", json_object_get(o, "parentRunId"));
		set_str(f, "experiment_name", json_object_get(o, "experimentName"));
		set_str(f, "status", json_object_get(o, "status"));
		set_time(f, "start_time", json_object_get(o, "startTimeUtc"));
		set_time(f, "end_time", json_object_get(o, "endTimeUtc"));
		json_object_set_new(f, "inputs", dataset_ios(x, json_object_get(o, "inputDatasets"),
							     "consumptionDetails", "input"));
		json_object_set_new(f, "outputs", dataset_ios(x, json_object_get(o, "outputDatasets"),
							      "outputDetails", "output"));
		return xasprintf("%s/jobs/%s", ws, str(o, "runId"));
	}
	set_str(f, "job_name", json_object_get(o, "runId"));
	set_time(rec, "created_at", json_object_get(o, "createdTime"));
	{
		const char *id = str(o, "id"), *colon = strrchr(id, ':');
		char *name = xstrndup(id, (size_t)(colon - id));
		char *s = xasprintf("%s/models/%s/versions/%s", ws, name, colon + 1);

		free(name);
		return s;
	}
}

int extract_legacy(struct extract *x, json_t *o, const struct where *w, const char *path)
{
	static const char *names[] = {"", "dataset", "run", "model"};
	enum v1_kind k = v1_kind(o);
	json_t *rec, *f;
	struct armid id;
	char err[160], *ids, *s;

	if (k == V1_NONE)
		return 0;
	if (!x->opt.v1_workspace) {
		x->unidentifiable++;
		diag_warn(&w->loc, "%s: legacy v1 %s without a workspace id: give --v1-workspace; not extracted",
			  path, names[k]);
		return 1;
	}
	rec = json_object();
	f = json_object();
	ids = v1_id(x, k, o, rec, f);
	if (armid_parse(ids, &id, err, sizeof(err)) != 0) {
		x->unidentifiable++;
		diag_warn(&w->loc, "%s: legacy v1 %s: id '%s': %s; not extracted", path, names[k], ids, err);
		json_decref(rec);
		json_decref(f);
		free(ids);
		return 1;
	}
	free(ids);
	json_object_set_new(rec, "type", json_string("record"));
	json_object_set_new(rec, "kind", json_string(aml_kind_name(id.kind)));
	s = armid_format(&id);
	json_object_set_new(rec, "id", json_string(s));
	free(s);
	json_object_set_new(rec, "workspace_id", json_string(x->opt.v1_workspace));
	json_object_set_new(rec, "name", json_string(id.name));
	if (id.version)
		json_object_set_new(rec, "version", json_string(id.version));
	set_str(rec, "description", json_object_get(o, "description"));
	json_object_set_new(rec, "fields", f);
	json_object_set_new(rec, "source", extract_source(w, path, "v1"));
	extract_note_times(x, rec);
	extract_emit(x, rec, aml_kind_name(id.kind));
	armid_free(&id);
	return 1;
}
