// The only extern "C" code of the library. Every entry point runs its body inside guard()
// (capi_guard.hpp), which turns every exception into a status and an error document, so
// nothing escapes into a host written in C, Java or .NET.
//
// Engine handles (ABI 1.5) are not pointers to memory: each is an odd number drawn from a
// counter that never repeats, looked up in a table of open engines. A handle that was closed,
// or that this library never gave out, is not in the table and gives ARGUMENT (ENGINE_CLOSED /
// ENGINE_UNKNOWN) instead of a use after free. Calls hold their engine's slot shared for their
// whole length; firstset_close removes the handle first (new calls see ENGINE_CLOSED), then takes
// the slot exclusively, so it waits for calls already running and tears the engine down after.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <pthread.h>

#include "capi_guard.hpp"
#include "engine.hpp"
#include "util/json_out.hpp"
#include "util/log.hpp"
#include "firstset/firstset.h"

namespace {

// Incremented in a child process after fork(): an engine opened before it is of another
// generation there (its background threads did not follow it into the child).
std::atomic<unsigned> fork_generation{0};

struct EngineSlot {
    std::shared_mutex in_use;                      // shared by calls, exclusive for close
    std::unique_ptr<firstset::EngineCore> engine;  // null once closed
    unsigned generation = 0;                       // fork_generation when opened
};

class EngineTable {
public:
    firstset_engine* add(std::unique_ptr<firstset::EngineCore> engine) {
        auto slot = std::make_shared<EngineSlot>();
        slot->engine = std::move(engine);
        slot->generation = fork_generation.load();
        std::unique_lock<std::shared_mutex> lock(mutex_);
        const std::uintptr_t handle = (++issued_ << 1) | 1u;  // odd: never a real object's address
        slots_.emplace(handle, std::move(slot));
        return reinterpret_cast<firstset_engine*>(handle);
    }

    // The slot of an open engine; null with *closed telling whether the handle was ever given out.
    std::shared_ptr<EngineSlot> find(const firstset_engine* engine, bool& closed) const {
        const auto handle = reinterpret_cast<std::uintptr_t>(engine);
        std::shared_lock<std::shared_mutex> lock(mutex_);
        auto it = slots_.find(handle);
        if (it != slots_.end()) return it->second;
        closed = (handle & 1u) == 1u && (handle >> 1) >= 1u && (handle >> 1) <= issued_;
        return nullptr;
    }

    std::shared_ptr<EngineSlot> remove(const firstset_engine* engine) {
        std::unique_lock<std::shared_mutex> lock(mutex_);
        auto it = slots_.find(reinterpret_cast<std::uintptr_t>(engine));
        if (it == slots_.end()) return nullptr;
        auto slot = std::move(it->second);
        slots_.erase(it);
        return slot;
    }

