#!/bin/sh
# check-signals.sh - SIGINT/SIGTERM stop a run within 1 s with exit 130/143,
# a valid partial report (interrupted: true) and pcaps readable to their last
# record, with the capture busy or idle; kill -9 never leaves a half-written
# file under a final name; OUTDIR is never overwritten without --force
# (issue 8 §5).
set -eu
. "$(dirname "$0")/run-lib.sh"
kernel_dut_up sig
tmp=$LAB_RUN
SUITE=$E2E_DATA/run-long.yaml

start_run() {   # start_run OUTDIR SUITE EXTRA-OPTIONS... (pid in $pid)
	out=$1 suite=$2
	name=$(basename "$out")
	shift 2
	lab_spawn "$LAB_NS_T" "$name" "$NVGRECT" run "$suite" --dut "$DUT" -o "$out" \
		--user nobody "$@"
	pid=$(cat "$LAB_RUN/$name.pid")
}

# interrupt LABEL SIGNAL WANT-EXIT DELAY-S SUITE RUN-OPTIONS...
interrupt() {
	label=$1 sig=$2 want=$3 delay=$4 suite=$5
	shift 5
	out=$tmp/w/$label
	start_run "$out" "$suite" "$@"
	sleep "$delay"
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/$label.log"; fail "$label: run ended before the signal"; }
	t0=$(now_ms)
	kill -"$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	t1=$(now_ms)
	rm -f "$LAB_RUN/$(basename "$out").pid"
	pid=
	took=$((t1 - t0))
	[ "$rc" -eq "$want" ] || { cat "$tmp/$label.log"; fail "$label: exit $rc, want $want"; }
	[ "$took" -le 1000 ] || fail "$label: stopped after $took ms (> 1000)"
	jq -e '.interrupted == true and .schema == "nvgrect-report/1"' "$out/report.json" \
		>/dev/null || fail "$label: report.json not a valid interrupted report"
	xmllint --noout "$out/report.xml" || fail "$label: report.xml is not well-formed"
	for p in probes capture; do
		pcap_ok "$out/$p.pcapng" || fail "$label: $p.pcapng unreadable"
	done
	sent=$(pcap_count "$out/probes.pcapng")
	echo "ok: $label: SIG$sig -> exit $rc in $took ms; $sent probes in probes.pcapng;" \
		"report.json interrupted, report.xml well-formed, pcaps readable"
	eval "${label}_sent=$sent"
}

# Busy: probes going out every 5 ms, answers coming in.
interrupt busy_int INT 130 1.5 "$SUITE" --timeout 1
[ "$busy_int_sent" -gt 0 ] && [ "$busy_int_sent" -lt 2001 ] ||
	fail "busy_int: $busy_int_sent probes recorded, want a partial run"
# LONG-02 was never sent: inconclusive, not silent-and-judged.
jq -e '.cases[] | select(.id == "LONG-02") | .verdict == "inconclusive"' \
	"$tmp/w/busy_int/report.json" >/dev/null ||
	fail "busy_int: the case never sent is not inconclusive"
interrupt busy_term TERM 143 1.5 "$SUITE" --timeout 1
# Idle: every probe sent, waiting out a long timeout with nothing arriving.
interrupt idle_int INT 130 2 "$E2E_DATA/run-mini.yaml" --timeout 30

# No overwrite without --force: exit 2 and every file byte-identical.
sums() { (cd "$1" && sha256sum ./*); }
before=$(sums "$tmp/w/idle_int")
rc=0
lab_t "$NVGRECT" run "$E2E_DATA/run-mini.yaml" --dut "$DUT" \
	-o "$tmp/w/idle_int" --timeout 0.2 >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "existing OUTDIR without --force: exit $rc, want 2"
[ "$(sums "$tmp/w/idle_int")" = "$before" ] || fail "existing OUTDIR changed without --force"
rc=0
lab_t "$NVGRECT" run "$E2E_DATA/run-mini.yaml" --dut "$DUT" \
	-o "$tmp/w/idle_int" --timeout 0.2 --force --user nobody >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "--force into an existing OUTDIR: exit $rc"
jq -e '.interrupted == false' "$tmp/w/idle_int/report.json" >/dev/null ||
	fail "--force did not replace the report"
echo "ok: existing OUTDIR: exit 2 and untouched without --force, replaced with it"

# kill -9 at several points: whatever has a final name is complete.
i=0
for delay in 0.05 0.2 0.6 1.2 1.9; do
	i=$((i + 1))
	out=$tmp/w/k9-$i
	start_run "$out" "$E2E_DATA/run-mini.yaml" --timeout 1.5
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$LAB_RUN/$(basename "$out").pid"
	pid=
	[ -d "$out" ] || continue
	for f in report.json report.xml report.md report.html; do
		[ -e "$out/$f" ] || continue
		[ -s "$out/$f" ] || fail "kill -9 at ${delay}s: empty $f under its final name"
	done
	[ ! -e "$out/report.json" ] || jq -e . "$out/report.json" >/dev/null ||
		fail "kill -9 at ${delay}s: half-written report.json"
	[ ! -e "$out/report.xml" ] || xmllint --noout "$out/report.xml" ||
		fail "kill -9 at ${delay}s: half-written report.xml"
	for p in probes capture; do
		[ ! -e "$out/$p.pcapng" ] || pcap_ok "$out/$p.pcapng" ||
			fail "kill -9 at ${delay}s: half-written $p.pcapng"
	done
	echo "ok: kill -9 at ${delay}s: final names: $(cd "$out" && ls | grep -v '^\.' | grep -v tmp | tr '\n' ' ')"
done
echo "check-signals: all passed"
