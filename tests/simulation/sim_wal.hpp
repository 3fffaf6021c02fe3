// The simulator's WAL: records framed on a simulated disk (a byte string that survives a
// node's crash), with crash injection at every write point.
//
//   frame = u32 length (big-endian) || first 4 bytes of keccak256(record) || record
//
// A crash point "after append k" lets the k-th append from arming succeed and then refuses
// every later one (the process is gone: nothing more reaches the disk). A torn crash also
// leaves a prefix of the next frame on the disk, as a power cut in the middle of a write
// does. Opening the WAL again (a restart) drops a torn last frame and cuts it off the disk,
// so that new frames follow the last complete one; a bad frame that is not the last is
// corruption and fails read_all.
#pragma once

#include <cstdint>
#include <optional>

#include "consensus/wal.hpp"

namespace qtm::sim {

struct SimDisk {
    Bytes bytes;
    std::uint64_t torn_frames_dropped{0};  // how often an open found (and dropped) a torn tail
};

class SimWal final : public consensus::Wal {
public:
    explicit SimWal(SimDisk& disk);

    [[nodiscard]] Result<void, consensus::WalError> append(ByteView record) override;
    [[nodiscard]] Result<std::vector<Bytes>, consensus::WalError> read_all() override;

    // Crash after `appends` more successful appends (0: the very next append is refused).
    void arm_crash(std::uint32_t appends, bool torn);
    // True once the crash point was passed: the node must go down.
    [[nodiscard]] bool crashed() const noexcept { return crashed_; }
    [[nodiscard]] std::uint64_t appends() const noexcept { return appends_; }

private:
    SimDisk& disk_;
    std::uint64_t appends_{0};
    std::optional<std::uint32_t> appends_before_crash_{};
    bool torn_{false};
    bool crashed_{false};
};

// Frames one record (shared with the tests).
[[nodiscard]] Bytes frame_wal_record(ByteView record);

}  // namespace qtm::sim
