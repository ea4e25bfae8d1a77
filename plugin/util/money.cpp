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

std::string format_scaled(std::int64_t units, int scale) {
    std::int64_t unit = 1;
    for (int k = 0; k < scale; ++k) unit *= 10;
    std::string s = std::to_string(units / unit);
    std::int64_t frac = units % unit;
    if (frac == 0) return s;
    std::string digits = std::to_string(frac);
    digits.insert(0, static_cast<std::size_t>(scale) - digits.size(), '0');
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    return s + "." + digits;
}

}  // namespace firstset
