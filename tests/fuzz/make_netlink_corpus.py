#!/usr/bin/env python3
"""Writes the seed corpus of the netlink_message fuzz target (corpus/netlink_message/): rtnetlink
datagrams as the kernel sends them (address, link, default route, several per datagram, an
ENOBUFS error) and a few broken ones. Run from tests/fuzz; the output is committed."""
import ipaddress
import os
import struct

def align(data):
    return data + b"\0" * (-len(data) % 4)

def attr(kind, payload):
    return align(struct.pack("=HH", 4 + len(payload), kind) + payload)

def message(kind, body, attrs=b"", flags=0):
    payload = align(body) + attrs
    return struct.pack("=IHHII", 16 + len(payload), kind, flags, 0, 0) + payload

def addr(kind, text, prefix, index, label=None, flags=0):
    ip = ipaddress.ip_address(text)
    family = 2 if ip.version == 4 else 10
    attrs = attr(1, ip.packed) + attr(2, ip.packed)
    if label:
        attrs += attr(3, label.encode() + b"\0")
    attrs += attr(8, struct.pack("=I", flags))
    return message(kind, struct.pack("=BBBBI", family, prefix, flags & 0xFF, 0, index), attrs)

def link(kind, index, name, flags):
    return message(kind, struct.pack("=BBHiII", 0, 0, 772, index, flags, 0xFFFFFFFF), attr(3, name.encode() + b"\0"))

def route(kind, family, dst_len, gateway, oif, table=254):
    attrs = attr(15, struct.pack("=I", table)) + attr(4, struct.pack("=I", oif))
    if gateway:
        attrs += attr(5, ipaddress.ip_address(gateway).packed)
    return message(kind, struct.pack("=BBBBBBBB", family, dst_len, 0, 0, min(table, 252), 3, 0, 1), attrs)

seeds = {
    "newaddr_v4": addr(20, "203.0.113.9", 32, 1, "lo", 0x80),
    "deladdr_v6": addr(21, "2001:db8::9", 128, 1, None, 0x02),
    "newlink_up": link(16, 2, "qd-ns", 0x1 | 0x40 | 0x10000),
    "dellink": link(17, 2, "qd-ns", 0),
    "default_route_v4": route(24, 2, 0, "198.51.100.1", 2),
    "default_route_v6_removed": route(25, 10, 0, "2001:db8::1", 2),
    "subnet_route": route(24, 2, 24, None, 2),
    "several": addr(20, "192.0.2.1", 24, 2, "eth0") + addr(20, "2001:db8::1", 64, 2) + message(3, struct.pack("=i", 0)),
    "enobufs": message(2, struct.pack("=i", -105) + struct.pack("=IHHII", 16, 0, 0, 0, 0)),
    "truncated": addr(20, "203.0.113.9", 32, 1)[:30],
    "lying_length": struct.pack("=I", 4096) + addr(20, "203.0.113.9", 32, 1)[4:],
    "bad_attribute": addr(20, "203.0.113.9", 32, 1)[:24] + struct.pack("=H", 200) + addr(20, "203.0.113.9", 32, 1)[26:],
}

os.makedirs("corpus/netlink_message", exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join("corpus/netlink_message", name), "wb") as out:
        out.write(data)
