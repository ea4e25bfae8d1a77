#include "util/json.hpp"

#include <rapidjson/reader.h>

#include <algorithm>
#include <memory>
#include <cstring>
#include <cstdint>

#include "util/error.hpp"
#include "util/utf8.hpp"

namespace firstset {

void append_pointer_token(std::string& pointer, std::string_view token) {
    pointer.push_back('/');
    for (char c : token) {
        if (c == '~') pointer += "~0";
        else if (c == '/') pointer += "~1";
        else pointer.push_back(c);
    }
}

void append_pointer_token(std::string& pointer, std::size_t index) {
    pointer.push_back('/');
    pointer += std::to_string(index);
}

namespace {

struct LineColumn {
    int line = 1;
    int column = 1;
};

LineColumn line_column(std::string_view text, std::size_t offset) {
    auto [line, column] = line_column_at(text, offset);
    return {line, column};
}

// The SAX handler between RapidJSON's reader and the document it builds: it refuses nesting
// deeper than the limit before the parser descends, so no deeper document is ever built.
class Guard {
public:
    enum Problem { none, too_deep };

    Guard(JsonDocument& doc, unsigned max_depth) : doc_(doc), max_depth_(max_depth) {}

    bool Null() { return doc_.Null(); }
    bool Bool(bool b) { return doc_.Bool(b); }
    bool Int(int i) { return doc_.Int(i); }
    bool Uint(unsigned u) { return doc_.Uint(u); }
    bool Int64(std::int64_t i) { return doc_.Int64(i); }
    bool Uint64(std::uint64_t u) { return doc_.Uint64(u); }
    bool Double(double d) { return doc_.Double(d); }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return doc_.RawNumber(s, n, copy); }
    bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc_.String(s, n, copy); }
    bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc_.Key(s, n, copy); }
    bool StartObject() { return descend() && doc_.StartObject(); }
    bool EndObject(rapidjson::SizeType n) {
        --depth_;
        return doc_.EndObject(n);
    }
    bool StartArray() { return descend() && doc_.StartArray(); }
    bool EndArray(rapidjson::SizeType n) {
        --depth_;
        return doc_.EndArray(n);
    }

    Problem problem() const { return problem_; }

private:
    bool descend() {
        if (++depth_ <= max_depth_) return true;
        problem_ = too_deep;
        return false;
    }

    JsonDocument& doc_;
    unsigned max_depth_;
    unsigned depth_ = 0;
    Problem problem_ = none;
};

// The whole text must be UTF-8 (RFC 8259 section 8.1), inside strings or not; one pass over
// all of it before parsing is cheaper than a check per string, and lets RapidJSON copy strings
// with SIMD, which it does only when it is not validating the encoding itself.
void check_utf8(std::string_view text, const std::string& name) {
    const std::size_t bad = utf8::first_invalid(text);
    if (bad == std::string_view::npos) return;
    const auto lc = line_column(text, bad);
    throw Error(Status::parse, "NOT_UTF8",
                "the " + name + " is not UTF-8 at line " + std::to_string(lc.line) + ", column " +
                    std::to_string(lc.column) + " (byte " + std::to_string(bad) + ")",
                name + " 第 " + std::to_string(lc.line) + " 行第 " + std::to_string(lc.column) + " 列（第 " +
                    std::to_string(bad) + " 字节）不是 UTF-8 编码",
                Location{"", "", lc.line, lc.column, bad});
}

template <unsigned flags, typename Stream>
void parse_guarded(Stream& stream, std::string_view original, JsonDocument& doc, const JsonLimits& limits,
                   const std::string& name) {
    check_utf8(original, name);
    rapidjson::ParseResult result;
    Guard guard(doc, limits.max_depth);
    auto generate = [&](JsonDocument&) {
        rapidjson::Reader reader;
        result = reader.Parse<flags>(stream, guard);
        return !result.IsError();
    };
    doc.Populate(generate);
    if (!result.IsError()) return;
    // Offsets count bytes of the text as given, which in-place parsing leaves unchanged before
    // the point of failure.
    const auto lc = line_column(original, result.Offset());
    const Location where{"", "", lc.line, lc.column, result.Offset()};
    const std::string at_en = " (line " + std::to_string(lc.line) + ", column " + std::to_string(lc.column) + ")";
    const std::string at_zh = "（第 " + std::to_string(lc.line) + " 行第 " + std::to_string(lc.column) + " 列）";
    if (guard.problem() == Guard::too_deep)
        throw Error(Status::limit, "INPUT_TOO_DEEP",
                    "the " + name + " nests objects and arrays deeper than " + std::to_string(limits.max_depth) +
                        " levels" + at_en,
                    name + " 中对象和数组的嵌套超过 " + std::to_string(limits.max_depth) + " 层" + at_zh, where);
    throw Error(Status::parse, "JSON_SYNTAX",
                "the " + name + " is not well-formed JSON: " + rapidjson::GetParseError_En(result.Code()) + at_en,
                name + " 不是格式正确的 JSON" + at_zh + "：" + rapidjson::GetParseError_En(result.Code()), where);
}

void check_size(std::size_t size, const JsonLimits& limits, const std::string& name) {
    if (size > limits.max_bytes)
        throw Error(Status::limit, "INPUT_TOO_LARGE",
                    "the " + name + " has " + std::to_string(size) + " bytes; the limit is " +
                        std::to_string(limits.max_bytes),
                    name + " 共 " + std::to_string(size) + " 字节，超过上限 " + std::to_string(limits.max_bytes) +
                        " 字节");
}

