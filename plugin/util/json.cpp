#include "util/json.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <new>

#include "util/error.hpp"
#include "util/json_out.hpp"
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

namespace json {

// Bump allocation for a document's values and unescaped strings, freed all at once.
class Arena {
public:
    explicit Arena(std::size_t first_block) : next_size_(std::max<std::size_t>(first_block, 256)) {}

    void* allocate(std::size_t bytes, std::size_t align) {
        std::size_t pad = (align - (reinterpret_cast<std::uintptr_t>(next_) & (align - 1))) & (align - 1);
        if (!next_ || pad + bytes > left_) {
            const std::size_t size = std::max(bytes + align, next_size_);
            blocks_.emplace_back(new char[size]);
            next_ = blocks_.back().get();
            left_ = size;
            next_size_ = std::min<std::size_t>(size * 2, std::size_t{64} << 20);
            pad = (align - (reinterpret_cast<std::uintptr_t>(next_) & (align - 1))) & (align - 1);
        }
        char* p = next_ + pad;
        next_ = p + bytes;
        left_ -= pad + bytes;
        return p;
    }
    template <typename T>
    T* copy(const T* from, std::size_t n) {
        if (n == 0) return nullptr;
        T* to = static_cast<T*>(allocate(sizeof(T) * n, alignof(T)));
        std::memcpy(static_cast<void*>(to), from, sizeof(T) * n);
        return to;
    }
    const char* copy_text(std::string_view s) { return s.empty() ? "" : copy(s.data(), s.size()); }

private:
    std::vector<std::unique_ptr<char[]>> blocks_;
    char* next_ = nullptr;
    std::size_t left_ = 0;
    std::size_t next_size_;
};

// ---- numbers ----------------------------------------------------------------------------

NumberCheck check_number(std::string_view s, bool* integer, bool* negative) {
    std::size_t i = 0;
    const bool minus = !s.empty() && s[0] == '-';
    if (minus) ++i;
    auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
    if (!digit(i)) return NumberCheck::syntax;
    if (s[i] == '0') ++i;
    else
        while (digit(i)) ++i;
    bool whole = true;
    if (i < s.size() && s[i] == '.') {
        whole = false;
        ++i;
        if (!digit(i)) return NumberCheck::syntax;
        while (digit(i)) ++i;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        whole = false;
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!digit(i)) return NumberCheck::syntax;
        while (digit(i)) ++i;
    }
    if (i != s.size()) return NumberCheck::syntax;
    if (integer) *integer = whole;
    if (negative) *negative = minus;
    const char* end = s.data() + s.size();
    if (whole) {
        // Integers must fit 64 bits, signed when negative.
        if (minus) {
            std::int64_t v;
            if (std::from_chars(s.data(), end, v).ec != std::errc()) return NumberCheck::range;
        } else {
            std::uint64_t v;
            if (std::from_chars(s.data(), end, v).ec != std::errc()) return NumberCheck::range;
        }
        return NumberCheck::ok;
    }
    // Floats must be finite and must not underflow to zero from a non-zero text.
    double d;
    const auto r = std::from_chars(s.data(), end, d);
    if (r.ec != std::errc() || r.ptr != end || !std::isfinite(d)) return NumberCheck::range;
    return NumberCheck::ok;
}

// ---- Value ------------------------------------------------------------------------------

namespace {

const char* type_name(Type t) {
    switch (t) {
        case Type::null: return "null";
        case Type::boolean: return "boolean";
        case Type::number: return "number";
        case Type::string: return "string";
        case Type::array: return "array";
        case Type::object: return "object";
    }
    return "?";
}

[[noreturn]] void wrong_type(Type have, const char* want) {
    throw AccessError(std::string("JSON value is ") + type_name(have) + ", read as " + want);
}

}  // namespace

std::string_view Value::str() const {
    if (type_ != Type::string) wrong_type(type_, "string");
    return {static_cast<const char*>(data_), size_};
}

bool Value::boolean() const {
    if (type_ != Type::boolean) wrong_type(type_, "boolean");
    return flags_ & true_flag;
}

