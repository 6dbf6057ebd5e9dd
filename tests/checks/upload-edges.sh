# --dry-run opens no socket at all; a request too large for the server is
# reported with the advice to lower the batch size (exit 65), and with
# --keep-going the run goes on past it.
. "$(dirname "$0")/../checklib.sh"
. "$top/tests/atlas.sh"
trap 'atlas_stop; rm -rf "$tmp"' EXIT
purvey-extract -q "$top/fixtures/sample/snapshot" 2>/dev/null | purvey-transform --batch-entities 5 >"$tmp/req" 2>/dev/null
command -v strace >/dev/null || fail "strace missing (scripts/install-deps installs it)"
# LeakSanitizer cannot run under ptrace: leaks are looked for in every other test
ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=socket,connect -o "$tmp/trace" purvey-upload --dry-run --endpoint https://contoso.purview.azure.com \
	"$tmp/req" >"$tmp/out" 2>/dev/null || fail "dry run: exit $?"
if grep -q 'socket(\|connect(' "$tmp/trace"; then cat "$tmp/trace"; fail "--dry-run opened a socket"; fi
[ "$(grep -c '"dry_run":true' "$tmp/out")" = "$(grep -c '"type":"request"' "$tmp/req")" ] || fail "dry run: not every request shown"

atlas_start --max-body-bytes 5000
set +e
purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth none "$tmp/req" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ $rc = 65 ] || fail "too large: exit $rc, want 65"
grep -q 'too large for the server; lower --batch-entities' "$tmp/err" || fail "too large: no advice"
jq -e 'select(.status == 413) | .error_code == "ATLAS-413-00-001"' "$tmp/out" >/dev/null || fail "too large: outcome"
set +e
purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth none --keep-going "$tmp/req" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ $rc = 65 ] || fail "--keep-going: exit $rc, want 65"
[ "$(wc -l <"$tmp/out")" = "$(grep -c '"type":"request"' "$tmp/req")" ] || fail "--keep-going stopped early"
