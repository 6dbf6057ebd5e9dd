/* Unit tests for common/: ARM ids, AML references, times, JSON nesting. */
#include <stdlib.h>

#include "amlref.h"
#include "armid.h"
#include "check.h"
#include "ndjson.h"
#include "timefmt.h"

#define WS "/subscriptions/abc/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"

static void armid_case(const char *name, const char *in, const char *want_id,
		       const char *want_kind)
{
	struct armid id;
	char err[128], label[256];
	int rc = armid_parse(in, &id, err, sizeof(err));

	snprintf(label, sizeof(label), "armid/%s", name);
	if (!want_id) {
		CHECK(label, rc != 0);
		return;
	}
	if (rc != 0) {
		printf("FAIL %s: parse failed: %s\n", label, err);
		check_failures++;
		return;
	}
	{
		char *s = armid_format(&id);

		CHECK_STR(label, s, want_id);
		free(s);
	}
	snprintf(label, sizeof(label), "armid/%s/kind", name);
	CHECK_STR(label, aml_kind_name(id.kind), want_kind);
	armid_free(&id);
}

static void test_armid(void)
{
	struct armid id;
	char err[128];
	char *s;

	armid_case("workspace", WS, WS, "workspace");
	armid_case("case-folded keywords and names",
		   "/SUBSCRIPTIONS/ABC/resourcegroups/RG/providers/microsoft.machinelearningservices/Workspaces/WS/Models/MyModel/Versions/3",
		   WS "/models/MyModel/versions/3", "model_version");
	armid_case("cli azureml: prefix", "azureml:" WS "/jobs/job1", WS "/jobs/job1", "job");
	armid_case("asset uri", "azureml://subscriptions/abc/resourcegroups/RG/workspaces/ws/data/d1/versions/2",
		   WS "/data/d1/versions/2", "data_version");
	armid_case("datastore name lower-cased", WS "/datastores/WorkspaceBlobStore",
		   WS "/datastores/workspaceblobstore", "datastore");
	armid_case("label", "azureml:" WS "/components/c/labels/default", WS "/components/c/labels/default",
		   "component_version");
	armid_case("container", WS "/data/d1", WS "/data/d1", "data_container");
	armid_case("trailing slash", WS "/", WS, "workspace");
	armid_case("unknown child", WS "/onlineEndpoints/ep", WS "/onlineendpoints/ep", NULL);
	armid_case("placeholder", "string", NULL, NULL);
	armid_case("other provider", "/subscriptions/a/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/s", NULL, NULL);
	armid_case("empty segment", "/subscriptions//resourceGroups/r", NULL, NULL);
	armid_case("junk after version", WS "/models/m/versions/1/extra", NULL, NULL);
	armid_case("name without child", WS "/models", NULL, NULL);

	CHECK("armid/arm type: model versions",
	      aml_kind_for_arm_type("Microsoft.MachineLearningServices/workspaces/models/versions") == AK_MODEL_VERSION);
	CHECK("armid/arm type: workspace",
	      aml_kind_for_arm_type("microsoft.machinelearningservices/WORKSPACES") == AK_WORKSPACE);
	CHECK("armid/arm type: other provider", aml_kind_for_arm_type("Microsoft.Storage/x") == AK_NONE);
	CHECK("armid/arm type: unknown child",
	      aml_kind_for_arm_type("Microsoft.MachineLearningServices/workspaces/onlineEndpoints") == AK_OTHER);

	if (armid_parse(WS "/models/M/versions/2", &id, err, sizeof(err)) == 0) {
		s = armid_asset_uri(&id);
		CHECK_STR("armid/asset uri form", s,
			  "azureml://subscriptions/abc/resourcegroups/rg/workspaces/ws/models/M/versions/2");
		free(s);
		s = armid_workspace_id(&id);
		CHECK_STR("armid/workspace id", s, WS);
		free(s);
		armid_free(&id);
	}
}

