#!/usr/bin/env bash
# .github/workflows/ci.yml: valid YAML with the three platforms' jobs; Linux runs .ci/run;
# Windows builds with vcpkg (whose manifest lists every library the build finds) and makes the
# NSIS installer; macOS builds with Homebrew and makes the DMG; both upload them. Both run ctest:
# macOS leaves tests out by labels that exist (tests/*/CMakeLists.txt), so none passes silently;
# Windows builds its test suite and runs its unit tests and fuzz replays, selected by label.
#   tests/packaging/ci_workflow_test.sh SOURCE_DIR
set -uo pipefail
ROOT="$1"
# shellcheck source=tests/packaging/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need python3-yaml python3
python3 -c 'import yaml' 2>/dev/null || { echo "FAIL: python3-yaml is missing (install: python3-yaml)"; exit 1; }
workflow="$ROOT/.github/workflows/ci.yml"
[[ -f "$workflow" ]] || { echo "FAIL: $workflow is missing"; exit 1; }
labels="$(grep -rhoE 'LABELS [a-z]+' "$ROOT"/tests/*/CMakeLists.txt | awk '{ print $2 }' | sort -u | tr '\n' ' ')"

out="$(python3 - "$workflow" "$ROOT/vcpkg.json" "$labels" <<'PY' 2>&1
import json, re, sys, yaml
path, manifest, labels = sys.argv[1], sys.argv[2], set(sys.argv[3].split())
with open(path) as f:
    doc = yaml.safe_load(f)
problems = []
def check(condition, message):
    if not condition:
        problems.append(message)

# PyYAML reads the key `on` as True.
check(True in doc or "on" in doc, "no trigger (on:)")
jobs = doc.get("jobs", {})
runners = {"linux": "ubuntu", "windows": "windows", "macos": "macos"}
for job, runner in runners.items():
    check(job in jobs, f"no job '{job}'")
    if job not in jobs:
        continue
    check(str(jobs[job].get("runs-on", "")).startswith(runner), f"{job} does not run on {runner}-*")
    check(jobs[job].get("steps"), f"{job} has no steps")

def runs(job):
    return "\n".join(str(step.get("run", "")) for step in jobs.get(job, {}).get("steps", []))
def uses(job):
    return [str(step.get("uses", "")) for step in jobs.get(job, {}).get("steps", [])]

check(".ci/run" in runs("linux") or "packaging/dev.sh test" in runs("linux"), "linux does not run .ci/run")
check("debian:12" in str(jobs.get("linux", {}).get("container", "")), "linux does not run in debian:12")
check("vcpkg.cmake" in runs("windows"), "windows does not configure with the vcpkg toolchain")
check("cpack -G NSIS" in runs("windows"), "windows makes no NSIS installer")
check("brew install" in runs("macos"), "macos installs nothing with Homebrew")
check("cpack -G DragNDrop" in runs("macos"), "macos makes no DMG")
for job in ("windows", "macos"):
    check(any(u.startswith("actions/upload-artifact") for u in uses(job)), f"{job} uploads no artifact")
check("QDYN_BUILD_TESTS=OFF" not in runs("windows"), "windows builds without the test suite")
# Windows: the labels of what tests/CMakeLists.txt builds there (unit tests, fuzz replays).
for line in [line for line in runs("windows").splitlines() if line.strip().startswith("ctest")] or [""]:
    m = re.search(r'-L "\^\(([a-z|]+)\)\$"', line)
    check(m is not None and set(m.group(1).split("|")) == {"unit", "fuzz"},
          f"windows: ctest does not run the unit and fuzz labels: {line or 'no ctest'}")
for job in ("macos",):
    ctest = [line for line in runs(job).splitlines() if line.strip().startswith("ctest")]
    check(ctest, f"{job} runs no ctest")
    for line in ctest:
        m = re.search(r'-LE "\^\(([a-z|]+)\)\$"', line)
        check(m is not None, f"{job}: ctest leaves nothing out by label: {line}")
        if m:
            for label in m.group(1).split("|"):
                check(label in labels, f"{job}: ctest leaves out '{label}', which no test carries ({sorted(labels)})")
            for label in ("interop", "gui", "packaging"):
                check(label in m.group(1).split("|"), f"{job}: the Linux-only label '{label}' is not left out")

brew = runs("macos")
for formula in ["cmake", "ninja", "qt", "openssl@3", "curl", "cli11", "boost", "tomlplusplus", "sqlite",
                "nlohmann-json", "googletest"]:
    check(re.search(r"(^|\s)" + re.escape(formula) + r"(\s|$)", brew), f"macos does not install {formula}")

with open(manifest) as f:
    ports = {d if isinstance(d, str) else d["name"]: d for d in json.load(f)["dependencies"]}
for port in ["curl", "openssl", "cli11", "boost-asio", "boost-beast", "tomlplusplus", "sqlite3", "nlohmann-json",
             "gtest", "qtbase", "qtsvg"]:
    check(port in ports, f"vcpkg.json lacks {port}")
qt = ports.get("qtbase", {})
features = set(qt.get("features", [])) if isinstance(qt, dict) else set()
# gui/CMakeLists.txt: Widgets Svg Network Concurrent; tests/gui: Test.
for feature in ["widgets", "network", "concurrent", "testlib"]:
    check(feature in features, f"vcpkg.json's qtbase lacks the feature {feature}")
print("\n".join("FAIL: " + p for p in problems))
PY
)"
status=$?
# A traceback (YAML that does not parse) is a failure too, not only the FAIL lines.
(( status == 0 )) || fail "the checks did not run to the end (status $status)"
[[ -z "$out" ]] || { echo "$out"; failures=$((failures + 1)); }
finish "CI workflow: three platforms, labels and dependencies checked (labels: $labels)"
