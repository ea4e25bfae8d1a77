#include "scoring.hpp"

#include <algorithm>
#include <charconv>

namespace host {

namespace {

// The plugin writes points as JSON numbers with at most two decimals; nlohmann reads a
// fraction as a double, whose shortest round-trip text is the literal again.
Rational points_of(const nlohmann::json& j) {
    if (j.is_number_unsigned()) return Rational(j.get<std::uint64_t>());
    if (j.is_number_integer()) return Rational(j.get<std::int64_t>());
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, j.get<double>(), std::chars_format::fixed);
    (void)ec;
    auto d = parse_decimal(std::string_view(buf, static_cast<std::size_t>(end - buf)));
    return d ? *d : Rational(0);
}

Rational band_points(const CriterionInfo& k, const Rational& value) {
    for (const Band& b : k.bands)
        if (value >= b.min) return b.points;
    return 0;
}

[[noreturn]] void missing(const TenderFile& t, const BidEntry& bid, const CriterionInfo& k, const std::string& what_en,
                          const std::string& what_zh) {
    throw InputError("bid " + bid.id + " has no " + what_en + " for criterion " + k.id + " (" + k.name + ")",
                     "投标 " + bid.id + " 缺少评审因素 " + k.id + "（" + k.name + "）的" + what_zh, t.file, bid.line);
}

}  // namespace

std::vector<BidResult> score_bids(const TenderFile& t, const std::vector<nlohmann::json>& responses) {
    std::vector<BidResult> results(t.bids.size());
    for (std::size_t b = 0; b < t.bids.size(); ++b) {
        BidResult& r = results[b];
        r.bid = &t.bids[b];
        r.response = responses[b];
        const auto& plugin_criteria = r.response.at("criteria");
        for (const CriterionInfo& k : t.criteria) {
            CriterionScore s;
            s.criterion = &k;
            for (const auto& pc : plugin_criteria)
                if (pc.at("id") == k.id) s.plugin = &pc;
            s.outcome = s.plugin ? s.plugin->at("outcome").get<std::string>() : "not_applicable";
            const bool deemed = s.outcome == "deemed_met";
            const auto ev = r.bid->evidence.find(k.id);
            if (!k.scored) {
                // Pass/fail: deemed met passes; otherwise the committee's finding decides.
                std::optional<bool> finding;
                if (ev != r.bid->evidence.end()) finding = ev->second.pass;
                if (deemed) {
                    s.pass = true;
                    s.pass_without_policy = finding.value_or(false);
                } else {
                    if (!finding) missing(t, *r.bid, k, "finding (evidence: {pass: true|false})", "评审结论（evidence: {pass: true|false}）");
                    s.pass = *finding;
                }
                if (!s.pass) {
                    r.valid = false;
                    r.failed.push_back(k.id);
                }
            } else if (k.kind == "price") {
                // filled in below, once the lowest valid price is known
            } else if (deemed) {
                s.points = points_of(s.plugin->at("points"));
                Rational evidence_points = 0;
                if (ev != r.bid->evidence.end() && ev->second.value) evidence_points = band_points(k, *ev->second.value);
                s.without_policy = evidence_points;
            } else if (!k.bands.empty()) {  // scored from evidence against the point bands
                if (ev == r.bid->evidence.end() || !ev->second.value)
                    missing(t, *r.bid, k, "evidence value (evidence: {value: N})", "证据数值（evidence: {value: N}）");
                s.points = band_points(k, *ev->second.value);
            } else {
                auto sc = r.bid->scores.find(k.id);
                if (sc == r.bid->scores.end()) missing(t, *r.bid, k, "experts' scores", "专家评分");
                Rational sum = 0;
                for (const auto& x : sc->second) sum += x;
                s.points = sum / static_cast<long>(sc->second.size());
            }
            r.criteria.push_back(std::move(s));
        }
    }

    // Price points: low-price priority against the lowest price among valid bids.
    std::optional<Rational> lowest;
    for (const auto& r : results)
        if (r.valid && (!lowest || r.bid->price < *lowest)) lowest = r.bid->price;
    for (auto& r : results) {
        for (auto& s : r.criteria) {
            if (s.criterion->scored && s.criterion->kind == "price")
                s.points = r.valid && lowest ? *lowest / r.bid->price * s.criterion->max_points : Rational(0);
            if (s.criterion->scored) {
                r.total += s.points;
                r.total_without_policy += s.without_policy ? *s.without_policy : s.points;
            }
        }
    }

    // Rank valid bids: total points, then lower price, then bid id.
    std::vector<BidResult*> order;
    for (auto& r : results)
        if (r.valid) order.push_back(&r);
    std::sort(order.begin(), order.end(), [](const BidResult* a, const BidResult* b) {
        if (a->total != b->total) return a->total > b->total;
        if (a->bid->price != b->bid->price) return a->bid->price < b->bid->price;
        return a->bid->id < b->bid->id;
    });
    for (std::size_t i = 0; i < order.size(); ++i) order[i]->rank = static_cast<int>(i + 1);
    std::stable_sort(results.begin(), results.end(), [](const BidResult& a, const BidResult& b) {
        if ((a.rank == 0) != (b.rank == 0)) return a.rank != 0;
        return a.rank < b.rank;
    });
    return results;
}

}  // namespace host
