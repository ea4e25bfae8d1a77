// firstset-server's decisions without sockets (tools/firstset-server/router.cpp, tokens.cpp,
// metrics.cpp, access_log.cpp): the status mapping of contract section 12, token files and
// constant-time checks, writes refused off loopback without a token, metrics text.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "access_log.hpp"
#include "metrics.hpp"
#include "router.hpp"
#include "server.hpp"
#include "support.hpp"
#include "tokens.hpp"
#include "util/error.hpp"

using fsserver::Method;
using fsserver::Route;
using fsserver::Router;
using firstset::Status;

namespace {

const std::string token = "0123456789abcdef0123456789abcdef";

firstset::StatusError config_error_of(const std::string& text) {
    try {
        fsserver::Tokens::parse(text, "tokens");
    } catch (const firstset::StatusError& e) {
        return e;
    }
    FAIL("no error for: " << text);
    throw;
}

std::filesystem::path sample_config(const test::TempDir& dir) {
    test::write_file(dir / "config.yaml",
                     "policies:\n  - " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() + "\nregistry:\n  file: " +
                         test::source("examples/registry.yaml").string() + "\nledger:\n  path: var/ledger.jsonl\n");
    return dir / "config.yaml";
}

}  // namespace

TEST_CASE("server unit: every engine status maps to the HTTP status of contract section 12", "[server]") {
    CHECK(Router::http_status_of(Status::ok) == 200);
    CHECK(Router::http_status_of(Status::argument) == 400);
    CHECK(Router::http_status_of(Status::parse) == 400);
    CHECK(Router::http_status_of(Status::schema) == 400);
    CHECK(Router::http_status_of(Status::config) == 503);
    CHECK(Router::http_status_of(Status::io) == 503);
    CHECK(Router::http_status_of(Status::integrity) == 409);
    CHECK(Router::http_status_of(Status::not_found) == 404);
    CHECK(Router::http_status_of(Status::limit) == 413);
    CHECK(Router::http_status_of(Status::internal) == 500);
}

TEST_CASE("server unit: routes by path, the query string does not matter", "[server]") {
    CHECK(Router::route_of(Method::post, "/v1/evaluate") == Route::evaluate);
    CHECK(Router::route_of(Method::post, "/v1/evaluate?x=1") == Route::evaluate);
    CHECK(Router::route_of(Method::post, "/v1/lint") == Route::lint);
    CHECK(Router::route_of(Method::post, "/v1/records") == Route::records_post);
    CHECK(Router::route_of(Method::get, "/v1/records/abc") == Route::records_get);
    CHECK(Router::route_of(Method::get, "/v1/records/") == Route::other);
    CHECK(Router::route_of(Method::post, "/v1/verify") == Route::verify);
    CHECK(Router::route_of(Method::get, "/v1/status") == Route::status);
    CHECK(Router::route_of(Method::get, "/healthz") == Route::healthz);
    CHECK(Router::route_of(Method::get, "/metrics") == Route::metrics);
    CHECK(Router::route_of(Method::get, "/v1/evaluate/") == Route::other);
    CHECK(Router::route_of(Method::get, "/V1/EVALUATE") == Route::other);
}

TEST_CASE("server unit: token files name each token and bad lines are refused with file and line, never the token",
          "[server]") {
    const auto tokens = fsserver::Tokens::parse("# comment\n\nplatform-a " + token + "\r\n  " + token + "X  \n", "tokens");
    CHECK(tokens.size() == 2);
    CHECK(tokens.check("Bearer " + token) == std::optional<std::string>("platform-a"));
    CHECK(tokens.check("Bearer " + token + "X") == std::optional<std::string>("default"));
    CHECK(tokens.check("BEARER   " + token + " ") == std::optional<std::string>("platform-a"));
    CHECK_FALSE(tokens.check("Bearer " + token.substr(1)));
    CHECK_FALSE(tokens.check("Bearer"));
    CHECK_FALSE(tokens.check("Bearer "));
    CHECK_FALSE(tokens.check("Bearer" + token));
    CHECK_FALSE(tokens.check("Basic " + token));
    CHECK_FALSE(tokens.check(token));
    CHECK_FALSE(tokens.check(""));

    const auto short_token = config_error_of("a " + token + "\nb short\n");
    CHECK(short_token.code() == "TOKEN_FILE_INVALID");
    CHECK(short_token.where().line == 2);
    CHECK(std::string(short_token.what()).find("short") == std::string::npos);
    CHECK(config_error_of("a " + token + " extra\n").where().line == 1);
    CHECK(config_error_of("a/b " + token + "\n").code() == "TOKEN_FILE_INVALID");
    CHECK(config_error_of("a " + token + "\na " + token + "Z\n").where().line == 2);  // name twice
    CHECK(config_error_of("a " + token + "\nb " + token + "\n").where().line == 2);   // token twice
    CHECK(config_error_of("# nothing\n").code() == "TOKEN_FILE_EMPTY");
    CHECK(config_error_of("a " + token + "\xC3\xA9\n").where().line == 1);  // not ASCII
}

