// Issue 5, item 1: the registry followed from a URL, against a real nginx on loopback. Each test
// names the behaviour an evaluation server relies on: it follows the published registry without
// a restart, never trusts a document that fails its pin or signature, starts from its cache when
// the server is down, and stops evaluating on a registry too old to trust.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>

#include "engine.hpp"
#include "nginx_support.hpp"
#include "registry_support.hpp"
#include "schema_check.hpp"
#include "error_support.hpp"
#include "support.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/json_out.hpp"
#include "util/signing.hpp"

using firstset::EngineCore;
using firstset::StatusError;
using firstset::Status;
using nlohmann::json;

namespace {

std::string sample_registry() { return test::read_file(test::source("examples/registry.yaml")); }

// The sample registry with CQ-STT-2024-0017 revoked, as a new version.
std::string revoked_registry() {
    std::string r = sample_registry();
    r.replace(r.find("version: \"2026-11-01\""), 21, "version: \"2026-11-22\"");
    const auto cert = r.find("id: CQ-STT-2024-0017");
    r.replace(r.find("status: valid", cert), 13, "status: revoked");
    return r;
}

struct Site {
    test::TempDir dir;
    std::unique_ptr<test::Nginx> nginx;
    test::Publisher publisher{"registry.example"};
    explicit Site(bool tls = true, std::optional<std::int64_t> published = std::nullopt) {
        publisher.publish(dir / "srv/www", sample_registry(), published);
        nginx = std::make_unique<test::Nginx>(dir / "srv", tls);
    }
    // A configuration following the served registry; `extra` lines go under registry:.
    std::filesystem::path config(const std::string& extra = "", bool with_ca = true) const {
        std::string c = "policies: [" + test::source("criteria/policies/cn-cq-2024-9.yaml").string() + "]\n"
                        "registry:\n  url: " + nginx->url("registry.yaml") + "\n"
                        "  public_key: " + publisher.key.verifier().text() + "\n"
                        "  cache: var/registry-cache.yaml\n  refresh_seconds: 0\n";
        if (with_ca) c += "  ca_file: " + nginx->ca_file().string() + "\n";
        c += extra + "log: {level: 'off'}\n";
        test::write_file(dir / "host/config.yaml", c);
        return dir / "host/config.yaml";
    }
};

json evaluate(const EngineCore& e) {
    return json::parse(e.evaluate(test::read_file(test::source("tests/data/request-b1.json")).c_str()));
}

bool accepted(const json& response, const std::string& certificate) {
    for (const auto& c : response["certificates"])
        if (c["id"] == certificate) return c["accepted"].get<bool>();
    throw std::runtime_error("no certificate " + certificate + " in the response");
}

using test::error_of;

}  // namespace

TEST_CASE("Registry URL: fetched over verified TLS, named in every response, and a revocation followed without a restart",
          "[net][registry]") {
    Site site;
    auto engine = EngineCore::open(site.config());
    json r = evaluate(*engine);
    CHECK(r["registry"]["version"] == "2026-11-01");
    CHECK(r["registry"]["source"]["url"] == site.nginx->url("registry.yaml"));
    CHECK_FALSE(r["registry"]["source"]["etag"].get<std::string>().empty());
    CHECK(r["registry"]["source"]["stale"] == false);
    CHECK(accepted(r, "CQ-STT-2024-0017"));
    {
        firstset::TextBuffer status;  // Issue 9 #8: the status of a registry followed from a URL
        engine->status(status);
        test::check_schema("status-response.schema.json", status.str());
        CHECK(json::parse(status.str())["registry"]["source"]["url"] == site.nginx->url("registry.yaml"));
    }

    // Unchanged: a conditional request, 304, nothing swapped.
    CHECK_FALSE(engine->registry_feed()->refresh());
    CHECK(engine->registry_feed()->counters().not_modified == 1);

    // The authority revokes the certificate and publishes a new signed version.
    site.publisher.publish(site.nginx->www(), revoked_registry());
    CHECK(engine->registry_feed()->refresh());
    r = evaluate(*engine);
    CHECK(r["registry"]["version"] == "2026-11-22");
    CHECK_FALSE(accepted(r, "CQ-STT-2024-0017"));
    CHECK(r.dump().find("CERT_REVOKED") != std::string::npos);
}

