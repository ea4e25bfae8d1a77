#include "util/json_out.hpp"

#include "util/json.hpp"
#include "util/utf8.hpp"

namespace firstset {

namespace {

// Whether any of eight bytes is below 0x20, a quote or a backslash (the bytes JSON escapes).
// Bit tricks from "Bit Twiddling Hacks" (haszero, hasless); bytes >= 0x80 never match.
inline bool needs_escape(std::uint64_t w) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const std::uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    const std::uint64_t below_space = (w - ones * 0x20) & ~w;
    const std::uint64_t zero_quote = (quote - ones) & ~quote;
    const std::uint64_t zero_backslash = (backslash - ones) & ~backslash;
    return ((below_space | zero_quote | zero_backslash) & highs) != 0;
}

inline bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Offset of the first byte that needs escaping at or after `from`; s.size() when none does.
std::size_t next_escape(std::string_view s, std::size_t from) {
    std::size_t i = from;
    while (i + 8 <= s.size()) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        if (needs_escape(w)) break;
        i += 8;
    }
    while (i < s.size() && !needs_escape(static_cast<unsigned char>(s[i]))) ++i;
    return i;
}

template <typename Out>
void escape_into(Out& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::size_t run = 0;  // start of the current run of bytes that need no escape
    for (std::size_t i = next_escape(s, 0); i < s.size(); i = next_escape(s, run)) {
        out.append(s.data() + run, i - run);
        const auto c = static_cast<unsigned char>(s[i]);
        run = i + 1;
        switch (c) {
            case '"': out.append("\\\"", 2); break;
            case '\\': out.append("\\\\", 2); break;
            case '\n': out.append("\\n", 2); break;
            case '\r': out.append("\\r", 2); break;
            case '\t': out.append("\\t", 2); break;
            case '\b': out.append("\\b", 2); break;
            case '\f': out.append("\\f", 2); break;
            default: {
                const char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
                out.append(u, 6);
            }
        }
    }
    out.append(s.data() + run, s.size() - run);
}

}  // namespace

// Text handed to a host is UTF-8, always: bytes that are not (which no document the plugin reads
// can hold, but a system message might) become U+FFFD rather than reach the host.
template <typename Out>
void escape_utf8_into(Out& out, std::string_view s) {
    std::size_t bad = utf8::first_invalid(s);
    if (bad == std::string_view::npos) return escape_into(out, s);
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";
    while (bad != std::string_view::npos) {
        escape_into(out, s.substr(0, bad));
        out.append(replacement.data(), replacement.size());
        s.remove_prefix(bad + 1);
        while (!s.empty() && (static_cast<unsigned char>(s[0]) & 0xC0) == 0x80) s.remove_prefix(1);
        bad = utf8::first_invalid(s);
    }
    escape_into(out, s);
}

bool needs_json_escape(std::string_view s) { return next_escape(s, 0) != s.size() || utf8::first_invalid(s) != std::string_view::npos; }

void append_escaped(TextBuffer& out, std::string_view s) { escape_utf8_into(out, s); }
void append_escaped(std::string& out, std::string_view s) { escape_utf8_into(out, s); }

void JsonOut::value(const json::Value& v) {
    switch (v.type()) {
        case json::Type::null: return value(nullptr);
        case json::Type::boolean: return value(v.boolean());
        case json::Type::number: return value(RawJson{v.literal()});
        case json::Type::string: return value(v.str());
        case json::Type::array:
            begin_array();
            for (const json::Value& e : v.items()) value(e);
            return end_array();
        case json::Type::object:
            begin_object();
            for (const json::Member& m : v.members()) field(m);
            return end_object();
    }
}

JsonOut& JsonOut::field(const json::Member& m) {
    escaped_key(m.name());
    value(m.value);
    return *this;
}

}  // namespace firstset
