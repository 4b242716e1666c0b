#!/usr/bin/env python3
"""Regenerates the seed corpus of the fuzz_dns_message target (tests/fuzz/corpus/dns_message).

Seeds are built byte by byte here, not by the codec under test, so a codec bug cannot shape its
own corpus. Files whose name starts with "bad-" are meant to be rejected by the decoder.
Usage: python3 tests/fuzz/make_dns_corpus.py [output-dir]
"""
import os
import struct
import sys

A, NS, CNAME, SOA, MX, TXT, AAAA, OPT, TSIG, ANY = 1, 2, 5, 6, 15, 16, 28, 41, 250, 255
IN, CH, NONE = 1, 3, 254


def name(text):
    """Uncompressed wire form of a dotted name (no escapes needed in these seeds)."""
    out = b""
    for label in [part for part in text.split(".") if part]:
        out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def pointer(offset):
    return struct.pack(">H", 0xC000 | offset)


def header(ident, flags, qd=0, an=0, ns=0, ar=0):
    return struct.pack(">HHHHHH", ident, flags, qd, an, ns, ar)


def question(owner, qtype=A, qclass=IN):
    return owner + struct.pack(">HH", qtype, qclass)


def record(owner, rtype, rdata, rclass=IN, ttl=300):
    return owner + struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def txt(*strings):
    return b"".join(bytes([len(s)]) + s for s in strings)


def soa(mname, rname, serial=2024010101):
    return mname + rname + struct.pack(">IIIII", serial, 600, 300, 604800, 600)


HOME = "home.dyn.example.test"
# Offsets inside a message whose first name is HOME written in full at offset 12.
AT_HOME, AT_DYN, AT_EXAMPLE, AT_TEST = 12, 17, 21, 29


def seeds():
    opt = record(b"\x00", OPT, bytes.fromhex("000a0008604b25ab37307090"), rclass=1232, ttl=0)
    q_home = question(name(HOME))
    yield "query-a-edns", header(0x8B41, 0x0120, qd=1, ar=1) + q_home + opt
    yield "query-aaaa", header(2, 0x0100, qd=1) + question(name(HOME), AAAA)
    yield "query-ch-txt", header(3, 0x0100, qd=1) + question(name("whoami.cloudflare"), TXT, CH)

    answer = record(pointer(AT_HOME), A, bytes([192, 0, 2, 1]), ttl=60)
    ns = record(pointer(AT_EXAMPLE), NS, b"\x03ns1" + pointer(AT_EXAMPLE), ttl=86400)
    yield "response-a-compressed", header(0x1234, 0x8580, qd=1, an=1, ns=1) + q_home + answer + ns
    yield "response-aaaa", header(5, 0x8400, qd=1, an=1) + question(name(HOME), AAAA) + record(
        pointer(AT_HOME), AAAA, bytes.fromhex("20010db8000000000000000000000001"))
    yield "response-cname", header(6, 0x8400, qd=1, an=2) + q_home + record(
        pointer(AT_HOME), CNAME, b"\x04host" + pointer(AT_DYN)) + record(
        b"\x04host" + pointer(AT_DYN), A, bytes([198, 51, 100, 4]))
    yield "response-mx", header(7, 0x8400, qd=1, an=1) + question(name(HOME), MX) + record(
        pointer(AT_HOME), MX, struct.pack(">H", 10) + b"\x04mail" + pointer(AT_EXAMPLE))
    yield "response-txt", header(8, 0x8400, qd=1, an=1) + question(name(HOME), TXT) + record(
        pointer(AT_HOME), TXT, txt(b"v=spf1 -all", b"", b"x" * 255))
    yield "response-nxdomain-soa", header(9, 0x8403, qd=1, ns=1) + q_home + record(
        pointer(AT_EXAMPLE), SOA, soa(b"\x03ns1" + pointer(AT_EXAMPLE), b"\x0ahostmaster" + pointer(AT_EXAMPLE)))
    yield "response-uncompressed-ns", header(10, 0x8400, qd=1, an=1) + question(name("example.test"), NS) + record(
        name("example.test"), NS, name("ns1.example.test"))
    yield "response-raw-types", header(11, 0x8400, an=3) + record(
        name("x.test"), 12, name("ptr.test")) + record(
        name("x.test"), 33, struct.pack(">HHH", 0, 5, 443) + name("srv.test")) + record(
        name("chaos.test"), A, b"\x01\x02", rclass=CH)

    zone = question(name("example.test"), SOA)
    host = b"\x04home" + pointer(12)
    delete = record(host, A, b"", rclass=ANY, ttl=0)
    add = record(pointer(30), A, bytes([198, 51, 100, 9]))
    tsig_rdata = name("hmac-sha256") + struct.pack(">HIH", 0, 1700000000, 300) + struct.pack(
        ">H", 32) + b"\x11" * 32 + struct.pack(">HHH", 0x4242, 0, 0)
    tsig = record(name("key.example.test"), TSIG, tsig_rdata, rclass=ANY, ttl=0)
    yield "update-replace-a-tsig", header(0x4242, 0x2800, qd=1, ns=2, ar=1) + zone + delete + add + tsig
    yield "update-delete-rrset", header(0x4243, 0x2800, qd=1, ns=1) + zone + record(host, ANY, b"", rclass=ANY, ttl=0)
    yield "update-delete-rr", header(0x4244, 0x2800, qd=1, ns=1) + zone + record(
        host, AAAA, bytes(16), rclass=NONE, ttl=0)

    # Invalid messages the decoder must refuse.
    yield "bad-self-pointer", header(1, 0, qd=1) + pointer(12) + struct.pack(">HH", A, IN)
    yield "bad-forward-pointer", header(1, 0, qd=2) + question(pointer(18)) + question(b"\x00")
    yield "bad-label-then-loop", header(1, 0, qd=1) + b"\x01a" + pointer(12) + struct.pack(">HH", A, IN)
    yield "bad-label-64", header(1, 0, qd=1) + b"\x40" + b"a" * 64 + b"\x00" + struct.pack(">HH", A, IN)
    yield "bad-name-256", header(1, 0, qd=1) + (b"\x3f" + b"a" * 63) * 3 + b"\x3e" + b"a" * 62 + b"\x00" + struct.pack(
        ">HH", A, IN)
    yield "bad-rdlength-a", header(1, 0x8000, an=1) + record(b"\x00", A, bytes(5))
    yield "bad-trailing", header(0x8B41, 0x0120, qd=1, ar=1) + q_home + opt + b"\x00"
    yield "bad-huge-counts", header(1, 0, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF) + b"\x00" * 4
    yield "bad-truncated", (header(0x1234, 0x8580, qd=1, an=1, ns=1) + q_home + answer + ns)[:-3]
    yield "bad-txt-overrun", header(1, 0x8000, an=1) + record(b"\x00", TXT, b"\x05abc")

    # Presentation-form names, for the Name::parse half of the target.
    yield "text-name", b"Home.dyn.Example.test."
    yield "text-escapes", b"a\\.b\\\\c\\000\\255.test"


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "dns_message")
    os.makedirs(out_dir, exist_ok=True)
    for file_name, data in seeds():
        with open(os.path.join(out_dir, file_name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
