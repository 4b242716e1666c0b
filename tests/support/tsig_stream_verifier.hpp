// A client-side check of a TSIG-signed multi-message response (a zone transfer, RFC 8945
// 5.3.1), written apart from core's signer on purpose: it rebuilds each digest from the raw
// octets with its own wire walk, so a mistake in the signer cannot hide behind the same code
// checking itself. Header-only: only tests include it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "qdyn/crypto/hmac.hpp"
#include "qdyn/dns/tsig.hpp"

namespace qdyn::test {

class TsigStreamVerifier {
public:
    // `requestMac` is the MAC of the signed request the stream answers.
    TsigStreamVerifier(const dns::TsigKey& key, std::vector<std::uint8_t> requestMac)
        : m_key(key.clone()), m_priorMac(std::move(requestMac)) {}

    // Checks the next message of the stream: empty on success, else what is wrong.
    std::string verifyNext(std::span<const std::uint8_t> wire) {
        using Bytes = std::vector<std::uint8_t>;
        std::size_t tsigAt = 0;
        if (!lastRecordOffset(wire, tsigAt)) return "cannot walk the message";
        std::size_t pos = tsigAt;
        const std::string owner = readName(wire, pos);
        if (owner.empty() || pos + 10 > wire.size() || get16(wire, pos) != dns::rrtype::TSIG) return "no TSIG RR last";
        if (owner != m_key.name().wire()) return "TSIG RR of another key";
        pos += 10;  // type, class, TTL, RDLENGTH
        const std::size_t algorithmAt = pos;
        const std::string algorithm = readName(wire, pos);
        if (algorithm.empty() || pos + 10 > wire.size()) return "bad TSIG RDATA";
        const std::size_t timersAt = pos;
        const std::size_t macSize = get16(wire, pos + 8);
        pos += 10;
        if (pos + macSize + 6 > wire.size()) return "truncated MAC";
        const Bytes mac(wire.begin() + static_cast<std::ptrdiff_t>(pos),
                        wire.begin() + static_cast<std::ptrdiff_t>(pos + macSize));
        pos += macSize;
        const std::uint16_t originalId = get16(wire, pos);
        const std::uint16_t error = get16(wire, pos + 2);
        if (error != 0) return "TSIG error " + std::to_string(error);

        Bytes prior;
        put16(prior, static_cast<std::uint16_t>(m_priorMac.size()));
        prior.insert(prior.end(), m_priorMac.begin(), m_priorMac.end());
        Bytes message(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(tsigAt));
        message[0] = static_cast<std::uint8_t>(originalId >> 8U);
        message[1] = static_cast<std::uint8_t>(originalId & 0xFFU);
        const auto arcount = static_cast<std::uint16_t>(get16(wire, 10) - 1);
        message[10] = static_cast<std::uint8_t>(arcount >> 8U);
        message[11] = static_cast<std::uint8_t>(arcount & 0xFFU);
        Bytes variables;
        if (m_first) {
            // 4.3.3: key name, class ANY, TTL 0, then the RDATA from the algorithm to the end
            // without MAC size, MAC and original id.
            const auto& keyName = m_key.name().wire();
            variables.insert(variables.end(), keyName.begin(), keyName.end());
            put16(variables, dns::rrclass::ANY);
            put16(variables, 0);
            put16(variables, 0);
            variables.insert(variables.end(), wire.begin() + static_cast<std::ptrdiff_t>(algorithmAt),
                             wire.begin() + static_cast<std::ptrdiff_t>(timersAt + 8));
            variables.insert(variables.end(), wire.begin() + static_cast<std::ptrdiff_t>(pos + 2), wire.end());
        } else {
            // 5.3.1: only Time Signed and Fudge.
            variables.insert(variables.end(), wire.begin() + static_cast<std::ptrdiff_t>(timersAt),
                             wire.begin() + static_cast<std::ptrdiff_t>(timersAt + 8));
        }
        const std::string_view secret = m_key.secret().reveal();
        const std::span<const std::uint8_t> keyBytes(reinterpret_cast<const std::uint8_t*>(secret.data()),
                                                     secret.size());
        const std::span<const std::uint8_t> parts[] = {prior, message, variables};
        auto want = crypto::hmac(algorithmOf(m_key.algorithm()), keyBytes, parts);
        if (!want) return "HMAC failed: " + want.message();
        if (*want != mac)
            return m_first ? "the first message's MAC does not verify" : "a later message's MAC does not verify";
        m_priorMac = mac;
        m_first = false;
        return {};
    }

private:
    static crypto::HmacAlgorithm algorithmOf(dns::TsigAlgorithm algorithm) {
        switch (algorithm) {
            case dns::TsigAlgorithm::HmacSha1:
                return crypto::HmacAlgorithm::Sha1;
            case dns::TsigAlgorithm::HmacSha512:
                return crypto::HmacAlgorithm::Sha512;
            case dns::TsigAlgorithm::HmacSha256:
                break;
        }
        return crypto::HmacAlgorithm::Sha256;
    }
    static std::uint16_t get16(std::span<const std::uint8_t> wire, std::size_t pos) {
        return static_cast<std::uint16_t>(wire[pos] << 8U | wire[pos + 1]);
    }
    static void put16(std::vector<std::uint8_t>& out, std::uint16_t value) {
        out.push_back(static_cast<std::uint8_t>(value >> 8U));
        out.push_back(static_cast<std::uint8_t>(value & 0xFFU));
    }
    // An uncompressed name's wire form (what TSIG owners and algorithms must be), or skips a
    // compressed one and returns "?"; empty on overrun.
    static std::string readName(std::span<const std::uint8_t> wire, std::size_t& pos) {
        std::string out;
        while (pos < wire.size()) {
            const std::uint8_t length = wire[pos];
            if ((length & 0xC0U) == 0xC0U) {
                pos += 2;
                return pos <= wire.size() ? std::string("?") : std::string();
            }
            if (pos + 1 + length > wire.size()) return {};
            out.append(reinterpret_cast<const char*>(wire.data() + pos), 1U + length);
            pos += 1U + length;
            if (length == 0) return out;
        }
        return {};
    }
    static bool lastRecordOffset(std::span<const std::uint8_t> wire, std::size_t& at) {
        if (wire.size() < 12) return false;
        const std::size_t questions = get16(wire, 4);
        const std::size_t records = std::size_t{get16(wire, 6)} + get16(wire, 8) + get16(wire, 10);
        if (records == 0) return false;
        std::size_t pos = 12;
        for (std::size_t i = 0; i < questions; ++i) {
            if (readName(wire, pos).empty() || pos + 4 > wire.size()) return false;
            pos += 4;
        }
        for (std::size_t i = 0; i + 1 < records; ++i) {
            if (readName(wire, pos).empty() || pos + 10 > wire.size()) return false;
            pos += 10U + get16(wire, pos + 8);
        }
        at = pos;
        return pos < wire.size();
    }

    dns::TsigKey m_key;
    std::vector<std::uint8_t> m_priorMac;
    bool m_first = true;
};

}  // namespace qdyn::test
