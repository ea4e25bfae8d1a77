// Issue 5, items 2-4: ledger shipping to a real nginx archive (WebDAV PUT) and signed
// checkpoints. Every case ends with the archive holding exactly the ledger's records: the
// objects, unzipped and put in order, are the ledger file byte for byte, their ranges meet
// without gap or overlap, and the archived copy verifies against the signed checkpoint.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <sstream>

#include "engine.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/ship.hpp"
#include "nginx_support.hpp"
#include "schema_check.hpp"
#include "support.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/json_out.hpp"
#include "util/signing.hpp"

using firstset::EngineCore;
using nlohmann::json;

namespace {

struct Node {
    test::TempDir dir;
    firstset::SignerKey key = firstset::generate_signer_key("node-1.firstset.example");

    std::filesystem::path config(const std::string& archive_url, const std::string& ship_extra = "") {
        test::write_file(dir / "host/node.key", key.text() + "\n");
        const std::string c =
            "policies: [" + test::source("criteria/policies/cn-cq-2024-9.yaml").string() + "]\n"
            "registry: {file: " + test::source("examples/registry.yaml").string() + "}\n"
            "ledger:\n  path: var/ledger.jsonl\n  node: node-1\n"
            "  checkpoint: {key_file: node.key, interval_seconds: 1}\n"
            "  ship:\n    url: " + archive_url + "\n    interval_seconds: 0.05\n    batch_bytes: 4096\n"
            "    backoff_min_seconds: 0.05\n    backoff_max_seconds: 0.5\n    timeout_seconds: 2\n" +
            (archive_url.compare(0, 7, "http://") == 0 ? "    allow_http: true\n" : "") + ship_extra +
            "log: {level: 'off'}\n";
        test::write_file(dir / "host/config.yaml", c);
        return dir / "host/config.yaml";
    }
    std::filesystem::path ledger() const { return dir / "host/var/ledger.jsonl"; }
};

void evaluate_n(const EngineCore& e, int n) {
    const std::string request = test::read_file(test::source("tests/data/request-b1.json"));
    for (int i = 0; i < n; ++i) e.evaluate(request.c_str());
}

json status(const EngineCore& e) {
    firstset::TextBuffer out;
    e.status(out);
    test::check_schema("status-response.schema.json", out.str());  // Issue 9 #8: every answer
    return json::parse(out.str());
}

// The archive's objects for node-1, in order; checks their ranges meet exactly.
std::string archived_ledger(const std::filesystem::path& www) {
    std::map<std::uint64_t, std::pair<std::uint64_t, std::filesystem::path>> objects;
    const std::regex name(R"((\d{20})-(\d{20})\.jsonl\.gz)");
    for (const auto& f : std::filesystem::directory_iterator(www / "archive/node-1")) {
        std::smatch m;
        const std::string n = f.path().filename().string();
        if (std::regex_match(n, m, name)) objects[std::stoull(m[1])] = {std::stoull(m[2]), f.path()};
    }
    std::string all;
    std::uint64_t next = 1;
    for (const auto& [first, entry] : objects) {
        INFO("object " << entry.second.filename());
        CHECK(first == next);  // no gap, no overlap: no record lost or archived twice
        const auto text = firstset::ledger::gunzip(test::read_file(entry.second));
        REQUIRE(text);
        CHECK(static_cast<std::uint64_t>(std::count(text->begin(), text->end(), '\n')) == entry.first - first + 1);
        all += *text;
        next = entry.first + 1;
    }
    return all;
}

json verify(const std::filesystem::path& ledger, const std::filesystem::path& checkpoint, const std::string& key) {
    firstset::TextBuffer out;
    const json request = {{"ledger", ledger.string()}, {"checkpoint", checkpoint.string()}, {"public_key", key}};
    firstset::verify_ledger(request.dump().c_str(), out);
    test::check_schema("verify-response.schema.json", out.str());  // Issue 9 #8: every answer
    return json::parse(out.str());
}

template <class F>
bool eventually(F&& done, int seconds = 20) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
}

}  // namespace

