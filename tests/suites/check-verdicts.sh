#!/bin/sh
# check-verdicts.sh - run every suite against every reference profile in the
# namespace lab and compare each case's verdict with
# tests/golden/expected-verdicts (README.md there has the format).
#
#   sh tests/suites/check-verdicts.sh [PROFILE...]     default: all six + ovs
#   SUITES="suites/rfc7637/key-layout.yaml ..."          only these suites
#   VERDICTS_OUT=DIR                                     keep reports there
#   VERDICTS_TIMEOUT=S                                   run --timeout (default 1:
#                                                        the lab answers in ms)
#
# Profiles run in parallel, each in its own pair of namespaces (lab.sh), one
# `nvgrect ref` per suite so no suite inherits another's ICMP rate-limit
# state. The pseudo-profile `ovs` is the real thing: Open vSwitch's userspace
# datapath (tests/e2e/ovs.sh) keyed VSID<<8 with every tenant of the suite's
# DUT file, held to the ovs-gre column, so the reference profile's model of
# OVS is checked case by case against OVS itself. ovs.sh puts every tenant
# VM in one namespace and builds an IPv4 underlay, so DUT files with
# overlapping customer addresses (duts/lab-alias.yaml) or IPv6 provider
# addresses (duts/lab6.yaml) are skipped there. Needs root; exit 77 when
# namespaces, `nvgrect run` or `nvgrect ref` are not available.
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
: "${NVGRECT:=$TOP/build/nvgrect}"
export NVGRECT
EXP=tests/golden/expected-verdicts
ALL_PROFILES="rfc7637 ws2012-rtm ws2012r2 linux-gretap ovs-gre sloppy-sender"
PROFILES=${*:-$ALL_PROFILES ovs}

[ -x "$NVGRECT" ] || { echo "check-verdicts: $NVGRECT not built"; exit 77; }
. "$TOP/tests/lib/need.sh"
need_tool jq
for sub in run ref; do
	if ! "$NVGRECT" "$sub" --help >/dev/null 2>&1; then
		echo "check-verdicts: nvgrect $sub not built yet"
		exit 77
	fi
done
# lab.sh finds the tree from $0, which works from tests/suites as well
. "$TOP/tests/e2e/lab.sh"
. "$TOP/tests/e2e/ovs.sh"
lab_need_root
case " $PROFILES " in
*" ovs "*)
	if ! ovs_available; then
		echo "check-verdicts: Open vSwitch not installed, skipping the ovs run"
		PROFILES=$(echo " $PROFILES " | sed 's/ ovs / /')
	fi ;;
esac

