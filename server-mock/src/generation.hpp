// Everything built from one configuration that a reload (SIGHUP) replaces as a whole: the
// front ends that read accounts and keys, and the DNS cookie secret. A request takes the
// current generation once and keeps it to its end, so a reload never changes a request midway.
#pragma once

#include <memory>
#include <optional>

#include "accounts/authenticator.hpp"
#include "accounts/login_throttle.hpp"
#include "dns/update_handler.hpp"
#include "http/dynonym_handler.hpp"
#include "http/gnudip_handler.hpp"
#include "http/minidns_handler.hpp"
#include "http/nanodnsd_handler.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/dns_cookies.hpp"
#include "qdyn_server/dyndns2_handler.hpp"
#include "qdyn_server/update_service.hpp"
#include "xfr/journal.hpp"
#include "xfr/transfer_handler.hpp"

namespace qdyn::server {

class Generation {
public:
    // Fails when the DNS cookie secret cannot be set up (OpenSSL without SipHash). On a reload,
    // `previous` hands over what must outlive a configuration: the verified-credentials cache,
    // the login throttle (a reload must not wipe a block) and a random cookie secret (so
    // clients' cookies and logins stay valid across SIGHUP).
    static Result<std::shared_ptr<const Generation>> make(Config config, UpdateService& updates,
                                                          const ZoneJournal& journal,
                                                          const Generation* previous = nullptr);

    // What outlives one configuration: handed from each generation to the next.
    struct Carried {
        std::shared_ptr<CredentialCache> credentials;
        std::shared_ptr<LoginThrottle> throttle;
        std::shared_ptr<GnudipSalts> gnudipSalts;
    };
    Generation(Config config, Carried carried, UpdateService& updates, const ZoneJournal& journal);
    Generation(const Generation&) = delete;
    Generation& operator=(const Generation&) = delete;

    Config config;  // first: the handlers below hold references into it
    Carried carried;
    Authenticator auth;
    Dyndns2Handler dyndns2;
    NanodnsdHandler nanodnsd;
    MinidnsHandler minidns;
    DynonymHandler dynonym;
    GnudipHandler gnudip;
    DnsUpdateHandler dnsUpdates;
    TransferHandler transfers;  // AXFR/IXFR to the [[secondary]] servers, and their signed queries
    std::optional<ServerCookies> cookies;  // empty when [dns] cookies = false
};

// Why `next` cannot replace `running` without a restart (listeners, the store), or nothing.
std::optional<std::string> restartNeededFor(const Config& running, const Config& next);

}  // namespace qdyn::server
