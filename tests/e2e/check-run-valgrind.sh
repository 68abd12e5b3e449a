#!/bin/sh
# check-run-valgrind.sh - an end-to-end `nvgrect run` under valgrind memcheck
# (issue 8 §2): MAC resolution in both layouts, paced sends, capture,
# verification and every report, against the ws2012-rtm reference endpoint.
# Bar: 0 errors, 0 bytes definitely or indirectly lost.
set -eu
. "$(dirname "$0")/run-lib.sh"
need_tool valgrind
lab_need_root
lab_init vg
lab_up
lab_ref_start ws2012-rtm || fail "reference endpoint did not start"
sed 's/^\(    vm_mac:\).*/\1 auto/' "$LAB_DUT_FILE" >"$LAB_RUN/auto.yaml"
chmod 755 "$LAB_RUN"
mkdir -m 1777 "$LAB_RUN/w"
rc=0
lab_t valgrind -q --vgdb=no --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=99 "$NVGRECT" run "$E2E_DATA/run-mini.yaml" --dut "$LAB_RUN/auto.yaml" \
	-o "$LAB_RUN/w/out" --timeout 1 --user nobody >"$LAB_RUN/vg.log" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$LAB_RUN/vg.log" >&2; fail "valgrind run exited $rc"; }
jq -e '.summary.cases == 2' "$LAB_RUN/w/out/report.json" >/dev/null || fail "no full report"
echo "ok: run under memcheck: 0 errors, 0 bytes definitely/indirectly lost"
echo "check-run-valgrind: all passed"
