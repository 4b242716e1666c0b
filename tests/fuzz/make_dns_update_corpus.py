#!/usr/bin/env python3
"""Regenerates the seed corpus of the fuzz_dns_update target (tests/fuzz/corpus/dns_update).

The seeds are RFC 2136 UPDATEs signed with TSIG (RFC 8945) at the fuzz target's fixed time by
alice's key of its configuration, built byte by byte here rather than by the codec and TSIG
code under test. Files named regress-* are crashers found by fuzzing and are kept as they are.
Usage: python3 tests/fuzz/make_dns_update_corpus.py [output-dir]
"""
import base64
import hashlib
import hmac
import os
import struct
import sys

A, NS, CNAME, SOA, MX, TXT, AAAA, SRV, OPT, TSIG, ANY, CAA = 1, 2, 5, 6, 15, 16, 28, 33, 41, 250, 255, 257
IN, NONE = 1, 254
UPDATE_FLAGS = 5 << 11  # opcode UPDATE, QR clear

NOW = 1700000000  # the fuzz target's clock
KEY_NAME = "alice-key"
SECRET = base64.b64decode("cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=")
ZONE = "dyn.example.test"


def name(text):
    """Uncompressed wire form of a dotted name (no escapes needed in these seeds)."""
    out = b""
    for label in [part for part in text.split(".") if part]:
        out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def fq(owner):
    return owner + "." + ZONE if owner else ZONE


def rr(owner, rtype, rclass, ttl, rdata=b""):
    return name(fq(owner)) + struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def add(owner, rtype, rdata, ttl=300):
    return rr(owner, rtype, IN, ttl, rdata)


def delete_rrset(owner, rtype):
    return rr(owner, rtype, ANY, 0)


def delete_rr(owner, rtype, rdata):
    return rr(owner, rtype, NONE, 0, rdata)


def txt(*strings):
    return b"".join(bytes([len(s)]) + s for s in strings)


def ipv4(text):
    return bytes(int(part) for part in text.split("."))


def message(prereqs=(), updates=(), additional=(), zone=ZONE, ident=0x4242, zone_type=SOA):
    """The unsigned message: header, zone section, prerequisites, updates, additional data."""
    header = struct.pack(">HHHHHH", ident, UPDATE_FLAGS, 1, len(prereqs), len(updates), len(additional))
    return header + name(zone) + struct.pack(">HH", zone_type, IN) + b"".join(prereqs) + b"".join(updates) + \
        b"".join(additional)


def sign(unsigned, secret=SECRET, now=NOW, key=KEY_NAME, fudge=300):
    """Appends a TSIG RR (RFC 8945 4.3.3): the MAC covers the message and the TSIG variables."""
    algorithm = name("hmac-sha256")
    variables = name(key) + struct.pack(">HI", ANY, 0) + algorithm + struct.pack(">HI", now >> 32, now & 0xFFFFFFFF) + \
        struct.pack(">HHH", fudge, 0, 0)
    mac = hmac.new(secret, unsigned + variables, hashlib.sha256).digest()
    ident = unsigned[:2]
    rdata = algorithm + struct.pack(">HIH", now >> 32, now & 0xFFFFFFFF, fudge) + struct.pack(">H", len(mac)) + mac + \
        ident + struct.pack(">HH", 0, 0)
    arcount = struct.unpack(">H", unsigned[10:12])[0] + 1
    return unsigned[:10] + struct.pack(">H", arcount) + unsigned[12:] + \
        name(key) + struct.pack(">HHIH", TSIG, ANY, 0, len(rdata)) + rdata