TEST_CASE("Shipping: records reach the archive in batches, exactly once, with the signed checkpoint", "[net][ship]") {
    test::TempDir srv;
    test::Nginx nginx(srv / "srv");
    Node node;
    {
        auto engine = EngineCore::open(node.config(nginx.url("archive")));
        evaluate_n(*engine, 40);
        REQUIRE(eventually([&] { return status(*engine)["ledger"]["shipping"]["pending_records"] == 0; }));
        const json s = status(*engine);
        CHECK(s["ledger"]["shipping"]["shipped_records"] == 41);  // the genesis record and 40 evaluations
        CHECK(s["ledger"]["shipping"]["shipped_batches"].get<int>() > 1);
        CHECK(s["ledger"]["shipping"]["failures"] == 0);
    }
    // Closed: a last checkpoint was signed and shipped.
    CHECK(archived_ledger(nginx.www()) == test::read_file(node.ledger()));
    const auto archived_checkpoint = nginx.www() / "archive/node-1/checkpoint";
    CHECK(test::read_file(archived_checkpoint) == test::read_file(node.ledger().string() + ".checkpoint"));

    test::write_file(srv / "copy.jsonl", archived_ledger(nginx.www()));
    const json ok = verify(srv / "copy.jsonl", archived_checkpoint, node.key.verifier().text());
    CHECK(ok["ok"] == true);
    CHECK(ok["checkpoint"]["size"] == 41);
    CHECK(ok["checkpoint"]["origin"] == "node-1.firstset.example");  // by default the signer key's name
}

TEST_CASE("Shipping: a collector down at start, answering 500, or never answering loses and duplicates nothing",
          "[net][ship]") {
    test::TempDir srv;
    Node node;
    const int port = test::free_loopback_port();
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/archive";
    auto engine = EngineCore::open(node.config(url));

    // Down: nothing listens.
    evaluate_n(*engine, 10);
    REQUIRE(eventually([&] { return status(*engine)["ledger"]["shipping"]["failures"].get<int>() >= 2; }));
    CHECK(status(*engine)["ledger"]["shipping"]["pending_records"] == 11);
    CHECK(status(*engine)["ledger"]["shipping"]["last_error"].get<std::string>().find("onnect") != std::string::npos);

    // Never answers: every attempt times out (2 s).
    {
        test::BlackHole hole(port);
        evaluate_n(*engine, 10);
        const auto before = status(*engine)["ledger"]["shipping"]["failures"].get<int>();
        REQUIRE(eventually([&] { return status(*engine)["ledger"]["shipping"]["failures"].get<int>() > before; }));
        CHECK(status(*engine)["ledger"]["shipping"]["last_error"].get<std::string>().find("imeout") != std::string::npos);
    }

    // Up but failing with 500.
    test::Nginx nginx(srv / "srv", false, port);
    nginx.fail_with_500(true);
    evaluate_n(*engine, 10);
    REQUIRE(eventually([&] {
        const auto e = status(*engine)["ledger"]["shipping"]["last_error"];
        return e.is_string() && e.get<std::string>().find("HTTP 500") != std::string::npos;
    }));
    CHECK(status(*engine)["ledger"]["shipping"]["shipped_records"] == 0);

    // Healthy: everything arrives, once.
    nginx.fail_with_500(false);
    REQUIRE(eventually([&] { return status(*engine)["ledger"]["shipping"]["pending_records"] == 0; }));
    engine.reset();
    CHECK(archived_ledger(nginx.www()) == test::read_file(node.ledger()));
}

