// firstset-host incentive: the first-purchase reward ceiling (clause （一）) and the premium subsidy
// per insured year (clause （二）) for a certified machine, printed in Chinese and English with
// the exact amounts the plugin computed (strings, never re-computed here).
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

#include "bilingual.hpp"

namespace host {

// One firstset_incentive response, for people.
void print_incentive(std::ostream& out, const nlohmann::json& response, Language l);

}  // namespace host
