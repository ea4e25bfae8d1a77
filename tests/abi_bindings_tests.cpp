// ABI 1.5 through the built .so: what bindings rely on (docs/bindings.md). Documents given with
// a length and no NUL, engine handles checked after close, and the host's log callback.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "abi_support.hpp"
#include "support.hpp"

namespace {

using test::raw;

// An engine opened through the raw C functions, closed at the end of the test if still open.
struct RawEngine {
    firstset_engine* handle = nullptr;
    explicit RawEngine(const std::filesystem::path& config) {
        char* error = nullptr;
        const int status = raw().open(config.string().c_str(), &handle, &error);
        INFO((error ? error : ""));
        REQUIRE(status == FIRSTSET_OK);
    }
    ~RawEngine() { raw().close(handle); }
};

// The text in a heap block of exactly its size: no NUL after it, so AddressSanitizer reports any
// read past its end.
std::unique_ptr<char[]> exact_copy(const std::string& text) {
    std::unique_ptr<char[]> block(new char[text.size()]);
    std::memcpy(block.get(), text.data(), text.size());
    return block;
}

// A copy of the sample request padded with spaces to exactly `size` bytes.
std::string request_of_size(std::size_t size) {
    std::string text = test::sample_request().dump();
    REQUIRE(text.size() <= size);
    text.append(size - text.size(), ' ');
    return text;
}

nlohmann::json error_of(char* out) {
    auto doc = raw().take(out);
    REQUIRE(doc.contains("error"));
    return doc["error"];
}

struct LogLine {
    int level;
    std::string code, message;
};

struct LogSink {
    std::mutex mutex;
    std::vector<LogLine> lines;
    static void callback(void* user_data, int level, const char* code, const char* message) {
        auto* sink = static_cast<LogSink*>(user_data);
        std::lock_guard<std::mutex> lock(sink->mutex);
        sink->lines.push_back({level, code, message});
    }
    bool has(const std::string& code) {
        std::lock_guard<std::mutex> lock(mutex);
        for (const auto& l : lines)
            if (l.code == code) return true;
        return false;
    }
};

std::filesystem::path config_with_log_level(const std::string& level, const std::string& log_file = "") {
    const auto dir = std::filesystem::temp_directory_path() / ("firstset-abi15-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / ("config-" + level + log_file + ".yaml");
    test::write_file(file, "policies:\n  - " + test::source("criteria/policies/cn-cq-2024-9.yaml").string() +
                               "\nregistry:\n  file: " + test::source("examples/registry.yaml").string() +
                               "\nlog:\n  level: " + level + "\n" + (log_file.empty() ? "" : "  file: " + (dir / log_file).string() + "\n"));
    return file;
}

}  // namespace

TEST_CASE("ABI 1.5: the library reports minor version 5 or later", "[abi][abi15]") {
    CHECK((raw().abi_version() >> 16) == 1u);
    CHECK((raw().abi_version() & 0xffffu) >= 5u);
}

TEST_CASE("ABI 1.5: a request given with its length is read to that length and no further (no NUL needed)",
          "[abi][abi15]") {
    RawEngine e(test::source("examples/config.yaml"));
    const std::string reference = [&] {
        const std::string text = test::sample_request().dump();
        char* out = nullptr;
        REQUIRE(raw().evaluate(e.handle, text.c_str(), &out) == FIRSTSET_OK);
        auto doc = raw().take(out);
        return doc.dump();
    }();
    // Sizes that are multiples of 8 and of 4096 were the ones a NUL-less buffer failed on.
    for (std::size_t size : {std::size_t(8192), std::size_t(8200), std::size_t(12288), std::size_t(16384 + 8)}) {
        const std::string text = request_of_size(size);
        auto block = exact_copy(text);
        char* out = nullptr;
        CAPTURE(size);
        REQUIRE(raw().evaluate_n(e.handle, block.get(), text.size(), &out) == FIRSTSET_OK);
        CHECK(raw().take(out).dump() == reference);
    }
    // A length shorter than the text: only that much is read (here: a cut document, PARSE).
    const std::string text = test::sample_request().dump();
    char* out = nullptr;
    CHECK(raw().evaluate_n(e.handle, text.c_str(), text.size() / 2, &out) == FIRSTSET_PARSE);
    CHECK(error_of(out)["status"] == "PARSE");
}

TEST_CASE("ABI 1.5: lint, record and verify take lengths too, with the same answers as the NUL forms",
          "[abi][abi15]") {
    RawEngine e(test::source("examples/config.yaml"));
    const std::string tender = test::read_file(test::source("examples/requests/lint-CQJT-2026-014.json"));
    char* a = nullptr;
    char* b = nullptr;
    REQUIRE(raw().lint(e.handle, tender.c_str(), &a) == FIRSTSET_OK);
    auto block = exact_copy(tender);
    REQUIRE(raw().lint_n(e.handle, block.get(), tender.size(), &b) == FIRSTSET_OK);
    CHECK(raw().take(a) == raw().take(b));

    // record without a ledger in the configuration: CONFIG, as the NUL form says.
    const std::string award = test::read_file(test::source("examples/requests/record-award-CQJT-2026-014.json"));
    auto award_block = exact_copy(award);
    REQUIRE(raw().record_n(e.handle, award_block.get(), award.size(), &a) == FIRSTSET_CONFIG);
    CHECK(error_of(a)["status"] == "CONFIG");

    const std::string verify = R"({"ledger": "/nonexistent/firstset/ledger.jsonl"})";
    auto verify_block = exact_copy(verify);
    REQUIRE(raw().verify_n(verify_block.get(), verify.size(), &a) == FIRSTSET_IO);
    REQUIRE(raw().verify(verify.c_str(), &b) == FIRSTSET_IO);
    CHECK(raw().take(a) == raw().take(b));
}

TEST_CASE("ABI 1.5: NULL with length 0 is an empty document, NULL with a length is ARGUMENT, over the limit is LIMIT unread",
          "[abi][abi15]") {
    RawEngine e(test::source("examples/config.yaml"));
    char* out = nullptr;
    CHECK(raw().evaluate_n(e.handle, nullptr, 0, &out) == FIRSTSET_PARSE);
    CHECK(error_of(out)["status"] == "PARSE");
    CHECK(raw().evaluate_n(e.handle, nullptr, 10, &out) == FIRSTSET_ARGUMENT);
    CHECK(error_of(out)["code"] == "ARGUMENT_NULL");
    CHECK(raw().verify_n(nullptr, 3, &out) == FIRSTSET_ARGUMENT);
    raw().free(out);
    // A size past the limit is refused before a byte is read: the pointer is to one byte only.
    const char one = '{';
    CHECK(raw().evaluate_n(e.handle, &one, std::size_t(FIRSTSET_MAX_REQUEST_BYTES) + 1, &out) == FIRSTSET_LIMIT);
    CHECK(error_of(out)["code"] == "INPUT_TOO_LARGE");
    CHECK(raw().lint_n(e.handle, &one, std::size_t(-1), &out) == FIRSTSET_LIMIT);
    raw().free(out);
    // A NUL inside the given length is not the end of the text.
    std::string text = test::sample_request().dump();
    text.push_back('\0');
    text += "  ";
    CHECK(raw().evaluate_n(e.handle, text.data(), text.size(), &out) == FIRSTSET_PARSE);
    raw().free(out);
    CHECK(raw().evaluate_n(e.handle, "{}", 2, nullptr) == FIRSTSET_ARGUMENT);
}

TEST_CASE("ABI 1.5: every call on a closed engine is ARGUMENT ENGINE_CLOSED, never a crash, and close twice is a no-op",
          "[abi][abi15]") {
    firstset_engine* handle = nullptr;
    char* out = nullptr;
    REQUIRE(raw().open(test::source("examples/config.yaml").string().c_str(), &handle, &out) == FIRSTSET_OK);
    raw().close(handle);
    raw().close(handle);  // a no-op
    const std::string request = test::sample_request().dump();
    auto closed = [&](int status) {
        CHECK(status == FIRSTSET_ARGUMENT);
        auto e = error_of(out);
        CHECK(e["code"] == "ENGINE_CLOSED");
        CHECK_FALSE(e["message_zh"].get<std::string>().empty());
    };
    closed(raw().evaluate(handle, request.c_str(), &out));
    closed(raw().evaluate_n(handle, request.data(), request.size(), &out));
    closed(raw().lint(handle, "{}", &out));
    closed(raw().lint_n(handle, "{}", 2, &out));
    closed(raw().record(handle, "{}", &out));
    closed(raw().record_n(handle, "{}", 2, &out));
    closed(raw().status(handle, &out));
}

TEST_CASE("ABI 1.5: a handle the library never returned is ARGUMENT ENGINE_UNKNOWN", "[abi][abi15]") {
    int not_an_engine = 42;
    auto* foreign = reinterpret_cast<firstset_engine*>(&not_an_engine);
    char* out = nullptr;
    CHECK(raw().evaluate(foreign, "{}", &out) == FIRSTSET_ARGUMENT);
    CHECK(error_of(out)["code"] == "ENGINE_UNKNOWN");
    CHECK(raw().status(reinterpret_cast<firstset_engine*>(std::uintptr_t(0x7fffffffffffffffu)), &out) == FIRSTSET_ARGUMENT);
    CHECK(error_of(out)["code"] == "ENGINE_UNKNOWN");
    raw().close(foreign);  // a no-op
    CHECK(not_an_engine == 42);
}

TEST_CASE("ABI 1.5: close while other threads evaluate: each call ends with its answer or ENGINE_CLOSED",
          "[abi][abi15][threads]") {
    const std::string request = test::sample_request().dump();
    for (int round = 0; round < 5; ++round) {
        firstset_engine* handle = nullptr;
        char* out = nullptr;
        REQUIRE(raw().open(test::source("examples/config.yaml").string().c_str(), &handle, &out) == FIRSTSET_OK);
        std::atomic<int> ok{0}, closed{0}, other{0};
        std::vector<std::thread> pool;
        // Each thread evaluates until it sees the engine closed (at most 100,000 times).
        for (int t = 0; t < 4; ++t)
            pool.emplace_back([&] {
                for (int i = 0; i < 100000; ++i) {
                    char* r = nullptr;
                    const int s = raw().evaluate_n(handle, request.data(), request.size(), &r);
                    const bool is_closed = s == FIRSTSET_ARGUMENT && r && std::strstr(r, "ENGINE_CLOSED");
                    if (s == FIRSTSET_OK) ++ok;
                    else if (is_closed) ++closed;
                    else ++other;
                    raw().free(r);
                    if (is_closed) break;
                }
            });
        while (ok < 20 && other == 0) std::this_thread::yield();
        raw().close(handle);
        for (auto& th : pool) th.join();
        CHECK(other == 0);
        CHECK(ok >= 20);
        CHECK(closed == 4);
    }
}

TEST_CASE("ABI 1.5: the log callback receives the engine's messages with level and code", "[abi][abi15][log]") {
    LogSink sink;
    REQUIRE(raw().set_log_callback(&LogSink::callback, &sink) == FIRSTSET_OK);
    {
        RawEngine e(config_with_log_level("debug"));
        const std::string request = test::sample_request().dump();
        char* out = nullptr;
        REQUIRE(raw().evaluate_n(e.handle, request.data(), request.size(), &out) == FIRSTSET_OK);
        raw().free(out);
    }
    REQUIRE(raw().set_log_callback(nullptr, nullptr) == FIRSTSET_OK);
    REQUIRE(sink.has("ENGINE_OPENED"));
    REQUIRE(sink.has("EVALUATED"));
    for (const auto& l : sink.lines) {
        CAPTURE(l.code, l.message);
        CHECK(l.level >= FIRSTSET_LOG_DEBUG);
        CHECK(l.level <= FIRSTSET_LOG_ERROR);
        CHECK(l.code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos);
        CHECK_FALSE(l.message.empty());
        if (l.code == "ENGINE_OPENED") CHECK(l.level == FIRSTSET_LOG_INFO);
        if (l.code == "EVALUATED") CHECK(l.level == FIRSTSET_LOG_DEBUG);
    }
    // After the callback is removed it is called no more.
    const std::size_t before = sink.lines.size();
    { RawEngine again(config_with_log_level("info")); }
    CHECK(sink.lines.size() == before);
}

TEST_CASE("ABI 1.5: the configuration's log level filters what reaches the callback", "[abi][abi15][log]") {
    LogSink sink;
    REQUIRE(raw().set_log_callback(&LogSink::callback, &sink) == FIRSTSET_OK);
    { RawEngine e(config_with_log_level("warn")); }
    REQUIRE(raw().set_log_callback(nullptr, nullptr) == FIRSTSET_OK);
    CHECK_FALSE(sink.has("ENGINE_OPENED"));  // info, below warn
}

namespace {
std::atomic<int> nested_status{-1};
void setting_callback(void*, int, const char*, const char*) {
    nested_status = raw().set_log_callback(nullptr, nullptr);
}
}  // namespace

TEST_CASE("ABI 1.5: setting the callback from inside the callback is ARGUMENT, not a deadlock", "[abi][abi15][log]") {
    REQUIRE(raw().set_log_callback(&setting_callback, nullptr) == FIRSTSET_OK);
    { RawEngine e(config_with_log_level("info")); }
    CHECK(nested_status == FIRSTSET_ARGUMENT);
    REQUIRE(raw().set_log_callback(nullptr, nullptr) == FIRSTSET_OK);
}

TEST_CASE("ABI 1.5: when set_log_callback returns, no call of the old callback is running", "[abi][abi15][log]") {
    // Engines log from several threads while the main thread swaps callbacks; each sink is
    // destroyed right after it is replaced, so a late call would touch a dead sink (ASan).
    std::atomic<bool> stop{false};
    std::vector<std::thread> pool;
    const auto config = config_with_log_level("debug", "swap.log");  // the file, not standard error, between callbacks
    for (int t = 0; t < 2; ++t)
        pool.emplace_back([&] {
            RawEngine e(config);
            const std::string request = test::sample_request().dump();
            while (!stop) {
                char* out = nullptr;
                raw().evaluate_n(e.handle, request.data(), request.size(), &out);
                raw().free(out);
            }
        });
    std::size_t seen = 0;
    for (int i = 0; i < 50; ++i) {
        auto sink = std::make_unique<LogSink>();
        REQUIRE(raw().set_log_callback(&LogSink::callback, sink.get()) == FIRSTSET_OK);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        REQUIRE(raw().set_log_callback(nullptr, nullptr) == FIRSTSET_OK);
        seen += sink->lines.size();
        sink.reset();
    }
    stop = true;
    for (auto& th : pool) th.join();
    CHECK(seen > 0);
}

TEST_CASE("ABI: a schema error at the top of the document says so in its message (path empty)", "[abi][abi15]") {
    RawEngine e(test::source("examples/config.yaml"));
    char* out = nullptr;
    REQUIRE(raw().evaluate_n(e.handle, "[]", 2, &out) == FIRSTSET_SCHEMA);
    auto error = error_of(out);
    CHECK(error["message"].get<std::string>().rfind("the document: ", 0) == 0);
    CHECK(error["message_zh"].get<std::string>().rfind("文档：", 0) == 0);
}

namespace {
struct Reentry {
    firstset_engine* engine = nullptr;
    std::atomic<int> evaluate_status{-1}, status_status{-1}, calls{0};
    std::string code;
    static void callback(void* user_data, int, const char*, const char*) {
        auto* r = static_cast<Reentry*>(user_data);
        if (r->calls++ > 0) return;
        char* out = nullptr;
        r->evaluate_status = raw().evaluate_n(r->engine, "{}", 2, &out);
        if (out) {
            r->code = nlohmann::json::parse(out)["error"]["code"];
            raw().free(out);
        }
        r->status_status = raw().status(r->engine, &out);
        raw().free(out);
        raw().close(r->engine);  // does nothing from here (it would wait for the call that logs)
    }
};
}  // namespace

TEST_CASE("ABI 1.5: calls from inside the log callback are ARGUMENT INSIDE_LOG_CALLBACK, close does nothing, no deadlock",
          "[abi][abi15][log]") {
    Reentry r;
    RawEngine e(config_with_log_level("debug"));
    r.engine = e.handle;
    REQUIRE(raw().set_log_callback(&Reentry::callback, &r) == FIRSTSET_OK);
    const std::string request = test::sample_request().dump();
    char* out = nullptr;
    const int status = raw().evaluate_n(e.handle, request.data(), request.size(), &out);  // logs EVALUATED
    raw().free(out);
    REQUIRE(raw().set_log_callback(nullptr, nullptr) == FIRSTSET_OK);
    CHECK(status == FIRSTSET_OK);
    CHECK(r.calls >= 1);
    CHECK(r.evaluate_status == FIRSTSET_ARGUMENT);
    CHECK(r.code == "INSIDE_LOG_CALLBACK");
    CHECK(r.status_status == FIRSTSET_ARGUMENT);
    // The engine is still open: the close inside the callback did nothing.
    REQUIRE(raw().status(e.handle, &out) == FIRSTSET_OK);
    raw().free(out);
}

TEST_CASE("ABI 1.5: after fork the child's copy of an engine answers ENGINE_FORKED and close there does not hang",
          "[abi][abi15]") {
    RawEngine e(test::source("examples/config.yaml"));
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char* out = nullptr;
        const int s = raw().evaluate_n(e.handle, "{}", 2, &out);
        const bool forked = s == FIRSTSET_ARGUMENT && out && std::strstr(out, "ENGINE_FORKED");
        raw().free(out);
        raw().close(e.handle);  // forgets it: the engine's threads are not in this process
        firstset_engine* fresh = nullptr;
        const bool reopened = raw().open(test::source("examples/config.yaml").string().c_str(), &fresh, &out) == FIRSTSET_OK;
        raw().close(fresh);
        ::_exit(forked && reopened ? 0 : 1);
    }
    int wstatus = 0;
    REQUIRE(::waitpid(child, &wstatus, 0) == child);
    CHECK(WIFEXITED(wstatus));
    CHECK(WEXITSTATUS(wstatus) == 0);
    // The parent's engine is untouched.
    char* out = nullptr;
    REQUIRE(raw().status(e.handle, &out) == FIRSTSET_OK);
    raw().free(out);
}
