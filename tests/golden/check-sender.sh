#!/bin/sh
# The DUT as a sender, end to end offline: the cases that judge the DUT's own
# frames (KEY-05, FLOW-01, INNER-02, INNER-03, FRAG-01, `expect: sender:`)
# against the rfc7637 reference profile (clean) and sloppy-sender (faulty),
# answered by the scripted responder (verify/responder.c). scapy, an
# independent reader, first confirms what each capture really holds: the
# faults sloppy-sender promises (S=1, inner 802.1Q VID 100, an inner FCS equal
# to zlib's CRC-32, FlowID 0x5a, outer fragments) and none of them from
# rfc7637. Then the verdicts must follow: all pass for rfc7637; for
# sloppy-sender KEY-05 fail (s_bit), FLOW-01 warn (flowid), INNER-02 fail
# (inner_vlan), INNER-03 warn (inner_fcs), FRAG-01 fail (outer_fragment).
# Env: NVGRECT, BUILD. Exit 77 without scapy, jq or cc.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${NVGRECT:-$root/build/nvgrect}
build=${BUILD:-$root/build}
py=/usr/bin/python3
export TZ=UTC LC_ALL=C

. "$root/tests/lib/need.sh"
need_tool jq cc
need_py "$py" scapy

tmp=$(mktemp -d /tmp/nvt-sender-golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
bad() {
	echo "check-sender: FAIL: $*"
	fail=1
}

san=""
if nm "$build/libnvgrect.a" 2>/dev/null | grep -q __asan_init; then
	san="-fsanitize=address,undefined -fno-omit-frame-pointer"
fi
# shellcheck disable=SC2046,SC2086
cc -std=c11 -D_DEFAULT_SOURCE -I"$root/include" -O1 -g $san -o "$tmp/responder" \
	"$here/verify/responder.c" "$build/libnvgrect.a" $(pkg-config --libs libpcap yaml-0.1) \
	-lnet -lcap-ng -lm -lpthread || { echo "check-sender: FAIL: responder does not build"; exit 1; }

cd "$root"
dut=suites/duts/lab.yaml
areas="key-layout flowid inner-frame fragmentation"

# scapy's account of the DUT's (192.0.2.2's) NVGRE frames in one capture
cat >"$tmp/facts.py" <<'EOF'
import sys, zlib
from scapy.all import rdpcap, IP, GRE, Ether, Dot1Q, Raw
n = s = vlan = fcs = frag = 0
flowids = set()
for pkt in rdpcap(sys.argv[1]):
    if IP not in pkt or pkt[IP].src != "192.0.2.2" or pkt[IP].proto != 47:
        continue
    ip = pkt[IP]
    if ip.flags.MF or ip.frag:
        frag += 1
        if ip.frag:
            continue                    # the tail holds no GRE header
    n += 1
    gre_bytes = bytes(ip.payload)[: ip.len - ip.ihl * 4]
    flags = gre_bytes[0] << 8 | gre_bytes[1]
    hl = 8 + (4 if flags & 0x1000 else 0) + (4 if flags & 0x8000 else 0)
    s += bool(flags & 0x1000)
    flowids.add(gre_bytes[7])
    inner = gre_bytes[hl:]
    vlan += inner[12:14] == b"\x81\x00" and (int.from_bytes(inner[14:16], "big") & 0xfff) == 100
    if not ip.flags.MF and len(inner) > 18:
        fcs += zlib.crc32(inner[:-4]) == int.from_bytes(inner[-4:], "little")
print(f"n={n} s={s} vlan={vlan} fcs={fcs} frag={frag} flowids={','.join('%02x' % f for f in sorted(flowids))}")
EOF

for prof in rfc7637 sloppy-sender; do
	for a in $areas; do
		suite=suites/rfc7637/$a.yaml
		[ -f "$tmp/$a.pcap" ] || "$bin" gen "$suite" --dut $dut -w "$tmp/$a.pcap" >/dev/null 2>&1 ||
			{ bad "$a: gen failed"; continue; }
		"$tmp/responder" "$prof" $dut "$tmp/$a.pcap" "$tmp/$a-$prof.pcap" ||
			{ bad "$a $prof: responder failed"; continue; }
		$py "$tmp/facts.py" "$tmp/$a-$prof.pcap" >"$tmp/facts-$a-$prof.txt" 2>"$tmp/py.err" ||
			{ bad "$a $prof: scapy: $(tail -n 1 "$tmp/py.err")"; continue; }
		rc=0
		"$bin" verify "$suite" --dut $dut -r "$tmp/$a-$prof.pcap" -o "$tmp/o-$a-$prof" -q || rc=$?
		case $rc in 0 | 1) ;; *) bad "$a $prof: verify exit $rc" ;; esac
		jq -r '.cases[] | "\(.id) \(.verdict) \(.detail)"' "$tmp/o-$a-$prof/report.json" \
			>>"$tmp/verdicts-$prof.txt"
	done
