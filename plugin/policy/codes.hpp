// Every reason code, lint check and message fact, each declared once, here. The enums, the
// names, which facts a code's message may mention, which rule gives it (its group), the lint
// checks and their codes, and the list of checks in schemas/policy.schema.json all come from
// these tables (the schema's list is checked against them by a test that prints the entry to
// add). Adding a reason code is one line below plus its message in every pack under
// criteria/policies/ (a test checks every pack has a message for every code).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace firstset {

// The facts a message may mention, written {name} in a pack's message text.
#define FIRSTSET_FACTS(X)                                                                   \
    X(certificate)        /* certificate id */                                              \
    X(item)               /* tender item id */                                              \
    X(issuer)             /* certificate issuer */                                          \
    X(accepted_issuers)   /* the pack's accepted issuers, comma-separated */                \
    X(registry)           /* registry id and version */                                     \
    X(valid_from)         /* YYYY-MM-DD */                                                  \
    X(valid_until)        /* YYYY-MM-DD, exclusive */                                       \
    X(evaluation_date)    /* YYYY-MM-DD */                                                  \
    X(holder)             /* holder name */                                                 \
    X(holder_uscc)                                                                          \
    X(manufacturer)       /* offered manufacturer name */                                   \
    X(manufacturer_uscc)                                                                    \
    X(offered_model)                                                                        \
    X(certified_model)                                                                      \
    X(criterion)          /* criterion id */                                                \
    X(criterion_name)                                                                       \
    X(kind)               /* criterion kind */                                              \
    X(points)             /* points awarded */                                              \
    X(certificates)       /* certificate ids relied on, comma-separated */                  \
    X(covered)            /* number of concerned offers with an accepted certificate */     \
    X(concerned)          /* number of offers the criterion concerns */                     \
    X(codes)              /* reason codes of a rejected certificate, comma-separated */     \
    X(uscc)               /* a USCC */                                                      \
    X(path)               /* JSON Pointer in the request */                                 \
    X(award_date)         /* YYYY-MM-DD */                                                  \
    X(ownership)          /* state_owned | state_controlled | central_soe | government | private */       \
    X(procurement_method)                                                                   \
    X(allowed_methods)    /* the pack's procurement methods, comma-separated */             \
    X(procedure_item)                                                                       \
    X(exclusion_zh)       /* an exclusion's label from the pack, in Chinese */              \
    X(exclusion_en)       /* and in English */                                              \
    X(proposed)           /* exempt | not_exempt | review */                                \
    X(final_decision)     /* exempt | not_exempt */                                         \
    X(final_reason)       /* the authority's written reason */                              \
    X(tender)             /* tender id */                                                   \
    X(matched)            /* the words of a criterion a lint check found */                 \
    X(criteria)           /* criterion ids, comma-separated */                              \
    X(total_points)       /* the points of every scored criterion together */               \
    X(share_percent)      /* a part of total_points, in per cent (exact to two decimals) */ \
    X(max_percent)        /* the pack's limit for that share */                             \
    X(certified_product)  /* the product name the registry entry certifies */              \
    X(offered_product)    /* the product name the offer gives */                            \
    X(entry_kind)         /* a registry entry's kind: equipment | material | software */    \
    X(accepted_kinds)     /* the entry kinds the pack deems, comma-separated */             \
    X(deemed_until)       /* YYYY-MM-DD, exclusive: the end of the pack's deeming window */ \
    X(stage_zh)           /* a case stage's label from the pack, in Chinese */             \
    X(stage_en)           /* and in English */                                             \
    X(other_stage_zh)     /* the stage it is compared with, in Chinese */                  \
    X(other_stage_en)     /* and in English */                                             \
    X(stage_date)         /* YYYY-MM-DD: the date a stage was done */                      \
    X(due_date)           /* YYYY-MM-DD: the last day the pack allows for it */           \
    X(limit_days)         /* the pack's time limit in calendar days */                     \
    X(days_late)          /* calendar days after the due date */                          \
    X(limits_source_zh)   /* where the pack's time limits come from, in Chinese */        \
    X(limits_source_en)   /* and in English */                                             \
    X(procedure_item_zh)  /* a procedure item's label from the pack (else its key), in Chinese */ \
    X(procedure_item_en)  /* and in English */                                             \
    X(case_id)            /* a tolerance-of-failure case's id (its application record's id) */ \
    X(proposed_zh)        /* the proposal in words (予以容错免责 …), Chinese */            \
    X(proposed_en)        /* and English */                                                 \
    X(final_decision_zh)  /* the final decision in words, Chinese */                        \
    X(final_decision_en)  /* and English */                                                 \
    /* Rules R and S (clauses （一）（二）): amounts are exact, "2200000.00"; percents exact, "12.5" */ \
    X(amount_paid)        /* Rule R: the amount actually paid */                            \
    X(paid_on)            /* Rule R: YYYY-MM-DD, the payment date */                        \
    X(amount)             /* the result: the reward ceiling, or a year's subsidy */         \
    X(percent)            /* the pack's percent the message applies (30; 80, 70 or 60) */   \
    X(cap)                /* the pack's cap in CNY ("5000000.00") */                        \
    X(year)               /* Rule S: the insured year */                                    \
    X(previous_year)                                                                        \
    X(premium)            /* Rule S: the actual premium of the year */                      \
    X(insured_amount)                                                                       \
    X(counted_premium)    /* the premium counted after the pack's premium-rate cap */       \
    X(rate_cap_percent)   /* the pack's premium-rate cap (3) */                             \
    X(max_years)          /* the pack's limit of continuous years (3) */                    \
    X(premium_rate)       /* this year's actual premium rate, in per cent (4 places) */     \
    X(previous_rate)      /* the previous year's, the same way */                           \
    X(fall_percent)       /* the fall of the subsidy ratio the exception needs, per cent ("≈14.2857" when rounded) */ \
    X(uncapped)           /* Rule R: the pack's percent of the amount paid, exactly, before the cap */ \
    X(step_from_percent)  /* Rule S: the ratio of the ladder a year without a claim steps from */ \
    X(step_to_percent)    /* and the ratio it steps to (ratios_percent) */