/* Parses in and checks that field key of the result is want (NULL: absent). */
static void ref_field(const char *name, const char *in, const char *key, const char *want)
{
	json_t *r = amlref_parse(in);
	char label[256];

	snprintf(label, sizeof(label), "amlref/%s/%s", name, key);
	CHECK_STR(label, json_string_value(json_object_get(r, key)), want);
	json_decref(r);
}

static void test_amlref(void)
{
	ref_field("short asset", "azureml:sales:3", "form", "asset");
	ref_field("short asset", "azureml:sales:3", "name", "sales");
	ref_field("short asset", "azureml:sales:3", "version", "3");
	ref_field("asset label", "azureml:sales@latest", "label", "latest");
	ref_field("asset label", "azureml:sales@latest", "name", "sales");
	ref_field("asset name only", "azureml:cpu-cluster", "name", "cpu-cluster");
	ref_field("asset id", "azureml:" WS "/data/d/versions/1", "form", "asset_id");
	ref_field("asset id", "azureml:" WS "/data/d/versions/1", "kind", "data_version");
	ref_field("asset id", "azureml:" WS "/data/d/versions/1", "id", WS "/data/d/versions/1");
	ref_field("asset uri", "azureml://subscriptions/abc/resourceGroups/rg/workspaces/ws/models/m/versions/2",
		  "id", WS "/models/m/versions/2");
	ref_field("short datastore path", "azureml://datastores/WorkspaceBlobStore/paths/a/b.csv", "form", "datastore_path");
	ref_field("short datastore path", "azureml://datastores/WorkspaceBlobStore/paths/a/b.csv", "datastore", "workspaceblobstore");
	ref_field("short datastore path", "azureml://datastores/WorkspaceBlobStore/paths/a/b.csv", "path", "a/b.csv");
	ref_field("short datastore path", "azureml://datastores/ds/paths/a", "workspace_id", NULL);
	ref_field("long datastore path", "azureml://subscriptions/ABC/resourcegroups/RG/workspaces/ws/datastores/lake/paths/t/",
		  "workspace_id", WS);
	ref_field("long datastore path", "azureml://subscriptions/ABC/resourcegroups/RG/workspaces/ws/datastores/lake/paths/t/",
		  "path", "t/");
	ref_field("default output", "azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.job-1", "job", "job-1");
	ref_field("default output", "azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.job-1", "form", "datastore_path");
	ref_field("job output", "azureml://jobs/j1/outputs/model/paths/sub/dir", "form", "job_output");
	ref_field("job output", "azureml://jobs/j1/outputs/model/paths/sub/dir", "job", "j1");
	ref_field("job output", "azureml://jobs/j1/outputs/model/paths/sub/dir", "output", "model");
	ref_field("job output", "azureml://jobs/j1/outputs/model/paths/sub/dir", "path", "sub/dir");
	ref_field("job output no path", "azureml://jobs/j1/outputs/model", "path", NULL);
	ref_field("binding parent input", "${{parent.inputs.raw}}", "scope", "parent_input");
	ref_field("binding parent input", "${{parent.inputs.raw}}", "name", "raw");
	ref_field("binding parent output", "${{ parent.outputs.out }}", "scope", "parent_output");
	ref_field("binding parent output", "${{ parent.outputs.out }}", "name", "out");
	ref_field("binding step output", "${{parent.jobs.prep.outputs.clean}}", "scope", "step_output");
	ref_field("binding step output", "${{parent.jobs.prep.outputs.clean}}", "step", "prep");
	ref_field("binding step output", "${{parent.jobs.prep.outputs.clean}}", "name", "clean");
	ref_field("binding other", "${{inputs.x}}", "scope", "other");
	ref_field("registry", "azureml://registries/azureml/environments/sklearn/versions/41", "form", "registry_asset");
	ref_field("registry", "azureml://registries/azureml/environments/sklearn/versions/41", "registry", "azureml");
	ref_field("registry", "azureml://registries/azureml/environments/sklearn/versions/41", "version", "41");
	ref_field("https blob", "https://Acct.blob.core.windows.net/cont/dir/f.csv", "account", "acct");
	ref_field("https blob", "https://Acct.blob.core.windows.net/cont/dir/f.csv", "service", "blob");
	ref_field("https blob", "https://Acct.blob.core.windows.net/cont/dir/f.csv", "container", "cont");
	ref_field("https blob", "https://Acct.blob.core.windows.net/cont/dir/f.csv", "path", "dir/f.csv");
	ref_field("abfss", "abfss://fs@acct.dfs.core.windows.net/a/b", "container", "fs");
	ref_field("abfss", "abfss://fs@acct.dfs.core.windows.net/a/b", "service", "dfs");
	ref_field("abfss", "abfss://fs@acct.dfs.core.windows.net/a/b", "path", "a/b");
	ref_field("wasbs", "wasbs://c@acct.blob.core.windows.net/p", "service", "blob");
	ref_field("other https", "https://dprepdata.example.com/demo/Titanic.csv", "service", "other");
	ref_field("mlflow run", "runs:/abc123/model", "run", "abc123");
	ref_field("relative", "./part-1.parquet", "path", "part-1.parquet");
	ref_field("unknown", "ftp://x", "form", "unknown");
	ref_field("empty asset", "azureml:", "form", "unknown");
	ref_field("bad binding", "${{parent.inputs.x", "form", "unknown");
}

