#!/bin/sh
# The crafter against its goldens and two independent oracles:
#  1. regenerate every golden (update-gen.sh into a temporary copy): byte-exact;
#  2. the same command twice gives identical bytes;
#  3. tshark decodes the layouts golden as intended (key in both layouts,
#     0x6558, flags, inner Ethernet/IPv4/ICMP, checksums valid, a comment on
#     every packet) and flags exactly the deliberate errors in the variants;
#  4. scapy builds the same frames independently: bytes, timestamps, comments
#     (the goldens, and every shipped suite under suites/ with a lab DUT file);
#  5. the manifest is JSON naming every frame; the pcap and pcapng agree;
#  6. refusals: existing output without --force, no output, live without --dut.
# Env: NVGRECT (binary). Exit 77 when tshark or scapy is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${NVGRECT:-$root/build/nvgrect}
g=$here/gen
py=/usr/bin/python3
fail=0
export TZ=UTC LC_ALL=C

. "$root/tests/lib/need.sh"
need_tool tshark
need_py "$py" scapy yaml

tmp=$(mktemp -d /tmp/nvt-gen-golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

bad() {
	echo "FAIL: $*"
	fail=1
}

# 1. goldens regenerate byte-exact (the script writes into a copy of gen/)
mkdir -p "$tmp/golden"
cp "$here/update-gen.sh" "$tmp/golden/"
cp -R "$g" "$tmp/golden/gen"
(cd "$root" && NV_ROOT=$root NV_KEEP_SNAPSHOT=1 sh "$tmp/golden/update-gen.sh" "$bin" >/dev/null) ||
	bad "update-gen.sh failed"
for f in "$g"/*.pcap "$g"/*.pcapng "$g"/*.json; do
	cmp -s "$f" "$tmp/golden/gen/$(basename "$f")" ||
		bad "$(basename "$f") differs from its golden (the crafter changed?" \
			"run tests/golden/update-gen.sh and review the diff)"
done

# 2. twice the same command, identical bytes (pcap and pcapng)
for ext in pcap pcapng; do
	for n in 1 2; do
		"$bin" gen "$root/suites/interop/layouts.yaml" --dut "$g/dut.yaml" --seed 7 \
			-w "$tmp/twice$n.$ext" 2>/dev/null || bad "gen to $ext failed"
	done
	cmp -s "$tmp/twice1.$ext" "$tmp/twice2.$ext" || bad "two runs differ ($ext)"
done
"$bin" gen "$root/suites/interop/layouts.yaml" --dut "$g/dut.yaml" --seed 8 \
	-w "$tmp/seed8.pcapng" 2>/dev/null
cmp -s "$tmp/twice1.pcapng" "$tmp/seed8.pcapng" && bad "--seed 7 and --seed 8 give the same bytes"

# 3a. tshark on the current suites/interop/layouts.yaml (and its snapshot's golden)
"$bin" gen "$root/suites/interop/layouts.yaml" --dut "$g/dut.yaml" -w "$tmp/now.pcapng" \
	2>/dev/null || bad "gen suites/interop/layouts.yaml failed"
ts() {
	f=$1
	shift
	tshark -n -r "$f" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -T fields \
		-E separator=' ' "$@" 2>/dev/null
}
for L in "$tmp/now.pcapng" "$g/layouts.pcapng"; do
n=$(ts "$L" -e frame.number | wc -l)
[ "$n" -ge 7 ] || bad "layouts: only $n frames"
ts "$L" -e gre.proto -e gre.flags_and_version | sort -u | grep -qvx '0x6558 0x2000' &&
	bad "layouts: a frame is not GRE K-only 0x6558"
ts "$L" -e eth.type -e ip.proto -e ip.checksum.status -e icmp.checksum.status -e icmp.type \
	-e icmp.ident | sort -u | grep -qvx '0x0800,0x0800 47,1 1,1 1 8 20054' &&
	bad "layouts: inner Ethernet/IPv4/ICMP echo or a checksum is not as crafted"
keys=$(ts "$L" -e gre.key | sort -u | tr '\n' ' ')
for k in 0x00138900 0x00001389 0x00177100 0x00001771 0x001b5900 0x00001b59; do
	case " $keys" in *" $k "*) ;; *) bad "layouts: key $k missing (have: $keys)" ;; esac
done
c=$(ts "$L" -e frame.comment | grep -c ' expect=' || true)
[ "$c" -eq "$n" ] || bad "layouts: $c of $n packets carry a comment"
ts "$L" -e frame.comment -e gre.key | grep -q '^LAY-[0-9]* draft00 vsid=5001 flowid=0 key=0x00001389 expect=[a-z|-]* 0x00001389$' ||
	bad "layouts: LAY-03's comment or key is not the draft00 encoding of VSID 5001"
ts "$L" -e ip.id -e ip.ttl -e ip.flags.df | head -1 | grep -q '^0x0001,0x0001 64,64 1,0$' ||
	bad "layouts: frame 0 outer IP ID is not the tag 1 / TTL 64 / DF"
done

# 3b. tshark on the variants: exactly the deliberate errors
V=$g/variants.pcapng
gbad=$(ts "$V" -e frame.number -e gre.checksum.status | awk '$2 == "0" {print $1}' | tr '\n' ' ')
[ "$gbad" = "17 " ] || bad "variants: GRE checksum wrong in frames '$gbad', expected only 17"
ggood=$(ts "$V" -e gre.checksum.status | grep -c '^1$' || true)
[ "$ggood" -eq 3 ] || bad "variants: $ggood good GRE checksums, expected 3"
ts "$V" -e ip.checksum.status -e icmp.checksum.status -e udp.checksum.status \
	-e icmpv6.checksum.status | tr ' ,' '\n\n' | grep -qx 0 &&
	bad "variants: an IP/ICMP/UDP/ICMPv6 checksum is wrong"
ts "$V" -e frame.number -e gre.flags_and_version | awk '{print " " $2}' | sort -u | tr -d '\n' |
	grep -q ' 0x0000 0x2000 0x2001 0x2d00 0x2ff8 0x3000 0x6000 0xa000 0xb000$' ||
	bad "variants: GRE flag words not all present"
ts "$V" -e ieee8021ad.id -e vlan.id | grep -qx '100 200' || bad "variants: QinQ inner tags missing"
ts "$V" -e ip.opt.type | grep -q . || bad "variants: outer IPv4 options missing"
ts "$g/variants6.pcapng" -e ipv6.flow | grep -qx '0x012345' || bad "variants6: flow label 0x12345 missing"

# 4. scapy, independently
(cd "$here" &&
	$py scapy_frames.py gen/layouts.suite.yaml gen/dut.yaml gen/layouts.pcapng &&
	$py scapy_frames.py "$root/suites/interop/layouts.yaml" gen/dut.yaml "$tmp/now.pcapng" &&
	$py scapy_frames.py gen/variants.yaml gen/dut.yaml gen/variants.pcapng &&
	$py scapy_frames.py gen/variants6.yaml gen/dut6.yaml gen/variants6.pcapng) ||
	bad "scapy builds different frames"

# 4b. every shipped suite, with the first lab DUT file it binds to
for f in "$root"/suites/*.yaml "$root"/suites/*/*.yaml; do
	case $f in */duts/*) continue ;; esac
	done_one=
	for d in lab lab-alias lab6; do
		dut_f=$root/suites/duts/$d.yaml
		[ -f "$dut_f" ] || continue
		"$bin" gen "$f" --dut "$dut_f" -w "$tmp/suite.pcapng" --force 2>/dev/null || continue
		$py "$here/scapy_frames.py" "$f" "$dut_f" "$tmp/suite.pcapng" >"$tmp/scapy.out" 2>&1 ||
			bad "$(basename "$f") with $d.yaml: scapy builds different frames:" \
				"$(head -3 "$tmp/scapy.out")"
		done_one=1
		break
	done
	[ -n "$done_one" ] || bad "$(basename "$f"): gen fails with every lab DUT file"
done

# 5. manifest, pcap vs pcapng
$py - "$g/layouts.manifest.json" <<'EOF' || bad "manifest is not what it should be"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["schema"] == "nvgrect-manifest/1", m["schema"]
fr = m["frames"]
assert [f["frame"] for f in fr] == list(range(len(fr))) and len(fr) >= 7, "frame indices"
assert all(f["ip_id"] == f["frame"] + 1 for f in fr), "ip ids"
assert {f["layout"] for f in fr} == {"rfc7637", "draft00"}, "layouts"
assert any(f["key"] == "0x00001389" and f["layout"] == "draft00" for f in fr), "draft00 key"
assert all(f["expect"] and "observation" in f["expect"][0] for f in fr), "expect"
EOF
a=$(tshark -r "$g/layouts.pcap" -x 2>/dev/null | md5sum)
b=$(tshark -r "$g/layouts.pcapng" -x 2>/dev/null | md5sum)
[ "$a" = "$b" ] || bad "the pcap and the pcapng hold different frames"

# 6. refusals
cp "$g/layouts.pcapng" "$tmp/keep.pcapng"
set +e
"$bin" gen "$root/suites/interop/layouts.yaml" -w "$tmp/keep.pcapng" 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q -- --force "$tmp/err" || bad "existing output without --force: exit $rc"
cmp -s "$g/layouts.pcapng" "$tmp/keep.pcapng" || bad "a refused run touched the existing file"
for args in "" "-i lo" "-w $tmp/x.pcap -i lo"; do
	set +e
	# shellcheck disable=SC2086
	"$bin" gen "$root/suites/interop/layouts.yaml" $args 2>/dev/null
	rc=$?
	set -e
	[ $rc -eq 2 ] || bad "gen $args: exit $rc, expected 2"
done

[ $fail -eq 0 ] && echo "gen goldens: ok"
exit $fail
