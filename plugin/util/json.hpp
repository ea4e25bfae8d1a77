// The one JSON reader of the plugin. Every JSON document firstset reads — requests through the
// C ABI, configuration files, policy packs, registries (YAML ones are converted into the same
// values), the ledger's lines, the embedded schemas — becomes a json::Document here, so there
// is one set of rules for what is JSON and hostile text meets one heavily fuzzed parser.
//
// The grammar is checked by RapidJSON's SAX reader (header-only, so nothing of it is a shared
// library the plugin needs at run time; iterative, so no nesting reaches the stack; UTF-8 checked,
// escapes and surrogate pairs decoded; fuzzed against simdjson's DOM parser in tests/fuzz). Its
// events build a small tree of our own (json::Value), which is what the validator and the readers
// use, because the reader must refuse more than the grammar does, and keep more than a DOM keeps:
//   - a member name given twice in any object (JSON_DUPLICATE_KEY): which value counts would
//     otherwise depend on the reader, and a schema cannot see it;
//   - a lone surrogate or any other text that is not UTF-8 (NOT_UTF8, JSON_SYNTAX; RapidJSON
//     itself lets an escaped lone low surrogate through, the reader does not);
//   - a number that does not fit the type its text has (JSON_NUMBER_RANGE: an integer beyond
//     64 bits, a float that overflows or underflows to zero);
//   - nesting deeper than the limit and text longer than the limit (LIMIT).
// Every value keeps the text of its number as written (so points and money are read as exact
// decimals from the text, never through a double) and the byte offset where it starts in the
// source (so an error names a line and column, in JSON and in YAML alike). An integer is a
// number written without fraction or exponent: `10.0` and `1e1` are not integers.
//
// A Document is immutable once parsed and safe to read from many threads at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace firstset {

// 1-based line and column (in code points) of a byte offset in text.
std::pair<int, int> line_column_at(std::string_view text, std::size_t offset);

// Appends one JSON Pointer reference token (RFC 6901: "~" -> "~0", "/" -> "~1").
void append_pointer_token(std::string& pointer, std::string_view token);
void append_pointer_token(std::string& pointer, std::size_t index);

namespace json {

// Using a value as what it is not (a string as a number, a missing member) is a bug in the
// caller: it surfaces as INTERNAL through the C ABI's guard, never as undefined behaviour.
struct AccessError : std::logic_error {
    using std::logic_error::logic_error;
};

enum class Type : std::uint8_t { null, boolean, number, string, array, object };

struct Member;

template <typename T>
class Span {
public:
    Span() = default;
    Span(const T* begin, std::size_t size) : begin_(begin), size_(size) {}
    const T* begin() const { return begin_; }
    const T* end() const { return begin_ + size_; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const T& operator[](std::size_t i) const { return begin_[i]; }

private:
    const T* begin_ = nullptr;
    std::size_t size_ = 0;
};

// A value in a Document: a view, valid while its Document lives. 24 bytes.
class Value {
public:
    Value() = default;

    Type type() const { return type_; }
    bool is_null() const { return type_ == Type::null; }
    bool is_bool() const { return type_ == Type::boolean; }
    bool is_number() const { return type_ == Type::number; }
    // A number written as an integer (no fraction, no exponent).
    bool is_integer() const { return type_ == Type::number && (flags_ & integer_flag); }
    bool is_string() const { return type_ == Type::string; }
    bool is_array() const { return type_ == Type::array; }
    bool is_object() const { return type_ == Type::object; }

    // Checked accessors: each throws AccessError when the value is not of its type.
    std::string_view str() const;
    bool boolean() const;
    // An integer that fits; AccessError for anything else (a float, or out of range).
    std::int64_t int64() const;
    std::uint64_t uint64() const;
    // Any number, as the nearest double. For exact decimals read literal() instead.
    double number() const;
    // A number's text exactly as written (for YAML: in JSON's syntax, see Builder::number).
    std::string_view literal() const;

    // Arrays.
    Span<Value> items() const;
    const Value& operator[](std::size_t index) const;
    // Objects: members in document order; names are unique (the reader refuses repeats).
    Span<Member> members() const;
    // The member of that name; nullptr when there is none (or this is not an object).
    const Value* find(std::string_view name) const;
    // The member of that name; AccessError when there is none.
    const Value& operator[](std::string_view name) const;
    const Value& at(std::string_view name) const { return (*this)[name]; }
    // Elements of an array or members of an object; 0 for anything else.
    std::size_t size() const { return type_ == Type::array || type_ == Type::object ? size_ : 0; }

    // Byte offset in the document's source where the value starts.
    std::size_t offset() const { return offset_; }

    // The value as compact JSON text (for messages and tests).
    std::string to_json() const;

private:
    friend class Document;
    friend class Builder;
    friend class Reader;
    static constexpr std::uint8_t integer_flag = 1, negative_flag = 2, true_flag = 4;

