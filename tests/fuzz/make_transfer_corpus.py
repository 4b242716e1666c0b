#!/usr/bin/env python3
"""Regenerates the seed corpora of fuzz_dns_transfer and fuzz_notify_reply
(tests/fuzz/corpus/dns_transfer, tests/fuzz/corpus/notify_reply).

Seeds are built byte by byte here, not by the code under test. Signed seeds use the targets'
fixed key (xfr-key, hmac-sha256) and time (1700000000), so they verify in the fuzz fixture.
Usage: python3 tests/fuzz/make_transfer_corpus.py [corpus-dir]
"""
import base64
import hashlib
import hmac
import os
import struct
import sys

SOA, A, OPT, TSIG, IXFR, AXFR = 6, 1, 41, 250, 251, 252
IN, ANY = 1, 255
KEY = base64.b64decode("cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=")
NOW = 1700000000


def name(text):
    out = b""
    for label in [part for part in text.split(".") if part]:
        out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def header(ident, flags, qd=0, an=0, ns=0, ar=0):
    return struct.pack(">HHHHHH", ident, flags, qd, an, ns, ar)


def question(owner, qtype, qclass=IN):
    return name(owner) + struct.pack(">HH", qtype, qclass)


def record(owner, rtype, rdata, rclass=IN, ttl=0):
    return name(owner) + struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def soa(serial):
    rdata = name("ns1.dyn.example.test") + name("hostmaster.example.test") + struct.pack(">IIIII", serial, 1, 1, 1, 1)
    return record("dyn.example.test", SOA, rdata)


def opt(version=0):
    return b"\x00" + struct.pack(">HHIH", OPT, 1232, version << 16, 0)


def signed(ident, flags, qd, an, ns, ar, body):
    """A request signed with xfr-key (RFC 8945 4.3: the message, then the TSIG variables)."""
    algorithm = name("hmac-sha256")
    timers = struct.pack(">HIH", NOW >> 32, NOW & 0xFFFFFFFF, 300)
    variables = name("xfr-key") + struct.pack(">HI", ANY, 0) + algorithm + timers + struct.pack(">HH", 0, 0)
    message = header(ident, flags, qd, an, ns, ar) + body
    mac = hmac.new(KEY, message + variables, hashlib.sha256).digest()
    rdata = algorithm + timers + struct.pack(">H", len(mac)) + mac + struct.pack(">HHH", ident, 0, 0)
    return header(ident, flags, qd, an, ns, ar + 1) + body + record("xfr-key", TSIG, rdata, ANY, 0)


def transfer_seeds():
    zone = "dyn.example.test"
    return {
        "axfr": header(1, 0, 1) + question(zone, AXFR),
        "axfr-edns": header(2, 0, 1, 0, 0, 1) + question(zone, AXFR) + opt(),
        "axfr-badvers": header(3, 0, 1, 0, 0, 1) + question(zone, AXFR) + opt(1),
        "axfr-other-zone": header(4, 0, 1) + question("example.test", AXFR),
        "axfr-signed": signed(5, 0, 1, 0, 0, 0, question(zone, AXFR)),
        "ixfr-journal": header(6, 0, 1, 0, 1) + question(zone, IXFR) + soa(1000),
        "ixfr-middle-signed": signed(7, 0, 1, 0, 1, 0, question(zone, IXFR) + soa(1700000000)),
        "ixfr-up-to-date": header(8, 0, 1, 0, 1) + question(zone, IXFR) + soa(1700000001),
        "ixfr-unknown-serial": header(9, 0, 1, 0, 1) + question(zone, IXFR) + soa(5),
        "ixfr-no-soa": header(10, 0, 1) + question(zone, IXFR),
        "soa-signed": signed(11, 0, 1, 0, 0, 0, question(zone, SOA)),
        "a-signed-edns": signed(12, 0, 1, 0, 0, 1, question("home." + zone, A) + opt()),
        "two-questions": header(13, 0, 2) + question(zone, SOA) + question(zone, AXFR),
    }


def notify_seeds():
    zone = "dyn.example.test"
    notify_response = (4 << 11) | 0x8000 | 0x0400
    return {
        "ack": header(0x4711, notify_response, 1) + question(zone, SOA),
        "ack-no-question": header(0x4711, notify_response),
        "refused": header(0x4711, notify_response | 5, 1) + question(zone, SOA),
        "other-id": header(0x4713, notify_response, 1) + question(zone, SOA),
        "other-zone": header(0x4711, notify_response, 1) + question("example.test", SOA),
        "unsigned-for-signed": header(0x4712, notify_response, 1) + question(zone, SOA),
        "query-response": header(0x4711, 0x8400, 1) + question(zone, SOA),
        "runt": b"\x47\x11\xa4",
    }


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    for target, seeds in (("dns_transfer", transfer_seeds()), ("notify_reply", notify_seeds())):
        directory = os.path.join(base, target)
        os.makedirs(directory, exist_ok=True)
        for file_name, data in seeds.items():
            with open(os.path.join(directory, file_name), "wb") as out:
                out.write(data)


if __name__ == "__main__":
    main()
