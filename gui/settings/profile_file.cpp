// The profile file under edit (profile_file.hpp).
#include "settings/profile_file.hpp"

#include "qdyn/config/profile_reader.hpp"
#include "settings/password_storage.hpp"

namespace qdyn::gui {

namespace {

// Nothing but blank and comment lines: a file the editor may start from (core's addProfileText
// takes it), though the profile parser would say it holds no profile.
bool holdsNothing(std::string_view text) {
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        const std::size_t first = line.find_first_not_of(" \t\r");
        if (first != std::string_view::npos && line[first] != '#') return false;
    }
    return true;
}

}  // namespace

ProfileFile::ProfileFile(std::filesystem::path path) : m_path(std::move(path)) {
    reload();
}

void ProfileFile::reload() {
    m_text.reset();
    m_set = config::ProfileSet{};
    m_problem.clear();
    auto read = config::readProfileFile(m_path);
    if (!read) {
        m_problem = read.message();
        return;
    }
    m_text = std::move(*read);
    if (!m_text || holdsNothing(*m_text)) return;
    auto set = config::parseProfiles(*m_text, m_path.string(), m_path.parent_path());
    if (!set) {
        m_problem = set.message();
        return;
    }
    m_set = std::move(*set);
}

std::vector<std::string> ProfileFile::names() const {
    std::vector<std::string> out;
    for (const auto& profile : m_set.profiles)
        out.push_back(profile.name);
    return out;
}

Result<config::ProfileEntry> ProfileFile::entry(std::string_view name) const {
    if (!editable()) return makeError(m_problem);
    return config::readProfileEntry(m_text.value_or(std::string()), name, m_path.string());
}

Result<void> ProfileFile::add(const config::ProfileEntry& entry) {
    if (!editable()) return makeError(m_problem);
    auto text = config::addProfileText(m_text.value_or(std::string()), entry, m_path.string(), m_path.parent_path());
    if (!text) return text.error();
    return write(*text);
}

Result<void> ProfileFile::replace(const config::ProfileEntry& entry) {
    if (!editable()) return makeError(m_problem);
    auto text =
        config::replaceProfileText(m_text.value_or(std::string()), entry, m_path.string(), m_path.parent_path());
    if (!text) return text.error();
    return write(*text);
}

Result<void> ProfileFile::remove(std::string_view name) {
    if (!editable()) return makeError(m_problem);
    auto text = config::removeProfileText(m_text.value_or(std::string()), name, m_path.string(), m_path.parent_path());
    if (!text) return text.error();
    return write(*text);
}

Result<void> ProfileFile::write(const std::string& text) {
    const std::string expected = m_text.value_or(std::string());
    const std::string changed = m_path.string() +
                                " was changed by another program (qdyn, or an editor) since this window read it, so "
                                "nothing was written. Press Reload to see it as it is now, then make the change again.";
    // Asked first for the clear message; writeFileAtomically asks again right before it renames.
    auto now = config::readProfileFile(m_path);
    if (!now) return now.error();
    if (*now != m_text) return makeError(changed);
    std::error_code error;
    if (!m_text && m_path.has_parent_path() && !std::filesystem::exists(m_path.parent_path(), error)) {
        std::filesystem::create_directories(m_path.parent_path(), error);
        if (error) return makeError("cannot create " + m_path.parent_path().string() + ": " + error.message());
        std::filesystem::permissions(m_path.parent_path(), std::filesystem::perms::owner_all, error);
    }
    if (auto written = config::writeFileAtomically(m_path, text, expected, profileFileMode(text, m_path.string()));
        !written) {
        if (written.message().find("changed while it was being edited") != std::string::npos) return makeError(changed);
        return written.error();
    }
    reload();
    return {};
}

}  // namespace qdyn::gui
