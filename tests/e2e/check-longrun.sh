#!/bin/sh
# check-longrun.sh - long runs keep memory and descriptors flat (issue 8 §8,
# research L1): a 10 M-frame stream (`nvgrect gen --count 10000000 -w` to
# tmpfs), its verification (`nvgrect verify --stream`), and a live
# `nvgrect run` of 300 000 frames on a veth pair. VmRSS, RssAnon and the
# open descriptors are sampled from /proc every 50 ms with the work done so
# far; growth is the maximum minus the first sample past 10% of the work:
# < 1 MiB, and descriptors constant.
# LONGRUN_FRAMES (10000000) and LONGRUN_LIVE (300000) scale it.
set -eu
. "$(dirname "$0")/run-lib.sh"
FRAMES=${LONGRUN_FRAMES:-10000000}
LIVE=${LONGRUN_LIVE:-300000}
base=${TMPDIR_LR:-/dev/shm}
[ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
dir=$(mktemp -d "$base/nvt-longrun-$$.XXXXXX")
trap 'rm -rf "$dir"; lab_cleanup' EXIT
trap 'exit 1' INT TERM
SUITE=$E2E_DATA/run-mini.yaml
LIMIT_KB=1024

kb() {   # kb PID FIELD: a /proc/PID/status field in kB, empty once gone
	sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status" 2>/dev/null || true
}

# watch LABEL PID PROGRESS-CMD: sample until PID exits, then judge.
watch() {
	label=$1 pid=$2 progress=$3 log=$dir/samples
	: >"$log"
	while kill -0 "$pid" 2>/dev/null; do
		rss=$(kb "$pid" VmRSS) anon=$(kb "$pid" RssAnon)
		fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l || true)   # gone: set -e must not bite
		done_=$(eval "$progress" 2>/dev/null || echo 0)
		[ -n "$rss" ] && [ -n "$anon" ] && echo "${done_:-0} $rss $anon $fds" >>"$log"
		sleep 0.05
	done
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "$label exited $rc"
	res=$(awk -v lim=$LIMIT_KB '
		{ p[NR] = $1; r[NR] = $2; a[NR] = $3; f[NR] = $4; if ($1 > top) top = $1 }
		END {
			for (i = 1; i <= NR && p[i] < top / 10; i++) ;
			b = i; n = 0; mr = r[b]; ma = a[b]; mf = f[b]
			for (; i <= NR; i++) {
				n++
				if (r[i] > mr) mr = r[i]
				if (a[i] > ma) ma = a[i]
				if (f[i] > mf) mf = f[i]
			}
			ok = n >= 3 && mr - r[b] < lim && ma - a[b] < lim && mf == f[b]
			printf "%s %d samples; VmRSS %d -> max %d kB (+%d), RssAnon %d -> max %d kB (+%d), fds %d -> max %d\n",
				ok ? "ok" : "bad", n, r[b], mr, mr - r[b], a[b], ma, ma - a[b], f[b], mf
		}' "$log")
	case $res in
	ok*) echo "ok: $label: ${res#ok }" ;;
	*) fail "$label: ${res#bad } (bar: < 1 MiB, fds flat, >= 3 samples)" ;;
	esac
}

t0=$(date +%s)
"$NVGRECT" gen "$SUITE" --dut "$LAB_TOP/suites/duts/lab.yaml" --count "$FRAMES" \
	-w "$dir/stream.pcap" &
watch "gen --count $FRAMES" $! "stat -c %s '$dir/stream.pcap.tmp' 2>/dev/null || stat -c %s '$dir/stream.pcap'"

"$NVGRECT" verify "$SUITE" --dut "$LAB_TOP/suites/duts/lab.yaml" -r "$dir/stream.pcap" \
	-o "$dir/out" --stream -q &
pid=$!
watch "verify --stream" "$pid" "sed -n 's/^rchar: //p' /proc/$pid/io"
seen=$(jq '.summary.capture.probes_seen' "$dir/out/report.json")
[ "$seen" -eq "$FRAMES" ] || fail "verify saw $seen probes of $FRAMES"
echo "ok: verify matched all $seen frames"
rm -f "$dir/stream.pcap"

# Live: a kernel DUT, the frames as fast as the run goes.
if [ "$(id -u)" = 0 ]; then
	kernel_dut_up longrun
	sed "s/count: 7500/count: $LIVE/" "$E2E_DATA/run-burst.yaml" >"$LAB_RUN/stream.yaml"
	ip netns exec "$LAB_NS_T" "$NVGRECT" run "$LAB_RUN/stream.yaml" --dut "$DUT" -o "$dir/live" \
		--timeout 0.5 --rate 10000000 >"$LAB_RUN/live.log" 2>&1 &   # $!: nvgrect itself
	watch "run, $LIVE frames live" $! "stat -c %s '$dir/live/probes.pcapng.tmp' 2>/dev/null || stat -c %s '$dir/live/probes.pcapng'"
	sent=$(tshark -r "$dir/live/probes.pcapng" 2>/dev/null | wc -l)
	[ "$sent" -eq "$LIVE" ] || fail "live run sent $sent of $LIVE"
else
	echo "skip: the live part needs root"
fi
echo "check-longrun: all passed in $(($(date +%s) - t0)) s"
