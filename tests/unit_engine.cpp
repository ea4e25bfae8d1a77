#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "engine.hpp"
#include "evaluate/request.hpp"
#include "policy/policy_set.hpp"

#include <algorithm>
#include "firstset/firstset.h"
#include "schema/embedded.hpp"
#include "support.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

using namespace firstset;

namespace {

const EngineCore& sample_engine() {
    static const std::unique_ptr<EngineCore> e = EngineCore::open(test::source("examples/config.yaml"));
    return *e;
}

StatusError evaluate_error(const std::string& request) {
    try {
        sample_engine().evaluate(request.c_str());
    } catch (const StatusError& e) {
        return e;
    }
    FAIL("the request was accepted: " << request.substr(0, 200));
    throw;
}

StatusError evaluate_error(const nlohmann::json& request) { return evaluate_error(request.dump()); }

const nlohmann::json& find_criterion(const nlohmann::json& response, const std::string& id) {
    for (const auto& c : response.at("criteria"))
        if (c.at("id") == id) return c;
    FAIL("no criterion " << id);
    throw;
}

}  // namespace

TEST_CASE("Digests: SHA-256 is the standard one (FIPS 180-2 test vector)", "[engine]") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("Evaluate: the sample bid gets every criterion's outcome with reasons and clause", "[engine]") {
    const std::string text = sample_engine().evaluate(test::sample_request().dump().c_str());
    // The response is a valid document of its schema.
    const json::Document doc = json::Document::parse(text, json::Limits{1 << 24, 64}, "response");
    auto violation = schema::builtin().validate("evaluate-response.schema.json", doc.root());
    INFO((violation ? violation->path + ": " + violation->message_en : std::string()));
    CHECK_FALSE(violation);

    auto r = nlohmann::json::parse(text);
    CHECK(r["tender"] == "CQJT-2026-014");
    CHECK(r["bid"] == "B1");
    CHECK(r["evaluation_date"] == "2026-03-16");
    CHECK(r["policy"]["id"] == "cn-cq-2024-9");
    CHECK(r["policy"]["sha256"] == sha256_hex(test::read_file(test::source("criteria/policies/cn-cq-2024-9.yaml"))));
    CHECK(r["registry"]["id"] == "sample-cq");
    CHECK(r["registry"]["version"] == "2026-11-01");
    CHECK(r["registry"]["sha256"] == sha256_hex(test::read_file(test::source("examples/registry.yaml"))));

    REQUIRE(r["certificates"].size() == 2);
    CHECK(r["certificates"][0]["id"] == "CQ-STT-2024-0017");
    CHECK(r["certificates"][0]["accepted"] == true);
    CHECK(r["certificates"][0]["valid_from"] == "2024-05-12");
    CHECK(r["certificates"][0]["valid_until"] == "2027-05-12");

    for (const char* id : {"C1", "C2", "C3", "C6"}) {
        const auto& c = find_criterion(r, id);
        CHECK(c["outcome"] == "not_applicable");
        CHECK(c["points"].is_null());
        CHECK(c["reasons"][0]["code"] == "KIND_NOT_DEEMED");
    }
    const auto& c4 = find_criterion(r, "C4");
    CHECK(c4["outcome"] == "deemed_met");
    CHECK(c4["points"] == 10);
    CHECK(c4["reasons"][0]["code"] == "FIRST_SET_DEEMED");
    CHECK(c4["reasons"][0]["clause"] == "渝经信规范〔2024〕9号（四）");
    CHECK(c4["reasons"][0]["message_zh"].get<std::string>().find("CQ-STT-2024-0017, CQ-STT-2025-0061") != std::string::npos);
    CHECK(c4["reasons"][0]["message_en"].get<std::string>().find("deemed to meet") != std::string::npos);
    CHECK(find_criterion(r, "C5")["points"] == 5);
    const auto& c7 = find_criterion(r, "C7");  // pass/fail
    CHECK(c7["outcome"] == "deemed_met");
    CHECK(c7["points"].is_null());
    CHECK(r["warnings"].empty());
}

