#!/usr/bin/python3
"""nvprobe.py - an independent NVGRE prober for the namespace lab (scapy).

Sends hand-built NVGRE frames from the tester namespace and reports what
came back for each, so shell tests can assert an endpoint's behaviour
without nvgrect's own crafter or verifier (an independent oracle).

usage: nvprobe.py [options] SPEC...

Each SPEC is NAME or NAME:k=v,k=v with keys
  key=0x00138900    GRE key (required unless flags lack K)
  flags=0x2000      first 16 bits of the GRE header (C R K S s Recur Flags Ver)
  proto=0x6558      GRE protocol type
  csum=good|bad     checksum value when C is set (default good)
  seq=N             sequence number when S is set
  tenant=blue|green inner addresses (default blue)
  inner=echo|arp    inner payload (default echo)
  vlan=N            inner 802.1Q tag with VID N
  src=IP            outer source address (default the tester PA)
  ipopt=1           outer IPv4 header with a NOP option word (IPv4 only)
  frag=1            send the probe as outer IPv4 fragments (IPv4 only)
An IPv6 --dut-pa makes the outer header IPv6 (ND instead of ARP).
  dstmac=dut|MAC    inner destination MAC (default the tenant VM's)
  gap=S             pause before this probe (seconds)

Prints one line per probe:
  probe NAME: echo key=0x........ [inner-src=MAC]
  probe NAME: arp key=0x........ mac=MAC
  probe NAME: icmp T/C quote=N          (ICMPv6 for an IPv6 outer)
  probe NAME: nvgre-icmp T/C key=0x........ quote=N
  probe NAME: silent
and "arp-underlay MAC" first (or "arp-underlay none"), from ARP or ND.
"""
import argparse
import struct
import sys
import time

from scapy.all import (ARP, Ether, IP, ICMP, Dot1Q, Raw, AsyncSniffer, conf,
                       sendp, srp1)
from scapy.layers.inet6 import (IPv6, ICMPv6ND_NS, ICMPv6ND_NA,
                                ICMPv6NDOptSrcLLAddr, ICMPv6DestUnreach,
                                in6_getnsma, in6_getnsmac, inet_pton)
import socket

TENANTS = {
    "blue": dict(tester_ca="198.51.100.1", tester_mac="02:00:00:00:00:01",
                 vm_ca="198.51.100.2", vm_mac="02:00:00:00:13:89"),
    "green": dict(tester_ca="203.0.113.1", tester_mac="02:00:00:00:00:02",
                  vm_ca="203.0.113.2", vm_mac="02:00:00:00:17:71"),
}
MARK = b"NVPRB"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def parse_spec(text):
    name, _, rest = text.partition(":")
    spec = {"name": name}
    for kv in filter(None, rest.split(",")):
        k, _, v = kv.partition("=")
        spec[k] = v
    return spec


def num(v):
    return int(v, 0)


def inner_frame(spec, idx):
    t = TENANTS[spec.get("tenant", "blue")]
    src_mac = "02:00:00:00:aa:%02x" % (idx & 0xFF)
    if spec.get("inner", "echo") == "arp":
        eth = Ether(dst="ff:ff:ff:ff:ff:ff", src=src_mac)
        l3 = ARP(op=1, hwsrc=src_mac, psrc=t["tester_ca"], pdst=t["vm_ca"])
    else:
        dst = spec.get("dstmac", t["vm_mac"])
        eth = Ether(dst=dst, src=src_mac)
        payload = MARK + struct.pack("!H", idx) + bytes(range(25))
        l3 = IP(src=t["tester_ca"], dst=t["vm_ca"]) / \
            ICMP(type=8, id=0x4E56, seq=idx) / Raw(payload)
    if "vlan" in spec:
        eth.type = 0x8100
        return bytes(eth / Dot1Q(vlan=num(spec["vlan"])) / l3)
    return bytes(eth / l3)


