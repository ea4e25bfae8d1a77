// Issue 8: hostile input through the built libfirstset.so, as a platform loads it. Each test is
// named after a defect an audit found (a crash, a cut ledger reported intact, wrong points, a
// ledger that could not be opened again, a hang, a planted link) and checks that the input now
// gets a status and an error document, never a signal, and that nothing on disk is harmed.
#include <catch2/catch.hpp>

#include "firstset/firstset.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "abi_support.hpp"
#include "support.hpp"

namespace {

using test::raw;

// The answer of a call: its status and the document it wrote (an error document unless OK).
struct Answer {
    int status;
    nlohmann::json doc;
    std::string code() const { return doc.contains("error") ? doc["error"]["code"].get<std::string>() : ""; }
    std::string path() const {
        return doc.contains("error") && doc["error"].contains("path") ? doc["error"]["path"].get<std::string>() : "";
    }
};

Answer take(int status, char* out);

// A call's answer; the out pointer is read only after the call has set it.
template <typename F>
Answer call(F&& f) {
    char* out = nullptr;
    const int status = f(&out);
    return take(status, out);
}

Answer take(int status, char* out) {
    REQUIRE(out != nullptr);
    Answer a{status, nlohmann::json::parse(out)};  // throws (fails the test) on text that is not JSON in UTF-8
    raw().free(out);
    if (status != FIRSTSET_OK) {
        CHECK(a.doc["error"]["status"] == firstset::status_name(status));
        CHECK_FALSE(a.doc["error"]["message"].get<std::string>().empty());
        CHECK_FALSE(a.doc["error"]["message_zh"].get<std::string>().empty());
    }
    return a;
}

// An engine on a configuration in a folder of its own, with a ledger.
struct Host {
    test::TempDir dir;
    firstset_engine* engine = nullptr;
    explicit Host(const std::string& extra = "") {
        test::write_file(dir / "config.yaml", "policies: [" + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                                                  ", " + test::source("criteria/policies/cn-2023-127.yaml").string() +
                                                  "]\nregistry: {file: " + test::source("examples/registry.yaml").string() +
                                                  "}\nledger: {path: var/ledger.jsonl}\nlog: {level: 'off'}\n" + extra);
        open();
    }
    ~Host() { close(); }
    void open() {
        char* error = nullptr;
        const int status = raw().open((dir / "config.yaml").c_str(), &engine, &error);
        INFO((error ? error : ""));
        REQUIRE(status == FIRSTSET_OK);
        raw().free(error);
    }
    void close() {
        raw().close(engine);
        engine = nullptr;
    }
    Answer evaluate(const std::string& request) const {
        char* out = nullptr;
        const int status = raw().evaluate(engine, request.c_str(), &out);
        return take(status, out);
    }
    Answer lint(const std::string& tender) const {
        char* out = nullptr;
        const int status = raw().lint(engine, tender.c_str(), &out);
        return take(status, out);
    }
    Answer record(const std::string& record) const {
        char* out = nullptr;
        const int status = raw().record(engine, record.c_str(), &out);
        return take(status, out);
    }
    std::filesystem::path ledger() const { return dir / "var/ledger.jsonl"; }
};

Answer verify(const nlohmann::json& request) {
    char* out = nullptr;
    const int status = raw().verify(request.dump().c_str(), &out);
    return take(status, out);
}

Answer open_config(const std::filesystem::path& config) {
    firstset_engine* engine = nullptr;
    char* out = nullptr;
    const int status = raw().open(config.c_str(), &engine, &out);
    CHECK(engine == nullptr);
    return take(status, out);
}

nlohmann::json award_record() {
    const auto req = test::sample_request();
    return {{"kind", "award"},
            {"tender", req["tender"]},
            {"bid", req["bid"]},
            {"purchaser", {{"name", "重庆示例交通投资集团有限公司（样例）"}, {"uscc", "91500000EXAMPLE11B"}, {"ownership", "state_owned"}}},
            {"award_date", "2026-03-20"},
            {"procurement_method", "open_tender"},
            {"procedure", {{"committee_formed", true}, {"evaluation_report_signed", true}, {"publicity_completed", true},
                           {"complaints_resolved", true}}},
            {"decision_makers", {{{"role", "评标委员会主任"}, {"id", "E-001"}}}},
            {"evidence", nlohmann::json::array()}};
}

// Runs f in a child process and says whether it finished within the time: a call that hangs
// (a FIFO read for ever) fails the test instead of hanging it.
bool finishes_within(std::chrono::seconds limit, const std::function<int()>& f) {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(f());
    const auto until = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < until) {
        if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return false;
}

const std::string big_number = "[0." + std::string(400, '0') + "1]";

}  // namespace

