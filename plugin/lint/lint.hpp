// Rules L and L': the audit of an evaluation method for discriminatory criteria (firstset_lint).
//
// What each check means is here; what wording means is lint/wording.* (the same for every pack);
// which checks run, how severe each is, their thresholds and the pack's own extra words are the
// policy pack's (Policy::Lint). A criterion's wording is its name, description and band texts,
// read after normalise_wording (full-width forms to ASCII, letters lower case) and split into
// sentences at 。 ; ! ? and line ends. A match that a `not` term or a check's `unless` overlaps
// does not count. docs/lint.md says it for users.
//
//   deemed_without_equivalence  a criterion on track record or market share (by kind, or by its
//                               wording anywhere) in a tender that does not declare the first-set
//                               equivalence
//   region, industry, brand,    the restriction in a sentence with track-record words, or anywhere
//   customer, customer_tier     in a criterion on track record except a sentence on a presence, an
//                               award or years in service
//   units_sold                  units anywhere; a capacity in a sentence with track-record words
//   years_in_service, scale,    the term anywhere in a criterion
//   local_presence, regional_award, brand_lock_in, exclusive_certificate, new_product_excluded
//   score_by_market_share       a scored criterion on market share
//   deemed_points_share         the scored criteria on track record or market share together
//                               hold more than max_percent of all scored points
//   remote_control,             no criterion and no requirement of the tender has the pack's words
//   data_locality
//
// Each check gives at most one finding per criterion (its first match), in criterion order,
// tender-wide findings last.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evaluate/request.hpp"
#include "policy/policy.hpp"
#include "util/json.hpp"

namespace firstset {

class JsonOut;

namespace lint {

// A piece of the tender's wording and where it is (a JSON Pointer into the request).
struct Wording {
    std::string pointer;
    std::string text;      // normalise_wording'd: the same characters, one for one, as original
    std::string original;  // as the request has it
};

struct CriterionWording {
    std::vector<Wording> fields;  // name, description, band texts
};

struct Input {
    Tender tender;  // ids, kinds, modes, points (read_tender's checks done)
    std::vector<CriterionWording> criteria;  // in tender order
    std::vector<Wording> requirements;       // the tender's requirements texts
};

// Reads a tender that passed the tender schema, with no policy needed: its values and its
// wording. `base` is the tender's JSON Pointer in the request ("" for firstset_lint, "/tender"
// in a record). Throws StatusError(SCHEMA) as read_tender. The pack chosen for it, check_against.
Input read_input(const json::Value& tender, std::string_view base);

// Why a finding was made: words of the tender, where they are. `words` are the words the check
// found; `context` the words that put them in context (the track record a region limits).
struct Evidence {
    const Wording* field;      // the field, in the Input
    std::uint32_t from, to;    // byte offsets into field->text (and, character for character, original)
    enum class Role : std::uint8_t { words, context } role;
};

struct Finding {
    std::optional<std::size_t> criterion;  // index into the tender's criteria; none: tender-wide
    LintCheck check;
    Severity severity;
    std::string matched;  // the words found (normalised), or the criterion's kind
    std::string pointer;  // where they are; empty for tender-wide findings
    std::vector<Evidence> evidence;  // words first; empty for findings on kinds and tender-wide ones
};

struct Result {
    std::vector<Finding> findings;
    std::size_t errors = 0, warnings = 0;
    bool passed() const { return errors == 0; }
    // For deemed_points_share: the scored criteria on track record or market share, their
    // points and all scored points.
    std::vector<std::string_view> deemed_criteria;
    Points deemed_points, total_points;
};

// REQUIRES: policy.lint (else the result is empty and passed).
Result run(const Policy& policy, const Input& input);

// The findings as a JSON array of {"criterion", "severity", "code", "message_zh", "message_en",
// "clause", "path", "matched", "evidence": [{"path", "start", "end", "text", "role"}]}: start and end
// count Unicode characters (code points) of the string at path, end exclusive; text is the
// request's own characters there.
void write_findings(JsonOut& w, const Policy& policy, const Input& input, const Result& result);

// The firstset_lint response: {"tender", "policy", "findings", "passed", "errors", "warnings"}.
void write_response(JsonOut& w, const Policy& policy, const Input& input, const Result& result);

}  // namespace lint
}  // namespace firstset
