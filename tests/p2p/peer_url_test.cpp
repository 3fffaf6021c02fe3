// qtm://<node id>@host:port: the one parser of peer addresses, its typed errors, and the
// canonical form it reads back.
#include <gtest/gtest.h>

#include "p2p/peer_url.hpp"

namespace qtm::p2p {
namespace {

const std::string kId = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

PeerUrlError error_of(const std::string& text) {
    auto parsed = parse_peer_url(text);
    EXPECT_FALSE(parsed) << text;
    return parsed ? PeerUrlError::kMissingScheme : parsed.error();
}

TEST(PeerUrl, ParsesIpv4NameAndIpv6) {
    auto v4 = parse_peer_url("qtm://" + kId + "@127.0.0.1:30303");
    ASSERT_TRUE(v4);
    EXPECT_EQ(to_string(v4->node_id), kId);
    EXPECT_EQ(v4->host, "127.0.0.1");
    EXPECT_EQ(v4->port, 30303);

    auto name = parse_peer_url("qtm://" + kId + "@node-1.example.org:1");
    ASSERT_TRUE(name);
    EXPECT_EQ(name->host, "node-1.example.org");
    EXPECT_EQ(name->port, 1);

    auto v6 = parse_peer_url("qtm://" + kId + "@[::1]:65535");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 65535);
}

TEST(PeerUrl, CanonicalFormRoundTrips) {
    for (const std::string host : {"10.1.2.3", "seed.qtm.network", "::1", "fe80::1"}) {
        const PeerUrl url{*parse_peer_url("qtm://" + kId + "@1.2.3.4:5")};
        const PeerUrl with_host{url.node_id, host, 4242};
        auto back = parse_peer_url(to_string(with_host));
        ASSERT_TRUE(back) << to_string(with_host);
        EXPECT_EQ(*back, with_host);
    }
    EXPECT_EQ(to_string(*parse_peer_url("qtm://" + kId + "@[::1]:7")), "qtm://" + kId + "@[::1]:7");
}

TEST(PeerUrl, EachMistakeHasItsError) {
    EXPECT_EQ(error_of("enode://" + kId + "@1.2.3.4:5"), PeerUrlError::kMissingScheme);
    EXPECT_EQ(error_of("1.2.3.4:5"), PeerUrlError::kMissingScheme);
    EXPECT_EQ(error_of("qtm://1.2.3.4:5"), PeerUrlError::kMissingNodeId);
    EXPECT_EQ(error_of("qtm://@1.2.3.4:5"), PeerUrlError::kMissingNodeId);
    EXPECT_EQ(error_of("qtm://" + kId.substr(2) + "@1.2.3.4:5"), PeerUrlError::kInvalidNodeId);
    EXPECT_EQ(error_of("qtm://0x" + kId.substr(2) + "@1.2.3.4:5"), PeerUrlError::kInvalidNodeId);
    EXPECT_EQ(error_of("qtm://" + kId.substr(1) + "g@1.2.3.4:5"), PeerUrlError::kInvalidNodeId);
    EXPECT_EQ(error_of("qtm://" + kId + "@:5"), PeerUrlError::kMissingHost);
    EXPECT_EQ(error_of("qtm://" + kId + "@1.2.3.4"), PeerUrlError::kMissingPort);
    EXPECT_EQ(error_of("qtm://" + kId + "@1.2.3.4:"), PeerUrlError::kMissingPort);
    EXPECT_EQ(error_of("qtm://" + kId + "@[::1]"), PeerUrlError::kMissingPort);
    EXPECT_EQ(error_of("qtm://" + kId + "@1.2.3.4:0"), PeerUrlError::kInvalidPort);
    EXPECT_EQ(error_of("qtm://" + kId + "@1.2.3.4:65536"), PeerUrlError::kInvalidPort);
    EXPECT_EQ(error_of("qtm://" + kId + "@1.2.3.4:-1"), PeerUrlError::kInvalidPort);
    EXPECT_EQ(error_of("qtm://" + kId + "@1.2.3.4:+80"), PeerUrlError::kInvalidPort);
    EXPECT_EQ(error_of("qtm://" + kId + "@1.2.3.4:123456"), PeerUrlError::kInvalidPort);
    EXPECT_EQ(error_of("qtm://" + kId + "@a b:5"), PeerUrlError::kInvalidHost);
    EXPECT_EQ(error_of("qtm://" + kId + "@::1:5"), PeerUrlError::kInvalidHost);
    EXPECT_EQ(error_of("qtm://" + kId + "@[::1:5"), PeerUrlError::kInvalidHost);
    EXPECT_EQ(error_of("qtm://" + kId + "@" + std::string(254, 'a') + ":5"),
              PeerUrlError::kInvalidHost);
    // Every error has a message a user can act on.
    for (auto e :
         {PeerUrlError::kMissingScheme, PeerUrlError::kMissingNodeId, PeerUrlError::kInvalidNodeId,
          PeerUrlError::kMissingHost, PeerUrlError::kMissingPort, PeerUrlError::kInvalidPort,
          PeerUrlError::kInvalidHost}) {
        EXPECT_NE(to_string(e).find("peer address"), std::string_view::npos);
    }
}

}  // namespace
}  // namespace qtm::p2p