TEST_CASE("Evaluate: points come back exactly as the tender wrote them", "[engine]") {
    auto req = test::sample_request();
    req["tender"]["criteria"][3]["max_points"] = 2.35;
    req["tender"]["criteria"][3]["requirement_points"] = 1.1;
    const std::string text = sample_engine().evaluate(req.dump().c_str());
    CHECK(text.find(R"("id":"C4","kind":"track_record","outcome":"deemed_met","points":2.35,)") != std::string::npos);

    req["tender"]["criteria"][3]["max_points"] = 2.355;
    StatusError e = evaluate_error(req);
    CHECK(e.status() == Status::schema);
    CHECK(e.code() == "POINTS_PRECISION");
    CHECK(e.where().path == "/tender/criteria/3/max_points");

    req["tender"]["criteria"][3]["max_points"] = 1;
    req["tender"]["criteria"][3]["requirement_points"] = 6;
    e = evaluate_error(req);
    CHECK(e.code() == "POINTS_ABOVE_MAX");
    CHECK(e.where().path == "/tender/criteria/3/requirement_points");
}

TEST_CASE("Evaluate: a USCC with a wrong check character gives a warning with its path", "[engine]") {
    auto req = test::sample_request();
    req["bid"]["bidder"]["uscc"] = "91500108EXAMPLE07M";
    auto r = nlohmann::json::parse(sample_engine().evaluate(req.dump().c_str()));
    REQUIRE(r["warnings"].size() == 1);
    CHECK(r["warnings"][0]["code"] == "USCC_CHECKSUM");
    CHECK(r["warnings"][0]["path"] == "/bid/bidder/uscc");
    CHECK(r["warnings"][0]["clause"] == "GB 32100-2015");
}

TEST_CASE("Evaluate: input that is not JSON is PARSE with line and column", "[engine]") {
    StatusError e = evaluate_error(std::string("{\"tender\":\n  {\"id\": }"));
    CHECK(e.status() == Status::parse);
    CHECK(e.code() == "JSON_SYNTAX");
    CHECK(e.where().line == 2);
    CHECK(e.where().column > 1);
    e = evaluate_error(std::string("{\"tender\": \"\xC3\x28\"}"));  // not UTF-8
    CHECK(e.status() == Status::parse);
    e = evaluate_error(std::string(""));
    CHECK(e.status() == Status::parse);
}

TEST_CASE("Evaluate: schema violations carry the JSON Pointer at fault", "[engine]") {
    struct Case {
        const char* pointer;
        nlohmann::json value;
        const char* code;
        const char* path;
    };
    const Case cases[] = {
        {"/bid/offers/0/manufacturer/uscc", "9150010MA60AB1C2W", "USCC_FORMAT", "/bid/offers/0/manufacturer/uscc"},
        {"/bid/offers/0/manufacturer/uscc", "91500107EXAMPLE01I", "USCC_FORMAT", "/bid/offers/0/manufacturer/uscc"},
        {"/bid/bidder/uscc", "91500108example07l", "USCC_FORMAT", "/bid/bidder/uscc"},
        {"/tender/bid_deadline", "2026-03-16T09:30:00", "SCHEMA_FORMAT", "/tender/bid_deadline"},
        {"/tender/bid_deadline", "2026-02-30T09:30:00+08:00", "SCHEMA_FORMAT", "/tender/bid_deadline"},
        {"/tender/criteria/1/mode", "weighted", "SCHEMA_ENUM", "/tender/criteria/1/mode"},
        {"/tender/criteria/1/kind", "Track Record", "SCHEMA_PATTERN", "/tender/criteria/1/kind"},
        {"/tender/criteria/1/max_points", -1, "SCHEMA_RANGE", "/tender/criteria/1/max_points"},
        {"/bid/offers/1/model", "", "SCHEMA_LENGTH", "/bid/offers/1/model"},
        {"/bid/offers", nlohmann::json::array(), "SCHEMA_SIZE", "/bid/offers"},
        {"/tender/first_set_equivalence", "yes", "SCHEMA_TYPE", "/tender/first_set_equivalence"},
    };
    for (const auto& c : cases) {
        auto req = test::sample_request();
        req[nlohmann::json::json_pointer(c.pointer)] = c.value;
        INFO(c.pointer << " = " << c.value.dump());
        StatusError e = evaluate_error(req);
        CHECK(e.status() == Status::schema);
        CHECK(e.code() == c.code);
        CHECK(e.where().path == c.path);
    }
    auto req = test::sample_request();
    req["bid"]["offers"][0].erase("model");
    StatusError e = evaluate_error(req);
    CHECK(e.code() == "SCHEMA_REQUIRED");
    CHECK(e.where().path == "/bid/offers/0/model");

    req = test::sample_request();
    req["tender"]["criteria"][1].erase("max_points");
    e = evaluate_error(req);
    CHECK(e.code() == "SCORED_WITHOUT_MAX_POINTS");
    CHECK(e.where().path == "/tender/criteria/1/max_points");

    req = test::sample_request();
    req["bid"]["offers"][0]["colour"] = "red";
    e = evaluate_error(req);
    CHECK(e.code() == "SCHEMA_UNKNOWN_MEMBER");
    CHECK(e.where().path == "/bid/offers/0/colour");
}

