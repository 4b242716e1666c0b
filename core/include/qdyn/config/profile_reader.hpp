// One profile's keys as the user wrote them (a ProfileEntry), read back from a profile file's
// text, so that a front end can show a profile in a form and write it again with
// replaceProfileText without losing a setting the form does not show.
#pragma once

#include <string>
#include <string_view>

#include "qdyn/config/profile_writer.hpp"
#include "qdyn/result.hpp"

namespace qdyn::config {

// The entry of profile `name` in `text`, unresolved: an inline password stays the text written,
// password_file a path, password_env a name, a provider a name. Durations come back in seconds.
// The profile's comments come along in `comments` (those right above its section unless they
// open the file, one after its header, those among its keys), because replacing the section
// takes them away. Refused, so that writing the entry again never drops a setting: text that is
// not TOML, no such profile, a value of the wrong type, and the keys an entry cannot hold
// (ipv6_temporary, ipv6_deprecated, ipv6_prefer_stable, ipv6_interface_id, ipv6_prefix_length).
Result<ProfileEntry> readProfileEntry(std::string_view text, std::string_view name, const std::string& sourceName);

// A copy of every field, the password included (ProfileEntry is move-only because of it).
ProfileEntry cloneProfileEntry(const ProfileEntry& entry);

}  // namespace qdyn::config
