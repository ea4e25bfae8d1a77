#include <catch2/catch.hpp>

#include "rules_support.hpp"
#include <map>
#include <memory>

#include "util/error.hpp"
#include "util/source_document.hpp"

using namespace firstset;
using test::criterion;
using test::holder_uscc;
using test::offer;
using Codes = std::vector<Code>;

namespace {

const Policy& cq() {
    static const Policy p = Policy::load(test::source("criteria/policies/cn-cq-2024-9.yaml"));
    return p;
}

const Registry& registry() {
    static const Registry r = Registry::load(test::source("tests/data/registry-rules.yaml"));
    return r;
}

// Rule C for one offer claiming `certificate`, evaluated on the deadline's date.
Codes certificate_reasons(const std::string& certificate, const std::string& model = "YK3120",
                          const std::string& uscc = holder_uscc,
                          const std::string& deadline = "2026-03-16T09:30:00+08:00") {
    auto e = test::evaluate(cq(), registry(),
                            test::request(nlohmann::json::array({criterion("C1", "track_record", "scored")}),
                                          nlohmann::json::array({offer("I1", model, uscc, certificate)}), deadline));
    REQUIRE(e->result.certificates.size() == 1);
    const auto& r = e->result.certificates[0].reasons;
    return Codes(r.begin(), r.end());
}

Codes reasons_of(const CriterionOutcome& c) { return Codes(c.reasons.begin(), c.reasons.end()); }

}  // namespace

TEST_CASE("Rule C: a valid certificate of an accepted issuer, held by the manufacturer, for the model, is accepted", "[rules][C]") {
    CHECK(certificate_reasons("CQ-OK").empty());
    CHECK(certificate_reasons("CN-OK", "HDZ-200", "91500105EXAMPLE02R").empty());  // national catalogue (CN)
}

TEST_CASE("Rule C.1: an unknown certificate id is CERT_UNKNOWN and nothing else", "[rules][C]") {
    CHECK(certificate_reasons("NO-SUCH-CERT") == Codes{Code::CERT_UNKNOWN});
}

TEST_CASE("Rule C.2: an issuer the pack does not accept is ISSUER_NOT_ACCEPTED", "[rules][C]") {
    CHECK(certificate_reasons("SC-1") == Codes{Code::ISSUER_NOT_ACCEPTED});
}

TEST_CASE("Rule C.3: revoked and suspended certificates are refused", "[rules][C]") {
    CHECK(certificate_reasons("REV-1") == Codes{Code::CERT_REVOKED});
    CHECK(certificate_reasons("SUS-1") == Codes{Code::CERT_SUSPENDED});
}

TEST_CASE("Rule C.4 / D: valid from recognition inclusive, until expiry exclusive, on the China date", "[rules][C][D]") {
    // FUT-1 is recognised on 2026-05-01.
    CHECK(certificate_reasons("FUT-1") == Codes{Code::CERT_NOT_YET_VALID});
    CHECK(certificate_reasons("FUT-1", "YK3120", holder_uscc, "2026-05-01T00:00:00+08:00").empty());
    // 2026-04-30T16:00Z is already 1 May in China
    CHECK(certificate_reasons("FUT-1", "YK3120", holder_uscc, "2026-04-30T16:00:00Z").empty());
    CHECK(certificate_reasons("FUT-1", "YK3120", holder_uscc, "2026-04-30T15:59:59Z") == Codes{Code::CERT_NOT_YET_VALID});

    // CQ-OK: recognised 2024-05-12, three years: valid up to and including 2027-05-11.
    CHECK(certificate_reasons("CQ-OK", "YK3120", holder_uscc, "2027-05-11T23:59:59+08:00").empty());
    CHECK(certificate_reasons("CQ-OK", "YK3120", holder_uscc, "2027-05-12T00:00:00+08:00") == Codes{Code::CERT_EXPIRED});
    CHECK(certificate_reasons("CQ-OK", "YK3120", holder_uscc, "2027-05-11T16:00:00Z") == Codes{Code::CERT_EXPIRED});
}

