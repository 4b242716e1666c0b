// The row format of one name (see record_codec.hpp).
#include "store/record_codec.hpp"

#include <limits>

namespace qdyn::server::store {

namespace {

constexpr std::size_t kMaxCount = std::numeric_limits<std::uint16_t>::max();

void putU16(std::string& out, std::size_t value) {
    out.push_back(static_cast<char>((value >> 8) & 0xFFU));
    out.push_back(static_cast<char>(value & 0xFFU));
}

void putU32(std::string& out, std::uint32_t value) {
    putU16(out, value >> 16);
    putU16(out, value & 0xFFFFU);
}

// Reads big-endian integers and byte runs, failing on the first read past the end.
class Reader {
public:
    explicit Reader(std::string_view bytes) : m_bytes(bytes) {}

    bool u16(std::uint16_t& value) {
        if (m_bytes.size() - m_pos < 2) return false;
        value = static_cast<std::uint16_t>((byte(0) << 8) | byte(1));
        m_pos += 2;
        return true;
    }
    bool u32(std::uint32_t& value) {
        std::uint16_t high = 0;
        std::uint16_t low = 0;
        if (!u16(high) || !u16(low)) return false;
        value = (static_cast<std::uint32_t>(high) << 16) | low;
        return true;
    }
    bool bytes(std::size_t count, std::vector<std::uint8_t>& out) {
        if (m_bytes.size() - m_pos < count) return false;
        const auto* first = reinterpret_cast<const std::uint8_t*>(m_bytes.data() + m_pos);
        out.assign(first, first + count);
        m_pos += count;
        return true;
    }
    [[nodiscard]] bool atEnd() const noexcept { return m_pos == m_bytes.size(); }
    [[nodiscard]] std::size_t left() const noexcept { return m_bytes.size() - m_pos; }

private:
    [[nodiscard]] unsigned byte(std::size_t offset) const {
        return static_cast<unsigned char>(m_bytes[m_pos + offset]);
    }
    std::string_view m_bytes;
    std::size_t m_pos = 0;
};

bool isEmpty(const StoredName& name) {
    return name.rrsets.empty() && !name.offline && name.expiresAt == 0;
}

}  // namespace

Result<std::string> encodeRRsets(const std::vector<StoredRRset>& rrsets) {
    if (rrsets.size() > kMaxCount) return makeError("more than 65535 RRsets at one name");
    std::size_t size = 2;
    for (const auto& rrset : rrsets) {
        if (rrset.rdatas.size() > kMaxCount) return makeError("more than 65535 records in one RRset");
        size += 8;
        for (const auto& rdata : rrset.rdatas) {
            if (rdata.size() > kMaxCount) return makeError("an RDATA longer than 65535 octets");
            size += 2 + rdata.size();
        }
    }
    std::string out;
    out.reserve(size);
    putU16(out, rrsets.size());
    for (const auto& rrset : rrsets) {
        putU16(out, rrset.type);
        putU32(out, rrset.ttl);
        putU16(out, rrset.rdatas.size());
        for (const auto& rdata : rrset.rdatas) {
            putU16(out, rdata.size());
            out.append(reinterpret_cast<const char*>(rdata.data()), rdata.size());
        }
    }
    return out;
}

Result<void> decodeRRsetsInto(std::string_view blob, std::vector<StoredRRset>& rrsets) {
    Reader in(blob);
    std::uint16_t count = 0;
    if (!in.u16(count)) return makeError("RRset blob shorter than its count");
    // A count the rest of the blob cannot hold fails before anything is sized by it: a damaged
    // row must not make room for 65535 RRsets (or RDATAs) it does not have.
    constexpr std::size_t kRRsetHeader = 8;  // type, TTL, RDATA count
    constexpr std::size_t kRDataHeader = 2;  // length
    if (count > in.left() / kRRsetHeader) return makeError("RRset blob shorter than its RRset count says");
    // resize/assign keep the capacity `rrsets` already has: a loop over many rows allocates
    // only when a row is bigger than any before it.
    rrsets.resize(count);
    for (auto& rrset : rrsets) {
        std::uint16_t rdataCount = 0;
        if (!in.u16(rrset.type) || !in.u32(rrset.ttl) || !in.u16(rdataCount)) {
            return makeError("RRset blob ends inside an RRset header");
        }
        if (rdataCount > in.left() / kRDataHeader) return makeError("RRset blob shorter than its RDATA count says");
        rrset.rdatas.resize(rdataCount);
        for (auto& rdata : rrset.rdatas) {
            std::uint16_t length = 0;
            if (!in.u16(length) || !in.bytes(length, rdata)) return makeError("RRset blob ends inside an RDATA");
        }
    }
    if (!in.atEnd()) return makeError("RRset blob has bytes after its last RRset");
    return {};
}

Result<std::vector<StoredRRset>> decodeRRsets(std::string_view blob) {
    std::vector<StoredRRset> rrsets;
    if (auto decoded = decodeRRsetsInto(blob, rrsets); !decoded) return decoded.error();
    return rrsets;
}

Result<EncodedName> encodeName(const StoredName& name) {
    EncodedName encoded;
    encoded.key = name.name.lowercasedWire();
    if (encoded.key != name.name.wire()) encoded.spelling = name.name.wire();
    if (isEmpty(name)) {
        encoded.remove = true;
        return encoded;
    }
    auto rrsets = encodeRRsets(name.rrsets);
    if (!rrsets) return makeError(name.name.toString() + ": " + rrsets.message());
    encoded.offline = name.offline;
    encoded.expiresAt = name.expiresAt;
    encoded.rrsets = std::move(*rrsets);
    return encoded;
}

Result<EncodedWrite> encodeWrite(const StoreWrite& write) {
    EncodedWrite encoded;
    encoded.serial = write.serial;
    encoded.removals.reserve(write.removals.size());
    for (const auto& name : write.removals)
        encoded.removals.push_back(name.lowercasedWire());
    encoded.upserts.reserve(write.upserts.size());
    for (const auto& name : write.upserts) {
        auto one = encodeName(name);
        if (!one) return one.error();
        encoded.upserts.push_back(std::move(*one));
    }
    return encoded;
}

}  // namespace qdyn::server::store
