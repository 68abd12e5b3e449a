#!/bin/sh
# demo.sh - `make demo` (DESIGN.md §7): two reference endpoints modelled on
# Hyper-V hosts - hv-rtm (Windows Server 2012 RTM, profile ws2012-rtm) and
# hv-r2 (2012 R2, profile ws2012r2) - each in its own throwaway namespace
# pair; the interop suite against each with `nvgrect run`; then
# `nvgrect matrix` saying whether they can talk, and why not in plain words.
# Both hosts run at once; everything is removed afterwards.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${NVGRECT:=$top/build/nvgrect}"
export NVGRECT
OUT=${DEMO_OUT:-$(dirname "$NVGRECT")/demo}

if [ "$(id -u)" != 0 ]; then
	echo "make demo needs root for its network namespaces: sudo make demo" >&2
	exit 1
fi
[ -x "$NVGRECT" ] || { echo "demo: $NVGRECT not built (make)" >&2; exit 1; }
t0=$(date +%s)
rm -rf "$OUT"
mkdir -p "$OUT"
# Under sudo, `nvgrect run` drops to the invoking user: let it write here.
[ -n "${SUDO_UID:-}" ] && chown "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$OUT"

echo "nvgrect demo: the interop suite (suites/interop/layouts.yaml) against two"
echo "reference Hyper-V hosts, each in throwaway network namespaces..."
pids=
for host in hv-rtm:ws2012-rtm hv-r2:ws2012r2; do
	name=${host%%:*} prof=${host#*:}
	sh "$here/run-ref-host.sh" "$prof" "$top/examples/$name.yaml" "$OUT/$name" &
	pids="$pids $!"
done
failed=0
for p in $pids; do
	wait "$p" || failed=1
done
[ $failed -eq 0 ] || { echo "demo: a host failed (see above)" >&2; exit 1; }

echo
rc=0
"$NVGRECT" matrix "$OUT/hv-rtm/report.json" "$OUT/hv-r2/report.json" -o "$OUT/matrix" \
	--force || rc=$?
echo
case $rc in
0) echo "Verdict: hv-rtm and hv-r2 can talk." ;;
1) echo "Verdict: hv-rtm and hv-r2 CANNOT talk (see the advice above)." ;;
*) echo "demo: nvgrect matrix exited $rc" >&2; exit 1 ;;
esac
echo
echo "HTML reports:"
echo "  $OUT/matrix/matrix.html          (who can talk to whom, and why)"
echo "  $OUT/hv-rtm/report.html"
echo "  $OUT/hv-r2/report.html"
echo "(plus report.json, report.xml, report.md, probes.pcapng, capture.pcapng each)"
echo "demo done in $(( $(date +%s) - t0 )) s"
