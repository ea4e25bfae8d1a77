// Rule T through the engine: awards assessed as of their date, failure reports, proposals,
// final decisions, and the evaluation records firstset_evaluate leaves (issue 3).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "engine.hpp"
#include "ledger/format.hpp"
#include "ledger/ledger.hpp"
#include "policy/policy.hpp"
#include "registry/registry.hpp"
#include "tolerance/rule_t.hpp"
#include "schema_check.hpp"
#include "support.hpp"
#include "util/error.hpp"
#include "util/digest.hpp"
#include "util/json_out.hpp"

using namespace firstset;
using njson = nlohmann::json;

namespace {

struct Fixture {
    test::TempDir dir;
    std::unique_ptr<EngineCore> engine;

    explicit Fixture(bool log_evaluations = true) {
        test::write_file(dir / "config.yaml",
                         "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                             "\nregistry: {file: " + test::source("examples/registry.yaml").string() +
                             "}\nledger: {path: var/ledger.jsonl, log_evaluations: " + (log_evaluations ? "true" : "false") +
                             "}\n");
        engine = EngineCore::open(dir / "config.yaml");
    }
    void reopen() {
        engine.reset();
        engine = EngineCore::open(dir / "config.yaml");
    }
    njson record(const njson& r) {
        TextBuffer out;
        engine->record(r.dump().c_str(), out);
        test::check_schema("record-response.schema.json", out.str());  // Issue 9 #8: every answer
        return njson::parse(out.str());
    }
    StatusError record_error(const njson& r) {
        try {
            record(r);
        } catch (const StatusError& e) {
            return e;
        }
        FAIL("the record was accepted: " << r.dump().substr(0, 300));
        throw;
    }
    std::string ledger_text() const { return test::read_file(dir / "var/ledger.jsonl"); }
};

// The award of bid B1 of the sample tender, all in order. The sample tender scores market share
// (criterion C5), which rule L finds discriminatory; without it the tender passes the audit
// (with a warning: track record holds 10 of 90 points, above the pack's 10 %).
njson award(bool compliant_tender = true) {
    const njson req = test::sample_request();
    njson tender = req["tender"];
    if (compliant_tender) {
        njson kept = njson::array();
        for (const auto& c : tender["criteria"])
            if (c["id"] != "C5") kept.push_back(c);
        tender["criteria"] = kept;
    }
    return {{"kind", "award"},
            {"tender", tender},
            {"bid", req["bid"]},
            {"purchaser", {{"name", "重庆示例产业投资集团有限公司（样例）"}, {"uscc", "91500000EXAMPLE04J"}, {"ownership", "state_owned"}}},
            {"award_date", "2026-04-02"},
            {"procurement_method", "open_tender"},
            {"procedure",
             {{"committee_formed", true}, {"evaluation_report_signed", true}, {"publicity_completed", true}, {"complaints_resolved", true}}},
            {"decision_makers", {{{"role", "评标委员会主任"}, {"id", "EMP-0012"}}}},
            {"evidence", {{{"name", "评标报告.pdf"}, {"sha256", std::string(64, 'a')}}}}};
}

njson failure(const std::string& award_id) {
    return {{"kind", "failure_report"}, {"award", award_id}, {"date", "2026-09-30"},
            {"description", "主轴轴承过热停机"}, {"severity", "major"}};
}

njson decision(const std::string& award_id, const std::string& failure_id, const njson& final = nullptr) {
    return {{"kind", "tolerance_decision"},
            {"award", award_id},
            {"failure", failure_id},
            {"exclusions",
             {{"personal_gain", false}, {"collusion", false}, {"falsified_documents", false}, {"breach_of_law", false},
              {"ignored_known_risk", false}}},
            {"decided_by", {{"role", "市国资委"}, {"id", "SASAC-CQ-07"}}},
            {"final", final}};
}

std::vector<std::string> codes(const njson& reasons) {
    std::vector<std::string> out;
    for (const auto& r : reasons) out.push_back(r["code"]);
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

TEST_CASE("Rule T: an award is assessed as of its date and kept with what it relied on", "[tolerance]") {
    Fixture f;
    const njson r = f.record(award());
    CHECK(r["record"]["kind"] == "award");
    CHECK(r["record"]["seq"] == 2);  // after the genesis record
    const njson& a = r["assessment"];
    CHECK(a["as_of"] == "2026-04-02");
    CHECK(a["purchaser"]["state_owned"] == true);
    REQUIRE(a["certificates"].size() == 2);
    CHECK(a["certificates"][0]["accepted"] == true);
    CHECK(a["certificates"][0]["holder"]["uscc"] == "91500107EXAMPLE01K");  // as the registry had it
    CHECK(a["certificates"][0]["valid_until"] == "2027-05-12");
    CHECK(a["procurement_method"]["allowed"] == true);
    CHECK(a["procedure"].size() == 4);
    // The tender's evaluation method, audited under the same pack: a warning, no error.
    CHECK(a["lint"]["passed"] == true);
    CHECK(a["lint"]["errors"] == 0);
    REQUIRE(a["lint"]["findings"].size() == 1);
    CHECK(a["lint"]["findings"][0]["code"] == "DEEMED_POINTS_SHARE");
    CHECK(a["failed"].empty());
    CHECK(a["missing"].empty());
    CHECK(a["conditions_met"] == true);
    CHECK(codes(a["reasons"]) == std::vector<std::string>{"AWARD_CONDITIONS_MET"});
    CHECK(a["policy"]["id"] == "cn-cq-2024-9");
    CHECK(a["registry"]["version"] == "2026-11-01");
    // The ledger line holds the request and the same assessment.
    const std::string text = f.ledger_text();
    CHECK(text.find("\"kind\":\"award\",\"body\":{") != std::string::npos);
    CHECK(text.find("\"conditions_met\":true") != std::string::npos);
    CHECK(ledger::verify(text, ledger::Head{2, r["record"]["id"]}).ok());
}

TEST_CASE("Rule T: each failed condition of an award has its own reason", "[tolerance]") {
    Fixture f;
    njson a = award();
    a["purchaser"]["ownership"] = "private";
    a["procurement_method"] = "single_source";
    a["procedure"]["publicity_completed"] = false;
    a["procedure"].erase("complaints_resolved");
    a["award_date"] = "2027-06-01";  // CQ-STT-2024-0017 expired on 2027-05-12
    const njson r = f.record(a);
    const auto failed = r["assessment"]["failed"].get<std::vector<std::string>>();
    CHECK(has(failed, "PURCHASER_NOT_STATE_OWNED"));
    CHECK(has(failed, "METHOD_NOT_ALLOWED"));
    CHECK(has(failed, "CERTIFICATE_NOT_ACCEPTED_AT_AWARD"));
    CHECK(has(failed, "PROCEDURE_NOT_COMPLETED:publicity_completed"));
    CHECK(has(r["assessment"]["missing"].get<std::vector<std::string>>(), "PROCEDURE_NOT_REPORTED:complaints_resolved"));
    const auto c = codes(r["assessment"]["reasons"]);
    CHECK(has(c, "PURCHASER_NOT_STATE_OWNED"));
    CHECK(has(c, "METHOD_NOT_ALLOWED"));
    CHECK(has(c, "CERTIFICATE_NOT_ACCEPTED_AT_AWARD"));
    CHECK(has(c, "PROCEDURE_NOT_COMPLETED"));
    CHECK(has(c, "PROCEDURE_NOT_REPORTED"));
    for (const auto& reason : r["assessment"]["reasons"]) {
        CHECK_FALSE(reason["message_zh"].get<std::string>().empty());
        CHECK_FALSE(reason["message_en"].get<std::string>().empty());
    }
    CHECK(r["assessment"]["certificates"][0]["codes"][0] == "CERT_EXPIRED");

    njson none = award();
    for (auto& o : none["bid"]["offers"]) o.erase("first_set_certificate");
    CHECK(has(f.record(none)["assessment"]["failed"].get<std::vector<std::string>>(), "NO_FIRST_SET_CERTIFICATE"));
}

TEST_CASE("Rule T: an award on a tender whose evaluation method discriminates fails that condition", "[tolerance][rule-l]") {
    Fixture f;
    const njson r = f.record(award(false));  // the sample tender as it is: market share scored
    const njson& a = r["assessment"];
    CHECK(a["lint"]["passed"] == false);
    CHECK(a["lint"]["findings"][0]["code"] == "SCORE_BY_MARKET_SHARE");
    CHECK(a["lint"]["findings"][0]["path"] == "/tender/criteria/4/name");
    CHECK(a["failed"] == njson::array({"LINT_ERRORS_AT_AWARD"}));
    CHECK(a["conditions_met"] == false);
    bool found = false;
    for (const auto& reason : a["reasons"])
        if (reason["code"] == "LINT_ERRORS_AT_AWARD") {
            found = true;
            CHECK(reason["message_en"].get<std::string>().find("(SCORE_BY_MARKET_SHARE)") != std::string::npos);
            CHECK(reason["path"] == "/tender/criteria");
        }
    CHECK(found);
    // So a failure of that equipment is not tolerated.
    const std::string award_id = r["record"]["id"];
    const std::string failure_id = f.record(failure(award_id))["record"]["id"];
    CHECK(f.record(decision(award_id, failure_id))["proposed"] == "not_exempt");
}

TEST_CASE("Rule T: a pack without a lint section cannot establish the audit: review at best", "[tolerance][rule-l]") {
    test::TempDir dir;
    std::string pack = test::read_file(test::source("criteria/policies/cn-cq-2024-9.yaml"));
    const auto from = pack.find("\nlint:\n"), to = pack.find("\nmessages:\n");
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    pack.erase(from, to - from);
    test::write_file(dir / "pack.yaml", pack);
    test::write_file(dir / "config.yaml", "policy: pack.yaml\nregistry: {file: " +
                                              test::source("examples/registry.yaml").string() +
                                              "}\nledger: {path: ledger.jsonl}\n");
    auto engine = EngineCore::open(dir / "config.yaml");
    TextBuffer out;
    engine->record(award().dump().c_str(), out);
    const njson a = njson::parse(out.str())["assessment"];
    CHECK(a["lint"].is_null());
    CHECK(a["missing"] == njson::array({"LINT_NOT_AVAILABLE"}));
    CHECK(a["conditions_met"] == false);
}

TEST_CASE("Rule T: the proposal follows the exclusions and the award's assessment", "[tolerance]") {
    Fixture f;
    const std::string award_id = f.record(award())["record"]["id"];
    const std::string failure_id = f.record(failure(award_id))["record"]["id"];

    // Every condition met at the award and every exclusion ruled out: exempt.
    njson r = f.record(decision(award_id, failure_id));
    CHECK(r["proposed"] == "exempt");
    CHECK(codes(r["reasons"]) == std::vector<std::string>{"TOLERANCE_EXEMPT"});

    // Any exclusion gives not_exempt, with its name in both languages.
    njson d = decision(award_id, failure_id);
    d["exclusions"]["collusion"] = true;
    r = f.record(d);
    CHECK(r["proposed"] == "not_exempt");
    REQUIRE(has(codes(r["reasons"]), "EXCLUSION_APPLIES"));
    for (const auto& reason : r["reasons"])
        if (reason["code"] == "EXCLUSION_APPLIES") {
            CHECK(reason["message_zh"].get<std::string>().find("串通") != std::string::npos);
            CHECK(reason["message_en"].get<std::string>().find("collusion") != std::string::npos);
        }

    // An exclusion nobody has looked into: review.
    d = decision(award_id, failure_id);
    d["exclusions"].erase("personal_gain");
    d["exclusions"]["breach_of_law"] = nullptr;
    r = f.record(d);
    CHECK(r["proposed"] == "review");
    const auto found = codes(r["reasons"]);
    CHECK(std::count(found.begin(), found.end(), "EXCLUSION_NOT_ESTABLISHED") == 2);

    // Information missing at the award (a procedure item not reported): review.
    njson unclear = award();
    unclear["procedure"].erase("publicity_completed");
    const std::string unclear_award = f.record(unclear)["record"]["id"];
    const std::string unclear_failure = f.record(failure(unclear_award))["record"]["id"];
    r = f.record(decision(unclear_award, unclear_failure));
    CHECK(r["proposed"] == "review");
    CHECK(has(codes(r["reasons"]), "AWARD_INFORMATION_MISSING"));

    // A failed condition of the award: not_exempt, whatever the exclusions.
    njson bad = award();
    bad["procurement_method"] = "single_source";
    const std::string bad_award = f.record(bad)["record"]["id"];
    const std::string bad_failure = f.record(failure(bad_award))["record"]["id"];
    r = f.record(decision(bad_award, bad_failure));
    CHECK(r["proposed"] == "not_exempt");
    CHECK(has(codes(r["reasons"]), "AWARD_CONDITIONS_NOT_MET"));
}

TEST_CASE("Rule T: a final decision is stored beside the proposal, differing from it needs a written reason", "[tolerance]") {
    Fixture f;
    const std::string award_id = f.record(award())["record"]["id"];
    const std::string failure_id = f.record(failure(award_id))["record"]["id"];
    // The same as the proposal: no reason needed.
    CHECK(f.record(decision(award_id, failure_id, "exempt"))["final"] == "exempt");

    StatusError e = f.record_error(decision(award_id, failure_id, "not_exempt"));  // proposal: exempt
    CHECK(e.status() == Status::schema);
    CHECK(e.code() == "FINAL_REASON_REQUIRED");
    CHECK(e.where().path == "/final_reason");

    njson d = decision(award_id, failure_id, "not_exempt");
    d["final_reason"] = "市国资委会同纪检部门复核，发现验收记录与实际到货型号不符，不予免责。";
    const njson r = f.record(d);
    CHECK(r["proposed"] == "exempt");
    CHECK(r["final"] == "not_exempt");
    CHECK(has(codes(r["reasons"]), "FINAL_DIFFERS_FROM_PROPOSAL"));
    // Both are in the ledger, with who decided; the earlier record is untouched.
    const std::string text = f.ledger_text();
    CHECK(text.find("\"final\":\"not_exempt\"") != std::string::npos);
    CHECK(text.find("\"proposed\":\"exempt\"") != std::string::npos);
    CHECK(text.find("SASAC-CQ-07") != std::string::npos);
    CHECK(ledger::verify(text).ok());
}

TEST_CASE("Rule T: references must exist, be of the right kind and belong together", "[tolerance]") {
    Fixture f;
    const std::string award_id = f.record(award())["record"]["id"];
    const std::string failure_id = f.record(failure(award_id))["record"]["id"];
    const std::string unknown(64, 'e');

    StatusError e = f.record_error(failure(unknown));
    CHECK(e.status() == Status::not_found);
    CHECK(e.code() == "RECORD_NOT_FOUND");
    CHECK(e.where().path == "/award");

    e = f.record_error(failure(failure_id));  // a failure report is not an award
    CHECK(e.status() == Status::schema);
    CHECK(e.code() == "RECORD_KIND_MISMATCH");

    e = f.record_error(decision(award_id, unknown));
    CHECK(e.status() == Status::not_found);
    CHECK(e.where().path == "/failure");

    const std::string other_award = f.record(award())["record"]["id"];
    e = f.record_error(decision(other_award, failure_id));
    CHECK(e.code() == "FAILURE_OF_OTHER_AWARD");

    njson bad = failure(award_id);
    bad["severity"] = "catastrophic";
    e = f.record_error(bad);
    CHECK(e.status() == Status::schema);
    CHECK(e.where().path == "/severity");

    // After reopening, the index is rebuilt from the file: references still resolve.
    f.reopen();
    CHECK(f.record(decision(award_id, failure_id))["proposed"] == "exempt");
}

TEST_CASE("Rule T: a decision is proposed under the pack its award was assessed under", "[tolerance][policies]") {
    Fixture f;
    const std::string award_id = f.record(award())["record"]["id"];
    const std::string failure_id = f.record(failure(award_id))["record"]["id"];
    // The engine reopened on the same ledger with another pack (a copy under another id): the
    // award's pack is not loaded, so no proposal can honestly be made.
    std::string pack = test::read_file(test::source("criteria/policies/cn-cq-2024-9.yaml"));
    pack.replace(pack.find("id: cn-cq-2024-9"), 16, "id: cn-cq-2024-9b");
    test::write_file(f.dir / "other.yaml", pack);
    test::write_file(f.dir / "config.yaml", "policy: other.yaml\nregistry: {file: " +
                                                test::source("examples/registry.yaml").string() +
                                                "}\nledger: {path: var/ledger.jsonl}\n");
    f.reopen();
    const StatusError e = f.record_error(decision(award_id, failure_id));
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "AWARD_POLICY_NOT_LOADED");
    CHECK(std::string(e.message_en()).find("cn-cq-2024-9") != std::string::npos);
    CHECK(e.where().path == "/award");
}

TEST_CASE("Ledger: firstset_evaluate leaves an evaluation record unless told not to", "[tolerance][ledger]") {
    Fixture f;
    const std::string request = test::sample_request().dump();
    const njson r = njson::parse(f.engine->evaluate(request.c_str()));
    REQUIRE(r.contains("ledger"));
    CHECK(r["ledger"]["seq"] == 2);
    const std::string text = f.ledger_text();
    CHECK(text.find("\"kind\":\"evaluation\"") != std::string::npos);
    CHECK(text.find("\"request_sha256\":\"" + sha256_hex(request) + "\"") != std::string::npos);
    CHECK(text.find("\"id\":\"C4\",\"outcome\":\"deemed_met\",\"points\":10") != std::string::npos);
    CHECK(ledger::verify(text, ledger::Head{2, r["ledger"]["id"]}).ok());

    Fixture quiet(false);
    const njson q = njson::parse(quiet.engine->evaluate(request.c_str()));
    CHECK_FALSE(q.contains("ledger"));
    CHECK(quiet.ledger_text().find("evaluation") == std::string::npos);
}

TEST_CASE("Ledger: recording without a configured ledger is a CONFIG error", "[tolerance]") {
    auto engine = EngineCore::open(test::source("examples/config.yaml"));
    TextBuffer out;
    try {
        engine->record(award().dump().c_str(), out);
        FAIL("recorded without a ledger");
    } catch (const StatusError& e) {
        CHECK(e.status() == Status::config);
        CHECK(e.code() == "NO_LEDGER");
    }
}

TEST_CASE("Issue 9 #8: record, verify and status answers are documents of their schemas, and the schemas bite",
          "[tolerance][schema]") {
    Fixture f;
    // record: each kind (Fixture::record checks every answer; here also what must not pass).
    const njson a = f.record(award(false));  // the tender fails its audit: lint findings present
    REQUIRE(a["assessment"]["lint"]["findings"].size() > 0);
    const njson fr = f.record(failure(a["record"]["id"]));
    const njson d = f.record(decision(a["record"]["id"], fr["record"]["id"], "not_exempt"));
    for (auto broken : {a, fr, d}) {
        broken["record"]["seq"] = 0;
        CHECK(test::schema_violation("record-response.schema.json", broken.dump()) != "");
    }
    njson no_proposal = d;
    no_proposal.erase("proposed");
    CHECK(test::schema_violation("record-response.schema.json", no_proposal.dump()) != "");
    njson failure_with_assessment = fr;
    failure_with_assessment["assessment"] = a["assessment"];
    CHECK(test::schema_violation("record-response.schema.json", failure_with_assessment.dump()) != "");
    njson bad_outcome = a;
    bad_outcome["assessment"]["procedure"][0]["done"] = "yes";
    CHECK(test::schema_violation("record-response.schema.json", bad_outcome.dump()) != "");

    // verify: an intact ledger, one with a problem, and an empty file (no head).
    firstset::TextBuffer out;
    const std::string ledger = (f.dir / "var/ledger.jsonl").string();
    firstset::verify_ledger(njson({{"ledger", ledger}}).dump().c_str(), out);
    test::check_schema("verify-response.schema.json", out.str());
    CHECK(njson::parse(out.str())["ok"] == true);
    std::string cut = f.ledger_text();
    cut.insert(cut.find('\n') + 1, "{}\n");
    test::write_file(f.dir / "broken.jsonl", cut);
    firstset::TextBuffer bad;
    firstset::verify_ledger(njson({{"ledger", (f.dir / "broken.jsonl").string()}}).dump().c_str(), bad);
    test::check_schema("verify-response.schema.json", bad.str());
    CHECK(njson::parse(bad.str())["problems"].size() > 0);
    test::write_file(f.dir / "empty.jsonl", "");
    firstset::TextBuffer empty;
    firstset::verify_ledger(njson({{"ledger", (f.dir / "empty.jsonl").string()}}).dump().c_str(), empty);
    test::check_schema("verify-response.schema.json", empty.str());
    njson v = njson::parse(out.str());
    v["problems"] = {{{"seq", 1}, {"code", "lower_case"}, {"message_zh", ""}, {"message_en", ""}}};
    CHECK(test::schema_violation("verify-response.schema.json", v.dump()) != "");

    // status: with a ledger (no checkpoint, no shipping) and without one.
    firstset::TextBuffer st;
    f.engine->status(st);
    test::check_schema("status-response.schema.json", st.str());
    CHECK(njson::parse(st.str())["ledger"]["checkpoint"].is_null());
    const auto plain = EngineCore::open(test::source("examples/config.yaml"));
    firstset::TextBuffer st2;
    plain->status(st2);
    test::check_schema("status-response.schema.json", st2.str());
    CHECK(njson::parse(st2.str())["ledger"].is_null());
    njson s = njson::parse(st.str());
    s["registry"].erase("certificates");
    CHECK(test::schema_violation("status-response.schema.json", s.dump()) != "");
}

TEST_CASE("Issue 9 #2: Rule T as values: assess is pure, a stored award reads back into the same Assessment, propose decides",
          "[tolerance][rule-t]") {
    using namespace firstset::tolerance;
    const Policy policy = Policy::load(test::source("criteria/policies/cn-cq-2024-9.yaml"));
    const Registry registry = Registry::load(test::source("examples/registry.yaml"));
    njson request = award();
    request["procedure"]["publicity_completed"] = false;  // one item not done
    request["procedure"].erase("complaints_resolved");     // one not reported
    const json::Document doc = json::Document::parse(request.dump(), json::Limits{1 << 24, 64}, "award");
    Award a = read_award(doc.root());
    check_against(policy, a.tender.tender, "/tender");
    const Assessment first = assess(policy, registry, a);
    const Assessment again = assess(policy, registry, a);  // pure: the same values again
    CHECK(first.failed == again.failed);
    CHECK(first.missing == again.missing);
    CHECK(first.failed == std::vector<Shortfall>{{Code::PROCEDURE_NOT_COMPLETED, "publicity_completed"}});
    CHECK(first.missing == std::vector<Shortfall>{{Code::PROCEDURE_NOT_REPORTED, "complaints_resolved"}});
    CHECK_FALSE(first.conditions_met());
    CHECK(first.state_owned);
    CHECK(first.method_allowed);
    REQUIRE(first.certificates.size() == 2);

    // Recorded, and read back from the ledger line into the same values.
    Fixture f;
    const njson r = f.record(request);
    const std::string text = f.ledger_text();
    const std::size_t start = text.find('\n') + 1;  // after the genesis record
    const json::Document line =
        json::Document::parse(text.substr(start, text.find('\n', start) - start), json::Limits{1 << 24, 64}, "line");
    const Assessment back = read_assessment(line.root()["body"], 2);
    CHECK(back.as_of == first.as_of);
    CHECK(back.policy_id == first.policy_id);
    CHECK(back.state_owned == first.state_owned);
    CHECK(back.method == first.method);
    CHECK(back.method_allowed == first.method_allowed);
    CHECK(back.failed == first.failed);
    CHECK(back.missing == first.missing);
    REQUIRE(back.procedure.size() == first.procedure.size());
    for (std::size_t i = 0; i < back.procedure.size(); ++i) {
        CHECK(back.procedure[i].item == first.procedure[i].item);
        CHECK(back.procedure[i].done == first.procedure[i].done);
    }
    // A stored shortfall that is not a Rule T code is refused, not guessed at.
    CHECK_FALSE(Shortfall::parse("CERT_EXPIRED"));
    CHECK_FALSE(Shortfall::parse("PROCEDURE_NOT_REPORTED"));  // names no item
    CHECK(Shortfall::parse("PROCEDURE_NOT_REPORTED:x") == Shortfall{Code::PROCEDURE_NOT_REPORTED, "x"});

    // propose: failed conditions give not_exempt whatever the exclusions; missing ones review.
    DecisionRequest d;
    for (const auto& [key, label] : policy.tolerance->exclusions) d.exclusions.emplace_back(key, false);
    CHECK(propose(*policy.tolerance, back, d).proposed == Decision::not_exempt);
    Assessment only_missing = back;
    only_missing.failed.clear();
    CHECK(propose(*policy.tolerance, only_missing, d).proposed == Decision::review);
    Assessment all_met = only_missing;
    all_met.missing.clear();
    Proposal p = propose(*policy.tolerance, all_met, d);
    CHECK(p.proposed == Decision::exempt);
    CHECK(p.exclusions.empty());
    d.exclusions.pop_back();  // one exclusion not established
    p = propose(*policy.tolerance, all_met, d);
    CHECK(p.proposed == Decision::review);
    REQUIRE(p.exclusions.size() == 1);
    CHECK(p.exclusions[0].code == Code::EXCLUSION_NOT_ESTABLISHED);
    d.exclusions.front().second = true;  // one applies
    d.final = Decision::exempt;
    p = propose(*policy.tolerance, all_met, d);
    CHECK(p.proposed == Decision::not_exempt);
    CHECK(p.final_differs);
}

// ---- Rule T': the tolerance-of-failure case in stages (issue 14) -----------------------------

namespace {

const njson op = {{"id", "op-0047"}, {"name", "李示例"}, {"address", "198.51.100.23"}};
const njson no_exclusions = {{"personal_gain", false}, {"collusion", false}, {"falsified_documents", false},
                             {"breach_of_law", false}, {"ignored_known_risk", false}};

njson stage(const std::string& name, const std::string& case_id, const std::string& date) {
    njson s = {{"kind", "case_stage"}, {"stage", name}, {"case", case_id}, {"date", date}, {"operator", op}};
    const njson people = {{{"role", "调查组组长"}, {"id", "JW-0301"}}};
    if (name == "investigation") {
        s["investigators"] = people;
        s["exclusions"] = no_exclusions;
        s["report"] = "未发现排除情形。";
    } else if (name == "decision") {
        s["decision_makers"] = people;
        s["exclusions"] = no_exclusions;
        s["final"] = "exempt";
    } else if (name == "feedback") {
        s["told_to"] = people;
        s["filed_with"] = {{"body", "示例集团纪委（样例）"}};
    } else if (name == "correction") {
        s["measures"] = {{{"description", "更换轴承"}, {"done", true}}};
    } else if (name == "notice") {
        s["form"] = "exemption_notice";
        s["published_in"] = "内部通报（样例）";
    }
    return s;
}

njson application(const std::string& award_id, const std::string& failure_id, const std::string& date) {
    return {{"kind", "case_stage"}, {"stage", "application"}, {"award", award_id}, {"failure", failure_id},
            {"date", date}, {"applicant", {{"role", "采购项目负责人"}, {"id", "EMP-0047"}}},
            {"statement", "申请容错免责。"}, {"operator", op}};
}

struct Case {
    Fixture f;
    std::string award_id, failure_id, case_id;
    njson opened;
    explicit Case(const std::string& applied_on = "2026-10-12", const std::string& failed_on = "2026-09-30") {
        award_id = f.record(award())["record"]["id"];
        njson fr = failure(award_id);
        fr["date"] = failed_on;
        failure_id = f.record(fr)["record"]["id"];
        opened = f.record(application(award_id, failure_id, applied_on));
        case_id = opened["case"];
    }
};

std::vector<std::string> due_stages(const njson& r) {
    std::vector<std::string> out;
    for (const auto& d : r["due"]) out.push_back(d["stage"]);
    return out;
}

}  // namespace

TEST_CASE("Rule T': a case runs application to notice in the pack's stages, each a record with who and from where",
          "[tolerance][case]") {
    Case c;
    CHECK(c.opened["record"]["kind"] == "case_stage");
    CHECK(c.opened["case"] == c.opened["record"]["id"]);  // the application's id is the case's
    CHECK(c.opened["findings"].empty());
    // What is due next, with the last day the pack allows: investigation 30 days after 2026-10-12.
    REQUIRE(c.opened["due"][0]["stage"] == "investigation");
    CHECK(c.opened["due"][0]["due_date"] == "2026-11-11");
    CHECK(c.opened["due"][0]["label"]["zh"] == "调查核实");
    CHECK(c.opened["due"][1]["due_date"].is_null());  // decision: counted once investigation is done
    CHECK(c.opened["due"][0]["overdue"] == true);      // 2026-11-11 is past whenever this runs
    CHECK(c.opened["due"][1]["overdue"] == false);

    const njson inv = c.f.record(stage("investigation", c.case_id, "2026-11-01"));
    CHECK(inv["findings"].empty());
    CHECK(inv["proposed"] == "exempt");  // Rule T on the exclusions the investigation established
    CHECK_FALSE(inv.contains("final"));
    const njson dec = c.f.record(stage("decision", c.case_id, "2026-11-10"));
    CHECK(dec["final"] == "exempt");
    CHECK(dec["proposed"] == "exempt");
    CHECK(has(due_stages(dec), "notice"));  // a notice is due only now, after the exemption
    CHECK(c.f.record(stage("feedback", c.case_id, "2026-11-15"))["findings"].empty());
    CHECK(c.f.record(stage("correction", c.case_id, "2026-11-25"))["findings"].empty());
    const njson notice = c.f.record(stage("notice", c.case_id, "2026-11-20"));
    CHECK(notice["findings"].empty());
    CHECK(notice["due"].empty());

    // Every record carries the operator and network address; the application keeps the plan.
    const std::string text = c.f.ledger_text();
    CHECK(ledger::verify(text).ok());
    std::size_t stages = 0;
    for (std::size_t at = 0; (at = text.find("\"kind\":\"case_stage\",\"body\"", at)) != std::string::npos; ++at) ++stages;
    CHECK(stages == 6);
    for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
        const njson line = njson::parse(text.substr(start, end - start));
        if (line["kind"] != "case_stage") continue;
        CHECK(line["body"]["operator"]["address"] == "198.51.100.23");
        if (line["body"]["stage"] == "application") {
            CHECK(line["body"]["plan"]["policy"] == "cn-cq-2024-9");
            CHECK(line["body"]["plan"]["stages"].size() == 6);
            CHECK(line["body"]["failure_date"] == "2026-09-30");
        }
    }
}

TEST_CASE("Rule T': a stage after its time limit is overdue, the message says the limit is the pack's", "[tolerance][case]") {
    Case c("2026-08-05", "2026-06-30");  // 36 days after the failure: the limit is 30
    REQUIRE(c.opened["findings"].size() == 1);
    const njson& f = c.opened["findings"][0];
    CHECK(f["code"] == "STAGE_OVERDUE");
    CHECK(f["path"] == "/date");
    CHECK(std::string(f["message_en"]).find("by 2026-07-30") != std::string::npos);
    CHECK(std::string(f["message_en"]).find("6 days late") != std::string::npos);
    CHECK(std::string(f["message_zh"]).find("逾期 6 日") != std::string::npos);
    // Item 5: the number's source is named, and it is not the policy's.
    CHECK(std::string(f["message_en"]).find("this pack's own setting") != std::string::npos);
    CHECK(std::string(f["message_zh"]).find("未规定各环节时限") != std::string::npos);
    // The last day itself is on time (inclusive), the day after is late.
    CHECK(c.f.record(stage("investigation", c.case_id, "2026-09-04"))["findings"].empty());
    const njson late = c.f.record(stage("decision", c.case_id, "2026-09-20"));  // due 2026-09-19
    REQUIRE(late["findings"].size() == 1);
    CHECK(late["findings"][0]["code"] == "STAGE_OVERDUE");
    CHECK(std::string(late["findings"][0]["message_en"]).find("1 days late") != std::string::npos);
    // What is due says the limit too: a stage without one says null.
    for (const auto& d : late["due"]) CHECK(d["within_days"].is_number_integer());
}

TEST_CASE("Rule T': a stage dated after today is refused, one dated before the failure is reported", "[tolerance][case]") {
    Case c;
    const std::string before = c.f.ledger_text();
    const StatusError e = c.f.record_error(stage("investigation", c.case_id, "2999-01-01"));
    CHECK(e.code() == "STAGE_DATE_IN_FUTURE");
    CHECK(e.where().path == "/date");
    CHECK(c.f.ledger_text() == before);
    // An investigation dated before the failure itself (2026-09-30), though after nothing it follows.
    const njson r = c.f.record(stage("investigation", c.case_id, "2026-09-01"));
    CHECK(has(codes(r["findings"]), "STAGE_DATE_BEFORE_PREVIOUS"));
    bool names_failure = false;
    for (const auto& f : r["findings"]) names_failure = names_failure || std::string(f["message_zh"]).find("故障报告") != std::string::npos;
    CHECK(names_failure);
}

TEST_CASE("Rule T': the latest decision governs, and a notice counts from it", "[tolerance][case]") {
    Case c("2026-07-01", "2026-06-20");
    c.f.record(stage("investigation", c.case_id, "2026-07-10"));
    c.f.record(stage("decision", c.case_id, "2026-07-20"));  // exempt
    njson again = stage("decision", c.case_id, "2026-08-01");
    again["final"] = "not_exempt";
    again["final_reason"] = "复议后改为不予免责。";
    const njson reconsidered = c.f.record(again);
    CHECK_FALSE(has(due_stages(reconsidered), "notice"));  // no longer exempted
    CHECK(has(codes(c.f.record(stage("notice", c.case_id, "2026-08-05"))["findings"]), "NOTICE_WITHOUT_EXEMPTION"));

    Case d("2026-07-01", "2026-06-20");
    d.f.record(stage("investigation", d.case_id, "2026-07-10"));
    njson first = stage("decision", d.case_id, "2026-07-20");
    first["final"] = "not_exempt";
    first["final_reason"] = "初次认定不予免责。";
    d.f.record(first);
    const njson exempt = d.f.record(stage("decision", d.case_id, "2026-10-01"));  // reconsidered: exempt
    REQUIRE(has(due_stages(exempt), "notice"));
    for (const auto& due : exempt["due"])
        if (due["stage"] == "notice") CHECK(due["due_date"] == "2026-10-31");  // from the exemption, not the first decision
    CHECK(d.f.record(stage("notice", d.case_id, "2026-10-10"))["findings"].empty());
}

TEST_CASE("Rule T': a second application on the same failure is reported with the case already open", "[tolerance][case]") {
    Case c;
    const njson second = c.f.record(application(c.award_id, c.failure_id, "2026-10-15"));
    REQUIRE(has(codes(second["findings"]), "CASE_ALREADY_OPEN"));
    for (const auto& f : second["findings"])
        if (f["code"] == "CASE_ALREADY_OPEN") {
            CHECK(std::string(f["message_en"]).find(c.case_id) != std::string::npos);
            CHECK(f["path"] == "/failure");
        }
    CHECK(second["case"] != c.case_id);
}

TEST_CASE("Rule T': a stored plan that is not a plan is INTEGRITY, never arithmetic on it", "[tolerance][case][hostile]") {
    for (const std::string within : {"1.5", "2147483647", "4294967326", "-400", "\"30\""}) {
        Case c;
        c.f.engine.reset();
        // The application's plan changed on disk and the chain made whole again around it.
        const std::string text = c.f.ledger_text();
        std::string rebuilt, prev(ledger::genesis_prev), case_id;
        std::uint64_t seq = 0;
        for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
            auto line = nlohmann::ordered_json::parse(text.substr(start, end - start));
            std::string body = line["body"].dump();
            if (line["kind"] == "case_stage") {
                const std::string from = "\"within_days\":30";
                body.replace(body.find(from), from.size(), "\"within_days\":" + within);
            }
            const std::string l = ledger::make_line(++seq, prev, line["time"].get<std::string>(), line["kind"].get<std::string>(), body);
            prev = sha256_hex(l);
            if (line["kind"] == "case_stage") case_id = prev;  // the application's new id
            rebuilt += l + "\n";
        }
        test::write_file(c.f.dir / "var/ledger.jsonl", rebuilt);
        c.f.reopen();
        const StatusError e = c.f.record_error(stage("investigation", case_id, "2026-10-20"));
        CHECK(e.status() == Status::integrity);
        CHECK(e.code() == "CASE_RECORD_UNREADABLE");
    }
}

