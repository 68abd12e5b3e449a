#!/usr/bin/python3
"""Make the field captures `nvgrect diagnose` is tested on, with scapy alone
(an oracle independent of our crafter), and what each must be diagnosed as.

usage: make_captures.py OUTDIR [SCENARIO...]
Writes OUTDIR/<scenario>.pcap (or .pcapng) and OUTDIR/expect.json:
{scenario: {"file", "layouts": {pa: layout}, "top": code, "top_text": [...],
            "codes": [...], "exit": n, "dut": optional DUT file}}.
"""
import json
import os
import sys

from scapy.all import (ARP, GRE, ICMP, IP, UDP, Dot1Q, Ether, IPv6, ICMPv6EchoRequest,
                       ICMPv6EchoReply, ICMPv6DestUnreach, Raw, fragment, wrpcap)
from scapy.utils import PcapNgWriter

TEB = 0x6558
RESERVED = 0xFF000000


def rfc_key(vsid, flowid=0):
    return (vsid << 8) | flowid


def draft_key(vsid):
    return vsid & 0xFFFFFF


def vm_mac(n):
    return "02:00:00:00:%02x:%02x" % (n >> 8 & 0xFF, n & 0xFF)


def pa_mac(pa):
    last = int(pa.replace(":", ".").split(".")[-1] or "0", 16 if ":" in pa else 10)
    return "52:54:00:00:00:%02x" % (last & 0xFF)


class Cap:
    """A capture in the making: frames in order, 1-based numbers as Wireshark counts."""

    def __init__(self):
        self.frames = []
        self.t = 1700000000.0

    def add(self, pkt):
        self.t += 0.001
        pkt.time = self.t
        self.frames.append(pkt)
        return len(self.frames)

    def write(self, path):
        if path.endswith(".pcapng"):
            w = PcapNgWriter(path)
            for f in self.frames:
                w.write(f)
            w.close()
        else:
            wrpcap(path, self.frames)


def outer(src, dst):
    if ":" in src:
        return Ether(src=pa_mac(src), dst=pa_mac(dst)) / IPv6(src=src, dst=dst, nh=47, hlim=64)
    return Ether(src=pa_mac(src), dst=pa_mac(dst)) / IP(src=src, dst=dst, proto=47, flags="DF", ttl=64)


def nvgre(src, dst, key, inner):
    return outer(src, dst) / GRE(key_present=1, key=key, proto=TEB) / inner


def echo(ca_src, ca_dst, mac_src, mac_dst, ident, seq, reply=False, vlan=None):
    eth = Ether(src=mac_src, dst=mac_dst)
    if ":" in ca_src:
        l4 = ICMPv6EchoReply(id=ident, seq=seq) if reply else ICMPv6EchoRequest(id=ident, seq=seq)
        return eth / IPv6(src=ca_src, dst=ca_dst) / l4 / Raw(b"x" * 32)
    return eth / IP(src=ca_src, dst=ca_dst) / ICMP(type=0 if reply else 8, id=ident, seq=seq) / Raw(b"x" * 32)


def udp(ca_src, ca_dst, mac_src, mac_dst, sport, dport):
    return Ether(src=mac_src, dst=mac_dst) / IP(src=ca_src, dst=ca_dst) / UDP(sport=sport, dport=dport) / Raw(b"y" * 24)


def arp_req(ca_src, ca_dst, mac_src):
    return Ether(src=mac_src, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=mac_src, psrc=ca_src, pdst=ca_dst)


def icmp_error(frame, typ, code, quote=None):
    """The ICMP error the receiver of `frame` sends back, quoting `quote` bytes
    after the IP header (None: RFC 1812 style, as much as fits in 576 bytes)."""
    frame = Ether(bytes(frame))     # build it: lengths and checksums filled in
    ip = frame.getlayer(1)
    raw = bytes(ip)
    if ":" in ip.src:
        hdr = 40
        q = raw[: hdr + (quote if quote is not None else 1232)]
        return (Ether(src=frame.dst, dst=frame.src) / IPv6(src=ip.dst, dst=ip.src) /
                ICMPv6DestUnreach(code=code) / Raw(q))
    hdr = ip.ihl * 4
    q = raw[: hdr + (quote if quote is not None else 576 - 28 - hdr)]
    return (Ether(src=frame.dst, dst=frame.src) / IP(src=ip.dst, dst=ip.src, proto=1) /
            ICMP(type=typ, code=code) / Raw(q))


