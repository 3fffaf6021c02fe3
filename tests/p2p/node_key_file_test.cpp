// The node key file: created 0600 on first start, the same key on the next, never
// overwritten, and refused when malformed or readable by others.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "p2p/node_key_file.hpp"

namespace qtm::p2p {
namespace {

namespace fs = std::filesystem;

class NodeKeyFile : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("qtm-node-key-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        path_ = dir_ / "node.key";
    }
    void TearDown() override { fs::remove_all(dir_); }
    void write(const std::string& text, fs::perms perms) {
        std::ofstream{path_} << text;
        fs::permissions(path_, perms);
    }
    fs::path dir_;
    fs::path path_;
};

TEST_F(NodeKeyFile, CreatedOwnerOnlyThenLoadedAgain) {
    auto first = load_or_create_node_key(path_);
    ASSERT_TRUE(first) << to_string(first.error());
    struct stat info {};
    ASSERT_EQ(::stat(path_.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    EXPECT_EQ(fs::file_size(path_), 65u);
    auto second = load_or_create_node_key(path_);
    ASSERT_TRUE(second);
    EXPECT_EQ(first->id(), second->id());
}

TEST_F(NodeKeyFile, KnownSeedGivesItsKey) {
    write(std::string(64, '0') + "\n", fs::perms::owner_read | fs::perms::owner_write);
    auto key = load_or_create_node_key(path_);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->id(), NodeKey::from_seed(ByteArray<32>{}).id());
}

TEST_F(NodeKeyFile, MalformedFilesAreRefusedNotReplaced) {
    const auto owner = fs::perms::owner_read | fs::perms::owner_write;
    for (const std::string& text :
         {std::string{}, std::string(64, '0'), std::string(63, '0') + "\n",
          std::string(64, 'g') + "\n", std::string(66, '0') + "\n"}) {
        write(text, owner);
        auto key = load_or_create_node_key(path_);
        ASSERT_FALSE(key) << text;
        EXPECT_EQ(key.error(), NodeKeyFileError::kMalformed);
        std::ifstream in{path_};
        EXPECT_EQ(std::string(std::istreambuf_iterator<char>{in}, {}), text);
    }
}

TEST_F(NodeKeyFile, GroupOrWorldAccessIsRefused) {
    write(std::string(64, '1') + "\n",
          fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    auto key = load_or_create_node_key(path_);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error(), NodeKeyFileError::kInsecurePermissions);
}

}  // namespace
}  // namespace qtm::p2p
