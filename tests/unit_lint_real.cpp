// Rules L and L' on real criteria (issue 11): tests/data/lint-real/corpus.yaml holds criteria
// taken from published tender documents and complaint decisions, each labelled by collectors who
// did not read the audit, a third set aside (sha256 of the id) before the audit was tuned. Every
// case is audited in a tender of its own (a price criterion of 100 points beside it, the
// first-set equivalence not declared, so that a criterion on track record or market share gives
// DEEMED_CRITERION_WITHOUT_EQUIVALENCE: the label TRACK_RECORD). Precision and recall per check,
// on the tuned part and the set-aside part:
//
//   build/test/tests/firstset_unit "[lint-real]" -s | grep -A40 "Rule L real"
//
// FIRSTSET_LINT_REPORT=tuned lists the tuned part's misses and false alarms by case id, =all both parts'.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "engine.hpp"
#include "support.hpp"
#include "util/json_out.hpp"
#include "util/source_document.hpp"

using namespace firstset;
using njson = nlohmann::json;

namespace {

struct Counts {
    std::size_t tp = 0, fp = 0, fn = 0;
    double precision() const { return tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 1.0; }
    double recall() const { return tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 1.0; }
};

struct Part {
    explicit Part(std::string n) : name(std::move(n)) {}
    std::string name;
    Counts all;
    std::map<std::string, Counts> per_code;
    std::size_t cases = 0;
    std::vector<std::string> notes;
};

std::unique_ptr<EngineCore> engine_with(const test::TempDir& dir, const std::string& pack) {
    test::write_file(dir / ("config-" + pack + ".yaml"),
                     "policy: " + test::source("criteria/policies/" + pack + ".yaml").string() +
                         "\nregistry: {file: " + test::source("examples/registry.yaml").string() + "}\n");
    return EngineCore::open(dir / ("config-" + pack + ".yaml"));
}

njson tender_for(njson criterion, const std::string& jurisdiction) {
    criterion["id"] = "C1";
    // A scored criterion whose points the source does not give is audited at 1 point.
    if (criterion.value("mode", "") == "scored" && !criterion.contains("max_points")) criterion["max_points"] = 1;
    return {{"id", "LINT-REAL"},
            {"jurisdiction", jurisdiction},
            {"bid_deadline", "2026-06-01T09:30:00+08:00"},
            {"first_set_equivalence", false},
            {"purchaser", {{"name", "示例国有集团有限公司（样例）"}, {"ownership", "central_soe"}}},
            {"requirements",
             njson::array({{{"id", "R1"}, {"text", "所投设备不得被境外远程操控。"}},
                           {{"id", "R2"}, {"text", "设备在中国境内运营中收集和产生的个人信息和重要数据应当在境内存储。"}}})},
            {"criteria", njson::array({{{"id", "P"}, {"name", "投标报价"}, {"kind", "price"}, {"mode", "scored"},
                                        {"max_points", 100}},
                                       criterion})}};
}

// The codes a case expects: its labels, with TRACK_RECORD (and a market-share criterion) read as
// DEEMED_CRITERION_WITHOUT_EQUIVALENCE, the finding a criterion on either gets in this tender.
std::set<std::string> expected_codes(const njson& labels) {
    std::set<std::string> out;
    for (const auto& l : labels) {
        const std::string label = l;
        if (label == "TRACK_RECORD" || label == "SCORE_BY_MARKET_SHARE") out.insert("DEEMED_CRITERION_WITHOUT_EQUIVALENCE");
        if (label != "TRACK_RECORD") out.insert(label);
    }
    return out;
}

// The codes of the findings on C1, and the words each found.
std::map<std::string, std::string> findings_on(EngineCore& engine, const njson& tender) {
    TextBuffer out;
    engine.lint(tender.dump().c_str(), out);
    const njson response = njson::parse(out.str());
    std::map<std::string, std::string> codes;
    for (const auto& f : response["findings"])
        if (f["criterion"] == "C1") codes[f["code"].get<std::string>()] = f["matched"].is_string() ? f["matched"].get<std::string>() : "";
    return codes;
}

std::set<std::string> found_codes(EngineCore& engine, const njson& tender) {
    std::set<std::string> codes;
    for (const auto& [code, words] : findings_on(engine, tender)) codes.insert(code);
    return codes;
}

void count(Part& part, const std::string& id, const std::set<std::string>& expected,
           const std::map<std::string, std::string>& found) {
    ++part.cases;
    for (const auto& [code, words] : found)
        if (expected.count(code)) {
            part.all.tp++;
            part.per_code[code].tp++;
        } else {
            part.all.fp++;
            part.per_code[code].fp++;
            part.notes.push_back(id + " false " + code + " (" + words + ")");
        }
    for (const auto& code : expected)
        if (!found.count(code)) {
            part.all.fn++;
            part.per_code[code].fn++;
            part.notes.push_back(id + " missed " + code);
        }
}

std::string figures(const Counts& c) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(3) << "P " << c.precision() << "  R " << c.recall() << "  (" << c.tp << " right, "
      << c.fp << " false, " << c.fn << " missed)";
    return o.str();
}