TEST_CASE("Shipping: a restart resumes from the durable cursor, and a batch sent before a crash is sent again whole",
          "[net][ship]") {
    test::TempDir srv;
    test::Nginx nginx(srv / "srv");
    Node node;
    const auto config = node.config(nginx.url("archive"));
    const auto cursor = node.ledger().string() + ".ship-cursor";
    {
        auto engine = EngineCore::open(config);
        evaluate_n(*engine, 40);
    }
    const json shipped = json::parse(test::read_file(cursor));
    CHECK(shipped["shipped"]["seq"] == 41);
    CHECK(shipped["pending"].is_null());

    // The host crashed after the PUT of its last batch and before the cursor said so: the cursor
    // still names that batch as in flight, from the record before it. The restarted engine sends
    // exactly that batch again, under the same name.
    std::map<std::uint64_t, std::uint64_t> ranges;  // last -> first
    for (const auto& f : std::filesystem::directory_iterator(nginx.www() / "archive/node-1"))
        if (f.path().extension() == ".gz") {
            const std::string n = f.path().filename().string();
            ranges[std::stoull(n.substr(21, 20))] = std::stoull(n.substr(0, 20));
        }
    REQUIRE(ranges.rbegin()->first == 41);
    const std::uint64_t first = ranges.rbegin()->second;
    const std::string bytes = test::read_file(node.ledger());
    std::size_t offset = 0, line_start = 0;
    for (std::uint64_t seq = 1; seq < first; ++seq) {
        line_start = offset;
        offset = bytes.find('\n', offset) + 1;
    }
    json crashed = shipped;
    crashed["shipped"] = {{"seq", first - 1}, {"offset", offset},
                          {"id", firstset::sha256_hex(std::string_view(bytes).substr(line_start, offset - 1 - line_start))}};
    crashed["pending"] = shipped["shipped"];
    test::write_file(cursor, crashed.dump());
    const auto before = nginx.access_log();
    {
        auto engine = EngineCore::open(config);
        REQUIRE(eventually([&] { return status(*engine)["ledger"]["shipping"]["pending_records"] == 0; }));
        evaluate_n(*engine, 5);
        REQUIRE(eventually([&] { return status(*engine)["ledger"]["shipping"]["pending_records"] == 0; }));
        CHECK(status(*engine)["ledger"]["shipping"]["shipped_records"] == 46);
    }
    const std::string resent = "PUT /archive/node-1/" + std::string(20 - std::to_string(first).size(), '0') +
                               std::to_string(first) + "-00000000000000000041.jsonl.gz 204";  // 204: it replaced the same object
    CHECK(nginx.access_log().substr(before.size()).find(resent) != std::string::npos);  // the same object again
    CHECK(archived_ledger(nginx.www()) == test::read_file(node.ledger()));
    // The reopened engine signed on from the head it verified at open: its checkpoint covers all 46.
    test::write_file(srv / "copy.jsonl", archived_ledger(nginx.www()));
    const json v = verify(srv / "copy.jsonl", nginx.www() / "archive/node-1/checkpoint", node.key.verifier().text());
    CHECK(v["ok"] == true);
    CHECK(v["checkpoint"]["size"] == 46);

    // A cursor of another archive is refused rather than guessed at.
    test::write_file(node.dir / "host/config.yaml",
                     std::regex_replace(test::read_file(config), std::regex("/archive"), "/elsewhere"));
    try {
        EngineCore::open(config);
        FAIL("opened with another archive's cursor");
    } catch (const firstset::StatusError& e) {
        CHECK(e.code() == "SHIP_CURSOR_INVALID");
    }
}

TEST_CASE("Checkpoints: a tampered or truncated archived ledger fails verification against its signed checkpoint",
          "[net][checkpoint]") {
    test::TempDir srv;
    test::Nginx nginx(srv / "srv");
    Node node;
    {
        auto engine = EngineCore::open(node.config(nginx.url("archive")));
        evaluate_n(*engine, 12);
    }
    const std::string archived = archived_ledger(nginx.www());
    const auto checkpoint = nginx.www() / "archive/node-1/checkpoint";
    const std::string key = node.key.verifier().text();

    // One changed character in record 5 (a digest in its body).
    std::string tampered = archived;
    std::size_t line5 = 0;
    for (int i = 0; i < 4; ++i) line5 = tampered.find('\n', line5) + 1;
    const auto digit = tampered.find_first_of("0123456789abcdef", tampered.find("\"body\"", line5) + 10);
    tampered[digit] = tampered[digit] == 'a' ? 'b' : 'a';
    test::write_file(srv / "tampered.jsonl", tampered);
    json v = verify(srv / "tampered.jsonl", checkpoint, key);
    CHECK(v["ok"] == false);
    CHECK(v["first_bad_seq"] == 6);  // record 6 no longer names record 5's id
    // Only the chain's problem: verification stopped there, so nothing says records were cut off.
    REQUIRE(v["problems"].size() == 1);
    CHECK(v["problems"][0]["code"] == "CHAIN_BROKEN");

    // The last three records cut off: the chain alone holds, the checkpoint does not.
    std::string cut = archived;
    for (int i = 0; i < 3; ++i) cut.erase(cut.rfind('\n', cut.size() - 2) + 1);
    test::write_file(srv / "cut.jsonl", cut);
    v = verify(srv / "cut.jsonl", checkpoint, key);
    CHECK(v["ok"] == false);
    CHECK(v["problems"][0]["code"] == "TRUNCATED");

    // The last record rewritten consistently (chain recomputed is impossible without changing it):
    // replace the last line by another well-formed record: CHECKPOINT_MISMATCH.
    std::string swapped = archived;
    const auto last = swapped.rfind('\n', swapped.size() - 2) + 1;
    swapped.replace(swapped.find("\"time\":\"", last) + 8, 4, "1999");
    test::write_file(srv / "swapped.jsonl", swapped);
    v = verify(srv / "swapped.jsonl", checkpoint, key);
    CHECK(v["ok"] == false);
    CHECK(v["problems"][0]["code"] == "CHECKPOINT_MISMATCH");

    // A checkpoint changed or signed by another key is refused.
    std::string forged = test::read_file(checkpoint);
    forged.replace(forged.find('\n') + 1, 2, "99");
    test::write_file(srv / "forged", forged);
    v = verify(srv / "cut.jsonl", srv / "forged", key);
    CHECK(v["problems"].dump().find("CHECKPOINT_BAD_SIGNATURE") != std::string::npos);
    v = verify(srv / "cut.jsonl", checkpoint, firstset::generate_signer_key("someone-else").verifier().text());
    CHECK(v["problems"].dump().find("CHECKPOINT_BAD_SIGNATURE") != std::string::npos);

    // The untouched copy verifies.
    test::write_file(srv / "copy.jsonl", archived);
    CHECK(verify(srv / "copy.jsonl", checkpoint, key)["ok"] == true);
}

