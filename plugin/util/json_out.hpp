// A minimal JSON writer for the documents the plugin returns, into a malloc'd buffer that the
// C ABI hands to the caller as it is (firstset_free is free()). It exists for speed: RapidJSON
// 1.1.0's Writer copies every byte through a checked Put, even for raw values, and libstdc++'s
// std::string appends are out-of-line calls; writing the 12 KB evaluate response that way cost
// as much as the rest of the call (docs/performance.md). Here every append is inline and
// strings are escaped in runs (append_escaped). Every string it writes is UTF-8 (bytes that are
// not become U+FFFD), so a host is never handed anything else. Structure is the caller's to keep
// right; the tests parse and schema-check every document it writes.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <string_view>

namespace firstset {

// A growable, NUL-terminated byte buffer on malloc, with inline appends.
class TextBuffer {
public:
    TextBuffer() = default;
    explicit TextBuffer(std::size_t capacity) { reserve(capacity); }
    TextBuffer(const TextBuffer&) = delete;
    TextBuffer& operator=(const TextBuffer&) = delete;
    ~TextBuffer() { std::free(data_); }

    void reserve(std::size_t capacity) {
        if (capacity + 1 <= capacity_) return;
        char* p = static_cast<char*>(std::realloc(data_, capacity + 1));
        if (!p) throw std::bad_alloc();
        data_ = p;
        capacity_ = capacity + 1;
    }
    void append(const char* s, std::size_t n) {
        if (n == 0) return;  // s may be null then (an empty string_view); memcpy must not see it
        if (size_ + n + 1 > capacity_) reserve((size_ + n) * 2 + 64);
        std::memcpy(data_ + size_, s, n);
        size_ += n;
    }
    void append(std::string_view s) { append(s.data(), s.size()); }
    // Room for n more bytes: where to write them; commit(end) then says how far was written.
    char* room(std::size_t n) {
        if (size_ + n + 1 > capacity_) reserve((size_ + n) * 2 + 64);
        return data_ + size_;
    }
    void commit(const char* end) { size_ = static_cast<std::size_t>(end - data_); }
    void push(char c) {
        if (size_ + 2 > capacity_) reserve(size_ * 2 + 64);
        data_[size_++] = c;
    }

    std::size_t size() const { return size_; }
    std::string_view view() const { return {data_ ? data_ : "", size_}; }
    std::string str() const { return std::string(view()); }
    // Gives up the NUL-terminated text, to be released with free(); the buffer is empty after.
    char* release() {
        reserve(size_);
        data_[size_] = '\0';
        char* p = data_;
        data_ = nullptr;
        size_ = capacity_ = 0;
        return p;
    }

private:
    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

// Appends s as the inside of a JSON string (RFC 8259 section 7: quote, backslash and control
// characters escaped; UTF-8 kept as it is), in runs of bytes that need no escape.
void append_escaped(TextBuffer& out, std::string_view s);
void append_escaped(std::string& out, std::string_view s);

// Whether s holds a byte that JSON escapes; most text does not, and is then used as it is.
bool needs_json_escape(std::string_view s);

namespace json {
class Value;
struct Member;
}

// Text already escaped for the inside of a JSON string (no quotes), e.g. a clause escaped once
// when its pack was loaded; written as it is.
struct EscapedText {
    std::string_view text;
};
// A JSON value already written by this writer (an assessment kept to go into a record and a
// response alike); written as it is.
struct RawJson {
    std::string_view json;
};

// The one JSON writer of the plugin: every document it emits (responses, error documents,
// ledger records and lines, the status) is written with it. Objects are written member by member
// with field(key, value); containers under a key open with begin_object(key) / begin_array(key).
//
//   w.begin_object();
//   w.field("id", check.id).field("accepted", check.accepted()).field("points", points);  // optional: null
//   w.begin_array("codes");
//   for (Code c : codes) w.value(code_name(c));
//   w.end_array();
//   w.end_object();
//
// Keys are literals written as they are (no escaping); member names from outside data go through
// value(const json::Value&), which escapes them.
class JsonOut {
public:
    explicit JsonOut(TextBuffer& out) : out_(out) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    void begin_object(std::string_view key) {
        this->key(key);
        open('{');
    }
    void begin_array(std::string_view key) {
        this->key(key);
        open('[');
    }

