// The example host's command line, run as a user runs it: the ranked result on the sample
// tender, its JSON, and the exit status and message for each kind of bad input.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>

#include "support.hpp"

namespace {

using test::Run;

Run host(const std::string& args) { return test::run(FIRSTSET_HOST, args); }

std::string sample_args(const std::string& extra = "") {
    return "evaluate --config " + test::source("examples/config.yaml").string() + " " + extra + " " +
           test::source("examples/tender-CQJT-2026-014.yaml").string();
}

const nlohmann::json& bid(const nlohmann::json& report, const std::string& id) {
    for (const auto& r : report["ranking"])
        if (r["bid"] == id) return r;
    FAIL("no bid " << id);
    throw;
}

}  // namespace

TEST_CASE("Host: the sample tender is ranked by comprehensive score with the first-set policy applied", "[host]") {
    Run r = host(sample_args("--json"));
    INFO(r.out);
    REQUIRE(r.status == 0);
    auto report = nlohmann::json::parse(r.out);
    CHECK(report["evaluation_date"] == "2026-03-16");
    // B4 claims a certificate held by another company: C7 (a pass/fail track record) is not
    // deemed, the committee found it not met, so the bid is invalid and its low price ignored.
    const auto& b4 = bid(report, "B4");
    CHECK(b4["valid"] == false);
    CHECK(b4["rank"].is_null());
    CHECK(b4["failed"] == nlohmann::json::array({"C7"}));
    // Price points: lowest valid price 2,150,000 (B2) / price x 50, rounded half up at display.
    //   B1: 2150000 / 2200000 x 50 = 48.8636... -> 48.86;  B3: 2150000 / 2390000 x 50 = 44.979... -> 44.98
    const auto& b1 = bid(report, "B1");
    CHECK(b1["criteria"][0]["points"] == "48.86");
    CHECK(bid(report, "B2")["criteria"][0]["points"] == "50.00");
    CHECK(bid(report, "B3")["criteria"][0]["points"] == "44.98");
    // Technical points are the experts' average: B1 (22 + 23.5 + 22.5) / 3 = 22.666... -> 22.67
    CHECK(b1["criteria"][1]["points"] == "22.67");
    // Clause (4): B1's certified equipment is deemed to meet C4 (10) and C5 (5), which its
    // evidence (no track record, no market share) would score 0.
    CHECK(b1["criteria"][3]["outcome"] == "deemed_met");
    CHECK(b1["criteria"][3]["points"] == "10.00");
    CHECK(b1["criteria"][3]["points_by_evidence"] == "0.00");
    CHECK(b1["criteria"][4]["points"] == "5.00");
    // B1 total = 48.8636.. + 22.666.. + 4.1666.. + 10 + 5 = 90.697.. -> 90.70, ahead of B2 (90.17).
    CHECK(b1["total"] == "90.70");
    CHECK(b1["total_by_evidence"] == "75.70");
    CHECK(b1["rank"] == 1);
    CHECK(bid(report, "B2")["rank"] == 2);
    CHECK(bid(report, "B2")["total"] == "90.17");
    // B3's swap-station certificate expired on 2025-03-25: C4 (I1 and I2) falls back to its
    // evidence (1 contract: 3 points) while C5 (I1 only) is still deemed met.
    const auto& b3 = bid(report, "B3");
    CHECK(b3["criteria"][3]["outcome"] == "claim_rejected");
    CHECK(b3["criteria"][3]["points"] == "3.00");
    CHECK(b3["criteria"][4]["outcome"] == "deemed_met");
    CHECK(b3["rank"] == 3);
}

TEST_CASE("Host: the table lines up Chinese and ASCII text and explains every adjusted criterion", "[host]") {
    Run r = host(sample_args("--lang zh"));
    REQUIRE(r.status == 0);
    CHECK(r.out.find("视同满足") != std::string::npos);
    CHECK(r.out.find("渝经信规范〔2024〕9号（四）") != std::string::npos);
    CHECK(r.out.find("CERT_EXPIRED") != std::string::npos);
    CHECK(r.out.find("MANUFACTURER_MISMATCH") != std::string::npos);
    CHECK(r.out.find("USCC_CHECKSUM") != std::string::npos);
    CHECK(r.out.find("deemed") == std::string::npos);  // Chinese only
    // The totals column starts at the same display column on every ranked row.
    std::vector<int> columns;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find("2,") == std::string::npos || line.find("无效") != std::string::npos) continue;
        const auto at = line.find("2,");  // the price column
        int width = 0;
        for (std::size_t i = 0; i < at;) {
            unsigned char c = static_cast<unsigned char>(line[i]);
            std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            width += n >= 3 ? 2 : 1;  // CJK characters and full-width forms take two columns
            i += n;
        }
        columns.push_back(width);
    }
    REQUIRE(columns.size() == 3);
    CHECK(columns[0] == columns[1]);
    CHECK(columns[1] == columns[2]);
}

