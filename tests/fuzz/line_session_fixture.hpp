// The zone, update service and current generation a line-protocol session runs on, for the
// server-side session fuzz targets: alice (password s3cret, token alice-token-1) owns home and
// nas, bob (pw) owns bob; the login throttle is off so every input is checked in full.
#pragma once

#include <memory>

#include "generation.hpp"
#include "line/qdns_session.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"
#include "xfr/journal.hpp"

namespace qdyn::test {

inline constexpr const char* kLineSessionConfig = R"(
[zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
email = "hostmaster@example.test"
[throttle]
failures = 0
[[account]]
name = "alice"
password = "s3cret"
token = "alice-token-1"
hosts = ["home", "nas"]
[[account]]
name = "bob"
password = "pw"
hosts = ["bob"]
)";

struct LineSessionFixture {
    LineSessionFixture()
        : config(server::Config::parse(kLineSessionConfig, "fuzz.toml").value()),
          zone(server::buildInitialSnapshot(config, 1000).value()),
          updates(config, zone),
          journal(0),
          generation(server::Generation::make(config, updates, journal).value()),
          services{[this] { return generation; }, updates, zone, nullptr} {}
    server::Config config;
    server::Zone zone;
    server::UpdateService updates;
    server::ZoneJournal journal;
    std::shared_ptr<const server::Generation> generation;
    server::LineServices services;
};

}  // namespace qdyn::test
