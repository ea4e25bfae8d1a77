// The audit's model of tender wording (Rules L and L'): what words and phrasings mean, as terms
// found in one pass over a criterion's normalised text. The checks (lint.cpp) decide from the
// terms and where they stand — the same criterion, the same sentence — whether a criterion
// discriminates; a term alone decides nothing.
//
// Every term is a set of patterns (PCRE2 syntax). Hyperscan finds, in one pass over a text, which
// patterns may match (a prefilter: a looser form of each pattern, on bytes); PCRE2 then finds
// where, for those patterns only. Places come from a gazetteer of every provincial and prefecture-
// level division (gazetteer.inc, generated from Debian's iso-codes and the National Bureau of
// Statistics' division codes by tools/gazetteer/make_gazetteer.py), not from a typed list.
// A `not` term marks wording that looks like its term but is not (全国 beside a region, 设计寿命
// beside years of operation); a term's match that its `not` match overlaps is dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace firstset {
class Regex;
}

namespace firstset::lint {

#define FIRSTSET_LINT_TERMS(X)                                                                   \
    X(track_record)     /* past supply, projects, contracts, customers: the topic of Rule L */ \
    X(track_record_not)                                                                         \
    X(market_share)     /* market share and sales rankings */                                   \
    X(region)           /* a place or a region named as a limit */                              \
    X(region_not)                                                                               \
    X(industry)         /* an industry, sector or 系统 */                                       \
    X(industry_not)                                                                             \
    X(brand)            /* the same brand, model or maker */                                    \
    X(brand_not)                                                                                \
    X(customer)         /* the purchaser itself or named customers */                           \
    X(customer_not)                                                                             \
    X(tier)             /* a tier of customers: 三甲, central SOEs, government contracts */     \
    X(tier_not)                                                                                 \
    X(years)            /* years the equipment has operated */                                  \
    X(years_not)                                                                                \
    X(units)            /* units, amounts or customers sold */                                  \
    X(units_not)                                                                                \
    X(capacity)         /* an installed capacity (MWh, GW): units sold where track record is */ \
    X(scale)            /* capital, revenue, headcount, profit, tax, assets */                  \
    X(scale_not)                                                                                \
    X(presence)         /* an office, branch or registration in a region */                     \
    X(presence_not)                                                                             \
    X(award)            /* an award or honour of a region */                                    \
    X(award_not)                                                                                \
    X(lock_in)          /* a brand named, or compatibility with the installed one */            \
    X(exclusive)        /* a certificate only the purchaser's group or incumbents hold */       \
    X(exclusive_not)                                                                            \
    X(new_product)      /* new, prototype or first-use products excluded */                      \
    /* parts that compose() joins into the terms above */                                       \
    X(place)            /* a division of the gazetteer */                                       \
    X(region_suffix)    /* after a place: 内, 范围内, 各地级市, 的项目 */                        \
    X(here)             /* 本地, 项目所在地, a macro-region, 省内 */                             \
    X(presence_tail)    /* after a location: an office set up, a registration */                \
    X(presence_head)    /* before a location: 注册地在 */                                        \
    X(award_tail)       /* after a location: an award or honour */                             \
    X(heading_mix)      /* in a criterion's name: another topic beside track record */

enum class Term : std::uint8_t {
#define FIRSTSET_X(name) name,
    FIRSTSET_LINT_TERMS(FIRSTSET_X)
#undef FIRSTSET_X
        count_
};
inline constexpr std::size_t term_count = static_cast<std::size_t>(Term::count_);

// A term's match: byte offsets [from, to) in the scanned text.
struct Hit {
    Term term;
    std::uint32_t from, to;
};

// Every match of every term in a normalised text (normalise_wording: full-width forms to ASCII,
// letters lower case), ordered by start; overlapping matches of one term are merged into one,
// and those a look-alike (the term's `not`) overlaps are dropped. Thread-safe.
// REQUIRES: text is valid UTF-8 and shorter than 4 GiB.
std::vector<Hit> scan(std::string_view text);

// The same without Hyperscan's prefilter: every pattern searched with PCRE2 (slow). scan() must
// give the same; tests and the lint fuzz harness hold it to that.
std::vector<Hit> scan_every_pattern(std::string_view text);

// The look-alike term that cancels a term (region_not for region); none for terms without one.
std::optional<Term> not_of(Term t) noexcept;

// Appends every non-empty match of a pattern in text, left to right, as hits of a term (a policy
// pack's own words and exceptions are read with this too).
// REQUIRES: text is valid UTF-8.
void matches(const Regex& re, Term term, std::string_view text, std::vector<Hit>& hits);

// Builds the patterns (about 0.2 s, once per process; scan() does it on first use).
void prepare();

}  // namespace firstset::lint