class Vm:
    def __init__(self, host, ca, n):
        self.host, self.ca, self.mac = host, ca, vm_mac(n)


def ping(cap, a, b, key_ab, key_ba, count, answer, reject=None, quote=None, ident=0x4e56,
         start=1):
    """VM a pings VM b `count` times. answer: b replies under key_ba.
    reject=(type, code): b's host rejects each request with ICMP instead."""
    for seq in range(start, start + count):
        f = nvgre(a.host, b.host, key_ab, echo(a.ca, b.ca, a.mac, b.mac, ident, seq))
        cap.add(f)
        if reject:
            cap.add(icmp_error(f, reject[0], reject[1], quote))
        elif answer:
            cap.add(nvgre(b.host, a.host, key_ba, echo(b.ca, a.ca, b.mac, a.mac, ident, seq, True)))


# ---- scenarios -----------------------------------------------------------------

A4, B4 = "192.0.2.1", "192.0.2.2"


def incident(cap, quote=None, reject=(3, 10)):
    """The seed: Host1 (A) without KB2779768 speaks draft-00, Host2 (B) RFC 7637.
    VMA1 on A and VMA2 on B ping each other (VSID 5001); B rejects what A sends,
    A drops what B sends without a word."""
    vma1, vma2 = Vm(A4, "10.0.0.1", 0x1389), Vm(B4, "10.0.0.2", 0x138A)
    ping(cap, vma1, vma2, draft_key(5001), None, 4, False, reject=reject, quote=quote)
    ping(cap, vma2, vma1, rfc_key(5001), None, 4, False)
    # customer B's VMs do the same on VSID 5002
    vmb1, vmb2 = Vm(A4, "10.0.0.1", 0x2001), Vm(B4, "10.0.0.2", 0x2002)
    ping(cap, vmb2, vmb1, rfc_key(5002), None, 2, False, ident=7)
    ping(cap, vmb1, vmb2, draft_key(5002), None, 2, False, reject=reject, quote=quote, ident=7)


def s_incident_at_draft00(cap):
    incident(cap)


def s_incident_at_rfc7637(cap):
    """Captured at the RFC 7637 host while only its VMs ping: all the capture
    shows is B's traffic and A's ICMP 3/10 answers (8-byte quotes)."""
    vma1, vma2 = Vm(A4, "10.0.0.1", 0x1389), Vm(B4, "10.0.0.2", 0x138A)
    vmb1, vmb2 = Vm(A4, "10.0.0.1", 0x2001), Vm(B4, "10.0.0.2", 0x2002)
    ping(cap, vma2, vma1, rfc_key(5001), None, 4, False, reject=(3, 10), quote=8)
    ping(cap, vmb2, vmb1, rfc_key(5002), None, 3, False, reject=(3, 10), quote=8, ident=7)


def s_incident_truncated_quotes(cap):
    incident(cap, quote=8)


def s_incident_port_unreachable(cap):
    incident(cap, reject=(3, 3))


def s_incident_silent(cap):
    incident(cap, reject=None)


def s_healthy_rfc7637(cap):
    a, b = Vm(A4, "10.0.0.1", 1), Vm(B4, "10.0.0.2", 2)
    cap.add(nvgre(A4, B4, rfc_key(5001), arp_req(a.ca, b.ca, a.mac)))
    ping(cap, a, b, rfc_key(5001), rfc_key(5001), 4, True)
    ping(cap, b, a, rfc_key(5001), rfc_key(5001), 4, True, ident=9)


def s_healthy_draft00(cap):
    a, b = Vm(A4, "10.0.0.1", 1), Vm(B4, "10.0.0.2", 2)
    ping(cap, a, b, draft_key(5001), draft_key(5001), 4, True)
    ping(cap, b, a, draft_key(5001), draft_key(5001), 4, True, ident=9)


