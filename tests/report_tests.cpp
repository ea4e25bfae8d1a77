// Rule U, the usage report (clause （五） 定期通报): `firstset-ledger report` over a fleet of three
// servers' ledgers written by the real library at scripted times (report_fleet.cpp), with exact
// totals per purchaser and quarter in JSON and CSV, the HTML and XLSX renderings, copies counted
// once, a tampered ledger reported and left out, and bad input refused with stable codes.
//
// The fleet (UTC record times; China dates differ only for T-B2):
//   eval-01  2025-11  evaluation T-A1, award T-A1 甲 P-1(key) 2200000.00
//            2026-02  evaluation T-A2, award T-A2 甲 P-1 1000000.50, failure major on T-A1,
//            2026-03  decision on it (final exempt), evaluation T-ORPHAN (no award)
//   eval-02  2026-02  award T-B1 乙 P-2 300000.25
//            2026-03-31T17:00Z = 2026-04-01 China: award T-B2 乙 (no project) 700000.00
//            2026-05  failures minor and critical on T-B1, decision (pending), 2026-06 decision (not exempt)
//   eval-03  2026-05  evaluation T-A3, award T-A3 甲 P-2 (no amount); 2026-08 award T-B3 乙 P-1 99.99
// Every award accepts the sample certificates; each evaluation deems 3 criteria met.
#include <catch2/catch.hpp>

#define VALIJSON_USE_EXCEPTIONS 1
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "support.hpp"

namespace {

using test::Run;
using json = nlohmann::json;

Run tool(const std::string& args) { return test::run(FIRSTSET_LEDGER_TOOL, args); }

struct Fleet {
    test::TempDir dir;
    std::string servers;
    Fleet() {
        servers = (dir / "servers").string();
        const Run r = test::run(FIRSTSET_REPORT_FLEET, servers);
        INFO(r.out);
        REQUIRE(r.status == 0);
        for (const char* node : {"eval-01", "eval-02", "eval-03"})
            std::filesystem::remove(dir / "servers" / (std::string(node) + ".yaml"));
    }
    std::string ledger(const char* node) const { return (dir / "servers" / (std::string(node) + ".jsonl")).string(); }
    // The report as JSON, checked against schemas/report.schema.json.
    json report(const std::string& args, int status = 0) const {
        const std::string out = (dir / "report.json").string();
        const Run r = tool("report " + args + " --format json --out " + out);
        INFO(r.out);
        REQUIRE(r.status == status);
        const json doc = json::parse(test::read_file(out));
        valid(doc);
        return doc;
    }
    static void valid(const json& doc) {
        const json schema_doc = json::parse(test::read_file(test::source("schemas/report.schema.json")));
        valijson::Schema schema;
        valijson::SchemaParser parser;
        valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
        parser.populateSchema(schema_adapter, schema);
        valijson::Validator validator;
        valijson::ValidationResults results;
        valijson::adapters::NlohmannJsonAdapter target(doc);
        const bool ok = validator.validate(schema, target, &results);
        std::string why;
        valijson::ValidationResults::Error e;
        while (results.popError(e)) {
            for (const auto& p : e.context) why += p;
            why += ": " + e.description + "\n";
        }
        INFO(why);
        CHECK(ok);
    }
};

const json& group(const json& report, const std::string& key) {
    for (const auto& g : report["groups"])
        if ((g["key"].is_null() && key.empty()) || (g["key"].is_string() && g["key"] == key)) return g;
    FAIL("no group " << key);
    static json none;
    return none;
}

const json& period(const json& counters_with_periods, const std::string& label) {
    for (const auto& p : counters_with_periods["periods"])
        if (p["period"] == label) return p;
    FAIL("no period " << label);
    static json none;
    return none;
}

const std::string A = "91500000EXAMPLE04J", B = "915001123456789ABC";
const std::string range = "--from 2025-10-01 --to 2026-09-30";

}  // namespace

