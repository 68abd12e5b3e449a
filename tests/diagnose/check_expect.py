#!/usr/bin/python3
"""Check one `nvgrect diagnose --json` output against make_captures.py's
expectations. usage: check_expect.py EXPECT.json SCENARIO REPORT.json RC"""
import json
import sys


def main():
    exp_all, name, report, rc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    exp = json.load(open(exp_all))[name]
    doc = json.load(open(report))
    bad = []
    if doc.get("schema") != "nvgrect-diagnosis/1":
        bad.append("schema is %r" % doc.get("schema"))
    dx = doc["diagnosis"]
    hosts = {h["pa"]: h for h in dx["hosts"]}
    for pa, lay in exp["layouts"].items():
        h = hosts.get(pa)
        if not h:
            bad.append("host %s missing" % pa)
        elif h["inferred_layout"] != lay:
            bad.append("host %s: layout %s, expected %s (reasons: %s)" %
                       (pa, h["inferred_layout"], lay, h["reasons"]))
        elif h["confidence"] < exp.get("min_confidence", 0.5):
            bad.append("host %s: confidence %.2f < %.2f" % (pa, h["confidence"], exp["min_confidence"]))
    f = dx["findings"]
    if exp.get("top"):
        if not f:
            bad.append("no findings")
        elif f[0]["code"] != exp["top"]:
            bad.append("top finding %s (%s), expected %s" % (f[0]["code"], f[0]["text"], exp["top"]))
        else:
            for t in exp.get("top_text", []):
                if t not in f[0]["text"]:
                    bad.append("top finding lacks %r: %s" % (t, f[0]["text"]))
            if f[0]["code"] not in ("no-nvgre", "flowid-absent") and not f[0]["frames"]:
                bad.append("top finding cites no frames")
    codes = [x["code"] for x in f]
    for c in exp.get("codes", []):
        if c not in codes:
            bad.append("finding %s missing (have %s)" % (c, codes))
    if exp.get("exit") is not None and rc != exp["exit"]:
        bad.append("exit %d, expected %d" % (rc, exp["exit"]))
    for b in bad:
        print("  %s: %s" % (name, b))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
