// ABI tests: they load the built libfirstset.so at run time through Boost.DLL, as a tender
// platform does, and hold it to docs/contract.md sections 1 and 5.
#include <catch2/catch.hpp>

#include "firstset/firstset.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <atomic>
#include <random>
#include <thread>

#include "abi_support.hpp"
#include "support.hpp"

namespace {

const char* const library_path = FIRSTSET_LIBRARY;

using test::raw;

const firstset::Library& library() {
    static const firstset::Library lib(library_path);
    return lib;
}

const firstset::Engine& engine() {
    static const firstset::Engine e = library().open(test::source("examples/config.yaml"));
    return e;
}

// Every error document names its status as the table of docs/contract.md section 1 does.
void check_error_document(int status, const nlohmann::json& doc) {
    REQUIRE(doc.contains("error"));
    const auto& e = doc["error"];
    CHECK(e["status"] == firstset::status_name(status));
    CHECK(e["code"].get<std::string>().find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos);
    CHECK_FALSE(e["message"].get<std::string>().empty());
    CHECK_FALSE(e["message_zh"].get<std::string>().empty());
}

nlohmann::json evaluate_failure(const std::string& request, int expected_status) {
    char* out = nullptr;
    int status = raw().evaluate(engine().handle(), request.c_str(), &out);
    CHECK(status == expected_status);
    auto doc = raw().take(out);
    check_error_document(status, doc);
    return doc;
}

}  // namespace

TEST_CASE("ABI: the library reports ABI major 1 and a version", "[abi]") {
    CHECK((raw().abi_version() >> 16) == 1u);
    CHECK(library().abi_version() == raw().abi_version());
    const std::string version = raw().version();
    CHECK(version == library().version());
    CHECK(std::count(version.begin(), version.end(), '.') == 2);
}

TEST_CASE("ABI: open, evaluate, free and close through the C++ wrapper", "[abi]") {
    auto response = nlohmann::json::parse(engine().evaluate(test::sample_request().dump()));
    CHECK(response["bid"] == "B1");
    CHECK(response["criteria"].size() == 7);
    // an engine can be opened and closed again and again
    for (int i = 0; i < 5; ++i) {
        firstset::Engine e = library().open(test::source("examples/config.yaml"));
        firstset::Engine moved = std::move(e);
        CHECK_FALSE(moved.evaluate(test::sample_request().dump()).empty());
    }
}

TEST_CASE("ABI: NULL arguments give ARGUMENT (1) and never crash", "[abi]") {
    const std::string config = test::source("examples/config.yaml").string();
    char* out = nullptr;
    firstset_engine* e = nullptr;

    CHECK(raw().open(config.c_str(), nullptr, &out) == FIRSTSET_ARGUMENT);
    check_error_document(FIRSTSET_ARGUMENT, raw().take(out));
    CHECK(raw().open(config.c_str(), &e, nullptr) == FIRSTSET_ARGUMENT);
    CHECK(e == nullptr);
    CHECK(raw().open(nullptr, &e, &out) == FIRSTSET_ARGUMENT);
    CHECK(e == nullptr);
    auto doc = raw().take(out);
    check_error_document(FIRSTSET_ARGUMENT, doc);
    CHECK(doc["error"]["code"] == "ARGUMENT_NULL");

    const std::string request = test::sample_request().dump();
    CHECK(raw().evaluate(nullptr, request.c_str(), &out) == FIRSTSET_ARGUMENT);
    check_error_document(FIRSTSET_ARGUMENT, raw().take(out));
    CHECK(raw().evaluate(engine().handle(), nullptr, &out) == FIRSTSET_ARGUMENT);
    check_error_document(FIRSTSET_ARGUMENT, raw().take(out));
    CHECK(raw().evaluate(engine().handle(), request.c_str(), nullptr) == FIRSTSET_ARGUMENT);

    raw().close(nullptr);  // no-ops
    raw().free(nullptr);
}

