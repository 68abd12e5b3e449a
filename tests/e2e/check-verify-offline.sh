#!/bin/sh
# check-verify-offline.sh - `nvgrect verify` re-scores a run's own files to
# the live verdicts. isolation.yaml runs live against `nvgrect ref` (one
# profile after another, lab-alias DUT file: blue and red share their CAs,
# so several ARP probes ask for the same address and only send times tell
# their replies apart). Then, offline:
#   -r capture.pcapng alone     (send times estimated from the plan)
#   -r probes.pcapng -r capture.pcapng   (send times from our own probes)
# Both must give every case the live verdict, and the same endpoint block.
# capture.pcapng alone can only be re-attributed if the live run kept close
# to its plan: a send held up by a loaded machine, plus a slow answer,
# beyond the probe spacing makes an ARP reply look like the next probe's
# (the estimate knows the plan, not the stall). That comparison is skipped,
# with a note, for a profile whose live run was late + slow by more than
# STALL_MAX_MS (default 80; the suite spaces its probes 100 ms apart).
#
#   sh tests/e2e/check-verify-offline.sh [PROFILE...]
set -eu
. "$(dirname "$0")/run-lib.sh"
need_tool jq
PROFILES=${*:-rfc7637 ws2012-rtm ws2012r2 linux-gretap ovs-gre}
SUITE=$LAB_TOP/suites/rfc7637/isolation.yaml
ALIAS=$LAB_TOP/suites/duts/lab-alias.yaml

lab_need_root
lab_init voff
lab_up
W=$LAB_RUN/w
mkdir -p "$W"
need_tool tshark
STALL_MAX_MS=${STALL_MAX_MS:-80}
compared=0

# The plan's own schedule: gen pins file timestamps to it.
"$NVGRECT" gen "$SUITE" --dut "$ALIAS" -w "$W/plan.pcapng" >/dev/null
tshark -r "$W/plan.pcapng" -T fields -e frame.time_relative >"$W/plan.t" 2>/dev/null

# stall_ms DIR: the latest live send behind the plan plus the slowest
# answer to an ARP probe, in whole milliseconds.
stall_ms() {
	tshark -r "$1/live/probes.pcapng" -T fields -e frame.time_relative 2>/dev/null |
		paste "$W/plan.t" - |
		awk '{ d = ($2 - $1) * 1000; if (d > m) m = d } END { printf "%d\n", m }' >"$1/late"
	jq '[.cases[].probes[]? | .rtt_ms // 0] | max // 0 | floor' \
		"$1/live/report.json" >"$1/rtt"
	echo $(($(cat "$1/late") + $(cat "$1/rtt")))
}

# verdicts FILE: "ID verdict" per case, then the endpoint block, one line.
verdicts() {
	jq -r '(.cases[] | "\(.id) \(.verdict)"), (.endpoint | tojson)' "$1"
}

same() {    # same LABEL WANT GOT
	if ! diff "$2" "$3" >"$3.diff"; then
		cat "$3.diff" >&2
		fail "$1: verdicts differ from the live run (< live, > offline)"
	fi
}

for prof in $PROFILES; do
	d=$W/$prof
	mkdir -p "$d"
	lab_ref_start "$prof" "$ALIAS" >"$d/ref-start.log" 2>&1 ||
		fail "$prof: nvgrect ref did not start"
	rc=0
	lab_t "$NVGRECT" run "$SUITE" --dut "$ALIAS" -o "$d/live" --timeout 1 \
		>"$d/live.log" 2>&1 || rc=$?
	lab_ref_stop
	case $rc in 0|1) ;; *) cat "$d/live.log" >&2; fail "$prof: live run exited $rc" ;; esac
	verdicts "$d/live/report.json" >"$d/live.txt"
	grep -q '^ISO-05 ' "$d/live.txt" || fail "$prof: no ISO-05 in the live report"

	stall=$(stall_ms "$d")
	hows=both
	if [ "$stall" -le "$STALL_MAX_MS" ]; then
		hows="capture both"
		compared=$((compared + 1))
	else
		echo "note: $prof: the live run was $(cat "$d/late") ms late and answers took up to" \
			"$(cat "$d/rtt") ms: capture.pcapng alone not compared"
	fi
	for how in $hows; do
		files="-r $d/live/capture.pcapng"
		[ "$how" = both ] && files="-r $d/live/probes.pcapng $files"
		rc=0
		# shellcheck disable=SC2086  # $files: the -r options, word-split on purpose
		"$NVGRECT" verify "$SUITE" --dut "$ALIAS" $files --timeout 1 \
			-o "$d/$how" >"$d/$how.out" 2>"$d/$how.err" || rc=$?
		case $rc in 0|1) ;; *) cat "$d/$how.err" >&2; fail "$prof $how: verify exited $rc" ;; esac
		verdicts "$d/$how/report.json" >"$d/$how.txt"
		same "$prof -r $how" "$d/live.txt" "$d/$how.txt"
	done
	if [ -f "$d/capture.err" ]; then
		grep -q 'estimated from the plan' "$d/capture.err" ||
			fail "$prof: capture alone: no note that send times were estimated"
	fi
	! grep -q 'estimated' "$d/both.err" ||
		fail "$prof: probes + capture: send times estimated although the probes were given"
	echo "ok: $prof: live and offline ($hows) agree (stall $stall ms):" \
		"$(grep '^ISO-' "$d/live.txt" | tr '\n' ' ')"
done

# Order does not matter: the files are merged by timestamp.
d=$W/$(echo "$PROFILES" | awk '{ print $1 }')
"$NVGRECT" verify "$SUITE" --dut "$ALIAS" -r "$d/live/capture.pcapng" \
	-r "$d/live/probes.pcapng" --timeout 1 -o "$d/swapped" -q 2>/dev/null || true
verdicts "$d/swapped/report.json" >"$d/swapped.txt"
same "files swapped" "$d/live.txt" "$d/swapped.txt"
echo "ok: -r capture -r probes gives the same verdicts"
[ "$compared" -gt 0 ] ||
	echo "note: every live run stalled: capture.pcapng alone was compared on no profile"
echo "check-verify-offline: all passed"