// Replays a parse that simdjson refused with RapidJSON's SAX reader, which says where it
// stopped: nesting deeper than the limit, or the first grammar error. Only on the error path.
class DepthOnly : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, DepthOnly> {
public:
    explicit DepthOnly(unsigned max_depth) : max_depth_(max_depth) {}
    bool StartObject() { return descend(); }
    bool StartArray() { return descend(); }
    bool EndObject(rapidjson::SizeType) { return ascend(); }
    bool EndArray(rapidjson::SizeType) { return ascend(); }
    bool too_deep() const { return too_deep_; }

private:
    bool descend() {
        if (++depth_ <= max_depth_) return true;
        too_deep_ = true;
        return false;
    }
    bool ascend() {
        --depth_;
        return true;
    }
    unsigned max_depth_;
    unsigned depth_ = 0;
    bool too_deep_ = false;
};

[[noreturn]] void parse_failure(std::string_view text, const JsonLimits& limits, const std::string& name,
                                simdjson::error_code code) {
    // Not UTF-8: the first bad byte.
    if (code == simdjson::UTF8_ERROR) {
        std::size_t bad = utf8::first_invalid(text);
        if (bad == std::string_view::npos) bad = 0;
        const auto [line, column] = line_column_at(text, bad);
        throw Error(Status::parse, "NOT_UTF8",
                    "the " + name + " is not UTF-8 at line " + std::to_string(line) + ", column " +
                        std::to_string(column) + " (byte " + std::to_string(bad) + ")",
                    name + " 第 " + std::to_string(line) + " 行第 " + std::to_string(column) + " 列（第 " +
                        std::to_string(bad) + " 字节）不是 UTF-8 编码",
                    Location{"", "", line, column, bad});
    }
    if (code == simdjson::MEMALLOC) throw std::bad_alloc();
    const std::string copy(text);  // RapidJSON reads a NUL-terminated stream
    rapidjson::StringStream stream(copy.c_str());
    DepthOnly handler(limits.max_depth);
    rapidjson::Reader reader;
    const rapidjson::ParseResult result =
        reader.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag>(stream, handler);
    std::size_t offset = result.IsError() ? result.Offset() : static_cast<std::size_t>(-1);
    const auto [line, column] = offset == static_cast<std::size_t>(-1) ? std::pair<int, int>{0, 0}
                                                                       : line_column_at(text, offset);
    const Location where{"", "", line, column, offset};
    const std::string at_en = line ? " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")" : "";
    const std::string at_zh = line ? "（第 " + std::to_string(line) + " 行第 " + std::to_string(column) + " 列）" : "";
    if (code == simdjson::DEPTH_ERROR || handler.too_deep())
        throw Error(Status::limit, "INPUT_TOO_DEEP",
                    "the " + name + " nests objects and arrays deeper than " + std::to_string(limits.max_depth) +
                        " levels" + at_en,
                    name + " 中对象和数组的嵌套超过 " + std::to_string(limits.max_depth) + " 层" + at_zh, where);
    const std::string why = result.IsError() ? rapidjson::GetParseError_En(result.Code()) : simdjson::error_message(code);
    throw Error(Status::parse, "JSON_SYNTAX", "the " + name + " is not well-formed JSON: " + why + at_en,
                name + " 不是格式正确的 JSON" + at_zh + "：" + why, where);
}

}  // namespace

std::string to_text(Json value) { return simdjson::minify(value); }

std::pair<int, int> line_column_at(std::string_view text, std::size_t offset) {
    int line = 1, column = 1;
    offset = std::min(offset, text.size());
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;  // count code points, not bytes
        }
    }
    return {line, column};
}

void parse_json(const char* text, JsonDocument& doc, const JsonLimits& limits, std::string_view what) {
    const std::string name(what);
    const std::string_view view(text);
    check_size(view.size(), limits, name);
    rapidjson::StringStream stream(text);  // RapidJSON's SIMD string copying applies to this stream
    parse_guarded<rapidjson::kParseFullPrecisionFlag>(stream, view, doc, limits, name);
}

void parse_json_in_place(std::string& buffer, std::string_view original, JsonDocument& doc, const JsonLimits& limits,
                         std::string_view what) {
    const std::string name(what);
    check_size(buffer.size(), limits, name);
    rapidjson::InsituStringStream stream(buffer.data());
    parse_guarded<rapidjson::kParseInsituFlag | rapidjson::kParseFullPrecisionFlag>(stream, original, doc, limits, name);
}

void parse_request(std::string_view text, JsonDoc& out, const JsonLimits& limits, std::string_view what) {
    const std::string name(what);
    check_size(text.size(), limits, name);
    // A parser holds only scratch buffers; one per thread is reused by every parse on it.
    thread_local std::unique_ptr<simdjson::dom::parser> parser;
    if (!parser || parser->max_depth() != limits.max_depth) {
        parser = std::make_unique<simdjson::dom::parser>();
        if (parser->allocate(std::max<std::size_t>(text.size(), 4096), limits.max_depth) != simdjson::SUCCESS)
            throw std::bad_alloc();
    }
    const auto result = parser->parse_into_document(out.doc_, text.data(), text.size(), true);  // copies: padding
    if (result.error()) parse_failure(text, limits, name, result.error());
    // A small parse after a large one keeps the large buffers; give them back.
    if (parser->capacity() > (std::size_t{1} << 20) && text.size() < (std::size_t{64} << 10)) parser.reset();
}

}  // namespace firstset
