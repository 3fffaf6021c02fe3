// Where a TLS server's certificate chain and key are (PEM files). Apart from tls.hpp so that
// the option tables and server configs that name the files do not pull in Asio and OpenSSL.
#pragma once

#include <string>

namespace qtm::rpc {

struct TlsFiles {
    std::string certificate_chain;  // PEM: the server certificate, then intermediates
    std::string private_key;        // PEM, unencrypted (protect the file: mode 0600)
};

}  // namespace qtm::rpc
