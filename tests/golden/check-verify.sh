#!/bin/sh
# The verifier against captures made two independent ways:
#  1. scapy builds probes and answers from the tag format alone
#     (verify/make_captures.py), over an IPv4 and an IPv6 underlay; every
#     observation, signature and the capture counters must equal
#     verify/expected-scapy*.txt, read as pcap, pcapng and nanosecond pcap alike;
#  2. the crafter's probes answered by a scripted reference endpoint
#     (verify/responder.c over ref/'s profiles), for every suite in
#     expected-verdicts/ and all six profiles: each case's verdict must equal
#     the table the suites were written against;
#  3. the endpoint block of the interop layouts suite, per profile, equals
#     verify/expected-endpoints.txt;
#  4. a host stack answering beside the datapath (responder --both): every
#     delivered probe also carries its ICMP 3/2, delivered still decides;
#  5. hostile input: 40 editcap-mutated captures give an exit code and a
#     report, never a crash; a cut capture file is invalid input (2);
#  6. as root with namespaces: the scapy capture replayed over a veth pair is
#     captured whole by verify/capture.c, nothing dropped, foreign traffic
#     filtered out.
# Env: NVGRECT (binary), BUILD (its build dir). Exit 77 without scapy/jq/cc.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${NVGRECT:-$root/build/nvgrect}
build=${BUILD:-$root/build}
g=$here/verify
py=/usr/bin/python3
fail=0
export TZ=UTC LC_ALL=C

. "$root/tests/lib/need.sh"
need_tool jq cc
need_py "$py" scapy

tmp=$(mktemp -d /tmp/nvt-verify-golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

bad() {
	echo "FAIL: $*"
	fail=1
}

# The responder links the library as built (sanitized builds need the flags).
san=""
if nm "$build/libnvgrect.a" 2>/dev/null | grep -q __asan_init; then
	san="-fsanitize=address,undefined -fno-omit-frame-pointer"
fi
# shellcheck disable=SC2046,SC2086
cc -std=c11 -D_DEFAULT_SOURCE -I"$root/include" -O1 -g $san -o "$tmp/responder" \
	"$g/responder.c" "$build/libnvgrect.a" $(pkg-config --libs libpcap yaml-0.1) \
	-lnet -lcap-ng -lm -lpthread || { echo "FAIL: responder does not build"; exit 1; }

cd "$root"
lab=suites/duts/lab.yaml

# --- 1. scapy ---------------------------------------------------------------
# scapy_case NAME SUITE DUT [--v6]: capture, verify, compare with expected-NAME.txt
scapy_case() {
	name=$1 suite=$2 dut=$3
	shift 3
	$py "$g/make_captures.py" "$tmp/$name.pcap" 1 "$@"
	rc=0
	"$bin" verify "$suite" --dut "$dut" -r "$tmp/$name.pcap" -o "$tmp/o-$name" -q || rc=$?
	[ "$rc" -eq 0 ] || bad "$name capture: exit $rc, want 0"
	jq -r '.cases[].probes[] | "\(.frame) \(.observation) \(.signature) \(.also_signature // "-") \(.duplicates)"' \
		"$tmp/o-$name/report.json" > "$tmp/got-$name.txt"
	grep -v '^#' "$g/expected-$name.txt" | grep -v '^stats' > "$tmp/want-$name.txt"
	if ! diff -u "$tmp/want-$name.txt" "$tmp/got-$name.txt"; then
		bad "$name capture: observations differ (above)"
	fi
	want=$(grep '^stats' "$g/expected-$name.txt" | cut -d' ' -f3)
	got=$(jq -r '.summary.capture.unsolicited' "$tmp/o-$name/report.json")
	[ "$want" = "$got" ] || bad "$name capture: unsolicited $got, want $want"
	echo "$name capture: $(wc -l < "$tmp/got-$name.txt") observations checked"
}
scapy_case scapy "$g/golden.yaml" $lab
scapy_case scapy6 "$g/golden6.yaml" suites/duts/lab6.yaml --v6
# the same capture as pcapng and as nanosecond pcap reads the same
if command -v editcap >/dev/null 2>&1; then
	for fmt in pcapng nsecpcap; do
		editcap -F $fmt "$tmp/scapy.pcap" "$tmp/scapy.$fmt"
		"$bin" verify "$g/golden.yaml" --dut $lab -r "$tmp/scapy.$fmt" -o "$tmp/o-$fmt" -q || true
		jq -r '.cases[].probes[] | "\(.frame) \(.observation) \(.signature) \(.also_signature // "-") \(.duplicates)"' \
			"$tmp/o-$fmt/report.json" > "$tmp/got-$fmt.txt"
		cmp -s "$tmp/got-scapy.txt" "$tmp/got-$fmt.txt" || bad "scapy capture as $fmt reads differently"
	done
fi

# --- 2. crafter + scripted responder vs the expected-verdict tables ----------
ncmp=0
for f in tests/golden/expected-verdicts/*.txt; do
	suite=$(sed -n 's/^# suite: *//p' "$f")
	dut=$(sed -n 's/^# dut: *//p' "$f")
	[ -n "$suite" ] && [ -n "$dut" ] || continue
	n=$(basename "$f" .txt)
	"$bin" gen "$suite" --dut "$dut" -w "$tmp/$n.pcap" >/dev/null 2>&1 || {
		bad "$n: gen failed"
		continue
	}
	for prof in rfc7637 ws2012-rtm ws2012r2 linux-gretap ovs-gre sloppy-sender; do
		"$tmp/responder" "$prof" "$dut" "$tmp/$n.pcap" "$tmp/$n-$prof.pcap" ||
			{ bad "$n $prof: responder failed"; continue; }
		rc=0
		"$bin" verify "$suite" --dut "$dut" -r "$tmp/$n-$prof.pcap" -o "$tmp/o-$n-$prof" -q || rc=$?
		case $rc in 0|1|3) ;; *) bad "$n $prof: verify exit $rc"; continue ;; esac
		jq -r '.cases[] | "\(.id) \(.verdict)"' "$tmp/o-$n-$prof/report.json" > "$tmp/v.txt"
		grep -v '^#' "$f" | grep -v '^ *$' | while read -r id rest; do
			want=$(echo "$rest" | tr ' ' '\n' | sed -n "s/^$prof=//p")
			got=$(sed -n "s/^$id //p" "$tmp/v.txt")
			[ "$want" = "$got" ] || echo "$n $prof $id: verdict $got, want $want"
		done >> "$tmp/verdict-diffs.txt"
		ncmp=$((ncmp + 1))
	done
