// What the example host prints: the ranked table (aligned with Chinese text), an explanation of
// every criterion the first-set policy changed, and the same as JSON for machines.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <vector>

#include "bilingual.hpp"
#include "scoring.hpp"

namespace host {

void print_report(std::ostream& out, const TenderFile& tender, const std::vector<BidResult>& results,
                  Language language);

// What firstset_record answered: the record's place in the ledger and, for an award, its
// assessment; for a tolerance decision, the proposal.
void print_record(std::ostream& out, const nlohmann::json& response, Language language);

// Scores as decimal strings ("90.70") so that no reader turns them into binary floating point.
nlohmann::json report_json(const TenderFile& tender, const std::vector<BidResult>& results);

}  // namespace host
