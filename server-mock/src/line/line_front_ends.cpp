// Which session each line listener speaks, and with which limits.
#include "line/line_front_ends.hpp"

#include <string>

#include "line/gnudip_tcp_session.hpp"
#include "line/miniupdate_session.hpp"

namespace qdyn::server {

LineFrontEnds::LineFrontEnds(boost::asio::io_context& io, LineServices services, LineListener::AfterDurable afterDurable)
    : m_io(io), m_services(std::move(services)), m_afterDurable(std::move(afterDurable)) {}

Result<void> LineFrontEnds::open(const Config& config, const std::shared_ptr<TlsContext>& tls,
                                 std::vector<BoundListener>& bound) {
    LineLimits limits;
    limits.idleTimeout = std::chrono::seconds(config.lineOptions.idleTimeout);
    limits.maxConnections = config.lineOptions.maxConnections;

    auto add = [&](const std::vector<ListenAddress>& where, const std::string& kind, const LineSessionFactory& factory,
                   const std::shared_ptr<TlsContext>& context) -> Result<void> {
        for (const auto& address : where) {
            auto listener = LineListener::open(m_io, address, kind, factory, m_afterDurable, limits, context);
            if (!listener) {
                stop();
                m_listeners.clear();
                m_tlsListeners.clear();
                m_myip.clear();
                return listener.error();
            }
            bound.push_back({kind, address.address, (*listener)->port()});
            m_listeners.push_back(*listener);
            if (context) m_tlsListeners.push_back(*listener);
        }
        return {};
    };

    const LineSessionFactory qdns = [this](const LinePeer& peer) {
        return std::make_unique<QdnsSession>(m_services, peer);
    };
    if (auto opened = add(config.qdns, "qdns", qdns, nullptr); !opened) return opened;
    if (!config.qdnsTls.empty()) {
        if (!tls) return makeError("qdns_tls: no TLS certificate loaded");
        if (auto opened = add(config.qdnsTls, "qdns-tls", qdns, tls); !opened) return opened;
    }

    const LineSessionFactory miniupdate = [this](const LinePeer& peer) {
        return std::make_unique<MiniupdateSession>(m_services, peer);
    };
    if (auto opened = add(config.miniupdate, "miniupdate", miniupdate, nullptr); !opened) return opened;
    for (const auto& address : config.myip) {
        auto myip = MyipUdp::open(m_io, address);
        if (!myip) {
            stop();
            m_listeners.clear();
            m_tlsListeners.clear();
            m_myip.clear();
            return myip.error();
        }
        bound.push_back({"myip", address.address, (*myip)->port()});
        m_myip.push_back(*myip);
    }

    const LineSessionFactory gnudip = [this](const LinePeer& peer) {
        return std::make_unique<GnudipTcpSession>(m_services, peer);
    };
    if (auto opened = add(config.gnudip, "gnudip", gnudip, nullptr); !opened) return opened;
    for (const auto& address : config.stun) {
        auto stun = StunListener::open(m_io, address);
        if (!stun) {
            stop();
            m_listeners.clear();
            m_tlsListeners.clear();
            m_myip.clear();
            m_stun.clear();
            return stun.error();
        }
        bound.push_back({"stun", address.address, (*stun)->port()});
        m_stun.push_back(*stun);
    }
    for (const auto& address : config.natpmp) {
        auto natpmp = NatpmpListener::open(m_io, address);
        if (!natpmp) {
            stop();
            m_listeners.clear();
            m_tlsListeners.clear();
            m_myip.clear();
            m_stun.clear();
            m_natpmp.clear();
            return natpmp.error();
        }
        bound.push_back({"natpmp", address.address, (*natpmp)->port()});
        m_natpmp.push_back(*natpmp);
    }
    return {};
}

void LineFrontEnds::start() {
    for (auto& listener : m_listeners) listener->start();
    for (auto& myip : m_myip) myip->start();
    for (auto& stun : m_stun) stun->start();
    for (auto& natpmp : m_natpmp) natpmp->start();
}

void LineFrontEnds::stop() {
    for (auto& listener : m_listeners) listener->stop();
    for (auto& myip : m_myip) myip->stop();
    for (auto& stun : m_stun) stun->stop();
    for (auto& natpmp : m_natpmp) natpmp->stop();
}

void LineFrontEnds::setTlsContext(const std::shared_ptr<TlsContext>& tls) {
    for (auto& listener : m_tlsListeners) listener->setTlsContext(tls);
}

}  // namespace qdyn::server
