#!/usr/bin/python3
"""make_captures.py - an independent golden capture for `nvgrect verify`.

Scapy builds the probes of tests/golden/verify/golden.yaml from the probe-tag
format alone (suites/README.md "Probe tags": outer IPv4 ID = frame + 1, inner
ICMP echo id 0x4e56 seq = frame, 16-byte nonce "NVGT" run-id frame case
probe), and the DUT's answers case by case, without any nvgrect code. The
observations the verifier must draw from it are in expected-scapy.txt.
With --v6 it builds golden6.yaml's capture over an IPv6 underlay
(suites/duts/lab6.yaml; outer flow label = 0x80000 | frame; expected in
expected-scapy6.txt).

    make_captures.py OUT.pcap [SEED] [--v6]
"""
import struct
import sys

from scapy.all import (ARP, GRE, ICMP, IP, ICMPv6DestUnreach, ICMPv6EchoReply,
                       ICMPv6EchoRequest, ICMPv6PacketTooBig, IPv6, Ether, Raw, wrpcap)

MASK64 = (1 << 64) - 1


def mix64(x):
    """splitmix64 finaliser: the run id is its top 32 bits of the seed."""
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
V6 = "--v6" in sys.argv
SEED = int(ARGS[1]) if len(ARGS) > 1 else 1
RUN = mix64(SEED) >> 32
TESTER, DUT = "192.0.2.1", "192.0.2.2"
TMAC, DMAC = "02:00:5e:00:00:01", "02:00:5e:00:00:02"
TEN = {
    "blue": dict(vsid=5001, tca="198.51.100.1", tmac="02:00:00:00:00:01",
                 vca="198.51.100.2", vmac="02:00:00:00:13:89"),
    "green": dict(vsid=6001, tca="203.0.113.1", tmac="02:00:00:00:00:02",
                  vca="203.0.113.2", vmac="02:00:00:00:17:71"),
}


def rfc(vsid, flow=0):
    return (vsid << 8) | flow


def nonce(frame, case, probe=0):
    return b"NVGT" + struct.pack(">IIHH", RUN, frame, case, probe)


def probe(frame, case, key, t="blue", c=False, arp=False, dst_ca=None):
    """What the tester sends (enough of it for the verifier to see it leave)."""
    tn = TEN[t]
    gre = GRE(key_present=1, key=key, proto=0x6558, chksum_present=1 if c else 0)
    inner = Ether(src=tn["tmac"], dst=tn["vmac"] if not arp else "ff:ff:ff:ff:ff:ff")
    if arp:
        inner = inner / ARP(op=1, hwsrc=tn["tmac"], psrc=tn["tca"], pdst=tn["vca"])
    else:
        inner = inner / IP(src=tn["tca"], dst=dst_ca or tn["vca"], id=frame + 1) / \
            ICMP(type=8, id=0x4E56, seq=frame) / Raw(nonce(frame, case) + bytes(range(16)))
    return Ether(src=TMAC, dst=DMAC) / IP(src=TESTER, dst=DUT, id=frame + 1, flags="DF") / \
        gre / inner


def reply(frame, case, key, t="blue"):
    """The tenant VM's echo reply, encapsulated by the DUT."""
    tn = TEN[t]
    return Ether(src=DMAC, dst=TMAC) / IP(src=DUT, dst=TESTER) / \
        GRE(key_present=1, key=key, proto=0x6558) / \
        Ether(src=tn["vmac"], dst=tn["tmac"]) / IP(src=tn["vca"], dst=tn["tca"]) / \
        ICMP(type=0, id=0x4E56, seq=frame) / Raw(nonce(frame, case) + bytes(range(16)))


def icmp_err(pr, typ, code, qlen):
    """A plain ICMP error from the DUT PA quoting qlen bytes of the probe's IP datagram."""
    return Ether(src=DMAC, dst=TMAC) / IP(src=DUT, dst=TESTER) / \
        ICMP(type=typ, code=code) / Raw(bytes(pr[IP])[:qlen])


