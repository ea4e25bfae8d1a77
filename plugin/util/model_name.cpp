#include "util/model_name.hpp"

#include "util/utf8.hpp"

namespace firstset {
namespace {

bool ignored(char32_t cp) {
    switch (cp) {
        case U' ': case U'\t': case U'\u00A0': case U'\u202F': case U'\u205F': case U'\u3000':
        case U'-': case U'\u2212': case U'\uFE58': case U'\uFE63':
            return true;
        default:
            return (cp >= 0x2000 && cp <= 0x200B) || (cp >= 0x2010 && cp <= 0x2015);
    }
}

// Every normalisation here is this loop: full-width forms to ASCII, the ideographic space to a
// space; `drop` removes spaces and hyphens (models), `lower` folds ASCII letters to lower case.
std::string fold(std::string_view model, bool drop, bool lower = true) {
    std::string out;
    out.reserve(model.size());
    for (std::size_t i = 0; i < model.size();) {
        const unsigned char b = static_cast<unsigned char>(model[i]);
        if (b < 0x80) {  // fast path: ASCII
            ++i;
            if (drop && (b == ' ' || b == '\t' || b == '-')) continue;
            out.push_back(static_cast<char>(lower && b >= 'A' && b <= 'Z' ? b + 32 : b));
            continue;
        }
        char32_t cp;
        std::size_t len = utf8::decode(reinterpret_cast<const unsigned char*>(model.data()) + i, model.size() - i, &cp);
        if (len == 0) {  // not UTF-8 (requests are checked before they get here): keep the byte
            out.push_back(model[i++]);
            continue;
        }
        i += len;
        if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width form -> ASCII
        if (drop && ignored(cp)) continue;
        if (cp == U'\u3000') cp = U' ';
        if (lower && cp >= U'A' && cp <= U'Z') cp += 32;
        utf8::append(out, cp);
    }
    return out;
}

bool model_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '/' || c == '+' || c == '-';
}

bool rating(std::string_view s);

// Ratings joined by '/': 535kV/25kA, 10kV/630A, DN1200/PN16.
bool ratings(std::string_view s) {
    if (s.find('/') == std::string_view::npos) return false;
    for (std::size_t start = 0;;) {
        const std::size_t slash = s.find('/', start);
        std::string_view part = s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (part.size() > 2 && (part.substr(0, 2) == "DN" || part.substr(0, 2) == "PN" || part.substr(0, 2) == "dn"))
            part.remove_prefix(2);  // nominal diameter and pressure
        if (!rating(part)) return false;
        if (slash == std::string_view::npos) return true;
        start = slash + 1;
    }
}

// A rating rather than a model: a number and a unit (220kV, 1000MW, 5G, 3.5t, 2000kN).
bool rating(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == 0) return false;
    std::string unit;
    for (char c : s.substr(i)) unit.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    for (const char* u : {"", "kv", "v", "mv", "kw", "mw", "gw", "w", "kva", "mva", "a", "ka", "t", "kg", "m", "mm", "km",
                          "g", "hz", "mhz", "ghz", "l", "m3", "mpa", "kpa", "rpm", "hp", "ps", "nm", "kwh", "mwh", "gwh",
                          "ah", "mah", "um", "t/h", "t/d", "kg/h", "m3/h", "m3/d", "nm3/h", "l/h", "l/min", "r/min",
                          "m/s", "km/h", "m/min", "n", "kn", "mn", "kvar", "mvar"})
        if (unit == u) return true;
    return false;
}

// A model code: model characters only, a digit among them, three letters or digits or more, not a
// rating.
bool model_code(std::string_view s) {
    if (s.size() < 3) return false;
    bool digit = false;
    std::size_t alnum = 0;
    for (char c : s) {
        if (!model_char(c)) return false;
        digit = digit || (c >= '0' && c <= '9');
        alnum += (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
    if (alnum < 3) return false;  // 5G+ is a generation, not a model
    return digit && model_char(s.front()) && s.front() != '-' && s.back() != '-' && !rating(s) && !ratings(s);
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::string normalise_model(std::string_view model) { return fold(model, true); }
std::string ascii_width(std::string_view text) { return fold(text, false, false); }
std::string normalise_wording(std::string_view text) { return fold(text, false); }

std::string normalise_name(std::string_view name) {
    std::string folded = fold(name, false), out;
    out.reserve(folded.size());
    for (char c : folded)
        if (c != ' ' && c != '\t') out.push_back(c);
    return out;
}

std::string model_in_name(std::string_view product) {
    std::string text = fold(product, false, false);  // full-width forms to ASCII, case kept
    // Square and lenticular brackets count as round ones: [CGTR-01], 【CGTR-01】, 〔CGTR-01〕.
    for (auto [from, to] : {std::pair<std::string_view, char>{"\xE3\x80\x90", '('}, {"\xE3\x80\x91", ')'},
                            {"\xE3\x80\x94", '('}, {"\xE3\x80\x95", ')'}, {"[", '('}, {"]", ')'}})
        for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + 1))
            text.replace(at, from.size(), 1, to);
    std::string_view s = trim(text);
    // In brackets at the end.
    if (!s.empty() && s.back() == ')') {
        const std::size_t open = s.rfind('(');
        if (open != std::string_view::npos) {
            std::string_view inside = trim(s.substr(open + 1, s.size() - open - 2));
            constexpr std::string_view xing = "\xE5\x9E\x8B";  // 型
            if (inside.size() > xing.size() && inside.substr(inside.size() - xing.size()) == xing)
                inside = trim(inside.substr(0, inside.size() - xing.size()));
            if (model_code(inside)) return std::string(inside);
        }
        return {};
    }
    // A code at the start, then at the end.
    std::size_t lead = 0;
    while (lead < s.size() && model_char(s[lead])) ++lead;
    if (lead < s.size() && model_code(s.substr(0, lead))) return std::string(s.substr(0, lead));
    // A trailing code may end in 型 (隐身抗毁保温舱舱盖 YS-09型).
    constexpr std::string_view xing = "\xE5\x9E\x8B";
    if (s.size() > xing.size() && s.substr(s.size() - xing.size()) == xing && model_char(s[s.size() - xing.size() - 1]))
        s = s.substr(0, s.size() - xing.size());
    std::size_t tail = s.size();
    while (tail > 0 && model_char(s[tail - 1])) --tail;
    if (tail > 0 && model_code(s.substr(tail))) return std::string(s.substr(tail));
    return {};
}

}  // namespace firstset