TEST_CASE("Registry URL: the background refresh swaps the new registry in while evaluations go on", "[net][registry]") {
    Site site;
    const auto config = site.config();
    std::string c = test::read_file(config);
    c.replace(c.find("refresh_seconds: 0"), 18, "refresh_seconds: 1");
    test::write_file(config, c);
    auto engine = EngineCore::open(config);
    CHECK(evaluate(*engine)["registry"]["version"] == "2026-11-01");
    site.publisher.publish(site.nginx->www(), revoked_registry());
    // Evaluate continuously; every response is whole and of one version; bounded at 15 s.
    std::string version;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < until) {
        const json r = evaluate(*engine);
        version = r["registry"]["version"];
        CHECK(accepted(r, "CQ-STT-2024-0017") == (version == "2026-11-01"));
        if (version == "2026-11-22") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(version == "2026-11-22");
}

TEST_CASE("Registry URL: a document with a bad signature is refused, at open and on refresh, and the previous one stays",
          "[net][registry]") {
    Site site;
    auto engine = EngineCore::open(site.config());
    // A changed document under the old signature (someone edited the file on the server).
    test::write_file(site.nginx->www() / "registry.yaml", revoked_registry());
    CHECK_FALSE(engine->registry_feed()->refresh());
    CHECK(engine->registry_feed()->counters().last_error.find("REGISTRY_BAD_SIGNATURE") != std::string::npos);
    CHECK(evaluate(*engine)["registry"]["version"] == "2026-11-01");
    CHECK(accepted(evaluate(*engine), "CQ-STT-2024-0017"));

    // A new engine refuses it outright, even with a good cache: the server is wrong, not down.
    const StatusError e = error_of([&] { EngineCore::open(site.config()); });
    CHECK(e.status() == Status::integrity);
    CHECK(e.code() == "REGISTRY_BAD_SIGNATURE");
}

TEST_CASE("Registry URL: a pinned SHA-256 accepts only that document", "[net][registry]") {
    Site site;
    const std::string pin = firstset::sha256_hex(test::read_file(site.nginx->www() / "registry.yaml"));
    std::string c = test::read_file(site.config());
    c.replace(c.find("  public_key:"), c.find('\n', c.find("  public_key:")) - c.find("  public_key:") + 1, "  sha256: " + pin + "\n");
    test::write_file(site.dir / "host/config.yaml", c);
    auto engine = EngineCore::open(site.dir / "host/config.yaml");
    CHECK(evaluate(*engine)["registry"]["sha256"] == pin);
    site.publisher.publish(site.nginx->www(), revoked_registry());
    CHECK_FALSE(engine->registry_feed()->refresh());
    CHECK(engine->registry_feed()->counters().last_error.find("REGISTRY_DIGEST_MISMATCH") != std::string::npos);
    const StatusError e = error_of([&] { EngineCore::open(site.dir / "host/config.yaml"); });
    CHECK(e.code() == "REGISTRY_DIGEST_MISMATCH");
}

TEST_CASE("Registry URL: with the server down, an engine starts from its cache, without a cache it cannot start",
          "[net][registry]") {
    Site site;
    const auto config = site.config();
    { auto first = EngineCore::open(config); }  // leaves the cache
    site.nginx->stop();
    auto engine = EngineCore::open(config);
    json r = evaluate(*engine);
    CHECK(r["registry"]["version"] == "2026-11-01");
    CHECK(accepted(r, "CQ-STT-2024-0017"));
    CHECK_FALSE(engine->registry_feed()->refresh());  // still down: kept
    CHECK(engine->registry_feed()->counters().failures == 2);

    // A tampered cache is not used.
    test::write_file(site.dir / "host/var/registry-cache.yaml", revoked_registry());
    StatusError e = error_of([&] { EngineCore::open(config); });
    CHECK(e.code() == "REGISTRY_BAD_SIGNATURE");

    std::filesystem::remove(site.dir / "host/var/registry-cache.yaml");
    e = error_of([&] { EngineCore::open(config); });
    CHECK(e.status() == Status::io);
    CHECK(e.code() == "REGISTRY_UNREACHABLE");

    // The server comes back: the engine that started from its cache catches up.
    site.nginx->start();
    site.publisher.publish(site.nginx->www(), revoked_registry());
    CHECK(engine->registry_feed()->refresh());
    CHECK_FALSE(accepted(evaluate(*engine), "CQ-STT-2024-0017"));
}

