#include "util/source_document.hpp"

#include <yaml-cpp/yaml.h>


#include <string>
#include <tuple>
#include <vector>

#include "schema/validator.hpp"
#include "util/digest.hpp"
#include "util/file_io.hpp"
#include "util/large_stack.hpp"

namespace firstset {

namespace {

// Nesting deeper than this in a file is refused (JSON and YAML alike).

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// YAML 1.2 core schema resolution of a plain scalar: null, boolean, integer, float, or string.
enum class Plain { null, boolean_true, boolean_false, integer, floating, string };

Plain resolve_plain(const std::string& s) {
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Plain::null;
    if (s == "true" || s == "True" || s == "TRUE") return Plain::boolean_true;
    if (s == "false" || s == "False" || s == "FALSE") return Plain::boolean_false;
    std::string_view v = s;
    if (v[0] == '-' || v[0] == '+') v.remove_prefix(1);
    if (all_digits(v)) return Plain::integer;
    // [0-9]* ( . [0-9]* )? ( [eE] [-+]? [0-9]+ )?  with at least one digit before the exponent
    std::size_t i = 0, mantissa_digits = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') { ++i; ++mantissa_digits; }
    if (i < v.size() && v[i] == '.') {
        ++i;
        while (i < v.size() && v[i] >= '0' && v[i] <= '9') { ++i; ++mantissa_digits; }
    }
    if (mantissa_digits == 0) return Plain::string;
    if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
        ++i;
        if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
        if (!all_digits(v.substr(i))) return Plain::string;
        i = v.size();
    }
    return i == v.size() ? Plain::floating : Plain::string;
}

// A YAML number (as resolve_plain accepts it) in JSON's syntax, which the JSON reader's number
// rules then check: no '+', no leading zeros, a digit on both sides of the point.
std::string json_number(std::string_view s) {
    std::string out;
    if (s[0] == '+') s.remove_prefix(1);
    if (s[0] == '-') {
        out.push_back('-');
        s.remove_prefix(1);
    }
    std::size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    std::string_view whole = s.substr(0, i);
    while (whole.size() > 1 && whole[0] == '0') whole.remove_prefix(1);
    out += whole.empty() ? "0" : std::string(whole);
    s.remove_prefix(i);
    if (!s.empty() && s[0] == '.') {
        s.remove_prefix(1);
        std::size_t j = 0;
        while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
        out.push_back('.');
        out += j == 0 ? "0" : std::string(s.substr(0, j));
        s.remove_prefix(j);
    }
    out += s;  // the exponent, if any: [eE][-+]?[0-9]+ is JSON too
    return out;
}

// Builds the JSON values of a YAML tree. Aliases are expanded, so the number of values is
// bounded by the size of the text: a file cannot make more values than about one per byte.
struct YamlConverter {
    const std::string& file;
    json::Builder& build;
    std::size_t max_nodes;
    std::size_t nodes = 0;

    std::pair<int, int> line_column(const YAML::Mark& m) const {
        return m.line >= 0 ? std::pair<int, int>{m.line + 1, m.column + 1} : std::pair<int, int>{0, 0};
    }

    [[noreturn]] void fail_at(const YAML::Mark& mark, Status status, std::string code, const std::string& en,
                              const std::string& zh, std::string pointer = {}) {
        const auto [line, column] = line_column(mark);
        throw StatusError(status, std::move(code), file + ":" + std::to_string(line) + ": " + en,
                    file + " 第 " + std::to_string(line) + " 行：" + zh, Location{std::move(pointer), file, line, column});
    }

    // Builder errors (bad UTF-8, a number out of range) carry only an offset: locate them.
    template <typename F>
    auto located(const YAML::Mark& mark, F&& make) -> decltype(make()) {
        try {
            return make();
        } catch (const StatusError& e) {
            fail_at(mark, e.status(), e.code(), e.message_en(), e.message_zh());
        }
    }

    static std::size_t offset_of(const YAML::Mark& m) { return m.pos > 0 ? static_cast<std::size_t>(m.pos) : 0; }

