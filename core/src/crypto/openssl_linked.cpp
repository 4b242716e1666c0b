// requireOpenSsl for a program linked with libssl and libcrypto: nothing to load.
#include "openssl_runtime.hpp"

namespace qdyn::crypto {

Result<void> requireOpenSsl() { return {}; }

}  // namespace qdyn::crypto
