# Shell tests start the Atlas test server in one line and stop it in another.
. "$(dirname "$0")/../checklib.sh"
. "$top/tests/atlas.sh"
atlas_start --auth basic --basic-user u --basic-password p
trap 'atlas_stop; rm -rf "$tmp"' EXIT
code=$(curl -s -o "$tmp/out" -w '%{http_code}' -u u:p "$ATLAS_URL/api/atlas/v2/types/typedefs/headers")
[ "$code" = 200 ] || fail "typedef headers: HTTP $code"
jq -e 'map(.name) | index("DataSet")' "$tmp/out" >/dev/null || fail "no DataSet type"
code=$(curl -s -o /dev/null -w '%{http_code}' "$ATLAS_URL/api/atlas/v2/types/typedefs/headers")
[ "$code" = 401 ] || fail "no credentials: HTTP $code, want 401"