    json::Value convert(const YAML::Node& n, unsigned depth) {
        const YAML::Mark mark = n.Mark();
        if (++nodes > max_nodes)
            fail_at(mark, Status::limit, "DOCUMENT_TOO_LARGE",
                    "more than " + std::to_string(max_nodes) + " values (aliases expanded) for a file of this size",
                    "取值（含别名展开）超过 " + std::to_string(max_nodes) + " 个，与文件大小不相称");
        if (depth > max_source_depth)
            fail_at(mark, Status::limit, "DOCUMENT_TOO_DEEP", "nesting deeper than " + std::to_string(max_source_depth) + " levels",
                    "嵌套超过 " + std::to_string(max_source_depth) + " 层");
        const std::size_t at = offset_of(mark);
        switch (n.Type()) {
            case YAML::NodeType::Undefined:
            case YAML::NodeType::Null:
                return build.null(at);
            case YAML::NodeType::Scalar: {
                const std::string& s = n.Scalar();
                const std::string& tag = n.Tag();
                const bool plain = tag == "?" || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
                                   tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null";
                switch (plain ? resolve_plain(s) : Plain::string) {
                    case Plain::null: return build.null(at);
                    case Plain::boolean_true: return build.boolean(true, at);
                    case Plain::boolean_false: return build.boolean(false, at);
                    case Plain::integer:
                    case Plain::floating: return located(mark, [&] { return build.number(json_number(s), at); });
                    case Plain::string: return located(mark, [&] { return build.string(s, at); });
                }
                return build.null(at);
            }
            case YAML::NodeType::Sequence: {
                std::vector<json::Value> items;
                items.reserve(n.size());
                for (const auto& child : n) items.push_back(convert(child, depth + 1));
                return build.array(items, at);
            }
            case YAML::NodeType::Map: {
                std::vector<json::Member> members;
                members.reserve(n.size());
                for (const auto& kv : n) {
                    if (!kv.first.IsScalar())
                        fail_at(kv.first.Mark(), Status::parse, "YAML_KEY", "a mapping key that is not plain text",
                                "映射的键不是普通文本");
                    const json::Value value = convert(kv.second, depth + 1);
                    members.push_back(located(kv.first.Mark(), [&] {
                        return build.member(kv.first.Scalar(), offset_of(kv.first.Mark()), value);
                    }));
                }
                json::Value out;
                const std::size_t repeat = build.object(members, at, &out);
                if (repeat != std::string::npos) {
                    const json::Member& m = members[repeat];
                    std::string pointer;
                    append_pointer_token(pointer, m.name());
                    YAML::Mark where;
                    std::size_t k = 0;
                    for (const auto& kv : n)
                        if (k++ == repeat) where = kv.first.Mark();
                    fail_at(where, Status::parse, "YAML_DUPLICATE_KEY",
                            "the key \"" + std::string(m.name()) + "\" is given twice in one mapping; which one counts "
                            "would depend on the reader",
                            "同一映射中两次给出键 \"" + std::string(m.name()) + "\"，以哪一个为准将取决于读取方式");
                }
                return out;
            }
        }
        return build.null(at);
    }
};

}  // namespace

SourceDocument SourceDocument::read(const std::filesystem::path& path) {
    std::string text = read_file_or_throw(path, max_source_bytes, "the file", "文件");
    const Format format = format_for(path.string(), text);
    return parse(std::move(text), path.string(), format);
}

SourceDocument::Format SourceDocument::format_for(std::string_view name, std::string_view text) {
    name = name.substr(0, name.find_first_of("?#"));  // a URL's query or fragment says nothing
    auto ends = [&](std::string_view e) { return name.size() >= e.size() && name.substr(name.size() - e.size()) == e; };
    if (ends(".json")) return Format::json;
    if (ends(".yaml") || ends(".yml")) return Format::yaml;
    const auto first = text.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && text[first] == '{' ? Format::json : Format::yaml;
}

SourceDocument SourceDocument::parse(std::string text, std::string file, Format format) {
    SourceDocument d;
    d.size_ = text.size();
    d.sha256_ = sha256_hex(text);
    d.file_ = std::move(file);
    d.format_ = format;
    if (text.size() > max_source_bytes)
        throw StatusError(Status::limit, "DOCUMENT_TOO_LARGE",
                    d.file_ + " has " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(max_source_bytes),
                    d.file_ + " 共 " + std::to_string(text.size()) + " 字节，超过上限 " + std::to_string(max_source_bytes),
                    Location{"", d.file_, 0, 0});
    if (format == Format::json) {
        try {
            d.doc_ = json::Document::parse(std::move(text), json::Limits{max_source_bytes, max_source_depth}, d.file_);
        } catch (StatusError& e) {
            e.where().file = d.file_;
            throw;
        }
        return d;
    }
    // A UTF-8 byte order mark is not part of the YAML text (yaml-cpp's positions skip it too).
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
    // yaml-cpp recurses once per level of nesting, whatever the caller's stack: parse, convert and
    // free its tree on a stack of known size (util/large_stack.hpp).
    d.doc_ = on_large_stack([&]() -> json::Document {
        YAML::Node tree;
        try {
            tree = YAML::Load(text);
        } catch (const YAML::Exception& e) {
            throw StatusError(Status::parse, "YAML_SYNTAX",
                        d.file_ + ":" + std::to_string(e.mark.line + 1) + ": not well-formed YAML: " + e.msg,
                        d.file_ + " 第 " + std::to_string(e.mark.line + 1) + " 行不是格式正确的 YAML：" + e.msg,
                        Location{"", d.file_, e.mark.line + 1, e.mark.column + 1});
        }
        const std::size_t max_nodes = text.size() + 100000;
        json::Builder build(std::move(text));
        YamlConverter conv{d.file_, build, max_nodes};
        const json::Value root = conv.convert(tree, 0);
        return build.finish(root);
    });
    return d;
}

Location SourceDocument::locate(std::string_view pointer) const {
    Location where{std::string(pointer), file_, 0, 0};
    std::tie(where.line, where.column) = line_column_at(doc_.source(), doc_.offset_of(pointer));
    return where;
}

void SourceDocument::fail(Status status, std::string code, std::string message_en, std::string message_zh,
                          std::string_view pointer) const {
    Location where = locate(pointer);
    std::string at = file_ + (where.line ? ":" + std::to_string(where.line) : std::string()) +
                     (pointer.empty() ? std::string() : " (" + std::string(pointer) + ")");
    std::string at_zh = file_ + (where.line ? " 第 " + std::to_string(where.line) + " 行" : std::string()) +
                        (pointer.empty() ? std::string() : "（" + std::string(pointer) + "）");
    throw StatusError(status, std::move(code), at + ": " + message_en, at_zh + "：" + message_zh, std::move(where));
}

void SourceDocument::validate(const schema::Schemas& schemas, std::string_view schema_name, Status status) const {
    if (auto v = schemas.validate(schema_name, root())) fail(status, v->code, v->message_en, v->message_zh, v->path);
}

}  // namespace firstset
