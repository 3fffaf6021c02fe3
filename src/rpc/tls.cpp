#include "rpc/tls.hpp"

#include <openssl/ssl.h>

namespace qtm::rpc {

namespace ssl = boost::asio::ssl;

Result<std::shared_ptr<ssl::context>, std::string> make_tls_context(const TlsFiles& files) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    // TLS 1.3 only: every client this node serves (curl, browsers, Node.js, Go) speaks it.
    if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_3_VERSION) != 1) {
        return unexpected(std::string{"cannot restrict TLS to version 1.3"});
    }
    context->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
    boost::system::error_code error;
    context->use_certificate_chain_file(files.certificate_chain, error);
    if (error) {
        return unexpected("cannot load the TLS certificate chain " + files.certificate_chain +
                          " (a PEM file: the certificate, then intermediates): " + error.message());
    }
    context->use_private_key_file(files.private_key, ssl::context::pem, error);
    if (error) {
        return unexpected("cannot load the TLS private key " + files.private_key +
                          " (an unencrypted PEM file): " + error.message());
    }
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
        return unexpected("the TLS private key " + files.private_key +
                          " does not match the certificate " + files.certificate_chain);
    }
    return context;
}

}  // namespace qtm::rpc
