// qdyn-server as a library: owns the zone, the update service and every listener, runs them on
// its own threads. The executable and the tests both drive this class.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "qdyn/dns/name.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

struct BoundListener {
    std::string kind;  // "dns-udp", "dns-tcp", "http"
    IpAddress address;
    std::uint16_t port = 0;
};

// "127.0.0.1:53", "[::1]:5353": how listeners are printed (the tests parse this form).
std::string formatEndpoint(const IpAddress& address, std::uint16_t port);

class Server {
public:
    explicit Server(Config config);
    ~Server();  // stops and joins
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds every listener (port 0 picks a free port) and starts serving on background threads.
    Result<void> start();
    // Applies a new configuration while running (SIGHUP): accounts, keys, hosts, static records,
    // SOA values, cookies and the rate limit; the dynamic records the new grants still allow are
    // kept. Listener, store and zone-origin changes need a restart and are refused (the running
    // configuration then stays as it is).
    Result<void> reload(Config config);
    // Stops listening, finishes in-flight work, joins the threads. Idempotent.
    void stop();

    // Valid after a successful start(): every listener with its actual port.
    [[nodiscard]] const std::vector<BoundListener>& listeners() const;
    // First bound port of a kind, 0 if none.
    [[nodiscard]] std::uint16_t port(const std::string& kind) const;

    // The addresses currently published for a host (empty when it has none): for tests and
    // for the status output, read from the live zone.
    [[nodiscard]] std::vector<IpAddress> addressesOf(const dns::Name& host) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace qdyn::server
