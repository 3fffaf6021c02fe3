// Bytes per proposal on the wire, compact versus full: for blocks of 100, 500 and 1000
// ML-DSA-44-signed transfers (steady state: the senders' keys are already registered, so no
// transaction carries a public key; a "first transfers" row shows blocks where every
// transaction carries one), the compact proposal message (consensus channel type 0: the
// signed proposal, the header, the evidence and the transaction hashes) against the full
// one (the signed proposal and the whole block: rlp([proposal, block])). Sizes only: nothing
// is timed. Signatures are real (ML-DSA-44 transfers, an ML-DSA-65 proposal).
//
//   build/bin/qtm-bench-proposal-size [--txs 100,500,1000]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/endian.hpp"
#include "chain/block.hpp"
#include "chain/consensus/signer.hpp"
#include "chain/keys.hpp"
#include "chain/transaction.hpp"
#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"
#include "p2p/wire/consensus_messages.hpp"

namespace {

using namespace qtm;

const chain::ConsensusDomain kDomain{1337, Hash32{0x44}};

// The parent's commit certificate that every header carries: 3 of 4 ML-DSA-65 validators.
Bytes parent_commit_of(const Hash32& parent) {
    chain::CommitCertificate certificate{999, 0, parent, Bytes{0x07}, {}};
    for (std::uint8_t v = 0; v < 3; ++v) {
        ByteArray<32> seed{};
        seed[0] = 0x65;
        seed[1] = v;
        const auto signer = chain::make_mldsa_signer(crypto::SignatureScheme::kMlDsa65, seed);
        const chain::Vote vote{chain::VoteType::kPrecommit, 999, 0, parent, v, {}};
        certificate.signatures.push_back(
            signer->sign(chain::vote_sign_bytes(kDomain, vote), chain::kVoteContext));
    }
    return chain::encode_certificate(certificate);
}

std::vector<std::size_t> parse_sizes(const std::string& text) {
    std::vector<std::size_t> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = text.find(',', start);
        const std::string item =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) out.push_back(std::stoul(item));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

chain::Transaction transfer(const chain::AccountKey& key, std::uint64_t nonce, std::size_t i,
                            bool include_key) {
    chain::Transaction tx;
    tx.chain_id = 1337;
    tx.nonce = nonce;
    tx.max_priority_fee_per_gas = U256{1'000'000'000};
    tx.max_fee_per_gas = U256{100'000'000'000};
    tx.gas_limit = 21'000;
    tx.from = key.address();
    Address to{};
    store_be64(to.data() + 12, 0xb0b0'0000ULL + i);
    tx.to = to;
    tx.value = U256{1'000'000'000'000'000ULL + i};
    tx.scheme = key.scheme();
    chain::sign_transaction(tx, key, include_key);
    return tx;
}

struct Row {
    std::size_t txs{0};
    std::size_t avg_tx{0};
    std::size_t full{0};
    std::size_t compact{0};
};

Row measure(std::size_t count, bool include_key, const chain::ConsensusSigner& proposer,
            const Bytes& parent_commit) {
    std::vector<chain::Transaction> txs;
    txs.reserve(count);
    std::size_t tx_bytes = 0;
    for (std::size_t i = 0; i < count; ++i) {
        Bytes label = to_bytes(as_bytes("qtm proposal-size sender"));
        label.resize(label.size() + 8);
        store_be64(label.data() + label.size() - 8, i);
        const chain::AccountKey key{crypto::SignatureScheme::kMlDsa44, crypto::keccak256(label)};
        txs.push_back(transfer(key, include_key ? 0 : 7, i, include_key));
        tx_bytes += chain::encode(txs.back()).size();
    }
    chain::Block block;
    block.header.parent_hash.fill(0x11);
    block.header.number = 1000;
    block.header.timestamp = 1'800'000'000;
    block.header.proposer.fill(0x22);
    block.header.state_root.fill(0x33);
    block.header.receipts_root.fill(0x44);
    block.header.validators_hash.fill(0x55);
    block.header.gas_limit = 60'000'000;
    block.header.gas_used = 21'000 * count;
    block.header.base_fee = U256{1'000'000'000};
    block.header.transactions_root = chain::transactions_root(txs);
    block.header.evidence_root = chain::evidence_root({});
    block.header.parent_commit = parent_commit;
    block.transactions = std::move(txs);

    chain::Proposal proposal{block.header.number,
                             0,
                             std::nullopt,
                             chain::block_hash(block.header),
                             1'800'000'000'000ULL,
                             3,
                             {}};
    proposal.signature =
        proposer.sign(chain::proposal_sign_bytes(kDomain, proposal), chain::kProposalContext);

    // The full form: rlp([proposal, block]).
    Bytes full_payload = chain::encode_proposal(proposal);
    const Bytes encoded_block = chain::encode_block(block);
    full_payload.insert(full_payload.end(), encoded_block.begin(), encoded_block.end());
    Bytes full;
    rlp::append_list(full, full_payload);

    const Bytes compact = p2p::encode_proposal_message(p2p::make_proposal_message(proposal, block));
    // The compact message must decode (it is the real wire format).
    auto decoded = p2p::decode_proposal_message(compact);
    if (!decoded || decoded->transaction_hashes.size() != count) {
        std::fprintf(stderr, "compact proposal of %zu transactions does not decode\n", count);
        std::exit(1);
    }
    return Row{count, tx_bytes / count, full.size(), compact.size()};
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::size_t> sizes{100, 500, 1000};
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--txs" && i + 1 < argc) {
            sizes = parse_sizes(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: qtm-bench-proposal-size [--txs 100,500,1000]\n");
            return 2;
        }
    }
    ByteArray<32> seed{};
    seed[0] = 0x65;
    const auto proposer = chain::make_mldsa_signer(crypto::SignatureScheme::kMlDsa65, seed);
    Hash32 parent{};
    parent.fill(0x11);
    const Bytes parent_commit = parent_commit_of(parent);

    std::printf(
        "| block | transactions | avg tx bytes | full proposal bytes | compact bytes | "
        "full / compact |\n|---|---:|---:|---:|---:|---:|\n");
    for (const bool include_key : {false, true}) {
        for (const std::size_t n : sizes) {
            std::fprintf(stderr, "signing %zu transfers...\n", n);
            const Row row = measure(n, include_key, *proposer, parent_commit);
            std::printf("| %s | %zu | %zu | %zu | %zu | %.1f |\n",
                        include_key ? "first transfers (with key)" : "steady state", row.txs,
                        row.avg_tx, row.full, row.compact,
                        static_cast<double>(row.full) / static_cast<double>(row.compact));
        }
    }
    return 0;
}