TEST_CASE("Evaluate: a member named twice is refused, since readers disagree on which counts", "[engine]") {
    std::string text = test::sample_request().dump();
    const std::string model = "\"model\":\"hdz 200\"";
    REQUIRE(text.find(model) != std::string::npos);
    text.replace(text.find(model), model.size(), model + ",\"model\":\"HDZ-200\"");
    StatusError e = evaluate_error(text);
    CHECK(e.status() == Status::parse);
    CHECK(e.code() == "JSON_DUPLICATE_KEY");
    CHECK(e.where().path == "/bid/offers/1/model");
}

TEST_CASE("Evaluate: ids must be unique and references must exist", "[engine]") {
    auto req = test::sample_request();
    req["tender"]["criteria"][2]["id"] = "C1";
    StatusError e = evaluate_error(req);
    CHECK(e.code() == "DUPLICATE_ID");
    CHECK(e.where().path == "/tender/criteria/2/id");

    req = test::sample_request();
    req["tender"]["items"][1]["id"] = "I1";
    CHECK(evaluate_error(req).code() == "DUPLICATE_ID");

    req = test::sample_request();
    req["bid"]["offers"][1]["item"] = "I9";
    e = evaluate_error(req);
    CHECK(e.code() == "UNKNOWN_ITEM");
    CHECK(e.where().path == "/bid/offers/1/item");

    req = test::sample_request();
    req["tender"]["criteria"][3]["items"][1] = "I9";
    e = evaluate_error(req);
    CHECK(e.code() == "UNKNOWN_ITEM");
    CHECK(e.where().path == "/tender/criteria/3/items/1");
}

TEST_CASE("Evaluate: requests over the size or depth limit are refused with LIMIT before parsing", "[engine]") {
    auto req = test::sample_request();
    req["tender"]["title"] = std::string(FIRSTSET_MAX_REQUEST_BYTES, 'x');
    StatusError e = evaluate_error(req);
    CHECK(e.status() == Status::limit);
    CHECK(e.code() == "INPUT_TOO_LARGE");

    std::string deep(FIRSTSET_MAX_DEPTH + 1, '[');
    deep += std::string(FIRSTSET_MAX_DEPTH + 1, ']');
    e = evaluate_error(deep);
    CHECK(e.status() == Status::limit);
    CHECK(e.code() == "INPUT_TOO_DEEP");

    // exactly at the limit is parsed (and then fails the schema, being an array)
    std::string at_limit(FIRSTSET_MAX_DEPTH, '[');
    at_limit += std::string(FIRSTSET_MAX_DEPTH, ']');
    CHECK(evaluate_error(at_limit).status() == Status::schema);
    // brackets inside strings do not count
    CHECK(evaluate_error("{\"tender\": \"" + std::string(100, '[') + "\"}").status() == Status::schema);
}