TEST_CASE("Rule T': a stage out of order, skipped or dated before the one it follows is reported, never refused",
          "[tolerance][case]") {
    Case c;
    // A decision with no investigation recorded: skipped.
    const njson dec = c.f.record(stage("decision", c.case_id, "2026-10-20"));
    REQUIRE(dec["findings"].size() == 1);
    CHECK(dec["findings"][0]["code"] == "STAGE_SKIPPED");
    CHECK(std::string(dec["findings"][0]["message_zh"]).find("调查核实") != std::string::npos);
    // The investigation after the decision that follows it: out of order, and dated before the
    // application it follows.
    const njson inv = c.f.record(stage("investigation", c.case_id, "2026-10-01"));
    std::vector<std::string> found = codes(inv["findings"]);
    CHECK(has(found, "STAGE_OUT_OF_ORDER"));
    CHECK(has(found, "STAGE_DATE_BEFORE_PREVIOUS"));
    // Every stage was appended all the same, and the chain holds.
    CHECK(ledger::verify(c.f.ledger_text()).ok());
}

TEST_CASE("Rule T': a notice without a decision to exempt is reported, and a differing final needs its reason", "[tolerance][case]") {
    Case c;
    const njson notice = c.f.record(stage("notice", c.case_id, "2026-10-20"));
    CHECK(has(codes(notice["findings"]), "NOTICE_WITHOUT_EXEMPTION"));

    c.f.record(stage("investigation", c.case_id, "2026-10-20"));
    njson dec = stage("decision", c.case_id, "2026-10-25");
    dec["final"] = "not_exempt";  // the proposal is exempt
    StatusError e = c.f.record_error(dec);
    CHECK(e.code() == "FINAL_REASON_REQUIRED");
    CHECK(e.where().path == "/final_reason");
    dec["final_reason"] = "复核发现验收记录不实。";
    const njson r = c.f.record(dec);
    CHECK(r["final"] == "not_exempt");
    CHECK(has(codes(r["reasons"]), "FINAL_DIFFERS_FROM_PROPOSAL"));
    CHECK_FALSE(has(due_stages(r), "notice"));  // not exempted: no notice is due
}

