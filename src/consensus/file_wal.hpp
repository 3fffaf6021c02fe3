// The consensus WAL as a file of length- and checksum-framed records, each made durable
// with fdatasync before append() returns:
//
//   record = be32(length) || keccak256(payload)[0:4] || payload
//
// Opening the file drops a torn or corrupt tail (the last, incomplete append of a crash)
// by truncating it away; a corrupt record in the middle of the file is refused, since
// that is not what a crash leaves. compact() rewrites the file with only the records a
// restart still needs (atomically: a new file, fsync, rename, fsync of the directory).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "consensus/wal.hpp"

namespace qtm::consensus {

// What a WAL file's bytes hold: the complete records up to the first bad frame, where that
// frame starts, and whether a bad frame is followed by more bytes that would form a frame
// (corruption in the middle rather than a torn tail). Pure, for the fuzzer and the tests.
struct WalFileScan {
    std::vector<Bytes> records;
    std::uint64_t good_size{0};
    bool corrupt_middle{false};
};
[[nodiscard]] WalFileScan scan_wal_file(ByteView file);

class FileWal : public Wal {
public:
    [[nodiscard]] static Result<std::unique_ptr<FileWal>, WalError> open(std::string path);
    ~FileWal() override;
    FileWal(const FileWal&) = delete;
    FileWal& operator=(const FileWal&) = delete;

    [[nodiscard]] Result<void, WalError> append(ByteView record) override;
    [[nodiscard]] Result<std::vector<Bytes>, WalError> read_all() override;
    // Keeps only the records for which `keep` is true.
    [[nodiscard]] Result<void, WalError> compact(const std::function<bool(ByteView)>& keep);

    // Bytes of a torn tail dropped when the file was opened (0 after a clean stop).
    [[nodiscard]] std::uint64_t dropped_tail_bytes() const noexcept { return dropped_tail_; }
    [[nodiscard]] std::uint64_t size_bytes() const noexcept { return size_; }

private:
    FileWal(std::string path, int fd, std::vector<Bytes> records, std::uint64_t size,
            std::uint64_t dropped_tail);

    std::string path_;
    int fd_;
    std::vector<Bytes> records_;
    std::uint64_t size_;
    std::uint64_t dropped_tail_;
};

}  // namespace qtm::consensus
