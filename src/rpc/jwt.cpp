#include "rpc/jwt.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "base/hex.hpp"
#include "crypto/digests.hpp"
#include "crypto/random.hpp"

namespace qtm::rpc {

namespace {

constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(ByteView bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const std::uint8_t byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kBase64UrlAlphabet[(buffer >> bits) & 0x3f]);
        }
    }
    if (bits > 0) out.push_back(kBase64UrlAlphabet[(buffer << (6 - bits)) & 0x3f]);
    return out;
}

// Unpadded base64url, as JWTs use; nullopt for any other character or a bad length.
std::optional<Bytes> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    Bytes out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const auto position = kBase64UrlAlphabet.find(c);
        if (position == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 6) | static_cast<std::uint32_t>(position);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((buffer >> bits) & 0xff));
        }
    }
    return out;
}

ByteView as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

ByteArray<32> hmac_sha256(const JwtSecret& secret, std::string_view message) {
    return crypto::hmac_sha256(secret, as_bytes(message));
}

}  // namespace

Result<void, std::string> verify_jwt(std::string_view token, const JwtSecret& secret,
                                     std::int64_t now_seconds) {
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        return unexpected(std::string{"malformed token: expected header.claims.signature"});
    }
    const auto signature = base64url_decode(token.substr(second + 1));
    if (!signature || signature->size() != 32) {
        return unexpected(std::string{"malformed token: the signature is not an HS256 MAC"});
    }
    const auto expected = hmac_sha256(secret, token.substr(0, second));
    if (signature->size() != expected.size() || !constant_time_equal(expected, *signature)) {
        return unexpected(std::string{"invalid token signature (wrong JWT secret?)"});
    }
    // The MAC is right, so the header and claims came from a holder of the secret.
    const auto header_bytes = base64url_decode(token.substr(0, first));
    const auto claims_bytes = base64url_decode(token.substr(first + 1, second - first - 1));
    if (!header_bytes || !claims_bytes) return unexpected(std::string{"malformed token encoding"});
    const auto header =
        nlohmann::json::parse(header_bytes->begin(), header_bytes->end(), nullptr, false);
    const auto claims =
        nlohmann::json::parse(claims_bytes->begin(), claims_bytes->end(), nullptr, false);
    if (!header.is_object() || !claims.is_object()) {
        return unexpected(std::string{"malformed token: header and claims must be JSON objects"});
    }
    const auto alg = header.find("alg");
    if (alg == header.end() || *alg != "HS256") {
        return unexpected(std::string{"unsupported token algorithm: only HS256 is accepted"});
    }
    const auto iat = claims.find("iat");
    if (iat == claims.end() || !iat->is_number_integer()) {
        return unexpected(std::string{"missing issued-at (iat) claim"});
    }
    const auto issued = iat->get<std::int64_t>();
    if (issued > now_seconds + kJwtMaxClockSkewSeconds ||
        issued < now_seconds - kJwtMaxClockSkewSeconds) {
        return unexpected(std::string{"stale token: iat is more than 60 s from the node's clock"});
    }
    return {};
}

std::string make_jwt(const JwtSecret& secret, std::int64_t issued_at) {
    const std::string header = base64url_encode(as_bytes(R"({"alg":"HS256","typ":"JWT"})"));
    const std::string claims =
        base64url_encode(as_bytes(nlohmann::json{{"iat", issued_at}}.dump()));
    const std::string signing_input = header + "." + claims;
    const auto mac = hmac_sha256(secret, signing_input);
    return signing_input + "." + base64url_encode(mac);
}

Result<JwtSecret, std::string> load_or_create_jwt_secret(const std::filesystem::path& path) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        JwtSecret secret{};
        crypto::random_bytes(secret);
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0) return unexpected("cannot create JWT secret file " + path.string());
        const std::string text = to_hex(secret, false) + "\n";
        const bool written =
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
        ::close(fd);
        if (!written) return unexpected("cannot write JWT secret file " + path.string());
        return secret;
    }
    std::ifstream file{path};
    std::stringstream content;
    content << file.rdbuf();
    if (!file) return unexpected("cannot read JWT secret file " + path.string());
    std::string text = content.str();
    const auto begin = text.find_first_not_of(" \t\r\n");
    const auto end = text.find_last_not_of(" \t\r\n");
    text = begin == std::string::npos ? std::string{} : text.substr(begin, end - begin + 1);
    auto secret = from_hex_fixed<32>(text, HexPrefix::kOptional);
    if (!secret) {
        return unexpected("JWT secret file " + path.string() +
                          " must hold 32 bytes as 64 hex digits (e.g. `openssl rand -hex 32`)");
    }
    return *secret;
}

}  // namespace qtm::rpc
