// `qdyn profile list`: every profile of the file in one aligned line each (name, protocol and
// provider, server, hosts), or as JSON. Where a password comes from is in --json; the password
// itself never is.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands/profile_common.hpp"
#include "exit_codes.hpp"

namespace qdyn::cli::profiles {

namespace {

class ListCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("list", "List the profiles: name, protocol (and provider), server, hosts");
        sub->add_option("-c,--config", m_config, kConfigHelp);
        sub->add_flag("--json", m_json, "Print every profile as a JSON object (no secrets: only where each password comes from)");
        sub->footer("Exit codes: 0 listed, 2 the profile file is missing or does not load.");
        return sub;
    }

    int run(Streams& io) override {
        auto loaded = load(configPath(m_config), "profile list", io);
        if (!loaded) return kExitUsage;
        if (m_json) {
            auto list = nlohmann::ordered_json::array();
            for (const auto& profile : loaded->set.profiles) {
                list.push_back({{"name", profile.name},
                                {"provider", profile.provider},
                                {"protocol", profile.protocol},
                                {"server", profile.server},
                                {"hosts", profile.hosts},
                                {"username", profile.username},
                                {"password", loaded->passwordSource(profile.name)},
                                {"origin", profile.origin}});
            }
            io.out << list.dump(2) << '\n';
            return kExitOk;
        }
        using Row = std::array<std::string, 4>;
        std::vector<Row> rows{{"NAME", "PROTOCOL", "SERVER", "HOSTS"}};
        for (const auto& profile : loaded->set.profiles) {
            std::string hosts;
            for (const auto& host : profile.hosts) hosts += (hosts.empty() ? "" : ",") + host;
            rows.push_back({profile.name, profile.protocol + (profile.provider.empty() ? "" : " (" + profile.provider + ")"),
                            profile.server.empty() ? "-" : profile.server, hosts});
        }
        std::array<std::size_t, 4> widths{};
        for (const auto& row : rows) {
            for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
        }
        for (const auto& row : rows) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                io.out << row[i];
                if (i + 1 < row.size()) io.out << std::string(widths[i] - row[i].size() + 2, ' ');
            }
            io.out << '\n';
        }
        return kExitOk;
    }

private:
    std::string m_config;
    bool m_json = false;
};

}  // namespace

std::unique_ptr<Command> makeListCommand() { return std::make_unique<ListCommand>(); }

}  // namespace qdyn::cli::profiles
