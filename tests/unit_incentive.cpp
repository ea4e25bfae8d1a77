// Rules R and S (clauses （一）（二） of 渝经信规范〔2024〕9号): the first-purchase reward and the
// insurance premium subsidy, on the sample registry (examples/registry.yaml) under the sample
// configuration, and the exact arithmetic under them.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "engine.hpp"
#include "error_support.hpp"
#include "incentive/incentive.hpp"
#include "schema_check.hpp"
#include "support.hpp"
#include "util/json_out.hpp"
#include "util/money.hpp"

using namespace firstset;
using njson = nlohmann::json;

namespace {

const EngineCore& engine() {
    static const std::unique_ptr<EngineCore> e = EngineCore::open(test::source("examples/config.yaml"));
    return *e;
}

njson call(const njson& request) {
    TextBuffer out;
    engine().incentive(request.dump(), out);
    test::check_schema("incentive-response.schema.json", out.str());
    return njson::parse(out.str());
}

// CQ-STT-2024-0017: valid from 2024-05-12 until 2027-05-12 (exclusive), issuer CN-CQ.
njson reward(const std::string& paid, const std::string& on, const std::string& cert = "CQ-STT-2024-0017") {
    return call({{"clause", "first_purchase_reward"}, {"certificate", cert}, {"amount_paid", paid}, {"paid_on", on}});
}

njson year(int y, const std::string& premium, const std::string& insured = "1000000.00", bool claim = false) {
    return {{"year", y}, {"premium", premium}, {"insured_amount", insured}, {"claim", claim}};
}

njson subsidy(const std::vector<njson>& years, const std::string& cert = "CQ-STT-2024-0017") {
    return call({{"clause", "premium_subsidy"}, {"certificate", cert}, {"years", njson(years)}});
}

std::vector<std::string> codes(const njson& reasons) {
    std::vector<std::string> out;
    for (const auto& r : reasons) out.push_back(r.at("code"));
    return out;
}

using Codes = std::vector<std::string>;

StatusError error_of(const njson& request) {
    return test::error_of([&] {
        TextBuffer out;
        engine().incentive(request.dump(), out);
    });
}

}  // namespace

TEST_CASE("Money: decimal strings in fen, exactly, and every bad form named", "[incentive][money]") {
    CHECK(parse_money("2200000.00").fen == 220000000);
    CHECK(parse_money("2200000").fen == 220000000);
    CHECK(parse_money("2200000.5").fen == 220000050);
    CHECK(parse_money("0.05").fen == 5);
    CHECK(parse_money("999999999999.99").fen == max_money_fen);
    using P = MoneyText::Problem;
    CHECK(parse_money("-1.00").problem == P::negative);
    CHECK(parse_money("1.005").problem == P::too_precise);
    CHECK(parse_money("1.000").problem == P::too_precise);
    CHECK(parse_money("1000000000000.00").problem == P::too_large);
    CHECK(parse_money("99999999999999999999999999").problem == P::too_large);
    for (const char* bad : {"", "1e3", "01.00", "1.", ".5", " 1", "1,000.00", "+1", "-", "-x", "1.2.3", "０.05"})
        CHECK(parse_money(bad).problem == P::format);
    CHECK(format_fen(220000000) == "2200000.00");
    CHECK(format_fen(5) == "0.05");
    CHECK(format_scaled(3000, 2) == "30");
    CHECK(format_scaled(1250, 2) == "12.5");
    CHECK(format_scaled(142857, 4) == "14.2857");
    CHECK(divide_half_up(15, 10) == 2);
    CHECK(divide_half_up(14, 10) == 1);
}

TEST_CASE("Rule R: the ceiling is 30 % of the amount paid, capped at 5,000,000, rounded half up once", "[incentive][rule-r]") {
    bool capped = true;
    CHECK(incentive::reward_ceiling_fen(220000000, 3000, 500000000, &capped) == 66000000);
    CHECK_FALSE(capped);
    CHECK(incentive::reward_ceiling_fen(5, 3000, 500000000, &capped) == 2);   // 0.015 -> 0.02
    CHECK(incentive::reward_ceiling_fen(1, 3000, 500000000, &capped) == 0);   // 0.003 -> 0.00
    CHECK(incentive::reward_ceiling_fen(2, 3000, 500000000, &capped) == 1);   // 0.006 -> 0.01
    // 16,666,666.66 x 30 % = 4,999,999.998: under the cap, rounded up to it.
    CHECK(incentive::reward_ceiling_fen(1666666666, 3000, 500000000, &capped) == 500000000);
    CHECK_FALSE(capped);
    // 16,666,666.67 x 30 % = 5,000,000.001: over the cap.
    CHECK(incentive::reward_ceiling_fen(1666666667, 3000, 500000000, &capped) == 500000000);
    CHECK(capped);
    // The largest amount a request may carry does not overflow.
    CHECK(incentive::reward_ceiling_fen(max_money_fen, 10000, max_money_fen, &capped) == max_money_fen);
}