TEST_CASE("Registry URL: past warn_after responses say stale, past refuse_after evaluations are refused", "[net][registry]") {
    // The authority published two hours ago: the age counts from that signed time.
    Site site(true, firstset::unix_now() - 7200);
    { auto first = EngineCore::open(site.config()); }
    site.nginx->stop();

    auto stale = EngineCore::open(site.config("  warn_after_seconds: 3600\n  refuse_after_seconds: 86400\n"));
    json r = evaluate(*stale);
    CHECK(r["registry"]["source"]["stale"] == true);
    CHECK(r["registry"]["source"]["age_seconds"].get<std::int64_t>() >= 7200);

    const StatusError e = error_of([&] { EngineCore::open(site.config("  warn_after_seconds: 60\n  refuse_after_seconds: 3600\n")); });
    CHECK(e.status() == Status::io);
    CHECK(e.code() == "REGISTRY_TOO_OLD");
}

TEST_CASE("Issue 8 #8: a 304 confirms only what the signed document says: a stale registry stays stale and is refused past "
          "refuse_after however often the server answers", "[net][registry]") {
    const std::int64_t published = firstset::unix_now() - 7200;
    Site site(true, published);
    auto engine = EngineCore::open(site.config("  warn_after_seconds: 3600\n  refuse_after_seconds: 7300\n"));
    CHECK(evaluate(*engine)["registry"]["source"]["stale"] == true);
    for (int i = 0; i < 3; ++i) CHECK_FALSE(engine->registry_feed()->refresh());  // 304, 304, 304
    CHECK(engine->registry_feed()->counters().not_modified == 3);
    const json r = evaluate(*engine);
    CHECK(r["registry"]["source"]["stale"] == true);
    CHECK(r["registry"]["source"]["age_seconds"].get<std::int64_t>() >= 7200);
    CHECK(r["registry"]["source"]["published"] == firstset::utc_timestamp(published));
    // Past refuse_after, counted from the signed time: refused, whatever the server answers.
    const StatusError e = error_of([&] { EngineCore::open(site.config("  warn_after_seconds: 60\n  refuse_after_seconds: 7000\n")); });
    CHECK(e.code() == "REGISTRY_TOO_OLD");
}

TEST_CASE("Issue 8 #8: an older, validly signed registry never replaces a newer one (REGISTRY_ROLLBACK), on refresh and at "
          "a start with a newer cache", "[net][registry]") {
    Site site;
    const std::string old_text = test::read_file(site.nginx->www() / "registry.yaml");
    const std::string old_sig = test::read_file(site.nginx->www() / "registry.yaml.sig");
    auto engine = EngineCore::open(site.config());
    // The authority revokes CQ-STT-2024-0017 in a newer document; the engine follows it.
    site.publisher.publish(site.nginx->www(), revoked_registry());
    REQUIRE(engine->registry_feed()->refresh());
    CHECK_FALSE(accepted(evaluate(*engine), "CQ-STT-2024-0017"));
    // Someone in the path serves the old signed document again: refused, the revocation stands.
    test::write_file(site.nginx->www() / "registry.yaml.sig", old_sig);
    test::write_file(site.nginx->www() / "registry.yaml", old_text);
    CHECK_FALSE(engine->registry_feed()->refresh());
    CHECK(engine->registry_feed()->counters().last_error.find("REGISTRY_ROLLBACK") != std::string::npos);
    CHECK_FALSE(accepted(evaluate(*engine), "CQ-STT-2024-0017"));
    // A new engine starts from its newer cache, not from the older document the server offers.
    auto again = EngineCore::open(site.config());
    CHECK(again->registry_feed()->counters().last_error.find("REGISTRY_ROLLBACK") != std::string::npos);
    CHECK(evaluate(*again)["registry"]["version"] == "2026-11-22");
    CHECK_FALSE(accepted(evaluate(*again), "CQ-STT-2024-0017"));
    // Same publication time, other content: refused too.
    site.publisher.publish(site.nginx->www(), sample_registry(), site.publisher.last);
    CHECK_FALSE(engine->registry_feed()->refresh());
    CHECK(engine->registry_feed()->counters().last_error.find("REGISTRY_ROLLBACK") != std::string::npos);
}

TEST_CASE("Issue 8 #8: a registry from a URL must say when it was published, and not in the future", "[net][registry]") {
    Site site;
    std::string undated = sample_registry();
    undated.erase(undated.find("  published: "), undated.find('\n', undated.find("  published: ")) - undated.find("  published: ") + 1);
    site.publisher.sign_and_write(site.nginx->www(), undated);
    StatusError e = error_of([&] { EngineCore::open(site.config()); });
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "REGISTRY_NOT_DATED");
    site.publisher.publish(site.nginx->www(), sample_registry(), firstset::unix_now() + 86400);
    e = error_of([&] { EngineCore::open(site.config()); });
    CHECK(e.status() == Status::integrity);
    CHECK(e.code() == "REGISTRY_FROM_FUTURE");
}

