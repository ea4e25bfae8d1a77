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

// The two normalisations share this loop; `drop` removes spaces and hyphens (models only).
std::string fold(std::string_view model, bool drop) {
    std::string out;
    out.reserve(model.size());
    for (std::size_t i = 0; i < model.size();) {
        const unsigned char b = static_cast<unsigned char>(model[i]);
        if (b < 0x80) {  // fast path: ASCII
            ++i;
            if (drop && (b == ' ' || b == '\t' || b == '-')) continue;
            out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
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
        if (cp >= U'A' && cp <= U'Z') cp += 32;
        utf8::append(out, cp);
    }
    return out;
}

}  // namespace

std::string normalise_model(std::string_view model) { return fold(model, true); }
std::string normalise_wording(std::string_view text) { return fold(text, false); }

}  // namespace firstset
