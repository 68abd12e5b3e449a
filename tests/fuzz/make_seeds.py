#!/usr/bin/python3
"""Write the fuzz seed corpora (tests/fuzz/corpus/<target>/) from the scapy
scenario captures of tests/diagnose/make_captures.py and the repo's suites.
usage: make_seeds.py   (run from the repository root; output is committed)"""
import glob
import hashlib
import os
import struct
import subprocess
import sys
import tempfile

from scapy.all import ICMP, IP, IPv6, ICMPv6DestUnreach, rdpcap

ROOT = os.getcwd()
OUT = os.path.join(ROOT, "tests/fuzz/corpus")


def put(target, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    tmp = tempfile.mkdtemp()
    subprocess.check_call([sys.executable, "tests/diagnose/make_captures.py", tmp])
    seen = set()
    for cap in sorted(glob.glob(tmp + "/*.pcap*")):
        frames = rdpcap(cap)
        for i, f in enumerate(frames):
            raw = bytes(f)
            if raw in seen or len(seen) > 60:
                continue
            seen.add(raw)
            put("dissect", b"\x00" + raw)
            if i % 5 == 0:
                put("dissect", b"\x40" + raw[: len(raw) // 2])   # cut by the capture
            if ICMP in f and f[ICMP].type == 3:
                put("quote", b"\x00" + bytes(f[ICMP].payload))
                put("quote", b"\x02" + bytes(f[ICMP].payload)[20:])   # from the GRE header
            if ICMPv6DestUnreach in f:
                put("quote", b"\x01" + bytes(f[ICMPv6DestUnreach].payload))
        blob = b"".join(struct.pack(">H", len(bytes(f))) + bytes(f) for f in frames[:64])
        put("diagnose", blob)
        size = os.path.getsize(cap)
        if size < 4096:
            put("pcapng", b"\x00" + open(cap, "rb").read())
    # round-trip records: caplen lo, caplen hi, extra, comment len, data, comment
    rec = b""
    for n, c in ((60, b"probe 1"), (0, b""), (14, b"x" * 20), (300, b"")):
        rec += struct.pack("BBBB", n & 0xFF, n >> 8, 4, len(c)) + bytes(i % 256 for i in range(n)) + c
    put("pcapng", b"\x01" + rec)
    for y in sorted(glob.glob("suites/**/*.yaml", recursive=True)):
        data = open(y, "rb").read()
        put("suite", (b"\x01" if "/duts/" in y else b"\x00") + data)


if __name__ == "__main__":
    main()
