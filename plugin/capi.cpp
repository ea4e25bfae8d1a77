// The only extern "C" code of the library. Every entry point runs its body inside guard(),
// which turns every exception into a status and an error document, so nothing escapes into
// a host written in C, Java or .NET.
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "engine.hpp"
#include "firstset/firstset.h"
#include "util/error.hpp"
#include "util/json.hpp"

struct firstset_engine {
    std::unique_ptr<firstset::Engine> engine;
};

namespace {

using firstset::Error;
using firstset::Status;

// Strings handed to the host are malloc'd, so firstset_free is free(), callable from any
// thread and from any module.
char* to_c_string(const std::string& s) noexcept {
    char* p = static_cast<char*>(std::malloc(s.size() + 1));
    if (!p) return nullptr;
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

std::string error_document(Status status, const std::string& code, const std::string& en, const std::string& zh,
                           const firstset::Location& where) {
    rapidjson::StringBuffer buf;
    firstset::JsonWriter w(buf);
    w.StartObject();
    w.Key("error");
    w.StartObject();
    w.Key("status");
    w.String(firstset::status_name(status));
    w.Key("code");
    firstset::write_string(w, code);
    w.Key("message");
    firstset::write_string(w, en);
    w.Key("message_zh");
    firstset::write_string(w, zh);
    if (!where.path.empty()) {
        w.Key("path");
        firstset::write_string(w, where.path);
    }
    if (!where.file.empty()) {
        w.Key("file");
        firstset::write_string(w, where.file);
    }
    if (where.line > 0) {
        w.Key("line");
        w.Int(where.line);
    }
    if (where.column > 0) {
        w.Key("column");
        w.Int(where.column);
    }
    w.EndObject();
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

// A fixed document for when even building an error document fails (out of memory).
constexpr const char* out_of_memory_document =
    R"({"error":{"status":"INTERNAL","code":"OUT_OF_MEMORY","message":"out of memory","message_zh":"内存不足"}})";

int report(char** out, Status status, const std::string& code, const std::string& en, const std::string& zh,
           const firstset::Location& where = {}) noexcept {
    try {
        *out = to_c_string(error_document(status, code, en, zh, where));
    } catch (...) {
        *out = nullptr;
    }
    if (!*out) *out = to_c_string(out_of_memory_document);
    return static_cast<int>(status);
}

template <typename Body>
int guard(char** out, Body&& body) noexcept {
    if (!out) return FIRSTSET_ARGUMENT;
    *out = nullptr;
    try {
        return body();
    } catch (const Error& e) {
        return report(out, e.status(), e.code(), e.message_en(), e.message_zh(), e.where());
    } catch (const std::bad_alloc&) {
        return report(out, Status::internal, "OUT_OF_MEMORY", "out of memory", "内存不足");
    } catch (const std::exception& e) {
        return report(out, Status::internal, "INTERNAL_ERROR",
                      std::string("internal error (a bug in firstset, please report it): ") + e.what(),
                      std::string("内部错误（firstset 的缺陷，请报告）：") + e.what());
    } catch (...) {
        return report(out, Status::internal, "INTERNAL_ERROR", "internal error (a bug in firstset, please report it)",
                      "内部错误（firstset 的缺陷，请报告）");
    }
}

int null_argument(char** out, const char* name) noexcept {
    return report(out, Status::argument, "ARGUMENT_NULL", std::string(name) + " is NULL",
                  std::string("参数 ") + name + " 为空（NULL）");
}

}  // namespace

extern "C" {

FIRSTSET_API uint32_t firstset_abi_version(void) {
    return (static_cast<uint32_t>(FIRSTSET_ABI_MAJOR) << 16) | FIRSTSET_ABI_MINOR;
}

FIRSTSET_API const char* firstset_version(void) { return FIRSTSET_VERSION_STRING; }

FIRSTSET_API int firstset_open(const char* config_path, firstset_engine** engine, char** error_json) {
    if (!engine) return FIRSTSET_ARGUMENT;
    *engine = nullptr;
    return guard(error_json, [&]() -> int {
        if (!config_path) return null_argument(error_json, "config_path");
        auto e = firstset::Engine::open(config_path);
        *engine = new firstset_engine{std::move(e)};
        return FIRSTSET_OK;
    });
}

FIRSTSET_API void firstset_close(firstset_engine* engine) {
    try {
        delete engine;
    } catch (...) {
        // a destructor failing at close has nowhere to report to
    }
}

FIRSTSET_API int firstset_evaluate(firstset_engine* engine, const char* request_json, char** response_json) {
    return guard(response_json, [&]() -> int {
        if (!engine) return null_argument(response_json, "engine");
        if (!request_json) return null_argument(response_json, "request_json");
        std::string response = engine->engine->evaluate(request_json);
        *response_json = to_c_string(response);
        if (!*response_json) throw std::bad_alloc();
        return FIRSTSET_OK;
    });
}

FIRSTSET_API void firstset_free(char* json) { std::free(json); }

}  // extern "C"
