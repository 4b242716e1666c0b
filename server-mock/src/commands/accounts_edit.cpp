// Reading, rendering and committing the accounts file for the commands.
#include "commands/accounts_edit.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config/accounts_file.hpp"

namespace qdyn::server::commands {

namespace {

Outcome<std::string> readMain(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return ioError(path.string() + ": cannot open");
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) return ioError(path.string() + ": read error");
    return content.str();
}

}  // namespace

std::string nameText(const dns::Name& name) {
    auto text = name.toString();
    if (text.size() > 1 && text.back() == '.') text.pop_back();
    return text;
}

Outcome<AccountsSession> AccountsSession::open(const std::filesystem::path& configPath) {
    auto mainText = readMain(configPath);
    if (!mainText) return mainText.failure();
    auto file = config::accountsFilePathOf(*mainText, configPath.string());
    if (!file) return invalid(file.message());
    if (file->empty()) {
        return invalid(configPath.string() +
                       " names no accounts file; add\n\n    [accounts]\n    file = \"accounts.toml\"\n\nto it (a "
                       "relative path is relative to its directory) and run the command again");
    }
    auto lock = accounts::AccountsFileLock::acquire(*file);
    if (!lock) return ioError(lock.message());
    AccountsSession session(std::move(*lock));
    session.m_configPath = configPath;
    session.m_mainText = std::move(*mainText);
    session.m_file = *file;

    auto text = accounts::readAccountsFile(*file);
    if (!text) return ioError(text.message());
    if (*text) {
        if (auto private_ = accounts::checkPrivate(*file); !private_) return invalid(private_.message());
    }
    const std::string current = text->value_or(std::string{});
    auto parsed = Config::parse(session.m_mainText, configPath.string(), current);
    if (!parsed)
        return invalid("the configuration does not load as it is, so no change can be checked: " + parsed.message());
    session.m_config = std::move(*parsed);
    auto document = config::readAccountsDocument(current, file->string());
    if (!document) return invalid(document.message());
    session.m_document = std::move(*document);
    return session;
}

std::string AccountsSession::whereAccount(std::string_view name) {
    return m_document.findAccount(name) != nullptr ? m_file.string() : m_configPath.string();
}

std::string AccountsSession::whereKey(const dns::Name& name) const {
    return m_document.findKey(name) != nullptr ? m_file.string() : m_configPath.string();
}

std::optional<Failure> AccountsSession::commit() {
    const std::string text = renderAccountsFile(m_document);
    if (auto checked = Config::parse(m_mainText, m_configPath.string(), text); !checked) {
        return invalid("nothing was written: " + checked.message());
    }
    if (auto written = accounts::writeAccountsFile(m_file, text); !written) return ioError(written.message());
    return std::nullopt;
}

}  // namespace qdyn::server::commands
