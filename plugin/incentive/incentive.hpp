// Rules R and S of docs/domain.md (issue 14): the first-purchase reward (clause （一）) and the
// insurance premium subsidy (clause （二）) of 渝经信规范〔2024〕9号, as pure functions on values,
// with the request reader and the response writer of firstset_incentive. Money is in fen, percents
// in hundredths of a per cent, every product in 128 bits, rounded half up once, at the end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.hpp"
#include "util/civil_date.hpp"
#include "util/money.hpp"

namespace firstset {

struct Certificate;
class Registry;
class JsonOut;
namespace json {
class Value;
}

namespace incentive {

// Rule C items 1 to 4 for the certificate an incentive rests on (known, issuer accepted, neither
// revoked nor suspended, an entry kind the incentives are for). The dates of Rule D are checked by
// each rule against its own date (the payment, the insured year).
struct CertificateFinding {
    const Certificate* certificate = nullptr;  // nullptr: unknown
    Date valid_from, valid_until;              // Rule D; meaningful when certificate != nullptr
    std::vector<Code> reasons;                 // empty: accepted
    bool accepted() const { return reasons.empty(); }
    bool valid_on(Date d) const { return certificate && valid_from <= d && d < valid_until; }
};
CertificateFinding check_certificate(const Policy& policy, const Registry& registry, std::string_view id);

// Rule R: at most `percent` of the amount paid, at most `cap`, rounded half up to the fen once.
struct Reward {
    bool eligible = false;
    std::int64_t max_reward_fen = 0;
    bool capped = false;             // the cap, not the percent, set the ceiling
    std::vector<Code> reasons;
};
std::int64_t reward_ceiling_fen(std::int64_t paid_fen, std::int64_t percent, std::int64_t cap_fen, bool* capped);
Reward first_purchase_reward(const Policy::Incentives::Reward& rules, const CertificateFinding& cert,
                             std::int64_t amount_paid_fen, Date paid_on);

// Rule S, one insured year as the request gives it.
struct InsuredYear {
    int year = 0;
    std::int64_t premium_fen = 0;
    std::int64_t insured_fen = 0;  // > 0
    bool claim = false;
};

struct YearSubsidy {
    int year = 0;
    int position = 0;                  // 1, 2, ... in the continuous series; 0: outside it
    // The subsidy ratio applied to the counted premium (hundredths of a per cent), also when the
    // premium is 0; 0 when a rule gives the year nothing (certificate, gap, years exhausted, validity).
    std::int64_t ratio = 0;
    std::int64_t counted_premium_fen = 0;  // the premium counted under the rate cap (rounded for display)
    std::int64_t subsidy_fen = 0;
    std::int64_t fall_needed = 0;      // the fall of the ratio the exception needed, in 1/10000 of a per cent
    std::int64_t step_from = 0, step_to = 0;  // after a year without a claim: the ladder's step a -> b
    std::vector<Code> reasons;
};

// The subsidy of each year. REQUIRES: years strictly increasing, insured_fen > 0 (the reader checks).
std::vector<YearSubsidy> premium_subsidy(const Policy::Incentives::Subsidy& rules, const CertificateFinding& cert,
                                         const std::vector<InsuredYear>& years);

// A premium rate premium / insured in 1/10000 of a per cent (2 % is 20000), rounded half up: for
// messages only. In 128 bits: a valid request may give a rate of up to 10^16 % (a premium of
// 999,999,999,999.99 on an insured amount of 0.01), 10^22 in these units, beyond 64 bits.
// REQUIRES: premium_fen >= 0, insured_fen > 0.
Wide rate_for_display(std::int64_t premium_fen, std::int64_t insured_fen);

// The request, read after the schema check. Throws StatusError(SCHEMA) with a stable code and the
// JSON Pointer for an amount that is malformed (MONEY_FORMAT), negative (MONEY_NEGATIVE), has more
// than two decimals (MONEY_PRECISION) or is too large or, for an insured amount, zero
// (MONEY_RANGE); for years out of order or repeated (YEARS_ORDER).
struct Request {
    enum class Clause { first_purchase_reward, premium_subsidy } clause = Clause::first_purchase_reward;
    std::string_view certificate;
    std::optional<std::string_view> policy;  // a pack id; else the one pack with incentives
    std::int64_t amount_paid_fen = 0;
    Date paid_on;
    std::vector<InsuredYear> years;
    bool national_talent_plan = false;
};
Request read_request(const json::Value& root);

// The whole call on values: the response document.
void respond(JsonOut& w, const Policy& policy, const Registry& registry, const Request& request);

}  // namespace incentive
}  // namespace firstset
