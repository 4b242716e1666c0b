// Converting another DDNS client's configuration into qdyn profiles: ddclient.conf (ddclient 3.10
// syntax) and inadyn.conf (inadyn 2.x, libconfuse syntax). Whatever has no qdyn equivalent is
// listed with its line, so nothing is dropped silently; every profile produced loads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/config/profile_writer.hpp"
#include "qdyn/result.hpp"

namespace qdyn::config {

enum class ImportFormat { Ddclient, Inadyn };

// "ddclient" / "inadyn", and back.
std::string_view toString(ImportFormat format) noexcept;
std::optional<ImportFormat> parseImportFormat(std::string_view name) noexcept;
// By the file's name ("inadyn.conf", "ddclient.conf"), else by its text (inadyn's
// `provider NAME {` / `custom NAME {` sections), else ddclient.
ImportFormat guessImportFormat(std::string_view fileName, std::string_view text);

struct ImportNote {
    std::size_t line = 0;  // 1-based; 0: the file as a whole
    std::string text;      // never holds a password
};

struct ImportedProfile {
    ProfileEntry entry;
    std::size_t line = 0;  // where it was defined
};

struct ImportResult {
    std::vector<ImportedProfile> profiles;
    std::vector<ImportNote> notConverted;  // sorted by line
};

// A ddclient.conf as ddclient 3.10 reads it: global `key=value` lines, host lines with their
// own settings (`protocol=dyndns2, login=u, password=p host1,host2`), `\` continuations,
// comments, quoting, the special reading of password values. A syntax error in one line is a
// note; the rest is still read.
ImportResult importDdclient(std::string_view text);
// An inadyn.conf: global settings and `provider NAME { }` / `custom NAME { }` sections. A
// syntax error stops the import (libconfuse stops too): an Error naming the line.
Result<ImportResult> importInadyn(std::string_view text);

// The profile file: a header naming the source, then each profile's section. An Error when no
// profile could be converted.
Result<std::string> renderImport(const ImportResult& result, std::string_view sourceName, ImportFormat format);

}  // namespace qdyn::config