TEST_CASE("Engine: relative paths in the configuration are relative to its folder", "[engine]") {
    test::TempDir dir;
    test::write_file(dir / "conf/firstset.yaml", "policy: pack.yaml\nregistry: {file: data/registry.yaml}\nlog: {level: info, file: log/firstset.log}\n");
    test::write_file(dir / "conf/pack.yaml", test::read_file(test::source("criteria/policies/cn-cq-2024-9.yaml")));
    test::write_file(dir / "conf/data/registry.yaml", test::read_file(test::source("examples/registry.yaml")));
    std::filesystem::create_directories(dir / "conf/log");
    auto engine = EngineCore::open(dir / "conf/firstset.yaml");
    CHECK(engine->registry()->size() == 8);
    engine.reset();
    // the engine's private logger wrote where the configuration said
    CHECK(test::read_file(dir / "conf/log/firstset.log").find("opened: policies cn-cq-2024-9 (渝经信规范〔2024〕9号; for jurisdictions=CN-CQ)") !=
          std::string::npos);
}

TEST_CASE("Engine: configuration errors name the file and line", "[engine]") {
    test::TempDir dir;
    const std::string pack = test::source("criteria/policies/cn-cq-2024-9.yaml").string();
    const std::string registry = test::source("examples/registry.yaml").string();
    auto open_error = [&](const std::string& config) {
        test::write_file(dir / "c.yaml", config);
        try {
            EngineCore::open(dir / "c.yaml");
        } catch (const StatusError& e) {
            return e;
        }
        FAIL("the configuration was accepted");
        throw;
    };
    StatusError e = open_error("policy: " + pack + "\nregistry: {file: " + registry + "}\nlog: {levle: info}\n");
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "SCHEMA_UNKNOWN_MEMBER");
    CHECK(e.where().path == "/log/levle");
    CHECK(e.where().line == 3);

    e = open_error("policy: missing.yaml\nregistry: {file: " + registry + "}\n");
    CHECK(e.status() == Status::io);
    CHECK(e.code() == "FILE_UNREADABLE");
    CHECK(e.where().file == (dir / "missing.yaml").string());

    e = open_error("registry: {file: " + registry + "}\n");
    CHECK(e.status() == Status::config);
    CHECK(e.code() == "NO_POLICY");
    CHECK(std::string(e.message_en()).find("give policy (one pack) or policies") != std::string::npos);

    try {
        EngineCore::open(dir / "nothing-here.yaml");
        FAIL("opened a missing configuration");
    } catch (const StatusError& err) {
        CHECK(err.status() == Status::io);
    }
}

TEST_CASE("Issue 9 #4: a request is read without a pack, its values choose the pack, then it is checked against it",
          "[engine][policy]") {
    const auto cq = std::make_shared<const Policy>(Policy::load(test::source("criteria/policies/cn-cq-2024-9.yaml")));
    const auto national = std::make_shared<const Policy>(Policy::load(test::source("criteria/policies/cn-2023-127.yaml")));
    const PolicySet packs({cq, national}, nullptr, "config.yaml");
    nlohmann::json r = test::sample_request();
    r["tender"]["purchaser"] = {{"name", "四川示例能源集团有限公司（样例）"}, {"ownership", "state_owned"}};
    r["tender"]["jurisdiction"] = "CN-SC";
    const json::Document doc = json::Document::parse(r.dump(), json::Limits{1 << 24, 64}, "request");
    EvaluateRequest request = read_evaluate_request(doc.root());  // no pack needed
    CHECK(request.tender.jurisdiction == "CN-SC");
    CHECK(request.tender.purchaser_ownership == "state_owned");
    for (const Criterion& c : request.tender.criteria) CHECK_FALSE(c.deemed_kind);  // the pack's to say
    const Policy& chosen = packs.select_for(request.tender, "/tender");
    CHECK(chosen.id == national->id);  // not Chongqing's: the tender is in Sichuan
    check_against(chosen, request.tender, "/tender");
    std::size_t deemed = 0;
    for (const Criterion& c : request.tender.criteria) deemed += c.deemed_kind ? 1 : 0;
    CHECK(deemed > 0);
    // Without a purchaser in the tender, the caller's ownership (an award's purchaser) counts.
    request.tender.purchaser_ownership = {};
    CHECK(packs.select_for(request.tender, "/tender", "state_owned").id == national->id);
    CHECK_THROWS_AS(packs.select_for(request.tender, "/tender", "private"), StatusError);
}