done

# what the captures hold, by scapy
facts() { cat "$tmp/facts-$1-$2.txt"; }
for a in $areas; do
	case $(facts "$a" rfc7637) in
	"n=0 "*) bad "rfc7637 $a: no DUT frames" ;;
	*" s=0 vlan=0 fcs=0 frag=0 "*) ;;
	*) bad "rfc7637 $a capture is not clean: $(facts "$a" rfc7637)" ;;
	esac
done
n=$(facts key-layout sloppy-sender | sed 's/^n=\([0-9]*\) .*/\1/')
case $(facts key-layout sloppy-sender) in
"n=0 "*) bad "sloppy-sender key-layout: no DUT frames" ;;
"n=$n s=$n vlan=$n fcs=$n frag=0 flowids=5a") ;;
*) bad "sloppy-sender key-layout: want S, tag, FCS on every reply and FlowID 5a only: $(facts key-layout sloppy-sender)" ;;
esac
case $(facts fragmentation sloppy-sender) in
*" frag=0 "*) bad "sloppy-sender fragmentation: no outer fragments: $(facts fragmentation sloppy-sender)" ;;
esac

# the verdicts they earn
want() {
	_prof=$1 _id=$2 _v=$3 _text=$4
	line=$(grep "^$_id " "$tmp/verdicts-$_prof.txt" || true)
	case $line in
	"$_id $_v "*"$_text"*) ;;
	*) bad "$_prof $_id: want $_v with '$_text', got: $line" ;;
	esac
}
for id in KEY-05 FLOW-01 INNER-02 INNER-03 FRAG-01; do
	want rfc7637 "$id" pass "sender rules kept by"
done
want sloppy-sender KEY-05 fail "sender rule s_bit (gre.s_bit_set RFC 7637 §3.2, MUST)"
want sloppy-sender FLOW-01 warn "actual 90 (0x5a) on every flow"
want sloppy-sender INNER-02 fail "inner 802.1Q tags: expected 0 (0x0), actual 1 (0x1)"
want sloppy-sender INNER-03 warn "inner FCS: expected none"
want sloppy-sender FRAG-01 fail "outer IP MF|fragment offset: expected 0 (0x0), actual 8192 (0x2000)"
# delivery-only cases do not move: sloppy-sender receives like rfc7637
grep -v -E '^(KEY-05|FLOW-01|INNER-02|INNER-03|FRAG-01) ' "$tmp/verdicts-rfc7637.txt" |
	cut -d' ' -f1,2 >"$tmp/r.txt"
grep -v -E '^(KEY-05|FLOW-01|INNER-02|INNER-03|FRAG-01) ' "$tmp/verdicts-sloppy-sender.txt" |
	cut -d' ' -f1,2 >"$tmp/s.txt"
cmp -s "$tmp/r.txt" "$tmp/s.txt" || bad "other cases differ between rfc7637 and sloppy-sender: $(diff "$tmp/r.txt" "$tmp/s.txt" | grep '^[<>]' | tr '\n' ' ')"

if [ "$fail" -eq 0 ]; then
	echo "check-sender: scapy sees the faults, the verifier judges them: $(facts key-layout sloppy-sender)"
	echo "check-sender: ok"
fi
exit $fail
