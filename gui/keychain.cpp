// Profile passwords in the desktop keychain through QtKeychain (keychain.hpp).
#include "keychain.hpp"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QObject>
#include <QString>
#include <QThread>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <utility>

#if defined(QDYN_HAVE_KEYCHAIN)
#include <qt6keychain/keychain.h>
#endif

namespace qdyn::gui {

namespace {

// A backend that is there answers a lookup in milliseconds; a missing D-Bus session fails at once.
constexpr std::chrono::seconds kProbeTimeout{4};
// Long enough for a person to answer the keychain's unlock prompt.
constexpr std::chrono::seconds kJobTimeout{90};

std::string whose(std::string_view profileName) {
    return "profile " + std::string(profileName);
}

#if defined(QDYN_HAVE_KEYCHAIN)

// Every job runs on one thread of its own with an event loop. QtKeychain queues jobs through a
// single executor object, not thread-safe, that lives in the thread that first used it and
// finishes each job there; its libsecret backend answers through the GLib main context of the
// thread that started the job. The UI thread cannot be that home (it may be waiting for the
// agent's worker, which waits for the keychain), nor can a pool thread (it may end).
std::mutex g_threadMutex;
QThread* g_thread = nullptr;
QObject* g_context = nullptr;

void stopKeychainThread() {
    const std::lock_guard lock(g_threadMutex);
    if (g_thread == nullptr) return;
    g_thread->quit();
    // A job stuck in a backend keeps the thread; the process is ending, so it is left behind
    // rather than destroyed while it runs.
    if (g_thread->wait(QDeadlineTimer(std::chrono::seconds(3)))) delete g_thread;
    g_thread = nullptr;
    g_context = nullptr;
}

QObject* keychainContext() {
    const std::lock_guard lock(g_threadMutex);
    if (g_context != nullptr) return g_context;
    if (QCoreApplication::instance() == nullptr) return nullptr;
    g_thread = new QThread;
    g_thread->setObjectName(QStringLiteral("qdyn-keychain"));
    g_context = new QObject;
    g_context->moveToThread(g_thread);
    QObject::connect(g_thread, &QThread::finished, g_context, &QObject::deleteLater);
    g_thread->start();
    qAddPostRoutine(stopKeychainThread);  // before QCoreApplication is gone
    return g_context;
}

struct JobResult {
    QKeychain::Error error = QKeychain::OtherError;
    std::string message;
    Secret data;  // a read's password
};

// Runs the job made by `make` on the keychain thread and waits for it at most `timeout`.
JobResult runJob(std::function<QKeychain::Job*()> make, std::chrono::milliseconds timeout) {
    QObject* context = keychainContext();
    if (context == nullptr) return {QKeychain::OtherError, "qdyn-tray has no Qt application yet", {}};
    // Shared: a job that answers after the wait gave up still has somewhere to put its answer.
    auto promise = std::make_shared<std::promise<JobResult>>();
    auto answer = promise->get_future();
    QMetaObject::invokeMethod(
        context,
        [make = std::move(make), promise] {
            QKeychain::Job* job = make();
            job->setAutoDelete(true);  // deleteLater once finished has been emitted
            QObject::connect(job, &QKeychain::Job::finished, job, [promise](QKeychain::Job* done) {
                JobResult result;
                result.error = done->error();
                result.message = done->errorString().toStdString();
                if (auto* read = qobject_cast<QKeychain::ReadPasswordJob*>(done);
                    read != nullptr && done->error() == QKeychain::NoError) {
                    QByteArray bytes = read->textData().toUtf8();
                    result.data = Secret(bytes.toStdString());
                    bytes.fill('\0');  // the copies Qt keeps are its own; this one need not linger
                }
                promise->set_value(std::move(result));
            });
            job->start();
        },
        Qt::QueuedConnection);
    if (answer.wait_for(timeout) != std::future_status::ready) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
        return {QKeychain::OtherError, "the keychain did not answer within " + std::to_string(seconds) + " s", {}};
    }
    return answer.get();
}

QString service() {
    return QString::fromUtf8(kKeychainService.data(), static_cast<qsizetype>(kKeychainService.size()));
}

QString accountOf(std::string_view profileName) {
    return QString::fromStdString(keychainAccount(profileName));
}

struct Probe {
    bool available = false;
    std::string reason;
};

Probe probeKeychain() {
    // An account no profile has ("probe/...", where profiles are "profile/..."): found or not
    // found both mean a keychain answered.
    JobResult result = runJob(
        [] {
            auto* job = new QKeychain::ReadPasswordJob(service());
            job->setKey(QStringLiteral("probe/availability"));
            return job;
        },
        kProbeTimeout);
    if (result.error == QKeychain::NoError || result.error == QKeychain::EntryNotFound) return {true, {}};
    return {false, "no system keychain answered (" +
                       (result.message.empty() ? std::string("no reason given") : result.message) + ")"};
}

const Probe& probe() {
    static const Probe answer = probeKeychain();  // thread-safe, once
    return answer;
}

#else

struct Probe {
    bool available = false;
    std::string reason = "qdyn-tray was built without QtKeychain, so it has no system keychain";
};

const Probe& probe() {
    static const Probe answer;
    return answer;
}

#endif

Error unavailable(std::string_view profileName) {
    return makeError("cannot reach the keychain for " + whose(profileName) + ": " + probe().reason);
}

}  // namespace

