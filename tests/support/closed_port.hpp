// ClosedPort: a loopback TCP port that is bound but never listens, so a connection to it is
// refused at once, and no other process can take it while the object lives.
#pragma once

#include <cstdint>

#include "socket_api.hpp"

namespace qdyn::test {

class ClosedPort {
public:
    ClosedPort();
    ~ClosedPort();
    ClosedPort(const ClosedPort&) = delete;
    ClosedPort& operator=(const ClosedPort&) = delete;
    [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }

private:
    SocketHandle m_fd = kNoSocket;
    std::uint16_t m_port = 0;
};

}  // namespace qdyn::test
