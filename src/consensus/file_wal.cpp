#include "consensus/file_wal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "crypto/keccak.hpp"

namespace qtm::consensus {
namespace {

constexpr std::size_t kFrameHeader = 8;
// The largest record is a lock: a proposal and the prevotes of a polka (kMaxValidators
// ML-DSA-87 votes at most, about 39 MB).
constexpr std::uint32_t kMaxRecordBytes = 48u << 20;

WalError os_error(const std::string& what, const std::string& path) {
    return WalError{what + " " + path + ": " + std::strerror(errno)};
}

ByteArray<4> checksum(ByteView payload) {
    const Hash32 digest = crypto::keccak256(payload);
    return {digest[0], digest[1], digest[2], digest[3]};
}

Bytes frame(ByteView payload) {
    Bytes out(kFrameHeader + payload.size());
    const auto length = static_cast<std::uint32_t>(payload.size());
    out[0] = static_cast<std::uint8_t>(length >> 24);
    out[1] = static_cast<std::uint8_t>(length >> 16);
    out[2] = static_cast<std::uint8_t>(length >> 8);
    out[3] = static_cast<std::uint8_t>(length);
    const auto sum = checksum(payload);
    std::copy(sum.begin(), sum.end(), out.begin() + 4);
    std::copy(payload.begin(), payload.end(), out.begin() + kFrameHeader);
    return out;
}

Result<void, WalError> write_all(int fd, ByteView bytes, const std::string& path) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return unexpected(os_error("write to", path));
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

Result<void, WalError> sync_directory_of(const std::string& path) {
    const std::string dir = std::filesystem::path(path).parent_path().string();
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return unexpected(os_error("open directory of", path));
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return unexpected(os_error("fsync of the directory of", path));
    return {};
}

}  // namespace

// Reads frames until the end or the first bad one.
WalFileScan scan_wal_file(ByteView file) {
    WalFileScan out;
    std::size_t offset = 0;
    while (offset < file.size()) {
        if (file.size() - offset < kFrameHeader) break;
        const std::uint32_t length = (std::uint32_t{file[offset]} << 24) |
                                     (std::uint32_t{file[offset + 1]} << 16) |
                                     (std::uint32_t{file[offset + 2]} << 8) | file[offset + 3];
        if (length > kMaxRecordBytes || file.size() - offset - kFrameHeader < length) break;
        const ByteView payload = file.subspan(offset + kFrameHeader, length);
        const auto sum = checksum(payload);
        if (!std::equal(sum.begin(), sum.end(),
                        file.begin() + static_cast<std::ptrdiff_t>(offset + 4))) {
            // A checksum failure in a complete frame that is not the last one cannot come
            // from a torn write.
            if (offset + kFrameHeader + length < file.size()) out.corrupt_middle = true;
            break;
        }
        out.records.emplace_back(payload.begin(), payload.end());
        offset += kFrameHeader + length;
    }
    out.good_size = offset;
    return out;
}

namespace {

Result<Bytes, WalError> read_file(int fd, const std::string& path) {
    Bytes content;
    std::uint8_t buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            return unexpected(os_error("read of", path));
        }
        if (n == 0) break;
        content.insert(content.end(), buffer, buffer + n);
    }
    return content;
}

}  // namespace

Result<std::unique_ptr<FileWal>, WalError> FileWal::open(std::string path) {
    const bool existed = std::filesystem::exists(path);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return unexpected(os_error("open of the consensus WAL", path));
    auto content = read_file(fd, path);
    if (!content) {
        ::close(fd);
        return unexpected(content.error());
    }
    WalFileScan found = scan_wal_file(*content);
    if (found.corrupt_middle) {
        ::close(fd);
        return unexpected(WalError{"the consensus WAL " + path +
                                   " is corrupt before its last record (not a torn write); "
                                   "refusing to start the validator: inspect or move it"});
    }
    const std::uint64_t dropped = content->size() - found.good_size;
    if (dropped > 0 || !existed) {
        if (dropped > 0 && ::ftruncate(fd, static_cast<off_t>(found.good_size)) != 0) {
            const auto error = os_error("truncate of the torn tail of", path);
            ::close(fd);
            return unexpected(error);
        }
        if (::fsync(fd) != 0) {
            const auto error = os_error("fsync of", path);
            ::close(fd);
            return unexpected(error);
        }
        if (auto synced = sync_directory_of(path); !synced) {
            ::close(fd);
            return unexpected(synced.error());
        }
    }
    if (::lseek(fd, static_cast<off_t>(found.good_size), SEEK_SET) < 0) {
        const auto error = os_error("seek in", path);
        ::close(fd);
        return unexpected(error);
    }
    return std::unique_ptr<FileWal>(
        new FileWal(std::move(path), fd, std::move(found.records), found.good_size, dropped));
}

FileWal::FileWal(std::string path, int fd, std::vector<Bytes> records, std::uint64_t size,
                 std::uint64_t dropped_tail)
    : path_{std::move(path)},
      fd_{fd},
      records_{std::move(records)},
      size_{size},
      dropped_tail_{dropped_tail} {}

FileWal::~FileWal() {
    ::close(fd_);
}

Result<void, WalError> FileWal::append(ByteView record) {
    if (record.size() > kMaxRecordBytes) {
        return unexpected(WalError{"consensus WAL record of " + std::to_string(record.size()) +
                                   " bytes exceeds the limit"});
    }
    const Bytes framed = frame(record);
    if (auto written = write_all(fd_, framed, path_); !written) return written;
    if (::fdatasync(fd_) != 0) return unexpected(os_error("fdatasync of", path_));
    size_ += framed.size();
    records_.emplace_back(record.begin(), record.end());
    return {};
}

Result<std::vector<Bytes>, WalError> FileWal::read_all() {
    return records_;
}

Result<void, WalError> FileWal::compact(const std::function<bool(ByteView)>& keep) {
    const std::string temporary = path_ + ".compact";
    const int fd = ::open(temporary.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return unexpected(os_error("open of", temporary));
    std::vector<Bytes> kept;
    std::uint64_t size = 0;
    for (const Bytes& record : records_) {
        if (!keep(record)) continue;
        const Bytes framed = frame(record);
        if (auto written = write_all(fd, framed, temporary); !written) {
            ::close(fd);
            return written;
        }
        size += framed.size();
        kept.push_back(record);
    }
    if (::fsync(fd) != 0) {
        const auto error = os_error("fsync of", temporary);
        ::close(fd);
        return unexpected(error);
    }
    if (::rename(temporary.c_str(), path_.c_str()) != 0) {
        const auto error = os_error("rename onto", path_);
        ::close(fd);
        return unexpected(error);
    }
    if (auto synced = sync_directory_of(path_); !synced) {
        ::close(fd);
        return synced;
    }
    ::close(fd_);
    fd_ = fd;
    if (::lseek(fd_, static_cast<off_t>(size), SEEK_SET) < 0) {
        return unexpected(os_error("seek in", path_));
    }
    records_ = std::move(kept);
    size_ = size;
    return {};
}

}  // namespace qtm::consensus
