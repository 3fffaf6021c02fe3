// `qtm db backup` (an online checkpoint, or an incremental backup, through the node's
// JWT-authenticated admin_backup), `qtm db backups` (the incremental ones) and `qtm db restore`
// (a verified copy into a new data directory); docs/data-safety.md.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "base/bytes.hpp"
#include "base/hex.hpp"
#include "chain/db_check.hpp"
#include "commands.hpp"
#include "rpc/jwt.hpp"
#include "rpc_client.hpp"
#include "storage/backup.hpp"
#include "storage/database.hpp"
#include "storage/schema.hpp"

namespace qtm::cli {
namespace {

int fail(const char* command, const std::string& message) {
    std::fprintf(stderr, "qtm db %s: %s\n", command, message.c_str());
    return 1;
}

// The 32-byte secret from a file of 64 hex digits (an optional 0x, whitespace around).
std::optional<rpc::JwtSecret> read_jwt_secret(const std::string& path) {
    std::ifstream in{path};
    if (!in) {
        fail("backup", "cannot read the JWT secret file " + path);
        return std::nullopt;
    }
    std::string text;
    in >> text;
    auto bytes = from_hex(text, HexPrefix::kOptional);
    secure_wipe(text.data(), text.size());
    if (!bytes || bytes->size() != 32) {
        fail("backup", "the JWT secret file " + path + " does not hold 64 hex digits");
        return std::nullopt;
    }
    rpc::JwtSecret secret;
    std::copy(bytes->begin(), bytes->end(), secret.begin());
    secure_wipe(bytes->data(), bytes->size());
    return secret;
}

}  // namespace

int db_backup(const DbBackupOptions& options) {
    auto url = parse_rpc_url(options.rpc);
    if (!url) return fail("backup", url.error());
    auto secret = read_jwt_secret(options.jwt_secret);
    if (!secret) return 1;
    const std::string destination = std::filesystem::absolute(options.destination).string();
    RpcClient client{*url, std::chrono::seconds{600}};
    client.set_authorization([key = *secret] {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        return "Bearer " + rpc::make_jwt(key, now);
    });
    secure_wipe(secret->data(), secret->size());
    const Json params = options.incremental
                            ? Json::array({destination, Json{{"incremental", true}}})
                            : Json::array({destination});
    auto answer = client.call("admin_backup", params);
    if (!answer) return fail("backup", answer.error().message);
    std::printf("backup   %s\nblock    %s\nhash     %s\nstate    %s\n",
                (*answer)["path"].get<std::string>().c_str(),
                (*answer)["number"].get<std::string>().c_str(),
                (*answer)["hash"].get<std::string>().c_str(),
                (*answer)["stateRoot"].get<std::string>().c_str());
    if (options.incremental) {
        std::printf("id       %llu (of %llu backups there)\nadded    %llu bytes (of %llu)\n",
                    static_cast<unsigned long long>((*answer)["backupId"].get<std::uint64_t>()),
                    static_cast<unsigned long long>((*answer)["backups"].get<std::uint64_t>()),
                    static_cast<unsigned long long>((*answer)["bytesAdded"].get<std::uint64_t>()),
                    static_cast<unsigned long long>((*answer)["sizeBytes"].get<std::uint64_t>()));
    }
    return 0;
}

int db_backups(const std::string& backup_dir, std::optional<std::size_t> keep) {
    if (keep) {
        auto purged = storage::purge_backups(backup_dir, *keep);
        if (!purged) return fail("backups", purged.error().message);
        std::printf("deleted %llu old backups (kept the newest %llu)\n",
                    static_cast<unsigned long long>(*purged),
                    static_cast<unsigned long long>(*keep));
    }
    auto backups = storage::list_backups(backup_dir);
    if (!backups) return fail("backups", backups.error().message);
    std::printf("%-4s %-20s %12s %6s  %s\n", "id", "time (UTC)", "bytes", "files", "what");
    for (const auto& backup : *backups) {
        char when[32] = "?";
        const std::time_t time = backup.timestamp;
        std::tm parts{};
        if (gmtime_r(&time, &parts) != nullptr) {
            std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &parts);
        }
        std::printf("%-4u %-20s %12llu %6u  %s\n", backup.id, when,
                    static_cast<unsigned long long>(backup.size_bytes), backup.files,
                    backup.description.c_str());
    }
    return 0;
}

int db_restore(const std::string& source, const std::string& datadir,
               std::optional<std::uint32_t> backup_id) {
    namespace fs = std::filesystem;
    std::error_code error;
    if (!fs::is_directory(source, error)) {
        return fail("restore", source + " is not a backup directory");
    }
    if (fs::exists(datadir, error) && !fs::is_empty(datadir, error)) {
        return fail("restore", datadir +
                                   " exists and is not empty; restore into a new data directory "
                                   "(nothing was changed)");
    }
    const bool incremental = storage::is_backup_directory(source);
    if (backup_id && !incremental) {
        return fail("restore", "--backup-id is for a directory of incremental backups; " + source +
                                   " is a checkpoint");
    }
    // Copied beside the target, checked, and only then renamed into place: a failed or
    // interrupted restore never leaves a half-copied data directory under the real name.
    const fs::path staging = fs::path{datadir}.string() + ".restoring";
    fs::remove_all(staging, error);
    if (incremental) {
        auto restored = storage::restore_backup(source, backup_id, staging.string());
        if (!restored) {
            fs::remove_all(staging, error);
            return fail("restore", restored.error().message);
        }
        std::printf("backup %u (%s)\n", restored->id, restored->description.c_str());
    } else {
        fs::copy(source, staging, fs::copy_options::recursive, error);
    }
    if (error) {
        fs::remove_all(staging, error);
        return fail("restore", "copying " + source + ": " + error.message());
    }
    {
        storage::OpenOptions open_options;
        open_options.create_if_missing = false;
        auto database = storage::open_rocksdb(staging.string(), open_options);
        if (!database) {
            fs::remove_all(staging, error);
            return fail("restore", "the backup does not open: " + database.error().message);
        }
        if (auto schema = storage::open_schema(**database, source); !schema) {
            fs::remove_all(staging, error);
            return fail("restore", schema.error().message);
        }
        const chain::CheckReport report = chain::check_database(**database);
        if (!report.ok()) {
            for (const auto& issue : report.issues)
                std::fprintf(stderr, "  %s: %s\n", issue.where.c_str(), issue.what.c_str());
            database->reset();
            fs::remove_all(staging, error);
            return fail("restore", "the backup in " + source +
                                       " is not consistent (problems above); nothing restored");
        }
        std::printf("restored block %llu (%s) into %s\n",
                    static_cast<unsigned long long>(report.head_number.value_or(0)),
                    to_hex(report.head_hash).c_str(), datadir.c_str());
    }
    fs::remove(datadir, error);  // an empty directory, if it was there
    fs::rename(staging, datadir, error);
    if (error) return fail("restore", "moving the copy into " + datadir + ": " + error.message());
    return 0;
}

}  // namespace qtm::cli
