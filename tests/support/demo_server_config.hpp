// The shipped demo zone (packaging/examples/demo-server.toml) as a qdyn-server Config: every
// server test starts from it and changes only what it tests. Header-only, because only the
// tests that link qdyn_server_lib include it.
#pragma once

#include "qdyn_server/config.hpp"

namespace qdyn::test {

inline const char* const kDemoServerConfigPath = QDYN_SOURCE_DIR "/packaging/examples/demo-server.toml";

// dyn.example.test on free loopback ports (dns_udp, dns_tcp, http); alice/s3cret may update home
// and nas, bob/hunter2 may update office.
inline server::Config demoServerConfig() { return server::Config::load(kDemoServerConfigPath).value(); }

}  // namespace qdyn::test
