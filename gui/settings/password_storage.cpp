// Passwords of the profile form: in the system keychain or inline in the profile file
// (password_storage.hpp).
#include "settings/password_storage.hpp"

#include <algorithm>

#include "keychain.hpp"
#include "qdyn/config/profile_reader.hpp"

namespace qdyn::gui {

namespace {

using From = config::ProfileEntry::PasswordFrom;

constexpr unsigned kPrivateMode = 0600;

}  // namespace

KeychainState keychainState() {
    KeychainState state;
    state.available = keychainAvailable();
    if (!state.available) state.reason = keychainUnavailableReason();
    return state;
}

std::string keychainChoiceText() {
    return "Keep the password in the system keychain";
}

bool keychainByDefault(const config::ProfileEntry& entry, const KeychainState& state) {
    return state.available && entry.passwordFrom != From::Inline;
}

std::string keychainUnavailableNote(const KeychainState& state) {
    if (state.available) return {};
    return "The system keychain cannot be used: " + state.reason + ".";
}

std::string passwordStorageWarning(bool inKeychain) {
    if (inKeychain) {
        return "The password is kept in the system keychain; the profile file only says so "
               "(password_keychain = true). The qdyn command cannot read the keychain: for a profile it runs too, "
               "use password_file or password_env.";
    }
    return "The password is stored in the profile file itself, which is kept readable only by you. Anyone who can "
           "read your files (or a backup of them) can read it.";
}

std::string describeKeptPassword(const config::ProfileEntry& entry) {
    switch (entry.passwordFrom) {
        case From::File:
            return "read from " + entry.passwordRef + " (type here to replace it)";
        case From::Env:
            return "from the environment variable " + entry.passwordRef + " (type here to replace it)";
        case From::Keychain:
            return "in the system keychain: leave empty to keep the saved password";
        case From::Inline:
        case From::None:
            break;
    }
    return {};
}

Secret passwordToShow(const config::ProfileEntry& entry) {
    return entry.passwordFrom == From::Inline ? entry.password.clone() : Secret();
}

bool keepsPasswordElsewhere(const config::ProfileEntry& entry) {
    return entry.passwordFrom == From::File || entry.passwordFrom == From::Env || entry.passwordFrom == From::Keychain;
}

void storePassword(config::ProfileEntry& entry, Secret typed, bool inKeychain) {
    if (typed.empty()) {
        if (entry.passwordFrom == From::Keychain) {
            if (!inKeychain) {
                entry.passwordFrom = From::Inline;  // the saved password, filled in by saveProfile
                entry.password = Secret();
            }
            return;
        }
        if (keepsPasswordElsewhere(entry)) return;
        entry.passwordFrom = From::None;
        entry.password = Secret();
        return;
    }
    entry.passwordFrom = inKeychain ? From::Keychain : From::Inline;
    entry.password = std::move(typed);
    entry.passwordRef.clear();
}

Result<std::string> saveProfile(const config::ProfileEntry& entry, From before, const WriteProfile& writeFile) {
    const bool wasInKeychain = before == From::Keychain;
    if (entry.passwordFrom == From::Keychain) {
        if (entry.password.empty()) {  // the saved password stays as it is
            if (auto written = writeFile(entry); !written) return written.error();
            return std::string();
        }
        // What to put back should the file not take the change.
        Secret previous;
        if (wasInKeychain) {
            auto old = readSecretIfAny(entry.name);
            if (!old) return makeError(old.message());
            previous = std::move(*old);
        }
        if (auto stored = writeSecret(entry.name, entry.password); !stored) return stored.error();
        if (auto written = writeFile(entry); !written) {
            auto undone = previous.empty() ? removeSecret(entry.name) : writeSecret(entry.name, previous);
            if (!undone) {
                return makeError(written.message() +
                                 " (and the keychain could not be put back as it was: " + undone.message() + ")");
            }
            return written.error();
        }
        return std::string();
    }

    config::ProfileEntry toWrite = config::cloneProfileEntry(entry);
    if (wasInKeychain && entry.passwordFrom == From::Inline && entry.password.empty()) {
        auto saved = readSecret(entry.name);
        if (!saved) return makeError(saved.message() + " (type the password to keep it in the profile file)");
        toWrite.password = std::move(*saved);
    }
    if (auto written = writeFile(toWrite); !written) return written.error();
    if (wasInKeychain) {
        if (auto removed = removeSecret(entry.name); !removed) {
            return "The profile was saved, but the keychain still holds its old password: " + removed.message();
        }
    }
    return std::string();
}

Result<void> forgetPassword(std::string_view profileName, bool passwordInKeychain) {
    if (!passwordInKeychain) return {};
    return removeSecret(profileName);
}

std::optional<unsigned> profileFileMode(std::string_view text, const std::string& sourceName) {
    auto sources = config::readPasswordSources(text, sourceName);
    // Text that does not parse is never written; private is the safe answer all the same.
    if (!sources) return kPrivateMode;
    const bool inlinePassword = std::any_of(sources->begin(), sources->end(), [](const config::PasswordSource& source) {
        return source.from == From::Inline;
    });
    return inlinePassword ? std::optional<unsigned>(kPrivateMode) : std::nullopt;
}

}  // namespace qdyn::gui
