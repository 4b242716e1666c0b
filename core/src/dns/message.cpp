// The DNS message codec. Decoding treats every byte as hostile: each read is bounds-checked,
// compression pointers may only move backwards, and nothing is sized from an unchecked count.
#include "qdyn/dns/message.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace qdyn::dns {

namespace {

constexpr std::size_t kHeaderSize = 12;
// Smallest possible question (root name + type + class) and record (root name + type, class,
// TTL, RDLENGTH): used to reject counts the message cannot possibly hold before allocating.
constexpr std::size_t kMinQuestionSize = 1 + 4;
constexpr std::size_t kMinRecordSize = 1 + 10;
// Strictly backward pointers already rule out loops; the cap bounds the work a hostile chain
// of pointer-to-pointer hops can cause per name.
constexpr unsigned kMaxPointerJumps = 64;
// Compression targets must fit the 14-bit pointer field.
constexpr std::size_t kMaxPointerOffset = 0x3fff;
// A handful of names covers a typical response; more entries only cost lookup time.
constexpr std::size_t kMaxCompressionEntries = 64;

std::string offsetText(std::size_t offset) { return " at offset " + std::to_string(offset); }

// A/AAAA RDATA is defined per class (RFC 1035 3.4); CH and others keep their raw bytes.
bool isInternetLike(std::uint16_t klass) noexcept {
    return klass == rrclass::Internet || klass == rrclass::NONE || klass == rrclass::ANY;
}

class Decoder {
public:
    explicit Decoder(std::span<const std::uint8_t> wire) : m_wire(wire) {}

    // One RDATA filling the whole buffer (stored records), with the message rules.
    Result<RData> decodeRDataOnly(std::uint16_t type) {
        RData out;
        if (!readRData(type, rrclass::Internet, m_wire.size(), out)) return makeError(std::move(m_error));
        return out;
    }

    Result<Message> decode() {
        Message message;
        if (!decodeAll(message)) return makeError(std::move(m_error));
        return message;
    }

private:
    bool fail(std::string message) {
        m_error = std::move(message);
        return false;
    }

    // Checks that n bytes are available before `end` (the message or the current RDATA).
    bool need(std::size_t n, std::size_t end, const char* what) {
        if (m_pos > end || end - m_pos < n) {
            return fail(std::string("DNS message: truncated ") + what + offsetText(m_pos));
        }
        return true;
    }

    std::uint16_t u16() noexcept {
        const auto value = static_cast<std::uint16_t>((m_wire[m_pos] << 8) | m_wire[m_pos + 1]);
        m_pos += 2;
        return value;
    }

    std::uint32_t u32() noexcept {
        const std::uint32_t value = (static_cast<std::uint32_t>(m_wire[m_pos]) << 24) |
                                    (static_cast<std::uint32_t>(m_wire[m_pos + 1]) << 16) |
                                    (static_cast<std::uint32_t>(m_wire[m_pos + 2]) << 8) |
                                    static_cast<std::uint32_t>(m_wire[m_pos + 3]);
        m_pos += 4;
        return value;
    }

    // Reads a possibly compressed name starting at m_pos. Its uncompressed part must end before
    // `limit`; data reached through pointers may lie anywhere earlier in the message.
    bool readName(std::size_t limit, Name& out) {
        std::array<char, Name::kMaxWireLength> buffer{};
        std::size_t length = 0;
        std::size_t cur = m_pos;
        std::size_t segmentStart = m_pos;
        std::size_t bound = limit;
        std::size_t end = 0;
        bool jumped = false;
        unsigned jumps = 0;
        while (true) {
            if (cur >= bound) return fail("DNS name: truncated" + offsetText(cur));
            const std::uint8_t octet = m_wire[cur];
            if ((octet & 0xc0) == 0xc0) {
                if (cur + 1 >= bound) return fail("DNS name: truncated compression pointer" + offsetText(cur));
                const std::size_t target = (static_cast<std::size_t>(octet & 0x3f) << 8) | m_wire[cur + 1];
                if (!jumped) {
                    end = cur + 2;
                    jumped = true;
                }
                // Each hop must land before the start of the segment it came from, so offsets
                // strictly decrease and no chain can loop.
                if (target >= segmentStart) {
                    return fail("DNS name: compression pointer does not point backwards" + offsetText(cur));
                }
                if (target < kHeaderSize) {
                    return fail("DNS name: compression pointer into the header" + offsetText(cur));
                }
                if (++jumps > kMaxPointerJumps) {
                    return fail("DNS name: too many compression pointers" + offsetText(cur));
                }
                cur = target;
                segmentStart = target;
                bound = m_wire.size();
                continue;
            }
            if ((octet & 0xc0) != 0) {
                return fail("DNS name: unsupported label type" + offsetText(cur));
            }
            if (octet == 0) {
                buffer[length++] = '\0';
                if (!jumped) end = cur + 1;
                break;
            }
            if (bound - cur - 1 < octet) return fail("DNS name: truncated label" + offsetText(cur));
            // +1 for the root octet that must still follow.
            if (length + 1 + octet + 1 > Name::kMaxWireLength) {
                return fail("DNS name: longer than 255 octets" + offsetText(cur));
            }
            buffer[length] = static_cast<char>(octet);
            std::memcpy(buffer.data() + length + 1, m_wire.data() + cur + 1, octet);
            length += 1 + static_cast<std::size_t>(octet);
            cur += 1 + static_cast<std::size_t>(octet);
        }
        auto name = Name::fromWire(std::string_view(buffer.data(), length));
        if (!name) return fail(name.message());
        out = std::move(name).value();
        m_pos = end;
        return true;
    }