std::string_view Value::literal() const {
    if (type_ != Type::number) wrong_type(type_, "number");
    return {static_cast<const char*>(data_), size_};
}

std::int64_t Value::int64() const {
    if (!is_integer()) wrong_type(type_, "integer");
    const std::string_view s = literal();
    std::int64_t v = 0;
    if (std::from_chars(s.data(), s.data() + s.size(), v).ec != std::errc())
        throw AccessError("JSON integer " + std::string(s) + " does not fit a signed 64-bit integer");
    return v;
}

std::uint64_t Value::uint64() const {
    if (!is_integer()) wrong_type(type_, "integer");
    const std::string_view s = literal();
    std::uint64_t v = 0;
    if ((flags_ & negative_flag) || std::from_chars(s.data(), s.data() + s.size(), v).ec != std::errc())
        throw AccessError("JSON integer " + std::string(s) + " does not fit an unsigned 64-bit integer");
    return v;
}

double Value::number() const {
    const std::string_view s = literal();
    double d = 0;
    std::from_chars(s.data(), s.data() + s.size(), d);  // checked when the document was read
    return d;
}

Span<Value> Value::items() const {
    if (type_ != Type::array) wrong_type(type_, "array");
    return {static_cast<const Value*>(data_), size_};
}

const Value& Value::operator[](std::size_t index) const {
    const Span<Value> all = items();
    if (index >= all.size()) throw AccessError("JSON array index " + std::to_string(index) + " out of range");
    return all[index];
}

Span<Member> Value::members() const {
    if (type_ != Type::object) wrong_type(type_, "object");
    return {static_cast<const Member*>(data_), size_};
}

const Value* Value::find(std::string_view name) const {
    if (type_ != Type::object) return nullptr;
    for (const Member& m : members())
        if (m.name_size == name.size() && m.name() == name) return &m.value;
    return nullptr;
}

const Value& Value::operator[](std::string_view name) const {
    if (type_ != Type::object) wrong_type(type_, "object");
    if (const Value* v = find(name)) return *v;
    throw AccessError("JSON object has no member \"" + std::string(name) + "\"");
}

namespace {

// A repeated name found while reading: the JSON Pointer of the repeat is built on the way out,
// each level adding its token, so reading valid documents keeps no path at all.
struct Repeated {
    std::string name;
    std::size_t offset;
    std::vector<std::string> tokens;  // innermost first
};

// Index of the first member whose name an earlier member already has; npos when none.
std::size_t first_repeat(const Member* m, std::size_t n) {
    if (n < 2) return std::string::npos;
    if (n <= 16) {
        for (std::size_t j = 1; j < n; ++j)
            for (std::size_t i = 0; i < j; ++i)
                if (m[i].name_size == m[j].name_size && m[i].name() == m[j].name()) return j;
        return std::string::npos;
    }
    std::vector<std::pair<std::string_view, std::size_t>> names;
    names.reserve(n);
    for (std::size_t i = 0; i < n; ++i) names.emplace_back(m[i].name(), i);
    std::sort(names.begin(), names.end());
    std::size_t found = std::string::npos;
    for (std::size_t i = 1; i < names.size(); ++i)
        if (names[i].first == names[i - 1].first) found = std::min(found, std::max(names[i].second, names[i - 1].second));
    return found;
}

}  // namespace

std::string Value::to_json() const {
    TextBuffer out;
    JsonOut(out).value(*this);
    return out.str();
}

// ---- Document ---------------------------------------------------------------------------

Document::Document() = default;
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

std::size_t Document::offset_of(std::string_view pointer) const {
    const Value* v = &root_;
    std::size_t offset = root_.offset();
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
        const Value* next = nullptr;
        if (v->is_object()) {
            for (const Member& m : v->members())
                if (m.name() == token) {
                    next = &m.value;
                    offset = m.name_offset;  // the name's line is where a reader looks
                    break;
                }
        } else if (v->is_array() && !token.empty() && token.find_first_not_of("0123456789") == std::string::npos &&
                   token.size() < 10) {
            const std::size_t index = std::stoul(token);
            if (index < v->size()) {
                next = &v->items()[index];
                offset = next->offset();
            }
        }
        if (!next) break;
        v = next;
        pos = end;
    }
    return offset;
}

