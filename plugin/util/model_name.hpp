// Model normalisation for Rule C.6: two model designations name the same certified model when
// they are equal after
//   - Unicode full-width forms become ASCII (U+FF01..U+FF5E -> U+0021..U+007E, so ＹＫ３１２０
//     is YK3120) and the ideographic space U+3000 becomes a space;
//   - ASCII letters are case folded;
//   - spaces (ASCII space and tab, U+00A0, U+2000..U+200B, U+202F, U+205F, U+3000) and hyphens
//     or dashes (U+002D, U+2010..U+2015, U+2212, U+FE58, U+FE63, U+FF0D) are dropped.
// Everything else, Chinese characters included, is kept as it is.
#pragma once

#include <string>
#include <string_view>

namespace firstset {

std::string normalise_model(std::string_view model);

// Wording for the evaluation-method audit (Rule L): full-width forms become ASCII (so （ is (,
// ； is ; and ３ is 3), the ideographic space a space, and ASCII letters lower case; nothing is
// dropped. Policy packs' vocabularies are written against this form.
std::string normalise_wording(std::string_view text);

}  // namespace firstset