    bool readQuestion(Question& question) {
        if (!readName(m_wire.size(), question.name)) return false;
        if (!need(4, m_wire.size(), "question")) return false;
        question.type = u16();
        question.klass = u16();
        return true;
    }

    bool readTxt(std::size_t end, TxtData& txt) {
        while (m_pos < end) {
            const std::size_t length = m_wire[m_pos];
            if (end - m_pos - 1 < length) {
                return fail("DNS message: TXT character-string overruns RDATA" + offsetText(m_pos));
            }
            txt.strings.emplace_back(reinterpret_cast<const char*>(m_wire.data() + m_pos + 1), length);
            m_pos += 1 + length;
        }
        return true;
    }

    // Types without a codec here (OPT and TSIG included) keep their bytes as received.
    bool readRaw(std::size_t end, RData& out) {
        out = RawData{std::vector<std::uint8_t>(m_wire.begin() + static_cast<std::ptrdiff_t>(m_pos),
                                                m_wire.begin() + static_cast<std::ptrdiff_t>(end))};
        m_pos = end;
        return true;
    }

    bool readRData(std::uint16_t type, std::uint16_t klass, std::size_t rdlength, RData& out) {
        const std::size_t start = m_pos;
        const std::size_t end = start + rdlength;
        // UPDATE's deletes carry no RDATA whatever the type (RFC 2136 2.5.2, 2.5.3).
        if (rdlength == 0) {
            out = RawData{};
            return true;
        }
        switch (type) {
        case rrtype::A:
        case rrtype::AAAA: {
            if (!isInternetLike(klass)) return readRaw(end, out);
            const std::size_t expected = type == rrtype::A ? 4 : 16;
            if (rdlength != expected) {
                return fail("DNS message: " + typeToString(type) + " RDATA of " + std::to_string(rdlength) +
                            " octets, expected " + std::to_string(expected) + offsetText(start));
            }
            if (type == rrtype::A) {
                AData data;
                std::memcpy(data.address.data(), m_wire.data() + start, 4);
                out = data;
            } else {
                AaaaData data;
                std::memcpy(data.address.data(), m_wire.data() + start, 16);
                out = data;
            }
            m_pos = end;
            return true;
        }
        case rrtype::NS:
        case rrtype::CNAME: {
            NameData data;
            if (!readName(end, data.name)) return false;
            out = std::move(data);
            break;
        }
        case rrtype::SOA: {
            SoaData data;
            if (!readName(end, data.mname) || !readName(end, data.rname)) return false;
            if (!need(20, end, "SOA RDATA")) return false;
            data.serial = u32();
            data.refresh = u32();
            data.retry = u32();
            data.expire = u32();
            data.minimum = u32();
            out = std::move(data);
            break;
        }
        case rrtype::MX: {
            MxData data;
            if (!need(2, end, "MX RDATA")) return false;
            data.preference = u16();
            if (!readName(end, data.exchange)) return false;
            out = std::move(data);
            break;
        }
        case rrtype::TXT: {
            TxtData data;
            if (!readTxt(end, data)) return false;
            out = std::move(data);
            break;
        }
        default:
            return readRaw(end, out);
        }
        if (m_pos != end) {
            return fail("DNS message: " + typeToString(type) + " RDATA uses " + std::to_string(m_pos - start) +
                        " octets but RDLENGTH is " + std::to_string(rdlength) + offsetText(start));
        }
        return true;
    }

