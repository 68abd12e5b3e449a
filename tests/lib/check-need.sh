#!/bin/sh
# check-need.sh - tests/lib/need.sh: a missing tool or module skips (77)
# outside CI and fails (1) with CI=true; a present one passes through. And
# no test script skips on a missing tool by hand any more (it would hide a
# broken `make deps` in CI as a skip).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# rc CI-VALUE COMMAND...: exit status of COMMAND run after sourcing need.sh
rc() {
	_ci=$1
	shift
	( CI=$_ci; export CI; . "$here/need.sh"; "$@"; exit 0 ) >/dev/null 2>&1 && echo 0 || echo $?
}

[ "$(rc "" need_tool sh)" = 0 ] || bad "need_tool sh: present tool not passed"
[ "$(rc true need_tool sh /bin/sh)" = 0 ] || bad "need_tool sh /bin/sh in CI"
[ "$(rc "" need_tool sh nvt-no-such-tool)" = 77 ] || bad "missing tool outside CI: not 77"
[ "$(rc true need_tool nvt-no-such-tool)" = 1 ] || bad "missing tool with CI=true: not 1"
[ "$(rc false need_tool /nonexistent/nvt)" = 77 ] || bad "missing path with CI=false: not 77"
[ "$(rc true need_tool /nonexistent/nvt)" = 1 ] || bad "missing path with CI=true: not 1"
[ "$(rc true need_py /usr/bin/python3 json)" = 0 ] || bad "need_py json"
[ "$(rc "" need_py /usr/bin/python3 json nvt_no_such_module)" = 77 ] || bad "missing module outside CI: not 77"
[ "$(rc true need_py /usr/bin/python3 nvt_no_such_module)" = 1 ] || bad "missing module with CI=true: not 1"
[ "$(rc true need_missing thing)" = 1 ] || bad "need_missing with CI=true: not 1"

# hand-made skips on a tool or module check: should be need_tool/need_py
left=$(grep -n -E '(command -v|import ).*exit 77' "$root"/tests/*/*.sh | grep -v '/check-need\.sh:' || true)
[ -z "$left" ] || bad "tool checks that skip by hand (use tests/lib/need.sh):
$left"

[ $fail -eq 0 ] && echo "need.sh: ok"
exit $fail