TEST_CASE("Issue 8 #8: plain http is refused for the registry unless allow_http says so", "[net][registry]") {
    Site site(false);
    StatusError e = error_of([&] { EngineCore::open(site.config("", false)); });
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "INSECURE_URL");
    CHECK(e.where().path == "/registry/url");
    auto engine = EngineCore::open(site.config("  allow_http: true\n", false));
    CHECK(accepted(evaluate(*engine), "CQ-STT-2024-0017"));
}

TEST_CASE("Registry URL: TLS is verified: without the CA file the test server's certificate is refused", "[net][registry]") {
    Site site;
    const StatusError e = error_of([&] { EngineCore::open(site.config("", false)); });
    CHECK(e.code() == "REGISTRY_UNREACHABLE");
    CHECK(std::regex_search(std::string(e.what()), std::regex("SSL|certificate", std::regex::icase)));
}

TEST_CASE("Registry URL: 500s and slow answers are failures that keep the registry in force", "[net][registry]") {
    Site site;
    std::string extra = "  timeout_seconds: 1\n";
    auto engine = EngineCore::open(site.config(extra));
    site.publisher.publish(site.nginx->www(), revoked_registry());
    site.nginx->fail_with_500(true);
    CHECK_FALSE(engine->registry_feed()->refresh());
    CHECK(engine->registry_feed()->counters().last_error.find("HTTP 500") != std::string::npos);
    site.nginx->fail_with_500(false);
    site.nginx->slow(true);  // 200 bytes/s: the document takes longer than the 1 s limit
    CHECK_FALSE(engine->registry_feed()->refresh());
    CHECK(engine->registry_feed()->counters().failures == 2);
    CHECK(accepted(evaluate(*engine), "CQ-STT-2024-0017"));
    site.nginx->slow(false);
    CHECK(engine->registry_feed()->refresh());
    CHECK_FALSE(accepted(evaluate(*engine), "CQ-STT-2024-0017"));
}

TEST_CASE("Registry URL: a URL registry without a pin or key, or with a malformed key, is a CONFIG error", "[net][registry]") {
    test::TempDir dir;
    const std::string head = "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                             "\nregistry:\n  url: http://127.0.0.1:9/registry.json\n";
    test::write_file(dir / "a.yaml", head + "  allow_http: true\n");
    StatusError e = error_of([&] { EngineCore::open(dir / "a.yaml"); });
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "REGISTRY_NO_INTEGRITY");
    test::write_file(dir / "b.yaml", head + "  allow_http: true\n  public_key: not-a-key\n");
    e = error_of([&] { EngineCore::open(dir / "b.yaml"); });
    CHECK(e.code() == "REGISTRY_BAD_KEY");
    CHECK(e.where().path == "/registry/public_key");
    test::write_file(dir / "c.yaml", head + "  file: x.yaml\n  sha256: " + std::string(64, 'a') + "\n");
    e = error_of([&] { EngineCore::open(dir / "c.yaml"); });
    CHECK(e.status() == Status::config);
}

TEST_CASE("Signing: signed-note keys round-trip and a signature verifies only for its message and key", "[registry]") {
    const auto key = firstset::generate_signer_key("registry.example");
    std::string why;
    const auto parsed = firstset::parse_signer_key(key.text(), why);
    REQUIRE(parsed);
    CHECK(parsed->public_key == key.public_key);
    const auto verifier = firstset::parse_verifier_key(key.verifier().text(), why);
    REQUIRE(verifier);
    const auto sig = firstset::ed25519_sign(key, "document");
    const std::string s(reinterpret_cast<const char*>(sig.data()), sig.size());
    CHECK(firstset::ed25519_verify(verifier->public_key, "document", s));
    CHECK_FALSE(firstset::ed25519_verify(verifier->public_key, "documenT", s));
    CHECK_FALSE(firstset::ed25519_verify(firstset::generate_signer_key("other").public_key, "document", s));
    // A key id that does not match is refused.
    std::string text = key.verifier().text();
    text[text.find('+') + 1] = text[text.find('+') + 1] == '0' ? '1' : '0';
    CHECK_FALSE(firstset::parse_verifier_key(text, why));
    CHECK(firstset::base64_decode(firstset::base64_encode("ab")) == std::string("ab"));
    CHECK_FALSE(firstset::base64_decode("a=bc"));
}
