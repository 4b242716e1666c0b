// The desktop keychain (QtKeychain: Secret Service or KWallet, the Windows credential store, the
// macOS Keychain) holding qdyn-tray's profile passwords, under service "qdyn", account "profile/NAME".
// Synchronous: every call waits for the keychain, so call it from a worker thread where it may
// take long (an unlock prompt); a build without QtKeychain says "no keychain" everywhere.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "qdyn/agent/agent.hpp"
#include "qdyn/config/profile.hpp"
#include "qdyn/result.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::gui {

// The keychain entry of a profile: service "qdyn", account "profile/NAME".
inline constexpr std::string_view kKeychainService = "qdyn";
std::string keychainAccount(std::string_view profileName);

// True when qdyn-tray was built with QtKeychain and a keychain answered. Asked once per process
// (at most a few seconds: a missing D-Bus session or service fails fast); later calls only read
// the answer. Needs a QCoreApplication.
bool keychainAvailable();
// Why the keychain cannot be used, for the profile form; empty when it can.
std::string keychainUnavailableReason();

// The profile's password; an Error when there is none or the keychain fails (the message never
// holds the secret).
Result<Secret> readSecret(std::string_view profileName);
// Like readSecret, but a missing entry is an empty Secret, not an Error.
Result<Secret> readSecretIfAny(std::string_view profileName);
// Stores the password, replacing the profile's previous one.
Result<void> writeSecret(std::string_view profileName, const Secret& secret);
// Removes the profile's entry; one that is not there is no error.
Result<void> removeSecret(std::string_view profileName);

// Fills in the password of every profile whose password is in the keychain
// (password_keychain = true) and still empty. One that cannot be read (no keychain, no entry, an
// error) stays empty with a warning naming it, and the agent then reports that profile Broken
// rather than send an empty password. For the agent's worker thread, before each cycle's profiles
// are used.
void fillKeychainPasswords(config::ProfileSet& profiles,
                           const std::function<void(agent::LogLevel, const std::string&)>& log);

}  // namespace qdyn::gui
