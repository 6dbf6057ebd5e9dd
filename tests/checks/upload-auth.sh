# Authentication: Entra client credentials (a token renewed before it
# expires and once on a 401), a bearer token, Atlas basic auth; wrong
# credentials stop the run with 77; secrets never appear in any output.
# TLS: a server with a self-signed certificate is refused without --cacert
# (78) and accepted with it.
. "$(dirname "$0")/../checklib.sh"
. "$top/tests/atlas.sh"
trap 'atlas_stop; rm -rf "$tmp"' EXIT
purvey-extract -q "$top/fixtures/sample/snapshot" 2>/dev/null | purvey-transform >"$tmp/req" 2>/dev/null
secret='s3cr3t-Value'

# Entra: tokens live 2 s, requests take 0.3 s: renewed on the way; and all
# tokens expired by force in the middle: one 401, renewed, no failure
atlas_start --auth entra --tenant t1 --client-id c1 --client-secret "$secret" --token-ttl 2 --latency-ms 300
( sleep 2.5; curl -sf "$ATLAS_URL/_test/expire-tokens" >/dev/null ) &
expirer=$!
AZURE_TENANT_ID=t1 AZURE_CLIENT_ID=c1 AZURE_CLIENT_SECRET=$secret \
	purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth entra --authority-host "$ATLAS_URL" -v \
	"$tmp/req" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; fail "entra: exit $?"; }
wait "$expirer"
[ "$(grep -c '"outcome": "token"' "$ATLAS_DIR/log.ndjson")" -ge 3 ] || fail "entra: token not renewed"
grep -q '"outcome": "unauthorized"' "$ATLAS_DIR/log.ndjson" || fail "entra: the forced expiry was not met"
if grep -q "$secret" "$tmp/out" "$tmp/err"; then fail "the secret was printed"; fi
printf '%s\n' "$secret" >"$tmp/secret"
AZURE_TENANT_ID=t1 AZURE_CLIENT_ID=c1 AZURE_CLIENT_SECRET= purvey-upload --endpoint "$ATLAS_URL" --api atlas \
	--auth entra --authority-host "$ATLAS_URL" --client-secret-file "$tmp/secret" --quiet "$tmp/req" >/dev/null ||
	fail "entra with --client-secret-file: exit $?"
set +e
AZURE_TENANT_ID=t1 AZURE_CLIENT_ID=c1 AZURE_CLIENT_SECRET=wrong purvey-upload --endpoint "$ATLAS_URL" --api atlas \
	--auth entra --authority-host "$ATLAS_URL" "$tmp/req" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ $rc = 77 ] || fail "entra, wrong secret: exit $rc, want 77"
grep -q 'token endpoint: HTTP 401: invalid_client' "$tmp/err" || fail "entra, wrong secret: message"
atlas_stop

# a bearer token of our own
atlas_start --auth entra --tenant t1 --client-id c1 --client-secret "$secret" --token-ttl 600
tok=$(curl -sf -d grant_type=client_credentials -d client_id=c1 -d client_secret=$secret \
	--data-urlencode scope=https://purview.azure.net/.default "$ATLAS_URL/t1/oauth2/v2.0/token" | jq -r .access_token)
PURVEY_TOKEN=$tok purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth token --quiet "$tmp/req" >/dev/null ||
	fail "token: exit $?"
set +e
PURVEY_TOKEN=nonsense purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth token "$tmp/req" >/dev/null 2>&1
rc=$?
set -e
[ $rc = 77 ] || fail "bad token: exit $rc, want 77"
atlas_stop

atlas_start --auth basic --basic-user admin --basic-password "$secret"
PURVEY_USER=admin PURVEY_PASSWORD=$secret purvey-upload --endpoint "$ATLAS_URL" --api atlas --quiet "$tmp/req" >/dev/null ||
	fail "basic: exit $?"
set +e
PURVEY_USER=admin PURVEY_PASSWORD=wrong purvey-upload --endpoint "$ATLAS_URL" --api atlas "$tmp/req" >/dev/null 2>&1
rc=$?
set -e
[ $rc = 77 ] || fail "basic, wrong password: exit $rc, want 77"
atlas_stop

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
atlas_start --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
set +e
purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth none "$tmp/req" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ $rc = 78 ] || fail "TLS without --cacert: exit $rc, want 78"
grep -q 'TLS' "$tmp/err" || fail "TLS: no message"
purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth none --cacert "$tmp/cert.pem" --quiet "$tmp/req" >/dev/null ||
	fail "TLS with --cacert: exit $?"
atlas_stop
