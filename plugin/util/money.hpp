// Money and percents as exact integers (issue 14, Rules R and S): money in fen (0.01 CNY) read from
// a decimal string ("2200000.00"), percents in hundredths of a per cent (30 % is 3000), products
// and quotients in 128 bits, rounded half up once, where a result is written. Never a double.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace firstset {

// 128-bit integers (GCC and Clang; the library is built with no other compiler). __extension__
// keeps -Wpedantic quiet about the type.
__extension__ typedef __int128 Wide;

// The largest amount a request may carry: 999,999,999,999.99 CNY (just under 10^12 yuan, 10^14
// fen). Every product Rules R and S form from such amounts fits 128 bits with room to spare.
inline constexpr std::int64_t max_money_fen = 99'999'999'999'999;

struct MoneyText {
    enum class Problem { none, format, negative, too_precise, too_large };
    Problem problem = Problem::none;
    std::int64_t fen = 0;
};

// "2200000", "2200000.5" and "2200000.50" are 220000000 fen. Digits only, an optional point and
// one or two decimals; no sign, exponent, spaces or leading zeros ("0.50" is fine, "00.50" is
// not). A leading '-' is `negative`, three or more decimals `too_precise` (never rounded), more
// than max_money_fen `too_large`, anything else malformed `format`.
MoneyText parse_money(std::string_view text) noexcept;

// 220000000 fen as "2200000.00". REQUIRES: fen >= 0.
std::string format_fen(std::int64_t fen);

// n / d rounded half up (away from zero at exactly a half). REQUIRES: n >= 0, d > 0.
Wide divide_half_up(Wide n, Wide d) noexcept;

// A scaled integer written exactly, without trailing zeros: (3000, 2) is "30", (1250, 2) is
// "12.5", (142857, 4) is "14.2857". 128 bits, so a quotient of two amounts (a premium rate of up to
// 10^16 %) is written in full, never cut to 64 bits. The values written are never negative; a
// negative one is still written exactly, with a '-'. REQUIRES: 0 <= scale <= 30.
std::string format_scaled(Wide units, int scale);

// A non-negative 128-bit integer in decimal ("0" for 0); a negative one with a '-'.
std::string wide_to_string(Wide v);

}  // namespace firstset