// The reason and warning codes of rules C, D, E and T: X(NAME, group, facts its message may use...).
// Names are the stable codes of docs/contract.md section 5 and docs/abi.md. Group: which rule
// gives it (tendering: C, D, E and the warnings, always; tolerance: T, with a pack's tolerance
// section).
#define FIRSTSET_CERTIFICATE_FACTS                                                                          \
    certificate, item, issuer, accepted_issuers, registry, valid_from, valid_until, evaluation_date, holder, \
        holder_uscc, manufacturer, manufacturer_uscc, offered_model, certified_model, certified_product,     \
        offered_product, entry_kind, accepted_kinds, deemed_until
#define FIRSTSET_CRITERION_FACTS criterion, criterion_name, kind, evaluation_date
// Rules R and S: the certificate an incentive rests on; a year of the premium subsidy.
#define FIRSTSET_INCENTIVE_FACTS certificate, issuer, accepted_issuers, registry, valid_from, valid_until, entry_kind, \
    accepted_kinds, certified_product, holder
#define FIRSTSET_SUBSIDY_FACTS                                                                                 \
    FIRSTSET_INCENTIVE_FACTS, year, previous_year, premium, insured_amount, counted_premium, amount, percent,  \
        cap, rate_cap_percent, max_years, premium_rate, previous_rate, fall_percent, step_from_percent,       \
        step_to_percent
