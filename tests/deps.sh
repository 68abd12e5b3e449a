#!/bin/sh
# Install the Debian packages given as arguments, only those missing.
# Without root, print the apt-get line to run and stop.
missing=""
for p in "$@"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "make deps: missing packages:$missing" >&2
	echo "run as root:  apt-get update && $cmd" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "make deps: $cmd"
if ! apt-get install -y --no-install-recommends $missing; then
	echo "make deps: apt-get update"
	apt-get update && apt-get install -y --no-install-recommends $missing || exit 1
fi
