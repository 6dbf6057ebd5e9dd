#!/bin/sh
# make bench: purvey's speed and memory, as ratios against baselines measured
# in the same run (machines are shared and noisy): medians of REPEAT runs.
#  - extract throughput: time of purvey-extract over a generated snapshot,
#    against `gzip -dc` of the same file (the least any reader must do);
#  - extract memory: peak RSS for 1,000 and for 20,000 members; flat memory
#    means a ratio near 1.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
REPEAT=${REPEAT:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
m() { python3 scripts/measure.py "$REPEAT" "$1"; }

python3 scripts/gen-snapshot.py --members 1000 "$tmp/s1k.tar.gz"
python3 scripts/gen-snapshot.py --members 20000 "$tmp/s20k.tar.gz"
objs=$((20000 * 3))
set -- $(m "gzip -dc $tmp/s20k.tar.gz")
base_t=$1
set -- $(m "bin/purvey-extract -q $tmp/s20k.tar.gz")
ext_t=$1 ext_rss20=$2
set -- $(m "bin/purvey-extract -q $tmp/s1k.tar.gz")
ext_rss1=$2
bin/purvey-extract -q "$tmp/s1k.tar.gz" >"$tmp/r1k" 2>/dev/null
bin/purvey-extract -q "$tmp/s20k.tar.gz" >"$tmp/r20k" 2>/dev/null
set -- $(m "cat $tmp/r20k | wc -l")
cat_t=$1
set -- $(m "bin/purvey-transform $tmp/r20k 2>/dev/null")
tf_t=$1 tf_rss20=$2
set -- $(m "bin/purvey-transform $tmp/r1k 2>/dev/null")
tf_rss1=$2
echo "| measure | value |"
echo "|---|---|"
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%f", a / b }'; }
printf '| extract, 20,000 members (%d objects): median time | %.2f s (%.0f objects/s) |\n' "$objs" "$ext_t" "$(div "$objs" "$ext_t")"
printf '| extract time / gzip -dc time (same file) | %.1f |\n' "$(div "$ext_t" "$base_t")"
printf '| extract peak RSS, 1,000 members | %d KiB |\n' "$ext_rss1"
printf '| extract peak RSS, 20,000 members | %d KiB |\n' "$ext_rss20"
printf '| peak RSS ratio, 20,000 : 1,000 members | %.2f |\n' "$(div "$ext_rss20" "$ext_rss1")"
printf '| transform, %d records: median time | %.2f s (%.0f records/s) |\n' "$objs" "$tf_t" "$(div "$objs" "$tf_t")"
printf '| transform peak RSS, 3,000 / 60,000 records | %d / %d KiB |\n' "$tf_rss1" "$tf_rss20"
printf '| transform peak RSS growth per record | %.2f KiB |\n' "$(div "$((tf_rss20 - tf_rss1))" 57000)"
scripts/bench-upload.sh
