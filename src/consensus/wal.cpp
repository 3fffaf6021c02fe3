#include "consensus/wal.hpp"

namespace qtm::consensus {

Result<void, WalError> MemoryWal::append(ByteView record) {
    records_.emplace_back(record.begin(), record.end());
    return {};
}

Result<std::vector<Bytes>, WalError> MemoryWal::read_all() {
    return records_;
}

}  // namespace qtm::consensus
