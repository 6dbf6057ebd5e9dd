#!/bin/sh
# make demo: runs purvey on the bundled sample snapshot (fixtures/sample),
# no server needed, and shows what it produced: extract, transform, a picture
# of the lineage, and an upload into a local strict Atlas server (the test
# server, on 127.0.0.1). The sample is packed into a tar.gz first, as an
# export would arrive; everything is written to demo-out/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=demo-out
mkdir -p "$out"
(cd fixtures/sample && tar --sort=name --owner=0 --group=0 --mtime=@0 -cf - snapshot) |
	gzip -9n >"$out/snapshot.tar.gz"

echo "== purvey-extract $out/snapshot.tar.gz > $out/records.ndjson"
status=0
bin/purvey-extract "$out/snapshot.tar.gz" >"$out/records.ndjson" || status=$?
echo "   exit $status; $(wc -l <"$out/records.ndjson") lines"
echo
echo "== the header and the trailer"
head -n 1 "$out/records.ndjson"
tail -n 1 "$out/records.ndjson"
echo
echo "== records per kind and workspace"
jq -r 'select(.type == "record") | [(.workspace_id | sub(".*/workspaces/"; "")), .kind] | @tsv' \
	"$out/records.ndjson" | sort | uniq -c | awk '{ printf "   %3d  %-18s %s\n", $1, $2, $3 }'
echo
echo "== one record: the model registered from the pipeline's output"
jq -c 'select(.kind == "model_version" and .name == "churn-model" and .version == "4") | del(.source)' \
	"$out/records.ndjson"
echo
echo "== the pipeline's steps and how their inputs are bound"
jq -r 'select(.kind == "job" and .fields.job_type == "pipeline") | .fields.steps | to_entries[] |
	.key as $s | .value.inputs | to_entries[] |
	"   \($s).\(.key) <- \(.value.binding // .value.ref // {form: "literal", value: .value.value} |
	if .form == "literal" then "literal \(.value)" elif .form == "binding" then
		(if .scope == "step_output" then "step \(.step) output \(.name)" else "\(.scope) \(.name)" end)
	else (.id // .datastore + ":" + .path) end)"' "$out/records.ndjson"
echo
echo "== purvey-transform $out/records.ndjson > $out/requests.ndjson"
bin/purvey-transform "$out/records.ndjson" >"$out/requests.ndjson" || status=$?
echo "   $(grep -c '"type":"request"' "$out/requests.ndjson") requests; the trailer:"
tail -n 1 "$out/requests.ndjson"
echo
echo "== the lineage those requests push (purvey-graph | dot -Tsvg > $out/lineage.svg)"
bin/purvey-graph "$out/requests.ndjson" >"$out/lineage.dot" || status=$?
if command -v dot >/dev/null; then dot -Tsvg "$out/lineage.dot" >"$out/lineage.svg"; fi
grep -- '->' "$out/lineage.dot" | sed 's|azureml://subscriptions/[^"]*/workspaces/||g; s/^ */   /' | head -n 12
echo "   ... $(grep -c -- '->' "$out/lineage.dot") edges in all; open $out/lineage.svg to see them"
echo
echo "== purvey-upload into a local strict Atlas server (tests/atlas_server.py on 127.0.0.1)"
python3 tests/atlas_server.py --port-file "$out/port" --log "$out/server.log" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
rm -f "$out/port"
i=0
while [ ! -s "$out/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
url="http://127.0.0.1:$(cat "$out/port")"
rm -f "$out/upload.journal" # the server is new every run: so is what it holds
bin/purvey-upload --endpoint "$url" --api atlas --auth none --journal "$out/upload.journal" \
	"$out/requests.ndjson" >"$out/outcomes.ndjson" || status=$?
echo "   outcomes in $out/outcomes.ndjson; source data never scanned into this server was dropped:"
jq -r '.dropped // [] | .[] | "     \(.typeName) \(.qualifiedName)"' "$out/outcomes.ndjson" | sort -u | head -n 4
echo
echo "== what the server now shows upstream of churn-model:4 (its lineage API)"
qn='azureml://subscriptions/7f3c2a10-5b1e-4c7d-9a2f-0e4b6c8d1a23/resourcegroups/ml-prod/workspaces/contoso-ml-prod/models/churn-model/versions/4'
guid=$(curl -sf -G "$url/api/atlas/v2/entity/uniqueAttribute/type/purvey_aml_model" \
	--data-urlencode "attr:qualifiedName=$qn" | jq -r .entity.guid)
curl -sf "$url/api/atlas/v2/lineage/$guid?direction=INPUT&depth=6" |
	jq -r '.guidEntityMap as $m | .relations[] | "   \($m[.fromEntityId].displayText) -> \($m[.toEntityId].displayText)"' | sort
exit "$status"
