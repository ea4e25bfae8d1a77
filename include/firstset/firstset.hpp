// firstset.hpp - a header-only C++17 wrapper that loads libfirstset.so at run time with
// Boost.DLL and gives RAII handles over the C ABI of firstset.h.
//
//   firstset::Library lib("/usr/lib/x86_64-linux-gnu/libfirstset.so.1");  // checks the ABI
//   firstset::Engine engine = lib.open("config.yaml");                      // throws on failure
//   std::string response = engine.evaluate(request_json);                   // thread-safe
//
// Failures throw firstset::Error, which carries the status and the library's error document
// (JSON: status, code, message, message_zh, path or file and line).
//
// Thread safety: a Library and an Engine may be used from many threads at once; moving or
// destroying an Engine must not overlap its other calls. An Engine keeps its Library loaded.
//
// Build: link Boost's headers and ${CMAKE_DL_LIBS}; this header defines BOOST_DLL_USE_STD_FS
// unless the host already did, so Boost.Filesystem is not needed.
#ifndef FIRSTSET_FIRSTSET_HPP
#define FIRSTSET_FIRSTSET_HPP

#ifndef BOOST_DLL_USE_STD_FS
#define BOOST_DLL_USE_STD_FS
#endif

#include <boost/dll/shared_library.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "firstset/firstset.h"

namespace firstset {

// A failed call: the status of firstset.h and the error document the library returned.
class Error : public std::runtime_error {
public:
    Error(int status, std::string document)
        : std::runtime_error(document), status_(status), document_(std::move(document)) {}
    int status() const noexcept { return status_; }
    // {"error": {"status", "code", "message", "message_zh", "path" | "file", "line"}}
    const std::string& document() const noexcept { return document_; }

private:
    int status_;
    std::string document_;
};

// "OK", "ARGUMENT", ... for a status of firstset.h.
inline const char* status_name(int status) noexcept {
    switch (status) {
        case FIRSTSET_OK: return "OK";
        case FIRSTSET_ARGUMENT: return "ARGUMENT";
        case FIRSTSET_PARSE: return "PARSE";
        case FIRSTSET_SCHEMA: return "SCHEMA";
        case FIRSTSET_CONFIG: return "CONFIG";
        case FIRSTSET_IO: return "IO";
        case FIRSTSET_INTEGRITY: return "INTEGRITY";
        case FIRSTSET_NOT_FOUND: return "NOT_FOUND";
        case FIRSTSET_LIMIT: return "LIMIT";
        default: return "INTERNAL";
    }
}

namespace detail {

struct Api {
    boost::dll::shared_library library;
    std::uint32_t (*abi_version)() = nullptr;
    const char* (*version)() = nullptr;
    int (*open)(const char*, firstset_engine**, char**) = nullptr;
    void (*close)(firstset_engine*) = nullptr;
    int (*evaluate)(firstset_engine*, const char*, char**) = nullptr;
    void (*free)(char*) = nullptr;
    // ABI 1.1; null in a 1.0 library
    int (*record)(firstset_engine*, const char*, char**) = nullptr;
    int (*verify)(const char*, char**) = nullptr;
    int (*lint)(firstset_engine*, const char*, char**) = nullptr;
    int (*status)(firstset_engine*, char**) = nullptr;  // ABI 1.3
    // ABI 1.5; null before. With them a request is given with its length, no NUL needed.
    int (*evaluate_n)(firstset_engine*, const char*, size_t, char**) = nullptr;
    int (*lint_n)(firstset_engine*, const char*, size_t, char**) = nullptr;
    int (*record_n)(firstset_engine*, const char*, size_t, char**) = nullptr;
    int (*verify_n)(const char*, size_t, char**) = nullptr;
    int (*set_log_callback)(firstset_log_fn, void*) = nullptr;
    int (*incentive_n)(firstset_engine*, const char*, size_t, char**) = nullptr;  // ABI 1.6

