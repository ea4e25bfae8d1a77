#include "util/source_document.hpp"

#include <rapidjson/reader.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <tuple>
#include <vector>

#include "schema/validator.hpp"
#include "util/digest.hpp"
#include "util/utf8.hpp"

namespace firstset {

namespace {

// Limits on a YAML document's shape, so that alias expansion ("billion laughs") or absurd
// nesting in a file cannot exhaust memory or the stack.
constexpr std::size_t max_yaml_nodes = 20'000'000;
constexpr int max_yaml_depth = 64;

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

struct YamlConverter {
    const std::string& file;
    rapidjson::MemoryPoolAllocator<>& alloc;
    std::size_t nodes = 0;

    [[noreturn]] void fail_at(const YAML::Node& n, std::string code, std::string en, std::string zh) {
        const auto mark = n.Mark();
        throw Error(Status::parse, std::move(code), file + ":" + std::to_string(mark.line + 1) + ": " + en,
                    file + " 第 " + std::to_string(mark.line + 1) + " 行：" + zh,
                    Location{"", file, mark.line + 1, mark.column + 1});
    }

    void convert(const YAML::Node& n, JsonValue& out, int depth) {
        if (++nodes > max_yaml_nodes)
            throw Error(Status::limit, "DOCUMENT_TOO_LARGE",
                        file + " has more than " + std::to_string(max_yaml_nodes) + " values (aliases included)",
                        file + " 的取值（含别名展开）超过 " + std::to_string(max_yaml_nodes) + " 个", Location{"", file, 0, 0});
        if (depth > max_yaml_depth)
            fail_at(n, "DOCUMENT_TOO_DEEP", "nesting deeper than " + std::to_string(max_yaml_depth) + " levels",
                    "嵌套超过 " + std::to_string(max_yaml_depth) + " 层");
        switch (n.Type()) {
            case YAML::NodeType::Undefined:
            case YAML::NodeType::Null:
                out.SetNull();
                return;
            case YAML::NodeType::Scalar: {
                const std::string& s = n.Scalar();
                if (utf8::first_invalid(s) != std::string_view::npos) fail_at(n, "YAML_ENCODING", "text that is not UTF-8", "文本不是 UTF-8 编码");
                const std::string& tag = n.Tag();
                const bool plain = tag == "?" || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
                                   tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null";
                Plain kind = plain ? resolve_plain(s) : Plain::string;
                switch (kind) {
                    case Plain::null: out.SetNull(); return;
                    case Plain::boolean_true: out.SetBool(true); return;
                    case Plain::boolean_false: out.SetBool(false); return;
                    case Plain::integer:
                        try {
                            if (s[0] == '-') out.SetInt64(std::stoll(s));
                            else out.SetUint64(std::stoull(s));
                            return;
                        } catch (const std::out_of_range&) {
                            // too large for 64 bits: keep it exact as a float below
                        }
                        [[fallthrough]];
                    case Plain::floating: {
                        JsonDocument tmp;
                        tmp.Parse<rapidjson::kParseFullPrecisionFlag>(s.data(), s.size());
                        if (tmp.HasParseError() || !tmp.IsNumber()) out.SetDouble(std::strtod(s.c_str(), nullptr));
                        else out.SetDouble(tmp.GetDouble());
                        return;
                    }
                    case Plain::string:
                        out.SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
                        return;
                }
                return;
            }
            case YAML::NodeType::Sequence:
                out.SetArray();
                out.Reserve(static_cast<rapidjson::SizeType>(n.size()), alloc);
                for (const auto& child : n) {
                    JsonValue v;
                    convert(child, v, depth + 1);
                    out.PushBack(v, alloc);
                }
                return;
            case YAML::NodeType::Map:
                out.SetObject();
                for (const auto& kv : n) {
                    if (!kv.first.IsScalar())
                        fail_at(kv.first, "YAML_KEY", "a mapping key that is not plain text", "映射的键不是普通文本");
                    const std::string& key = kv.first.Scalar();
                    if (utf8::first_invalid(key) != std::string_view::npos) fail_at(kv.first, "YAML_ENCODING", "text that is not UTF-8", "文本不是 UTF-8 编码");
                    JsonValue name(key.data(), static_cast<rapidjson::SizeType>(key.size()), alloc);
                    JsonValue v;
                    convert(kv.second, v, depth + 1);
                    out.AddMember(name, v, alloc);
                }
                return;
        }
    }
};

// Finds the byte offset at which the value at `target` starts in JSON text, by replaying the
// parse with a handler that tracks the current pointer. Used only to report errors, so it
// favours plainness over speed. When the target does not exist, the deepest existing ancestor
// is found instead.
class JsonLocator : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, JsonLocator> {
public:
    JsonLocator(std::string_view target, rapidjson::StringStream& in) : target_(target), in_(in) {}

