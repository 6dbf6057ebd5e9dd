# kill -9 at random points, then the same command again, until it finishes:
# the state equals a clean push's, and the server's request log shows no
# request applied twice (a request in flight at the kill is verified on the
# server before it is sent again). A journal torn in the middle of a line is
# handled, and a journal of another stream is refused.
. "$(dirname "$0")/../checklib.sh"
. "$top/tests/atlas.sh"
trap 'atlas_stop; rm -rf "$tmp"' EXIT
purvey-extract -q "$top/fixtures/sample/snapshot" 2>/dev/null | purvey-transform --batch-entities 3 >"$tmp/req" 2>/dev/null
up() { purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth none --quiet --journal "$tmp/j" "$tmp/req"; }

atlas_start
purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth none --quiet "$tmp/req" >/dev/null || fail "clean push"
curl -sf "$ATLAS_URL/_test/dump" >"$tmp/clean"
atlas_stop

atlas_start --latency-ms 30
kills=0
for delay in $(python3 -c 'import random; r = random.Random(7); print(" ".join("%.3f" % r.uniform(0.02, 0.4) for _ in range(40)))'); do
	# the program itself in the background: $! of a function would be a subshell
	purvey-upload --endpoint "$ATLAS_URL" --api atlas --auth none --quiet --journal "$tmp/j" "$tmp/req" \
		>>"$tmp/out" 2>>"$tmp/err" &
	pid=$!
	sleep "$delay"
	if kill -9 "$pid" 2>/dev/null; then
		kills=$((kills + 1))
		wait "$pid" 2>/dev/null || true
	else
		wait "$pid" || fail "a run ended with exit $?"
		break
	fi
done
up >>"$tmp/out" 2>>"$tmp/err" || fail "the last run: exit $?"
[ $kills -ge 5 ] || fail "only $kills kills: the test did not test"
curl -sf "$ATLAS_URL/_test/dump" | cmp -s - "$tmp/clean" || fail "state after $kills kills differs from a clean push"
twice=$(jq -r 'select(.outcome == "applied") | .body_sha256' "$ATLAS_DIR/log.ndjson" | sort | uniq -d | wc -l)
[ "$twice" = 0 ] || fail "$twice requests applied twice after $kills kills"
echo "$kills kills, $(grep -c 'verified' "$tmp/out" || true) in-flight requests verified"

# a torn last line is cut off; another stream's journal is refused
printf '{"h":"00' >>"$tmp/j"
up >/dev/null || fail "torn journal: exit $?"
purvey-extract -q "$top/fixtures/sample/snapshot" 2>/dev/null | purvey-transform --batch-entities 5 >"$tmp/req"
set +e
up >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ $rc = 78 ] || fail "another stream's journal: exit $rc, want 78"
grep -q 'belongs to another request stream' "$tmp/err" || fail "another stream's journal: message"
# a journal says what one server holds: another endpoint's is refused
set +e
purvey-upload --endpoint "http://127.0.0.1:9" --api atlas --auth none --journal "$tmp/j" "$tmp/req" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ $rc = 78 ] || fail "another endpoint's journal: exit $rc, want 78"
grep -q 'written for http://127.0.0.1:' "$tmp/err" || fail "another endpoint's journal: message"
