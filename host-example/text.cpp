#include "text.hpp"

#include <clocale>
#include <cwchar>

namespace host {

void use_utf8_ctype() {
    if (!std::setlocale(LC_CTYPE, "C.UTF-8")) std::setlocale(LC_CTYPE, "en_US.UTF-8");
}

namespace {

// Decodes one character; returns its byte length (1 for an undecodable byte).
std::size_t next(std::string_view s, std::size_t i, wchar_t& wc) {
    std::mbstate_t state{};
    std::size_t n = std::mbrtowc(&wc, s.data() + i, s.size() - i, &state);
    if (n == static_cast<std::size_t>(-1) || n == static_cast<std::size_t>(-2) || n == 0) {
        wc = L'?';
        return 1;
    }
    return n;
}

int width_of(wchar_t wc) {
    int w = ::wcwidth(wc);
    return w < 0 ? 1 : w;
}

}  // namespace

int display_width(std::string_view s) {
    int width = 0;
    for (std::size_t i = 0; i < s.size();) {
        wchar_t wc;
        i += next(s, i, wc);
        width += width_of(wc);
    }
    return width;
}

std::string pad_right(std::string_view s, int width) {
    std::string out(s);
    for (int w = display_width(s); w < width; ++w) out.push_back(' ');
    return out;
}

std::string pad_left(std::string_view s, int width) {
    int w = display_width(s);
    return std::string(static_cast<std::size_t>(width > w ? width - w : 0), ' ') + std::string(s);
}

std::string truncate(std::string_view s, int width) {
    if (display_width(s) <= width) return std::string(s);
    std::string out;
    int used = 0;
    for (std::size_t i = 0; i < s.size();) {
        wchar_t wc;
        std::size_t n = next(s, i, wc);
        int w = width_of(wc);
        if (used + w > width - 1) break;
        out.append(s.substr(i, n));
        used += w;
        i += n;
    }
    return out + "…";
}

}  // namespace host
