// The DNS message codec (RFC 1035, 3596, 6891): header, questions and resource records of the
// types qdyn serves, other types carried as opaque RDATA. Decoding is strict: every length is
// checked, compression pointers must point backwards, trailing bytes are an error.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "qdyn/dns/name.hpp"
#include "qdyn/result.hpp"

namespace qdyn::dns {

namespace rrtype {
inline constexpr std::uint16_t A = 1;
inline constexpr std::uint16_t NS = 2;
inline constexpr std::uint16_t CNAME = 5;
inline constexpr std::uint16_t SOA = 6;
inline constexpr std::uint16_t MX = 15;
inline constexpr std::uint16_t TXT = 16;
inline constexpr std::uint16_t AAAA = 28;
inline constexpr std::uint16_t OPT = 41;
inline constexpr std::uint16_t TSIG = 250;
inline constexpr std::uint16_t IXFR = 251;
inline constexpr std::uint16_t AXFR = 252;
inline constexpr std::uint16_t ANY = 255;
}  // namespace rrtype

namespace rrclass {
// IN, spelt out: <windows.h> defines IN (and OUT) as empty macros, which would erase the name.
inline constexpr std::uint16_t Internet = 1;
inline constexpr std::uint16_t CH = 3;
inline constexpr std::uint16_t NONE = 254;
inline constexpr std::uint16_t ANY = 255;
}  // namespace rrclass

enum class Opcode : std::uint8_t { Query = 0, Status = 2, Notify = 4, Update = 5 };

// The 4-bit header RCODE values (extended RCODEs live in OPT/TSIG and are added later).
enum class Rcode : std::uint8_t {
    NoError = 0,
    FormErr = 1,
    ServFail = 2,
    NxDomain = 3,
    NotImp = 4,
    Refused = 5,
    YxDomain = 6,
    YxRrset = 7,
    NxRrset = 8,
    NotAuth = 9,
    NotZone = 10,
};

std::string_view toString(Rcode rcode) noexcept;
// "A", "AAAA", ... or "TYPE123" (RFC 3597) for others.
std::string typeToString(std::uint16_t type);

struct Header {
    std::uint16_t id = 0;
    bool qr = false;  // response
    Opcode opcode = Opcode::Query;
    bool aa = false;
    bool tc = false;
    bool rd = false;
    bool ra = false;
    bool ad = false;
    bool cd = false;
    Rcode rcode = Rcode::NoError;
};

struct Question {
    Name name;
    std::uint16_t type = rrtype::A;
    std::uint16_t klass = rrclass::Internet;
    friend bool operator==(const Question&, const Question&) = default;
};

struct AData {
    std::array<std::uint8_t, 4> address{};
    friend bool operator==(const AData&, const AData&) = default;
};
struct AaaaData {
    std::array<std::uint8_t, 16> address{};
    friend bool operator==(const AaaaData&, const AaaaData&) = default;
};
// NS and CNAME: a single domain name.
struct NameData {
    Name name;
    friend bool operator==(const NameData&, const NameData&) = default;
};
struct SoaData {
    Name mname;
    Name rname;
    std::uint32_t serial = 0;
    std::uint32_t refresh = 0;
    std::uint32_t retry = 0;
    std::uint32_t expire = 0;
    std::uint32_t minimum = 0;
    friend bool operator==(const SoaData&, const SoaData&) = default;
};
struct MxData {
    std::uint16_t preference = 0;
    Name exchange;
    friend bool operator==(const MxData&, const MxData&) = default;
};
// One or more character-strings of up to 255 octets each.
struct TxtData {
    std::vector<std::string> strings;
    friend bool operator==(const TxtData&, const TxtData&) = default;
};
// Any other type (and OPT, TSIG until they get their own codecs): RDATA as received.
// An empty RawData is also how UPDATE's "delete RRset" (RDLENGTH 0) is represented.
struct RawData {
    std::vector<std::uint8_t> bytes;
    friend bool operator==(const RawData&, const RawData&) = default;
};

// SOA RDATA as an RData alternative, kept on the heap: a zone holds one SOA, but an inline
// SoaData (two names) would make every RData, nearly all of which carry an address, twice as
// large. Copies are deep; it converts from SoaData implicitly.
class BoxedSoa {
public:
    BoxedSoa(SoaData soa) : m_soa(std::make_unique<SoaData>(std::move(soa))) {}  // NOLINT(google-explicit-constructor)
    BoxedSoa(const BoxedSoa& other) : m_soa(std::make_unique<SoaData>(other.get())) {}
    BoxedSoa(BoxedSoa&&) noexcept = default;
    BoxedSoa& operator=(const BoxedSoa& other) {
        if (this != &other) m_soa = std::make_unique<SoaData>(other.get());
        return *this;
    }
    BoxedSoa& operator=(BoxedSoa&&) noexcept = default;
    ~BoxedSoa() = default;
    [[nodiscard]] const SoaData& get() const noexcept { return *m_soa; }
    [[nodiscard]] SoaData& get() noexcept { return *m_soa; }
    friend bool operator==(const BoxedSoa& a, const BoxedSoa& b) { return a.get() == b.get(); }

private:
    std::unique_ptr<SoaData> m_soa;  // never null, except in a moved-from box
};

using RData = std::variant<RawData, AData, AaaaData, NameData, BoxedSoa, MxData, TxtData>;

// The SOA inside an RData, or nullptr when it holds another type.
inline const SoaData* soaOf(const RData& data) noexcept {
    const auto* boxed = std::get_if<BoxedSoa>(&data);
    return boxed != nullptr ? &boxed->get() : nullptr;
}

struct ResourceRecord {
    Name name;
    std::uint16_t type = rrtype::A;
    std::uint16_t klass = rrclass::Internet;
    std::uint32_t ttl = 0;
    RData data;
    friend bool operator==(const ResourceRecord&, const ResourceRecord&) = default;
};

struct Message {
    Header header;
    std::vector<Question> questions;
    std::vector<ResourceRecord> answers;
    std::vector<ResourceRecord> authority;
    std::vector<ResourceRecord> additional;
};

// Decodes a whole message. Known types get typed RDATA whose decoded length must equal
// RDLENGTH exactly; RDLENGTH 0 on any type (an UPDATE delete) yields RawData{}.
Result<Message> decodeMessage(std::span<const std::uint8_t> wire);

// One RDATA in uncompressed wire form (how qdyn-server stores records), and back. Decoding
// applies the message rules (exact lengths, valid names) to a buffer holding just the RDATA.
std::vector<std::uint8_t> encodeRData(std::uint16_t type, const RData& data);
Result<RData> decodeRData(std::uint16_t type, std::span<const std::uint8_t> rdata);

// Encodes a message, compressing owner names and the names inside NS, CNAME, SOA and MX
// RDATA (RFC 1035 4.1.4). Counts come from the vectors' sizes.
std::vector<std::uint8_t> encodeMessage(const Message& message);

}  // namespace qdyn::dns
