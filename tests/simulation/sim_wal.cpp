#include "sim_wal.hpp"

#include <algorithm>

#include "crypto/keccak.hpp"

namespace qtm::sim {

namespace {

constexpr std::size_t kHeaderBytes = 8;

struct ParsedFrames {
    std::vector<Bytes> records;
    std::size_t valid_bytes{0};  // length of the complete frames at the start
    bool torn_tail{false};
    bool corrupt{false};
};

ParsedFrames parse(const Bytes& disk) {
    ParsedFrames parsed;
    std::size_t offset = 0;
    while (offset < disk.size()) {
        const std::size_t left = disk.size() - offset;
        if (left < kHeaderBytes) {
            parsed.torn_tail = true;
            break;
        }
        const std::size_t length = (std::size_t{disk[offset]} << 24) |
                                   (std::size_t{disk[offset + 1]} << 16) |
                                   (std::size_t{disk[offset + 2]} << 8) | disk[offset + 3];
        if (left - kHeaderBytes < length) {
            parsed.torn_tail = true;
            break;
        }
        const ByteView record{disk.data() + offset + kHeaderBytes, length};
        const Hash32 check = crypto::keccak256(record);
        if (!std::equal(check.begin(), check.begin() + 4,
                        disk.begin() + static_cast<std::ptrdiff_t>(offset + 4))) {
            // Only the last frame can be torn; a bad frame with more after it is corruption.
            if (offset + kHeaderBytes + length == disk.size()) {
                parsed.torn_tail = true;
            } else {
                parsed.corrupt = true;
            }
            break;
        }
        parsed.records.emplace_back(record.begin(), record.end());
        offset += kHeaderBytes + length;
        parsed.valid_bytes = offset;
    }
    return parsed;
}

}  // namespace

Bytes frame_wal_record(ByteView record) {
    Bytes frame;
    frame.reserve(kHeaderBytes + record.size());
    const auto length = static_cast<std::uint32_t>(record.size());
    for (int shift = 24; shift >= 0; shift -= 8) {
        frame.push_back(static_cast<std::uint8_t>(length >> shift));
    }
    const Hash32 check = crypto::keccak256(record);
    frame.insert(frame.end(), check.begin(), check.begin() + 4);
    frame.insert(frame.end(), record.begin(), record.end());
    return frame;
}

SimWal::SimWal(SimDisk& disk) : disk_{disk} {
    const ParsedFrames parsed = parse(disk_.bytes);
    if (parsed.torn_tail) {
        disk_.bytes.resize(parsed.valid_bytes);
        ++disk_.torn_frames_dropped;
    }
}

Result<void, consensus::WalError> SimWal::append(ByteView record) {
    if (crashed_) return unexpected(consensus::WalError{"simulated crash: the WAL is gone"});
    if (appends_before_crash_ && *appends_before_crash_ == 0) {
        crashed_ = true;
        if (torn_) {
            // Half a frame reaches the disk.
            const Bytes frame = frame_wal_record(record);
            disk_.bytes.insert(disk_.bytes.end(), frame.begin(),
                               frame.begin() + static_cast<std::ptrdiff_t>(frame.size() / 2));
        }
        return unexpected(consensus::WalError{"simulated crash during a WAL append"});
    }
    const Bytes frame = frame_wal_record(record);
    disk_.bytes.insert(disk_.bytes.end(), frame.begin(), frame.end());
    ++appends_;
    if (appends_before_crash_) {
        --*appends_before_crash_;
        // The crash point: this record is durable, nothing after it will be.
        if (*appends_before_crash_ == 0 && !torn_) crashed_ = true;
    }
    return {};
}

Result<std::vector<Bytes>, consensus::WalError> SimWal::read_all() {
    ParsedFrames parsed = parse(disk_.bytes);
    if (parsed.corrupt) {
        return unexpected(consensus::WalError{"simulated WAL: a corrupt frame before the end"});
    }
    return std::move(parsed.records);
}

void SimWal::arm_crash(std::uint32_t appends, bool torn) {
    appends_before_crash_ = appends;
    torn_ = torn;
}

}  // namespace qtm::sim
