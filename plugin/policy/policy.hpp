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

#include "policy/codes.hpp"

namespace firstset {

class Regex;
class SourceDocument;
class TextBuffer;

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
    bool clause_given = false;   // the pack's message names its clause (else the rule's default)
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
        // Rule D': a deeming window shorter than validity, in years from recognition; none: deemed
        // for as long as the certificate is valid (an explicit valid_until included).
        std::optional<int> deemed_years;
        std::vector<std::string> deemed_entry_kinds = {"equipment", "material", "software"};
        std::string deemed_entry_kinds_text;  // "equipment, material", for messages
        // Procurement methods the policy allows for buying first-set products besides open
        // tender (SASAC 2024: negotiation, direct_purchase); empty when it says none. Reported
        // with the policy in every evaluation, for the platform to offer.
        std::vector<std::string> procurement_methods;
        bool deems_entry_kind(std::string_view kind) const;
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
        // How people read each procedure item (committee_formed: 依法组建评标委员会); an item
        // without one is shown by its key.
        std::vector<std::pair<std::string, Label>> procedure_labels;
        bool allows_method(std::string_view m) const;
        const Label* procedure_label(std::string_view item) const;

        // Rule T': the stages of a tolerance-of-failure case, in order, and their time limits.
        struct Stage {
            std::string name;   // application | investigation | decision | feedback | correction | notice
            Label label;
            std::string after;  // the stage (or "failure_report") its time limit counts from
            int within_days = 0;  // 0: no time limit
            bool required = true;        // expected in every case (false: only when needed)
            bool only_if_exempt = false; // only after a final decision to exempt
        };
        struct Case {
            std::vector<Stage> stages;
            Label limits_source;  // where the time limits come from, for messages and dossiers
            const Stage* stage(std::string_view name) const;
        };
        std::optional<Case> case_stages;
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
            std::vector<std::shared_ptr<const Regex>> words;  // and wording that matches (besides the built-in)
            std::vector<std::shared_ptr<const Regex>> unless; // matches they overlap do not count
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

    // Rules R and S (clauses （一）（二） of 渝经信规范〔2024〕9号): the pack's numbers for the
    // first-purchase reward and the insurance premium subsidy. Every number is the pack's; a
    // message citing one says so. Percents in hundredths of a per cent (30 % is 3000), money in fen.
    struct Incentives {
        // The registry entry kinds an incentive is for (default: tendering.deemed_entry_kinds).
        std::vector<std::string> entry_kinds;
        std::string entry_kinds_text;
        struct Reward {
            std::string clause, citation;
            std::int64_t percent = 0;  // of the amount actually paid
            std::int64_t cap_fen = 0;  // per award
        };
        std::optional<Reward> first_purchase_reward;
        struct Subsidy {
            std::string clause, citation;
            // The subsidy ratios: [0] the base (first year, after a claim, and where the premium
            // rate fell enough), then each step down after a year without a claim (80, 70, 60).
            std::vector<std::int64_t> ratios;
            std::int64_t premium_rate_cap = 0;  // the premium counts at most at this rate of the insured amount
            std::int64_t yearly_cap_fen = 0;    // per product and year
            int max_years = 0;                  // continuous insured years
        };
        std::optional<Subsidy> premium_subsidy;
        bool covers_entry_kind(std::string_view kind) const;
    };
    std::optional<Incentives> incentives;

    std::array<Message, code_count> messages;
    std::string accepted_issuers_text;  // "CN, CN-CQ", for messages

    bool deems(std::string_view kind) const;
    bool accepts_issuer(std::string_view issuer) const;
    const Message& message(Code c) const { return messages[static_cast<std::size_t>(c)]; }

    // Loads and checks a pack. Throws StatusError: IO, PARSE, or CONFIG with file, line and pointer
    // (schema violations, a missing message, an unknown {placeholder}).
    static Policy load(const std::filesystem::path& file);
    static Policy from_document(const SourceDocument& doc);
};

}  // namespace firstset
