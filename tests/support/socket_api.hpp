// Raw sockets for the test peers on every platform: the POSIX socket API, or Winsock with the few
// calls that differ (closing, polling, byte counts, options) behind one name each. The test peers
// speak to servers byte by byte, where a client library would hide what is being tested.
#pragma once

#ifdef _WIN32
#include "qdyn/windows_text.hpp"  // <windows.h>, lean and without min/max, before Winsock
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
// clang-format on
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#endif

#include <cstddef>
#include <string>

namespace qdyn::test {

#ifdef _WIN32
using SocketHandle = SOCKET;
using PollEntry = WSAPOLLFD;
inline constexpr SocketHandle kNoSocket = INVALID_SOCKET;
#else
using SocketHandle = int;
using PollEntry = pollfd;
inline constexpr SocketHandle kNoSocket = -1;
#endif

// socket(2), not inherited by child processes; starts Winsock on first use. kNoSocket on error.
SocketHandle openSocket(int family, int type, int protocol = 0);
// Closes a socket; kNoSocket is ignored.
void closeSocket(SocketHandle socket) noexcept;
// poll(2) or WSAPoll: the number of ready entries, 0 on timeout, -1 on error.
int pollSockets(PollEntry* entries, std::size_t count, int timeoutMs);
// send(2) without SIGPIPE, recv(2), sendto(2), recvfrom(2): the byte count or -1.
std::ptrdiff_t sendBytes(SocketHandle socket, const void* data, std::size_t size);
std::ptrdiff_t receiveBytes(SocketHandle socket, void* data, std::size_t size);
std::ptrdiff_t sendTo(SocketHandle socket, const void* data, std::size_t size, const sockaddr* to, socklen_t length);
std::ptrdiff_t receiveFrom(SocketHandle socket, void* data, std::size_t size, sockaddr* from = nullptr,
                           socklen_t* length = nullptr);
// setsockopt(2) with an int value; false on error.
bool setIntOption(SocketHandle socket, int level, int name, int value);
// Ends the sending direction (a FIN), leaving the socket open for reading.
void shutdownSending(SocketHandle socket);
// The last socket call's error as text (strerror(errno) or the Winsock code's message).
std::string lastSocketError();

}  // namespace qdyn::test
