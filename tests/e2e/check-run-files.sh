#!/bin/sh
# check-run-files.sh - output failures (research F4): a full disk (a 16 KiB
# tmpfs, in a private mount namespace) ends the run with exit 4, a message
# naming the file, and no file under a final name; an OUTDIR the dropped
# user may not create is exit 4 before anything is sent.
set -eu
. "$(dirname "$0")/run-lib.sh"
need_tool unshare
kernel_dut_up files

rc=0
lab_t unshare -m sh -c '
	mount -t tmpfs -o size=16k tmpfs "$1" &&
	"$2" run "$3" --dut "$4" -o "$1/out" --timeout 0.3 --rate 1000000 >"$5" 2>&1
	rc=$?
	ls -A "$1/out" >"$6" 2>/dev/null
	exit $rc' sh "$W" "$NVGRECT" "$E2E_DATA/run-burst.yaml" "$DUT" "$LAB_RUN/full.log" \
	"$LAB_RUN/full.ls" || rc=$?
[ "$rc" -eq 4 ] || { cat "$LAB_RUN/full.log" >&2; fail "disk full: exit $rc, want 4"; }
grep -q 'No space left on device' "$LAB_RUN/full.log" || fail "disk full: no ENOSPC message"
left=$(grep -v -e '^\.' -e '\.tmp$' "$LAB_RUN/full.ls" || true)
[ -z "$left" ] || { cat "$LAB_RUN/full.log"; fail; }; [ -z "$left" ] || fail "disk full: files under final names: $left"
echo "ok: disk full: exit 4, '$(grep -o '[^ ]*: write: No space left on device' "$LAB_RUN/full.log" | head -1)', nothing published"

mkdir -m 700 "$LAB_RUN/closed"
rc=0
lab_t "$NVGRECT" run "$E2E_DATA/run-mini.yaml" --dut "$DUT" -o "$LAB_RUN/closed/out" \
	--user nobody --timeout 0.3 >"$LAB_RUN/eacces.log" 2>&1 || rc=$?
[ "$rc" -eq 4 ] || { cat "$LAB_RUN/eacces.log" >&2; fail "EACCES: exit $rc, want 4"; }
grep -q 'Permission denied' "$LAB_RUN/eacces.log" || fail "EACCES: no clear message"
[ ! -e "$LAB_RUN/closed/out" ] || fail "EACCES: OUTDIR appeared"
echo "ok: OUTDIR not writable by the dropped user: exit 4 ($(head -1 "$LAB_RUN/eacces.log"))"
echo "check-run-files: all passed"
