// The Node's side of operations: what /ready checks and what each scrape samples.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "base/bytes.hpp"
#include "node/node.hpp"

namespace qtm::node {

namespace {

// Written (unsynced) by every /ready: a read-only or full disk fails it at once.
constexpr std::string_view kReadyProbeKey = "ready_probe";

std::string format_seconds(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", value);
    return text;
}

}  // namespace

HealthReport Node::readiness() {
    HealthReport report;

    HealthCheck database{"database_writable", true, "a test write succeeded"};
    storage::WriteBatch probe;
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    const std::string stamp = std::to_string(now);
    probe.put(storage::Column::kMetadata,
              ByteView{reinterpret_cast<const std::uint8_t*>(kReadyProbeKey.data()),
                       kReadyProbeKey.size()},
              ByteView{reinterpret_cast<const std::uint8_t*>(stamp.data()), stamp.size()});
    if (auto written = database_->write(probe, /*sync=*/false); !written) {
        database = {"database_writable", false, "a test write failed: " + written.error().message};
    } else if (last_commit_failed_) {
        database = {"database_writable", false,
                    "the last block could not be written (see the log); check the disk"};
    }
    report.checks.push_back(std::move(database));

    const auto limit = std::max(5 * std::chrono::duration<double>(options_.block_time),
                                std::chrono::duration<double>(10.0));
    const double age =
        std::chrono::duration<double>(std::chrono::nanoseconds{now - last_commit_ns_.load()})
            .count();
    HealthCheck producing{"producing_blocks", true, ""};
    if (!producing_) {
        producing = {"producing_blocks", false, "the block producer is not running"};
    } else if (age > limit.count()) {
        producing = {"producing_blocks", false,
                     "no block committed for " + format_seconds(age) + " s (limit " +
                         format_seconds(limit.count()) + " s); see the log for production errors"};
    } else {
        producing.detail = "head " + std::to_string(head().number) + ", last block " +
                           format_seconds(age) + " s ago";
    }
    report.checks.push_back(std::move(producing));

    // A development chain has one validator and no peers: there is nothing to sync from.
    // The p2p layer replaces this with the sync status when it lands.
    report.checks.push_back({"synced", true, "development chain: this node produces every block"});
    return report;
}

void Node::sample_metrics(MetricsSample& sample) const {
    const chain::Header current = head();
    sample.head_block = current.number;
    sample.head_timestamp = current.timestamp;
    sample.finalized_block = current.number;  // one validator: every block is final at once
    sample.pool = pool_->status();
    const storage::DatabaseStats stats = database_->stats();
    sample.db_size_bytes = stats.sst_bytes;
    sample.db_memtable_bytes = stats.memtable_bytes;
    sample.db_pending_compaction_bytes = stats.pending_compaction_bytes;
    std::error_code error;
    const auto space = std::filesystem::space(options_.datadir, error);
    if (!error) {
        sample.datadir_free_bytes = space.available;
        sample.datadir_size_bytes = space.capacity;
    }
}

}  // namespace qtm::node
