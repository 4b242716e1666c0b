// The one list of the update and echo APIs on the HTTP(S) listeners, shared by the server and
// the request fuzz target so both route exactly alike. The server adds its own operational
// routes (/healthz, /metrics) beside these.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "qdyn_server/config.hpp"
#include "qdyn_server/http_message.hpp"
#include "qdyn_server/http_router.hpp"

namespace qdyn::server {

class Generation;

struct ApiRouteHooks {
    // The generation a request runs on (taken once per request).
    std::function<std::shared_ptr<const Generation>()> current;
    // Every update API's reply passes through here with the API's name ("dyndns2", "nanodnsd",
    // "minidns", "dynonym", "gnudip"): the server counts it and holds it until durable.
    std::function<HttpReply(std::string_view api, HttpReply reply)> finish;
};

void addApiRoutes(HttpRouter& router, const HttpOptions& options, const ApiRouteHooks& hooks);

}  // namespace qdyn::server
