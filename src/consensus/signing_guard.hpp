// Slashing protection: the only way the engine gets a signature. Before a vote or proposal
// is signed, its record is appended to the WAL (durable), and the guard refuses to sign
// anything that would conflict with what this validator signed before, also across
// crashes (it is rebuilt from the WAL on start):
//   - steps are ordered (height, round, step) with proposal < prevote < precommit;
//   - a request below the last signed step is refused;
//   - a request at a step already signed (at this height) is answered with the message
//     signed then, re-signed (signing is deterministic), only if the content is the same;
//   - any other request below the last signed step is refused;
//   - a request above it is recorded, then signed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "chain/consensus/signer.hpp"
#include "chain/consensus/types.hpp"
#include "consensus/wal.hpp"

namespace qtm::consensus {

enum class SignStep : std::uint8_t { kProposal = 0, kPrevote = 1, kPrecommit = 2 };

struct SignPosition {
    std::uint64_t height{0};
    std::uint32_t round{0};
    SignStep step{SignStep::kProposal};
    friend auto operator<=>(const SignPosition&, const SignPosition&) = default;
};

// A message as recorded in the WAL before it is signed: content without signature.
using SignedContent = std::variant<chain::Proposal, chain::Vote>;

// What a lock needs after a restart, recorded when the validator locks: the proposal it
// locks on (with its timestamp, so that it can re-propose the block with its proof-of-lock
// round) and the prevotes that formed the polka (the proof of lock, which validators that
// did not see it need before they prevote for the block again; the restarted validator may
// be the only honest one left holding it).
struct LockRecord {
    chain::Proposal proposal;  // signed by its proposer
    std::vector<chain::Vote> prevotes;
    friend bool operator==(const LockRecord&, const LockRecord&) = default;
};

using WalEntry = std::variant<chain::Proposal, chain::Vote, LockRecord>;

enum class SignRefusal {
    kBelowLastSigned,  // would sign an earlier step than one already signed
    kConflicting,      // another message was signed at this very step
    kWalFailed,        // the record could not be made durable: nothing is signed
};

// WAL records: rlp([1, proposal]) and rlp([2, vote]) with empty signature fields (what is
// about to be signed), rlp([3, signed proposal, [signed prevote, ...]]) for a lock.
[[nodiscard]] Bytes encode_wal_record(const WalEntry& entry);
[[nodiscard]] std::optional<WalEntry> decode_wal_record(ByteView record);

class SigningGuard {
public:
    SigningGuard(chain::ConsensusDomain domain, const chain::ConsensusSigner& signer, Wal& wal);

    // Reads the WAL; the records of heights >= `height` are returned (the engine rebuilds
    // its locks and re-sends them). Fails only when the WAL cannot be read.
    [[nodiscard]] Result<std::vector<WalEntry>, WalError> load(std::uint64_t height);

    // Makes a lock durable (before the precommit that follows it is signed).
    [[nodiscard]] Result<void, WalError> record_lock(const LockRecord& lock);

    [[nodiscard]] Result<chain::Vote, SignRefusal> sign_vote(chain::Vote vote);
    [[nodiscard]] Result<chain::Proposal, SignRefusal> sign_proposal(chain::Proposal proposal);

    [[nodiscard]] std::optional<SignPosition> last_signed() const noexcept { return last_; }
    [[nodiscard]] const WalError& last_wal_error() const noexcept { return wal_error_; }

private:
    // The WAL rule and the conflict rules of the header, for either kind of message.
    [[nodiscard]] Result<void, SignRefusal> admit(const SignedContent& content);

    chain::ConsensusDomain domain_;
    const chain::ConsensusSigner& signer_;
    Wal& wal_;
    std::optional<SignPosition> last_;
    std::map<SignPosition, SignedContent> signed_;  // of the current height, from the WAL too
    WalError wal_error_;
};

}  // namespace qtm::consensus