TEST_CASE("ABI: each status of the contract, with its error document", "[abi]") {
    test::TempDir dir;
    auto open_status = [&](const std::string& config_text) {
        test::write_file(dir / "c.yaml", config_text);
        firstset_engine* e = nullptr;
        char* out = nullptr;
        int status = raw().open((dir / "c.yaml").string().c_str(), &e, &out);
        CHECK(e == nullptr);
        auto doc = raw().take(out);
        check_error_document(status, doc);
        return std::make_pair(status, doc);
    };
    const std::string pack = test::source("criteria/policies/cn-cq-2024-9.yaml").string();
    const std::string registry = test::source("examples/registry.yaml").string();

    // OK: the out string is NULL on success
    {
        firstset_engine* e = nullptr;
        char* out = reinterpret_cast<char*>(1);
        CHECK(raw().open(test::source("examples/config.yaml").string().c_str(), &e, &out) == FIRSTSET_OK);
        CHECK(out == nullptr);
        REQUIRE(e != nullptr);
        raw().close(e);
    }
    // PARSE: a configuration that is not YAML, a request that is not JSON
    auto [status, doc] = open_status("policy: [unclosed\n");
    CHECK(status == FIRSTSET_PARSE);
    CHECK(doc["error"]["line"] == 2);  // the unclosed sequence is noticed where the input ends
    evaluate_failure("{\"tender\": ", FIRSTSET_PARSE);
    // SCHEMA: a request that breaks the schema
    auto req = test::sample_request();
    req["bid"]["offers"][0]["model"] = 3120;
    CHECK(evaluate_failure(req.dump(), FIRSTSET_SCHEMA)["error"]["path"] == "/bid/offers/0/model");
    // CONFIG: a configuration or pack that cannot be used
    std::tie(status, doc) = open_status("policy: " + pack + "\nregistry: {file: " + registry + ", url: x}\n");
    CHECK(status == FIRSTSET_CONFIG);
    CHECK(doc["error"]["path"] == "/registry/url");
    CHECK(doc["error"]["line"] == 2);
    // IO: a file that cannot be read
    std::tie(status, doc) = open_status("policy: " + pack + "\nregistry: {file: /nonexistent/registry.yaml}\n");
    CHECK(status == FIRSTSET_IO);
    CHECK(doc["error"]["file"] == "/nonexistent/registry.yaml");
    // LIMIT: too large, too deep
    evaluate_failure(std::string(FIRSTSET_MAX_REQUEST_BYTES + 1, ' '), FIRSTSET_LIMIT);
    evaluate_failure(std::string(1000, '[') + std::string(1000, ']'), FIRSTSET_LIMIT);
}

TEST_CASE("ABI: malformed input never crashes and always gets a status and an error document", "[abi][fuzz]") {
    const std::string base = test::sample_request().dump();
    std::mt19937 rng(20261121);  // fixed seed: the same 3000 inputs on every run
    const char noise[] = "{}[]\",:\\0123456789truefalsenull \xE4\xB8\xAD\xFF\xC3\x28";
    int ok = 0, refused = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string input = base;
        const int edits = 1 + static_cast<int>(rng() % 8);
        for (int k = 0; k < edits; ++k) {
            const std::size_t at = rng() % input.size();
            switch (rng() % 4) {
                case 0: input[at] = noise[rng() % (sizeof noise - 1)]; break;
                case 1: input.erase(at, 1 + rng() % 16); break;
                case 2: input.insert(at, 1, noise[rng() % (sizeof noise - 1)]); break;
                case 3: input.resize(at); break;
            }
            if (input.empty()) input = "x";
        }
        char* out = nullptr;
        const int status = raw().evaluate(engine().handle(), input.c_str(), &out);
        INFO(input);
        REQUIRE(out != nullptr);
        if (status == FIRSTSET_OK) {
            ++ok;
            raw().free(out);
            continue;
        }
        ++refused;
        auto doc = nlohmann::json::parse(out, nullptr, false);
        raw().free(out);
        REQUIRE_FALSE(doc.is_discarded());
        CHECK(doc["error"]["status"] == firstset::status_name(status));
        // A mutated jurisdiction may name a place no configured pack is for: CONFIG, and only that.
        CHECK((status == FIRSTSET_PARSE || status == FIRSTSET_SCHEMA || status == FIRSTSET_LIMIT ||
               (status == FIRSTSET_CONFIG && doc["error"]["code"] == "NO_POLICY_FOR_TENDER")));
    }
    CHECK(refused > 2000);  // most mutations break the document
    WARN(ok << " mutated requests still valid, " << refused << " refused with an error document");
}

