#!/usr/bin/env python3
"""Regenerates the seed corpus of the fuzz_verifier_reply target (tests/fuzz/corpus/verifier_reply).

Replies a resolver or an authoritative server might send the verifier, built byte by byte here,
not by the codec under test. Usage: python3 tests/fuzz/make_verifier_corpus.py [output-dir]
"""
import os
import struct
import sys

A, NS, CNAME, SOA, AAAA = 1, 2, 5, 6, 28
IN = 1
QR_AA = 0x8400
QR_RD_RA = 0x8180
NXDOMAIN = 3


def name(text):
    out = b""
    for label in [part for part in text.split(".") if part]:
        out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def header(flags, qd=0, an=0, ns=0, ar=0):
    return struct.pack(">HHHHHH", 0x1234, flags, qd, an, ns, ar)


def question(owner, qtype):
    return name(owner) + struct.pack(">HH", qtype, IN)


def record(owner, rtype, rdata, ttl=300):
    return name(owner) + struct.pack(">HHIH", rtype, IN, ttl, len(rdata)) + rdata


def soa(zone):
    return record(zone, SOA, name("ns1." + zone) + name("hostmaster." + zone) + struct.pack(">IIIII", 1, 600, 300, 604800, 600))


def a(owner, *octets):
    return record(owner, A, bytes(octets))


def aaaa(owner, last):
    return record(owner, AAAA, bytes.fromhex("20010db8" + "00" * 10) + struct.pack(">H", last))


HOST = "home.dyn.example.test"
ZONE = "dyn.example.test"

SEEDS = {
    "soa_answer": header(QR_RD_RA, 1, 1) + question(ZONE, SOA) + soa(ZONE),
    "soa_negative": header(QR_RD_RA | NXDOMAIN, 1, 0, 1) + question(HOST, SOA) + soa(ZONE),
    "soa_alias": header(QR_RD_RA, 1, 1, 1) + question(HOST, SOA) + record(HOST, CNAME, name("box.other.test"))
    + soa("other.test"),
    "ns_with_glue": header(QR_RD_RA, 1, 2, 0, 3) + question(ZONE, NS) + record(ZONE, NS, name("ns1." + ZONE))
    + record(ZONE, NS, name("ns2.provider.test")) + a("ns1." + ZONE, 192, 0, 2, 53) + aaaa("ns1." + ZONE, 0x53)
    + a("ns2.provider.test", 198, 51, 100, 53),
    "host_a": header(QR_AA, 1, 1) + question(HOST, A) + a(HOST, 203, 0, 113, 7),
    "host_aaaa_two": header(QR_AA, 1, 2) + question(HOST, AAAA) + aaaa(HOST, 7) + aaaa(HOST, 8),
    "host_cname": header(QR_AA, 1, 2) + question(HOST, A) + record(HOST, CNAME, name("box." + ZONE))
    + a("box." + ZONE, 203, 0, 113, 7),
    "host_cname_chain": header(QR_AA, 1, 3) + question(HOST, A) + record(HOST, CNAME, name("a." + ZONE))
    + record("a." + ZONE, CNAME, name("b." + ZONE)) + a("b." + ZONE, 203, 0, 113, 7),
    "host_nxdomain": header(QR_AA | NXDOMAIN, 1, 0, 1) + question(HOST, A) + soa(ZONE),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "verifier_reply")
    os.makedirs(out, exist_ok=True)
    for seed, data in SEEDS.items():
        with open(os.path.join(out, seed), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
