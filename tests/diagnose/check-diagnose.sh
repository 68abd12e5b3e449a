#!/bin/sh
# check-diagnose.sh - `nvgrect diagnose` on captures made independently by
# scapy (make_captures.py): inferred layouts, top finding, cited frames, exit
# code; reports written with -o; hostile and broken files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
NVGRECT=${NVGRECT:-$here/../../nvgrect}
PY=/usr/bin/python3
. "$here/../lib/need.sh"
need_py $PY scapy
tmp=$(mktemp -d /tmp/nvt-diagnose-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
$PY "$here/make_captures.py" "$tmp/cap" >/dev/null
fail=0
pass=0
for name in $($PY -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))))' "$tmp/cap/expect.json"); do
	file=$($PY -c 'import json,sys; e=json.load(open(sys.argv[1]))[sys.argv[2]]; print(e["file"])' "$tmp/cap/expect.json" "$name")
	dut=$($PY -c 'import json,sys; e=json.load(open(sys.argv[1]))[sys.argv[2]]; print(e.get("dut",""))' "$tmp/cap/expect.json" "$name")
	set -- "$tmp/cap/$file" --json
	[ -n "$dut" ] && set -- "$@" --dut "$tmp/cap/$dut"
	rc=0
	"$NVGRECT" diagnose "$@" >"$tmp/$name.json" 2>"$tmp/$name.err" || rc=$?
	if $PY "$here/check_expect.py" "$tmp/cap/expect.json" "$name" "$tmp/$name.json" "$rc"; then
		pass=$((pass + 1))
	else
		echo "FAIL: diagnose $name (stderr: $(head -c 300 "$tmp/$name.err"))"
		fail=1
	fi
done

# terminal output: nothing from a packet or a file name reaches the tty raw
ctl="$tmp/cap/$(printf 'ctl\033[31m')x.pcap"
cp "$tmp/cap/control-chars.pcap" "$ctl"
"$NVGRECT" diagnose "$ctl" >"$tmp/ctl.txt" 2>&1 || true
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/ctl.txt"; then
	echo "FAIL: raw ESC on the terminal"; fail=1
fi

# -o writes the three reports; a second run without --force refuses
"$NVGRECT" diagnose "$tmp/cap/incident-at-draft00.pcap" -o "$tmp/out" >/dev/null || true
for f in report.json report.md report.html; do
	[ -s "$tmp/out/$f" ] || { echo "FAIL: -o did not write $f"; fail=1; }
done
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["diagnosis"]["findings"][0]["code"]=="layout-mismatch"' \
	"$tmp/out/report.json" || { echo "FAIL: report.json top finding"; fail=1; }
grep -q 'bring 192.0.2.1 to RFC 7637' "$tmp/out/report.md" || { echo "FAIL: report.md lacks the fix"; fail=1; }
grep -q '<li><span class="critical">CRITICAL</span>' "$tmp/out/report.html" || { echo "FAIL: report.html"; fail=1; }
rc=0; "$NVGRECT" diagnose "$tmp/cap/incident-at-draft00.pcap" -o "$tmp/out" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { echo "FAIL: reuse of a full OUTDIR without --force exited $rc, expected 2"; fail=1; }
rc=0; "$NVGRECT" diagnose "$tmp/cap/incident-at-draft00.pcap" -o "$tmp/out" --force >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL: --force exited $rc, expected 1"; fail=1; }

# bad input: exit 2 with a message, never a crash
printf 'this is not a capture at all\n' >"$tmp/garbage.pcap"
: >"$tmp/empty.pcap"
for f in "$tmp/garbage.pcap" "$tmp/empty.pcap" "$tmp/does-not-exist.pcap"; do
	rc=0; "$NVGRECT" diagnose "$f" >/dev/null 2>"$tmp/bad.err" || rc=$?
	if [ "$rc" -ne 2 ] || ! [ -s "$tmp/bad.err" ]; then
		echo "FAIL: $(basename "$f"): exit $rc, expected 2 with a message"; fail=1
	fi