TEST_CASE("ABI: many threads evaluating at once get the same answers as one thread", "[abi][threads]") {
    // Six different requests: the sample bid and variants that change every outcome.
    std::vector<std::string> requests;
    auto base = test::sample_request();
    requests.push_back(base.dump());
    auto v = base;
    v["bid"]["offers"][1]["first_set_certificate"] = "CQ-STT-2022-0101";  // expired
    v["bid"]["offers"][1]["model"] = "HDZ-100";
    requests.push_back(v.dump());
    v = base;
    v["bid"]["offers"][0].erase("first_set_certificate");
    requests.push_back(v.dump());
    v = base;
    v["tender"]["bid_deadline"] = "2027-05-11T16:00:00Z";  // CQ-STT-2024-0017 has just expired
    requests.push_back(v.dump());
    v = base;
    v["bid"]["offers"][0]["manufacturer"]["uscc"] = "91500000EXAMPLE11B";
    requests.push_back(v.dump());
    v = base;
    v["tender"]["criteria"][3]["max_points"] = 7.5;
    requests.push_back(v.dump());

    std::vector<std::string> expected;
    for (const auto& r : requests) expected.push_back(engine().evaluate(r));
    for (std::size_t i = 1; i < expected.size(); ++i) CHECK(expected[i] != expected[0]);

    constexpr int threads = 8, rounds = 150;
    std::atomic<int> mismatches{0}, done{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < rounds; ++i) {
                const std::size_t k = static_cast<std::size_t>(t + i) % requests.size();
                if (engine().evaluate(requests[k]) != expected[k]) ++mismatches;
                ++done;
            }
        });
    for (auto& th : pool) th.join();
    CHECK(done == threads * rounds);
    CHECK(mismatches == 0);
}

TEST_CASE("ABI: a library of another major version is refused before any call", "[abi]") {
    // The wrapper checks the major version; the real library passes.
    CHECK_NOTHROW(firstset::Library(library_path));
    CHECK_THROWS(firstset::Library("/nonexistent/libfirstset.so"));
}

TEST_CASE("ABI 1.1: an award, a failure and a tolerance decision recorded and verified through the .so", "[abi][ledger]") {
    REQUIRE((library().abi_version() & 0xFFFF) >= 1);
    test::TempDir dir;
    test::write_file(dir / "c.yaml", "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                                         "\nregistry: {file: " + test::source("examples/registry.yaml").string() +
                                         "}\nledger: {path: ledger.jsonl}\n");
    firstset::Engine e = library().open(dir / "c.yaml");
    auto req = test::sample_request();
    nlohmann::json award = {{"kind", "award"}, {"tender", req["tender"]}, {"bid", req["bid"]},
                            {"purchaser", {{"name", "示例集团（样例）"}, {"uscc", "91500000EXAMPLE04J"}, {"ownership", "state_owned"}}},
                            {"award_date", "2026-04-02"}, {"procurement_method", "open_tender"},
                            {"procedure", {{"committee_formed", true}}},
                            {"decision_makers", {{{"role", "采购负责人"}, {"id", "EMP-0047"}}}}, {"evidence", nlohmann::json::array()}};
    auto a = nlohmann::json::parse(e.record(award.dump()));
    const std::string award_id = a["record"]["id"];
    auto f = nlohmann::json::parse(e.record(nlohmann::json{{"kind", "failure_report"}, {"award", award_id}, {"date", "2026-09-30"},
                                                           {"description", "停机"}, {"severity", "minor"}}
                                                .dump()));
    auto d = nlohmann::json::parse(e.record(nlohmann::json{{"kind", "tolerance_decision"}, {"award", award_id},
                                                           {"failure", f["record"]["id"]}, {"exclusions", nlohmann::json::object()},
                                                           {"decided_by", {{"role", "主管部门"}, {"id", "X-1"}}}, {"final", nullptr}}
                                                .dump()));
    // The sample tender scores market share (rule L), so the award failed a condition.
    CHECK(d["proposed"] == "not_exempt");
    const nlohmann::json head = {{"seq", d["record"]["seq"]}, {"id", d["record"]["id"]}};
    auto v = nlohmann::json::parse(library().verify(nlohmann::json{{"ledger", (dir / "ledger.jsonl").string()}, {"expected_head", head}}.dump()));
    CHECK(v["ok"] == true);
    CHECK(v["records"] == 4);
    CHECK(v["head"] == head);
    CHECK(v["problems"].empty());
}

namespace {

// SM3 (GB/T 32905-2016) of bytes, by OpenSSL directly: beside the library, not through it.
std::string sm3_of(const std::string& bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    REQUIRE(EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sm3(), nullptr) == 1);
    std::string hex;
    for (unsigned i = 0; i < len; ++i) hex += "0123456789abcdef"[md[i] >> 4], hex += "0123456789abcdef"[md[i] & 15];
    return hex;
}

}  // namespace

