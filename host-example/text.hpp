// Terminal text that lines up with Chinese in it: display width by wcwidth() in a UTF-8
// locale (a Chinese character takes two columns), padding and truncation by that width.
#pragma once

#include <string>
#include <string_view>

namespace host {

// Call once at start: selects a UTF-8 character type (C.UTF-8) for wcwidth().
void use_utf8_ctype();

int display_width(std::string_view utf8);
std::string pad_right(std::string_view utf8, int width);  // left-aligned
std::string pad_left(std::string_view utf8, int width);   // right-aligned
std::string truncate(std::string_view utf8, int width);   // ends with "…" when cut

}  // namespace host