namespace {

std::string at_en(int line, int column) {
    return line ? " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")" : std::string();
}
std::string at_zh(int line, int column) {
    return line ? "（第 " + std::to_string(line) + " 行第 " + std::to_string(column) + " 列）" : std::string();
}

[[noreturn]] void parse_error(std::string_view text, std::size_t offset, const std::string& name, Status status,
                              const char* code, const std::string& en, const std::string& zh,
                              std::string pointer = {}) {
    const auto [line, column] = line_column_at(text, offset);
    throw StatusError(status, code, "the " + name + " " + en + at_en(line, column), name + " " + zh + at_zh(line, column),
                Location{std::move(pointer), "", line, column, offset});
}

void check_size(std::size_t size, const Limits& limits, const std::string& name) {
    if (size > limits.max_bytes)
        throw StatusError(Status::limit, "INPUT_TOO_LARGE",
                    "the " + name + " has " + std::to_string(size) + " bytes; the limit is " +
                        std::to_string(limits.max_bytes),
                    name + " 共 " + std::to_string(size) + " 字节，超过上限 " + std::to_string(limits.max_bytes) +
                        " 字节");
}

// Offset of the first control character inside a string (simdjson reports only that there is one).
std::size_t first_unescaped_control(std::string_view text) {
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
            else if (c < 0x20) return i;
        } else if (c == '"') {
            in_string = true;
        }
    }
    return 0;
}

}  // namespace

namespace sj = simdjson::ondemand;

// Walks simdjson's On-Demand iterator over the whole text, building the values.
class Reader {
public:
    // `arena` null: check only, keep nothing. `source`: where the values' text is kept (the
    // document's copy of the source), `base`: where the parser sees it (maybe a wrapped copy).
    Reader(Arena* arena, const char* source, const char* base, std::string_view text, const Limits& limits,
           std::string_view name)
        : arena_(arena), source_(source), base_(base), limit_(base + text.size()), limits_(limits), name_(name),
          text_(text) {}

    Value read(sj::value v, unsigned depth);

    [[noreturn]] void fail(simdjson::error_code e, std::size_t offset) {
        const std::string_view text = text_;
        switch (e) {
            case simdjson::UTF8_ERROR: {
                std::size_t bad = utf8::first_invalid(text);
                if (bad == std::string_view::npos) bad = offset;
                parse_error(text, bad, name_, Status::parse, "NOT_UTF8", "is not UTF-8", "不是 UTF-8 编码");
            }
            case simdjson::UNESCAPED_CHARS:
                parse_error(text, first_unescaped_control(text), name_, Status::parse, "JSON_SYNTAX",
                            "is not well-formed JSON: a control character inside a string must be escaped",
                            "不是格式正确的 JSON：字符串中的控制字符必须转义");
            case simdjson::STRING_ERROR:
                parse_error(text, offset, name_, Status::parse, "JSON_SYNTAX",
                            "is not well-formed JSON: a string has an invalid escape or a lone surrogate (\\ud800 to "
                            "\\udfff not in a pair), which is not Unicode text",
                            "不是格式正确的 JSON：字符串中有无效的转义或不成对的代理项（\\ud800 至 \\udfff），不是合法的 Unicode 文本");
            case simdjson::DEPTH_ERROR: too_deep(offset);
            case simdjson::MEMALLOC: throw std::bad_alloc();
            case simdjson::CAPACITY:
                throw StatusError(Status::limit, "INPUT_TOO_LARGE", "the " + name_ + " is too large to parse",
                            name_ + " 过大，无法解析");
            default: {
                const auto [en, zh] = explain(e);
                parse_error(text, offset, name_, Status::parse, "JSON_SYNTAX", std::string("is not well-formed JSON: ") + en,
                            std::string("不是格式正确的 JSON：") + zh);
            }
        }
    }

