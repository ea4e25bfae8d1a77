// Rule L, the evaluation-method audit (issue 4): the corpus of realistic criteria with their
// expected findings (precision and recall, both 100 %), each check's edges, the tender-wide
// checks, the choice of pack per tender, and the audit's place in an award's assessment.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <set>

#include "engine.hpp"
#include "policy/policy.hpp"
#include "schema/embedded.hpp"
#include "support.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"
#include "util/source_document.hpp"

using namespace firstset;
using njson = nlohmann::json;

namespace {

const std::string cq_pack = "criteria/policies/cn-cq-2024-9.yaml";
const std::string national_pack = "criteria/policies/cn-2023-127.yaml";

// An engine with both packs: Chongqing's for tenders in Chongqing, the national one for tenders
// of state-owned purchasers elsewhere.
struct Fixture {
    test::TempDir dir;
    std::unique_ptr<EngineCore> engine;

    explicit Fixture(const std::string& extra = "") {
        test::write_file(dir / "config.yaml",
                         "policies:\n  - " + test::source(cq_pack).string() + "\n  - " +
                             test::source(national_pack).string() + "\nregistry: {file: " +
                             test::source("examples/registry.yaml").string() + "}\n" + extra);
        engine = EngineCore::open(dir / "config.yaml");
    }
    njson lint(const njson& tender) const {
        TextBuffer out;
        engine->lint(tender.dump().c_str(), out);
        return njson::parse(out.str());
    }
};

// The two statements the national guidance asks of evaluation methods, as a tender states them.
const njson national_statements = njson::array(
    {{{"id", "R1"}, {"text", "所投设备不得被境外远程操控。"}},
     {{"id", "R2"}, {"text", "设备在中国境内运营中收集和产生的个人信息和重要数据应当在境内存储。"}}});

// A tender holding one criterion and a price criterion of 100 points, under the given pack.
njson tender_for(const njson& criterion, bool equivalence, const std::string& policy) {
    njson c = criterion;
    c["id"] = "C1";
    njson t = {{"id", "LINT-CORPUS"},
              {"bid_deadline", "2026-06-01T09:30:00+08:00"},
              {"first_set_equivalence", equivalence},
              {"criteria", njson::array({{{"id", "P"}, {"name", "投标报价"}, {"kind", "price"}, {"mode", "scored"},
                                         {"max_points", 100}},
                                        c})}};
    if (policy == "cn-cq-2024-9") {
        t["jurisdiction"] = "CN-CQ";
    } else {
        t["jurisdiction"] = "CN-SC";
        t["purchaser"] = {{"name", "四川示例能源集团有限公司（样例）"}, {"ownership", "state_owned"}};
        t["requirements"] = national_statements;
    }
    return t;
}

njson corpus() {
    const SourceDocument doc = SourceDocument::read(test::source("tests/data/lint-corpus.yaml"));
    return njson::parse(doc.root().to_json());
}

std::set<std::string> codes_of(const njson& response, const std::string& criterion) {
    std::set<std::string> codes;
    for (const auto& f : response["findings"])
        if (f["criterion"] == criterion) codes.insert(f["code"].get<std::string>());
    return codes;
}

}  // namespace

TEST_CASE("Lint corpus: every discriminatory criterion found, no clean one flagged (precision and recall 100 %)",
          "[lint][rule-l][corpus]") {
    Fixture fx;
    const njson cases = corpus()["cases"];
    REQUIRE(cases.size() >= 40);
    std::size_t tp = 0, fp = 0, fn = 0, clean = 0, flagged = 0;
    std::map<std::string, std::array<std::size_t, 3>> per_code;  // tp, fp, fn
    for (const auto& c : cases) {
        const std::string id = c["id"];
        const std::string policy = c.value("policy", "cn-cq-2024-9");
        const njson response = fx.lint(tender_for(c["criterion"], c.value("equivalence", true), policy));
        INFO("case " << id << ": " << response.dump());
        CHECK(response["policy"]["id"] == policy);
        CHECK(codes_of(response, "P").empty());
        std::set<std::string> expected;
        for (const auto& e : c.value("expect", njson::array())) expected.insert(e.get<std::string>());
        (expected.empty() ? clean : flagged)++;
        const std::set<std::string> found = codes_of(response, "C1");
        for (const auto& code : found) {
            if (expected.count(code)) {
                ++tp;
                per_code[code][0]++;
            } else {
                ++fp;
                per_code[code][1]++;
            }
        }
        for (const auto& code : expected)
            if (!found.count(code)) {
                ++fn;
                per_code[code][2]++;
            }
        CHECK(found == expected);
        // No tender-wide finding either: one criterion of a few points beside the price.
        CHECK(codes_of(response, "").empty());
        for (const auto& f : response["findings"]) CHECK(!f["criterion"].is_null());
    }
    const double precision = tp + fp ? 100.0 * static_cast<double>(tp) / static_cast<double>(tp + fp) : 100.0;
    const double recall = tp + fn ? 100.0 * static_cast<double>(tp) / static_cast<double>(tp + fn) : 100.0;
    std::cout << "\nRule L corpus (tests/data/lint-corpus.yaml): " << cases.size() << " criteria, " << flagged
              << " with findings expected, " << clean << " clean\n"
              << "  findings: " << tp << " right, " << fp << " false alarms, " << fn << " missed\n"
              << "  precision " << precision << " %, recall " << recall << " %\n";
    for (const auto& [code, n] : per_code)
        std::cout << "  " << code << ": " << n[0] << " right, " << n[1] << " false, " << n[2] << " missed\n";
    CHECK(flagged >= 40);
    CHECK(clean >= 20);
    CHECK(fp == 0);
    CHECK(fn == 0);
}