TEST_CASE("Rule R: a payment within the validity gets a ceiling with reasons citing the pack", "[incentive][rule-r]") {
    const njson r = reward("2200000.00", "2025-06-01");
    CHECK(r["clause"] == "first_purchase_reward");
    CHECK(r["eligible"] == true);
    CHECK(r["max_reward"] == "660000.00");
    CHECK(r["percent"] == "30");
    CHECK(r["cap"] == "5000000.00");
    CHECK(r["policy"]["id"] == "cn-cq-2024-9");
    CHECK(r["citation"] == "渝经信规范〔2024〕9号（一）");
    REQUIRE(codes(r["reasons"]) == Codes{"REWARD_CEILING"});
    const njson& why = r["reasons"][0];
    CHECK(why["clause"] == "渝经信规范〔2024〕9号（一）");
    const std::string en = why["message_en"], zh = why["message_zh"];
    CHECK(en.find("at most 660000.00 CNY, 30% of the amount paid (this pack's setting for clause （一）, "
                  "incentives.first_purchase_reward.percent)") != std::string::npos);
    CHECK(zh.find("本政策包为第（一）项设定的比例") != std::string::npos);
    CHECK(zh.find("2200000.00") != std::string::npos);
}

TEST_CASE("Rule R and Rule D: the recognition date counts, the expiry date does not", "[incentive][rule-r][rule-d]") {
    CHECK(reward("100.00", "2024-05-12")["eligible"] == true);
    const njson before = reward("100.00", "2024-05-11");
    CHECK(before["eligible"] == false);
    CHECK(before["max_reward"] == "0.00");
    CHECK(codes(before["reasons"]) == Codes{"REWARD_PAID_BEFORE_VALIDITY"});
    CHECK(reward("100.00", "2027-05-11")["eligible"] == true);
    const njson after = reward("100.00", "2027-05-12");
    CHECK(after["eligible"] == false);
    CHECK(codes(after["reasons"]) == Codes{"REWARD_PAID_AFTER_VALIDITY"});
    // An explicit valid_until (MIIT-2023-0315: until 2026-12-20) is exclusive too.
    CHECK(reward("100.00", "2026-12-19", "MIIT-2023-0315")["eligible"] == true);
    CHECK(codes(reward("100.00", "2026-12-20", "MIIT-2023-0315")["reasons"]) == Codes{"REWARD_PAID_AFTER_VALIDITY"});
}

TEST_CASE("Rule R: the 5,000,000 cap, and half a fen rounded up", "[incentive][rule-r]") {
    const njson big = reward("20000000.00", "2025-06-01");
    CHECK(big["max_reward"] == "5000000.00");
    CHECK(codes(big["reasons"]) == Codes{"REWARD_CAPPED"});
    const std::string capped = big["reasons"][0]["message_en"];
    CHECK(capped.find("this pack's cap for clause （一）, incentives.first_purchase_reward.cap") != std::string::npos);
    CHECK(reward("16666666.66", "2025-06-01")["max_reward"] == "5000000.00");
    CHECK(codes(reward("16666666.66", "2025-06-01")["reasons"]) == Codes{"REWARD_CEILING"});
    CHECK(reward("0.05", "2025-06-01")["max_reward"] == "0.02");
    CHECK(reward("0.01", "2025-06-01")["max_reward"] == "0.00");
    CHECK(reward("0", "2025-06-01")["max_reward"] == "0.00");
}

