// The decision log, side by side with its peers in one run:
//   - durable appends per second with 1 and 8 writers, against SQLite (WAL, synchronous=FULL)
//     storing the same records, one transaction per record;
//   - verification of a 256 MB ledger against `sha256sum` of the same file;
//   - verification of 100,000 records chained with SHA-256 and with SM3 (BM_LedgerVerifyHash);
//   - what `log_evaluations` costs a firstset_evaluate call: the same engine configuration with a
//     ledger, the option off (0) and on (1), 1, 8 and 16 callers (BM_EvaluateLogEvaluations;
//     bench/server_load.sh sets the 16-caller figure beside firstset-server under load).
//
//   build/bench/bench/firstset_bench_ledger --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Files go to $FIRSTSET_BENCH_DIR, else the system's temporary folder (which must be on a real
// disk: on tmpfs every fsync is free). docs/performance.md records the figures.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <chrono>
#include <map>
#include <mutex>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "engine.hpp"
#include "ledger/format.hpp"
#include "ledger/ledger.hpp"
#include "ledger/verify_file.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace firstset;

namespace {

fs::path bench_dir() {
    const char* env = std::getenv("FIRSTSET_BENCH_DIR");
    fs::path dir = env && *env ? fs::path(env) : fs::temp_directory_path() / "firstset-bench-ledger";
    fs::create_directories(dir);
    return dir;
}

// A record like those firstset_evaluate leaves: about 1 KB.
std::string record_body(int n) {
    std::string b = "{\"tender\":\"BENCH-2026-001\",\"bid\":\"B" + std::to_string(n) +
                    "\",\"request_sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\","
                    "\"evaluation_date\":\"2026-03-16\",\"policy\":{\"id\":\"cn-cq-2024-9\",\"sha256\":"
                    "\"639415641e7426c0f50db56e644926ba2e5b9c20f4b30ed6d7b4ccf530fe7631\"},\"registry\":{\"id\":\"bench\","
                    "\"version\":\"1\",\"sha256\":\"e1adb7eb763d2cfb92d2ca92bc36095a7fac45baec68354941193bc96e7f278c\"},"
                    "\"certificates\":[";
    for (int i = 0; i < 3; ++i)
        b += std::string(i ? "," : "") + "{\"id\":\"CQ-STT-2024-00" + std::to_string(17 + i) +
             "\",\"item\":\"I" + std::to_string(i + 1) + "\",\"accepted\":true,\"codes\":[]}";
    b += "],\"criteria\":[";
    for (int i = 0; i < 12; ++i)
        b += std::string(i ? "," : "") + "{\"id\":\"C" + std::to_string(i + 1) + "\",\"outcome\":\"" +
             (i % 3 ? "not_applicable" : "deemed_met") + "\",\"points\":" + (i % 3 ? "null" : "10") + "}";
    return b + "]}";
}

std::unique_ptr<ledger::Ledger> shared_ledger;

void BM_LedgerAppend(benchmark::State& state) {
    if (state.thread_index() == 0) {
        const fs::path file = bench_dir() / ("append-" + std::to_string(state.threads()) + ".jsonl");
        shared_ledger.reset();  // Google Benchmark runs this function more than once
        fs::remove(file);
        shared_ledger = ledger::Ledger::open(file);
    }
    int n = 0;
    const std::string body = record_body(state.thread_index());
    for (auto _ : state) benchmark::DoNotOptimize(shared_ledger->append("evaluation", body).seq + static_cast<unsigned>(++n));
    state.SetItemsProcessed(state.iterations());
    if (state.thread_index() == 0) {
        state.counters["records_in_file"] = static_cast<double>(shared_ledger->head().seq);
        const auto syncs = static_cast<double>(shared_ledger->syncs());
        state.counters["records_per_sync"] = static_cast<double>(shared_ledger->head().seq) / syncs;
        state.counters["syncs_per_second"] = benchmark::Counter(syncs, benchmark::Counter::kIsRate);
    }
}
BENCHMARK(BM_LedgerAppend)->Threads(1)->Threads(8)->UseRealTime()->MinTime(2.0);

// SQLite in WAL mode with synchronous=FULL: a commit is on disk when it returns, as a ledger
// record is. Each writer has its own connection; each record is its own transaction.
void check(int rc, sqlite3* db) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        std::fprintf(stderr, "sqlite: %s\n", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        std::abort();
    }
}

