// BIND 9 (`named -g`) as an RFC 2136 primary for interop tests: one zone from a zone file, on
// 127.0.0.1 at a given port, taking updates of any name in the zone signed with one hmac-sha256
// key. Runs in the caller's temporary directory; stop it with the BackgroundProcess (by PID).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "process.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {

struct BindPrimary {
    std::string zone;      // "dyn.example.test"
    std::string zoneFile;  // its content
    std::string keyName;
    std::string secret;    // base64
    std::uint16_t port = 0;
};

// Writes the configuration into `dir` and starts named in `process`; fails when named is not
// installed (package bind9).
::testing::AssertionResult startBindPrimary(BackgroundProcess& process, const TempDir& dir, const BindPrimary& primary);

// Polls the zone's SOA over UDP until the server answers for it (named and knotd load zones in
// the background).
::testing::AssertionResult waitForZone(std::uint16_t port, const std::string& zone,
                                       std::chrono::seconds limit = std::chrono::seconds(20));

}  // namespace qdyn::test