def s_mixed_estate(cap):
    """Four IPv4 hosts (one left on draft-00) and an IPv6 pair that disagrees."""
    h1, h2, h3, h4 = "198.51.100.11", "198.51.100.12", "198.51.100.13", "198.51.100.14"
    v = {h: Vm(h, "10.1.0.%d" % i, 0x100 + i) for i, h in enumerate((h1, h2, h3, h4), 1)}
    ping(cap, v[h1], v[h2], rfc_key(6001), rfc_key(6001), 3, True)
    ping(cap, v[h4], v[h1], rfc_key(6001), rfc_key(6001), 3, True, ident=3)
    ping(cap, v[h3], v[h1], draft_key(6001), None, 3, False, reject=(3, 10), ident=4)
    ping(cap, v[h2], v[h3], rfc_key(6001), None, 3, False, ident=5)
    ping(cap, v[h3], v[h2], draft_key(6001), None, 2, False, reject=(3, 10), ident=6)
    p6a, p6b = "2001:db8::a", "2001:db8::b"
    x, y = Vm(p6a, "fd00::1", 0x201), Vm(p6b, "fd00::2", 0x202)
    ping(cap, y, x, draft_key(70001), None, 3, False, reject=(1, 1), ident=8)
    ping(cap, x, y, rfc_key(70001), None, 3, False, ident=8)


def s_flowid_entropy(cap):
    """A spreads one VM pair's flows over FlowIDs; B takes them all."""
    a, b = Vm(A4, "10.0.0.1", 1), Vm(B4, "10.0.0.2", 2)
    for i, fl in enumerate((0x00, 0x3c, 0x7e, 0xa1, 0xd4)):
        ping(cap, a, b, rfc_key(5001, fl), rfc_key(5001), 2, True, ident=100 + i)


def s_flowid_intolerant(cap):
    """A uses FlowID entropy; B matches the whole key (Open vSwitch style):
    FlowID 0 is answered, other FlowIDs draw ICMP 3/10."""
    a, b = Vm(A4, "10.0.0.1", 1), Vm(B4, "10.0.0.2", 2)
    ping(cap, a, b, rfc_key(5001, 0), rfc_key(5001), 3, True, ident=100)
    ping(cap, a, b, rfc_key(5001, 0x3c), None, 3, False, reject=(3, 10), ident=101)
    ping(cap, a, b, rfc_key(5001, 0xa1), None, 3, False, reject=(3, 10), ident=102)
    ping(cap, b, a, rfc_key(5001), rfc_key(5001, 0), 2, True, ident=103)


def s_unknown_vsid(cap):
    """Both RFC 7637; A sends a VSID B does not serve and B says 3/10."""
    a, b = Vm(A4, "10.0.0.1", 1), Vm(B4, "10.0.0.2", 2)
    ping(cap, a, b, rfc_key(5001), rfc_key(5001), 2, True)
    c, d = Vm(A4, "10.9.0.1", 3), Vm(B4, "10.9.0.2", 4)
    ping(cap, c, d, rfc_key(7000), None, 3, False, reject=(3, 10), ident=2)


def s_sender_rules(cap):
    """A healthy RFC 7637 pair, but A breaks sender rules: GRE C and S bits,
    an inner 802.1Q tag, and fragmented NVGRE."""
    a, b = Vm(A4, "10.0.0.1", 1), Vm(B4, "10.0.0.2", 2)
    ping(cap, a, b, rfc_key(5001), rfc_key(5001), 2, True)
    inner = echo(a.ca, b.ca, a.mac, b.mac, 5, 1)
    cap.add(outer(A4, B4) / GRE(chksum_present=1, key_present=1, key=rfc_key(5001), proto=TEB) / inner)
    cap.add(outer(A4, B4) / GRE(seqnum_present=1, seqence_number=7, key_present=1, key=rfc_key(5001),
                                proto=TEB) / inner)
    tagged = Ether(src=a.mac, dst=b.mac) / Dot1Q(vlan=0, prio=3) / IP(src=a.ca, dst=b.ca) / ICMP(id=6, seq=1)
    cap.add(nvgre(A4, B4, rfc_key(5001), tagged))
    big = nvgre(A4, B4, rfc_key(5001), Ether(src=a.mac, dst=b.mac) / IP(src=a.ca, dst=b.ca) /
                ICMP(id=7, seq=1) / Raw(b"z" * 1400))
    big[IP].flags = 0
    for frag in fragment(big[IP], fragsize=1000):
        cap.add(Ether(src=big.src, dst=big.dst) / frag)