// The database for a number of writers, created once; the threads of a run all wait for it
// (code before the timed loop runs in every thread at once).
fs::path sqlite_database(int threads) {
    static std::mutex mutex;
    static std::map<int, fs::path> created;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = created.find(threads);
    if (it != created.end()) return it->second;
    const fs::path file = bench_dir() / ("peer-" + std::to_string(threads) + ".sqlite");
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
    sqlite3* db = nullptr;
    check(sqlite3_open(file.c_str(), &db), db);
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE records(seq INTEGER PRIMARY KEY, time TEXT, kind TEXT, body TEXT);",
                       nullptr, nullptr, nullptr),
          db);
    sqlite3_close(db);
    return created[threads] = file;
}

void BM_Peer_SqliteInsert(benchmark::State& state) {
    const fs::path sqlite_file = sqlite_database(state.threads());
    sqlite3* db = nullptr;
    check(sqlite3_open_v2(sqlite_file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr), db);
    sqlite3_busy_timeout(db, 60000);  // writers wait for each other's commits
    // WAL is the database's journal mode from its creation; synchronous is per connection.
    check(sqlite3_exec(db, "PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr), db);
    sqlite3_stmt* insert = nullptr;
    check(sqlite3_prepare_v2(db, "INSERT INTO records(time, kind, body) VALUES (?, 'evaluation', ?)", -1, &insert, nullptr), db);
    const std::string body = record_body(state.thread_index());
    for (auto _ : state) {
        const std::string time = ledger::utc_now();
        sqlite3_bind_text(insert, 1, time.c_str(), static_cast<int>(time.size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 2, body.c_str(), static_cast<int>(body.size()), SQLITE_STATIC);
        int rc;
        while ((rc = sqlite3_step(insert)) == SQLITE_BUSY) sqlite3_reset(insert);
        check(rc, db);
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    sqlite3_close(db);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Peer_SqliteInsert)->Threads(1)->Threads(8)->UseRealTime()->MinTime(2.0);

// What the disk gives without group commit: each writer writes its record (in turn) and syncs
// it through a descriptor of its own, syncs running side by side. The ceiling for one sync per
// record; not a target, it explains the figures above.
void BM_Reference_FdatasyncPerRecord(benchmark::State& state) {
    static std::mutex write_mutex;
    static int write_fd = -1;
    const fs::path file = bench_dir() / ("raw-" + std::to_string(state.threads()) + ".jsonl");
    if (state.thread_index() == 0) {
        if (write_fd >= 0) ::close(write_fd);  // the last run's (all its threads are done)
        fs::remove(file);
        write_fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
    // Google Benchmark starts every thread's timed loop together, after all have set up; the
    // other threads open their descriptor inside the loop's first turn.
    int own_fd = -1;
    const std::string line = ledger::make_line(1, ledger::genesis_prev, ledger::utc_now(), "evaluation", record_body(0)) + "\n";
    for (auto _ : state) {
        if (own_fd < 0) own_fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
        {
            std::lock_guard<std::mutex> lock(write_mutex);
            if (::write(write_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::abort();
        }
        if (::fdatasync(own_fd) != 0) std::abort();
    }
    ::close(own_fd);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Reference_FdatasyncPerRecord)->Threads(1)->Threads(8)->UseRealTime()->MinTime(2.0);

// ---- verification -----------------------------------------------------------------------

// A storage without sync, to build a large ledger quickly; the file is the same.
class UnsyncedStorage : public ledger::Storage {
public:
    explicit UnsyncedStorage(int fd) : fd_(fd) {}
    void append(std::string_view bytes) override {
        if (::write(fd_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) std::abort();
    }
    void sync(unsigned) override {}

private:
    int fd_;
};

const fs::path& big_ledger() {
    static const fs::path file = [] {
        const fs::path f = bench_dir() / "verify-256mb.jsonl";
        if (!fs::exists(f) || fs::file_size(f) < (std::size_t{256} << 20)) {
            fs::remove(f);
            auto l = ledger::Ledger::open(f, [](int fd, const fs::path&) { return std::make_unique<UnsyncedStorage>(fd); });
            for (int n = 0; fs::file_size(f) < (std::size_t{256} << 20); ++n)
                for (int k = 0; k < 1000; ++k) l->append("evaluation", record_body(n * 1000 + k));
        }
        return f;
    }();
    return file;
}

void BM_LedgerVerify(benchmark::State& state) {
    const fs::path& file = big_ledger();
    const std::string request = "{\"ledger\":\"" + file.string() + "\"}";
    const json::Document doc = json::Document::parse(request, json::Limits{1 << 20, 8}, "request");
    for (auto _ : state) {
        TextBuffer out;
        ledger::verify_file(doc.root(), out);
        if (out.view().find("\"ok\":true") == std::string_view::npos) state.SkipWithError("the ledger does not verify");
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(fs::file_size(file)));
}
BENCHMARK(BM_LedgerVerify)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

// The chain hash (docs/contract.md section 14): the same 100,000 records (about 1 KB each) in a
// ledger chained with SHA-256 (argument 0) and one chained with SM3 (argument 1), each verified
// whole by firstset_verify's code, side by side in one run.
const fs::path& hash_ledger(HashAlgorithm hash) {
    static std::map<HashAlgorithm, fs::path> files;
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = files.find(hash);
    if (it != files.end()) return it->second;
    const fs::path f = bench_dir() / ("verify-100k-" + std::string(hash_name(hash)) + ".jsonl");
    constexpr std::uint64_t records = 100000;
    bool fresh = fs::exists(f);
    if (fresh) {
        const std::string request = "{\"ledger\":\"" + f.string() + "\"}";
        TextBuffer out;
        ledger::verify_file(json::Document::parse(request, json::Limits{1 << 20, 8}, "request").root(), out);
        fresh = out.view().find("\"records\":" + std::to_string(records + 1) + ",") != std::string_view::npos;
    }
    if (!fresh) {
        fs::remove(f);
        auto l = ledger::Ledger::open(f, [](int fd, const fs::path&) { return std::make_unique<UnsyncedStorage>(fd); }, hash);
        for (std::uint64_t n = 0; n < records; ++n) l->append("evaluation", record_body(static_cast<int>(n)));
    }
    return files.emplace(hash, f).first->second;
}

void BM_LedgerVerifyHash(benchmark::State& state) {
    const HashAlgorithm hash = state.range(0) == 0 ? HashAlgorithm::sha256 : HashAlgorithm::sm3;
    const fs::path& file = hash_ledger(hash);
    state.SetLabel(std::string(hash_name(hash)));
    const std::string request = "{\"ledger\":\"" + file.string() + "\"}";
    const json::Document doc = json::Document::parse(request, json::Limits{1 << 20, 8}, "request");
    for (auto _ : state) {
        TextBuffer out;
        ledger::verify_file(doc.root(), out);
        if (out.view().find("\"ok\":true") == std::string_view::npos) state.SkipWithError("the ledger does not verify");
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(fs::file_size(file)));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 100001);
}
BENCHMARK(BM_LedgerVerifyHash)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_Peer_Sha256sum(benchmark::State& state) {
    const fs::path& file = big_ledger();
    const std::string command = "sha256sum '" + file.string() + "' > /dev/null";
    for (auto _ : state)
        if (std::system(command.c_str()) != 0) state.SkipWithError("sha256sum failed");
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(fs::file_size(file)));
}
BENCHMARK(BM_Peer_Sha256sum)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace

// One engine per argument, with a ledger in the bench folder; log_evaluations as the argument.
std::unique_ptr<EngineCore> logged_engine;
std::string logged_request;

void BM_EvaluateLogEvaluations(benchmark::State& state) {
    const bool log_evaluations = state.range(0) != 0;
    if (state.thread_index() == 0) {
        logged_engine.reset();
        const fs::path dir = bench_dir() / ("evaluate-log-" + std::to_string(state.range(0)) + "-" + std::to_string(state.threads()));
        fs::remove_all(dir);
        fs::create_directories(dir);
        const fs::path source(FIRSTSET_SOURCE_DIR);
        std::ofstream(dir / "config.yaml") << "policies: [" << (source / "criteria/policies/cn-cq-2024-9.yaml").string()
                                           << "]\nregistry: {file: " << (source / "examples/registry.yaml").string()
                                           << "}\nledger: {path: " << (dir / "ledger.jsonl").string()
                                           << ", log_evaluations: " << (log_evaluations ? "true" : "false")
                                           << "}\nlog: {level: warn}\n";
        logged_engine = EngineCore::open(dir / "config.yaml");
        std::ifstream in(source / "examples/requests/evaluate-CQJT-2026-014.json");
        logged_request.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    for (auto _ : state) {
        TextBuffer out;
        logged_engine->evaluate(logged_request, out);
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations());
    if (state.thread_index() == 0) state.SetLabel(log_evaluations ? "log_evaluations: true" : "log_evaluations: false");
}
BENCHMARK(BM_EvaluateLogEvaluations)->Arg(0)->Arg(1)->Threads(1)->Threads(8)->Threads(16)->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(2.0);

BENCHMARK_MAIN();