done
# a capture that is not Ethernet (raw IP, link type 101) is refused clearly
$PY -c 'import struct,sys; f=open(sys.argv[1],"wb"); f.write(struct.pack("<IHHiIII",0xa1b2c3d4,2,4,0,0,65535,101)); f.write(struct.pack("<IIII",0,0,20,20)+bytes(20))' "$tmp/raw.pcap"
rc=0; "$NVGRECT" diagnose "$tmp/raw.pcap" >/dev/null 2>"$tmp/raw.err" || rc=$?
if [ "$rc" -ne 2 ] || ! grep -q "link type 101" "$tmp/raw.err"; then
	echo "FAIL: raw-IP capture: exit $rc, expected 2 naming the link type"; fail=1
fi
# a broken DUT file: exit 2 with path:line:col
printf 'name: x\ntenants: [\n' >"$tmp/bad-dut.yaml"
rc=0; "$NVGRECT" diagnose "$tmp/cap/healthy-rfc7637.pcap" --dut "$tmp/bad-dut.yaml" >/dev/null 2>"$tmp/dut.err" || rc=$?
if [ "$rc" -ne 2 ] || ! grep -q "bad-dut.yaml:[0-9]*:[0-9]*" "$tmp/dut.err"; then
	echo "FAIL: broken DUT file: exit $rc, expected 2 with path:line:col"; fail=1
fi
rc=0; "$NVGRECT" diagnose >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { echo "FAIL: no argument exited $rc"; fail=1; }
# a capture cut in the middle of a record: what was read is diagnosed
size=$(wc -c <"$tmp/cap/incident-at-draft00.pcap")
head -c $((size - 30)) "$tmp/cap/incident-at-draft00.pcap" >"$tmp/cut.pcap"
rc=0; "$NVGRECT" diagnose "$tmp/cut.pcap" --json >"$tmp/cut.json" 2>&1 || rc=$?
if [ "$rc" -ne 1 ] || ! grep -q '"capture-damaged"' "$tmp/cut.json"; then
	echo "FAIL: cut capture: exit $rc, expected 1 with a capture-damaged finding"; fail=1
fi

# mutated captures (editcap -E, as Wireshark's fuzz-test.sh does): findings or
# a clear error, never a crash
if command -v editcap >/dev/null; then
	seed=1
	for f in incident-at-draft00.pcap mixed-estate.pcapng flowid-intolerant.pcap; do
		for i in 1 2 3 4 5 6 7 8 9 10; do
			editcap -E 0.02 --seed $seed "$tmp/cap/$f" "$tmp/mut.pcap" >/dev/null 2>&1 || continue
			seed=$((seed + 1))
			rc=0; "$NVGRECT" diagnose "$tmp/mut.pcap" >/dev/null 2>&1 || rc=$?
			if [ "$rc" -gt 2 ]; then
				cp "$tmp/mut.pcap" "/tmp/nvt-diagnose-crash-$seed.pcap"
				echo "FAIL: mutant of $f (seed $seed) exited $rc: kept /tmp/nvt-diagnose-crash-$seed.pcap"; fail=1
			fi
		done
	done
fi

# memory is bounded: a 30 MB capture (210 k frames) stays under 32 MiB resident
if [ -x /usr/bin/time ]; then
	$PY "$here/make_big.py" "$tmp/cap/mixed-estate.pcapng" "$tmp/big.pcap" 30000000 >/dev/null
	/usr/bin/time -f '%M' -o "$tmp/rss" "$NVGRECT" diagnose "$tmp/big.pcap" >/dev/null 2>&1 || true
	rss=$(tail -1 "$tmp/rss")
	if [ "$rss" -gt 32768 ]; then
		echo "FAIL: 30 MB capture took $rss KiB resident (bound: 32 MiB)"; fail=1
	fi
	rm -f "$tmp/big.pcap"
fi

echo "check-diagnose: $pass scenarios passed"
exit $fail