TEST_CASE("Rule D: a certificate recognised on 29 February expires on 1 March", "[rules][D]") {
    // LEAP-1: 2024-02-29 + 3 years -> 2027-03-01 (exclusive)
    CHECK(certificate_reasons("LEAP-1", "YK3120", holder_uscc, "2027-02-28T12:00:00+08:00").empty());
    CHECK(certificate_reasons("LEAP-1", "YK3120", holder_uscc, "2027-03-01T08:00:00+08:00") == Codes{Code::CERT_EXPIRED});
}

TEST_CASE("Rule D: the registry's explicit valid_until is exclusive and wins over validity years", "[rules][D]") {
    // UNTIL-1: valid_until 2026-03-16, although 2023-01-01 + 3 years would be 2026-01-01
    CHECK(certificate_reasons("UNTIL-1", "YK3120", holder_uscc, "2026-03-15T10:00:00+08:00").empty());
    CHECK(certificate_reasons("UNTIL-1", "YK3120", holder_uscc, "2026-03-16T09:30:00+08:00") == Codes{Code::CERT_EXPIRED});
}

TEST_CASE("Rule C.5: the manufacturer must be the holder, the bidder may be an agent", "[rules][C]") {
    CHECK(certificate_reasons("CQ-OK", "YK3120", "91500105EXAMPLE02R") == Codes{Code::MANUFACTURER_MISMATCH});
    // the request's bidder (91500108EXAMPLE07L) is not the holder, and that is fine
    CHECK(certificate_reasons("CQ-OK").empty());
}

TEST_CASE("Rule C.6: the model must be the certified one after normalisation", "[rules][C]") {
    CHECK(certificate_reasons("CQ-OK", "ＹＫ３１２０").empty());
    CHECK(certificate_reasons("CQ-OK", "yk-3120").empty());
    CHECK(certificate_reasons("CQ-OK", "YK3120A") == Codes{Code::MODEL_MISMATCH});
}

TEST_CASE("Rule C: every failing check gives its own code", "[rules][C]") {
    CHECK(certificate_reasons("BAD-ALL", "YK3120", holder_uscc) ==
          Codes{Code::ISSUER_NOT_ACCEPTED, Code::CERT_REVOKED, Code::CERT_EXPIRED, Code::MANUFACTURER_MISMATCH,
                Code::MODEL_MISMATCH});
}

TEST_CASE("Rule C.5: a USCC with a wrong check character is compared as written and raises USCC_CHECKSUM", "[rules][C]") {
    auto e = test::evaluate(cq(), registry(),
                            test::request(nlohmann::json::array({criterion("C1", "track_record", "scored")}),
                                          nlohmann::json::array({offer("I1", "YK3120", "91500107EXAMPLE01J", "CQ-OK")})));
    REQUIRE(e->result.uscc_warnings.size() == 1);
    CHECK(e->result.uscc_warnings[0].path == "/bid/offers/0/manufacturer/uscc");
    CHECK(Codes(e->result.certificates[0].reasons.begin(), e->result.certificates[0].reasons.end()) == Codes{Code::MANUFACTURER_MISMATCH});  // compared, and different
}

TEST_CASE("Rule E: a scored deemed criterion gets max_points under deemed_points: max", "[rules][E]") {
    auto e = test::evaluate(cq(), registry(),
                            test::request(nlohmann::json::array({criterion("C1", "track_record", "scored",
                                                                           {{"max_points", 10}, {"requirement_points", 6}}),
                                                                 criterion("C2", "market_share", "scored", {{"max_points", 2.5}})}),
                                          nlohmann::json::array({offer("I1", "YK3120", holder_uscc, "CQ-OK")})));
    const auto& c = e->result.criteria;
    REQUIRE(c.size() == 2);
    CHECK(c[0].outcome == Outcome::deemed_met);
    CHECK(reasons_of(c[0]) == Codes{Code::FIRST_SET_DEEMED});
    REQUIRE(c[0].points);
    CHECK(c[0].points->to_string() == "10");
    CHECK(c[1].points->to_string() == "2.5");
}

