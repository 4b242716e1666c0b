// What the ddclient and inadyn importers share: notes, profile names, the checks a converted
// value must pass, and the final check that every profile produced loads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "qdyn/config/import.hpp"
#include "qdyn/providers/catalog.hpp"

namespace qdyn::config::importing {

// Far more than any real configuration holds; the limits keep a hostile file from costing
// quadratic time in the checks below.
inline constexpr std::size_t kMaxNotes = 1000;
inline constexpr std::size_t kMaxProfiles = 1000;

// Adds a note unless the same one is there already (a global setting is noted once). After
// kMaxNotes, one last note says the list stops there.
void addNote(ImportResult& result, std::size_t line, std::string text);

// True while another profile may be added; past kMaxProfiles, notes once that the rest is left out.
bool roomForProfile(ImportResult& result, std::size_t line);

// A profile name from `base` ("no-ip.com" -> "no-ip-com"), lower case [a-z0-9-], not yet taken.
std::string profileName(std::string_view base, const ImportResult& result);

// What qdyn accepts as a host in a profile.
bool isHostName(std::string_view host);

// True when the text needs a shell to mean what it says (pipes, quotes, variables, ...):
// qdyn's command source runs a program with arguments split at blanks, never a shell.
bool needsShell(std::string_view command);

// The dyndns2 provider whose update server is `host` (no scheme, no port), or null.
const providers::Provider* providerForServer(std::string_view host);

// Seconds from "300", "300s", "5m", "2h", "1d" (ddclient's interval forms; also inadyn's
// plain seconds); nullopt otherwise.
std::optional<std::int64_t> parseInterval(std::string_view text);

// A key whose value must never be shown in a note.
bool isSecretKey(std::string_view key);

// The profiles that do not load on their own are dropped with a note saying why; the notes are
// sorted by line.
void finishImport(ImportResult& result);

// A boolean word as both tools' configuration parsers read it, in any case: yes/no, true/false,
// on/off, 1/0.
bool isTrueWord(std::string_view value);
bool isFalseWord(std::string_view value);

}  // namespace qdyn::config::importing
