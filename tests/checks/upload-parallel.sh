# --parallel 8 at batch size 1 (the longest chains of dependencies): the
# strict server accepts every request (none starts before those creating
# what it references), the state equals a sequential push's under faults,
# outcomes come in request order, and kill -9 with 8 requests in flight
# resumes without applying anything twice.
. "$(dirname "$0")/../checklib.sh"
. "$top/tests/atlas.sh"
trap 'atlas_stop; rm -rf "$tmp"' EXIT
purvey-extract -q "$top/fixtures/sample/snapshot" 2>/dev/null | purvey-transform --batch-entities 1 >"$tmp/req" 2>/dev/null
up() { purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth none --quiet --retry-base 0.05 "$@" "$tmp/req"; }

atlas_start
up >/dev/null || fail "sequential push"
curl -sf "$ATLAS_URL/_test/dump" >"$tmp/clean"
atlas_stop
for fault in "--latency-ms 30" "--fail-every 4 --fail-status 408" "--reset-after 5" "--rate-limit 30"; do
	# shellcheck disable=SC2086
	atlas_start $fault
	up --parallel 8 >"$tmp/out" || fail "$fault: exit $?"
	curl -sf "$ATLAS_URL/_test/dump" | cmp -s - "$tmp/clean" || fail "$fault: state differs"
	jq -r .n "$tmp/out" | sort -n -c 2>/dev/null || fail "$fault: outcomes out of order"
	[ "$(jq -s 'map(select(.status == 200)) | length' "$tmp/out")" = "$(grep -c '"type":"request"' "$tmp/req")" ] ||
		fail "$fault: not every request succeeded"
	atlas_stop
done

atlas_start --latency-ms 40
kills=0
for delay in 0.15 0.3 0.2 0.45 0.25 0.35; do
	purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth none --quiet --parallel 8 --journal "$tmp/j" \
		"$tmp/req" >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
	wait $pid 2>/dev/null || true
done
up --parallel 8 --journal "$tmp/j" >/dev/null || fail "resume: exit $?"
[ $kills -ge 3 ] || fail "only $kills kills"
curl -sf "$ATLAS_URL/_test/dump" | cmp -s - "$tmp/clean" || fail "state after kills differs"
twice=$(jq -r 'select(.outcome == "applied") | .body_sha256' "$ATLAS_DIR/log.ndjson" | sort | uniq -d | wc -l)
[ "$twice" = 0 ] || fail "$twice requests applied twice"
