#include "util/json.hpp"

#include <algorithm>
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
// deeper than the limit before the parser descends, and checks that every string is UTF-8
// (RapidJSON's own check would turn off its SIMD string copying).
class Guard {
public:
    enum Problem { none, too_deep, not_utf8 };

    Guard(JsonDocument& doc, unsigned max_depth) : doc_(doc), max_depth_(max_depth) {}

    bool Null() { return doc_.Null(); }
    bool Bool(bool b) { return doc_.Bool(b); }
    bool Int(int i) { return doc_.Int(i); }
    bool Uint(unsigned u) { return doc_.Uint(u); }
    bool Int64(std::int64_t i) { return doc_.Int64(i); }
    bool Uint64(std::uint64_t u) { return doc_.Uint64(u); }
    bool Double(double d) { return doc_.Double(d); }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return doc_.RawNumber(s, n, copy); }
    bool String(const char* s, rapidjson::SizeType n, bool copy) { return utf8_ok(s, n) && doc_.String(s, n, copy); }
    bool Key(const char* s, rapidjson::SizeType n, bool copy) { return utf8_ok(s, n) && doc_.Key(s, n, copy); }
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
    bool utf8_ok(const char* s, rapidjson::SizeType n) {
        if (utf8::first_invalid(std::string_view(s, n)) == std::string_view::npos) return true;
        problem_ = not_utf8;
        return false;
    }

    JsonDocument& doc_;
    unsigned max_depth_;
    unsigned depth_ = 0;
    Problem problem_ = none;
};

template <unsigned flags, typename Stream>
void parse_guarded(Stream& stream, std::string_view original, JsonDocument& doc, const JsonLimits& limits,
                   const std::string& name) {
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
    if (guard.problem() == Guard::not_utf8)
        throw Error(Status::parse, "NOT_UTF8", "the " + name + " has text that is not UTF-8" + at_en,
                    name + " 含有不是 UTF-8 编码的文本" + at_zh, where);
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

}  // namespace

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

void parse_json_in_place(const char* text, ParsedJson& out, const JsonLimits& limits, std::string_view what) {
    const std::string name(what);
    const std::string_view view(text);
    check_size(view.size(), limits, name);
    out.buffer.assign(view);
    rapidjson::InsituStringStream stream(out.buffer.data());
    parse_guarded<rapidjson::kParseInsituFlag | rapidjson::kParseFullPrecisionFlag>(stream, view, out.doc, limits, name);
}

void parse_json_in_place(std::string& buffer, std::string_view original, JsonDocument& doc, const JsonLimits& limits,
                         std::string_view what) {
    const std::string name(what);
    check_size(buffer.size(), limits, name);
    rapidjson::InsituStringStream stream(buffer.data());
    parse_guarded<rapidjson::kParseInsituFlag | rapidjson::kParseFullPrecisionFlag>(stream, original, doc, limits, name);
}

}  // namespace firstset
