// The messages of one zone transfer (AXFR, RFC 5936; IXFR, RFC 1995), made one at a time from a
// source of records: each message is filled up to 64 KiB (compressed, the TSIG RR included),
// signed when the request was, and only made when the listener asks for it, so a transfer of a
// million names never sits in memory whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn/dns/tsig_server.hpp"
#include "qdyn_server/zone.hpp"
#include "xfr/journal.hpp"

namespace qdyn::server {

// The records of one transfer, in the order they go out.
class RecordSource {
public:
    RecordSource() = default;
    RecordSource(const RecordSource&) = delete;
    RecordSource& operator=(const RecordSource&) = delete;
    virtual ~RecordSource() = default;
    // The next record; nullopt once every record was given.
    virtual std::optional<dns::ResourceRecord> next() = 0;
};

// AXFR: the SOA, the apex NS and records, every other name's served records (offline addresses
// left out as queries leave them out), the SOA again. Holds the snapshot, not a copy of it.
std::unique_ptr<RecordSource> axfrRecords(std::shared_ptr<const ZoneSnapshot> zone);
// IXFR: the current SOA; per step the old SOA, the removed records, the new SOA, the added
// records; the current SOA again. `path` must end at the snapshot's serial.
std::unique_ptr<RecordSource> ixfrRecords(std::shared_ptr<const ZoneSnapshot> zone, ZoneJournal::Path path);
// A single SOA: the IXFR answer to a secondary that is up to date (or asks over UDP).
std::unique_ptr<RecordSource> soaRecord(const ZoneSnapshot& zone);

// What each message of a transfer reply repeats from the request.
struct TransferHeader {
    std::uint16_t id = 0;
    bool rd = false;
    bool cd = false;
    dns::Question question;  // in the first message only (RFC 5936 2.2.1 allows that)
    bool edns = false;       // the request had an OPT: the first message carries ours
};

class TransferStream {
public:
    static constexpr std::size_t kMaxMessage = 65535;
    using Clock = std::function<std::uint64_t()>;

    // `signer` signs every message when the request was signed; `maxMessage` is lowered by
    // tests to see many messages from a small zone.
    TransferStream(TransferHeader header, const dns::Name& origin, std::unique_ptr<RecordSource> records,
                   std::optional<dns::TsigResponseStream> signer, Clock clock, std::size_t maxMessage = kMaxMessage);

    // The wire bytes of the next message; empty once the transfer is complete. Throws
    // std::runtime_error when a message cannot be made (a record too large for any message, or
    // signing failed): the connection must then end, so the client sees the transfer fail.
    std::vector<std::uint8_t> next();
    [[nodiscard]] std::size_t messages() const noexcept { return m_messages; }

private:
    std::optional<dns::ResourceRecord> take();
    [[nodiscard]] std::size_t estimate(const dns::ResourceRecord& record) const noexcept;

    TransferHeader m_header;
    dns::Name m_origin;
    std::unique_ptr<RecordSource> m_records;
    std::optional<dns::TsigResponseStream> m_signer;
    Clock m_clock;
    std::size_t m_maxMessage;
    std::deque<dns::ResourceRecord> m_carry;  // taken from the source but not yet sent
    std::size_t m_messages = 0;
    bool m_done = false;
};

}  // namespace qdyn::server
