// Runs the qdyn CLI in-process with captured streams, and with a given stdin for the commands
// that read one (`profile add --password-stdin`). For the CLI tests of profile, import, query.
#pragma once

#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"

namespace qdyn::test {

struct CliRun {
    int code = -1;
    std::string out;
    std::string err;
};

inline CliRun runQdyn(const std::vector<std::string>& args, std::string_view input = {}) {
    std::vector<const char*> argv{"qdyn"};
    for (const auto& arg : args) argv.push_back(arg.c_str());
    std::ostringstream out;
    std::ostringstream err;
    std::istringstream in{std::string(input)};
    std::streambuf* saved = std::cin.rdbuf(in.rdbuf());
    CliRun run;
    run.code = cli::runCli(static_cast<int>(argv.size()), argv.data(), out, err);
    std::cin.rdbuf(saved);
    std::cin.clear();
    run.out = out.str();
    run.err = err.str();
    return run;
}

// The lines of a text, without their newlines.
inline std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    return lines;
}

}  // namespace qdyn::test
