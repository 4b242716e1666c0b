// Paths and methods of every API, in one place.
#include "http/api_routes.hpp"

#include "generation.hpp"
#include "http/echo_handler.hpp"
#include "http/igd_handler.hpp"

namespace qdyn::server {

void addApiRoutes(HttpRouter& router, const HttpOptions& options, const ApiRouteHooks& hooks) {
    router.add("/nic/update", {"GET"}, [hooks](const HttpRequestInfo& request) {
        return hooks.finish("dyndns2", hooks.current()->dyndns2.handle(request));
    });
    // nanodnsd answers every method itself (501 for the ones it does not take).
    const auto nanodnsd = [hooks](const HttpRequestInfo& request) {
        return hooks.finish("nanodnsd", hooks.current()->nanodnsd.handle(request));
    };
    router.add("/api/update", {"*"}, nanodnsd);
    for (const auto& prefix : options.nanodnsdPrefixes) router.add(prefix + "/api/update", {"*"}, nanodnsd);
    router.add("/areg.php", {"GET", "POST"}, [hooks](const HttpRequestInfo& request) {
        return hooks.finish("minidns", hooks.current()->minidns.handle(request));
    });
    router.add("/dns/update", {"GET"}, [hooks](const HttpRequestInfo& request) {
        return hooks.finish("dynonym", hooks.current()->dynonym.handle(request));
    });
    router.add(std::string(GnudipHandler::kPath), {"GET"}, [hooks](const HttpRequestInfo& request) {
        auto reply = hooks.current()->gnudip.handle(request);
        if (GnudipHandler::isSaltPage(reply)) return reply;  // the login's first step, not an update
        return hooks.finish("gnudip", std::move(reply));
    });
    router.add("/", {"GET", "HEAD"}, echo::checkipPage);
    router.add("/checkip", {"GET", "HEAD"}, echo::checkipPage);
    router.add("/ip", {"GET", "HEAD"}, echo::plainAddress);
    router.add("/ip.json", {"GET", "HEAD"}, echo::jsonAddress);
    router.add("/port", {"GET", "HEAD"}, echo::port);
    router.add("/socket", {"GET", "HEAD"}, echo::socket);
    // The UPnP IGD echo for the router source; off unless [http] igd = true.
    if (options.igd) {
        router.add(std::string(igd::kDescriptionPath), {"GET", "HEAD"}, igd::rootDescription);
        router.add(std::string(igd::kServiceDescriptionPath), {"GET", "HEAD"}, igd::serviceDescription);
        router.add(std::string(igd::kControlPath), {"POST"}, igd::control);
    }
}

}  // namespace qdyn::server
