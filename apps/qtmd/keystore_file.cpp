#include "qtmd/keystore_file.hpp"

#include <fstream>
#include <sstream>

#include "chain/keystore.hpp"

namespace qtm::qtmd {

Result<chain::AccountKey, std::string> unlock_keystore(const std::string& keystore_path,
                                                       const std::string& password_path) {
    std::ifstream keystore_file{keystore_path};
    if (!keystore_file) return unexpected("cannot read the keystore " + keystore_path);
    std::ostringstream keystore;
    keystore << keystore_file.rdbuf();
    std::ifstream password_stream{password_path};
    std::string password;
    if (!password_stream || !std::getline(password_stream, password)) {
        return unexpected(std::string{"cannot read the password file"});
    }
    while (!password.empty() && (password.back() == '\r' || password.back() == ' ')) {
        password.pop_back();
    }
    auto secret = chain::decrypt_keystore(keystore.str(), password);
    secure_wipe(password.data(), password.size());
    if (!secret) return unexpected(secret.error().message);
    return chain::AccountKey{secret->scheme(), secret->seed()};
}

}  // namespace qtm::qtmd
