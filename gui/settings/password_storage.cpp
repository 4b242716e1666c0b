// Passwords of the profile form, kept inline in the profile file (password_storage.hpp).
#include "settings/password_storage.hpp"

#include <algorithm>

namespace qdyn::gui {

namespace {

using From = config::ProfileEntry::PasswordFrom;

constexpr unsigned kPrivateMode = 0600;

}  // namespace

std::string passwordStorageWarning() {
    return "The password is stored in the profile file itself, which is kept readable only by you. Anyone who can "
           "read your files (or a backup of them) can read it.";
}

std::string describeKeptPassword(const config::ProfileEntry& entry) {
    switch (entry.passwordFrom) {
        case From::File:
            return "read from " + entry.passwordRef + " (type here to replace it)";
        case From::Env:
            return "from the environment variable " + entry.passwordRef + " (type here to replace it)";
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
    return entry.passwordFrom == From::File || entry.passwordFrom == From::Env;
}

void storePassword(config::ProfileEntry& entry, Secret typed) {
    if (typed.empty()) {
        if (keepsPasswordElsewhere(entry)) return;
        entry.passwordFrom = From::None;
        entry.password = Secret();
        return;
    }
    entry.passwordFrom = From::Inline;
    entry.password = std::move(typed);
    entry.passwordRef.clear();
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
