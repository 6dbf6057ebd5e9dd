/*
 * Azure ML resource ids.
 *
 * armid_parse() accepts an AML object id in any of the forms exports use:
 *   /subscriptions/S/resourceGroups/RG/providers/Microsoft.MachineLearningServices/workspaces/W[/T/N[/versions/V|/labels/L]]
 *   azureml:/subscriptions/...       (CLI v2, "azureml:" + ARM id)
 *   azureml://subscriptions/S/resource[gG]roups/RG/workspaces/W[/T/N[/versions/V]]   (asset URI)
 * Keywords are matched case-insensitively. Subscription, resource group,
 * workspace, datastore and compute names are case-insensitive in Azure and
 * are lower-cased; asset and job names and versions keep their spelling.
 *
 * armid_format() gives the canonical ARM id, armid_workspace_id() the id of
 * the workspace, armid_asset_uri() the canonical azureml:// asset URI.
 * Returned strings are malloc'd; the caller frees them.
 */
#ifndef PURVEY_ARMID_H
#define PURVEY_ARMID_H

#include <stddef.h>

enum aml_kind {
	AK_NONE = 0,
	AK_WORKSPACE,
	AK_DATASTORE,
	AK_DATA_CONTAINER,
	AK_DATA_VERSION,
	AK_MODEL_CONTAINER,
	AK_MODEL_VERSION,
	AK_JOB,
	AK_ENVIRONMENT_CONTAINER,
	AK_ENVIRONMENT_VERSION,
	AK_COMPONENT_CONTAINER,
	AK_COMPONENT_VERSION,
	AK_CODE_CONTAINER,
	AK_CODE_VERSION,
	AK_COMPUTE,
	AK_OTHER /* a child type purvey does not know */
};

struct armid {
	char *subscription;
	char *resource_group;
	char *workspace;
	enum aml_kind kind;
	char *collection; /* child collection as spelt canonically ("models"), or NULL */
	char *name;       /* child name, or NULL for a workspace */
	char *version;    /* NULL unless .../versions/V */
	char *label;      /* NULL unless .../labels/L */
};

/* Parses s. Returns 0, or -1 with a reason in err (the struct is then empty). */
int armid_parse(const char *s, struct armid *id, char *err, size_t errlen);
void armid_free(struct armid *id);

char *armid_format(const struct armid *id);
char *armid_workspace_id(const struct armid *id);
char *armid_asset_uri(const struct armid *id);

/* The record kind name ("model_version"), or NULL for AK_NONE/AK_OTHER. */
const char *aml_kind_name(enum aml_kind k);
/* The kind for a collection keyword ("models") with or without a version. */
enum aml_kind aml_kind_for_collection(const char *collection, int versioned);
/* The kind for an ARM resource type ("Microsoft.MachineLearningServices/workspaces/models/versions"). */
enum aml_kind aml_kind_for_arm_type(const char *type);

#endif
