// firstset-server against the real program on 127.0.0.1 (docs/server.md, contract section 12):
// every route and its status mapping, bearer tokens and the caller in each record (Rule T'),
// limits on body and header, malformed and slow clients, keep-alive and pipelining, TLS,
// concurrent clients getting the in-process answer, and SIGTERM under load losing no
// acknowledged record.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>

#include "engine.hpp"
#include "nginx_support.hpp"
#include "server_support.hpp"
#include "util/json_out.hpp"

using nlohmann::json;
using test::Client;
using test::RawConnection;
using test::Response;
using test::ServerProcess;

namespace {

const std::string token_a = "3f1c0a9e7b2d48f6a5c4e3d2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e";
const std::string token_b = "b7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180";

std::string request_text(const std::string& name) { return test::read_file(test::source("examples/requests/" + name)); }

// A configuration in dir: the sample packs and registry; a ledger in dir/var when with_ledger.
std::filesystem::path write_config(const test::TempDir& dir, bool with_ledger, bool log_evaluations = false) {
    std::string c = "policies:\n  - " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() + "\n  - " +
                    test::source("criteria/policies/cn-2023-127.yaml").string() + "\nregistry:\n  file: " +
                    test::source("examples/registry.yaml").string() + "\n";
    if (with_ledger)
        c += std::string("ledger:\n  path: var/ledger.jsonl\n  log_evaluations: ") + (log_evaluations ? "true" : "false") + "\n";
    c += "log:\n  level: error\n";
    test::write_file(dir / "config.yaml", c);
    return dir / "config.yaml";
}

std::filesystem::path write_tokens(const test::TempDir& dir) {
    test::write_file(dir / "tokens", "# who may write\nplatform-a " + token_a + "\nplatform-b " + token_b + "\n");
    std::filesystem::permissions(dir / "tokens", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return dir / "tokens";
}

// The access log goes nowhere unless a test names a file for it.
std::vector<std::string> args(const std::filesystem::path& config, std::vector<std::string> more = {}) {
    std::vector<std::string> a{"--config", config.string(), "--listen", "127.0.0.1:0"};
    if (std::find(more.begin(), more.end(), "--access-log") == more.end()) more.insert(more.end(), {"--access-log", "off"});
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

std::string bearer(const std::string& t) { return "Authorization: Bearer " + t; }

json error_of(const Response& r) {
    INFO(r.body);
    const json doc = json::parse(r.body);
    REQUIRE(doc.contains("error"));
    return doc["error"];
}

std::string in_process(const std::filesystem::path& config, const std::string& what, const std::string& text) {
    auto engine = firstset::EngineCore::open(config);
    firstset::TextBuffer out;
    if (what == "evaluate") engine->evaluate(text, out);
    else if (what == "incentive") engine->incentive(text, out);
    else engine->lint(text, out);
    return std::string(out.view());
}

std::string failure_for(const std::string& award_id) {
    return json{{"kind", "failure_report"}, {"award", award_id}, {"date", "2026-09-30"}, {"severity", "major"},
                {"description", "数控滚齿机主轴轴承过热（样例）"}}
        .dump();
}

}  // namespace

TEST_CASE("server: evaluate and lint over HTTP answer exactly what the engine answers in process (contract 12)", "[server]") {
    test::TempDir dir;
    const auto config = write_config(dir, false);
    ServerProcess server(args(config));
    REQUIRE(server.running());
    Client client;
    const std::string evaluate = request_text("evaluate-CQJT-2026-014.json");
    const Response r = client.post(server.url("/v1/evaluate"), evaluate, {"Content-Type: application/json"});
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    CHECK_FALSE(r.header("x-request-id").empty());
    CHECK(r.body == in_process(config, "evaluate", evaluate));
    // curl's default form content type is taken as well: the body is what counts
    const Response r2 = client.post(server.url("/v1/evaluate"), evaluate);
    CHECK(r2.status == 200);
    CHECK(r2.body == r.body);

    const std::string lint = request_text("lint-CQJT-2026-014.json");
    const Response l = client.post(server.url("/v1/lint"), lint);
    CHECK(l.status == 200);
    CHECK(l.body == in_process(config, "lint", lint));
    CHECK(server.stop() == 0);
}

TEST_CASE("server: POST /v1/incentive answers what the engine answers, with the same status mapping", "[server][incentive]") {
    test::TempDir dir;
    const auto config = write_config(dir, false);
    ServerProcess server(args(config));
    REQUIRE(server.running());
    Client client;
    const std::string reward =
        R"({"clause": "first_purchase_reward", "certificate": "CQ-STT-2024-0017", "amount_paid": "2200000.00", "paid_on": "2026-04-20"})";
    const Response r = client.post(server.url("/v1/incentive"), reward, {"Content-Type: application/json"});
    CHECK(r.status == 200);
    CHECK(r.body == in_process(config, "incentive", reward));
    CHECK(json::parse(r.body)["max_reward"] == "660000.00");
    const Response bad = client.post(server.url("/v1/incentive"),
                                     R"({"clause": "first_purchase_reward", "certificate": "X", "amount_paid": "1.001", "paid_on": "2026-04-20"})");
    CHECK(bad.status == 400);
    CHECK(error_of(bad)["code"] == "MONEY_PRECISION");
    CHECK(error_of(bad)["path"] == "/amount_paid");
    const Response unknown = client.post(server.url("/v1/incentive"),
                                         R"({"clause": "premium_subsidy", "certificate": "X", "policy": "nope", "years": [{"year": 2026, "premium": "1", "insured_amount": "100", "claim": false}]})");
    CHECK(unknown.status == 404);
    CHECK(error_of(unknown)["code"] == "POLICY_UNKNOWN");
    const Response get = client.get(server.url("/v1/incentive"));
    CHECK(get.status == 405);
    CHECK(server.stop() == 0);
}

TEST_CASE("server: engine statuses become the HTTP statuses of contract 12 with the error document", "[server]") {
    test::TempDir dir;
    const auto config = write_config(dir, true);
    ServerProcess server(args(config, {"--max-body", "100000"}));
    Client client;
    SECTION("PARSE -> 400") {
        const Response r = client.post(server.url("/v1/evaluate"), "{\"tender\":");
        CHECK(r.status == 400);
        CHECK(error_of(r)["status"] == "PARSE");
    }
    SECTION("SCHEMA -> 400 with the JSON Pointer") {
        json request = json::parse(request_text("evaluate-CQJT-2026-014.json"));
        request["bid"]["offers"][0]["item"] = 42;
        const Response r = client.post(server.url("/v1/evaluate"), request.dump());
        CHECK(r.status == 400);
        const json e = error_of(r);
        CHECK(e["status"] == "SCHEMA");
        CHECK(e["path"] == "/bid/offers/0/item");
        CHECK_FALSE(e["message_zh"].get<std::string>().empty());
    }
    SECTION("LIMIT -> 413 (nesting deeper than the engine takes)") {
        const Response r = client.post(server.url("/v1/evaluate"), std::string(100, '[') + std::string(100, ']'));
        CHECK(r.status == 413);
        CHECK(error_of(r)["status"] == "LIMIT");
    }
    SECTION("LIMIT -> 413 (a body over --max-body, refused from its Content-Length)") {
        const Response r = client.post(server.url("/v1/evaluate"), std::string(200000, ' '));
        CHECK(r.status == 413);
        CHECK(error_of(r)["code"] == "BODY_TOO_LARGE");
    }
    SECTION("NOT_FOUND -> 404 (a failure report of an award that does not exist)") {
        const Response r = client.post(server.url("/v1/records"), failure_for(std::string(64, 'a')));
        CHECK(r.status == 404);
        CHECK(error_of(r)["status"] == "NOT_FOUND");
        CHECK(error_of(r)["path"] == "/award");
    }
    SECTION("IO -> 503 (verifying a ledger that is not there)") {
        const Response r = client.post(server.url("/v1/verify"), json{{"ledger", "var/missing.jsonl"}}.dump());
        CHECK(r.status == 503);
        CHECK(error_of(r)["status"] == "IO");
    }
    SECTION("a decision on a failure report of another award -> 400 FAILURE_OF_OTHER_AWARD") {
        const std::string award = request_text("record-award-CQJT-2026-014.json");
        const std::string a1 = json::parse(client.post(server.url("/v1/records"), award).body)["record"]["id"];
        json award2 = json::parse(award);
        award2["award_date"] = "2026-04-03";
        const std::string a2 = json::parse(client.post(server.url("/v1/records"), award2.dump()).body)["record"]["id"];
        const Response f = client.post(server.url("/v1/records"), failure_for(a1));
        REQUIRE(f.status == 201);
        const std::string fid = json::parse(f.body)["record"]["id"];
        const json decision = {{"kind", "tolerance_decision"}, {"award", a2}, {"failure", fid},
                               {"exclusions", {{"personal_gain", false}, {"collusion", false}, {"falsified_documents", false},
                                               {"breach_of_law", false}, {"ignored_known_risk", false}}},
                               {"decided_by", {{"role", "国资监管处（样例）"}, {"id", "SASAC-EX-01"}}}, {"final", nullptr}};
        const Response r = client.post(server.url("/v1/records"), decision.dump());
        CHECK(r.status == 400);
        CHECK(error_of(r)["code"] == "FAILURE_OF_OTHER_AWARD");
    }
    CHECK(server.stop() == 0);
}

TEST_CASE("server: CONFIG -> 503 when the configuration has no ledger to record into", "[server]") {
    test::TempDir dir;
    ServerProcess server(args(write_config(dir, false)));
    Client client;
    const Response r = client.post(server.url("/v1/records"), request_text("record-award-CQJT-2026-014.json"));
    CHECK(r.status == 503);
    CHECK(error_of(r)["status"] == "CONFIG");
    CHECK(error_of(r)["code"] == "NO_LEDGER");
    CHECK(server.stop() == 0);
}

TEST_CASE("server: records need a valid bearer token when a token file is set, each record names its caller (Rule T')",
          "[server]") {
    test::TempDir dir;
    const auto config = write_config(dir, true);
    ServerProcess server(args(config, {"--token-file", write_tokens(dir).string(), "--access-log", (dir / "access.log").string()}));
    Client client;
    const std::string award = request_text("record-award-CQJT-2026-014.json");

    const Response none = client.post(server.url("/v1/records"), award);
    CHECK(none.status == 401);
    CHECK(error_of(none)["code"] == "TOKEN_REQUIRED");
    CHECK(none.header("www-authenticate").rfind("Bearer", 0) == 0);
    const Response wrong = client.post(server.url("/v1/records"), award, {bearer(token_a.substr(0, 63) + "0")});
    CHECK(wrong.status == 401);
    CHECK(error_of(wrong)["code"] == "TOKEN_INVALID");
    const Response basic = client.post(server.url("/v1/records"), award, {"Authorization: Basic " + token_a});
    CHECK(basic.status == 401);

    const Response ok = client.post(server.url("/v1/records"), award, {bearer(token_b)});
    REQUIRE(ok.status == 201);
    const json created = json::parse(ok.body);
    CHECK(created["record"]["kind"] == "award");
    const std::string id = created["record"]["id"];
    // "bearer" is case-insensitive (RFC 6750 uses the HTTP auth-scheme rules)
    const Response lower = client.post(server.url("/v1/records"), failure_for(id), {"Authorization: bearer " + token_a});
    CHECK(lower.status == 201);

    const Response stored = client.get(server.url("/v1/records/" + id));
    REQUIRE(stored.status == 200);
    const json line = json::parse(stored.body);
    CHECK(line["seq"] == created["record"]["seq"]);
    CHECK(line["kind"] == "award");
    CHECK(line["body"]["caller"]["token"] == "platform-b");
    CHECK(line["body"]["caller"]["address"] == "127.0.0.1");
    CHECK(line["body"]["caller"]["port"].get<int>() > 0);
    CHECK(line["body"]["caller"]["via"] == "firstset-server");
    // reads need no token
    CHECK(client.post(server.url("/v1/evaluate"), request_text("evaluate-CQJT-2026-014.json")).status == 200);

    CHECK(server.stop() == 0);
    // the token itself is nowhere: not in the ledger, the access log or the server's messages
    const std::string ledger = test::read_file(dir / "var/ledger.jsonl"), access = test::read_file(dir / "access.log");
    CHECK(ledger.find(token_b) == std::string::npos);
    CHECK(access.find(token_b) == std::string::npos);
    CHECK(access.find(token_a.substr(0, 63)) == std::string::npos);
    CHECK(server.stderr_text().find(token_a) == std::string::npos);
    CHECK(access.find("\"token\":\"platform-b\"") != std::string::npos);
    CHECK(access.find("\"status\":401") != std::string::npos);
}

TEST_CASE("server: without a token file on loopback, records are taken and carry the peer with no token name", "[server]") {
    test::TempDir dir;
    ServerProcess server(args(write_config(dir, true)));
    Client client;
    const Response ok = client.post(server.url("/v1/records"), request_text("record-award-CQJT-2026-014.json"));
    REQUIRE(ok.status == 201);
    const std::string id = json::parse(ok.body)["record"]["id"];
    const json line = json::parse(client.get(server.url("/v1/records/" + id)).body);
    CHECK(line["body"]["caller"]["token"].is_null());
    CHECK(line["body"]["caller"]["address"] == "127.0.0.1");
    CHECK(server.stop() == 0);
}

TEST_CASE("server: GET /v1/records/{id} gives the stored line, unknown and malformed ids are 404", "[server]") {
    test::TempDir dir;
    ServerProcess server(args(write_config(dir, true)));
    Client client;
    const Response ok = client.post(server.url("/v1/records"), request_text("record-award-CQJT-2026-014.json"));
    REQUIRE(ok.status == 201);
    const std::string id = json::parse(ok.body)["record"]["id"];
    const Response stored = client.get(server.url("/v1/records/" + id));
    CHECK(stored.status == 200);
    // byte for byte the ledger's line
    const std::string ledger = test::read_file(dir / "var/ledger.jsonl");
    CHECK(ledger.find(stored.body + "\n") != std::string::npos);
    for (const std::string& bad : {std::string(64, '0'), std::string("xyz"), id.substr(0, 63), id + "0",
                                  std::string("%2e%2e%2fx"), std::string("..%2F..%2Fetc%2Fpasswd")}) {
        const Response r = client.get(server.url("/v1/records/" + bad));
        INFO(bad);
        CHECK(r.status == 404);
        CHECK(error_of(r)["code"] == "RECORD_NOT_FOUND");
    }
    CHECK(server.stop() == 0);
}

TEST_CASE("server: /v1/verify reads ledgers in the allowed folders only, relative to the configuration", "[server]") {
    test::TempDir dir, elsewhere;
    ServerProcess server(args(write_config(dir, true), {"--verify-root", elsewhere.path().string()}));
    Client client;
    REQUIRE(client.post(server.url("/v1/records"), request_text("record-award-CQJT-2026-014.json")).status == 201);
    const Response v = client.post(server.url("/v1/verify"), json{{"ledger", "var/ledger.jsonl"}}.dump());
    REQUIRE(v.status == 200);
    const json verdict = json::parse(v.body);
    CHECK(verdict["ok"] == true);
    CHECK(verdict["records"].get<int>() >= 2);
    const Response absolute = client.post(server.url("/v1/verify"), json{{"ledger", (dir / "var/ledger.jsonl").string()}}.dump());
    CHECK(absolute.status == 200);
    CHECK(json::parse(absolute.body)["head"] == verdict["head"]);
    // a copy in a --verify-root folder, cut short: read and found wanting with the head kept
    std::filesystem::copy_file(dir / "var/ledger.jsonl", elsewhere / "copy.jsonl");
    const Response copy = client.post(server.url("/v1/verify"),
                                      json{{"ledger", (elsewhere / "copy.jsonl").string()}, {"expected_head", verdict["head"]}}.dump());
    CHECK(copy.status == 200);
    CHECK(json::parse(copy.body)["ok"] == true);
    for (const std::string& outside : {std::string("/etc/passwd"), std::string("../config.yaml"), std::string("var/../config.yaml"),
                                      (dir / "config.yaml").string(), std::string("var/../../x")}) {
        INFO(outside);
        const Response r = client.post(server.url("/v1/verify"), json{{"ledger", outside}}.dump());
        CHECK(r.status == 403);
        CHECK(error_of(r)["code"] == "PATH_NOT_ALLOWED");
    }
    // a symbolic link inside the folder that leads outside is outside, also behind a ".." after
    // a part that does not exist (which path resolution would otherwise take as text)
    std::filesystem::create_symlink(dir / "config.yaml", dir / "var/link.jsonl");
    CHECK(client.post(server.url("/v1/verify"), json{{"ledger", "var/link.jsonl"}}.dump()).status == 403);
    std::filesystem::create_symlink(dir.path(), dir / "var/up");
    CHECK(client.post(server.url("/v1/verify"), json{{"ledger", "var/up/config.yaml"}}.dump()).status == 403);
    CHECK(client.post(server.url("/v1/verify"), json{{"ledger", "var/nope/../up/config.yaml"}}.dump()).status == 403);
    CHECK(client.post(server.url("/v1/verify"), "{\"ledger\": 5}").status == 400);
    CHECK(server.stop() == 0);
}

TEST_CASE("server: status, healthz, metrics, wrong methods are 405 with Allow, unknown routes 404", "[server]") {
    test::TempDir dir;
    ServerProcess server(args(write_config(dir, true, true)));
    Client client;
    const Response status = client.get(server.url("/v1/status"));
    CHECK(status.status == 200);
    CHECK(json::parse(status.body)["ledger"]["records"].get<int>() >= 1);
    const Response health = client.get(server.url("/healthz"));
    CHECK(health.status == 200);
    CHECK(json::parse(health.body)["status"] == "ok");
    const Response head = client.head(server.url("/healthz"));
    CHECK(head.status == 200);
    CHECK(head.header("content-length") == std::to_string(health.body.size()));
    CHECK(head.body.empty());

    for (int i = 0; i < 3; ++i)
        REQUIRE(client.post(server.url("/v1/evaluate"), request_text("evaluate-CQJT-2026-014.json")).status == 200);
    REQUIRE(client.post(server.url("/v1/evaluate"), "nope").status == 400);
    const Response wrong = client.get(server.url("/v1/evaluate"));
    CHECK(wrong.status == 405);
    CHECK(wrong.header("allow") == "POST");
    CHECK(error_of(wrong)["code"] == "METHOD_NOT_ALLOWED");
    const std::string empty;
    const Response put = client.request("PUT", server.url("/v1/status"), &empty);
    CHECK(put.status == 405);
    CHECK(put.header("allow") == "GET, HEAD");
    const Response unknown = client.get(server.url("/v2/evaluate"));
    CHECK(unknown.status == 404);
    CHECK(error_of(unknown)["code"] == "ROUTE_NOT_FOUND");

    const Response metrics = client.get(server.url("/metrics"));
    CHECK(metrics.status == 200);
    CHECK(metrics.header("content-type").rfind("text/plain; version=0.0.4", 0) == 0);
    const std::string& m = metrics.body;
    CHECK(m.find("firstset_http_requests_total{route=\"/v1/evaluate\",method=\"POST\",code=\"200\"} 3\n") != std::string::npos);
    CHECK(m.find("firstset_http_requests_total{route=\"/v1/evaluate\",method=\"POST\",code=\"400\"} 1\n") != std::string::npos);
    CHECK(m.find("firstset_http_requests_total{route=\"/v1/evaluate\",method=\"POST\",code=\"405\"} 1\n") != std::string::npos);
    CHECK(m.find("firstset_http_requests_total{route=\"other\",method=\"\",code=\"404\"} 1\n") != std::string::npos);
    CHECK(m.find("firstset_http_request_duration_seconds_count{route=\"/v1/evaluate\"} 5\n") != std::string::npos);
    CHECK(m.find("firstset_http_request_duration_seconds_bucket{route=\"/v1/evaluate\",le=\"+Inf\"} 5\n") != std::string::npos);
    // three logged evaluations appended, each durable
    CHECK(m.find("firstset_ledger_appends_total 3\n") != std::string::npos);
    CHECK(m.find("firstset_ledger_syncs_total ") != std::string::npos);
    CHECK(m.find("firstset_registry_certificates ") != std::string::npos);
    CHECK(m.find("firstset_draining 0\n") != std::string::npos);
    // every sample line is "name{labels} value" or "name value" under a # TYPE line of its family
    std::istringstream lines(m);
    std::string l, family;
    while (std::getline(lines, l)) {
        if (l.rfind("# TYPE ", 0) == 0) family = l.substr(7, l.find(' ', 7) - 7);
        if (l.empty() || l[0] == '#') continue;
        INFO(l);
        CHECK(l.rfind(family, 0) == 0);
        const auto space = l.rfind(' ');
        REQUIRE(space != std::string::npos);
        CHECK_NOTHROW(std::stod(l.substr(space + 1)));
    }
    CHECK(server.stop() == 0);
}

TEST_CASE("server: malformed HTTP is 400, an oversized header 431, and neither stops the server", "[server]") {
    test::TempDir dir;
    ServerProcess server(args(write_config(dir, false), {"--max-header", "2048", "--max-body", "100000"}));
    {
        RawConnection c(server.port());
        c.send("THIS IS NOT HTTP\r\n\r\n");
        const std::string answer = c.read_until_close(std::chrono::seconds(5));
        CHECK(answer.rfind("HTTP/1.1 400", 0) == 0);
        CHECK(answer.find("BAD_HTTP_REQUEST") != std::string::npos);
        CHECK(c.closed());
    }
    {
        RawConnection c(server.port());
        c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
        const std::string answer = c.read_until_close(std::chrono::seconds(5));
        CHECK(answer.rfind("HTTP/1.1 431", 0) == 0);
        CHECK(answer.find("HEADERS_TOO_LARGE") != std::string::npos);
    }
    {
        RawConnection c(server.port());  // chunked body over the limit is cut off as it comes
        c.send("POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        std::string answer;
        for (int i = 0; i < 1200 && answer.empty(); ++i) {
            if (!c.send("1000\r\n" + std::string(4096, ' ') + "\r\n")) break;
            if (i % 100 == 99) answer = c.read_until("\r\n\r\n", std::chrono::milliseconds(10));
        }
        answer += c.read_until_close(std::chrono::seconds(5));
        CHECK(answer.rfind("HTTP/1.1 413", 0) == 0);
    }
    {
        // a client that writes its whole (too large) body before it reads still gets the 413: the
        // server reads and throws away the rest before closing, instead of resetting the connection
        RawConnection c(server.port());
        const std::string body(3 * 1024 * 1024, ' ');
        CHECK(c.send("POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\n\r\n" + body));
        const std::string answer = c.read_until_close(std::chrono::seconds(10));
        CHECK(answer.rfind("HTTP/1.1 413", 0) == 0);
        CHECK(answer.find("BODY_TOO_LARGE") != std::string::npos);
    }
    {
        // an endless chunk extension: bounded by the read buffer, not by memory (400, closed)
        RawConnection c(server.port());
        c.send("POST /v1/lint HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;a=");
        std::string answer;
        for (int i = 0; i < 200 && answer.empty(); ++i) {
            if (!c.send(std::string(8192, 'b'))) break;
            answer = c.read_until("\r\n\r\n", std::chrono::milliseconds(5));
        }
        answer += c.read_until_close(std::chrono::seconds(5));
        CHECK(answer.rfind("HTTP/1.1 400", 0) == 0);
    }
    {
        // a Transfer-Encoding the server cannot frame is refused, and its body is not read as a
        // second request (request smuggling)
        RawConnection c(server.port());
        c.send("POST /v1/lint HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        const std::string answer = c.read_until_close(std::chrono::seconds(5));
        CHECK(answer.rfind("HTTP/1.1 400", 0) == 0);
        CHECK(answer.find("firstset_build_info") == std::string::npos);
        CHECK(answer.find("HTTP/1.1 200") == std::string::npos);
    }
    {
        // a chunked trailer cannot stand in for a header: X-Request-Id given there is not taken
        RawConnection c(server.port());
        c.send("POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n"
               "X-Request-Id: from-the-trailer\r\n\r\n");
        const std::string answer = c.read_until("}}", std::chrono::seconds(5));
        CHECK(answer.rfind("HTTP/1.1 400", 0) == 0);
        CHECK(answer.find("from-the-trailer") == std::string::npos);
    }
    Client client;
    CHECK(client.get(server.url("/healthz")).status == 200);
    // an absolute-form target is taken by its path
    CHECK(client.request("GET", server.url("/healthz"), nullptr).status == 200);
    {
        RawConnection c(server.port());
        c.send("GET http://127.0.0.1/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        CHECK(c.read_until("ok", std::chrono::seconds(5)).rfind("HTTP/1.1 200", 0) == 0);
    }
    CHECK(server.stop() == 0);
}

TEST_CASE("server: keep-alive, pipelined requests answered in order, Expect: 100-continue answered", "[server]") {
    test::TempDir dir;
    ServerProcess server(args(write_config(dir, false)));
    RawConnection c(server.port());
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: first\r\n\r\nGET /v1/nothing HTTP/1.1\r\nHost: x\r\n"
           "X-Request-Id: second\r\n\r\n");
    const std::string both = c.read_until("ROUTE_NOT_FOUND", std::chrono::seconds(5));
    const auto first = both.find("X-Request-Id: first"), second = both.find("X-Request-Id: second");
    CHECK(both.rfind("HTTP/1.1 200", 0) == 0);
    REQUIRE(first != std::string::npos);
    REQUIRE(second != std::string::npos);
    CHECK(first < second);
    CHECK_FALSE(c.closed());

    const std::string body = request_text("evaluate-CQJT-2026-014.json");
    c.send("POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n");
    CHECK(c.read_until("\r\n\r\n", std::chrono::seconds(5)).rfind("HTTP/1.1 100 Continue", 0) == 0);
    c.send(body);
    CHECK(c.read_until("\"tender\"", std::chrono::seconds(5)).rfind("HTTP/1.1 200", 0) == 0);
    CHECK(server.stop() == 0);
}

TEST_CASE("server: slow clients are cut at --request-timeout and never hold a worker", "[server]") {
    test::TempDir dir;
    ServerProcess server(args(write_config(dir, false), {"--threads", "1", "--request-timeout", "1", "--idle-timeout", "2"}));
    std::vector<std::unique_ptr<RawConnection>> slow;
    for (int i = 0; i < 20; ++i) {
        slow.push_back(std::make_unique<RawConnection>(server.port()));
        slow.back()->send("POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"ten");
    }
    // one network thread, twenty stalled requests: a normal client is still answered at once
    Client client;
    const auto before = std::chrono::steady_clock::now();
    CHECK(client.post(server.url("/v1/evaluate"), request_text("evaluate-CQJT-2026-014.json")).status == 200);
    CHECK(std::chrono::steady_clock::now() - before < std::chrono::milliseconds(900));
    for (auto& s : slow) {
        s->read_until_close(std::chrono::seconds(10));
        CHECK(s->closed());  // cut after about a second, not served
    }
    // an idle keep-alive connection is closed after --idle-timeout
    RawConnection idle(server.port());
    idle.read_until_close(std::chrono::seconds(10));
    CHECK(idle.closed());
    // the twenty slow ones and the idle one at least (a client's own idle keep-alive may add one)
    const std::string m = client.get(server.url("/metrics")).body;
    const auto at = m.find("\nfirstset_http_timeouts_total ");
    REQUIRE(at != std::string::npos);
    CHECK(std::stoi(m.substr(at + 30)) >= 21);
    CHECK(server.stop() == 0);
}

TEST_CASE("server: connections over --max-connections are closed at once and counted", "[server]") {
    test::TempDir dir;
    ServerProcess server(args(write_config(dir, false), {"--max-connections", "2"}));
    RawConnection a(server.port()), b(server.port());
    a.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    b.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(a.read_until("ok", std::chrono::seconds(5)).rfind("HTTP/1.1 200", 0) == 0);
    CHECK(b.read_until("ok", std::chrono::seconds(5)).rfind("HTTP/1.1 200", 0) == 0);
    RawConnection c(server.port());
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(c.read_until_close(std::chrono::seconds(5)).empty());
    CHECK(c.closed());
    a.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(a.read_until("firstset_ledger_configured", std::chrono::seconds(5)).find("firstset_http_connections_refused_total 1\n") !=
          std::string::npos);
    CHECK(server.stop() == 0);
}

TEST_CASE("server: 8 concurrent keep-alive clients get the in-process answer every time", "[server]") {
    test::TempDir dir;
    const auto config = write_config(dir, false);
    ServerProcess server(args(config, {"--threads", "2"}));
    const std::string evaluate = request_text("evaluate-CQJT-2026-014.json");
    const std::string expected = in_process(config, "evaluate", evaluate);
    std::atomic<int> same{0}, different{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t)
        clients.emplace_back([&] {
            Client client;
            for (int i = 0; i < 50; ++i) {
                const Response r = client.post(server.url("/v1/evaluate"), evaluate);
                (r.status == 200 && r.body == expected ? same : different)++;
            }
        });
    for (auto& c : clients) c.join();
    CHECK(same == 400);
    CHECK(different == 0);
    CHECK(server.stop() == 0);
}

TEST_CASE("server: SIGTERM under load answers what is in flight, exits 0 and loses no acknowledged record", "[server]") {
    test::TempDir dir;
    const auto config = write_config(dir, true);
    ServerProcess server(args(config, {"--token-file", write_tokens(dir).string(), "--threads", "2"}));
    const std::string award = request_text("record-award-CQJT-2026-014.json");
    std::mutex mutex;
    std::set<std::string> acknowledged;
    std::atomic<int> answered{0}, failed_after_stop{0}, unexpected{0};
    std::atomic<bool> stop_sent{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t)
        clients.emplace_back([&, t] {
            Client client;
            for (int i = 0; i < 400; ++i) {
                json a = json::parse(award);
                a["note"] = "client " + std::to_string(t) + " award " + std::to_string(i);
                const Response r = client.post(server.url("/v1/records"), a.dump(), {bearer(token_a)});
                if (r.status == 201) {
                    std::lock_guard<std::mutex> lock(mutex);
                    acknowledged.insert(json::parse(r.body)["record"]["id"].get<std::string>());
                    ++answered;
                } else if (r.status == 0 && stop_sent) {
                    ++failed_after_stop;  // connection closed or refused once draining: not acknowledged
                    return;
                } else {
                    ++unexpected;
                    return;
                }
            }
        });
    for (int i = 0; i < 2000 && answered < 40 && unexpected == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop_sent = true;
    const int exit_status = server.stop();
    for (auto& c : clients) c.join();
    CHECK(exit_status == 0);
    CHECK(unexpected == 0);
    CHECK(server.stderr_text().find("SERVER_DRAINING") != std::string::npos);
    CHECK(server.stderr_text().find("SERVER_STOPPED") != std::string::npos);
    // every acknowledged record is in the ledger, and the ledger verifies
    firstset::TextBuffer out;
    firstset::verify_ledger(json{{"ledger", (dir / "var/ledger.jsonl").string()}}.dump(), out);
    const json verdict = json::parse(std::string(out.view()));
    CHECK(verdict["ok"] == true);
    std::set<std::string> in_ledger;
    std::istringstream lines(test::read_file(dir / "var/ledger.jsonl"));
    std::string line;
    while (std::getline(lines, line)) in_ledger.insert(firstset::sha256_hex(line));
    std::size_t missing = 0;
    for (const auto& id : acknowledged) missing += in_ledger.count(id) ? 0 : 1;
    INFO(acknowledged.size() << " acknowledged");
    CHECK(acknowledged.size() >= 40);
    CHECK(missing == 0);
}

TEST_CASE("server: TLS with --tls-cert and --tls-key (OpenSSL), same answers as plain HTTP", "[server]") {
    test::TempDir dir;
    test::make_test_certificates(dir.path());
    ServerProcess server(args(write_config(dir, false), {"--tls-cert", (dir / "server.pem").string(), "--tls-key",
                                                         (dir / "server.key").string()}));
    REQUIRE(server.running());
    Client client;
    client.ca_file((dir / "ca.pem").string());
    CHECK(client.get(server.url("/healthz")).status == 200);
    const Response r = client.post(server.url("/v1/evaluate"), request_text("evaluate-CQJT-2026-014.json"));
    CHECK(r.status == 200);
    CHECK(json::parse(r.body)["tender"] == "CQJT-2026-014");
    // plain HTTP on the TLS port gets no answer, and the server goes on
    RawConnection plain(server.port());
    plain.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(plain.read_until_close(std::chrono::seconds(5)).find("200 OK") == std::string::npos);
    CHECK(client.get(server.url("/healthz")).status == 200);
    CHECK(server.stop() == 0);
}

TEST_CASE("server: unusable arguments and files stop it at start with a code and exit status", "[server]") {
    test::TempDir dir;
    const auto config = write_config(dir, false);
    {
        ServerProcess s({"--config", config.string(), "--listen", "127.0.0.1"});
        CHECK(s.exit_status() == 2);
        CHECK(s.stderr_text().find("--listen") != std::string::npos);
    }
    {
        test::write_file(dir / "short-tokens", "# ok\nplatform-a tooshort\n");
        ServerProcess s(args(config, {"--token-file", (dir / "short-tokens").string()}));
        CHECK(s.exit_status() == 1);
        CHECK(s.stderr_text().find("TOKEN_FILE_INVALID") != std::string::npos);
        CHECK(s.stderr_text().find("short-tokens:2") != std::string::npos);
        CHECK(s.stderr_text().find("tooshort") == std::string::npos);  // never the token's text
    }
    {
        ServerProcess s(args(dir / "missing.yaml"));
        CHECK(s.exit_status() == 1);
        CHECK(s.stderr_text().find("missing.yaml") != std::string::npos);
    }
    {
        ServerProcess s(args(config, {"--tls-cert", (dir / "none.pem").string(), "--tls-key", (dir / "none.key").string()}));
        CHECK(s.exit_status() == 1);
        CHECK(s.stderr_text().find("TLS_UNUSABLE") != std::string::npos);
    }
    {
        ServerProcess first(args(config));
        REQUIRE(first.running());
        ServerProcess second({"--config", config.string(), "--listen", "127.0.0.1:" + std::to_string(first.port())});
        CHECK(second.exit_status() == 1);
        CHECK(second.stderr_text().find("LISTEN_FAILED") != std::string::npos);
        CHECK(first.stop() == 0);
    }
}
