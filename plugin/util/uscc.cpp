#include "util/uscc.hpp"

namespace firstset::uscc {
namespace {

// Character -> value in the alphabet, -1 for characters outside it.
struct Values {
    signed char of[256];
    constexpr Values() : of() {
        for (auto& v : of) v = -1;
        for (std::size_t i = 0; i < alphabet.size(); ++i) of[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    }
};
constexpr Values values;

int value_of(char c) noexcept { return values.of[static_cast<unsigned char>(c)]; }

}  // namespace

bool well_formed(std::string_view code) noexcept {
    if (code.size() != 18) return false;
    for (char c : code)
        if (value_of(c) < 0) return false;
    return true;
}

std::optional<char> check_character(std::string_view first17) noexcept {
    // Weights 3^(i-1) mod 31; the sum stays below 17 * 30 * 30, so one modulo at the end does.
    static constexpr int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    if (first17.size() < 17) return std::nullopt;
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) {
        const int v = value_of(first17[i]);
        if (v < 0) return std::nullopt;
        sum += v * weights[i];
    }
    const int check = (31 - sum % 31) % 31;
    return alphabet[static_cast<std::size_t>(check)];
}

bool checksum_ok(std::string_view code) noexcept {
    if (!well_formed(code)) return false;
    auto c = check_character(code.substr(0, 17));
    return c && *c == code[17];
}

}  // namespace firstset::uscc