TEST_CASE("ABI 1.1: a ledger created with ledger.hash sm3 through the .so verifies, its ids are the SM3 of its lines",
          "[abi][ledger][crypto]") {
    test::TempDir dir;
    const std::string base = "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                             "\nregistry: {file: " + test::source("examples/registry.yaml").string() + "}\n";
    test::write_file(dir / "c.yaml", base + "ledger: {path: ledger.jsonl, hash: sm3}\n");
    nlohmann::json head;
    {
        firstset::Engine e = library().open(dir / "c.yaml");
        auto req = test::sample_request();
        const nlohmann::json award = {{"kind", "award"}, {"tender", req["tender"]}, {"bid", req["bid"]},
                                      {"purchaser", {{"name", "示例集团（样例）"}, {"uscc", "91500000EXAMPLE04J"}, {"ownership", "state_owned"}}},
                                      {"award_date", "2026-04-02"}, {"procurement_method", "open_tender"},
                                      {"procedure", {{"committee_formed", true}}},
                                      {"decision_makers", {{{"role", "采购负责人"}, {"id", "EMP-0047"}}}}, {"evidence", nlohmann::json::array()}};
        const std::string award_id = nlohmann::json::parse(e.record(award.dump()))["record"]["id"];
        CHECK(award_id.size() == 64);
        // The failure report and the decision name the award by its SM3 id, which the engine finds
        // and checks against the award's line.
        auto f = nlohmann::json::parse(e.record(nlohmann::json{{"kind", "failure_report"}, {"award", award_id}, {"date", "2026-09-30"},
                                                               {"description", "停机"}, {"severity", "minor"}}
                                                    .dump()));
        auto d = nlohmann::json::parse(e.record(nlohmann::json{{"kind", "tolerance_decision"}, {"award", award_id},
                                                               {"failure", f["record"]["id"]}, {"exclusions", nlohmann::json::object()},
                                                               {"decided_by", {{"role", "主管部门"}, {"id", "X-1"}}}, {"final", nullptr}}
                                                    .dump()));
        CHECK(d["proposed"] == "not_exempt");
        e.evaluate(test::sample_request().dump());
        head = nlohmann::json::parse(library().verify(nlohmann::json{{"ledger", (dir / "ledger.jsonl").string()}}.dump()))["head"];
    }
    const std::string bytes = test::read_file(dir / "ledger.jsonl");
    std::vector<std::string> lines;
    for (std::size_t pos = 0, end; (end = bytes.find('\n', pos)) != std::string::npos; pos = end + 1)
        lines.push_back(bytes.substr(pos, end - pos));
    REQUIRE(lines.size() >= 2);
    CHECK(nlohmann::json::parse(lines[0])["body"]["hash"] == "sm3");
    std::string prev(64, '0');
    for (const auto& line : lines) {
        CHECK(nlohmann::json::parse(line)["prev"] == prev);
        prev = sm3_of(line);
    }
    CHECK(head["seq"] == lines.size());
    CHECK(head["id"] == prev);
    auto v = nlohmann::json::parse(library().verify(nlohmann::json{{"ledger", (dir / "ledger.jsonl").string()}, {"expected_head", head}}.dump()));
    CHECK(v["ok"] == true);
    CHECK(v["problems"].empty());
    // One byte of record 1 changed (the genesis' random name): the chain breaks at record 2.
    std::string tampered = bytes;
    const std::size_t at = tampered.find("\"ledger\":\"") + 10;
    tampered[at] = tampered[at] == '0' ? '1' : '0';
    test::write_file(dir / "tampered.jsonl", tampered);
    v = nlohmann::json::parse(library().verify(nlohmann::json{{"ledger", (dir / "tampered.jsonl").string()}}.dump()));
    CHECK(v["ok"] == false);
    CHECK(v["first_bad_seq"] == 2);
    REQUIRE(v["problems"].size() == 1);
    CHECK(v["problems"][0]["code"] == "CHAIN_BROKEN");
    CHECK(v["problems"][0]["seq"] == 2);
    // A configuration asking for SHA-256 does not open the SM3 ledger: CONFIG, LEDGER_HASH_MISMATCH.
    test::write_file(dir / "c2.yaml", base + "ledger: {path: ledger.jsonl, hash: sha256}\n");
    firstset_engine* engine = nullptr;
    char* out = nullptr;
    CHECK(raw().open((dir / "c2.yaml").string().c_str(), &engine, &out) == FIRSTSET_CONFIG);
    CHECK(engine == nullptr);
    auto doc = raw().take(out);
    check_error_document(FIRSTSET_CONFIG, doc);
    CHECK(doc["error"]["code"] == "LEDGER_HASH_MISMATCH");
    CHECK(test::read_file(dir / "ledger.jsonl") == bytes);
    // Any other name is refused by the configuration's schema.
    test::write_file(dir / "c3.yaml", base + "ledger: {path: other.jsonl, hash: md5}\n");
    CHECK(raw().open((dir / "c3.yaml").string().c_str(), &engine, &out) == FIRSTSET_CONFIG);
    check_error_document(FIRSTSET_CONFIG, raw().take(out));
    CHECK_FALSE(std::filesystem::exists(dir / "other.jsonl"));
}

