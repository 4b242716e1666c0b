// LoopbackHttpPeer: a scripted HTTP/1.1 server on 127.0.0.1 for the client protocol tests. It
// records every request exactly as it arrived (request line and headers) and answers each
// with what the test's handler returns, one request per connection. Binds loopback only and
// stops in its destructor.
#pragma once

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdint>
#include <functional>
#include <gtest/gtest.h>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "qdyn/crypto/hmac.hpp"
#include "socket_api.hpp"

namespace qdyn::test {

class LoopbackHttpPeer {
public:
    struct Request {
        std::string method;
        std::string target;                                        // path and query, exactly as sent
        std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased

        [[nodiscard]] std::optional<std::string> header(const std::string& name) const {
            for (const auto& [key, value] : headers) {
                if (key == name) return value;
            }
            return std::nullopt;
        }
    };
    struct Reply {
        int status = 200;
        std::string body;
        std::vector<std::pair<std::string, std::string>> headers;
    };
    using Handler = std::function<Reply(const Request&)>;

    explicit LoopbackHttpPeer(Handler handler) : m_handler(std::move(handler)) {
        m_listen = openSocket(AF_INET, SOCK_STREAM);
        if (m_listen == kNoSocket) {
            ADD_FAILURE() << "socket() failed";
            return;
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        socklen_t length = sizeof address;
        if (::bind(m_listen, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_listen, 16) != 0 ||
            ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            ADD_FAILURE() << "cannot listen on 127.0.0.1";
            return;
        }
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { serve(); });
    }

    ~LoopbackHttpPeer() {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
        closeSocket(m_listen);
    }

    LoopbackHttpPeer(const LoopbackHttpPeer&) = delete;
    LoopbackHttpPeer& operator=(const LoopbackHttpPeer&) = delete;

    [[nodiscard]] std::uint16_t port() const { return m_port; }
    [[nodiscard]] std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(m_port); }

    [[nodiscard]] std::vector<Request> requests() const {
        const std::lock_guard lock(m_mutex);
        return m_requests;
    }

private:
    void serve() {
        while (!m_stop) {
            PollEntry ready{m_listen, POLLIN, 0};
            if (pollSockets(&ready, 1, 50) <= 0) continue;
            const SocketHandle connection = ::accept(m_listen, nullptr, nullptr);
            if (connection == kNoSocket) continue;
            handle(connection);
            closeSocket(connection);
        }
    }

    void handle(SocketHandle connection) {
        std::string head;
        char buffer[4096];
        while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
            PollEntry ready{connection, POLLIN, 0};
            if (pollSockets(&ready, 1, 2000) <= 0) return;
            const auto received = receiveBytes(connection, buffer, sizeof buffer);
            if (received <= 0) return;
            head.append(buffer, static_cast<std::size_t>(received));
        }
        Request request;
        std::size_t lineEnd = head.find("\r\n");
        const std::string requestLine = head.substr(0, lineEnd);
        const std::size_t firstSpace = requestLine.find(' ');
        const std::size_t secondSpace = requestLine.find(' ', firstSpace + 1);
        request.method = requestLine.substr(0, firstSpace);
        request.target = requestLine.substr(firstSpace + 1, secondSpace - firstSpace - 1);
        for (std::size_t start = lineEnd + 2; start < head.size();) {
            lineEnd = head.find("\r\n", start);
            if (lineEnd == std::string::npos || lineEnd == start) break;
            const std::string line = head.substr(start, lineEnd - start);
            const std::size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon);
                std::transform(name.begin(), name.end(), name.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                std::string value = line.substr(colon + 1);
                value.erase(0, value.find_first_not_of(' '));
                request.headers.emplace_back(std::move(name), std::move(value));
            }
            start = lineEnd + 2;
        }
        const Reply reply = m_handler(request);
        {
            const std::lock_guard lock(m_mutex);
            m_requests.push_back(request);
        }
        std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " Status\r\nContent-Type: text/plain\r\n" +
                          "Content-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n";
        for (const auto& [name, value] : reply.headers)
            out += name + ": " + value + "\r\n";
        out += "\r\n" + reply.body;
        for (std::size_t sent = 0; sent < out.size();) {
            const auto n = sendBytes(connection, out.data() + sent, out.size() - sent);
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
        }
    }

    Handler m_handler;
    SocketHandle m_listen = kNoSocket;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::vector<Request> m_requests;
};

// The Authorization header curl sends for user:password, to compare with what arrived.
inline std::string basicAuthHeader(const std::string& credentials) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(credentials.data());
    return "Basic " + crypto::base64Encode(std::span<const std::uint8_t>(bytes, credentials.size()));
}

}  // namespace qdyn::test
