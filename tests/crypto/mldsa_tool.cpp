// A line-oriented driver of QTM's ML-DSA for the differential test against
// @noble/post-quantum (tests/js/mldsa.test.mjs). One command per line, hex arguments ("-"
// for an empty byte string), one answer line each:
//   keygen <set> <seed>                       -> <pk> <sk>
//   sign <set> <sk> <msg> <ctx> det|hedged    -> <sig>      (or: error <message>)
//   verify <set> <pk> <msg> <ctx> <sig>       -> 1 | 0
// <set> is 44, 65 or 87.
#include <iostream>
#include <sstream>
#include <string>

#include "base/hex.hpp"
#include "crypto/mldsa.hpp"

namespace {

using namespace qtm;
using namespace qtm::crypto;

bool parse_scheme(const std::string& text, SignatureScheme& scheme) {
    if (text == "44")
        scheme = SignatureScheme::kMlDsa44;
    else if (text == "65")
        scheme = SignatureScheme::kMlDsa65;
    else if (text == "87")
        scheme = SignatureScheme::kMlDsa87;
    else
        return false;
    return true;
}

bool parse_bytes(const std::string& text, Bytes& out) {
    if (text == "-") {
        out.clear();
        return true;
    }
    auto bytes = from_hex(text, HexPrefix::kForbidden);
    if (!bytes) return false;
    out = std::move(*bytes);
    return true;
}

template <SignatureScheme S>
std::string keygen(const ByteArray<32>& seed) {
    const auto pair = mldsa_keygen<S>(seed);
    return to_hex(pair.public_key.bytes, false) + " " + to_hex(pair.secret_key.bytes(), false);
}

std::string answer(const std::string& line) {
    std::istringstream in{line};
    std::string command, set_text, a, b, c, d;
    in >> command >> set_text >> a >> b >> c >> d;
    SignatureScheme scheme{};
    if (!parse_scheme(set_text, scheme)) return "error unknown parameter set";
    if (command == "keygen") {
        const auto seed = from_hex_fixed<32>(a, HexPrefix::kForbidden);
        if (!seed) return "error bad seed";
        switch (scheme) {
            case SignatureScheme::kMlDsa44:
                return keygen<SignatureScheme::kMlDsa44>(*seed);
            case SignatureScheme::kMlDsa65:
                return keygen<SignatureScheme::kMlDsa65>(*seed);
            case SignatureScheme::kMlDsa87:
                return keygen<SignatureScheme::kMlDsa87>(*seed);
            default:
                return "error unknown parameter set";
        }
    }
    Bytes first, message, context;
    if (!parse_bytes(a, first) || !parse_bytes(b, message) || !parse_bytes(c, context)) {
        return "error bad hex";
    }
    if (command == "sign") {
        const auto mode = d == "det" ? SigningMode::kDeterministic : SigningMode::kHedged;
        const auto signature = mldsa_sign(scheme, first, message, context, mode);
        if (!signature) return "error signing failed";
        return to_hex(*signature, false);
    }
    if (command == "verify") {
        Bytes signature;
        if (!parse_bytes(d, signature)) return "error bad hex";
        return verify(scheme, first, message, context, signature) ? "1" : "0";
    }
    return "error unknown command";
}

}  // namespace

int main() {
    std::ios::sync_with_stdio(false);
    for (std::string line; std::getline(std::cin, line);) {
        if (!line.empty()) std::cout << answer(line) << '\n';
    }
    return 0;
}
