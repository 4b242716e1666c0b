// The profile form's Test on a worker thread (profile_tester.hpp).
#include "settings/profile_tester.hpp"

#include <QtConcurrent/QtConcurrentRun>
#include <cctype>
#include <memory>

#include "keychain.hpp"

namespace qdyn::gui {

namespace {

std::string credentialsSentence(const agent::ProfileCheck& check, const std::string& protocol) {
    switch (check.credentials.status) {
        case CredentialCheck::Status::Valid:
            return "the server accepted the credentials";
        case CredentialCheck::Status::Invalid:
            return "the server refused the credentials";
        case CredentialCheck::Status::Unknown:
            return "the server could not be asked about the credentials";
        case CredentialCheck::Status::NotSupported:
            return "the credentials were not checked (" + protocol + " cannot check them without updating)";
    }
    return {};
}

}  // namespace

TestSummary summarize(const Result<agent::ProfileCheck>& check, const std::string& protocol) {
    TestSummary summary;
    if (!check) {
        summary.headline = "Cannot test this profile: " + check.message();
        return summary;
    }
    std::string sentence;
    for (const auto& report : check->detection) {
        const std::string family(agent::familyName(report.family));
        sentence += report.chosen ? family + " " + report.chosen->toString() + " would be published; "
                                  : "no " + family + " address was found to publish; ";
    }
    sentence += credentialsSentence(*check, protocol);
    sentence.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(sentence.front())));
    summary.headline = sentence + ".";
    summary.details = agent::describeCheck(*check);
    summary.ok = check->familiesWithoutAddress().empty() && !check->credentialsFailed();
    return summary;
}

ProfileTester::ProfileTester(QObject* parent) : QObject(parent) {
    connect(&m_watcher, &QFutureWatcher<TestSummary>::finished, this,
            [this] { emit finished(m_watcher.future().result()); });
}

ProfileTester::~ProfileTester() = default;

void ProfileTester::start(config::Profile profile) {
    if (isRunning()) return;
    // Shared, because the task may outlive this object (a dialog closed mid-test).
    auto tried = std::make_shared<config::Profile>(std::move(profile));
    m_watcher.setFuture(QtConcurrent::run([tried] {
        // A saved keychain password is read here, off the UI thread: the keychain may ask to be
        // unlocked. Left empty, checkProfile says why it cannot test.
        if (tried->passwordInKeychain && tried->password.empty()) {
            if (auto secret = readSecret(tried->name)) tried->password = std::move(*secret);
        }
        return summarize(agent::checkProfile(*tried), tried->protocol);
    }));
}

bool ProfileTester::isRunning() const {
    return m_watcher.isRunning();
}

}  // namespace qdyn::gui
