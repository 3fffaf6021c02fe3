#include "p2p/handshake.hpp"

#include <stdexcept>

#include "base/endian.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/keccak.hpp"
#include "crypto/random.hpp"

namespace qtm::p2p {
namespace {

using crypto::AeadKey;
using crypto::Secret;

// Offsets inside the hello (docs/protocol.md).
constexpr std::size_t kHelloVersion = 0;
constexpr std::size_t kHelloChainId = 2;
constexpr std::size_t kHelloGenesis = 10;
constexpr std::size_t kHelloX25519 = 42;
constexpr std::size_t kHelloKem = 74;
static_assert(kHelloKem + kMlKem768EncapsulationKeySize == kHelloSize);

// The transcript is a hash chain: th_{n+1} = SHA3-256(th_n || message part).
Hash32 extend(const Hash32& transcript, ByteView part) {
    crypto::Sha3_256 hash;
    hash.update(transcript).update(part);
    return hash.finalize();
}

Hash32 start_transcript(ByteView hello) {
    crypto::Sha3_256 hash;
    hash.update(as_bytes(kTranscriptLabel)).update(hello);
    return hash.finalize();
}

// HKDF-Extract(salt = th2, IKM = X25519 secret || ML-KEM secret).
Secret<32> extract_prk(const Hash32& th2, const crypto::X25519Secret& x25519_secret,
                       const crypto::MlKemSharedSecret& kem_secret) {
    Secret<64> ikm;
    std::copy(x25519_secret.array().begin(), x25519_secret.array().end(),
              ikm.mutable_bytes().begin());
    std::copy(kem_secret.begin(), kem_secret.end(), ikm.mutable_bytes().begin() + 32);
    return crypto::hkdf_sha256_extract(th2, ikm.bytes());
}

AeadKey expand_key(const Secret<32>& prk, std::string_view label, ByteView context = {}) {
    Bytes info(label.begin(), label.end());
    info.insert(info.end(), context.begin(), context.end());
    AeadKey key;
    if (!crypto::hkdf_sha256_expand(prk.bytes(), info, key.mutable_bytes())) {
        throw std::logic_error("HKDF expand of 32 bytes cannot fail");
    }
    return key;
}

// The bytes a side signs: label || transcript || scheme id || its own public key, so the
// signature binds the signer's identity as well as the whole exchange so far.
Bytes signed_message(std::string_view label, const Hash32& transcript, ByteView public_key) {
    Bytes message(label.begin(), label.end());
    message.insert(message.end(), transcript.begin(), transcript.end());
    message.push_back(crypto::to_byte(kNodeKeyScheme));
    message.insert(message.end(), public_key.begin(), public_key.end());
    return message;
}

// seal(key, nonce 0, ad = transcript, scheme id || public key || signature).
Bytes seal_identity(const NodeKey& node_key, std::string_view label, const Hash32& transcript,
                    const AeadKey& key, crypto::SigningMode signing) {
    const ByteView public_key = node_key.public_key().bytes;
    auto signature =
        crypto::mldsa_sign(node_key.secret_key(), signed_message(label, transcript, public_key),
                           as_bytes(kSignatureContext), signing);
    if (!signature) throw std::logic_error("ML-DSA sign with a short context cannot fail");
    Bytes plaintext;
    plaintext.reserve(kIdentityPlaintextSize);
    plaintext.push_back(crypto::to_byte(kNodeKeyScheme));
    plaintext.insert(plaintext.end(), public_key.begin(), public_key.end());
    plaintext.insert(plaintext.end(), signature->bytes.begin(), signature->bytes.end());
    crypto::ChaCha20Poly1305 aead{key};
    return aead.seal(crypto::AeadNonce{}, transcript, plaintext);
}

// Opens and checks a sealed identity; the node id is checked before the (costly) signature.
Result<NodePublicKey, HandshakeError> open_identity(ByteView sealed, std::string_view label,
                                                    const Hash32& transcript, const AeadKey& key,
                                                    const std::optional<NodeId>& expected) {
    crypto::ChaCha20Poly1305 aead{key};
    auto plaintext = aead.open(crypto::AeadNonce{}, transcript, sealed);
    if (!plaintext) return unexpected(HandshakeError::kDecryptionFailed);
    const ByteView bytes = *plaintext;
    if (bytes[0] != crypto::to_byte(kNodeKeyScheme)) {
        return unexpected(HandshakeError::kUnknownSignatureScheme);
    }
    NodePublicKey public_key;
    std::copy_n(bytes.begin() + 1, kNodePublicKeySize, public_key.bytes.begin());
    if (expected && node_id_of(public_key) != *expected) {
        return unexpected(HandshakeError::kUnexpectedNodeId);
    }
    const ByteView signature = bytes.subspan(1 + kNodePublicKeySize);
    if (!crypto::verify(kNodeKeyScheme, public_key.bytes,
                        signed_message(label, transcript, public_key.bytes),
                        as_bytes(kSignatureContext), signature)) {
        return unexpected(HandshakeError::kBadSignature);
    }
    return public_key;
}

void require(bool condition, const char* what) {
    if (!condition) throw std::logic_error(what);
}

}  // namespace

InitiatorRandomness InitiatorRandomness::fresh() {
    return {Secret<32>{crypto::random_array<32>()}, Secret<32>{crypto::random_array<32>()},
            Secret<32>{crypto::random_array<32>()}};
}

ResponderRandomness ResponderRandomness::fresh() {
    return {Secret<32>{crypto::random_array<32>()}, Secret<32>{crypto::random_array<32>()}};
}

Result<void, HandshakeError> check_hello(const NetworkIdentity& network, ByteView hello) noexcept {
    if (hello.size() != kHelloSize) return unexpected(HandshakeError::kWrongMessageSize);
    const auto version =
        static_cast<std::uint16_t>((hello[kHelloVersion] << 8) | hello[kHelloVersion + 1]);
    if (version != network.protocol_version) {
        return unexpected(HandshakeError::kVersionMismatch);
    }
    if (load_be64(hello.data() + kHelloChainId) != network.chain_id) {
        return unexpected(HandshakeError::kChainIdMismatch);
    }
    if (!equal(hello.subspan(kHelloGenesis, 32), network.genesis_hash)) {
        return unexpected(HandshakeError::kGenesisMismatch);
    }
    return {};
}

InitiatorHandshake::InitiatorHandshake(const NetworkIdentity& network, const NodeKey& node_key,
                                       std::optional<NodeId> expected_peer,
                                       InitiatorRandomness randomness, crypto::SigningMode signing)
    : network_{network},
      node_key_{node_key},
      expected_peer_{expected_peer},
      signing_{signing},
      x25519_{crypto::x25519_keygen(randomness.x25519_seed.array())},
      mlkem_{crypto::mlkem_keygen(kKemParameterSet, randomness.mlkem_d.array(),
                                  randomness.mlkem_z.array())} {}

Bytes InitiatorHandshake::hello() {
    require(state_ == State::kStart, "InitiatorHandshake::hello called twice");
    hello_.resize(kHelloSize);
    hello_[kHelloVersion] = static_cast<std::uint8_t>(network_.protocol_version >> 8);
    hello_[kHelloVersion + 1] = static_cast<std::uint8_t>(network_.protocol_version);
    store_be64(hello_.data() + kHelloChainId, network_.chain_id);
    std::copy(network_.genesis_hash.begin(), network_.genesis_hash.end(),
              hello_.begin() + kHelloGenesis);
    std::copy(x25519_.public_key.begin(), x25519_.public_key.end(), hello_.begin() + kHelloX25519);
    std::copy(mlkem_.encapsulation_key.begin(), mlkem_.encapsulation_key.end(),
              hello_.begin() + kHelloKem);
    state_ = State::kAwaitReply;
    return hello_;
}

Result<InitiatorHandshake::Finished, HandshakeError> InitiatorHandshake::on_reply(ByteView reply) {
    require(state_ == State::kAwaitReply, "InitiatorHandshake::on_reply out of order");
    state_ = State::kDone;  // one attempt: any failure ends the handshake
    if (reply.size() != kReplySize) return unexpected(HandshakeError::kWrongMessageSize);

    crypto::X25519PublicKey peer_x25519{};
    std::copy_n(reply.begin(), kX25519Size, peer_x25519.begin());
    const ByteView ciphertext = reply.subspan(kX25519Size, kMlKem768CiphertextSize);
    const ByteView sealed = reply.subspan(kX25519Size + kMlKem768CiphertextSize);

    auto x25519_secret = crypto::x25519(x25519_.private_key, peer_x25519);
    if (!x25519_secret) return unexpected(HandshakeError::kLowOrderPoint);
    auto kem_secret =
        crypto::mlkem_decaps(kKemParameterSet, mlkem_.decapsulation_key.bytes(), ciphertext);
    if (!kem_secret) return unexpected(HandshakeError::kWrongMessageSize);  // sizes are fixed

    const Hash32 th2 =
        extend(start_transcript(hello_), reply.first(kX25519Size + kMlKem768CiphertextSize));
    const auto prk = extract_prk(th2, *x25519_secret, *kem_secret);
    secure_wipe(kem_secret->data(), kem_secret->size());

    auto peer = open_identity(sealed, kResponderSignLabel, th2, expand_key(prk, kHandshakeKeyR2I),
                              expected_peer_);
    if (!peer) return unexpected(peer.error());
    const NodeId peer_id = node_id_of(*peer);
    if (peer_id == node_key_.id()) return unexpected(HandshakeError::kSelfConnection);

    const Hash32 th3 = extend(th2, sealed);
    Bytes finish = seal_identity(node_key_, kInitiatorSignLabel, th3,
                                 expand_key(prk, kHandshakeKeyI2R), signing_);
    const Hash32 th4 = extend(th3, finish);
    Finished done{std::move(finish),
                  HandshakeOutcome{*peer, peer_id,
                                   SessionKeys{expand_key(prk, kDataKeyI2R, th4),
                                               expand_key(prk, kDataKeyR2I, th4), th4}}};
    return done;
}

ResponderHandshake::ResponderHandshake(const NetworkIdentity& network, const NodeKey& node_key,
                                       ResponderRandomness randomness, crypto::SigningMode signing)
    : network_{network},
      node_key_{node_key},
      randomness_{std::move(randomness)},
      signing_{signing} {}

Result<Bytes, HandshakeError> ResponderHandshake::on_hello(ByteView hello) {
    require(state_ == State::kStart, "ResponderHandshake::on_hello called twice");
    state_ = State::kDone;
    if (auto cheap = check_hello(network_, hello); !cheap) return unexpected(cheap.error());

    const ByteView encapsulation_key = hello.subspan(kHelloKem, kMlKem768EncapsulationKeySize);
    auto encapsulation =
        crypto::mlkem_encaps(kKemParameterSet, encapsulation_key, randomness_.mlkem_m.array());
    if (!encapsulation) return unexpected(HandshakeError::kInvalidKemKey);
    crypto::X25519PublicKey peer_x25519{};
    std::copy_n(hello.begin() + kHelloX25519, kX25519Size, peer_x25519.begin());
    const auto own = crypto::x25519_keygen(randomness_.x25519_seed.array());
    auto x25519_secret = crypto::x25519(own.private_key, peer_x25519);
    if (!x25519_secret) {
        secure_wipe(encapsulation->shared_secret.data(), encapsulation->shared_secret.size());
        return unexpected(HandshakeError::kLowOrderPoint);
    }

    Bytes reply;
    reply.reserve(kReplySize);
    reply.insert(reply.end(), own.public_key.begin(), own.public_key.end());
    reply.insert(reply.end(), encapsulation->ciphertext.begin(), encapsulation->ciphertext.end());
    const Hash32 th2 = extend(start_transcript(hello), reply);
    prk_ = extract_prk(th2, *x25519_secret, encapsulation->shared_secret);
    secure_wipe(encapsulation->shared_secret.data(), encapsulation->shared_secret.size());

    const Bytes sealed = seal_identity(node_key_, kResponderSignLabel, th2,
                                       expand_key(prk_, kHandshakeKeyR2I), signing_);
    reply.insert(reply.end(), sealed.begin(), sealed.end());
    transcript_ = extend(th2, sealed);
    state_ = State::kAwaitFinish;
    return reply;
}

Result<HandshakeOutcome, HandshakeError> ResponderHandshake::on_finish(ByteView finish) {
    require(state_ == State::kAwaitFinish, "ResponderHandshake::on_finish out of order");
    state_ = State::kDone;
    if (finish.size() != kFinishSize) return unexpected(HandshakeError::kWrongMessageSize);
    auto peer = open_identity(finish, kInitiatorSignLabel, transcript_,
                              expand_key(prk_, kHandshakeKeyI2R), std::nullopt);
    if (!peer) return unexpected(peer.error());
    const NodeId peer_id = node_id_of(*peer);
    if (peer_id == node_key_.id()) return unexpected(HandshakeError::kSelfConnection);
    const Hash32 th4 = extend(transcript_, finish);
    return HandshakeOutcome{
        *peer, peer_id,
        SessionKeys{expand_key(prk_, kDataKeyR2I, th4), expand_key(prk_, kDataKeyI2R, th4), th4}};
}

}  // namespace qtm::p2p
