// Internal to core: the TSIG pieces that the client side (tsig.cpp) and the server side
// (tsig_server.cpp) both need, so both compute and check a MAC in exactly one way.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qdyn/crypto/hmac.hpp"
#include "qdyn/dns/message.hpp"
#include "qdyn/dns/name.hpp"
#include "qdyn/dns/tsig.hpp"
#include "qdyn/result.hpp"

namespace qdyn::dns::tsig_internal {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

inline constexpr std::size_t kHeaderSize = 12;

crypto::HmacAlgorithm hmacOf(TsigAlgorithm algorithm) noexcept;
// The algorithm's name as TSIG RDATA carries it ("hmac-sha256.").
Name algorithmName(TsigAlgorithm algorithm);

void put16(Bytes& out, std::uint16_t value);
void put48(Bytes& out, std::uint64_t value);
std::uint16_t get16(ByteSpan wire, std::size_t pos) noexcept;
std::uint64_t get48(ByteSpan wire, std::size_t pos) noexcept;

std::uint64_t distance(std::uint64_t a, std::uint64_t b) noexcept;

// Why the TSIG RRs of `message` are misplaced (in answer or authority, not last in additional,
// more than one), or nullopt when there is none or exactly one, last in additional.
std::optional<std::string> tsigPlacementError(const Message& message);

// The MAC a received message (its exact bytes `wire`, whose last record is the TSIG RR
// `record` with the decoded `rdata`) should carry under `key`. `priorMac` is the request MAC
// a response is chained to, empty for a request. The digest covers the message as it was
// before signing: the original id in the header and ARCOUNT without the TSIG RR.
Result<Bytes> expectedMac(ByteSpan wire, ByteSpan priorMac, const ResourceRecord& record, const TsigRData& rdata,
                          const TsigKey& key);

// What a MAC covers after the prior MAC and the message: every TSIG variable (4.3.3), or for a
// later message of a multi-message response only the timers (5.3.1).
enum class TsigDigest { Full, Timers };

// Encodes `message` and appends a TSIG RR whose MAC covers the length-prefixed `priorMac`
// (none when empty), the encoded message and the `digest` variables. The MAC is also written to
// `macOut` when it is not null.
Result<Bytes> signMessage(const Message& message, ByteSpan priorMac, const TsigKey& key, std::uint64_t now,
                          std::uint16_t fudge, std::uint16_t error, ByteSpan otherData, Bytes* macOut,
                          TsigDigest digest);

// Constant-time equality of two MACs (their length is public, their content is not).
bool macEquals(ByteSpan got, ByteSpan want) noexcept;

}  // namespace qdyn::dns::tsig_internal
