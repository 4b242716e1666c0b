// Where the password typed in the profile form is kept: for now inline in the profile file, which
// is then written private to its owner (mode 0600). Every decision about it is made here, so an
// OS keychain can take this unit's place without the form or the dialog changing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "qdyn/config/profile_writer.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::gui {

// The warning the form shows beside the password field.
std::string passwordStorageWarning();

// Where an entry's password comes from, for the field's placeholder when it is not shown
// ("read from /run/secret", "from the environment variable X"); empty when none or inline.
std::string describeKeptPassword(const config::ProfileEntry& entry);

// What the field shows when the entry is loaded: an inline password itself (masked), else nothing.
Secret passwordToShow(const config::ProfileEntry& entry);

// True when the entry has a password the field does not show but keeps (password_file, password_env).
bool keepsPasswordElsewhere(const config::ProfileEntry& entry);

// The field's content into the entry. Something typed is stored (inline); an empty field keeps a
// password_file or password_env as it was and otherwise means no password.
void storePassword(config::ProfileEntry& entry, Secret typed);

// The mode to write a profile file's new text with: 0600 when it holds a password inline (so it
// stays private even if it was not), nullopt otherwise (the file keeps its mode).
std::optional<unsigned> profileFileMode(std::string_view text, const std::string& sourceName);

}  // namespace qdyn::gui