TEST_CASE("server unit: off loopback without a token file, records are refused 403 and nothing is written", "[server]") {
    test::TempDir dir;
    auto engine = firstset::EngineCore::open(sample_config(dir));
    fsserver::Metrics metrics;
    std::atomic<bool> draining{false};
    fsserver::RouterSettings settings;
    settings.loopback = false;
    Router router(*engine, settings, metrics, draining);
    fsserver::Request r;
    r.method = Method::post;
    r.target = "/v1/records";
    const std::string body = test::read_file(test::source("examples/requests/record-award-CQJT-2026-014.json"));
    r.body = body;
    const auto before = engine->counters().ledger_records;
    const fsserver::Reply reply = router.handle(r, Route::records_post);
    CHECK(reply.status == 403);
    CHECK(reply.error_code == "WRITES_NEED_TOKEN");
    CHECK(engine->counters().ledger_records == before);
    // reads are served
    r.target = "/healthz";
    r.method = Method::get;
    CHECK(router.handle(r, Route::healthz).status == 200);
    draining = true;
    CHECK(router.handle(r, Route::healthz).status == 503);
}

TEST_CASE("server unit: metrics text counts by route and status, histogram buckets are cumulative", "[server]") {
    fsserver::Metrics m;
    m.request(Route::evaluate, 200, std::chrono::microseconds(300));
    m.request(Route::evaluate, 200, std::chrono::milliseconds(3));
    m.request(Route::evaluate, 413, std::chrono::seconds(20));
    m.request(Route::lint, 299, std::chrono::microseconds(1));  // a status not listed: code="other"
    const std::string text = m.render(firstset::EngineCore::Counters{}, false);
    CHECK(text.find("firstset_http_requests_total{route=\"/v1/evaluate\",method=\"POST\",code=\"200\"} 2\n") != std::string::npos);
    CHECK(text.find("firstset_http_requests_total{route=\"/v1/evaluate\",method=\"POST\",code=\"413\"} 1\n") != std::string::npos);
    CHECK(text.find("firstset_http_requests_total{route=\"/v1/lint\",method=\"POST\",code=\"other\"} 1\n") != std::string::npos);
    CHECK(text.find("firstset_http_request_duration_seconds_bucket{route=\"/v1/evaluate\",le=\"0.00025\"} 0\n") != std::string::npos);
    CHECK(text.find("firstset_http_request_duration_seconds_bucket{route=\"/v1/evaluate\",le=\"0.0005\"} 1\n") != std::string::npos);
    CHECK(text.find("firstset_http_request_duration_seconds_bucket{route=\"/v1/evaluate\",le=\"0.005\"} 2\n") != std::string::npos);
    CHECK(text.find("firstset_http_request_duration_seconds_bucket{route=\"/v1/evaluate\",le=\"10\"} 2\n") != std::string::npos);
    CHECK(text.find("firstset_http_request_duration_seconds_bucket{route=\"/v1/evaluate\",le=\"+Inf\"} 3\n") != std::string::npos);
    CHECK(text.find("firstset_http_request_duration_seconds_sum{route=\"/v1/evaluate\"} 20.003300\n") != std::string::npos);
    CHECK(text.find("firstset_ledger_configured 0\n") != std::string::npos);
    CHECK(text.find("firstset_ledger_appends_total") == std::string::npos);  // no ledger, no ledger counters
}

TEST_CASE("server unit: access log lines are JSON with the token's name only and printable targets", "[server]") {
    fsserver::AccessEntry e;
    e.request_id = "r-1";
    e.peer = "127.0.0.1";
    e.port = 5000;
    e.method = "POST";
    const std::string target = "/v1/records?\x01\xff\"x";
    e.target = target;
    e.route = "/v1/records";
    e.status = 201;
    e.token = "platform-a";
    const std::string line = fsserver::AccessLog::line(e);
    REQUIRE(line.back() == '\n');
    const auto doc = nlohmann::json::parse(line);
    CHECK(doc["token"] == "platform-a");
    CHECK(doc["code"].is_null());
    CHECK(doc["target"] == "/v1/records???\"x");
    CHECK(doc["status"] == 201);
}
