#include <catch2/catch.hpp>

#include "registry/registry.hpp"
#include "support.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/source_document.hpp"

using namespace firstset;

namespace {

const char* const one_certificate = R"(registry: {id: t, version: "1"}
certificates:
  - id: CQ-A-1
    issuer: CN-CQ
    product: 数控滚齿机
    model: YK3120
    holder: {name: 重庆示例机床有限公司（样例）, uscc: 91500107EXAMPLE01K}
    recognized_on: 2024-05-12
    status: valid
)";

StatusError registry_error(test::TempDir& dir, const std::string& text, const char* name = "registry.yaml") {
    test::write_file(dir / name, text);
    try {
        Registry::load(dir / name);
    } catch (const StatusError& e) {
        return e;
    }
    FAIL("the registry loaded without error");
    throw;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("Registry: the sample registry loads and finds certificates by id", "[registry]") {
    Registry r = Registry::load(test::source("examples/registry.yaml"));
    CHECK(r.id() == "sample-cq");
    CHECK(r.version() == "2026-11-01");
    CHECK(r.size() == 8);
    CHECK(r.sha256().size() == 64);
    const Certificate* c = r.find("CQ-STT-2024-0017");
    REQUIRE(c);
    CHECK(c->product == "数控滚齿机");
    CHECK(c->holder_uscc == "91500107EXAMPLE01K");
    CHECK(c->recognized_on.to_string() == "2024-05-12");
    CHECK_FALSE(c->valid_until);
    CHECK(r.find("CQ-STT-2023-0042")->status == CertificateStatus::suspended);
    CHECK(r.find("CQ-STT-2024-0033")->status == CertificateStatus::revoked);
    CHECK(r.find("MIIT-2023-0315")->valid_until->to_string() == "2026-12-20");
    CHECK(r.find("NO-SUCH") == nullptr);
    CHECK(r.holder_checksum_warnings() == 0);
}

TEST_CASE("Registry: the same certificates load from JSON", "[registry]") {
    test::TempDir dir;
    test::write_file(dir / "r.json", R"({"registry": {"id": "t", "version": "1"}, "certificates": [
        {"id": "CQ-A-1", "issuer": "CN", "product": "柔性换电站", "model": "HDZ-200",
         "holder": {"name": "示例", "uscc": "91500105EXAMPLE02R"}, "recognized_on": "2025-01-10", "status": "valid"}]})");
    Registry r = Registry::load(dir / "r.json");
    REQUIRE(r.find("CQ-A-1"));
    CHECK(r.find("CQ-A-1")->model_key == "hdz200");
}

TEST_CASE("Registry: a duplicate id is a CONFIG error naming the certificate and line", "[registry]") {
    test::TempDir dir;
    std::string text = one_certificate;
    text += text.substr(text.find("  - id:"));
    StatusError e = registry_error(dir, text);
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "REGISTRY_DUPLICATE_ID");
    CHECK(std::string(e.message_en()).find("CQ-A-1") != std::string::npos);
    CHECK(e.message_zh().find("CQ-A-1") != std::string::npos);
    CHECK(e.where().path == "/certificates/1/id");
    CHECK(e.where().line == 10);
}

TEST_CASE("Registry: an impossible date is a CONFIG error naming the certificate", "[registry]") {
    test::TempDir dir;
    StatusError e = registry_error(dir, replaced(one_certificate, "2024-05-12", "2024-02-30"));
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "SCHEMA_FORMAT");
    CHECK(std::string(e.message_en()).find("certificate CQ-A-1") != std::string::npos);
    CHECK(e.where().path == "/certificates/0/recognized_on");
    CHECK(e.where().line == 8);

    e = registry_error(dir, replaced(one_certificate, "    status: valid", "    valid_until: 2024-05-12\n    status: valid"));
    CHECK(e.code() == "REGISTRY_BAD_DATE");
    CHECK(e.where().path == "/certificates/0/valid_until");
}

TEST_CASE("Registry: an issuer that is not CN or CN-XX is a CONFIG error naming the certificate", "[registry]") {
    test::TempDir dir;
    StatusError e = registry_error(dir, replaced(one_certificate, "issuer: CN-CQ", "issuer: 重庆市经信委"));
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "ISSUER_FORMAT");
    CHECK(std::string(e.message_en()).find("certificate CQ-A-1") != std::string::npos);
    CHECK(e.where().line == 4);
}

