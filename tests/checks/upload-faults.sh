# Every fault the test server injects is survived: throttling (429 with
# Retry-After), 503 and 408 every Nth request, connections reset before and
# after the server applied a request, slow and truncated bodies. Each push
# ends in the state of a clean push. A timeout that never clears stops the
# run with 75, and a rerun with the journal finishes it.
. "$(dirname "$0")/../checklib.sh"
. "$top/tests/atlas.sh"
trap 'atlas_stop; rm -rf "$tmp"' EXIT
purvey-extract -q "$top/fixtures/sample/snapshot" 2>/dev/null | purvey-transform >"$tmp/req" 2>/dev/null
up() { purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth none --retry-base 0.05 "$@" "$tmp/req"; }

atlas_start
up --quiet >/dev/null || fail "clean push: exit $?"
curl -sf "$ATLAS_URL/_test/dump" >"$tmp/clean"
atlas_stop

for fault in "--rate-limit 4 --retry-after 1" "--fail-every 3 --fail-status 503" "--fail-every 4 --fail-status 408" \
	"--reset-before 3" "--reset-after 3" "--slow-body-ms 1" "--truncate-every 5"; do
	# shellcheck disable=SC2086
	atlas_start $fault
	up >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; fail "$fault: exit $?"; }
	curl -sf "$ATLAS_URL/_test/dump" | cmp -s - "$tmp/clean" || fail "$fault: state differs from a clean push"
	case $fault in
	*rate*) grep -q 'HTTP 429; retry 1 in 1.0 s' "$tmp/err" || fail "Retry-After not honoured" ;;
	*503*|*408*) grep -q "HTTP ${fault##* }; retry" "$tmp/err" || fail "$fault: no retry announced" ;;
	*truncate*) grep -q 'retry' "$tmp/err" || fail "$fault: no retry announced" ;;
	*reset*) # libcurl itself re-sends on a kept-alive connection the server dropped
		grep -q '"outcome": "reset-' "$ATLAS_DIR/log.ndjson" || fail "$fault: no reset happened" ;;
	esac
	atlas_stop
done

atlas_start --latency-ms 300
set +e
up --timeout 0.1 --max-attempts 2 --journal "$tmp/j" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ $rc = 75 ] || fail "timeouts: exit $rc, want 75"
grep -q 'run again to resume' "$tmp/err" || fail "timeouts: no advice"
up --journal "$tmp/j" --quiet >/dev/null || fail "resume after timeouts: exit $?"
curl -sf "$ATLAS_URL/_test/dump" | cmp -s - "$tmp/clean" || fail "resume after timeouts: state differs"
atlas_stop
