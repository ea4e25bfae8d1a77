// The JSON layer of the plugin, configured once here; every plugin file includes this header
// rather than the libraries' own.
//
// Requests are parsed with simdjson (Json, JsonObject, JsonArray): on the benchmark request it
// parses in a third of RapidJSON's time and checks UTF-8 and depth as it goes. Files
// (configuration, policy pack, registry) are parsed with RapidJSON (JsonValue, JsonDocument),
// in place: simdjson sizes its buffers for the worst case, about 13 bytes per input byte, far
// over the memory budget for a 31 MB registry. RapidJSON also holds the compiled schemas and
// replays a failed request parse to say where it failed, which simdjson does not report.
// docs/performance.md has the figures.
#pragma once

#include <simdjson.h>

#include <array>
#include <optional>
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

// ---- input documents (simdjson) --------------------------------------------------------

// Limits a document is held to when it is parsed (docs/abi.md).
struct JsonLimits {
    std::size_t max_bytes;
    unsigned max_depth;
};


using Json = simdjson::dom::element;
using JsonObject = simdjson::dom::object;
using JsonArray = simdjson::dom::array;
using JsonType = simdjson::dom::element_type;

// Accessors for requests that passed their schema, so the type is known.
inline std::string_view str(Json e) { return e.get_string().value_unsafe(); }
inline JsonObject obj(Json e) { return e.get_object().value_unsafe(); }
inline JsonArray arr(Json e) { return e.get_array().value_unsafe(); }
inline bool boolean(Json e) { return e.get_bool().value_unsafe(); }

// A member of an object; nullopt when absent.
inline std::optional<Json> member(JsonObject object, std::string_view name) {
    for (auto kv : object)
        if (kv.key == name) return kv.value;
    return std::nullopt;
}
inline std::optional<Json> member(Json object, std::string_view name) { return member(obj(object), name); }

// Several members in one pass over an object: found[i] is the member named names[i].
// Cheaper than one search per name when an object is read whole.
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
template <std::size_t N>
std::array<std::optional<Json>, N> members(Json object, const std::array<std::string_view, N>& names) {
    std::array<std::optional<Json>, N> found{};
    for (auto kv : obj(object)) {
        const std::string_view key = kv.key;
        for (std::size_t i = 0; i < N; ++i)
            if (names[i].size() == key.size() && !key.empty() && names[i][0] == key[0] && names[i] == key) {
                found[i] = kv.value;
                break;
            }
    }
    return found;
}

// A parsed input document. Elements from root() point into it: they are valid while it lives
// and is not moved.
class JsonDoc {
public:
    Json root() const { return doc_.root(); }

private:
    friend void parse_request(std::string_view, JsonDoc&, const JsonLimits&, std::string_view);
    simdjson::dom::document doc_;
};

// 1-based line and column (in code points) of a byte offset in text.
std::pair<int, int> line_column_at(std::string_view text, std::size_t offset);

// Appends one JSON Pointer reference token (RFC 6901: "~" -> "~0", "/" -> "~1").
void append_pointer_token(std::string& pointer, std::string_view token);
void append_pointer_token(std::string& pointer, std::size_t index);

// Parses a request (simdjson). Throws Error: LIMIT (INPUT_TOO_LARGE, INPUT_TOO_DEEP), PARSE
// (JSON_SYNTAX, NOT_UTF8, with line and column) when the text is not well-formed JSON in UTF-8.
// `what` names the document in messages ("request").
void parse_request(std::string_view text, JsonDoc& out, const JsonLimits& limits, std::string_view what);

// Parses NUL-terminated text into a RapidJSON document (files, schemas, tests). Throws as
// parse_request does. The depth limit is enforced as the parser descends.
void parse_json(const char* text, JsonDocument& doc, const JsonLimits& limits, std::string_view what);

// Parses `buffer` in place (RapidJSON): the DOM's strings point into it, and it is changed
// (unescaped, NUL-terminated strings), which saves a copy of every string of a large file.
// `original` is the text as it was, for the line and column of an error; given the changed
// buffer instead, the error's byte offset is still right (the parser changes nothing after the
// point it reached) and the caller can recount from the original.
void parse_json_in_place(std::string& buffer, std::string_view original, JsonDocument& doc, const JsonLimits& limits,
                         std::string_view what);

// The text of a value, compact, for messages.
std::string to_text(Json value);

// Writes a string value of a document.
inline void write_string(JsonWriter& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace firstset