TEST_CASE("Rules C5' and C6' in a response: accepted on the holder's and the product's names, the warnings say so",
          "[engine][lists]") {
    test::TempDir dir;
    test::write_file(dir / "config.yaml", "policy: " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                                              "\nregistry: {file: " + test::source("tests/data/registry-lists.yaml").string() +
                                              "}\nlog: {level: 'off'}\n");
    const auto engine = EngineCore::open(dir / "config.yaml");
    nlohmann::json r = test::sample_request();
    r["tender"]["bid_deadline"] = "2025-03-16T09:30:00+08:00";
    r["bid"]["offers"] = {{{"item", "I1"}, {"product", "智能化综采工作面成套装备"}, {"model", "ZY-1"},
                           {"manufacturer", {{"name", "重庆示例煤机有限公司(样例)"}}},  // no USCC
                           {"first_set_certificate", "YJX-2023-1-007"}}};
    for (auto& c : r["tender"]["criteria"]) c.erase("items");
    r["tender"].erase("items");
    const std::string text = engine->evaluate(r.dump().c_str());
    const json::Document doc = json::Document::parse(text, json::Limits{1 << 24, 64}, "response");
    const auto violation = schema::builtin().validate("evaluate-response.schema.json", doc.root());
    INFO((violation ? violation->path + ": " + violation->message_en : std::string()) << text.substr(0, 3000));
    CHECK_FALSE(violation);
    const auto resp = nlohmann::json::parse(text);
    CHECK(resp["certificates"][0]["accepted"] == true);
    std::vector<std::string> warnings;
    for (const auto& w : resp["warnings"]) warnings.push_back(w["code"]);
    CHECK(std::count(warnings.begin(), warnings.end(), "HOLDER_MATCHED_BY_NAME") == 1);
    CHECK(std::count(warnings.begin(), warnings.end(), "MODEL_NOT_LISTED") == 1);
    for (const auto& w : resp["warnings"])
        if (w["code"] == "MODEL_NOT_LISTED") {
            CHECK(w["path"] == "/bid/offers/0/product");
            CHECK(w["message_zh"].get<std::string>().find("智能化综采工作面成套装备") != std::string::npos);
            CHECK(w["clause"] == "渝经信规范〔2024〕9号（四）");
        }
    CHECK(find_criterion(resp, "C4")["outcome"] == "deemed_met");
}

