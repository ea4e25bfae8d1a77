// A policy pack: one policy document's settings, citations and messages, read from YAML
// (criteria/policies/*.yaml). Nothing of a policy is in code that a pack can say; the code
// knows only the reason codes and which facts each message may mention.
//
// A Policy is immutable after loading and safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace firstset {

class SourceDocument;
class TextBuffer;

// Every reason and warning code the rules produce. Names are the stable codes of
// CONTRACT.md §5 and docs/abi.md.
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
    // Rule T: the proposal on a failure
    TOLERANCE_EXEMPT,
    AWARD_CONDITIONS_NOT_MET,
    AWARD_INFORMATION_MISSING,
    EXCLUSION_APPLIES,
    EXCLUSION_NOT_ESTABLISHED,
    FINAL_DIFFERS_FROM_PROPOSAL,
    count_
};
inline constexpr std::size_t code_count = static_cast<std::size_t>(Code::count_);

const char* code_name(Code c) noexcept;

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
    // The reason object's fixed JSON around the two texts, built once:
    //   {"code":"X","message_zh":"  ...  ","message_en":"  ...  ","clause":"..."
    std::string json_open, json_close;
};

enum class DeemedPoints { max, requirement };

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
