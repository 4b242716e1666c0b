// The profile form's Test: agent::checkProfile (detection and a credential check that changes no
// record) run on a worker thread, since sources and servers may take seconds, and its result
// told in plain words. The UI thread never waits for it.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <string>
#include <vector>

#include "qdyn/agent/profile_check.hpp"
#include "qdyn/config/profile.hpp"
#include "qdyn/result.hpp"

namespace qdyn::gui {

// A test's result for people: one sentence, and the lines of `qdyn profile test` below it.
struct TestSummary {
    bool ok = false;  // every family has an address and the credentials are good or not checkable
    std::string headline;
    std::vector<std::string> details;
};

// `protocol` names the protocol in the sentence about credentials it cannot check.
TestSummary summarize(const Result<agent::ProfileCheck>& check, const std::string& protocol);

class ProfileTester : public QObject {
    Q_OBJECT

public:
    explicit ProfileTester(QObject* parent = nullptr);
    // Does not wait for a running test: the pool finishes it and its result is dropped.
    ~ProfileTester() override;

    ProfileTester(const ProfileTester&) = delete;
    ProfileTester& operator=(const ProfileTester&) = delete;

    // Starts testing `profile` (ignored while a test runs: see isRunning).
    void start(config::Profile profile);
    [[nodiscard]] bool isRunning() const;

signals:
    void finished(const qdyn::gui::TestSummary& summary);

private:
    QFutureWatcher<TestSummary> m_watcher;
};

}  // namespace qdyn::gui