TEST_CASE("Host: help and usage errors", "[host]") {
    Run r = host("--help");
    CHECK(r.status == 0);
    CHECK(r.out.find("evaluate --config") != std::string::npos);
    CHECK(host("").status == 2);
    r = host("rank --config x y");
    CHECK(r.status == 2);
    CHECK(r.out.find("unknown command") != std::string::npos);
    CHECK(host("evaluate " + test::source("examples/tender-CQJT-2026-014.yaml").string()).status == 2);  // no --config
    CHECK(host(sample_args("--lang fr")).status == 2);
    CHECK(host(sample_args("--no-such-option")).status == 2);
}

TEST_CASE("Host: an unusable input file exits 3 with the file and line", "[host]") {
    test::TempDir dir;
    const std::string config = test::source("examples/config.yaml").string();
    Run r = host("evaluate --config " + config + " " + (dir / "missing.yaml").string());
    CHECK(r.status == 3);
    CHECK(r.out.find("错误") != std::string::npos);
    CHECK(r.out.find("error:") != std::string::npos);

    std::string text = test::read_file(test::source("examples/tender-CQJT-2026-014.yaml"));
    test::write_file(dir / "t.yaml", text.substr(0, text.find("bids:")) + "bids: [\n");
    r = host("evaluate --config " + config + " " + (dir / "t.yaml").string());
    CHECK(r.status == 3);
    CHECK(r.out.find("t.yaml:") != std::string::npos);

    std::string bad_price = text;
    bad_price.replace(bad_price.find("\"2200000.00\""), 12, "\"2,200,000\"");
    test::write_file(dir / "p.yaml", bad_price);
    r = host("evaluate --config " + config + " " + (dir / "p.yaml").string());
    CHECK(r.status == 3);
    CHECK(r.out.find("without separators") != std::string::npos);
}

TEST_CASE("Host: an unusable plugin or configuration exits 4", "[host]") {
    test::TempDir dir;
    Run r = host(sample_args("--plugin " + (dir / "libnothing.so").string()));
    CHECK(r.status == 4);
    CHECK(r.out.find("cannot load the plugin") != std::string::npos);
    test::write_file(dir / "c.yaml", "policy: nowhere.yaml\nregistry: {file: nowhere.yaml}\n");
    r = host("evaluate --config " + (dir / "c.yaml").string() + " " + test::source("examples/tender-CQJT-2026-014.yaml").string());
    CHECK(r.status == 4);
    CHECK(r.out.find("FILE_UNREADABLE") != std::string::npos);
}

TEST_CASE("Host: a bid the plugin refuses exits 5 naming the bid and the place", "[host]") {
    test::TempDir dir;
    std::string text = test::read_file(test::source("examples/tender-CQJT-2026-014.yaml"));
    text.replace(text.find("uscc: 91500103EXAMPLE08F"), 24, "uscc: 91500103EXAMPLE08");  // 17 characters
    test::write_file(dir / "t.yaml", text);
    Run r = host("evaluate --config " + test::source("examples/config.yaml").string() + " " + (dir / "t.yaml").string());
    CHECK(r.status == 5);
    CHECK(r.out.find("bid B2") != std::string::npos);
    CHECK(r.out.find("/bid/bidder/uscc") != std::string::npos);
    CHECK(r.out.find("USCC_FORMAT") != std::string::npos);
}