    // fork(): the table's lock is held across it, so that the child's copy of the table is
    // consistent. The parent unlocks it; the child, whose one thread is not the one glibc's
    // read-write lock names as its writer, cannot unlock it and gets a new lock instead.
    void before_fork() { mutex_.lock(); }
    void after_fork_in_parent() { mutex_.unlock(); }
    void after_fork_in_child() { new (&mutex_) std::shared_mutex(); }

private:
    mutable std::shared_mutex mutex_;
    std::uintptr_t issued_ = 0;
    std::unordered_map<std::uintptr_t, std::shared_ptr<EngineSlot>> slots_;
};

EngineTable& engines() {
    static EngineTable* table = [] {
        auto* t = new EngineTable;  // never destroyed: hosts may call during exit
        ::pthread_atfork([] { engines().before_fork(); }, [] { engines().after_fork_in_parent(); },
                         [] {
                             ++fork_generation;
                             engines().after_fork_in_child();
                         });
        return t;
    }();
    return *table;
}

int forked_engine(char** out) noexcept {
    return firstset::capi::report(out, firstset::Status::argument, "ENGINE_FORKED",
                                  "the engine was opened before this process was forked; open a new one in this process",
                                  "引擎在本进程派生（fork）之前打开，请在本进程中重新打开");
}

int refuse_inside_callback(char** out) noexcept {
    return firstset::capi::report(out, firstset::Status::argument, "INSIDE_LOG_CALLBACK",
                                  "firstset functions cannot be called from inside the log callback",
                                  "不能在日志回调函数中调用 firstset 的函数");
}

int engine_argument(char** out, bool closed) noexcept {
    return closed ? firstset::capi::report(out, firstset::Status::argument, "ENGINE_CLOSED",
                                           "the engine was closed (firstset_close); open a new one",
                                           "引擎已关闭（firstset_close），请重新打开")
                  : firstset::capi::report(out, firstset::Status::argument, "ENGINE_UNKNOWN",
                                           "the engine handle was not returned by firstset_open",
                                           "引擎句柄不是 firstset_open 返回的");
}

// Runs body(engine core) with the engine held open; ARGUMENT for a NULL, closed or foreign handle.
template <typename Body>
int with_engine(firstset_engine* handle, char** out, Body&& body) {
    if (!handle) return firstset::capi::null_argument(out, "engine");
    bool closed = false;
    std::shared_ptr<EngineSlot> slot = engines().find(handle, closed);
    if (!slot) return engine_argument(out, closed);
    if (slot->generation != fork_generation.load()) return forked_engine(out);
    std::shared_lock<std::shared_mutex> in_use(slot->in_use);
    if (!slot->engine) return engine_argument(out, true);  // closed while this call waited
    return body(*slot->engine);
}

// A document given with its length. NULL is an empty document when size is 0.
int document_argument(const char* data, std::size_t size, char** out, const char* name, std::string_view& text) {
    if (!data && size > 0) return firstset::capi::null_argument(out, name);
    text = data ? std::string_view(data, size) : std::string_view();
    return FIRSTSET_OK;
}

// The C-string form of an entry point: NULL is ARGUMENT, the text ends at its NUL.
int c_string_argument(const char* data, char** out, const char* name, std::string_view& text) {
    if (!data) return firstset::capi::null_argument(out, name);
    text = std::string_view(data);
    return FIRSTSET_OK;
}

template <typename Call>
int respond(char** out, Call&& call) {
    firstset::TextBuffer response;
    call(response);
    *out = response.release();  // malloc'd: firstset_free is free()
    return FIRSTSET_OK;
}

// One engine call (evaluate, lint or record) on a document: the engine held open, the answer written.
using EngineCall = void (firstset::EngineCore::*)(std::string_view, firstset::TextBuffer&) const;

int call_engine(firstset_engine* engine, std::string_view text, char** out, EngineCall call) {
    return with_engine(engine, out, [&](const firstset::EngineCore& e) {
        return respond(out, [&](firstset::TextBuffer& r) { (e.*call)(text, r); });
    });
}

int verify(std::string_view text, char** out) {
    return respond(out, [&](firstset::TextBuffer& r) { firstset::verify_ledger(text, r); });
}

}  // namespace

using firstset::capi::guard;
using firstset::capi::null_argument;

// guard() for an entry point, which first refuses a call from inside the host's log callback: the
// engine that logs may hold locks the call needs, or the call may be the one closing it.
template <typename Body>
int entry(char** out, Body&& body) noexcept {
    return guard(out, [&]() -> int {
        if (firstset::inside_log_callback()) return refuse_inside_callback(out);
        return body();
    });
}

