#include "evaluate/request.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "policy/policy.hpp"
#include "util/error.hpp"

namespace firstset {

namespace {

[[noreturn]] void schema_fail(std::string code, std::string en, std::string zh, std::string path) {
    throw Error(Status::schema, std::move(code), std::move(en), std::move(zh), Location{std::move(path), "", 0, 0});
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

// The number as written, recovered exactly: a double parsed with full precision prints back
// (shortest round trip) as the literal whenever the literal has at most 15 significant digits.
// `where` makes the JSON Pointer, only when it is needed for an error.
template <typename Where>
Points read_points(Json v, Where&& where) {
    char buf[64];
    std::string_view text;
    if (v.type() == JsonType::UINT64 || v.type() == JsonType::INT64) {  // the schema: >= 0
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_uint64().value_unsafe());
        (void)ec;
        text = std::string_view(buf, static_cast<std::size_t>(end - buf));
    } else {
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double().value_unsafe(), std::chars_format::fixed);
        (void)ec;
        text = std::string_view(buf, static_cast<std::size_t>(end - buf));
    }
    // text is now digits with an optional '.' (schema: 0 <= points <= 1000).
    std::int64_t whole = 0, frac = 0;
    std::size_t dot = text.find('.');
    std::string_view w = text.substr(0, dot);
    std::string_view f = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if (f.size() > 2)
        schema_fail("POINTS_PRECISION", "points have at most two decimal places; found " + std::string(text),
                    "分值最多保留两位小数，实际为 " + std::string(text), where());
    std::from_chars(w.data(), w.data() + w.size(), whole);
    if (!f.empty()) {
        std::from_chars(f.data(), f.data() + f.size(), frac);
        if (f.size() == 1) frac *= 10;
    }
    return Points{whole * 100 + frac};
}

Party read_party(Json v) {
    const auto [name, uscc] = members<2>(v, {"name", "uscc"});
    return Party{str(*name), str(*uscc)};
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

Tender read_tender(Json t, const Policy& policy, std::string_view base) {
    Tender tender;
    const auto [id, deadline, equivalence, item_list, criteria_list] =
        members<5>(t, {"id", "bid_deadline", "first_set_equivalence", "items", "criteria"});
    tender.id = str(*id);
    // The schema's date-time format has already checked the text, so this cannot fail.
    tender.evaluation_date = *china_date_of(str(*deadline));
    if (equivalence) tender.equivalence_declared = boolean(*equivalence);

    if (item_list) {
        tender.has_item_list = true;
        const JsonArray a = arr(*item_list);
        tender.items.reserve(a.size());
        std::size_t i = 0;
        for (Json item : a) {
            const std::string_view item_id = str(*member(item, "id"));
            for (std::size_t j = 0; j < tender.items.size(); ++j)
                if (tender.items[j] == item_id)
                    schema_fail("DUPLICATE_ID", "item id \"" + std::string(item_id) + "\" is used twice in the tender",
                                "招标文件中标的编号 \"" + std::string(item_id) + "\" 重复", pointer_of(base, "items", i, "id"));
            tender.items.push_back(item_id);
            ++i;
        }
    }

    const JsonArray criteria = arr(*criteria_list);
    tender.criteria.reserve(criteria.size());
    std::size_t i = 0;
    for (Json criterion : criteria) {
        const auto [c_id, c_name, c_kind, c_mode, c_max, c_requirement, c_items] = members<7>(
            criterion, {"id", "name", "kind", "mode", "max_points", "requirement_points", "items"});
        Criterion& k = tender.criteria.emplace_back();
        k.id = str(*c_id);
        for (std::size_t j = 0; j + 1 < tender.criteria.size(); ++j)
            if (tender.criteria[j].id == k.id)
                schema_fail("DUPLICATE_ID", "criterion id \"" + std::string(k.id) + "\" is used twice in the tender",
                            "招标文件中评审因素编号 \"" + std::string(k.id) + "\" 重复",
                            pointer_of(base, "criteria", i, "id"));
        if (c_name) k.name = str(*c_name);
        k.kind = str(*c_kind);
        k.scored = str(*c_mode) == "scored";
        k.deemed_kind = policy.deems(k.kind);
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
        if (k.scored && k.deemed_kind && policy.tendering.deemed_points == DeemedPoints::requirement &&
            !k.requirement_points)
            schema_fail("REQUIREMENT_POINTS_MISSING",
                        "policy " + policy.id + " gives deemed criteria their requirement points, and criterion " +
                            std::string(k.id) + " has no requirement_points",
                        "政策 " + policy.id + " 对视同满足的评审因素给予达标分，但评审因素 " + std::string(k.id) +
                            " 未给出 requirement_points",
                        pointer_of(base, "criteria", i, "requirement_points"));
        if (c_items) {
            const JsonArray a = arr(*c_items);
            k.items.reserve(a.size());
            std::size_t j = 0;
            for (Json entry : a) {
                const std::string_view item = str(entry);
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

EvaluateRequest read_evaluate_request(Json request, const Policy& policy) {
    EvaluateRequest r;
    const auto [tender, bid] = members<2>(request, {"tender", "bid"});
    r.tender = read_tender(*tender, policy, "/tender");
    const auto [bid_id, bidder, offer_list] = members<3>(*bid, {"id", "bidder", "offers"});
    r.bid.id = str(*bid_id);
    r.bid.bidder = read_party(*bidder);
    const JsonArray offers = arr(*offer_list);
    r.bid.offers.reserve(offers.size());
    std::size_t i = 0;
    for (Json o : offers) {
        const auto [o_item, o_product, o_model, o_manufacturer, o_certificate] =
            members<5>(o, {"item", "product", "model", "manufacturer", "first_set_certificate"});
        Offer& offer = r.bid.offers.emplace_back();
        offer.item = str(*o_item);
        if (r.tender.has_item_list &&
            std::find(r.tender.items.begin(), r.tender.items.end(), offer.item) == r.tender.items.end())
            schema_fail("UNKNOWN_ITEM",
                        "offer " + std::to_string(i) + " is for item \"" + std::string(offer.item) +
                            "\", which the tender does not list",
                        "第 " + std::to_string(i) + " 项报价对应的标的 \"" + std::string(offer.item) + "\" 不在招标文件的标的清单中",
                        pointer_of("/bid", "offers", i, "item"));
        if (o_product) offer.product = str(*o_product);
        offer.model = str(*o_model);
        offer.manufacturer = read_party(*o_manufacturer);
        if (o_certificate) offer.certificate = str(*o_certificate);
        ++i;
    }
    return r;
}

}  // namespace firstset