TEST_CASE("ABI 1.1: INTEGRITY, NOT_FOUND and IO from the ledger functions, with error documents", "[abi][ledger]") {
    test::TempDir dir;
    test::write_file(dir / "c.yaml", "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                                         "\nregistry: {file: " + test::source("examples/registry.yaml").string() +
                                         "}\nledger: {path: ledger.jsonl}\n");
    char* out = nullptr;
    {
        firstset::Engine e = library().open(dir / "c.yaml");
        // NOT_FOUND: a failure report about an award that is not in the ledger
        const std::string failure =
            nlohmann::json{{"kind", "failure_report"}, {"award", std::string(64, 'a')}, {"date", "2026-09-30"},
                           {"description", "x"}, {"severity", "minor"}}
                .dump();
        CHECK(raw().record(e.handle(), failure.c_str(), &out) == FIRSTSET_NOT_FOUND);
        auto doc = raw().take(out);
        check_error_document(FIRSTSET_NOT_FOUND, doc);
        CHECK(doc["error"]["path"] == "/award");
        CHECK(raw().record(e.handle(), nullptr, &out) == FIRSTSET_ARGUMENT);
        check_error_document(FIRSTSET_ARGUMENT, raw().take(out));
        CHECK(raw().record(nullptr, failure.c_str(), &out) == FIRSTSET_ARGUMENT);
        check_error_document(FIRSTSET_ARGUMENT, raw().take(out));
        CHECK(raw().record(e.handle(), failure.c_str(), nullptr) == FIRSTSET_ARGUMENT);
        CHECK(raw().record(e.handle(), "{", &out) == FIRSTSET_PARSE);
        check_error_document(FIRSTSET_PARSE, raw().take(out));
        CHECK(raw().record(e.handle(), "{\"kind\": \"award\"}", &out) == FIRSTSET_SCHEMA);
        check_error_document(FIRSTSET_SCHEMA, raw().take(out));
        e.evaluate(test::sample_request().dump());
    }
    // INTEGRITY: a damaged ledger refuses the engine
    std::string bytes = test::read_file(dir / "ledger.jsonl");
    bytes[bytes.find("\"genesis\"") + 2] ^= 0x01;
    test::write_file(dir / "ledger.jsonl", bytes);
    firstset_engine* engine = nullptr;
    CHECK(raw().open((dir / "c.yaml").string().c_str(), &engine, &out) == FIRSTSET_INTEGRITY);
    CHECK(engine == nullptr);
    auto doc = raw().take(out);
    check_error_document(FIRSTSET_INTEGRITY, doc);
    CHECK(doc["error"]["code"] == "LEDGER_DAMAGED");
    // firstset_verify: status 0 with the verdict for a readable file, IO for a missing one
    const std::string request = nlohmann::json{{"ledger", (dir / "ledger.jsonl").string()}}.dump();
    REQUIRE(raw().verify(request.c_str(), &out) == FIRSTSET_OK);
    auto verdict = raw().take(out);
    CHECK(verdict["ok"] == false);
    CHECK(verdict["first_bad_seq"] == 1);
    const std::string missing = nlohmann::json{{"ledger", (dir / "none.jsonl").string()}}.dump();
    CHECK(raw().verify(missing.c_str(), &out) == FIRSTSET_IO);
    check_error_document(FIRSTSET_IO, raw().take(out));
    CHECK(raw().verify(nullptr, &out) == FIRSTSET_ARGUMENT);
    check_error_document(FIRSTSET_ARGUMENT, raw().take(out));
    CHECK(raw().verify("{\"ledger\": 3}", &out) == FIRSTSET_SCHEMA);
    check_error_document(FIRSTSET_SCHEMA, raw().take(out));
}

namespace {

nlohmann::json lint_raw(const std::string& tender, int expected_status) {
    char* out = nullptr;
    const int status = raw().lint(engine().handle(), tender.c_str(), &out);
    CHECK(status == expected_status);
    auto doc = raw().take(out);
    if (status != FIRSTSET_OK) check_error_document(status, doc);
    return doc;
}

}  // namespace

TEST_CASE("ABI 1.2: firstset_lint audits a tender through the .so under the pack chosen for it", "[abi][lint]") {
    REQUIRE((library().abi_version() & 0xFFFF) >= 2);
    const nlohmann::json tender = test::sample_request()["tender"];
    const auto r = nlohmann::json::parse(engine().lint(tender.dump()));
    CHECK(r["tender"] == "CQJT-2026-014");
    CHECK(r["policy"]["id"] == "cn-cq-2024-9");
    CHECK(r["passed"] == false);  // the sample tender scores market share
    REQUIRE(r["findings"].size() == 2);
    for (const auto& f : r["findings"]) {
        for (const char* k : {"criterion", "severity", "code", "message_zh", "message_en", "clause", "path", "matched"})
            CHECK(f.contains(k));
        CHECK_FALSE(f["message_zh"].get<std::string>().empty());
        CHECK_FALSE(f["clause"].get<std::string>().empty());
    }
    CHECK(r["findings"][0]["code"] == "SCORE_BY_MARKET_SHARE");
    CHECK(r["findings"][0]["criterion"] == "C5");
    CHECK(r["findings"][1]["code"] == "DEEMED_POINTS_SHARE");

    // The same tender of a state-owned purchaser in another province: the national pack.
    nlohmann::json elsewhere = tender;
    elsewhere["jurisdiction"] = "CN-SC";
    elsewhere["purchaser"] = {{"name", "四川示例能源集团有限公司（样例）"}, {"ownership", "state_owned"}};
    CHECK(nlohmann::json::parse(engine().lint(elsewhere.dump()))["policy"]["id"] == "cn-2023-127");
}

TEST_CASE("ABI 1.2: firstset_lint answers every bad input with a status and an error document", "[abi][lint]") {
    char* out = nullptr;
    const std::string tender = test::sample_request()["tender"].dump();
    CHECK(raw().lint(nullptr, tender.c_str(), &out) == FIRSTSET_ARGUMENT);
    check_error_document(FIRSTSET_ARGUMENT, raw().take(out));
    CHECK(raw().lint(engine().handle(), nullptr, &out) == FIRSTSET_ARGUMENT);
    CHECK(raw().take(out)["error"]["message"].get<std::string>().find("tender_json") != std::string::npos);
    CHECK(raw().lint(engine().handle(), tender.c_str(), nullptr) == FIRSTSET_ARGUMENT);

    CHECK(lint_raw("{\"id\": \"T\",\n \"criteria\": [}", FIRSTSET_PARSE)["error"]["line"] == 2);
    auto t = test::sample_request()["tender"];
    t["criteria"][1]["mode"] = "points";
    CHECK(lint_raw(t.dump(), FIRSTSET_SCHEMA)["error"]["path"] == "/criteria/1/mode");
    t = test::sample_request()["tender"];
    t["criteria"][1]["id"] = "C1";
    CHECK(lint_raw(t.dump(), FIRSTSET_SCHEMA)["error"]["code"] == "DUPLICATE_ID");
    // An evaluate request is not a tender.
    CHECK(lint_raw(test::sample_request().dump(), FIRSTSET_SCHEMA)["error"]["code"] == "SCHEMA_UNKNOWN_MEMBER");
    t = test::sample_request()["tender"];
    t["jurisdiction"] = "CN-SC";
    t["purchaser"] = {{"name", "四川示例民营企业（样例）"}, {"ownership", "private"}};
    CHECK(lint_raw(t.dump(), FIRSTSET_CONFIG)["error"]["code"] == "NO_POLICY_FOR_TENDER");
    lint_raw(std::string(FIRSTSET_MAX_REQUEST_BYTES + 1, ' '), FIRSTSET_LIMIT);
    lint_raw(std::string(200, '[') + std::string(200, ']'), FIRSTSET_LIMIT);

    // Mutations of a real tender: never a crash, always a status and a document.
    std::mt19937 rng(20261122);
    const std::string base = tender;
    for (int i = 0; i < 1000; ++i) {
        std::string input = base;
        for (int k = 0; k < 1 + static_cast<int>(rng() % 6); ++k) {
            const std::size_t at = rng() % input.size();
            if (rng() % 2) input[at] = "{}[]\",:0aZ\xE4\xB8\xAD"[rng() % 13];
            else input.erase(at, 1 + rng() % 12);
            if (input.empty()) input = "x";
        }
        char* o = nullptr;
        const int status = raw().lint(engine().handle(), input.c_str(), &o);
        REQUIRE(o != nullptr);
        auto doc = nlohmann::json::parse(o, nullptr, false);
        raw().free(o);
        INFO(input);
        REQUIRE_FALSE(doc.is_discarded());
        if (status != FIRSTSET_OK) CHECK(doc["error"]["status"] == firstset::status_name(status));
        else CHECK(doc.contains("passed"));
    }
}

TEST_CASE("ABI 1.2: many threads linting at once get the same answers as one thread", "[abi][lint][threads]") {
    const std::string cq = test::sample_request()["tender"].dump();
    auto national = test::sample_request()["tender"];
    national["jurisdiction"] = "CN-SC";
    national["purchaser"] = {{"name", "四川示例能源集团有限公司（样例）"}, {"ownership", "state_owned"}};
    const std::string sc_text = national.dump();
    const std::string expected_cq = engine().lint(cq), expected_sc = engine().lint(sc_text);
    std::atomic<int> mismatches{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < 8; ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                const bool which = (i + t) % 2 == 0;
                if (engine().lint(which ? cq : sc_text) != (which ? expected_cq : expected_sc)) ++mismatches;
            }
        });
    for (auto& th : pool) th.join();
    CHECK(mismatches == 0);
}

