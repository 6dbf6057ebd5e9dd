#!/bin/sh
# Runs every fixture case: a folder fixtures/STAGE/cases/NAME/ holding
#   cmd           a shell command line, run in the case folder with bin/ on PATH
#   expected.out  its exact standard output   (optional: absent means empty)
#   expected.err  its exact standard error    (optional: absent means empty)
#   exit          its exit code               (optional: absent means 0)
# Adding a case is adding files. UPDATE=1 rewrites the expected files from
# what the programs do now (read the diff before committing it).
# Prints "PASS name" or "FAIL name" and a diff; the last line counts them.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/bin:$top/tests:$PATH"
export PATH LC_ALL=C TZ=UTC
tmp=$(mktemp -d) || exit 70
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

for case_dir in "$top"/fixtures/*/cases/*/; do
	case_dir=${case_dir%/}
	[ -f "$case_dir/cmd" ] || continue
	name=${case_dir#"$top"/fixtures/}
	name=${name%%/cases/*}/${case_dir##*/}
	want_exit=0
	[ -f "$case_dir/exit" ] && want_exit=$(cat "$case_dir/exit")
	(cd "$case_dir" && sh ./cmd </dev/null >"$tmp/out" 2>"$tmp/err")
	got_exit=$?
	if [ "${UPDATE:-}" = 1 ]; then
		if [ -s "$tmp/out" ]; then cp "$tmp/out" "$case_dir/expected.out"; else rm -f "$case_dir/expected.out"; fi
		if [ -s "$tmp/err" ]; then cp "$tmp/err" "$case_dir/expected.err"; else rm -f "$case_dir/expected.err"; fi
		if [ "$got_exit" != 0 ]; then echo "$got_exit" >"$case_dir/exit"; else rm -f "$case_dir/exit"; fi
		want_exit=$got_exit
	fi
	ok=1
	for stream in out err; do
		want="$case_dir/expected.$stream"
		[ -f "$want" ] || want=/dev/null
		if ! cmp -s "$want" "$tmp/$stream"; then
			ok=0
			echo "--- $name: std$stream differs (want $want)"
			diff "$want" "$tmp/$stream" | head -20
		fi
	done
	if [ "$got_exit" -ge 128 ]; then
		ok=0
		echo "--- $name: crashed (signal $((got_exit - 128)))"
	elif [ "$got_exit" != "$want_exit" ]; then
		ok=0
		echo "--- $name: exit $got_exit, want $want_exit"
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
		echo "PASS $name"
	else
		fail=$((fail + 1))
		echo "FAIL $name"
	fi
done
echo "fixtures: $pass passed, $fail failed"
[ $fail = 0 ]
