// A keystore file unlocked with a password file's first line (trailing spaces and a CR
// dropped), as qtmd reads --unlock and --validator-keystore. Errors never quote either file's
// content.
#pragma once

#include <string>

#include "base/result.hpp"
#include "chain/keys.hpp"

namespace qtm::qtmd {

[[nodiscard]] Result<chain::AccountKey, std::string> unlock_keystore(
    const std::string& keystore_path, const std::string& password_path);

}  // namespace qtm::qtmd