    bool readRecord(ResourceRecord& record) {
        if (!readName(m_wire.size(), record.name)) return false;
        if (!need(10, m_wire.size(), "resource record")) return false;
        record.type = u16();
        record.klass = u16();
        record.ttl = u32();
        const std::size_t rdlength = u16();
        if (!need(rdlength, m_wire.size(), "RDATA")) return false;
        return readRData(record.type, record.klass, rdlength, record.data);
    }

    bool readSection(std::size_t count, std::vector<ResourceRecord>& records) {
        records.resize(count);
        for (auto& record : records) {
            if (!readRecord(record)) return false;
        }
        return true;
    }

    bool decodeAll(Message& message) {
        if (!need(kHeaderSize, m_wire.size(), "header")) return false;
        Header& header = message.header;
        header.id = u16();
        const std::uint16_t flags = u16();
        header.qr = (flags & 0x8000) != 0;
        // Unknown opcodes and rcodes are kept so a server can answer NOTIMP / echo them.
        header.opcode = static_cast<Opcode>((flags >> 11) & 0xf);
        header.aa = (flags & 0x0400) != 0;
        header.tc = (flags & 0x0200) != 0;
        header.rd = (flags & 0x0100) != 0;
        header.ra = (flags & 0x0080) != 0;
        header.ad = (flags & 0x0020) != 0;
        header.cd = (flags & 0x0010) != 0;
        header.rcode = static_cast<Rcode>(flags & 0xf);
        const std::size_t qdcount = u16();
        const std::size_t ancount = u16();
        const std::size_t nscount = u16();
        const std::size_t arcount = u16();

        const std::size_t minimum = qdcount * kMinQuestionSize + (ancount + nscount + arcount) * kMinRecordSize;
        if (minimum > m_wire.size() - kHeaderSize) {
            return fail("DNS message: section counts need at least " + std::to_string(minimum) +
                        " octets but only " + std::to_string(m_wire.size() - kHeaderSize) + " follow the header");
        }

        message.questions.resize(qdcount);
        for (auto& question : message.questions) {
            if (!readQuestion(question)) return false;
        }
        if (!readSection(ancount, message.answers) || !readSection(nscount, message.authority) ||
            !readSection(arcount, message.additional)) {
            return false;
        }
        if (m_pos != m_wire.size()) {
            return fail("DNS message: " + std::to_string(m_wire.size() - m_pos) +
                        " trailing octet(s) after the last record" + offsetText(m_pos));
        }
        return true;
    }

    std::span<const std::uint8_t> m_wire;
    std::size_t m_pos = 0;
    std::string m_error;
};

class Encoder {
public:
    explicit Encoder(std::vector<std::uint8_t>& out) : m_out(out) {}

    void u8(std::uint8_t value) { m_out.push_back(value); }
    void u16(std::uint16_t value) {
        m_out.push_back(static_cast<std::uint8_t>(value >> 8));
        m_out.push_back(static_cast<std::uint8_t>(value & 0xff));
    }
    void u32(std::uint32_t value) {
        u16(static_cast<std::uint16_t>(value >> 16));
        u16(static_cast<std::uint16_t>(value & 0xffff));
    }
    void bytes(const void* data, std::size_t size) {
        const auto* p = static_cast<const std::uint8_t*>(data);
        m_out.insert(m_out.end(), p, p + size);
    }

    // Writes `name`, replacing its longest already-written suffix by a pointer. Matching is
    // byte-exact so the case a client sent (0x20 randomisation) survives in the answers.
    void name(const Name& n, bool compress) {
        const std::string_view wire = n.wire();
        if (!compress || !m_compression) {
            bytes(wire.data(), wire.size());
            return;
        }
        std::size_t pos = 0;
        while (static_cast<unsigned char>(wire[pos]) != 0) {
            const std::string_view suffix = wire.substr(pos);
            if (const auto offset = find(suffix)) {
                writeLabels(wire, pos);
                u16(static_cast<std::uint16_t>(0xc000 | *offset));
                return;
            }
            pos += 1 + std::size_t{static_cast<unsigned char>(wire[pos])};
        }
        writeLabels(wire, pos);
        u8(0);
    }

    void question(const Question& q) {
        name(q.name, true);
        u16(q.type);
        u16(q.klass);
    }