TEST_CASE("Issue 8 #1: [0.0…01] gets PARSE from evaluate, lint, record and verify, never a crash", "[abi][hostile]") {
    Host host;
    for (const std::string& text : {big_number, "{\"tender\":" + big_number + "}", big_number + std::string(5, ' ')}) {
        CHECK(host.evaluate(text).status == FIRSTSET_PARSE);
        CHECK(host.lint(text).status == FIRSTSET_PARSE);
        CHECK(host.record(text).status == FIRSTSET_PARSE);
        CHECK(call([&](char** o) { return raw().verify(text.c_str(), o); }).status == FIRSTSET_PARSE);
    }
    // Where the number stands for points, the text is what counts: an exact decimal or SCHEMA.
    auto req = test::sample_request();
    std::string text = req.dump();
    const std::string max = "\"max_points\":10";
    REQUIRE(text.find(max) != std::string::npos);
    text.replace(text.find(max), max.size(), "\"max_points\":0." + std::string(400, '0') + "1");
    const Answer a = host.evaluate(text);
    CHECK(a.status == FIRSTSET_PARSE);
    CHECK(a.code() == "JSON_NUMBER_RANGE");
}

TEST_CASE("Issue 8 #1: the same number in a YAML registry or policy pack refuses firstset_open with PARSE and the line",
          "[abi][hostile]") {
    test::TempDir dir;
    std::string registry = test::read_file(test::source("examples/registry.yaml"));
    registry.replace(registry.find("  publisher:"), 0, "  note: 1\n");
    registry.replace(registry.find("note: 1"), 7, "note: 0." + std::string(400, '0') + "1");
    test::write_file(dir / "registry.yaml", registry);
    test::write_file(dir / "config.yaml", "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                                              "\nregistry: {file: registry.yaml}\n");
    Answer a = open_config(dir / "config.yaml");
    CHECK(a.status == FIRSTSET_PARSE);
    CHECK(a.code() == "JSON_NUMBER_RANGE");
    CHECK(a.doc["error"]["line"] == 8);

    std::string pack = test::read_file(test::source("criteria/policies/cn-cq-2024-9.yaml"));
    pack.replace(pack.find("validity_years: 3"), 17, "validity_years: 3." + std::string(400, '0') + "1e-999");
    test::write_file(dir / "pack.yaml", pack);
    test::write_file(dir / "config2.yaml",
                     "policy: pack.yaml\nregistry: {file: " + test::source("examples/registry.yaml").string() + "}\n");
    a = open_config(dir / "config2.yaml");
    CHECK(a.status != FIRSTSET_OK);
    CHECK(a.doc["error"].contains("line"));
}

TEST_CASE("Issue 8 #2: a 40-byte record naming its kind twice gets PARSE JSON_DUPLICATE_KEY, never a crash",
          "[abi][hostile]") {
    Host host;
    const std::string record = R"({"kind":"award","kind":"failure_report"})";
    REQUIRE(record.size() == 40);
    const Answer a = host.record(record);
    CHECK(a.status == FIRSTSET_PARSE);
    CHECK(a.code() == "JSON_DUPLICATE_KEY");
    CHECK(a.path() == "/kind");
    // Repeats deeper in a valid-looking record, and in every other entry point, likewise.
    std::string award = award_record().dump();
    award.replace(award.find("\"ownership\""), 0, "\"ownership\":\"private\",");
    CHECK(host.record(award).code() == "JSON_DUPLICATE_KEY");
    CHECK(host.evaluate(R"({"tender":{},"tender":{}})").code() == "JSON_DUPLICATE_KEY");
    CHECK(host.lint(R"({"id":"a","id":"b"})").code() == "JSON_DUPLICATE_KEY");
    CHECK(call([&](char** o) { return raw().verify(R"({"ledger":"a","ledger":"b"})", o); }).code() == "JSON_DUPLICATE_KEY");
}

TEST_CASE("Issue 8 #3: expected_head.seq written 10.0 or 1e1 is SCHEMA, and a cut ledger is never reported intact",
          "[abi][hostile]") {
    Host host;
    const std::string request = test::sample_request().dump();
    for (int i = 0; i < 5; ++i) REQUIRE(host.evaluate(request).status == FIRSTSET_OK);
    host.close();
    const Answer whole = verify({{"ledger", host.ledger().string()}});
    REQUIRE(whole.doc["ok"] == true);
    REQUIRE(whole.doc["records"] == 6);
    const nlohmann::json head = whole.doc["head"];

    // Cut the last two records off, as someone hiding them would.
    std::string bytes = test::read_file(host.ledger());
    for (int k = 0; k < 2; ++k) bytes.erase(bytes.rfind('\n', bytes.size() - 2) + 1);
    test::write_file(host.ledger(), bytes);
    const Answer cut = verify({{"ledger", host.ledger().string()}, {"expected_head", head}});
    CHECK(cut.status == FIRSTSET_OK);
    CHECK(cut.doc["ok"] == false);
    CHECK(cut.doc["problems"][0]["code"] == "TRUNCATED");

    for (const std::string seq : {"6.0", "1e1", "6e0", "6.5"}) {
        const std::string text = "{\"ledger\":\"" + host.ledger().string() + "\",\"expected_head\":{\"seq\":" + seq +
                                 ",\"id\":\"" + head["id"].get<std::string>() + "\"}}";
        const Answer a = call([&](char** o) { return raw().verify(text.c_str(), o); });
        INFO(seq);
        CHECK(a.status == FIRSTSET_SCHEMA);
        CHECK(a.path() == "/expected_head/seq");
    }
}

TEST_CASE("Issue 8 #4: max_points 1e-320 is refused POINTS_PRECISION, never 55 points, 1e1 is exactly 10", "[abi][hostile]") {
    Host host;
    std::string text = test::sample_request().dump();
    const std::string max = "\"max_points\":10";
    REQUIRE(text.find(max) != std::string::npos);
    std::string bad = text;
    bad.replace(bad.find(max), max.size(), "\"max_points\":1e-320");
    const Answer a = host.evaluate(bad);
    CHECK(a.status == FIRSTSET_SCHEMA);
    CHECK(a.code() == "POINTS_PRECISION");
    CHECK(a.path().find("/max_points") != std::string::npos);
    std::string same = text;
    same.replace(same.find(max), max.size(), "\"max_points\":1e1");
    const Answer b = host.evaluate(same), c = host.evaluate(text);
    REQUIRE(b.status == FIRSTSET_OK);
    CHECK(b.doc["criteria"] == c.doc["criteria"]);
}

TEST_CASE("Issue 8 #5: a lone surrogate in a JSON registry or pack refuses the engine, the ledger opens again after "
          "every accepted request", "[abi][hostile]") {
    test::TempDir dir;
    test::write_file(dir / "registry.json",
                     R"({"registry":{"id":"x","version":"1"},"certificates":[{"id":"A-1","issuer":"CN-CQ","product":"\udc00",)"
                     R"("model":"M","holder":{"name":"h","uscc":"91500107EXAMPLE01K"},"recognized_on":"2024-05-12","status":"valid"}]})");
    test::write_file(dir / "config.yaml", "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                                              "\nregistry: {file: registry.json}\nledger: {path: ledger.jsonl}\n");
    Answer a = open_config(dir / "config.yaml");
    CHECK(a.status == FIRSTSET_PARSE);
    CHECK(a.doc["error"]["line"] == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "ledger.jsonl"));  // nothing was written

    // Text that is unusual but valid (NUL escapes, characters beyond the BMP, controls) is kept
    // exactly, and the ledger that holds it opens and verifies again.
    Host host;
    auto req = test::sample_request();
    req["bid"]["bidder"]["name"] = std::string("投标人") + std::string(1, '\0') + "\x01\"\\ 𝄞 \xE2\x80\xA8（样例）";
    req["tender"]["criteria"][0]["name"] = "\xF0\x9F\x98\x80 \x07";
    REQUIRE(host.evaluate(req.dump()).status == FIRSTSET_OK);
    auto award = award_record();
    award["decision_makers"][0]["name"] = std::string("张\0三", 7);
    REQUIRE(host.record(award.dump()).status == FIRSTSET_OK);
    host.close();
    host.open();  // the ledger opens again
    const Answer v = verify({{"ledger", host.ledger().string()}});
    CHECK(v.doc["ok"] == true);
    CHECK(v.doc["records"] == 3);
}

TEST_CASE("Issue 8 #7: a FIFO as the ledger or checkpoint, or /dev/zero as the checkpoint, is refused at once",
          "[abi][hostile]") {
    test::TempDir dir;
    REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
    // A well-formed verifier key (firstset-ledger keygen): the files are refused before any signature.
    const std::string key = "test.firstset.example+99920136+AcXuMWkk3QzoLw7FtyqXUr5Dzh2Y3gg/jyZy/hwb6+TH";
    CHECK(finishes_within(std::chrono::seconds(10), [&] {
        const Answer a = verify({{"ledger", (dir / "fifo").string()}});
        return a.status == FIRSTSET_IO && a.code() == "NOT_A_FILE" ? 0 : 1;
    }));
    test::write_file(dir / "ledger.jsonl", "");
    CHECK(finishes_within(std::chrono::seconds(10), [&] {
        const Answer a = verify({{"ledger", (dir / "ledger.jsonl").string()}, {"checkpoint", "/dev/zero"}, {"public_key", key}});
        return a.status == FIRSTSET_IO && a.code() == "NOT_A_FILE" ? 0 : 1;
    }));
    // A checkpoint larger than any signed note: LIMIT, read no further.
    test::write_file(dir / "huge.checkpoint", std::string(1 << 20, 'a'));
    const Answer big = verify({{"ledger", (dir / "ledger.jsonl").string()}, {"checkpoint", (dir / "huge.checkpoint").string()},
                               {"public_key", key}});
    CHECK(big.status == FIRSTSET_LIMIT);
    CHECK(big.code() == "FILE_TOO_LARGE");
    // A FIFO configured as the ledger: the engine does not open, and does not wait.
    test::write_file(dir / "config.yaml", "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                                              "\nregistry: {file: " + test::source("examples/registry.yaml").string() +
                                              "}\nledger: {path: fifo}\n");
    CHECK(finishes_within(std::chrono::seconds(10), [&] {
        const Answer a = open_config(dir / "config.yaml");
        return a.status == FIRSTSET_IO && a.code() == "NOT_A_FILE" ? 0 : 1;
    }));
}

TEST_CASE("Issue 9 #7: verify's origin is the origin a checkpoint must name, so it comes only with a checkpoint",
          "[abi][checkpoint]") {
    test::TempDir dir;
    test::write_file(dir / "ledger.jsonl", "");
    const Answer a = verify({{"ledger", (dir / "ledger.jsonl").string()}, {"origin", "firstset/node-1"}});
    CHECK(a.status == FIRSTSET_SCHEMA);
    CHECK(a.code() == "SCHEMA_REQUIRED");
    CHECK(a.path() == "/origin");
}

TEST_CASE("Issue 8 #9: links planted at the lock, the .broken file or the ledger never truncate or redirect a write",
          "[abi][hostile]") {
    test::TempDir dir;
    test::write_file(dir / "precious.txt", "records nobody may lose\n");
    const std::string config = "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                               "\nregistry: {file: " + test::source("examples/registry.yaml").string() +
                               "}\nledger: {path: var/ledger.jsonl}\nlog: {level: 'off'}\n";
    test::write_file(dir / "config.yaml", config);
    std::filesystem::create_directories(dir / "var");
    for (const std::string planted : {"var/ledger.jsonl.lock", "var/ledger.jsonl"}) {
        std::filesystem::create_symlink(dir / "precious.txt", dir / planted);
        const Answer a = open_config(dir / "config.yaml");
        INFO(planted);
        CHECK(a.status == FIRSTSET_IO);
        CHECK(a.code() == "NOT_A_FILE");
        CHECK(test::read_file(dir / "precious.txt") == "records nobody may lose\n");
        std::filesystem::remove(dir / planted);
    }
    // A ledger with a torn last line and a link planted where the cut bytes would be kept.
    {
        Host host;
        REQUIRE(host.evaluate(test::sample_request().dump()).status == FIRSTSET_OK);
        host.close();
        std::ofstream(host.ledger(), std::ios::app) << "{\"seq\":3,\"prev\":";
        const std::string before = test::read_file(host.ledger());
        std::filesystem::create_symlink(dir / "precious.txt", host.dir / "var/ledger.jsonl.broken");
        const Answer a = open_config(host.dir / "config.yaml");
        CHECK(a.code() == "NOT_A_FILE");
        CHECK(test::read_file(dir / "precious.txt") == "records nobody may lose\n");
        CHECK(test::read_file(host.ledger()) == before);  // nothing cut while the bytes could not be kept
    }
}

TEST_CASE("Issue 8: the ledger, its lock and the folders firstset creates are for its owner only (0600, 0700)",
          "[abi][hostile]") {
    Host host;
    REQUIRE(host.evaluate(test::sample_request().dump()).status == FIRSTSET_OK);
    auto mode = [](const std::filesystem::path& p) {
        struct stat st {};
        REQUIRE(::stat(p.c_str(), &st) == 0);
        return st.st_mode & 0777;
    };
    CHECK(mode(host.ledger()) == 0600);
    CHECK(mode(host.dir / "var/ledger.jsonl.lock") == 0600);
    CHECK(mode(host.dir / "var") == 0700);
}

TEST_CASE("Issue 8 #11: a pattern that backtracks past PCRE2's limits fails the audit with LIMIT, never passes it",
          "[abi][hostile]") {
    test::TempDir dir;
    std::string pack = test::read_file(test::source("criteria/policies/cn-cq-2024-9.yaml"));
    // Exponential backtracking on a text without a match: no fixed character lets PCRE2 give up early.
    const std::string region = "    TRACK_RECORD_REGION:\n      severity: error\n";
    REQUIRE(pack.find(region) != std::string::npos);
    pack.replace(pack.find(region) + region.size(), 0, "      words:\n        - '(a|a)+$'\n");
    test::write_file(dir / "pack.yaml", pack);
    test::write_file(dir / "config.yaml", "policy: pack.yaml\nregistry: {file: " +
                                              test::source("examples/registry.yaml").string() + "}\nlog: {level: 'off'}\n");
    firstset_engine* engine = nullptr;
    char* out = nullptr;
    REQUIRE(raw().open((dir / "config.yaml").c_str(), &engine, &out) == FIRSTSET_OK);
    raw().free(out);
    auto tender = test::sample_request()["tender"];
    tender["criteria"][1]["name"] = std::string(40, 'a') + "c";
    const int status = raw().lint(engine, tender.dump().c_str(), &out);
    const Answer a = take(status, out);
    CHECK(a.status == FIRSTSET_LIMIT);
    CHECK(a.code() == "PATTERN_LIMIT");
    tender["criteria"][1]["name"] = "同类产品应用业绩";
    CHECK(call([&](char** o) { return raw().lint(engine, tender.dump().c_str(), o); }).status == FIRSTSET_OK);
    raw().close(engine);

    // A pattern that matches the empty text (an `unless` of 'x*') on Chinese text: each search
    // starts on a character boundary, and the audit answers.
    pack.replace(pack.find(region) + region.size(), 0, "      unless:\n        - 'x*'\n");
    test::write_file(dir / "pack.yaml", pack);
    REQUIRE(raw().open((dir / "config.yaml").c_str(), &engine, &out) == FIRSTSET_OK);
    raw().free(out);
    const Answer b = call([&](char** o) { return raw().lint(engine, tender.dump().c_str(), o); });
    CHECK(b.status == FIRSTSET_OK);
    raw().close(engine);
}
