#!/bin/sh
# check-lint.sh - every shipped suite and DUT file passes `nvgrect lint`, and
# lint is not a rubber stamp: a deliberately broken copy must be refused.
set -eu

: "${NVGRECT:?NVGRECT must name the nvgrect binary}"
[ -x "$NVGRECT" ] || { echo "check-lint: $NVGRECT not built, skipping"; exit 77; }
cd "$(dirname "$0")/../.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# suites/**/*.yaml without bash's globstar
files=$(find suites -name '*.yaml' | sort)
[ -n "$files" ] || { echo "check-lint: no YAML under suites/"; exit 1; }
n=$(printf '%s\n' "$files" | wc -l)

# shellcheck disable=SC2086 # file names have no blanks (checked just below)
if printf '%s\n' "$files" | grep -q '[[:space:]]'; then
	echo "check-lint: a suite file name contains a blank"; exit 1
fi
# shellcheck disable=SC2086
if ! "$NVGRECT" lint $files >"$tmp/out" 2>&1; then
	echo "check-lint: nvgrect lint is not clean:"
	cat "$tmp/out"
	exit 1
fi
echo "check-lint: $n files clean"

# Negative control: a level typo and a duplicate id must both be reported.
sed -e '0,/level: MUST/s//level: MUSTT/' suites/rfc7637/key-layout.yaml >"$tmp/bad.yaml"
sed -n '/^  - id: KEY-01$/,/^$/p' suites/rfc7637/key-layout.yaml >>"$tmp/bad.yaml"
if "$NVGRECT" lint "$tmp/bad.yaml" >"$tmp/bad.out" 2>&1; then
	echo "check-lint: lint accepted a broken suite:"
	cat "$tmp/bad.out"
	exit 1
fi
grep -q 'MUSTT' "$tmp/bad.out" || { echo "check-lint: level typo not reported"; cat "$tmp/bad.out"; exit 1; }
grep -qi 'KEY-01' "$tmp/bad.out" || { echo "check-lint: duplicate id not reported"; cat "$tmp/bad.out"; exit 1; }
echo "check-lint: broken copy refused as it should be"
