// The exception barrier of the C ABI: guard() runs an entry point's body and turns every
// exception into a status and an error document (docs/contract.md section 1). Kept apart from
// capi.cpp so that unit tests can check the mapping directly.
#pragma once

#include <new>
#include <stdexcept>
#include <string>

#include "util/error.hpp"

namespace firstset::capi {

// A malloc'd copy, to be released with firstset_free (free); nullptr when out of memory.
char* to_c_string(const std::string& s) noexcept;

// {"error": {"status", "code", "message", "message_zh", "path", "file", "line", "column"}}
std::string error_document(Status status, const std::string& code, const std::string& en, const std::string& zh,
                           const Location& where = {});

// Sets *out to an error document and returns the status as an int. Never throws.
int report(char** out, Status status, const std::string& code, const std::string& en, const std::string& zh,
           const Location& where = {}) noexcept;

// Runs body() (which returns a status) with *out cleared first; any exception becomes a
// status and an error document in *out. A NULL out gives ARGUMENT and writes nothing.
template <typename Body>
int guard(char** out, Body&& body) noexcept {
    if (!out) return static_cast<int>(Status::argument);
    *out = nullptr;
    try {
        return body();
    } catch (const StatusError& e) {
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

// ARGUMENT with code ARGUMENT_NULL naming the parameter.
int null_argument(char** out, const char* name) noexcept;

}  // namespace firstset::capi
