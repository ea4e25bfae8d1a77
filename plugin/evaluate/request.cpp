#include "evaluate/request.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "policy/policy.hpp"
#include "util/decimal.hpp"
#include "util/error.hpp"

namespace firstset {

namespace {

[[noreturn]] void schema_fail(std::string code, std::string en, std::string zh, std::string path) {
    throw StatusError(Status::schema, std::move(code), std::move(en), std::move(zh), Location{std::move(path), "", 0, 0});
}

std::string pointer_of(std::string_view base, std::string_view a) {
    std::string p(base);
    append_pointer_token(p, a);
    return p;
}

std::string pointer_of(std::string_view base, std::string_view a, std::size_t i) {
    std::string p = pointer_of(base, a);
    append_pointer_token(p, i);
    return p;
}

std::string pointer_of(std::string_view base, std::string_view a, std::size_t i, std::string_view b) {
    std::string p = pointer_of(base, a, i);
    append_pointer_token(p, b);
    return p;
}

// Points exactly as written (the number's text, never a double): "6.5", "10", "1e1" and "6.50"
// are exact hundredths; "6.505" or "1e-320" has more than two decimal places and is refused
// (POINTS_PRECISION), never rounded. `where` makes the JSON Pointer, only for an error.
template <typename Where>
Points read_points(const json::Value& v, Where&& where) {
    const std::string_view text = v.literal();
    const ScaledDecimal d = scaled_decimal(text, 2);
    if (d.problem == ScaledDecimal::Problem::too_precise)
        schema_fail("POINTS_PRECISION", "points have at most two decimal places; found " + std::string(text.substr(0, 40)),
                    "分值最多保留两位小数，实际为 " + std::string(text.substr(0, 40)), where());
    if (d.problem != ScaledDecimal::Problem::none || d.units < 0)
        schema_fail("POINTS_RANGE", "points must be a number from 0 to 1000; found " + std::string(text.substr(0, 40)),
                    "分值须为 0 至 1000 之间的数，实际为 " + std::string(text.substr(0, 40)), where());
    return Points{d.units};
}

// A party: the USCC may be absent for a manufacturer (Rule C5'), then it is empty.
Party read_party(const json::Value& v) {
    const auto [name, uscc] = json::members<2>(v, {"name", "uscc"});
    return Party{name->str(), uscc ? uscc->str() : std::string_view()};
}

}  // namespace

std::string Points::to_string() const {
    std::string s = std::to_string(hundredths / 100);
    const auto frac = hundredths % 100;
    if (frac != 0) {
        s.push_back('.');
        s.push_back(static_cast<char>('0' + frac / 10));
        if (frac % 10 != 0) s.push_back(static_cast<char>('0' + frac % 10));
    }
    return s;
}

Tender read_tender(const json::Value& t, std::string_view base) {
    Tender tender;
    const auto [id, deadline, equivalence, item_list, criteria_list, jurisdiction, purchaser] = json::members<7>(
        t, {"id", "bid_deadline", "first_set_equivalence", "items", "criteria", "jurisdiction", "purchaser"});
    tender.id = id->str();
    if (jurisdiction) tender.jurisdiction = jurisdiction->str();
    if (purchaser)
        if (const json::Value* ownership = purchaser->find("ownership")) tender.purchaser_ownership = ownership->str();
    // The schema's date-time format has already checked the text, so this cannot fail.
    tender.evaluation_date = china_date_of(deadline->str()).value();
    if (equivalence) tender.equivalence_declared = equivalence->boolean();

    if (item_list) {
        tender.has_item_list = true;
        const json::Span<json::Value> a = item_list->items();
        tender.items.reserve(a.size());
        std::size_t i = 0;
        for (const json::Value& item : a) {
            const std::string_view item_id = item["id"].str();
            for (std::size_t j = 0; j < tender.items.size(); ++j)
                if (tender.items[j] == item_id)
                    schema_fail("DUPLICATE_ID", "item id \"" + std::string(item_id) + "\" is used twice in the tender",
                                "招标文件中标的编号 \"" + std::string(item_id) + "\" 重复", pointer_of(base, "items", i, "id"));
            tender.items.push_back(item_id);
            ++i;
        }
    }

    const json::Span<json::Value> criteria = criteria_list->items();
    tender.criteria.reserve(criteria.size());
    std::size_t i = 0;
    for (const json::Value& criterion : criteria) {
        const auto [c_id, c_name, c_kind, c_mode, c_max, c_requirement, c_items] = json::members<7>(
            criterion, {"id", "name", "kind", "mode", "max_points", "requirement_points", "items"});
        Criterion& k = tender.criteria.emplace_back();
        k.id = c_id->str();
        for (std::size_t j = 0; j + 1 < tender.criteria.size(); ++j)
            if (tender.criteria[j].id == k.id)
                schema_fail("DUPLICATE_ID", "criterion id \"" + std::string(k.id) + "\" is used twice in the tender",
                            "招标文件中评审因素编号 \"" + std::string(k.id) + "\" 重复",
                            pointer_of(base, "criteria", i, "id"));
        if (c_name) k.name = c_name->str();
        k.kind = c_kind->str();
        k.scored = c_mode->str() == "scored";
        if (c_max) k.max_points = read_points(*c_max, [&] { return pointer_of(base, "criteria", i, "max_points"); });
        if (c_requirement)
            k.requirement_points =
                read_points(*c_requirement, [&] { return pointer_of(base, "criteria", i, "requirement_points"); });
        if (k.max_points && k.requirement_points && k.requirement_points->hundredths > k.max_points->hundredths)
            schema_fail("POINTS_ABOVE_MAX",
                        "requirement_points " + k.requirement_points->to_string() + " exceed max_points " +
                            k.max_points->to_string(),
                        "达标分 " + k.requirement_points->to_string() + " 超过满分 " + k.max_points->to_string(),
                        pointer_of(base, "criteria", i, "requirement_points"));
        if (c_items) {
            const json::Span<json::Value> a = c_items->items();
            k.items.reserve(a.size());
            std::size_t j = 0;
            for (const json::Value& entry : a) {
                const std::string_view item = entry.str();
                if (tender.has_item_list &&
                    std::find(tender.items.begin(), tender.items.end(), item) == tender.items.end())
                    schema_fail("UNKNOWN_ITEM",
                                "criterion " + std::string(k.id) + " names item \"" + std::string(item) +
                                    "\", which the tender does not list",
                                "评审因素 " + std::string(k.id) + " 引用的标的 \"" + std::string(item) + "\" 不在招标文件的标的清单中",
                                pointer_of(pointer_of(base, "criteria", i, "items"), std::to_string(j)));
                k.items.push_back(item);
                ++j;
            }
        }
        ++i;
    }
    return tender;
}

void check_against(const Policy& policy, Tender& tender, std::string_view base) {
    for (std::size_t i = 0; i < tender.criteria.size(); ++i) {
        Criterion& k = tender.criteria[i];
        k.deemed_kind = policy.deems(k.kind);
        if (k.scored && k.deemed_kind && policy.tendering.deemed_points == DeemedPoints::requirement &&
            !k.requirement_points)
            schema_fail("REQUIREMENT_POINTS_MISSING",
                        "policy " + policy.id + " gives deemed criteria their requirement points, and criterion " +
                            std::string(k.id) + " has no requirement_points",
                        "政策 " + policy.id + " 对视同满足的评审因素给予达标分，但评审因素 " + std::string(k.id) +
                            " 未给出 requirement_points",
                        pointer_of(base, "criteria", i, "requirement_points"));
    }
}

Bid read_bid(const json::Value& bid, const Tender& tender, std::string_view base) {
    Bid b;
    const auto [bid_id, bidder, offer_list] = json::members<3>(bid, {"id", "bidder", "offers"});
    b.id = bid_id->str();
    b.bidder = read_party(*bidder);
    const json::Span<json::Value> offers = offer_list->items();
    b.offers.reserve(offers.size());
    std::size_t i = 0;
    for (const json::Value& o : offers) {
        const auto [o_item, o_product, o_model, o_manufacturer, o_certificate] =
            json::members<5>(o, {"item", "product", "model", "manufacturer", "first_set_certificate"});
        Offer& offer = b.offers.emplace_back();
        offer.item = o_item->str();
        if (tender.has_item_list && std::find(tender.items.begin(), tender.items.end(), offer.item) == tender.items.end())
            schema_fail("UNKNOWN_ITEM",
                        "offer " + std::to_string(i) + " is for item \"" + std::string(offer.item) +
                            "\", which the tender does not list",
                        "第 " + std::to_string(i) + " 项报价对应的标的 \"" + std::string(offer.item) + "\" 不在招标文件的标的清单中",
                        pointer_of(base, "offers", i, "item"));
        if (o_product) offer.product = o_product->str();
        offer.model = o_model->str();
        offer.manufacturer = read_party(*o_manufacturer);
        if (o_certificate) offer.certificate = o_certificate->str();
        ++i;
    }
    return b;
}

EvaluateRequest read_evaluate_request(const json::Value& request) {
    EvaluateRequest r;
    const auto [tender, bid] = json::members<2>(request, {"tender", "bid"});
    r.tender = read_tender(*tender, "/tender");
    r.bid = read_bid(*bid, r.tender, "/bid");
    return r;
}

}  // namespace firstset
