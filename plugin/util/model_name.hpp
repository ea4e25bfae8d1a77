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

// Names of companies and products for Rules C5' and C6': normalise_wording's form (full-width to
// ASCII, so （） become (), letters lower case) with spaces removed. Nothing else is dropped:
// 有限责任公司 and 有限公司 stay different.
std::string normalise_name(std::string_view name);

// Rule C6': the model a product name carries, as published lists write it: in brackets at the
// end (热核聚变用杜瓦膨胀节成套系统(CGTR-01), full-width brackets too, a trailing 型 dropped), or
// a model code at the start (GRT200-TM20泥水平衡盾构机) or the end (盾构机GRT200). A model code is
// letters, digits and . _ / + - with at least one digit and three letters or digits (5G+ is none), not a
// rating (220kV, 10t/h). Square and lenticular brackets count as round ones. Full-width
// forms come back as ASCII. Empty when the name carries none.
std::string model_in_name(std::string_view product);

// Full-width forms as ASCII (ＹＫ３１２０ is YK3120, （ is (), the ideographic space a space; case and
// everything else kept: how a model, a 序号 or a USCC typed in full-width is read.
std::string ascii_width(std::string_view text);

}  // namespace firstset
