#include "util/decimal.hpp"

#include <string>

namespace firstset {

ScaledDecimal scaled_decimal(std::string_view s, int scale) {
    using P = ScaledDecimal::Problem;
    ScaledDecimal out;
    std::size_t i = 0;
    const bool negative = i < s.size() && s[i] == '-';
    if (negative) ++i;
    std::string digits;
    std::int64_t exponent = 0;  // value = digits * 10^exponent
    auto is_digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
    if (!is_digit(i)) return {P::syntax, 0};
    while (is_digit(i)) digits.push_back(s[i++]);
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!is_digit(i)) return {P::syntax, 0};
        while (is_digit(i)) {
            digits.push_back(s[i++]);
            --exponent;
        }
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        bool minus = false;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) minus = s[i++] == '-';
        if (!is_digit(i)) return {P::syntax, 0};
        std::int64_t e = 0;
        while (is_digit(i)) {
            if (e < 1'000'000'000) e = e * 10 + (s[i] - '0');  // saturates: far beyond any use
            ++i;
        }
        exponent += minus ? -e : e;
    }
    if (i != s.size()) return {P::syntax, 0};
    // Leading zeros say nothing; trailing zeros move into the exponent.
    const std::size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) return out;  // zero, whatever the exponent
    digits.erase(0, first);
    while (digits.back() == '0') {
        digits.pop_back();
        ++exponent;
    }
    const std::int64_t shift = exponent + scale;
    if (shift < 0) return {P::too_precise, 0};
    if (static_cast<std::int64_t>(digits.size()) + shift > 18) return {P::too_large, 0};
    std::int64_t units = 0;
    for (char c : digits) units = units * 10 + (c - '0');
    for (std::int64_t k = 0; k < shift; ++k) units *= 10;
    out.units = negative ? -units : units;
    return out;
}

}  // namespace firstset