def nvgre_icmp(pr, key, qlen):
    """MS-NVGREE UNREACHABLE: ICMP 3/10 inside NVGRE quoting from the GRE header."""
    tn = TEN["blue"]
    return Ether(src=DMAC, dst=TMAC) / IP(src=DUT, dst=TESTER) / \
        GRE(key_present=1, key=key, proto=0x6558) / \
        Ether(src=tn["vmac"], dst=tn["tmac"]) / IP(src=tn["vca"], dst=tn["tca"]) / \
        ICMP(type=3, code=10) / Raw(bytes(pr[GRE])[:qlen])


def arp_reply(key):
    tn = TEN["blue"]
    return Ether(src=DMAC, dst=TMAC) / IP(src=DUT, dst=TESTER) / \
        GRE(key_present=1, key=key, proto=0x6558) / \
        Ether(src=tn["vmac"], dst=tn["tmac"]) / \
        ARP(op=2, hwsrc=tn["vmac"], psrc=tn["vca"], hwdst=tn["tmac"], pdst=tn["tca"])


def build():
    out = []
    t0 = 1767225600.0
    blue, green = rfc(5001), rfc(6001)

    def at(pkt, frame, dt=0.0005):
        pkt.time = t0 + frame + dt
        out.append(pkt)

    p = probe(0, 0, blue)                                   # G-01 delivered
    at(p, 0, 0)
    at(reply(0, 0, blue), 0)
    p = probe(1, 1, 5001)                                   # G-02 draft00 key 0x1389
    at(p, 1, 0)
    at(icmp_err(p, 3, 10, 20 + 8), 1)
    p = probe(2, 2, rfc(5001, 0x5A))                        # G-03 NVGRE ICMP
    at(p, 2, 0)
    at(nvgre_icmp(p, blue, 8 + 14 + 20 + 8 + 16), 2)
    p = probe(3, 3, green, t="green")                       # G-04 both
    at(p, 3, 0)
    at(icmp_err(p, 3, 2, 576 - 28), 3, 0.0002)
    at(reply(3, 3, green, t="green"), 3)
    p = probe(4, 4, blue, c=True)                           # G-05 C=1, long quote
    at(p, 4, 0)
    at(icmp_err(p, 3, 3, 576 - 28), 4)
    at(probe(5, 5, rfc(7001)), 5, 0)                        # G-06 silent
    at(probe(6, 6, blue), 6, 0)                             # G-07 misdelivered
    at(reply(6, 6, green, t="green"), 6)
    for k in range(3):                                      # G-08 dup, ok, late
        at(probe(7 + k, 7, blue), 7 + k, 0)
    at(reply(7, 7, blue), 7)
    at(reply(7, 7, blue), 7, 0.0009)
    at(reply(8, 7, blue), 8)
    at(reply(9, 7, blue), 9, 2.5)
    at(probe(10, 8, blue, arp=True), 10, 0)                 # G-09 ARP
    at(arp_reply(blue), 10)
    p = probe(11, 9, blue)                                  # G-10 other key quoted
    at(p, 11, 0)
    bad = bytearray(bytes(p[IP]))
    bad[20 + 4:20 + 8] = struct.pack(">I", rfc(5002))
    e = Ether(src=DMAC, dst=TMAC) / IP(src=DUT, dst=TESTER) / ICMP(type=3, code=3) / \
        Raw(bytes(bad[:28]))
    at(e, 11)
    # unsolicited: an untagged NVGRE frame from the DUT, and a frame cut short
    u = Ether(src=DMAC, dst=TMAC) / IP(src=DUT, dst=TESTER) / \
        GRE(key_present=1, key=blue, proto=0x6558) / \
        Ether(src=TEN["blue"]["vmac"], dst="ff:ff:ff:ff:ff:ff") / \
        IP(src=TEN["blue"]["vca"], dst="198.51.100.255") / ICMP(type=8, id=1, seq=1)
    at(u, 12, 0.1)
    out.sort(key=lambda x: x.time)
    return out


