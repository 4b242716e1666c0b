// ScriptedLinePeer: a scripted line-protocol server on 127.0.0.1 for the client tests of QDNS,
// miniupdate and GnuDIP over TCP. A thread accepts connections one after another and runs the
// test's script on each; every line the client sent is recorded exactly (without its LF), and
// the thread is joined in the destructor. Optionally each connection starts with a TLS
// handshake (server side of OpenSSL), for QDNS over TLS.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <mutex>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "socket_api.hpp"

namespace qdyn::test {

class ScriptedLinePeer {
public:
    // One accepted connection, as the script sees it.
    class Connection {
    public:
        Connection(SocketHandle fd, SSL* tls, ScriptedLinePeer& peer) : m_fd(fd), m_tls(tls), m_peer(peer) {}

        // Sends raw octets (add the "\n" yourself: tests of over-long or unterminated lines need that).
        void send(const std::string& octets) {
            std::size_t sent = 0;
            while (sent < octets.size()) {
                const auto n =
                    m_tls != nullptr
                        ? static_cast<std::ptrdiff_t>(
                              ::SSL_write(m_tls, octets.data() + sent, static_cast<int>(octets.size() - sent)))
                        : sendBytes(m_fd, octets.data() + sent, octets.size() - sent);
                if (n <= 0) return;
                sent += static_cast<std::size_t>(n);
            }
        }
        void sendLine(const std::string& line) { send(line + "\n"); }

        // The next line the client sends (recorded), or nullopt when it closes or stays silent
        // for `wait`.
        std::optional<std::string> readLine(std::chrono::milliseconds wait = std::chrono::milliseconds(3000)) {
            while (true) {
                if (const std::size_t lf = m_buffer.find('\n'); lf != std::string::npos) {
                    std::string line = m_buffer.substr(0, lf);
                    m_buffer.erase(0, lf + 1);
                    m_peer.record(line);
                    return line;
                }
                if (m_tls == nullptr || ::SSL_pending(m_tls) == 0) {
                    PollEntry ready{m_fd, POLLIN, 0};
                    if (pollSockets(&ready, 1, static_cast<int>(wait.count())) <= 0) return std::nullopt;
                }
                char chunk[2048];
                const auto n = m_tls != nullptr ? static_cast<std::ptrdiff_t>(::SSL_read(m_tls, chunk, sizeof chunk))
                                                : receiveBytes(m_fd, chunk, sizeof chunk);
                if (n <= 0) return std::nullopt;
                m_buffer.append(chunk, static_cast<std::size_t>(n));
            }
        }

        // Waits until the client hangs up (or `wait` passes), recording whatever it still sends.
        void drain(std::chrono::milliseconds wait = std::chrono::milliseconds(3000)) {
            while (readLine(wait)) {
            }
        }

    private:
        SocketHandle m_fd;
        SSL* m_tls;
        ScriptedLinePeer& m_peer;
        std::string m_buffer;
    };

    using Script = std::function<void(Connection& connection, std::size_t index)>;

    // Serves up to `connections` connections with `script`; with a certificate and key (PEM
    // files), each one inside TLS.
    explicit ScriptedLinePeer(Script script, std::size_t connections = 1,
                              std::optional<std::pair<std::filesystem::path, std::filesystem::path>> tls = {})
        : m_script(std::move(script)), m_connections(connections) {
        if (tls) {
            m_context = ::SSL_CTX_new(::TLS_server_method());
            if (m_context == nullptr ||
                ::SSL_CTX_use_certificate_chain_file(m_context, tls->first.string().c_str()) != 1 ||
                ::SSL_CTX_use_PrivateKey_file(m_context, tls->second.string().c_str(), SSL_FILETYPE_PEM) != 1) {
                ADD_FAILURE() << "cannot load the test certificate";
                return;
            }
        }
        m_listen = openSocket(AF_INET, SOCK_STREAM);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (m_listen == kNoSocket || ::bind(m_listen, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_listen, 8) != 0 ||
            ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            ADD_FAILURE() << "cannot listen on 127.0.0.1";
            return;
        }
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { serve(); });
    }

    ~ScriptedLinePeer() {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
        closeSocket(m_listen);
        if (m_context != nullptr) ::SSL_CTX_free(m_context);
    }

    ScriptedLinePeer(const ScriptedLinePeer&) = delete;
    ScriptedLinePeer& operator=(const ScriptedLinePeer&) = delete;

    [[nodiscard]] std::uint16_t port() const { return m_port; }

    // Every line received, over all connections, in order.
    [[nodiscard]] std::vector<std::string> received() const {
        const std::lock_guard lock(m_mutex);
        return m_received;
    }
    // How many connections were accepted.
    [[nodiscard]] std::size_t accepted() const { return m_accepted; }

    // Waits for the script to end (all connections served), so received() is complete.
    void join() {
        if (m_thread.joinable()) m_thread.join();
    }

    // A script that sends `greeting` (unless empty), then answers each line with the next of
    // `replies` ("" = close at once, without a reply), and records the rest until the client
    // hangs up.
    static Script conversation(std::string greeting, std::vector<std::string> replies) {
        return [greeting = std::move(greeting), replies = std::move(replies)](Connection& c, std::size_t) {
            if (!greeting.empty()) c.sendLine(greeting);
            for (const auto& reply : replies) {
                if (!c.readLine()) return;
                if (reply.empty()) return;
                c.sendLine(reply);
            }
            c.drain();
        };
    }

private:
    void record(const std::string& line) {
        const std::lock_guard lock(m_mutex);
        m_received.push_back(line);
    }

    void serve() {
        for (std::size_t index = 0; index < m_connections && !m_stop;) {
            PollEntry ready{m_listen, POLLIN, 0};
            if (pollSockets(&ready, 1, 50) <= 0) continue;
            const SocketHandle fd = ::accept(m_listen, nullptr, nullptr);
            if (fd == kNoSocket) continue;
            ++m_accepted;
            SSL* tls = nullptr;
            bool readyToTalk = true;
            if (m_context != nullptr) {
                tls = ::SSL_new(m_context);
                // OpenSSL takes the socket as an int on every platform; Winsock handles fit in one.
                ::SSL_set_fd(tls, static_cast<int>(fd));
                // A failed handshake (a client that refused our certificate) ends this connection.
                readyToTalk = ::SSL_accept(tls) == 1;
            }
            if (readyToTalk) {
                Connection connection(fd, tls, *this);
                m_script(connection, index);
            }
            if (tls != nullptr) {
                if (readyToTalk) ::SSL_shutdown(tls);
                ::SSL_free(tls);
            }
            closeSocket(fd);
            ++index;
        }
    }

    Script m_script;
    std::size_t m_connections;
    SSL_CTX* m_context = nullptr;
    SocketHandle m_listen = kNoSocket;
    std::uint16_t m_port = 0;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<std::size_t> m_accepted{0};
    mutable std::mutex m_mutex;
    std::vector<std::string> m_received;
};

}  // namespace qdyn::test