TEST_CASE("ABI 1.6: firstset_incentive gives the reward ceiling and the premium subsidy through the .so",
          "[abi][incentive]") {
    CHECK((raw().abi_version() & 0xFFFFu) >= 6u);
    // Through the wrapper (firstset_incentive_n).
    nlohmann::json r = nlohmann::json::parse(engine().incentive(
        R"({"clause": "first_purchase_reward", "certificate": "CQ-STT-2024-0017", "amount_paid": "2200000.00", "paid_on": "2025-06-01"})"));
    CHECK(r["eligible"] == true);
    CHECK(r["max_reward"] == "660000.00");
    CHECK(r["reasons"][0]["code"] == "REWARD_CEILING");
    CHECK(r["reasons"][0]["clause"] == "渝经信规范〔2024〕9号（一）");
    // Through the NUL-terminated form.
    const std::string subsidy =
        R"({"clause": "premium_subsidy", "certificate": "CQ-STT-2024-0017", "years": [)"
        R"({"year": 2025, "premium": "20000.00", "insured_amount": "1000000.00", "claim": false},)"
        R"({"year": 2026, "premium": "20000.00", "insured_amount": "1000000.00", "claim": false}]})";
    char* out = nullptr;
    REQUIRE(raw().incentive(engine().handle(), subsidy.c_str(), &out) == FIRSTSET_OK);
    r = raw().take(out);
    CHECK(r["years"][0]["rate_percent"] == "80");
    CHECK(r["years"][1]["rate_percent"] == "70");
    CHECK(r["total"] == "30000.00");
}