std::string keychainAccount(std::string_view profileName) {
    return "profile/" + std::string(profileName);
}

bool keychainAvailable() {
    return probe().available;
}

std::string keychainUnavailableReason() {
    return probe().reason;
}

Result<Secret> readSecretIfAny(std::string_view profileName) {
    if (!keychainAvailable()) return unavailable(profileName);
#if defined(QDYN_HAVE_KEYCHAIN)
    JobResult result = runJob(
        [account = accountOf(profileName)] {
            auto* job = new QKeychain::ReadPasswordJob(service());
            job->setKey(account);
            return job;
        },
        kJobTimeout);
    if (result.error == QKeychain::EntryNotFound) return Secret();
    if (result.error != QKeychain::NoError) {
        return makeError("cannot read the password of " + whose(profileName) + " from the keychain: " + result.message);
    }
    return std::move(result.data);
#else
    return unavailable(profileName);
#endif
}

Result<Secret> readSecret(std::string_view profileName) {
    auto secret = readSecretIfAny(profileName);
    if (secret && secret->empty()) {
        return makeError("the keychain holds no password for " + whose(profileName) + " (service " +
                         std::string(kKeychainService) + ", account " + keychainAccount(profileName) + ")");
    }
    return secret;
}

Result<void> writeSecret(std::string_view profileName, const Secret& secret) {
    if (!keychainAvailable()) return unavailable(profileName);
#if defined(QDYN_HAVE_KEYCHAIN)
    const std::string_view value = secret.reveal();
    JobResult result = runJob(
        [account = accountOf(profileName),
         text = QString::fromUtf8(value.data(), static_cast<qsizetype>(value.size()))] {
            auto* job = new QKeychain::WritePasswordJob(service());
            job->setKey(account);
            job->setTextData(text);
            return job;
        },
        kJobTimeout);
    if (result.error != QKeychain::NoError) {
        return makeError("the keychain did not store the password of " + whose(profileName) + ": " + result.message);
    }
    return {};
#else
    (void)secret;
    return unavailable(profileName);
#endif
}

Result<void> removeSecret(std::string_view profileName) {
    if (!keychainAvailable()) return unavailable(profileName);
#if defined(QDYN_HAVE_KEYCHAIN)
    JobResult result = runJob(
        [account = accountOf(profileName)] {
            auto* job = new QKeychain::DeletePasswordJob(service());
            job->setKey(account);
            return job;
        },
        kJobTimeout);
    if (result.error != QKeychain::NoError && result.error != QKeychain::EntryNotFound) {
        return makeError("cannot remove the password of " + whose(profileName) +
                         " from the keychain: " + result.message);
    }
    return {};
#else
    return unavailable(profileName);
#endif
}

void fillKeychainPasswords(config::ProfileSet& profiles,
                           const std::function<void(agent::LogLevel, const std::string&)>& log) {
    const auto warn = [&log](const std::string& line) {
        if (log) log(agent::LogLevel::Warning, line);
    };
    for (auto& profile : profiles.profiles) {
        if (!profile.passwordInKeychain || !profile.password.empty()) continue;
        const std::string notUsed = "; it is not updated until its password is saved again in Profiles...";
        if (!keychainAvailable()) {
            warn("[" + profile.name + "] its password is in the system keychain, but " + keychainUnavailableReason() +
                 notUsed);
            continue;
        }
        auto secret = readSecret(profile.name);
        if (!secret) {
            warn("[" + profile.name + "] " + secret.message() + notUsed);
            continue;
        }
        profile.password = std::move(*secret);
    }
}

}  // namespace qdyn::gui
