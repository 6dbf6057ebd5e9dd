# The sample snapshot's requests are accepted by the strict Atlas test server
# played in order, one request at a time, at batch sizes 1, 7 and 100; the
# server's lineage API shows the chain storage -> data asset -> prep step ->
# intermediate output -> train step -> model; a replay changes nothing; and
# every batch size leaves the same state.
. "$(dirname "$0")/../checklib.sh"
. "$top/tests/atlas.sh"
trap 'atlas_stop; rm -rf "$tmp"' EXIT
purvey-extract -q "$top/fixtures/sample/snapshot" >"$tmp/records" 2>/dev/null
for n in 1 7 100; do
	purvey-transform --batch-entities $n "$tmp/records" >"$tmp/req.$n" 2>"$tmp/err.$n" || fail "transform at $n: exit $?"
	atlas_start
	play_requests.py "$ATLAS_URL" "$tmp/req.$n" --seed-storage || fail "batch size $n refused"
	curl -sf "$ATLAS_URL/_test/dump" >"$tmp/dump.$n"
	play_requests.py "$ATLAS_URL" "$tmp/req.$n" || fail "replay at batch size $n refused"
	curl -sf "$ATLAS_URL/_test/dump" >"$tmp/dump2.$n"
	cmp -s "$tmp/dump.$n" "$tmp/dump2.$n" || fail "a replay changed the state"
	if [ $n = 7 ]; then
		qn='azureml://subscriptions/7f3c2a10-5b1e-4c7d-9a2f-0e4b6c8d1a23/resourcegroups/ml-prod/workspaces/contoso-ml-prod/models/churn-model/versions/4'
		guid=$(curl -sf -G "$ATLAS_URL/api/atlas/v2/entity/uniqueAttribute/type/purvey_aml_model" \
			--data-urlencode "attr:qualifiedName=$qn" | jq -r .entity.guid)
		curl -sf "$ATLAS_URL/api/atlas/v2/lineage/$guid?direction=INPUT&depth=10" >"$tmp/lineage"
		python3 "$top/tests/lineage_path.py" "$tmp/lineage" \
			'azure_blob_path https://contosoraw.blob.core.windows.net/sales/exports/2026' \
			'purvey_aml_data_registration' \
			'purvey_aml_data_asset .*/data/sales_raw/versions/1' \
			'purvey_aml_pipeline_step .*/jobs/prep' \
			'purvey_aml_data_asset .*/data/prepared_sales/versions/1' \
			'purvey_aml_pipeline_step .*/jobs/train' \
			'purvey_aml_model .*/models/churn-model/versions/4' || fail "lineage chain"
	fi
	atlas_stop
done
cmp -s "$tmp/dump.1" "$tmp/dump.7" && cmp -s "$tmp/dump.1" "$tmp/dump.100" || fail "batch sizes give different states"