TEST_CASE("Registry: schema errors in a JSON registry carry pointer and line too", "[registry]") {
    test::TempDir dir;
    StatusError e = registry_error(dir, "{\"registry\": {\"id\": \"t\", \"version\": \"1\"},\n \"certificates\": [\n  {\"id\": \"X\"}\n]}", "r.json");
    CHECK(e.code() == "SCHEMA_REQUIRED");
    CHECK(e.where().path == "/certificates/0/issuer");
    CHECK(e.where().line == 3);
}

TEST_CASE("Registry: errors in a large JSON registry (parsed in place) still name the right line", "[registry]") {
    // Over 4 MiB, the original text is not kept beside the parsed one: positions come from the
    // file read again. Escaped newlines ("\n" in a string) become real ones when a string is
    // unescaped in place, so counting lines in the parsed text would be wrong.
    test::TempDir dir;
    std::string text = "{\"registry\": {\"id\": \"big\", \"version\": \"1\", \"note\": \"a\\nb\\nc\\nd\"},\n\"certificates\": [\n";
    const int count = 24000;  // about 5 MB
    for (int n = 0; n < count; ++n) {
        char id[32];
        std::snprintf(id, sizeof id, "CQ-BIG-%06d", n);
        text += std::string("{\"id\": \"") + id +
                "\", \"issuer\": \"CN-CQ\", \"product\": \"数控滚齿机\", \"model\": \"YK3120\", \"holder\": "
                "{\"name\": \"重庆示例机床有限公司（样例）\", \"uscc\": \"91500107EXAMPLE01K\"}, \"recognized_on\": "
                "\"2024-05-12\", \"status\": \"valid\"}" +
                (n + 1 < count ? ",\n" : "\n");
    }
    text += "]}\n";
    REQUIRE(text.size() > (std::size_t{4} << 20));
    // A schema error on the 20,001st certificate's line: 2 header lines, so line 20,003.
    std::string bad = text;
    const std::string target = "\"CQ-BIG-020000\", \"issuer\": \"CN-CQ\"";
    bad.replace(bad.find(target), target.size(), "\"CQ-BIG-020000\", \"issuer\": \"Chongqing\"");
    StatusError e = registry_error(dir, bad, "big.json");
    CHECK(e.code() == "ISSUER_FORMAT");
    CHECK(e.where().path == "/certificates/20000/issuer");
    CHECK(e.where().line == 20003);
    // A syntax error there: the same line.
    bad = text;
    bad.replace(bad.find(target), target.size(), "\"CQ-BIG-020000\" \"issuer\": \"CN-CQ\"");
    e = registry_error(dir, bad, "big.json");
    CHECK(e.status() == Status::parse);
    CHECK(e.where().line == 20003);
    // And the well-formed one loads.
    test::write_file(dir / "ok.json", text);
    CHECK(Registry::load(dir / "ok.json").size() == static_cast<std::size_t>(count));
}

TEST_CASE("Registry: a holder USCC with a wrong check character is kept and counted", "[registry]") {
    test::TempDir dir;
    test::write_file(dir / "r.yaml", replaced(one_certificate, "91500107EXAMPLE01K", "91500107EXAMPLE01J"));
    Registry r = Registry::load(dir / "r.yaml");
    CHECK(r.holder_checksum_warnings() == 1);
    CHECK(r.find("CQ-A-1")->holder_uscc == "91500107EXAMPLE01J");
}

TEST_CASE("Registry: unreadable and malformed files get IO and PARSE", "[registry]") {
    test::TempDir dir;
    try {
        Registry::load(dir / "missing.yaml");
        FAIL("loaded a missing file");
    } catch (const StatusError& e) {
        CHECK(e.status() == Status::io);
        CHECK(e.code() == "FILE_UNREADABLE");
    }
    StatusError e = registry_error(dir, "{\"registry\": ", "r.json");
    CHECK(e.status() == Status::parse);
    CHECK(e.code() == "JSON_SYNTAX");
    e = registry_error(dir, "registry: [unclosed\n");
    CHECK(e.status() == Status::parse);
    CHECK(e.code() == "YAML_SYNTAX");
}