TEST_CASE("Rule E: under deemed_points: requirement a deemed criterion gets its requirement_points", "[rules][E]") {
    test::TempDir dir;
    std::string pack = test::read_file(test::source("criteria/policies/cn-cq-2024-9.yaml"));
    pack.replace(pack.find("deemed_points: max"), 18, "deemed_points: requirement");
    test::write_file(dir / "pack.yaml", pack);
    const Policy requirement = Policy::load(dir / "pack.yaml");
    auto e = test::evaluate(requirement, registry(),
                            test::request(nlohmann::json::array({criterion("C1", "track_record", "scored",
                                                                           {{"max_points", 10}, {"requirement_points", 6.5}})}),
                                          nlohmann::json::array({offer("I1", "YK3120", holder_uscc, "CQ-OK")})));
    REQUIRE(e->result.criteria[0].points);
    CHECK(e->result.criteria[0].points->to_string() == "6.5");

    // Under that pack a scored deemed criterion without requirement_points is a tender defect.
    try {
        test::evaluate(requirement, registry(),
                       test::request(nlohmann::json::array({criterion("C1", "track_record", "scored")}),
                                     nlohmann::json::array({offer("I1", "YK3120", holder_uscc, "CQ-OK")})));
        FAIL("accepted a criterion without requirement_points");
    } catch (const StatusError& err) {
        CHECK(err.status() == Status::schema);
        CHECK(err.code() == "REQUIREMENT_POINTS_MISSING");
        CHECK(err.where().path == "/tender/criteria/0/requirement_points");
    }
}

TEST_CASE("Rule E: a deemed pass/fail criterion passes and has no points", "[rules][E]") {
    auto e = test::evaluate(cq(), registry(),
                            test::request(nlohmann::json::array({criterion("C1", "market_share", "pass_fail")}),
                                          nlohmann::json::array({offer("I1", "YK3120", holder_uscc, "CQ-OK")})));
    CHECK(e->result.criteria[0].outcome == Outcome::deemed_met);
    CHECK_FALSE(e->result.criteria[0].points);
}

TEST_CASE("Rule E: some but not all concerned items covered is PARTIAL_COVERAGE", "[rules][E]") {
    auto offers = nlohmann::json::array(
        {offer("I1", "YK3120", holder_uscc, "CQ-OK"), offer("I2", "HDZ-200", "91500105EXAMPLE02R")});
    auto e = test::evaluate(
        cq(), registry(),
        test::request(nlohmann::json::array({criterion("C1", "track_record", "scored"),  // all items
                                             criterion("C2", "track_record", "scored", {{"items", {"I1"}}}),
                                             criterion("C3", "track_record", "scored", {{"items", {"I2"}}})}),
                      offers));
    const auto& c = e->result.criteria;
    CHECK(c[0].outcome == Outcome::claim_rejected);
    CHECK(reasons_of(c[0]) == Codes{Code::PARTIAL_COVERAGE});
    CHECK(c[0].covered == 1);
    CHECK(c[0].concerned == 2);
    CHECK_FALSE(c[0].points);
    CHECK(c[1].outcome == Outcome::deemed_met);  // concerns I1 only
    CHECK(c[2].outcome == Outcome::not_claimed);  // concerns I2 only, which claims nothing
    CHECK(reasons_of(c[2]) == Codes{Code::NOT_CLAIMED});
}