TEST_CASE("Host: lint reports each discriminatory criterion with its reason and clause, and exits 6 on errors",
          "[host][lint]") {
    const std::string config = test::source("examples/config.yaml").string();
    // The Chongqing sample scores market share.
    Run r = host("lint --lang en --config " + config + " " + test::source("examples/tender-CQJT-2026-014.yaml").string());
    CHECK(r.status == 6);
    CHECK(r.out.find("Policy  渝经信规范〔2024〕9号 (cn-cq-2024-9)") != std::string::npos);
    CHECK(r.out.find("✗ error  C5 市场占有率") != std::string::npos);
    CHECK(r.out.find("[SCORE_BY_MARKET_SHARE]") != std::string::npos);
    CHECK(r.out.find("at /criteria/4/name") != std::string::npos);
    CHECK(r.out.find("Result: not passed") != std::string::npos);

    // The Sichuan sample of a state-owned enterprise: the national pack, three errors.
    r = host("lint --json --config " + config + " " + test::source("examples/tender-SCNY-2026-031.yaml").string());
    CHECK(r.status == 6);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["policy"]["id"] == "cn-2023-127");
    std::vector<std::string> codes;
    for (const auto& f : j["findings"]) codes.push_back(f["code"]);
    CHECK(codes == std::vector<std::string>{"TRACK_RECORD_REGION", "SCALE_CONDITION", "DATA_LOCALITY_REQUIREMENT_MISSING"});
    // Issue 11: each finding shows its wording, the words that triggered it in 【】 and the track
    // record they limit in 〔〕 (colours on a terminal; the test reads a pipe).
    r = host("lint --lang zh --config " + config + " " + test::source("examples/tender-SCNY-2026-031.yaml").string());
    CHECK(r.out.find("原文 description: 近三年【在四川省内】完成的燃煤机组烟气超低排放改造项目〔业绩〕") != std::string::npos);
    CHECK(r.out.find("原文 description: 投标人【注册资本】不低于１亿元") != std::string::npos);
    CHECK(r.out.find("\033[") == std::string::npos);

    // Fixed, it passes: exit 0. A bare tender (no `tender:` wrapper, no bids) is read too.
    test::TempDir dir;
    std::string text = test::read_file(test::source("examples/tender-SCNY-2026-031.yaml"));
    text = text.substr(0, text.find("\nbids:"));
    auto replace = [&](const std::string& from, const std::string& to) {
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
    };
    replace("近三年在四川省内完成的", "近三年完成的");
    replace("投标人注册资本不低于１亿元的得５分，否则不得分。", "投标人售后服务网点覆盖项目所在地的得５分。");
    replace("text: 注册资本达到1亿元", "text: 服务网点覆盖");
    replace("投标人须书面承诺。}", "投标人须书面承诺。}\n    - {id: R2, text: 运营中收集和产生的个人信息和重要数据应当在境内存储。}");
    test::write_file(dir / "fixed.yaml", text);
    r = host("lint --lang zh --config " + config + " " + (dir / "fixed.yaml").string());
    INFO(r.out);
    CHECK(r.status == 0);
    CHECK(r.out.find("未发现歧视性评审标准") != std::string::npos);
    CHECK(r.out.find("结论：通过") != std::string::npos);

    // No pack for the tender: a configuration problem, exit 4, naming the packs.
    replace("ownership: state_owned", "ownership: private");
    test::write_file(dir / "private.yaml", text);
    r = host("lint --config " + config + " " + (dir / "private.yaml").string());
    CHECK(r.status == 4);
    CHECK(r.out.find("NO_POLICY_FOR_TENDER") != std::string::npos);
    // A file without a tender: exit 3 with the file.
    test::write_file(dir / "empty.yaml", "bids: []\n");
    r = host("lint --config " + config + " " + (dir / "empty.yaml").string());
    CHECK(r.status == 3);
    CHECK(r.out.find("empty.yaml") != std::string::npos);
}

