// firstset-registry as a registry publisher runs it (docs/contract.md section 10, issue 10):
// import a list, sign it, and evaluate a bid against it with the example host; the exit
// statuses; and a failed import that leaves the previous registry as it was.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "support.hpp"

namespace {

using test::Run;

Run registry_tool(const std::string& args) { return test::run(FIRSTSET_REGISTRY_TOOL, args); }

}  // namespace

TEST_CASE("Tool: import writes a registry atomically and a failed import leaves the old one untouched", "[lists][tool]") {
    test::TempDir dir;
    const std::string out = (dir / "registry.json").string();
    const std::string list = test::source("examples/lists/cq-2024-batch1.csv").string();
    const std::string options = " --issuer CN-CQ --document 渝经信发〔2024〕25号 --batch 第一批 --recognized 2024-05-12 --out " + out;
    const Run ok = registry_tool("import " + list + options);
    INFO(ok.out);
    REQUIRE(ok.status == 0);
    const std::string written = test::read_file(out);
    const auto doc = nlohmann::json::parse(written);
    CHECK(doc["certificates"].size() >= 10);
    struct stat st{};
    REQUIRE(::stat(out.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);  // a registry is published, not secret
    // A list with an empty company name: exit 3, the row named, the registry as it was.
    test::write_file(dir / "bad.csv", "序号,企业名称,产品名称\n1,重庆示例机床有限公司,数控滚齿机(YK3120)\n2,,驼峰重载无人机\n");
    const Run bad = registry_tool("import " + (dir / "bad.csv").string() + options);
    CHECK(bad.status == 3);
    CHECK(bad.out.find("LIST_EMPTY_COMPANY") != std::string::npos);
    CHECK(bad.out.find("bad.csv:3") != std::string::npos);
    CHECK(test::read_file(out) == written);
    // Usage errors: exit 2.
    CHECK(registry_tool("import " + list + " --issuer CN-CQ --recognized 2024-05-12").status == 2);
    CHECK(registry_tool("import " + list + " --issuer Chongqing --document X --recognized 2024-05-12").status == 2);
    CHECK(registry_tool("frobnicate").status == 2);
    const Run help = registry_tool("--help");
    CHECK(help.status == 0);
    CHECK(help.out.find("firstset-registry import LIST") != std::string::npos);
}

TEST_CASE("Tool: diff prints a table or JSON and says by its exit status whether registries differ", "[lists][tool][diff]") {
    test::TempDir dir;
    const std::string a = (dir / "a.json").string(), b = (dir / "b.json").string();
    const std::string options = " --issuer CN-CQ --document 渝经信发〔2024〕25号 --batch 第一批 --recognized 2024-05-12 --out ";
    REQUIRE(registry_tool("import " + test::source("examples/lists/cq-2024-batch1.csv").string() + options + a).status == 0);
    REQUIRE(registry_tool("import " + test::source("examples/lists/cq-2024-batch1.xlsx").string() + options + b).status == 0);
    // The same list as CSV and as a workbook: the same entries.
    const Run same = registry_tool("diff " + a + " " + b);
    INFO(same.out);
    CHECK(same.status == 0);
    CHECK(same.out.find("identical") != std::string::npos);
    // Revoke one entry and drop another.
    auto doc = nlohmann::json::parse(test::read_file(b));
    const std::string revoked = doc["certificates"][0]["id"], removed = doc["certificates"][1]["id"];
    doc["certificates"][0]["status"] = "revoked";
    doc["certificates"].erase(1);
    test::write_file(b, doc.dump());
    const Run table = registry_tool("diff " + a + " " + b);
    CHECK(table.status == 1);
    CHECK(table.out.find("! " + revoked) != std::string::npos);
    CHECK(table.out.find("- " + removed) != std::string::npos);
    const Run json = registry_tool("diff --json " + a + " " + b);
    CHECK(json.status == 1);
    const auto j = nlohmann::json::parse(json.out);
    CHECK(j["revoked"][0]["id"] == revoked);
    CHECK(j["removed"][0]["id"] == removed);
    CHECK(registry_tool("diff " + a + " " + (dir / "missing.json").string()).status == 3);
}

TEST_CASE("Tool: a Chongqing-shaped Excel list imported, signed and used: bids naming makers without a USCC are accepted with warnings (Rules C5' C6')", "[lists][tool]") {
    test::TempDir dir;
    const std::string registry = (dir / "registry.json").string();
    const Run imported = registry_tool("import " + test::source("examples/lists/cq-2024-batch1.xlsx").string() +
                                       " --issuer CN-CQ --document 渝经信发〔2024〕25号 --batch 第一批 --recognized 2024-05-12 --out " + registry);
    INFO(imported.out);
    REQUIRE(imported.status == 0);
    REQUIRE(test::run(FIRSTSET_LEDGER_TOOL, "keygen cq-registry --out " + (dir / "cq").string()).status == 0);
    REQUIRE(test::run(FIRSTSET_LEDGER_TOOL, "sign " + registry + " --key " + (dir / "cq.key").string()).status == 0);
    const std::string pub = test::read_file(dir / "cq.pub");
    test::write_file(dir / "config.yaml", "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                                              "\nregistry: {file: registry.json, public_key: \"" + pub.substr(0, pub.find('\n')) + "\"}\n");
    const std::string tender = test::source("examples/lists/tender-CQZB-2026-022.yaml").string();
    const Run evaluated = test::run(FIRSTSET_HOST, "evaluate --lang en --config " + (dir / "config.yaml").string() + " " + tender);
    INFO(evaluated.out);
    CHECK(evaluated.status == 0);
    // Both certificates accepted: the ids the tender cites are the ones the import made.
    CHECK(evaluated.out.find("2024-25-5c6b55-001 (I1) accepted") != std::string::npos);
    CHECK(evaluated.out.find("2024-25-5c6b55-011 (I2) accepted") != std::string::npos);
    CHECK(evaluated.out.find("HOLDER_MATCHED_BY_NAME") != std::string::npos);
    CHECK(evaluated.out.find("MODEL_NOT_LISTED") != std::string::npos);
    // A registry changed after signing is refused.
    test::write_file(registry, test::read_file(registry) + " ");
    const Run tampered = test::run(FIRSTSET_HOST, "evaluate --config " + (dir / "config.yaml").string() + " " + tender);
    CHECK(tampered.status == 4);
    CHECK(tampered.out.find("REGISTRY_BAD_SIGNATURE") != std::string::npos);
}

TEST_CASE("Tool: a Jiangsu-shaped Word list and a national energy list import with the models inside their names", "[lists][tool]") {
    test::TempDir dir;
    const std::string js = (dir / "js.json").string(), nea = (dir / "nea.json").string();
    const Run a = registry_tool("import " + test::source("examples/lists/js-2023-392.docx").string() +
                                " --issuer CN-JS --document 苏工信装备〔2023〕392号 --recognized 2023-09-13 --out " + js);
    INFO(a.out);
    REQUIRE(a.status == 0);
    const auto j = nlohmann::json::parse(test::read_file(js))["certificates"];
    REQUIRE(j.size() == 10);
    CHECK(j[0]["model"] == "CGTR-01");
    CHECK(j[1]["model"] == "GRT200-TM20");
    CHECK(j[3]["holder"]["name"] == j[2]["holder"]["name"]);  // one company merged over two rows
    CHECK(j[3].count("model") == 0);
    CHECK(j[9]["model"] == "YBT-450");
    const Run b = registry_tool("import " + test::source("examples/lists/nea-2021.xlsx").string() +
                                " --issuer CN-NEA --document 国家能源局公告2022年第2号 --recognized 2022-05-01 --out " + nea);
    INFO(b.out);
    REQUIRE(b.status == 0);
    const auto n = nlohmann::json::parse(test::read_file(nea))["certificates"];
    REQUIRE(n.size() == 6);
    CHECK(n[0]["issuer"] == "CN-NEA");
    CHECK(n[0].count("model") == 0);  // 300MW级: a rating, not a model
    CHECK(n[0]["holder"]["uscc"] == "91110000MA00F0001Q");
    CHECK(n[4]["model"] == "MVR-2000");
}