OUT=${VERDICTS_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/nvt-verdicts.XXXXXX")}
mkdir -p "$OUT"

# The expected-verdicts files (optionally filtered by SUITES), grouped by
# DUT file so a real OVS is set up once per DUT file.
suites_of_table() {
	for ef in "$EXP"/*.txt; do
		s=$(sed -n 's/^# suite: //p' "$ef" | head -n 1)
		if [ -n "${SUITES:-}" ]; then
			case " $SUITES " in *" $s "*) ;; *) continue ;; esac
		fi
		echo "$(sed -n 's/^# dut: //p' "$ef" | head -n 1) $ef"
	done | sort | cut -d' ' -f2
}

# Compare one report.json with one expected file for one profile; print one
# line per mismatch, "profile suite case: expected X, got Y (detail)".
compare() {
	_prof=$1 _ef=$2 _rep=$3 _suite=$4
	jq -r '.cases[] | [.id, .verdict, (.detail // "")] | @tsv' "$_rep" >"$_rep.verdicts"
	grep -v '^#' "$_ef" | awk -v prof="$_prof" -v suite="$_suite" -F'\t' '
	NR == FNR { got[$1] = $2; det[$1] = $3; next }
	{
		split($0, f, /[ \t]+/)
		if (f[1] == "") next
		want = ""
		for (i = 2; i in f; i++) { split(f[i], kv, "="); if (kv[1] == prof) want = kv[2] }
		if (!(f[1] in got)) { printf "%s %s %s: expected %s, case missing from report\n", prof, suite, f[1], want; next }
		if (got[f[1]] != want)
			printf "%s %s %s: expected %s, got %s (%s)\n", prof, suite, f[1], want, got[f[1]], det[f[1]]
	}' "$_rep.verdicts" -
}

# Tenants of a DUT file, one per line: name vsid tester_ca tester_mac vm_ca vm_mac
dut_tenants() {
	awk '/^tenants:/ { t = 1; next }
	t && /^  - name:/ { if (n) print n, v, tc, tm, vc, vm; n = $3; v = tc = tm = vc = vm = "" }
	t && /^    vsid:/ { v = $2 } t && /^    tester_ca:/ { tc = $2 }
	t && /^    tester_mac:/ { tm = $2 } t && /^    vm_ca:/ { vc = $2 }
	t && /^    vm_mac:/ { vm = $2 }
	END { if (n) print n, v, tc, tm, vc, vm }' "$1"
}

# A DUT file's fixed dut.mac ("" for auto): the lab's DUT veth gets it, so
# an IPv6 underlay (no automatic resolution) reaches the DUT.
dut_mac_of() {
	awk '/^dut:/ { d = 1; next } /^[^ ]/ { d = 0 }
	d && /^  mac:/ && $2 != "auto" { print $2 }' "$1"
}

# Real OVS as the DUT of one suite: a fresh lab with every tenant keyed
# VSID<<8. Returns 1 (skip) when two tenants share a VM address.
ovs_start() {
	_d=$1
	if [ "$(dut_tenants "$_d" | awk '{ print $5 }' | sort | uniq -d)" != "" ]; then
		echo "tenants share a VM address"
		return 1
	fi
	# ovs.sh builds an IPv4 underlay
	if awk '/^  pa:/ && $2 ~ /:/ { f = 1 } END { exit !f }' "$_d"; then
		echo "IPv6 underlay"
		return 1
	fi
	lab_up
	ovs_quiet_kernel
	ovs_up
	dut_tenants "$_d" | while read -r n v tc tm vc vm; do
		case $vc in
		*:*) ovs_tenant6 "$n" "$(($v << 8))" "$vm" "$vc" "$tc" "$tm" ;;
		*) ovs_tenant "$n" "$v" "$(($v << 8))" "$vm" "$vc" "$tc" "$tm" ;;
		esac
	done
}

# ovs.sh's ovs_tenant for a VM with IPv6 customer addresses (the lab turns
# IPv6 off everywhere; the VM port gets it back).
ovs_tenant6() {
	_n=$1 _key=$2 _vmmac=$3 _vmca=$4 _tca=$5 _tmac=$6
	ovs_vsctl add-br "br-$_n" -- set bridge "br-$_n" datapath_type=netdev \
		-- add-port "br-$_n" "gre-$_n" -- set interface "gre-$_n" type=gre \
		"options:remote_ip=$LAB_TESTER_PA" "options:key=$_key" \
		-- add-port "br-$_n" "vm-$_n" -- set interface "vm-$_n" type=internal
	lab_d sysctl -qw "net.ipv6.conf.vm-$_n.disable_ipv6=0"
	ip -n "$LAB_NS_D" link set "vm-$_n" address "$_vmmac"
	ip -n "$LAB_NS_D" -6 addr add "$_vmca/128" dev "vm-$_n" nodad
	ip -n "$LAB_NS_D" link set "vm-$_n" up
	ip -n "$LAB_NS_D" -6 route replace "$_tca/128" dev "vm-$_n" src "$_vmca"
	ip -n "$LAB_NS_D" -6 neigh replace "$_tca" lladdr "$_tmac" dev "vm-$_n" nud permanent
	ip -n "$LAB_NS_D" link set "br-$_n" up
}

# One profile: its own lab, every suite, mismatches to $OUT/PROFILE.diff.
run_profile() {
	prof=$1
	col=$prof
	[ "$prof" = ovs ] && col=ovs-gre
	lab_init "v-$prof"
	[ "$prof" = ovs ] || lab_up
	ovs_dut="" ovs_skip=""
	: >"$OUT/$prof.diff"
	for ef in $(suites_of_table); do
		suite=$(sed -n 's/^# suite: //p' "$ef" | head -n 1)
		dut=$(sed -n 's/^# dut: //p' "$ef" | head -n 1)
		name=$(basename "$ef" .txt)
		dir="$OUT/$prof/$name"
		mkdir -p "$dir"
		if [ "$prof" = ovs ] && [ "$dut" != "$ovs_dut" ]; then
			# a new DUT file: a fresh lab and OVS with its tenants
			# (|| true: under set -e a failing `ip netns del` for a lab
			# that was never built would end the run)
			if [ -n "$ovs_dut" ]; then
				lab_cleanup || true
				lab_init "v-$prof"
			fi
			ovs_dut=$dut ovs_skip=""
			if ! ovs_start "$TOP/$dut" >"$dir/ovs-up.log" 2>&1; then
				ovs_skip=$(head -n 1 "$dir/ovs-up.log")
			fi
		fi
		if [ "$prof" = ovs ]; then
			if [ -n "$ovs_skip" ]; then
				echo "$prof $name: skipped ($ovs_skip)" >>"$OUT/$prof.times"
				continue
			fi
		else
			mac=$(dut_mac_of "$TOP/$dut")
			if [ -n "$mac" ]; then
				ip -n "$LAB_NS_D" link set "$LAB_DUT_IF" address "$mac"
			fi
			if ! lab_ref_start "$prof" "$TOP/$dut" >"$dir/ref-start.log" 2>&1; then
				echo "$prof $suite: nvgrect ref did not start (see $dir/ref-start.log)" >>"$OUT/$prof.diff"
				continue
			fi
		fi
		t0=$(date +%s%3N)
		rc=0
		lab_t "$NVGRECT" run "$TOP/$suite" --dut "$TOP/$dut" -o "$dir/out" \
			--timeout "${VERDICTS_TIMEOUT:-1}" \
			>"$dir/run.log" 2>&1 || rc=$?
		t1=$(date +%s%3N)
		if [ "$prof" = ovs ]; then
			cp "$OVS_RUN/ovs-vswitchd.log" "$dir/" 2>/dev/null || true
		else
			cp "$LAB_RUN/ref.log" "$dir/ref.log" 2>/dev/null || true
			lab_ref_stop >/dev/null
		fi
		echo "$prof $name: exit $rc, $((t1 - t0)) ms" >>"$OUT/$prof.times"
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] || [ ! -s "$dir/out/report.json" ]; then
			echo "$prof $suite: nvgrect run exited $rc (see $dir/run.log)" >>"$OUT/$prof.diff"
			continue
		fi
		compare "$col" "$ef" "$dir/out/report.json" "$suite" | sed "s/^$col /$prof /" >>"$OUT/$prof.diff"
	done
	lab_cleanup || true
}

pids=""
for prof in $PROFILES; do
	case " $ALL_PROFILES ovs " in *" $prof "*) ;; *) echo "unknown profile $prof"; exit 2 ;; esac
	( run_profile "$prof" ) >"$OUT/$prof.log" 2>&1 &
	pids="$pids $!"
done
st=0
for p in $pids; do wait "$p" || st=1; done

fail=0
for prof in $PROFILES; do
	[ -f "$OUT/$prof.times" ] && sed 's/^/check-verdicts: /' "$OUT/$prof.times"
	if [ -s "$OUT/$prof.diff" ]; then
		sed 's/^/check-verdicts: MISMATCH /' "$OUT/$prof.diff"
		fail=1
	elif [ ! -f "$OUT/$prof.diff" ]; then
		echo "check-verdicts: $prof did not run (see $OUT/$prof.log)"
		fail=1
	fi
done
[ "$st" -eq 0 ] || { echo "check-verdicts: a profile run failed (logs in $OUT)"; fail=1; }
if [ "$fail" -eq 0 ]; then
	echo "check-verdicts: every case matches for: $PROFILES"
	[ -n "${VERDICTS_OUT:-}" ] || rm -rf "$OUT"
	exit 0
fi
echo "check-verdicts: reports kept in $OUT"
exit 1
