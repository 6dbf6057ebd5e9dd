# The sample snapshot gives the same records (but for where they were read
# from) as a directory, in every archive format, compressed, nested, and on
# standard input: the format is told from the bytes, never from the name.
. "$(dirname "$0")/../checklib.sh"
cd "$top/fixtures/sample"
purvey-extract snapshot >"$tmp/dir.out" 2>/dev/null
strip_source "$tmp/dir.out" | grep -v '"type":"snapshot"' >"$tmp/want"
tar --sort=name --owner=0 --group=0 --mtime=@0 -cf "$tmp/s.tar" snapshot
gzip -9n <"$tmp/s.tar" >"$tmp/s.tar.gz"
bzip2 -9 <"$tmp/s.tar" >"$tmp/s.tar.bz2"
xz <"$tmp/s.tar" >"$tmp/s.tar.xz"
zstd -q <"$tmp/s.tar" >"$tmp/s.tar.zst"
cp "$tmp/s.tar.gz" "$tmp/misnamed.json"
find snapshot -type f | sort | zip -q -X "$tmp/s.zip" -@
(cd "$tmp" && zip -q -X nested.zip s.tar.gz)
find snapshot -type f | sort | cpio -o -H newc --quiet >"$tmp/s.cpio"
for f in s.tar s.tar.gz s.tar.bz2 s.tar.xz s.tar.zst misnamed.json s.zip nested.zip s.cpio; do
	purvey-extract "$tmp/$f" >"$tmp/$f.out" 2>/dev/null || fail "$f: exit $?"
	strip_source "$tmp/$f.out" | grep -v '"type":"snapshot"' >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got" || { diff "$tmp/want" "$tmp/got" | head -5; fail "$f: records differ"; }
done
purvey-extract - <"$tmp/s.tar.xz" >"$tmp/stdin.out" 2>/dev/null || fail "stdin: exit $?"
strip_source "$tmp/stdin.out" | grep -v '"type":"snapshot"' >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" || fail "stdin: records differ"
# where they were read from is said: member paths below the archive
jq -r 'select(.type=="record") | .source.member' "$tmp/nested.zip.out" | head -1 |
	grep -qx 's.tar.gz/snapshot/dev/data.json' || fail "nested member path"
# same input, same bytes
purvey-extract "$tmp/s.zip" >"$tmp/again" 2>/dev/null
cmp -s "$tmp/s.zip.out" "$tmp/again" || fail "two runs differ"
