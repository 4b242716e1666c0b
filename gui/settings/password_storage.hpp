// Where the password typed in the profile form is kept: in the system keychain when one answers
// and the user keeps that choice (the file then says only `password_keychain = true`), otherwise
// inline in the profile file, which is then written private to its owner (mode 0600). Every
// decision about it is made here; the form and the dialog only ask.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "qdyn/config/profile_writer.hpp"
#include "qdyn/result.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::gui {

// Whether the keychain can take passwords here and, when not, why (keychain.hpp; asked once).
struct KeychainState {
    bool available = false;
    std::string reason;  // empty when available
};
KeychainState keychainState();

// The keychain box of the form: its text, whether it starts ticked for an entry (a password in
// the keychain stays there; a new one goes there when a keychain answers; an inline one stays in
// the file until the box is ticked), and the note shown instead when no keychain answered.
std::string keychainChoiceText();
bool keychainByDefault(const config::ProfileEntry& entry, const KeychainState& state);
std::string keychainUnavailableNote(const KeychainState& state);

// The warning the form shows beside the password field: where the password is (or will be) kept.
std::string passwordStorageWarning(bool inKeychain = false);

// Where an entry's password comes from, for the field's placeholder when it is not shown
// ("read from /run/secret", "leave empty to keep the saved password"); empty when none or inline.
std::string describeKeptPassword(const config::ProfileEntry& entry);

// What the field shows when the entry is loaded: an inline password itself (masked), else nothing.
Secret passwordToShow(const config::ProfileEntry& entry);

// True when the entry has a password the field does not show but keeps (password_file,
// password_env, the keychain).
bool keepsPasswordElsewhere(const config::ProfileEntry& entry);

// The field's content into the entry as loaded. Something typed goes to the keychain when
// `inKeychain`, else inline. An empty field keeps a password_file, password_env or keychain
// password as it was, except that a keychain password with `inKeychain` off moves to the file
// (PasswordFrom::Inline with an empty password, which saveProfile fills from the keychain);
// otherwise an empty field means no password.
void storePassword(config::ProfileEntry& entry, Secret typed, bool inKeychain = false);

// Writes `entry` with the profile file (`writeFile`: the dialog's add or replace) and puts its
// password where it belongs; `before` is where the profile's password was (None for a new one).
// Nothing is half-written: the keychain is written first and put back if the file then fails; a
// password leaving the keychain is read before the file is written and removed only after.
// Returns a note for the user (empty when all went as asked): the file was saved but an old
// keychain entry could not be removed.
using WriteProfile = std::function<Result<void>(const config::ProfileEntry&)>;
Result<std::string> saveProfile(const config::ProfileEntry& entry, config::ProfileEntry::PasswordFrom before,
                                const WriteProfile& writeFile);

// After a profile was removed from the file: its keychain entry goes too, when it had one.
Result<void> forgetPassword(std::string_view profileName, bool passwordInKeychain);

// The mode to write a profile file's new text with: 0600 when it holds a password inline (so it
// stays private even if it was not), nullopt otherwise (the file keeps its mode).
std::optional<unsigned> profileFileMode(std::string_view text, const std::string& sourceName);

}  // namespace qdyn::gui
