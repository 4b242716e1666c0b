// Message digests as lower-case hex: the one place core touches OpenSSL's digest functions.
// MD5 is here only because GnuDIP and miniupdate define their logins with it; nothing of
// qdyn's own design may use it.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "qdyn/result.hpp"

namespace qdyn::crypto {

// md5 of the concatenation of `parts` as 32 lower-case hex digits. Taking the parts apart
// spares the callers a concatenated copy of a secret. An Error when MD5 is unavailable
// (an OpenSSL restricted to its FIPS provider has none).
Result<std::string> md5Hex(std::initializer_list<std::string_view> parts);
inline Result<std::string> md5Hex(std::string_view data) {
    return md5Hex({data});
}

}  // namespace qdyn::crypto
