// One host's part of a cycle in plain words: the same lines on the command line (`qdyn update`,
// `qdyn run`) and in qdyn-tray's log.
#pragma once

#include <string>
#include <vector>

#include "qdyn/agent/agent.hpp"

namespace qdyn::agent {

struct ReportLine {
    // Debug: nothing was sent; Info: done as asked; Warning and Error: needs attention.
    LogLevel level = LogLevel::Info;
    std::string text;  // "[home] home.example.net: updated (good 203.0.113.7)"
};

// The line saying what happened to the host, then one per verification (dry runs: one per
// request that would go out). Never a secret: reports hold none.
std::vector<ReportLine> describeHost(const HostReport& report);

}  // namespace qdyn::agent
