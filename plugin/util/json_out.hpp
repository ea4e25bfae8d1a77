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

class JsonOut {
public:
    explicit JsonOut(TextBuffer& out) : out_(out) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }

    // A member name: a literal without characters that need escaping.
    void key(std::string_view name) {
        if (!first_) out_.push(',');
        out_.push('"');
        out_.append(name);
        out_.append("\":", 2);
        after_key_ = true;
    }
    void string(std::string_view s) {
        prefix();
        out_.push('"');
        append_escaped(out_, s);
        out_.push('"');
    }
    // Text that is already valid JSON: a number written exactly, an escaped string with quotes.
    void raw(std::string_view json) {
        prefix();
        out_.append(json);
    }
    void null() { raw("null"); }
    void boolean(bool b) { raw(b ? "true" : "false"); }
    void number(std::int64_t n) { raw(std::to_string(n)); }

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

    TextBuffer& out_;
    bool first_ = true;
    bool after_key_ = false;
};

}  // namespace firstset
