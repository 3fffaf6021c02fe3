// Node: the blocks that consensus decides (node.hpp, "Blocks decided by consensus").
#include <spdlog/spdlog.h>

#include "base/hex.hpp"
#include "chain/commit_store.hpp"
#include "node/node.hpp"
#include "storage/chain_store.hpp"

namespace qtm::node {

namespace {

BlockRejection rejection_of(const chain::BlockError& error) {
    return BlockRejection{error.message, error.kind == chain::BlockErrorKind::kInvalidBlock};
}

}  // namespace

Result<chain::Block, NodeError> Node::build_proposal(std::uint64_t timestamp,
                                                     const chain::BlockInputs& inputs) {
    const std::lock_guard produce_lock{produce_mutex_};
    const chain::Header parent = head();
    const U256 base_fee = chain::next_base_fee(options_.spec, parent);
    const auto candidates =
        pool_->best(base_fee, options_.spec.gas_limit, options_.spec.max_block_bytes);
    std::vector<chain::Rejection> rejected;
    auto built = executor_->build(parent, std::max(timestamp, parent.timestamp + 1),
                                  options_.proposer, candidates, &rejected, inputs);
    if (!built) return unexpected(NodeError{built.error().message});
    log_rejections(rejected, built->block.header.number);
    chain::Block block = built->block;
    const Hash32 hash = built->hash;
    executed_.insert_or_assign(hash, std::move(*built));
    return block;
}

Result<Hash32, BlockRejection> Node::validate_proposal(const chain::Block& block) {
    const std::lock_guard produce_lock{produce_mutex_};
    const Hash32 hash = chain::block_hash(block.header);
    if (executed_.contains(hash)) return hash;  // built here, or validated before
    const chain::Header parent = head();
    if (block.header.parent_hash != head_hash()) {
        return unexpected(BlockRejection{
            "block " + std::to_string(block.header.number) + " does not extend the head (block " +
                std::to_string(parent.number) + ")",
            /*peer_to_blame=*/block.header.number == parent.number + 1});
    }
    // The pool's transactions were verified on admission (a compact proposal is rebuilt
    // from them): only the others are verified here.
    auto executed = executor_->validate(
        parent, block, [this](std::span<const Hash32> hashes) { return pool_->contains(hashes); });
    if (!executed) {
        BlockRejection rejection = rejection_of(executed.error());
        if (rejection.peer_to_blame) {
            const std::lock_guard bad_lock{bad_blocks_mutex_};
            if (bad_blocks_.size() == kBadBlockLimit) bad_blocks_.pop_back();
            bad_blocks_.insert(bad_blocks_.begin(), rpc::BadBlock{hash, block, rejection.message});
        }
        return unexpected(std::move(rejection));
    }
    executed_.insert_or_assign(hash, std::move(*executed));
    return hash;
}

Result<chain::Header, NodeError> Node::commit_block(const Hash32& block_hash,
                                                    const chain::CommitCertificate& certificate) {
    const std::lock_guard produce_lock{produce_mutex_};
    auto found = executed_.find(block_hash);
    if (found == executed_.end()) {
        return unexpected(
            NodeError{"block " + to_hex(block_hash) + " was decided but never executed here"});
    }
    chain::ExecutedBlock block = std::move(found->second);
    executed_.erase(found);
    if (auto committed = commit_executed(block, &certificate, std::chrono::steady_clock::now(), 0);
        !committed) {
        return unexpected(committed.error());
    }
    return block.block.header;
}

Result<chain::Header, BlockRejection> Node::import_committed(
    const chain::Block& block, const chain::CommitCertificate& certificate) {
    auto validated = validate_proposal(block);
    if (!validated) return unexpected(validated.error());
    auto committed = commit_block(*validated, certificate);
    if (!committed) return unexpected(BlockRejection{committed.error().message, false});
    return *committed;
}

std::vector<rpc::BadBlock> Node::bad_blocks() const {
    const std::lock_guard lock{bad_blocks_mutex_};
    return bad_blocks_;
}

std::optional<chain::CommitCertificate> Node::head_commit() const {
    const std::lock_guard lock{head_mutex_};
    return head_commit_;
}

std::optional<std::pair<chain::Block, chain::CommitCertificate>> Node::committed_block(
    std::uint64_t number) const {
    const storage::ChainStore store{*database_};
    auto hash = store.canonical_hash(number);
    if (!hash || !*hash) return std::nullopt;
    auto header_bytes = store.load_header(**hash);
    auto body_bytes = store.load_body(**hash);
    if (!header_bytes || !*header_bytes || !body_bytes || !*body_bytes) return std::nullopt;
    auto header = chain::decode_header(**header_bytes);
    auto body = chain::decode_body(**body_bytes);
    if (!header || !body) return std::nullopt;
    auto certificate = chain::commit_of(*database_, number);
    if (!certificate || !*certificate) return std::nullopt;
    return std::pair{
        chain::Block{std::move(*header), std::move(body->transactions), std::move(body->evidence)},
        std::move(**certificate)};
}

}  // namespace qtm::node
