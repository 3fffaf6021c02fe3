// The mnemonic of each byte (geth's spelling), for traces.
#pragma once

#include <cstdint>
#include <string_view>

namespace qtm::evm {

[[nodiscard]] std::string_view opcode_name(std::uint8_t opcode) noexcept;

}  // namespace qtm::evm
