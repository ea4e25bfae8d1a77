#include "util/json.hpp"

#include "util/rapidjson_stack.hpp"

#include <rapidjson/error/error.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

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

// Offset of the first control character inside a string, by the quotes and escapes strings have;
// 0 when there is none there.
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

// What is wrong with the text as a whole comes before anything found while reading values (a
// syntax error, a repeated name, a number out of range, depth), as the reader has always reported
// it, in this order: a string still open at the end (located at the start), a control character
// inside a string, bytes that are not UTF-8. For the first two, quotes are counted over the bytes
// with a backslash escaping the byte after it, inside a string or not. Throws StatusError for the
// first found; the text of a document that reads without error has none of them.
void whole_text_errors(std::string_view text, const std::string& name) {
    bool in_string = false, escaped = false, control = false;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (in_string && c < 0x20) control = true;
        if (escaped) escaped = false;
        else if (c == '\\') escaped = true;
        else if (c == '"') in_string = !in_string;
    }
    if (in_string)
        parse_error(text, 0, name, Status::parse, "JSON_SYNTAX", "is not well-formed JSON: a string is not closed",
                    "不是格式正确的 JSON：字符串没有结束引号");
    if (control)
        parse_error(text, first_unescaped_control(text), name, Status::parse, "JSON_SYNTAX",
                    "is not well-formed JSON: a control character inside a string must be escaped",
                    "不是格式正确的 JSON：字符串中的控制字符必须转义");
    const std::size_t bad = utf8::first_invalid(text);
    if (bad != std::string_view::npos)
        parse_error(text, bad, name, Status::parse, "NOT_UTF8", "is not UTF-8", "不是 UTF-8 编码");
}

bool json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A byte that may end a number or true, false and null: white space or a structural character.
bool ends_token(char c) {
    switch (c) {
        case ' ': case '\t': case '\n': case '\r': case ',': case ':': case '[': case ']': case '{': case '}':
            return true;
        default:
            return false;
    }
}

// A byte that ends the token a malformed number is named by: white space, a structural
// character, or one of the control characters a first pass over bytes has always taken for one
// (form feed and 0x1A: "1e400\f" names the number 1e400, out of range).
bool ends_number_token(char c) { return ends_token(c) || c == '\x0C' || c == '\x1A'; }

// The text as RapidJSON reads it, bounded by its size: a NUL byte in it is not its end (RapidJSON
// takes '\0' for the end, and reads its bytes one by one, so nothing past the end is ever read).
class Input {
public:
    typedef char Ch;
    explicit Input(std::string_view text) : head_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}
    Ch Peek() const { return p_ != end_ ? *p_ : '\0'; }
    Ch Take() { return p_ != end_ ? *p_++ : '\0'; }
    std::size_t Tell() const { return static_cast<std::size_t>(p_ - head_); }
    // For in-situ parsing only, which is not used.
    Ch* PutBegin() { return nullptr; }
    void Put(Ch) {}
    void Flush() {}
    std::size_t PutEnd(Ch*) { return 0; }

private:
    const char* head_;
    const char* p_;
    const char* end_;
};

// No recursion (a deep document cannot overflow a host thread's stack), UTF-8 checked inside
// strings (outside them only ASCII is JSON), numbers handed over as their text (RapidJSON never
// converts one: its full-precision conversion is where `[0.` + 400 zeros + `1]` crashed it when
// the plugin first used it, issue 8 #1), and nothing read after the root value (what follows it
// is reported here).
constexpr unsigned read_flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
                                rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseStopWhenDoneFlag;

}  // namespace

// RapidJSON's SAX reader over the text, with this class as its handler, building the values.
// Each value's offset is where its first byte is: the first byte after the end of the previous
// token that is neither white space nor ',' or ':' (nothing else can stand between two tokens).
class Reader {
public:
    // `arena` null: check only, keep nothing. `source`: where the values' text is kept (the
    // document's copy of the text). `input`: what is parsed, the text itself or, for a document
    // whose root is not an array or object, the text inside "[" and "]" (`shift` 1).
    Reader(Arena* arena, const char* source, std::string_view text, std::string_view input, std::size_t shift,
           const Limits& limits, const std::string& name)
        : arena_(arena), source_(source), text_(text), input_(input), shift_(shift), limits_(limits), name_(name),
          in_(input) {}