    void record(const ResourceRecord& rr) {
        // The TSIG key name is sent uncompressed (PROTOCOLS.md, RFC 8945 4.2).
        name(rr.name, rr.type != rrtype::TSIG);
        u16(rr.type);
        u16(rr.klass);
        u32(rr.ttl);
        const std::size_t lengthAt = m_out.size();
        u16(0);
        const std::size_t start = m_out.size();
        rdata(rr.type, rr.data);
        std::size_t rdlength = m_out.size() - start;
        if (rdlength > 0xffff) {
            // Not representable: a caller bug. Send an empty RDATA rather than a corrupt one.
            m_out.resize(start);
            rdlength = 0;
        }
        m_out[lengthAt] = static_cast<std::uint8_t>(rdlength >> 8);
        m_out[lengthAt + 1] = static_cast<std::uint8_t>(rdlength & 0xff);
    }

private:
    std::optional<std::size_t> find(std::string_view suffix) const {
        for (std::size_t i = 0; i < m_suffixCount; ++i) {
            const auto& entry = m_suffixes[i];
            if (entry.wire.size() == suffix.size() && std::memcmp(entry.wire.data(), suffix.data(), suffix.size()) == 0) {
                return entry.offset;
            }
        }
        return std::nullopt;
    }

    // Writes the labels wire[0, prefixEnd) and remembers each suffix they start.
    void writeLabels(std::string_view wire, std::size_t prefixEnd) {
        std::size_t pos = 0;
        while (pos < prefixEnd) {
            const std::size_t at = m_out.size();
            if (at <= kMaxPointerOffset && m_suffixCount < kMaxCompressionEntries) {
                m_suffixes[m_suffixCount++] = {wire.substr(pos), at};
            }
            const std::size_t length = static_cast<unsigned char>(wire[pos]);
            bytes(wire.data() + pos, 1 + length);
            pos += 1 + length;
        }
    }

public:
    // For stored records: every name written in full.
    void disableCompression() noexcept { m_compression = false; }

    void rdata(std::uint16_t type, const RData& data) {
        // Names are compressed only in the RFC 1035 types; RFC 3597 forbids it for the rest.
        if (const auto* raw = std::get_if<RawData>(&data)) {
            bytes(raw->bytes.data(), raw->bytes.size());
        } else if (const auto* a = std::get_if<AData>(&data)) {
            bytes(a->address.data(), a->address.size());
        } else if (const auto* aaaa = std::get_if<AaaaData>(&data)) {
            bytes(aaaa->address.data(), aaaa->address.size());
        } else if (const auto* nameData = std::get_if<NameData>(&data)) {
            name(nameData->name, type == rrtype::NS || type == rrtype::CNAME);
        } else if (const auto* soa = soaOf(data)) {
            name(soa->mname, type == rrtype::SOA);
            name(soa->rname, type == rrtype::SOA);
            u32(soa->serial);
            u32(soa->refresh);
            u32(soa->retry);
            u32(soa->expire);
            u32(soa->minimum);
        } else if (const auto* mx = std::get_if<MxData>(&data)) {
            u16(mx->preference);
            name(mx->exchange, type == rrtype::MX);
        } else if (const auto* txt = std::get_if<TxtData>(&data)) {
            txtData(*txt);
        }
    }

    void txtData(const TxtData& txt) {
        // TXT needs at least one character-string; an empty list becomes one empty string.
        if (txt.strings.empty()) {
            u8(0);
            return;
        }
        for (const auto& s : txt.strings) {
            // Over-long strings are split rather than cut, so no octet is lost.
            std::size_t pos = 0;
            do {
                const std::size_t chunk = std::min<std::size_t>(255, s.size() - pos);
                u8(static_cast<std::uint8_t>(chunk));
                bytes(s.data() + pos, chunk);
                pos += chunk;
            } while (pos < s.size());
        }
    }

private:
    struct Suffix {
        std::string_view wire;  // views into the names of the message being encoded
        std::size_t offset;
    };

    std::vector<std::uint8_t>& m_out;
    // On the stack, not the heap: 1.5 KiB allocated and freed per encoded message (every rdata
    // of every update) made glibc consolidate its free lists each time.
    std::array<Suffix, kMaxCompressionEntries> m_suffixes{};
    std::size_t m_suffixCount = 0;
    bool m_compression = true;
};

std::size_t estimateRData(const RData& data) {
    if (const auto* raw = std::get_if<RawData>(&data)) return raw->bytes.size();
    if (std::holds_alternative<AData>(data)) return 4;
    if (std::holds_alternative<AaaaData>(data)) return 16;
    if (const auto* n = std::get_if<NameData>(&data)) return n->name.wire().size();
    if (const auto* soa = soaOf(data)) return soa->mname.wire().size() + soa->rname.wire().size() + 20;
    if (const auto* mx = std::get_if<MxData>(&data)) return 2 + mx->exchange.wire().size();
    if (const auto* txt = std::get_if<TxtData>(&data)) {
        std::size_t size = 1;
        for (const auto& s : txt->strings) size += 1 + s.size();
        return size;
    }
    return 0;
}

// An upper bound (bar TXT splitting) of the uncompressed size, so encoding allocates once.
std::size_t estimateSize(const Message& message) {
    std::size_t size = kHeaderSize;
    for (const auto& q : message.questions) size += q.name.wire().size() + 4;
    for (const auto* section : {&message.answers, &message.authority, &message.additional}) {
        for (const auto& rr : *section) size += rr.name.wire().size() + 10 + estimateRData(rr.data);
    }
    return size;
}

// Counts are 16 bits; a larger section is a caller bug, so only what the count can say is sent.
std::uint16_t sectionCount(std::size_t size) noexcept {
    return static_cast<std::uint16_t>(std::min<std::size_t>(size, 0xffff));
}

}  // namespace

