// What `qdyn status` and `qdyn explain` say about one host's durable state, as text and JSON.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

#include "qdyn/agent/state_store.hpp"
#include "qdyn/config/profile.hpp"

namespace qdyn::cli {

// The next thing the agent will do for the host, in words ("retry at ...", "nothing until ...").
std::string nextAction(const config::Profile& profile, const agent::StateStore& state, const std::string& host,
                       agent::TimePoint now);

// Indented lines: published addresses, last change, last reply, stop or backoff, next action.
void printHostState(const config::Profile& profile, const agent::StateStore& state, const std::string& host,
                    agent::TimePoint now, std::ostream& out);

nlohmann::json hostStateJson(const config::Profile& profile, const agent::StateStore& state, const std::string& host,
                             agent::TimePoint now);

}  // namespace qdyn::cli
