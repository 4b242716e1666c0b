// Flags of socket(2) and send(2) that not every POSIX system has. Linux has SOCK_CLOEXEC and
// MSG_NOSIGNAL; macOS has neither, so there they are 0: close-on-exec is then set with fcntl
// after socket(2), and a connected socket that must not raise SIGPIPE sets SO_NOSIGPIPE.
#pragma once

#include <sys/socket.h>

namespace qdyn::posix {

#ifdef SOCK_CLOEXEC
inline constexpr int kSocketCloseOnExec = SOCK_CLOEXEC;
#else
inline constexpr int kSocketCloseOnExec = 0;
#endif
#ifdef MSG_NOSIGNAL
inline constexpr int kSendNoSignal = MSG_NOSIGNAL;
#else
inline constexpr int kSendNoSignal = 0;
#endif

}  // namespace qdyn::posix
