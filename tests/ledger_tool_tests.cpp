// The decision log from the command line: recording with the example host, and the compliance
// officers' tool verifying, listing and putting together a dossier (issue 3).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support.hpp"

namespace {

using test::Run;

Run host(const std::string& args) { return test::run(FIRSTSET_HOST, args); }
Run tool(const std::string& args) { return test::run(FIRSTSET_LEDGER_TOOL, args); }

// A ledger with an award, a failure report and a tolerance decision, recorded with the host.
struct Recorded {
    test::TempDir dir;
    std::string config, ledger, award, failure, decision;
    std::uint64_t head_seq = 0;

    Recorded() {
        config = (dir / "config.yaml").string();
        ledger = (dir / "ledger.jsonl").string();
        test::write_file(config, "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                                     "\nregistry: {file: " + test::source("examples/registry.yaml").string() +
                                     "}\nledger: {path: ledger.jsonl}\n");
        const std::string records = test::source("examples/records").string();
        award = id_of(host("record --json --config " + config + " " + records + "/award-CQJT-2026-014.yaml"));
        failure = id_of(host("record --json --config " + config + " --award " + award + " " + records + "/failure-CQJT-2026-014.yaml"));
        const Run d = host("record --json --config " + config + " --award " + award + " --failure " + failure + " " + records +
                           "/decision-CQJT-2026-014.yaml");
        decision = id_of(d);
        head_seq = nlohmann::json::parse(d.out)["record"]["seq"];
    }

    static std::string id_of(const Run& r) {
        INFO(r.out);
        REQUIRE(r.status == 0);
        return nlohmann::json::parse(r.out)["record"]["id"];
    }
};

}  // namespace

TEST_CASE("Host: an award, a failure and a tolerance decision are recorded from the sample files", "[host][ledger]") {
    Recorded r;
    CHECK(r.head_seq == 4);  // genesis, award, failure, decision
    const Run award = host("record --lang en --config " + r.config + " " + test::source("examples/records/award-CQJT-2026-014.yaml").string());
    CHECK(award.status == 0);
    CHECK(award.out.find("Recorded  award  #5") != std::string::npos);
    CHECK(award.out.find("CQ-STT-2024-0017") != std::string::npos);
    // The sample tender scores market share: its evaluation method fails the audit.
    CHECK(award.out.find("LINT_ERRORS_AT_AWARD") != std::string::npos);
    // A failure about an award not in the ledger is refused, naming the field.
    const Run missing = host("record --config " + r.config + " --award " + std::string(64, 'b') + " " +
                             test::source("examples/records/failure-CQJT-2026-014.yaml").string());
    CHECK(missing.status == 5);
    CHECK(missing.out.find("RECORD_NOT_FOUND") != std::string::npos);
    CHECK(missing.out.find("/award") != std::string::npos);
    // Without a ledger in the configuration, recording is a configuration problem.
    const Run none = host("record --config " + test::source("examples/config.yaml").string() + " " +
                          test::source("examples/records/award-CQJT-2026-014.yaml").string());
    CHECK(none.status == 4);
    CHECK(none.out.find("NO_LEDGER") != std::string::npos);
}

TEST_CASE("Tool: verify says whether the chain holds, and finds a cut tail against the kept head", "[tool][ledger]") {
    Recorded r;
    Run v = tool("verify " + r.ledger);
    CHECK(v.status == 0);
    CHECK(v.out.find("intact: 4 records") != std::string::npos);
    CHECK(tool("verify " + r.ledger + " --head 4:" + r.decision).status == 0);

    const std::string original = test::read_file(r.ledger);
    std::string tampered = original;
    tampered[tampered.find("主轴轴承过热")] ^= 0x01;  // inside the failure report
    test::write_file(r.ledger, tampered);
    v = tool("verify " + r.ledger);
    CHECK(v.status == 1);
    CHECK(v.out.find("CHAIN_BROKEN") != std::string::npos);

    test::write_file(r.ledger, original.substr(0, original.rfind('\n', original.size() - 2) + 1));  // drop the decision
    CHECK(tool("verify " + r.ledger).status == 0);  // still a chain
    v = tool("verify " + r.ledger + " --head 4:" + r.decision);
    CHECK(v.status == 1);
    CHECK(v.out.find("TRUNCATED") != std::string::npos);

    v = tool("verify " + r.ledger + " --json");
    CHECK(nlohmann::json::parse(v.out)["records"] == 3);
    CHECK(tool("verify " + (r.dir / "none.jsonl").string()).status == 3);
    CHECK(tool("verify " + r.ledger + " --head nonsense").status == 2);
}

TEST_CASE("Tool: show lists records by kind, tender, id and date", "[tool][ledger]") {
    Recorded r;
    Run s = tool("show " + r.ledger);
    CHECK(s.status == 0);
    CHECK(s.out.find("4 / 4 records") != std::string::npos);
    s = tool("show " + r.ledger + " --kind award");
    CHECK(s.out.find("1 / 4 records") != std::string::npos);
    CHECK(s.out.find("tender CQJT-2026-014 bid B1") != std::string::npos);
    CHECK(tool("show " + r.ledger + " --tender CQJT-2026-014").out.find("1 / 4 records") != std::string::npos);
    CHECK(tool("show " + r.ledger + " --id " + r.failure.substr(0, 10)).out.find("failure_report") != std::string::npos);
    CHECK(tool("show " + r.ledger + " --from 2000-01-01 --to 2000-12-31").out.find("0 / 4 records") != std::string::npos);
    s = tool("show " + r.ledger + " --kind tolerance_decision --json");
    const auto j = nlohmann::json::parse(s.out);
    CHECK(j["id"] == r.decision);
    CHECK(j["body"]["proposed"] == "not_exempt");
}

TEST_CASE("Tool: the dossier of an award, as Markdown and as one self-contained HTML page", "[tool][ledger]") {
    Recorded r;
    Run md = tool("dossier " + r.ledger + " " + r.award);
    REQUIRE(md.status == 0);
    for (const char* part : {"# 首台（套）重大技术装备采购容错档案", "## 授标 Award", "## 授标日评估", "## 故障 Failures",
                             "## 容错处理 Tolerance decisions", "## 链式校验 Chain proof", "CQ-STT-2024-0017", "主轴轴承过热",
                             "SASAC-CQ-07", "不予免责 not exempt", "AWARD_CONDITIONS_NOT_MET",
                             "SCORE_BY_MARKET_SHARE", "依法组建评标委员会 evaluation committee formed", "公开招标 open tender"})
        CHECK(md.out.find(part) != std::string::npos);
    // Issue 14: readable labels, not the records' keys.
    for (const char* key : {"committee_formed", "open_tender", "not_exempt", "personal_gain", "state_owned", "failure_report"})
        CHECK(md.out.find(key) == std::string::npos);
    CHECK(md.out.find(r.award) != std::string::npos);
    CHECK(md.out.find(r.decision) != std::string::npos);

    const std::string html_path = (r.dir / "dossier.html").string();
    REQUIRE(tool("dossier " + r.ledger + " " + r.award + " --format html --out " + html_path).status == 0);
    const std::string html = test::read_file(html_path);
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("<meta charset=\"utf-8\">") != std::string::npos);
    CHECK(html.find("链式校验 Chain proof") != std::string::npos);
    CHECK(html.find("✓ 完好 intact") != std::string::npos);
    // One page with nothing to fetch: no scripts, no external styles, images or links.
    for (const char* external : {"<script", "<link", "src=", "http://", "https://", "@import"}) CHECK(html.find(external) == std::string::npos);
    CHECK(std::count(html.begin(), html.end(), '<') > 100);