    Value read(std::size_t first);

    // ---- RapidJSON's handler ----
    bool Null() {
        add(atom(Type::null, 4, 0));
        return true;
    }
    bool Bool(bool b) {
        add(atom(Type::boolean, b ? 4 : 5, b ? Value::true_flag : 0));
        return true;
    }
    // Numbers come as text only (kParseNumbersAsStringsFlag).
    bool Int(int) { return false; }
    bool Uint(unsigned) { return false; }
    bool Int64(std::int64_t) { return false; }
    bool Uint64(std::uint64_t) { return false; }
    bool Double(double) { return false; }
    bool RawNumber(const char*, rapidjson::SizeType length, bool) {
        const std::size_t end = in_.Tell(), begin = end - length;
        last_ = end;
        if (end < input_.size() && !ends_token(input_[end])) bad_number(begin);
        const std::string_view literal = input_.substr(begin, length);  // as written, not as rewritten
        bool integer = false, negative = false;
        if (check_number(literal, &integer, &negative) != NumberCheck::ok) bad_number(begin);
        Value v;
        v.offset_ = offset32(begin);
        v.type_ = Type::number;
        v.flags_ = static_cast<std::uint8_t>((integer ? Value::integer_flag : 0) | (negative ? Value::negative_flag : 0));
        v.data_ = source_ + (begin - shift_);
        v.size_ = length;
        add(v);
        return true;
    }
    bool String(const char* s, rapidjson::SizeType length, bool) {
        const std::size_t begin = token_start();
        const std::string_view text = string_text(begin, s, length, false);
        Value v;
        v.offset_ = offset32(begin);
        v.type_ = Type::string;
        v.data_ = text.data();
        v.size_ = length;
        add(v);
        return true;
    }
    bool Key(const char* s, rapidjson::SizeType length, bool) {
        const std::size_t begin = token_start();
        const std::string_view name = string_text(begin, s, length, true);
        Member m{};
        m.name_data = name.data();
        m.name_size = length;
        m.name_offset = offset32(begin);
        members_.push_back(m);
        value_next_ = true;
        return true;
    }
    bool StartObject() { return open(true); }
    bool StartArray() { return open(false); }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool EndArray(rapidjson::SizeType) { return close(); }

private:
    struct Frame {
        std::size_t begin;        // offset of '{' or '[' in the input
        std::size_t member_mark;  // members_.size() and items_.size() when it opened
        std::size_t item_mark;
        bool object;
    };

    // Where the token whose end RapidJSON has just reached, or where it failed, starts.
    std::size_t token_start() const {
        std::size_t i = last_;
        while (i < input_.size() && (json_space(input_[i]) || input_[i] == ',' || input_[i] == ':')) ++i;
        return i;
    }
    std::uint32_t offset32(std::size_t input_offset) const { return static_cast<std::uint32_t>(input_offset - shift_); }

    Value atom(Type type, std::size_t length, std::uint8_t flags) {
        const std::size_t end = in_.Tell(), begin = end - length;
        last_ = end;
        if (end < input_.size() && !ends_token(input_[end])) bad_atom(begin);  // "truex"
        Value v;
        v.offset_ = offset32(begin);
        v.type_ = type;
        v.flags_ = flags;
        return v;
    }

    // The text of a string or name RapidJSON has decoded to s (on its own stack, gone after the
    // event). Without escapes it is the bytes between the quotes, kept where they are: the input
    // ends just after the closing quote, and an escape always decodes shorter than it is written.
    std::string_view string_text(std::size_t begin, const char* s, std::size_t length, bool name) {
        last_ = in_.Tell();
        if (last_ - begin - 2 == length) return {source_ + (begin + 1 - shift_), length};
        // A low surrogate escaped alone (\udc00): RapidJSON writes it as if it were a character
        // (ED B0..BF). A high one alone it refuses itself, and a pair it joins into one character.
        for (std::size_t i = 0; i + 1 < length; ++i)
            if (static_cast<unsigned char>(s[i]) == 0xED && static_cast<unsigned char>(s[i + 1]) >= 0xA0) bad_string(begin);
        if (arena_) return {arena_->copy_text({s, length}), length};
        // Checking only: a name is compared with its object's other names when the object ends.
        return name ? std::string_view(names_.copy_text({s, length}), length) : std::string_view();
    }