#define FIRSTSET_CODES(X)                                                                                      \
    /* Rule C: certificate checks */                                                                           \
    X(CERT_UNKNOWN, tendering, certificate, item, registry, evaluation_date, offered_model, manufacturer,      \
      manufacturer_uscc)                                                                                       \
    X(ISSUER_NOT_ACCEPTED, tendering, FIRSTSET_CERTIFICATE_FACTS)                                              \
    X(CERT_REVOKED, tendering, FIRSTSET_CERTIFICATE_FACTS)                                                     \
    X(CERT_SUSPENDED, tendering, FIRSTSET_CERTIFICATE_FACTS)                                                   \
    X(CERT_NOT_YET_VALID, tendering, FIRSTSET_CERTIFICATE_FACTS)                                               \
    X(CERT_EXPIRED, tendering, FIRSTSET_CERTIFICATE_FACTS)                                                     \
    X(MANUFACTURER_MISMATCH, tendering, FIRSTSET_CERTIFICATE_FACTS)                                            \
    X(MODEL_MISMATCH, tendering, FIRSTSET_CERTIFICATE_FACTS)                                                   \
    /* Rule D': valid, but past the pack's deeming window; an entry of a kind the pack does not deem */       \
    X(DEEMED_WINDOW_PASSED, tendering, FIRSTSET_CERTIFICATE_FACTS)                                             \
    X(ENTRY_KIND_NOT_DEEMED, tendering, FIRSTSET_CERTIFICATE_FACTS)                                            \
    /* Rule E: criterion outcomes */                                                                           \
    X(FIRST_SET_DEEMED, tendering, FIRSTSET_CRITERION_FACTS, points, certificates, covered, concerned)         \
    X(PARTIAL_COVERAGE, tendering, FIRSTSET_CRITERION_FACTS, certificates, covered, concerned)                 \
    X(CERTIFICATE_REJECTED, tendering, FIRSTSET_CRITERION_FACTS, certificate, item, codes)                     \
    X(NOT_CLAIMED, tendering, FIRSTSET_CRITERION_FACTS)                                                        \
    X(KIND_NOT_DEEMED, tendering, FIRSTSET_CRITERION_FACTS)                                                    \
    /* warnings */                                                                                             \
    X(USCC_CHECKSUM, tendering, uscc, path)                                                                    \
    X(EQUIVALENCE_NOT_DECLARED, tendering, evaluation_date)                                                    \
    /* warnings on an accepted certificate from a published list (Rules C5', C6') */                         \
    X(HOLDER_MATCHED_BY_NAME, tendering, FIRSTSET_CERTIFICATE_FACTS, path)                                     \
    X(MODEL_NOT_LISTED, tendering, FIRSTSET_CERTIFICATE_FACTS, path)                                           \
    /* Rule T: the conditions of an award, as of its date */                                                   \
    X(AWARD_CONDITIONS_MET, tolerance, award_date, procurement_method, certificates)                          \
    X(PURCHASER_NOT_STATE_OWNED, tolerance, award_date, ownership)                                             \
    X(NO_FIRST_SET_CERTIFICATE, tolerance, award_date)                                                         \
    X(CERTIFICATE_NOT_ACCEPTED_AT_AWARD, tolerance, award_date, certificate, item, codes)                      \
    X(METHOD_NOT_ALLOWED, tolerance, award_date, procurement_method, allowed_methods)                          \
    X(PROCEDURE_NOT_COMPLETED, tolerance, award_date, procedure_item, procedure_item_zh, procedure_item_en)                                       \
    X(PROCEDURE_NOT_REPORTED, tolerance, award_date, procedure_item, procedure_item_zh, procedure_item_en)                                        \
    X(LINT_NOT_AVAILABLE, tolerance, award_date)                                                               \
    X(LINT_ERRORS_AT_AWARD, tolerance, award_date, codes)                                                      \
    /* Rule T: the proposal on a failure */                                                                    \
    X(TOLERANCE_EXEMPT, tolerance, award_date)                                                                 \
    X(AWARD_CONDITIONS_NOT_MET, tolerance, award_date)                                                         \
    X(AWARD_INFORMATION_MISSING, tolerance, award_date)                                                        \
    X(EXCLUSION_APPLIES, tolerance, award_date, exclusion_zh, exclusion_en)                                    \
    X(EXCLUSION_NOT_ESTABLISHED, tolerance, award_date, exclusion_zh, exclusion_en)                            \
    X(FINAL_DIFFERS_FROM_PROPOSAL, tolerance, award_date, proposed, final_decision, final_reason, proposed_zh,    \
      proposed_en, final_decision_zh, final_decision_en)             \
    /* Rule T': the stages of a tolerance-of-failure case */                                                  \
    X(STAGE_OUT_OF_ORDER, tolerance, award_date, stage_zh, stage_en, other_stage_zh, other_stage_en, stage_date) \
    X(STAGE_SKIPPED, tolerance, award_date, stage_zh, stage_en, other_stage_zh, other_stage_en, stage_date)   \
    X(STAGE_OVERDUE, tolerance, award_date, stage_zh, stage_en, other_stage_zh, other_stage_en, stage_date,   \
      due_date, limit_days, days_late, limits_source_zh, limits_source_en)                                     \
    X(STAGE_DATE_BEFORE_PREVIOUS, tolerance, award_date, stage_zh, stage_en, other_stage_zh, other_stage_en,  \
      stage_date)                                                                                              \
    X(NOTICE_WITHOUT_EXEMPTION, tolerance, award_date, stage_zh, stage_en, stage_date)                         \
    X(CASE_ALREADY_OPEN, tolerance, award_date, stage_zh, stage_en, stage_date, case_id)                       \
    /* Rules R and S: the certificate behind an incentive (Rule C items 1 to 4, Rule D) */                     \
    X(INCENTIVE_CERT_UNKNOWN, incentive, FIRSTSET_INCENTIVE_FACTS)                                             \
    X(INCENTIVE_ISSUER_NOT_ACCEPTED, incentive, FIRSTSET_INCENTIVE_FACTS)                                      \
    X(INCENTIVE_CERT_REVOKED, incentive, FIRSTSET_INCENTIVE_FACTS)                                             \
    X(INCENTIVE_CERT_SUSPENDED, incentive, FIRSTSET_INCENTIVE_FACTS)                                           \
    X(INCENTIVE_KIND_NOT_COVERED, incentive, FIRSTSET_INCENTIVE_FACTS)                                         \
    /* Rule R: the first-purchase reward, clause （一） */                                                     \
    X(REWARD_CEILING, incentive, FIRSTSET_INCENTIVE_FACTS, amount_paid, paid_on, amount, percent, cap)        \
    X(REWARD_CAPPED, incentive, FIRSTSET_INCENTIVE_FACTS, amount_paid, paid_on, amount, percent, cap, uncapped) \
    X(REWARD_PAID_BEFORE_VALIDITY, incentive, FIRSTSET_INCENTIVE_FACTS, amount_paid, paid_on)                 \
    X(REWARD_PAID_AFTER_VALIDITY, incentive, FIRSTSET_INCENTIVE_FACTS, amount_paid, paid_on)                  \
    /* Rule S: the premium subsidy, clause （二）, per insured year */                                         \
    X(SUBSIDY_FIRST_YEAR, incentive, FIRSTSET_SUBSIDY_FACTS)                                                   \
    X(SUBSIDY_NO_CLAIM_STEP, incentive, FIRSTSET_SUBSIDY_FACTS)                                                \
    X(SUBSIDY_NO_CLAIM_NO_FALL, incentive, FIRSTSET_SUBSIDY_FACTS)                                             \
    X(SUBSIDY_RATE_FELL, incentive, FIRSTSET_SUBSIDY_FACTS)                                                    \
    X(SUBSIDY_AFTER_CLAIM, incentive, FIRSTSET_SUBSIDY_FACTS)                                                  \
    X(SUBSIDY_RATE_CAPPED, incentive, FIRSTSET_SUBSIDY_FACTS)                                                  \
    X(SUBSIDY_YEAR_CAPPED, incentive, FIRSTSET_SUBSIDY_FACTS)                                                  \
    X(SUBSIDY_YEARS_EXHAUSTED, incentive, FIRSTSET_SUBSIDY_FACTS)                                              \
    X(SUBSIDY_SERIES_BROKEN, incentive, FIRSTSET_SUBSIDY_FACTS)                                                \
    X(SUBSIDY_OUTSIDE_VALIDITY, incentive, FIRSTSET_SUBSIDY_FACTS)                                             \
    X(SUBSIDY_TALENT_PLAN_TIE, incentive, FIRSTSET_INCENTIVE_FACTS)

