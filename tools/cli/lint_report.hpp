// The evaluation-method audit (firstset_lint) for people: each finding with its criterion,
// severity, reasons in Chinese and English, the clause and where in the tender, the wording with
// the words that triggered it highlighted, then the verdict.
// Shared by firstset-host lint and firstset-ledger lint.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

#include "bilingual.hpp"

namespace host {

// response: what firstset_lint answered; tender: the tender sent (for criterion names).
void print_lint(std::ostream& out, const nlohmann::json& tender, const nlohmann::json& response, Language l);

}  // namespace host
