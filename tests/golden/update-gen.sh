#!/bin/sh
# Regenerate the crafter's goldens (tests/golden/gen/*.pcap*, *.json).
# Never edit those files by hand; review `git diff --stat` after running.
# Usage: tests/golden/update-gen.sh [path/to/nvgrect]
# (NV_ROOT: the source tree when this script runs from a copy.)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=${NV_ROOT:-$(cd "$here/../.." && pwd)}
bin=${1:-${NVGRECT:-$root/build/nvgrect}}
g=$here/gen
export TZ=UTC LC_ALL=C

gen() {
	"$bin" gen "$@" --seed 1 --force
}
cd "$root"
# a snapshot of the interop suite: its golden stays valid while the suite
# evolves (check-gen.sh also checks the current suite, without a golden)
[ -n "${NV_KEEP_SNAPSHOT:-}" ] || cp suites/interop/layouts.yaml "$g/layouts.suite.yaml"
gen "$g/layouts.suite.yaml" --dut "$g/dut.yaml" -w "$g/layouts.pcapng" \
	--manifest "$g/layouts.manifest.json"
gen "$g/layouts.suite.yaml" --dut "$g/dut.yaml" -w "$g/layouts.pcap"
gen "$g/variants.yaml" --dut "$g/dut.yaml" -w "$g/variants.pcapng"
gen "$g/variants6.yaml" --dut "$g/dut6.yaml" -w "$g/variants6.pcapng"
gen "$g/variants.yaml" --dut "$g/dut.yaml" --case V-NOMINAL --case V-GRE \
	--count 40 --seed 1 -w "$g/stream.pcap"
echo "regenerated: $(cd "$g" && ls *.pcap *.pcapng *.json | tr '\n' ' ')"
