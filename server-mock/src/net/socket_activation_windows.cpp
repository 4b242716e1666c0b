// takeActivatedSockets (socket_activation.hpp) on Windows: there is no service manager that
// binds sockets for a service and hands them over, so there are never any to take; every
// front end binds what [listen] says.
#include "net/socket_activation.hpp"

namespace qdyn::server {

Result<std::vector<ActivatedSocket>> takeActivatedSockets() { return std::vector<ActivatedSocket>{}; }

}  // namespace qdyn::server
