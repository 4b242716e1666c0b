// Secrets for the commands: read from stdin, or made from OpenSSL's CSPRNG.
#include "commands/command_support.hpp"

#include <algorithm>
#include <array>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <vector>

#include "commands/terminal.hpp"
#include "qdyn/crypto/hmac.hpp"

namespace qdyn::server::commands {

std::string commandFooter(std::string_view what) {
    std::string footer(what);
    if (!footer.empty()) footer += "\n";
    return footer +
           "--config names the server configuration (before or after the command); only the file of its\n"
           "[accounts] table is written. Then " +
           std::string(kApplyHint) + ".";
}

int report(CommandIo& io, const Failure& failure) {
    io.err << "qdyn-server: " << failure.message << '\n';
    return failure.exitCode;
}

void printTable(CommandIo& io, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()));
        for (std::size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        io.out << line << '\n';
    }
}

Outcome<std::string> readPassword(CommandIo& io) {
    std::string line;
    {
        std::optional<NoEcho> quiet;
        if (io.interactive) {
            io.err << "password: " << std::flush;
            quiet.emplace();
        }
        std::getline(io.in, line);
        if (io.interactive) io.err << '\n';
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return invalid("--password-stdin: no password on stdin (give it as the first line)");
    if (line.size() > kMaxPasswordSize) {
        OPENSSL_cleanse(line.data(), line.size());
        return invalid("--password-stdin: the password is longer than " + std::to_string(kMaxPasswordSize) + " octets");
    }
    return line;
}

Result<std::string> randomPassword() {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static constexpr std::size_t kLength = 24;
    // Rejection sampling: octets at or above 248 (= 4 * 62) would favour the first letters.
    static constexpr unsigned kLimit = 4 * kAlphabet.size();
    std::string password;
    std::array<unsigned char, 64> pool{};
    while (password.size() < kLength) {
        if (RAND_bytes(pool.data(), static_cast<int>(pool.size())) != 1)
            return makeError("no random octets from OpenSSL");
        for (unsigned char octet : pool) {
            if (octet >= kLimit || password.size() == kLength) continue;
            password.push_back(kAlphabet[octet % kAlphabet.size()]);
        }
    }
    OPENSSL_cleanse(pool.data(), pool.size());
    return password;
}

Result<std::string> randomSecretBase64(std::size_t octets) {
    std::vector<std::uint8_t> secret(octets);
    if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1)
        return makeError("no random octets from OpenSSL");
    auto text = crypto::base64Encode(secret);
    OPENSSL_cleanse(secret.data(), secret.size());
    return text;
}

}  // namespace qdyn::server::commands
