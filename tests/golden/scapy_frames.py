#!/usr/bin/python3
"""scapy_frames.py - an independent second crafter for the gen goldens.

Reads a suite and a DUT file (PyYAML), expands the plan as suites/README.md
describes it (FlowID lists, sweeps, seeded random, hash), builds every frame
with scapy and compares it byte for byte, with its timestamp and pcapng
comment, against what `nvgrect gen` wrote. Nothing here is shared with the C
code: the PRNG, hash, nonce, GRE flag word, fragmentation and checksums are
all rewritten from the documents.

usage: scapy_frames.py SUITE.yaml DUT.yaml CAPTURE.pcapng [SEED]
exit 0 when every frame matches, 1 otherwise (each mismatch is printed).
"""
import struct
import sys

import yaml
from scapy.all import (ARP, ICMP, IP, UDP, Dot1AD, Dot1Q, Ether, ICMPv6EchoRequest,
                       IPv6, IPv6ExtHdrFragment, Raw, conf)

conf.verb = 0
EPOCH_US = 1767225600 * 1000000          # 2026-01-01T00:00:00Z
M64 = (1 << 64) - 1
TAG_ICMP_ID = 0x4E56
PLACEHOLDER = {"tester": "02:00:5e:00:00:01", "dut": "02:00:5e:00:00:02",
               "vm": "02:00:5e:00:00:03", "tenant_tester": "02:00:5e:00:00:04"}
LAYOUTS = {"rfc7637": (8, 24, 0, 8), "draft00": (0, 24, 0, 0)}   # vshift vwidth fshift fwidth


def splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def fnv_flow(src, dst, proto, sport, dport):
    h = 0xCBF29CE484222325
    for b in src + dst + bytes([proto, sport >> 8, sport & 255, dport >> 8, dport & 255]):
        h = ((h ^ b) * 0x100000001B3) & M64
    h ^= h >> 32
    h ^= h >> 16
    h ^= h >> 8
    return h & 0xFF


def ipbytes(a):
    import ipaddress
    return ipaddress.ip_address(a).packed


def num(v):
    return int(v, 0) if isinstance(v, str) else int(v)


def hexbytes(v):
    s = str(v)
    s = s[2:] if s.lower().startswith("0x") else s
    return bytes.fromhex(s if len(s) % 2 == 0 else "0" + s)


class Probe:
    """One probe with the loader's defaults applied."""

    def __init__(self, d, dut):
        self.d = d
        g = d.get("gre", {})
        o = d.get("outer", {})
        i = d.get("inner", {})
        self.layout = d.get("layout", "rfc7637")
        self.gre, self.outer, self.inner = g, o, i
        self.count = num(d.get("count", 1))
        self.gap_ms = num(d["gap_ms"]) if "gap_ms" in d else None   # None: pacing_ms
        self.payload = i.get("payload", "icmp-echo")
        self.plen = num(i.get("payload_len", 32))
        tenants = dut["tenants"]
        if "tenant" in d:
            self.tenant = next(t for t in tenants if t["name"] == d["tenant"])
        elif "vsid" in d:
            self.tenant = next((t for t in tenants if num(t["vsid"]) == num(d["vsid"])), None)
        else:
            self.tenant = tenants[0]
        self.fallback = self.tenant or tenants[0]

    def flow_values(self):
        f = self.d.get("flowid", 0)
        if isinstance(f, list):
            return [num(x) for x in f]
        if isinstance(f, dict):
            s = f["sweep"]
            a, b, st = num(s["from"]), num(s["to"]), num(s.get("step", 1)) or 1
            return list(range(a, b + 1, st))
        return [f if f in ("random", "hash") else num(f)]

    def cas(self):
        src = self.inner.get("src_ca", self.fallback["tester_ca"])
        dst = self.inner.get("dst_ca", self.fallback["vm_ca"])
        return src, dst

    def l4(self):
        if self.payload == "udp":
            u = self.inner.get("udp", {})
            return 17, num(u.get("sport", 40000)), num(u.get("dport", 7))
        return (58 if self.payload == "icmp6-echo" else 1), TAG_ICMP_ID, TAG_ICMP_ID


def plan(suite, dut, seed):
    """The frames in order: (case, case_idx, probe, probe_idx, variant, frame, t_us)."""
    out, t, frame = [], 0, 0
    pace = num(suite.get("pacing_ms", 0))
    for ci, c in enumerate(suite["cases"]):
        for pi, pd in enumerate(c["probes"]):
            p = Probe(pd, dut)
            n = len(p.flow_values()) * p.count
            for v in range(n):
                if frame > 0:
                    t += (p.gap_ms if v > 0 and p.gap_ms is not None else pace) * 1000
                out.append((c, ci, p, pi, v, frame, t))
                frame += 1
    return out


