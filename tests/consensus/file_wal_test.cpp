// The file WAL: durable appends, torn tails dropped on open, corruption refused, compaction.
#include "consensus/file_wal.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace qtm::consensus {
namespace {

class FileWalTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("qtm-wal-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        path_ = (dir_ / "consensus.wal").string();
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::unique_ptr<FileWal> open() {
        auto wal = FileWal::open(path_);
        EXPECT_TRUE(wal) << (wal ? "" : wal.error().message);
        return wal ? std::move(*wal) : nullptr;
    }
    std::uintmax_t file_size() const { return std::filesystem::file_size(path_); }

    std::filesystem::path dir_;
    std::string path_;
};

TEST_F(FileWalTest, RecordsSurviveReopening) {
    {
        auto wal = open();
        ASSERT_TRUE(wal->append(Bytes{1, 2, 3}));
        ASSERT_TRUE(wal->append(Bytes{}));
        ASSERT_TRUE(wal->append(Bytes(300, 7)));
    }
    auto wal = open();
    auto records = wal->read_all();
    ASSERT_TRUE(records);
    ASSERT_EQ(records->size(), 3u);
    EXPECT_EQ((*records)[0], (Bytes{1, 2, 3}));
    EXPECT_TRUE((*records)[1].empty());
    EXPECT_EQ((*records)[2], Bytes(300, 7));
    EXPECT_EQ(wal->dropped_tail_bytes(), 0u);
    EXPECT_EQ(std::filesystem::status(path_).permissions() & std::filesystem::perms::others_read,
              std::filesystem::perms::none);
}

TEST_F(FileWalTest, ATornLastRecordIsDroppedAtEveryCutPoint) {
    {
        auto wal = open();
        ASSERT_TRUE(wal->append(Bytes{1, 2, 3}));
        ASSERT_TRUE(wal->append(Bytes(40, 9)));
    }
    const auto full = file_size();
    const std::uintmax_t first_record_end = 8 + 3;
    for (std::uintmax_t cut = first_record_end; cut < full; ++cut) {
        std::filesystem::resize_file(path_, cut);
        auto wal = open();
        auto records = wal->read_all();
        ASSERT_TRUE(records);
        ASSERT_EQ(records->size(), 1u) << "cut at " << cut;
        EXPECT_EQ(wal->dropped_tail_bytes(), cut - first_record_end);
        EXPECT_EQ(file_size(), static_cast<std::uintmax_t>(first_record_end));
        // Appending after the repair works and survives.
        ASSERT_TRUE(wal->append(Bytes(40, 9)));
        wal.reset();
        ASSERT_EQ(open()->read_all()->size(), 2u);
    }
}

TEST_F(FileWalTest, ACorruptRecordBeforeTheLastIsRefused) {
    {
        auto wal = open();
        ASSERT_TRUE(wal->append(Bytes{1, 2, 3}));
        ASSERT_TRUE(wal->append(Bytes{4, 5, 6}));
    }
    {
        std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(9);  // inside the first payload
        file.put(static_cast<char>(0x55));
    }
    auto wal = FileWal::open(path_);
    ASSERT_FALSE(wal);
    EXPECT_NE(wal.error().message.find("corrupt"), std::string::npos);
}

TEST_F(FileWalTest, ACorruptLastRecordIsATornTail) {
    {
        auto wal = open();
        ASSERT_TRUE(wal->append(Bytes{1, 2, 3}));
        ASSERT_TRUE(wal->append(Bytes{4, 5, 6}));
    }
    {
        std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(static_cast<std::streamoff>(file_size() - 1));
        file.put(static_cast<char>(0x55));
    }
    auto wal = open();
    EXPECT_EQ(wal->read_all()->size(), 1u);
}

TEST_F(FileWalTest, CompactionKeepsWhatIsAskedAndStaysAppendable) {
    auto wal = open();
    for (std::uint8_t i = 0; i < 10; ++i)
        ASSERT_TRUE(wal->append(Bytes{i}));
    ASSERT_TRUE(wal->compact([](ByteView record) { return record[0] >= 7; }));
    ASSERT_TRUE(wal->append(Bytes{42}));
    wal.reset();
    auto reopened = open();
    auto records = reopened->read_all();
    ASSERT_TRUE(records);
    ASSERT_EQ(records->size(), 4u);
    EXPECT_EQ((*records)[0], Bytes{7});
    EXPECT_EQ((*records)[3], Bytes{42});
}

TEST_F(FileWalTest, AnUnopenablePathSaysWhichFile) {
    auto wal = FileWal::open((dir_ / "missing-dir" / "consensus.wal").string());
    ASSERT_FALSE(wal);
    EXPECT_NE(wal.error().message.find("missing-dir"), std::string::npos);
}

}  // namespace
}  // namespace qtm::consensus
