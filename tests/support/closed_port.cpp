// ClosedPort over a bound, non-listening socket.
#include "closed_port.hpp"

#include <stdexcept>

namespace qdyn::test {

ClosedPort::ClosedPort() {
    m_fd = openSocket(AF_INET, SOCK_STREAM);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (m_fd == kNoSocket || ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error("cannot reserve a loopback port");
    }
    m_port = ntohs(address.sin_port);
}

ClosedPort::~ClosedPort() { closeSocket(m_fd); }

}  // namespace qdyn::test