def gre_header(spec, inner):
    flags = num(spec.get("flags", "0x2000"))
    proto = num(spec.get("proto", "0x6558"))
    opt_c = b""
    opt_k = struct.pack("!I", num(spec.get("key", "0"))) if flags & 0x2000 else b""
    opt_s = struct.pack("!I", num(spec.get("seq", "1"))) if flags & 0x1000 else b""
    if flags & 0x8000:
        opt_c = b"\0\0\0\0"
    hdr = struct.pack("!HH", flags, proto) + opt_c + opt_k + opt_s
    if flags & 0x8000:
        c = csum(hdr + inner)
        if spec.get("csum", "good") == "bad":
            c ^= 0x5555
        hdr = hdr[:4] + struct.pack("!HH", c, 0) + hdr[8:]
    return hdr + inner


def outer_frames(a, spec, idx, dut_mac):
    body = gre_header(spec, inner_frame(spec, idx))
    if a.v6:
        ip6 = IPv6(src=spec.get("src", a.tester_pa), dst=a.dut_pa, nh=47)
        return [Ether(src=a.tester_mac, dst=dut_mac) / ip6 / Raw(body)]
    ip = IP(src=spec.get("src", a.tester_pa), dst=a.dut_pa, proto=47,
            id=0x1000 + idx)
    if spec.get("ipopt") == "1":
        ip.options = [b"\x01\x01\x01\x01"]
    frame = Ether(src=a.tester_mac, dst=dut_mac) / ip / Raw(body)
    if spec.get("frag") == "1":
        raw = bytes(frame[IP])
        from scapy.all import fragment
        return [Ether(src=a.tester_mac, dst=dut_mac) / f
                for f in fragment(IP(raw), fragsize=64)]
    return [frame]


def ip_csum_ok(b):
    """IPv4 header and ICMP checksums, or the ICMPv6 checksum, of one datagram."""
    if b[0] >> 4 == 4:
        hl = (b[0] & 15) * 4
        tot = struct.unpack("!H", b[2:4])[0]
        return csum(b[:hl]) == 0 and (b[9] != 1 or csum(b[hl:tot]) == 0)
    if b[6] != 58:
        return True
    plen = struct.unpack("!H", b[4:6])[0]
    ph = b[8:40] + struct.pack("!IxxxB", plen, 58)
    return csum(ph + b[40:40 + plen]) == 0


def classify(a, pkt):
    c = classify_one(a, pkt)
    if c is None:
        return None
    ok = ip_csum_ok(bytes(outer_ip(a, pkt)))
    g = bytes(outer_ip(a, pkt).payload)
    if ok and c[0] in ("echo", "nvgre-icmp"):
        flags = struct.unpack("!H", g[:2])[0]
        off = 4 + 4 * bin(flags & 0xB000).count("1") + 14
        ok = ip_csum_ok(g[off:])
    return c if ok else (c[0], c[1], c[2] + " BAD-CHECKSUM")


def classify_one(a, pkt):
    """(kind, idx or inner-dst MAC, detail) of one received frame."""
    raw = bytes(pkt)
    ip = outer_ip(a, pkt)
    if ip is None:
        return None
    proto = ip.nh if a.v6 else ip.proto
    pos = raw.find(MARK)
    idx = struct.unpack("!H", raw[pos + 5:pos + 7])[0] if pos >= 0 else None
    if proto in (1, 58):
        icmp = bytes(ip.payload)
        if icmp[0] == (1 if a.v6 else 3):
            return ("icmp", idx, "%d/%d quote=%d" % (icmp[0], icmp[1], len(icmp) - 8))
        return None
    if proto != 47:
        return None
    g = bytes(ip.payload)
    flags, proto = struct.unpack("!HH", g[:4])
    off = 4 + (4 if flags & 0x8000 else 0)
    key = struct.unpack("!I", g[off:off + 4])[0] if flags & 0x2000 else None
    off += (4 if flags & 0x2000 else 0) + (4 if flags & 0x1000 else 0)
    inner = Ether(g[off:])
    ks = "key=0x%08x" % key if key is not None else "nokey"
    if inner.haslayer(ARP):
        return ("arp", inner.dst, "%s mac=%s" % (ks, inner[ARP].hwsrc))
    if inner.haslayer(ICMPv6DestUnreach):
        ic = inner[ICMPv6DestUnreach]
        q = len(bytes(ic)) - 8
        return ("nvgre-icmp", idx, "%d/%d %s quote=%d" % (ic.type, ic.code, ks, q))
    if inner.haslayer(ICMP):
        ic = inner[ICMP]
        if ic.type == 0:
            return ("echo", idx, "%s inner-src=%s" % (ks, inner.src))
        if ic.type == 3:
            q = len(bytes(ic)) - 8
            return ("nvgre-icmp", idx, "%d/%d %s quote=%d" % (ic.type, ic.code, ks, q))
    return ("other", idx, ks)


