// Zone transfer messages: the record sources (a paused walk over the snapshot's shards for AXFR,
// the journal's steps for IXFR) and the packing of their records into signed messages.
#include "xfr/transfer_stream.hpp"

#include <stdexcept>
#include <utility>

#include "dns/reply_basics.hpp"
#include "qdyn_server/dns_responder.hpp"

namespace qdyn::server {

namespace {

using wire::kHeaderSize;
constexpr std::size_t kRecordFixed = 10;  // type, class, TTL, RDLENGTH
constexpr std::size_t kPointer = 2;
constexpr std::size_t kTxtChunk = 255;

dns::ResourceRecord soaWithSerial(const ZoneSnapshot& zone, std::uint32_t serial) {
    dns::SoaData soa = zone.soa;
    soa.serial = serial;
    return {zone.origin, dns::rrtype::SOA, dns::rrclass::Internet, zone.apexTtl, soa};
}

// A source that produces its records in batches (one name, one journal step), so that only a
// batch is ever held beyond what the snapshot or the journal already keeps.
class BatchedSource : public RecordSource {
public:
    std::optional<dns::ResourceRecord> next() final {
        while (m_at == m_batch.size()) {
            m_batch.clear();
            m_at = 0;
            if (!refill(m_batch)) return std::nullopt;
        }
        return std::move(m_batch[m_at++]);
    }

protected:
    // Appends the next batch (it may be empty); false once there is nothing more.
    virtual bool refill(std::vector<dns::ResourceRecord>& out) = 0;

private:
    std::vector<dns::ResourceRecord> m_batch;
    std::size_t m_at = 0;
};

class AxfrSource final : public BatchedSource {
public:
    explicit AxfrSource(std::shared_ptr<const ZoneSnapshot> zone)
        : m_zone(std::move(zone)), m_it(m_zone->shard(0).begin()) {}

private:
    enum class Phase { Apex, Names, Done };

    bool refill(std::vector<dns::ResourceRecord>& out) override {
        const ZoneSnapshot& zone = *m_zone;
        switch (m_phase) {
            case Phase::Apex:
                out.push_back(soaWithSerial(zone, zone.soa.serial));
                for (const auto& ns : zone.nameservers) {
                    out.push_back({zone.origin, dns::rrtype::NS, dns::rrclass::Internet, zone.apexTtl, dns::NameData{ns}});
                }
                if (const Node* apex = zone.find(zone.origin)) appendServedRecords(zone.origin, *apex, out);
                m_phase = Phase::Names;
                return true;
            case Phase::Names:
                // One name per batch; empty shards are skipped in the same call.
                while (m_shard < ZoneSnapshot::kShardCount) {
                    const auto& shard = zone.shard(m_shard);
                    if (m_it == shard.end()) {
                        if (++m_shard < ZoneSnapshot::kShardCount) m_it = zone.shard(m_shard).begin();
                        continue;
                    }
                    const auto& [name, node] = *m_it++;
                    if (name == zone.origin) continue;  // went first
                    appendServedRecords(name, node, out);
                    return true;
                }
                out.push_back(soaWithSerial(zone, zone.soa.serial));
                m_phase = Phase::Done;
                return true;
            case Phase::Done:
                break;
        }
        return false;
    }

    std::shared_ptr<const ZoneSnapshot> m_zone;
    Phase m_phase = Phase::Apex;
    std::size_t m_shard = 0;
    ZoneSnapshot::Shard::const_iterator m_it;
};

class IxfrSource final : public BatchedSource {
public:
    IxfrSource(std::shared_ptr<const ZoneSnapshot> zone, ZoneJournal::Path path)
        : m_zone(std::move(zone)), m_path(std::move(path)) {}

private:
    bool refill(std::vector<dns::ResourceRecord>& out) override {
        const ZoneSnapshot& zone = *m_zone;
        if (!m_started) {
            m_started = true;
            out.push_back(soaWithSerial(zone, zone.soa.serial));
            return true;
        }
        if (m_step < m_path.size()) {
            // RFC 1995 4: the old SOA, what went, the new SOA, what came.
            const auto& step = *m_path[m_step++];
            out.push_back(soaWithSerial(zone, step.oldSerial));
            out.insert(out.end(), step.removed.begin(), step.removed.end());
            out.push_back(soaWithSerial(zone, step.newSerial));
            out.insert(out.end(), step.added.begin(), step.added.end());
            return true;
        }
        if (m_finished) return false;
        m_finished = true;
        out.push_back(soaWithSerial(zone, zone.soa.serial));
        return true;
    }