    // A member: its name, then any value value() takes.
    template <typename T>
    JsonOut& field(std::string_view name, const T& v) {
        key(name);
        value(v);
        return *this;
    }
    // A member whose string value is written in pieces: fill(TextBuffer&) appends text already
    // escaped for JSON (a message template filled with escaped facts).
    template <typename Fill>
    JsonOut& field_with(std::string_view name, Fill&& fill) {
        key(name);
        prefix();
        out_.push('"');
        fill(out_);
        out_.push('"');
        return *this;
    }

    // Values: an array element, or after key().
    void value(std::string_view s) {
        // Most text needs no escaping and is copied as it is, in one step.
        if (!needs_json_escape(s)) return value(EscapedText{s});
        prefix();
        out_.push('"');
        append_escaped(out_, s);
        out_.push('"');
    }
    void value(const char* s) { value(std::string_view(s)); }
    void value(const std::string& s) { value(std::string_view(s)); }
    void value(EscapedText s) {
        char* p = out_.room(s.text.size() + 3);
        if (after_key_) after_key_ = false;
        else if (!first_) *p++ = ',';
        first_ = false;
        *p++ = '"';
        if (!s.text.empty()) std::memcpy(p, s.text.data(), s.text.size());
        p += s.text.size();
        *p++ = '"';
        out_.commit(p);
    }
    void value(RawJson j) {
        prefix();
        out_.append(j.json);
    }
    void value(bool b) { value(RawJson{b ? "true" : "false"}); }
    void value(std::nullptr_t) { value(RawJson{"null"}); }
    void value(std::int64_t n) { integer(n < 0, n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n)); }
    void value(std::uint64_t n) { integer(false, n); }
    void value(int n) { value(static_cast<std::int64_t>(n)); }
    void value(unsigned n) { value(static_cast<std::uint64_t>(n)); }
    void value(long long n) { value(static_cast<std::int64_t>(n)); }
    void value(unsigned long long n) { value(static_cast<std::uint64_t>(n)); }
    template <typename T>
    void value(const std::optional<T>& v) {
        if (v) value(*v);
        else value(nullptr);
    }
    // A document read earlier, written compact: member names escaped, numbers as they were
    // written (their literal), strings as UTF-8.
    void value(const json::Value& v);
    // A member of a document read earlier, copied: its name escaped, its value as value() writes it.
    JsonOut& field(const json::Member& m);

    // A member name: a literal without characters that need escaping.
    void key(std::string_view name) {
        char* p = out_.room(name.size() + 4);
        if (!first_) *p++ = ',';
        *p++ = '"';
        if (!name.empty()) std::memcpy(p, name.data(), name.size());
        p += name.size();
        *p++ = '"';
        *p++ = ':';
        out_.commit(p);
        after_key_ = true;
    }

    // Older spellings of value(), kept for short call sites.
    void string(std::string_view s) { value(s); }
    void raw(std::string_view json) { value(RawJson{json}); }
    void null() { value(nullptr); }
    void boolean(bool b) { value(b); }
    void number(std::int64_t n) { value(n); }

    TextBuffer& buffer() { return out_; }

private:
    void prefix() {
        if (after_key_) after_key_ = false;
        else if (!first_) out_.push(',');
        first_ = false;
    }
    void open(char c) {
        prefix();
        out_.push(c);
        first_ = true;
    }
    void close(char c) {
        out_.push(c);
        first_ = false;
    }
    void integer(bool negative, std::uint64_t magnitude) {
        char digits[21];
        char* p = digits + sizeof digits;
        do {
            *--p = static_cast<char>('0' + magnitude % 10);
            magnitude /= 10;
        } while (magnitude);
        if (negative) *--p = '-';
        prefix();
        out_.append(p, static_cast<std::size_t>(digits + sizeof digits - p));
    }
    // A member name from outside data, escaped.
    void escaped_key(std::string_view name) {
        if (!first_) out_.push(',');
        out_.push('"');
        append_escaped(out_, name);
        out_.append("\":", 2);
        after_key_ = true;
    }

    TextBuffer& out_;
    bool first_ = true;
    bool after_key_ = false;
};

}  // namespace firstset