    bool open(bool object) {
        const std::size_t begin = token_start();
        last_ = begin + 1;
        // A document whose root is not a container is read inside an array at depth 1, not 0.
        if (frames_.size() + shift_ >= limits_.max_depth) too_deep(begin);
        frames_.push_back(Frame{begin, members_.size(), items_.size(), object});
        value_next_ = false;
        return true;
    }

    bool close() {
        last_ = token_start() + 1;
        const Frame f = frames_.back();
        Value v;
        v.offset_ = offset32(f.begin);
        if (f.object) {
            const std::size_t n = members_.size() - f.member_mark;
            const std::size_t repeat = first_repeat(members_.data() + f.member_mark, n);
            if (repeat != std::string::npos) repeated(members_[f.member_mark + repeat]);
            v.type_ = Type::object;
            v.size_ = static_cast<std::uint32_t>(n);
            v.data_ = keep(members_, f.member_mark);
            members_.resize(f.member_mark);
        } else {
            v.type_ = Type::array;
            v.size_ = static_cast<std::uint32_t>(items_.size() - f.item_mark);
            v.data_ = keep(items_, f.item_mark);
            items_.resize(f.item_mark);
        }
        frames_.pop_back();
        add(v);
        return true;
    }

    // A finished value goes to its array, to the member whose name came last, or is the root.
    void add(const Value& v) {
        value_next_ = false;
        if (frames_.empty()) root_ = v;
        else if (frames_.back().object) members_.back().value = v;
        else items_.push_back(v);
    }

    template <typename T>
    const T* keep(const std::vector<T>& scratch, std::size_t mark) {
        return arena_ ? arena_->copy(scratch.data() + mark, scratch.size() - mark) : nullptr;
    }

