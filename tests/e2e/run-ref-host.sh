#!/bin/sh
# run-ref-host.sh PROFILE DUTFILE OUTDIR - one reference host and a run
# against it (`make demo`, check-run-ref.sh): a throwaway namespace pair
# (lab.sh), `nvgrect ref --profile PROFILE` serving as the DUT the file
# describes, and `nvgrect run` of the interop suite against it into OUTDIR
# (its output in OUTDIR.log). Several may run at once. Removes its
# namespaces and stops the endpoint on exit, also on failure.
set -eu
prof=$1 dut=$2 out=$3
. "$(dirname "$0")/lab.sh"
lab_need_root
lab_init "rh-$prof"
lab_up
name=$(sed -n 's/^name:[[:space:]]*//p' "$dut")
if ! lab_ref_start "$prof" "$dut" >/dev/null 2>&1; then
	cat "$LAB_RUN/ref.log" >&2
	echo "$name: the reference endpoint did not start" >&2
	exit 1
fi
rc=0
lab_t "$NVGRECT" run "$LAB_TOP/suites/interop/layouts.yaml" --dut "$dut" -o "$out" \
	--timeout 1 --force >"$out.log" 2>&1 || rc=$?
lab_ref_stop >/dev/null
if [ "$rc" -ne 0 ]; then
	cat "$out.log" >&2
	echo "$name: nvgrect run exited $rc" >&2
	exit 1
fi
echo "  $name ($prof): $(jq -r '.endpoint | "accepts \(.accepts | join(",")); emits \(.emits // "nothing"); rejects the rest with \([.rejects[]] | unique | join(","))"' "$out/report.json")"