TEST_CASE("Rule D' in Fujian: a tender two and a half years after recognition refuses deeming with DEEMED_WINDOW_PASSED",
          "[engine][lists][D]") {
    test::TempDir dir;
    test::write_file(dir / "config.yaml",
                     "policies: [" + test::source("criteria/policies/cn-cq-2024-9.yaml").string() + ", " +
                         test::source("criteria/policies/cn-fj-2024.yaml").string() + ", " +
                         test::source("criteria/policies/cn-2023-127.yaml").string() + "]\nregistry: {file: " +
                         test::source("tests/data/registry-lists.yaml").string() + "}\nlog: {level: 'off'}\n");
    const auto engine = EngineCore::open(dir / "config.yaml");
    auto evaluate_on = [&](const std::string& deadline) {
        nlohmann::json r = test::sample_request();
        r["tender"]["jurisdiction"] = "CN-FJ";
        r["tender"]["bid_deadline"] = deadline;
        r["tender"].erase("items");
        for (auto& c : r["tender"]["criteria"]) c.erase("items");
        r["bid"]["offers"] = {{{"item", "I1"}, {"product", "海上风电安装平台"}, {"model", "HF-3000"},
                               {"manufacturer", {{"name", "福建示例海工有限公司（样例）"}}},
                               {"first_set_certificate", "FJ-1"}}};  // recognised 2023-09-01
        return nlohmann::json::parse(engine->evaluate(r.dump().c_str()));
    };
    const auto inside = evaluate_on("2025-06-01T09:30:00+08:00");
    CHECK(inside["policy"]["id"] == "cn-fj-2024");
    CHECK(inside["certificates"][0]["accepted"] == true);
    CHECK(find_criterion(inside, "C4")["outcome"] == "deemed_met");
    const auto after = evaluate_on("2026-03-01T09:30:00+08:00");  // 2.5 years on: valid, no longer deemed
    CHECK(after["certificates"][0]["accepted"] == false);
    CHECK(after["certificates"][0]["reasons"][0]["code"] == "DEEMED_WINDOW_PASSED");
    CHECK(after["certificates"][0]["reasons"][0]["message_zh"].get<std::string>().find("2025-09-01") != std::string::npos);
    CHECK(after["certificates"][0]["reasons"][0]["clause"] == "《福建省促进首台（套）技术装备推广应用条例》");
    CHECK(find_criterion(after, "C4")["outcome"] == "claim_rejected");
}

TEST_CASE("SASAC 53号 for central SOEs: first-version software is deemed, negotiation and direct purchase are reported, other packs keep to equipment",
          "[engine][lists][sasac]") {
    test::TempDir dir;
    test::write_file(dir / "config.yaml",
                     "policies: [" + test::source("criteria/policies/cn-sasac-2024-53.yaml").string() + ", " +
                         test::source("criteria/policies/cn-2023-127.yaml").string() + "]\nregistry: {file: " +
                         test::source("tests/data/registry-lists.yaml").string() + "}\nlog: {level: 'off'}\n");
    const auto engine = EngineCore::open(dir / "config.yaml");
    auto evaluate_as = [&](const std::string& ownership, const std::string& certificate, const std::string& product,
                           const std::string& maker) {
        nlohmann::json r = test::sample_request();
        r["tender"]["jurisdiction"] = "CN-BJ";
        r["tender"]["purchaser"] = {{"name", "示例中央企业集团有限公司（样例）"}, {"ownership", ownership}};
        r["tender"]["bid_deadline"] = "2026-05-01T09:30:00+08:00";
        r["tender"].erase("items");
        for (auto& c : r["tender"]["criteria"]) c.erase("items");
        r["bid"]["offers"] = {{{"item", "I1"}, {"product", product}, {"model", "IIP-3"},
                               {"manufacturer", {{"name", maker}}}, {"first_set_certificate", certificate}}};
        return nlohmann::json::parse(engine->evaluate(r.dump().c_str()));
    };
    const auto central = evaluate_as("central_soe", "SW-1", "工业互联网平台软件", "北京示例软件有限公司（样例）");
    CHECK(central["policy"]["id"] == "cn-sasac-2024-53");
    CHECK(central["policy"]["procurement_methods"] == nlohmann::json::array({"negotiation", "direct_purchase"}));
    CHECK(central["certificates"][0]["accepted"] == true);
    CHECK(find_criterion(central, "C4")["outcome"] == "deemed_met");
    CHECK(find_criterion(central, "C4")["reasons"][0]["clause"] == "国资发改革规〔2024〕53号 八");
    // A provincial list is not among 工业和信息化部等部门相关名录.
    const auto provincial = evaluate_as("central_soe", "MAT-1", "高性能铝合金板材", "重庆示例材料有限公司（样例）");
    CHECK(provincial["certificates"][0]["reasons"][0]["code"] == "ISSUER_NOT_ACCEPTED");
    // Another state-owned purchaser: the 2023 guidance, which is about equipment only.
    const auto other = evaluate_as("state_owned", "SW-1", "工业互联网平台软件", "北京示例软件有限公司（样例）");
    CHECK(other["policy"]["id"] == "cn-2023-127");
    CHECK(other["policy"].count("procurement_methods") == 0);
    CHECK(other["certificates"][0]["reasons"][0]["code"] == "ENTRY_KIND_NOT_DEEMED");
}