    // ---- errors: whatever is wrong with the whole text comes first ----
    [[noreturn]] void error(std::size_t input_offset, Status status, const char* code, const std::string& en,
                            const std::string& zh, std::string pointer = {}) {
        whole_text_errors(text_, name_);
        parse_error(text_, input_offset - shift_, name_, status, code, en, zh, std::move(pointer));
    }
    [[noreturn]] void syntax(std::size_t input_offset, const char* en, const char* zh) {
        error(input_offset, Status::parse, "JSON_SYNTAX", std::string("is not well-formed JSON: ") + en,
              std::string("不是格式正确的 JSON：") + zh);
    }
    [[noreturn]] void bad_structure(std::size_t input_offset) {
        syntax(input_offset, "a missing or extra comma, colon, brace or bracket", "缺少或多出逗号、冒号、花括号或方括号");
    }
    [[noreturn]] void bad_atom(std::size_t input_offset) {
        syntax(input_offset, "a value that is not true, false, null, a number, a string, an array or an object",
               "出现了不是 true、false、null、数、字符串、数组或对象的值");
    }
    // The string at begin (a name or a value) is not Unicode text. For a name, a missing colon
    // after it is reported first.
    [[noreturn]] void bad_string(std::size_t begin) {
        if (name_next()) {
            std::size_t i = begin + 1;
            while (i < input_.size() && input_[i] != '"') i += input_[i] == '\\' ? 2 : 1;
            ++i;
            while (i < input_.size() && json_space(input_[i])) ++i;
            if (i >= input_.size() || input_[i] != ':') bad_structure(i);
        }
        syntax(begin,
               "a string has an invalid escape or a lone surrogate (\\ud800 to \\udfff not in a pair), which is not "
               "Unicode text",
               "字符串中有无效的转义或不成对的代理项（\\ud800 至 \\udfff），不是合法的 Unicode 文本");
    }
    // A number that starts at begin and is not one: its token runs to the next white space or
    // structural character ("1e400x" is one token, not a number out of range).
    [[noreturn]] void bad_number(std::size_t begin) {
        std::size_t end = begin;
        while (end < input_.size() && !ends_number_token(input_[end])) ++end;
        const std::string_view literal = input_.substr(begin, end - begin);
        bool integer = false;
        if (check_number(literal, &integer) == NumberCheck::range)
            error(begin, Status::parse, "JSON_NUMBER_RANGE",
                  "has the number " + std::string(literal.substr(0, 40)) +
                      (integer ? ", an integer beyond 64 bits" : ", which is too large or too small for a double"),
                  "中的数 " + std::string(literal.substr(0, 40)) +
                      (integer ? " 超出 64 位整数的范围" : " 超出双精度浮点数的范围"));
        syntax(begin, "a number is not written as JSON writes numbers", "数字的写法不符合 JSON");
    }
    [[noreturn]] void too_deep(std::size_t input_offset) {
        error(input_offset, Status::limit, "INPUT_TOO_DEEP",
              "nests objects and arrays deeper than " + std::to_string(limits_.max_depth) + " levels",
              "中对象和数组的嵌套超过 " + std::to_string(limits_.max_depth) + " 层");
    }
    // The repeated name's JSON Pointer: the open containers' tokens, outermost first, then the name.
    [[noreturn]] void repeated(const Member& m) {
        std::string pointer;
        for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
            const Frame& child = frames_[i + 1];
            if (frames_[i].object) append_pointer_token(pointer, members_[child.member_mark - 1].name());
            else append_pointer_token(pointer, child.item_mark - frames_[i].item_mark);
        }
        append_pointer_token(pointer, m.name());
        const std::string name(m.name());
        error(m.name_offset + shift_, Status::parse, "JSON_DUPLICATE_KEY",
              "gives the member name \"" + name + "\" twice in one object (" + pointer +
                  "); which one counts would depend on the reader",
              "在同一对象中两次给出成员名 \"" + name + "\"（" + pointer + "），以哪一个为准将取决于读取方式", pointer);
    }
    // What RapidJSON refused, at `at` (where it stopped), said by what the token there is.
    [[noreturn]] void refused(rapidjson::ParseErrorCode code, std::size_t at);
    // Whether the string RapidJSON is reading (or has just read) is a member name.
    bool name_next() const { return !frames_.empty() && frames_.back().object && !value_next_; }
    // RapidJSON refuses some numbers JSON allows: a zero with a large exponent (0e999), and
    // more than 308 digits before a negative exponent. They are given to it, in its own copy of
    // the input, as a number of the same length that it takes ("0e000"); the values keep their
    // text as written.
    bool rewrite_numbers();
    void restart() {
        in_ = Input(rewritten_);
        last_ = 0;
        value_next_ = false;
        frames_.clear();
        items_.clear();
        members_.clear();
        root_ = Value();
    }

    Arena* arena_;
    const char* source_;
    std::string_view text_;   // the document's text, for positions in messages
    std::string_view input_;  // what RapidJSON reads: text_, or text_ inside "[" and "]"
    std::size_t shift_;       // where text_ starts in input_: 0 or 1
    Limits limits_;
    const std::string& name_;
    Input in_;
    std::string rewritten_;  // what RapidJSON reads instead of input_ after rewrite_numbers()
    std::size_t last_ = 0;   // where the last token RapidJSON reported ends
    bool value_next_ = false;  // a member's name has come, its value not yet
    std::vector<Frame> frames_;
    std::vector<Value> items_;
    std::vector<Member> members_;
    Value root_;
    Arena names_{256};  // escaped names while only checking
};

void Reader::refused(rapidjson::ParseErrorCode code, std::size_t at) {
    const std::size_t begin = token_start();  // of the value RapidJSON was reading, if any
    switch (code) {
        case rapidjson::kParseErrorStringUnicodeEscapeInvalidHex:
        case rapidjson::kParseErrorStringUnicodeSurrogateInvalid:
        case rapidjson::kParseErrorStringEscapeInvalid: bad_string(begin);
        case rapidjson::kParseErrorStringMissQuotationMark:
            syntax(at, "a string is not closed", "字符串没有结束引号");
        case rapidjson::kParseErrorStringInvalidEncoding:
            error(at, Status::parse, "NOT_UTF8", "is not UTF-8", "不是 UTF-8 编码");
        case rapidjson::kParseErrorNumberTooBig:
        case rapidjson::kParseErrorNumberMissFraction:
        case rapidjson::kParseErrorNumberMissExponent: bad_number(begin);
        case rapidjson::kParseErrorValueInvalid:
            // Inside a token that began as a number or as true, false or null ("-", "tru"); or at
            // a byte that begins no value at all.
            if (at > begin && begin < input_.size()) {
                if (input_[begin] == '-' || (input_[begin] >= '0' && input_[begin] <= '9')) bad_number(begin);
                bad_atom(begin);
            }
            bad_structure(at);
        case rapidjson::kParseErrorDocumentEmpty:
            syntax(at, "it holds no JSON value", "没有 JSON 值");
        default: bad_structure(at);
    }
}