TEST_CASE("Rule E: a rejected certificate rejects the claim, naming it", "[rules][E]") {
    auto e = test::evaluate(cq(), registry(),
                            test::request(nlohmann::json::array({criterion("C1", "track_record", "scored")}),
                                          nlohmann::json::array({offer("I1", "YK3120", holder_uscc, "REV-1")})));
    const auto& c = e->result.criteria[0];
    CHECK(c.outcome == Outcome::claim_rejected);
    CHECK(reasons_of(c) == Codes{Code::CERTIFICATE_REJECTED});
    CHECK(c.rejected.size() == 1);

    // one accepted and one rejected: the rejection and the partial coverage are both reasons
    e = test::evaluate(cq(), registry(),
                       test::request(nlohmann::json::array({criterion("C1", "track_record", "scored")}),
                                     nlohmann::json::array({offer("I1", "YK3120", holder_uscc, "CQ-OK"),
                                                            offer("I2", "YK3120", holder_uscc, "SUS-1")})));
    CHECK(reasons_of(e->result.criteria[0]) == Codes{Code::CERTIFICATE_REJECTED, Code::PARTIAL_COVERAGE});
}

TEST_CASE("Rule E: no certificate claimed is not_claimed, other kinds are not_applicable", "[rules][E]") {
    auto e = test::evaluate(cq(), registry(),
                            test::request(nlohmann::json::array({criterion("C1", "track_record", "scored"),
                                                                 criterion("C2", "price", "scored"),
                                                                 criterion("C3", "technical", "scored"),
                                                                 criterion("C4", "qualification", "pass_fail")}),
                                          nlohmann::json::array({offer("I1", "YK3120", holder_uscc)})));
    const auto& c = e->result.criteria;
    CHECK(c[0].outcome == Outcome::not_claimed);
    for (int i = 1; i < 4; ++i) {
        CHECK(c[static_cast<std::size_t>(i)].outcome == Outcome::not_applicable);
        CHECK(reasons_of(c[static_cast<std::size_t>(i)]) == Codes{Code::KIND_NOT_DEEMED});
        CHECK_FALSE(c[static_cast<std::size_t>(i)].points);
    }
    // not_applicable even when certificates are claimed: price is never deemed
    e = test::evaluate(cq(), registry(),
                       test::request(nlohmann::json::array({criterion("C2", "price", "scored")}),
                                     nlohmann::json::array({offer("I1", "YK3120", holder_uscc, "CQ-OK")})));
    CHECK(e->result.criteria[0].outcome == Outcome::not_applicable);
}

TEST_CASE("Rule E: a pack decides which kinds are deemed", "[rules][E]") {
    test::TempDir dir;
    std::string pack = test::read_file(test::source("criteria/policies/cn-cq-2024-9.yaml"));
    pack.replace(pack.find("deemed_kinds: [market_share, track_record]"), 42,
                 "deemed_kinds: [market_share, track_record, sales_volume]");
    test::write_file(dir / "pack.yaml", pack);
    const Policy wider = Policy::load(dir / "pack.yaml");
    auto e = test::evaluate(wider, registry(),
                            test::request(nlohmann::json::array({criterion("C1", "sales_volume", "scored")}),
                                          nlohmann::json::array({offer("I1", "YK3120", holder_uscc, "CQ-OK")})));
    CHECK(e->result.criteria[0].outcome == Outcome::deemed_met);
}

TEST_CASE("Rule E: a criterion naming items no offer covers is not claimed", "[rules][E]") {
    auto e = test::evaluate(cq(), registry(),
                            test::request(nlohmann::json::array({criterion("C1", "track_record", "scored", {{"items", {"I3"}}})}),
                                          nlohmann::json::array({offer("I1", "YK3120", holder_uscc, "CQ-OK")})));
    CHECK(e->result.criteria[0].outcome == Outcome::not_claimed);
    CHECK(e->result.criteria[0].concerned == 0);
}

TEST_CASE("Rule E: deemed criteria in a tender without the declared equivalence raise a warning", "[rules][E]") {
    auto req = test::request(nlohmann::json::array({criterion("C1", "track_record", "scored")}),
                             nlohmann::json::array({offer("I1", "YK3120", holder_uscc, "CQ-OK")}));
    req["tender"]["first_set_equivalence"] = false;
    auto e = test::evaluate(cq(), registry(), req);
    CHECK(e->result.equivalence_not_declared);
    CHECK(e->result.criteria[0].outcome == Outcome::deemed_met);  // the policy applies regardless
}

