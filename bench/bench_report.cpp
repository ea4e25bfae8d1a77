// The usage report (Rule U) over 1,000,000 records: verification by firstset_verify and the report's
// reading, joining and counting on both cores, then its JSON. Target: ≤ 10 s.
//
//   build/bench-report/bench/firstset_bench_report --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// The ledger is written once, directly in the ledger's line format (ledger/format.hpp make_line and
// SHA-256 ids, as the library writes them, without a sync per record), to $FIRSTSET_BENCH_DIR or the
// system's temporary folder: a realistic mix of 96 % evaluations (~1 KB each, 12 criteria), 2 %
// awards with amounts and projects, 1 % failures and 1 % tolerance decisions, from 20 purchasers over
// two years. docs/performance.md records the figures.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "firstset/firstset.h"
#include "ledger/format.hpp"
#include "report.hpp"
#include "util/digest.hpp"

namespace fs = std::filesystem;

namespace {

fs::path bench_dir() {
    const char* env = std::getenv("FIRSTSET_BENCH_DIR");
    fs::path dir = env && *env ? fs::path(env) : fs::temp_directory_path() / "firstset-bench-report";
    fs::create_directories(dir);
    return dir;
}

std::string evaluation_body(std::uint64_t n) {
    std::string b = "{\"tender\":\"T-" + std::to_string(n % 20000) + "\",\"bid\":\"B" + std::to_string(n % 7) +
                    "\",\"request_sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\","
                    "\"evaluation_date\":\"2026-03-16\",\"policy\":{\"id\":\"cn-cq-2024-9\",\"sha256\":"
                    "\"639415641e7426c0f50db56e644926ba2e5b9c20f4b30ed6d7b4ccf530fe7631\"},\"registry\":{\"id\":\"bench\","
                    "\"version\":\"1\",\"sha256\":\"e1adb7eb763d2cfb92d2ca92bc36095a7fac45baec68354941193bc96e7f278c\"},"
                    "\"certificates\":[";
    for (int i = 0; i < 3; ++i)
        b += std::string(i ? "," : "") + "{\"id\":\"CQ-STT-2024-00" + std::to_string(17 + i) + "\",\"item\":\"I" +
             std::to_string(i + 1) + "\",\"accepted\":true,\"codes\":[]}";
    b += "],\"criteria\":[";
    for (int i = 0; i < 12; ++i)
        b += std::string(i ? "," : "") + "{\"id\":\"C" + std::to_string(i + 1) + "\",\"outcome\":\"" +
             (i % 3 ? "not_applicable" : "deemed_met") + "\",\"points\":" + (i % 3 ? "null" : "10") + "}";
    return b + "]}";
}

std::string uscc(std::uint64_t p) {
    std::string s = "91500000MA" + std::to_string(10000000 + p);
    return s.substr(0, 18);
}

std::string award_body(std::uint64_t n) {
    const std::uint64_t p = n % 20;
    return "{\"kind\":\"award\",\"tender\":{\"id\":\"T-" + std::to_string(n % 20000) + "\",\"title\":\"设备采购\"},\"bid\":{\"id\":\"B1\"},"
           "\"purchaser\":{\"name\":\"采购人" + std::to_string(p) + "\",\"uscc\":\"" + uscc(p) +
           "\",\"ownership\":\"state_owned\"},\"award_date\":\"2026-03-16\",\"procurement_method\":\"open_tender\","
           "\"procedure\":{\"committee_formed\":true},\"decision_makers\":[{\"role\":\"主任\",\"id\":\"E1\"}],\"evidence\":[],"
           "\"amount\":\"" + std::to_string(100000 + n % 900000) + "." + std::to_string(10 + n % 90) +
           "\",\"project\":{\"id\":\"P-" + std::to_string(n % 50) + "\",\"name\":\"项目\",\"key\":" + (n % 3 ? "false" : "true") +
           "},\"assessment\":{\"as_of\":\"2026-03-16\",\"certificates\":[{\"id\":\"CQ-STT-2024-00" + std::to_string(17 + n % 3) +
           "\",\"item\":\"I1\",\"issuer\":\"CN-CQ\",\"product\":\"数控滚齿机\",\"model\":\"YK-3120\",\"holder\":{\"name\":\"制造商\"},"
           "\"status\":\"valid\",\"accepted\":true,\"codes\":[]}],\"conditions_met\":true,\"reasons\":[]}}";
}

// The ledger, written once: 1,000,000 records.
const std::string& ledger_file() {
    static const std::string path = [] {
        const fs::path p = bench_dir() / "report-1m.jsonl";
        constexpr std::uint64_t records = 1000000;
        if (fs::exists(p) && fs::file_size(p) > 0) return p.string();
        std::ofstream out(p, std::ios::binary);
        std::string prev(firstset::ledger::genesis_prev);
        std::vector<std::string> awards;
        const std::int64_t start = 1767225600;  // 2026-01-01T00:00:00Z
        for (std::uint64_t seq = 1; seq <= records; ++seq) {
            const std::int64_t t = start + static_cast<std::int64_t>(seq) * 63;  // two years over the million
            char time[32];
            std::tm tm{};
            const std::time_t tt = t;
            gmtime_r(&tt, &tm);
            std::snprintf(time, sizeof time, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec);
            std::string kind, body;
            if (seq == 1) {
                kind = "genesis";
                body = "{\"format\":\"firstset-ledger/1\",\"ledger\":\"0123456789abcdef0123456789abcdef\"}";
            } else if (seq % 50 == 0) {
                kind = "award";
                body = award_body(seq);
            } else if (seq % 100 == 1 && !awards.empty()) {
                kind = "failure_report";
                body = "{\"kind\":\"failure_report\",\"award\":\"" + awards[seq % awards.size()] +
                       "\",\"date\":\"2026-03-16\",\"description\":\"故障\",\"severity\":\"" +
                       (seq % 3 == 0 ? "minor" : seq % 3 == 1 ? "major" : "critical") + "\"}";
            } else if (seq % 100 == 2 && !awards.empty()) {
                kind = "tolerance_decision";
                body = "{\"kind\":\"tolerance_decision\",\"award\":\"" + awards[seq % awards.size()] +
                       "\",\"failure\":\"" + prev + "\",\"final\":" + (seq % 2 ? "\"exempt\"" : "null") +
                       ",\"proposed\":\"review\",\"reasons\":[]}";
            } else {
                kind = "evaluation";
                body = evaluation_body(seq);
            }
            const std::string line = firstset::ledger::make_line(seq, prev, time, kind, body);
            prev = firstset::sha256_hex(line);
            if (kind == "award") awards.push_back(prev);
            out << line << '\n';
        }
        return p.string();
    }();
    return path;
}

tool::report::Verifier verifier() {
    return [](const std::string& request) {
        char* out = nullptr;
        const int status = firstset_verify(request.c_str(), &out);
        std::string text = out ? out : "";
        firstset_free(out);
        if (status != FIRSTSET_OK) throw std::runtime_error(text);
        return text;
    };
}

void BM_Report1M(benchmark::State& state) {
    tool::report::Options o;
    o.inputs = {ledger_file()};
    o.from = "2026-01-01";
    o.to = "2027-12-31";
    o.by = static_cast<tool::report::By>(state.range(0));
    std::size_t bytes = 0;
    for (auto _ : state) {
        const auto r = tool::report::build(o, verifier());
        if (!r.inputs[0].verified || r.inputs[0].records != 1000000) state.SkipWithError("the ledger does not verify");
        bytes = tool::report::to_json(r).size();
        benchmark::DoNotOptimize(bytes);
    }
    state.counters["records"] = 1e6;
    state.counters["json_bytes"] = static_cast<double>(bytes);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(fs::file_size(ledger_file())));
}
BENCHMARK(BM_Report1M)->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