TEST_CASE("Lint: a response names its pack, and each finding its criterion, severity, clause, place and words",
          "[lint][rule-l]") {
    Fixture fx;
    njson t = tender_for({{"name", "类似项目业绩"}, {"kind", "commercial"}, {"mode", "scored"}, {"max_points", 5},
                         {"description", "投标人近三年在重庆市范围内承接过类似项目的，每个得1分。"}},
                        true, "cn-cq-2024-9");
    const njson r = fx.lint(t);
    CHECK(r["tender"] == "LINT-CORPUS");
    CHECK(r["policy"]["document"] == "渝经信规范〔2024〕9号");
    CHECK(r["policy"]["sha256"].get<std::string>().size() == 64);
    REQUIRE(r["findings"].size() == 1);
    const njson& f = r["findings"][0];
    CHECK(f["criterion"] == "C1");
    CHECK(f["severity"] == "error");
    CHECK(f["code"] == "TRACK_RECORD_REGION");
    CHECK(f["path"] == "/criteria/1/description");
    CHECK(f["matched"] == "在重庆市范围内");
    // Why: the words, their place in characters of the description, and the track record they limit.
    REQUIRE(f["evidence"].size() == 2);
    CHECK(f["evidence"][0] == njson({{"path", "/criteria/1/description"}, {"start", 6}, {"end", 13}, {"text", "在重庆市范围内"}, {"role", "words"}}));
    CHECK(f["evidence"][1]["role"] == "context");
    CHECK(f["evidence"][1]["text"] == "承接过");
    CHECK(f["clause"] == "渝经信规范〔2024〕9号（四）；《招标投标法实施条例》第三十二条");
    CHECK(f["message_zh"].get<std::string>().find("类似项目业绩") != std::string::npos);
    CHECK(f["message_en"].get<std::string>().find("restricts track record to a region") != std::string::npos);
    CHECK(r["passed"] == false);
    CHECK(r["errors"] == 1);
    CHECK(r["warnings"] == 0);
}

TEST_CASE("Lint: warnings alone pass, an error fails", "[lint][rule-l]") {
    Fixture fx;
    const njson warning = fx.lint(tender_for(
        {{"name", "可靠性"}, {"kind", "technical"}, {"mode", "scored"}, {"max_points", 4},
         {"description", "同型号设备已稳定运行满两年的得4分。"}},
        true, "cn-cq-2024-9"));
    REQUIRE(warning["findings"].size() == 1);
    CHECK(warning["findings"][0]["severity"] == "warning");
    CHECK(warning["findings"][0]["code"] == "YEARS_IN_SERVICE");
    CHECK(warning["passed"] == true);
    CHECK(warning["warnings"] == 1);
}