TEST_CASE("Rule U: a quarterly report over three servers' ledgers, exact totals per purchaser and quarter", "[report]") {
    Fleet f;
    const json r = f.report(f.ledger("eval-01") + " " + f.ledger("eval-02") + " " + f.ledger("eval-03") + " " + range);
    REQUIRE(r["inputs"].size() == 3);
    for (const auto& in : r["inputs"]) {
        CHECK(in["verified"] == true);
        CHECK(in["included"] == true);
        CHECK(in["duplicates"] == 0);
        CHECK(in["head"]["seq"] == in["records"]);
    }
    std::vector<std::string> quarters;
    for (const auto& p : r["periods"]) quarters.push_back(p["period"]);
    CHECK(quarters == std::vector<std::string>{"2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"});

    const json& t = r["totals"];
    CHECK(t["awards"] == 6);
    CHECK(t["first_set_awards"] == 6);
    CHECK(t["amount"] == "4200100.74");
    CHECK(t["awards_without_amount"] == 1);
    CHECK(t["evaluations"] == 4);
    CHECK(t["criteria_deemed"] == 12);
    CHECK(t["failures"] == json{{"minor", 1}, {"major", 1}, {"critical", 1}, {"other", 0}});
    CHECK(t["decisions"]["final"] == json{{"exempt", 1}, {"not_exempt", 1}, {"pending", 1}});
    CHECK(period(t, "2025-Q4")["amount"] == "2200000.00");
    CHECK(period(t, "2026-Q1")["amount"] == "1300000.75");
    CHECK(period(t, "2026-Q2")["amount"] == "700000.00");  // T-B2 is 2026-04-01 in China
    CHECK(period(t, "2026-Q2")["first_set_awards"] == 2);
    CHECK(period(t, "2026-Q3")["amount"] == "99.99");

    const json& a = group(r, A);
    CHECK(a["name"] == "重庆甲集团（样例）");
    CHECK(a["total"]["first_set_awards"] == 3);
    CHECK(a["total"]["amount"] == "3200000.50");
    CHECK(a["total"]["amount_share"] == "76.19");  // 3200000.50 / 4200100.74 = 76.1886…
    CHECK(a["total"]["award_share"] == "50.00");
    CHECK(a["total"]["awards_without_amount"] == 1);
    CHECK(a["total"]["evaluations"] == 3);  // T-A1, T-A2, T-A3 joined by tender id
    CHECK(a["total"]["criteria_deemed"] == 9);
    CHECK(a["total"]["failures"]["major"] == 1);
    CHECK(a["total"]["decisions"]["final"]["exempt"] == 1);
    CHECK(period(a, "2026-Q1")["amount"] == "1000000.50");
    CHECK(period(a, "2026-Q1")["amount_share"] == "76.92");  // of 1300000.75
    CHECK(period(a, "2026-Q2")["amount"] == "0.00");
    CHECK(period(a, "2026-Q2")["amount_share"] == "0.00");
    CHECK(period(a, "2026-Q2")["award_share"] == "50.00");

    const json& b = group(r, B);
    CHECK(b["total"]["amount"] == "1000100.24");
    CHECK(b["total"]["amount_share"] == "23.81");
    CHECK(b["total"]["failures"] == json{{"minor", 1}, {"major", 0}, {"critical", 1}, {"other", 0}});
    CHECK(b["total"]["decisions"]["final"] == json{{"exempt", 0}, {"not_exempt", 1}, {"pending", 1}});
    CHECK(period(b, "2026-Q1")["amount_share"] == "23.08");
    CHECK(period(b, "2026-Q2")["amount_share"] == "100.00");
    CHECK(period(b, "2026-Q3")["amount_share"] == "100.00");

    const json& unknown = group(r, "");  // the evaluation of T-ORPHAN, a tender without an award
    CHECK(unknown["total"]["evaluations"] == 1);
    CHECK(unknown["total"]["awards"] == 0);
    CHECK(r["awards"].size() == 6);

    // The same figures as CSV: UTF-8 with a BOM, one header row, exact decimals.
    const std::string csv_path = (f.dir / "report.csv").string();
    REQUIRE(tool("report " + f.servers + " " + range + " --format csv --out " + csv_path).status == 0);
    const std::string csv = test::read_file(csv_path);
    CHECK(csv.rfind("\xEF\xBB\xBF期间 Period,", 0) == 0);
    CHECK(csv.find(",金额（元） Amount (yuan),") != std::string::npos);
    CHECK(csv.find("2026-Q1," + A + ",重庆甲集团（样例）,,1,1,1000000.50,76.92,50.00,0,") != std::string::npos);
    CHECK(csv.find("2026-Q1,,合计 Total,,2,2,1300000.75,100.00,100.00,") != std::string::npos);
    CHECK(csv.find("2025-10-01/2026-09-30," + B + ",重庆乙能源公司（样例）,,3,3,1000100.24,23.81,50.00,") != std::string::npos);
    CHECK(csv.find("2025-10-01/2026-09-30,,合计 Total,,6,6,4200100.74,100.00,100.00,1,") != std::string::npos);
}

