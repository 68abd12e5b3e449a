#!/bin/sh
# check-catalogue.sh - the conformance catalogue is complete and consistent:
#  - suites/rfc7637 holds >= 35 cases, >= 3 in each of the nine areas
#    (KEY HDR VSID FLOW INNER OUTER FRAG ICMP ISO);
#  - every case of every suite has id, title, clause (a named document and a
#    section; RFC 7637 sections must exist; a draft is named by revision),
#    level, a one-line why, probes and expect; observations are in the
#    vocabulary, and `observation: any` only on INFO/MAY cases;
#  - no case id is used twice anywhere under suites/;
#  - every suite has a tests/golden/expected-verdicts file naming it and an
#    existing DUT file, with exactly one line per case and a verdict for each
#    of the six reference profiles; a MUST case warns only through a
#    SHOULD-level sender rule (`sender:` in its expectations);
#  - when `nvgrect gen` is built: every suite binds to its DUT file (tenant
#    names, VSID widths) and crafts without error.
# The suite files are block-style YAML; the structural checks read the
# two-space case layout the shipped suites use (lint checks the schema).
set -eu

cd "$(dirname "$0")/../.."
EXP=tests/golden/expected-verdicts
PROFILES="rfc7637 ws2012-rtm ws2012r2 linux-gretap ovs-gre sloppy-sender"
MIN_CASES=35
MIN_PER_AREA=3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
bad() { echo "check-catalogue: FAIL: $*"; fail=1; }

suites=$(find suites -name '*.yaml' ! -path 'suites/duts/*' | sort)
[ -n "$suites" ] || { echo "check-catalogue: no suites"; exit 1; }

