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
  ipopt=1           outer IPv4 header with a NOP option word
  frag=1            send the probe as two outer IPv4 fragments
  dstmac=dut|MAC    inner destination MAC (default the tenant VM's)
  gap=S             pause before this probe (seconds)

Prints one line per probe:
  probe NAME: echo key=0x........ [inner-src=MAC]
  probe NAME: arp key=0x........ mac=MAC
  probe NAME: icmp T/C quote=N
  probe NAME: nvgre-icmp T/C key=0x........ quote=N
  probe NAME: silent
and "arp-underlay MAC" first (or "arp-underlay none").
"""
import argparse
import struct
import sys
import time

from scapy.all import (ARP, Ether, IP, ICMP, Dot1Q, Raw, AsyncSniffer, conf,
                       sendp, srp1)

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


def classify(a, pkt):
    """(kind, idx or inner-dst MAC, detail) of one received frame."""
    raw = bytes(pkt)
    if not pkt.haslayer(IP) or pkt[IP].dst != a.tester_pa:
        return None
    ip = pkt[IP]
    pos = raw.find(MARK)
    idx = struct.unpack("!H", raw[pos + 5:pos + 7])[0] if pos >= 0 else None
    if ip.proto == 1:
        icmp = bytes(ip.payload)
        if icmp[0] == 3:
            return ("icmp", idx, "%d/%d quote=%d" % (icmp[0], icmp[1], len(icmp) - 8))
        return None
    if ip.proto != 47:
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
    if inner.haslayer(ICMP):
        ic = inner[ICMP]
        if ic.type == 0:
            return ("echo", idx, "%s inner-src=%s" % (ks, inner.src))
        if ic.type == 3:
            q = len(bytes(ic)) - 8
            return ("nvgre-icmp", idx, "%d/%d %s quote=%d" % (ic.type, ic.code, ks, q))
    return ("other", idx, ks)


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

    ans = srp1(Ether(dst="ff:ff:ff:ff:ff:ff", src=a.tester_mac) /
               ARP(op=1, hwsrc=a.tester_mac, psrc=a.tester_pa, pdst=a.dut_pa),
               iface=a.iface, timeout=2)
    dut_mac = ans[ARP].hwsrc if ans is not None else None
    print("arp-underlay %s" % (dut_mac or "none"))
    if dut_mac is None:
        dut_mac = "ff:ff:ff:ff:ff:ff"
    specs = [parse_spec(s) for s in a.specs]
    sn = AsyncSniffer(iface=a.iface, store=True,
                      lfilter=lambda p: p.haslayer(IP) and p[IP].dst == a.tester_pa)
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
