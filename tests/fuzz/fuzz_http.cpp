// libFuzzer harness: firstset-server's handling of a request from raw bytes. The bytes go through
// Beast's request parser with the server's limits, as a connection's bytes do; what parses goes
// to the router (tokens, routes, the engine's calls, verify's path checks, metrics). Inputs that
// begin with "TOKENS\n" are a token file for its reader instead. A finding: a signal, an
// exception out of the router, a 500 (a bug), an answer that is not the JSON its Content-Type
// says, or a token file error without its file and line.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <memory>

#include "engine.hpp"
#include "fuzz_support.hpp"
#include "metrics.hpp"
#include "router.hpp"
#include "tokens.hpp"

namespace http = boost::beast::http;

namespace {

std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

struct Server {
    std::unique_ptr<firstset::EngineCore> engine;
    fsserver::Tokens tokens = fsserver::Tokens::parse("fuzz 0123456789abcdef0123456789abcdef\n", "fuzz-tokens");
    fsserver::Metrics metrics;
    std::atomic<bool> draining{false};
    std::unique_ptr<fsserver::Router> router;
    Server() {
        const auto config = fuzz::workdir() / "server-config.yaml";
        std::FILE* f = std::fopen(config.c_str(), "w");
        std::fputs((fuzz::base_config() + "ledger: {path: server-ledger.jsonl, log_evaluations: false}\n").c_str(), f);
        std::fclose(f);
        engine = firstset::EngineCore::open(config);
        fsserver::RouterSettings settings;
        settings.tokens = &tokens;
        router = std::make_unique<fsserver::Router>(*engine, settings, metrics, draining);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Server server;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    constexpr std::string_view token_prefix = "TOKENS\n";
    if (input.substr(0, token_prefix.size()) == token_prefix) {
        try {
            const auto t = fsserver::Tokens::parse(input.substr(token_prefix.size()), "tokens");
            (void)t.check("Bearer 0123456789abcdef0123456789abcdef");
        } catch (const firstset::StatusError& e) {
            if (e.where().file != "tokens") fuzz::finding("a token file error without its file: " + std::string(e.what()));
        }
        return 0;
    }

    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(256 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(data, size), ec);
    if (ec == http::error::need_more) {
        ec = {};
        parser.put_eof(ec);
    }
    if (ec || !parser.is_done()) return 0;
    const auto& req = parser.get();
    fsserver::Request r;
    switch (req.method()) {
        case http::verb::get: r.method = fsserver::Method::get; break;
        case http::verb::head: r.method = fsserver::Method::head; break;
        case http::verb::post: r.method = fsserver::Method::post; break;
        default: r.method = fsserver::Method::other;
    }
    r.method_text = sv(req.method_string());
    r.target = sv(req.target());
    const auto auth = req.find(http::field::authorization);
    if (auth != req.end()) r.authorization = sv(auth->value());
    r.body = req.body();
    r.peer_address = "127.0.0.1";
    r.peer_port = 40000;
    const fsserver::Route route = fsserver::Router::route_of(r.method, r.target);
    const fsserver::Reply reply = server.router->handle(r, route);
    if (reply.status == 500) fuzz::finding("a 500 answer: " + reply.body);
    if (reply.status < 200 || reply.status > 599) fuzz::finding("an HTTP status out of range");
    if (std::string_view(reply.content_type) == "application/json") {
        try {
            (void)firstset::json::Document::parse(reply.body, firstset::json::Limits{1 << 26, 256}, "answer");
        } catch (const firstset::StatusError& e) {
            fuzz::finding("an answer that is not JSON: " + std::string(e.what()) + ": " + reply.body.substr(0, 200));
        }
    }
    return 0;
}
