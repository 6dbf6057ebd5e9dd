# Progress goes to stderr only when it is a terminal, and --quiet silences it
# (without a terminal, every fixture case pins stderr exactly).
. "$(dirname "$0")/../checklib.sh"
command -v script >/dev/null || fail "script(1) missing (util-linux)"
s=$top/fixtures/sample/snapshot
script -qec "purvey-extract $s >/dev/null" /dev/null >"$tmp/tty" || true
grep -q 'purvey-extract: 26 records' "$tmp/tty" || { cat "$tmp/tty"; fail "no progress on a terminal"; }
script -qec "purvey-extract --quiet $s >/dev/null" /dev/null >"$tmp/quiet" || true
if grep -q 'records' "$tmp/quiet"; then fail "progress despite --quiet"; fi
