#!/usr/bin/python3
"""scapy_gen.py N OUT.pcap - the same 116-byte NVGRE frames, built by scapy.

The idiomatic way: one Packet per frame, the key's FlowID and the outer IP
ID varying, written with PcapWriter (research/perf-anchors.md: ~769/s).
"""
import sys

from scapy.all import GRE, ICMP, IP, Ether, PcapWriter, Raw, conf

conf.verb = 0
n, out = int(sys.argv[1]), sys.argv[2]
w = PcapWriter(out, linktype=1, sync=False)
for i in range(n):
    p = (Ether(src="02:00:00:aa:00:01", dst="02:00:00:bb:00:02") /
         IP(src="192.0.2.1", dst="192.0.2.2", id=(i + 1) & 0xFFFF, flags="DF", ttl=64) /
         GRE(key_present=1, proto=0x6558, key=(5001 << 8) | (i & 0xFF)) /
         Ether(src="02:00:00:00:00:01", dst="02:00:00:00:13:89") /
         IP(src="198.51.100.1", dst="198.51.100.2", id=(i + 1) & 0xFFFF, ttl=64) /
         ICMP(type=8, id=0x4E56, seq=i & 0xFFFF) / Raw(b"NVGT" + bytes(28)))
    w.write(p)
w.close()
