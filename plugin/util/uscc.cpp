#include "util/uscc.hpp"

namespace firstset::uscc {
namespace {

int value_of(char c) noexcept {
    auto pos = alphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

bool well_formed(std::string_view code) noexcept {
    if (code.size() != 18) return false;
    for (char c : code)
        if (value_of(c) < 0) return false;
    return true;
}

std::optional<char> check_character(std::string_view first17) noexcept {
    if (first17.size() < 17) return std::nullopt;
    int weight = 1;
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) {
        int v = value_of(first17[i]);
        if (v < 0) return std::nullopt;
        sum = (sum + v * weight) % 31;
        weight = (weight * 3) % 31;
    }
    int check = (31 - sum) % 31;
    return alphabet[static_cast<std::size_t>(check)];
}

bool checksum_ok(std::string_view code) noexcept {
    if (!well_formed(code)) return false;
    auto c = check_character(code.substr(0, 17));
    return c && *c == code[17];
}

}  // namespace firstset::uscc