done
if [ -s "$tmp/verdict-diffs.txt" ]; then
	cat "$tmp/verdict-diffs.txt"
	bad "verdicts differ from tests/golden/expected-verdicts (above)"
fi
echo "crafter + responder: $ncmp suite x profile captures judged"

# --- 3. endpoint blocks ------------------------------------------------------
"$bin" gen suites/interop/layouts.yaml --dut $lab -w "$tmp/lay.pcap" >/dev/null 2>&1
grep -v '^#' "$g/expected-endpoints.txt" | while read -r prof want; do
	"$tmp/responder" "$prof" $lab "$tmp/lay.pcap" "$tmp/lay-$prof.pcap"
	"$bin" verify suites/interop/layouts.yaml --dut $lab -r "$tmp/lay-$prof.pcap" \
		-o "$tmp/olay-$prof" -q || true
	got=$(jq -c .endpoint "$tmp/olay-$prof/report.json")
	[ "$got" = "$want" ] || echo "endpoint $prof: $got, want $want"
done > "$tmp/ep-diffs.txt"
if [ -s "$tmp/ep-diffs.txt" ]; then
	cat "$tmp/ep-diffs.txt"
	bad "endpoint blocks differ"
fi

# --- 4. reply and ICMP both --------------------------------------------------
"$tmp/responder" ws2012r2 $lab "$tmp/lay.pcap" "$tmp/both.pcap" --both
"$bin" verify suites/interop/layouts.yaml --dut $lab -r "$tmp/both.pcap" -o "$tmp/o-both" -q || true
nd=$(jq '[.cases[].probes[] | select(.observation == "delivered")] | length' "$tmp/o-both/report.json")
nb=$(jq '[.cases[].probes[] | select(.observation == "delivered" and .also_rejected and .also_signature == "icmp-3-2")] | length' \
	"$tmp/o-both/report.json")