    // What a grammar error means, in both languages.
    static std::pair<const char*, const char*> explain(simdjson::error_code e) {
        switch (e) {
            case simdjson::TAPE_ERROR:
            case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
                return {"a missing or extra comma, colon, brace or bracket", "缺少或多出逗号、冒号、花括号或方括号"};
            case simdjson::UNCLOSED_STRING: return {"a string is not closed", "字符串没有结束引号"};
            case simdjson::NUMBER_ERROR: return {"a number is not written as JSON writes numbers", "数字的写法不符合 JSON"};
            case simdjson::T_ATOM_ERROR:
            case simdjson::F_ATOM_ERROR:
            case simdjson::N_ATOM_ERROR:
            case simdjson::INCORRECT_TYPE:
                return {"a value that is not true, false, null, a number, a string, an array or an object",
                        "出现了不是 true、false、null、数、字符串、数组或对象的值"};
            case simdjson::EMPTY: return {"it holds no JSON value", "没有 JSON 值"};
            default: return {simdjson::error_message(e), simdjson::error_message(e)};
        }
    }

    [[noreturn]] void too_deep(std::size_t offset) {
        parse_error(text_, offset, name_, Status::limit, "INPUT_TOO_DEEP",
                    "nests objects and arrays deeper than " + std::to_string(limits_.max_depth) + " levels",
                    "中对象和数组的嵌套超过 " + std::to_string(limits_.max_depth) + " 层");
    }

    std::size_t offset_of(const char* p) const { return static_cast<std::size_t>(p - base_); }
    // Where the iterator stands, for an error it reported.
    std::size_t here(sj::value& v, std::size_t fallback) {
        const char* p = nullptr;
        if (!v.current_location().get(p) && p >= base_) return offset_of(p);
        return fallback;
    }

    template <typename T>
    const T* keep(const std::vector<T>& scratch, std::size_t mark) {
        return arena_ ? arena_->copy(scratch.data() + mark, scratch.size() - mark) : nullptr;
    }
    std::string_view keep_text(std::string_view s) {
        return arena_ ? std::string_view(arena_->copy_text(s), s.size()) : s;
    }

    Arena* arena_;
    const char* source_;
    const char* base_;   // parse buffer position of the source's first byte
    const char* limit_;  // and of the byte after its last
    Limits limits_;
    std::string name_;
    std::vector<Value> items_;
    std::vector<Member> members_;
    std::string_view text_;  // the source without its padding, for positions in messages
};

