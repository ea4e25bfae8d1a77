// Comprehensive scoring (综合评分法) as the example host does it, with the plugin's answer:
//   - price points by low-price priority: lowest valid price / bid price x price points;
//   - a criterion the plugin deems met (market share, track record): the plugin's points;
//   - otherwise a criterion with point bands: the bid's evidence against the bands;
//   - any other scored criterion (technical, commercial): the average of the experts' points;
//   - pass/fail criteria: deemed met passes; otherwise the committee's finding. A bid failing
//     one is invalid: it is not ranked and its price does not set the lowest valid price.
// All arithmetic is exact; rounding happens only for display (exact.hpp).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "exact.hpp"
#include "tender_file.hpp"

namespace host {

struct CriterionScore {
    const CriterionInfo* criterion = nullptr;
    std::string outcome;             // the plugin's outcome
    bool pass = true;                // pass/fail criteria
    Rational points = 0;             // scored criteria, exact
    std::optional<Rational> without_policy;  // points (or pass) the evidence alone gives, where the policy changed it
    std::optional<bool> pass_without_policy;
    const nlohmann::json* plugin = nullptr;  // the plugin's entry for this criterion
};

struct BidResult {
    const BidEntry* bid = nullptr;
    nlohmann::json response;  // the plugin's evaluate response
    std::vector<CriterionScore> criteria;
    bool valid = true;
    std::vector<std::string> failed;  // pass/fail criteria not met
    Rational total = 0;
    Rational total_without_policy = 0;
    int rank = 0;  // 1-based among valid bids; 0 for invalid ones
};

// responses[i] is the plugin's response for tender.bids[i]. Throws InputError when the file
// lacks what a criterion needs (scores, evidence).
std::vector<BidResult> score_bids(const TenderFile& tender, const std::vector<nlohmann::json>& responses);

}  // namespace host
