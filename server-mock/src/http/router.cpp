// Exact-path routing: no prefixes, no patterns, so no request reaches a handler by accident.
#include "qdyn_server/http_router.hpp"

#include <algorithm>

#include "qdyn_server/http_fields.hpp"

namespace qdyn::server {

void HttpRouter::add(std::string path, std::vector<std::string> methods, Handler handler) {
    m_routes.push_back(Route{std::move(path), std::move(methods), std::move(handler)});
}

HttpReply HttpRouter::dispatch(const HttpRequestInfo& request) const {
    const auto path = splitTarget(request.target).first;
    for (const auto& route : m_routes) {
        if (route.path != path) continue;
        const bool anyMethod = route.methods.size() == 1 && route.methods.front() == "*";
        if (!anyMethod && std::find(route.methods.begin(), route.methods.end(), request.method) == route.methods.end()) {
            HttpReply reply;
            reply.status = 405;
            reply.body = "method not allowed\n";
            std::string allow;
            for (const auto& method : route.methods) allow += (allow.empty() ? "" : ", ") + method;
            reply.headers.emplace_back("Allow", allow);
            reply.logSummary = "method not allowed";
            return reply;
        }
        return route.handler(request);
    }
    HttpReply reply;
    reply.status = 404;
    reply.body = "not found\n";
    reply.logSummary = "not found";
    return reply;
}

}  // namespace qdyn::server
