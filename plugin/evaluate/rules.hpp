// Rules C, D and E of docs/domain.md, as pure functions over plain values: which claimed
// certificates are accepted, and for each criterion whether it is deemed met. No I/O, no
// allocation of messages: rendering the reasons is the response writer's job.
#pragma once

#include <boost/container/small_vector.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "evaluate/request.hpp"
#include "policy/policy.hpp"

namespace firstset {

struct Certificate;
class Registry;

// Short lists kept inline: an evaluation allocates little.
template <typename T>
using ShortList = boost::container::small_vector<T, 4>;

// Rule C for one offer that claims a certificate.
struct CertificateCheck {
    std::uint32_t offer = 0;             // index in bid.offers
    const Certificate* certificate = nullptr;  // nullptr: CERT_UNKNOWN
    ShortList<Code> reasons;             // empty: accepted
    ShortList<Code> warnings;            // HOLDER_MATCHED_BY_NAME, MODEL_NOT_LISTED (Rules C5', C6')
    Date valid_from, valid_until;        // meaningful when certificate != nullptr
    Date deemed_until;                   // Rule D': the end of the pack's deeming window
    bool accepted() const { return reasons.empty(); }
};

enum class Outcome { deemed_met, not_claimed, claim_rejected, not_applicable };
const char* outcome_name(Outcome o) noexcept;

// Rule E for one criterion.
struct CriterionOutcome {
    std::uint32_t criterion = 0;  // index in tender.criteria
    Outcome outcome = Outcome::not_applicable;
    std::optional<Points> points;  // deemed_met and scored only
    std::uint32_t concerned = 0;   // offers the criterion concerns
    std::uint32_t covered = 0;     // of those, with an accepted certificate
    ShortList<std::uint32_t> relied_on;  // indices into Evaluation::certificates: accepted ones used
    ShortList<std::uint32_t> rejected;   // indices into Evaluation::certificates: rejected claims
    ShortList<Code> reasons;             // at least one
};

struct UsccWarning {
    std::string_view uscc;
    std::string path;  // JSON Pointer in the request
};

struct Evaluation {
    Date evaluation_date;
    std::vector<CertificateCheck> certificates;  // one per offer that claims one, in offer order
    std::vector<CriterionOutcome> criteria;      // one per criterion, in tender order
    std::vector<UsccWarning> uscc_warnings;      // Rule C.5: check character wrong
    bool equivalence_not_declared = false;       // deemed criteria in a tender that does not declare it
};

// Rule C: checks one claimed certificate for an offer as of a date.
CertificateCheck check_certificate(const Policy& policy, const Registry& registry, const Offer& offer,
                                   std::string_view certificate_id, Date on);

// Rules C, D and E over a whole request.
Evaluation evaluate_rules(const Policy& policy, const Registry& registry, const EvaluateRequest& request);

}  // namespace firstset