    std::shared_ptr<const ZoneSnapshot> m_zone;
    ZoneJournal::Path m_path;
    std::size_t m_step = 0;
    bool m_started = false;
    bool m_finished = false;
};

class SingleRecord final : public RecordSource {
public:
    explicit SingleRecord(dns::ResourceRecord record) : m_record(std::move(record)) {}
    std::optional<dns::ResourceRecord> next() override { return std::exchange(m_record, std::nullopt); }

private:
    std::optional<dns::ResourceRecord> m_record;
};

std::size_t rdataEstimate(const dns::RData& data) {
    if (const auto* raw = std::get_if<dns::RawData>(&data)) return raw->bytes.size();
    if (std::holds_alternative<dns::AData>(data)) return 4;
    if (std::holds_alternative<dns::AaaaData>(data)) return 16;
    if (const auto* name = std::get_if<dns::NameData>(&data)) return name->name.wire().size();
    if (const auto* soa = dns::soaOf(data))
        return soa->mname.wire().size() + soa->rname.wire().size() + 20;
    if (const auto* mx = std::get_if<dns::MxData>(&data)) return 2 + mx->exchange.wire().size();
    if (const auto* txt = std::get_if<dns::TxtData>(&data)) {
        std::size_t size = txt->strings.empty() ? 1 : 0;
        // The encoder splits a string longer than 255 octets into several, each with its length.
        for (const auto& s : txt->strings)
            size += s.size() + (s.empty() ? 1 : (s.size() + kTxtChunk - 1) / kTxtChunk);
        return size;
    }
    return 0;
}

}  // namespace

std::unique_ptr<RecordSource> axfrRecords(std::shared_ptr<const ZoneSnapshot> zone) {
    return std::make_unique<AxfrSource>(std::move(zone));
}

std::unique_ptr<RecordSource> ixfrRecords(std::shared_ptr<const ZoneSnapshot> zone, ZoneJournal::Path path) {
    return std::make_unique<IxfrSource>(std::move(zone), std::move(path));
}

std::unique_ptr<RecordSource> soaRecord(const ZoneSnapshot& zone) {
    return std::make_unique<SingleRecord>(soaWithSerial(zone, zone.soa.serial));
}

TransferStream::TransferStream(TransferHeader header, const dns::Name& origin, std::unique_ptr<RecordSource> records,
                               std::optional<dns::TsigResponseStream> signer, Clock clock, std::size_t maxMessage)
    : m_header(std::move(header)),
      m_origin(origin),
      m_records(std::move(records)),
      m_signer(std::move(signer)),
      m_clock(std::move(clock)),
      m_maxMessage(maxMessage) {}

std::optional<dns::ResourceRecord> TransferStream::take() {
    if (m_carry.empty()) return m_records->next();
    auto record = std::move(m_carry.front());
    m_carry.pop_front();
    return record;
}

// An upper bound of the record's encoded size as long as its owner compresses against the
// origin (written in full once per message, counted in next()); names in RDATA are counted
// uncompressed.
std::size_t TransferStream::estimate(const dns::ResourceRecord& record) const noexcept {
    const std::size_t owner = record.name.wire().size();
    const std::size_t origin = m_origin.wire().size();
    const bool inside = record.name.isSubdomainOf(m_origin);
    return (inside ? owner - origin + kPointer : owner) + kRecordFixed + rdataEstimate(record.data);
}

std::vector<std::uint8_t> TransferStream::next() {
    if (m_done) return {};
    const bool first = m_messages == 0;
    dns::Message message;
    message.header.id = m_header.id;
    message.header.qr = true;
    message.header.aa = true;
    message.header.rd = m_header.rd;
    message.header.cd = m_header.cd;
    if (first) message.questions.push_back(m_header.question);
    const bool withOpt = first && m_header.edns;
    const std::size_t reserved = (m_signer ? m_signer->overhead() : 0) + (withOpt ? wire::kEmptyOptSize : 0);
    std::size_t size =
        kHeaderSize + m_origin.wire().size() + reserved + (first ? m_header.question.name.wire().size() + 4 : 0);
    while (auto record = take()) {
        const std::size_t more = estimate(*record);
        if (!message.answers.empty() && size + more > m_maxMessage) {
            m_carry.push_front(std::move(*record));
            break;
        }
        size += more;
        message.answers.push_back(std::move(*record));
    }
    if (message.answers.empty()) {
        m_done = true;
        return {};
    }
    if (withOpt) message.additional.push_back(wire::serverOpt());

    // The estimate fails only for owners spelled in another case than the origin (compression
    // is byte-exact): the real size decides, and the tail goes back for the next message.
    std::vector<std::uint8_t> wire = dns::encodeMessage(message);
    const std::size_t overhead = m_signer ? m_signer->overhead() : 0;
    while (wire.size() + overhead > m_maxMessage) {
        if (message.answers.size() == 1) {
            throw std::runtime_error("zone transfer: the record at " + message.answers.front().name.toString() +
                                     " does not fit in a DNS message");
        }
        const std::size_t keep = message.answers.size() / 2;
        for (std::size_t i = message.answers.size(); i-- > keep;)
            m_carry.push_front(std::move(message.answers[i]));
        message.answers.resize(keep);
        wire = dns::encodeMessage(message);
    }
    ++m_messages;
    if (!m_signer) return wire;
    auto signedWire = m_signer->sign(message, m_clock());
    if (!signedWire) throw std::runtime_error("zone transfer: " + signedWire.message());
    return std::move(*signedWire);
}

}  // namespace qdyn::server
