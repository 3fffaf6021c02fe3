// The ways RLP input can be rejected. Each non-canonical form has its own error, so that a
// peer or client sending it learns exactly what is wrong.
#pragma once

#include <string_view>

namespace qtm::rlp {

enum class RlpError {
    kInputTooShort,           // the input ends inside a header (or is empty)
    kLengthPastInput,         // a declared payload length runs past the end of the input
    kNonCanonicalSize,        // long form for a payload under 56 bytes, or a length with
                              // leading zero bytes
    kNonCanonicalSingleByte,  // a single byte below 0x80 wrapped as a one-byte string
    kLengthOverflow,          // a length that does not fit in 64 bits / the address space
    kTrailingBytes,           // bytes left after the item that should span the input
    kUnexpectedList,          // a string was expected
    kUnexpectedString,        // a list was expected
    kLeadingZeros,            // an integer with leading zero bytes
    kIntegerOverflow,         // an integer too large for the requested type
    kUnexpectedLength,        // a fixed-size string (hash, address) of another length
    kTooDeep,                 // lists nested deeper than the decoder allows
};

std::string_view to_string(RlpError error) noexcept;

}  // namespace qtm::rlp
