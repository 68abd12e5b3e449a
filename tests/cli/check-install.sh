#!/bin/sh
# make install PREFIX=... puts the binary, the suites and the man page in place,
# and the installed binary runs and lints the installed suites.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build}
tmp=$(mktemp -d /tmp/nvt-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
make --no-print-directory -C "$root" BUILD="$build" install PREFIX="$tmp/usr" >"$tmp/log" 2>&1 ||
	{ echo "check-install: make install failed"; cat "$tmp/log"; exit 1; }
for f in bin/nvgrect share/man/man1/nvgrect.1 share/nvgrect/suites/README.md \
	 share/nvgrect/suites/interop/layouts.yaml share/nvgrect/suites/smoke.yaml; do
	[ -e "$tmp/usr/$f" ] || { echo "check-install: $f not installed"; fail=1; }
done
"$tmp/usr/bin/nvgrect" --version | grep -q '^nvgrect ' || { echo "check-install: installed binary does not run"; fail=1; }
"$tmp/usr/bin/nvgrect" lint -q "$tmp"/usr/share/nvgrect/suites/*.yaml \
	"$tmp"/usr/share/nvgrect/suites/*/*.yaml || { echo "check-install: installed suites do not lint"; fail=1; }
[ $fail -eq 0 ] && echo "check-install: ok"
exit $fail
