// Rule T' (docs/domain.md): a tolerance-of-failure case run in stages, each a record of kind
// case_stage. The application opens the case (its id is the case's id) and keeps the plan it
// relies on: the pack's stages, their order and time limits, and where the limits come from, so
// the case is judged by the same plan to its end whatever the pack becomes. Every later stage is
// checked against the plan and the stages already recorded: a stage before the one it follows
// (STAGE_SKIPPED), after a stage that follows it (STAGE_OUT_OF_ORDER), dated before the stage
// it follows (STAGE_DATE_BEFORE_PREVIOUS), after its time limit (STAGE_OVERDUE), a notice
// without a decision to exempt (NOTICE_WITHOUT_EXEMPTION). Findings are reported and stored;
// nothing is refused for them and no record is rewritten. The investigation and the decision
// carry Rule T's proposal on the exclusions they establish.
#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "evaluate/reasons.hpp"
#include "tolerance/record_common.hpp"
#include "util/civil_date.hpp"
#include "util/error.hpp"
#include "ledger/format.hpp"

namespace firstset::tolerance::detail {

namespace {

using Stage = Policy::Tolerance::Stage;
using Label = Policy::Tolerance::Label;

// The plan of a case as the application stored it.
struct Plan {
    std::vector<Stage> stages;
    Label limits_source;
    const Stage* stage(std::string_view name) const {
        for (const Stage& s : stages)
            if (s.name == name) return &s;
        return nullptr;
    }
};

void write_label(JsonOut& w, std::string_view name, const Label& l) {
    w.begin_object(name);
    w.field("zh", l.zh).field("en", l.en);
    w.end_object();
}

void write_plan(JsonOut& w, const Policy& policy, const Policy::Tolerance::Case& plan) {
    w.begin_object("plan");
    w.field("policy", policy.id);
    write_label(w, "limits_source", plan.limits_source);
    w.begin_array("stages");
    for (const Stage& s : plan.stages) {
        w.begin_object();
        w.field("stage", s.name);
        write_label(w, "label", s.label);
        if (!s.after.empty()) w.field("after", s.after);
        if (s.within_days) w.field("within_days", static_cast<std::int64_t>(s.within_days));
        w.field("required", s.required).field("only_if_exempt", s.only_if_exempt);
        w.end_object();
    }
    w.end_array();
    w.end_object();
}

[[noreturn]] void unreadable_case(std::uint64_t seq) {
    throw StatusError(Status::integrity, "CASE_RECORD_UNREADABLE",
                      "case application record " + std::to_string(seq) + " has no readable plan",
                      "第 " + std::to_string(seq) + " 条容错申请记录的环节计划无法读取");
}

std::string string_member(const json::Value& v, std::string_view name) {
    const json::Value* m = v.is_object() ? v.find(name) : nullptr;
    return m && m->is_string() ? std::string(m->str()) : std::string();
}

Label label_of(const json::Value* v, std::uint64_t seq) {
    if (!v || !v->is_object()) unreadable_case(seq);
    const std::string zh = string_member(*v, "zh"), en = string_member(*v, "en");
    if (zh.empty() || en.empty()) unreadable_case(seq);
    return {zh, en};
}

// The plan the application stored, checked as strictly as the pack it came from: a ledger is
// outside data (a damaged or hostile plan is INTEGRITY, never arithmetic on nonsense).
Plan read_plan(const json::Value& body, std::uint64_t seq) {
    const json::Value* p = body.is_object() ? body.find("plan") : nullptr;
    if (!p || !p->is_object() || string_member(*p, "policy").empty()) unreadable_case(seq);
    Plan plan;
    plan.limits_source = label_of(p->find("limits_source"), seq);
    const json::Value* stages = p->find("stages");
    if (!stages || !stages->is_array() || stages->size() == 0 || stages->size() > 20) unreadable_case(seq);
    static constexpr std::string_view known[] = {"application", "investigation", "decision", "feedback", "correction", "notice"};
    for (const json::Value& s : stages->items()) {
        Stage st;
        st.name = string_member(s, "stage");
        if (std::find(std::begin(known), std::end(known), st.name) == std::end(known) || plan.stage(st.name))
            unreadable_case(seq);
        st.label = label_of(s.find("label"), seq);
        st.after = string_member(s, "after");
        if (!st.after.empty() && st.after != "failure_report" && !plan.stage(st.after)) unreadable_case(seq);
        if (const json::Value* d = s.find("within_days")) {
            if (!d->is_integer() || d->int64() < 1 || d->int64() > 3650) unreadable_case(seq);
            st.within_days = static_cast<int>(d->int64());
        }
        if (const json::Value* r = s.find("required")) {
            if (!r->is_bool()) unreadable_case(seq);
            st.required = r->boolean();
        }
        if (const json::Value* e = s.find("only_if_exempt")) {
            if (!e->is_bool()) unreadable_case(seq);
            st.only_if_exempt = e->boolean();
        }
        plan.stages.push_back(std::move(st));
    }
    return plan;
}

// A stage already recorded in the case.
struct Done {
    std::string stage;
    Date date;
    std::optional<std::string> final;  // decision: exempt | not_exempt
};

// Does `later` follow `earlier` in the plan (through its chain of "after")?
bool follows(const Plan& plan, std::string_view later, std::string_view earlier) {
    const Stage* s = plan.stage(later);
    for (int guard = 0; s && !s->after.empty() && guard < 32; ++guard) {
        if (s->after == earlier) return true;
        s = plan.stage(s->after);
    }
    return false;
}

const Done* first_done(const std::vector<Done>& done, std::string_view stage) {
    for (const Done& d : done)
        if (d.stage == stage) return &d;
    return nullptr;
}

const Done* last_done(const std::vector<Done>& done, std::string_view stage) {
    for (auto it = done.rbegin(); it != done.rend(); ++it)
        if (it->stage == stage) return &*it;
    return nullptr;
}

// The latest decision governs: a decision reconsidered (exempt, then not) no longer exempts.
bool exempted(const std::vector<Done>& done) {
    const Done* d = last_done(done, "decision");
    return d && d->final && *d->final == "exempt";
}

// The date a stage's time limit counts from: the failure's date, or the latest record of the
// stage it follows (a supplementary investigation, a decision reconsidered, restart the clock);
// nullopt while that is not recorded.
std::optional<Date> start_of(const Stage& s, Date failure_date, const std::vector<Done>& done) {
    if (s.after == "failure_report") return failure_date;
    if (const Done* d = last_done(done, s.after)) return d->date;
    return std::nullopt;
}

const Label& label_or_name(const Plan& plan, std::string_view stage, Label& scratch) {
    if (const Stage* s = plan.stage(stage)) return s->label;
    scratch = {std::string(stage), std::string(stage)};  // failure_report
    if (stage == "failure_report") scratch = {"故障报告", "failure report"};
    return scratch;
}

struct CaseFacts {
    std::string award, failure;  // record ids
    Date failure_date;
    Plan plan;
    std::vector<Done> done;       // the application and every stage since, in ledger order
    const Policy* policy = nullptr;
    std::string award_date;
    std::vector<std::string> other_cases;  // application: cases already opened on the same failure
    std::optional<Date> today;             // China Standard Time, when the stage is recorded
};

// The stages still expected after `done`, with the last day the plan allows.
void write_due(JsonOut& w, const CaseFacts& c) {
    w.begin_array("due");
    for (const Stage& s : c.plan.stages) {
        if (first_done(c.done, s.name)) continue;
        if (!s.required && !s.only_if_exempt) continue;
        if (s.only_if_exempt && !exempted(c.done)) continue;
        w.begin_object();
        w.field("stage", s.name);
        write_label(w, "label", s.label);
        const std::optional<Date> from = start_of(s, c.failure_date, c.done);
        std::optional<Date> due;
        if (from && s.within_days) due = Date::from_days(from->days() + s.within_days);
        if (due) w.field("due_date", due->to_string());
        else w.field("due_date", nullptr);
        // Already past its last day as this answer is written (China Standard Time).
        w.field("overdue", due && c.today && *c.today > *due);
        if (s.within_days) w.field("within_days", static_cast<std::int64_t>(s.within_days));
        else w.field("within_days", nullptr);
        w.end_object();
    }
    w.end_array();
}

// Rule T' on one stage, as reasons.
void write_findings(JsonOut& w, const CaseFacts& c, const Stage& stage, Date date) {
    ReasonWriter reasons(w, *c.policy);
    EscapedFacts esc;
    const std::string date_text = date.to_string();
    Facts f{};
    set(f, Fact::award_date, c.award_date);
    set(f, Fact::stage_zh, esc(stage.label.zh));
    set(f, Fact::stage_en, esc(stage.label.en));
    set(f, Fact::stage_date, date_text);
    auto with_other = [&](std::string_view other) {
        Facts o = f;
        Label scratch;
        const Label& l = label_or_name(c.plan, other, scratch);
        set(o, Fact::other_stage_zh, esc(std::string(l.zh)));
        set(o, Fact::other_stage_en, esc(std::string(l.en)));
        return o;
    };
    w.begin_array();
    // A stage it must follow is not recorded yet.
    if (!stage.after.empty() && stage.after != "failure_report" && !first_done(c.done, stage.after))
        reasons.write(Code::STAGE_SKIPPED, with_other(stage.after), "/stage");
    // A stage that follows it is recorded already.
    for (const Done& d : c.done)
        if (follows(c.plan, d.stage, stage.name)) {
            reasons.write(Code::STAGE_OUT_OF_ORDER, with_other(d.stage), "/stage");
            break;
        }
    if (const std::optional<Date> from = start_of(stage, c.failure_date, c.done)) {
        if (date < *from) reasons.write(Code::STAGE_DATE_BEFORE_PREVIOUS, with_other(stage.after), "/date");
        if (stage.within_days) {
            const Date due = Date::from_days(from->days() + stage.within_days);
            if (date > due) {
                Facts o = with_other(stage.after);
                const std::string due_text = due.to_string(), limit = std::to_string(stage.within_days),
                                  late = std::to_string(date.days() - due.days());
                set(o, Fact::due_date, due_text);
                set(o, Fact::limit_days, limit);
                set(o, Fact::days_late, late);
                set(o, Fact::limits_source_zh, esc(std::string(c.plan.limits_source.zh)));
                set(o, Fact::limits_source_en, esc(std::string(c.plan.limits_source.en)));
                reasons.write(Code::STAGE_OVERDUE, o, "/date");
            }
        }
    }
    if (stage.after != "failure_report" && date < c.failure_date)
        reasons.write(Code::STAGE_DATE_BEFORE_PREVIOUS, with_other("failure_report"), "/date");
    if (stage.only_if_exempt && !exempted(c.done)) reasons.write(Code::NOTICE_WITHOUT_EXEMPTION, f, "/stage");
    for (const std::string& other : c.other_cases) {
        Facts o = f;
        set(o, Fact::case_id, other);  // 64 hex digits
        reasons.write(Code::CASE_ALREADY_OPEN, o, "/failure");
    }
    w.end_array();
}

const Policy& policy_for(const RecordContext& c, const std::string& id, std::string_view pointer) {
    const Policy* policy = c.policies.by_id(id);
    if (!policy)
        throw StatusError(Status::config, "AWARD_POLICY_NOT_LOADED",
                          "the award was assessed under policy " + id + ", which this engine's configuration does not load",
                          "该授标记录依据政策 " + id + " 评估，而本引擎的配置未加载该政策包",
                          Location{std::string(pointer), "", 0, 0});
    return *policy;
}

Date date_of(const json::Value& body, std::uint64_t seq) {
    const auto d = Date::parse(string_member(body, "date"));
    if (!d) unreadable_case(seq);
    return *d;
}

}  // namespace

void record_case_stage(const RecordContext& c, const json::Value& request, TextBuffer& response) {
    std::lock_guard<std::mutex> serial(c.ledger.case_mutex());
    const std::string stage_name(request["stage"].str());
    const Date date = *Date::parse(request["date"].str());  // the schema: a calendar date
    // A stage is recorded once it is done: a date after today (China Standard Time) is a mistake.
    CaseFacts cf;
    cf.today = china_date_of(ledger::utc_now());
    if (const auto& today = cf.today; today && date > *today)
        throw StatusError(Status::schema, "STAGE_DATE_IN_FUTURE",
                          "the stage is dated " + date.to_string() + ", after today (" + today->to_string() +
                              ", China Standard Time): a stage is recorded once it is done",
                          "环节日期 " + date.to_string() + " 晚于今天（" + today->to_string() + "，北京时间）：环节办结后方可记录",
                          Location{"/date", "", 0, 0});
    std::string case_id;
    Assessment assessment;

    if (stage_name == "application") {
        cf.award = std::string(request["award"].str());
        cf.failure = std::string(request["failure"].str());
        const auto award = c.ledger.find(cf.award);
        if (!award) not_found(cf.award, "/award", "award", "授标");
        if (award->kind != "award") wrong_kind(cf.award, award->kind, "/award", "award");
        const auto failure = c.ledger.find(cf.failure);
        if (!failure) not_found(cf.failure, "/failure", "failure report", "故障报告");
        if (failure->kind != "failure_report") wrong_kind(cf.failure, failure->kind, "/failure", "failure_report");
        const StoredRecord failure_record = read_stored(*failure);
        if (failure_report_award(failure_record.body()) != std::string_view(cf.award))
            throw StatusError(Status::schema, "FAILURE_OF_OTHER_AWARD",
                              "failure report " + cf.failure + " is about another award",
                              "故障报告 " + cf.failure + " 针对的是另一条授标记录", Location{"/failure", "", 0, 0});
        cf.failure_date = date_of(failure_record.body(), failure->seq);
        assessment = read_assessment(read_stored(*award).body(), award->seq);
        cf.policy = &policy_for(c, assessment.policy_id, "/award");
        if (!cf.policy->tolerance || !cf.policy->tolerance->case_stages)
            throw StatusError(Status::config, "POLICY_NO_CASE_STAGES",
                              "policy " + cf.policy->id + " sets no stages for a tolerance-of-failure case (tolerance.case)",
                              "政策 " + cf.policy->id + " 未设定容错案件的办理环节（tolerance.case）",
                              Location{"/award", "", 0, 0});
        for (const Stage& s : cf.policy->tolerance->case_stages->stages) cf.plan.stages.push_back(s);
        cf.plan.limits_source = cf.policy->tolerance->case_stages->limits_source;
        cf.other_cases = c.ledger.cases_of_failure(cf.failure);
    } else {
        case_id = std::string(request["case"].str());
        const auto app = c.ledger.find(case_id);
        if (!app) not_found(case_id, "/case", "case application", "容错申请");
        const StoredRecord app_record = read_stored(*app);
        if (app->kind != "case_stage" || string_member(app_record.body(), "stage") != "application")
            wrong_kind(case_id, app->kind == "case_stage" ? "case_stage (" + string_member(app_record.body(), "stage") + ")"
                                                          : app->kind,
                       "/case", "case_stage (application)");
        const json::Value& body = app_record.body();
        cf.plan = read_plan(body, app->seq);
        cf.award = string_member(body, "award");
        cf.failure = string_member(body, "failure");
        const auto failure_date = Date::parse(string_member(body, "failure_date"));
        if (!failure_date) unreadable_case(app->seq);
        cf.failure_date = *failure_date;
        const json::Value* plan = body.find("plan");
        cf.policy = &policy_for(c, string_member(*plan, "policy"), "/case");
        if (!cf.policy->tolerance)
            throw StatusError(Status::config, "POLICY_NO_TOLERANCE",
                              "policy " + cf.policy->id + " has no tolerance section, so the case cannot go on",
                              "政策 " + cf.policy->id + " 没有容错（tolerance）设置，案件无法继续办理");
        for (const ledger::Ledger::CaseStage& r : c.ledger.case_stages(case_id)) {
            const auto d = Date::parse(r.date);
            if (!d) unreadable_case(r.seq);
            cf.done.push_back({r.stage, *d, r.stage == "decision" && !r.final.empty() ? std::optional<std::string>(r.final)
                                                                                     : std::nullopt});
        }
        if (cf.done.empty() || cf.done.front().stage != "application") unreadable_case(app->seq);
        if (!cf.plan.stage(stage_name))
            throw StatusError(Status::schema, "STAGE_NOT_IN_PLAN",
                              "the case's plan (policy " + cf.policy->id + ") has no stage " + stage_name,
                              "本案的环节计划（政策 " + cf.policy->id + "）中没有环节 " + stage_name,
                              Location{"/stage", "", 0, 0});
        const auto award = c.ledger.find(cf.award);
        if (!award || award->kind != "award") unreadable_case(app->seq);
        assessment = read_assessment(read_stored(*award).body(), award->seq);
    }
    cf.award_date = assessment.as_of.to_string();
    const Stage* stage = cf.plan.stage(stage_name);
    if (!stage)  // an application under a pack whose stages leave it out
        throw StatusError(Status::schema, "STAGE_NOT_IN_PLAN",
                          "policy " + cf.policy->id + " has no stage " + stage_name,
                          "政策 " + cf.policy->id + " 中没有环节 " + stage_name, Location{"/stage", "", 0, 0});

    // Rule T on what the investigation and the decision establish.
    std::optional<Proposal> proposal;
    DecisionRequest decision;
    if (stage_name == "investigation" || stage_name == "decision") {
        decision = read_decision(request);
        decision.award = cf.award;
        decision.failure = cf.failure;
        proposal = propose(*cf.policy->tolerance, assessment, decision);
        if (proposal->final_differs && !decision.final_reason)
            throw StatusError(Status::schema, "FINAL_REASON_REQUIRED",
                              "the final decision " + std::string(decision_name(*decision.final)) + " differs from the proposal " +
                                  std::string(decision_name(proposal->proposed)) + ", so it needs a written reason (final_reason)",
                              "最终决定 " + std::string(decision_name(*decision.final)) + " 与建议 " +
                                  std::string(decision_name(proposal->proposed)) + " 不同，须给出书面理由（final_reason）",
                              Location{"/final_reason", "", 0, 0});
    }

    TextBuffer findings;
    JsonOut fw(findings);
    write_findings(fw, cf, *stage, date);
    const std::string_view findings_array = findings.view();
    TextBuffer reasons;
    if (proposal) {
        JsonOut rw(reasons);
        write_proposal_reasons(rw, *cf.policy, assessment, decision, *proposal);
    }

    const ledger::Appended appended = c.ledger.append("case_stage", body_with(c, request, [&](JsonOut& b) {
        if (stage_name == "application") {
            b.field("failure_date", cf.failure_date.to_string());
            b.field("award_date", cf.award_date);
            write_plan(b, *cf.policy, *cf.policy->tolerance->case_stages);
        }
        b.field("findings", RawJson{findings_array});
        if (proposal) b.field("proposed", decision_name(proposal->proposed)).field("reasons", RawJson{reasons.view()});
    }));
    if (stage_name == "application") case_id = appended.id;
    cf.done.push_back({stage_name, date,
                       stage_name == "decision" && decision.final ? std::optional<std::string>(decision_name(*decision.final))
                                                                  : std::nullopt});

    JsonOut out(response);
    out.begin_object();
    write_record_ref(out, appended, "case_stage");
    out.field("case", case_id).field("stage", stage_name);
    out.field("findings", RawJson{findings_array});
    write_due(out, cf);
    if (proposal) {
        out.field("proposed", decision_name(proposal->proposed));
        if (stage_name == "decision")
            out.field("final", decision.final ? std::optional<std::string_view>(decision_name(*decision.final)) : std::nullopt);
        out.field("reasons", RawJson{reasons.view()});
    }
    out.end_object();
}

}  // namespace firstset::tolerance::detail
