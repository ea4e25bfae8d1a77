// A policy pack: one policy document's settings, citations and messages, read from YAML
// (criteria/policies/*.yaml). Nothing of a policy is in code that a pack can say; the code
// knows only the reason codes and which facts each message may mention.
//
// A Policy is immutable after loading and safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace firstset {

class Regex;
class SourceDocument;
class TextBuffer;

// Every reason and warning code the rules produce. Names are the stable codes of
// docs/contract.md section 5 and docs/abi.md.
enum class Code : std::uint8_t {
    // Rule C: certificate checks
    CERT_UNKNOWN,
    ISSUER_NOT_ACCEPTED,
    CERT_REVOKED,
    CERT_SUSPENDED,
    CERT_NOT_YET_VALID,
    CERT_EXPIRED,
    MANUFACTURER_MISMATCH,
    MODEL_MISMATCH,
    // Rule E: criterion outcomes
    FIRST_SET_DEEMED,
    PARTIAL_COVERAGE,
    CERTIFICATE_REJECTED,
    NOT_CLAIMED,
    KIND_NOT_DEEMED,
    // warnings
    USCC_CHECKSUM,
    EQUIVALENCE_NOT_DECLARED,
    // Rule T: the conditions of an award, as of its date
    AWARD_CONDITIONS_MET,
    PURCHASER_NOT_STATE_OWNED,
    NO_FIRST_SET_CERTIFICATE,
    CERTIFICATE_NOT_ACCEPTED_AT_AWARD,
    METHOD_NOT_ALLOWED,
    PROCEDURE_NOT_COMPLETED,
    PROCEDURE_NOT_REPORTED,
    LINT_NOT_AVAILABLE,
    LINT_ERRORS_AT_AWARD,
    // Rule T: the proposal on a failure
    TOLERANCE_EXEMPT,
    AWARD_CONDITIONS_NOT_MET,
    AWARD_INFORMATION_MISSING,
    EXCLUSION_APPLIES,
    EXCLUSION_NOT_ESTABLISHED,
    FINAL_DIFFERS_FROM_PROPOSAL,
    // Rule L: the evaluation-method audit, one code per check (LintCheck below, same order)
    DEEMED_CRITERION_WITHOUT_EQUIVALENCE,
    TRACK_RECORD_REGION,
    TRACK_RECORD_INDUSTRY,
    TRACK_RECORD_BRAND,
    TRACK_RECORD_CUSTOMER,
    YEARS_IN_SERVICE,
    UNITS_SOLD,
    SCALE_CONDITION,
    SCORE_BY_MARKET_SHARE,
    DEEMED_POINTS_SHARE,
    REMOTE_CONTROL_REQUIREMENT_MISSING,
    DATA_LOCALITY_REQUIREMENT_MISSING,
    count_
};
inline constexpr std::size_t code_count = static_cast<std::size_t>(Code::count_);

const char* code_name(Code c) noexcept;

// Which rule gives a code: C, D and E (and the warnings) always; T only with a pack's tolerance
// section; L only for the checks a pack's lint section turns on. A pack needs messages for
// exactly the codes its rules can give (and may carry others).
enum class CodeGroup { tendering, tolerance, lint };
CodeGroup code_group(Code c) noexcept;

// The checks of Rule L, in the order of their codes.
enum class LintCheck : std::uint8_t {
    deemed_without_equivalence,
    region,
    industry,
    brand,
    customer,
    years_in_service,
    units_sold,
    scale,
    score_by_market_share,
    deemed_points_share,
    remote_control,
    data_locality,
    count_
};
inline constexpr std::size_t lint_check_count = static_cast<std::size_t>(LintCheck::count_);
inline Code code_of(LintCheck c) {
    return static_cast<Code>(static_cast<std::size_t>(Code::DEEMED_CRITERION_WITHOUT_EQUIVALENCE) + static_cast<std::size_t>(c));
}

// The facts a message may mention, written {name} in a pack's message text.
enum class Fact : std::uint8_t {
    certificate,       // certificate id
    item,              // tender item id
    issuer,            // certificate issuer
    accepted_issuers,  // the pack's accepted issuers, comma-separated
    registry,          // registry id and version
    valid_from,        // YYYY-MM-DD
    valid_until,       // YYYY-MM-DD, exclusive
    evaluation_date,   // YYYY-MM-DD
    holder,            // holder name
    holder_uscc,
    manufacturer,      // offered manufacturer name
    manufacturer_uscc,
    offered_model,
    certified_model,
    criterion,         // criterion id
    criterion_name,
    kind,              // criterion kind
    points,            // points awarded
    certificates,      // certificate ids relied on, comma-separated
    covered,           // number of concerned offers with an accepted certificate
    concerned,         // number of offers the criterion concerns
    codes,             // reason codes of a rejected certificate, comma-separated
    uscc,              // a USCC
    path,              // JSON Pointer in the request
    award_date,        // YYYY-MM-DD
    ownership,         // state_owned | state_controlled | government | private
    procurement_method,
    allowed_methods,   // the pack's procurement methods, comma-separated
    procedure_item,
    exclusion_zh,      // an exclusion's label from the pack, in Chinese
    exclusion_en,      // and in English
    proposed,          // exempt | not_exempt | review
    final_decision,    // exempt | not_exempt
    final_reason,      // the authority's written reason
    tender,            // tender id
    matched,           // the words of a criterion a lint check found
    criteria,          // criterion ids, comma-separated
    total_points,      // the points of every scored criterion together
    share_percent,     // a part of total_points, in per cent (exact to two decimals)
    max_percent,       // the pack's limit for that share
    count_
};
inline constexpr std::size_t fact_count = static_cast<std::size_t>(Fact::count_);

