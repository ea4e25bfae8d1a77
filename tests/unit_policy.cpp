#include <catch2/catch.hpp>

#include <filesystem>

#include "policy/policy.hpp"
#include "schema/embedded.hpp"
#include "util/source_document.hpp"
#include "support.hpp"
#include "util/error.hpp"
#include "util/json_out.hpp"

using namespace firstset;

namespace {

const std::string pack_path = "criteria/policies/cn-cq-2024-9.yaml";

// Loads a variant of the Chongqing pack made by replacing `from` with `to` in its text.
Policy load_variant(test::TempDir& dir, const std::string& from, const std::string& to) {
    std::string text = test::read_file(test::source(pack_path));
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    test::write_file(dir / "pack.yaml", text);
    return Policy::load(dir / "pack.yaml");
}

StatusError load_error(test::TempDir& dir, const std::string& from, const std::string& to) {
    try {
        load_variant(dir, from, to);
    } catch (const StatusError& e) {
        return e;
    }
    FAIL("the variant loaded without error");
    throw;
}

int line_of(const std::string& text, const std::string& needle) {
    auto at = text.find(needle);
    REQUIRE(at != std::string::npos);
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

}  // namespace

TEST_CASE("Policy: the Chongqing pack carries clause (4)'s settings and citations as data", "[policy]") {
    Policy p = Policy::load(test::source(pack_path));
    CHECK(p.id == "cn-cq-2024-9");
    CHECK(p.document == "渝经信规范〔2024〕9号");
    CHECK(p.tendering.citation == "渝经信规范〔2024〕9号（四）");
    CHECK(p.deems("market_share"));
    CHECK(p.deems("track_record"));
    CHECK_FALSE(p.deems("price"));
    CHECK(p.tendering.deemed_points == DeemedPoints::max);
    CHECK(p.accepts_issuer("CN"));
    CHECK(p.accepts_issuer("CN-CQ"));
    CHECK_FALSE(p.accepts_issuer("CN-SC"));
    CHECK(p.tendering.validity_years == 3);
    REQUIRE(p.tolerance);
    CHECK(p.tolerance->citation == "渝经信规范〔2024〕9号（六）");
    CHECK(p.tolerance->procedure_items.size() == 4);
    CHECK(p.sha256.size() == 64);
    // every code its rules can give has Chinese and English text and a citation: C, D, E, T and
    // the lint checks the pack runs
    REQUIRE(p.lint);
    for (std::size_t i = 0; i < code_count; ++i) {
        const Code code = static_cast<Code>(i);
        if (const auto check = lint_check_of(code); check && !p.lint->check(*check).enabled) continue;
        const Message& m = p.messages[i];
        INFO(code_name(code));
        CHECK_FALSE(m.zh.pieces.empty());
        CHECK_FALSE(m.en.pieces.empty());
        CHECK_FALSE(m.clause.empty());
    }
    CHECK(p.message(Code::USCC_CHECKSUM).clause == "GB 32100-2015");
    CHECK(p.message(Code::CERT_EXPIRED).clause == "渝经信规范〔2024〕9号（四）");
}

TEST_CASE("Policy: messages are rendered from the pack's text with the facts filled in, escaped for JSON", "[policy]") {
    Policy p = Policy::load(test::source(pack_path));
    Facts f{};
    f[static_cast<std::size_t>(Fact::certificate)] = "CQ-X";
    f[static_cast<std::size_t>(Fact::valid_until)] = "2027-05-12";
    f[static_cast<std::size_t>(Fact::evaluation_date)] = "2027-05-12";
    TextBuffer zh_buffer, en_buffer;
    p.message(Code::CERT_EXPIRED).zh.append_json(f, zh_buffer);
    p.message(Code::CERT_EXPIRED).en.append_json(f, en_buffer);
    const std::string zh = zh_buffer.str(), en = en_buffer.str();
    CHECK(zh == "证书 CQ-X 的有效期至 2027-05-12 止（不含当日），评标基准日 2027-05-12（投标截止日，北京时间）已过有效期。");
    CHECK(en.find("Certificate CQ-X was valid until 2027-05-12 (exclusive)") == 0);
    // the pack's text is escaped for JSON once, when the pack is loaded
    TextBuffer deemed;
    f[static_cast<std::size_t>(Fact::criterion_name)] = "X";
    p.message(Code::NOT_CLAIMED).en.append_json(f, deemed);
    CHECK(deemed.str().find("criterion \\\"X\\\" concerns") != std::string::npos);
}

TEST_CASE("Policy: deemed_points and validity_years are the pack's to set", "[policy]") {
    test::TempDir dir;
    Policy p = load_variant(dir, "deemed_points: max", "deemed_points: requirement");
    CHECK(p.tendering.deemed_points == DeemedPoints::requirement);
    p = load_variant(dir, "validity_years: 3", "validity_years: 2");
    CHECK(p.tendering.validity_years == 2);
}

TEST_CASE("Policy: a message without its own clause cites its rule's clause: (4) for C, D, E, (6) for T", "[policy][rule-t]") {
    test::TempDir dir;
    // AWARD_CONDITIONS_MET without its explicit clause: rule T's citation.
    const std::string tolerance_clause = "    clause: 渝经信规范〔2024〕9号（六）\n  PURCHASER_NOT_STATE_OWNED:";
    const Policy p = load_variant(dir, tolerance_clause, "  PURCHASER_NOT_STATE_OWNED:");
    CHECK(p.message(Code::AWARD_CONDITIONS_MET).clause == p.tolerance->citation);
    CHECK(p.tolerance->citation == "渝经信规范〔2024〕9号（六）");
    // LINT_NOT_AVAILABLE cites (4) explicitly in the pack; without it, it cites rule T's (6).
    const std::string own_clause = "    clause: 渝经信规范〔2024〕9号（四）\n\n  LINT_ERRORS_AT_AWARD:";
    const Policy q = load_variant(dir, own_clause, "\n  LINT_ERRORS_AT_AWARD:");
    CHECK(q.message(Code::LINT_NOT_AVAILABLE).clause == "渝经信规范〔2024〕9号（六）");
    CHECK(p.message(Code::LINT_NOT_AVAILABLE).clause == "渝经信规范〔2024〕9号（四）");  // its own, kept
    // Rules C, D, E without a clause of their own: the tendering citation.
    CHECK(q.message(Code::CERT_EXPIRED).clause == "渝经信规范〔2024〕9号（四）");
    CHECK(q.message(Code::CERT_EXPIRED).clause == q.tendering.citation);
}

TEST_CASE("Policy: a pack that lacks a message is refused with file and line", "[policy]") {
    test::TempDir dir;
    StatusError e = load_error(dir, "  MODEL_MISMATCH:", "  MODEL_MISMATCH_X:");
    CHECK(e.status() == Status::config);
    // The first problem found: MODEL_MISMATCH has no message.
    CHECK(e.code() == "POLICY_MESSAGE_MISSING");
    CHECK(e.where().file == (dir / "pack.yaml").string());
    CHECK(e.where().line > 0);
}

TEST_CASE("Policy: a message naming a fact the rule cannot know is refused", "[policy]") {
    test::TempDir dir;
    const std::string from = "    en: Certificate {certificate} has been revoked";
    StatusError e = load_error(dir, from, "    en: Certificate {certificate} held by {bidder} has been revoked");
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "POLICY_PLACEHOLDER");
    CHECK(e.where().path == "/messages/CERT_REVOKED/en");
    CHECK(e.where().line == line_of(test::read_file(dir / "pack.yaml"), "{bidder}"));
    // a fact that exists but another rule's: points are not known when a certificate is revoked
    e = load_error(dir, from, "    en: Certificate {points} has been revoked");
    CHECK(e.code() == "POLICY_PLACEHOLDER");
}

