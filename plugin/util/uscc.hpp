// Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters from the
// 31-character alphabet 0-9A-HJ-NPQRTUWXY, the last one a check character over the first 17.
#pragma once

#include <optional>
#include <string_view>

namespace firstset::uscc {

inline constexpr std::string_view alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// Right length and only characters of the alphabet (upper case). Rule C.5: anything else is
// a schema error.
bool well_formed(std::string_view code) noexcept;

// The check character for the first 17 characters of a well-formed code:
// 31 - (sum c_i * 3^(i-1) mod 31) mod 31, the value 31 written as '0'.
std::optional<char> check_character(std::string_view first17) noexcept;

// Well formed and the check character is right. A well-formed code whose check fails is
// still compared (some early, legally issued codes fail it) but raises USCC_CHECKSUM.
bool checksum_ok(std::string_view code) noexcept;

}  // namespace firstset::uscc