// The checks of Rule L, each with its code (group lint: given when a pack's lint section lists
// the check): X(check, CODE, schema definition in policy.schema.json, facts its message may use...).
#define FIRSTSET_LINT_WORDING_FACTS tender, criterion, criterion_name, kind, matched
#define FIRSTSET_LINT_CHECKS(X)                                                                               \
    X(deemed_without_equivalence, DEEMED_CRITERION_WITHOUT_EQUIVALENCE, check, FIRSTSET_LINT_WORDING_FACTS)   \
    X(region, TRACK_RECORD_REGION, word_check, FIRSTSET_LINT_WORDING_FACTS)                                   \
    X(industry, TRACK_RECORD_INDUSTRY, word_check, FIRSTSET_LINT_WORDING_FACTS)                               \
    X(brand, TRACK_RECORD_BRAND, word_check, FIRSTSET_LINT_WORDING_FACTS)                                     \
    X(customer, TRACK_RECORD_CUSTOMER, word_check, FIRSTSET_LINT_WORDING_FACTS)                               \
    X(years_in_service, YEARS_IN_SERVICE, word_check, FIRSTSET_LINT_WORDING_FACTS)                            \
    X(units_sold, UNITS_SOLD, word_check, FIRSTSET_LINT_WORDING_FACTS)                                        \
    X(scale, SCALE_CONDITION, word_check, FIRSTSET_LINT_WORDING_FACTS)                                        \
    X(score_by_market_share, SCORE_BY_MARKET_SHARE, check, FIRSTSET_LINT_WORDING_FACTS, points)              \
    X(deemed_points_share, DEEMED_POINTS_SHARE, share_check, tender, criteria, points, total_points,          \
      share_percent, max_percent)                                                                             \
    X(remote_control, REMOTE_CONTROL_REQUIREMENT_MISSING, stated_check, tender)                               \
    X(data_locality, DATA_LOCALITY_REQUIREMENT_MISSING, stated_check, tender)                                 \
    /* Rule L' */                                                                                             \
    X(customer_tier, CUSTOMER_TIER, word_check, FIRSTSET_LINT_WORDING_FACTS)                                  \
    X(local_presence, LOCAL_PRESENCE, word_check, FIRSTSET_LINT_WORDING_FACTS)                                \
    X(regional_award, REGIONAL_AWARD, word_check, FIRSTSET_LINT_WORDING_FACTS)                                \
    X(brand_lock_in, BRAND_LOCK_IN, word_check, FIRSTSET_LINT_WORDING_FACTS)                                  \
    X(exclusive_certificate, EXCLUSIVE_CERTIFICATE, word_check, FIRSTSET_LINT_WORDING_FACTS)                  \
    X(new_product_excluded, NEW_PRODUCT_EXCLUDED, word_check, FIRSTSET_LINT_WORDING_FACTS)

