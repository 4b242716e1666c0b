#include "bind_primary.hpp"

#include <thread>

#include "peer_programs.hpp"
#include "qdyn/dns/transport.hpp"

namespace qdyn::test {

::testing::AssertionResult startBindPrimary(BackgroundProcess& process, const TempDir& dir, const BindPrimary& primary) {
    const std::string named = programPath("named");
    if (named.empty()) return ::testing::AssertionFailure() << "named is not installed (package bind9)";
    const std::string path = dir.path().string();
    dir.write(primary.keyName + ".conf", "key \"" + primary.keyName + "\" {\n\talgorithm hmac-sha256;\n\tsecret \"" +
                                             primary.secret + "\";\n};\n");
    dir.write(primary.zone + ".zone", primary.zoneFile);
    dir.write("named.conf",
              "options { directory \"" + path + "\"; listen-on port " + std::to_string(primary.port) +
                  " { 127.0.0.1; }; listen-on-v6 { none; };\n"
                  "  pid-file \"" + path + "/named.pid\"; session-keyfile \"" + path +
                  "/session.key\"; managed-keys-directory \"" + path + "\";\n"
                  "  recursion no; dnssec-validation no; allow-query { any; }; notify no;\n"
                  // Without SO_REUSEPORT a port another test server holds fails loudly instead
                  // of splitting the queries between the two servers.
                  "  reuseport no; };\n"
                  "controls { };\n"
                  "include \"" + path + "/" + primary.keyName + ".conf\";\n"
                  "zone \"" + primary.zone + "\" { type primary; file \"" + primary.zone + ".zone\";\n"
                  "  update-policy { grant " + primary.keyName + " zonesub ANY; }; };\n");
    if (!process.start({named, "-g", "-c", path + "/named.conf"})) {
        return ::testing::AssertionFailure() << "named did not start";
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult waitForZone(std::uint16_t port, const std::string& zone, std::chrono::seconds limit) {
    const dns::ServerAddress server{IpAddress::parse("127.0.0.1").value(), port};
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        auto reply = dns::exchangeUdp(server, dns::makeQuery(dns::Name::parse(zone).value(), dns::rrtype::SOA),
                                      dns::QueryOptions{std::chrono::milliseconds(200), 1});
        if (reply && reply->header.rcode == dns::Rcode::NoError && !reply->answers.empty()) {
            return ::testing::AssertionSuccess();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return ::testing::AssertionFailure() << "the DNS server did not serve " << zone << " on port " << port;
}

}  // namespace qdyn::test
