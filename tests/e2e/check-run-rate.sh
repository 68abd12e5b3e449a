#!/bin/sh
# check-run-rate.sh - `nvgrect run --rate PPS` holds its cap (research I4):
# 7500 unpaced frames at --rate 5000, timestamps from probes.pcapng: no
# sliding 1 s window carries more than 1.01 x the cap (after a stall the
# sender catches up at most 5 ms). The cap is a ceiling: the mean only has
# to show pacing, not crawling (>= 0.8 x; on a quiet machine it is within
# 0.1%, but CI neighbours stall the sender for milliseconds at a time).
set -eu
. "$(dirname "$0")/run-lib.sh"
kernel_dut_up rate
RATE=5000
lab_t "$NVGRECT" run "$E2E_DATA/run-burst.yaml" --dut "$DUT" -o "$W/out" --timeout 0.2 \
	--rate "$RATE" >"$LAB_RUN/run.log" 2>&1 || { cat "$LAB_RUN/run.log"; fail "run failed"; }
tshark -r "$W/out/probes.pcapng" -T fields -e frame.time_epoch 2>/dev/null >"$LAB_RUN/ts"
res=$(awk -v r="$RATE" '
	{ t[n++] = $1 }
	END {
		mean = (n - 1) / (t[n - 1] - t[0])
		worst = 0
		for (i = j = 0; i < n; i++) {      # frames in [t[j], t[j] + 1 s)
			while (t[i] - t[j] >= 1) j++
			if (i - j + 1 > worst) worst = i - j + 1
		}
		ok = (mean <= r * 1.01 && mean >= r * 0.8 && worst <= r * 1.01)
		printf "%s %d frames, mean %.1f pps, busiest 1 s window %d frames\n",
			ok ? "ok" : "bad", n, mean, worst
	}' "$LAB_RUN/ts")
case $res in
ok*) echo "ok: --rate $RATE: ${res#ok }" ;;
*) fail "--rate $RATE: ${res#bad }" ;;
esac
echo "check-run-rate: all passed"
