#!/bin/sh
# check-hostile.sh - strings from a packet, a file or a DUT that try to
# break a format (<script>, quotes, ]]>, ANSI escapes, C0/C1 controls,
# invalid UTF-8) go through every writer; each output must stay inert and
# well-formed, and say what the string said.
set -eu
. "$(dirname "$0")/lib.sh"
build_fixture

"$MKFIXTURE" hostile "$TMP/h" >"$TMP/summary.txt" || fail "mkfixture hostile"
"$NVGRECT" matrix "$TMP/h/report.json" "$TMP/h/report.json" -o "$TMP/mx" >"$TMP/matrix.txt" ||
	[ $? -le 1 ] || fail "nvgrect matrix on a hostile report"

python3 - "$TMP" <<'PY' || FAILS=$((FAILS + 1))
import json, re, sys, os
tmp = sys.argv[1]
bad = []
files = ["h/report.json", "h/report.xml", "h/report.md", "h/report.html",
         "mx/matrix.json", "mx/matrix.md", "mx/matrix.html", "summary.txt", "matrix.txt"]
for name in files:
    raw = open(os.path.join(tmp, name), "rb").read()
    try:
        text = raw.decode("utf-8")           # strict: invalid UTF-8 never passes through
    except UnicodeDecodeError as e:
        bad.append(f"{name}: not valid UTF-8 ({e})")
        continue
    ctrl = [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f]
    if ctrl:
        bad.append(f"{name}: raw control characters {sorted(set(map(hex, map(ord, ctrl))))}")
    if name.endswith((".html", ".xml", ".md")):
        if "<script" in text.lower():
            bad.append(f"{name}: a live <script> tag")
        if "</td>" in text and name.endswith(".md"):
            bad.append(f"{name}: raw </td> in markdown")
    if name.endswith(".xml") and "]]>" in text:
        bad.append(f"{name}: raw ]]>")
    if name.endswith(".html"):
        # the only tags are ours: no attribute injection through quotes
        for m in re.finditer(r"<[a-zA-Z][^>]*>", text):
            tag = m.group(0)
            if re.search(r"\son\w+\s*=", tag):
                bad.append(f"{name}: event handler attribute in {tag[:80]}")
        if re.search(r"(src|href)\s*=\s*\"?(https?:|//)", text):
            bad.append(f"{name}: external resource reference")
    if name.endswith(".md"):
        # every table row keeps its column count: unescaped | only as separators
        rows = [l for l in text.splitlines() if l.startswith("|")]
        counts = {len(re.findall(r"(?<!\\)\|", l)) for l in rows if not l.startswith("|---")}
        if len(rows) and len(counts) > 2:
            bad.append(f"{name}: table rows with different column counts {counts}")
# the JSON still says what the string said (as far as it was valid text)
d = json.load(open(os.path.join(tmp, "h/report.json"), encoding="utf-8"))
t = d["cases"][0]["title"]
for want in ["<script>alert(1)</script>", "\"q\"", "]]>", "\x01", "\x1b[31mred", "\ufffd"]:
    if want not in t:
        bad.append(f"report.json: title lost {want!r}: {t!r}")
if "\ud800" in t or "\xed" in t:
    bad.append("report.json: encoded a surrogate")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY

xmllint --noout "$TMP/h/report.xml" || fail "hostile report.xml not well-formed"
# HTML structure survives: every element we opened is closed in order.
python3 - "$TMP/h/report.html" "$TMP/mx/matrix.html" <<'PY' || FAILS=$((FAILS + 1))
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "hr", "img", "input", "link", "rect", "path", "circle", "line"}
class Check(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.bad = [], []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.bad.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}> at {self.getpos()}")
        else:
            self.stack.pop()
rc = 0
for path in sys.argv[1:]:
    c = Check()
    c.feed(open(path, encoding="utf-8").read())
    c.close()
    if c.bad or c.stack:
        print(f"FAIL: {path}: {c.bad[:3]} unclosed {c.stack[:5]}")
        rc = 1
sys.exit(rc)
PY
# the terminal summary escapes controls as text
grep -q '\\x1b\[31mred' "$TMP/summary.txt" || fail "terminal summary did not show ESC as \\x1b"
finish
