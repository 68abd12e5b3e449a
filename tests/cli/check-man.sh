#!/bin/sh
# The manual page stays in step with --help: every long option a subcommand's
# --help lists must appear in man/nvgrect.1 (roff escapes the dashes as \-).
set -u
NVGRECT=${NVGRECT:-build/nvgrect}
MAN=$(dirname "$0")/../../man/nvgrect.1
fail=0
for cmd in key lint gen run verify ref matrix diagnose; do
	grep -q "^\.B.* $cmd\$\|^\.B nvgrect $cmd" "$MAN" || { echo "man: no section for '$cmd'"; fail=1; }
	opts=$("$NVGRECT" "$cmd" --help 2>&1 | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
	for o in $opts; do
		esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
		grep -q -- "$esc" "$MAN" || { echo "man: $cmd $o is in --help but not in man/nvgrect.1"; fail=1; }
	done
done
[ $fail -eq 0 ] && echo "check-man: ok"
exit $fail
