#include "tolerance/records.hpp"

#include <algorithm>

#include "evaluate/provenance.hpp"
#include "evaluate/reasons.hpp"
#include "lint/lint.hpp"
#include "registry/registry.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"

namespace firstset {

namespace {

const char* status_text(CertificateStatus s) {
    switch (s) {
        case CertificateStatus::valid: return "valid";
        case CertificateStatus::revoked: return "revoked";
        case CertificateStatus::suspended: return "suspended";
    }
    return "valid";
}

std::string join_codes(const ShortList<Code>& codes) {
    std::string s;
    for (Code c : codes) s += (s.empty() ? "" : ", ") + std::string(code_name(c));
    return s;
}

// The request as given, compact, with members added before its closing brace.
std::string body_with(const json::Value& request, std::string_view extra_members) {
    std::string body = request.to_json();
    body.pop_back();  // '}'
    body += extra_members;
    body += '}';
    return body;
}

void write_record_ref(JsonOut& w, const ledger::Appended& a, std::string_view kind) {
    w.key("record");
    w.begin_object();
    w.key("id");
    w.string(a.id);
    w.key("seq");
    w.number(static_cast<std::int64_t>(a.seq));
    w.key("kind");
    w.string(kind);
    w.end_object();
}

[[noreturn]] void not_found(std::string_view id, std::string_view pointer, std::string_view what_en,
                            std::string_view what_zh) {
    throw Error(Status::not_found, "RECORD_NOT_FOUND",
                "there is no " + std::string(what_en) + " record " + std::string(id) + " in the ledger",
                "账本中没有编号为 " + std::string(id) + " 的" + std::string(what_zh) + "记录",
                Location{std::string(pointer), "", 0, 0});
}

[[noreturn]] void wrong_kind(std::string_view id, std::string_view kind, std::string_view pointer,
                             std::string_view want) {
    throw Error(Status::schema, "RECORD_KIND_MISMATCH",
                "record " + std::string(id) + " is a " + std::string(kind) + " record, not " + std::string(want),
                "记录 " + std::string(id) + " 是 " + std::string(kind) + " 记录，而不是 " + std::string(want) + " 记录",
                Location{std::string(pointer), "", 0, 0});
}

// ---- award ----------------------------------------------------------------------------

void record_award(const RecordContext& c, const json::Value& request, TextBuffer& response) {
    const auto [tender_v, purchaser, award_date_v, method_v, procedure_v] =
        json::members<5>(request, {"tender", "purchaser", "award_date", "procurement_method", "procedure"});
    const std::string_view ownership = (*purchaser)["ownership"].str();
    // The pack for the award's tender; the award's purchaser when the tender names none.
    const Policy& policy = c.policies.select_for(*tender_v, "/tender", ownership);
    if (!policy.tolerance)
        throw Error(Status::config, "POLICY_NO_TOLERANCE",
                    "policy " + policy.id + " has no tolerance section, so awards cannot be assessed",
                    "政策 " + policy.id + " 没有容错（tolerance）设置，无法评估授标记录");
    const Policy::Tolerance& tol = *policy.tolerance;
    const EvaluateRequest parsed = read_evaluate_request(request, policy);
    const std::string award_date_text(award_date_v->str());
    const Date award_date = Date::parse(award_date_text).value();  // schema: a real date
    const std::string_view method = method_v->str();

    // Conditions, procedures and standards as of the award date.
    std::vector<std::string> failed, missing;
    const bool state_owned = ownership != "private";
    if (!state_owned) failed.emplace_back("PURCHASER_NOT_STATE_OWNED");
    std::vector<CertificateCheck> checks;
    for (std::uint32_t i = 0; i < parsed.bid.offers.size(); ++i) {
        const Offer& offer = parsed.bid.offers[i];
        if (!offer.certificate) continue;
        CertificateCheck check = check_certificate(policy, c.registry, offer, *offer.certificate, award_date);
        check.offer = i;
        if (!check.accepted()) failed.emplace_back("CERTIFICATE_NOT_ACCEPTED_AT_AWARD");
        checks.push_back(std::move(check));
    }
    if (checks.empty()) failed.emplace_back("NO_FIRST_SET_CERTIFICATE");
    const bool method_allowed = tol.allows_method(method);
    if (!method_allowed) failed.emplace_back("METHOD_NOT_ALLOWED");
    std::vector<std::optional<bool>> done;
    for (const auto& item : tol.procedure_items) {
        std::optional<bool> d;
        if (auto v = procedure_v->find(item); v && v->is_bool()) d = v->boolean();
        if (!d) missing.push_back("PROCEDURE_NOT_REPORTED:" + item);
        else if (!*d) failed.push_back("PROCEDURE_NOT_COMPLETED:" + item);
        done.push_back(d);
    }
    // The tender's evaluation method, audited under the same pack (Rule L).
    std::optional<lint::Input> lint_input;
    lint::Result lint_result;
    std::string lint_errors;
    if (policy.lint) {
        lint_input = lint::read_input(*tender_v, policy, "/tender");
        lint_result = lint::run(policy, *lint_input);
        for (const lint::Finding& finding : lint_result.findings)
            if (finding.severity == Severity::error) {
                const std::string code = code_name(code_of(finding.check));
                if (lint_errors.find(code) == std::string::npos) lint_errors += (lint_errors.empty() ? "" : ", ") + code;
            }
        if (!lint_result.passed()) failed.emplace_back("LINT_ERRORS_AT_AWARD");
    } else {
        missing.emplace_back("LINT_NOT_AVAILABLE");
    }
    const bool conditions_met = failed.empty() && missing.empty();

    // The assessment, as JSON: the same text goes into the record and the response.
    TextBuffer a;
    JsonOut w(a);
    EscapedFacts esc;
    ReasonWriter reasons(w, policy);
    w.begin_object();
    w.key("as_of");
    w.string(award_date_text);
    w.key("policy");
    write_policy_ref(w, policy);
    w.key("registry");
    write_registry_ref(w, c.registry);
    w.key("purchaser");
    w.begin_object();
    w.key("ownership");
    w.string(ownership);
    w.key("state_owned");
    w.boolean(state_owned);
    w.end_object();
    // The certificates as they stood on the award date, with what the registry said of them.
    w.key("certificates");
    w.begin_array();
    std::string certificates_text;
    for (const CertificateCheck& check : checks) {
        const Offer& offer = parsed.bid.offers[check.offer];
        const Certificate* cert = check.certificate;
        if (check.accepted()) certificates_text += (certificates_text.empty() ? "" : ", ") + std::string(*offer.certificate);
        w.begin_object();
        write_certificate_check_members(w, offer, check);
        w.key("codes");
        w.begin_array();
        for (Code code : check.reasons) w.string(code_name(code));
        w.end_array();
        if (cert) {
            w.key("issuer");
            w.string(cert->issuer);
            w.key("product");
            w.string(cert->product);
            w.key("model");
            w.string(cert->model);
            w.key("holder");
            w.begin_object();
            w.key("name");
            w.string(cert->holder_name);
            w.key("uscc");
            w.string(cert->holder_uscc);
            w.end_object();
            w.key("status");
            w.string(status_text(cert->status));
            w.key("valid_from");
            w.string(check.valid_from.to_string());
            w.key("valid_until");
            w.string(check.valid_until.to_string());
            if (!cert->catalogue.empty()) {
                w.key("catalogue");
                w.string(cert->catalogue);
            }
        }
        w.end_object();
    }
    w.end_array();
    w.key("procurement_method");
    w.begin_object();
    w.key("value");
    w.string(method);
    w.key("allowed");
    w.boolean(method_allowed);
    w.end_object();
    w.key("procedure");
    w.begin_array();
    for (std::size_t i = 0; i < tol.procedure_items.size(); ++i) {
        w.begin_object();
        w.key("item");
        w.string(tol.procedure_items[i]);
        w.key("done");
        if (done[i]) w.boolean(*done[i]);
        else w.null();
        w.end_object();
    }
    w.end_array();
    w.key("lint");
    if (lint_input) {
        w.begin_object();
        w.key("passed");
        w.boolean(lint_result.passed());
        w.key("errors");
        w.number(static_cast<std::int64_t>(lint_result.errors));
        w.key("warnings");
        w.number(static_cast<std::int64_t>(lint_result.warnings));
        w.key("findings");
        lint::write_findings(w, policy, *lint_input, lint_result);
        w.end_object();
    } else {
        w.null();
    }
    w.key("failed");
    w.begin_array();
    for (const auto& f : failed) w.string(f);
    w.end_array();
    w.key("missing");
    w.begin_array();
    for (const auto& m : missing) w.string(m);
    w.end_array();
    w.key("conditions_met");
    w.boolean(conditions_met);
    w.key("reasons");
    w.begin_array();
    Facts f{};
    set(f, Fact::award_date, award_date_text);
    set(f, Fact::ownership, ownership);  // schema: an enum
    set(f, Fact::procurement_method, method);  // schema: [a-z0-9_]
    set(f, Fact::allowed_methods, tol.procurement_methods_text);
    set(f, Fact::certificates, esc(certificates_text));
    if (conditions_met) reasons.write(Code::AWARD_CONDITIONS_MET, f);
    if (!state_owned) reasons.write(Code::PURCHASER_NOT_STATE_OWNED, f);
    if (checks.empty()) reasons.write(Code::NO_FIRST_SET_CERTIFICATE, f);
    std::string codes_text;
    for (const CertificateCheck& check : checks) {
        if (check.accepted()) continue;
        const Offer& offer = parsed.bid.offers[check.offer];
        codes_text = join_codes(check.reasons);
        Facts cf = f;
        set(cf, Fact::certificate, esc(*offer.certificate));
        set(cf, Fact::item, esc(offer.item));
        set(cf, Fact::codes, codes_text);
        reasons.write(Code::CERTIFICATE_NOT_ACCEPTED_AT_AWARD, cf);
    }
    if (!method_allowed) reasons.write(Code::METHOD_NOT_ALLOWED, f);
    for (std::size_t i = 0; i < tol.procedure_items.size(); ++i) {
        if (done[i] && *done[i]) continue;
        Facts pf = f;
        set(pf, Fact::procedure_item, esc(tol.procedure_items[i]));
        reasons.write(done[i] ? Code::PROCEDURE_NOT_COMPLETED : Code::PROCEDURE_NOT_REPORTED, pf,
                      "/procedure/" + tol.procedure_items[i]);
    }
    if (!lint_input) reasons.write(Code::LINT_NOT_AVAILABLE, f);
    if (lint_input && !lint_result.passed()) {
        Facts lf = f;
        set(lf, Fact::codes, lint_errors);
        reasons.write(Code::LINT_ERRORS_AT_AWARD, lf, "/tender/criteria");
    }
    w.end_array();
    w.end_object();
    const std::string assessment(a.view());

    const ledger::Appended appended = c.ledger.append("award", body_with(request, ",\"assessment\":" + assessment));
    JsonOut out(response);
    out.begin_object();
    write_record_ref(out, appended, "award");
    out.key("assessment");
    out.raw(assessment);
    out.end_object();
}

// ---- failure report -------------------------------------------------------------------------

void record_failure(const RecordContext& c, const json::Value& request, TextBuffer& response) {
    const std::string_view award = request["award"].str();
    const auto found = c.ledger.find(award);
    if (!found) not_found(award, "/award", "award", "授标");
    if (found->kind != "award") wrong_kind(award, found->kind, "/award", "award");
    const ledger::Appended appended = c.ledger.append("failure_report", request.to_json());
    JsonOut out(response);
    out.begin_object();
    write_record_ref(out, appended, "failure_report");
    out.key("award_seq");
    out.number(static_cast<std::int64_t>(found->seq));
    out.end_object();
}

// ---- tolerance decision ---------------------------------------------------------------------

// What the proposal needs from the award record: its date and its assessment's verdicts.
struct AwardFacts {
    std::string award_date;
    std::string policy_id;  // the pack the award was assessed under
    std::size_t failed = 0, missing = 0;
};

// A record's line as a document; INTEGRITY when the reader refuses it (the ledger was verified
// at open, so this means it changed on disk since).
json::Document read_line(const ledger::Indexed& record) {
    try {
        return json::Document::parse(record.line, json::Limits{ledger::max_line_bytes, 64}, "ledger record");
    } catch (const Error& e) {
        throw Error(Status::integrity, "RECORD_UNREADABLE",
                    "ledger record " + std::to_string(record.seq) + " cannot be read: " + e.message_en(),
                    "第 " + std::to_string(record.seq) + " 条账本记录无法读取：" + e.message_zh());
    }
}

AwardFacts read_award(const ledger::Indexed& award) {
    const json::Document doc = read_line(award);
    AwardFacts facts;
    const json::Value* body = doc.root().find("body");
    const json::Value* assessment = body && body->is_object() ? body->find("assessment") : nullptr;
    const json::Value* as_of = assessment ? assessment->find("as_of") : nullptr;
    const json::Value* failed = assessment ? assessment->find("failed") : nullptr;
    const json::Value* missing = assessment ? assessment->find("missing") : nullptr;
    const json::Value* policy = assessment ? assessment->find("policy") : nullptr;
    const json::Value* policy_id = policy && policy->is_object() ? policy->find("id") : nullptr;
    if (!as_of || !as_of->is_string() || !failed || !failed->is_array() || !missing || !missing->is_array() ||
        !policy_id || !policy_id->is_string())
        throw Error(Status::integrity, "AWARD_RECORD_UNREADABLE",
                    "award record " + std::to_string(award.seq) + " has no readable assessment",
                    "第 " + std::to_string(award.seq) + " 条授标记录的评估内容无法读取");
    facts.award_date = std::string(as_of->str());
    facts.policy_id = std::string(policy_id->str());
    facts.failed = failed->size();
    facts.missing = missing->size();
    return facts;
}

void record_decision(const RecordContext& c, const json::Value& request, TextBuffer& response) {
    const auto [award_v, failure_v, exclusions_v, final_v, final_reason_v] =
        json::members<5>(request, {"award", "failure", "exclusions", "final", "final_reason"});
    const std::string_view award_id = award_v->str(), failure_id = failure_v->str();
    const auto award = c.ledger.find(award_id);
    if (!award) not_found(award_id, "/award", "award", "授标");
    if (award->kind != "award") wrong_kind(award_id, award->kind, "/award", "award");
    // The award record must still be what was written: its id is the digest of its line.
    if (sha256_hex(award->line) != award_id)
        throw Error(Status::integrity, "AWARD_RECORD_ALTERED",
                    "award record " + std::string(award_id) + " no longer matches its id",
                    "授标记录 " + std::string(award_id) + " 与其编号不符（已被改动）", Location{"/award", "", 0, 0});
    const auto failure = c.ledger.find(failure_id);
    if (!failure) not_found(failure_id, "/failure", "failure report", "故障报告");
    if (failure->kind != "failure_report") wrong_kind(failure_id, failure->kind, "/failure", "failure_report");
    {
        const json::Document doc = read_line(*failure);
        const json::Value* body = doc.root().find("body");
        const json::Value* of = body ? body->find("award") : nullptr;
        if (!of || !of->is_string() || of->str() != award_id)
            throw Error(Status::schema, "FAILURE_OF_OTHER_AWARD",
                        "failure report " + std::string(failure_id) + " is about another award",
                        "故障报告 " + std::string(failure_id) + " 针对的是另一条授标记录", Location{"/failure", "", 0, 0});
    }
    const AwardFacts facts = read_award(*award);
    // The decision is taken under the pack the award was assessed under.
    const Policy* found_policy = c.policies.by_id(facts.policy_id);
    if (!found_policy)
        throw Error(Status::config, "AWARD_POLICY_NOT_LOADED",
                    "the award was assessed under policy " + facts.policy_id +
                        ", which this engine's configuration does not load",
                    "该授标记录依据政策 " + facts.policy_id + " 评估，而本引擎的配置未加载该政策包",
                    Location{"/award", "", 0, 0});
    const Policy& policy = *found_policy;
    if (!policy.tolerance)
        throw Error(Status::config, "POLICY_NO_TOLERANCE",
                    "policy " + policy.id + " has no tolerance section, so no decision can be proposed",
                    "政策 " + policy.id + " 没有容错（tolerance）设置，无法提出处理建议");

    // The proposal: a failed condition or any exclusion gives not_exempt; anything not
    // established gives review; otherwise exempt.
    struct Finding {
        Code code;
        const Policy::Tolerance::Label* label;
    };
    std::vector<Finding> findings;
    bool excluded = false, unknown = false;
    for (const auto& [key, label] : policy.tolerance->exclusions) {
        const auto v = exclusions_v->find(key);
        if (v && v->is_bool()) {
            if (v->boolean()) {
                findings.push_back({Code::EXCLUSION_APPLIES, &label});
                excluded = true;
            }
        } else {
            findings.push_back({Code::EXCLUSION_NOT_ESTABLISHED, &label});
            unknown = true;
        }
    }
    const bool conditions_failed = facts.failed > 0;
    const bool information_missing = facts.missing > 0;
    const char* proposed = excluded || conditions_failed ? "not_exempt"
                           : unknown || information_missing ? "review"
                                                            : "exempt";
    const bool has_final = final_v && final_v->is_string();
    const std::string final_text = has_final ? std::string(final_v->str()) : std::string();
    if (has_final && final_text != proposed && !final_reason_v)
        throw Error(Status::schema, "FINAL_REASON_REQUIRED",
                    std::string("the final decision ") + final_text + " differs from the proposal " + proposed +
                        ", so it needs a written reason (final_reason)",
                    "最终决定 " + final_text + " 与建议 " + proposed + " 不同，须给出书面理由（final_reason）",
                    Location{"/final_reason", "", 0, 0});

    TextBuffer r;
    JsonOut w(r);
    EscapedFacts esc;
    ReasonWriter reasons(w, policy);
    Facts f{};
    set(f, Fact::award_date, facts.award_date);
    w.begin_array();
    if (std::string_view(proposed) == "exempt") reasons.write(Code::TOLERANCE_EXEMPT, f);
    if (conditions_failed) reasons.write(Code::AWARD_CONDITIONS_NOT_MET, f);
    if (information_missing) reasons.write(Code::AWARD_INFORMATION_MISSING, f);
    for (const Finding& finding : findings) {
        Facts ef = f;
        set(ef, Fact::exclusion_zh, esc(finding.label->zh));
        set(ef, Fact::exclusion_en, esc(finding.label->en));
        reasons.write(finding.code, ef);
    }
    if (has_final && final_text != proposed) {
        Facts ff = f;
        set(ff, Fact::proposed, proposed);
        set(ff, Fact::final_decision, final_text);
        set(ff, Fact::final_reason, esc(final_reason_v->str()));
        reasons.write(Code::FINAL_DIFFERS_FROM_PROPOSAL, ff);
    }
    w.end_array();
    const std::string reasons_json(r.view());

    const ledger::Appended appended = c.ledger.append(
        "tolerance_decision",
        body_with(request, std::string(",\"proposed\":\"") + proposed + "\",\"reasons\":" + reasons_json));
    JsonOut out(response);
    out.begin_object();
    write_record_ref(out, appended, "tolerance_decision");
    out.key("proposed");
    out.string(proposed);
    out.key("final");
    if (has_final) out.string(final_text);
    else out.null();
    out.key("reasons");
    out.raw(reasons_json);
    out.end_object();
}

}  // namespace

void record(const RecordContext& context, const json::Value& request, TextBuffer& response) {
    const std::string_view kind = request["kind"].str();
    if (kind == "award") record_award(context, request, response);
    else if (kind == "failure_report") record_failure(context, request, response);
    else if (kind == "tolerance_decision") record_decision(context, request, response);
    else throw json::AccessError("record kind \"" + std::string(kind) + "\" passed the schema");
}

ledger::Appended record_evaluation(const RecordContext& context, const Policy& policy, std::string_view request_text,
                                   const EvaluateRequest& request, const Evaluation& ev) {
    TextBuffer b;
    JsonOut w(b);
    w.begin_object();
    w.key("tender");
    w.string(request.tender.id);
    w.key("bid");
    w.string(request.bid.id);
    w.key("request_sha256");
    w.string(sha256_hex(request_text));
    w.key("evaluation_date");
    w.string(ev.evaluation_date.to_string());
    w.key("policy");
    write_policy_ref(w, policy, false);
    w.key("registry");
    write_registry_ref(w, context.registry);
    w.key("certificates");
    w.begin_array();
    for (const CertificateCheck& check : ev.certificates) {
        const Offer& offer = request.bid.offers[check.offer];
        w.begin_object();
        w.key("id");
        w.string(*offer.certificate);
        w.key("item");
        w.string(offer.item);
        w.key("accepted");
        w.boolean(check.accepted());
        w.key("codes");
        w.begin_array();
        for (Code c : check.reasons) w.string(code_name(c));
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.key("criteria");
    w.begin_array();
    for (const CriterionOutcome& out : ev.criteria) {
        w.begin_object();
        w.key("id");
        w.string(request.tender.criteria[out.criterion].id);
        w.key("outcome");
        w.string(outcome_name(out.outcome));
        w.key("points");
        if (out.points) w.raw(out.points->to_string());
        else w.null();
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return context.ledger.append("evaluation", b.view());
}

}  // namespace firstset
