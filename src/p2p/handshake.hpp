// The hybrid post-quantum handshake of QTM p2p version 1 as two pure state machines:
// bytes in, bytes out, randomness injected, no I/O and no clock (the transport adds framing,
// time limits and per-IP limits). docs/protocol.md, "Peer-to-peer handshake", has the
// layout byte by byte and a fixed-randomness test vector.
//
//   initiator                                                responder
//   hello  = version | chain id | genesis | X25519 e_i | ML-KEM ek      ->
//                     <-  reply = X25519 e_r | ML-KEM ct | seal_r2i(id_R, sig_R(th2))
//   finish = seal_i2r(id_I, sig_I(th3))                                 ->
//
// Keys come from HKDF over both shared secrets (X25519 and ML-KEM-768) with the transcript
// hash as salt; the transcript starts with the version, chain id and genesis hash, so a
// downgrade or a cross-network connection fails. The responder reveals its identity first,
// so a dialer that wants a specific node id aborts before revealing its own.
#pragma once

#include <optional>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/aead.hpp"
#include "crypto/mldsa.hpp"
#include "crypto/mlkem.hpp"
#include "crypto/secret.hpp"
#include "crypto/x25519.hpp"
#include "p2p/handshake_error.hpp"
#include "p2p/node_key.hpp"

namespace qtm::p2p {

// What both ends must agree on before they talk at all.
struct NetworkIdentity {
    std::uint16_t protocol_version = kProtocolVersion;
    std::uint64_t chain_id = 0;
    Hash32 genesis_hash{};
};

// The ephemeral randomness of each side, injected so that tests are reproducible.
struct InitiatorRandomness {
    crypto::Secret<32> x25519_seed;
    crypto::Secret<32> mlkem_d;
    crypto::Secret<32> mlkem_z;
    [[nodiscard]] static InitiatorRandomness fresh();  // from the OS RNG
};
struct ResponderRandomness {
    crypto::Secret<32> x25519_seed;
    crypto::Secret<32> mlkem_m;
    [[nodiscard]] static ResponderRandomness fresh();
};

// The keys of the encrypted session that follows, from this side's point of view.
struct SessionKeys {
    crypto::AeadKey send;
    crypto::AeadKey receive;
    Hash32 session_id{};  // the final transcript hash, the same on both sides
};

struct HandshakeOutcome {
    NodePublicKey peer_public_key;
    NodeId peer_id{};
    SessionKeys keys;
};

class InitiatorHandshake {
public:
    // `expected_peer`: the node id of a qtm://<node-id>@host:port address; any other aborts.
    InitiatorHandshake(const NetworkIdentity& network, const NodeKey& node_key,
                       std::optional<NodeId> expected_peer, InitiatorRandomness randomness,
                       crypto::SigningMode signing = crypto::SigningMode::kHedged);

    // Message 1. Called once, first.
    [[nodiscard]] Bytes hello();

    struct Finished {
        Bytes finish;  // message 3, to send; the session may start right after it
        HandshakeOutcome outcome;
    };
    // Message 2 in; message 3 and the outcome out. Called once, after hello().
    [[nodiscard]] Result<Finished, HandshakeError> on_reply(ByteView reply);

private:
    enum class State { kStart, kAwaitReply, kDone };

    NetworkIdentity network_;
    const NodeKey& node_key_;
    std::optional<NodeId> expected_peer_;
    crypto::SigningMode signing_;
    crypto::X25519KeyPair x25519_;
    crypto::MlKemKeyPair mlkem_;
    Bytes hello_;
    State state_{State::kStart};
};

class ResponderHandshake {
public:
    ResponderHandshake(const NetworkIdentity& network, const NodeKey& node_key,
                       ResponderRandomness randomness,
                       crypto::SigningMode signing = crypto::SigningMode::kHedged);

    // Message 1 in, message 2 out. The cheap checks (size, version, chain id, genesis) run
    // before any X25519, ML-KEM or ML-DSA work. Called once, first.
    [[nodiscard]] Result<Bytes, HandshakeError> on_hello(ByteView hello);

    // Message 3 in; the outcome out. Called once, after on_hello() succeeded.
    [[nodiscard]] Result<HandshakeOutcome, HandshakeError> on_finish(ByteView finish);

private:
    enum class State { kStart, kAwaitFinish, kDone };

    NetworkIdentity network_;
    const NodeKey& node_key_;
    ResponderRandomness randomness_;
    crypto::SigningMode signing_;
    Hash32 transcript_{};     // th3 once the reply is sent
    crypto::Secret<32> prk_;  // the HKDF pseudorandom key of this handshake
    State state_{State::kStart};
};

// The cheap checks on a hello alone (size, version, chain id, genesis), for a transport that
// wants to refuse a connection before allocating a handshake.
[[nodiscard]] Result<void, HandshakeError> check_hello(const NetworkIdentity& network,
                                                       ByteView hello) noexcept;

}  // namespace qtm::p2p