TEST_CASE("Lint: points on track record and market share above the pack's share of the total are a warning",
          "[lint][rule-l]") {
    Fixture fx;
    njson t = {{"id", "SHARE-1"},
              {"bid_deadline", "2026-06-01T09:30:00+08:00"},
              {"first_set_equivalence", true},
              {"jurisdiction", "CN-CQ"},
              {"criteria",
               {{{"id", "P"}, {"kind", "price"}, {"mode", "scored"}, {"max_points", 80}},
                {{"id", "T"}, {"name", "类似业绩"}, {"kind", "commercial"}, {"mode", "scored"}, {"max_points", 8}},
                {{"id", "M"}, {"kind", "market_share"}, {"mode", "pass_fail"}},
                {{"id", "S"}, {"name", "供货案例"}, {"kind", "other"}, {"mode", "scored"}, {"max_points", 2.5}}}}};
    // 8 + 2.5 = 10.5 of 90.5 points: 11.60 % > 10 %.
    njson r = fx.lint(t);
    REQUIRE(r["findings"].size() == 1);
    const njson& f = r["findings"][0];
    CHECK(f["code"] == "DEEMED_POINTS_SHARE");
    CHECK(f["criterion"].is_null());
    CHECK(f["severity"] == "warning");
    CHECK(f["message_en"].get<std::string>().find("(T, S) carry 10.5 of 90.5 points, 11.6%, more than the 10%") !=
          std::string::npos);
    // The 10 % is the pack's setting, not a number of 渝经信规范〔2024〕9号, and the message says so.
    CHECK(f["message_en"].get<std::string>().find(
              "the 10% set by this policy pack (lint.checks.DEEMED_POINTS_SHARE.max_percent), a setting of this pack, "
              "not a number of 渝经信规范〔2024〕9号") != std::string::npos);
    CHECK(f["message_zh"].get<std::string>().find(
              "超过本政策包设定的 10%（政策包设置 lint.checks.DEEMED_POINTS_SHARE.max_percent，为本政策包的设定，"
              "并非渝经信规范〔2024〕9号规定的数值）") != std::string::npos);
    CHECK(f["message_en"].get<std::string>().find("this policy recommends") == std::string::npos);
    // Exactly 10 % is within the limit: 9 of 90.
    t["criteria"][0]["max_points"] = 81;
    t["criteria"][1]["max_points"] = 6.5;
    t["criteria"][3]["max_points"] = 2.5;
    r = fx.lint(t);
    CHECK(r["findings"].empty());
}

TEST_CASE("Lint: the national pack asks for the no-remote-control and data-in-China statements", "[lint][rule-l]") {
    Fixture fx;
    njson t = tender_for({{"name", "技术参数"}, {"kind", "technical"}, {"mode", "scored"}, {"max_points", 20}}, true,
                        "cn-2023-127");
    CHECK(fx.lint(t)["findings"].empty());
    t.erase("requirements");
    njson r = fx.lint(t);
    CHECK(r["policy"]["id"] == "cn-2023-127");
    std::set<std::string> codes;
    for (const auto& f : r["findings"]) {
        CHECK(f["criterion"].is_null());
        CHECK(f["path"].is_null());
        codes.insert(f["code"].get<std::string>());
    }
    CHECK(codes == std::set<std::string>{"REMOTE_CONTROL_REQUIREMENT_MISSING", "DATA_LOCALITY_REQUIREMENT_MISSING"});
    CHECK(r["passed"] == false);
    // Stated in a criterion instead of the requirements, in English: found.
    t["criteria"][1]["description"] =
        "The equipment shall not be remotely controlled from abroad; personal information and important data "
        "collected in operation shall be stored in China.";
    CHECK(fx.lint(t)["findings"].empty());
    // The Chongqing pack does not ask for them.
    CHECK(fx.lint(tender_for({{"name", "技术参数"}, {"kind", "technical"}, {"mode", "scored"}, {"max_points", 20}}, true,
                             "cn-cq-2024-9"))["findings"]
              .empty());
}

TEST_CASE("Policy choice: the first pack whose scope the tender is in, else the fallback, else a CONFIG error",
          "[lint][policies]") {
    njson t = tender_for({{"name", "技术参数"}, {"kind", "technical"}, {"mode", "pass_fail"}}, true, "cn-cq-2024-9");
    {
        Fixture fx;
        CHECK(fx.lint(t)["policy"]["id"] == "cn-cq-2024-9");  // CN-CQ
        // A state-owned purchaser in Chongqing: Chongqing's pack comes first in the list.
        t["purchaser"] = {{"name", "重庆示例国有企业（样例）"}, {"ownership", "state_owned"}};
        CHECK(fx.lint(t)["policy"]["id"] == "cn-cq-2024-9");
        // Elsewhere, state-owned: the national pack.
        t["jurisdiction"] = "CN-SC";
        CHECK(fx.lint(t)["policy"]["id"] == "cn-2023-127");
        // Elsewhere, private, no fallback: no pack.
        t["purchaser"]["ownership"] = "private";
        try {
            fx.lint(t);
            FAIL("a tender no pack is for was audited");
        } catch (const StatusError& e) {
            CHECK(e.status() == Status::config);
            CHECK(e.code() == "NO_POLICY_FOR_TENDER");
            CHECK(std::string(e.message_en()).find("jurisdiction=CN-SC, purchaser_ownership=private") != std::string::npos);
            CHECK(std::string(e.message_en()).find("cn-2023-127 (purchaser_ownership=state_owned, state_controlled)") !=
                  std::string::npos);
        }
    }
    {
        // With a fallback `policy`, it takes the tenders no scoped pack is for.
        Fixture fx("policy: " + test::source(cq_pack).string() + "\n");
        CHECK(fx.lint(t)["policy"]["id"] == "cn-cq-2024-9");
    }
}

