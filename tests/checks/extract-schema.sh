# Every record stream extract writes validates against schemas/record.schema.json:
# the golden outputs of every fixture case, and fresh runs over the sample
# snapshot and every reference file.
. "$(dirname "$0")/../checklib.sh"
schema=$top/schemas/record.schema.json
for f in "$top"/fixtures/extract/cases/*/expected.out; do
	jsonschema.py "$schema" "$f"
done
purvey-extract "$top/fixtures/sample/snapshot" >"$tmp/sample" 2>/dev/null
jsonschema.py "$schema" "$tmp/sample"
purvey-extract "$top"/fixtures/reference/aml/*.json >"$tmp/ref" 2>/dev/null
jsonschema.py "$schema" "$tmp/ref"
# and the checker itself refuses what it must refuse
jq -c 'if .type == "record" then .kind = "nonsense" else . end' "$tmp/sample" >"$tmp/bad"
if jsonschema.py "$schema" "$tmp/bad" >/dev/null; then fail "schema accepted a bad kind"; fi
