// A line-oriented driver of QTM's ML-KEM for the differential test against
// @noble/post-quantum (tests/js/mlkem.test.mjs). One command per input line, hex arguments,
// one answer line each:
//   keygen <set> <d> <z>   -> <ek> <dk>
//   encaps <set> <ek> <m>  -> <c> <k>        (or: error <message>)
//   decaps <set> <dk> <c>  -> <k>            (or: error <message>)
// <set> is 512, 768 or 1024.
#include <iostream>
#include <sstream>
#include <string>

#include "base/hex.hpp"
#include "crypto/mlkem.hpp"

namespace {

using namespace qtm;
using namespace qtm::crypto;

bool parse_set(const std::string& text, MlKemParameterSet& set) {
    if (text == "512")
        set = MlKemParameterSet::kMlKem512;
    else if (text == "768")
        set = MlKemParameterSet::kMlKem768;
    else if (text == "1024")
        set = MlKemParameterSet::kMlKem1024;
    else
        return false;
    return true;
}

template <std::size_t N>
bool parse_fixed(const std::string& text, ByteArray<N>& out) {
    auto bytes = from_hex_fixed<N>(text, HexPrefix::kForbidden);
    if (!bytes) return false;
    out = *bytes;
    return true;
}

std::string answer(const std::string& line) {
    std::istringstream in{line};
    std::string command, set_text, first, second;
    in >> command >> set_text >> first >> second;
    MlKemParameterSet set{};
    if (!parse_set(set_text, set)) return "error unknown parameter set";
    if (command == "keygen") {
        ByteArray<32> d, z;
        if (!parse_fixed(first, d) || !parse_fixed(second, z)) return "error bad seed";
        const auto pair = mlkem_keygen(set, d, z);
        return to_hex(pair.encapsulation_key, false) + " " +
               to_hex(pair.decapsulation_key.bytes(), false);
    }
    const auto a = from_hex(first, HexPrefix::kForbidden);
    if (!a) return "error bad hex";
    if (command == "encaps") {
        ByteArray<32> m;
        if (!parse_fixed(second, m)) return "error bad message";
        const auto result = mlkem_encaps(set, *a, m);
        if (!result) return "error " + std::string{to_string(result.error())};
        return to_hex(result->ciphertext, false) + " " + to_hex(result->shared_secret, false);
    }
    if (command == "decaps") {
        const auto c = from_hex(second, HexPrefix::kForbidden);
        if (!c) return "error bad hex";
        const auto key = mlkem_decaps(set, *a, *c);
        if (!key) return "error " + std::string{to_string(key.error())};
        return to_hex(*key, false);
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
