# Every request stream transform writes validates against
# schemas/request.schema.json, storage is referenced and never created, and
# the typedefs shipped in schemas/atlas/ are the ones transform sends.
. "$(dirname "$0")/../checklib.sh"
schema=$top/schemas/request.schema.json
purvey-extract -q "$top/fixtures/sample/snapshot" 2>/dev/null | purvey-transform >"$tmp/sample" 2>/dev/null
jsonschema.py "$schema" "$tmp/sample"
for f in "$top"/fixtures/transform/cases/*/expected.out; do
	head -n 1 "$f" | grep -q '"type":"requests"' || continue
	jsonschema.py "$schema" "$f"
done
created=$(jq -r 'select(.path == "entity/bulk") | .body.entities[].typeName' "$tmp/sample" | grep -c '^azure_' || true)
[ "$created" = 0 ] || fail "transform creates $created storage entities"
purvey-transform --print-typedefs | cmp -s - "$top/schemas/atlas/typedefs.json" ||
	fail "schemas/atlas/typedefs.json is not what transform sends (purvey-transform --print-typedefs)"
jq -c 'select(.path == "types/typedefs") | .body' "$tmp/sample" | jq -s -c \
	'{entityDefs: map(.entityDefs // []) | add, relationshipDefs: map(.relationshipDefs // []) | add}' >"$tmp/sent"
jq -c '{entityDefs, relationshipDefs}' "$top/schemas/atlas/typedefs.json" | cmp -s - "$tmp/sent" ||
	fail "the typedef requests differ from schemas/atlas/typedefs.json"
