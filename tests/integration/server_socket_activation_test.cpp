// qdyn-server under systemd socket activation: the sockets handed over (as a service manager
// hands them, sd_listen_fds(3)) replace [listen]'s entries for their front ends, serve DNS over
// UDP and TCP and HTTP, survive a SIGHUP reload, and a socket of the wrong kind is refused by name.
// The real tool, systemd-socket-activate, starts the server on the first connection, which the
// server then answers.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <gtest/gtest.h>
#include <thread>

#include "closed_port.hpp"
#include "process.hpp"
#include "qdyn/dns/transport.hpp"
#include "qdyn/net/http_client.hpp"
#include "socket_api.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace server_socket_activation_test {

const char* const kConfig = R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["127.0.0.1"]
[listen]
dns_udp = ["127.0.0.1:0"]
dns_tcp = ["127.0.0.1:0"]
http = ["127.0.0.1:0"]
[[record]]
name = "www"
type = "A"
value = "192.0.2.1"
[[account]]
name = "alice"
password = "s3cret"
hosts = ["home"]
)";

// A socket bound to 127.0.0.1 on a free port (listening when a stream socket).
class BoundSocket {
public:
    explicit BoundSocket(int type) : m_fd(qdyn::test::openSocket(AF_INET, type)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (::bind(m_fd, reinterpret_cast<sockaddr*>(&address), size) != 0) return;
        if (type == SOCK_STREAM) ::listen(m_fd, 16);
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &size);
        m_port = ntohs(address.sin_port);
    }
    ~BoundSocket() { ::close(m_fd); }
    BoundSocket(const BoundSocket&) = delete;
    BoundSocket& operator=(const BoundSocket&) = delete;
    [[nodiscard]] int fd() const { return m_fd; }
    [[nodiscard]] std::uint16_t port() const { return m_port; }

private:
    int m_fd;
    std::uint16_t m_port = 0;
};

std::vector<std::string> listening(const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const auto& line : lines) {
        if (line.rfind("listening ", 0) == 0) out.push_back(line);
    }
    return out;
}

std::string answerOver(bool tcp, std::uint16_t port) {
    const dns::ServerAddress server{*IpAddress::parse("127.0.0.1"), port};
    const auto query = dns::makeQuery(*dns::Name::parse("www.dyn.example.test"), dns::rrtype::A);
    auto reply = tcp ? dns::exchangeTcp(server, query) : dns::exchangeUdp(server, query);
    if (!reply) return reply.message();
    for (const auto& record : reply->answers) {
        if (const auto* a = std::get_if<dns::AData>(&record.data)) return IpAddress::fromV4(a->address).toString();
    }
    return "(no answer)";
}

std::string httpStatus(std::uint16_t port, const std::string& path) {
    net::HttpClient client;
    net::HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(port) + path;
    auto response = client.get(request);
    return response ? std::to_string(response->status) + " " + response->body : response.message();
}

