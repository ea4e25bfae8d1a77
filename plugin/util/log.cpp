#include "util/log.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "util/error.hpp"

namespace firstset {

namespace {

// The host's callback. Each setting is a Registration; a message holds the one in force (a count
// of calls running) only while it calls it, under no lock. Setting a new one swaps it in at once
// (later messages go to the new one) and then waits until the old one's calls have ended, so a
// steady stream of messages cannot keep firstset_set_log_callback waiting.
struct Registration {
    HostLogFn fn = nullptr;
    void* user_data = nullptr;
    int running = 0;  // calls of fn in progress; guarded by HostCallback::mutex
};

struct HostCallback {
    std::mutex mutex;
    std::condition_variable ended;       // a Registration's last running call ended
    Registration* current = nullptr;     // guarded by mutex
    std::atomic<bool> set{false};        // read without the lock: no callback, no lock taken
};

HostCallback& host() {
    static HostCallback* h = new HostCallback;  // never destroyed: background threads may log at exit
    return *h;
}

// How deep this thread is in calls of the host's callback (a callback may log through the library).
thread_local int callback_depth = 0;

spdlog::level::level_enum to_spdlog(LogLevel l) {
    switch (l) {
        case LogLevel::debug: return spdlog::level::debug;
        case LogLevel::info: return spdlog::level::info;
        case LogLevel::warn: return spdlog::level::warn;
        case LogLevel::error: return spdlog::level::err;
        case LogLevel::off: break;
    }
    return spdlog::level::off;
}

// A logger of the engine's own, never registered in spdlog's global registry: a host that uses
// spdlog itself must not see or collide with it. Its failures are swallowed.
std::shared_ptr<spdlog::logger> make_logger(spdlog::sink_ptr sink) {
    auto logger = std::make_shared<spdlog::logger>("firstset", std::move(sink));
    logger->set_level(spdlog::level::trace);  // Log filters by level itself
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z [firstset] [%l] %v");
    logger->set_error_handler([](const std::string&) {});
    return logger;
}

// Calls the host's callback if one is set; false when none is.
bool deliver(LogLevel level, const char* code, const std::string& message) noexcept {
    HostCallback& h = host();
    if (!h.set.load(std::memory_order_acquire)) return false;
    Registration* r = nullptr;
    {
        std::lock_guard<std::mutex> lock(h.mutex);
        r = h.current;
        if (!r) return false;
        ++r->running;
    }
    ++callback_depth;
    try {
        r->fn(r->user_data, static_cast<int>(level), code, message.c_str());
    } catch (...) {
        // a C callback cannot throw; a C++ host's might: it must not reach the engine
    }
    --callback_depth;
    {
        std::lock_guard<std::mutex> lock(h.mutex);
        if (--r->running == 0 && r != h.current) h.ended.notify_all();
    }
    return true;
}

}  // namespace

bool log_level_from_name(std::string_view name, LogLevel& level) {
    if (name == "trace" || name == "debug") level = LogLevel::debug;
    else if (name == "info") level = LogLevel::info;
    else if (name == "warn" || name == "warning") level = LogLevel::warn;
    else if (name == "error" || name == "err" || name == "critical") level = LogLevel::error;
    else if (name == "off") level = LogLevel::off;
    else return false;
    return true;
}

bool inside_log_callback() noexcept { return callback_depth > 0; }

bool set_host_log_callback(HostLogFn fn, void* user_data) noexcept {
    if (inside_log_callback()) return false;  // it would wait for itself
    HostCallback& h = host();
    try {
        Registration* next = fn ? new Registration{fn, user_data, 0} : nullptr;
        std::unique_lock<std::mutex> lock(h.mutex);
        Registration* old = h.current;
        h.current = next;
        h.set.store(next != nullptr, std::memory_order_release);
        if (old) {
            h.ended.wait(lock, [&] { return old->running == 0; });
            delete old;
        }
    } catch (...) {
        return false;  // out of memory for a Registration: nothing changed
    }
    return true;
}

std::shared_ptr<const Log> Log::open(LogLevel level, const std::filesystem::path& file, const std::string& config_file) {
    std::shared_ptr<Log> log(new Log);
    log->level_ = level;
    log->stderr_ = make_logger(std::make_shared<spdlog::sinks::stderr_sink_mt>());
    if (!file.empty()) {
        try {
            log->file_ = make_logger(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string(), false));
        } catch (const spdlog::spdlog_ex& e) {
            throw StatusError(Status::io, "LOG_UNWRITABLE", "cannot open the log file " + file.string() + ": " + e.what(),
                              "无法打开日志文件 " + file.string() + "：" + e.what(), Location{"/log/file", config_file, 0, 0});
        }
    }
    return log;
}

std::shared_ptr<const Log> Log::silent() {
    return std::shared_ptr<const Log>(new Log);
}

Log::~Log() = default;

void Log::write(LogLevel level, const char* code, const std::string& message) const noexcept {
    if (!enabled(level) || (!file_ && !stderr_)) return;
    const bool delivered = deliver(level, code, message);
    try {
        if (file_) file_->log(to_spdlog(level), "{} {}", code, message);
        else if (!delivered) stderr_->log(to_spdlog(level), "{} {}", code, message);
    } catch (...) {
    }
}

}  // namespace firstset