TEST_CASE("Policy: a message for a code no rule gives is refused as a likely misspelling", "[policy]") {
    test::TempDir dir;
    StatusError e = load_error(dir, "  # Warnings\n", "  CERT_EXPRIED: {zh: 过期, en: expired}\n");
    CHECK(e.code() == "POLICY_MESSAGE_UNKNOWN");
    CHECK(e.where().path == "/messages/CERT_EXPRIED");
}

TEST_CASE("Policy: schema violations name file, line and pointer", "[policy]") {
    test::TempDir dir;
    StatusError e = load_error(dir, "deemed_points: max", "deemed_points: maximum");
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "SCHEMA_ENUM");
    CHECK(e.where().path == "/tendering/deemed_points");
    CHECK(e.where().line == line_of(test::read_file(dir / "pack.yaml"), "deemed_points: maximum"));

    e = load_error(dir, "accepted_issuers: [CN, CN-CQ]", "accepted_issuers: [CN, Chongqing]");
    CHECK(e.code() == "ISSUER_FORMAT");
    CHECK(e.where().path == "/tendering/accepted_issuers/1");
}

TEST_CASE("Policy: a pack that is not YAML is a PARSE error with its line", "[policy]") {
    test::TempDir dir;
    StatusError e = load_error(dir, "tendering:\n", "tendering: [\n");
    CHECK(e.status() == Status::parse);
    CHECK(e.code() == "YAML_SYNTAX");
    CHECK(e.where().line > 0);
}

TEST_CASE("Templates: the comprehensive-scoring template is a valid tender whose points total 100", "[policy][template]") {
    const auto doc = SourceDocument::read(test::source("criteria/templates/equipment-comprehensive.yaml"));
    const json::Value* tender = doc.root().find("tender");
    REQUIRE(tender);
    auto violation = schema::builtin().validate("tender.schema.json", *tender);
    INFO((violation ? violation->path + ": " + violation->message_en : std::string()));
    CHECK_FALSE(violation);
    double total = 0;
    bool has_deemed_requirement = true;
    for (const auto& c : (*tender)["criteria"].items()) {
        if (c["mode"].str() == "scored") total += c["max_points"].number();
        const auto kind = c["kind"].str();
        if ((kind == "track_record" || kind == "market_share") && !c.find("requirement_points"))
            has_deemed_requirement = false;
    }
    CHECK(total == 100);
    // Rule E: under a pack with deemed_points: requirement, deemed criteria need requirement points.
    CHECK(has_deemed_requirement);
    CHECK((*tender)["first_set_equivalence"].boolean());
}

