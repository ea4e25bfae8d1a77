#include "capi_guard.hpp"

#include <cstdlib>
#include <cstring>

#include "util/json_out.hpp"

namespace firstset::capi {

char* to_c_string(const std::string& s) noexcept {
    char* p = static_cast<char*>(std::malloc(s.size() + 1));
    if (!p) return nullptr;
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

std::string error_document(Status status, const std::string& code, const std::string& en, const std::string& zh,
                           const Location& where) {
    TextBuffer buf;
    JsonOut w(buf);
    w.begin_object();
    w.key("error");
    w.begin_object();
    w.key("status");
    w.string(status_name(status));
    w.key("code");
    w.string(code);
    w.key("message");
    w.string(en);
    w.key("message_zh");
    w.string(zh);
    if (!where.path.empty()) {
        w.key("path");
        w.string(where.path);
    }
    if (!where.file.empty()) {
        w.key("file");
        w.string(where.file);
    }
    if (where.line > 0) {
        w.key("line");
        w.number(where.line);
    }
    if (where.column > 0) {
        w.key("column");
        w.number(where.column);
    }
    w.end_object();
    w.end_object();
    return buf.str();
}

namespace {
// A fixed document for when even building an error document fails (out of memory).
constexpr const char* out_of_memory_document =
    R"({"error":{"status":"INTERNAL","code":"OUT_OF_MEMORY","message":"out of memory","message_zh":"内存不足"}})";
}  // namespace

int report(char** out, Status status, const std::string& code, const std::string& en, const std::string& zh,
           const Location& where) noexcept {
    try {
        *out = to_c_string(error_document(status, code, en, zh, where));
    } catch (...) {
        *out = nullptr;
    }
    if (!*out) *out = to_c_string(out_of_memory_document);
    return static_cast<int>(status);
}

int null_argument(char** out, const char* name) noexcept {
    return report(out, Status::argument, "ARGUMENT_NULL", std::string(name) + " is NULL",
                  std::string("参数 ") + name + " 为空（NULL）");
}

}  // namespace firstset::capi
