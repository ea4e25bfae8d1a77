#include "ledger_file.hpp"

#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

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

// ---- the dossier as a sequence of titled tables, rendered as Markdown or HTML ----------------

struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

struct Section {
    std::string title;          // "中文 English"
    std::vector<std::string> paragraphs;
    std::vector<Table> tables;
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

std::vector<Section> sections(const Dossier& d) {
    std::vector<Section> out;
    const auto& b = d.award.body;
    const auto& a = b.value("assessment", nlohmann::json::object());

    Section award{"授标 Award", {}, {}};
    Table facts{{"项目 Item", "内容 Value"}, {}};
    facts.rows.push_back({"招标项目 Tender", str(b["tender"], "id") + " " + str(b["tender"], "title")});
    facts.rows.push_back({"中标投标 Winning bid", str(b["bid"], "id") + " " + str(b["bid"]["bidder"], "name") + " (" +
                                                      str(b["bid"]["bidder"], "uscc") + ")"});
    facts.rows.push_back({"采购主体 Purchaser", str(b["purchaser"], "name") + " (" + str(b["purchaser"], "uscc") + ", " +
                                                   str(b["purchaser"], "ownership") + ")"});
    facts.rows.push_back({"授标日期 Award date", str(b, "award_date")});
    facts.rows.push_back({"采购方式 Procurement method", str(b, "procurement_method")});
    std::string makers;
    for (const auto& m : b.value("decision_makers", nlohmann::json::array()))
        makers += (makers.empty() ? "" : "; ") + str(m, "role") + " " + str(m, "name") + " (" + str(m, "id") + ")";
    facts.rows.push_back({"决策人员 Decision makers", makers});
    facts.rows.push_back({"记录 Record", "#" + std::to_string(d.award.seq) + " " + d.award.time + "\n" + d.award.id});
    award.tables.push_back(facts);
    Table evidence{{"证据材料 Evidence", "SHA-256"}, {}};
    for (const auto& e : b.value("evidence", nlohmann::json::array())) evidence.rows.push_back({str(e, "name"), str(e, "sha256")});
    if (!evidence.rows.empty()) award.tables.push_back(evidence);
    out.push_back(award);

    Section assessment{"授标日评估（条件、程序、标准） Assessment as of the award date", {}, {}};
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
    conditions.rows.push_back({"采购方式 Procurement method " + str(a["procurement_method"], "value"),
                               mark(a["procurement_method"]["allowed"])});
    for (const auto& p : a.value("procedure", nlohmann::json::array())) conditions.rows.push_back({str(p, "item"), mark(p["done"])});
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

    Section failures{"故障 Failures", {}, {}};
    Table ft{{"记录 Record", "日期 Date", "严重程度 Severity", "说明 Description", "报告人 Reported by"}, {}};
    for (const auto& f : d.failures)
        ft.rows.push_back({"#" + std::to_string(f.seq) + " " + f.id.substr(0, 16) + "…", str(f.body, "date"), str(f.body, "severity"),
                           str(f.body, "description"), str(f.body["reported_by"], "role") + " " + str(f.body["reported_by"], "id")});
    if (ft.rows.empty()) failures.paragraphs.push_back("无故障报告。 No failure reported.");
    else failures.tables.push_back(ft);
    out.push_back(failures);

    Section decisions{"容错处理 Tolerance decisions", {}, {}};
    for (const auto& dec : d.decisions) {
        Table t{{"项目 Item", "内容 Value"}, {}};
        t.rows.push_back({"记录 Record", "#" + std::to_string(dec.seq) + " " + dec.time + "\n" + dec.id});
        t.rows.push_back({"故障 Failure", str(dec.body, "failure").substr(0, 16) + "…"});
        std::string exclusions;
        for (auto it = dec.body["exclusions"].begin(); it != dec.body["exclusions"].end(); ++it) {
            const auto& v = it.value();
            const char* said = v.is_boolean() ? (v.get<bool>() ? "存在 applies" : "不存在 does not apply") : "未查明 not established";
            exclusions += (exclusions.empty() ? "" : "\n") + it.key() + ": " + said;
        }
        t.rows.push_back({"排除情形 Exclusions", exclusions.empty() ? "?" : exclusions});
        t.rows.push_back({"处理建议 Proposal", str(dec.body, "proposed")});
        t.rows.push_back({"最终决定 Final decision", str(dec.body, "final", "待定 pending")});
        if (dec.body.contains("final_reason")) t.rows.push_back({"书面理由 Written reason", str(dec.body, "final_reason")});
        t.rows.push_back({"决定人 Decided by", str(dec.body["decided_by"], "role") + " " + str(dec.body["decided_by"], "name") +
                                                   " (" + str(dec.body["decided_by"], "id") + ")"});
        t.rows.push_back({"理由 Reasons", reasons_text(dec.body.value("reasons", nlohmann::json::array()), true) + "\n" +
                                              reasons_text(dec.body.value("reasons", nlohmann::json::array()), false)});
        decisions.tables.push_back(t);
    }
    if (d.decisions.empty()) decisions.paragraphs.push_back("无容错处理记录。 No tolerance decision recorded.");
    out.push_back(decisions);

    Section proof{"链式校验 Chain proof", {}, {}};
    const bool ok = d.verdict.value("ok", false);
    proof.paragraphs.push_back(std::string(ok ? "账本完好：" : "账本有问题：") + std::to_string(d.verdict.value("records", 0)) +
                               " 条记录，账本头 #" + (d.verdict["head"].is_object() ? std::to_string(d.verdict["head"].value("seq", 0)) + " " +
                                                                                         d.verdict["head"].value("id", "")
                                                                                   : std::string("-")) +
                               "。 " + (ok ? "The ledger verifies: every record's digest is named by the next." : "The ledger does not verify."));
    for (const auto& p : d.verdict.value("problems", nlohmann::json::array()))
        proof.paragraphs.push_back("✗ " + str(p, "code") + ": " + str(p, "message_zh") + " " + str(p, "message_en"));
    proof.paragraphs.push_back("每条记录的编号是其整行内容的 SHA-256，并写入下一条记录的 prev 字段；任何改动都会使校验失败。 "
                               "A record's id is the SHA-256 of its line and the next record's prev names it: any change breaks "
                               "the chain. Keep the head (seq and id) to detect a cut tail: firstset-ledger verify --head SEQ:ID.");
    Table chain{{"序号 Seq", "时间 Time (UTC)", "类别 Kind", "编号 Id (SHA-256 of the line)", "前序 Prev"}, {}};
    std::vector<const Record*> shown = {&d.award};
    for (const auto& f : d.failures) shown.push_back(&f);
    for (const auto& dec : d.decisions) shown.push_back(&dec);
    for (const Record* r : shown) chain.rows.push_back({std::to_string(r->seq), r->time, r->kind, r->id, r->prev});
    proof.tables.push_back(chain);
    out.push_back(proof);
    return out;
}

std::string md_cell(std::string s) {
    std::string out;
    for (char c : s) {
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

std::optional<Dossier> collect_dossier(const std::vector<Record>& records, const std::string& award_id) {
    Dossier d;
    bool found = false;
    for (const auto& r : records) {
        if (r.kind == "award" && r.id == award_id) {
            d.award = r;
            found = true;
        } else if (r.kind == "failure_report" && r.body.value("award", "") == award_id) {
            d.failures.push_back(r);
        } else if (r.kind == "tolerance_decision" && r.body.value("award", "") == award_id) {
            d.decisions.push_back(r);
        }
    }
    if (!found) return std::nullopt;
    return d;
}

std::string dossier_markdown(const Dossier& d) {
    std::ostringstream md;
    md << "# 首台（套）重大技术装备采购容错档案 / First-set equipment: tolerance dossier\n\n";
    md << "账本 Ledger: `" << d.ledger_path << "` · 授标记录 Award record: `" << d.award.id << "` · 生成 Generated: "
       << d.generated_at << "\n";
    for (const auto& s : sections(d)) {
        md << "\n## " << s.title << "\n\n";
        for (const auto& p : s.paragraphs) md << p << "\n\n";
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
      << "code,td.hash{font-family:\"DejaVu Sans Mono\",monospace;font-size:11px}\n"
      << "@media print{body{margin:0}h2{break-after:avoid}}\n</style>\n</head>\n<body>\n";
    h << "<h1>首台（套）重大技术装备采购容错档案<br><small>First-set equipment: tolerance-of-failure dossier</small></h1>\n";
    h << "<p class=\"meta\">账本 Ledger <code>" << html_escape(d.ledger_path) << "</code> · 授标记录 Award record <code>"
      << d.award.id << "</code> · 生成 Generated " << html_escape(d.generated_at) << " · 链式校验 Chain <span class=\""
      << (ok ? "ok\">✓ 完好 intact" : "bad\">✗ 有问题 damaged") << "</span></p>\n";
    for (const auto& s : sections(d)) {
        h << "<h2>" << html_escape(s.title) << "</h2>\n";
        for (const auto& p : s.paragraphs) h << "<p>" << html_escape(p) << "</p>\n";
        for (const auto& t : s.tables) {
            h << "<table>\n<tr>";
            for (const auto& col : t.header) h << "<th>" << html_escape(col) << "</th>";
            h << "</tr>\n";
            for (const auto& row : t.rows) {
                h << "<tr>";
                for (const auto& cell : row) {
                    const bool hash = cell.size() == 64 && cell.find_first_not_of("0123456789abcdef") == std::string::npos;
                    h << (hash ? "<td class=\"hash\">" : "<td>") << html_escape(cell) << "</td>";
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