Value Reader::read(std::size_t first) {
    ParseStackAllocator allocator;
    rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, ParseStackAllocator> reader(&allocator);
    rapidjson::ParseResult result = reader.Parse<read_flags>(in_, *this);
    if (result.Code() == rapidjson::kParseErrorNumberTooBig && rewritten_.empty() && rewrite_numbers()) {
        restart();
        result = reader.Parse<read_flags>(in_, *this);
    }
    if (result.IsError()) refused(result.Code(), result.Offset());
    if (shift_) {
        // The root was the one element of the array around it.
        if (root_.size() != 1)
            error(first + shift_, Status::parse, "JSON_SYNTAX",
                  "is not well-formed JSON: more than one value at the top level", "不是格式正确的 JSON：顶层有多个值");
        root_ = arena_ ? root_.items()[0] : Value();
    }
    std::size_t rest = in_.Tell();
    while (rest < input_.size() && json_space(input_[rest])) ++rest;
    if (rest < input_.size())
        error(std::max(rest, shift_), Status::parse, "JSON_SYNTAX", "is not well-formed JSON: there is more after the value",
              "不是格式正确的 JSON：值之后还有多余内容");
    return root_;
}

bool Reader::rewrite_numbers() {
    std::size_t end = token_start();
    while (end < input_.size() && !ends_token(input_[end])) ++end;
    if (check_number(input_.substr(token_start(), end - token_start())) != NumberCheck::ok) return false;
    rewritten_.assign(input_);
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < rewritten_.size(); ++i) {
        const char c = rewritten_[i];
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if ((c == '-' || (c >= '0' && c <= '9')) && (i == 0 || ends_token(rewritten_[i - 1]))) {
            std::size_t j = i;
            while (j < rewritten_.size() && !ends_token(rewritten_[j])) ++j;
            if (j - i >= 3 && check_number(std::string_view(rewritten_).substr(i, j - i)) == NumberCheck::ok) {
                rewritten_[i] = '0';
                rewritten_[i + 1] = 'e';
                std::fill(rewritten_.begin() + static_cast<std::ptrdiff_t>(i + 2), rewritten_.begin() + static_cast<std::ptrdiff_t>(j), '0');
            }
            i = j - 1;
        }
    }
    return true;
}

namespace {

// Reads text, keeping the values in `arena` (null: only checking) with their text in `source`
// (the document's copy of text). Returns the root.
Value read_text(std::string_view text, Arena* arena, const char* source, const Limits& limits, const std::string& name) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        parse_error(text, text.size(), name, Status::parse, "JSON_SYNTAX", "is empty: it holds no JSON value", "为空：没有 JSON 值");
    // Arrays and objects are read as they are; any other root (a lone string or number) as the
    // one element of an array around it, which is how what may follow it has always been
    // reported ("1, 2": more than one value at the top level).
    if (text[first] == '{' || text[first] == '[') return Reader(arena, source, text, text, 0, limits, name).read(first);
    std::string wrapped;
    wrapped.reserve(text.size() + 2);
    wrapped.push_back('[');
    wrapped.append(text);
    wrapped.push_back(']');
    return Reader(arena, source, text, wrapped, 1, limits, name).read(first);
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
    doc.source_ = std::move(text);
    // Values point into the source: a short one must not live inside the string object itself
    // (small-string storage), or moving the document would move it.
    if (doc.source_.capacity() < 64) doc.source_.reserve(64);
    doc.root_ = read_text(doc.source_, doc.arena_.get(), doc.source_.data(), limits, name);
    return doc;
}

void check(std::string_view text, const Limits& limits, std::string_view what) {
    const std::string name(what);
    check_size(text.size(), limits, name);
    read_text(text, nullptr, text.data(), limits, name);
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
