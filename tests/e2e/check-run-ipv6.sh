#!/bin/sh
# check-run-ipv6.sh - `nvgrect run` over an IPv6 underlay: dut.mac "auto" is
# found by a neighbour solicitation (a Linux kernel answers only a
# well-formed one: right checksum, hop limit 255), the probes go out with an
# IPv6 outer header, and the kernel DUT (no GRE) answers each with ICMPv6
# 4/1 (unrecognised next header), which the report records as icmp6-4-1.
set -eu
. "$(dirname "$0")/run-lib.sh"
lab_need_root
lab_init v6
lab_up
lab_d sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
	"net.ipv6.conf.$LAB_DUT_IF.disable_ipv6=0"
ip -n "$LAB_NS_D" addr add 2001:db8::2/64 dev "$LAB_DUT_IF" nodad
sed 's/^  pa: 192.0.2.1$/  pa: 2001:db8::1/; s/^  pa: 192.0.2.2$/  pa: 2001:db8::2/' \
	"$LAB_DUT_FILE" >"$LAB_RUN/v6.yaml"
rc=0
lab_t "$NVGRECT" run "$E2E_DATA/run-mini.yaml" --dut "$LAB_RUN/v6.yaml" -o "$LAB_RUN/out" \
	--timeout 1 >"$LAB_RUN/run.log" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$LAB_RUN/run.log" >&2; fail "IPv6 run exited $rc"; }
dmac=$(lab_mac "$LAB_NS_D" "$LAB_DUT_IF")
got=$(tshark -r "$LAB_RUN/out/probes.pcapng" -T fields -E occurrence=f -e eth.dst -e ipv6.dst 2>/dev/null |
	sort -u | tr '\t\n' '  ')
[ "$got" = "$dmac 2001:db8::2 " ] || fail "probes went to '$got', want '$dmac 2001:db8::2'"
sigs=$(jq -r '[.cases[].probes[].signature] | unique | join(",")' "$LAB_RUN/out/report.json")
[ "$sigs" = icmp6-4-1 ] || fail "signatures '$sigs', want icmp6-4-1"
echo "ok: IPv6 underlay: dut.mac $dmac found by ND, probes to it, rejections icmp6-4-1"
echo "check-run-ipv6: all passed"
