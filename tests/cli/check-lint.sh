#!/bin/sh
# check-lint.sh - `nvgrect lint`: valid files say ok and exit 0; broken ones list
# every problem as path:line:col: and exit 2; the shipped suites lint clean.
set -eu
: "${NVGRECT:?set NVGRECT to the nvgrect binary}"
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
bad() { echo "check-lint: FAIL: $*"; fail=1; }
show() { sed 's/^/    | /' "$1" | head -20; }

cd "$root"
# the README's annotated example, exactly as documented
awk '/^```yaml$/ { on = 1; next } /^```$/ { if (on) exit } on' suites/README.md >"$tmp/readme.yaml"
[ -s "$tmp/readme.yaml" ] || bad "no yaml block in suites/README.md"

rc=0
"$NVGRECT" lint examples/dut.yaml "$tmp/readme.yaml" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 0 ] || { bad "README example + examples/dut.yaml: exit $rc"; show "$tmp/err"; }
grep -qx 'examples/dut.yaml: ok (dut)' "$tmp/out" || { bad "no 'ok (dut)' line"; show "$tmp/out"; }
grep -qx "$tmp/readme.yaml: ok (suite)" "$tmp/out" || { bad "no 'ok (suite)' line"; show "$tmp/out"; }
[ ! -s "$tmp/err" ] || { bad "valid files wrote to stderr"; show "$tmp/err"; }

rc=0
"$NVGRECT" lint --dut examples/dut.yaml "$tmp/readme.yaml" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" -eq 0 ] || { bad "README example bound to examples/dut.yaml: exit $rc"; show "$tmp/err"; }

rc=0
"$NVGRECT" lint -q examples/dut.yaml >"$tmp/out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] && [ ! -s "$tmp/out" ] || bad "-q: exit $rc or output"

# every suite and DUT file shipped in suites/ (and the loader's valid test
# data) lints clean (which suite goes
# with which DUT file is suites/*/README.md's business)
for f in $(find suites tests/unit/data -name '*.yaml' | sort); do
	rc=0
	"$NVGRECT" lint -q "$f" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq 0 ] || { bad "$f does not lint clean"; show "$tmp/err"; }
done

# a broken suite: every problem, in file order, compiler style
cat >"$tmp/broken.yaml" <<'YAML'
suite: broken
cases:
  - id: KEY-01
    level: MUST
    probes:
      - {vsid: 16777216, layout: rfc7673}
      - {tenant: blue, gre: {k: yes}}
    expect: {observation: delivred}
  - id: KEY-01
    levle: MUST
YAML
rc=0
"$NVGRECT" lint "$tmp/broken.yaml" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] || bad "broken suite: exit $rc, want 2"
p="$tmp/broken.yaml"
for want in \
	"$p:6:16: cases[0].probes[0].vsid: 16777216 out of range (0..16777215)" \
	"$p:6:34: cases[0].probes[0].layout: unknown layout 'rfc7673' (did you mean 'rfc7637'?)" \
	"$p:7:33: cases[0].probes[1].gre.k: expected true or false, got 'yes'" \
	"$p:8:27: cases[0].expect.observation: unknown value 'delivred' (did you mean 'delivered'?)" \
	"$p:9:5: cases[1]: missing required key 'level'" \
	"$p:9:9: cases[1].id: duplicate case id 'KEY-01' (first at 3:5)" \
	"$p:10:5: cases[1]: unknown key 'levle' (did you mean 'level'?)"; do
	grep -qxF -- "$want" "$tmp/err" || bad "missing: $want"
done
[ "$(grep -c "^$p:[0-9]*:[0-9]*: " "$tmp/err")" -ge 9 ] || { bad "want every problem reported"; show "$tmp/err"; }
sort -t: -k2,2n -k3,3n -s "$tmp/err" | cmp -s - "$tmp/err" || { bad "problems not in file order"; show "$tmp/err"; }
[ ! -s "$tmp/out" ] || bad "a broken file printed ok"

# a broken DUT file
printf 'name: lab\ntester: {pa: 192.0.2.1}\ndut: {pa: 192.0.2.2}\ntenants:\n  - {name: blue, vsid: 5001, tester_ca: 198.51.100.1, vm_ca: 198.51.100.2}\n  - {name: blue, vsid: 5001, tester_ca: 198.51.100.1, vm_ca: 198.51.100.2x}\n' >"$tmp/dut.yaml"
rc=0
"$NVGRECT" lint "$tmp/dut.yaml" examples/dut.yaml >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] || bad "broken DUT: exit $rc, want 2"
grep -qF "$tmp/dut.yaml:6:12: tenants[1]: duplicate tenant name 'blue' (first at 5:5)" "$tmp/err" || { bad "dup tenant name"; show "$tmp/err"; }
grep -qF "$tmp/dut.yaml:6:24: tenants[1]: duplicate VSID 5001" "$tmp/err" || { bad "dup VSID"; show "$tmp/err"; }
grep -qF "$tmp/dut.yaml:6:62: tenants[1].vm_ca: '198.51.100.2x' is not an IPv4 or IPv6 address" "$tmp/err" || { bad "bad vm_ca"; show "$tmp/err"; }
grep -qx 'examples/dut.yaml: ok (dut)' "$tmp/out" || bad "a valid file after a broken one still says ok"

# a missing file, no files, --help
rc=0
"$NVGRECT" lint "$tmp/nope.yaml" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] || bad "missing file: exit $rc, want 2"
grep -q "^$tmp/nope.yaml: cannot open: No such file or directory" "$tmp/err" || { bad "missing-file message"; show "$tmp/err"; }
rc=0
"$NVGRECT" lint >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || bad "no files: exit $rc, want 2"
"$NVGRECT" lint --help | grep -q '^usage: nvgrect lint' || bad "lint --help"

[ "$fail" -eq 0 ] && echo "check-lint: ok"
exit "$fail"