namespace {

const Registry& list_registry() {
    static const Registry r = Registry::load(test::source("tests/data/registry-lists.yaml"));
    return r;
}

// Rule C for one offer against the list-shaped registry: reasons and warnings.
struct ListCheck {
    Codes reasons, warnings;
};
ListCheck list_check(const Policy& policy, const std::string& certificate, nlohmann::json manufacturer,
                     const std::string& model, const std::string& product = "",
                     const std::string& deadline = "2025-03-16T09:30:00+08:00") {
    nlohmann::json o = {{"item", "I1"}, {"model", model}, {"manufacturer", manufacturer}, {"first_set_certificate", certificate}};
    if (!product.empty()) o["product"] = product;
    auto e = test::evaluate(policy, list_registry(),
                            test::request(nlohmann::json::array({criterion("C1", "track_record", "scored")}),
                                          nlohmann::json::array({o}), deadline));
    REQUIRE(e->result.certificates.size() == 1);
    const auto& c = e->result.certificates[0];
    return {Codes(c.reasons.begin(), c.reasons.end()), Codes(c.warnings.begin(), c.warnings.end())};
}

const Policy& cq_with(const std::string& from, const std::string& to) {
    static std::map<std::string, std::unique_ptr<Policy>> packs;
    auto& p = packs[from + "->" + to];
    if (!p) {
        std::string text = test::read_file(test::source("criteria/policies/cn-cq-2024-9.yaml"));
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
        p = std::make_unique<Policy>(
            Policy::from_document(SourceDocument::parse(text, "pack.yaml", SourceDocument::Format::yaml)));
    }
    return *p;
}

}  // namespace

TEST_CASE("Rule C5': a holder listed by name only matches the manufacturer by normalised name, with a warning",
          "[rules][C][lists]") {
    const Policy& js = cq_with("accepted_issuers: [CN, CN-CQ]", "accepted_issuers: [CN, CN-CQ, CN-JS, CN-FJ]");
    // Half-width brackets and a space where the list has full-width ones: the same company.
    ListCheck c = list_check(js, "SGX-2023-392-012", {{"name", "江苏示例装备 (集团) 有限公司(样例)"}, {"uscc", holder_uscc}},
                             "CGTR-01");
    CHECK(c.reasons.empty());
    CHECK(c.warnings == Codes{Code::HOLDER_MATCHED_BY_NAME});
    // No USCC from the bidder either: still by name.
    c = list_check(js, "SGX-2023-392-012", {{"name", "江苏示例装备（集团）有限公司（样例）"}}, "CGTR-01");
    CHECK(c.reasons.empty());
    CHECK(c.warnings == Codes{Code::HOLDER_MATCHED_BY_NAME});
    // 有限责任公司 is another company than 有限公司.
    c = list_check(js, "SGX-2023-392-012", {{"name", "江苏示例装备（集团）有限责任公司（样例）"}}, "CGTR-01");
    CHECK(c.reasons == Codes{Code::MANUFACTURER_MISMATCH});
    // Both with a USCC: the code decides, never the name.
    c = list_check(js, "YJX-2023-1-008", {{"name", "重庆示例机床有限公司（样例）"}, {"uscc", "91500000EXAMPLE04J"}}, "YK3120");
    CHECK(c.reasons == Codes{Code::MANUFACTURER_MISMATCH});
    c = list_check(js, "YJX-2023-1-008", {{"name", "另一个名字"}, {"uscc", holder_uscc}}, "YK3120");
    CHECK(c.reasons.empty());
    CHECK(c.warnings.empty());
}

