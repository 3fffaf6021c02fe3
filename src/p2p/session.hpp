// The encrypted session after the handshake: length-prefixed ChaCha20-Poly1305 frames with
// separate keys per direction and counter nonces, rekeyed before the counter can wrap and
// after a byte budget. Any authentication failure is fatal: the opener stays failed and the
// transport closes the connection.
//
//   frame  = length (u32 big-endian, the sealed size) | sealed
//   sealed = ChaCha20-Poly1305(key_epoch, nonce = 0^4 | counter (u64 BE), ad = length, message)
//
// Both ends count frames and bytes the same way, so rekeying needs no message: after
// `rekey_after_frames` frames or `rekey_after_bytes` message bytes in one direction,
// key' = HKDF-Expand(key, "qtm/p2p/v1 rekey", 32) and the counter restarts at 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/aead.hpp"
#include "p2p/handshake.hpp"

namespace qtm::p2p {

inline constexpr std::size_t kFrameHeaderSize = 4;
inline constexpr std::string_view kRekeyLabel = "qtm/p2p/v1 rekey";

// Protocol constants of version 1; tests shrink them on both ends.
struct FrameLimits {
    std::size_t max_message_size = 16u << 20;       // plaintext bytes in one frame (16 MiB)
    std::uint64_t rekey_after_frames = 1ull << 32;  // far below the 2^64 nonce counter
    std::uint64_t rekey_after_bytes = 1ull << 30;   // 1 GiB of messages per key
};

enum class FrameError {
    kFrameTooLarge,         // the length prefix exceeds the maximum (checked before the body)
    kFrameTooSmall,         // the length prefix is shorter than a tag
    kAuthenticationFailed,  // the frame does not authenticate: tampering, loss or reorder
};
[[nodiscard]] std::string_view to_string(FrameError error) noexcept;
// Every frame error is the peer's fault (a correct peer never produces one).
[[nodiscard]] constexpr bool peer_is_to_blame(FrameError) noexcept {
    return true;
}

// One direction's key, counter and byte budget.
class FrameCipher {
public:
    FrameCipher(const crypto::AeadKey& key, const FrameLimits& limits);

    [[nodiscard]] crypto::AeadNonce next_nonce() const noexcept;
    // Counts one frame of `message_size` bytes and rekeys when a budget is used up.
    void advance(std::size_t message_size);
    [[nodiscard]] crypto::ChaCha20Poly1305& aead() noexcept { return aead_; }
    [[nodiscard]] std::uint64_t epoch() const noexcept { return epoch_; }

private:
    crypto::AeadKey key_;
    crypto::ChaCha20Poly1305 aead_;
    FrameLimits limits_;
    std::uint64_t counter_{0};
    std::uint64_t bytes_{0};
    std::uint64_t epoch_{0};
};

// Seals outgoing messages into frames.
class FrameSealer {
public:
    FrameSealer(const crypto::AeadKey& key, const FrameLimits& limits);
    // A message over the maximum size is a programming error (callers split or refuse).
    [[nodiscard]] Bytes seal(ByteView message);
    [[nodiscard]] std::uint64_t epoch() const noexcept { return cipher_.epoch(); }

private:
    FrameCipher cipher_;
    std::size_t max_message_size_;
};

// Decodes incoming bytes, in chunks of any size, into authenticated messages.
class FrameOpener {
public:
    FrameOpener(const crypto::AeadKey& key, const FrameLimits& limits);

    // Buffers bytes read from the socket. A transport reads a bounded chunk, appends it and
    // calls next() until it returns no message, so the buffer stays below one frame + chunk.
    void append(ByteView bytes);
    // The next whole message, nothing yet (std::nullopt), or a fatal error (sticky).
    [[nodiscard]] Result<std::optional<Bytes>, FrameError> next();
    [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size() - read_; }
    [[nodiscard]] std::uint64_t epoch() const noexcept { return cipher_.epoch(); }

private:
    FrameCipher cipher_;
    std::size_t max_message_size_;
    Bytes buffer_;
    std::size_t read_{0};
    std::optional<FrameError> failed_;
};

// Both directions of a session, from one side's handshake outcome.
struct Session {
    FrameSealer sealer;
    FrameOpener opener;
    [[nodiscard]] static Session from_keys(const SessionKeys& keys, const FrameLimits& limits = {});
};

}  // namespace qtm::p2p
