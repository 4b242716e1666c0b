// The TLS server context of the HTTPS listeners: a certificate chain and its private key (PEM),
// TLS 1.2 or newer. Built at start and again at every reload, so a renewed certificate at the
// same path is picked up by SIGHUP; connections keep the context they started with.
#pragma once

#include <filesystem>
#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "qdyn/result.hpp"

namespace qdyn::server {

using TlsContext = boost::asio::ssl::context;

// Errors name the file and say what is wrong with it (unreadable, not PEM, key not matching).
Result<std::shared_ptr<TlsContext>> makeTlsContext(const std::filesystem::path& certificate,
                                                   const std::filesystem::path& key);

}  // namespace qdyn::server
