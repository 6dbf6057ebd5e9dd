# Shared by the checks: paths, a temporary folder removed on exit, helpers.
top=$(cd "$(dirname "$0")/../.." && pwd) # run from tests/checks/
PATH="$top/bin:$top/tests:$PATH"
export PATH LC_ALL=C TZ=UTC
tmp=$(mktemp -d) || exit 70
trap 'rm -rf "$tmp"' EXIT
set -e

fail() { echo "check failed: $*" >&2; exit 1; }

# Records without their "source" (where they were read from), one a line.
strip_source() { jq -c 'if .type == "record" then del(.source) else . end' "$@"; }