TESTER6, DUT6 = "2001:db8::1", "2001:db8::2"
DMAC6 = "02:00:00:00:00:fe"
TEN6 = {
    "blue": dict(vsid=5001, tca="198.51.100.1", tmac="02:00:00:00:00:01",
                 vca="198.51.100.2", vmac="02:00:00:00:13:89"),
    "violet": dict(vsid=7002, tca="2001:db8:1b5a::1", tmac="02:00:00:00:00:06",
                   vca="2001:db8:1b5a::2", vmac="02:00:00:00:1b:5a"),
}


def inner6(frame, case, t, reply=False):
    """The inner frame: IPv4 or ICMPv6 echo (request to the VM, or its reply)."""
    tn = TEN6[t]
    src, dst = (tn["vca"], tn["tca"]) if reply else (tn["tca"], tn["vca"])
    eth = Ether(src=tn["vmac"], dst=tn["tmac"]) if reply else Ether(src=tn["tmac"], dst=tn["vmac"])
    data = nonce(frame, case) + bytes(range(16))
    if ":" in tn["vca"]:
        echo = ICMPv6EchoReply if reply else ICMPv6EchoRequest
        return eth / IPv6(src=src, dst=dst) / echo(id=0x4E56, seq=frame, data=data)
    return eth / IP(src=src, dst=dst, id=frame + 1) / \
        ICMP(type=0 if reply else 8, id=0x4E56, seq=frame) / Raw(data)


def outer6(src, dst, flow=0):
    mac = (TMAC, DMAC6) if src == TESTER6 else (DMAC6, TMAC)
    return Ether(src=mac[0], dst=mac[1]) / IPv6(src=src, dst=dst, fl=flow)


def probe6(frame, case, key, t):
    return outer6(TESTER6, DUT6, 0x80000 | frame) / GRE(key_present=1, key=key, proto=0x6558) / \
        inner6(frame, case, t)


def reply6(frame, case, key, t):
    return outer6(DUT6, TESTER6) / GRE(key_present=1, key=key, proto=0x6558) / \
        inner6(frame, case, t, reply=True)


def build6():
    out = []
    t0 = 1767225600.0

    def at(pkt, frame, dt=0.0005):
        pkt.time = t0 + frame + dt
        out.append(pkt)

    blue, violet = rfc(5001), rfc(7002)
    at(probe6(0, 0, blue, "blue"), 0, 0)                    # G6-01
    at(reply6(0, 0, blue, "blue"), 0)
    at(probe6(1, 1, violet, "violet"), 1, 0)                # G6-02
    at(reply6(1, 1, violet, "violet"), 1)
    p = probe6(2, 2, 5001, "blue")                          # G6-03 draft00 key
    at(p, 2, 0)
    at(outer6(DUT6, TESTER6) / ICMPv6DestUnreach(code=4) / Raw(bytes(p[IPv6])[:48]), 2)
    p = probe6(3, 3, rfc(7002, 0x11), "violet")             # G6-04 NVGRE ICMPv6 1/1
    at(p, 3, 0)
    tn = TEN6["violet"]
    at(outer6(DUT6, TESTER6) / GRE(key_present=1, key=violet, proto=0x6558) /
       Ether(src=tn["vmac"], dst=tn["tmac"]) / IPv6(src=tn["vca"], dst=tn["tca"]) /
       ICMPv6DestUnreach(code=1) / Raw(bytes(p[GRE])[:8 + 14 + 40 + 8 + 16]), 3)
    p = probe6(4, 4, rfc(7001), "blue")                     # G6-05 packet too big
    at(p, 4, 0)
    at(outer6(DUT6, TESTER6) / ICMPv6PacketTooBig(mtu=1280) / Raw(bytes(p[IPv6])), 4)
    return out


def main():
    pkts = build6() if V6 else build()
    wrpcap(ARGS[0], pkts)


if __name__ == "__main__":
    main()
