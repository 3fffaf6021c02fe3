// JSON-RPC over TLS 1.3 (--http-tls-*, --ws-tls-*, --authrpc-tls-*) on a real `qtmd --dev`, with a
// self-signed certificate made here by the openssl command line, checked with curl: it
// answers over HTTPS with the certificate given, refuses TLS 1.2 and plain HTTP, and a bad
// key file stops start-up with a message naming the file.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "node_support.hpp"

namespace qtm {
namespace {

using test::Json;

struct ShellRun {
    int status{-1};
    std::string out;
};

ShellRun shell(const std::string& command) {
    ShellRun run;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return run;
    std::array<char, 4096> chunk{};
    while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr)
        run.out += chunk.data();
    const int status = ::pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

class Tls : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(shell("command -v openssl").status, 0) << "openssl (Debian openssl) missing";
        ASSERT_EQ(shell("command -v curl").status, 0) << "curl (Debian curl) missing";
        const ShellRun made = shell(
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
            "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
            key_.string() + " -out " + cert_.string());
        ASSERT_EQ(made.status, 0) << made.out;
    }

    // curl's exit status and body for one JSON-RPC call to `url`.
    ShellRun curl(const std::string& url, const std::string& options) const {
        return shell("curl -sS --max-time 10 " + options +
                     " -H 'Content-Type: application/json' --data "
                     "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}' " +
                     url);
    }

    test::TestDir dir_{"qtm-tls"};
    std::filesystem::path cert_{dir_.path() / "cert.pem"};
    std::filesystem::path key_{dir_.path() / "key.pem"};
};

TEST_F(Tls, ServesJsonRpcOverTls13Only) {
    test::QtmdProcess node{dir_.path() / "data",
                           {"--http-tls-cert", cert_.string(), "--http-tls-key", key_.string()}};
    EXPECT_NE(node.output().find("JSON-RPC      https://127.0.0.1:"), std::string::npos)
        << node.output();
    const std::string url = "https://127.0.0.1:" + std::to_string(node.port());

    const ShellRun ok = curl(url, "--tlsv1.3 --cacert " + cert_.string());
    ASSERT_EQ(ok.status, 0) << ok.out;
    EXPECT_EQ(Json::parse(ok.out).at("result"), "0x1cbd");  // chain id 7357

    // Without trusting the self-signed certificate the client refuses it: it is what we gave.
    EXPECT_NE(curl(url, "").status, 0);
    // TLS 1.2 at most: refused by the server.
    const ShellRun old = curl(url, "--tlsv1.2 --tls-max 1.2 --cacert " + cert_.string());
    EXPECT_NE(old.status, 0) << old.out;
    // Plain HTTP on the TLS port gets no JSON-RPC answer.
    const ShellRun plain = curl("http://127.0.0.1:" + std::to_string(node.port()), "");
    EXPECT_EQ(plain.out.find("0x1cbd"), std::string::npos) << plain.out;
    // The node still answers after the refused connections.
    EXPECT_EQ(curl(url, "--cacert " + cert_.string()).status, 0);
}

TEST_F(Tls, WebSocketAndAuthenticatedEndpointsOverTls) {
    const std::string cert = cert_.string();
    const std::string key = key_.string();
    test::QtmdProcess node{dir_.path() / "data",
                           {"--ws-tls-cert", cert, "--ws-tls-key", key, "--authrpc-port", "0",
                            "--authrpc-tls-cert", cert, "--authrpc-tls-key", key}};
    EXPECT_NE(node.output().find("WebSocket     wss://127.0.0.1:"), std::string::npos)
        << node.output();
    EXPECT_NE(node.output().find("Admin RPC     https://127.0.0.1:"), std::string::npos);
    ASSERT_NE(node.ws_port(), 0);
    ASSERT_NE(node.admin_port(), 0);
    // The plain HTTP port stays plain.
    EXPECT_EQ(node.call("eth_chainId").at("result"), "0x1cbd");

    // A WebSocket upgrade over TLS 1.3 is accepted (101), so the handshake and the
    // WebSocket handler behind it work; curl then waits for frames until --max-time.
    const std::string ws_url = "https://127.0.0.1:" + std::to_string(node.ws_port()) + "/";
    const ShellRun upgrade =
        shell("curl -sS -i --max-time 3 --tlsv1.3 --cacert " + cert +
              " -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13'"
              " -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' " +
              ws_url);
    EXPECT_NE(upgrade.out.find("101 Switching Protocols"), std::string::npos) << upgrade.out;
    EXPECT_NE(upgrade.out.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos)
        << upgrade.out;  // RFC 6455's example accept key
    EXPECT_NE(curl(ws_url, "--tlsv1.2 --tls-max 1.2 --cacert " + cert).status, 0);

    // The authenticated endpoint speaks TLS too (and still wants its JWT).
    const ShellRun admin =
        curl("https://127.0.0.1:" + std::to_string(node.admin_port()), "--cacert " + cert);
    EXPECT_EQ(admin.status, 0) << admin.out;
    EXPECT_NE(admin.out.find("authentication required"), std::string::npos) << admin.out;
}

TEST_F(Tls, UnreadableKeyStopsStartUp) {
    const std::string qtmd = (test::bin_dir() / "qtmd").string();
    const ShellRun run = shell(qtmd + " --dev --datadir " + (dir_.path() / "data").string() +
                               " --http-port 0 --http-tls-cert " + cert_.string() +
                               " --http-tls-key " + (dir_.path() / "missing.pem").string());
    EXPECT_EQ(run.status, 1) << run.out;
    EXPECT_NE(run.out.find("cannot load the TLS private key"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("missing.pem"), std::string::npos) << run.out;
    // A key alone is a usage error (CLI11: --http-tls-key needs --http-tls-cert).
    EXPECT_NE(shell(qtmd + " --dev --http-tls-key " + key_.string()).status, 0);
}

}  // namespace
}  // namespace qtm
