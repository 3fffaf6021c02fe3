#include "p2p/session.hpp"

#include <stdexcept>

#include "base/endian.hpp"
#include "crypto/hkdf.hpp"

namespace qtm::p2p {

std::string_view to_string(FrameError error) noexcept {
    switch (error) {
        case FrameError::kFrameTooLarge:
            return "frame larger than the maximum message size";
        case FrameError::kFrameTooSmall:
            return "frame shorter than its authentication tag";
        case FrameError::kAuthenticationFailed:
            return "frame does not authenticate";
    }
    return "unknown frame error";
}

FrameCipher::FrameCipher(const crypto::AeadKey& key, const FrameLimits& limits)
    : key_{key.clone()}, aead_{key_}, limits_{limits} {
    if (limits.rekey_after_frames == 0 || limits.rekey_after_frames > (1ull << 63) ||
        limits.rekey_after_bytes == 0 ||
        limits.max_message_size > 0xffffffffu - crypto::kAeadTagSize) {
        throw std::invalid_argument("FrameLimits out of range");
    }
}

crypto::AeadNonce FrameCipher::next_nonce() const noexcept {
    crypto::AeadNonce nonce{};
    store_be64(nonce.data() + 4, counter_);
    return nonce;
}

void FrameCipher::advance(std::size_t message_size) {
    ++counter_;
    bytes_ += message_size;
    if (counter_ < limits_.rekey_after_frames && bytes_ < limits_.rekey_after_bytes) return;
    crypto::AeadKey next;
    if (!crypto::hkdf_sha256_expand(key_.bytes(), as_bytes(kRekeyLabel), next.mutable_bytes())) {
        throw std::logic_error("HKDF expand of 32 bytes cannot fail");
    }
    key_ = std::move(next);
    aead_ = crypto::ChaCha20Poly1305{key_};
    counter_ = 0;
    bytes_ = 0;
    ++epoch_;
}

FrameSealer::FrameSealer(const crypto::AeadKey& key, const FrameLimits& limits)
    : cipher_{key, limits}, max_message_size_{limits.max_message_size} {}

Bytes FrameSealer::seal(ByteView message) {
    if (message.size() > max_message_size_) {
        throw std::invalid_argument("FrameSealer::seal: message over the maximum frame size");
    }
    const std::size_t sealed_size = message.size() + crypto::kAeadTagSize;
    Bytes frame(kFrameHeaderSize + sealed_size);
    store_be32(frame.data(), static_cast<std::uint32_t>(sealed_size));
    const ByteView header{frame.data(), kFrameHeaderSize};
    cipher_.aead().seal(cipher_.next_nonce(), header, message,
                        MutableByteView{frame}.subspan(kFrameHeaderSize));
    cipher_.advance(message.size());
    return frame;
}

FrameOpener::FrameOpener(const crypto::AeadKey& key, const FrameLimits& limits)
    : cipher_{key, limits}, max_message_size_{limits.max_message_size} {}

void FrameOpener::append(ByteView bytes) {
    if (failed_) return;  // a failed session reads nothing more
    // Drop what was consumed before growing, so the buffer never holds old frames.
    if (read_ > 0 && read_ == buffer_.size()) {
        buffer_.clear();
        read_ = 0;
    } else if (read_ > (64u << 10) && read_ * 2 > buffer_.size()) {
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(read_));
        read_ = 0;
    }
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

Result<std::optional<Bytes>, FrameError> FrameOpener::next() {
    if (failed_) return unexpected(*failed_);
    const ByteView available = ByteView{buffer_}.subspan(read_);
    if (available.size() < kFrameHeaderSize) return std::optional<Bytes>{};
    const std::size_t sealed_size = load_be32(available.data());
    // The length is checked as soon as it arrives: an oversized frame costs no allocation.
    if (sealed_size < crypto::kAeadTagSize) {
        failed_ = FrameError::kFrameTooSmall;
        return unexpected(*failed_);
    }
    if (sealed_size - crypto::kAeadTagSize > max_message_size_) {
        failed_ = FrameError::kFrameTooLarge;
        return unexpected(*failed_);
    }
    if (available.size() < kFrameHeaderSize + sealed_size) return std::optional<Bytes>{};

    Bytes message(sealed_size - crypto::kAeadTagSize);
    const auto opened =
        cipher_.aead().open(cipher_.next_nonce(), available.first(kFrameHeaderSize),
                            available.subspan(kFrameHeaderSize, sealed_size), message);
    if (!opened) {
        failed_ = FrameError::kAuthenticationFailed;
        buffer_.clear();
        read_ = 0;
        return unexpected(*failed_);
    }
    read_ += kFrameHeaderSize + sealed_size;
    cipher_.advance(message.size());
    return std::optional<Bytes>{std::move(message)};
}

Session Session::from_keys(const SessionKeys& keys, const FrameLimits& limits) {
    return Session{FrameSealer{keys.send, limits}, FrameOpener{keys.receive, limits}};
}

}  // namespace qtm::p2p
