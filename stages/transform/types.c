/*
 * Our Atlas types: what each entity may carry, and the typedefs that declare
 * it. serviceType "Azure Machine Learning" lets Purview browse them by source;
 * COMPOSITION from the workspace to everything in it, and from a pipeline to
 * its steps, lists children under their parent. Names are --type-prefix plus
 * the role ("purvey_aml_" + "model"): Purview's own AML type names are not
 * public, so none is guessed.
 */
#include <stdlib.h>
#include <string.h>

#include "strutil.h"
#include "transform.h"
#include "banned.h"

#define SERVICE_TYPE "Azure Machine Learning"

struct attr_def {
	const char *name, *type;
};

/* Attributes every one of our types has. */
static const struct attr_def common_attrs[] = {
	{"azureMlId", "string"},    {"tags", "map<string,string>"},
	{"properties", "map<string,string>"}, {"createdBy", "string"},
	{"createTime", "date"},     {"modifiedBy", "string"},
	{"modifiedTime", "date"},   {"studioUrl", "string"},
	{NULL, NULL}};

static const struct type_def {
	const char *role, *super, *description;
	struct attr_def attrs[16];
} types[T_COUNT] = {
	[T_WORKSPACE] = {"workspace", "Asset", "An Azure Machine Learning workspace",
			 {{"location", "string"}, {"friendlyName", "string"}, {"subscriptionId", "string"},
			  {"resourceGroup", "string"}, {"storageAccount", "string"}, {"keyVault", "string"},
			  {"applicationInsights", "string"}, {"containerRegistry", "string"}}},
	[T_DATASTORE] = {"datastore", "Asset", "A datastore: storage a workspace reads and writes",
			 {{"datastoreType", "string"}, {"accountName", "string"}, {"containerName", "string"},
			  {"endpoint", "string"}, {"storageUrl", "string"}, {"isDefault", "boolean"}}},
	[T_DATA_ASSET] = {"data_asset", "DataSet", "A version of an AML data asset",
			  {{"version", "string"}, {"dataType", "string"}, {"dataUri", "string"},
			   {"stage", "string"}, {"isAnonymous", "boolean"}}},
	[T_MODEL] = {"model", "DataSet", "A version of an AML model",
		     {{"version", "string"}, {"modelType", "string"}, {"modelUri", "string"},
		      {"flavors", "array<string>"}, {"stage", "string"}, {"jobName", "string"}}},
	[T_JOB_OUTPUT] = {"job_output", "DataSet", "An output of a job or pipeline step, not registered as an asset",
			  {{"outputName", "string"}, {"outputType", "string"}, {"uri", "string"},
			   {"jobName", "string"}}},
	[T_PIPELINE] = {"pipeline", "Process", "An AML pipeline job",
			{{"jobType", "string"}, {"status", "string"}, {"experimentName", "string"},
			 {"displayName", "string"}, {"compute", "string"}, {"startTime", "date"},
			 {"endTime", "date"}, {"parameters", "map<string,string>"}}},
	[T_JOB] = {"job", "Process", "An AML job: command, sweep, AutoML, Spark",
		   {{"jobType", "string"}, {"status", "string"}, {"experimentName", "string"},
		    {"displayName", "string"}, {"compute", "string"}, {"environment", "string"},
		    {"component", "string"}, {"code", "string"}, {"command", "string"},
		    {"startTime", "date"}, {"endTime", "date"}, {"parameters", "map<string,string>"},
		    {"taskType", "string"}, {"parentJobName", "string"}}},
	[T_PIPELINE_STEP] = {"pipeline_step", "Process", "A step of an AML pipeline",
			     {{"stepName", "string"}, {"stepType", "string"}, {"component", "string"},
			      {"compute", "string"}, {"runName", "string"}, {"status", "string"},
			      {"startTime", "date"}, {"endTime", "date"}, {"parameters", "map<string,string>"}}},
	[T_DATA_REGISTRATION] = {"data_registration", "Process",
				 "The registration of a data asset from the storage it reads",
				 {{"dataType", "string"}}},
};

