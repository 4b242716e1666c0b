#!/usr/bin/env bash
# qdyn-make-icns (gui/tools/make_icns.cpp), which makes qdyn-tray.app's icon on macOS, run here:
# the .icns it writes from gui/resources/qdyn.svg has the right structure (magic, lengths, the
# ten PNG types from 16 to 1024 pixels, each a PNG of its size), and a file that is not an SVG
# is refused without writing anything.
#   tests/packaging/icns_test.sh MAKE_ICNS SOURCE_DIR
set -uo pipefail
TOOL="$1"
ROOT="$2"
# shellcheck source=tests/packaging/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need python3 python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen

if ! out="$("$TOOL" "$ROOT/gui/resources/qdyn.svg" "$work/qdyn.icns" 2>&1)"; then
  fail "qdyn-make-icns failed: $out"
else
  out="$(python3 - "$work/qdyn.icns" <<'PY' 2>&1
import struct, sys
data = open(sys.argv[1], "rb").read()
expected = {b"icp4": 16, b"icp5": 32, b"ic11": 32, b"ic12": 64, b"ic07": 128,
            b"ic13": 256, b"ic08": 256, b"ic14": 512, b"ic09": 512, b"ic10": 1024}
if data[:4] != b"icns":
    sys.exit("FAIL: no icns magic")
if struct.unpack(">I", data[4:8])[0] != len(data):
    sys.exit(f"FAIL: the header's length {struct.unpack('>I', data[4:8])[0]} is not the file's {len(data)}")
seen = {}
pos = 8
while pos < len(data):
    kind, length = data[pos:pos + 4], struct.unpack(">I", data[pos + 4:pos + 8])[0]
    if length < 8 or pos + length > len(data):
        sys.exit(f"FAIL: entry {kind!r} at {pos} has a bad length {length}")
    png = data[pos + 8:pos + length]
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        sys.exit(f"FAIL: entry {kind!r} is not a PNG")
    seen[kind] = struct.unpack(">II", png[16:24])
    pos += length
for kind, pixels in expected.items():
    if seen.get(kind) != (pixels, pixels):
        print(f"FAIL: {kind.decode()} is {seen.get(kind)}, expected {pixels}x{pixels}")
extra = set(seen) - set(expected)
if extra:
    print(f"FAIL: unexpected entries {sorted(extra)}")
PY
)"
  if [[ -n "$out" ]]; then fail "$out"; else echo "ok   qdyn.icns: ten PNG entries, 16 to 1024 pixels, lengths consistent"; fi
fi

printf 'not an image\n' >"$work/bad.svg"
if "$TOOL" "$work/bad.svg" "$work/bad.icns" >/dev/null 2>&1; then
  fail "a file that is not an SVG was accepted"
elif [[ -e "$work/bad.icns" ]]; then
  fail "a refused input still left an .icns behind"
else
  echo "ok   a file that is not an SVG is refused, nothing written"
fi

finish "qdyn-make-icns makes a well-formed qdyn.icns"
