// Exact decimal arithmetic for scores and prices. Amounts are read from their decimal text,
// computed as exact rationals (Boost.Multiprecision), and rounded half up to two decimal
// places only where a number is shown: each criterion's points for display, and the total
// from the exact sum (so displayed parts may differ from the total by a rounding cent).
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace host {

using Rational = boost::multiprecision::cpp_rational;

// "2200000.00", "22.5", "10" -> exact value. Digits, at most one '.', no sign, no separators.
std::optional<Rational> parse_decimal(std::string_view text);

// Round half up to `places` decimals and format: (85.535, 2) -> "85.54". Requires x >= 0.
std::string format_decimal(const Rational& x, int places = 2);

// 2200000 -> "2,200,000.00"
std::string format_money(const Rational& x);

}  // namespace host