TEST_CASE("ABI 1.6: firstset_incentive answers bad input with a status and an error document", "[abi][incentive]") {
    char* out = nullptr;
    CHECK(raw().incentive(engine().handle(), nullptr, &out) == FIRSTSET_ARGUMENT);
    check_error_document(FIRSTSET_ARGUMENT, raw().take(out));
    CHECK(raw().incentive(nullptr, "{}", &out) == FIRSTSET_ARGUMENT);
    check_error_document(FIRSTSET_ARGUMENT, raw().take(out));
    CHECK(raw().incentive(engine().handle(), "{}", nullptr) == FIRSTSET_ARGUMENT);
    CHECK(raw().incentive_n(engine().handle(), nullptr, 3, &out) == FIRSTSET_ARGUMENT);
    check_error_document(FIRSTSET_ARGUMENT, raw().take(out));
    CHECK(raw().incentive(engine().handle(), "{not json", &out) == FIRSTSET_PARSE);
    check_error_document(FIRSTSET_PARSE, raw().take(out));
    const std::string negative =
        R"({"clause": "first_purchase_reward", "certificate": "CQ-STT-2024-0017", "amount_paid": "-5.00", "paid_on": "2025-06-01"})";
    CHECK(raw().incentive_n(engine().handle(), negative.data(), negative.size(), &out) == FIRSTSET_SCHEMA);
    nlohmann::json e = raw().take(out);
    check_error_document(FIRSTSET_SCHEMA, e);
    CHECK(e["error"]["code"] == "MONEY_NEGATIVE");
    CHECK(e["error"]["path"] == "/amount_paid");
    const std::string number =
        R"({"clause": "first_purchase_reward", "certificate": "X", "amount_paid": 2200000, "paid_on": "2025-06-01"})";
    CHECK(raw().incentive(engine().handle(), number.c_str(), &out) == FIRSTSET_SCHEMA);
    e = raw().take(out);
    CHECK(e["error"]["path"] == "/amount_paid");
    const std::string unknown_pack =
        R"({"clause": "first_purchase_reward", "certificate": "X", "amount_paid": "1", "paid_on": "2025-06-01", "policy": "nope"})";
    CHECK(raw().incentive(engine().handle(), unknown_pack.c_str(), &out) == FIRSTSET_NOT_FOUND);
    check_error_document(FIRSTSET_NOT_FOUND, raw().take(out));
    // Random bytes never crash.
    std::mt19937 rng(14);
    for (int i = 0; i < 200; ++i) {
        std::string text = negative;
        for (int k = 0; k < 3; ++k) text[rng() % text.size()] = static_cast<char>(rng() % 256);
        const int status = raw().incentive_n(engine().handle(), text.data(), text.size(), &out);
        CHECK(out != nullptr);
        if (status != FIRSTSET_OK) check_error_document(status, raw().take(out));
        else raw().free(out);
    }
}
