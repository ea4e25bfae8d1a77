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
    w.begin_object("error");
    w.field("status", status_name(status));
    w.field("code", code);
    w.field("message", en);
    w.field("message_zh", zh);
    if (!where.path.empty()) {
        w.field("path", where.path);
    }
    if (!where.file.empty()) {
        w.field("file", where.file);
    }
    if (where.line > 0) {
        w.field("line", where.line);
    }
    if (where.column > 0) {
        w.field("column", where.column);
    }
    w.end_object();
    w.end_object();
    return buf.str();
}

namespace {
// A fixed document for when even building an error document fails (out of memory): the one
// document not written by JsonOut, since writing needs memory. unit_guard checks it is valid.
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
