// Rule T of docs/domain.md (clause （六）, tolerance of failure) as plain values and pure
// functions, shaped like evaluate: the requests are read at the edge into values (read_award,
// read_decision), the rule works on values alone (assess, propose), and records.cpp writes the
// results and appends them to the ledger, the only side effect. A stored award record is read
// back into the same Assessment (read_assessment) that assess produced, never picked at ad hoc.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evaluate/request.hpp"
#include "evaluate/rules.hpp"
#include "lint/lint.hpp"
#include "policy/policy.hpp"
#include "util/civil_date.hpp"
#include "util/json.hpp"

namespace firstset {

class Registry;

namespace tolerance {

// A condition of Rule T not met or not established: its code and, for a procedure item, the
// item. Records keep it as text: "CODE" or "CODE:item".
struct Shortfall {
    Code code;
    std::string item;

    std::string text() const;
    // nullopt when `text` is not a Rule T code (optionally with ":item").
    static std::optional<Shortfall> parse(std::string_view text);
    friend bool operator==(const Shortfall& a, const Shortfall& b) { return a.code == b.code && a.item == b.item; }
};

// An award of first-set equipment, as the record request gives it (views into the request).
struct Award {
    lint::Input tender;              // the tender's values (tender.tender) and wording, for Rule L too
    Bid bid;                         // the winning bid
    std::string_view ownership;      // the purchaser's
    Date date;
    std::string_view date_text;      // as written, YYYY-MM-DD
    std::string_view method;         // procurement method
    std::vector<std::pair<std::string_view, bool>> procedure;  // (item, done) as reported
    std::optional<bool> reported(std::string_view item) const;
};

// Reads an award request that passed record-award.schema.json. Throws StatusError(SCHEMA) as
// read_evaluate_request does.
Award read_award(const json::Value& request);

struct ProcedureStep {
    std::string item;
    std::optional<bool> done;  // nullopt: not reported
};

// Rule T's conditions, procedures and standards as of the award date.
struct Assessment {
    Date as_of;
    std::string policy_id;                 // the pack it was assessed under
    std::string ownership;
    bool state_owned = false;
    std::vector<CertificateCheck> certificates;  // each claimed certificate on the award date
    std::string method;
    bool method_allowed = false;
    std::vector<ProcedureStep> procedure;  // each of the pack's procedure items
    std::optional<lint::Result> lint;      // nullopt: the pack has no lint section
    std::vector<Shortfall> failed;         // conditions not met
    std::vector<Shortfall> missing;        // conditions that could not be established
    bool conditions_met() const { return failed.empty() && missing.empty(); }
};

// Rule T on an award: pure (reads the pack and the registry, changes nothing).
// REQUIRES: policy.tolerance; check_against(policy, award.tender.tender, ...) done.
Assessment assess(const Policy& policy, const Registry& registry, const Award& award);

// The assessment kept in an award record's body, read back. Certificates and lint findings are
// kept as written and not read back (a decision needs neither); every other member is. Throws
// StatusError(INTEGRITY, AWARD_RECORD_UNREADABLE) when the record holds no readable assessment.
Assessment read_assessment(const json::Value& record_body, std::uint64_t seq);

enum class Decision { exempt, not_exempt, review };
std::string_view decision_name(Decision d) noexcept;
std::optional<Decision> decision_from(std::string_view name) noexcept;

// A tolerance decision request (views into the request).
struct DecisionRequest {
    std::string_view award, failure;  // record ids
    std::vector<std::pair<std::string_view, bool>> exclusions;  // (key, established) as given
    std::optional<Decision> final;
    std::optional<std::string_view> final_reason;
};
DecisionRequest read_decision(const json::Value& request);

// The award a failure report is about (record ids), read from a stored failure_report record.
// nullopt when the body names none.
std::optional<std::string_view> failure_report_award(const json::Value& record_body);

struct ExclusionFinding {
    Code code;  // EXCLUSION_APPLIES | EXCLUSION_NOT_ESTABLISHED
    const Policy::Tolerance::Label* label;
};

// The proposal on a failure: a failed condition or any exclusion gives not_exempt; anything not
// established gives review; otherwise exempt.
struct Proposal {
    Decision proposed = Decision::review;
    bool conditions_failed = false, information_missing = false;
    std::vector<ExclusionFinding> exclusions;  // in the pack's order
    bool final_differs = false;                // a final decision given, other than proposed
};

// Rule T on a failure: pure.
Proposal propose(const Policy::Tolerance& tolerance, const Assessment& award, const DecisionRequest& request);

}  // namespace tolerance
}  // namespace firstset