TEST_CASE("Policy choice: evaluate names the pack it used, and applies that pack's rules", "[lint][policies]") {
    Fixture fx;
    njson request = test::sample_request();
    TextBuffer out;
    request["tender"]["jurisdiction"] = "CN-CQ";
    fx.engine->evaluate(request.dump().c_str(), out);
    CHECK(njson::parse(out.str())["policy"]["id"] == "cn-cq-2024-9");
    // The same tender of a state-owned purchaser in Sichuan: the national pack, which accepts
    // only national recognition (CN), so Chongqing's certificates are not accepted.
    request["tender"]["jurisdiction"] = "CN-SC";
    request["tender"]["purchaser"] = {{"name", "四川示例能源集团有限公司（样例）"}, {"ownership", "state_owned"}};
    TextBuffer out2;
    fx.engine->evaluate(request.dump().c_str(), out2);
    const njson r = njson::parse(out2.str());
    CHECK(r["policy"]["id"] == "cn-2023-127");
    bool issuer_refused = false;
    for (const auto& c : r["certificates"])
        for (const auto& reason : c["reasons"]) issuer_refused = issuer_refused || reason["code"] == "ISSUER_NOT_ACCEPTED";
    CHECK(issuer_refused);
}

TEST_CASE("Policy packs: lint vocabularies are checked at load, a bad pattern is a CONFIG error at its place",
          "[lint][policy]") {
    test::TempDir dir;
    std::string text = test::read_file(test::source(national_pack));
    const std::string from = "      words:\n        - '境外";
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.insert(at + std::string("      words:\n").size(), "        - '境外(('\n");
    test::write_file(dir / "pack.yaml", text);
    try {
        Policy::load(dir / "pack.yaml");
        FAIL("a pack with a broken pattern loaded");
    } catch (const StatusError& e) {
        CHECK(e.status() == Status::config);
        CHECK(e.code() == "POLICY_BAD_PATTERN");
        CHECK(e.where().path == "/lint/checks/REMOTE_CONTROL_REQUIREMENT_MISSING/words/0");
        CHECK(e.where().line > 0);
    }
}

TEST_CASE("Policy packs: a lint check the pack lists needs its message, one it does not list needs none",
          "[lint][policy]") {
    test::TempDir dir;
    std::string text = test::read_file(test::source(cq_pack));
    const std::string msg = "\n  UNITS_SOLD:\n";
    auto at = text.find(msg);
    REQUIRE(at != std::string::npos);
    const auto end = text.find("\n  SCALE_CONDITION:\n", at);
    REQUIRE(end != std::string::npos);
    std::string without = text;
    without.erase(at, end - at);
    test::write_file(dir / "pack.yaml", without);
    try {
        Policy::load(dir / "pack.yaml");
        FAIL("a pack without a message for a check it runs loaded");
    } catch (const StatusError& e) {
        CHECK(e.code() == "POLICY_MESSAGE_MISSING");
        CHECK(std::string(e.message_en()).find("UNITS_SOLD") != std::string::npos);
    }
    // Chongqing's pack does not run the national checks and has no messages for them.
    const Policy p = Policy::load(test::source(cq_pack));
    CHECK_FALSE(p.lint->check(LintCheck::remote_control).enabled);
    CHECK(p.lint->check(LintCheck::units_sold).enabled);
    CHECK(p.lint->check(LintCheck::deemed_points_share).max_hundredths_percent == 1000);
}

