/*
 * References found in AML fields (uri, dataUri, modelUri, path, environmentId,
 * ...) parsed into a JSON object, so later stages never re-parse strings.
 *
 * amlref_parse() returns a new object with "form" and "raw" (the string as
 * found) and the form's own fields:
 *   asset            azureml:NAME:VERSION, azureml:NAME@LABEL, azureml:NAME
 *                    {name, version | label}
 *   asset_id         an ARM id or azureml:// asset URI of a workspace object
 *                    {kind, id, workspace_id, name, version | label}
 *   datastore_path   azureml://datastores/DS/paths/P, the long form with a
 *                    workspace, and azureml://datastores/DS/ExperimentRun/dcid.JOB
 *                    {datastore, path, workspace_id?, job?}
 *   job_output       azureml://jobs/JOB/outputs/OUT[/paths/P]  {job, output, path?}
 *   binding          ${{parent.inputs.X}}, ${{parent.outputs.Y}},
 *                    ${{parent.jobs.S.outputs.Z}}  {scope, name, step?}
 *   registry_asset   azureml://registries/R/T/N/versions/V  {registry, collection, name, version|label}
 *   storage_url      https/http/wasb(s)/abfs(s)/adl URLs
 *                    {scheme, host, account?, service, container?, path}
 *   mlflow_run       runs:/RUN/PATH  {run, path}
 *   relative         ./x, x/y (no scheme)  {path}
 *   unknown          anything else
 * It never fails: a string it cannot read is of form "unknown".
 */
#ifndef PURVEY_AMLREF_H
#define PURVEY_AMLREF_H

#include <jansson.h>

json_t *amlref_parse(const char *s);

/*
 * Resolves a parsed reference found in an object of workspace_id (a
 * canonical workspace ARM id), so that every spelling of one target reads the
 * same: a short asset ("azureml:NAME:V") whose kind the context gives
 * becomes an asset_id in that workspace; a short datastore path gets the
 * workspace. kind is the collection the context implies ("data", "models",
 * "environments", "components", "codes", "computes"), or NULL if unknown.
 * Then drops "raw" (where it was read from) from every form but "unknown".
 * Changes ref in place.
 */
void amlref_resolve(json_t *ref, const char *workspace_id, const char *collection);

#endif
