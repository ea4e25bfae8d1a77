#include "util/model_name.hpp"

#include <cstdint>

namespace firstset {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i. A malformed byte
// is returned as itself (0x80..0xFF) so that the function never fails; request documents are
// UTF-8-checked before they get here.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    auto b0 = static_cast<unsigned char>(s[i]);
    auto cont = [&](std::size_t k) -> int {
        if (i + k >= s.size()) return -1;
        auto b = static_cast<unsigned char>(s[i + k]);
        return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
    };
    if (b0 < 0x80) { ++i; return b0; }
    if ((b0 & 0xE0) == 0xC0) {
        int c1 = cont(1);
        if (c1 >= 0) { i += 2; return static_cast<char32_t>(((b0 & 0x1F) << 6) | c1); }
    } else if ((b0 & 0xF0) == 0xE0) {
        int c1 = cont(1), c2 = cont(2);
        if (c1 >= 0 && c2 >= 0) { i += 3; return static_cast<char32_t>(((b0 & 0x0F) << 12) | (c1 << 6) | c2); }
    } else if ((b0 & 0xF8) == 0xF0) {
        int c1 = cont(1), c2 = cont(2), c3 = cont(3);
        if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
            i += 4;
            return static_cast<char32_t>(((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3);
        }
    }
    ++i;
    return b0;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool ignored(char32_t cp) {
    switch (cp) {
        case U' ': case U'\t': case U'\u00A0': case U'\u202F': case U'\u205F': case U'\u3000':
        case U'-': case U'\u2212': case U'\uFE58': case U'\uFE63':
            return true;
        default:
            return (cp >= 0x2000 && cp <= 0x200B) || (cp >= 0x2010 && cp <= 0x2015);
    }
}

}  // namespace

std::string normalise_model(std::string_view model) {
    std::string out;
    out.reserve(model.size());
    for (std::size_t i = 0; i < model.size();) {
        const unsigned char b = static_cast<unsigned char>(model[i]);
        if (b < 0x80) {  // fast path: ASCII
            ++i;
            if (b == ' ' || b == '\t' || b == '-') continue;
            out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
            continue;
        }
        char32_t cp = next_code_point(model, i);
        if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width form -> ASCII
        if (ignored(cp)) continue;
        if (cp >= U'A' && cp <= U'Z') cp += 32;
        append_utf8(out, cp);
    }
    return out;
}

}  // namespace firstset
