// OpenSSL for the code that needs it: already there in a program linked with it, loaded on
// first use in one built with the on-demand layer (openssl_on_demand.cpp: the qdyn CLI on Linux,
// where mapping libssl and libcrypto cost every run about 4 ms and 1.7 MB, though most runs never
// hash, sign or speak TLS). Which of the two a program gets is chosen when it is linked
// (core/CMakeLists.txt, the target property QDYN_OPENSSL_ON_DEMAND).
#pragma once

#include "qdyn/result.hpp"

namespace qdyn::crypto {

// Makes OpenSSL callable: an error says why it cannot be (the library is missing or too old).
// Every entry point into OpenSSL (hashes, HMAC, a TLS connection) asks first, so that a missing
// library becomes an outcome with a reason instead of an abort.
Result<void> requireOpenSsl();

}  // namespace qdyn::crypto
