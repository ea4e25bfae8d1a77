// An engine's log: every message has a level and a stable code (docs/bindings.md lists them).
// Messages go to the host's log callback when one is set (firstset_set_log_callback, process-
// wide, in the manner of SQLite's SQLITE_CONFIG_LOG), else to standard error; a log file named in
// the configuration is written either way. Logging never fails a call: a full disk or a throwing
// formatter loses the message, not the evaluation.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace spdlog {
class logger;
}

namespace firstset {

// The values are the C ABI's enum firstset_log_level; off is the configuration's "off".
enum class LogLevel : int { debug = 1, info = 2, warn = 3, error = 4, off = 5 };

// A configuration's log level name (trace, debug, info, warn, warning, error, critical, off);
// nullopt-like: returns false for any other name.
bool log_level_from_name(std::string_view name, LogLevel& level);

using HostLogFn = void (*)(void* user_data, int level, const char* code, const char* message);

// Sets (or with fn null, clears) the process-wide host callback. Waits until no call of the
// previous callback is running. Returns false, changing nothing, when called from inside a
// callback (it would wait for itself).
bool set_host_log_callback(HostLogFn fn, void* user_data) noexcept;

// True on a thread that is running the host's callback (the C ABI refuses calls from there).
bool inside_log_callback() noexcept;

class Log {
public:
    // A log at `level` writing to `file` (none: empty). Throws StatusError IO LOG_UNWRITABLE when
    // the file cannot be opened; `config_file` names the configuration in that error.
    static std::shared_ptr<const Log> open(LogLevel level, const std::filesystem::path& file,
                                           const std::string& config_file);
    // A log that writes nothing anywhere (tests of parts that take a log).
    static std::shared_ptr<const Log> silent();
    ~Log();

    bool enabled(LogLevel l) const noexcept { return l != LogLevel::off && l >= level_; }

    template <typename... A>
    void debug(const char* code, fmt::format_string<A...> f, A&&... a) const noexcept {
        emit(LogLevel::debug, code, f, std::forward<A>(a)...);
    }
    template <typename... A>
    void info(const char* code, fmt::format_string<A...> f, A&&... a) const noexcept {
        emit(LogLevel::info, code, f, std::forward<A>(a)...);
    }
    template <typename... A>
    void warn(const char* code, fmt::format_string<A...> f, A&&... a) const noexcept {
        emit(LogLevel::warn, code, f, std::forward<A>(a)...);
    }
    template <typename... A>
    void error(const char* code, fmt::format_string<A...> f, A&&... a) const noexcept {
        emit(LogLevel::error, code, f, std::forward<A>(a)...);
    }

    // One message, already formatted. REQUIRES: code is a stable upper-case code.
    void write(LogLevel level, const char* code, const std::string& message) const noexcept;

private:
    Log() = default;
    template <typename... A>
    void emit(LogLevel l, const char* code, fmt::format_string<A...> f, A&&... a) const noexcept {
        if (!enabled(l)) return;
        std::string text;
        try {
            text = fmt::format(f, std::forward<A>(a)...);
        } catch (...) {
            return;
        }
        write(l, code, text);
    }

    LogLevel level_ = LogLevel::off;
    std::shared_ptr<spdlog::logger> file_;    // null: no log file
    std::shared_ptr<spdlog::logger> stderr_;  // null for silent()
};

}  // namespace firstset