# One record per case: file<TAB>id<TAB>level<TAB>missing-fields<TAB>problems<TAB>sender rules named (0/1)
for f in $suites; do
	awk -v file="$f" '
	function flush() {
		if (id == "") return
		miss = ""
		split("title clause level why probes expect", need, " ")
		for (i = 1; i <= 6; i++) if (!(need[i] in have)) miss = miss need[i] ","
		if (("clause" in have) && clause !~ /^(RFC [0-9]+|MS-[A-Z]+)( |,|;).*§[0-9]/ &&
		    clause !~ /^draft-[a-z0-9-]+-[0-9][0-9](,| |$)/)
			prob = prob "clause \"" clause "\" names no document section;"
		# RFC 7637 sections must exist (its table of contents)
		n = split(clause, part, ";")
		for (i = 1; i <= n; i++) {
			if (part[i] !~ /RFC 7637/) continue
			m = split(part[i], sec, "§")
			for (j = 2; j <= m; j++) {
				x = sec[j]; sub(/[,; ].*$/, "", x)
				if (x !~ /^(1|1\.1|2|3|3\.[1-4]|4|4\.([1-9]|10)|5|6)$/)
					prob = prob "RFC 7637 has no section " x ";"
			}
		}
		if (level !~ /^(MUST|SHOULD|MAY|INFO)$/) prob = prob "level \"" level "\";"
		if (why == "" || why ~ /^[>|]/) prob = prob "why is not one line;"
		if (any && level != "INFO" && level != "MAY")
			prob = prob "observation any on a " level " case;"
		printf "%s\t%s\t%s\t%s\t%s\t%d\n", file, id, level, miss, prob, snd
		id = ""
	}
	function val(s) { sub(/^[^:]*:[ ]*/, "", s); gsub(/^"|"$/, "", s); return s }
	/^  - id:/ { flush(); id = val($0); delete have; level = ""; why = ""; clause = ""; prob = ""; any = 0; snd = 0; next }
	/^[^ #]/ { flush() }
	id != "" && /^    [a-z_]+:/ {
		k = $0; sub(/^    /, "", k); sub(/:.*/, "", k); have[k] = 1
		if (k == "level") level = val($0)
		if (k == "why") why = val($0)
		if (k == "clause") clause = val($0)
	}
	id != "" && /^ +sender:/ { snd = 1 }
	id != "" && /observation:/ {
		o = val($0); sub(/[ ]*#.*/, "", o)
		if (o !~ /^(delivered|rejected|silent|misdelivered|not-delivered|any)$/)
			prob = prob "observation \"" o "\";"
		if (o == "any") any = 1
	}
	END { flush() }' "$f"
done >"$tmp/cases"

# fields and problems per case
awk -F'\t' '$4 != "" { printf "%s: %s: missing %s\n", $1, $2, $4 }
	$5 != "" { printf "%s: %s: %s\n", $1, $2, $5 }' "$tmp/cases" >"$tmp/probs"
if [ -s "$tmp/probs" ]; then
	while IFS= read -r l; do bad "$l"; done <"$tmp/probs"
fi

# duplicate ids anywhere under suites/
cut -f2 "$tmp/cases" | sort | uniq -d >"$tmp/dups"
[ -s "$tmp/dups" ] && bad "duplicate case ids: $(tr '\n' ' ' <"$tmp/dups")"

# the catalogue: count and spread over the nine areas
total=$(awk -F'\t' '$1 ~ /^suites\/rfc7637\// { n++ } END { print n + 0 }' "$tmp/cases")
[ "$total" -ge "$MIN_CASES" ] || bad "catalogue has $total cases, needs >= $MIN_CASES"
summary=""
for area in KEY HDR VSID FLOW INNER OUTER FRAG ICMP ISO; do
	n=$(awk -F'\t' -v a="$area" '$1 ~ /^suites\/rfc7637\// && index($2, a "-") == 1 { n++ } END { print n + 0 }' "$tmp/cases")
	[ "$n" -ge "$MIN_PER_AREA" ] || bad "area $area has $n cases, needs >= $MIN_PER_AREA"
	summary="$summary $area=$n"
done
echo "check-catalogue: $total catalogue cases:$summary"

# expected verdicts: one file per suite, one line per case, six profiles
for f in $suites; do
	ef=$(grep -l "^# suite: $f\$" "$EXP"/*.txt 2>/dev/null | head -n 1 || true)
	if [ -z "$ef" ]; then bad "$f: no expected-verdicts file names it"; continue; fi
	dut=$(sed -n 's/^# dut: //p' "$ef" | head -n 1)
	[ -n "$dut" ] && [ -f "$dut" ] || bad "$ef: dut file '$dut' missing"
	awk -F'\t' -v f="$f" '$1 == f { print $2 }' "$tmp/cases" | sort >"$tmp/want"
	grep -v '^#' "$ef" | awk 'NF { print $1 }' | sort >"$tmp/have"
	if ! cmp -s "$tmp/want" "$tmp/have"; then
		bad "$ef: case ids differ from $f (< suite, > expected):"
		diff "$tmp/want" "$tmp/have" | grep '^[<>]' | sed 's/^/    /' || true
	fi
	grep -v '^#' "$ef" | awk -v profs="$PROFILES" -v ef="$ef" '
	NF {
		n = split(profs, p, " "); delete seen
		for (i = 2; i <= NF; i++) {
			if (split($i, kv, "=") != 2 || kv[2] !~ /^(pass|fail|warn|info|inconclusive)$/) {
				printf "%s: %s: bad field \"%s\"\n", ef, $1, $i; continue
			}
			seen[kv[1]] = 1
		}
		for (i = 1; i <= n; i++) if (!(p[i] in seen)) printf "%s: %s: no verdict for %s\n", ef, $1, p[i]
		if (NF - 1 != n) printf "%s: %s: %d verdicts, want %d\n", ef, $1, NF - 1, n
	}' >"$tmp/vprob"
	if [ -s "$tmp/vprob" ]; then
		while IFS= read -r l; do bad "$l"; done <"$tmp/vprob"
	fi
	# INFO `any` cases can only be info; MUST cases never warn, SHOULD never fail
	# (a MUST case naming sender rules warns when only a SHOULD rule broke)
	awk -F'\t' -v f="$f" '$1 == f { print $2, $3, $6 }' "$tmp/cases" >"$tmp/levels"
	grep -v '^#' "$ef" | awk -v ef="$ef" 'NR == FNR { lvl[$1] = $2; snd[$1] = $3; next }
	NF {
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			if (lvl[$1] == "MUST" && kv[2] == "warn" && !snd[$1]) printf "%s: %s: MUST case cannot warn (%s)\n", ef, $1, $i
			if (lvl[$1] == "SHOULD" && kv[2] == "fail") printf "%s: %s: SHOULD case cannot fail (%s)\n", ef, $1, $i
			if ((lvl[$1] == "INFO" || lvl[$1] == "MAY") && (kv[2] == "fail" || kv[2] == "warn"))
				printf "%s: %s: %s case cannot %s\n", ef, $1, lvl[$1], kv[2]
		}
	}' "$tmp/levels" - >"$tmp/lprob"
	if [ -s "$tmp/lprob" ]; then
		while IFS= read -r l; do bad "$l"; done <"$tmp/lprob"
	fi
done
# and no expected-verdicts file for a suite that does not exist
for ef in "$EXP"/*.txt; do
	s=$(sed -n 's/^# suite: //p' "$ef" | head -n 1)
	[ -n "$s" ] && [ -f "$s" ] || bad "$ef: suite '$s' does not exist"
done

# binding: each suite crafts against its DUT file (needs `nvgrect gen`)
if [ -n "${NVGRECT:-}" ] && [ -x "$NVGRECT" ] && "$NVGRECT" gen --help >/dev/null 2>&1; then
	nb=0
	for f in $suites; do
		ef=$(grep -l "^# suite: $f\$" "$EXP"/*.txt 2>/dev/null | head -n 1 || true)
		[ -n "$ef" ] || continue
		dut=$(sed -n 's/^# dut: //p' "$ef" | head -n 1)
		if ! "$NVGRECT" gen "$f" --dut "$dut" -w "$tmp/bind-$nb.pcapng" \
			--manifest "$tmp/bind-$nb.json" >"$tmp/gen.out" 2>&1; then
			bad "$f does not craft against $dut:"
			sed 's/^/    | /' "$tmp/gen.out"
		elif command -v jq >/dev/null 2>&1; then
			# the loader's own view of the case ids must be what was read above
			jq -r '.frames[].case' "$tmp/bind-$nb.json" | sort -u >"$tmp/loader-ids"
			awk -F'\t' -v f="$f" '$1 == f { print $2 }' "$tmp/cases" | sort >"$tmp/awk-ids"
			cmp -s "$tmp/loader-ids" "$tmp/awk-ids" ||
				bad "$f: case ids read here differ from nvgrect's loader (flow-style case?)"
		fi
		nb=$((nb + 1))
	done
	echo "check-catalogue: $nb suites craft against their DUT files"
else
	echo "check-catalogue: nvgrect gen not available, binding check skipped"
fi

[ "$fail" -eq 0 ] || exit 1
echo "check-catalogue: ok"
