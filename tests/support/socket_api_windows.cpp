// The test socket layer over Winsock 2.
#include "socket_api.hpp"

#include <climits>
#include <mutex>

namespace qdyn::test {

namespace {

void startWinsock() {
    static std::once_flag once;
    std::call_once(once, [] {
        WSADATA data{};
        ::WSAStartup(MAKEWORD(2, 2), &data);  // never cleaned up: the process ends with it
    });
}

int clampedLength(std::size_t size) { return size > INT_MAX ? INT_MAX : static_cast<int>(size); }

}  // namespace

SocketHandle openSocket(int family, int type, int protocol) {
    startWinsock();
    // WSA_FLAG_NO_HANDLE_INHERIT: the socket stays out of child processes, as SOCK_CLOEXEC does.
    return ::WSASocketW(family, type, protocol, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
}

void closeSocket(SocketHandle socket) noexcept {
    if (socket != kNoSocket) ::closesocket(socket);
}

int pollSockets(PollEntry* entries, std::size_t count, int timeoutMs) {
    return ::WSAPoll(entries, static_cast<ULONG>(count), timeoutMs);
}

std::ptrdiff_t sendBytes(SocketHandle socket, const void* data, std::size_t size) {
    return ::send(socket, static_cast<const char*>(data), clampedLength(size), 0);
}

std::ptrdiff_t receiveBytes(SocketHandle socket, void* data, std::size_t size) {
    return ::recv(socket, static_cast<char*>(data), clampedLength(size), 0);
}

std::ptrdiff_t sendTo(SocketHandle socket, const void* data, std::size_t size, const sockaddr* to, socklen_t length) {
    return ::sendto(socket, static_cast<const char*>(data), clampedLength(size), 0, to, length);
}

std::ptrdiff_t receiveFrom(SocketHandle socket, void* data, std::size_t size, sockaddr* from, socklen_t* length) {
    return ::recvfrom(socket, static_cast<char*>(data), clampedLength(size), 0, from, length);
}

bool setIntOption(SocketHandle socket, int level, int name, int value) {
    return ::setsockopt(socket, level, name, reinterpret_cast<const char*>(&value), sizeof value) == 0;
}

void shutdownSending(SocketHandle socket) { ::shutdown(socket, SD_SEND); }

std::string lastSocketError() {
    const int code = ::WSAGetLastError();
    return systemErrorText(static_cast<DWORD>(code)) + " (Winsock error " + std::to_string(code) + ")";
}

}  // namespace qdyn::test
