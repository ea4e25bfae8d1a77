#include "ledger_file.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "labels.hpp"
#include "ledger/format.hpp"
#include "ledger/reader.hpp"
#include "util/civil_date.hpp"
#include "util/digest.hpp"
#include "util/error.hpp"

namespace tool {

namespace {

std::string str(const nlohmann::json& j, const char* key, const std::string& fallback = "") {
    if (!j.is_object() || !j.contains(key) || j[key].is_null()) return fallback;
    return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

// ---- readable labels: a dossier shows no raw keys ----------------------------------------------

// "中文 English" for a key: the record's own label when it has one, else the labels firstset
// knows (tools/cli/labels.hpp), else the key in words.
std::string label(const std::string& key, const nlohmann::json& own = nullptr) {
    if (own.is_object() && own.contains("zh") && own.contains("en") && own["zh"].is_string() && own["en"].is_string())
        return own["zh"].get<std::string>() + " " + own["en"].get<std::string>();
    const host::KeyLabel l = host::label_of(key);
    return l.zh + " " + l.en;
}

std::string person_text(const nlohmann::json& p) {
    if (!p.is_object()) return "";
    std::string s = str(p, "role");
    if (p.contains("name")) s += " " + str(p, "name");
    return s + " (" + str(p, "id") + ")";
}

std::string people_text(const nlohmann::json& list) {
    std::string s;
    if (list.is_array())
        for (const auto& p : list) s += (s.empty() ? "" : "; ") + person_text(p);
    return s;
}

// Who acted and from where: the operator the platform named and, through firstset-server, the
// caller the server saw.
std::string operator_text(const nlohmann::json& body) {
    std::string s;
    if (body.contains("operator") && body["operator"].is_object()) {
        const auto& o = body["operator"];
        s = "经办 Operator " + str(o, "id") + (o.contains("name") ? " " + str(o, "name") : "") + " @ " + str(o, "address");
    }
    if (body.contains("caller") && body["caller"].is_object()) {
        const auto& c = body["caller"];
        s += (s.empty() ? "" : "\n") + std::string("接口调用 Via ") + str(c, "via") + " " + str(c, "token", "-") + " @ " +
             str(c, "address") + ":" + str(c, "port");
    }
    return s.empty() ? "—" : s;
}

// ---- the dossier as a sequence of titled tables, rendered as Markdown or HTML ----------------

struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

struct Section {
    std::string title;          // "中文 English"
    std::vector<std::string> paragraphs;
    std::vector<Table> tables;
    std::string html;           // shown before the tables in the HTML dossier only (a timeline)
};

const char* mark(const nlohmann::json& v) {
    if (v.is_boolean()) return v.get<bool>() ? "✓" : "✗";
    return "?";
}

std::string reasons_text(const nlohmann::json& reasons, bool zh) {
    std::string s;
    for (const auto& r : reasons) {
        if (!s.empty()) s += "\n";
        s += str(r, zh ? "message_zh" : "message_en") + " [" + str(r, "code") + "; " + str(r, "clause") + "]";
    }
    return s;
}


std::string stage_details(const Record& r) {
    const auto& b = r.body;
    const std::string stage = str(b, "stage");
    std::vector<std::string> lines;
    auto add = [&](const std::string& s) {
        if (!s.empty()) lines.push_back(s);
    };
    if (stage == "application") {
        add("申请人 Applicant: " + person_text(b.value("applicant", nlohmann::json())));
        add(str(b, "statement"));
    }
    if (b.contains("investigators")) add("调查人员 Investigators: " + people_text(b["investigators"]));
    if (b.contains("decision_makers")) add("认定人员 Decision makers: " + people_text(b["decision_makers"]));
    if (b.contains("exclusions") && b["exclusions"].is_object()) {
        std::string ex;
        for (auto it = b["exclusions"].begin(); it != b["exclusions"].end(); ++it) {
            const auto& v = it.value();
            const char* said = v.is_boolean() ? (v.get<bool>() ? "存在 applies" : "不存在 does not apply") : "未查明 not established";
            ex += (ex.empty() ? "" : "; ") + label(it.key()) + ": " + said;
        }
        add("排除情形 Exclusions: " + ex);
    }
    if (b.contains("report")) add("调查报告 Report: " + str(b, "report"));
    if (b.contains("proposed")) add("处理建议 Proposal: " + label(str(b, "proposed")));
    if (b.contains("final") && b["final"].is_string()) add("认定结论 Final decision: " + label(str(b, "final")));
    if (b.contains("final_reason")) add("书面理由 Written reason: " + str(b, "final_reason"));
    if (b.contains("told_to")) add("告知 Told to: " + people_text(b["told_to"]));
    if (b.contains("filed_with") && b["filed_with"].is_object())
        add("备案 Filed with: " + str(b["filed_with"], "body") +
            (b["filed_with"].contains("reference") ? " (" + str(b["filed_with"], "reference") + ")" : ""));
    if (b.contains("measures") && b["measures"].is_array())
        for (const auto& m : b["measures"])
            add(std::string(mark(m.value("done", nlohmann::json()))) + " " + str(m, "description") +
                (m.contains("done_on") ? " (" + str(m, "done_on") + ")" : ""));
    if (b.contains("form")) add("形式 Form: " + label(str(b, "form")) + "；" + str(b, "published_in"));
    if (b.contains("evidence") && b["evidence"].is_array())
        for (const auto& e : b["evidence"]) add("证据 Evidence: " + str(e, "name") + " (SHA-256 " + str(e, "sha256").substr(0, 16) + "…)");
    if (b.contains("note")) add(str(b, "note"));
    for (const auto& f : b.value("findings", nlohmann::json::array()))
        add("⚠ " + str(f, "message_zh") + "\n   " + str(f, "message_en"));
    std::string out;
    for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
    return out;
}

std::string state_text(const TimelineStage& s, const std::string& as_of) {
    if (s.findings && (s.state == TimelineStage::State::done || s.state == TimelineStage::State::done_late))
        return std::string(s.state == TimelineStage::State::done ? "⚠ 按时完成 done on time" : "✗ 逾期 " + std::to_string(s.days_late) +
                                                                                               " 日完成 done " + std::to_string(s.days_late) +
                                                                                               " days late") +
               "，但有 " + std::to_string(s.findings) + " 项异常（顺序等，见内容） with " + std::to_string(s.findings) +
               " finding(s) on order or grounds, see details";
    switch (s.state) {
        case TimelineStage::State::done: return "✓ 按时完成 done on time";
        case TimelineStage::State::done_late:
            return "✗ 逾期 " + std::to_string(s.days_late) + " 日完成 done " + std::to_string(s.days_late) + " days late";
        case TimelineStage::State::pending: return "… 待办 pending";
        case TimelineStage::State::overdue:
            return "✗ 已逾期 " + std::to_string(s.days_late) + " 日（截至 " + as_of + "） overdue by " + std::to_string(s.days_late) +
                   " days (as of " + as_of + ")";
        case TimelineStage::State::not_due:
            return s.stage == "notice" ? "— 仅在认定免责后办理 only after a decision to exempt" : "— 需要时办理 when needed";
    }
    return "";
}

const char* state_class(const TimelineStage& t) {
    if (t.findings && t.state == TimelineStage::State::done) return "flagged";
    switch (t.state) {
        case TimelineStage::State::done: return "done";
        case TimelineStage::State::done_late: return "late";
        case TimelineStage::State::pending: return "pending";
        case TimelineStage::State::overdue: return "overdue";
        case TimelineStage::State::not_due: return "notdue";
    }
    return "notdue";
}

std::string html_escape(const std::string& s);

Section case_section(const Dossier& d, const Timeline& t) {
    Section sec{"容错案件时间线 Tolerance-of-failure case: timeline", {}, {}, {}};
    sec.paragraphs.push_back("案件编号（申请记录） Case id (its application record): " + t.application->id);
    sec.paragraphs.push_back("各环节时限依据 Where the time limits come from: " + t.limits_source_zh + " / " + t.limits_source_en);
    Table table{{"环节 Stage", "期限 Due", "完成 Done", "状态 Status", "经办及来源 Who and from where", "内容 Details"}, {}};
    std::string html = "<ol class=\"timeline\">\n";
    for (const TimelineStage& s : t.stages) {
        const std::string done = s.record ? str(s.record->body, "date") : "—";
        table.rows.push_back({s.label_zh + " " + s.label_en, s.due.value_or("—"), done, state_text(s, d.as_of),
                              s.record ? operator_text(s.record->body) : "—", s.record ? stage_details(*s.record) : ""});
        html += std::string("<li class=\"st-") + state_class(s) + "\"><span class=\"dot\"></span><div class=\"label\">" +
                html_escape(s.label_zh) + "<br><small>" + html_escape(s.label_en) + "</small></div><div class=\"when\">" +
                (s.record ? "完成 done " + html_escape(done) + "<br>" : std::string()) +
                (s.due ? "期限 due " + html_escape(*s.due) : std::string()) + "</div><div class=\"status\">" +
                html_escape(state_text(s, d.as_of)) + "</div></li>\n";
    }
    html += "</ol>\n";
    // Stages recorded more than once, and stages the plan does not name, after the plan's rows.
    for (const Record* r : t.records) {
        bool shown = false;
        for (const TimelineStage& s : t.stages) shown = shown || s.record == r;
        if (!shown)
            table.rows.push_back({label(str(r->body, "stage")) + "（再次记录 recorded again）", "—", str(r->body, "date"), "",
                                  operator_text(r->body), stage_details(*r)});
    }
    sec.tables.push_back(table);
    sec.html = html;
    return sec;
}

std::vector<Section> sections(const Dossier& d) {
    std::vector<Section> out;
    const auto& b = d.award.body;
    const auto& a = b.value("assessment", nlohmann::json::object());

    Section award{"授标 Award", {}, {}, {}};
    Table facts{{"项目 Item", "内容 Value"}, {}};
    facts.rows.push_back({"招标项目 Tender", str(b["tender"], "id") + " " + str(b["tender"], "title")});
    facts.rows.push_back({"中标投标 Winning bid", str(b["bid"], "id") + " " + str(b["bid"]["bidder"], "name") + " (" +
                                                      str(b["bid"]["bidder"], "uscc") + ")"});
    facts.rows.push_back({"采购主体 Purchaser", str(b["purchaser"], "name") + " (" + str(b["purchaser"], "uscc") + ", " +
                                                   label(str(b["purchaser"], "ownership")) + ")"});
    facts.rows.push_back({"授标日期 Award date", str(b, "award_date")});
    facts.rows.push_back({"采购方式 Procurement method", label(str(b, "procurement_method"))});
    std::string makers;
    for (const auto& m : b.value("decision_makers", nlohmann::json::array()))
        makers += (makers.empty() ? "" : "; ") + str(m, "role") + " " + str(m, "name") + " (" + str(m, "id") + ")";
    facts.rows.push_back({"决策人员 Decision makers", makers});
    facts.rows.push_back({"记录 Record", "#" + std::to_string(d.award.seq) + " " + d.award.time + "\n" + d.award.id});
    facts.rows.push_back({"经办 Recorded by", operator_text(b)});
    award.tables.push_back(facts);
    Table evidence{{"证据材料 Evidence", "SHA-256"}, {}};
    for (const auto& e : b.value("evidence", nlohmann::json::array())) evidence.rows.push_back({str(e, "name"), str(e, "sha256")});
    if (!evidence.rows.empty()) award.tables.push_back(evidence);
    out.push_back(award);

    Section assessment{"授标日评估（条件、程序、标准） Assessment as of the award date", {}, {}, {}};
    assessment.paragraphs.push_back(std::string("评估日期 As of: ") + str(a, "as_of") + "。 " +
                                    (a.value("conditions_met", false) ? "符合规定的条件、程序和标准。 Conditions, procedures and standards met."
                                                                      : "未全部满足或尚待查明。 Not all met or established."));
    assessment.paragraphs.push_back("政策 Policy: " + str(a["policy"], "document") + " (" + str(a["policy"], "id") +
                                    ", sha256 " + str(a["policy"], "sha256") + ")；认定名录 Registry: " +
                                    str(a["registry"], "id") + " " + str(a["registry"], "version") + " (sha256 " +
                                    str(a["registry"], "sha256") + ")");
    Table certs{{"证书 Certificate", "标的 Item", "采信 Accepted", "产品/型号 Product / model", "持有人 Holder",
                 "有效期 Validity", "状态 Status"},
                {}};
    for (const auto& c : a.value("certificates", nlohmann::json::array())) {
        std::string codes;
        for (const auto& x : c.value("codes", nlohmann::json::array())) codes += (codes.empty() ? " " : ", ") + x.get<std::string>();
        certs.rows.push_back({str(c, "id") + " (" + str(c, "issuer") + ")", str(c, "item"), std::string(mark(c["accepted"])) + codes,
                              str(c, "product") + " / " + str(c, "model"),
                              str(c["holder"], "name") + " (" + str(c["holder"], "uscc") + ")",
                              str(c, "valid_from") + " – " + str(c, "valid_until"), str(c, "status")});
    }
    assessment.tables.push_back(certs);
    Table conditions{{"条件或程序 Condition or procedure", "结果 Result"}, {}};
    conditions.rows.push_back({"国有采购主体 State-owned purchaser", mark(a["purchaser"]["state_owned"])});
    conditions.rows.push_back({"采购方式 Procurement method: " + label(str(a["procurement_method"], "value")),
                               mark(a["procurement_method"]["allowed"])});
    for (const auto& p : a.value("procedure", nlohmann::json::array()))
        conditions.rows.push_back({label(str(p, "item"), p.value("label", nlohmann::json())), mark(p["done"])});
    conditions.rows.push_back({"评标办法合规审查 Evaluation-method audit",
                               a.contains("lint") && a["lint"].is_object() ? mark(a["lint"]["passed"]) : "?"});
    assessment.tables.push_back(conditions);
    if (a.contains("lint") && a["lint"].is_object() && !a["lint"].value("findings", nlohmann::json::array()).empty()) {
        Table audit{{"评审因素 Criterion", "结论 Finding", "说明 Explanation", "依据 Clause"}, {}};
        for (const auto& f : a["lint"]["findings"])
            audit.rows.push_back({f["criterion"].is_string() ? f["criterion"].get<std::string>() : "—",
                                  str(f, "severity") + " " + str(f, "code"),
                                  str(f, "message_zh") + "\n" + str(f, "message_en"), str(f, "clause")});
        assessment.tables.push_back(audit);
    }
    Table why{{"理由 Reasons", "Reasons"}, {}};
    for (const auto& r : a.value("reasons", nlohmann::json::array()))
        why.rows.push_back({str(r, "message_zh") + "（" + str(r, "clause") + "）", str(r, "message_en") + " [" + str(r, "code") + "]"});
    assessment.tables.push_back(why);
    out.push_back(assessment);

    Section failures{"故障 Failures", {}, {}, {}};
    Table ft{{"记录 Record", "日期 Date", "严重程度 Severity", "说明 Description", "报告人 Reported by"}, {}};
    for (const auto& f : d.failures)
        ft.rows.push_back({"#" + std::to_string(f.seq) + " " + f.id.substr(0, 16) + "…", str(f.body, "date"), label(str(f.body, "severity")),
                           str(f.body, "description"), person_text(f.body.value("reported_by", nlohmann::json())) + "\n" + operator_text(f.body)});
    if (ft.rows.empty()) failures.paragraphs.push_back("无故障报告。 No failure reported.");
    else failures.tables.push_back(ft);
    out.push_back(failures);

    Section decisions{"容错处理 Tolerance decisions", {}, {}, {}};
    for (const auto& dec : d.decisions) {
        Table t{{"项目 Item", "内容 Value"}, {}};
        t.rows.push_back({"记录 Record", "#" + std::to_string(dec.seq) + " " + dec.time + "\n" + dec.id});
        t.rows.push_back({"故障 Failure", str(dec.body, "failure").substr(0, 16) + "…"});
        std::string exclusions;
        for (auto it = dec.body["exclusions"].begin(); it != dec.body["exclusions"].end(); ++it) {
            const auto& v = it.value();
            const char* said = v.is_boolean() ? (v.get<bool>() ? "存在 applies" : "不存在 does not apply") : "未查明 not established";
            exclusions += (exclusions.empty() ? "" : "\n") + label(it.key()) + ": " + said;
        }
        t.rows.push_back({"排除情形 Exclusions", exclusions.empty() ? "?" : exclusions});
        t.rows.push_back({"处理建议 Proposal", label(str(dec.body, "proposed"))});
        t.rows.push_back({"最终决定 Final decision", dec.body.contains("final") && dec.body["final"].is_string()
                                                         ? label(str(dec.body, "final")) : "待定 pending"});
        if (dec.body.contains("final_reason")) t.rows.push_back({"书面理由 Written reason", str(dec.body, "final_reason")});
        t.rows.push_back({"决定人 Decided by", person_text(dec.body.value("decided_by", nlohmann::json()))});
        t.rows.push_back({"经办 Recorded by", operator_text(dec.body)});
        t.rows.push_back({"理由 Reasons", reasons_text(dec.body.value("reasons", nlohmann::json::array()), true) + "\n" +
                                              reasons_text(dec.body.value("reasons", nlohmann::json::array()), false)});
        decisions.tables.push_back(t);
    }
    if (d.decisions.empty()) decisions.paragraphs.push_back("无容错处理记录。 No tolerance decision recorded.");
    out.push_back(decisions);

    for (const Timeline& t : case_timelines(d)) out.push_back(case_section(d, t));

    Section proof{"链式校验 Chain proof", {}, {}, {}};
    const bool ok = d.verdict.value("ok", false);
    proof.paragraphs.push_back(std::string(ok ? "账本完好：" : "账本有问题：") + std::to_string(d.verdict.value("records", 0)) +
                               " 条记录，账本头 #" + (d.verdict["head"].is_object() ? std::to_string(d.verdict["head"].value("seq", 0)) + " " +
                                                                                         d.verdict["head"].value("id", "")
                                                                                   : std::string("-")) +
                               "。 " + (ok ? "The ledger verifies: every record's digest is named by the next." : "The ledger does not verify."));
    for (const auto& p : d.verdict.value("problems", nlohmann::json::array()))
        proof.paragraphs.push_back("✗ " + str(p, "code") + ": " + str(p, "message_zh") + " " + str(p, "message_en"));
    // The chain hash the ledger's genesis names (firstset_verify reads it): SHA-256 or SM3.
    const std::string hash = d.verdict.value("hash", "sha256") == "sm3" ? "SM3" : "SHA-256";
    proof.paragraphs.push_back("本账本的链式哈希算法：" + hash + "（创世记录所定）。每条记录的编号是其整行内容的 " + hash +
                               " 摘要，并写入下一条记录的 prev 字段；任何改动都会使校验失败。 The ledger's chain hash is " + hash +
                               " (its genesis record names it): a record's id is the " + hash +
                               " of its line and the next record's prev names it: any change breaks "
                               "the chain. Keep the head (seq and id) to detect a cut tail: firstset-ledger verify --head SEQ:ID.");
    Table chain{{"序号 Seq", "时间 Time (UTC)", "类别 Kind", "编号 Id (" + hash + " of the line)", "前序 Prev"}, {}};
    for (const Record* r : d.all()) chain.rows.push_back({std::to_string(r->seq), r->time, label(r->kind), r->id, r->prev});
    proof.tables.push_back(chain);
    out.push_back(proof);
    return out;
}

// A paragraph or title: text from records is text, never markup (a statement holding <script>
// stays words in a Markdown viewer too).
std::string md_text(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else out.push_back(c);
    }
    return out;
}

// A table cell: the same, with the table's bar escaped and line breaks as <br>.
std::string md_cell(const std::string& s) {
    std::string out;
    for (char c : md_text(s)) {
        if (c == '|') out += "\\|";
        else if (c == '\n') out += "<br>";
        else out.push_back(c);
    }
    return out;
}

std::string html_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\n': out += "<br>"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

}  // namespace

std::vector<Record> read_records(const std::filesystem::path& ledger) {
    // The plugin's own reader (whole lines only: a last line without its newline is unfinished)
    // and its line format; the body is parsed here only to be shown.
    if (!std::filesystem::is_regular_file(ledger)) throw std::runtime_error("cannot read " + ledger.string());
    firstset::ledger::LedgerReader reader(ledger);
    std::vector<Record> records;
    std::string lines;
    try {
        while (reader.read(UINT64_MAX, 8 << 20, lines) > 0) {
            for (std::size_t start = 0, end; (end = lines.find('\n', start)) != std::string::npos; start = end + 1) {
                const std::string_view line = std::string_view(lines).substr(start, end - start);
                const auto fields = firstset::ledger::read_fields(line);
                if (!fields) continue;  // verify reports it
                Record r;
                r.seq = fields->seq;
                r.id = firstset::digest_hex(reader.hash(), line);
                r.prev = std::string(fields->prev);
                r.time = std::string(fields->time);
                r.kind = std::string(fields->kind);
                r.body = nlohmann::json::parse(fields->body, nullptr, false);
                r.line = std::string(line);
                if (!r.body.is_object()) r.body = nlohmann::json::object();
                records.push_back(std::move(r));
            }
            lines.clear();
        }
    } catch (const firstset::StatusError& e) {
        throw std::runtime_error(e.what());
    }
    return records;
}

std::string china_date(const std::string& utc_time) {
    const auto d = firstset::china_date_of(utc_time);
    return d ? d->to_string() : std::string();
}

std::vector<const Record*> Dossier::all() const {
    std::vector<const Record*> out = {&award};
    for (const auto* list : {&failures, &decisions, &case_stages})
        for (const Record& r : *list) out.push_back(&r);
    std::sort(out.begin(), out.end(), [](const Record* a, const Record* b) { return a->seq < b->seq; });
    return out;
}

std::optional<Dossier> collect_dossier(const std::vector<Record>& records, const std::string& id) {
    std::string award_id = id;
    for (const auto& r : records)  // a case's id leads to its award
        if (r.kind == "case_stage" && r.id == id && str(r.body, "stage") == "application") award_id = str(r.body, "award");
    Dossier d;
    bool found = false;
    std::vector<std::string> cases;
    for (const auto& r : records) {
        if (r.kind == "award" && r.id == award_id) {
            d.award = r;
            found = true;
        } else if (r.kind == "failure_report" && str(r.body, "award") == award_id) {
            d.failures.push_back(r);
        } else if (r.kind == "tolerance_decision" && str(r.body, "award") == award_id) {
            d.decisions.push_back(r);
        } else if (r.kind == "case_stage") {
            const bool opens = str(r.body, "stage") == "application" && str(r.body, "award") == award_id;
            if (opens) cases.push_back(r.id);
            if (opens || std::find(cases.begin(), cases.end(), str(r.body, "case")) != cases.end()) d.case_stages.push_back(r);
        }
    }
    if (!found) return std::nullopt;
    return d;
}

namespace {

// A ledger is outside data: a member of an unexpected type reads as absent, never as an abort.
long integer_of(const nlohmann::json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_number_integer() ? j[key].get<long>() : 0;
}
bool flag_of(const nlohmann::json& j, const char* key, bool fallback) {
    return j.is_object() && j.contains(key) && j[key].is_boolean() ? j[key].get<bool>() : fallback;
}
const nlohmann::json& member_of(const nlohmann::json& j, const char* key) {
    static const nlohmann::json none;
    return j.is_object() && j.contains(key) ? j[key] : none;
}

}  // namespace

std::vector<Timeline> case_timelines(const Dossier& d) {
    using firstset::Date;
    std::vector<Timeline> out;
    const auto as_of = Date::parse(d.as_of);
    for (const Record& app : d.case_stages) {
        if (str(app.body, "stage") != "application") continue;
        Timeline t;
        t.application = &app;
        t.records.push_back(&app);
        for (const Record& r : d.case_stages)
            if (str(r.body, "case") == app.id) t.records.push_back(&r);
        const nlohmann::json& plan = member_of(app.body, "plan");
        t.limits_source_zh = str(member_of(plan, "limits_source"), "zh");
        t.limits_source_en = str(member_of(plan, "limits_source"), "en");
        auto first = [&](const std::string& stage) -> const Record* {
            for (const Record* r : t.records)
                if (str(r->body, "stage") == stage) return r;
            return nullptr;
        };
        // The latest record of a stage before a given record (all of them: nullptr).
        auto latest_before = [&](const std::string& stage, const Record* before) -> const Record* {
            const Record* found = nullptr;
            for (const Record* r : t.records) {
                if (before && r->seq >= before->seq) break;
                if (str(r->body, "stage") == stage) found = r;
            }
            return found;
        };
        const Record* last_decision = latest_before("decision", nullptr);
        const bool exempted = last_decision && str(last_decision->body, "final") == "exempt";  // the latest governs
        const auto failure_date = Date::parse(str(app.body, "failure_date"));
        const nlohmann::json& stages = member_of(plan, "stages");
        if (!stages.is_array()) {
            out.push_back(std::move(t));
            continue;
        }
        for (const auto& st : stages) {
            TimelineStage ts;
            ts.stage = str(st, "stage");
            ts.label_zh = str(member_of(st, "label"), "zh", ts.stage);
            ts.label_en = str(member_of(st, "label"), "en", ts.stage);
            ts.record = first(ts.stage);
            const std::string after = str(st, "after");
            std::optional<Date> start;
            if (after == "failure_report") start = failure_date;
            else if (const Record* a = after.empty() ? nullptr : latest_before(after, ts.record)) start = Date::parse(str(a->body, "date"));
            const long within = integer_of(st, "within_days");
            std::optional<Date> due;
            if (start && within > 0 && within <= 3650) {
                due = Date::from_days(start->days() + static_cast<std::int32_t>(within));
                ts.due = due->to_string();
            }
            const bool only_if_exempt = flag_of(st, "only_if_exempt", false), required = flag_of(st, "required", true);
            if (ts.record) {
                const auto done = Date::parse(str(ts.record->body, "date"));
                const nlohmann::json& findings = member_of(ts.record->body, "findings");
                if (findings.is_array())
                    for (const auto& f : findings) ts.findings += str(f, "code") != "STAGE_OVERDUE";  // lateness is shown apart
                ts.state = TimelineStage::State::done;
                if (due && done && *done > *due) {
                    ts.state = TimelineStage::State::done_late;
                    ts.days_late = done->days() - due->days();
                }
            } else if ((only_if_exempt && !exempted) || (!required && !only_if_exempt)) {
                ts.state = TimelineStage::State::not_due;
            } else if (due && as_of && *as_of > *due) {
                ts.state = TimelineStage::State::overdue;
                ts.days_late = as_of->days() - due->days();
            } else {
                ts.state = TimelineStage::State::pending;
            }
            t.stages.push_back(std::move(ts));
        }
        out.push_back(std::move(t));
    }
    return out;
}

std::string dossier_markdown(const Dossier& d) {
    std::ostringstream md;
    md << "# 首台（套）重大技术装备采购容错档案 / First-set equipment: tolerance dossier\n\n";
    md << "账本 Ledger: `" << md_text(d.ledger_path) << "` · 授标记录 Award record: `" << d.award.id << "` · 生成 Generated: "
       << d.generated_at << "\n";
    for (const auto& s : sections(d)) {
        md << "\n## " << md_text(s.title) << "\n\n";
        for (const auto& p : s.paragraphs) md << md_text(p) << "\n\n";
        for (const auto& t : s.tables) {
            md << "|";
            for (const auto& h : t.header) md << " " << md_cell(h) << " |";
            md << "\n|";
            for (std::size_t i = 0; i < t.header.size(); ++i) md << "---|";
            md << "\n";
            for (const auto& row : t.rows) {
                md << "|";
                for (const auto& cell : row) md << " " << md_cell(cell) << " |";
                md << "\n";
            }
            md << "\n";
        }
    }
    return md.str();
}

std::string dossier_html(const Dossier& d) {
    std::ostringstream h;
    const bool ok = d.verdict.value("ok", false);
    h << "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>容错档案 Tolerance dossier " << html_escape(d.award.body["tender"].value("id", "")) << "</title>\n"
      << "<style>\n"
      << "body{font-family:\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;"
         "max-width:1100px;margin:2em auto;padding:0 1.5em;color:#1f2933;line-height:1.5;font-size:14px}\n"
      << "h1{font-size:22px;border-bottom:3px solid #8b1a1a;padding-bottom:.4em}h2{font-size:17px;margin-top:2em;color:#8b1a1a}\n"
      << "table{border-collapse:collapse;width:100%;margin:.6em 0 1.2em}th,td{border:1px solid #cbd2d9;padding:.35em .6em;"
         "text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f0f4f8;font-weight:600}\n"
      << ".meta{color:#52606d;font-size:12px}.ok{color:#1a7f37;font-weight:600}.bad{color:#b42318;font-weight:600}\n"
      << "td.date{white-space:nowrap}\n"
      << "code,td.hash{font-family:\"DejaVu Sans Mono\",monospace;font-size:11px}\n"
      << ".timeline{list-style:none;display:flex;padding:0;margin:1em 0 1.5em;counter-reset:st}\n"
      << ".timeline li{flex:1;position:relative;padding:2.1em .4em 0;text-align:center;font-size:12px}\n"
      << ".timeline li::before{content:\"\";position:absolute;top:.7em;left:0;right:0;height:3px;background:#cbd2d9}\n"
      << ".timeline .dot{position:absolute;top:.15em;left:50%;margin-left:-.65em;width:1.3em;height:1.3em;border-radius:50%;"
         "background:#9aa5b1;border:2px solid #fff;box-shadow:0 0 0 1px #9aa5b1}\n"
      << ".timeline .label{font-weight:600;font-size:13px}.timeline .when{color:#52606d}.timeline .status{margin-top:.2em}\n"
      << ".st-flagged .dot{background:#d9822b}.st-flagged .status{color:#b54708;font-weight:600}\n"
      << ".st-done .dot{background:#1a7f37}.st-late .dot,.st-overdue .dot{background:#b42318}.st-pending .dot{background:#f0b429}\n"
      << ".st-notdue{opacity:.55}.st-late .status,.st-overdue .status{color:#b42318;font-weight:600}.st-done .status{color:#1a7f37}\n"
      << "@media print{body{margin:0}h2{break-after:avoid}}\n</style>\n</head>\n<body>\n";
    h << "<h1>首台（套）重大技术装备采购容错档案<br><small>First-set equipment: tolerance-of-failure dossier</small></h1>\n";
    h << "<p class=\"meta\">账本 Ledger <code>" << html_escape(d.ledger_path) << "</code> · 授标记录 Award record <code>"
      << d.award.id << "</code> · 生成 Generated " << html_escape(d.generated_at) << " · 链式校验 Chain <span class=\""
      << (ok ? "ok\">✓ 完好 intact" : "bad\">✗ 有问题 damaged") << "</span></p>\n";
    for (const auto& s : sections(d)) {
        h << "<h2>" << html_escape(s.title) << "</h2>\n";
        for (const auto& p : s.paragraphs) h << "<p>" << html_escape(p) << "</p>\n";
        h << s.html;
        for (const auto& t : s.tables) {
            h << "<table>\n<tr>";
            for (const auto& col : t.header) h << "<th>" << html_escape(col) << "</th>";
            h << "</tr>\n";
            for (const auto& row : t.rows) {
                h << "<tr>";
                for (const auto& cell : row) {
                    const bool hash = cell.size() == 64 && cell.find_first_not_of("0123456789abcdef") == std::string::npos;
                    const bool date = firstset::Date::parse(cell).has_value();  // kept on one line
                    h << (hash ? "<td class=\"hash\">" : date ? "<td class=\"date\">" : "<td>") << html_escape(cell) << "</td>";
                }
                h << "</tr>\n";
            }
            h << "</table>\n";
        }
    }
    h << "</body>\n</html>\n";
    return h.str();
}

}  // namespace tool