    CHECK(tool("dossier " + r.ledger + " " + std::string(64, 'c')).status == 5);
    CHECK(tool("dossier " + r.ledger + " " + r.award + " --format pdf").status == 2);
}

TEST_CASE("Tool: lint audits a tender file for a compliance officer, exit 1 on errors", "[tool][lint]") {
    const std::string config = test::source("examples/config.yaml").string();
    Run r = tool("lint " + test::source("examples/tender-SCNY-2026-031.yaml").string() + " --config " + config);
    CHECK(r.status == 1);
    for (const char* part : {"评标办法审查 Evaluation-method audit  SCNY-2026-031", "工信部联重装〔2023〕127号 (cn-2023-127)",
                             "C3 类似项目业绩", "TRACK_RECORD_REGION", "《招标投标法实施条例》第三十二条", "“在四川省内”", "【在四川省内】",
                             "DATA_LOCALITY_REQUIREMENT_MISSING", "3 个错误 errors"})
        CHECK(r.out.find(part) != std::string::npos);
    r = tool("lint " + test::source("examples/tender-SCNY-2026-031.yaml").string() + " --config " + config + " --json");
    CHECK(nlohmann::json::parse(r.out)["errors"] == 3);
    CHECK(tool("lint " + test::source("examples/tender-SCNY-2026-031.yaml").string()).status == 2);  // no --config
    CHECK(tool("lint /nonexistent/tender.yaml --config " + config).status == 3);
}