    const void* data_ = nullptr;  // string or literal bytes; Value[] of an array; Member[] of an object
    std::uint32_t size_ = 0;      // bytes; elements; members
    std::uint32_t offset_ = 0;
    Type type_ = Type::null;
    std::uint8_t flags_ = 0;
};

struct Member {
    const char* name_data;
    std::uint32_t name_size;
    std::uint32_t name_offset;  // where the name's opening quote (or YAML key) starts
    Value value;
    std::string_view name() const { return {name_data, name_size}; }
};

// A member that may be absent, from members(): test it with `if (m)`; reading through an absent
// one (`*m`, `m->str()`) throws AccessError instead of dereferencing nothing.
class Ref {
public:
    Ref(const Value* v = nullptr) : v_(v) {}
    explicit operator bool() const { return v_ != nullptr; }
    const Value& operator*() const;
    const Value* operator->() const { return &**this; }
    const Value* get() const { return v_; }

private:
    const Value* v_;
};

// Several members in one pass over an object: found[i] is the member named names[i], if any.
template <std::size_t N>
std::array<Ref, N> members(const Value& object, const std::array<std::string_view, N>& names);

// Size and depth limits a document is held to when it is parsed.
struct Limits {
    std::size_t max_bytes;
    unsigned max_depth;
};

class Arena;

// A parsed document: its source text, kept (numbers' text and error positions refer to it), and
// its values.
class Document {
public:
    // Parses JSON text. Throws StatusError: LIMIT (INPUT_TOO_LARGE, INPUT_TOO_DEEP), PARSE (JSON_SYNTAX,
    // NOT_UTF8, JSON_DUPLICATE_KEY, JSON_NUMBER_RANGE) with the line, column and byte offset, and
    // for a repeated name the JSON Pointer of the repeat. `what` names the document in messages
    // ("request", a file name).
    static Document parse(std::string_view text, const Limits& limits, std::string_view what);
    // The same, taking the text over instead of copying it (large files).
    static Document parse(std::string&& text, const Limits& limits, std::string_view what);

    Document();
    Document(Document&&) noexcept;
    Document& operator=(Document&&) noexcept;
    ~Document();

    const Value& root() const { return root_; }
    // The text the offsets of values count in.
    std::string_view source() const { return source_; }

    // The offset of the value at a JSON Pointer, or of the deepest value on its way that exists
    // (for a member that is missing: its object). For a member, the offset of its name.
    std::size_t offset_of(std::string_view pointer) const;

private:
    friend class Builder;
    friend class Reader;
    std::string source_;  // never in small-string storage: values point into it
    std::unique_ptr<Arena> arena_;
    Value root_;
};

// Checks that text is a document the reader accepts (the same rules as Document::parse), without
// keeping anything: for text that is only passed on or stored, such as the ledger's lines.
// Throws what Document::parse throws.
void check(std::string_view text, const Limits& limits, std::string_view what);

// Builds a Document from values made elsewhere (the YAML reader). Names and strings are copied;
// the checks are the reader's: repeated names, UTF-8, numbers in JSON's syntax and range.
class Builder {
public:
    // `source` is the text the offsets given below count in (kept by the document).
    explicit Builder(std::string source);
    ~Builder();

    Value null(std::size_t offset);
    Value boolean(bool b, std::size_t offset);
    // A number in JSON's syntax. Throws StatusError PARSE (JSON_SYNTAX, JSON_NUMBER_RANGE) located at
    // the offset when the literal is not one.
    Value number(std::string_view literal, std::size_t offset);
    Value string(std::string_view text, std::size_t offset);
    // Arrays and objects from values already made (copied into the document).
    Value array(const std::vector<Value>& items, std::size_t offset);
    // Returns the index of the first repeated name, or npos and the object in *out.
    std::size_t object(const std::vector<Member>& members, std::size_t offset, Value* out);
    Member member(std::string_view name, std::size_t name_offset, const Value& value);

    Document finish(const Value& root);

private:
    Document doc_;
};

// Number grammar of RFC 8259 section 6, and whether the number fits what its text says it is.
enum class NumberCheck { ok, syntax, range };
NumberCheck check_number(std::string_view literal, bool* integer = nullptr, bool* negative = nullptr);

// ---- inline definitions ---------------------------------------------------------------------

inline const Value& Ref::operator*() const {
    if (!v_) throw AccessError("a JSON member the schema requires is missing");
    return *v_;
}

// Always inlined: the names are literals at every call, so the comparisons fold into length and
// byte checks against constants instead of a loop over a table with memcmp calls.
template <std::size_t N>
[[gnu::always_inline]] inline std::array<Ref, N> members(const Value& object, const std::array<std::string_view, N>& names) {
    std::array<Ref, N> found{};
    for (const Member& m : object.members()) {
        const std::string_view name = m.name();
        for (std::size_t i = 0; i < N; ++i)
            // The length and first byte first: most names differ there, without a memcmp call.
            if (names[i].size() == name.size() && (name.empty() || names[i][0] == name[0]) && names[i] == name) {
                found[i] = &m.value;
                break;
            }
    }
    return found;
}

}  // namespace json

}  // namespace firstset
