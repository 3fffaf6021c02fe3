// The consensus write-ahead log: where a validator records each message before it signs it
// (docs/consensus.md, "The WAL rule"). An append is durable when it returns (the file WAL
// fsyncs); read_all() returns the records in order and drops a torn last record, which is
// safe because nothing is signed until its record is complete on disk.
//
// The interface is small so that the simulator can crash a node at every write point.
#pragma once

#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm::consensus {

struct WalError {
    std::string message;  // says what failed and where ("fsync of /data/consensus.wal: ...")
};

class Wal {
public:
    virtual ~Wal() = default;
    // Durable when it returns a value.
    [[nodiscard]] virtual Result<void, WalError> append(ByteView record) = 0;
    [[nodiscard]] virtual Result<std::vector<Bytes>, WalError> read_all() = 0;
};

// An in-memory WAL (tests, and the simulator's base for crash injection).
class MemoryWal : public Wal {
public:
    [[nodiscard]] Result<void, WalError> append(ByteView record) override;
    [[nodiscard]] Result<std::vector<Bytes>, WalError> read_all() override;
    [[nodiscard]] const std::vector<Bytes>& records() const noexcept { return records_; }
    std::vector<Bytes>& mutable_records() noexcept { return records_; }

private:
    std::vector<Bytes> records_;
};

}  // namespace qtm::consensus
