// OverlayView: reads as if batches were written, the base untouched; ordered iteration that
// merges overlay and base keys, replaces overwritten ones and hides erased ones.
#include "storage/overlay_view.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace qtm::storage {
namespace {

Bytes b(const std::string& text) {
    return Bytes(text.begin(), text.end());
}

std::vector<std::string> scan(const ReadView& view, const std::string& from,
                              const std::string& until, std::size_t limit = 100) {
    std::vector<std::string> seen;
    const auto ok =
        view.for_each(Column::kCode, b(from), b(until), [&](ByteView key, ByteView value) {
            seen.push_back(std::string(key.begin(), key.end()) + "=" +
                           std::string(value.begin(), value.end()));
            return seen.size() < limit;
        });
    EXPECT_TRUE(ok.has_value());
    return seen;
}

class OverlayViewTest : public ::testing::Test {
protected:
    OverlayViewTest() : db_{make_memory_database()} {
        WriteBatch base;
        for (const char* key : {"b", "d", "f"})
            base.put(Column::kCode, b(key), b(std::string{key} + "0"));
        EXPECT_TRUE(db_->write(base, false).has_value());
    }
    std::unique_ptr<Database> db_;
};

TEST_F(OverlayViewTest, ReadsTheBatchesOverTheBaseWithoutWritingThem) {
    OverlayView view{*db_};
    WriteBatch first;
    first.put(Column::kCode, b("a"), b("a1"));
    first.put(Column::kCode, b("d"), b("d1"));
    first.erase(Column::kCode, b("f"));
    view.apply(first);
    WriteBatch second;
    second.put(Column::kCode, b("d"), b("d2"));
    second.put(Column::kCode, b("g"), b("g2"));
    view.apply(second);

    EXPECT_EQ(*view.get(Column::kCode, b("a")), std::optional<Bytes>{b("a1")});
    EXPECT_EQ(*view.get(Column::kCode, b("b")), std::optional<Bytes>{b("b0")});
    EXPECT_EQ(*view.get(Column::kCode, b("d")), std::optional<Bytes>{b("d2")});
    EXPECT_EQ(*view.get(Column::kCode, b("f")), std::optional<Bytes>{});
    EXPECT_EQ(*view.get(Column::kHeaders, b("a")), std::optional<Bytes>{});  // other column
    // The database itself is as it was.
    EXPECT_EQ(*db_->get(Column::kCode, b("d")), std::optional<Bytes>{b("d0")});
    EXPECT_EQ(*db_->get(Column::kCode, b("a")), std::optional<Bytes>{});

    EXPECT_EQ(scan(view, "", ""), (std::vector<std::string>{"a=a1", "b=b0", "d=d2", "g=g2"}));
    EXPECT_EQ(scan(view, "b", "g"), (std::vector<std::string>{"b=b0", "d=d2"}));
    EXPECT_EQ(scan(view, "c", ""), (std::vector<std::string>{"d=d2", "g=g2"}));
    EXPECT_EQ(scan(view, "e", "z"), (std::vector<std::string>{"g=g2"}));
}

TEST_F(OverlayViewTest, StopsWhereTheVisitorSays) {
    OverlayView view{*db_};
    WriteBatch batch;
    batch.put(Column::kCode, b("a"), b("a1"));
    batch.put(Column::kCode, b("c"), b("c1"));
    batch.put(Column::kCode, b("h"), b("h1"));
    view.apply(batch);
    EXPECT_EQ(scan(view, "", "", 1), (std::vector<std::string>{"a=a1"}));
    EXPECT_EQ(scan(view, "", "", 3), (std::vector<std::string>{"a=a1", "b=b0", "c=c1"}));
    EXPECT_EQ(scan(view, "", "", 5),
              (std::vector<std::string>{"a=a1", "b=b0", "c=c1", "d=d0", "f=f0"}));
    EXPECT_EQ(scan(view, "", "", 6).size(), 6u);
}

TEST_F(OverlayViewTest, AnEmptyOverlayIsTheBase) {
    const OverlayView view{*db_};
    EXPECT_EQ(scan(view, "", ""), (std::vector<std::string>{"b=b0", "d=d0", "f=f0"}));
    EXPECT_EQ(view.size_bytes(), 0u);
}

}  // namespace
}  // namespace qtm::storage
