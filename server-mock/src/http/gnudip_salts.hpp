// The salts of GnuDIP over HTTP (PROTOCOLS.md "GnuDIP"): the server hands out a random salt
// with the time and a signature over both, so it needs no table of open logins; a salt is good
// for `lifetime` seconds. It is also good only once: GnuDIP's hash covers the password and the
// salt but not the address, so a captured request could otherwise be replayed with another
// address while the salt lives. The set of used salts is what that costs, bounded by the
// lifetime. Shared across reloads (salts handed out before a SIGHUP stay valid); thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace qdyn::server {

class GnudipSalts {
public:
    using Clock = std::function<std::int64_t()>;  // Unix time in seconds
    static constexpr std::size_t kSaltLength = 10;
    static constexpr std::size_t kMaxUsed = 100000;

    explicit GnudipSalts(Clock clock = {});
    ~GnudipSalts();
    GnudipSalts(const GnudipSalts&) = delete;
    GnudipSalts& operator=(const GnudipSalts&) = delete;

    struct Issued {
        std::string salt;  // 10 characters [A-Za-z0-9]
        std::string time;  // decimal Unix seconds
        std::string sign;  // 64 lower-case hex digits
    };
    [[nodiscard]] Issued issue() const;
    // A fresh salt alone, kSaltLength characters [A-Za-z0-9] from OpenSSL's CSPRNG: what
    // issue() hands out, and GnuDIP over TCP's greeting. Throws when OpenSSL has no randomness.
    [[nodiscard]] static std::string randomSalt();

    enum class Check { Ok, BadSignature, Expired, Reused };
    // Checks that the three came from issue() less than `lifetime` seconds ago and marks the
    // salt used (only when everything else was right, so a forged request burns nothing).
    [[nodiscard]] Check redeem(std::string_view salt, std::string_view time, std::string_view sign,
                               std::uint32_t lifetime);

private:
    [[nodiscard]] std::string signatureOf(std::string_view salt, std::string_view time) const;

    Clock m_clock;
    std::array<std::uint8_t, 32> m_key{};
    std::mutex m_mutex;
    std::unordered_map<std::string, std::int64_t> m_used;  // salt -> when it stops mattering
};

std::string_view toString(GnudipSalts::Check check) noexcept;

}  // namespace qdyn::server