def seeds():
    home_a = ipv4("203.0.113.7")
    yield "replace-a", sign(message(updates=[delete_rrset("home", A), add("home", A, ipv4("192.0.2.1"), 60)]))
    yield "acme-txt", sign(message(updates=[add("_acme-challenge.home", TXT, txt(b"token-123"), 30)]))
    yield "prereqs-all-kinds", sign(message(
        prereqs=[rr("home", ANY, ANY, 0), rr("nothing.home", ANY, NONE, 0), rr("home", A, ANY, 0),
                 rr("home", AAAA, NONE, 0), rr("home", A, IN, 0, home_a), rr("", SOA, ANY, 0)],
        updates=[add("home", AAAA, bytes.fromhex("20010db8000000000000000000000001"))]))
    yield "prereq-yxdomain", sign(message(prereqs=[rr("home", ANY, NONE, 0)], updates=[add("home", A, home_a)]))
    yield "delete-rr-and-name", sign(message(updates=[delete_rr("home", A, home_a), delete_rrset("x.home", ANY),
                                                      delete_rrset("home", TXT)]))
    srv = struct.pack(">HHH", 5, 10, 5222) + name("chat.example.test")
    caa = bytes([0, 5]) + b"issue" + b"letsencrypt.org"
    mx = struct.pack(">H", 10) + name("mail.example.test")
    yield "srv-caa-mx-cname", sign(message(updates=[add("_xmpp._tcp.home", SRV, srv), add("home", CAA, caa),
                                                    add("home", MX, mx),
                                                    add("alias.home", CNAME, name("www.example.test"))]))
    yield "refused-other-account", sign(message(updates=[add("office", A, ipv4("192.0.2.2"))]))
    yield "refused-static", sign(message(updates=[delete_rrset("mixed", ANY)]))
    yield "refused-ns", sign(message(updates=[add("home", NS, name("ns.example.test"))]))
    opt = b"\x00" + struct.pack(">HHIH", OPT, 1232, 0, 0)
    yield "edns", sign(message(updates=[add("home", TXT, txt(b"with", b"edns"))], additional=[opt]))
    yield "notauth-zone", sign(message(updates=[add("home", A, home_a)], zone="example.test"))
    yield "formerr-meta-type", sign(message(updates=[add("home", ANY, b"\x01")]))
    yield "formerr-zone-type", sign(message(updates=[add("home", A, home_a)], zone_type=A))
    # Unsigned: REFUSED as they are; the fuzz target also signs them itself, so these are the
    # seeds from which it explores the prerequisite and update rules.
    yield "unsigned", message(updates=[add("home", A, home_a)])
    yield "unsigned-update-kinds", message(updates=[
        add("home", A, ipv4("192.0.2.1"), 60), add("home", A, home_a, 90), delete_rr("home", A, home_a),
        add("a.b.home", TXT, txt(b"x")), delete_rrset("a.b.home", ANY), add("alias.home", CNAME, name("home." + ZONE)),
        add("alias.home", A, home_a), add("_sip._udp.home", SRV, srv), add("home", CAA, caa), delete_rrset("home", MX)])
    yield "unsigned-prereq-kinds", message(
        prereqs=[rr("home", ANY, ANY, 0), rr("www", ANY, ANY, 0), rr("b.home", ANY, NONE, 0), rr("home", A, ANY, 0),
                 rr("", NS, ANY, 0), rr("home", TXT, NONE, 0), rr("home", A, IN, 0, home_a),
                 rr("", NS, IN, 0, name("ns1." + ZONE)), rr("www", CNAME, IN, 0, name("home." + ZONE))],
        updates=[add("home", TXT, txt(b"ok"))])
    yield "unsigned-refusals", message(updates=[add("mixed", CNAME, name("x.test")), add("mixed", A, home_a),
                                                delete_rrset("mixed", TXT), add("office", A, home_a),
                                                add("home", 12, name("x.test"))])
    yield "badsig", sign(message(updates=[add("home", A, home_a)]), secret=b"\x00" * 32)
    yield "badtime", sign(message(updates=[add("home", A, home_a)]), now=NOW - 1000)
    # Owner names compressed against the zone name at offset 12 (the codec must follow them).
    zone_ptr = struct.pack(">H", 0xC000 | 12)
    compressed = [b"\x04home" + zone_ptr + struct.pack(">HHIH", A, IN, 60, 4) + ipv4("192.0.2.9"),
                  b"\x03sub\x04home" + zone_ptr + struct.pack(">HHIH", TXT, IN, 60, 3) + txt(b"hi")]
    yield "compressed-owners", sign(message(updates=compressed))


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "dns_update")
    os.makedirs(out_dir, exist_ok=True)
    for seed_name, data in seeds():
        with open(os.path.join(out_dir, seed_name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
