// qdyn-server account add|remove|grant|revoke|passwd|token|list: the accounts of the [accounts]
// file. Passwords and tokens are stored as scrypt hashes only; a generated one is shown once.
// GnuDIP's challenge needs md5(password) on the server: `passwd --gnudip` stores that too.
#include <algorithm>
#include <openssl/crypto.h>
#include <string>
#include <vector>

#include "accounts/password_hash.hpp"
#include "commands/accounts_edit.hpp"
#include "qdyn/crypto/digest.hpp"
#include "commands/commands.hpp"
#include "config/reader.hpp"

namespace qdyn::server::commands {

namespace {

// An updatable host as the config reads it, for duplicate checks and the written form; the
// config parser still has the last word when the file is committed.
Outcome<dns::Name> resolveHost(const std::string& text, const Config& config) {
    auto name = config::zoneRelativeName(text, config.zone.origin);
    if (!name) return invalid("host '" + text + "' " + name.message());
    if (!name->isSubdomainOf(config.zone.origin) || *name == config.zone.origin) {
        return invalid("host '" + text + "' is not a name below the zone " + nameText(config.zone.origin));
    }
    return *name;
}

bool sameHost(const std::string& written, const dns::Name& host, const Config& config) {
    const auto parsed = config::zoneRelativeName(written, config.zone.origin);
    return parsed && *parsed == host;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

// The new password: from stdin, or generated (and then printed by the caller).
struct NewPassword {
    std::string text;
    bool generated = false;
    NewPassword() = default;
    NewPassword(std::string value, bool made) : text(std::move(value)), generated(made) {}
    NewPassword(NewPassword&& other) noexcept = default;
    NewPassword& operator=(NewPassword&&) = delete;
    NewPassword(const NewPassword&) = delete;
    NewPassword& operator=(const NewPassword&) = delete;
    ~NewPassword() { OPENSSL_cleanse(text.data(), text.size()); }
};

Outcome<NewPassword> newPassword(CommandIo& io, bool fromStdin) {
    if (fromStdin) {
        auto read = readPassword(io);
        if (!read) return read.failure();
        return NewPassword(std::move(*read), false);
    }
    auto made = randomPassword();
    if (!made) return ioError(made.message());
    return NewPassword(std::move(*made), true);
}

Outcome<std::string> hashOf(const NewPassword& password) {
    auto hash = accounts::hashPassword(password.text);
    if (!hash) return ioError("cannot hash the password: " + hash.message());
    return std::move(*hash);
}

void printSecret(CommandIo& io, std::string_view what, const std::string& account, const NewPassword& secret) {
    if (!secret.generated) return;
    io.out << what << ": " << secret.text << "\n  (for account '" << account
           << "'; shown only now, the file keeps just its hash)\n";
}

class AccountCommands final : public CommandGroup {
public:
    explicit AccountCommands(CLI::App& app) {
        m_group = app.add_subcommand("account", "manage the accounts (HTTP APIs) of the [accounts] file");
        m_group->require_subcommand(1);
        m_group->footer(
            "Each command edits only the [accounts] file named in the --config file, checks the result\n"
            "with the server's own config parser first, and writes it atomically (mode 0600).\n"
            "Passwords are stored as scrypt hashes; a generated password is printed once.\n"
            "Then send SIGHUP to qdyn-server (systemctl reload qdyn-server) to apply.\n\n"
            "Examples:\n"
            "  qdyn-server --config /etc/qdyn/server.toml account add alice --host home --host nas\n"
            "  printf '%s\\n' \"$PASSWORD\" | qdyn-server -c server.toml account passwd alice --password-stdin\n"
            "  qdyn-server -c server.toml account grant alice office.dyn.example.net");

        m_add = m_group->add_subcommand("add", "add an account with the hosts it may update");
        m_add->add_option("name", m_name, "account name (the HTTP Basic user name)")->required();
        m_add
            ->add_option("--host", m_hosts,
                         "a host it may update: one label is below the zone (\"home\"), or a full name inside it; "
                         "repeat for more")
            ->required()
            ->allow_extra_args(false);
        m_add->add_flag("--password-stdin", m_passwordStdin,
                        "read the password from the first line of stdin instead of generating one");
        m_add->footer(
            commandFooter("Without --password-stdin a random password is generated and printed once; only its scrypt\n"
                          "hash is stored.\n"
                          "Example: qdyn-server -c /etc/qdyn/server.toml account add alice --host home --host nas"));

        m_remove = m_group->add_subcommand("remove", "remove an account (its TSIG keys must go first)");
        m_remove->add_option("name", m_name, "account name")->required();
        m_remove->footer(commandFooter("The dynamic records of its hosts go when the server reloads."));

        m_grant = m_group->add_subcommand("grant", "let an account update one more host");
        m_grant->add_option("name", m_name, "account name")->required();
        m_grant->add_option("host", m_host, "host name (one label, or a full name inside the zone)")->required();
        m_grant->footer(commandFooter(""));

        m_revoke = m_group->add_subcommand("revoke", "take a host away from an account");
        m_revoke->add_option("name", m_name, "account name")->required();
        m_revoke->add_option("host", m_host, "host name")->required();
        m_revoke->footer(
            commandFooter("The host's dynamic records go when the server reloads; the last host cannot go."));

        m_passwd = m_group->add_subcommand("passwd", "give an account a new password (the old one stops working)");
        m_passwd->add_option("name", m_name, "account name")->required();
        m_passwd->add_flag("--password-stdin", m_passwordStdin,
                           "read the password from the first line of stdin instead of generating one");
        m_passwd->add_flag("--gnudip", m_gnudip,
                           "also store md5(password), which GnuDIP logins need (a password equivalent for "
                           "GnuDIP: set it only for accounts that use GnuDIP)");
        m_passwd->footer(
            commandFooter("Without --password-stdin a random password is generated and printed once. Clients with the\n"
                          "old password are refused once the server has reloaded.\n"
                          "Example: printf '%s\\n' \"$PASSWORD\" | qdyn-server -c server.toml account passwd alice "
                          "--password-stdin"));

        m_token = m_group->add_subcommand("token", "give an account a nanodnsd /api/update token (or take it away)");
        m_token->add_option("name", m_name, "account name")->required();
        m_token->add_flag("--token-stdin", m_passwordStdin,
                          "read the token from the first line of stdin instead of generating one");
        m_token->add_flag("--remove", m_removeToken, "remove the account's token: /api/update refuses it then");
        m_token->footer(commandFooter(
            "The token works for every host of the account (hostname=...&token=... in /api/update). Only its\n"
            "scrypt hash is stored. Example: qdyn-server -c server.toml account token alice"));

        m_list = m_group->add_subcommand("list", "list the accounts and their hosts (never passwords)");
        m_list->footer(
            "Lists the accounts of both files, saying where each is defined and whether its password\n"
            "is hashed or plain text.");
    }

    std::optional<int> runSelected(CommandIo& io, const std::filesystem::path& configPath) override {
        if (!m_group->parsed()) return std::nullopt;
        auto session = AccountsSession::open(configPath);
        if (!session) return report(io, session.failure());
        if (m_add->parsed()) return add(io, session);
        if (m_remove->parsed()) return remove(io, session);
        if (m_grant->parsed()) return grant(io, session);
        if (m_revoke->parsed()) return revoke(io, session);
        if (m_passwd->parsed()) return passwd(io, session);
        if (m_token->parsed()) return token(io, session);
        return list(io, session);
    }

private:
    // The account in the file, or the failure that says why it cannot be edited.
    static Outcome<ManagedAccount*> editable(Outcome<AccountsSession>& session, const std::string& name) {
        if (auto* account = session->document().findAccount(name)) return account;
        const auto& all = session->config().accounts;
        if (std::any_of(all.begin(), all.end(), [&](const Account& a) { return a.name == name; })) {
            return invalid("account '" + name + "' is defined in " + session->configPath().string() +
                           ", which these commands never edit; change it there by hand");
        }
        return invalid("no account '" + name + "'");
    }

    int add(CommandIo& io, Outcome<AccountsSession>& session) {
        const auto& all = session->config().accounts;
        if (std::any_of(all.begin(), all.end(), [&](const Account& a) { return a.name == m_name; })) {
            return report(
                io, invalid("account '" + m_name + "' already exists (in " + session->whereAccount(m_name) + ")"));
        }
        ManagedAccount account{m_name, {}, {}};
        std::vector<dns::Name> seen;
        for (const auto& text : m_hosts) {
            auto host = resolveHost(text, session->config());
            if (!host) return report(io, host.failure());
            if (std::find(seen.begin(), seen.end(), *host) != seen.end()) {
                return report(io, invalid("host '" + text + "' is given twice"));
            }
            seen.push_back(*host);
            account.hosts.push_back(nameText(*host));
        }
        auto password = newPassword(io, m_passwordStdin);
        if (!password) return report(io, password.failure());
        auto hash = hashOf(*password);
        if (!hash) return report(io, hash.failure());
        account.passwordHash = std::move(*hash);
        session->document().accounts.push_back(account);
        if (auto failed = session->commit()) return report(io, *failed);
        io.out << "account '" << m_name << "' added to " << session->file().string()
               << " (hosts: " << joined(account.hosts) << ")\n";
        printSecret(io, "password", m_name, *password);
        io.out << kApplyHint << '\n';
        return kExitOk;
    }

    int remove(CommandIo& io, Outcome<AccountsSession>& session) {
        auto account = editable(session, m_name);
        if (!account) return report(io, account.failure());
        std::vector<std::string> keys;
        for (const auto& key : session->config().tsigKeys) {
            if (key.account == m_name) keys.push_back(nameText(key.name));
        }
        if (!keys.empty()) {
            return report(io, invalid("account '" + m_name + "' still has TSIG keys: " + joined(keys) +
                                      "; remove them first (qdyn-server tsig-key remove NAME)"));
        }
        auto& accounts = session->document().accounts;
        std::erase_if(accounts, [&](const ManagedAccount& a) { return a.name == m_name; });
        if (auto failed = session->commit()) return report(io, *failed);
        io.out << "account '" << m_name << "' removed from " << session->file().string()
               << "; the dynamic records of its hosts go when the server reloads\n"
               << kApplyHint << '\n';
        return kExitOk;
    }

    int grant(CommandIo& io, Outcome<AccountsSession>& session) {
        auto account = editable(session, m_name);
        if (!account) return report(io, account.failure());
        auto host = resolveHost(m_host, session->config());
        if (!host) return report(io, host.failure());
        auto& hosts = (*account)->hosts;
        if (std::any_of(hosts.begin(), hosts.end(),
                        [&](const auto& h) { return sameHost(h, *host, session->config()); })) {
            return report(io, invalid("account '" + m_name + "' may already update " + nameText(*host)));
        }
        hosts.push_back(nameText(*host));
        if (auto failed = session->commit()) return report(io, *failed);
        io.out << "account '" << m_name << "' may now update " << nameText(*host) << '\n' << kApplyHint << '\n';
        return kExitOk;
    }

    int revoke(CommandIo& io, Outcome<AccountsSession>& session) {
        auto account = editable(session, m_name);
        if (!account) return report(io, account.failure());
        auto host = resolveHost(m_host, session->config());
        if (!host) return report(io, host.failure());
        auto& hosts = (*account)->hosts;
        const auto before = hosts.size();
        std::erase_if(hosts, [&](const auto& h) { return sameHost(h, *host, session->config()); });
        if (hosts.size() == before) {
            return report(io, invalid("account '" + m_name + "' does not have host " + nameText(*host)));
        }
        if (hosts.empty()) {
            return report(io, invalid(nameText(*host) + " is the last host of account '" + m_name +
                                      "'; an account needs one (remove the account instead)"));
        }
        if (auto failed = session->commit()) return report(io, *failed);
        io.out << "account '" << m_name << "' may no longer update " << nameText(*host)
               << "; its dynamic records go when the server reloads\n"
               << kApplyHint << '\n';
        return kExitOk;
    }

    int passwd(CommandIo& io, Outcome<AccountsSession>& session) {
        auto account = editable(session, m_name);
        if (!account) return report(io, account.failure());
        auto password = newPassword(io, m_passwordStdin);
        if (!password) return report(io, password.failure());
        auto hash = hashOf(*password);
        if (!hash) return report(io, hash.failure());
        (*account)->passwordHash = std::move(*hash);
        // Without --gnudip an old md5 goes: it would keep the old password working over GnuDIP.
        (*account)->gnudipMd5.clear();
        if (m_gnudip) {
            auto md5 = crypto::md5Hex(password->text);
            if (!md5) return report(io, ioError("cannot compute the GnuDIP md5: " + md5.message()));
            (*account)->gnudipMd5 = std::move(*md5);
        }
        if (auto failed = session->commit()) return report(io, *failed);
        io.out << "new password for account '" << m_name << "' written to " << session->file().string()
               << (m_gnudip ? " (with its GnuDIP md5)" : "") << '\n';
        printSecret(io, "password", m_name, *password);
        io.out << kApplyHint << '\n';
        return kExitOk;
    }

    int token(CommandIo& io, Outcome<AccountsSession>& session) {
        auto account = editable(session, m_name);
        if (!account) return report(io, account.failure());
        if (m_removeToken) {
            if ((*account)->tokenHash.empty()) return report(io, invalid("account '" + m_name + "' has no token"));
            (*account)->tokenHash.clear();
            if (auto failed = session->commit()) return report(io, *failed);
            io.out << "token of account '" << m_name << "' removed\n" << kApplyHint << '\n';
            return kExitOk;
        }
        auto secret = newPassword(io, m_passwordStdin);
        if (!secret) return report(io, secret.failure());
        if (secret->text.size() < 8) return report(io, invalid("a token needs at least 8 characters"));
        auto hash = hashOf(*secret);
        if (!hash) return report(io, hash.failure());
        (*account)->tokenHash = std::move(*hash);
        if (auto failed = session->commit()) return report(io, *failed);
        io.out << "new token for account '" << m_name << "' written to " << session->file().string() << '\n';
        printSecret(io, "token", m_name, *secret);
        io.out << kApplyHint << '\n';
        return kExitOk;
    }

    static int list(CommandIo& io, Outcome<AccountsSession>& session) {
        const auto& accounts = session->config().accounts;
        if (accounts.empty()) {
            io.out << "no accounts\n";
            return kExitOk;
        }
        std::vector<std::vector<std::string>> rows{{"ACCOUNT", "PASSWORD", "TOKEN", "GNUDIP", "HOSTS", "DEFINED IN"}};
        for (const auto& account : accounts) {
            std::vector<std::string> hosts;
            for (const auto& host : account.hosts)
                hosts.push_back(nameText(host));
            const auto token = !account.tokenHash.empty() ? "hashed" : !account.token.empty() ? "plain" : "-";
            rows.push_back({account.name, account.passwordHash.empty() ? "plain" : "hashed", token,
                            account.gnudipMd5.empty() && account.password.empty() ? "-" : "yes", joined(hosts),
                            session->whereAccount(account.name)});
        }
        printTable(io, rows);
        return kExitOk;
    }

    CLI::App* m_group = nullptr;
    CLI::App* m_add = nullptr;
    CLI::App* m_remove = nullptr;
    CLI::App* m_grant = nullptr;
    CLI::App* m_revoke = nullptr;
    CLI::App* m_passwd = nullptr;
    CLI::App* m_token = nullptr;
    CLI::App* m_list = nullptr;
    std::string m_name;
    std::string m_host;
    std::vector<std::string> m_hosts;
    bool m_passwordStdin = false;
    bool m_gnudip = false;
    bool m_removeToken = false;
};

}  // namespace

std::unique_ptr<CommandGroup> addAccountCommands(CLI::App& app) {
    return std::make_unique<AccountCommands>(app);
}

}  // namespace qdyn::server::commands