def s_tenant_aliasing(cap):
    """A (RFC 7637) sends VSID 5001 as key 0x00138900; B (draft-00) carries a
    tenant with VSID 0x138900, whose key is the same 0x00138900."""
    a, b = Vm(A4, "10.0.0.1", 1), Vm(B4, "10.0.0.2", 2)
    ping(cap, a, b, rfc_key(5001), None, 3, False)
    ping(cap, b, a, draft_key(5001), None, 3, False, ident=2)
    c4 = "192.0.2.3"
    x, y = Vm(B4, "172.16.0.1", 0x38), Vm(c4, "172.16.0.2", 0x39)
    ping(cap, x, y, draft_key(0x138900), draft_key(0x138900), 3, True, ident=3)
    ping(cap, Vm(c4, "10.0.0.3", 3), b, draft_key(5001), draft_key(5001), 2, True, ident=4)


def s_path_mtu(cap):
    """A healthy pair behind a router whose link is too small: 3/4 from the path."""
    a, b = Vm(A4, "10.0.0.1", 1), Vm(B4, "10.0.0.2", 2)
    ping(cap, a, b, rfc_key(5001), rfc_key(5001), 2, True)
    big = nvgre(A4, B4, rfc_key(5001), Ether(src=a.mac, dst=b.mac) / IP(src=a.ca, dst=b.ca) /
                ICMP(id=9, seq=1) / Raw(b"m" * 1430))
    cap.add(big)
    err = icmp_error(big, 3, 4)
    err[IP].src = "198.18.0.1"          # the router, not the destination host
    err[ICMP].nexthop_mtu = 1400
    cap.add(err)


def s_no_nvgre(cap):
    cap.add(Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff") /
            ARP(op=1, psrc="192.0.2.1", pdst="192.0.2.2"))
    for i in range(3):
        cap.add(Ether() / IP(src=A4, dst=B4) / ICMP(id=1, seq=i))
        cap.add(Ether() / IP(src=A4, dst=B4) / UDP(sport=1000, dport=53) / Raw(b"q"))
    # GRE, but not NVGRE: no key, IPv4 payload
    cap.add(Ether() / IP(src=A4, dst=B4, proto=47) / GRE(proto=0x0800) / IP(src="10.0.0.1", dst="10.0.0.2") / ICMP())


def s_control_chars(cap):
    """Nothing in a packet may reach the terminal raw; VSIDs in reserved range too."""
    a, b = Vm(A4, "10.0.0.1", 1), Vm(B4, "10.0.0.2", 2)
    f = nvgre(A4, B4, rfc_key(0x10), echo(a.ca, b.ca, a.mac, b.mac, 1, 1))
    f[Raw].load = b"\x1b[31mRED\x07\x00" * 4
    cap.add(f)