TEST_CASE("Checkpoints: the note is a C2SP signed checkpoint: origin, size, base64 hash, key id and signature",
          "[checkpoint]") {
    const auto key = firstset::generate_signer_key("example.com/log");
    const firstset::ledger::Checkpoint c{"example.com/log", 42, std::string(64, 'a')};
    const std::string note = firstset::ledger::sign_checkpoint(c, key);
    CHECK(std::regex_match(note, std::regex("example\\.com/log\\n42\\n[A-Za-z0-9+/]{43}=\\n\\n\xE2\x80\x94 example\\.com/log [A-Za-z0-9+/=]{92}\\n")));
    firstset::ledger::CheckpointProblem p;
    const auto back = firstset::ledger::open_checkpoint(note, key.verifier(), "example.com/log", p);
    REQUIRE(back);
    CHECK(back->size == 42);
    CHECK(back->head_id == c.head_id);
    CHECK_FALSE(firstset::ledger::open_checkpoint(std::regex_replace(note, std::regex("\\n42\\n"), "\n43\n"), key.verifier(),
                                                  "example.com/log", p));
    CHECK(p.code == "CHECKPOINT_BAD_SIGNATURE");
}

TEST_CASE("Issue 9 #7: a checkpoint with a good signature over another origin is refused, after its signature is checked",
          "[checkpoint]") {
    // One key signing for two logs (a key reused, or a checkpoint of another server replayed):
    // the signature holds, and still it says nothing about this ledger.
    const auto key = firstset::generate_signer_key("example.com/log");
    const std::string other = firstset::ledger::sign_checkpoint({"example.com/other-log", 42, std::string(64, 'a')}, key);
    firstset::ledger::CheckpointProblem p;
    CHECK_FALSE(firstset::ledger::open_checkpoint(other, key.verifier(), "example.com/log", p));
    CHECK(p.code == "CHECKPOINT_OTHER_ORIGIN");
    CHECK(p.message_en.find("example.com/other-log") != std::string::npos);
    CHECK(p.message_zh.find("example.com/other-log") != std::string::npos);
    // The expected origin given: the same checkpoint opens.
    CHECK(firstset::ledger::open_checkpoint(other, key.verifier(), "example.com/other-log", p));
    // A body that would not parse, under a signature (of the real body) that then cannot hold:
    // a signature problem, not a format one, for nothing unsigned is parsed.
    std::string forged = firstset::ledger::sign_checkpoint({"example.com/log", 42, std::string(64, 'a')}, key);
    forged.replace(forged.find("\n42\n"), 4, "\nnot-a-number\n");
    CHECK_FALSE(firstset::ledger::open_checkpoint(forged, key.verifier(), "example.com/log", p));
    CHECK(p.code == "CHECKPOINT_BAD_SIGNATURE");
}

