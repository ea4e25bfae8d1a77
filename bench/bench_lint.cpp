// firstset_lint on a tender of 100 real criteria (issue 11: at most 1 ms median): the whole call
// through the C ABI, and the audit alone (lint::run on a tender already read), side by side.
// The criteria are the first 100 of tests/data/lint-real/corpus.yaml, real scoring-table rows
// and clauses, in a tender that does not declare the first-set equivalence (every check runs).
//
//   cmake --build build/bench -j2 --target firstset_bench_lint
//   build/bench/bench/firstset_bench_lint --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

#include "bench_fixture.hpp"
#include "firstset/firstset.h"
#include "lint/lint.hpp"
#include "lint/wording.hpp"
#include "load_figures.hpp"
#include "policy/policy.hpp"
#include "schema/embedded.hpp"
#include "util/json.hpp"
#include "util/source_document.hpp"

namespace fs = std::filesystem;
using namespace firstset;

namespace {

constexpr std::size_t criterion_count = 100;

const std::string& tender_text() {
    static const std::string text = [] {
        const SourceDocument doc = SourceDocument::read(fs::path(FIRSTSET_SOURCE_DIR) / "tests/data/lint-real/corpus.yaml");
        const nlohmann::json cases = nlohmann::json::parse(doc.root().to_json())["cases"];
        nlohmann::json criteria = nlohmann::json::array();
        for (std::size_t i = 0; criteria.size() < criterion_count; ++i) {
            nlohmann::json c = cases[i % cases.size()]["criterion"];
            c["id"] = "C" + std::to_string(criteria.size() + 1);
            // A scored criterion whose points the source does not give counts 1 point (as in the tests).
            if (c.value("mode", "") == "scored" && !c.contains("max_points")) c["max_points"] = 1;
            criteria.push_back(c);
        }
        const nlohmann::json tender = {{"id", "BENCH-LINT-100"},
                                       {"jurisdiction", "CN-CQ"},
                                       {"bid_deadline", "2026-06-01T09:30:00+08:00"},
                                       {"first_set_equivalence", false},
                                       {"criteria", criteria}};
        return tender.dump();
    }();
    return text;
}

void BM_Lint(benchmark::State& state) {
    firstset_engine* engine = bench::fixture(bench::small_registry).engine();
    const std::string& tender = tender_text();
    std::string last;
    for (auto _ : state) {
        char* response = nullptr;
        if (firstset_lint(engine, tender.c_str(), &response) != FIRSTSET_OK) {
            state.SkipWithError(response ? response : "firstset_lint failed");
            firstset_free(response);
            return;
        }
        state.PauseTiming();
        last = response;
        state.ResumeTiming();
        firstset_free(response);
    }
    const std::size_t findings = last.empty() ? 0 : nlohmann::json::parse(last)["findings"].size();
    state.counters["criteria"] = static_cast<double>(criterion_count);
    state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_Lint)->Unit(benchmark::kMicrosecond);

void BM_LintRun(benchmark::State& state) {
    const Policy& policy = bench::fixture(bench::small_registry).policy();
    const json::Document doc = json::Document::parse(tender_text(), json::Limits{1 << 24, 64}, "tender");
    const lint::Input input = lint::read_input(doc.root(), "");
    std::size_t findings = 0;
    for (auto _ : state) {
        const lint::Result result = lint::run(policy, input);
        findings = result.findings.size();
        benchmark::DoNotOptimize(findings);
    }
    state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_LintRun)->Unit(benchmark::kMicrosecond);

// The wording model alone: one scan of every field of the 100 criteria.
void BM_LintScan(benchmark::State& state) {
    const json::Document doc = json::Document::parse(tender_text(), json::Limits{1 << 24, 64}, "tender");
    const lint::Input input = lint::read_input(doc.root(), "");
    std::size_t hits = 0, bytes = 0;
    for (const auto& c : input.criteria)
        for (const auto& f : c.fields) bytes += f.text.size();
    for (auto _ : state) {
        hits = 0;
        for (const auto& c : input.criteria)
            for (const auto& f : c.fields) hits += lint::scan(f.text).size();
        benchmark::DoNotOptimize(hits);
    }
    state.counters["hits"] = static_cast<double>(hits);
    state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_LintScan)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) { return bench::main(argc, argv); }
