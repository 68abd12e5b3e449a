#!/bin/sh
# make-generated.sh OUTDIR - the hostile inputs too big or too binary to commit:
# deep nesting, size and node caps, alias floods, NUL bytes, bad UTF-8, garbage.
# Each file's expected first diagnostic goes to OUTDIR/expect.txt as
#   name <TAB> line:col <TAB> substring      (as tests/hostile/expect.txt)
set -eu
out=${1:?usage: make-generated.sh OUTDIR}
mkdir -p "$out"
cd "$out"
: >expect.txt

# rep N STRING: STRING repeated N times, no newline
rep() { awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'; }
exp() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>expect.txt; }

# --- nesting: libyaml 0.2.5 has no limit of its own --------------------------
{ printf 'suite: '; rep 10000 '['; rep 10000 ']'; echo; } >gen-deep-flow-seq.yaml
exp gen-deep-flow-seq.yaml 1:39 'nesting deeper than 32'
{ printf 'suite: '; rep 10000 '['; echo; } >gen-deep-flow-unclosed.yaml
exp gen-deep-flow-unclosed.yaml 1:39 'nesting deeper than 32'
{ printf 'suite: '; rep 10000 '{a: '; rep 10000 '}'; echo; } >gen-deep-flow-map.yaml
exp gen-deep-flow-map.yaml 1:132 'nesting deeper than 32'
{ rep 10000 '- '; echo x; } >gen-deep-block-seq.yaml
exp gen-deep-block-seq.yaml 1:65 'nesting deeper than 32'
awk 'BEGIN { for (i = 0; i < 1000; i++) { for (j = 0; j < i; j++) printf " "; printf "k%d:\n", i } }' \
	>gen-deep-block-map.yaml
exp gen-deep-block-map.yaml 33:33 'nesting deeper than 32'
{ printf 'suite: h\ncases: '; rep 32 '['; rep 32 ']'; echo; } >gen-depth-33.yaml
exp gen-depth-33.yaml 2:39 'nesting deeper than 32'

# --- size, node and scalar caps ----------------------------------------------
{ printf 'suite: h\ndescription: "'; rep 2097152 a; echo '"'; } >gen-2mib.yaml
exp gen-2mib.yaml 1:1 'larger than the 1048576-byte limit'
{ printf 'suite: h\n# '; rep 1048565 x; echo; } >gen-1mib-plus-1.yaml
exp gen-1mib-plus-1.yaml 1:1 'larger than the 1048576-byte limit'
{ printf 'suite: h\ndescription: "'; rep 4097 a; echo '"'; } >gen-scalar-4097.yaml
exp gen-scalar-4097.yaml 2:14 'longer than the 4096-byte limit'
{ printf 'suite: h\n'; rep 5000 k; echo ': 1'; } >gen-key-5000.yaml
exp gen-key-5000.yaml 2:5001 "could not find expected ':'"
{ printf 'suite: h\n? "'; rep 5000 k; printf '"\n: 1\n'; } >gen-key-explicit-5000.yaml
exp gen-key-explicit-5000.yaml 2:3 'longer than the 4096-byte limit'
{ printf 'suite: h\ncases: ['; rep 100001 '1,'; echo '1]'; } >gen-nodes-100k.yaml
exp gen-nodes-100k.yaml 2:199999 'more than 100000 YAML nodes'
awk 'BEGIN { print "suite: h"; for (i = 0; i < 60000; i++) printf "k%d: 1\n", i }' >gen-many-keys.yaml
exp gen-many-keys.yaml 50000:9 'more than 100000 YAML nodes'

# a valid-looking suite whose probes alone would need 130 MiB
awk 'BEGIN { print "suite: h\ncases:"; for (c = 0; c < 1024; c++) {
	printf "  - {id: C%d, level: MUST, expect: {observation: any}, probes: [{}", c;
	for (p = 1; p < 64; p++) printf ",{}"; print "]}" } }' >gen-probes-65536.yaml
exp gen-probes-65536.yaml 3:3 'cases: 65536 probes in the suite, at most 4096'

# --- alias floods (billion laughs without a tree builder to expand them) --------
{ printf 'a: &a [x]\nb: ['; rep 100000 '*a,'; echo '*a]'; } >gen-alias-flood.yaml
exp gen-alias-flood.yaml 1:4 'anchors (&name) are not allowed'
awk 'BEGIN { printf "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
	for (i = 1; i < 30; i++) { printf "l%d: &l%d [", i, i;
		for (j = 0; j < 10; j++) printf "%s*l%d", j ? ", " : "", i - 1; print "]" } }' >gen-laughs-30.yaml
exp gen-laughs-30.yaml 1:5 'anchors (&name) are not allowed'

# --- bytes that are not UTF-8 YAML text ------------------------------------------
printf 'suite: h\ncases: \000\n' >gen-nul.yaml
exp gen-nul.yaml 2:8 'NUL byte'
{ printf 'suite: h\ndescription: "'; head -c 1000 /dev/zero; echo '"'; } >gen-nul-run.yaml
exp gen-nul-run.yaml 2:15 'NUL byte'
head -c 65536 /dev/zero >gen-zeros.yaml
exp gen-zeros.yaml 1:1 'NUL byte'
printf 'suite: h\ndescription: caf\303\251 \377 ok\n' >gen-utf8-ff.yaml
exp gen-utf8-ff.yaml 2:19 'invalid leading UTF-8 octet'
printf 'suite: h\ndescription: \200\n' >gen-utf8-lone-cont.yaml
exp gen-utf8-lone-cont.yaml 2:14 'invalid leading UTF-8 octet'
printf 'suite: h\ndescription: \300\257\n' >gen-utf8-overlong.yaml
exp gen-utf8-overlong.yaml 2:14 'invalid length of a UTF-8 sequence'
printf 'suite: h\ndescription: \355\240\200\n' >gen-utf8-surrogate.yaml
exp gen-utf8-surrogate.yaml 2:14 'invalid Unicode character (U+D800)'
printf 'suite: h\ndescription: ab\342\202' >gen-utf8-truncated.yaml
exp gen-utf8-truncated.yaml 2:16 'incomplete UTF-8 octet sequence'
printf 'suite: h\ndescription: a\033[31mred\n' >gen-control-char.yaml
exp gen-control-char.yaml 2:15 'control characters are not allowed'
printf '\377\376s\000u\000i\000t\000e\000:\000 \000h\000\n\000' >gen-utf16le.yaml
exp gen-utf16le.yaml 1:1 'UTF-16 byte order mark'
printf '\376\377\000s\000u\000i\000t\000e\000:\000 \000h\000\n' >gen-utf16be.yaml
exp gen-utf16be.yaml 1:1 'UTF-16 byte order mark'
# deterministic garbage: a fixed LCG, not /dev/urandom, so a failure reproduces
LC_ALL=C awk 'BEGIN { x = 12345; for (i = 0; i < 4096; i++) { x = (x * 1103515245 + 12345) % 2147483648;
	b = int(x / 65536) % 256; if (b == 0) b = 1; printf "%c", b } }' >gen-garbage.yaml
exp gen-garbage.yaml 1:2 'UTF-8'
