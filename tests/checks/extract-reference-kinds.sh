# Every file in fixtures/reference/aml (the real AML JSON of ../shared) is
# read to the kinds it holds; a file of placeholders is reported, not lost.
. "$(dirname "$0")/../checklib.sh"
ref=$top/fixtures/reference/aml
while read -r file kinds; do
	[ -n "$file" ] || continue
	purvey-extract "$ref/$file" >"$tmp/out" 2>"$tmp/err" || fail "$file: exit $?"
	got=$(jq -r 'select(.type == "record") | .kind' "$tmp/out" | tr '\n' ' ' | sed 's/ $//')
	[ -n "$got" ] || got=none
	[ "$got" = "$kinds" ] || fail "$file: kinds '$got', want '$kinds'"
	if [ "$kinds" = none ]; then
		grep -q 'unidentifiable object' "$tmp/err" || fail "$file: no warning for a file without records"
	fi
done <<'TABLE'
ansible-azure_rm_ml_component_info__RETURN_sample.json component_version
ansible-azure_rm_ml_data_info__RETURN_sample.json data_version
ansible-azure_rm_ml_datastore_info__RETURN_sample.json datastore
ansible-azure_rm_ml_environment_info__RETURN_sample.json environment_version
ansible-azure_rm_ml_job_info__RETURN_sample.json job
ansible-azure_rm_ml_model_info__RETURN_sample.json model_version
ansible-azure_rm_ml_workspace_info__RETURN_sample.json workspace
sdkpy-recording_test_command_job_register_output.json job
sdkpy-recording_test_command_job_with_dataset_short_uri__GET_job_ResponseBody.json job
sdkpy-recording_test_create_mltable__GET_data_version_ResponseBody.json data_version
sdkpy-recording_test_credential_less_adls_gen2_store__GET_datastore_ResponseBody.json datastore
sdkpy-recording_test_crud_model_with_stage__GET_model_version_ResponseBody.json model_version
sdkpy-recording_test_crud_model_with_stage__GET_workspaceblobstore_ResponseBody.json datastore
sdkpy-recording_test_node_output_setting_path__PUT_PipelineJob_ResponseBody.json job
sdkpy-recording_test_node_output_setting_path__PUT_component_version_ResponseBody.json component_version
sdkpy-recording_test_spark_job__PUT_SparkJob_RequestBody.json none
sdkpy-recording_test_spark_job__PUT_code_version_ResponseBody.json code_version
specs-2024-04-01_Datastore_AzureDataLakeGen1WServicePrincipal_createOrUpdate.json none
specs-2024-04-01_Datastore_AzureDataLakeGen2WServicePrincipal_createOrUpdate.json none
specs-2024-04-01_Datastore_AzureFileWAccountKey_createOrUpdate.json none
specs-2024-04-01_Datastore_get.json none
specs-2024-04-01_Datastore_list.json none
specs-2024-04-01_Job_AutoMLJob_get.json none
specs-2024-04-01_Job_CommandJob_get.json none
specs-2024-04-01_Job_CommandJob_list.json none
specs-2024-04-01_Job_PipelineJob_get.json none
specs-2024-04-01_Job_SweepJob_get.json none
specs-2024-04-01_Workspace_DataContainer_list.json data_container data_container
specs-2024-04-01_Workspace_DataVersionBase_get.json none
specs-2024-04-01_Workspace_DataVersionBase_list.json none
specs-2024-04-01_Workspace_EnvironmentVersion_get.json none
specs-2024-04-01_Workspace_ModelVersion_get.json none
specs-2024-04-01_Workspace_get.json workspace
specs-2024-04-01_Workspace_listByResourceGroup.json workspace workspace
specs-2025-12-01_Workspace_ComponentVersion_get.json none
specs-2025-12-01_Workspace_DataContainer_get.json data_container
specs-2025-12-01_Workspace_ModelContainer_get.json model_container
specs-2025-12-01_Workspace_ModelContainer_list.json model_container
specs-2025-12-01_Workspace_ModelVersion_list.json none
TABLE
# the table names every file there is
n=$(ls "$ref"/*.json | wc -l)
[ "$n" = 39 ] || fail "fixtures/reference/aml has $n JSON files; the table names 39"
