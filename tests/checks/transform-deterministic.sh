# The same records in any order give the same bytes; with duplicates (the
# same objects read again, as from a list page and a GET) the same requests.
. "$(dirname "$0")/../checklib.sh"
purvey-extract -q "$top/fixtures/sample/snapshot" >"$tmp/records" 2>/dev/null
purvey-transform "$tmp/records" >"$tmp/want" 2>"$tmp/want.err"
for seed in 1 2 3; do
	python3 - "$tmp/records" "$seed" >"$tmp/shuffled" <<'PY'
import random, sys
lines = open(sys.argv[1]).read().splitlines(True)
body = lines[1:-1]
random.Random(int(sys.argv[2])).shuffle(body)
sys.stdout.write(lines[0] + "".join(body) + lines[-1])
PY
	cmp -s "$tmp/records" "$tmp/shuffled" && fail "seed $seed did not shuffle"
	purvey-transform "$tmp/shuffled" >"$tmp/got" 2>"$tmp/got.err"
	cmp -s "$tmp/want" "$tmp/got" || fail "shuffle $seed gives other bytes"
	cmp -s "$tmp/want.err" "$tmp/got.err" || fail "shuffle $seed gives other warnings"
done
# every record twice, the copies first and in reverse, their sources differing
python3 - "$tmp/records" >"$tmp/doubled" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines(True)
body = lines[1:-1]
copies = []
for l in reversed(body):
    r = json.loads(l)
    r["source"]["input"] = "another-export.zip"
    copies.append(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n")
trailer = json.loads(lines[-1])
trailer["records"] *= 2
sys.stdout.write(lines[0] + "".join(copies) + "".join(body) + json.dumps(trailer, sort_keys=True, separators=(",", ":")) + "\n")
PY
purvey-transform "$tmp/doubled" >"$tmp/got" 2>/dev/null || fail "doubled input: exit $?"
grep '"type":"request"' "$tmp/want" >"$tmp/want.req"
grep '"type":"request"' "$tmp/got" >"$tmp/got.req"
cmp -s "$tmp/want.req" "$tmp/got.req" || fail "duplicates change the requests"
tail -n 1 "$tmp/got" | jq -e '.duplicates == 26 and .objects == 26' >/dev/null || fail "duplicates not counted"
