#!/bin/sh
# check-privs.sh - `nvgrect run` gives up root and every capability after
# opening the interface and before parsing a packet or writing a file
# (issue 8 §6). The NVGRECT_PRIV_PROBE hook copies /proc/self/status at that
# point; the outputs' owner shows they were created after it.
set -eu
. "$(dirname "$0")/run-lib.sh"
kernel_dut_up prv
tmp=$LAB_RUN

nobody_uid=$(id -u nobody)
nobody_gid=$(id -g nobody)

# run_probe LABEL ENV-WORDS RUN-OPTIONS (both word-split on purpose).
run_probe() {
	label=$1
	rc=0
	# shellcheck disable=SC2086
	lab_t env -u SUDO_UID -u SUDO_GID -u SUDO_USER \
		NVGRECT_PRIV_PROBE="$tmp/w/$label.status" $2 \
		"$NVGRECT" run "$E2E_DATA/run-mini.yaml" --dut "$DUT" \
		-o "$tmp/w/$label" --timeout 0.5 $3 >"$tmp/$label.out" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || { cat "$tmp/$label.out"; fail "$label: run exited $rc"; }
	[ -s "$tmp/w/$label.status" ] || fail "$label: the probe hook wrote nothing"
}

# field NAME FILE: the value(s) after "NAME:".
field() {
	sed -n "s/^$1:[[:space:]]*//p" "$2" | tr -s '\t ' ' ' | sed 's/ $//'
}

check_dropped() {
	label=$1 uid=$2 gid=$3
	st=$tmp/w/$label.status
	[ "$(field Uid "$st")" = "$uid $uid $uid $uid" ] ||
		fail "$label: Uid is '$(field Uid "$st")', want $uid x4"
	[ "$(field Gid "$st")" = "$gid $gid $gid $gid" ] ||
		fail "$label: Gid is '$(field Gid "$st")', want $gid x4"
	for c in CapEff CapPrm CapInh CapBnd CapAmb; do
		[ "$(field $c "$st")" = 0000000000000000 ] ||
			fail "$label: $c is $(field $c "$st"), want 0"
	done
	[ "$(field NoNewPrivs "$st")" = 1 ] || fail "$label: NoNewPrivs not set"
	for f in report.json report.xml report.md report.html probes.pcapng capture.pcapng; do
		[ -f "$tmp/w/$label/$f" ] || fail "$label: $f missing"
		owner=$(stat -c %u "$tmp/w/$label/$f")
		[ "$owner" = "$uid" ] || fail "$label: $f owned by uid $owner, want $uid"
	done
	echo "ok: $label: uid $uid, CapEff/CapPrm/CapBnd 0, outputs owned by $uid"
}

# --user NAME
run_probe user "" "--user nobody"
check_dropped user "$nobody_uid" "$nobody_gid"

# Under sudo: the invoking user, from SUDO_UID/SUDO_GID.
run_probe sudo "SUDO_UID=$nobody_uid SUDO_GID=$nobody_gid SUDO_USER=nobody" ""
check_dropped sudo "$nobody_uid" "$nobody_gid"

# Plain root, no sudo: uid 0 stays, but no capability is left.
run_probe root "" ""
st=$tmp/w/root.status
for c in CapEff CapPrm CapBnd; do
	[ "$(field $c "$st")" = 0000000000000000 ] || fail "root: $c is $(field $c "$st")"
done
echo "ok: plain root keeps uid 0 with CapEff/CapPrm/CapBnd 0"

# An unknown user is a usage error, before any socket is opened.
rc=0
lab_t "$NVGRECT" run "$E2E_DATA/run-mini.yaml" \
	--dut "$DUT" -o "$tmp/w/nouser" \
	--user nvgrect-no-such-user-$$ >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "unknown --user: exit $rc, want 2"
[ ! -e "$tmp/w/nouser" ] || fail "unknown --user: OUTDIR was created"
echo "ok: unknown --user exits 2 and writes nothing"

# The order, from the system calls: every socket before the first setuid,
# every output file after it.
if command -v strace >/dev/null 2>&1; then
	# (LeakSanitizer cannot stop the world under ptrace: off for this run)
	lab_t env ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=socket,setuid,setresuid,openat,mkdir \
		-o "$tmp/trace" "$NVGRECT" run "$E2E_DATA/run-mini.yaml" \
		--dut "$DUT" -o "$tmp/w/traced" --user nobody \
		--timeout 0.5 >/dev/null 2>&1 || fail "traced run failed"
	drop=$(grep -n 'setres\?uid(' "$tmp/trace" | head -1 | cut -d: -f1)
	[ -n "$drop" ] || fail "strace: no setuid call seen"
	last_sock=$(grep -n 'socket(' "$tmp/trace" | tail -1 | cut -d: -f1)
	first_out=$(grep -n "$tmp/w/traced" "$tmp/trace" | grep -E 'mkdir|O_CREAT' |
		head -1 | cut -d: -f1)
	[ "$last_sock" -lt "$drop" ] || fail "strace: a socket opened after the drop"
	[ "$first_out" -gt "$drop" ] || fail "strace: OUTDIR touched before the drop"
	echo "ok: strace: sockets before setuid (line $drop), outputs after"
fi
echo "check-privs: all passed"
