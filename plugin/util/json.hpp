// The JSON layer of the plugin: RapidJSON, configured once here. Every plugin file includes
// this header rather than RapidJSON's own, so that the assertion hook and the string support
// are the same everywhere (one definition rule).
//
// RapidJSON was chosen over nlohmann-json for the hot path after measuring both on the
// benchmark request (docs/performance.md): nlohmann's DOM parse alone took longer than the
// whole call's budget.
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace firstset {
// A violated RapidJSON precondition is a bug in this library; it must surface as INTERNAL,
// never as an abort inside a host process.
struct JsonAssertion : std::logic_error {
    using std::logic_error::logic_error;
};
}  // namespace firstset

#ifndef RAPIDJSON_ASSERT
#define RAPIDJSON_ASSERT(x) \
    ((x) ? static_cast<void>(0) : throw ::firstset::JsonAssertion("RapidJSON assertion failed: " #x))
#endif
#define RAPIDJSON_HAS_STDSTRING 1
// SSE2 is part of x86-64: RapidJSON then scans strings 16 bytes at a time when parsing and
// writing. Its aligned loads may read past a string's end within one 16-byte block (never
// across a page), which AddressSanitizer would report, so sanitizer builds go without.
#if defined(__SSE2__) && !defined(FIRSTSET_NO_SIMD)
#define RAPIDJSON_SSE2
#endif
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace firstset {

using JsonValue = rapidjson::Value;
using JsonDocument = rapidjson::Document;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline std::string_view sv(const JsonValue& v) { return {v.GetString(), v.GetStringLength()}; }

// Looks up a member; nullptr when absent.
inline const JsonValue* member(const JsonValue& object, std::string_view name) {
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it)
        if (it->name.GetStringLength() == name.size() && sv(it->name) == name) return &it->value;
    return nullptr;
}

// Finds several members in one pass over an object: found[i] is the member named names[i], or
// nullptr. Cheaper than one search per name when an object is read whole.
template <std::size_t N>
std::array<const JsonValue*, N> members(const JsonValue& object, const std::array<std::string_view, N>& names) {
    std::array<const JsonValue*, N> found{};
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
        const std::string_view name = sv(it->name);
        for (std::size_t i = 0; i < N; ++i)
            if (names[i].size() == name.size() && names[i] == name) {
                found[i] = &it->value;
                break;
            }
    }
    return found;
}

// 1-based line and column (in code points) of a byte offset in text.
std::pair<int, int> line_column_at(std::string_view text, std::size_t offset);

// Appends one JSON Pointer reference token (RFC 6901: "~" -> "~0", "/" -> "~1").
void append_pointer_token(std::string& pointer, std::string_view token);
void append_pointer_token(std::string& pointer, std::size_t index);

// Limits every request is held to before it is parsed (docs/abi.md).
struct JsonLimits {
    std::size_t max_bytes;
    unsigned max_depth;
};

// Parses NUL-terminated text into doc. Throws Error: LIMIT (INPUT_TOO_LARGE, INPUT_TOO_DEEP),
// PARSE (JSON_SYNTAX, NOT_UTF8, with line and column) when the text is not well-formed JSON in
// UTF-8. `what` names the document in messages ("request", a file name). A NUL inside the text
// ends it, as it does for every C caller. The depth limit is enforced as the parser descends,
// so that no document deeper than it is ever built.
void parse_json(const char* text, JsonDocument& doc, const JsonLimits& limits, std::string_view what);

// A request parsed in place: the DOM's strings point into `buffer`, a copy of the text, so
// that strings are not copied again into the DOM (the fast path of firstset_evaluate).
struct ParsedJson {
    std::string buffer;
    JsonDocument doc;
};
void parse_json_in_place(const char* text, ParsedJson& out, const JsonLimits& limits, std::string_view what);

// Parses `buffer` in place: the DOM's strings point into it, and it is changed (unescaped,
// NUL-terminated strings). `original` is the text as it was, for the line and column of an
// error; given the changed buffer instead, the error's byte offset is still right (the parser
// changes nothing after the point it reached) and the caller can recount from the original.
void parse_json_in_place(std::string& buffer, std::string_view original, JsonDocument& doc, const JsonLimits& limits,
                         std::string_view what);

// Writes a string value of a document.
inline void write_string(JsonWriter& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace firstset