namespace {

std::string_view trim_right(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// The bytes between a string's quotes when it holds no escape; false when it holds one.
// REQUIRES: the string is closed within `limit` (simdjson's first stage has checked it is).
bool plain_string(const char* after_quote, const char* limit, std::string_view* out) {
    const auto* quote = static_cast<const char*>(std::memchr(after_quote, '"', static_cast<std::size_t>(limit - after_quote)));
    if (!quote) return false;
    const std::size_t n = static_cast<std::size_t>(quote - after_quote);
    if (std::memchr(after_quote, '\\', n)) return false;
    *out = std::string_view(after_quote, n);
    return true;
}

}  // namespace

Value Reader::read(sj::value v, unsigned depth) {
    const std::string_view raw = v.raw_json_token();
    const std::size_t offset = offset_of(raw.data());
    const char* source = source_;
    sj::json_type t;
    if (auto e = v.type().get(t)) fail(e, offset);
    Value out;
    out.offset_ = static_cast<std::uint32_t>(offset);
    switch (t) {
        case sj::json_type::array: {
            if (depth >= limits_.max_depth) too_deep(offset);
            sj::array a;
            if (auto e = v.get_array().get(a)) fail(e, offset);
            const std::size_t mark = items_.size();
            std::size_t index = 0;
            for (auto element : a) {
                sj::value ev;
                if (auto e = std::move(element).get(ev)) fail(e, here(v, offset));
                try {
                    items_.push_back(read(ev, depth + 1));
                } catch (Repeated& r) {
                    r.tokens.push_back(std::to_string(index));
                    throw;
                }
                ++index;
            }
            out.type_ = Type::array;
            out.size_ = static_cast<std::uint32_t>(items_.size() - mark);
            out.data_ = keep(items_, mark);
            items_.resize(mark);
            return out;
        }
        case sj::json_type::object: {
            if (depth >= limits_.max_depth) too_deep(offset);
            sj::object o;
            if (auto e = v.get_object().get(o)) fail(e, offset);
            const std::size_t mark = members_.size();
            for (auto field : o) {
                sj::field f;
                if (auto e = std::move(field).get(f)) fail(e, here(v, offset));
                Member m{};
                const char* key = reinterpret_cast<const char*>(f.key().raw());
                m.name_offset = static_cast<std::uint32_t>(offset_of(key) - 1);
                std::string_view name;
                if (plain_string(key, limit_, &name)) {
                    name = std::string_view(source + offset_of(name.data()), name.size());
                } else {
                    if (auto e = f.unescaped_key().get(name)) fail(e, m.name_offset);
                    name = keep_text(name);
                }
                m.name_data = name.data();
                m.name_size = static_cast<std::uint32_t>(name.size());
                try {
                    m.value = read(f.value(), depth + 1);
                } catch (Repeated& r) {
                    r.tokens.push_back(std::string(name));
                    throw;
                }
                members_.push_back(m);
            }
            const std::size_t n = members_.size() - mark;
            const std::size_t repeat = first_repeat(members_.data() + mark, n);
            if (repeat != std::string::npos) {
                const Member& m = members_[mark + repeat];
                throw Repeated{std::string(m.name()), m.name_offset, {std::string(m.name())}};
            }
            out.type_ = Type::object;
            out.size_ = static_cast<std::uint32_t>(n);
            out.data_ = keep(members_, mark);
            members_.resize(mark);
            return out;
        }
        case sj::json_type::string: {
            std::string_view s;
            if (plain_string(raw.data() + 1, limit_, &s)) {
                sj::raw_json_string consumed;
                if (auto e = v.get_raw_json_string().get(consumed)) fail(e, offset);
                s = std::string_view(source + offset_of(s.data()), s.size());
            } else {
                if (auto e = v.get_string().get(s)) fail(e, offset);
                s = keep_text(s);
            }
            out.type_ = Type::string;
            out.data_ = s.data();
            out.size_ = static_cast<std::uint32_t>(s.size());
            return out;
        }
        case sj::json_type::number: {
            const std::string_view literal = trim_right(raw);
            bool integer = false, negative = false;
            const NumberCheck check = check_number(literal, &integer, &negative);
            sj::number consumed;
            const auto e = v.get_number().get(consumed);
            if (check == NumberCheck::range)
                parse_error(text_, offset, name_, Status::parse, "JSON_NUMBER_RANGE",
                            "has the number " + std::string(literal.substr(0, 40)) +
                                (integer ? ", an integer beyond 64 bits" : ", which is too large or too small for a double"),
                            "中的数 " + std::string(literal.substr(0, 40)) +
                                (integer ? " 超出 64 位整数的范围" : " 超出双精度浮点数的范围"));
            if (check != NumberCheck::ok) fail(simdjson::NUMBER_ERROR, offset);
            if (e) fail(e, offset);
            out.type_ = Type::number;
            out.flags_ = static_cast<std::uint8_t>((integer ? Value::integer_flag : 0) | (negative ? Value::negative_flag : 0));
            out.data_ = source + offset;
            out.size_ = static_cast<std::uint32_t>(literal.size());
            return out;
        }
        case sj::json_type::boolean: {
            bool b = false;
            if (auto e = v.get_bool().get(b)) fail(e == simdjson::INCORRECT_TYPE ? simdjson::T_ATOM_ERROR : e, offset);
            out.type_ = Type::boolean;
            out.flags_ = b ? Value::true_flag : 0;
            return out;
        }
        case sj::json_type::null: {
            bool is_null = false;
            if (auto e = v.is_null().get(is_null)) fail(e, offset);
            if (!is_null) fail(simdjson::N_ATOM_ERROR, offset);
            out.type_ = Type::null;
            return out;
        }
    }
    fail(simdjson::TAPE_ERROR, offset);
}

namespace {

// One parser per thread: it holds only scratch buffers, reused by every parse on the thread.
std::unique_ptr<sj::parser>& thread_parser() {
    thread_local std::unique_ptr<sj::parser> parser;
    if (!parser) parser = std::make_unique<sj::parser>();
    return parser;
}

// Reads `size` bytes of text at `text` (followed by SIMDJSON_PADDING readable bytes), keeping
// the values in `arena` (null: only checking) with their text in `source`. Returns the root.
Value read_text(char* text, std::size_t size, Arena* arena, const char* source, const Limits& limits,
                const std::string& name) {
    const std::string_view view(text, size);
    const std::size_t first = view.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        parse_error(view, size, name, Status::parse, "JSON_SYNTAX", "is empty: it holds no JSON value", "为空：没有 JSON 值");
    // Arrays and objects are read as they are; any other root (a lone string or number) is read
    // as the one element of an array around it, because simdjson reads scalars at the root by
    // rules of their own. The padding simdjson may read holds spaces, never stale bytes.
    const bool container = view[first] == '{' || view[first] == '[';
    std::string wrapped;
    char* buffer = text;
    std::size_t parse_size = size;
    if (!container) {
        wrapped.reserve(size + 2 + simdjson::SIMDJSON_PADDING);
        wrapped.push_back('[');
        wrapped.append(view);
        wrapped.push_back(']');
        wrapped.resize(size + 2 + simdjson::SIMDJSON_PADDING, ' ');
        buffer = wrapped.data();
        parse_size = size + 2;
    } else {
        std::memset(text + size, ' ', simdjson::SIMDJSON_PADDING);
    }
    const char* base = container ? buffer : buffer + 1;  // where the source's first byte is

    std::unique_ptr<sj::parser>& parser = thread_parser();
    if (parser->max_depth() != limits.max_depth + 2 || parser->capacity() < parse_size) {
        if (parser->allocate(std::max<std::size_t>(parse_size, 4096), limits.max_depth + 2)) throw std::bad_alloc();
    }
    Reader reader(arena, source, base, view, limits, name);
    sj::document d;
    if (auto e = parser->iterate(buffer, parse_size, parse_size + simdjson::SIMDJSON_PADDING).get(d)) reader.fail(e, 0);
    sj::value root;
    if (auto e = d.get_value().get(root)) reader.fail(e, first);
    Value top;
    try {
        top = reader.read(root, container ? 0 : 1);
        if (!container) {
            if (top.size() != 1)
                parse_error(view, first, name, Status::parse, "JSON_SYNTAX",
                            "is not well-formed JSON: more than one value at the top level", "不是格式正确的 JSON：顶层有多个值");
            top = arena ? top.items()[0] : Value();
        }
    } catch (Repeated& r) {
        std::string pointer;
        for (auto t = r.tokens.rbegin(); t != r.tokens.rend(); ++t) append_pointer_token(pointer, *t);
        parse_error(view, r.offset, name, Status::parse, "JSON_DUPLICATE_KEY",
                    "gives the member name \"" + r.name + "\" twice in one object (" + pointer +
                        "); which one counts would depend on the reader",
                    "在同一对象中两次给出成员名 \"" + r.name + "\"（" + pointer + "），以哪一个为准将取决于读取方式", pointer);
    }
    const char* trailing = nullptr;
    if (!d.current_location().get(trailing))
        parse_error(view, static_cast<std::size_t>(std::max<std::ptrdiff_t>(trailing - base, 0)), name, Status::parse,
                    "JSON_SYNTAX", "is not well-formed JSON: there is more after the value",
                    "不是格式正确的 JSON：值之后还有多余内容");
    // A large document leaves large buffers behind: give them back rather than keep them per thread.
    if (parse_size > (std::size_t{1} << 20)) parser.reset();
    return top;
}

}  // namespace

Document Document::parse(std::string_view text, const Limits& limits, std::string_view what) {
    check_size(text.size(), limits, std::string(what));  // before the copy: a size past the limit is never read
    return parse(std::string(text), limits, what);
}

Document Document::parse(std::string&& text, const Limits& limits, std::string_view what) {
    const std::string name(what);
    check_size(text.size(), limits, name);
    Document doc;
    doc.arena_ = std::make_unique<Arena>(text.size() / 2 + 1024);
    const std::size_t size = text.size();
    doc.source_ = std::move(text);
    doc.source_.resize(size + simdjson::SIMDJSON_PADDING, ' ');  // capacity >= 64: never moved with the document
    doc.root_ = read_text(doc.source_.data(), size, doc.arena_.get(), doc.source_.data(), limits, name);
    doc.source_.resize(size);  // keeps the buffer, which values point into
    return doc;
}

void check(std::string_view text, const Limits& limits, std::string_view what) {
    const std::string name(what);
    check_size(text.size(), limits, name);
    thread_local std::string scratch;
    scratch.assign(text);
    scratch.resize(text.size() + simdjson::SIMDJSON_PADDING, ' ');
    read_text(scratch.data(), text.size(), nullptr, scratch.data(), limits, name);
    if (scratch.capacity() > (std::size_t{1} << 20)) std::string().swap(scratch);
}

// ---- Builder ----------------------------------------------------------------------------

Builder::Builder(std::string source) {
    doc_.arena_ = std::make_unique<Arena>(source.size() + 1024);
    doc_.source_ = std::move(source);
}

Builder::~Builder() = default;

Value Builder::null(std::size_t offset) {
    Value v;
    v.offset_ = static_cast<std::uint32_t>(offset);
    return v;
}

Value Builder::boolean(bool b, std::size_t offset) {
    Value v = null(offset);
    v.type_ = Type::boolean;
    v.flags_ = b ? Value::true_flag : 0;
    return v;
}

Value Builder::number(std::string_view literal, std::size_t offset) {
    bool integer = false, negative = false;
    const NumberCheck check = check_number(literal, &integer, &negative);
    if (check != NumberCheck::ok)
        throw StatusError(Status::parse, check == NumberCheck::range ? "JSON_NUMBER_RANGE" : "JSON_SYNTAX",
                    "the number " + std::string(literal.substr(0, 40)) +
                        (check == NumberCheck::range ? " is out of range" : " is not a number"),
                    "数 " + std::string(literal.substr(0, 40)) + (check == NumberCheck::range ? " 超出范围" : " 不是数"),
                    Location{"", "", 0, 0, offset});
    Value v = null(offset);
    v.type_ = Type::number;
    v.flags_ = static_cast<std::uint8_t>((integer ? Value::integer_flag : 0) | (negative ? Value::negative_flag : 0));
    v.data_ = doc_.arena_->copy_text(literal);
    v.size_ = static_cast<std::uint32_t>(literal.size());
    return v;
}

Value Builder::string(std::string_view text, std::size_t offset) {
    const std::size_t bad = utf8::first_invalid(text);
    if (bad != std::string_view::npos)
        throw StatusError(Status::parse, "NOT_UTF8", "text that is not UTF-8", "文本不是 UTF-8 编码",
                    Location{"", "", 0, 0, offset});
    Value v = null(offset);
    v.type_ = Type::string;
    v.data_ = doc_.arena_->copy_text(text);
    v.size_ = static_cast<std::uint32_t>(text.size());
    return v;
}

Value Builder::array(const std::vector<Value>& items, std::size_t offset) {
    Value v = null(offset);
    v.type_ = Type::array;
    v.data_ = doc_.arena_->copy(items.data(), items.size());
    v.size_ = static_cast<std::uint32_t>(items.size());
    return v;
}

Member Builder::member(std::string_view name, std::size_t name_offset, const Value& value) {
    const Value key = string(name, name_offset);
    Member m{};
    m.name_data = static_cast<const char*>(key.data_);
    m.name_size = key.size_;
    m.name_offset = static_cast<std::uint32_t>(name_offset);
    m.value = value;
    return m;
}

std::size_t Builder::object(const std::vector<Member>& members, std::size_t offset, Value* out) {
    const std::size_t repeat = first_repeat(members.data(), members.size());
    if (repeat != std::string::npos) return repeat;
    Value v = null(offset);
    v.type_ = Type::object;
    v.data_ = doc_.arena_->copy(members.data(), members.size());
    v.size_ = static_cast<std::uint32_t>(members.size());
    *out = v;
    return std::string::npos;
}

Document Builder::finish(const Value& root) {
    doc_.root_ = root;
    return std::move(doc_);
}

}  // namespace json
}  // namespace firstset
