# make demo, the README's first command, runs the whole main job on the
# sample snapshot and shows the lineage the local server then answers.
. "$(dirname "$0")/../checklib.sh"
cd "$top"
scripts/demo.sh >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; fail "make demo: exit $?"; }
grep -q 'purvey-upload: 18 requests sent: 18 succeeded, 0 failed' "$tmp/err" || fail "the demo's upload"
grep -q 'train (pipe-2026-11-30) -> churn-model:4' "$tmp/out" || fail "the demo's lineage"
grep -q 'prep (pipe-2026-11-30) -> prepared_sales:1' "$tmp/out" || fail "the demo's lineage"
