// The address book: what it keeps (validated or not, failures, capacity), the file it is
// saved to (round trip, corrupt files refused, the atomic write leaving no temporary).
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "p2p/address_book.hpp"

namespace qtm::p2p {
namespace {

namespace fs = std::filesystem;

PeerUrl url(std::uint8_t n, std::uint16_t port = 30303) {
    NodeId id{};
    id[0] = n;
    id[31] = 0xab;
    return PeerUrl{id, "10.0.0." + std::to_string(n), port};
}

class AddressBookFile : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("qtm-address-book-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        path_ = dir_ / "peers.txt";
    }
    void TearDown() override { fs::remove_all(dir_); }
    void write(const std::string& text) { std::ofstream{path_, std::ios::binary} << text; }
    fs::path dir_;
    fs::path path_;
};

TEST(AddressBook, CandidatesValidationAndFailures) {
    AddressBook book;
    EXPECT_TRUE(book.add_candidate(url(1)));
    EXPECT_FALSE(book.add_candidate(url(1)));  // nothing new
    EXPECT_FALSE(book.find(url(1).node_id)->validated);
    // An unvalidated entry follows the latest address heard of.
    EXPECT_TRUE(book.add_candidate(url(1, 4000)));
    EXPECT_EQ(book.find(url(1).node_id)->url.port, 4000);

    book.mark_connected(url(1, 4000), 1'700'000'000);
    const AddressEntry* entry = book.find(url(1).node_id);
    EXPECT_TRUE(entry->validated);
    EXPECT_EQ(entry->last_seen, 1'700'000'000);
    // A validated entry cannot be redirected by hearsay.
    EXPECT_FALSE(book.add_candidate(url(1, 5000)));
    EXPECT_EQ(book.find(url(1).node_id)->url.port, 4000);

    for (std::uint32_t i = 1; i < AddressBook::kForgetAfterFailures; ++i) {
        book.mark_failed(url(1).node_id);
        ASSERT_NE(book.find(url(1).node_id), nullptr);
        EXPECT_EQ(book.find(url(1).node_id)->failures, i);
    }
    book.mark_failed(url(1).node_id);
    EXPECT_EQ(book.find(url(1).node_id), nullptr);
}

TEST(AddressBook, HandsOutOnlyValidatedAddressesMostRecentFirst) {
    AddressBook book;
    book.add_candidate(url(1));
    book.mark_connected(url(2), 100);
    book.mark_connected(url(3), 300);
    book.mark_connected(url(4), 200);
    EXPECT_EQ(book.validated(10, std::nullopt), (std::vector<PeerUrl>{url(3), url(4), url(2)}));
    EXPECT_EQ(book.validated(2, std::nullopt), (std::vector<PeerUrl>{url(3), url(4)}));
    EXPECT_EQ(book.validated(10, url(4).node_id), (std::vector<PeerUrl>{url(3), url(2)}));
}

TEST(AddressBook, WhenFullForgetsTheLeastUsefulEntry) {
    AddressBook book{3};
    book.mark_connected(url(1), 100);
    book.add_candidate(url(2));
    book.add_candidate(url(3));
    book.mark_failed(url(3).node_id);
    book.add_candidate(url(4));  // evicts 3: unvalidated and failing
    EXPECT_EQ(book.size(), 3u);
    EXPECT_EQ(book.find(url(3).node_id), nullptr);
    book.add_candidate(url(5));  // evicts 2 or 4 (unvalidated), never the validated 1
    EXPECT_EQ(book.size(), 3u);
    EXPECT_NE(book.find(url(1).node_id), nullptr);
}

TEST_F(AddressBookFile, SaveAndLoadRoundTrip) {
    AddressBook book;
    book.mark_connected(url(1), 1'700'000'001);
    book.add_candidate(url(2, 9999));
    book.mark_failed(url(2).node_id);
    book.add_candidate(PeerUrl{url(3).node_id, "::1", 7});
    book.mark_connected(PeerUrl{url(4).node_id, "seed.example.org", 8}, 5);
    ASSERT_TRUE(save_address_book(book, path_));
    EXPECT_FALSE(fs::exists(path_.string() + ".tmp"));

    auto loaded = load_address_book(path_);
    ASSERT_TRUE(loaded) << to_string(loaded.error());
    EXPECT_EQ(loaded->entries(), book.entries());
    EXPECT_FALSE(loaded->dirty());

    // Saving again replaces the file whole.
    loaded->remove(url(1).node_id);
    ASSERT_TRUE(save_address_book(*loaded, path_));
    auto again = load_address_book(path_);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->size(), 3u);
    EXPECT_EQ(again->find(url(1).node_id), nullptr);
}

TEST_F(AddressBookFile, NoFileIsAnEmptyBook) {
    auto loaded = load_address_book(path_);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->size(), 0u);
}

TEST_F(AddressBookFile, CorruptFilesAreRefused) {
    AddressBook book;
    book.mark_connected(url(1), 42);
    const Bytes good = encode_address_book(book);
    const std::string text{good.begin(), good.end()};
    const std::string line = to_string(url(1)) + " v 42 0\n";
    const std::string header = "# qtm address book v1\n";
    for (const std::string& bad : {
             std::string{""}, std::string{"garbage"}, "# qtm address book v2\n" + line,
             header + to_string(url(1)) + " v 42 0",          // no final newline
             header + to_string(url(1)) + " x 42 0\n",        // unknown flag
             header + to_string(url(1)) + " v -1x 0\n",       // bad number
             header + to_string(url(1)) + " v 42\n",          // a field missing
             header + to_string(url(1)) + " v 42 0 extra\n",  // a field too many
             header + to_string(url(1)) + "  v 42 0\n",       // two spaces
             header + "qtm://nonsense v 42 0\n",              // not an address
             header + line + line,                            // the same id twice
             text.substr(0, text.size() - 3),                 // truncated
         }) {
        write(bad);
        auto loaded = load_address_book(path_);
        ASSERT_FALSE(loaded) << bad;
        EXPECT_EQ(loaded.error(), AddressBookError::kMalformed);
    }
    write(text);
    EXPECT_TRUE(load_address_book(path_));
}

TEST_F(AddressBookFile, AFailedWriteLeavesTheOldBook) {
    AddressBook book;
    book.mark_connected(url(1), 42);
    ASSERT_TRUE(save_address_book(book, path_));
    // The temporary name is taken by a directory: the write fails before the rename.
    fs::create_directories(path_.string() + ".tmp");
    AddressBook other;
    other.mark_connected(url(2), 43);
    auto saved = save_address_book(other, path_);
    ASSERT_FALSE(saved);
    EXPECT_EQ(saved.error(), AddressBookError::kWriteFailed);
    auto loaded = load_address_book(path_);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->entries(), book.entries());
}

}  // namespace
}  // namespace qtm::p2p