def key_for(p, v, frame, seed):
    if "key" in p.d:
        k = num(p.d["key"])
        vs, vw, fs, fw = LAYOUTS[p.layout]
        return k, (k >> vs) & ((1 << vw) - 1), (k >> fs) & ((1 << fw) - 1) if fw else 0
    vs, vw, fs, fw = LAYOUTS[p.layout]
    vsid = num(p.d["vsid"]) if "vsid" in p.d else num(p.tenant["vsid"])
    vals = p.flow_values()
    f = vals[v % len(vals)]
    mask = (1 << fw) - 1 if fw else 0
    if f == "random":
        f = splitmix64(seed ^ (frame << 20)) & mask
    elif f == "hash":
        src, dst = p.cas()
        proto, sp, dp = p.l4()
        f = fnv_flow(ipbytes(src), ipbytes(dst), proto, sp, dp) & mask
    return (vsid << vs) | ((f << fs) if fw else 0), vsid, f


def nonce_payload(run_id, frame, ci, pi, n):
    nonce = b"NVGT" + struct.pack(">IIHH", run_id, frame, ci, pi)
    body = bytes((0x20 + i) & 0xFF for i in range(n))
    return (nonce + body[16:])[:n] if n >= 16 else nonce[:n]


def mac(m, kind):
    return PLACEHOLDER[kind] if m in (None, "auto") else m


def inner_frame(p, run_id, frame, ci, pi):
    t = p.fallback
    src_mac = p.inner.get("src_mac", mac(t.get("tester_mac"), "tenant_tester"))
    dst_mac = p.inner.get("dst_mac", mac(t.get("vm_mac"), "vm"))
    if p.payload == "arp" and "dst_mac" not in p.inner:
        dst_mac = "ff:ff:ff:ff:ff:ff"
    src, dst = p.cas()
    pay = nonce_payload(run_id, frame, ci, pi, p.plen)
    v6 = ":" in src
    if p.payload == "icmp-echo":
        l3 = IP(src=src, dst=dst, id=(frame + 1) & 0xFFFF, ttl=64, flags=0) / \
            ICMP(type=8, id=TAG_ICMP_ID, seq=frame & 0xFFFF) / Raw(pay)
        etype = 0x0800
    elif p.payload == "icmp6-echo":
        l3 = IPv6(src=src, dst=dst, hlim=64) / \
            ICMPv6EchoRequest(id=TAG_ICMP_ID, seq=frame & 0xFFFF, data=pay)
        etype = 0x86DD
    elif p.payload == "udp":
        _, sp, dp = p.l4()
        ip = IPv6(src=src, dst=dst, hlim=64) if v6 else \
            IP(src=src, dst=dst, id=(frame + 1) & 0xFFFF, ttl=64, flags=0)
        l3 = ip / UDP(sport=sp, dport=dp) / Raw(pay)
        etype = 0x86DD if v6 else 0x0800
    elif p.payload == "arp":
        l3 = ARP(op=1, hwsrc=src_mac, psrc=src, hwdst="00:00:00:00:00:00", pdst=dst)
        etype = 0x0806
    else:
        l3 = Raw(hexbytes(p.inner.get("raw", "")))
        etype = 0x88B5
    etype = num(p.inner.get("ethertype", etype))
    tags = p.inner.get("vlan", [])
    raw_l3 = bytes(l3)
    hdr = Ether(dst=dst_mac, src=src_mac, type=num(tags[0].get("tpid", 0x8100)) if tags else etype)
    for k, tg in enumerate(tags):
        nxt = num(tags[k + 1].get("tpid", 0x8100)) if k + 1 < len(tags) else etype
        layer = Dot1AD if num(tg.get("tpid", 0x8100)) == 0x88A8 else Dot1Q
        hdr = hdr / layer(prio=num(tg.get("pcp", 0)), vlan=num(tg["vid"]), type=nxt)
    return bytes(hdr) + raw_l3


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def gre_packet(p, key, variant, inner):
    """RFC 2784/2890/1701 header, built here bit by bit from the suite."""
    g = p.gre
    c, r, k, s = (bool(g.get(x, d)) for x, d in (("c", False), ("r", False), ("k", True),
                                                 ("s", False)))
    w = (c << 15) | (r << 14) | (k << 13) | (s << 12) | (bool(g.get("strict")) << 11)
    w |= (num(g.get("recursion", 0)) & 7) << 8
    w |= (num(g.get("reserved0", 0)) & 0x1FF) << 3
    w |= num(g.get("version", 0)) & 7
    hdr = struct.pack("!HH", w, num(g.get("proto", 0x6558)))
    csum_at = None
    if c or r:
        csum_at = len(hdr)
        hdr += b"\0\0\0\0"
    if k:
        hdr += struct.pack("!I", key)
    if s:
        hdr += struct.pack("!I", num(g.get("seq", variant)))
    if r:
        hdr += b"\0\0\0\0"            # the NULL SRE ending the routing list
    pkt = bytearray(hdr + inner)
    if c:
        cs = csum(bytes(pkt))
        if g.get("checksum") == "bad":
            cs ^= 0x00FF
        pkt[csum_at:csum_at + 2] = struct.pack("!H", cs)
    if "truncate" in g:
        pkt = pkt[:num(g["truncate"])]
    return bytes(pkt)


