// UTF-8 (RFC 3629) decoding shared by the request scan, YAML text and model normalisation:
// no overlong forms, no surrogates, nothing above U+10FFFF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace firstset::utf8 {

// The length (1 to 4) of the well-formed sequence at p, with its code point in *cp; 0 when
// the bytes there are not well-formed UTF-8. REQUIRES: remaining >= 1.
inline std::size_t decode(const unsigned char* p, std::size_t remaining, char32_t* cp) noexcept {
    const unsigned char c = p[0];
    std::size_t len;
    char32_t v;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; }
    else return 0;
    if (len > remaining) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((p[k] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (p[k] & 0x3F);
    }
    if ((len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)))
        return 0;
    *cp = v;
    return len;
}

// Offset of the first byte that is not well-formed UTF-8; npos when all is. Runs of ASCII are
// checked eight bytes at a time.
inline std::size_t first_invalid(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    for (std::size_t i = 0; i < s.size();) {
        while (i + 8 <= s.size()) {
            std::uint64_t word;
            std::memcpy(&word, p + i, 8);
            if (word & 0x8080808080808080ULL) break;
            i += 8;
        }
        if (i >= s.size()) break;
        if (p[i] < 0x80) { ++i; continue; }
        // Three-byte sequences (all of CJK) take a short path: two continuation bytes, no
        // overlong form (E0 80..9F), no surrogate (ED A0..BF).
        if ((p[i] & 0xF0) == 0xE0 && i + 3 <= s.size() && (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80) {
            if ((p[i] == 0xE0 && p[i + 1] < 0xA0) || (p[i] == 0xED && p[i + 1] >= 0xA0)) return i;
            i += 3;
            continue;
        }
        char32_t cp;
        const std::size_t len = decode(p + i, s.size() - i, &cp);
        if (len == 0) return i;
        i += len;
    }
    return std::string_view::npos;
}

// The code points in well-formed UTF-8 (its bytes that do not continue a sequence).
inline std::size_t count(std::string_view s) noexcept {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

inline void append(std::string& out, char32_t cp) {
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

}  // namespace firstset::utf8