/* COMPOSITION relationships: parent type, its end, child type, the child's end. */
static const struct rel_def {
	const char *name;
	enum tf_type parent;
	const char *parent_end;
	enum tf_type child;
	const char *child_end;
} rels[] = {
	{"workspace_datastores", T_WORKSPACE, "datastores", T_DATASTORE, "workspace"},
	{"workspace_data_assets", T_WORKSPACE, "dataAssets", T_DATA_ASSET, "workspace"},
	{"workspace_models", T_WORKSPACE, "models", T_MODEL, "workspace"},
	{"workspace_job_outputs", T_WORKSPACE, "jobOutputs", T_JOB_OUTPUT, "workspace"},
	{"workspace_pipelines", T_WORKSPACE, "pipelines", T_PIPELINE, "workspace"},
	{"workspace_jobs", T_WORKSPACE, "jobs", T_JOB, "workspace"},
	{"workspace_data_registrations", T_WORKSPACE, "dataRegistrations", T_DATA_REGISTRATION, "workspace"},
	{"pipeline_steps", T_PIPELINE, "steps", T_PIPELINE_STEP, "pipeline"},
};
#define N_RELS (sizeof(rels) / sizeof(rels[0]))

void tf_types_init(struct transform *tf)
{
	for (int t = 0; t < T_COUNT; t++)
		tf->type_names[t] = xasprintf("%s%s", tf->opt.prefix, types[t].role);
}

const char *tf_type(const struct transform *tf, enum tf_type t) { return tf->type_names[t]; }

/* What the Atlas base types give: Referenceable, Asset (and Process, for processes). */
static const struct attr_def base_attrs[] = {
	{"qualifiedName", "string"}, {"name", "string"}, {"description", "string"},
	{"owner", "string"}, {NULL, NULL}};

const char *tf_attr_type(enum tf_type t, const char *attr)
{
	for (const struct attr_def *a = base_attrs; a->name; a++)
		if (strcmp(a->name, attr) == 0)
			return a->type;
	for (const struct attr_def *a = types[t].attrs; a->name; a++)
		if (strcmp(a->name, attr) == 0)
			return a->type;
	for (const struct attr_def *a = common_attrs; a->name; a++)
		if (strcmp(a->name, attr) == 0)
			return a->type;
	return NULL;
}

static json_t *attr_defs(enum tf_type t)
{
	json_t *defs = json_array();

	for (const struct attr_def *a = types[t].attrs; a->name; a++)
		json_array_append_new(defs, json_pack("{s:s, s:s, s:b, s:b, s:s}", "name", a->name,
						      "typeName", a->type, "isOptional", 1, "isUnique", 0,
						      "cardinality", strncmp(a->type, "array<", 6) ? "SINGLE" : "SET"));
	for (const struct attr_def *a = common_attrs; a->name; a++)
		json_array_append_new(defs, json_pack("{s:s, s:s, s:b, s:b, s:s}", "name", a->name,
						      "typeName", a->type, "isOptional", 1, "isUnique", 0,
						      "cardinality", "SINGLE"));
	return defs;
}

json_t *tf_typedefs(const struct transform *tf)
{
	json_t *entities = json_array(), *relationships = json_array();

	for (int t = 0; t < T_COUNT; t++)
		json_array_append_new(entities,
				      json_pack("{s:s, s:s, s:[s], s:s, s:o, s:s}", "name", tf->type_names[t],
						"description", types[t].description, "superTypes", types[t].super,
						"serviceType", SERVICE_TYPE, "attributeDefs", attr_defs(t),
						"typeVersion", "1.0"));
	for (size_t i = 0; i < N_RELS; i++) {
		char *name = xasprintf("%s%s", tf->opt.prefix, rels[i].name);

		json_array_append_new(
			relationships,
			json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:b, s:s, s:b}, s:{s:s, s:s, s:b, s:s, s:b}}",
				  "name", name, "serviceType", SERVICE_TYPE, "relationshipCategory", "COMPOSITION",
				  "propagateTags", "NONE", "typeVersion", "1.0",
				  "endDef1", "type", tf->type_names[rels[i].parent], "name", rels[i].parent_end,
				  "isContainer", 1, "cardinality", "SET", "isLegacyAttribute", 0,
				  "endDef2", "type", tf->type_names[rels[i].child], "name", rels[i].child_end,
				  "isContainer", 0, "cardinality", "SINGLE", "isLegacyAttribute", 0));
		free(name);
	}
	return json_pack("{s:o, s:o}", "entityDefs", entities, "relationshipDefs", relationships);
}
