#include "util/json.hpp"

#include <algorithm>

#include "util/error.hpp"

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

LineColumn line_column_at(std::string_view text, std::size_t offset) {
    LineColumn lc;
    offset = std::min(offset, text.size());
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++lc.line;
            lc.column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++lc.column;  // count code points, not bytes
        }
    }
    return lc;
}

// Finds the first place where brackets nest deeper than max_depth, outside strings; npos if
// none. Linear, branch-light, and run before parsing so that no parser ever sees a document
// deeper than the limit.
std::size_t too_deep_at(std::string_view text, unsigned max_depth) {
    unsigned depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '{' || c == '[') {
            if (++depth > max_depth) return i;
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return std::string_view::npos;
}

}  // namespace

void parse_json(std::string_view text, JsonDocument& doc, const JsonLimits& limits,
                std::string_view what) {
    const std::string name(what);
    if (text.size() > limits.max_bytes)
        throw Error(Status::limit, "INPUT_TOO_LARGE",
                    "the " + name + " has " + std::to_string(text.size()) + " bytes; the limit is " +
                        std::to_string(limits.max_bytes),
                    name + " 共 " + std::to_string(text.size()) + " 字节，超过上限 " +
                        std::to_string(limits.max_bytes) + " 字节");
    if (auto at = too_deep_at(text, limits.max_depth); at != std::string_view::npos) {
        auto lc = line_column_at(text, at);
        throw Error(Status::limit, "INPUT_TOO_DEEP",
                    "the " + name + " nests objects and arrays deeper than " +
                        std::to_string(limits.max_depth) + " levels",
                    name + " 中对象和数组的嵌套超过 " + std::to_string(limits.max_depth) + " 层",
                    Location{"", "", lc.line, lc.column});
    }
    constexpr unsigned flags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag |
                               rapidjson::kParseFullPrecisionFlag;
    doc.Parse<flags>(text.data(), text.size());
    if (doc.HasParseError()) {
        auto lc = line_column_at(text, doc.GetErrorOffset());
        throw Error(Status::parse, "JSON_SYNTAX",
                    "the " + name + " is not well-formed JSON: " +
                        rapidjson::GetParseError_En(doc.GetParseError()) + " (line " +
                        std::to_string(lc.line) + ", column " + std::to_string(lc.column) + ")",
                    name + " 不是格式正确的 JSON（第 " + std::to_string(lc.line) + " 行第 " +
                        std::to_string(lc.column) + " 列）：" + rapidjson::GetParseError_En(doc.GetParseError()),
                    Location{"", "", lc.line, lc.column});
    }
}

}  // namespace firstset
