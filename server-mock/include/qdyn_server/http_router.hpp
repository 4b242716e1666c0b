// Maps an HTTP request to its API handler by exact path, with 404 for unknown paths and 405
// (with Allow) for methods a route does not take. Routes are added in one explicit list
// (Server's constructor), so a test can see every API the server offers.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "qdyn_server/http_message.hpp"

namespace qdyn::server {

class HttpRouter {
public:
    using Handler = std::function<HttpReply(const HttpRequestInfo&)>;

    struct Route {
        std::string path;
        std::vector<std::string> methods;
        Handler handler;
    };

    // `methods` {"*"}: every method reaches the handler (an API with its own reply for them).
    void add(std::string path, std::vector<std::string> methods, Handler handler);
    [[nodiscard]] HttpReply dispatch(const HttpRequestInfo& request) const;
    [[nodiscard]] const std::vector<Route>& routes() const noexcept { return m_routes; }

private:
    std::vector<Route> m_routes;
};

}  // namespace qdyn::server
