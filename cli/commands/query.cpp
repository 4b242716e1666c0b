// `qdyn query HOST`: what DNS answers for a host's A and AAAA, asked at a given server, at a
// profile's verify servers, or at the system's resolvers; for a QDNS profile also what the QDNS
// server itself says (QUERY). To see whether an update arrived, and where.
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "commands/profile_common.hpp"
#include "exit_codes.hpp"
#include "qdyn/agent/verifier.hpp"
#include "qdyn/dns/transport.hpp"
#include "qdyn/protocols/qdns.hpp"

namespace qdyn::cli {

namespace {

// One question to one server and what came of it.
struct Answer {
    std::string server;  // "127.0.0.1:5353", "qdns://ddns.example.net:7393"
    std::string type;    // "A", "AAAA", "QDNS"
    std::string status;  // "ok", "nodata", "nxdomain", "error"
    std::vector<IpAddress> addresses;
    std::string error;
};

Answer ask(const dns::ServerAddress& server, const dns::Name& host, std::uint16_t type, const dns::QueryOptions& options) {
    Answer answer{agent::formatServerAddress(server), type == dns::rrtype::A ? "A" : "AAAA", "error", {}, {}};
    dns::Message query = dns::makeQuery(host, type);
    query.header.rd = true;  // a resolver should recurse; an authoritative server ignores it
    auto reply = dns::exchange(server, query, options);
    if (!reply) {
        answer.error = reply.message();
        return answer;
    }
    if (reply->header.rcode == dns::Rcode::NxDomain) {
        answer.status = "nxdomain";
        return answer;
    }
    if (reply->header.rcode != dns::Rcode::NoError) {
        answer.error = "the server answered " + std::string(dns::toString(reply->header.rcode));
        return answer;
    }
    // Records of the type asked for, at the host or at the end of a CNAME chain in the answer.
    for (const auto& record : reply->answers) {
        if (record.type != type) continue;
        if (const auto* a = std::get_if<dns::AData>(&record.data)) answer.addresses.push_back(IpAddress::fromV4(a->address));
        if (const auto* aaaa = std::get_if<dns::AaaaData>(&record.data)) {
            answer.addresses.push_back(IpAddress::fromV6(aaaa->address));
        }
    }
    answer.status = answer.addresses.empty() ? "nodata" : "ok";
    return answer;
}

std::string describe(const Answer& answer) {
    std::string text = answer.type + " ";
    if (answer.status == "ok") {
        for (std::size_t i = 0; i < answer.addresses.size(); ++i) text += (i == 0 ? "" : ", ") + answer.addresses[i].toString();
    } else if (answer.status == "nodata") {
        text += "none (no such record)";
    } else if (answer.status == "nxdomain") {
        text += "none (no such name, NXDOMAIN)";
    } else {
        text += "error: " + answer.error;
    }
    return text + " (" + answer.server + ")";
}

class QueryCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("query", "Ask DNS (and a QDNS server) which addresses a host has");
        sub->add_option("HOST", m_host, "The full host name")->required();
        sub->add_option("-p,--profile", m_profile, "Ask this profile's verify servers, and its QDNS server for QDNS profiles");
        sub->add_option("-c,--config", m_config, profiles::kConfigHelp);
        sub->add_option("-s,--server", m_server, "Ask this DNS server: ADDRESS, ADDRESS:PORT or [IPV6]:PORT");
        sub->add_option("-t,--type", m_type, "A, AAAA or both (default)")->check(CLI::IsMember({"A", "AAAA", "both"}));
        sub->add_option("--timeout", m_timeoutMs, "Milliseconds per attempt (default 2000)")->check(CLI::Range(100, 60000));
        sub->add_flag("--json", m_json, "Print the answers as JSON");
        sub->footer(
            "The DNS server asked: --server, else the profile's verify = [...] servers, else the system's\n"
            "resolvers (/etc/resolv.conf). For a profile of protocol qdns, the QDNS server is asked too\n"
            "(QUERY, no login). One line per answer: TYPE ADDRESSES (SERVER).\n"
            "Exit codes: 0 every server answered (an empty answer too), 3 a server did not answer,\n"
            "2 bad command line or profile.\n"
            "Example: qdyn query home.example.net --server 192.0.2.53 --type A");
        return sub;
    }