TEST_CASE("Rule R with Rule C: unknown, revoked, suspended and foreign certificates give nothing, with reasons",
          "[incentive][rule-r][rule-c]") {
    const njson unknown = reward("100.00", "2025-06-01", "CQ-NO-SUCH-0001");
    CHECK(unknown["eligible"] == false);
    CHECK(unknown["certificate"]["known"] == false);
    CHECK(codes(unknown["reasons"]) == Codes{"INCENTIVE_CERT_UNKNOWN"});
    CHECK(unknown["reasons"][0]["clause"] == "渝经信规范〔2024〕9号（一）");
    CHECK(codes(reward("100.00", "2025-06-01", "CQ-STT-2024-0033")["reasons"]) == Codes{"INCENTIVE_CERT_REVOKED"});
    CHECK(codes(reward("100.00", "2025-06-01", "CQ-STT-2023-0042")["reasons"]) == Codes{"INCENTIVE_CERT_SUSPENDED"});
    CHECK(codes(reward("100.00", "2025-06-01", "SC-STT-2024-0008")["reasons"]) == Codes{"INCENTIVE_ISSUER_NOT_ACCEPTED"});
}

TEST_CASE("Rule S: first year 80 %, then without a claim 70 % and 60 %", "[incentive][rule-s]") {
    const njson r = subsidy({year(2025, "20000.00"), year(2026, "20000.00"), year(2027, "20000.00")});
    CHECK(r["clause"] == "premium_subsidy");
    CHECK(r["eligible"] == true);
    const njson& y = r["years"];
    CHECK(y[0]["rate_percent"] == "80");
    CHECK(y[0]["subsidy"] == "16000.00");
    CHECK(y[0]["position"] == 1);
    CHECK(codes(y[0]["reasons"]) == Codes{"SUBSIDY_FIRST_YEAR"});
    CHECK(y[1]["rate_percent"] == "70");
    CHECK(y[1]["subsidy"] == "14000.00");
    CHECK(codes(y[1]["reasons"]) == Codes{"SUBSIDY_NO_CLAIM_STEP"});
    CHECK(y[2]["rate_percent"] == "60");
    CHECK(y[2]["subsidy"] == "12000.00");
    CHECK(r["total"] == "42000.00");
    CHECK(y[0]["reasons"][0]["clause"] == "渝经信规范〔2024〕9号（二）");
    const std::string step = y[1]["reasons"][0]["message_en"];
    CHECK(step.find("steps down from 80% to 70%") != std::string::npos);
    CHECK(step.find("went from 2% to 2%, less of a fall than the ratio's fall from 80% to 70%, 12.5%") != std::string::npos);
    CHECK(step.find("this pack's ratios for clause （二）") != std::string::npos);
    const std::string third = y[2]["reasons"][0]["message_en"];
    CHECK(third.find("ratio's fall from 70% to 60%, ≈14.2857%") != std::string::npos);
}

TEST_CASE("Rule S: the premium rate fell by exactly the ratio's fall keeps 80 %, a fen less of a fall does not",
          "[incentive][rule-s]") {
    // 80 -> 70 is a fall of 12.5 %: 2 % x 0.875 = 1.75 %.
    njson r = subsidy({year(2025, "20000.00"), year(2026, "17500.00")});
    CHECK(r["years"][1]["rate_percent"] == "80");
    CHECK(r["years"][1]["subsidy"] == "14000.00");
    CHECK(codes(r["years"][1]["reasons"]) == Codes{"SUBSIDY_RATE_FELL"});
    r = subsidy({year(2025, "20000.00"), year(2026, "17500.01")});
    CHECK(r["years"][1]["rate_percent"] == "70");
    CHECK(r["years"][1]["subsidy"] == "12250.01");  // 12,250.007 rounded half up
    // 70 -> 60 is a fall of 1/7 (14.2857 %): at most 2 % x 6/7 = 1.7142857 % of 1,000,000.
    r = subsidy({year(2025, "20000.00"), year(2026, "20000.00"), year(2027, "17142.85")});
    CHECK(r["years"][2]["rate_percent"] == "80");
    CHECK(codes(r["years"][2]["reasons"]) == Codes{"SUBSIDY_RATE_FELL"});
    r = subsidy({year(2025, "20000.00"), year(2026, "20000.00"), year(2027, "17142.86")});
    CHECK(r["years"][2]["rate_percent"] == "60");
    CHECK(r["years"][2]["subsidy"] == "10285.72");
    // The rate, not the premium: a lower premium on a lower insured amount is no fall.
    r = subsidy({year(2025, "20000.00"), year(2026, "10000.00", "500000.00")});
    CHECK(r["years"][1]["rate_percent"] == "70");
}

