# A clean push of the sample into the strict Atlas test server: every
# request succeeds, outcomes follow schemas/outcome.schema.json, storage the
# server lacks is dropped and listed (or created, or stops the run), a rerun
# with the journal sends nothing, a rerun without it changes nothing.
. "$(dirname "$0")/../checklib.sh"
. "$top/tests/atlas.sh"
trap 'atlas_stop; rm -rf "$tmp"' EXIT
purvey-extract -q "$top/fixtures/sample/snapshot" 2>/dev/null | purvey-transform >"$tmp/req" 2>/dev/null
up() { purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth none --quiet "$@" "$tmp/req"; }

atlas_start
up --journal "$tmp/j" >"$tmp/out" || fail "clean push: exit $?"
jsonschema.py "$top/schemas/outcome.schema.json" "$tmp/out"
[ "$(jq -s 'map(select(.status == 200)) | length' "$tmp/out")" = 18 ] || fail "not every request succeeded"
[ "$(jq -s 'map(.dropped // [] | length) | add' "$tmp/out")" = 9 ] || fail "dropped references not listed"
curl -sf "$ATLAS_URL/_test/dump" >"$tmp/dump1"
n1=$(wc -l <"$ATLAS_DIR/log.ndjson")
up --journal "$tmp/j" >"$tmp/out2" || fail "rerun with the journal: exit $?"
[ "$(jq -s 'map(select(.skipped)) | length' "$tmp/out2")" = 18 ] || fail "the journal did not skip"
[ "$(wc -l <"$ATLAS_DIR/log.ndjson")" = "$n1" ] || fail "a rerun with the journal sent requests"
up >"$tmp/out3" || fail "rerun without the journal: exit $?"
curl -sf "$ATLAS_URL/_test/dump" | cmp -s - "$tmp/dump1" || fail "a second push changed the state"
atlas_stop

atlas_start
up --missing-sources create --collection c0ll3ct10n >"$tmp/out" || fail "--missing-sources create: exit $?"
[ "$(jq -s 'map(.sources_created // [] | length) | add' "$tmp/out")" = 9 ] || fail "sources not created"
curl -sf "$ATLAS_URL/_test/dump" | jq -e '[.entities[] | select(.typeName | startswith("purvey_aml_")) | .collectionId] | unique == ["c0ll3ct10n"]' >/dev/null ||
	fail "entities not in the collection"
qn='azureml://subscriptions/7f3c2a10-5b1e-4c7d-9a2f-0e4b6c8d1a23/resourcegroups/ml-prod/workspaces/contoso-ml-prod/models/churn-model/versions/4'
guid=$(curl -sf -G "$ATLAS_URL/api/atlas/v2/entity/uniqueAttribute/type/purvey_aml_model" --data-urlencode "attr:qualifiedName=$qn" | jq -r .entity.guid)
curl -sf "$ATLAS_URL/api/atlas/v2/lineage/$guid?direction=INPUT&depth=10" >"$tmp/lineage"
python3 "$top/tests/lineage_path.py" "$tmp/lineage" 'azure_blob_path https://contosoraw.blob.core.windows.net/sales/exports/2026' \
	purvey_aml_data_registration purvey_aml_data_asset purvey_aml_pipeline_step purvey_aml_data_asset \
	purvey_aml_pipeline_step purvey_aml_model || fail "lineage with created sources"
atlas_stop

atlas_start
set +e
up --missing-sources fail >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ $rc = 65 ] || fail "--missing-sources fail: exit $rc, want 65"
grep -q 'not on the server (--missing-sources fail)' "$tmp/err" || fail "--missing-sources fail: no message"
atlas_stop

# the Purview paths: datamap (with api-version) and catalog
for api in datamap catalog; do
	atlas_start
	purvey-upload --endpoint "$ATLAS_URL" --api $api --auth none --quiet "$tmp/req" >"$tmp/out" || fail "--api $api: exit $?"
	grep -q "/$api/api/atlas/v2/entity/bulk" "$ATLAS_DIR/log.ndjson" || fail "--api $api: wrong path"
	[ $api = catalog ] || grep -q 'api-version=2023-09-01' "$ATLAS_DIR/log.ndjson" || fail "no api-version"
	atlas_stop
done
