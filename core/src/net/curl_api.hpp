// The libcurl functions HttpClient calls, reached through one table.
//
// Debian's libcurl brings some thirty shared libraries with it (GnuTLS, Kerberos, LDAP, SSH,
// RTMP...): mapping them costs a run about 14 ms and 7 MB before main(), more than a whole run
// with nothing to do. With QDYN_CURL_DLOPEN (the default on Linux and macOS) the table is filled
// by dlopen on the first HTTP request, so a run that sends none never maps libcurl; otherwise it
// holds the linked functions.
#pragma once

#include <curl/curl.h>
#include <string>

namespace qdyn::net {

struct CurlApi {
    decltype(&curl_global_init) globalInit;
    decltype(&curl_easy_init) easyInit;
    decltype(&curl_easy_cleanup) easyCleanup;
    decltype(&curl_easy_reset) easyReset;
    decltype(&curl_easy_setopt) easySetopt;
    decltype(&curl_easy_perform) easyPerform;
    decltype(&curl_easy_getinfo) easyGetinfo;
    decltype(&curl_easy_strerror) easyStrerror;
    decltype(&curl_slist_append) slistAppend;
    decltype(&curl_slist_free_all) slistFreeAll;
};

// The table, loaded and curl_global_init'ed once (thread-safe); nullptr when libcurl cannot be
// loaded, with the reason in `error`.
const CurlApi* curlApi(std::string& error);

}  // namespace qdyn::net
