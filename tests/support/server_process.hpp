// The qdyn-server executable as a test peer: started on free loopback ports, its listening
// lines parsed, stopped by its PID.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "process.hpp"

namespace qdyn::test {

struct ServerPorts {
    std::string udp;  // on 127.0.0.1
    std::string tcp;
    std::string http;
    std::string udp6;  // on [::1]
    std::string tcp6;
    // Every listener on 127.0.0.1 by kind ("qdns", "miniupdate", "gnudip", "myip", ...): the first port.
    std::map<std::string, std::string> byKind;
};

// Starts `argv` (the qdyn-server path and its arguments), waits for "ready" and reads the
// 127.0.0.1 and [::1] ports it printed.
::testing::AssertionResult startServer(BackgroundProcess& process, const std::vector<std::string>& argv,
                                       ServerPorts& ports);

}  // namespace qdyn::test
