// miniDNS's registration script (seed 001, PROTOCOLS.md "miniDNS"):
//   GET /areg.php?opcode=ADD&host=H&username=U&password=P[&ip=A]
// Success: "okay. H mapped to A." (H upper-cased, as the real service answers); failures
// "auth_fail. Incorrect username/password/hostname." and "auth_fail. Host name format error.".
// H is a label inside the zone or a full name; without ip the connecting address is used.
// What the seed leaves open (other opcodes, a malformed ip, throttling) gets replies in the
// same "word. sentence." form, listed in docs/protocols/minidns.md.
#pragma once

#include "qdyn_server/config.hpp"
#include "qdyn_server/http_message.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server {

class Authenticator;

class MinidnsHandler {
public:
    // All three must outlive the handler.
    MinidnsHandler(const Config& config, UpdateService& updates, const Authenticator& auth);

    [[nodiscard]] HttpReply handle(const HttpRequestInfo& request) const;

private:
    const Config& m_config;
    UpdateService& m_updates;
    const Authenticator& m_auth;
};

}  // namespace qdyn::server
