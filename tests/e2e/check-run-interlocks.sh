#!/bin/sh
# check-run-interlocks.sh - the interlocks hold for `nvgrect run` as for
# `gen -i` (issue 8 §7): an interface that does not exist, or that holds the
# default route (without --allow-default-route), is refused with exit 2
# before anything is sent or written; every probe frame goes to dut.pa.
set -eu
. "$(dirname "$0")/run-lib.sh"
kernel_dut_up lock

refused() {   # refused LABEL DUTFILE OUTDIR [OPTIONS...]
	label=$1 dutf=$2 out=$3
	shift 3
	rc=0
	lab_t "$NVGRECT" run "$E2E_DATA/run-mini.yaml" --dut "$dutf" -o "$out" --timeout 0.2 \
		"$@" >"$LAB_RUN/$label.log" 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || { cat "$LAB_RUN/$label.log" >&2; fail "$label: exit $rc, want 2"; }
	[ ! -e "$out" ] || fail "$label: OUTDIR created although refused"
	echo "ok: $label: refused, exit 2 ($(head -1 "$LAB_RUN/$label.log"))"
}

sed "s/^  iface: .*/  iface: nvt-nosuch0/" "$DUT" >"$LAB_RUN/noiface.yaml"
refused no-iface "$LAB_RUN/noiface.yaml" "$W/noiface"

ip -n "$LAB_NS_T" route add default via "$LAB_DUT_PA" dev "$LAB_TESTER_IF"
refused default-route "$DUT" "$W/defroute"
rc=0
lab_t "$NVGRECT" run "$E2E_DATA/run-mini.yaml" --dut "$DUT" -o "$W/allowed" --timeout 0.2 \
	--allow-default-route >"$LAB_RUN/allowed.log" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$LAB_RUN/allowed.log" >&2; fail "--allow-default-route: exit $rc"; }
echo "ok: --allow-default-route: the run goes ahead"
ip -n "$LAB_NS_T" route del default

# Every probe frame: outer destination dut.pa, nothing else.
other=$(tshark -r "$W/allowed/probes.pcapng" -Y "!(ip.dst == $LAB_DUT_PA)" 2>/dev/null | wc -l)
all=$(tshark -r "$W/allowed/probes.pcapng" 2>/dev/null | wc -l)
[ "$all" -gt 0 ] && [ "$other" -eq 0 ] ||
	fail "probes.pcapng: $other of $all frames not to $LAB_DUT_PA"
echo "ok: all $all probe frames to $LAB_DUT_PA"
echo "check-run-interlocks: all passed"
