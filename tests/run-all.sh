#!/bin/sh
# The whole test suite, as `make check` runs it: C unit tests, fixture cases,
# Python test files (tests/*_test.py), script checks (tests/checks/*.sh). Ends with one line "N passed, N failed".
# Expects the binaries built; UNIT_BINS names the unit-test programs.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 70
export LC_ALL=C TZ=UTC
log=$(mktemp) || exit 70
trap 'rm -f "$log"' EXIT
pass=0 fail=0

count() { # reads PASS/FAIL lines of a part's output, echoes them
	while IFS= read -r line; do
		echo "$line"
		case $line in
		PASS\ *) pass=$((pass + 1)) ;;
		FAIL\ *) fail=$((fail + 1)) ;;
		esac
	done
}

for t in ${UNIT_BINS:-}; do
	"$t" >"$log" 2>&1
	rc=$?
	count <"$log"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
		echo "FAIL $t (exit $rc)"
		fail=$((fail + 1))
	fi
done

tests/run-fixtures.sh >"$log" 2>&1
count <"$log"

for t in tests/*_test.py; do
	python3 "$t" >"$log" 2>&1
	rc=$?
	count <"$log"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
		sed 's/^/    /' "$log"
		echo "FAIL $t (exit $rc)"
		fail=$((fail + 1))
	fi
done

for t in tests/checks/*.sh; do
	[ -f "$t" ] || continue
	name=${t#tests/checks/}
	if sh "$t" >"$log" 2>&1; then
		echo "PASS check/${name%.sh}"
		pass=$((pass + 1))
	else
		sed 's/^/    /' "$log"
		echo "FAIL check/${name%.sh}"
		fail=$((fail + 1))
	fi
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