enum class Fact : std::uint8_t {
#define FIRSTSET_X(name) name,
    FIRSTSET_FACTS(FIRSTSET_X)
#undef FIRSTSET_X
        count_
};
inline constexpr std::size_t fact_count = static_cast<std::size_t>(Fact::count_);
static_assert(fact_count <= 128, "a code's facts are a 128-bit set");

enum class Code : std::uint8_t {
#define FIRSTSET_X(name, ...) name,
    FIRSTSET_CODES(FIRSTSET_X)
#undef FIRSTSET_X
#define FIRSTSET_X(check, name, ...) name,
    FIRSTSET_LINT_CHECKS(FIRSTSET_X)
#undef FIRSTSET_X
        count_
};
inline constexpr std::size_t code_count = static_cast<std::size_t>(Code::count_);

enum class LintCheck : std::uint8_t {
#define FIRSTSET_X(check, ...) check,
    FIRSTSET_LINT_CHECKS(FIRSTSET_X)
#undef FIRSTSET_X
        count_
};
inline constexpr std::size_t lint_check_count = static_cast<std::size_t>(LintCheck::count_);

// Which rule gives a code: C, D and E (and the warnings) always; T only with a pack's tolerance
// section; L only for the checks a pack's lint section turns on; R and S (incentive) only with a
// pack's incentives section. A pack needs messages for exactly the codes its rules can give (and
// may carry others).
enum class CodeGroup : std::uint8_t { tendering, tolerance, lint, incentive };

