// Rule U's test fleet: three servers' ledgers written by the real library (firstset_evaluate and
// firstset_record through include/firstset/firstset.hpp), with known purchasers, projects, amounts,
// failures and decisions over several quarters.
//
//   firstset_report_fleet DIR      → DIR/eval-01.jsonl, DIR/eval-02.jsonl, DIR/eval-03.jsonl
//
// The library stamps each record with the current time; to put records in past quarters this
// program defines clock_gettime (exported: CMake ENABLE_EXPORTS), which answers the scripted
// instant for CLOCK_REALTIME while `fake_now` is set and the real clock otherwise. Nothing else is
// changed: every line is the library's own, chained and synced as in production.
// tests/report_tests.cpp states the totals this fleet must give.
#include <dlfcn.h>
#include <time.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "firstset/firstset.hpp"

namespace {
time_t fake_now = 0;
}

extern "C" __attribute__((visibility("default"))) int clock_gettime(clockid_t id, struct timespec* ts) noexcept {
    using Real = int (*)(clockid_t, struct timespec*);
    static const Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "clock_gettime"));
    if (id == CLOCK_REALTIME && fake_now != 0) {
        ts->tv_sec = fake_now;
        ts->tv_nsec = 0;
        return 0;
    }
    return real(id, ts);
}

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

json read_json(const fs::path& p) {
    std::ifstream in(p);
    return json::parse(in);
}

// "2026-02-10T12:00:00Z" as Unix seconds.
time_t at(const std::string& utc) {
    std::tm tm{};
    std::istringstream(utc) >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
    return timegm(&tm);
}

struct Server {
    firstset::Engine engine;
    std::string record(const std::string& when, const json& request) {
        fake_now = at(when);
        const auto answer = json::parse(engine.record(request.dump()));
        fake_now = 0;
        return answer["record"]["id"].get<std::string>();
    }
    void evaluate(const std::string& when, const json& request) {
        fake_now = at(when);
        engine.evaluate(request.dump());
        fake_now = 0;
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: firstset_report_fleet DIR\n";
        return 2;
    }
    const fs::path dir = argv[1], src = FIRSTSET_SOURCE_DIR;
    fs::create_directories(dir);
    const json award_base = read_json(src / "examples/requests/record-award-CQJT-2026-014.json");
    const json eval_base = read_json(src / "examples/requests/evaluate-CQJT-2026-014.json");
    const json purchaser_a = {{"name", "重庆甲集团（样例）"}, {"uscc", "91500000EXAMPLE04J"}, {"ownership", "state_owned"}};
    const json purchaser_b = {{"name", "重庆乙能源公司（样例）"}, {"uscc", "915001123456789ABC"}, {"ownership", "state_owned"}};
    const json project_1 = {{"id", "P-1"}, {"name", "两江新区动力总成项目"}, {"key", true}};
    const json project_2 = {{"id", "P-2"}, {"name", "园区配套改造"}, {"key", false}};

    auto award = [&](const std::string& tender, const json& purchaser, const char* amount, const json& project) {
        json a = award_base;
        a["tender"]["id"] = tender;
        a["tender"]["purchaser"] = purchaser;
        a["purchaser"] = purchaser;
        if (amount) a["amount"] = amount;
        if (!project.is_null()) a["project"] = project;
        return a;
    };
    auto evaluation = [&](const std::string& tender) {
        json e = eval_base;
        e["tender"]["id"] = tender;
        return e;
    };
    auto failure = [](const std::string& award_id, const char* severity, const char* date) {
        return json{{"kind", "failure_report"}, {"award", award_id}, {"date", date}, {"severity", severity},
                    {"description", "测试故障（样例）"}, {"reported_by", {{"role", "设备科科长"}, {"id", "EMP-0103"}}}};
    };
    auto decision = [](const std::string& award_id, const std::string& failure_id, const json& final) {
        json d = {{"kind", "tolerance_decision"},
                  {"award", award_id},
                  {"failure", failure_id},
                  {"exclusions",
                   {{"personal_gain", false}, {"collusion", false}, {"falsified_documents", false}, {"breach_of_law", false},
                    {"ignored_known_risk", false}}},
                  {"decided_by", {{"role", "重庆市国资委（样例）"}, {"id", "SASAC-CQ-07"}}},
                  {"final", final}};
        if (!final.is_null()) d["final_reason"] = "测试决定（样例）";
        return d;
    };

    try {
        firstset::Library lib(FIRSTSET_LIBRARY);
        auto open = [&](const std::string& node) {
            const fs::path config = dir / (node + ".yaml");
            std::ofstream(config) << "policy: " << (src / "criteria/policies/cn-cq-2024-9.yaml").string()
                                  << "\nregistry: {file: " << (src / "examples/registry.yaml").string()
                                  << "}\nledger: {path: " << (dir / (node + ".jsonl")).string() << "}\n";
            fake_now = at("2025-10-01T00:00:00Z");  // the genesis record
            Server s{lib.open(config)};
            fake_now = 0;
            return s;
        };
        {
            Server s1 = open("eval-01");
            s1.evaluate("2025-11-19T02:00:00Z", evaluation("T-A1"));
            const std::string a1 = s1.record("2025-11-20T02:00:00Z", award("T-A1", purchaser_a, "2200000.00", project_1));
            s1.evaluate("2026-02-09T02:00:00Z", evaluation("T-A2"));
            s1.record("2026-02-10T02:00:00Z", award("T-A2", purchaser_a, "1000000.50", project_1));
            const std::string f1 = s1.record("2026-02-15T02:00:00Z", failure(a1, "major", "2026-02-14"));
            s1.record("2026-03-01T02:00:00Z", decision(a1, f1, "exempt"));
            s1.evaluate("2026-03-02T02:00:00Z", evaluation("T-ORPHAN"));  // no award: unknown purchaser
        }
        {
            Server s2 = open("eval-02");
            const std::string b1 = s2.record("2026-02-10T03:00:00Z", award("T-B1", purchaser_b, "300000.25", project_2));
            s2.record("2026-03-31T17:00:00Z", award("T-B2", purchaser_b, "700000.00", nullptr));  // 2026-04-01 in China
            const std::string f2 = s2.record("2026-05-10T03:00:00Z", failure(b1, "minor", "2026-05-09"));
            const std::string f3 = s2.record("2026-05-11T03:00:00Z", failure(b1, "critical", "2026-05-11"));
            s2.record("2026-05-20T03:00:00Z", decision(b1, f2, nullptr));
            s2.record("2026-06-20T03:00:00Z", decision(b1, f3, "not_exempt"));
        }
        {
            Server s3 = open("eval-03");
            s3.evaluate("2026-05-09T04:00:00Z", evaluation("T-A3"));
            s3.record("2026-05-10T04:00:00Z", award("T-A3", purchaser_a, nullptr, project_2));
            s3.record("2026-08-10T04:00:00Z", award("T-B3", purchaser_b, "99.99", project_1));
        }
    } catch (const firstset::Error& e) {
        std::cerr << e.document() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    return 0;
}
