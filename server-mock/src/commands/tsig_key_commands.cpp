// qdyn-server tsig-key add|remove|list: the TSIG keys of the [accounts] file, which sign RFC 2136
// UPDATEs (nsupdate -y, knsupdate, certbot's rfc2136 plugin) for one account.
#include <algorithm>
#include <openssl/crypto.h>
#include <string>

#include "commands/accounts_edit.hpp"
#include "commands/commands.hpp"
#include "qdyn/crypto/hmac.hpp"
#include "qdyn/dns/tsig.hpp"

namespace qdyn::server::commands {

namespace {

Outcome<dns::Name> keyName(const std::string& text) {
    auto name = dns::Name::parse(text);
    if (text.empty() || !name)
        return invalid("'" + text + "' is not a valid key name (it is a DNS name, e.g. alice-key)");
    if (name->isRoot()) return invalid("a key name must not be the root");
    return *name;
}

// The secret as long as the MAC, as tsig-keygen makes it (RFC 2104 advises no shorter key).
std::size_t secretSize(std::string_view algorithm) {
    const auto parsed = dns::parseTsigAlgorithm(algorithm);
    if (!parsed) return 32;
    switch (*parsed) {
        case dns::TsigAlgorithm::HmacSha1:
            return crypto::hmacSize(crypto::HmacAlgorithm::Sha1);
        case dns::TsigAlgorithm::HmacSha256:
            return crypto::hmacSize(crypto::HmacAlgorithm::Sha256);
        case dns::TsigAlgorithm::HmacSha512:
            return crypto::hmacSize(crypto::HmacAlgorithm::Sha512);
    }
    return 32;
}

class TsigKeyCommands final : public CommandGroup {
public:
    explicit TsigKeyCommands(CLI::App& app) {
        m_group = app.add_subcommand("tsig-key", "manage the TSIG keys (RFC 2136 UPDATE) of the [accounts] file");
        m_group->require_subcommand(1);
        m_group->footer(
            "A key signs DNS UPDATEs for one account: they may change that account's hosts and the\n"
            "names below them (e.g. _acme-challenge TXT records). Each command edits only the\n"
            "[accounts] file, checked by the server's config parser first, written atomically.\n"
            "Then send SIGHUP to qdyn-server (systemctl reload qdyn-server) to apply.\n\n"
            "Example:\n"
            "  qdyn-server --config /etc/qdyn/server.toml tsig-key add alice-key --account alice\n"
            "  nsupdate -y hmac-sha256:alice-key:SECRET   # with the secret it printed");

        m_add = m_group->add_subcommand("add", "make a key with a random secret and print it once");
        m_add->add_option("name", m_name, "key name, as clients send it (e.g. alice-key)")->required();
        m_add->add_option("--account", m_account, "the account whose hosts the key may update")->required();
        m_add->add_option("--algorithm", m_algorithm, "HMAC algorithm")
            ->check(CLI::IsMember({"hmac-sha256", "hmac-sha1", "hmac-sha512"}))
            ->capture_default_str();
        m_add->footer(commandFooter(
            "The secret (as long as the MAC) is printed once as an nsupdate -y spec and as a BIND key block.\n"
            "Example: qdyn-server -c /etc/qdyn/server.toml tsig-key add alice-key --account alice"));

        m_remove = m_group->add_subcommand("remove", "remove a key; what it signs is refused after the reload");
        m_remove->add_option("name", m_name, "key name")->required();
        m_remove->footer(commandFooter(""));

        m_list = m_group->add_subcommand("list", "list the keys, their algorithms and accounts (never secrets)");
        m_list->footer("Lists the keys of both files, saying where each is defined.");
    }