TEST_CASE("Rule T': references, stages and operator addresses are checked before anything is written", "[tolerance][case]") {
    Case c;
    const std::string before = c.f.ledger_text();
    // The case must be an application.
    StatusError e = c.f.record_error(stage("investigation", c.award_id, "2026-10-20"));
    CHECK(e.code() == "RECORD_KIND_MISMATCH");
    CHECK(e.where().path == "/case");
    e = c.f.record_error(stage("investigation", std::string(64, 'e'), "2026-10-20"));
    CHECK(e.status() == Status::not_found);
    // An application names the failure of its own award.
    njson app = application(c.award_id, c.award_id, "2026-10-12");
    CHECK(c.f.record_error(app).code() == "RECORD_KIND_MISMATCH");
    // The operator's address is an IPv4 or IPv6 address, whatever else it looks like.
    njson bad;
    for (const char* address : {"999.1.1.1", "host.example", "1.2.3.4:80", "::ffff:1.2.3"}) {
        bad = stage("feedback", c.case_id, "2026-10-20");
        bad["operator"]["address"] = address;
        e = c.f.record_error(bad);
        CHECK(e.code() == "OPERATOR_ADDRESS_INVALID");
        CHECK(e.where().path == "/operator/address");
    }
    // The operator is required on a stage; a stage's members belong to it.
    bad = stage("feedback", c.case_id, "2026-10-20");
    bad.erase("operator");
    CHECK(c.f.record_error(bad).status() == Status::schema);
    bad = stage("feedback", c.case_id, "2026-10-20");
    bad["final"] = "exempt";
    CHECK(c.f.record_error(bad).status() == Status::schema);
    bad = stage("application", c.case_id, "2026-10-20");
    CHECK(c.f.record_error(bad).status() == Status::schema);  // an application names no case
    CHECK(c.f.ledger_text() == before);
    // IPv6 is an address too; the optional operator on an older kind is checked the same way.
    njson v6 = stage("feedback", c.case_id, "2026-10-20");
    v6["operator"]["address"] = "2001:db8::31";
    CHECK(c.f.record(v6)["findings"].is_array());
    njson fr = failure(c.award_id);
    fr["operator"] = {{"id", "op-1"}, {"address", "1.2.3"}};
    CHECK(c.f.record_error(fr).code() == "OPERATOR_ADDRESS_INVALID");
}

TEST_CASE("Rule T': a case keeps the plan it started with after the engine reopens", "[tolerance][case]") {
    Case c;
    c.f.reopen();
    const njson inv = c.f.record(stage("investigation", c.case_id, "2026-11-12"));  // due 2026-11-11
    REQUIRE(inv["findings"].size() == 1);
    CHECK(inv["findings"][0]["code"] == "STAGE_OVERDUE");
}