TEST_CASE("Rule S: after a year with a claim the next is at 80 %, and the steps start again", "[incentive][rule-s]") {
    const njson r = subsidy({year(2025, "20000.00", "1000000.00", true), year(2026, "20000.00"), year(2027, "20000.00")});
    CHECK(r["years"][1]["rate_percent"] == "80");
    CHECK(codes(r["years"][1]["reasons"]) == Codes{"SUBSIDY_AFTER_CLAIM"});
    CHECK(r["years"][2]["rate_percent"] == "70");
    const njson again = subsidy({year(2025, "20000.00"), year(2026, "20000.00", "1000000.00", true), year(2027, "20000.00")});
    CHECK(again["years"][1]["rate_percent"] == "70");
    CHECK(again["years"][2]["rate_percent"] == "80");
}

TEST_CASE("Rule S: a gap ends the series, and a fourth continuous year gets nothing", "[incentive][rule-s]") {
    njson r = subsidy({year(2025, "20000.00"), year(2027, "20000.00"), year(2028, "20000.00")});
    CHECK(r["years"][0]["subsidy"] == "16000.00");
    for (int i : {1, 2}) {
        CHECK(r["years"][i]["subsidy"] == "0.00");
        CHECK(r["years"][i]["rate_percent"] == "0");
        CHECK(r["years"][i]["position"].is_null());
        CHECK(codes(r["years"][i]["reasons"]) == Codes{"SUBSIDY_SERIES_BROKEN"});
    }
    CHECK(r["total"] == "16000.00");
    r = subsidy({year(2024, "20000.00"), year(2025, "20000.00"), year(2026, "20000.00"), year(2027, "20000.00")});
    CHECK(r["years"][3]["position"] == 4);
    CHECK(r["years"][3]["subsidy"] == "0.00");
    CHECK(codes(r["years"][3]["reasons"]) == Codes{"SUBSIDY_YEARS_EXHAUSTED"});
    const std::string en = r["years"][3]["reasons"][0]["message_en"];
    CHECK(en.find("past the 3 continuous years of subsidy (this pack's limit for clause （二）, "
                  "incentives.premium_subsidy.max_years)") != std::string::npos);
    CHECK(r["total"] == "42000.00");
}

TEST_CASE("Rule S: the premium counts at most at 3 % of the insured amount", "[incentive][rule-s]") {
    const njson r = subsidy({year(2025, "50000.00")});  // 5 % of 1,000,000
    CHECK(r["years"][0]["counted_premium"] == "30000.00");
    CHECK(r["years"][0]["subsidy"] == "24000.00");
    CHECK(codes(r["years"][0]["reasons"]) == Codes{"SUBSIDY_FIRST_YEAR", "SUBSIDY_RATE_CAPPED"});
    const std::string en = r["years"][0]["reasons"][1]["message_en"];
    CHECK(en.find("more than 3% of the insured amount 1000000.00 CNY (this pack's premium-rate cap") != std::string::npos);
    // Exactly 3 % is not over it.
    CHECK(codes(subsidy({year(2025, "30000.00")})["years"][0]["reasons"]) == Codes{"SUBSIDY_FIRST_YEAR"});
    // Half a fen, rounded up once: 80 % of 0.01 is 0.008.
    CHECK(subsidy({year(2025, "0.01", "1.00")})["years"][0]["subsidy"] == "0.01");
}

TEST_CASE("Rule S: at most 5,000,000 a year", "[incentive][rule-s]") {
    const njson r = subsidy({year(2025, "9000000.00", "300000000.00")});
    CHECK(r["years"][0]["subsidy"] == "5000000.00");
    CHECK(codes(r["years"][0]["reasons"]) == Codes{"SUBSIDY_FIRST_YEAR", "SUBSIDY_YEAR_CAPPED"});
    // The largest amounts a request may carry do not overflow.
    const njson huge = subsidy({year(2025, "999999999999.99", "999999999999.99"), year(2026, "999999999999.99", "999999999999.99")});
    CHECK(huge["years"][1]["subsidy"] == "5000000.00");
}