TEST_CASE("Shipping: with aws_sigv4 every PUT carries an AWS Signature V4, the secret read from the environment",
          "[net][ship]") {
    test::TempDir srv;
    test::Nginx nginx(srv / "srv", true);
    Node node;
    const std::string ca = "    ca_file: " + nginx.ca_file().string() + "\n";
    ::setenv("FIRSTSET_TEST_S3_SECRET", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", 1);
    {
        auto engine = EngineCore::open(node.config(nginx.url("archive"),
                                               ca + "    aws_sigv4: aws:amz:cn-north-1:s3\n    access_key: AKIDEXAMPLE\n"
                                                    "    secret_env: FIRSTSET_TEST_S3_SECRET\n"));
        evaluate_n(*engine, 3);
    }
    const std::string log = nginx.access_log();
    INFO(log);
    CHECK(log.find("PUT /archive/node-1/00000000000000000001-") != std::string::npos);
    CHECK(std::regex_search(log, std::regex(R"(PUT /archive/node-1/\S+ 201 "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/cn-north-1/s3/aws4_request, SignedHeaders=[^"]*, Signature=[0-9a-f]{64}")")));
    CHECK(log.find("wJalrXUtnFEMI") == std::string::npos);  // the secret itself never travels
    CHECK(archived_ledger(nginx.www()) == test::read_file(node.ledger()));

    // Another implementation of SigV4 (botocore, Debian's python3-botocore) computes the same
    // Authorization header for each request nginx received: same method, URL, signed headers,
    // body, key and time.
    int compared = 0;
    std::istringstream lines(nginx.headers_log());
    for (std::string line; std::getline(lines, line);) {
        const json r = json::parse(line);
        if (r["method"] != "PUT") continue;
        const std::string authorization = r["authorization"];
        std::smatch m;
        REQUIRE(std::regex_search(authorization, m, std::regex("SignedHeaders=([^,]+),")));
        json headers = json::object();
        std::istringstream names(m[1].str());
        for (std::string name; std::getline(names, name, ';');) {
            REQUIRE(r.contains(name));  // the log keeps every header libcurl signs
            headers[name] = r[name];
        }
        const json input = {{"method", "PUT"}, {"url", "https://" + r["host"].get<std::string>() + r["uri"].get<std::string>()},
                            {"headers", headers}, {"body_file", (nginx.www() / r["uri"].get<std::string>().substr(1)).string()},
                            {"access_key", "AKIDEXAMPLE"}, {"secret", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
                            {"region", "cn-north-1"}, {"service", "s3"}};
        test::write_file(srv / "sigv4.json", input.dump());
        const test::Run botocore = test::run("/usr/bin/python3", test::source("tests/sigv4_botocore.py").string() + " " +
                                                                     (srv / "sigv4.json").string() + " 2>/dev/null");
        INFO(line << "\n" << botocore.out);
        REQUIRE(botocore.status == 0);
        CHECK(botocore.out.substr(0, botocore.out.find('\n')) == authorization);
        ++compared;
    }
    CHECK(compared >= 2);  // the batches and the checkpoint

    ::unsetenv("FIRSTSET_TEST_S3_SECRET");
    try {
        EngineCore::open(node.config(nginx.url("archive"), ca + "    secret_env: FIRSTSET_TEST_S3_SECRET\n"));
        FAIL("opened without the secret");
    } catch (const firstset::StatusError& e) {
        CHECK(e.code() == "SHIP_SECRET_MISSING");
        CHECK(e.where().path == "/ledger/ship/secret_env");
    }
}

TEST_CASE("Issue 8 #10: credentials never go over plain http, plain http needs allow_http, and a node of '..' is refused",
          "[net][ship]") {
    Node node;
    ::setenv("FIRSTSET_TEST_S3_SECRET", "secret", 1);
    auto error = [&](const std::string& url, const std::string& extra) {
        try {
            EngineCore::open(node.config(url, extra));
        } catch (const firstset::StatusError& e) {
            return e;
        }
        FAIL("the configuration was accepted");
        throw std::logic_error("unreachable");
    };
    firstset::StatusError e = error("http://127.0.0.1:9/archive", "    access_key: AKIDEXAMPLE\n    secret_env: FIRSTSET_TEST_S3_SECRET\n");
    CHECK(e.status() == firstset::Status::config);
    CHECK(e.code() == "CREDENTIALS_IN_CLEAR");
    CHECK(e.where().path == "/ledger/ship/url");
    e = error("http://127.0.0.1:9/archive", "    aws_sigv4: aws:amz:cn-north-1:s3\n");
    CHECK(e.code() == "CREDENTIALS_IN_CLEAR");
    ::unsetenv("FIRSTSET_TEST_S3_SECRET");
    // Without credentials, plain http only when asked for (Node::config asks for http URLs).
    std::string c = test::read_file(node.config("http://127.0.0.1:9/archive"));
    c.replace(c.find("    allow_http: true\n"), 21, "");
    test::write_file(node.dir / "host/config.yaml", c);
    try {
        EngineCore::open(node.dir / "host/config.yaml");
        FAIL("plain http was accepted without allow_http");
    } catch (const firstset::StatusError& x) {
        CHECK(x.code() == "INSECURE_URL");
    }
    // A node name that is a dot segment would put objects outside the node's folder.
    for (const std::string bad : {"..", ".", "../x", "-x"}) {
        c = test::read_file(node.config("http://127.0.0.1:9/archive"));
        c.replace(c.find("node: node-1"), 12, "node: '" + bad + "'");
        test::write_file(node.dir / "host/config.yaml", c);
        try {
            EngineCore::open(node.dir / "host/config.yaml");
            FAIL("node " << bad << " was accepted");
        } catch (const firstset::StatusError& x) {
            CHECK(x.status() == firstset::Status::config);
            CHECK(x.where().path == "/ledger/node");
        }
    }
}
