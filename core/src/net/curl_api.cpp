// Loading libcurl on first use (see curl_api.hpp).
#include "curl_api.hpp"

#if defined(QDYN_CURL_DLOPEN)
#include <dlfcn.h>
#endif

namespace qdyn::net {

namespace {

#if defined(QDYN_CURL_DLOPEN)

template <typename Function>
bool bindSymbol(void* library, const char* name, Function& slot, std::string& error) {
    void* symbol = dlsym(library, name);
    if (symbol == nullptr) {
        error = std::string("libcurl (" QDYN_CURL_DLOPEN ") has no ") + name;
        return false;
    }
    slot = reinterpret_cast<Function>(symbol);
    return true;
}

bool load(CurlApi& api, std::string& error) {
    // Never unloaded: handles and OpenSSL state live until the process ends.
    void* library = dlopen(QDYN_CURL_DLOPEN, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char* why = dlerror();
        error = std::string("cannot load libcurl (" QDYN_CURL_DLOPEN "): ") + (why != nullptr ? why : "unknown error") +
                "; install libcurl (Debian: libcurl4)";
        return false;
    }
    return bindSymbol(library, "curl_global_init", api.globalInit, error) &&
           bindSymbol(library, "curl_easy_init", api.easyInit, error) &&
           bindSymbol(library, "curl_easy_cleanup", api.easyCleanup, error) &&
           bindSymbol(library, "curl_easy_reset", api.easyReset, error) &&
           bindSymbol(library, "curl_easy_setopt", api.easySetopt, error) &&
           bindSymbol(library, "curl_easy_perform", api.easyPerform, error) &&
           bindSymbol(library, "curl_easy_getinfo", api.easyGetinfo, error) &&
           bindSymbol(library, "curl_easy_strerror", api.easyStrerror, error) &&
           bindSymbol(library, "curl_slist_append", api.slistAppend, error) &&
           bindSymbol(library, "curl_slist_free_all", api.slistFreeAll, error);
}

#else

bool load(CurlApi& api, std::string& /*error*/) {
    api =
        CurlApi{&curl_global_init,  &curl_easy_init,    &curl_easy_cleanup,  &curl_easy_reset,   &curl_easy_setopt,
                &curl_easy_perform, &curl_easy_getinfo, &curl_easy_strerror, &curl_slist_append, &curl_slist_free_all};
    return true;
}

#endif

}  // namespace

const CurlApi* curlApi(std::string& error) {
    struct Loaded {
        CurlApi api{};
        std::string error;  // empty when loaded
    };
    // Loaded once, on the first call (a function-local static is initialised thread-safely).
    static const Loaded loaded = [] {
        Loaded out;
        if (!load(out.api, out.error)) return out;
        if (out.api.globalInit(CURL_GLOBAL_DEFAULT) != CURLE_OK) out.error = "libcurl could not be initialised";
        return out;
    }();
    if (!loaded.error.empty()) {
        error = loaded.error;
        return nullptr;
    }
    return &loaded.api;
}

}  // namespace qdyn::net