TEST_CASE("Rule S: an absurd premium rate of a valid request is written exactly, never wrapped to 64 bits",
          "[incentive][rule-s]") {
    // 100,000,000,000.00 on 0.01 is a rate of 10^15 %: 10^19 in 1/10000 of a per cent, beyond 64 bits.
    CHECK(incentive::rate_for_display(10'000'000'000'000, 1) == static_cast<Wide>(1'000'000'000'000'000) * 10'000);
    CHECK(format_scaled(incentive::rate_for_display(10'000'000'000'000, 1), 4) == "1000000000000000");
    CHECK(format_scaled(incentive::rate_for_display(max_money_fen, 1), 4) == "9999999999999900");
    njson r = subsidy({year(2025, "20000.00"), year(2026, "100000000000.00", "0.01")});
    CHECK(r["years"][1]["counted_premium"] == "0.00");  // 3 % of 0.01
    std::string en = r["years"][1]["reasons"][0]["message_en"];
    CHECK(en.find("from 2% to 1000000000000000%") != std::string::npos);
    r = subsidy({year(2025, "20000.00"), year(2026, "999999999999.99", "0.01")});
    en = r["years"][1]["reasons"][0]["message_en"];
    CHECK(en.find("from 2% to 9999999999999900%") != std::string::npos);
    // The other way round: the rate falls from the absurd one.
    r = subsidy({year(2025, "999999999999.99", "0.01"), year(2026, "20000.00")});
    CHECK(codes(r["years"][1]["reasons"]) == Codes{"SUBSIDY_RATE_FELL"});
    en = r["years"][1]["reasons"][0]["message_en"];
    CHECK(en.find("from 9999999999999900% to 2%") != std::string::npos);
}

TEST_CASE("Money: format_scaled writes 128-bit values, and a negative one exactly, never underflowing",
          "[incentive][money]") {
    CHECK(format_scaled(0, 4) == "0");
    CHECK(format_scaled(5, 4) == "0.0005");
    CHECK(format_scaled(static_cast<Wide>(max_money_fen) * 1'000'000'000, 4) == "9999999999999900000");
    CHECK(format_scaled(-1250, 2) == "-12.5");
    CHECK(format_scaled(-5, 4) == "-0.0005");
    CHECK(format_scaled(-3000, 2) == "-30");
    CHECK(wide_to_string(static_cast<Wide>(1) << 100) == "1267650600228229401496703205376");
    CHECK(wide_to_string(-(static_cast<Wide>(1) << 100)) == "-1267650600228229401496703205376");
}

TEST_CASE("Rule S with Rules C and D: a year outside the validity, a revoked certificate, the talent-plan flag",
          "[incentive][rule-s]") {
    // MIIT-2023-0315 is valid until 2026-12-20: no day of 2027 is within it.
    njson r = subsidy({year(2026, "20000.00"), year(2027, "20000.00")}, "MIIT-2023-0315");
    CHECK(r["years"][0]["subsidy"] == "16000.00");
    CHECK(r["years"][1]["subsidy"] == "0.00");
    CHECK(codes(r["years"][1]["reasons"]) == Codes{"SUBSIDY_OUTSIDE_VALIDITY"});
    r = subsidy({year(2025, "20000.00")}, "CQ-STT-2024-0033");
    CHECK(r["eligible"] == false);
    CHECK(r["total"] == "0.00");
    CHECK(codes(r["reasons"]) == Codes{"INCENTIVE_CERT_REVOKED"});
    CHECK(codes(r["years"][0]["reasons"]) == Codes{"INCENTIVE_CERT_REVOKED"});
    CHECK(r["reasons"][0]["clause"] == "渝经信规范〔2024〕9号（二）");
    r = call({{"clause", "premium_subsidy"}, {"certificate", "CQ-STT-2024-0017"}, {"years", njson::array({year(2025, "100.00")})},
              {"national_talent_plan", true}});
    CHECK(codes(r["reasons"]) == Codes{"SUBSIDY_TALENT_PLAN_TIE"});
    CHECK(r["years"][0]["subsidy"] == "80.00");
}

TEST_CASE("Rule R: a capped reward gives one reason, the cap, with the percent's exact product and both pack keys",
          "[incentive][rule-r]") {
    const njson big = reward("20000000.00", "2025-06-01");
    REQUIRE(codes(big["reasons"]) == Codes{"REWARD_CAPPED"});
    const std::string en = big["reasons"][0]["message_en"], zh = big["reasons"][0]["message_zh"];
    CHECK(en.find("30% of the amount paid (this pack's setting for clause （一）, incentives.first_purchase_reward.percent) "
                  "is 6000000.00 CNY, more than the cap, so the first-purchase reward is at most 5000000.00 CNY") !=
          std::string::npos);
    CHECK(en.find("30% of the amount paid)") == std::string::npos);  // never "at most the cap, 30 % of the amount paid"
    CHECK(zh.find("为 6000000.00 元，超过上限") != std::string::npos);
    // Just over the cap: the product is stated exactly, not rounded to the cap.
    const njson just = reward("16666666.67", "2025-06-01");
    REQUIRE(codes(just["reasons"]) == Codes{"REWARD_CAPPED"});
    CHECK(std::string(just["reasons"][0]["message_en"]).find("is 5000000.001 CNY, more than the cap") != std::string::npos);
    // Not capped: the ceiling alone.
    CHECK(codes(reward("16666666.66", "2025-06-01")["reasons"]) == Codes{"REWARD_CEILING"});
}

TEST_CASE("Rule S and Rule D: a year outside the validity states no ratio, only why it gets nothing", "[incentive][rule-s]") {
    // MIIT-2023-0315 is valid until 2026-12-20: no day of 2027 is within it, and the first year
    // (2028 after a claim) neither.
    njson r = subsidy({year(2026, "20000.00"), year(2027, "20000.00")}, "MIIT-2023-0315");
    REQUIRE(codes(r["years"][1]["reasons"]) == Codes{"SUBSIDY_OUTSIDE_VALIDITY"});
    CHECK(r["years"][1]["rate_percent"] == "0");
    CHECK(r["years"][1]["position"] == 2);
    r = subsidy({year(2027, "20000.00", "1000000.00", true), year(2028, "20000.00")}, "MIIT-2023-0315");
    for (int i : {0, 1}) {
        CHECK(codes(r["years"][i]["reasons"]) == Codes{"SUBSIDY_OUTSIDE_VALIDITY"});
        CHECK(r["years"][i]["rate_percent"] == "0");
        const std::string en = r["years"][i]["reasons"][0]["message_en"];
        CHECK(en.find("subsidised at") == std::string::npos);
    }
}

TEST_CASE("Rule S: at the end of the ladder the last ratio stays, with no rate comparison and no fall of 0 %",
          "[incentive][rule-s]") {
    // A pack like cn-cq-2024-9 with max_years 5: years 4 and 5 have no further step after 60 %.
    test::TempDir dir;
    std::string text = test::read_file(test::source("criteria/policies/cn-cq-2024-9.yaml"));
    const std::string from = "    max_years: 3\n";
    REQUIRE(text.find(from) != std::string::npos);
    text.replace(text.find(from), from.size(), "    max_years: 5\n");
    test::write_file(dir / "pack.yaml", text);
    const Policy pack = Policy::load(dir / "pack.yaml");
    incentive::Request request;
    request.clause = incentive::Request::Clause::premium_subsidy;
    request.certificate = "CQ-STT-2024-0017";  // valid 2024-05-12 to 2027-05-12
    for (int y = 2024; y <= 2027; ++y) request.years.push_back({y, 2000000, 100000000, false});
    request.years.push_back({2028, 1000000, 100000000, false});  // outside the validity
    TextBuffer out;
    JsonOut w(out);
    incentive::respond(w, pack, *engine().registry(), request);
    const njson r = njson::parse(out.str());
    const njson& y = r["years"];
    CHECK(codes(y[2]["reasons"]) == Codes{"SUBSIDY_NO_CLAIM_STEP"});
    CHECK(y[2]["rate_percent"] == "60");
    REQUIRE(codes(y[3]["reasons"]) == Codes{"SUBSIDY_NO_CLAIM_NO_FALL"});
    CHECK(y[3]["rate_percent"] == "60");
    CHECK(y[3]["subsidy"] == "12000.00");
    const std::string en = y[3]["reasons"][0]["message_en"], zh = y[3]["reasons"][0]["message_zh"];
    CHECK(en.find("2027 is subsidised at 60% (this pack's ratios for clause （二）, incentives.premium_subsidy.ratios_percent") !=
          std::string::npos);
    CHECK(en.find("not lower than the 60% of the year before") != std::string::npos);
    CHECK(en.find("fall of 0") == std::string::npos);
    CHECK(en.find("ratio's 0%") == std::string::npos);
    CHECK(en.find("premium rate went") == std::string::npos);
    CHECK(zh.find("补贴比例没有下降") != std::string::npos);
    CHECK(codes(y[4]["reasons"]) == Codes{"SUBSIDY_OUTSIDE_VALIDITY"});
    // The rule on values: the same at the bottom of a one-ratio ladder.
    Policy::Incentives::Subsidy one = *pack.incentives->premium_subsidy;
    one.ratios = {8000};
    const incentive::CertificateFinding cert = incentive::check_certificate(pack, *engine().registry(), "CQ-STT-2024-0017");
    const auto years = incentive::premium_subsidy(one, cert, {{2025, 100, 10000, false}, {2026, 100, 10000, false}});
    CHECK(years[1].reasons == std::vector<Code>{Code::SUBSIDY_NO_CLAIM_NO_FALL});
    CHECK(years[1].ratio == 8000);
}

TEST_CASE("Rule S: rate_percent is the ratio applied to the counted premium, kept for a premium of 0, 0 only when a rule gives nothing",
          "[incentive][rule-s]") {
    njson r = subsidy({year(2025, "0.00"), year(2026, "0.00", "1000000.00", true), year(2027, "0.00")});
    CHECK(r["years"][0]["rate_percent"] == "80");
    CHECK(r["years"][0]["subsidy"] == "0.00");
    CHECK(r["years"][0]["counted_premium"] == "0.00");
    CHECK(codes(r["years"][0]["reasons"]) == Codes{"SUBSIDY_FIRST_YEAR"});
    // 2026 is a step 80 -> 70: a rate of 0 % after 0 % did not fall, the exception does not hold
    // (0 <= 0 × 7/8 would say it did); the ratio 70 % is applied to a premium of 0.
    CHECK(r["years"][1]["rate_percent"] == "70");
    CHECK(r["years"][1]["subsidy"] == "0.00");
    CHECK(codes(r["years"][1]["reasons"]) == Codes{"SUBSIDY_NO_CLAIM_STEP"});
    CHECK(std::string(r["years"][1]["reasons"][0]["message_en"]).find("went from 0% to 0%, less of a fall") != std::string::npos);
    CHECK(r["years"][2]["rate_percent"] == "80");  // after a claim
    CHECK(r["total"] == "0.00");
    // A year a rule gives nothing: "0".
    r = subsidy({year(2025, "0.00"), year(2027, "100.00")});
    CHECK(r["years"][1]["rate_percent"] == "0");
    r = subsidy({year(2025, "100.00")}, "CQ-STT-2024-0033");  // revoked
    CHECK(r["years"][0]["rate_percent"] == "0");
}

TEST_CASE("Rule S: a rounded premium rate or ratio fall is marked as such, an exact one is not", "[incentive][rule-s]") {
    // 17,142.86 / 1,000,000 is 1.714286 %: shown as ≈1.7143, the needed fall 1/7 as ≈14.2857.
    njson r = subsidy({year(2025, "20000.00"), year(2026, "20000.00"), year(2027, "17142.86")});
    std::string en = r["years"][2]["reasons"][0]["message_en"];
    CHECK(en.find("went from 2% to ≈1.7143%") != std::string::npos);
    CHECK(en.find("≈14.2857%") != std::string::npos);
    r = subsidy({year(2025, "20000.00"), year(2026, "17500.00")});
    en = r["years"][1]["reasons"][0]["message_en"];
    CHECK(en.find("would step down from 80% to 70% (this pack's ratios for clause （二）, "
                  "incentives.premium_subsidy.ratios_percent, a fall of 12.5%)") != std::string::npos);
    CHECK(en.find("fell from 2% to 1.75%") != std::string::npos);
}

TEST_CASE("Incentive requests: bad amounts and years are SCHEMA errors with a stable code and the JSON Pointer",
          "[incentive][errors]") {
    auto reward_with = [](njson amount) {
        return njson{{"clause", "first_purchase_reward"}, {"certificate", "CQ-STT-2024-0017"}, {"amount_paid", amount},
                     {"paid_on", "2025-06-01"}};
    };
    struct Case {
        njson amount;
        const char* code;
    };
    for (const Case& c : {Case{"-1.00", "MONEY_NEGATIVE"}, Case{"1.005", "MONEY_PRECISION"}, Case{"1e3", "MONEY_FORMAT"},
                          Case{"1000000000000.00", "MONEY_RANGE"}, Case{"abc", "MONEY_FORMAT"}}) {
        const StatusError e = error_of(reward_with(c.amount));
        CHECK(e.status() == Status::schema);
        CHECK(e.code() == c.code);
        CHECK(e.where().path == "/amount_paid");
        CHECK(!e.message_zh().empty());
    }
    const StatusError number = error_of(reward_with(2200000));  // a JSON number, never money
    CHECK(number.status() == Status::schema);
    CHECK(number.where().path == "/amount_paid");
    njson r = {{"clause", "premium_subsidy"}, {"certificate", "X"}, {"years", njson::array({year(2025, "1.00", "0.00")})}};
    StatusError e = error_of(r);
    CHECK(e.code() == "MONEY_RANGE");
    CHECK(e.where().path == "/years/0/insured_amount");
    r["years"] = njson::array({year(2026, "1.00"), year(2025, "1.00")});
    e = error_of(r);
    CHECK(e.code() == "YEARS_ORDER");
    CHECK(e.where().path == "/years/1/year");
    r["years"] = njson::array({year(2026, "1.00"), year(2026, "1.00")});
    CHECK(error_of(r).code() == "YEARS_ORDER");
    CHECK(error_of(njson{{"clause", "first_purchase_reward"}, {"certificate", "X"}, {"amount_paid", "1.00"}}).status() ==
          Status::schema);
    CHECK(error_of(njson{{"clause", "premium_subsidy"}, {"certificate", "X"}}).status() == Status::schema);
    CHECK(error_of(njson{{"clause", "other"}, {"certificate", "X"}}).status() == Status::schema);
}

TEST_CASE("Incentive requests: the pack is the one with an incentives section, or the one named", "[incentive]") {
    njson r = {{"clause", "first_purchase_reward"}, {"certificate", "CQ-STT-2024-0017"}, {"amount_paid", "1.00"},
               {"paid_on", "2025-06-01"}, {"policy", "cn-cq-2024-9"}};
    CHECK(call(r)["eligible"] == true);
    r["policy"] = "no-such-pack";
    StatusError e = error_of(r);
    CHECK(e.status() == Status::not_found);
    CHECK(e.code() == "POLICY_UNKNOWN");
    CHECK(e.where().path == "/policy");
    r["policy"] = "cn-2023-127";  // the national guidance sets no amounts
    e = error_of(r);
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "POLICY_NO_INCENTIVES");
}

TEST_CASE("Incentive messages: every number a reason cites names the pack setting it comes from", "[incentive][wording]") {
    const Policy cq = Policy::load(test::source("criteria/policies/cn-cq-2024-9.yaml"));
    REQUIRE(cq.incentives);
    // The codes whose messages cite a percent, a cap or a limit of the pack.
    for (Code c : {Code::REWARD_CEILING, Code::REWARD_CAPPED, Code::SUBSIDY_FIRST_YEAR, Code::SUBSIDY_NO_CLAIM_STEP, Code::SUBSIDY_NO_CLAIM_NO_FALL,
                   Code::SUBSIDY_RATE_FELL, Code::SUBSIDY_AFTER_CLAIM, Code::SUBSIDY_RATE_CAPPED, Code::SUBSIDY_YEAR_CAPPED,
                   Code::SUBSIDY_YEARS_EXHAUSTED}) {
        const Message& m = cq.message(c);
        std::string en, zh;
        for (const auto& p : m.en.pieces) en += p.literal;
        for (const auto& p : m.zh.pieces) zh += p.literal;
        INFO(code_name(c));
        CHECK(en.find("this pack's") != std::string::npos);
        CHECK(en.find("incentives.") != std::string::npos);
        CHECK(zh.find("本政策包") != std::string::npos);
        CHECK(zh.find("incentives.") != std::string::npos);
    }
}

TEST_CASE("Messages citing a number name where it comes from: the points-share limit is every pack's own setting",
          "[incentive][wording][rule-l]") {
    for (const auto& entry : std::filesystem::directory_iterator(test::source("criteria/policies"))) {
        const Policy p = Policy::load(entry.path());
        if (!p.lint || !p.lint->check(LintCheck::deemed_points_share).enabled) continue;
        const Message& m = p.message(Code::DEEMED_POINTS_SHARE);
        std::string en, zh;
        for (const auto& piece : m.en.pieces) en += piece.literal;
        for (const auto& piece : m.zh.pieces) zh += piece.literal;
        INFO(entry.path().filename().string());
        CHECK(en.find("set by this policy pack (lint.checks.DEEMED_POINTS_SHARE.max_percent), a setting of this pack, "
                      "not a number of " + p.document) != std::string::npos);
        CHECK(zh.find("本政策包设定的") != std::string::npos);
        CHECK(zh.find("并非" + p.document + "规定的数值") != std::string::npos);
    }
}