TEST_CASE("Tool: keygen, a host signing checkpoints, and verify against the checkpoint and its key (issue 5)",
          "[tool][checkpoint]") {
    test::TempDir dir;
    const Run made = tool("keygen node-7.firstset.example --out " + (dir / "node").string());
    INFO(made.out);
    REQUIRE(made.status == 0);
    CHECK((std::filesystem::status(dir / "node.key").permissions() & std::filesystem::perms::group_all) ==
          std::filesystem::perms::none);  // the signer key is for its owner only
    CHECK(tool("keygen node-7.firstset.example --out " + (dir / "node").string()).status != 0);  // never overwritten

    const std::string config = (dir / "config.yaml").string();
    test::write_file(config, "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                                 "\nregistry: {file: " + test::source("examples/registry.yaml").string() +
                                 "}\nledger: {path: ledger.jsonl, node: node-7, checkpoint: {key_file: node.key}}\n");
    REQUIRE(host("record --config " + config + " " + test::source("examples/records/award-CQJT-2026-014.yaml").string()).status == 0);
    const std::string ledger = (dir / "ledger.jsonl").string(), checkpoint = ledger + ".checkpoint";
    REQUIRE(std::filesystem::exists(checkpoint));
    // Origin (by default the signer key's name, Issue 9 #7), then 2 records.
    CHECK(test::read_file(checkpoint).rfind("node-7.firstset.example\n2\n", 0) == 0);

    Run v = tool("verify " + ledger + " --checkpoint " + checkpoint + " --key @" + (dir / "node.pub").string());
    CHECK(v.status == 0);
    CHECK(v.out.find("Matches the signed checkpoint of node-7.firstset.example (2 records") != std::string::npos);
    // Issue 9 #7: the checkpoint must name the log the verifier expects; a good signature over
    // another origin is a problem, and --origin names the expected one.
    Run other = tool("verify " + ledger + " --checkpoint " + checkpoint + " --key @" + (dir / "node.pub").string() +
                     " --origin firstset/node-7");
    CHECK(other.status == 1);
    CHECK(other.out.find("CHECKPOINT_OTHER_ORIGIN") != std::string::npos);
    CHECK(tool("verify " + ledger + " --checkpoint " + checkpoint + " --key @" + (dir / "node.pub").string() +
               " --origin node-7.firstset.example").status == 0);
    CHECK(tool("verify " + ledger + " --origin node-7.firstset.example").status == 2);  // only with a checkpoint

    const std::string bytes = test::read_file(ledger);
    test::write_file(dir / "cut.jsonl", bytes.substr(0, bytes.rfind('\n', bytes.size() - 2) + 1));
    v = tool("verify " + (dir / "cut.jsonl").string() + " --checkpoint " + checkpoint + " --key @" + (dir / "node.pub").string());
    CHECK(v.status == 1);
    CHECK(v.out.find("TRUNCATED") != std::string::npos);
    CHECK(tool("verify " + ledger + " --checkpoint " + checkpoint).status == 2);  // the key is needed too

    const Run st = tool("status --config " + config);
    CHECK(st.status == 0);
    CHECK(st.out.find("2 records, signed by node-7.firstset.example+") != std::string::npos);

    // sign: a detached signature as registry.public_key expects it (base64 of 64 bytes).
    test::write_file(dir / "registry.yaml", test::read_file(test::source("examples/registry.yaml")));
    const Run s = tool("sign " + (dir / "registry.yaml").string() + " --key " + (dir / "node.key").string());
    CHECK(s.status == 0);
    std::string sig = test::read_file(dir / "registry.yaml.sig");
    CHECK(sig.size() == 89);  // 88 base64 characters and a newline
}

TEST_CASE("Tool: keygen --algorithm sm2, an SM3 ledger with SM2 checkpoints and an SM2-signed registry, verified (contract 14)",
          "[tool][checkpoint][crypto]") {
    test::TempDir dir;
    const Run made = tool("keygen node-8.firstset.example --algorithm sm2 --out " + (dir / "node").string());
    INFO(made.out);
    REQUIRE(made.status == 0);
    CHECK(test::read_file(dir / "node.pub").find("node-8.firstset.example+") == 0);
    CHECK(test::read_file(dir / "node.pub").find("+/2dtdDAwMDktc20y") != std::string::npos);  // 0xff "gmt0009-sm2"
    const Run bad = tool("keygen x --algorithm rsa --out " + (dir / "x").string());
    CHECK(bad.status == 2);
    CHECK(bad.out.find("--algorithm must be ed25519 or sm2") != std::string::npos);
    CHECK(bad.out.find("须为 ed25519 或 sm2") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "x.key"));

    // The registry signed with the SM2 key; the server configuration checks it with the .pub line.
    test::write_file(dir / "registry.yaml", test::read_file(test::source("examples/registry.yaml")));
    REQUIRE(tool("sign " + (dir / "registry.yaml").string() + " --key " + (dir / "node.key").string()).status == 0);
    const std::string pub = test::read_file(dir / "node.pub");
    const std::string config = (dir / "config.yaml").string();
    test::write_file(config, "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                                 "\nregistry: {file: registry.yaml, public_key: \"" + pub.substr(0, pub.find('\n')) +
                                 "\"}\nledger: {path: ledger.jsonl, hash: sm3, checkpoint: {key_file: node.key}}\n");
    const Run recorded = host("record --config " + config + " " + test::source("examples/records/award-CQJT-2026-014.yaml").string());
    INFO(recorded.out);
    REQUIRE(recorded.status == 0);
    const std::string ledger = (dir / "ledger.jsonl").string(), checkpoint = ledger + ".checkpoint";
    CHECK(test::read_file(ledger).find("\"hash\":\"sm3\"") != std::string::npos);
    Run v = tool("verify " + ledger + " --checkpoint " + checkpoint + " --key @" + (dir / "node.pub").string());
    CHECK(v.status == 0);
    CHECK(v.out.find("Matches the signed checkpoint of node-8.firstset.example (2 records") != std::string::npos);
    // show computes ids with the ledger's hash: the award is found by its SM3 id.
    const std::string head = nlohmann::json::parse(tool("verify " + ledger + " --json").out)["head"]["id"];
    const Run shown = tool("show " + ledger + " --id " + head + " --json");
    CHECK(shown.status == 0);
    CHECK(shown.out.find(head) != std::string::npos);
    // A changed checkpoint: refused as before.
    std::string cp = test::read_file(checkpoint);
    cp[cp.find("\n2\n") + 1] = '3';
    test::write_file(dir / "changed.checkpoint", cp);
    v = tool("verify " + ledger + " --checkpoint " + (dir / "changed.checkpoint").string() + " --key @" + (dir / "node.pub").string());
    CHECK(v.status == 1);
    CHECK(v.out.find("CHECKPOINT_BAD_SIGNATURE") != std::string::npos);
    // A changed registry: the engine refuses it (the host cannot open).
    std::string reg = test::read_file(dir / "registry.yaml");
    reg[reg.size() / 2] = reg[reg.size() / 2] == 'a' ? 'b' : 'a';
    test::write_file(dir / "registry.yaml", reg);
    const Run refused = host("record --config " + config + " " + test::source("examples/records/award-CQJT-2026-014.yaml").string());
    CHECK(refused.status != 0);
    CHECK(refused.out.find("REGISTRY_BAD_SIGNATURE") != std::string::npos);
}