    // Takes ownership of a string the library returned.
    std::string take(char* s) const {
        if (!s) return {};
        std::string out(s);
        free(s);
        return out;
    }
};

}  // namespace detail

class Library;

// An open engine (policy pack + certificate registry). Movable, not copyable; closes itself.
class Engine {
public:
    Engine(Engine&& other) noexcept : api_(std::move(other.api_)), engine_(std::exchange(other.engine_, nullptr)) {}
    Engine& operator=(Engine&& other) noexcept {
        if (this != &other) {
            reset();
            api_ = std::move(other.api_);
            engine_ = std::exchange(other.engine_, nullptr);
        }
        return *this;
    }
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;
    ~Engine() { reset(); }

    // firstset_evaluate: the response document, or throws Error. [thread-safe]
    std::string evaluate(const std::string& request_json) const {
        return call(api_->evaluate_n, api_->evaluate, request_json);
    }

    // firstset_record (ABI 1.1): appends a record durably; the response, or throws Error.
    // [thread-safe]
    std::string record(const std::string& record_json) const {
        if (!api_->record) throw std::runtime_error("this libfirstset has no firstset_record (ABI 1.0)");
        return call(api_->record_n, api_->record, record_json);
    }

    // firstset_lint (ABI 1.2): the audit of a tender's evaluation method, or throws Error.
    // [thread-safe]
    std::string lint(const std::string& tender_json) const {
        if (!api_->lint) throw std::runtime_error("this libfirstset has no firstset_lint (ABI 1.0 or 1.1)");
        return call(api_->lint_n, api_->lint, tender_json);
    }

    // firstset_incentive (ABI 1.6): the first-purchase reward ceiling (clause （一）) or the premium
    // subsidy per year (clause （二）), or throws Error. [thread-safe]
    std::string incentive(const std::string& request_json) const {
        if (!api_->incentive_n) throw std::runtime_error("this libfirstset has no firstset_incentive (ABI 1.0 to 1.5)");
        char* out = nullptr;
        const int status = api_->incentive_n(engine_, request_json.data(), request_json.size(), &out);
        std::string text = api_->take(out);
        if (status != FIRSTSET_OK) throw Error(status, std::move(text));
        return text;
    }

    // firstset_status (ABI 1.3): the registry's freshness, the ledger, checkpoints and shipping.
    // [thread-safe]
    std::string status() const {
        if (!api_->status) throw std::runtime_error("this libfirstset has no firstset_status (ABI 1.0 to 1.2)");
        char* out = nullptr;
        const int rc = api_->status(engine_, &out);
        std::string text = api_->take(out);
        if (rc != FIRSTSET_OK) throw Error(rc, std::move(text));
        return text;
    }

    // The raw handle, for functions this wrapper does not cover.
    firstset_engine* handle() const noexcept { return engine_; }

private:
    friend class Library;
    Engine(std::shared_ptr<const detail::Api> api, firstset_engine* engine) : api_(std::move(api)), engine_(engine) {}

    void reset() noexcept {
        if (engine_ && api_) api_->close(engine_);
        engine_ = nullptr;
    }

    // The length-taking form where the library has it (ABI 1.5), else the NUL-terminated one.
    template <typename FnN, typename Fn>
    std::string call(FnN fn_n, Fn fn, const std::string& request) const {
        char* out = nullptr;
        const int status = fn_n ? fn_n(engine_, request.data(), request.size(), &out) : fn(engine_, request.c_str(), &out);
        std::string text = api_->take(out);
        if (status != FIRSTSET_OK) throw Error(status, std::move(text));
        return text;
    }

    std::shared_ptr<const detail::Api> api_;
    firstset_engine* engine_ = nullptr;
};

// The loaded library. Loading checks that its ABI major version is the one this header
// was written for; a mismatch throws std::runtime_error rather than calling into it.
class Library {
public:
    explicit Library(const std::filesystem::path& path) : api_(load(path)) {}

    std::uint32_t abi_version() const { return api_->abi_version(); }
    std::string version() const { return api_->version(); }

    // firstset_verify (ABI 1.1): the verdict on a ledger file; throws Error when it cannot be
    // read. [thread-safe]
    std::string verify(const std::string& request_json) const {
        if (!api_->verify) throw std::runtime_error("this libfirstset has no firstset_verify (ABI 1.0)");
        char* out = nullptr;
        const int status = api_->verify_n ? api_->verify_n(request_json.data(), request_json.size(), &out)
                                          : api_->verify(request_json.c_str(), &out);
        std::string text = api_->take(out);
        if (status != FIRSTSET_OK) throw Error(status, std::move(text));
        return text;
    }