static void time_case(const char *name, const char *in, const char *want)
{
	char out[TIME_CANON_MAX], label[128];
	int rc = time_canon(in, out);

	snprintf(label, sizeof(label), "time/%s", name);
	CHECK_STR(label, rc == 0 ? out : NULL, want);
}

static void test_time(void)
{
	time_case("Z", "2023-02-21T20:33:12Z", "2023-02-21T20:33:12Z");
	time_case("7 digits +00:00", "2023-02-21T20:33:12.3098916+00:00", "2023-02-21T20:33:12.309891Z");
	time_case("6 digits (CLI) same moment", "2023-02-21T20:33:12.309891+00:00", "2023-02-21T20:33:12.309891Z");
	time_case("trailing zeros", "2020-12-01T12:00:00.000Z", "2020-12-01T12:00:00Z");
	time_case("short fraction", "2023-05-10T19:54:51.07058+00:00", "2023-05-10T19:54:51.07058Z");
	time_case("offset", "2026-01-01T01:30:00+02:00", "2025-12-31T23:30:00Z");
	time_case("negative offset", "2026-01-01T23:30:00-0100", "2026-01-02T00:30:00Z");
	time_case("space, no zone (StartTimeUtc)", "2026-03-31 18:18:41", "2026-03-31T18:18:41Z");
	time_case("leap day", "2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z");
	time_case("not a time", "yesterday", NULL);
	time_case("bad month", "2024-13-01T00:00:00Z", NULL);
	time_case("junk after", "2024-01-01T00:00:00Zx", NULL);
	CHECK("time/compare by instant", time_cmp("2023-02-21T20:33:12.3Z", "2023-02-21T20:33:12Z") > 0);
	{
		long long ms = 0;

		CHECK("time/epoch ms", time_epoch_ms("2026-11-30T10:00:00.9876Z", &ms) == 0 && ms == 1796032800987LL);
		CHECK("time/epoch ms of no time", time_epoch_ms("soon", &ms) != 0);
	}
	CHECK("time/compare equal", time_cmp("2023-02-21T20:33:12Z", "2023-02-21T20:33:12Z") == 0);
}

static void test_depth(void)
{
	long line = 0, col = 0;
	const char *deep = "{\"a\":\n[[[\"]]]]\"]]]}";

	CHECK("depth/within", json_text_depth_ok("[[1]]", 5, 2, &line, &col) == 0);
	CHECK("depth/beyond", json_text_depth_ok("[[[1]]]", 7, 2, &line, &col) != 0 && line == 1 && col == 3);
	CHECK("depth/brackets in strings do not count", json_text_depth_ok(deep, strlen(deep), 4, &line, &col) == 0);
	CHECK("depth/position on line 2", json_text_depth_ok(deep, strlen(deep), 3, &line, &col) != 0 && line == 2 && col == 3);
}

int main(void)
{
	test_armid();
	test_amlref();
	test_time();
	test_depth();
	return check_failures ? 1 : 0;
}
