#include "tolerance/rule_t.hpp"

#include "registry/registry.hpp"
#include "util/error.hpp"

namespace firstset::tolerance {

// ---- shortfalls --------------------------------------------------------------------------

std::string Shortfall::text() const {
    std::string s(code_name(code));
    if (!item.empty()) (s += ':') += item;
    return s;
}

std::optional<Shortfall> Shortfall::parse(std::string_view text) {
    const auto colon = text.find(':');
    const std::optional<Code> code = code_from_name(text.substr(0, colon));
    if (!code || code_group(*code) != CodeGroup::tolerance) return std::nullopt;
    Shortfall s{*code, colon == std::string_view::npos ? std::string() : std::string(text.substr(colon + 1))};
    const bool per_item = *code == Code::PROCEDURE_NOT_COMPLETED || *code == Code::PROCEDURE_NOT_REPORTED;
    if (per_item == s.item.empty()) return std::nullopt;
    return s;
}

// ---- the award -----------------------------------------------------------------------------

std::optional<bool> Award::reported(std::string_view item) const {
    for (const auto& [name, done] : procedure)
        if (name == item) return done;
    return std::nullopt;
}

Award read_award(const json::Value& request) {
    const auto [tender, bid, purchaser, date, method, procedure] = json::members<6>(
        request, {"tender", "bid", "purchaser", "award_date", "procurement_method", "procedure"});
    Award a{lint::read_input(*tender, "/tender"), {}, (*purchaser)["ownership"].str(),
            Date::parse(date->str()).value(),  // the schema's date format: a real date
            date->str(), method->str(), {}};
    a.bid = read_bid(*bid, a.tender.tender, "/bid");
    for (const json::Member& m : procedure->members())
        if (m.value.is_bool()) a.procedure.emplace_back(m.name(), m.value.boolean());
    return a;
}

Assessment assess(const Policy& policy, const Registry& registry, const Award& award) {
    const Policy::Tolerance& tol = *policy.tolerance;
    Assessment a;
    a.as_of = award.date;
    a.policy_id = policy.id;
    a.ownership = std::string(award.ownership);
    a.state_owned = award.ownership != "private";
    if (!a.state_owned) a.failed.push_back({Code::PURCHASER_NOT_STATE_OWNED, {}});
    const std::vector<Offer>& offers = award.bid.offers;
    for (std::uint32_t i = 0; i < offers.size(); ++i) {
        if (!offers[i].certificate) continue;
        CertificateCheck check = check_certificate(policy, registry, offers[i], *offers[i].certificate, award.date);
        check.offer = i;
        if (!check.accepted()) a.failed.push_back({Code::CERTIFICATE_NOT_ACCEPTED_AT_AWARD, {}});
        a.certificates.push_back(std::move(check));
    }
    if (a.certificates.empty()) a.failed.push_back({Code::NO_FIRST_SET_CERTIFICATE, {}});
    a.method = std::string(award.method);
    a.method_allowed = tol.allows_method(award.method);
    if (!a.method_allowed) a.failed.push_back({Code::METHOD_NOT_ALLOWED, {}});
    for (const std::string& item : tol.procedure_items) {
        const std::optional<bool> done = award.reported(item);
        if (!done) a.missing.push_back({Code::PROCEDURE_NOT_REPORTED, item});
        else if (!*done) a.failed.push_back({Code::PROCEDURE_NOT_COMPLETED, item});
        a.procedure.push_back({item, done});
    }
    // The tender's evaluation method, audited under the same pack (Rule L).
    if (policy.lint) {
        a.lint = lint::run(policy, award.tender);
        if (!a.lint->passed()) a.failed.push_back({Code::LINT_ERRORS_AT_AWARD, {}});
    } else {
        a.missing.push_back({Code::LINT_NOT_AVAILABLE, {}});
    }
    return a;
}

Assessment read_assessment(const json::Value& body, std::uint64_t seq) {
    auto unreadable = [&]() -> StatusError {
        return StatusError(Status::integrity, "AWARD_RECORD_UNREADABLE",
                     "award record " + std::to_string(seq) + " has no readable assessment",
                     "第 " + std::to_string(seq) + " 条授标记录的评估内容无法读取");
    };
    const json::Value* assessment = body.is_object() ? body.find("assessment") : nullptr;
    if (!assessment || !assessment->is_object()) throw unreadable();
    const json::Value& v = *assessment;
    auto member = [&](std::string_view name, bool (json::Value::*is)() const) -> const json::Value& {
        const json::Value* m = v.find(name);
        if (!m || !(m->*is)()) throw unreadable();
        return *m;
    };
    Assessment a;
    const auto as_of = Date::parse(member("as_of", &json::Value::is_string).str());
    if (!as_of) throw unreadable();
    a.as_of = *as_of;
    const json::Value* policy_id = member("policy", &json::Value::is_object).find("id");
    if (!policy_id || !policy_id->is_string()) throw unreadable();
    a.policy_id = std::string(policy_id->str());
    const json::Value& purchaser = member("purchaser", &json::Value::is_object);
    const json::Value *ownership = purchaser.find("ownership"), *state_owned = purchaser.find("state_owned");
    if (!ownership || !ownership->is_string() || !state_owned || !state_owned->is_bool()) throw unreadable();
    a.ownership = std::string(ownership->str());
    a.state_owned = state_owned->boolean();
    const json::Value& method = member("procurement_method", &json::Value::is_object);
    const json::Value *value = method.find("value"), *allowed = method.find("allowed");
    if (!value || !value->is_string() || !allowed || !allowed->is_bool()) throw unreadable();
    a.method = std::string(value->str());
    a.method_allowed = allowed->boolean();
    for (const json::Value& step : member("procedure", &json::Value::is_array).items()) {
        const json::Value* item = step.is_object() ? step.find("item") : nullptr;
        const json::Value* done = step.is_object() ? step.find("done") : nullptr;
        if (!item || !item->is_string() || !done || !(done->is_bool() || done->is_null())) throw unreadable();
        a.procedure.push_back({std::string(item->str()), done->is_bool() ? std::optional<bool>(done->boolean()) : std::nullopt});
    }
    for (auto [name, list] : {std::pair{"failed", &a.failed}, std::pair{"missing", &a.missing}})
        for (const json::Value& text : member(name, &json::Value::is_array).items()) {
            const auto s = text.is_string() ? Shortfall::parse(text.str()) : std::nullopt;
            if (!s) throw unreadable();
            list->push_back(*s);
        }
    if (member("conditions_met", &json::Value::is_bool).boolean() != a.conditions_met()) throw unreadable();
    return a;
}

// ---- the decision --------------------------------------------------------------------------

std::string_view decision_name(Decision d) noexcept {
    switch (d) {
        case Decision::exempt: return "exempt";
        case Decision::not_exempt: return "not_exempt";
        case Decision::review: return "review";
    }
    return "review";
}

std::optional<Decision> decision_from(std::string_view name) noexcept {
    for (Decision d : {Decision::exempt, Decision::not_exempt, Decision::review})
        if (decision_name(d) == name) return d;
    return std::nullopt;
}

DecisionRequest read_decision(const json::Value& request) {
    const auto [award, failure, exclusions, final, final_reason] =
        json::members<5>(request, {"award", "failure", "exclusions", "final", "final_reason"});
    DecisionRequest d;
    if (award) d.award = award->str();      // a case's stages name the case, not these
    if (failure) d.failure = failure->str();
    for (const json::Member& m : exclusions->members())
        if (m.value.is_bool()) d.exclusions.emplace_back(m.name(), m.value.boolean());
    if (final && final->is_string()) d.final = decision_from(final->str());  // the schema: exempt | not_exempt
    if (final_reason) d.final_reason = final_reason->str();
    return d;
}

std::optional<std::string_view> failure_report_award(const json::Value& body) {
    const json::Value* award = body.is_object() ? body.find("award") : nullptr;
    if (!award || !award->is_string()) return std::nullopt;
    return award->str();
}

Proposal propose(const Policy::Tolerance& tolerance, const Assessment& award, const DecisionRequest& request) {
    Proposal p;
    bool excluded = false, unknown = false;
    for (const auto& [key, label] : tolerance.exclusions) {
        std::optional<bool> established;
        for (const auto& [given, applies] : request.exclusions)
            if (given == key) established = applies;
        if (!established) {
            p.exclusions.push_back({Code::EXCLUSION_NOT_ESTABLISHED, &label});
            unknown = true;
        } else if (*established) {
            p.exclusions.push_back({Code::EXCLUSION_APPLIES, &label});
            excluded = true;
        }
    }
    p.conditions_failed = !award.failed.empty();
    p.information_missing = !award.missing.empty();
    p.proposed = excluded || p.conditions_failed ? Decision::not_exempt
                 : unknown || p.information_missing ? Decision::review
                                                    : Decision::exempt;
    p.final_differs = request.final && *request.final != p.proposed;
    return p;
}

}  // namespace firstset::tolerance