void print(const Part& p) {
    std::cout << "  " << p.name << ": " << p.cases << " criteria, " << figures(p.all) << "\n";
    for (const auto& [code, c] : p.per_code) std::cout << "    " << std::left << std::setw(38) << code << figures(c) << "\n";
}

// The done-when of issue 11 for a part (the tuned part, the set-aside part, and the whole corpus): precision >= 0.95 and recall >= 0.9 overall and for every
// check with at least five positives.
void require_targets(const Part& p) {
    INFO(p.name << ": " << figures(p.all));
    CHECK(p.all.precision() >= 0.95);
    CHECK(p.all.recall() >= 0.9);
    for (const auto& [code, c] : p.per_code) {
        if (c.tp + c.fn < 5) continue;
        INFO(p.name << " " << code << ": " << figures(c));
        CHECK(c.precision() >= 0.95);
        CHECK(c.recall() >= 0.9);
    }
}

}  // namespace

TEST_CASE("Lint on real criteria: precision >= 0.95 and recall >= 0.9 per check, on the tuned and the set-aside parts (Rules L and L')",
          "[lint][lint-real][rule-l]") {
    test::TempDir dir;
    auto cq = engine_with(dir, "cn-cq-2024-9");
    const SourceDocument doc = SourceDocument::read(test::source("tests/data/lint-real/corpus.yaml"));
    const njson cases = njson::parse(doc.root().to_json())["cases"];
    REQUIRE(cases.size() >= 150);
    Part tuned("tuned part"), aside("set-aside part"), whole("whole corpus");
    std::size_t with_source = 0;
    for (const auto& c : cases) {
        const std::string id = c["id"];
        with_source += c.value("source", "").rfind("http", 0) == 0;
        const auto expected = expected_codes(c["expect"]);
        const auto found = findings_on(*cq, tender_for(c["criterion"], "CN-CQ"));
        count(c["set_aside"].get<bool>() ? aside : tuned, id, expected, found);
        count(whole, id, expected, found);
    }
    CHECK(with_source == cases.size());
    std::cout << "\nRule L real criteria (tests/data/lint-real/corpus.yaml, pack cn-cq-2024-9):\n";
    print(tuned);
    print(aside);
    print(whole);
    if (const char* r = std::getenv("FIRSTSET_LINT_REPORT")) {
        for (const Part* p : {&tuned, &aside})
            if (std::string(r) == "all" || p == &tuned)
                for (const auto& n : p->notes) std::cout << "    " << n << "\n";
    }
    require_targets(tuned);
    require_targets(aside);
    require_targets(whole);
}

TEST_CASE("Lint on real criteria: the national and SASAC packs find what the Chongqing pack finds (Rules L and L' in every pack)",
          "[lint][lint-real][rule-l]") {
    test::TempDir dir;
    auto cq = engine_with(dir, "cn-cq-2024-9");
    auto national = engine_with(dir, "cn-2023-127");
    auto sasac = engine_with(dir, "cn-sasac-2024-53");
    const SourceDocument doc = SourceDocument::read(test::source("tests/data/lint-real/corpus.yaml"));
    const njson cases = njson::parse(doc.root().to_json())["cases"];
    std::size_t compared = 0;
    for (const auto& c : cases) {
        INFO("case " << c["id"].get<std::string>());
        const auto ours = found_codes(*cq, tender_for(c["criterion"], "CN-CQ"));
        CHECK(found_codes(*national, tender_for(c["criterion"], "CN-SC")) == ours);
        CHECK(found_codes(*sasac, tender_for(c["criterion"], "CN-SC")) == ours);
        ++compared;
    }
    CHECK(compared == cases.size());
}