// A set of facts, as bits (two words: there are more than 64 facts).
struct FactSet {
    std::uint64_t word[2] = {0, 0};
    constexpr bool has(unsigned bit) const noexcept { return (word[bit / 64] >> (bit % 64)) & 1; }
    constexpr void add(unsigned bit) noexcept { word[bit / 64] |= std::uint64_t{1} << (bit % 64); }
};

namespace codes_detail {

// The fact names as constants, so that the tables above can list them bare.
namespace facts {
#define FIRSTSET_X(name) inline constexpr Fact name = Fact::name;
FIRSTSET_FACTS(FIRSTSET_X)
#undef FIRSTSET_X
}  // namespace facts

constexpr FactSet fact_set(std::initializer_list<Fact> list) {
    FactSet s;
    for (Fact f : list) s.add(static_cast<unsigned>(f));
    return s;
}

struct CodeInfo {
    std::string_view name;
    CodeGroup group;
    FactSet facts;
};

using namespace facts;
inline constexpr std::array<CodeInfo, code_count> code_table = {{
#define FIRSTSET_X(name, group, ...) {#name, CodeGroup::group, fact_set({__VA_ARGS__})},
    FIRSTSET_CODES(FIRSTSET_X)
#undef FIRSTSET_X
#define FIRSTSET_X(check, name, definition, ...) {#name, CodeGroup::lint, fact_set({__VA_ARGS__})},
    FIRSTSET_LINT_CHECKS(FIRSTSET_X)
#undef FIRSTSET_X
}};

inline constexpr std::array<std::string_view, fact_count> fact_names = {{
#define FIRSTSET_X(name) #name,
    FIRSTSET_FACTS(FIRSTSET_X)
#undef FIRSTSET_X
}};

struct LintCheckInfo {
    Code code;
    std::string_view definition;  // the check's definition in policy.schema.json
};
inline constexpr std::array<LintCheckInfo, lint_check_count> lint_check_table = {{
#define FIRSTSET_X(check, name, definition, ...) {Code::name, #definition},
    FIRSTSET_LINT_CHECKS(FIRSTSET_X)
#undef FIRSTSET_X
}};

}  // namespace codes_detail

constexpr std::string_view code_name(Code c) noexcept {
    const auto i = static_cast<std::size_t>(c);
    return i < code_count ? codes_detail::code_table[i].name : std::string_view("UNKNOWN");
}
constexpr CodeGroup code_group(Code c) noexcept { return codes_detail::code_table[static_cast<std::size_t>(c)].group; }
constexpr FactSet facts_of(Code c) noexcept { return codes_detail::code_table[static_cast<std::size_t>(c)].facts; }
constexpr bool may_mention(Code c, Fact f) noexcept { return facts_of(c).has(static_cast<unsigned>(f)); }
constexpr std::string_view fact_name(Fact f) noexcept { return codes_detail::fact_names[static_cast<std::size_t>(f)]; }
constexpr Code code_of(LintCheck c) noexcept { return codes_detail::lint_check_table[static_cast<std::size_t>(c)].code; }
// The definition policy.schema.json gives the check's settings (check, word_check, share_check).
constexpr std::string_view schema_definition_of(LintCheck c) noexcept {
    return codes_detail::lint_check_table[static_cast<std::size_t>(c)].definition;
}

// The lint check a code reports; nullopt for codes of other rules.
constexpr std::optional<LintCheck> lint_check_of(Code c) noexcept {
    for (std::size_t i = 0; i < lint_check_count; ++i)
        if (codes_detail::lint_check_table[i].code == c) return static_cast<LintCheck>(i);
    return std::nullopt;
}

std::optional<Code> code_from_name(std::string_view name) noexcept;
std::optional<Fact> fact_from_name(std::string_view name) noexcept;

}  // namespace firstset
