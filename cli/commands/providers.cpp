// `qdyn providers`: the provider catalog, as an aligned table for people or as JSON for scripts,
// so a user can find the NAME to put in a profile's `provider = "NAME"`.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "exit_codes.hpp"
#include "qdyn/providers/catalog.hpp"

namespace qdyn::cli {

namespace {

constexpr std::string_view kSelfHosted = "(self-hosted)";
constexpr std::string_view kNone = "-";

class ProvidersCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("providers", "List the known DDNS providers a profile can name");
        sub->add_flag("--json", m_json, "Print every field of every provider as a JSON array");
        return sub;
    }

    int run(Streams& io) override {
        if (m_json) {
            printJson(io.out);
        } else {
            printTable(io.out);
        }
        return kExitOk;
    }

private:
    using Row = std::array<std::string_view, 4>;

    static Row rowOf(const providers::Provider& provider) {
        return {provider.name, provider.protocol, provider.server.empty() ? kSelfHosted : provider.server,
                provider.ipv6.empty() ? kNone : provider.ipv6};
    }

    static void printTable(std::ostream& out) {
        const Row header{"NAME", "PROTOCOL", "SERVER", "IPV6"};
        std::array<std::size_t, 4> widths{};
        const auto widen = [&widths](const Row& row) {
            for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
        };
        widen(header);
        for (const auto& provider : providers::catalog()) widen(rowOf(provider));

        const auto print = [&out, &widths](const Row& row) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                out << row[i];
                // Two spaces between columns; none after the last, so lines carry no trailing blanks.
                if (i + 1 < row.size()) out << std::string(widths[i] - row[i].size() + 2, ' ');
            }
            out << '\n';
        };
        print(header);
        for (const auto& provider : providers::catalog()) print(rowOf(provider));
        out << "\nUse one in a profile with provider = \"NAME\"; self-hosted ones also need server = \"URL\".\n"
               "What the username and password mean for each: qdyn providers --json (\"notes\").\n";
    }

    static void printJson(std::ostream& out) {
        // ordered_json keeps the fields in the order of the Provider struct.
        auto list = nlohmann::ordered_json::array();
        for (const auto& provider : providers::catalog()) {
            list.push_back({
                {"name", provider.name},
                {"title", provider.title},
                {"protocol", provider.protocol},
                {"server", provider.server},
                {"path", provider.path},
                {"ipv6", provider.ipv6},
                {"notes", provider.notes},
            });
        }
        out << list.dump(2) << '\n';
    }

    bool m_json = false;
};

}  // namespace

std::unique_ptr<Command> makeProvidersCommand() { return std::make_unique<ProvidersCommand>(); }

}  // namespace qdyn::cli
