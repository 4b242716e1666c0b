// A self-signed TLS certificate for 127.0.0.1, ::1 and localhost, made at test time with
// OpenSSL (never committed): the HTTPS tests serve it and trust it as their only CA.
#pragma once

#include <filesystem>

namespace qdyn::test {

struct TestCertificate {
    std::filesystem::path certificate;  // PEM; also the CA file a client trusts
    std::filesystem::path key;          // PEM, unencrypted
};

// Writes `<stem>.crt` and `<stem>.key` into `dir` (P-256 key, valid from an hour ago for a
// day). Aborts the test binary when OpenSSL fails: nothing could run without it.
TestCertificate makeTestCertificate(const std::filesystem::path& dir, const char* stem = "server");

}  // namespace qdyn::test
