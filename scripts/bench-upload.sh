#!/bin/sh
# Upload throughput against the Atlas test server with 20 ms latency and a
# limit of 250 requests/s (429 with Retry-After above it): the achieved rate
# as a fraction of the limit, for --parallel 1 and --parallel 8 (each with
# --rate 250), over the whole run and over its entity/bulk phase (the steady
# state, after the typedefs and lookups), from the server's own timestamps;
# and the requests lost or applied twice, from the server's log.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tmp=$(mktemp -d)
srv=
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT
python3 scripts/gen-snapshot.py --members 800 "$tmp/s.tar.gz"
bin/purvey-extract -q "$tmp/s.tar.gz" 2>/dev/null | bin/purvey-transform --batch-entities 2 2>/dev/null >"$tmp/req"
n=$(grep -c '"type":"request"' "$tmp/req")
for p in 1 8; do
	rm -f "$tmp/port" "$tmp/log"
	python3 tests/atlas_server.py --port-file "$tmp/port" --log "$tmp/log" --latency-ms 20 --rate-limit 250 &
	srv=$!
	while [ ! -s "$tmp/port" ]; do sleep 0.05; done
	t0=$(date +%s.%N)
	bin/purvey-upload --endpoint "http://127.0.0.1:$(cat "$tmp/port")" --api atlas --auth none --quiet \
		--parallel $p --rate 250 "$tmp/req" >"$tmp/out" 2>"$tmp/err"
	t1=$(date +%s.%N)
	kill $srv
	wait $srv 2>/dev/null || true
	srv=
	applied=$(grep -c '"outcome": "applied"' "$tmp/log")
	twice=$(grep '"outcome": "applied"' "$tmp/log" | jq -r .body_sha256 | sort | uniq -d | wc -l)
	throttled=$(grep -c '"status": 429' "$tmp/log" || true)
	steady=$(jq -s '[.[] | select(.path | endswith("entity/bulk"))] | (length - 1) / (.[-1].t - .[0].t)' "$tmp/log")
	awk -v n="$n" -v t0="$t0" -v t1="$t1" -v p="$p" -v a="$applied" -v d="$twice" -v th="$throttled" -v s="$steady" 'BEGIN {
		rate = n / (t1 - t0)
		printf "| upload --parallel %d, %d requests, 20 ms latency, limit 250/s | %.0f requests/s = %.2f of the limit (entity phase %.2f); %d lost, %d applied twice, %d throttled |\n",
			p, n, rate, rate / 250, s / 250, n - a, d, th }'
done