SCENARIOS = {
    "incident-at-draft00": dict(fn=s_incident_at_draft00, file="incident-at-draft00.pcap",
                                layouts={A4: "draft00", B4: "rfc7637"}, top="layout-mismatch",
                                top_text=["192.0.2.1 sends VSID 5001 in the draft-00 layout (key 0x00001389)",
                                          "192.0.2.2 reads that as VSID 0x13 and answers ICMP 3/10",
                                          "bring 192.0.2.1 to RFC 7637 (KB2779768"], exit=1),
    "incident-at-rfc7637": dict(fn=s_incident_at_rfc7637, file="incident-at-rfc7637.pcapng",
                                layouts={A4: "draft00", B4: "rfc7637"}, top="layout-mismatch",
                                top_text=["192.0.2.2 sends VSID 5001 in the RFC 7637 layout (key 0x00138900)",
                                          "192.0.2.1 reads that as VSID 1280256 (0x138900) and answers ICMP 3/10",
                                          "bring 192.0.2.1 to RFC 7637"], exit=1),
    "incident-truncated-quotes": dict(fn=s_incident_truncated_quotes, file="incident-truncated-quotes.pcap",
                                      layouts={A4: "draft00", B4: "rfc7637"}, top="layout-mismatch",
                                      top_text=["answers ICMP 3/10", "bring 192.0.2.1 to RFC 7637"], exit=1),
    "incident-port-unreachable": dict(fn=s_incident_port_unreachable, file="incident-port-unreachable.pcap",
                                      layouts={A4: "draft00", B4: "rfc7637"}, top="layout-mismatch",
                                      top_text=["answers ICMP 3/3"], exit=1),
    "incident-silent": dict(fn=s_incident_silent, file="incident-silent.pcapng",
                            layouts={A4: "draft00", B4: "rfc7637"}, top="layout-mismatch",
                            top_text=["drops it without a word", "bring 192.0.2.1 to RFC 7637"], exit=1),
    "healthy-rfc7637": dict(fn=s_healthy_rfc7637, file="healthy-rfc7637.pcap",
                            layouts={A4: "rfc7637", B4: "rfc7637"}, top="healthy-pair",
                            codes=["flowid-absent"], exit=0),
    "healthy-draft00": dict(fn=s_healthy_draft00, file="healthy-draft00.pcap",
                            layouts={A4: "draft00", B4: "draft00"}, top="draft00-host",
                            codes=["healthy-pair"], exit=0),
    "mixed-estate": dict(fn=s_mixed_estate, file="mixed-estate.pcapng",
                         layouts={"198.51.100.11": "rfc7637", "198.51.100.12": "rfc7637",
                                  "198.51.100.13": "draft00", "198.51.100.14": "rfc7637",
                                  "2001:db8::a": "rfc7637", "2001:db8::b": "draft00"},
                         top="layout-mismatch", top_text=["bring 198.51.100.13 to RFC 7637"],
                         codes=["healthy-pair"], exit=1),
    "flowid-entropy": dict(fn=s_flowid_entropy, file="flowid-entropy.pcap",
                           layouts={A4: "rfc7637", B4: "rfc7637"}, top="healthy-pair",
                           codes=["flowid-entropy"], exit=0),
    "flowid-intolerant": dict(fn=s_flowid_intolerant, file="flowid-intolerant.pcap",
                              layouts={A4: "rfc7637", B4: "rfc7637"}, top="flowid-intolerant",
                              top_text=["not FlowID tolerant"], exit=1),
    "unknown-vsid": dict(fn=s_unknown_vsid, file="unknown-vsid.pcap",
                         layouts={A4: "rfc7637", B4: "rfc7637"}, top="unknown-vsid",
                         top_text=["192.0.2.2 rejects VSID 7000 from 192.0.2.1"], exit=1),
    "sender-rules": dict(fn=s_sender_rules, file="sender-rules.pcap",
                         layouts={A4: "rfc7637", B4: "rfc7637"}, top="gre-cs-bits",
                         codes=["gre-cs-bits", "inner-vlan", "outer-fragments", "healthy-pair"], exit=0),
    "tenant-aliasing": dict(fn=s_tenant_aliasing, file="tenant-aliasing.pcap",
                            layouts={A4: "rfc7637", B4: "draft00", "192.0.2.3": "draft00"},
                            top="layout-mismatch", codes=["tenant-aliasing"], exit=1),
    "path-mtu": dict(fn=s_path_mtu, file="path-mtu.pcap",
                     layouts={A4: "rfc7637", B4: "rfc7637"}, top="path-error",
                     top_text=["ICMP 3/4", "path MTU"], codes=["healthy-pair"], exit=0),
    "no-nvgre": dict(fn=s_no_nvgre, file="no-nvgre.pcap", layouts={}, top="no-nvgre",
                     top_text=["No NVGRE in this capture"], exit=0),
    "control-chars": dict(fn=s_control_chars, file="control-chars.pcap",
                          layouts={}, top=None, exit=None),
    "incident-at-rfc7637-dut": dict(fn=s_incident_at_rfc7637, file="incident-at-rfc7637-dut.pcap",
                                    dut="dut-5001.yaml",
                                    layouts={A4: "draft00", B4: "rfc7637"}, top="layout-mismatch",
                                    min_confidence=0.85, top_text=["bring 192.0.2.1 to RFC 7637"], exit=1),
}

DUT_5001 = """name: hyperv-host1
tester:
  pa: 192.0.2.2
dut:
  pa: 192.0.2.1
tenants:
  - name: customer-a
    vsid: 5001
    tester_ca: 10.0.0.2
    vm_ca: 10.0.0.1
  - name: customer-b
    vsid: 5002
    tester_ca: 10.0.0.2
    vm_ca: 10.0.0.1
"""


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    names = sys.argv[2:] or list(SCENARIOS)
    os.makedirs(out, exist_ok=True)
    expect = {}
    for n in names:
        s = dict(SCENARIOS[n])
        cap = Cap()
        s.pop("fn")(cap)
        cap.write(os.path.join(out, s["file"]))
        if "dut" in s:
            with open(os.path.join(out, s["dut"]), "w") as f:
                f.write(DUT_5001)
        expect[n] = s
    with open(os.path.join(out, "expect.json"), "w") as f:
        json.dump(expect, f, indent=1)


if __name__ == "__main__":
    main()
