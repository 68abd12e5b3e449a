#!/bin/sh
# run.sh - `make fuzz`: build every tests/fuzz/fuzz_*.c as a libFuzzer target
# (clang, -fsanitize=fuzzer,address,undefined) into build-fuzz/ and run each
# for FUZZ_TIME seconds (argument 1, default 60), or for FUZZ_RUNS executions
# when that is set. New corpus entries go to build-fuzz/corpus/<target>/;
# crash, leak and timeout inputs are kept in tests/fuzz/crashes/<target>/,
# where check-replay.sh replays them in every `make check`.
# Exit 1 if any target found anything.
set -eu
cd "$(dirname "$0")/../.."
time_s=${1:-${FUZZ_TIME:-60}}
B=build-fuzz
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFL="-O1 -g $SAN -fsanitize=fuzzer-no-link"
if ! command -v clang >/dev/null; then
	echo "fuzz: clang is missing (make deps)"; exit 2
fi
make --no-print-directory BUILD=$B CC=clang CFLAGS="$CFL" LDFLAGS="$SAN" $B/libnvgrect.a
libs="$(pkg-config --libs libpcap yaml-0.1) -lnet -lcap-ng -lm -lpthread"
targets=${FUZZ_TARGETS:-$(ls tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_\(.*\)\.c|\1|')}
status=0
summary=""
for t in $targets; do
	echo "== fuzz_$t: build"
	clang $CFL -fsanitize=fuzzer -std=c11 -D_DEFAULT_SOURCE -Iinclude \
		-o $B/fuzz_$t tests/fuzz/fuzz_$t.c $B/libnvgrect.a $libs
	mkdir -p $B/corpus/$t tests/fuzz/crashes/$t tests/fuzz/corpus/$t
	if [ -n "${FUZZ_RUNS:-}" ]; then limit="-runs=$FUZZ_RUNS"; else limit="-max_total_time=$time_s"; fi
	echo "== fuzz_$t: run ($limit)"
	rc=0
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	$B/fuzz_$t $limit -timeout=5 -rss_limit_mb=2048 -max_len=65535 \
		-print_final_stats=1 -artifact_prefix=tests/fuzz/crashes/$t/ \
		$B/corpus/$t tests/fuzz/corpus/$t >$B/fuzz_$t.log 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' $B/fuzz_$t.log | tail -1)
	secs=$(sed -n 's/^stat::average_exec_per_sec: *//p' $B/fuzz_$t.log | tail -1)
	line="fuzz_$t: ${execs:-?} executions, ${secs:-?}/s, exit $rc"
	if [ $rc -ne 0 ]; then
		status=1
		line="$line  FOUND SOMETHING: $(ls -t tests/fuzz/crashes/$t | head -1) (log $B/fuzz_$t.log)"
		grep -m3 -E 'ERROR|runtime error|SUMMARY' $B/fuzz_$t.log || true
	fi
	echo "$line"
	summary="$summary
$line"
done
echo "== fuzz summary$summary"
exit $status