extern "C" {

FIRSTSET_API uint32_t firstset_abi_version(void) {
    return (static_cast<uint32_t>(FIRSTSET_ABI_MAJOR) << 16) | FIRSTSET_ABI_MINOR;
}

FIRSTSET_API const char* firstset_version(void) { return FIRSTSET_VERSION_STRING; }

FIRSTSET_API int firstset_open(const char* config_path, firstset_engine** engine, char** error_json) {
    if (engine) *engine = nullptr;
    return entry(error_json, [&]() -> int {
        if (!engine) return null_argument(error_json, "engine");
        if (!config_path) return null_argument(error_json, "config_path");
        *engine = engines().add(firstset::EngineCore::open(config_path));
        return FIRSTSET_OK;
    });
}

FIRSTSET_API void firstset_close(firstset_engine* engine) {
    try {
        if (firstset::inside_log_callback()) return;  // it could wait for the very call that logs
        std::shared_ptr<EngineSlot> slot = engines().remove(engine);
        if (!slot) return;  // NULL, closed or foreign: nothing to do
        if (slot->generation != fork_generation.load()) {
            (void)slot->engine.release();  // a child's copy: its threads are not here to be joined
            return;
        }
        std::unique_lock<std::shared_mutex> in_use(slot->in_use);  // calls already running end first
        slot->engine.reset();
    } catch (...) {
        // a destructor failing at close has nowhere to report to
    }
}

FIRSTSET_API int firstset_evaluate(firstset_engine* engine, const char* request_json, char** response_json) {
    return entry(response_json, [&]() -> int {
        std::string_view text;
        if (!engine) return null_argument(response_json, "engine");
        if (int s = c_string_argument(request_json, response_json, "request_json", text)) return s;
        return call_engine(engine, text, response_json, &firstset::EngineCore::evaluate);
    });
}

FIRSTSET_API void firstset_free(char* json) { std::free(json); }

FIRSTSET_API int firstset_record(firstset_engine* engine, const char* record_json, char** response_json) {
    return entry(response_json, [&]() -> int {
        std::string_view text;
        if (!engine) return null_argument(response_json, "engine");
        if (int s = c_string_argument(record_json, response_json, "record_json", text)) return s;
        return call_engine(engine, text, response_json, &firstset::EngineCore::record);
    });
}

FIRSTSET_API int firstset_verify(const char* request_json, char** response_json) {
    return entry(response_json, [&]() -> int {
        std::string_view text;
        if (int s = c_string_argument(request_json, response_json, "request_json", text)) return s;
        return verify(text, response_json);
    });
}

FIRSTSET_API int firstset_lint(firstset_engine* engine, const char* tender_json, char** response_json) {
    return entry(response_json, [&]() -> int {
        std::string_view text;
        if (!engine) return null_argument(response_json, "engine");
        if (int s = c_string_argument(tender_json, response_json, "tender_json", text)) return s;
        return call_engine(engine, text, response_json, &firstset::EngineCore::lint);
    });
}

FIRSTSET_API int firstset_status(firstset_engine* engine, char** status_json) {
    return entry(status_json, [&]() -> int {
        return with_engine(engine, status_json, [&](const firstset::EngineCore& e) {
            return respond(status_json, [&](firstset::TextBuffer& r) { e.status(r); });
        });
    });
}

FIRSTSET_API int firstset_evaluate_n(firstset_engine* engine, const char* request_json, size_t size,
                                     char** response_json) {
    return entry(response_json, [&]() -> int {
        if (!engine) return null_argument(response_json, "engine");
        std::string_view text;
        if (int s = document_argument(request_json, size, response_json, "request_json", text)) return s;
        return call_engine(engine, text, response_json, &firstset::EngineCore::evaluate);
    });
}

FIRSTSET_API int firstset_lint_n(firstset_engine* engine, const char* tender_json, size_t size, char** response_json) {
    return entry(response_json, [&]() -> int {
        if (!engine) return null_argument(response_json, "engine");
        std::string_view text;
        if (int s = document_argument(tender_json, size, response_json, "tender_json", text)) return s;
        return call_engine(engine, text, response_json, &firstset::EngineCore::lint);
    });
}

FIRSTSET_API int firstset_record_n(firstset_engine* engine, const char* record_json, size_t size,
                                   char** response_json) {
    return entry(response_json, [&]() -> int {
        if (!engine) return null_argument(response_json, "engine");
        std::string_view text;
        if (int s = document_argument(record_json, size, response_json, "record_json", text)) return s;
        return call_engine(engine, text, response_json, &firstset::EngineCore::record);
    });
}

FIRSTSET_API int firstset_verify_n(const char* request_json, size_t size, char** response_json) {
    return entry(response_json, [&]() -> int {
        std::string_view text;
        if (int s = document_argument(request_json, size, response_json, "request_json", text)) return s;
        return verify(text, response_json);
    });
}

FIRSTSET_API int firstset_incentive(firstset_engine* engine, const char* request_json, char** response_json) {
    return entry(response_json, [&]() -> int {
        std::string_view text;
        if (!engine) return null_argument(response_json, "engine");
        if (int s = c_string_argument(request_json, response_json, "request_json", text)) return s;
        return call_engine(engine, text, response_json, &firstset::EngineCore::incentive);
    });
}

FIRSTSET_API int firstset_incentive_n(firstset_engine* engine, const char* request_json, size_t size,
                                      char** response_json) {
    return entry(response_json, [&]() -> int {
        if (!engine) return null_argument(response_json, "engine");
        std::string_view text;
        if (int s = document_argument(request_json, size, response_json, "request_json", text)) return s;
        return call_engine(engine, text, response_json, &firstset::EngineCore::incentive);
    });
}

FIRSTSET_API int firstset_set_log_callback(firstset_log_fn callback, void* user_data) {
    return firstset::set_host_log_callback(callback, user_data) ? FIRSTSET_OK : FIRSTSET_ARGUMENT;
}

}  // extern "C"
