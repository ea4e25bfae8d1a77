// Recognition lists (issue 10): importing a generated 100,000-row list from .csv and from .xlsx
// (read, header, rows, ids, models, the registry document written and checked), loading the
// registry that import makes, and evaluating a bid whose manufacturers match by name only.
//
//   firstset_bench_lists --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "bench_fixture.hpp"
#include "engine.hpp"
#include "list_import.hpp"
#include "list_table.hpp"
#include "load_figures.hpp"
#include "office_files.hpp"
#include "util/json_out.hpp"

namespace fs = std::filesystem;
using namespace firstset;

namespace {

constexpr int rows = 100'000;

// Product names as lists write them: the model in brackets, leading, trailing, or none.
std::string product(int n) {
    static const char* const names[] = {"数控滚齿机", "柔性换电站", "跨座式单轨道岔", "烟气超低排放改造装备", "泥水平衡盾构机",
                                        "热核聚变用杜瓦膨胀节成套系统"};
    const std::string name = names[n % 6];
    const std::string code = "YK" + std::to_string(3000 + n % 5000) + "-" + std::to_string(n);
    switch (n % 4) {
        case 0: return name + "(" + code + ")";
        case 1: return code + name;
        case 2: return name + code;
        default: return name + "第" + std::to_string(n) + "型";  // no model: matched by name
    }
}

std::string company(int n) { return "示例装备制造有限公司（样例）第" + std::to_string(n) + "号"; }

struct Lists {
    fs::path dir, csv, xlsx, registry, config;
    std::string request;
    Lists() {
        dir = fs::temp_directory_path() / "firstset-bench-lists";
        fs::create_directories(dir);
        csv = dir / "list.csv";
        xlsx = dir / "list.xlsx";
        test::Rows table = {{"附件：第一批首台（套）重大技术装备名单（样例）"}, {"序号", "企业名称", "产品名称", "统一社会信用代码"}};
        table.reserve(rows + 2);
        for (int n = 1; n <= rows; ++n)
            table.push_back({std::to_string(n), company(n), product(n), n % 2 ? bench::uscc_for(n) : ""});
        if (!fs::exists(csv)) {
            std::ofstream out(csv);
            for (const auto& r : table) out << r[0] << ',' << (r.size() > 1 ? r[1] : "") << ',' << (r.size() > 2 ? r[2] : "") << ','
                                            << (r.size() > 3 ? r[3] : "") << "\r\n";
        }
        if (!fs::exists(xlsx)) std::ofstream(xlsx, std::ios::binary) << test::make_xlsx(table);
        registry = dir / "registry.json";
        if (!fs::exists(registry)) std::ofstream(registry) << import(csv).json;
        config = dir / "config.yaml";
        std::ofstream(config) << "policy: " << fs::path(FIRSTSET_SOURCE_DIR) / "criteria/policies/cn-cq-2024-9.yaml"
                              << "\nregistry: {file: registry.json}\nlog: {level: 'off'}\n";
        // The fixture's request, its offers now citing list entries with no model and no USCC on
        // either side: the manufacturer matches by name (C5') and the product by name (C6').
        nlohmann::json r = nlohmann::json::parse(bench::fixture().request);
        const auto prefix = lists::default_id_prefix("渝经信发〔2024〕25号", "第一批");
        for (std::size_t i = 0; i < r["bid"]["offers"].size(); ++i) {
            const int n = 3 + 4 * static_cast<int>(i) * 1000;  // n % 4 == 3: no model in the name
            auto& o = r["bid"]["offers"][i];
            o["product"] = product(n);
            o["model"] = "标准型";
            o["manufacturer"] = {{"name", company(n)}};
            char id[16];
            std::snprintf(id, sizeof id, "%03d", n);
            o["first_set_certificate"] = prefix + "-" + id;
        }
        request = r.dump();
    }
    static lists::ImportResult import(const fs::path& file) {
        lists::ImportOptions o;
        o.issuer = "CN-CQ";
        o.document = "渝经信发〔2024〕25号";
        o.batch = "第一批";
        o.recognized = "2024-05-12";
        return lists::import_tables(lists::read_list_file(file), o, file.string());
    }
};

Lists& data() {
    static Lists l;
    return l;
}

void import_loop(benchmark::State& state, const fs::path& file) {
    std::size_t entries = 0;
    for (auto _ : state) {
        const auto r = Lists::import(file);
        entries = r.entries;
        benchmark::DoNotOptimize(r.json.data());
    }
    state.counters["entries"] = static_cast<double>(entries);
    state.counters["file_MB"] = static_cast<double>(fs::file_size(file)) / (1024.0 * 1024.0);
}

void BM_Import_Csv(benchmark::State& state) { import_loop(state, data().csv); }
BENCHMARK(BM_Import_Csv)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Import_Xlsx(benchmark::State& state) { import_loop(state, data().xlsx); }
BENCHMARK(BM_Import_Xlsx)->Unit(benchmark::kMillisecond)->Iterations(3);

// The registry import makes: 100,000 entries, half without a USCC, a quarter without a model.
void BM_RegistryLoad_FromList(benchmark::State& state) { bench::load_loop(state, data().registry); }
BENCHMARK(BM_RegistryLoad_FromList)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);

// Five offers, each matched by company name and product name (warnings HOLDER_MATCHED_BY_NAME
// and MODEL_NOT_LISTED), against the 100,000-entry list registry.
void BM_Evaluate_ByName(benchmark::State& state) {
    static const std::unique_ptr<EngineCore> e = EngineCore::open(data().config);
    const std::string& request = data().request;
    {
        TextBuffer out;
        e->evaluate(request.c_str(), out);
        const auto r = nlohmann::json::parse(out.view());
        for (const auto& c : r["certificates"])
            if (!c["accepted"].get<bool>()) state.SkipWithError(("not accepted: " + c.dump()).c_str());
    }
    for (auto _ : state) {
        TextBuffer out;
        e->evaluate(request.c_str(), out);
        benchmark::DoNotOptimize(out.size());
    }
}
BENCHMARK(BM_Evaluate_ByName)->Unit(benchmark::kMicrosecond);

// The same engine call with the fixture's request (USCCs and models on both sides), for the ratio.
void BM_Evaluate_ByUscc(benchmark::State& state) {
    static const std::unique_ptr<EngineCore> e = EngineCore::open(bench::fixture().config);
    const std::string& request = bench::fixture().request;
    for (auto _ : state) {
        TextBuffer out;
        e->evaluate(request.c_str(), out);
        benchmark::DoNotOptimize(out.size());
    }
}
BENCHMARK(BM_Evaluate_ByUscc)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) { return bench::main(argc, argv); }