TEST_CASE("Host: serve answers each JSON line with one line, an error document for a bad one (issue 5)", "[host]") {
    test::TempDir dir;
    const std::string request = test::read_file(test::source("tests/data/request-b1.json"));
    std::string compact = nlohmann::json::parse(request).dump();
    test::write_file(dir / "in.jsonl", "{\"evaluate\": " + compact + "}\nnot json\n{\"fly\": {}}\n\n{\"status\": {}}\n" +
                                           "{\"evaluate\": {\"tender\": 1}}\n" +
                                           R"({"incentive": {"clause":"first_purchase_reward","certificate":"CQ-STT-2024-0017",)"
                                           R"("amount_paid":"2200000.00","paid_on":"2026-04-20"}})" "\n");
    const test::Run r = test::run(FIRSTSET_HOST, "serve --config " + test::source("examples/config.yaml").string() + " < " +
                                                     (dir / "in.jsonl").string());
    INFO(r.out);
    REQUIRE(r.status == 0);
    std::vector<nlohmann::json> answers;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) answers.push_back(nlohmann::json::parse(line));
    REQUIRE(answers.size() == 6);  // the blank line gets no answer
    CHECK(answers[0]["registry"]["version"] == "2026-11-01");
    CHECK(answers[1]["error"]["code"] == "SERVE_BAD_LINE");
    CHECK(answers[1]["error"]["status"] == "PARSE");
    CHECK(answers[2]["error"]["code"] == "SERVE_UNKNOWN_OPERATION");
    CHECK(answers[3]["registry"]["source"].is_null());  // status: a registry file
    CHECK(answers[4]["error"]["status"] == "SCHEMA");   // the plugin's own answer to a bad request
    CHECK(answers[4]["error"]["path"] == "/bid");  // names what is missing
    CHECK(answers[5]["max_reward"] == "660000.00");   // Rule R through serve too (30 % of 2,200,000.00)
}

TEST_CASE("Host: incentive prints the reward ceiling and the premium subsidy for a certified machine, exactly",
          "[host][incentive]") {
    const std::string config = test::source("examples/config.yaml").string();
    const std::string sample = test::source("examples/requests/incentive-CQJT-2026-014.json").string();
    Run r = host("incentive --config " + config + " " + sample);
    INFO(r.out);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("首购首用奖励 First-purchase reward") != std::string::npos);
    CHECK(r.out.find("660000.00") != std::string::npos);
    CHECK(r.out.find("择优") != std::string::npos);
    CHECK(r.out.find("保费补贴 Insurance premium subsidy") != std::string::npos);
    // 2026: 55,000 is 2.5 % of 2,200,000, subsidised at 80 %: 44,000.00. 2027: the rate fell from
    // 2.5 % to 2.1818 %, more than the ratio's 12.5 %, so 80 % stands: 38,400.00.
    CHECK(r.out.find("44000.00") != std::string::npos);
    CHECK(r.out.find("38400.00") != std::string::npos);
    CHECK(r.out.find("82400.00") != std::string::npos);
    CHECK(r.out.find("[SUBSIDY_RATE_FELL]") != std::string::npos);
    CHECK(r.out.find("[SUBSIDY_TALENT_PLAN_TIE]") != std::string::npos);
    CHECK(r.out.find("this pack's setting for clause （一）") != std::string::npos);

    r = host("incentive --json --config " + config + " " + sample);
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() == 2);
    CHECK(j[0]["max_reward"] == "660000.00");
    CHECK(j[1]["total"] == "82400.00");

    test::TempDir dir;
    test::write_file(dir / "bad.json",
                     R"({"clause": "first_purchase_reward", "certificate": "CQ-STT-2024-0017", "amount_paid": "1.005", "paid_on": "2026-04-20"})");
    r = host("incentive --config " + config + " " + (dir / "bad.json").string());
    CHECK(r.status == 5);
    CHECK(r.out.find("MONEY_PRECISION") != std::string::npos);
    CHECK(r.out.find("/amount_paid") != std::string::npos);
    test::write_file(dir / "garbage.json", "not json");
    CHECK(host("incentive --config " + config + " " + (dir / "garbage.json").string()).status == 3);
    // One refused request in a batch loses none of the others: its place holds its error document.
    test::write_file(dir / "batch.json", "[" + test::read_file(dir / "bad.json") + "," +
                                             R"({"clause": "first_purchase_reward", "certificate": "CQ-STT-2024-0017", )"
                                             R"("amount_paid": "2200000.00", "paid_on": "2026-04-20"}])");
    r = host("incentive --json --config " + config + " " + (dir / "batch.json").string());
    CHECK(r.status == 5);
    CHECK(r.out.find("request 1 cannot be answered") != std::string::npos);  // on standard error
    const std::size_t from = r.out.find("[\n  {"), to = r.out.find("\n]", from);
    REQUIRE(to != std::string::npos);
    const auto batch = nlohmann::json::parse(r.out.substr(from, to + 2 - from));
    REQUIRE(batch.size() == 2);
    CHECK(batch[0]["error"]["code"] == "MONEY_PRECISION");
    CHECK(batch[1]["max_reward"] == "660000.00");
}