def outer_ip(a, pkt):
    layer = IPv6 if a.v6 else IP
    if not pkt.haslayer(layer) or pkt[layer].dst != a.tester_pa:
        return None
    return pkt[layer]


def resolve(a):
    """The DUT's MAC for its PA: ARP, or ND for an IPv6 PA."""
    if not a.v6:
        ans = srp1(Ether(dst="ff:ff:ff:ff:ff:ff", src=a.tester_mac) /
                   ARP(op=1, hwsrc=a.tester_mac, psrc=a.tester_pa, pdst=a.dut_pa),
                   iface=a.iface, timeout=2)
        return ans[ARP].hwsrc if ans is not None else None
    ns = in6_getnsma(inet_pton(socket.AF_INET6, a.dut_pa))
    ans = srp1(Ether(dst=in6_getnsmac(ns), src=a.tester_mac) /
               IPv6(src=a.tester_pa, dst=socket.inet_ntop(socket.AF_INET6, ns),
                    hlim=255) /
               ICMPv6ND_NS(tgt=a.dut_pa) / ICMPv6NDOptSrcLLAddr(lladdr=a.tester_mac),
               iface=a.iface, timeout=2,
               filter="icmp6 and ip6[40] == 136")
    return ans[Ether].src if ans is not None and ans.haslayer(ICMPv6ND_NA) else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", default="tst0")
    ap.add_argument("--tester-pa", default="192.0.2.1")
    ap.add_argument("--dut-pa", default="192.0.2.2")
    ap.add_argument("--gap", type=float, default=0.05)
    ap.add_argument("--wait", type=float, default=1.0)
    ap.add_argument("specs", nargs="+")
    a = ap.parse_args()
    conf.verb = 0
    a.tester_mac = open("/sys/class/net/%s/address" % a.iface).read().strip()

    a.v6 = ":" in a.dut_pa
    dut_mac = resolve(a)
    print("arp-underlay %s" % (dut_mac or "none"))
    if dut_mac is None:
        dut_mac = "ff:ff:ff:ff:ff:ff"
    specs = [parse_spec(s) for s in a.specs]
    sn = AsyncSniffer(iface=a.iface, store=True,
                      lfilter=lambda p: outer_ip(a, p) is not None)
    sn.start()
    time.sleep(0.3)
    for i, spec in enumerate(specs):
        time.sleep(float(spec.get("gap", a.gap)))
        for f in outer_frames(a, spec, i, dut_mac):
            sendp(f, iface=a.iface)
    time.sleep(a.wait)
    got = sn.stop() or []
    found = {}
    for pkt in got:
        c = classify(a, pkt)
        if c is None:
            continue
        kind, ref, detail = c
        if kind == "arp":
            for i, spec in enumerate(specs):
                if ref == "02:00:00:00:aa:%02x" % (i & 0xFF):
                    found.setdefault(i, "arp " + detail)
            continue
        if ref is not None and ref < len(specs):
            found.setdefault(ref, "%s %s" % (kind, detail))
    for i, spec in enumerate(specs):
        print("probe %s: %s" % (spec["name"], found.get(i, "silent")))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
