// Exact decimals read from the text of a JSON number, never through a binary double: points
// (hundredths) and money (fen) must be what the document says, to the last digit.
#pragma once

#include <cstdint>
#include <string_view>

namespace firstset {

struct ScaledDecimal {
    enum class Problem { none, syntax, too_precise, too_large };
    Problem problem = Problem::none;
    std::int64_t units = 0;  // the value times 10^scale
};

// The number written in `literal` (JSON's syntax, exponents included: "1e1", "2.50", "0E-99"),
// as an integer count of 10^-scale units: ("2.35", 2) gives 235. A value with more decimal places
// than `scale` is too_precise (never rounded); one whose units do not fit 18 digits is too_large.
ScaledDecimal scaled_decimal(std::string_view literal, int scale);

}  // namespace firstset