    std::optional<int> runSelected(CommandIo& io, const std::filesystem::path& configPath) override {
        if (!m_group->parsed()) return std::nullopt;
        auto session = AccountsSession::open(configPath);
        if (!session) return report(io, session.failure());
        if (m_add->parsed()) return add(io, session);
        if (m_remove->parsed()) return remove(io, session);
        return list(io, session);
    }

private:
    int add(CommandIo& io, Outcome<AccountsSession>& session) {
        auto name = keyName(m_name);
        if (!name) return report(io, name.failure());
        const auto& config = session->config();
        if (std::any_of(config.tsigKeys.begin(), config.tsigKeys.end(),
                        [&](const auto& k) { return k.name == *name; })) {
            return report(
                io, invalid("TSIG key '" + nameText(*name) + "' already exists (in " + session->whereKey(*name) + ")"));
        }
        if (std::none_of(config.accounts.begin(), config.accounts.end(),
                         [&](const auto& a) { return a.name == m_account; })) {
            return report(io, invalid("no account '" + m_account + "' (add it first: qdyn-server account add)"));
        }
        auto secret = randomSecretBase64(secretSize(m_algorithm));
        if (!secret) return report(io, ioError(secret.message()));
        const std::string text = nameText(*name);
        session->document().keys.push_back(ManagedKey{text, m_algorithm, *secret, m_account});
        if (auto failed = session->commit()) return report(io, *failed);
        io.out << "TSIG key '" << text << "' (" << m_algorithm << ") for account '" << m_account << "' added to "
               << session->file().string() << "\n"
               << "The secret is shown only now (tsig-key list never shows it):\n\n"
               << "nsupdate -y " << m_algorithm << ':' << text << ':' << *secret << "\n\n"
               << "key \"" << text << "\" {\n\talgorithm " << m_algorithm << ";\n\tsecret \"" << *secret
               << "\";\n};\n\n"
               << kApplyHint << '\n';
        OPENSSL_cleanse(secret->data(), secret->size());
        return kExitOk;
    }

    int remove(CommandIo& io, Outcome<AccountsSession>& session) {
        auto name = keyName(m_name);
        if (!name) return report(io, name.failure());
        auto& keys = session->document().keys;
        if (session->document().findKey(*name) == nullptr) {
            const auto& all = session->config().tsigKeys;
            if (std::any_of(all.begin(), all.end(), [&](const auto& k) { return k.name == *name; })) {
                return report(
                    io, invalid("TSIG key '" + nameText(*name) + "' is defined in " + session->configPath().string() +
                                ", which these commands never edit; change it there by hand"));
            }
            return report(io, invalid("no TSIG key '" + nameText(*name) + "'"));
        }
        std::erase_if(keys, [&](const ManagedKey& key) {
            const auto parsed = dns::Name::parse(key.name);
            return parsed && *parsed == *name;
        });
        if (auto failed = session->commit()) return report(io, *failed);
        io.out << "TSIG key '" << nameText(*name) << "' removed from " << session->file().string() << '\n'
               << kApplyHint << '\n';
        return kExitOk;
    }

    static int list(CommandIo& io, Outcome<AccountsSession>& session) {
        const auto& keys = session->config().tsigKeys;
        if (keys.empty()) {
            io.out << "no TSIG keys\n";
            return kExitOk;
        }
        std::vector<std::vector<std::string>> rows{{"KEY", "ALGORITHM", "ACCOUNT", "DEFINED IN"}};
        for (const auto& key : keys) {
            rows.push_back({nameText(key.name), key.algorithm, key.account.empty() ? "(transfers only)" : key.account,
                            session->whereKey(key.name)});
        }
        printTable(io, rows);
        return kExitOk;
    }

    CLI::App* m_group = nullptr;
    CLI::App* m_add = nullptr;
    CLI::App* m_remove = nullptr;
    CLI::App* m_list = nullptr;
    std::string m_name;
    std::string m_account;
    std::string m_algorithm = "hmac-sha256";
};

}  // namespace

std::unique_ptr<CommandGroup> addTsigKeyCommands(CLI::App& app) {
    return std::make_unique<TsigKeyCommands>(app);
}

}  // namespace qdyn::server::commands