    bool Default() { return begin_value(); }
    bool String(const char*, rapidjson::SizeType, bool) { return begin_value(); }
    bool StartObject() { return begin_value() && (frames_.push_back({false, 0, 0, {}}), true); }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
        frames_.back().key.assign(s, n);
        return true;
    }
    bool EndObject(rapidjson::SizeType) { frames_.pop_back(); return true; }
    bool StartArray() { return begin_value() && (frames_.push_back({true, 0, 0, {}}), true); }
    bool EndArray(rapidjson::SizeType) { frames_.pop_back(); return true; }

    std::size_t offset() const { return best_; }

private:
    struct Frame {
        bool array;
        std::size_t next;     // arrays: index of the next element
        std::size_t current;  // arrays: index of the element being read
        std::string key;      // objects: name of the member being read
    };

    // A value starts: records where when its pointer is the target or the longest prefix of it
    // seen so far; stops the parse (returns false) once the target itself is reached.
    bool begin_value() {
        if (!frames_.empty() && frames_.back().array) frames_.back().current = frames_.back().next++;
        std::string p;
        for (const auto& f : frames_) {
            if (f.array) append_pointer_token(p, f.current);
            else append_pointer_token(p, f.key);
        }
        const bool prefix = target_.compare(0, p.size(), p) == 0 &&
                            (p.size() == target_.size() || target_[p.size()] == '/');
        if (prefix && p.size() >= best_length_) {
            best_length_ = p.size();
            best_ = in_.Tell();
            if (p.size() == target_.size()) return false;
        }
        return true;
    }

    std::string target_;
    rapidjson::StringStream& in_;
    std::vector<Frame> frames_;
    std::size_t best_ = 0;
    std::size_t best_length_ = 0;
};

// Documents up to this size keep their original text beside the parsed one, for positions.
constexpr std::size_t small_document_bytes = std::size_t{4} << 20;

// The file's bytes again, if they are still what was parsed (same SHA-256); else empty.
std::string reread(const std::string& file, const std::string& sha256) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return sha256_hex(text) == sha256 ? text : std::string();
}

}  // namespace

SourceDocument::SourceDocument(SourceDocument&&) noexcept = default;
SourceDocument& SourceDocument::operator=(SourceDocument&&) noexcept = default;
SourceDocument::~SourceDocument() = default;