    int run(Streams& io) override {
        auto host = dns::Name::parse(m_host);
        if (!host || host->isRoot()) {
            io.err << "qdyn query: " << m_host << " is not a host name\n";
            return kExitUsage;
        }
        std::optional<profiles::Loaded> loaded;
        const config::Profile* profile = nullptr;
        if (!m_profile.empty()) {
            loaded = profiles::load(profiles::configPath(m_config), "query", io);
            if (!loaded) return kExitUsage;
            profile = profiles::find(*loaded, m_profile, "query", io);
            if (profile == nullptr) return kExitUsage;
        }
        auto servers = serversFor(profile, io);
        if (!servers) return kExitUsage;
        const dns::QueryOptions options{std::chrono::milliseconds(m_timeoutMs), 2};
        std::vector<Answer> answers;
        for (const auto& server : *servers) {
            if (m_type != "AAAA") answers.push_back(ask(server, *host, dns::rrtype::A, options));
            if (m_type != "A") answers.push_back(ask(server, *host, dns::rrtype::AAAA, options));
        }
        if (profile != nullptr && profile->protocol == "qdns") answers.push_back(askQdns(*profile, m_host));
        if (servers->empty() && answers.empty()) {
            io.err << "qdyn query: no DNS server to ask (none in /etc/resolv.conf); give one with --server\n";
            return kExitRetryLater;
        }
        bool failed = false;
        for (const auto& answer : answers) failed = failed || answer.status == "error";
        if (m_json) {
            auto list = nlohmann::ordered_json::array();
            for (const auto& answer : answers) {
                auto addresses = nlohmann::ordered_json::array();
                for (const auto& address : answer.addresses) addresses.push_back(address.toString());
                list.push_back({{"server", answer.server},
                                {"type", answer.type},
                                {"status", answer.status},
                                {"addresses", addresses},
                                {"error", answer.error}});
            }
            io.out << nlohmann::ordered_json{{"host", m_host}, {"answers", list}}.dump(2) << '\n';
        } else {
            for (const auto& answer : answers) io.out << describe(answer) << '\n';
        }
        return failed ? kExitRetryLater : kExitOk;
    }

private:
    Result<std::vector<dns::ServerAddress>> serversFor(const config::Profile* profile, Streams& io) const {
        std::vector<dns::ServerAddress> servers;
        if (!m_server.empty()) {
            auto server = agent::parseServerAddress(m_server);
            if (!server) {
                io.err << "qdyn query: --server " << m_server << ": " << server.message() << '\n';
                return server.error();
            }
            servers.push_back(*server);
            return servers;
        }
        if (profile != nullptr && profile->agent.verify == config::VerifyMode::Servers) {
            for (const auto& text : profile->agent.verifyServers) {
                auto server = agent::parseServerAddress(text);
                if (!server) {
                    io.err << "qdyn query: profile " << profile->name << ": verify " << text << ": " << server.message() << '\n';
                    return server.error();
                }
                servers.push_back(*server);
            }
            return servers;
        }
        auto system = agent::systemResolvers();
        if (!system) {
            // Not fatal: a QDNS profile can still be asked.
            io.err << "qdyn query: " << system.message() << '\n';
            return servers;
        }
        return std::move(*system);
    }

    Answer askQdns(const config::Profile& profile, const std::string& host) const {
        qdns::Settings settings;
        Answer answer{profile.server, "QDNS", "error", {}, {}};
        if (auto applied = qdns::applyServerUrl(settings, profile.server); !applied) {
            answer.error = applied.message();
            return answer;
        }
        settings.timeout = std::chrono::milliseconds(m_timeoutMs) * 2;
        settings.verifyTls = profile.verifyTls;
        settings.caFile = profile.caFile;
        qdns::Client client(std::move(settings));  // QUERY needs no login: no credentials given
        auto addresses = client.query(host);
        if (!addresses) {
            answer.error = addresses.message();
        } else {
            answer.addresses = std::move(*addresses);
            answer.status = answer.addresses.empty() ? "nodata" : "ok";
        }
        return answer;
    }

    std::string m_host;
    std::string m_profile;
    std::string m_config;
    std::string m_server;
    std::string m_type = "both";
    int m_timeoutMs = 2000;
    bool m_json = false;
};

}  // namespace

std::unique_ptr<Command> makeQueryCommand() { return std::make_unique<QueryCommand>(); }

}  // namespace qdyn::cli
