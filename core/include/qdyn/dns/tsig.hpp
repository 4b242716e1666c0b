// TSIG (RFC 8945): shared-secret keys, signing a request and verifying the response to it.
// The TSIG RR travels in a Message as RawData of type 250, last in the additional section.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/crypto/hmac.hpp"
#include "qdyn/dns/message.hpp"
#include "qdyn/dns/name.hpp"
#include "qdyn/result.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::dns {

enum class TsigAlgorithm { HmacSha1, HmacSha256, HmacSha512 };

// "hmac-sha256" (case-insensitive, an optional trailing dot); md5 is deliberately absent.
std::optional<TsigAlgorithm> parseTsigAlgorithm(std::string_view text);
std::string_view toString(TsigAlgorithm algorithm) noexcept;

// The TSIG error field values (RFC 8945 3).
namespace tsigerror {
inline constexpr std::uint16_t BADSIG = 16;
inline constexpr std::uint16_t BADKEY = 17;
inline constexpr std::uint16_t BADTIME = 18;
inline constexpr std::uint16_t BADTRUNC = 22;
}  // namespace tsigerror

inline constexpr std::uint16_t kDefaultFudge = 300;

class TsigKey {
public:
    // secretBase64 as printed by `tsig-keygen` or given to `nsupdate -y`.
    static Result<TsigKey> make(std::string_view name, TsigAlgorithm algorithm, std::string_view secretBase64);
    // "alg:name:secret" or "name:secret" (hmac-sha256), the `nsupdate -y` form.
    static Result<TsigKey> fromSpec(std::string_view spec);

    [[nodiscard]] const Name& name() const noexcept { return m_name; }
    [[nodiscard]] TsigAlgorithm algorithm() const noexcept { return m_algorithm; }
    [[nodiscard]] const Secret& secret() const noexcept { return m_secret; }  // raw octets
    [[nodiscard]] TsigKey clone() const { return TsigKey(m_name, m_algorithm, m_secret.clone()); }

private:
    TsigKey(Name name, TsigAlgorithm algorithm, Secret secret)
        : m_name(std::move(name)), m_algorithm(algorithm), m_secret(std::move(secret)) {}
    Name m_name;  // lower-cased: the canonical form the MAC covers
    TsigAlgorithm m_algorithm;
    Secret m_secret;
};

// The RDATA of a TSIG RR.
struct TsigRData {
    Name algorithm;
    std::uint64_t timeSigned = 0;  // 48 bits on the wire
    std::uint16_t fudge = kDefaultFudge;
    std::vector<std::uint8_t> mac;
    std::uint16_t originalId = 0;
    std::uint16_t error = 0;
    std::vector<std::uint8_t> otherData;
};

Result<TsigRData> decodeTsigRData(std::span<const std::uint8_t> rdata);
std::vector<std::uint8_t> encodeTsigRData(const TsigRData& rdata);

// A signed request: the exact bytes to send, and what verifying its response needs.
struct SignedRequest {
    std::vector<std::uint8_t> wire;
    std::vector<std::uint8_t> mac;
    std::uint16_t id = 0;
    Message message;  // the request with its TSIG RR appended (for matching replies)
};

// Signs `request` (which must not already carry a TSIG RR) at `now` (seconds since the epoch).
Result<SignedRequest> signRequest(const Message& request, const TsigKey& key, std::uint64_t now,
                                  std::uint16_t fudge = kDefaultFudge);

// Signs a response to a request whose MAC was `requestMac` (the server side, and tests):
// the response's exact bytes with the TSIG RR appended. An empty requestMac signs as a request.
Result<std::vector<std::uint8_t>> signResponse(const Message& response, std::span<const std::uint8_t> requestMac,
                                               const TsigKey& key, std::uint64_t now, std::uint16_t error = 0,
                                               std::span<const std::uint8_t> otherData = {},
                                               std::uint16_t fudge = kDefaultFudge);

enum class TsigVerdict {
    Verified,       // signed with our key, MAC good, time within fudge, error 0
    ServerBadSig,   // the server could not verify our MAC (unsigned reply, error BADSIG)
    ServerBadKey,   // the server does not know our key (unsigned reply, error BADKEY)
    ServerBadTime,  // the server's clock differs from ours by more than the fudge
    ServerError,    // another TSIG error from the server
    Unsigned,       // no TSIG RR although the request was signed
    BadMac,         // a MAC that does not verify (tampered or forged): reject the reply
    BadTime,        // the reply's MAC is good but its time is outside the fudge here
    Malformed,      // unparsable, TSIG not last, another key or algorithm
};

std::string_view toString(TsigVerdict verdict) noexcept;

struct TsigCheck {
    TsigVerdict verdict = TsigVerdict::Malformed;
    std::uint16_t error = 0;       // the TSIG error field, when there is a TSIG RR
    std::uint64_t serverTime = 0;  // for BADTIME: the server's clock
    std::string detail;
};

// Verifies a response (its exact received bytes) to a signed request at `now`.
TsigCheck verifyResponse(std::span<const std::uint8_t> response, const SignedRequest& request, const TsigKey& key,
                         std::uint64_t now);

// Seconds since the epoch, from the system clock.
std::uint64_t tsigNow();

}  // namespace qdyn::dns
