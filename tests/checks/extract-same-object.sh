# The same AML objects exported as ARM resources (a list page) and as CLI v2
# output give the same records, but for where they were read from.
. "$(dirname "$0")/../checklib.sh"
d=$top/fixtures/extract/same-object
purvey-extract "$d/arm.json" >"$tmp/arm" 2>"$tmp/arm.err" || fail "arm: exit $?"
purvey-extract "$d/cli.json" >"$tmp/cli" 2>"$tmp/cli.err" || fail "cli: exit $?"
[ ! -s "$tmp/arm.err" ] && [ ! -s "$tmp/cli.err" ] || { cat "$tmp"/*.err; fail "warnings"; }
strip_source "$tmp/arm" | grep '"type":"record"' >"$tmp/arm.r"
strip_source "$tmp/cli" | grep '"type":"record"' >"$tmp/cli.r"
[ "$(wc -l <"$tmp/arm.r")" = 5 ] || fail "want 5 records"
diff "$tmp/arm.r" "$tmp/cli.r" || fail "ARM and CLI records differ"
jq -r '.source.shape' "$tmp/arm" | grep -q arm && jq -r '.source.shape' "$tmp/cli" | grep -q cli ||
	fail "source.shape not said"