TEST_CASE("Lint: every response is valid against schemas/lint-response.schema.json", "[lint][schema]") {
    Fixture fx;
    for (const std::string file : {"examples/tender-CQJT-2026-014.yaml", "examples/tender-SCNY-2026-031.yaml"}) {
        const SourceDocument doc = SourceDocument::read(test::source(file));
        TextBuffer out;
        fx.engine->lint(doc.root()["tender"].to_json().c_str(), out);
        const std::string text = out.str();
        const firstset::json::Document parsed =
            firstset::json::Document::parse(text, firstset::json::Limits{1 << 24, 64}, "response");
        INFO(file << ": " << text);
        const auto violation = schema::builtin().validate("lint-response.schema.json", parsed.root());
        CHECK_FALSE(violation.has_value());
    }
}

TEST_CASE("Policy choice: two packs with one id in a configuration are refused", "[lint][policies]") {
    test::TempDir dir;
    test::write_file(dir / "copy.yaml", test::read_file(test::source(cq_pack)));
    test::write_file(dir / "config.yaml", "policies: [" + test::source(cq_pack).string() + ", copy.yaml]\nregistry: {file: " +
                                              test::source("examples/registry.yaml").string() + "}\n");
    try {
        EngineCore::open(dir / "config.yaml");
        FAIL("two packs with one id were accepted");
    } catch (const StatusError& e) {
        CHECK(e.status() == Status::config);
        CHECK(e.code() == "DUPLICATE_POLICY");
        CHECK(std::string(e.message_en()).find("cn-cq-2024-9") != std::string::npos);
    }
}

TEST_CASE("Lint: a pack's own words are found besides the built-in wording, its unless cancels what it overlaps, an empty match cancels nothing",
          "[lint][policy][rule-l]") {
    test::TempDir dir;
    std::string pack = test::read_file(test::source(cq_pack));
    const std::string region = "    TRACK_RECORD_REGION:\n      severity: error\n";
    REQUIRE(pack.find(region) != std::string::npos);
    pack.replace(pack.find(region) + region.size(), 0,
                 "      words: ['示例片区']\n      unless: ['(不限地区)?', '川渝两地']\n");
    test::write_file(dir / "pack.yaml", pack);
    test::write_file(dir / "config.yaml", "policy: pack.yaml\nregistry: {file: " + test::source("examples/registry.yaml").string() + "}\n");
    const auto engine = EngineCore::open(dir / "config.yaml");
    auto codes = [&](const std::string& description) {
        njson t = tender_for({{"name", "业绩"}, {"kind", "commercial"}, {"mode", "scored"}, {"max_points", 5}, {"description", description}},
                             true, "cn-cq-2024-9");
        TextBuffer out;
        engine->lint(t.dump().c_str(), out);
        return codes_of(njson::parse(out.str()), "C1");
    };
    CHECK(codes("近三年在示例片区完成的类似项目") == std::set<std::string>{"TRACK_RECORD_REGION"});  // the pack's word
    CHECK(codes("近三年在四川省内完成的类似项目") == std::set<std::string>{"TRACK_RECORD_REGION"});  // '(不限地区)?' cancels nothing
    CHECK(codes("近三年在川渝两地完成的类似项目").empty());                                       // the pack's unless
}

TEST_CASE("Lint: a heading that joins track record to another topic is not track record, and without a name nothing is a heading",
          "[lint][rule-l]") {
    Fixture fx;
    auto codes = [&](const njson& criterion) { return codes_of(fx.lint(tender_for(criterion, false, "cn-cq-2024-9")), "C1"); };
    // 信誉及业绩分 over a description of certificates: not a criterion on track record.
    CHECK(codes({{"name", "信誉及业绩分"}, {"kind", "commercial"}, {"mode", "scored"}, {"max_points", 6},
                 {"description", "具有ISO9001质量管理体系认证的得2分"}})
              .empty());
    // No name: the description that speaks of 资质 and 业绩 is read as it is.
    CHECK(codes({{"kind", "commercial"}, {"mode", "scored"}, {"max_points", 6},
                 {"description", "近三年类似项目业绩(须具备相应资质)"}, {"bands", {{{"text", "每项得2分"}, {"points", 2}}}}}) ==
          std::set<std::string>{"DEEMED_CRITERION_WITHOUT_EQUIVALENCE"});
    // Market share in a mixed heading still counts.
    CHECK(codes({{"name", "品牌信誉及市场占有率"}, {"kind", "commercial"}, {"mode", "scored"}, {"max_points", 6},
                 {"description", "按第三方统计数据评分"}}) ==
          std::set<std::string>{"DEEMED_CRITERION_WITHOUT_EQUIVALENCE", "SCORE_BY_MARKET_SHARE"});
}
