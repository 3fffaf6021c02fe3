// Fuzzes strict hex decoding: any text, in each prefix mode, decodes or fails with a typed
// error; a successful decode re-encodes to the lower-cased digits of the input.
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/hex.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (const auto mode :
         {qtm::HexPrefix::kRequired, qtm::HexPrefix::kOptional, qtm::HexPrefix::kForbidden}) {
        const auto decoded = qtm::from_hex(text, mode);
        if (!decoded) continue;
        std::string digits = text;
        if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
            digits.erase(0, 2);
        }
        for (char& c : digits)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (qtm::to_hex(*decoded, /*with_prefix=*/false) != digits) std::abort();
    }
    return 0;
}
