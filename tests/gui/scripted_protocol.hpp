// A protocol whose replies a test scripts (class, code, delay) and whose requests it counts,
// standing in for a server where the tray's tests need every reply class on demand.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "qdyn/protocols/protocol.hpp"

namespace qdyn::test {

// What the scripted server answers, and what it was asked; shared with the worker thread.
struct Script {
    std::mutex mutex;
    OutcomeClass answer = OutcomeClass::Updated;
    std::string code = "good";
    std::chrono::milliseconds delay{0};
    std::atomic<int> requests{0};
};

class ScriptedProtocol final : public UpdateProtocol {
public:
    explicit ScriptedProtocol(Script& script) : m_script(script) {}
    [[nodiscard]] std::string_view name() const override { return "dyndns2"; }
    std::vector<HostOutcome> update(const UpdateRequest& request) override {
        std::chrono::milliseconds delay;
        HostOutcome outcome;
        {
            std::lock_guard lock(m_script.mutex);
            delay = m_script.delay;
            outcome.outcome = m_script.answer;
            outcome.code = m_script.code;
        }
        std::this_thread::sleep_for(delay);
        ++m_script.requests;
        std::vector<HostOutcome> outcomes;
        for (const auto& host : request.hosts) {
            outcome.host = host;
            outcomes.push_back(outcome);
        }
        return outcomes;
    }
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest&) const override { return {}; }

private:
    Script& m_script;
};

}  // namespace qdyn::test
