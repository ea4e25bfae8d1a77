// Text for people in Chinese, English or both, shared by the example host and the compliance
// officers' tool.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace host {

enum class Language { both, zh, en };

// zh, en, or "zh en".
std::string bilingual(Language l, const std::string& zh, const std::string& en);

// A plugin reason {"code", "message_zh", "message_en", "clause"}: its texts, then "per <clause> [CODE]".
void print_reason(std::ostream& out, Language l, const nlohmann::json& reason, const std::string& indent);

}  // namespace host