namespace {

// A JSON text with room reserved after it, as a parser that read past the end once needed; the
// entry-by-entry reader takes any text, with room or without.
std::string padded(const std::string& json) {
    std::string text = json;
    text.reserve(text.size() + 64);
    return text;
}

void check_same(const Registry& a, const Registry& b) {
    REQUIRE(a.size() == b.size());
    CHECK(a.id() == b.id());
    CHECK(a.version() == b.version());
    CHECK(a.published_text() == b.published_text());
    CHECK(a.sha256() == b.sha256());
    CHECK(a.holder_checksum_warnings() == b.holder_checksum_warnings());
}

}  // namespace

TEST_CASE("Registry: a JSON registry read entry by entry holds what the whole-document reader holds", "[registry][lists]") {
    for (const char* source : {"examples/registry.yaml", "tests/data/registry-lists.yaml"}) {
        INFO(source);
        const SourceDocument yaml = SourceDocument::read(test::source(source));
        const std::string json = yaml.root().to_json();
        const SourceDocument doc = SourceDocument::parse(json, "r.json", SourceDocument::Format::json);
        const Registry whole = Registry::from_document(doc);
        auto entries = Registry::from_json_entries(padded(json), "r.json");
        REQUIRE(entries.has_value());
        check_same(whole, *entries);
        for (const json::Value& c : doc.root()["certificates"].items()) {
            const Certificate* x = whole.find(c["id"].str());
            const Certificate* y = entries->find(c["id"].str());
            REQUIRE(x != nullptr);
            REQUIRE(y != nullptr);
            CHECK(x->issuer == y->issuer);
            CHECK(x->product == y->product);
            CHECK(x->model == y->model);
            CHECK(x->model_key == y->model_key);
            CHECK(x->model_listed == y->model_listed);
            CHECK(x->holder_name == y->holder_name);
            CHECK(x->holder_uscc == y->holder_uscc);
            CHECK(x->list_document == y->list_document);
            CHECK(x->list_batch == y->list_batch);
            CHECK(x->list_row == y->list_row);
            CHECK(x->kind == y->kind);
            CHECK(x->status == y->status);
            CHECK(x->recognized_on == y->recognized_on);
            CHECK(x->valid_until == y->valid_until);
        }
    }
}

TEST_CASE("Registry: what the entry-by-entry reader does not take goes to the whole-document reader, which names it", "[registry]") {
    const std::string good = R"({"registry":{"id":"t","version":"1"},"certificates":[{"id":"A","issuer":"CN-CQ","product":"p","holder":{"name":"n"},"recognized_on":"2024-05-12"}]})";
    REQUIRE(Registry::from_json_entries(padded(good), "r.json").has_value());
    // Text after the document, a member the schema does not allow, a repeated member, a repeated
    // id, an impossible validity, a syntax error inside an entry: each is left to the full reader.
    for (const std::string& bad : std::vector<std::string>
         {good + " x", R"({"registry":{"id":"t","version":"1"},"extra":1,"certificates":[]})",
          R"({"registry":{"id":"t","version":"1"},"certificates":[],"certificates":[]})",
          R"({"registry":{"id":"t","version":"1"},"certificates":[{"id":"A","issuer":"CN-CQ","product":"p","holder":{"name":"n"},"recognized_on":"2024-05-12"},{"id":"A","issuer":"CN-CQ","product":"q","holder":{"name":"n"},"recognized_on":"2024-05-12"}]})",
          R"({"registry":{"id":"t","version":"1"},"certificates":[{"id":"A","issuer":"CN-CQ","product":"p","holder":{"name":"n"},"recognized_on":"2024-05-12","valid_until":"2024-01-01"}]})",
          R"({"registry":{"id":"t","version":"1"},"certificates":[{"id":"A" "issuer":"CN-CQ"}]})",
          R"({"registry":{"id":"t","version":"1"},"certificates":[{"id":"A","issuer":"Chongqing","product":"p","holder":{"name":"n"},"recognized_on":"2024-05-12"}]})"}) {
        INFO(bad);
        CHECK_FALSE(Registry::from_json_entries(padded(bad), "r.json").has_value());
        test::TempDir dir;
        CHECK_FALSE(registry_error(dir, bad, "r.json").code().empty());  // and the file load reports it
    }
}