TEST(ServerSocketActivation, HandedOverSocketsReplaceTheConfiguredOnesAndSurviveAReload) {
    TempDir dir;
    const auto config = dir.write("server.toml", kConfig);
    BoundSocket udp(SOCK_DGRAM);
    BoundSocket tcp(SOCK_STREAM);
    BoundSocket http(SOCK_STREAM);
    ASSERT_NE(udp.port(), 0);
    BackgroundProcess server;
    ASSERT_TRUE(server.startWithSockets({QDYN_SERVER_PATH, "--config", config.string()},
                                        {udp.fd(), tcp.fd(), http.fd()}, {"dns", "dns", "http"}));
    bool ready = false;
    const auto lines = server.readUntil("ready", std::chrono::seconds(10), ready);
    ASSERT_TRUE(ready);
    const auto port = [](std::uint16_t p) { return "127.0.0.1:" + std::to_string(p); };
    EXPECT_EQ(listening(lines), (std::vector<std::string>{"listening dns-udp " + port(udp.port()),
                                                          "listening dns-tcp " + port(tcp.port()),
                                                          "listening http " + port(http.port())}));

    EXPECT_EQ(answerOver(false, udp.port()), "192.0.2.1");
    EXPECT_EQ(answerOver(true, tcp.port()), "192.0.2.1");
    EXPECT_EQ(httpStatus(http.port(), "/nic/update?hostname=home.dyn.example.test&myip=203.0.113.4").substr(0, 3),
              "401");

    // A reload compares its listeners with the running ones: the handed-over sockets count as
    // what [listen] says, so the reload goes through.
    dir.write("server.toml",
              std::string(kConfig) + "[[record]]\nname = \"new\"\ntype = \"A\"\nvalue = \"192.0.2.2\"\n");
    server.signal(SIGHUP);
    std::string answer;
    for (int i = 0; i < 50 && answer != "192.0.2.2"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        auto addresses = dns::queryAddresses({*IpAddress::parse("127.0.0.1"), udp.port()},
                                             *dns::Name::parse("new.dyn.example.test"), dns::rrtype::A);
        if (addresses && !addresses->empty()) answer = addresses->front().toString();
    }
    EXPECT_EQ(answer, "192.0.2.2");
    EXPECT_EQ(server.stop(), 0);
}

TEST(ServerSocketActivation, ASocketOfTheWrongKindIsRefusedByName) {
    TempDir dir;
    const auto config = dir.write("server.toml", kConfig);
    BoundSocket udp(SOCK_DGRAM);
    BackgroundProcess server;
    ASSERT_TRUE(server.startWithSockets({QDYN_SERVER_PATH, "--config", config.string()}, {udp.fd()}, {"http"}));
    bool ready = false;
    server.readUntil("ready", std::chrono::seconds(10), ready);
    EXPECT_FALSE(ready);
    EXPECT_EQ(server.stop(), 1);  // kExitStartError, with "FileDescriptorName=http ... needs a stream socket"

    BackgroundProcess unknown;
    ASSERT_TRUE(unknown.startWithSockets({QDYN_SERVER_PATH, "--config", config.string()}, {udp.fd()}, {"smtp"}));
    unknown.readUntil("ready", std::chrono::seconds(10), ready);
    EXPECT_FALSE(ready);
    EXPECT_EQ(unknown.stop(), 1);
}

// systemd's own tool binds the port and starts the server on the first connection; that
// connection, made before the server ran, is answered.
TEST(ServerSocketActivation, SystemdSocketActivateStartsTheServerOnTheFirstRequest) {
    if (!haveProgram("systemd-socket-activate")) {
        FAIL() << "systemd-socket-activate is missing (package systemd; packaging/deps/debian.sh installs it)";
    }
    TempDir dir;
    const auto config = dir.write("server.toml", kConfig);
    std::uint16_t port = 0;
    {
        const ClosedPort free;  // a free port, released for the activator to bind
        port = free.port();
    }
    BackgroundProcess activator;
    ASSERT_TRUE(activator.start({"/usr/bin/systemd-socket-activate", "-l", "127.0.0.1:" + std::to_string(port),
                                 "--fdname=http", QDYN_SERVER_PATH, "--config", config.string()}));
    std::string status;
    for (int i = 0; i < 50; ++i) {  // until the activator has bound the port
        status = httpStatus(port, "/nic/update?hostname=home.dyn.example.test&myip=203.0.113.4");
        if (status.rfind("401", 0) == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(status.substr(0, 3), "401") << status;
    bool ready = false;
    const auto lines = activator.readUntil("ready", std::chrono::seconds(5), ready);
    EXPECT_TRUE(ready);
    EXPECT_NE(std::find(lines.begin(), lines.end(), "listening http 127.0.0.1:" + std::to_string(port)), lines.end());
    EXPECT_EQ(activator.stop(), 0);
}

}  // namespace server_socket_activation_test
}  // namespace
}  // namespace qdyn::test