TEST_CASE("Issue 9 #5: every pack in criteria/policies has a message in Chinese and English for every code its rules give",
          "[policy][codes]") {
    // C, D, E and the warnings always; T when the pack has a tolerance section; L for each check
    // its lint section lists; R and S with an incentives section. A code added to the table without its messages fails here.
    std::size_t packs = 0;
    for (const auto& entry : std::filesystem::directory_iterator(test::source("criteria/policies"))) {
        if (entry.path().extension() != ".yaml") continue;
        ++packs;
        INFO(entry.path().filename().string());
        const SourceDocument doc = SourceDocument::read(entry.path());
        const json::Value& messages = doc.root()["messages"];
        const json::Value* tolerance = doc.root().find("tolerance");
        const json::Value* lint = doc.root().find("lint");
        std::size_t given = 0;
        for (std::size_t i = 0; i < code_count; ++i) {
            const Code code = static_cast<Code>(i);
            const std::string name(code_name(code));
            INFO(name);
            if (code_group(code) == CodeGroup::tolerance && !tolerance) continue;
            if (code_group(code) == CodeGroup::lint && (!lint || !(*lint)["checks"].find(name))) continue;
            if (code_group(code) == CodeGroup::incentive && !doc.root().find("incentives")) continue;  // R and S
            ++given;
            const json::Value* m = messages.find(name);
            REQUIRE(m);
            CHECK_FALSE((*m)["zh"].str().empty());
            CHECK_FALSE((*m)["en"].str().empty());
        }
        CHECK(given >= 15);  // at least rules C, D, E and the warnings
        CHECK_NOTHROW(Policy::load(entry.path()));  // and each message mentions only facts its code may use
    }
    CHECK(packs >= 2);
}

TEST_CASE("Issue 9 #5: the code table gives names, groups, facts and lint checks, the pack schema lists exactly its checks",
          "[policy][codes]") {
    // Names round-trip and are unique; facts too.
    for (std::size_t i = 0; i < code_count; ++i) {
        const Code c = static_cast<Code>(i);
        REQUIRE(code_from_name(code_name(c)));
        CHECK(*code_from_name(code_name(c)) == c);
        CHECK((facts_of(c).word[0] | facts_of(c).word[1]) != 0);  // every message may name something
    }
    for (std::size_t f = 0; f < fact_count; ++f) CHECK(fact_from_name(fact_name(static_cast<Fact>(f))) == static_cast<Fact>(f));
    CHECK_FALSE(code_from_name("NO_SUCH_CODE"));
    // Groups as the rules give them.
    CHECK(code_group(Code::CERT_EXPIRED) == CodeGroup::tendering);
    CHECK(code_group(Code::FINAL_DIFFERS_FROM_PROPOSAL) == CodeGroup::tolerance);
    CHECK(code_group(Code::SCORE_BY_MARKET_SHARE) == CodeGroup::lint);
    CHECK(may_mention(Code::DEEMED_POINTS_SHARE, Fact::max_percent));
    CHECK_FALSE(may_mention(Code::CERT_UNKNOWN, Fact::holder));  // an unknown certificate has no holder
    // Every lint check has its own lint code, and every lint code is a check's.
    for (std::size_t i = 0; i < lint_check_count; ++i) {
        const LintCheck check = static_cast<LintCheck>(i);
        CHECK(code_group(code_of(check)) == CodeGroup::lint);
        CHECK(lint_check_of(code_of(check)) == check);
    }
    for (std::size_t i = 0; i < code_count; ++i)
        CHECK((code_group(static_cast<Code>(i)) == CodeGroup::lint) == lint_check_of(static_cast<Code>(i)).has_value());

    // schemas/policy.schema.json lists the checks of the table, each with the table's definition.
    const json::Document schema = json::Document::parse(test::read_file(test::source("schemas/policy.schema.json")),
                                                        json::Limits{1 << 24, 64}, "schema");
    const json::Value& listed = schema.root()["properties"]["lint"]["properties"]["checks"]["properties"];
    std::string expected;  // what the schema should list, printed when it does not
    for (std::size_t i = 0; i < lint_check_count; ++i) {
        const LintCheck check = static_cast<LintCheck>(i);
        expected += "\"" + std::string(code_name(code_of(check))) + "\": {\"$ref\": \"#/definitions/" +
                    std::string(schema_definition_of(check)) + "\"}\n";
    }
    INFO("schemas/policy.schema.json lint.checks should list:\n" << expected);
    CHECK(listed.size() == lint_check_count);
    for (std::size_t i = 0; i < lint_check_count; ++i) {
        const LintCheck check = static_cast<LintCheck>(i);
        const json::Value* entry = listed.find(code_name(code_of(check)));
        REQUIRE(entry);
        CHECK((*entry)["$ref"].str() == "#/definitions/" + std::string(schema_definition_of(check)));
    }
}
