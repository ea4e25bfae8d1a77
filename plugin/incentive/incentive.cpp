#include "incentive/incentive.hpp"

#include <algorithm>

#include "evaluate/provenance.hpp"
#include "evaluate/reasons.hpp"
#include "registry/registry.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/json_out.hpp"
#include "util/money.hpp"

namespace firstset::incentive {

CertificateFinding check_certificate(const Policy& policy, const Registry& registry, std::string_view id) {
    CertificateFinding out;
    const Certificate* cert = registry.find(id);
    out.certificate = cert;
    if (!cert) {
        out.reasons.push_back(Code::INCENTIVE_CERT_UNKNOWN);
        return out;
    }
    out.valid_from = cert->recognized_on;
    out.valid_until = cert->expiry(policy.tendering.validity_years);
    if (!policy.accepts_issuer(cert->issuer)) out.reasons.push_back(Code::INCENTIVE_ISSUER_NOT_ACCEPTED);
    if (policy.incentives && !policy.incentives->covers_entry_kind(entry_kind_name(cert->kind)))
        out.reasons.push_back(Code::INCENTIVE_KIND_NOT_COVERED);
    if (cert->status == CertificateStatus::revoked) out.reasons.push_back(Code::INCENTIVE_CERT_REVOKED);
    if (cert->status == CertificateStatus::suspended) out.reasons.push_back(Code::INCENTIVE_CERT_SUSPENDED);
    return out;
}

std::int64_t reward_ceiling_fen(std::int64_t paid_fen, std::int64_t percent, std::int64_t cap_fen, bool* capped) {
    // paid × percent is in 1/10000 of a fen; compared with the cap exactly, rounded once.
    const Wide exact = static_cast<Wide>(paid_fen) * percent;
    const Wide cap = static_cast<Wide>(cap_fen) * 10000;
    const bool over = exact > cap;
    if (capped) *capped = over;
    return static_cast<std::int64_t>(over ? cap_fen : divide_half_up(exact, 10000));
}

Reward first_purchase_reward(const Policy::Incentives::Reward& rules, const CertificateFinding& cert,
                             std::int64_t amount_paid_fen, Date paid_on) {
    Reward r;
    r.reasons = cert.reasons;
    if (cert.certificate) {  // Rule D on the payment date
        if (paid_on < cert.valid_from) r.reasons.push_back(Code::REWARD_PAID_BEFORE_VALIDITY);
        else if (paid_on >= cert.valid_until) r.reasons.push_back(Code::REWARD_PAID_AFTER_VALIDITY);
    }
    if (!r.reasons.empty()) return r;
    r.eligible = true;
    r.max_reward_fen = reward_ceiling_fen(amount_paid_fen, rules.percent, rules.cap_fen, &r.capped);
    // One reason states the ceiling: the percent of the amount paid, or, when that is more, the cap
    // (REWARD_CEILING would then call the cap "percent of the amount paid", which it is not).
    r.reasons.push_back(r.capped ? Code::REWARD_CAPPED : Code::REWARD_CEILING);
    return r;
}

Wide rate_for_display(std::int64_t premium_fen, std::int64_t insured_fen) {
    return divide_half_up(static_cast<Wide>(premium_fen) * 1'000'000, insured_fen);
}

std::vector<YearSubsidy> premium_subsidy(const Policy::Incentives::Subsidy& rules, const CertificateFinding& cert,
                                         const std::vector<InsuredYear>& years) {
    std::vector<YearSubsidy> out;
    out.reserve(years.size());
    const std::size_t last_level = rules.ratios.empty() ? 0 : rules.ratios.size() - 1;
    std::size_t level = 0;  // index into rules.ratios of the previous year's ratio
    bool broken = false;
    for (std::size_t i = 0; i < years.size(); ++i) {
        const InsuredYear& y = years[i];
        YearSubsidy& s = out.emplace_back();
        s.year = y.year;
        // The premium counted: the actual one, at most premium_rate_cap of the insured amount
        // (both in 1/10000 of a fen, exact).
        const Wide actual = static_cast<Wide>(y.premium_fen) * 10000;
        const Wide at_cap = static_cast<Wide>(y.insured_fen) * rules.premium_rate_cap;
        const Wide counted = std::min(actual, at_cap);
        s.counted_premium_fen = static_cast<std::int64_t>(divide_half_up(counted, 10000));
        if (!cert.accepted()) {
            s.reasons = cert.reasons;
            continue;
        }
        if (i > 0 && y.year != years[i - 1].year + 1) broken = true;  // a gap ends the series
        if (broken) {
            s.reasons.push_back(Code::SUBSIDY_SERIES_BROKEN);
            continue;
        }
        s.position = static_cast<int>(i) + 1;
        if (s.position > rules.max_years) {
            s.reasons.push_back(Code::SUBSIDY_YEARS_EXHAUSTED);
            continue;
        }
        Code why = Code::SUBSIDY_FIRST_YEAR;
        if (i == 0) {
            level = 0;
        } else if (years[i - 1].claim) {
            level = 0;
            why = Code::SUBSIDY_AFTER_CLAIM;
        } else {
            const std::size_t next = std::min(level + 1, last_level);
            const std::int64_t a = rules.ratios[level], b = rules.ratios[next];
            s.step_from = a;
            s.step_to = b;
            if (b < a) {
                why = Code::SUBSIDY_NO_CLAIM_STEP;
                // The exception: the actual premium rate fell from the previous year's by at least
                // the proportion (a - b) / a the ratio would fall: rate × a <= previous rate × b,
                // cross-multiplied so that nothing is divided. A previous rate of 0 cannot fall (the
                // proportion is undefined; 0 <= 0 would read "fell from 0 % to 0 %").
                s.fall_needed = static_cast<std::int64_t>(divide_half_up(static_cast<Wide>(a - b) * 1'000'000, a));
                const InsuredYear& p = years[i - 1];
                const Wide lhs = static_cast<Wide>(y.premium_fen) * p.insured_fen * a;
                const Wide rhs = static_cast<Wide>(p.premium_fen) * y.insured_fen * b;
                if (p.premium_fen > 0 && lhs <= rhs) {
                    level = 0;
                    why = Code::SUBSIDY_RATE_FELL;
                } else {
                    level = next;
                }
            } else {
                // No fall at this step (the last ratio of the ladder stays, or a pack's ladder
                // rises): there is no exception to check, and no rate comparison to state.
                why = Code::SUBSIDY_NO_CLAIM_NO_FALL;
                level = next;
            }
        }
        const Date first = Date::from_ymd({y.year, 1, 1}), last = Date::from_ymd({y.year, 12, 31});
        if (!(cert.valid_from <= last && first < cert.valid_until)) {
            // No ratio is applied: the ladder's reason would state one (it keeps its place in the series).
            s.reasons.push_back(Code::SUBSIDY_OUTSIDE_VALIDITY);
            continue;
        }
        s.reasons.push_back(why);
        s.ratio = rules.ratios[level];
        if (actual > at_cap) s.reasons.push_back(Code::SUBSIDY_RATE_CAPPED);
        // counted (1/10000 fen) × ratio (1/10000) is in 1/10^8 of a fen; capped exactly, rounded once.
        const Wide exact = counted * s.ratio;
        const Wide cap = static_cast<Wide>(rules.yearly_cap_fen) * 100'000'000;
        if (exact > cap) {
            s.subsidy_fen = rules.yearly_cap_fen;
            s.reasons.push_back(Code::SUBSIDY_YEAR_CAPPED);
        } else {
            s.subsidy_fen = static_cast<std::int64_t>(divide_half_up(exact, 100'000'000));
        }
    }
    return out;
}

// ---- the request ----

namespace {

[[noreturn]] void schema_fail(std::string code, std::string en, std::string zh, std::string path) {
    throw StatusError(Status::schema, std::move(code), std::move(en), std::move(zh), Location{std::move(path), "", 0, 0});
}

std::int64_t read_money(const json::Value& v, const std::string& pointer, bool positive) {
    const std::string_view text = v.str();
    const std::string shown(text.substr(0, 40));
    const MoneyText m = parse_money(text);
    using P = MoneyText::Problem;
    switch (m.problem) {
        case P::none: break;
        case P::format:
            schema_fail("MONEY_FORMAT",
                        pointer + ": an amount is a string of yuan with at most two decimals, such as \"2200000.00\"; found \"" + shown + "\"",
                        pointer + "：金额应为最多两位小数的元金额字符串，例如 \"2200000.00\"；实际为 \"" + shown + "\"", pointer);
        case P::negative:
            schema_fail("MONEY_NEGATIVE", pointer + ": an amount cannot be negative; found \"" + shown + "\"",
                        pointer + "：金额不能为负数；实际为 \"" + shown + "\"", pointer);
        case P::too_precise:
            schema_fail("MONEY_PRECISION",
                        pointer + ": an amount has at most two decimals (fen), it is never rounded; found \"" + shown + "\"",
                        pointer + "：金额最多两位小数（精确到分），不作舍入；实际为 \"" + shown + "\"", pointer);
        case P::too_large:
            schema_fail("MONEY_RANGE", pointer + ": an amount is at most 999999999999.99; found \"" + shown + "\"",
                        pointer + "：金额不能超过 999999999999.99；实际为 \"" + shown + "\"", pointer);
    }
    if (positive && m.fen == 0)
        schema_fail("MONEY_RANGE", pointer + ": the insured amount must be more than 0",
                    pointer + "：保险金额必须大于 0", pointer);
    return m.fen;
}

}  // namespace

Request read_request(const json::Value& root) {
    Request r;
    const auto [clause, certificate, policy, amount_paid, paid_on, years, talent] = json::members<7>(
        root, {"clause", "certificate", "policy", "amount_paid", "paid_on", "years", "national_talent_plan"});
    r.clause = clause->str() == "premium_subsidy" ? Request::Clause::premium_subsidy
                                                  : Request::Clause::first_purchase_reward;
    r.certificate = certificate->str();
    if (policy) r.policy = policy->str();
    if (talent) r.national_talent_plan = talent->boolean();
    if (r.clause == Request::Clause::first_purchase_reward) {
        r.amount_paid_fen = read_money(*amount_paid, "/amount_paid", false);
        r.paid_on = Date::parse(paid_on->str()).value();  // the schema's date format checked it
        return r;
    }
    std::size_t i = 0;
    for (const json::Value& y : years->items()) {
        const std::string at = "/years/" + std::to_string(i);
        const auto [year, premium, insured, claim] = json::members<4>(y, {"year", "premium", "insured_amount", "claim"});
        InsuredYear& out = r.years.emplace_back();
        out.year = static_cast<int>(year->int64());
        if (i > 0 && out.year <= r.years[i - 1].year)
            schema_fail("YEARS_ORDER",
                        at + "/year: the insured years are given in increasing order, each once; " + std::to_string(out.year) +
                            " follows " + std::to_string(r.years[i - 1].year),
                        at + "/year：投保年度应按递增顺序给出且不重复；" + std::to_string(out.year) + " 位于 " +
                            std::to_string(r.years[i - 1].year) + " 之后",
                        at + "/year");
        out.premium_fen = read_money(*premium, at + "/premium", false);
        out.insured_fen = read_money(*insured, at + "/insured_amount", true);
        out.claim = claim->boolean();
        ++i;
    }
    return r;
}

// ---- the response ----

namespace {

// {"code", "message_zh", "message_en", "clause"}: the clause the message names, else the one asked about.
void write_reason(JsonOut& w, const Policy& policy, Code code, const Facts& facts, const std::string& citation) {
    const Message& m = policy.message(code);
    w.begin_object();
    w.field("code", EscapedText{code_name(code)});
    w.field_with("message_zh", [&](TextBuffer& out) { m.zh.append_json(facts, out); });
    w.field_with("message_en", [&](TextBuffer& out) { m.en.append_json(facts, out); });
    if (m.clause_given) w.field("clause", EscapedText{m.clause_escaped});
    else w.field("clause", citation);
    w.end_object();
}

// n / d in per cent (n × 100 / d), to four decimals: exact ("1.75") when it has at most four,
// else rounded half up and marked "≈" ("≈14.2857"), so that a rounded figure is never read as the
// exact one the rule compared. REQUIRES: n >= 0, d > 0.
std::string percent_of(Wide n, Wide d) {
    const Wide scaled = n * 1'000'000;
    return (scaled % d == 0 ? "" : "≈") + format_scaled(divide_half_up(scaled, d), 4);
}

// An exact product in 1/10000 of a fen as yuan: two decimals like every amount, more only when the
// product has them ("5000000.001"), never rounded.
std::string exact_yuan(Wide ten_thousandths_of_fen) {
    if (ten_thousandths_of_fen % 10000 == 0) return format_fen(static_cast<std::int64_t>(ten_thousandths_of_fen / 10000));
    return format_scaled(ten_thousandths_of_fen, 6);
}

void write_certificate(JsonOut& w, const Request& request, const CertificateFinding& cert) {
    w.begin_object("certificate");
    w.field("id", request.certificate);
    w.field("known", cert.certificate != nullptr);
    w.field("accepted", cert.accepted());
    if (cert.certificate) {
        w.field("issuer", cert.certificate->issuer);
        w.field("product", cert.certificate->product);
        w.field("valid_from", cert.valid_from.to_string());
        w.field("valid_until", cert.valid_until.to_string());
    }
    w.end_object();
}

}  // namespace

void respond(JsonOut& w, const Policy& policy, const Registry& registry, const Request& request) {
    const CertificateFinding cert = check_certificate(policy, registry, request.certificate);
    EscapedFacts esc;
    Facts f{};
    const std::string registry_text = registry.id() + " " + registry.version();
    const std::string from = cert.certificate ? cert.valid_from.to_string() : std::string();
    const std::string until = cert.certificate ? cert.valid_until.to_string() : std::string();
    set(f, Fact::certificate, esc(request.certificate));
    set(f, Fact::registry, esc(registry_text));
    set(f, Fact::accepted_issuers, esc(policy.accepted_issuers_text));
    set(f, Fact::accepted_kinds, policy.incentives->entry_kinds_text);
    if (const Certificate* c = cert.certificate) {
        set(f, Fact::issuer, c->issuer);
        set(f, Fact::valid_from, from);
        set(f, Fact::valid_until, until);
        set(f, Fact::entry_kind, entry_kind_name(c->kind));
        set(f, Fact::certified_product, esc(c->product));
        set(f, Fact::holder, esc(c->holder_name));
    }

    // What both answers begin with: the clause, its citation, the pack and registry relied on, the certificate.
    auto write_head = [&](JsonOut& out, std::string_view clause, const std::string& citation) {
        out.field("clause", clause);
        out.field("citation", citation);
        out.key("policy");
        write_policy_ref(out, policy);
        out.key("registry");
        write_registry_ref(out, registry);
        write_certificate(out, request, cert);
    };
    w.begin_object();
    if (request.clause == Request::Clause::first_purchase_reward) {
        const Policy::Incentives::Reward& rules = *policy.incentives->first_purchase_reward;
        const Reward r = first_purchase_reward(rules, cert, request.amount_paid_fen, request.paid_on);
        const std::string paid = format_fen(request.amount_paid_fen), paid_on = request.paid_on.to_string();
        const std::string max = format_fen(r.max_reward_fen), percent = format_scaled(rules.percent, 2),
                          cap = format_fen(rules.cap_fen),
                          uncapped = exact_yuan(static_cast<Wide>(request.amount_paid_fen) * rules.percent);
        set(f, Fact::amount_paid, paid);
        set(f, Fact::uncapped, uncapped);
        set(f, Fact::paid_on, paid_on);
        set(f, Fact::amount, max);
        set(f, Fact::percent, percent);
        set(f, Fact::cap, cap);
        write_head(w, "first_purchase_reward", rules.citation);
        w.field("amount_paid", paid);
        w.field("paid_on", paid_on);
        w.field("eligible", r.eligible);
        w.field("max_reward", max);
        w.field("percent", percent);
        w.field("cap", cap);
        w.begin_array("reasons");
        for (Code c : r.reasons) write_reason(w, policy, c, f, rules.citation);
        w.end_array();
        w.end_object();
        return;
    }

    const Policy::Incentives::Subsidy& rules = *policy.incentives->premium_subsidy;
    const std::vector<YearSubsidy> result = premium_subsidy(rules, cert, request.years);
    const std::string cap = format_fen(rules.yearly_cap_fen), rate_cap = format_scaled(rules.premium_rate_cap, 2),
                      max_years = std::to_string(rules.max_years);
    set(f, Fact::cap, cap);
    set(f, Fact::rate_cap_percent, rate_cap);
    set(f, Fact::max_years, max_years);
    write_head(w, "premium_subsidy", rules.citation);
    w.field("eligible", cert.accepted());
    std::int64_t total = 0;
    w.begin_array("years");
    for (std::size_t i = 0; i < result.size(); ++i) {
        const YearSubsidy& s = result[i];
        const InsuredYear& y = request.years[i];
        total += s.subsidy_fen;  // at most 50 years of at most max_money_fen: no overflow
        Facts yf = f;
        const std::string year = std::to_string(y.year), premium = format_fen(y.premium_fen),
                          insured = format_fen(y.insured_fen), counted = format_fen(s.counted_premium_fen),
                          amount = format_fen(s.subsidy_fen), percent = format_scaled(s.ratio, 2),
                          rate = percent_of(y.premium_fen, y.insured_fen),
                          step_from = format_scaled(s.step_from, 2), step_to = format_scaled(s.step_to, 2),
                          fall = s.step_from > s.step_to ? percent_of(s.step_from - s.step_to, s.step_from) : "0";
        std::string previous_year, previous_rate;
        if (i > 0) {
            previous_year = std::to_string(request.years[i - 1].year);
            previous_rate = percent_of(request.years[i - 1].premium_fen, request.years[i - 1].insured_fen);
        }
        set(yf, Fact::year, year);
        set(yf, Fact::previous_year, previous_year);
        set(yf, Fact::premium, premium);
        set(yf, Fact::insured_amount, insured);
        set(yf, Fact::counted_premium, counted);
        set(yf, Fact::amount, amount);
        set(yf, Fact::percent, percent);
        set(yf, Fact::premium_rate, rate);
        set(yf, Fact::previous_rate, previous_rate);
        set(yf, Fact::fall_percent, fall);
        set(yf, Fact::step_from_percent, step_from);
        set(yf, Fact::step_to_percent, step_to);
        w.begin_object();
        w.field("year", y.year);
        if (s.position > 0) w.field("position", s.position);
        else w.field("position", nullptr);
        w.field("rate_percent", percent);
        w.field("premium", premium);
        w.field("insured_amount", insured);
        w.field("claim", y.claim);
        w.field("counted_premium", counted);
        w.field("subsidy", amount);
        w.begin_array("reasons");
        for (Code c : s.reasons) write_reason(w, policy, c, yf, rules.citation);
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.field("total", format_fen(total));
    w.begin_array("reasons");
    for (Code c : cert.reasons) write_reason(w, policy, c, f, rules.citation);
    if (request.national_talent_plan) write_reason(w, policy, Code::SUBSIDY_TALENT_PLAN_TIE, f, rules.citation);
    w.end_array();
    w.end_object();
}

}  // namespace firstset::incentive