using Facts = std::array<std::string_view, fact_count>;

// A message text split at its {fact} placeholders, its literal pieces already escaped for a
// JSON string, so that rendering a reason is appending.
struct MessageText {
    struct Piece {
        std::string literal;  // JSON-escaped
        std::optional<Fact> fact;
    };
    std::vector<Piece> pieces;

    // Appends the message as the escaped inside of a JSON string, with the facts filled in.
    // REQUIRES: the facts are escaped for JSON already (see needs_json_escape).
    void append_json(const Facts& escaped_facts, TextBuffer& out) const;
};

struct Message {
    MessageText zh, en;
    std::string clause;  // full citation, e.g. 渝经信规范〔2024〕9号（四）
    std::string clause_escaped;  // the clause escaped for JSON once, when the pack is loaded
};

enum class DeemedPoints { max, requirement };

enum class Severity { error, warning };

struct Policy {
    std::string id;
    std::string document;  // 渝经信规范〔2024〕9号
    std::string title;
    std::string sha256;    // of the pack file's bytes
    std::string file;

    struct Tendering {
        std::string clause;    // （四）
        std::string citation;  // 渝经信规范〔2024〕9号（四）
        std::vector<std::string> deemed_kinds;
        DeemedPoints deemed_points = DeemedPoints::max;
        std::vector<std::string> accepted_issuers;
        int validity_years = 3;
    } tendering;

    struct Tolerance {
        std::string clause, citation;
        std::vector<std::string> procurement_methods;
        std::vector<std::string> procedure_items;
        std::string procurement_methods_text;  // "open_tender, ...", for messages
        struct Label {
            std::string zh, en;
        };
        // The exclusions of Rule T (personal_gain, collusion, falsified_documents,
        // breach_of_law, ignored_known_risk) and how messages name them.
        std::vector<std::pair<std::string, Label>> exclusions;
        bool allows_method(std::string_view m) const;
    };
    std::optional<Tolerance> tolerance;

    // Which tenders the pack is for, when a configuration holds several (empty: any).
    struct Scope {
        std::vector<std::string> jurisdictions;        // CN covers CN-CQ
        std::vector<std::string> purchaser_ownership;  // state_owned, ...
        bool matches(std::string_view jurisdiction, std::string_view ownership) const;
        std::string describe() const;  // for messages: "jurisdictions CN-CQ; purchaser_ownership ..."
    } scope;

    // Rule L: the checks, their vocabularies (PCRE2 patterns over normalise_wording's form)
    // and thresholds.
    struct Lint {
        std::string citation;  // default clause of the lint messages
        struct Topic {
            std::vector<std::string> kinds;                  // criteria of these kinds are on the topic
            std::vector<std::shared_ptr<const Regex>> words;  // and so is wording that matches
            std::vector<std::shared_ptr<const Regex>> unless; // spans blanked before matching words
        };
        Topic track_record, market_share;
        struct Check {
            bool enabled = false;
            Severity severity = Severity::error;
            std::vector<std::shared_ptr<const Regex>> words, unless;
            std::int64_t max_hundredths_percent = 0;  // deemed_points_share: 10 % is 1000
        };
        std::array<Check, lint_check_count> checks;
        const Check& check(LintCheck c) const { return checks[static_cast<std::size_t>(c)]; }
    };
    std::optional<Lint> lint;

    std::array<Message, code_count> messages;
    std::string accepted_issuers_text;  // "CN, CN-CQ", for messages

    bool deems(std::string_view kind) const;
    bool accepts_issuer(std::string_view issuer) const;
    const Message& message(Code c) const { return messages[static_cast<std::size_t>(c)]; }

    // Loads and checks a pack. Throws Error: IO, PARSE, or CONFIG with file, line and pointer
    // (schema violations, a missing message, an unknown {placeholder}).
    static Policy load(const std::filesystem::path& file);
    static Policy from_document(const SourceDocument& doc);
};

}  // namespace firstset
