#include "util/log.hpp"

#include <atomic>
#include <shared_mutex>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "util/error.hpp"

namespace firstset {

namespace {

// The host's callback. Calls of it hold the lock shared; setting a new one holds it exclusively,
// so that when firstset_set_log_callback returns no call of the old one runs or will start.
struct HostCallback {
    std::shared_mutex mutex;
    HostLogFn fn = nullptr;
    void* user_data = nullptr;
    std::atomic<bool> set{false};  // read without the lock: no callback, no lock taken
};

HostCallback& host() {
    static HostCallback* h = new HostCallback;  // never destroyed: background threads may log at exit
    return *h;
}

thread_local bool inside_callback = false;

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
    auto call = [&](HostLogFn fn, void* ud) {
        if (!fn) return false;
        inside_callback = true;
        try {
            fn(ud, static_cast<int>(level), code, message.c_str());
        } catch (...) {
            // a C callback cannot throw; a C++ host's might: it must not reach the engine
        }
        inside_callback = false;
        return true;
    };
    // A message logged while the callback runs on this thread (the callback called into the
    // library) goes to it without taking the lock again.
    if (inside_callback) return call(h.fn, h.user_data);
    std::shared_lock<std::shared_mutex> lock(h.mutex);
    return call(h.fn, h.user_data);
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

bool set_host_log_callback(HostLogFn fn, void* user_data) noexcept {
    if (inside_callback) return false;
    HostCallback& h = host();
    std::unique_lock<std::shared_mutex> lock(h.mutex);
    h.fn = fn;
    h.user_data = fn ? user_data : nullptr;
    h.set.store(fn != nullptr, std::memory_order_release);
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
