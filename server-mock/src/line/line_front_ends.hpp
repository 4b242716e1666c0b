// The line-protocol front ends of qdyn-server, opened from [listen]: QDNS over TCP and TLS,
// miniupdate (and its myip service over UDP), GnuDIP over TCP, and STUN and NAT-PMP over UDP.
// Kept apart from server.cpp so each protocol is one line here.
#pragma once

#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "echo/natpmp_server.hpp"
#include "echo/stun_server.hpp"
#include "http/tls_context.hpp"
#include "line/line_listener.hpp"
#include "line/myip_udp.hpp"
#include "line/qdns_session.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/server.hpp"

namespace qdyn::server {

class LineFrontEnds {
public:
    // `services` and the io_context outlive this object.
    LineFrontEnds(boost::asio::io_context& io, LineServices services, LineListener::AfterDurable afterDurable);

    // Binds every configured line listener (each one appended to `bound`); on failure nothing
    // stays open. `tls` is needed only for [listen] qdns_tls.
    Result<void> open(const Config& config, const std::shared_ptr<TlsContext>& tls, std::vector<BoundListener>& bound);
    void start();
    // Io thread only (or before it runs): stops accepting and closes every session.
    void stop();
    // SIGHUP's new certificate for the TLS listeners. Io thread only.
    void setTlsContext(const std::shared_ptr<TlsContext>& tls);
    [[nodiscard]] bool usesTls() const noexcept { return !m_tlsListeners.empty(); }

private:
    boost::asio::io_context& m_io;
    LineServices m_services;
    LineListener::AfterDurable m_afterDurable;
    std::vector<std::shared_ptr<LineListener>> m_listeners;     // all of them
    std::vector<std::shared_ptr<LineListener>> m_tlsListeners;  // those among them that speak TLS
    std::vector<std::shared_ptr<UdpEchoListener>> m_myip;  // miniDNS's myip over UDP
    std::vector<std::shared_ptr<UdpEchoListener>> m_stun;  // STUN Binding responses over UDP
    std::vector<std::shared_ptr<UdpEchoListener>> m_natpmp;  // NAT-PMP external address answers over UDP
};

}  // namespace qdyn::server
