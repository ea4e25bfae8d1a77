#include "exact.hpp"

namespace host {

using boost::multiprecision::cpp_int;

std::optional<Rational> parse_decimal(std::string_view text) {
    if (text.empty() || text.size() > 40) return std::nullopt;
    cpp_int digits = 0, scale = 1;
    bool dot = false, any = false;
    for (char c : text) {
        if (c == '.') {
            if (dot) return std::nullopt;
            dot = true;
        } else if (c >= '0' && c <= '9') {
            digits = digits * 10 + (c - '0');
            if (dot) scale *= 10;
            any = true;
        } else {
            return std::nullopt;
        }
    }
    if (!any || text.back() == '.' || text.front() == '.') return std::nullopt;
    return Rational(digits, scale);
}

std::string format_decimal(const Rational& x, int places) {
    cpp_int unit = 1;
    for (int i = 0; i < places; ++i) unit *= 10;
    // floor(x * unit + 1/2): half up, for x >= 0
    Rational scaled = x * unit + Rational(1, 2);
    cpp_int q = boost::multiprecision::numerator(scaled) / boost::multiprecision::denominator(scaled);
    std::string s = q.str();
    if (places == 0) return s;
    if (s.size() <= static_cast<std::size_t>(places)) s.insert(0, static_cast<std::size_t>(places) + 1 - s.size(), '0');
    s.insert(s.size() - static_cast<std::size_t>(places), ".");
    return s;
}

std::string format_money(const Rational& x) {
    std::string s = format_decimal(x, 2);
    std::size_t dot = s.find('.');
    for (std::ptrdiff_t i = static_cast<std::ptrdiff_t>(dot) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
    return s;
}

}  // namespace host
