// TLS for the RPC servers (--http-tls-cert/--http-tls-key, --authrpc-tls-*): TLS 1.3 only,
// through OpenSSL, with the certificate chain and private key read from PEM files. Errors
// name the file and never quote its contents.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "rpc/tls_files.hpp"

namespace qtm::rpc {

[[nodiscard]] Result<std::shared_ptr<boost::asio::ssl::context>, std::string> make_tls_context(
    const TlsFiles& files);

}  // namespace qtm::rpc