    // firstset_set_log_callback (ABI 1.5): every engine's messages to callback (process-wide);
    // nullptr restores standard error. Throws std::runtime_error on an older library.
    void set_log_callback(firstset_log_fn callback, void* user_data) const {
        if (!api_->set_log_callback) throw std::runtime_error("this libfirstset has no firstset_set_log_callback (ABI 1.0 to 1.4)");
        if (api_->set_log_callback(callback, user_data) != FIRSTSET_OK)
            throw std::runtime_error("firstset_set_log_callback cannot be called from inside the log callback");
    }

    // firstset_open: throws Error (CONFIG, IO, PARSE, SCHEMA) with the error document.
    Engine open(const std::filesystem::path& config) const {
        firstset_engine* engine = nullptr;
        char* error = nullptr;
        const int status = api_->open(config.string().c_str(), &engine, &error);
        std::string text = api_->take(error);
        if (status != FIRSTSET_OK) throw Error(status, std::move(text));
        return Engine(api_, engine);
    }

private:
    static std::shared_ptr<const detail::Api> load(const std::filesystem::path& path) {
        auto api = std::make_shared<detail::Api>();
        // A bare file name (libfirstset.so.1) is looked up by the dynamic loader, in the system's folders.
        auto mode = boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local;
        if (!path.has_parent_path()) mode = mode | boost::dll::load_mode::search_system_folders;
        api->library.load(path, mode);
        api->abi_version = &api->library.get<std::uint32_t()>("firstset_abi_version");
        const std::uint32_t abi = api->abi_version();
        if ((abi >> 16) != FIRSTSET_ABI_MAJOR)
            throw std::runtime_error(path.string() + " has ABI " + std::to_string(abi >> 16) + "." +
                                     std::to_string(abi & 0xFFFF) + "; this program needs ABI " +
                                     std::to_string(FIRSTSET_ABI_MAJOR) + ".x");
        api->version = &api->library.get<const char*()>("firstset_version");
        api->open = &api->library.get<int(const char*, firstset_engine**, char**)>("firstset_open");
        api->close = &api->library.get<void(firstset_engine*)>("firstset_close");
        api->evaluate = &api->library.get<int(firstset_engine*, const char*, char**)>("firstset_evaluate");
        api->free = &api->library.get<void(char*)>("firstset_free");
        if ((abi & 0xFFFF) >= 1) {
            api->record = &api->library.get<int(firstset_engine*, const char*, char**)>("firstset_record");
            api->verify = &api->library.get<int(const char*, char**)>("firstset_verify");
        }
        if ((abi & 0xFFFF) >= 2)
            api->lint = &api->library.get<int(firstset_engine*, const char*, char**)>("firstset_lint");
        if ((abi & 0xFFFF) >= 3) api->status = &api->library.get<int(firstset_engine*, char**)>("firstset_status");
        if ((abi & 0xFFFF) >= 5) {
            api->evaluate_n = &api->library.get<int(firstset_engine*, const char*, size_t, char**)>("firstset_evaluate_n");
            api->lint_n = &api->library.get<int(firstset_engine*, const char*, size_t, char**)>("firstset_lint_n");
            api->record_n = &api->library.get<int(firstset_engine*, const char*, size_t, char**)>("firstset_record_n");
            api->verify_n = &api->library.get<int(const char*, size_t, char**)>("firstset_verify_n");
            api->set_log_callback = &api->library.get<int(firstset_log_fn, void*)>("firstset_set_log_callback");
        }
        if ((abi & 0xFFFF) >= 6)
            api->incentive_n = &api->library.get<int(firstset_engine*, const char*, size_t, char**)>("firstset_incentive_n");
        return api;
    }

    std::shared_ptr<const detail::Api> api_;
};

}  // namespace firstset

#endif  // FIRSTSET_FIRSTSET_HPP