def outer_frames(p, dut, frame, gre):
    o = p.outer
    v6 = ":" in dut["dut"]["pa"]
    src = o.get("src", dut["tester"]["pa"])
    dst = dut["dut"]["pa"]
    tos = (num(o.get("dscp", 0)) << 2) | num(o.get("ecn", 0))
    ttl = num(o.get("ttl", 64))
    ident = num(o.get("id", (frame + 1) & 0xFFFF))
    l2 = Ether(src=mac(dut["tester"].get("mac"), "tester"), dst=mac(dut["dut"].get("mac"), "dut"))
    if "vlan" in o:
        l2 = l2 / Dot1Q(vlan=num(o["vlan"]["vid"]), prio=num(o["vlan"].get("pcp", 0)))
    nfrag = num(o.get("fragments", 0))
    pieces = [(0, gre, False)]
    if nfrag > 1:
        size = -(-len(gre) // nfrag)
        size = -(-size // 8) * 8
        pieces = [(off, gre[off:off + size], off + size < len(gre))
                  for off in range(0, len(gre), size)]
    out = []
    for off, data, more in pieces:
        if v6:
            fl = num(o.get("flow_label", 0x80000 | (frame & 0x7FFFF)))
            ip = IPv6(src=src, dst=dst, tc=tos, fl=fl, hlim=ttl)
            if nfrag > 1:
                ip = ip / IPv6ExtHdrFragment(nh=47, offset=off // 8, m=int(more), id=ident)
            else:
                ip.nh = 47
        else:
            flags = ("MF" if more else 0) if nfrag > 1 else ("DF" if o.get("df", True) else 0)
            opts = hexbytes(o["options"]) if "options" in o and off == 0 else b""
            ip = IP(src=src, dst=dst, tos=tos, ttl=ttl, id=ident, proto=47, flags=flags,
                    frag=off // 8, options=[Raw(opts)] if opts else [])
        out.append(bytes(l2 / ip / Raw(data)))
    return out


def read_pcapng(path):
    """Own minimal reader: (ts_us, bytes, comment) per EPB (little-endian)."""
    data = open(path, "rb").read()
    i, recs = 0, []
    while i + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, i)
        if btype == 6:
            _, hi, lo, cap, _ = struct.unpack_from("<IIIII", data, i + 8)
            pkt = data[i + 28:i + 28 + cap]
            j, comment = i + 28 + ((cap + 3) & ~3), None
            while j + 4 <= i + blen - 4:
                code, ln = struct.unpack_from("<HH", data, j)
                if code == 0:
                    break
                if code == 1:
                    comment = data[j + 4:j + 4 + ln].decode()
                j += 4 + ((ln + 3) & ~3)
            recs.append(((hi << 32) | lo, pkt, comment))
        i += blen
    return recs


def expect_str(c):
    ex = c.get("expect", {})
    ex = ex if isinstance(ex, list) else [ex]
    parts = [e.get("observation", "any") + (":" + e["signature"] if "signature" in e else "")
             for e in ex]
    return "|".join(parts) or "any"


class TextNumbers(yaml.SafeLoader):
    """Numbers stay text: `raw: 0x0011223344` keeps its leading zero bytes."""


TextNumbers.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:int"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def main():
    suite = yaml.load(open(sys.argv[1]), Loader=TextNumbers)
    dut = yaml.load(open(sys.argv[2]), Loader=TextNumbers)
    recs = read_pcapng(sys.argv[3])
    seed = int(sys.argv[4], 0) if len(sys.argv) > 4 else 1
    run_id = splitmix64(seed) >> 32
    bad, n = 0, 0
    for c, ci, p, pi, v, frame, t in plan(suite, dut, seed):
        key, vsid, flow = key_for(p, v, frame, seed)
        inner = inner_frame(p, run_id, frame, ci, pi)
        frames = outer_frames(p, dut, frame, gre_packet(p, key, v, inner))
        comment = "%s %s vsid=%u flowid=%u key=0x%08x expect=%s" % (
            c["id"], "raw" if "key" in p.d else p.layout, vsid, flow, key, expect_str(c))
        for k, want in enumerate(frames):
            if n >= len(recs):
                print("frame %d (%s): missing from the capture" % (frame, c["id"]))
                return 1
            ts, got, com = recs[n]
            want_c = comment if len(frames) == 1 else "%s frag=%d/%d" % (comment, k + 1, len(frames))
            if got != want or ts != EPOCH_US + t or com != want_c:
                bad += 1
                print("frame %d (%s probe %d) record %d differs:" % (frame, c["id"], pi, n + 1))
                if got != want:
                    at = next((x for x in range(min(len(got), len(want))) if got[x] != want[x]),
                              min(len(got), len(want)))
                    print("  bytes from offset %d: gen %s / scapy %s (lengths %d / %d)" % (
                        at, got[at:at + 8].hex(), want[at:at + 8].hex(), len(got), len(want)))
                if ts != EPOCH_US + t:
                    print("  timestamp: gen %d / expected %d" % (ts, EPOCH_US + t))
                if com != want_c:
                    print("  comment: gen %r / expected %r" % (com, want_c))
            n += 1
    if n != len(recs):
        print("capture has %d records, scapy built %d" % (len(recs), n))
        bad += 1
    print("%s: %d records compared, %d differ" % (sys.argv[3], n, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