[ "$nd" -gt 0 ] && [ "$nd" = "$nb" ] || bad "--both: $nb of $nd delivered probes carry icmp-3-2"

# --- 5. hostile captures -----------------------------------------------------
if command -v editcap >/dev/null 2>&1; then
	i=1
	while [ $i -le 40 ]; do
		editcap -E 0.05 --seed $i "$tmp/lay-ws2012r2.pcap" "$tmp/m.pcap" 2>/dev/null
		rc=0
		"$bin" verify suites/interop/layouts.yaml --dut $lab -r "$tmp/m.pcap" -o "$tmp/o-m" \
			--force -q >/dev/null 2>"$tmp/m.err" || rc=$?
		case $rc in 0|1|3) ;; *) bad "mutant seed $i: exit $rc: $(head -c 200 "$tmp/m.err")" ;; esac
		i=$((i + 1))
	done
fi
head -c 1000 "$tmp/scapy.pcap" > "$tmp/cut.pcap"
rc=0
"$bin" verify "$g/golden.yaml" --dut $lab -r "$tmp/cut.pcap" -o "$tmp/o-cut" -q 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || bad "cut capture file: exit $rc, want 2 (invalid input)"

# --- 6. live capture (root, namespaces, tcpreplay) ---------------------------
# The scapy capture replayed over a veth pair into verify/capture.c with the
# DUT file's default filter: every frame arrives, none dropped; a frame
# between two other hosts is filtered out.
if [ "$(id -u)" -eq 0 ] && command -v tcpreplay >/dev/null 2>&1 &&
	ip netns add "nvt-verify-$$-a" 2>/dev/null; then
	na=nvt-verify-$$-a
	nb=nvt-verify-$$-b
	trap 'ip netns del $na 2>/dev/null; ip netns del $nb 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
	ip netns add $nb
	ip link add vca netns $na type veth peer name vcb netns $nb
	ip -n $na link set vca up
	ip -n $nb link set vcb up
	# shellcheck disable=SC2046,SC2086
	cc -std=c11 -D_DEFAULT_SOURCE -I"$root/include" -O1 -g $san -o "$tmp/capdrv" \
		"$g/capdrv.c" "$build/libnvgrect.a" $(pkg-config --libs libpcap yaml-0.1) \
		-lnet -lcap-ng -lm -lpthread
	$py - "$tmp/scapy.pcap" "$tmp/live.pcap" <<'PY'
import sys
from scapy.all import Ether, IP, UDP, rdpcap, wrpcap
p = rdpcap(sys.argv[1])
p.append(Ether() / IP(src="198.18.0.1", dst="198.18.0.2") / UDP())   # not the DUT's
wrpcap(sys.argv[2], p)
PY
	want=$(jq '.summary.capture.captured' "$tmp/o-scapy/report.json")
	timeout 20 ip netns exec $nb "$tmp/capdrv" vcb 3000 "$root/$lab" > "$tmp/live.out" 2>&1 &
	cpid=$!
	i=0
	while ! grep -q ready "$tmp/live.out" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	# --topspeed: the capture's own gaps (seconds, and the foreign frame's
	# timestamp) must not set the pace; timeout: never hang a test run
	timeout 20 ip netns exec $na tcpreplay -q --topspeed -i vca "$tmp/live.pcap" \
		>/dev/null 2>&1 || bad "tcpreplay failed"
	wait $cpid || bad "capdrv failed: $(cat "$tmp/live.out")"
	got=$(sed -n 's/^captured \([0-9]*\) .* dropped \([0-9]*\) .*/\1 \2/p' "$tmp/live.out")
	[ "$got" = "$want 0" ] || bad "live capture: '$got' (captured dropped), want '$want 0'"
	echo "live capture: $got (captured dropped) of $want DUT frames + 1 foreign"
fi

[ $fail -eq 0 ] && echo "verify goldens: ok"
exit $fail