std::string_view toString(Rcode rcode) noexcept {
    switch (rcode) {
    case Rcode::NoError: return "NOERROR";
    case Rcode::FormErr: return "FORMERR";
    case Rcode::ServFail: return "SERVFAIL";
    case Rcode::NxDomain: return "NXDOMAIN";
    case Rcode::NotImp: return "NOTIMP";
    case Rcode::Refused: return "REFUSED";
    case Rcode::YxDomain: return "YXDOMAIN";
    case Rcode::YxRrset: return "YXRRSET";
    case Rcode::NxRrset: return "NXRRSET";
    case Rcode::NotAuth: return "NOTAUTH";
    case Rcode::NotZone: return "NOTZONE";
    }
    switch (static_cast<unsigned>(rcode)) {
    case 11: return "DSOTYPENI";
    case 12: return "RCODE12";
    case 13: return "RCODE13";
    case 14: return "RCODE14";
    case 15: return "RCODE15";
    default: return "RCODE?";
    }
}

std::string typeToString(std::uint16_t type) {
    switch (type) {
    case rrtype::A: return "A";
    case rrtype::NS: return "NS";
    case rrtype::CNAME: return "CNAME";
    case rrtype::SOA: return "SOA";
    case 12: return "PTR";
    case 13: return "HINFO";
    case rrtype::MX: return "MX";
    case rrtype::TXT: return "TXT";
    case rrtype::AAAA: return "AAAA";
    case 33: return "SRV";
    case rrtype::OPT: return "OPT";
    case 43: return "DS";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 50: return "NSEC3";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case rrtype::TSIG: return "TSIG";
    case 251: return "IXFR";
    case 252: return "AXFR";
    case rrtype::ANY: return "ANY";
    case 257: return "CAA";
    default: return "TYPE" + std::to_string(type);
    }
}

Result<Message> decodeMessage(std::span<const std::uint8_t> wire) { return Decoder(wire).decode(); }

std::vector<std::uint8_t> encodeRData(std::uint16_t type, const RData& data) {
    std::vector<std::uint8_t> out;
    Encoder encoder(out);
    encoder.disableCompression();
    encoder.rdata(type, data);
    return out;
}

Result<RData> decodeRData(std::uint16_t type, std::span<const std::uint8_t> rdata) {
    return Decoder(rdata).decodeRDataOnly(type);
}

std::vector<std::uint8_t> encodeMessage(const Message& message) {
    std::vector<std::uint8_t> out;
    out.reserve(estimateSize(message));
    Encoder encoder(out);

    const Header& h = message.header;
    encoder.u16(h.id);
    const auto flags = static_cast<std::uint16_t>(
        (h.qr ? 0x8000u : 0u) | ((static_cast<unsigned>(h.opcode) & 0xfu) << 11) | (h.aa ? 0x0400u : 0u) |
        (h.tc ? 0x0200u : 0u) | (h.rd ? 0x0100u : 0u) | (h.ra ? 0x0080u : 0u) | (h.ad ? 0x0020u : 0u) |
        (h.cd ? 0x0010u : 0u) | (static_cast<unsigned>(h.rcode) & 0xfu));
    encoder.u16(flags);
    encoder.u16(sectionCount(message.questions.size()));
    encoder.u16(sectionCount(message.answers.size()));
    encoder.u16(sectionCount(message.authority.size()));
    encoder.u16(sectionCount(message.additional.size()));

    const std::size_t questions = sectionCount(message.questions.size());
    for (std::size_t i = 0; i < questions; ++i) encoder.question(message.questions[i]);
    for (const auto* section : {&message.answers, &message.authority, &message.additional}) {
        const std::size_t count = sectionCount(section->size());
        for (std::size_t i = 0; i < count; ++i) encoder.record((*section)[i]);
    }
    return out;
}

}  // namespace qdyn::dns