SourceDocument SourceDocument::read(const std::filesystem::path& path) {
    const std::string file = path.string();
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(Status::io, "FILE_UNREADABLE", "cannot read " + file + ": " + std::strerror(errno),
                    "无法读取文件 " + file + "：" + std::strerror(errno), Location{"", file, 0, 0});
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_source_bytes)
        throw Error(Status::limit, "DOCUMENT_TOO_LARGE",
                    file + " has " + std::to_string(size) + " bytes; the limit is " + std::to_string(max_source_bytes),
                    file + " 共 " + std::to_string(size) + " 字节，超过上限 " + std::to_string(max_source_bytes),
                    Location{"", file, 0, 0});
    std::string text;
    if (!ec) {
        text.resize(static_cast<std::size_t>(size));
        in.read(text.data(), static_cast<std::streamsize>(size));
        text.resize(static_cast<std::size_t>(in.gcount()));
        char extra;
        if (in.read(&extra, 1)) {  // the file grew while being read: take the rest too
            text.push_back(extra);
            text.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
    } else {
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (in.bad())
        throw Error(Status::io, "FILE_UNREADABLE", "cannot read " + file, "无法读取文件 " + file, Location{"", file, 0, 0});

    const auto ext = path.extension().string();
    Format format;
    if (ext == ".json") format = Format::json;
    else if (ext == ".yaml" || ext == ".yml") format = Format::yaml;
    else {
        auto first = text.find_first_not_of(" \t\r\n");
        format = first != std::string::npos && text[first] == '{' ? Format::json : Format::yaml;
    }
    return parse(std::move(text), file, format);
}

SourceDocument SourceDocument::parse(std::string text, std::string file, Format format) {
    SourceDocument d;
    d.size_ = text.size();
    d.sha256_ = sha256_hex(text);
    d.text_ = std::move(text);
    d.file_ = std::move(file);
    d.format_ = format;
    d.doc_ = std::make_unique<JsonDocument>();
    if (format == Format::json) {
        if (d.text_.size() <= small_document_bytes) d.original_ = d.text_;
        try {
            parse_json_in_place(d.text_, d.original_.empty() ? std::string_view(d.text_) : std::string_view(d.original_),
                                *d.doc_, JsonLimits{max_source_bytes, 64}, d.file_);
        } catch (Error& e) {
            e.where().file = d.file_;
            if (d.original_.empty()) {  // positions were counted on changed text: recount them
                const std::string again = reread(d.file_, d.sha256_);
                if (!again.empty() && e.where().offset != static_cast<std::size_t>(-1))
                    std::tie(e.where().line, e.where().column) = line_column_at(again, e.where().offset);
                else
                    e.where().line = e.where().column = 0;
            }
            throw;
        }
        return d;
    }
    try {
        d.yaml_ = YAML::Load(d.text_);
        d.text_.clear();
        d.text_.shrink_to_fit();  // the YAML tree keeps what locating an error needs
    } catch (const YAML::Exception& e) {
        throw Error(Status::parse, "YAML_SYNTAX",
                    d.file_ + ":" + std::to_string(e.mark.line + 1) + ": not well-formed YAML: " + e.msg,
                    d.file_ + " 第 " + std::to_string(e.mark.line + 1) + " 行不是格式正确的 YAML：" + e.msg,
                    Location{"", d.file_, e.mark.line + 1, e.mark.column + 1});
    }
    YamlConverter conv{d.file_, d.doc_->GetAllocator()};
    conv.convert(d.yaml_, *d.doc_, 0);
    return d;
}

Location SourceDocument::locate(std::string_view pointer) const {
    Location where{std::string(pointer), file_, 0, 0};
    if (format_ == Format::yaml) {
        // Walk the YAML tree token by token, keeping the deepest node that exists.
        YAML::Node node = yaml_;
        auto mark = node.Mark();
        std::size_t pos = 0;
        while (pos < pointer.size() && pointer[pos] == '/') {
            std::size_t end = pointer.find('/', pos + 1);
            if (end == std::string_view::npos) end = pointer.size();
            std::string token;
            for (std::size_t i = pos + 1; i < end; ++i) {
                if (pointer[i] == '~' && i + 1 < end) {
                    token.push_back(pointer[i + 1] == '1' ? '/' : '~');
                    ++i;
                } else {
                    token.push_back(pointer[i]);
                }
            }
            YAML::Node next;
            if (node.IsMap()) {
                for (const auto& kv : node)
                    if (kv.first.IsScalar() && kv.first.Scalar() == token) {
                        next = kv.second;
                        mark = kv.first.Mark();  // the key's line is where a reader looks
                        break;
                    }
            } else if (node.IsSequence() && all_digits(token)) {
                auto index = std::stoul(token);
                if (index < node.size()) {
                    next = node[index];
                    mark = next.Mark();
                }
            }
            if (!next.IsDefined()) break;
            node = next;
            pos = end;
        }
        if (mark.line >= 0) {
            where.line = mark.line + 1;
            where.column = mark.column + 1;
        }
        return where;
    }
    // The JSON text was parsed in place; replay a parse of the original to find the line.
    const std::string reread_text = original_.empty() ? reread(file_, sha256_) : std::string();
    const std::string& original = original_.empty() ? reread_text : original_;
    if (original.empty()) return where;  // gone or changed since: the pointer must do
    rapidjson::StringStream in(original.c_str());
    JsonLocator locator(pointer, in);
    rapidjson::Reader reader;
    reader.Parse(in, locator);
    std::tie(where.line, where.column) = line_column_at(original, locator.offset());
    return where;
}

void SourceDocument::fail(Status status, std::string code, std::string message_en, std::string message_zh,
                          std::string_view pointer) const {
    Location where = locate(pointer);
    std::string at = file_ + (where.line ? ":" + std::to_string(where.line) : std::string()) +
                     (pointer.empty() ? std::string() : " (" + std::string(pointer) + ")");
    std::string at_zh = file_ + (where.line ? " 第 " + std::to_string(where.line) + " 行" : std::string()) +
                        (pointer.empty() ? std::string() : "（" + std::string(pointer) + "）");
    throw Error(status, std::move(code), at + ": " + message_en, at_zh + "：" + message_zh, std::move(where));
}

void SourceDocument::validate(const schema::Schemas& schemas, std::string_view schema_name, Status status) const {
    if (auto v = schemas.validate(schema_name, root())) fail(status, v->code, v->message_en, v->message_zh, v->path);
}

}  // namespace firstset
