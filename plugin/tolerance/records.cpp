#include "tolerance/records.hpp"

#include <algorithm>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "evaluate/provenance.hpp"
#include "evaluate/reasons.hpp"
#include "lint/lint.hpp"
#include "registry/registry.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"
#include "tolerance/record_common.hpp"
#include "tolerance/rule_t.hpp"

namespace firstset::tolerance {

namespace {

const char* status_text(CertificateStatus s) {
    switch (s) {
        case CertificateStatus::valid: return "valid";
        case CertificateStatus::revoked: return "revoked";
        case CertificateStatus::suspended: return "suspended";
    }
    return "valid";
}

}  // namespace

namespace detail {

void write_record_ref(JsonOut& w, const ledger::Appended& a, std::string_view kind) {
    w.begin_object("record");
    w.field("id", a.id).field("seq", a.seq).field("kind", kind);
    w.end_object();
}

[[noreturn]] void not_found(std::string_view id, std::string_view pointer, std::string_view what_en,
                            std::string_view what_zh) {
    throw StatusError(Status::not_found, "RECORD_NOT_FOUND",
                "there is no " + std::string(what_en) + " record " + std::string(id) + " in the ledger",
                "账本中没有编号为 " + std::string(id) + " 的" + std::string(what_zh) + "记录",
                Location{std::string(pointer), "", 0, 0});
}

[[noreturn]] void wrong_kind(std::string_view id, std::string_view kind, std::string_view pointer,
                             std::string_view want) {
    throw StatusError(Status::schema, "RECORD_KIND_MISMATCH",
                "record " + std::string(id) + " is of kind " + std::string(kind) + ", not " + std::string(want),
                "记录 " + std::string(id) + " 是 " + std::string(kind) + " 记录，而不是 " + std::string(want) + " 记录",
                Location{std::string(pointer), "", 0, 0});
}

// A stored record's body, read back; INTEGRITY when the reader refuses its line (the ledger was
// verified at open, so this means it changed on disk since).

StoredRecord read_stored(const ledger::Indexed& record) {
    try {
        return {json::Document::parse(record.line, json::Limits{ledger::max_line_bytes, 64}, "ledger record")};
    } catch (const StatusError& e) {
        throw StatusError(Status::integrity, "RECORD_UNREADABLE",
                    "ledger record " + std::to_string(record.seq) + " cannot be read: " + e.message_en(),
                    "第 " + std::to_string(record.seq) + " 条账本记录无法读取：" + e.message_zh());
    }
}

// A decision in words, for messages: (Chinese, English).
std::pair<std::string_view, std::string_view> decision_words(Decision d) {
    switch (d) {
        case Decision::exempt: return {"予以容错免责", "exempt"};
        case Decision::not_exempt: return {"不予免责", "not exempt"};
        case Decision::review: return {"需进一步查明", "needs review"};
    }
    return {"需进一步查明", "needs review"};
}

void write_proposal_reasons(JsonOut& w, const Policy& policy, const Assessment& award, const DecisionRequest& request,
                            const Proposal& p) {
    ReasonWriter reasons(w, policy);
    EscapedFacts esc;
    const std::string award_date = award.as_of.to_string();
    Facts f{};
    set(f, Fact::award_date, award_date);
    w.begin_array();
    if (p.proposed == Decision::exempt) reasons.write(Code::TOLERANCE_EXEMPT, f);
    if (p.conditions_failed) reasons.write(Code::AWARD_CONDITIONS_NOT_MET, f);
    if (p.information_missing) reasons.write(Code::AWARD_INFORMATION_MISSING, f);
    for (const ExclusionFinding& finding : p.exclusions) {
        Facts ef = f;
        set(ef, Fact::exclusion_zh, esc(finding.label->zh));
        set(ef, Fact::exclusion_en, esc(finding.label->en));
        reasons.write(finding.code, ef);
    }
    if (p.final_differs) {
        Facts ff = f;
        set(ff, Fact::proposed, decision_name(p.proposed));
        set(ff, Fact::final_decision, decision_name(*request.final));
        set(ff, Fact::proposed_zh, decision_words(p.proposed).first);
        set(ff, Fact::proposed_en, decision_words(p.proposed).second);
        set(ff, Fact::final_decision_zh, decision_words(*request.final).first);
        set(ff, Fact::final_decision_en, decision_words(*request.final).second);
        set(ff, Fact::final_reason, esc(*request.final_reason));
        reasons.write(Code::FINAL_DIFFERS_FROM_PROPOSAL, ff);
    }
    w.end_array();
}

void check_operator(const json::Value& request) {
    const json::Value* op = request.find("operator");
    const json::Value* address = op ? op->find("address") : nullptr;
    if (!address) return;
    const std::string text(address->str());
    unsigned char buf[sizeof(in6_addr)];
    if (::inet_pton(AF_INET, text.c_str(), buf) == 1 || ::inet_pton(AF_INET6, text.c_str(), buf) == 1) return;
    throw StatusError(Status::schema, "OPERATOR_ADDRESS_INVALID",
                      "the operator's network address \"" + text + "\" is not an IPv4 or IPv6 address",
                      "操作人的网络地址“" + text + "”不是 IPv4 或 IPv6 地址", Location{"/operator/address", "", 0, 0});
}

}  // namespace detail

namespace {

using namespace detail;

// ---- award ----------------------------------------------------------------------------

// The assessment as JSON: the same text goes into the record and the response.
void write_assessment(JsonOut& w, const Policy& policy, const Registry& registry, const Award& award,
                      const Assessment& a) {
    const Policy::Tolerance& tol = *policy.tolerance;
    const std::vector<Offer>& offers = award.bid.offers;
    w.begin_object();
    w.field("as_of", award.date_text);
    w.key("policy");
    write_policy_ref(w, policy);
    w.key("registry");
    write_registry_ref(w, registry);
    w.begin_object("purchaser");
    w.field("ownership", a.ownership).field("state_owned", a.state_owned);
    w.end_object();
    // The certificates as they stood on the award date, with what the registry said of them.
    w.begin_array("certificates");
    for (const CertificateCheck& check : a.certificates) {
        const Certificate* cert = check.certificate;
        w.begin_object();
        write_certificate_check_members(w, offers[check.offer], check);
        w.begin_array("codes");
        for (Code code : check.reasons) w.value(EscapedText{code_name(code)});
        w.end_array();
        if (cert) {
            w.field("issuer", cert->issuer).field("product", cert->product).field("model", cert->model);
            w.begin_object("holder");
            w.field("name", cert->holder_name);
            if (!cert->holder_uscc.empty()) w.field("uscc", cert->holder_uscc);
            w.end_object();
            w.field("status", status_text(cert->status))
                .field("valid_from", check.valid_from.to_string())
                .field("valid_until", check.valid_until.to_string());
            if (!cert->catalogue.empty()) w.field("catalogue", cert->catalogue);
        }
        w.end_object();
    }
    w.end_array();
    w.begin_object("procurement_method");
    w.field("value", a.method).field("allowed", a.method_allowed);
    w.end_object();
    w.begin_array("procedure");
    for (const ProcedureStep& step : a.procedure) {
        w.begin_object();
        w.field("item", step.item).field("done", step.done);
        if (const Policy::Tolerance::Label* label = tol.procedure_label(step.item)) {
            w.begin_object("label");
            w.field("zh", label->zh).field("en", label->en);
            w.end_object();
        }
        w.end_object();
    }
    w.end_array();
    if (a.lint) {
        w.begin_object("lint");
        w.field("passed", a.lint->passed()).field("errors", a.lint->errors).field("warnings", a.lint->warnings);
        w.key("findings");
        lint::write_findings(w, policy, award.tender, *a.lint);
        w.end_object();
    } else {
        w.field("lint", nullptr);
    }
    w.begin_array("failed");
    for (const Shortfall& f : a.failed) w.value(f.text());
    w.end_array();
    w.begin_array("missing");
    for (const Shortfall& m : a.missing) w.value(m.text());
    w.end_array();
    w.field("conditions_met", a.conditions_met());

    // The reasons, in the order of the conditions.
    w.begin_array("reasons");
    ReasonWriter reasons(w, policy);
    EscapedFacts esc;
    std::string certificates_text;
    for (const CertificateCheck& check : a.certificates)
        if (check.accepted()) (certificates_text += certificates_text.empty() ? "" : ", ") += *offers[check.offer].certificate;
    Facts f{};
    set(f, Fact::award_date, award.date_text);
    set(f, Fact::ownership, a.ownership);              // schema: an enum
    set(f, Fact::procurement_method, a.method);        // schema: [a-z0-9_]
    set(f, Fact::allowed_methods, tol.procurement_methods_text);
    set(f, Fact::certificates, esc(certificates_text));
    if (a.conditions_met()) reasons.write(Code::AWARD_CONDITIONS_MET, f);
    if (!a.state_owned) reasons.write(Code::PURCHASER_NOT_STATE_OWNED, f);
    if (a.certificates.empty()) reasons.write(Code::NO_FIRST_SET_CERTIFICATE, f);
    std::string codes_text;
    for (const CertificateCheck& check : a.certificates) {
        if (check.accepted()) continue;
        const Offer& offer = offers[check.offer];
        codes_text = join_codes(check.reasons);
        Facts cf = f;
        set(cf, Fact::certificate, esc(*offer.certificate));
        set(cf, Fact::item, esc(offer.item));
        set(cf, Fact::codes, codes_text);
        reasons.write(Code::CERTIFICATE_NOT_ACCEPTED_AT_AWARD, cf);
    }
    if (!a.method_allowed) reasons.write(Code::METHOD_NOT_ALLOWED, f);
    for (const ProcedureStep& step : a.procedure) {
        if (step.done && *step.done) continue;
        Facts pf = f;
        set(pf, Fact::procedure_item, esc(step.item));
        const Policy::Tolerance::Label* label = tol.procedure_label(step.item);
        set(pf, Fact::procedure_item_zh, label ? esc(label->zh) : esc(step.item));
        set(pf, Fact::procedure_item_en, label ? esc(label->en) : esc(step.item));
        reasons.write(step.done ? Code::PROCEDURE_NOT_COMPLETED : Code::PROCEDURE_NOT_REPORTED, pf,
                      "/procedure/" + step.item);
    }
    if (!a.lint) reasons.write(Code::LINT_NOT_AVAILABLE, f);
    if (a.lint && !a.lint->passed()) {
        std::vector<Code> errors;  // each check that found an error, once, in order of finding
        for (const lint::Finding& finding : a.lint->findings)
            if (finding.severity == Severity::error &&
                std::find(errors.begin(), errors.end(), code_of(finding.check)) == errors.end())
                errors.push_back(code_of(finding.check));
        const std::string lint_errors = join_codes(errors);
        Facts lf = f;
        set(lf, Fact::codes, lint_errors);
        reasons.write(Code::LINT_ERRORS_AT_AWARD, lf, "/tender/criteria");
    }
    w.end_array();
    w.end_object();
}

void record_award(const RecordContext& c, const json::Value& request, TextBuffer& response) {
    Award award = read_award(request);
    // The pack for the award's tender; the award's purchaser when the tender names none.
    const Policy& policy = c.policies.select_for(award.tender.tender, "/tender", award.ownership);
    if (!policy.tolerance)
        throw StatusError(Status::config, "POLICY_NO_TOLERANCE",
                    "policy " + policy.id + " has no tolerance section, so awards cannot be assessed",
                    "政策 " + policy.id + " 没有容错（tolerance）设置，无法评估授标记录");
    check_against(policy, award.tender.tender, "/tender");
    const Assessment assessment = assess(policy, c.registry, award);

    TextBuffer a;
    JsonOut w(a);
    write_assessment(w, policy, c.registry, award, assessment);
    const ledger::Appended appended =
        c.ledger.append("award", body_with(c, request, [&](JsonOut& b) { b.field("assessment", RawJson{a.view()}); }));
    JsonOut out(response);
    out.begin_object();
    write_record_ref(out, appended, "award");
    out.field("assessment", RawJson{a.view()});
    out.end_object();
}

// ---- failure report -------------------------------------------------------------------------

void record_failure(const RecordContext& c, const json::Value& request, TextBuffer& response) {
    const std::string_view award = request["award"].str();
    const auto found = c.ledger.find(award);
    if (!found) not_found(award, "/award", "award", "授标");
    if (found->kind != "award") wrong_kind(award, found->kind, "/award", "award");
    const ledger::Appended appended = c.ledger.append("failure_report", body_with(c, request, [](JsonOut&) {}));
    JsonOut out(response);
    out.begin_object();
    write_record_ref(out, appended, "failure_report");
    out.field("award_seq", found->seq);
    out.end_object();
}

// ---- tolerance decision ---------------------------------------------------------------------

void record_decision(const RecordContext& c, const json::Value& request_doc, TextBuffer& response) {
    const DecisionRequest request = read_decision(request_doc);
    const auto award = c.ledger.find(request.award);
    if (!award) not_found(request.award, "/award", "award", "授标");
    if (award->kind != "award") wrong_kind(request.award, award->kind, "/award", "award");
    // The award record must still be what was written: its id is the digest of its line.
    if (digest_hex(c.ledger.hash(), award->line) != request.award)
        throw StatusError(Status::integrity, "AWARD_RECORD_ALTERED",
                    "award record " + std::string(request.award) + " no longer matches its id",
                    "授标记录 " + std::string(request.award) + " 与其编号不符（已被改动）", Location{"/award", "", 0, 0});
    const auto failure = c.ledger.find(request.failure);
    if (!failure) not_found(request.failure, "/failure", "failure report", "故障报告");
    if (failure->kind != "failure_report") wrong_kind(request.failure, failure->kind, "/failure", "failure_report");
    if (failure_report_award(read_stored(*failure).body()) != request.award)
        throw StatusError(Status::schema, "FAILURE_OF_OTHER_AWARD",
                    "failure report " + std::string(request.failure) + " is about another award",
                    "故障报告 " + std::string(request.failure) + " 针对的是另一条授标记录", Location{"/failure", "", 0, 0});
    const Assessment assessment = read_assessment(read_stored(*award).body(), award->seq);
    // The decision is taken under the pack the award was assessed under.
    const Policy* found_policy = c.policies.by_id(assessment.policy_id);
    if (!found_policy)
        throw StatusError(Status::config, "AWARD_POLICY_NOT_LOADED",
                    "the award was assessed under policy " + assessment.policy_id +
                        ", which this engine's configuration does not load",
                    "该授标记录依据政策 " + assessment.policy_id + " 评估，而本引擎的配置未加载该政策包",
                    Location{"/award", "", 0, 0});
    const Policy& policy = *found_policy;
    if (!policy.tolerance)
        throw StatusError(Status::config, "POLICY_NO_TOLERANCE",
                    "policy " + policy.id + " has no tolerance section, so no decision can be proposed",
                    "政策 " + policy.id + " 没有容错（tolerance）设置，无法提出处理建议");

    const Proposal proposal = propose(*policy.tolerance, assessment, request);
    const std::string_view proposed = decision_name(proposal.proposed);
    if (proposal.final_differs && !request.final_reason)
        throw StatusError(Status::schema, "FINAL_REASON_REQUIRED",
                    "the final decision " + std::string(decision_name(*request.final)) + " differs from the proposal " +
                        std::string(proposed) + ", so it needs a written reason (final_reason)",
                    "最终决定 " + std::string(decision_name(*request.final)) + " 与建议 " + std::string(proposed) +
                        " 不同，须给出书面理由（final_reason）",
                    Location{"/final_reason", "", 0, 0});

    TextBuffer r;
    JsonOut rw(r);
    write_proposal_reasons(rw, policy, assessment, request, proposal);
    const ledger::Appended appended = c.ledger.append("tolerance_decision", body_with(c, request_doc, [&](JsonOut& b) {
        b.field("proposed", proposed).field("reasons", RawJson{r.view()});
    }));
    JsonOut out(response);
    out.begin_object();
    write_record_ref(out, appended, "tolerance_decision");
    out.field("proposed", proposed);
    out.field("final", request.final ? std::optional<std::string_view>(decision_name(*request.final)) : std::nullopt);
    out.field("reasons", RawJson{r.view()});
    out.end_object();
}

}  // namespace

void record(const RecordContext& context, const json::Value& request, TextBuffer& response) {
    const std::string_view kind = request["kind"].str();
    check_operator(request);
    if (kind == "award") record_award(context, request, response);
    else if (kind == "failure_report") record_failure(context, request, response);
    else if (kind == "tolerance_decision") record_decision(context, request, response);
    else if (kind == "case_stage") record_case_stage(context, request, response);
    else throw json::AccessError("record kind \"" + std::string(kind) + "\" passed the schema");
}

}  // namespace firstset::tolerance