TEST_CASE("Rule U: by project and by product, by month", "[report]") {
    Fleet f;
    json r = f.report(f.servers + " " + range + " --by project");
    CHECK(group(r, "P-1")["key_project"] == true);
    CHECK(group(r, "P-1")["total"]["amount"] == "3200100.49");  // 2200000.00 + 1000000.50 + 99.99
    CHECK(group(r, "P-2")["total"]["amount"] == "300000.25");
    CHECK(group(r, "P-2")["total"]["awards_without_amount"] == 1);
    CHECK(group(r, "")["total"]["amount"] == "700000.00");  // T-B2 names no project
    CHECK(group(r, "")["name"] == "未列明项目 No project given");

    r = f.report(f.servers + " " + range + " --by product");
    const json& cert = group(r, "CQ-STT-2024-0017");
    CHECK(cert["total"]["first_set_awards"] == 6);
    CHECK(cert["total"]["amount"] == "4200100.74");
    CHECK(cert["total"]["certificates"] == 1);

    r = f.report(f.servers + " --from 2026-02-01 --to 2026-04-30 --period month");
    std::vector<std::string> months;
    for (const auto& p : r["periods"]) months.push_back(p["period"]);
    CHECK(months == std::vector<std::string>{"2026-02", "2026-03", "2026-04"});
    CHECK(period(r["totals"], "2026-02")["amount"] == "1300000.75");
    CHECK(period(r["totals"], "2026-03")["amount"] == "0.00");
    CHECK(period(r["totals"], "2026-04")["amount"] == "700000.00");
    CHECK(r["totals"]["amount"] == "2000000.75");
}

