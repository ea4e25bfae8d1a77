#include "util/money.hpp"

namespace firstset {

MoneyText parse_money(std::string_view s) noexcept {
    using P = MoneyText::Problem;
    if (!s.empty() && s[0] == '-') {
        // A negative amount is named as such when the rest is a number; "-x" is only malformed.
        const MoneyText rest = parse_money(s.substr(1));
        return {rest.problem == P::format ? P::format : P::negative, 0};
    }
    std::size_t i = 0;
    auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
    if (!digit(0)) return {P::format, 0};
    if (s[0] == '0' && digit(1)) return {P::format, 0};  // leading zero
    std::int64_t yuan = 0;
    bool large = false;
    while (digit(i)) {
        if (yuan > max_money_fen / 100) large = true;
        else yuan = yuan * 10 + (s[i] - '0');
        ++i;
    }
    std::int64_t cents = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        std::size_t places = 0;
        if (!digit(i)) return {P::format, 0};
        while (digit(i)) {
            if (places < 2) cents = cents * 10 + (s[i] - '0');
            ++places;
            ++i;
        }
        if (i != s.size()) return {P::format, 0};
        if (places > 2) return {P::too_precise, 0};
        if (places == 1) cents *= 10;
    }
    if (i != s.size()) return {P::format, 0};
    if (large || yuan > max_money_fen / 100) return {P::too_large, 0};
    const std::int64_t fen = yuan * 100 + cents;
    if (fen > max_money_fen) return {P::too_large, 0};
    return {P::none, fen};
}

std::string format_fen(std::int64_t fen) {
    std::string s = std::to_string(fen / 100);
    const auto c = fen % 100;
    s.push_back('.');
    s.push_back(static_cast<char>('0' + c / 10));
    s.push_back(static_cast<char>('0' + c % 10));
    return s;
}

Wide divide_half_up(Wide n, Wide d) noexcept {
    const Wide q = n / d;
    const Wide r = n % d;
    return 2 * r >= d ? q + 1 : q;
}

std::string wide_to_string(Wide v) {
    // The magnitude as unsigned, so that even the most negative value is written correctly.
    __extension__ typedef unsigned __int128 UWide;
    const bool negative = v < 0;
    UWide m = negative ? UWide(0) - static_cast<UWide>(v) : static_cast<UWide>(v);
    std::string s;
    do {
        s.push_back(static_cast<char>('0' + static_cast<int>(m % 10)));
        m /= 10;
    } while (m != 0);
    if (negative) s.push_back('-');
    return {s.rbegin(), s.rend()};
}

std::string format_scaled(Wide units, int scale) {
    // Written from the digits of the magnitude: no division of a negative value, no 64-bit cast.
    std::string digits = wide_to_string(units);
    std::string sign;
    if (!digits.empty() && digits[0] == '-') {
        sign = "-";
        digits.erase(0, 1);
    }
    const std::size_t places = static_cast<std::size_t>(scale < 0 ? 0 : scale);
    if (digits.size() <= places) digits.insert(0, places + 1 - digits.size(), '0');
    std::string whole = digits.substr(0, digits.size() - places), frac = digits.substr(digits.size() - places);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (frac.empty() && whole == "0") sign.clear();
    return sign + whole + (frac.empty() ? "" : "." + frac);
}

}  // namespace firstset
