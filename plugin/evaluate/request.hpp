// The evaluate request as plain values: a tender (its items and criteria) and one bid (its
// offers and the certificates they claim). Strings view the parsed request document, which
// must outlive these values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/civil_date.hpp"
#include "util/json.hpp"

namespace firstset {

struct Policy;

// Points as an exact decimal: hundredths of a point. Tenders give points with at most two
// decimal places; anything finer is refused (POINTS_PRECISION), never rounded.
struct Points {
    std::int64_t hundredths = 0;
    std::string to_string() const;  // "10", "6.5", "2.35"
    friend bool operator==(Points a, Points b) { return a.hundredths == b.hundredths; }
};

struct Party {
    std::string_view name;
    std::string_view uscc;
};

struct Criterion {
    std::string_view id, name, kind;
    bool scored = false;  // mode: scored; else pass_fail
    bool deemed_kind = false;  // the policy deems criteria of this kind (Rule E): set by check_against
    std::optional<Points> max_points, requirement_points;
    std::vector<std::string_view> items;  // empty: every offered item
};

struct Tender {
    std::string_view id;
    // What selects a policy pack (PolicySet::select_for): where the tender is and who buys.
    std::string_view jurisdiction;         // ISO 3166-2, e.g. CN-CQ; empty when not given
    std::string_view purchaser_ownership;  // state_owned | state_controlled | private | ...; empty when not given
    Date evaluation_date;  // Rule D: bid deadline's calendar date at UTC+08:00
    bool equivalence_declared = false;
    bool has_item_list = false;
    std::vector<std::string_view> items;
    std::vector<Criterion> criteria;
};

struct Offer {
    std::string_view item, product, model;
    Party manufacturer;
    std::optional<std::string_view> certificate;
};

struct Bid {
    std::string_view id;
    Party bidder;
    std::vector<Offer> offers;
};

struct EvaluateRequest {
    Tender tender;
    Bid bid;
};

// Reads a request that has passed schema validation, and checks what a schema cannot and no
// policy is needed for: unique ids, item references, points precision. Throws StatusError(SCHEMA)
// with the JSON Pointer at fault. The values choose the pack (PolicySet::select_for); then
// check_against checks them against it.
EvaluateRequest read_evaluate_request(const json::Value& request);
Tender read_tender(const json::Value& tender, std::string_view pointer);
// The bid of a request, its offers checked against the tender's items.
Bid read_bid(const json::Value& bid, const Tender& tender, std::string_view pointer);

// The tender under the pack chosen for it: marks the criteria of the kinds the pack deems
// (Rule E) and requires requirement points where the pack gives deemed criteria those.
// Throws StatusError(SCHEMA, REQUIREMENT_POINTS_MISSING) with the pointer under `pointer`.
void check_against(const Policy& policy, Tender& tender, std::string_view pointer);

}  // namespace firstset
