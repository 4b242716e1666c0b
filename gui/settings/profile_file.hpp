// The profile file as the profiles dialog edits it, free of Qt: read once, every change made on
// the text that was read with core's checked editor, and written atomically only while the file
// on disk is still that text. A file that does not load is shown with why and never written.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/config/profile.hpp"
#include "qdyn/config/profile_writer.hpp"
#include "qdyn/result.hpp"

namespace qdyn::gui {

class ProfileFile {
public:
    // Reads the file; a missing one is an empty, editable file that the first save creates.
    explicit ProfileFile(std::filesystem::path path);

    // Reads the file again, dropping what was read before.
    void reload();

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }
    [[nodiscard]] bool exists() const noexcept { return m_text.has_value(); }
    // False for a file that cannot be read or does not load: problem() says which file, which line, what.
    [[nodiscard]] bool editable() const noexcept { return m_problem.empty(); }
    [[nodiscard]] const std::string& problem() const noexcept { return m_problem; }
    [[nodiscard]] const std::vector<config::Profile>& profiles() const noexcept { return m_set.profiles; }
    [[nodiscard]] std::vector<std::string> names() const;

    // The profile's keys as written, for the form; an Error for one the editor cannot keep whole.
    [[nodiscard]] Result<config::ProfileEntry> entry(std::string_view name) const;

    // Each is checked by core's editor and written at once; nothing changes on an Error.
    Result<void> add(const config::ProfileEntry& entry);
    Result<void> replace(const config::ProfileEntry& entry);
    Result<void> remove(std::string_view name);

private:
    Result<void> write(const std::string& text);

    std::filesystem::path m_path;
    std::optional<std::string> m_text;  // what was read; nullopt: no file yet
    config::ProfileSet m_set;
    std::string m_problem;
};

}  // namespace qdyn::gui
