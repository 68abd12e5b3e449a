# need.sh - sourced by test scripts. A tool or Python module the test needs
# is missing: on a developer's machine the test is skipped (exit 77); in CI
# (CI=true) it fails, because `make deps` installs everything a test uses
# and a missing one is a broken install step that must not pass as a skip.
#
#   need_tool NAME...           commands on PATH, or executable paths
#   need_py PYTHON MODULE...    modules PYTHON can import
#   need_missing WHAT           the same verdict after any other check

need_missing() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $1 missing; make deps installs it, so CI=true does not skip" >&2
		exit 1
	fi
	echo "$1 missing: skipped"
	exit 77
}

need_tool() {
	for _need in "$@"; do
		case $_need in
		*/*) [ -x "$_need" ] || need_missing "$_need" ;;
		*) command -v "$_need" >/dev/null 2>&1 || need_missing "$_need" ;;
		esac
	done
}

need_py() {
	_need_py=$1
	shift
	for _need in "$@"; do
		"$_need_py" -c "import $_need" 2>/dev/null || need_missing "python module $_need"
	done
}