TEST_CASE("Scope: a central SOE is a state-owned purchaser for packs that name state_owned", "[engine][policy]") {
    test::TempDir dir;
    test::write_file(dir / "config.yaml", "policies: [" + test::source("criteria/policies/cn-2023-127.yaml").string() +
                                              "]\nregistry: {file: " + test::source("examples/registry.yaml").string() +
                                              "}\nlog: {level: 'off'}\n");
    const auto engine = EngineCore::open(dir / "config.yaml");
    nlohmann::json r = test::sample_request();
    r["tender"]["jurisdiction"] = "CN-BJ";
    r["tender"]["purchaser"] = {{"name", "示例中央企业集团有限公司（样例）"}, {"ownership", "central_soe"}};
    CHECK(nlohmann::json::parse(engine->evaluate(r.dump().c_str()))["policy"]["id"] == "cn-2023-127");
}

TEST_CASE("Config: a signed registry file needs its signature, and URL-only settings next to a file are refused", "[engine][config][lists]") {
    test::TempDir dir;
    const std::string pack = test::source("criteria/policies/cn-cq-2024-9.yaml").string();
    test::write_file(dir / "registry.yaml", test::read_file(test::source("examples/registry.yaml")));
    // A URL's setting beside a file would be ignored: refused, naming it.
    test::write_file(dir / "c1.yaml", "policy: " + pack + "\nregistry: {file: registry.yaml, sha256: " + std::string(64, 'a') + "}\n");
    try {
        EngineCore::open(dir / "c1.yaml");
        FAIL("opened");
    } catch (const StatusError& e) {
        CHECK(e.code() == "REGISTRY_OPTION_FOR_URL");
        CHECK(e.where().path == "/registry/sha256");
    }
    // A key and no signature file: refused, naming the file it looked for.
    test::write_file(dir / "c2.yaml", "policy: " + pack + "\nregistry: {file: registry.yaml, public_key: \"" +
                                          "test.firstset.example+99920136+AcXuMWkk3QzoLw7FtyqXUr5Dzh2Y3gg/jyZy/hwb6+TH\"}\n");
    try {
        EngineCore::open(dir / "c2.yaml");
        FAIL("opened");
    } catch (const StatusError& e) {
        CHECK(e.status() == Status::io);
        CHECK(e.where().file.find("registry.yaml.sig") != std::string::npos);
    }
    // A signature file without a key would leave the registry unchecked: refused.
    test::write_file(dir / "c3.yaml", "policy: " + pack + "\nregistry: {file: registry.yaml, signature_file: registry.yaml.sig}\n");
    try {
        EngineCore::open(dir / "c3.yaml");
        FAIL("opened");
    } catch (const StatusError& e) {
        CHECK(e.code() == "REGISTRY_SIGNATURE_WITHOUT_KEY");
    }
    // A signature that is not the key's: INTEGRITY.
    test::write_file(dir / "registry.yaml.sig", "AAAA\n");
    try {
        EngineCore::open(dir / "c2.yaml");
        FAIL("opened");
    } catch (const StatusError& e) {
        CHECK(e.code() == "REGISTRY_BAD_SIGNATURE");
        CHECK(e.status() == Status::integrity);
    }
}
