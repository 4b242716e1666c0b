// The Prometheus exposition of qdyn-server's counters.
#include "metrics.hpp"

#include <sstream>

#include "qdyn/dns/message.hpp"

namespace qdyn::server {

namespace {

const char* transportName(std::size_t index) { return index == 0 ? "udp" : "tcp"; }

// Label values are escaped as the text format requires.
std::string label(const std::string& value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

double seconds(std::chrono::microseconds value) { return static_cast<double>(value.count()) / 1e6; }

}  // namespace

void Metrics::countAnswer(bool tcp, std::uint8_t rcode) noexcept {
    m_answers[tcp ? 1 : 0][rcode & 0x0FU].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::countDropped(bool tcp) noexcept { m_dropped[tcp ? 1 : 0].fetch_add(1, std::memory_order_relaxed); }

void Metrics::countUpdate(const std::string& protocol, const std::string& outcome) {
    const std::lock_guard lock(m_mutex);
    ++m_updates[{protocol, outcome}];
}

void Metrics::countAuthFailure(const std::string& protocol) {
    const std::lock_guard lock(m_mutex);
    ++m_authFailures[protocol];
}

std::string Metrics::render(const ZoneSnapshot& zone, const Store* store, const ForwardStats* forward) const {
    std::ostringstream out;
    header(out, "qdyn_dns_responses_total", "counter", "DNS answers sent, by transport and header rcode.");
    for (std::size_t t = 0; t < 2; ++t) {
        for (std::size_t rcode = 0; rcode < kRcodes; ++rcode) {
            const auto value = m_answers[t][rcode].load(std::memory_order_relaxed);
            if (value == 0) continue;
            out << "qdyn_dns_responses_total{transport=\"" << transportName(t) << "\",rcode=\""
                << dns::toString(static_cast<dns::Rcode>(rcode)) << "\"} " << value << '\n';
        }
    }
    header(out, "qdyn_dns_dropped_total", "counter", "DNS messages not answered (responses, runts, rate limit).");
    for (std::size_t t = 0; t < 2; ++t) {
        out << "qdyn_dns_dropped_total{transport=\"" << transportName(t) << "\"} "
            << m_dropped[t].load(std::memory_order_relaxed) << '\n';
    }
    {
        const std::lock_guard lock(m_mutex);
        header(out, "qdyn_updates_total", "counter", "Update requests by protocol and outcome.");
        for (const auto& [key, value] : m_updates) {
            out << "qdyn_updates_total{protocol=\"" << label(key.first) << "\",outcome=\"" << label(key.second) << "\"} "
                << value << '\n';
        }
        header(out, "qdyn_auth_failures_total", "counter", "Failed authentications by protocol.");
        for (const auto& [protocol, value] : m_authFailures) {
            out << "qdyn_auth_failures_total{protocol=\"" << label(protocol) << "\"} " << value << '\n';
        }
    }
    header(out, "qdyn_zone_serial", "gauge", "The SOA serial being served.");
    out << "qdyn_zone_serial " << zone.soa.serial << '\n';
    header(out, "qdyn_zone_names", "gauge", "Names in the zone, the apex and empty non-terminals included.");
    out << "qdyn_zone_names " << zone.nameCount() << '\n';
    if (store != nullptr) {
        const auto stats = store->stats();
        header(out, "qdyn_store_writes_total", "counter", "Changes committed to the store.");
        out << "qdyn_store_writes_total " << stats.writes << '\n';
        header(out, "qdyn_store_transactions_total", "counter", "SQLite transactions committed (writes are batched).");
        out << "qdyn_store_transactions_total " << stats.transactions << '\n';
        header(out, "qdyn_store_failures_total", "counter", "Store transactions that failed.");
        out << "qdyn_store_failures_total " << stats.failures << '\n';
        header(out, "qdyn_store_commit_seconds", "gauge", "Duration of the last and the slowest commit.");
        out << "qdyn_store_commit_seconds{which=\"last\"} " << seconds(stats.lastCommit) << '\n';
        out << "qdyn_store_commit_seconds{which=\"max\"} " << seconds(stats.maxCommit) << '\n';
    }
    if (forward != nullptr) {
        header(out, "qdyn_forward_messages_total", "counter", "UPDATE messages sent to the [forward] primary, by result.");
        out << "qdyn_forward_messages_total{result=\"accepted\"} " << forward->accepted << '\n';
        out << "qdyn_forward_messages_total{result=\"failed\"} " << forward->failed << '\n';
        header(out, "qdyn_forward_pending_rrsets", "gauge", "RRsets waiting to be sent to the [forward] primary.");
        out << "qdyn_forward_pending_rrsets " << forward->pending << '\n';
    }
    return out.str();
}

}  // namespace qdyn::server