TEST_CASE("Rule C6': the model a product name carries is the certified model, with none, the product name is compared",
          "[rules][C][lists]") {
    const Policy& js = cq_with("accepted_issuers: [CN, CN-CQ]", "accepted_issuers: [CN, CN-CQ, CN-JS, CN-FJ]");
    const nlohmann::json jsm = {{"name", "江苏示例隧道机械有限公司（样例）"}};
    // A leading model code: GRT200-TM20泥水平衡盾构机; full-width and lower case offered.
    CHECK(list_check(js, "SGX-2023-392-031", jsm, "ＧＲＴ２００－tm20").reasons.empty());
    CHECK(list_check(js, "SGX-2023-392-031", jsm, "GRT300-TM20").reasons == Codes{Code::MODEL_MISMATCH});
    // No model anywhere: the offered product name must be the certified one, with a warning.
    const nlohmann::json cqm = {{"name", "重庆示例煤机有限公司（样例）"}};
    ListCheck c = list_check(js, "YJX-2023-1-007", cqm, "ZY-1", "智能化综采工作面 成套装备");
    CHECK(c.reasons.empty());
    CHECK(c.warnings == Codes{Code::HOLDER_MATCHED_BY_NAME, Code::MODEL_NOT_LISTED});
    CHECK(list_check(js, "YJX-2023-1-007", cqm, "ZY-1", "综采支架").reasons == Codes{Code::MODEL_MISMATCH});
    CHECK(list_check(js, "YJX-2023-1-007", cqm, "ZY-1").reasons == Codes{Code::MODEL_MISMATCH});  // no product named
    // The registry keeps the model it found and says it was not listed on its own.
    const Certificate* cert = list_registry().find("SGX-2023-392-012");
    REQUIRE(cert);
    CHECK(cert->model == "CGTR-01");
    CHECK_FALSE(cert->model_listed);
    CHECK(cert->list_document == "苏工信装备〔2023〕392号");
    CHECK(cert->list_row == 12);
    CHECK(cert->kind == EntryKind::equipment);
}

TEST_CASE("Rule D': a deeming window shorter than validity refuses deeming after it with DEEMED_WINDOW_PASSED",
          "[rules][D][lists]") {
    // Fujian: deemed for 2 years from recognition, the list valid 3.
    const Policy& fj = cq_with("accepted_issuers: [CN, CN-CQ]\n", "accepted_issuers: [CN, CN-FJ]\n  deemed_years: 2\n");
    const nlohmann::json m = {{"name", "福建示例海工有限公司（样例）"}};
    // Recognised 2023-09-01: deemed up to and including 2025-08-31.
    CHECK(list_check(fj, "FJ-1", m, "HF-3000", "", "2025-08-31T10:00:00+08:00").reasons.empty());
    CHECK(list_check(fj, "FJ-1", m, "HF-3000", "", "2025-09-01T10:00:00+08:00").reasons == Codes{Code::DEEMED_WINDOW_PASSED});
    // Two and a half years after recognition: valid, not deemed.
    CHECK(list_check(fj, "FJ-1", m, "HF-3000", "", "2026-03-01T10:00:00+08:00").reasons == Codes{Code::DEEMED_WINDOW_PASSED});
    // Past validity it is expired, not a window matter.
    CHECK(list_check(fj, "FJ-1", m, "HF-3000", "", "2026-09-01T10:00:00+08:00").reasons == Codes{Code::CERT_EXPIRED});
    // Without deemed_years, deemed while valid.
    const Policy& js = cq_with("accepted_issuers: [CN, CN-CQ]", "accepted_issuers: [CN, CN-CQ, CN-JS, CN-FJ]");
    CHECK(list_check(js, "FJ-1", m, "HF-3000", "", "2026-03-01T10:00:00+08:00").reasons.empty());
}

TEST_CASE("Entry kinds: a pack deems the kinds of entries it lists (Chongqing: equipment only)", "[rules][C][lists]") {
    const nlohmann::json m = {{"name", "重庆示例材料有限公司（样例）"}};
    CHECK(list_check(cq(), "MAT-1", m, "AL-7075T").reasons == Codes{Code::ENTRY_KIND_NOT_DEEMED});
    const Policy& all = cq_with("  deemed_entry_kinds: [equipment]\n", "");
    CHECK(list_check(all, "MAT-1", m, "AL-7075T").reasons.empty());
}