TEST_CASE("Rule U: the HTML page has inline SVG charts, bilingual headings and no raw keys", "[report]") {
    Fleet f;
    const std::string path = (f.dir / "report.html").string();
    const Run run = tool("report " + f.servers + " " + range + " --out " + path);  // html is the default
    INFO(run.out);
    REQUIRE(run.status == 0);
    const std::string html = test::read_file(path);
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("<svg xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
    CHECK(html.find("<rect") != std::string::npos);
    for (const char* heading : {"首台（套）重大技术装备使用情况通报", "账本 Ledgers", "图表 Charts", "授标明细 Awards",
                                "首台（套）授标金额（按采购人） First-set award amounts by Purchaser", "故障（按严重程度） Failures by severity",
                                "容错结果（最终决定） Tolerance outcomes (final decisions)", "2026-Q1", "3200000.50", "76.19"})
        CHECK(html.find(heading) != std::string::npos);
    for (const char* raw : {"first_set_awards", "not_exempt", "deemed_met", "failure_report", "tolerance_decision",
                            "amount_share", "criteria_deemed", "state_owned", "\"amount\"", "<script", "http://", "https://"}) {
        INFO(raw);
        const auto at = html.find(raw);
        // the SVG namespace is the only URL allowed
        if (std::string(raw) == "http://") {
            std::string stripped = html;
            for (std::size_t p; (p = stripped.find("http://www.w3.org/2000/svg")) != std::string::npos;) stripped.erase(p, 26);
            CHECK(stripped.find(raw) == std::string::npos);
        } else {
            CHECK(at == std::string::npos);
        }
    }
}

TEST_CASE("Rule U: the quarterly report opens in Chromium with its charts painted", "[report][browser]") {
    // The issue's "opens in a browser with its charts": Debian's headless Chromium paints the page
    // (tests/render/render.sh) and the bars of the charts are there in the palette's colours.
    Fleet f;
    const std::string page = (f.dir / "report.html").string(), out = (f.dir / "painted").string();
    REQUIRE(tool("report " + f.servers + " " + range + " --out " + page).status == 0);
    const Run render = test::run("bash", test::source("tests/render/render.sh").string() + " " + page + " " + out + " 1280,3000");
    INFO(render.out);
    REQUIRE(render.status == 0);
    const Run colours = test::run("python3", test::source("tests/render/png_colors.py").string() + " " + out +
                                                 ".png 8b1a1a 2d6a9f d9822b 5a8f29");
    INFO(colours.out);
    REQUIRE(colours.status == 0);
    const auto painted = nlohmann::json::parse(colours.out);
    CHECK(painted["width"] == 1280);
    CHECK(painted["dark"].get<long>() > 20000);  // the tables' text
    // Bars in at least two of the palette's colours, each a real area, not a stray pixel.
    int bars = 0;
    for (const auto& [colour, count] : painted["colors"].items()) bars += count.get<long>() > 400;
    CHECK(bars >= 2);
    // The DOM Chromium built holds the charts as SVG with their bars.
    const std::string dom = test::read_file(out + ".dom.html");
    CHECK(dom.find("<svg") != std::string::npos);
    CHECK(std::count(dom.begin(), dom.end(), '<') > 200);
    CHECK(dom.find("<rect") != std::string::npos);
}

TEST_CASE("Rule U: the XLSX opens and carries the same totals", "[report]") {
    Fleet f;
    const std::string path = (f.dir / "report.xlsx").string();
    const Run run = tool("report " + f.servers + " " + range + " --format xlsx --out " + path);
    INFO(run.out);
    REQUIRE(run.status == 0);
    const std::string script = (f.dir / "read.py").string();
    test::write_file(script, R"PY(import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
book = z.read("xl/workbook.xml").decode()
print("sheets:", re.findall(r'<sheet name="([^"]+)"', book))
strings = z.read("xl/sharedStrings.xml").decode()
print("strings:", "4200100.74" in strings, "3200000.50" in strings, "合计 Total" in strings)
sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
print("numbers:", sorted(set(re.findall(r"<v>([0-9.]+)</v>", sheet1)) & {"4200100.74", "3200000.5", "1000100.24", "76.19", "23.81"}))
)PY");
    const Run py = test::run("python3", script + " " + path);
    INFO(py.out);
    REQUIRE(py.status == 0);
    CHECK(py.out.find("sheets: ['汇总 Summary', '分期 By period', '授标 Awards', '账本 Ledgers']") != std::string::npos);
    CHECK(py.out.find("strings: True True True") != std::string::npos);
    CHECK(py.out.find("numbers: ['1000100.24', '23.81', '3200000.5', '4200100.74', '76.19']") != std::string::npos);
}

TEST_CASE("Rule U: a ledger's archive copy is counted once, a tampered ledger is reported and left out", "[report]") {
    Fleet f;
    // The archive holds eval-01 as the server's file (reassembled) and an older, shorter copy.
    const std::string one = test::read_file(f.ledger("eval-01"));
    test::write_file(f.dir / "archive" / "eval-01.jsonl", one);
    std::string older = one;
    for (int i = 0; i < 3; ++i) older.erase(older.rfind('\n', older.size() - 2) + 1);
    test::write_file(f.dir / "archive" / "eval-01-older.jsonl", older);
    json r = f.report(f.servers + " " + (f.dir / "archive").string() + " " + range);
    REQUIRE(r["inputs"].size() == 5);
    CHECK(r["totals"]["amount"] == "4200100.74");
    CHECK(r["totals"]["evaluations"] == 4);
    CHECK(r["totals"]["failures"]["major"] == 1);
    std::uint64_t duplicates = 0;
    for (const auto& in : r["inputs"]) duplicates += in["duplicates"].get<std::uint64_t>();
    CHECK(duplicates == 8 + 5);

    // A changed byte in eval-03's award T-A3 (record 3): the chain breaks at record 4.
    std::string three = test::read_file(f.ledger("eval-03"));
    const auto line3 = three.find("{\"seq\":3,");
    const auto at = three.find("T-A3", line3);
    REQUIRE(at != std::string::npos);
    three[at + 3] = '9';
    test::write_file(f.ledger("eval-03"), three);
    r = f.report(f.servers + " " + range, 1);
    const json* bad = nullptr;
    for (const auto& in : r["inputs"])
        if (in["verified"] == false) bad = &in;
    REQUIRE(bad != nullptr);
    CHECK((*bad)["path"] == f.ledger("eval-03"));
    CHECK((*bad)["included"] == false);
    CHECK((*bad)["problem"]["code"] == "CHAIN_BROKEN");
    CHECK(r["totals"]["amount"] == "4200000.75");  // without T-B3 (99.99)
    CHECK(r["totals"]["awards"] == 4);
    const Run stderr_run = tool("report " + f.servers + " " + range + " --format json --out " + (f.dir / "x.json").string());
    CHECK(stderr_run.status == 1);
    CHECK(stderr_run.out.find("REPORT_LEDGER_EXCLUDED") != std::string::npos);
    CHECK(stderr_run.out.find("CHAIN_BROKEN") != std::string::npos);

    r = f.report(f.servers + " " + range + " --include-unverified", 1);
    CHECK(r["totals"]["amount"] == "4200100.74");
    CHECK(r["totals"]["awards"] == 6);

    // A line that is no record: reported, never a crash.
    test::write_file(f.ledger("eval-03"), three + "not a record\n");
    r = f.report(f.servers + " " + range + " --include-unverified", 1);
    bool reported = false;
    for (const auto& p : r["problems"]) reported = reported || p["code"] == "REPORT_BAD_LINE";
    CHECK(reported);
}

TEST_CASE("Rule U: copies of one ledger that hold different records are reported, the difference counted once", "[report]") {
    Fleet f;
    // A copy of eval-01 whose last record was changed: its chain still verifies (no record names the
    // last one's id), but it is not the server's record any more.
    std::string copy = test::read_file(f.ledger("eval-01"));
    const auto last = copy.rfind('\n', copy.size() - 2) + 1;
    const auto time = copy.find("\"time\":\"", last) + 8;
    copy[time + 3] = copy[time + 3] == '0' ? '1' : '0';  // another year in the last record's time
    test::write_file(f.dir / "forked" / "eval-01-copy.jsonl", copy);
    const json plain = f.report(f.servers + " " + range);
    const json r = f.report(f.servers + " " + (f.dir / "forked").string() + " " + range, 1);
    CHECK(r["totals"] == plain["totals"]);  // nothing counted twice
    bool reported = false;
    for (const auto& p : r["problems"])
        if (p["code"] == "REPORT_COPIES_DIFFER") reported = true;
    CHECK(reported);
}

TEST_CASE("Rule U: bad input is refused with a stable code, in Chinese and English", "[report]") {
    Fleet f;
    struct Case {
        std::string args;
        int status;
        const char* code;
    };
    const std::string l = f.ledger("eval-01");
    test::write_file(f.dir / "empty" / "notes.txt", "");
    for (const Case& c : std::vector<Case>{
             {(f.dir / "none.jsonl").string() + " " + range, 3, "REPORT_UNREADABLE"},
             {(f.dir / "empty").string() + " " + range, 3, "REPORT_NO_LEDGER_IN_DIRECTORY"},
             {l + " --from 2026-02-30 --to 2026-03-01", 2, "REPORT_BAD_DATE"},
             {l + " --from 2026/01/01 --to 2026-03-01", 2, "REPORT_BAD_DATE"},
             {l + " --from 2026-04-01 --to 2026-03-01", 2, "REPORT_DATES_REVERSED"},
             {l + " --to 2026-03-01", 2, "REPORT_NEEDS_DATES"},
             {l + " " + range + " --by bidder", 2, "REPORT_BAD_BY"},
             {l + " " + range + " --format pdf", 2, "REPORT_BAD_FORMAT"},
             {l + " " + range + " --period week", 2, "REPORT_BAD_PERIOD"},
             {l + " " + range + " --format xlsx", 2, "REPORT_XLSX_NEEDS_OUT"},
             {range, 2, "REPORT_NO_LEDGER"},
         }) {
        const Run r = tool("report " + c.args);
        INFO(c.args << "\n" << r.out);
        CHECK(r.status == c.status);
        if (c.code) {
            CHECK(r.out.find(std::string("错误 [") + c.code + "]：") != std::string::npos);
            CHECK(r.out.find(std::string("error [") + c.code + "]: ") != std::string::npos);
        }
    }
    CHECK(tool("show " + l + " x y").status == 2);  // only report takes many ledgers
}
