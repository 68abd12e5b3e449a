#!/usr/bin/python3
"""Grow a capture to SIZE bytes by repeating its records (timestamps kept
increasing): a long field capture for speed and memory tests.
usage: make_big.py IN.pcap OUT.pcap SIZE_BYTES"""
import struct
import sys

from scapy.all import rdpcap


def main():
    src, dst, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
    frames = [bytes(f) for f in rdpcap(src)]
    with open(dst, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        size, n, sec = 24, 0, 1700000000
        while size < target:
            blob = b"".join(struct.pack("<IIII", sec, i, len(f), len(f)) + f
                            for i, f in enumerate(frames))
            out.write(blob)
            size += len(blob)
            n += len(frames)
            sec += 1
    print(n)


if __name__ == "__main__":
    main()
