// The usage report for people: CSV, XLSX (libxlsxwriter) and one self-contained HTML page with
// inline SVG charts; and the `report` command (report.hpp).
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <sstream>

#include "report.hpp"

namespace tool::report {

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

namespace {

// ---- the table every format shares ----------------------------------------------------------

struct Cell {
    std::string text;
    std::optional<double> number;  // numeric in a spreadsheet
    bool is_money = false;         // yuan, two places
    bool is_share = false;         // a percentage with two places
};

struct Column {
    const char* zh;
    const char* en;
    std::function<Cell(const Counters& c, const Counters& whole)> cell;
};

Cell count(std::uint64_t n) { return {std::to_string(n), static_cast<double>(n)}; }

Cell money_cell(std::int64_t fen) {
    Cell c{money(fen), std::nullopt, true, false};
    if (fen >= 0 && fen < 1000000000000000)  // 15 digits: exactly what a spreadsheet number shows
        c.number = static_cast<double>(fen) / 100.0;
    return c;
}

Cell share_cell(std::int64_t part, std::int64_t whole) {
    Cell c{share(part, whole), std::nullopt, false, true};
    if (!c.text.empty()) c.number = std::stod(c.text);
    return c;
}

const std::vector<Column>& columns() {
    static const std::vector<Column> cols = {
        {"授标", "Awards", [](const Counters& c, const Counters&) { return count(c.awards); }},
        {"首台（套）授标", "First-set awards", [](const Counters& c, const Counters&) { return count(c.first_set_awards); }},
        {"金额（元）", "Amount (yuan)", [](const Counters& c, const Counters&) { return money_cell(c.amount_fen); }},
        {"金额占比 %", "Share of amount %", [](const Counters& c, const Counters& w) { return share_cell(c.amount_fen, w.amount_fen); }},
        {"授标占比 %", "Share of first-set awards %",
         [](const Counters& c, const Counters& w) {
             return share_cell(static_cast<std::int64_t>(c.first_set_awards), static_cast<std::int64_t>(w.first_set_awards));
         }},
        {"未填金额的授标", "Awards without amount", [](const Counters& c, const Counters&) { return count(c.without_amount); }},
        {"产品", "Products", [](const Counters& c, const Counters&) { return count(c.products.size()); }},
        {"证书", "Certificates", [](const Counters& c, const Counters&) { return count(c.certificates.size()); }},
        {"评标", "Evaluations", [](const Counters& c, const Counters&) { return count(c.evaluations); }},
        {"视同满足的评审因素", "Criteria deemed met", [](const Counters& c, const Counters&) { return count(c.criteria_deemed); }},
        {"故障：一般", "Failures: minor", [](const Counters& c, const Counters&) { return count(c.failures[0]); }},
        {"故障：较大", "Failures: major", [](const Counters& c, const Counters&) { return count(c.failures[1]); }},
        {"故障：重大", "Failures: critical", [](const Counters& c, const Counters&) { return count(c.failures[2]); }},
        {"故障：其他", "Failures: other", [](const Counters& c, const Counters&) { return count(c.failures[3]); }},
        {"处理建议：免责", "Proposed: exempt", [](const Counters& c, const Counters&) { return count(c.proposed[0]); }},
        {"处理建议：不免责", "Proposed: not exempt", [](const Counters& c, const Counters&) { return count(c.proposed[1]); }},
        {"处理建议：复核", "Proposed: review", [](const Counters& c, const Counters&) { return count(c.proposed[2]); }},
        {"最终决定：免责", "Final: exempt", [](const Counters& c, const Counters&) { return count(c.final[0]); }},
        {"最终决定：不免责", "Final: not exempt", [](const Counters& c, const Counters&) { return count(c.final[1]); }},
        {"最终决定：待定", "Final: pending", [](const Counters& c, const Counters&) { return count(c.final[2]); }},
        {"容错申请", "Cases: applications", [](const Counters& c, const Counters&) { return count(c.stages[0]); }},
        {"调查核实", "Cases: investigations", [](const Counters& c, const Counters&) { return count(c.stages[1]); }},
        {"认定决定", "Cases: decisions", [](const Counters& c, const Counters&) { return count(c.stages[2]); }},
        {"决定：免责", "Case decisions: exempt", [](const Counters& c, const Counters&) { return count(c.case_final[0]); }},
        {"决定：不免责", "Case decisions: not exempt", [](const Counters& c, const Counters&) { return count(c.case_final[1]); }},
        {"决定：待定", "Case decisions: pending", [](const Counters& c, const Counters&) { return count(c.case_final[2]); }},
        {"反馈", "Cases: feedback", [](const Counters& c, const Counters&) { return count(c.stages[3]); }},
        {"纠错", "Cases: corrections", [](const Counters& c, const Counters&) { return count(c.stages[4]); }},
        {"通报", "Cases: notices", [](const Counters& c, const Counters&) { return count(c.stages[5]); }},
    };
    return cols;
}

struct Row {
    std::string period, key, name, note;
    bool total = false;
    const Counters* c;
    const Counters* whole;
};

std::string range_label(const Report& r) { return r.options.from + "/" + r.options.to; }
std::string total_name() { return "合计 Total"; }

std::string note_of(const Report& r, const Group& g) {
    if (r.options.by == By::project) return g.key_project ? (*g.key_project ? "重点项目 key project" : "一般项目 other project") : "";
    return g.detail;
}

// Rows: each period's groups and its total, then the whole range's.
std::vector<Row> rows(const Report& r) {
    std::vector<Row> out;
    for (std::size_t p = 0; p < r.periods.size(); ++p) {
        for (const auto& g : r.groups) out.push_back({r.periods[p], g.key, g.name, note_of(r, g), false, &g.periods[p], &r.period_totals[p]});
        out.push_back({r.periods[p], "", total_name(), "", true, &r.period_totals[p], &r.period_totals[p]});
    }
    for (const auto& g : r.groups) out.push_back({range_label(r), g.key, g.name, note_of(r, g), false, &g.total, &r.total});
    out.push_back({range_label(r), "", total_name(), "", true, &r.total, &r.total});
    return out;
}

std::string key_header(By by) {
    return by == By::purchaser ? "统一社会信用代码 USCC" : by == By::project ? "项目编号 Project id" : "证书编号 Certificate id";
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string html_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    return out;
}

std::string verified_text(const Input& in) {
    if (in.verified) return "✓ 已校验 verified";
    const std::string what = in.problem ? in.problem->code + " " + in.problem->zh + " / " + in.problem->en : "";
    return "✗ " + what;
}
std::string included_text(const Input& in) { return in.included ? "计入 counted" : "未计入 excluded"; }

}  // namespace

// ---- CSV --------------------------------------------------------------------------------------

std::string to_csv(const Report& r) {
    std::ostringstream s;
    s << "\xEF\xBB\xBF";  // the BOM: Excel then reads UTF-8
    s << csv_field("期间 Period") << "," << csv_field(key_header(r.options.by)) << ","
      << csv_field("名称 Name") << "," << csv_field("说明 Note");
    for (const auto& c : columns()) s << "," << csv_field(std::string(c.zh) + " " + c.en);
    s << "\r\n";
    for (const auto& row : rows(r)) {
        s << csv_field(row.period) << "," << csv_field(row.key) << "," << csv_field(row.name) << "," << csv_field(row.note);
        for (const auto& c : columns()) s << "," << csv_field(c.cell(*row.c, *row.whole).text);
        s << "\r\n";
    }
    return s.str();
}

// ---- XLSX -------------------------------------------------------------------------------------

void write_xlsx(const Report& r, const std::string& path) {
    lxw_workbook* wb = workbook_new(path.c_str());
    if (!wb)
        throw InputError({"REPORT_CANNOT_WRITE", "无法写入 " + path, "cannot write " + path});
    lxw_format* head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_text_wrap(head);
    format_set_bg_color(head, 0xF0F4F8);
    lxw_format* yuan = workbook_add_format(wb);
    format_set_num_format(yuan, "#,##0.00");
    lxw_format* pct = workbook_add_format(wb);
    format_set_num_format(pct, "0.00");
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);

    auto put = [&](lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const Cell& c, lxw_format* f = nullptr) {
        if (c.number) worksheet_write_number(ws, row, col, *c.number, c.is_money ? yuan : c.is_share ? pct : f);
        else if (!c.text.empty()) worksheet_write_string(ws, row, col, c.text.c_str(), f);
    };
    auto table = [&](const char* name, const std::vector<Row>& rs) {
        lxw_worksheet* ws = workbook_add_worksheet(wb, name);
        std::vector<std::string> headers = {"期间 Period", key_header(r.options.by), "名称 Name", "说明 Note"};
        for (const auto& c : columns()) headers.push_back(std::string(c.zh) + " " + c.en);
        headers.push_back("金额（精确文本） Amount (exact text)");
        for (std::size_t i = 0; i < headers.size(); ++i)
            worksheet_write_string(ws, 0, static_cast<lxw_col_t>(i), headers[i].c_str(), head);
        worksheet_set_column(ws, 0, 0, 22, nullptr);
        worksheet_set_column(ws, 1, 1, 22, nullptr);
        worksheet_set_column(ws, 2, 2, 30, nullptr);
        worksheet_set_column(ws, 4, static_cast<lxw_col_t>(headers.size() - 1), 14, nullptr);
        worksheet_freeze_panes(ws, 1, 3);
        lxw_row_t row = 1;
        for (const auto& x : rs) {
            lxw_format* f = x.total ? bold : nullptr;
            worksheet_write_string(ws, row, 0, x.period.c_str(), f);
            if (!x.key.empty()) worksheet_write_string(ws, row, 1, x.key.c_str(), f);
            worksheet_write_string(ws, row, 2, x.name.c_str(), f);
            if (!x.note.empty()) worksheet_write_string(ws, row, 3, x.note.c_str(), f);
            lxw_col_t col = 4;
            for (const auto& c : columns()) put(ws, row, col++, c.cell(*x.c, *x.whole), f);
            worksheet_write_string(ws, row, col, money(x.c->amount_fen).c_str(), f);
            ++row;
        }
    };
    const auto all = rows(r);
    std::vector<Row> whole, by_period;
    for (const auto& x : all) (x.period == range_label(r) ? whole : by_period).push_back(x);
    table("汇总 Summary", whole);
    table("分期 By period", by_period);

    lxw_worksheet* aw = workbook_add_worksheet(wb, "授标 Awards");
    const char* ah[] = {"期间 Period", "记录日期 Recorded (China date)", "授标日期 Award date", "招标项目 Tender",
                        "采购人 Purchaser", "统一社会信用代码 USCC", "项目 Project", "重点项目 Key project",
                        "首台（套） First-set", "金额（元） Amount (yuan)", "金额（精确文本） Amount (exact text)",
                        "采信证书 Accepted certificates", "记录编号 Record id"};
    for (lxw_col_t i = 0; i < 13; ++i) worksheet_write_string(aw, 0, i, ah[i], head);
    worksheet_set_column(aw, 0, 12, 18, nullptr);
    lxw_row_t row = 1;
    for (const auto& a : r.awards) {
        worksheet_write_string(aw, row, 0, a.period.c_str(), nullptr);
        worksheet_write_string(aw, row, 1, a.date.c_str(), nullptr);
        worksheet_write_string(aw, row, 2, a.award_date.c_str(), nullptr);
        worksheet_write_string(aw, row, 3, a.tender.c_str(), nullptr);
        worksheet_write_string(aw, row, 4, a.purchaser.c_str(), nullptr);
        worksheet_write_string(aw, row, 5, a.purchaser_uscc.c_str(), nullptr);
        if (!a.project_id.empty()) {
            worksheet_write_string(aw, row, 6, (a.project_id + " " + a.project_name).c_str(), nullptr);
            worksheet_write_string(aw, row, 7, a.key_project.value_or(false) ? "是 yes" : "否 no", nullptr);
        }
        worksheet_write_string(aw, row, 8, a.first_set ? "是 yes" : "否 no", nullptr);
        if (!a.amount.empty()) {
            std::int64_t fen = 0;
            for (char ch : a.amount)
                if (ch != '.') fen = fen * 10 + (ch - '0');
            put(aw, row, 9, money_cell(fen));
            worksheet_write_string(aw, row, 10, a.amount.c_str(), nullptr);
        }
        std::string certs;
        for (const auto& c : a.certificates) certs += (certs.empty() ? "" : "; ") + c;
        worksheet_write_string(aw, row, 11, certs.c_str(), nullptr);
        worksheet_write_string(aw, row, 12, a.id.c_str(), nullptr);
        ++row;
    }

    lxw_worksheet* lw = workbook_add_worksheet(wb, "账本 Ledgers");
    const char* lh[] = {"账本文件 Ledger file", "账本名 Ledger name", "记录数 Records", "账本头 Head (seq:id)",
                        "校验 Verification", "计入 Counted", "重复（已计一次） Duplicates (counted once)",
                        "无法读取的行 Unreadable lines", "其他类别记录 Records of other kinds"};
    for (lxw_col_t i = 0; i < 9; ++i) worksheet_write_string(lw, 0, i, lh[i], head);
    worksheet_set_column(lw, 0, 8, 24, nullptr);
    row = 1;
    for (const auto& in : r.inputs) {
        worksheet_write_string(lw, row, 0, in.path.c_str(), nullptr);
        worksheet_write_string(lw, row, 1, in.ledger.c_str(), nullptr);
        worksheet_write_number(lw, row, 2, static_cast<double>(in.records), nullptr);
        worksheet_write_string(lw, row, 3, (std::to_string(in.head_seq) + ":" + in.head_id).c_str(), nullptr);
        worksheet_write_string(lw, row, 4, verified_text(in).c_str(), nullptr);
        worksheet_write_string(lw, row, 5, included_text(in).c_str(), nullptr);
        worksheet_write_number(lw, row, 6, static_cast<double>(in.duplicates), nullptr);
        worksheet_write_number(lw, row, 7, static_cast<double>(in.bad_lines), nullptr);
        worksheet_write_number(lw, row, 8, static_cast<double>(in.other_kinds), nullptr);
        ++row;
    }
    if (!r.problems.empty()) {
        lxw_worksheet* pw = workbook_add_worksheet(wb, "问题 Problems");
        const char* ph[] = {"代码 Code", "说明 Description", "Description", "账本 Ledger", "次数 Count"};
        for (lxw_col_t i = 0; i < 5; ++i) worksheet_write_string(pw, 0, i, ph[i], head);
        row = 1;
        for (const auto& p : r.problems) {
            worksheet_write_string(pw, row, 0, p.message.code.c_str(), nullptr);
            worksheet_write_string(pw, row, 1, p.message.zh.c_str(), nullptr);
            worksheet_write_string(pw, row, 2, p.message.en.c_str(), nullptr);
            worksheet_write_string(pw, row, 3, p.input.c_str(), nullptr);
            worksheet_write_number(pw, row, 4, static_cast<double>(p.count), nullptr);
            ++row;
        }
    }
    if (workbook_close(wb) != LXW_NO_ERROR)
        throw InputError({"REPORT_CANNOT_WRITE", "无法写入 " + path, "cannot write " + path});
}

// ---- HTML -------------------------------------------------------------------------------------

namespace {

const char* const palette[] = {"#8b1a1a", "#d9822b", "#2d6a9f", "#5a8f29", "#7b4fa0", "#c23b63", "#3a8f8f", "#6b6b6b"};

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

// A horizontal bar chart: one bar per label, stacked series, the exact value written beside it.
std::string bar_chart(const std::string& title, const std::vector<std::string>& labels,
                      const std::vector<std::string>& series, const std::vector<std::vector<double>>& values,
                      const std::vector<std::string>& value_text) {
    const double label_w = 260, bar_w = 520, row_h = 26, top = 34;
    double max = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        double sum = 0;
        for (const auto& s : values) sum += s[i];
        max = std::max(max, sum);
    }
    const double legend_h = series.size() > 1 ? 24 : 0;
    const double h = top + row_h * static_cast<double>(labels.size()) + legend_h + 10;
    const double w = label_w + bar_w + 160;
    std::ostringstream s;
    s << "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" << num(w) << "\" height=\"" << num(h)
      << "\" viewBox=\"0 0 " << num(w) << " " << num(h) << "\" font-size=\"12\">\n<title>" << html_escape(title)
      << "</title>\n<text x=\"0\" y=\"18\" font-size=\"14\" font-weight=\"600\">" << html_escape(title) << "</text>\n";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double y = top + row_h * static_cast<double>(i);
        std::string label = labels[i];
        if (label.size() > 60) label = label.substr(0, 57) + "…";
        s << "<text x=\"" << num(label_w - 8) << "\" y=\"" << num(y + 16) << "\" text-anchor=\"end\">" << html_escape(label)
          << "</text>\n";
        double x = label_w;
        for (std::size_t k = 0; k < values.size(); ++k) {
            const double len = max > 0 ? values[k][i] / max * bar_w : 0;
            if (len > 0)
                s << "<rect x=\"" << num(x) << "\" y=\"" << num(y + 4) << "\" width=\"" << num(std::max(len, 1.0))
                  << "\" height=\"" << num(row_h - 8) << "\" fill=\"" << palette[k % 8] << "\"><title>"
                  << html_escape(series[k]) << "</title></rect>\n";
            x += len;
        }
        s << "<text x=\"" << num(x + 6) << "\" y=\"" << num(y + 16) << "\">" << html_escape(value_text[i]) << "</text>\n";
    }
    if (series.size() > 1) {
        double x = label_w;
        const double y = top + row_h * static_cast<double>(labels.size()) + 6;
        for (std::size_t k = 0; k < series.size(); ++k) {
            s << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"12\" height=\"12\" fill=\"" << palette[k % 8]
              << "\"/><text x=\"" << num(x + 16) << "\" y=\"" << num(y + 11) << "\">" << html_escape(series[k]) << "</text>\n";
            x += 24 + 7.5 * static_cast<double>(series[k].size());
        }
    }
    s << "</svg></figure>\n";
    return s.str();
}

void html_table(std::ostringstream& h, const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& body,
                const std::vector<bool>& bold_rows = {}) {
    h << "<table>\n<thead><tr>";
    for (const auto& c : header) h << "<th>" << html_escape(c) << "</th>";
    h << "</tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < body.size(); ++i) {
        h << (i < bold_rows.size() && bold_rows[i] ? "<tr class=\"total\">" : "<tr>");
        for (const auto& c : body[i]) h << "<td>" << html_escape(c) << "</td>";
        h << "</tr>\n";
    }
    h << "</tbody></table>\n";
}

}  // namespace

std::string to_html(const Report& r) {
    std::ostringstream h;
    const std::string by = by_label_zh(r.options.by) + " " + by_label_en(r.options.by);
    const char* period_zh = r.options.period == Period::month ? "月" : r.options.period == Period::quarter ? "季度" : "年";
    const char* period_en = r.options.period == Period::month ? "month" : r.options.period == Period::quarter ? "quarter" : "year";
    h << "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>首台（套）重大技术装备使用情况通报 First-set equipment usage report " << html_escape(range_label(r)) << "</title>\n"
      << "<style>\n"
      << "body{font-family:\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;"
         "max-width:1200px;margin:2em auto;padding:0 1.5em;color:#1f2933;line-height:1.5;font-size:14px}\n"
      << "h1{font-size:22px;border-bottom:3px solid #8b1a1a;padding-bottom:.4em}h2{font-size:17px;margin-top:2em;color:#8b1a1a}"
         "h3{font-size:15px}\n"
      << "table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:12px}th,td{border:1px solid #cbd2d9;padding:.3em .5em;"
         "text-align:left;vertical-align:top}td{text-align:right}td:first-child,td:nth-child(2),td:nth-child(3){text-align:left}"
         "th{background:#f0f4f8;font-weight:600}tr.total td{font-weight:700;background:#fafafa}\n"
      << ".meta{color:#52606d;font-size:12px}.ok{color:#1a7f37}.bad{color:#b42318}figure{margin:1em 0}.wide{overflow-x:auto}\n"
      << "@media print{body{margin:0}h2{break-after:avoid}}\n</style>\n</head>\n<body>\n";
    h << "<h1>首台（套）重大技术装备使用情况通报<br><small>First-set equipment: usage report (Rule U, clause （五）)</small></h1>\n";
    h << "<p class=\"meta\">期间 Range " << html_escape(r.options.from) << " – " << html_escape(r.options.to)
      << "（北京时间 China Standard Time）· 分期 Periods: " << period_zh << " " << period_en << " · 分组 Grouped by: "
      << html_escape(by) << " · 生成 Generated " << html_escape(r.options.generated_at) << "</p>\n";

    h << "<h2>账本 Ledgers</h2>\n";
    std::vector<std::vector<std::string>> lrows;
    for (const auto& in : r.inputs)
        lrows.push_back({in.path, in.ledger, std::to_string(in.records),
                         in.head_seq ? std::to_string(in.head_seq) + ":" + in.head_id.substr(0, 16) + "…" : "—",
                         verified_text(in), included_text(in), std::to_string(in.duplicates), std::to_string(in.bad_lines)});
    html_table(h, {"账本文件 Ledger file", "账本名 Ledger name", "记录数 Records", "账本头 Head", "校验 Verification",
                   "计入 Counted", "重复（已计一次） Duplicates", "无法读取的行 Unreadable lines"},
               lrows);
    if (!r.problems.empty()) {
        h << "<h3>问题 Problems</h3>\n<ul>\n";
        for (const auto& p : r.problems)
            h << "<li class=\"bad\">" << html_escape(p.message.code) << " — " << html_escape(p.message.zh) << " / "
              << html_escape(p.message.en) << (p.input.empty() ? "" : " (" + html_escape(p.input) + ")")
              << (p.count > 1 ? " ×" + std::to_string(p.count) : "") << "</li>\n";
        h << "</ul>\n";
    }

    // Charts.
    h << "<h2>图表 Charts</h2>\n";
    std::vector<std::string> glabels;
    std::vector<double> gamount;
    std::vector<std::string> gtext;
    for (const auto& g : r.groups) {
        glabels.push_back(g.name);
        gamount.push_back(static_cast<double>(g.total.amount_fen) / 100.0);
        gtext.push_back(money(g.total.amount_fen) + " 元 yuan · " + std::to_string(g.total.first_set_awards) + " 项 awards");
    }
    h << bar_chart("首台（套）授标金额（按" + by_label_zh(r.options.by) + "） First-set award amounts by " + by_label_en(r.options.by),
                   glabels, {"金额 Amount"}, {gamount}, gtext);
    std::vector<double> pamount;
    std::vector<std::string> ptext;
    for (const auto& c : r.period_totals) {
        pamount.push_back(static_cast<double>(c.amount_fen) / 100.0);
        ptext.push_back(money(c.amount_fen) + " 元 yuan · " + std::to_string(c.first_set_awards) + " 项 awards");
    }
    h << bar_chart("首台（套）授标金额（按期） First-set award amounts by period", r.periods, {"金额 Amount"}, {pamount}, ptext);
    std::vector<std::vector<double>> sev(3);
    std::vector<std::string> ftext;
    for (const auto& g : r.groups) {
        for (std::size_t k = 0; k < 3; ++k) sev[k].push_back(static_cast<double>(g.total.failures[k]));
        ftext.push_back(std::to_string(g.total.failures[0] + g.total.failures[1] + g.total.failures[2] + g.total.failures[3]) +
                        " 次 failures");
    }
    h << bar_chart("故障（按严重程度） Failures by severity", glabels, {"一般 minor", "较大 major", "重大 critical"}, sev, ftext);
    std::vector<std::vector<double>> outcome(3);
    std::vector<std::string> otext;
    for (const auto& g : r.groups) {
        std::uint64_t sum = 0;
        for (std::size_t k = 0; k < 3; ++k) {
            const std::uint64_t n = g.total.final[k] + g.total.case_final[k];
            outcome[k].push_back(static_cast<double>(n));
            sum += n;
        }
        otext.push_back(std::to_string(sum) + " 项决定 decisions");
    }
    h << bar_chart("容错结果（最终决定） Tolerance outcomes (final decisions)", glabels,
                   {"免责 exempt", "不免责 not exempt", "待定 pending"}, outcome, otext);

    // Tables.
    auto table_for = [&](const std::vector<Row>& rs) {
        std::vector<std::string> header = {"期间 Period", key_header(r.options.by), "名称 Name", "说明 Note"};
        for (const auto& c : columns()) header.push_back(std::string(c.zh) + " " + c.en);
        std::vector<std::vector<std::string>> body;
        std::vector<bool> bold;
        for (const auto& x : rs) {
            std::vector<std::string> row = {x.period, x.key, x.name, x.note};
            for (const auto& c : columns()) row.push_back(c.cell(*x.c, *x.whole).text);
            body.push_back(row);
            bold.push_back(x.total);
        }
        h << "<div class=\"wide\">\n";
        html_table(h, header, body, bold);
        h << "</div>\n";
    };
    const auto all = rows(r);
    std::vector<Row> whole;
    for (const auto& x : all)
        if (x.period == range_label(r)) whole.push_back(x);
    h << "<h2>全期汇总 The whole range, by " << html_escape(by_label_en(r.options.by)) << "（按" << html_escape(by_label_zh(r.options.by))
      << "）</h2>\n";
    table_for(whole);
    for (std::size_t p = 0; p < r.periods.size(); ++p) {
        std::vector<Row> rs;
        for (const auto& x : all)
            if (x.period == r.periods[p]) rs.push_back(x);
        h << "<h2>" << html_escape(r.periods[p]) << "（" << html_escape(r.period_from[p]) << " – " << html_escape(r.period_to[p])
          << "）</h2>\n";
        table_for(rs);
    }
    h << "<h2>授标明细 Awards</h2>\n";
    std::vector<std::vector<std::string>> arows;
    for (const auto& a : r.awards) {
        std::string certs;
        for (const auto& c : a.certificates) certs += (certs.empty() ? "" : "; ") + c;
        arows.push_back({a.date, a.award_date, a.tender, a.purchaser + " (" + a.purchaser_uscc + ")",
                         a.project_id.empty() ? "—" : a.project_id + " " + a.project_name + (a.key_project.value_or(false) ? "（重点 key）" : ""),
                         a.first_set ? "是 yes" : "否 no", a.amount.empty() ? "—" : a.amount, certs});
    }
    html_table(h, {"记录日期 Recorded", "授标日期 Award date", "招标项目 Tender", "采购人 Purchaser", "项目 Project",
                   "首台（套） First-set", "金额（元） Amount (yuan)", "采信证书 Accepted certificates"},
               arows);
    h << "<p class=\"meta\">金额为精确的元（两位小数），合计以分为单位整数相加；占比 = 本组 ÷ 本期合计 × 100，保留两位小数，四舍五入（半数进位）。"
         "按产品分组时，一项授标计入其每一张采信证书，各组之和可大于合计。<br>Amounts are exact yuan with two places, added as whole fen; a share is "
         "the group's figure ÷ the period's total × 100 to two places, rounded half up. Grouped by product, an award counts under each "
         "certificate it accepted, so groups may add up to more than the total. docs/report.md explains every column.</p>\n";
    h << "</body>\n</html>\n";
    return h.str();
}

// ---- the command ------------------------------------------------------------------------------

namespace {

int error(std::ostream& err, int status, const Message& m) {
    err << "错误 [" << m.code << "]：" << m.zh << "\nerror [" << m.code << "]: " << m.en << "\n";
    return status;
}


}  // namespace

int command(const CommandLine& cl, const std::function<Verifier()>& load_verifier, std::ostream& out, std::ostream& err) {
    enum { ok = 0, damaged = 1, usage = 2, unreadable = 3, no_library = 4 };
    Options o;
    if (cl.inputs.empty()) return error(err, usage, {"REPORT_NO_LEDGER", "需要至少一个账本文件或目录", "need at least one ledger file or directory"});
    if (cl.from.empty() || cl.to.empty())
        return error(err, usage, {"REPORT_NEEDS_DATES", "report 需要 --from 与 --to（YYYY-MM-DD，北京时间）",
                                  "report needs --from and --to (YYYY-MM-DD, China Standard Time)"});
    for (const auto* d : {&cl.from, &cl.to})
        if (!parse_date(*d))
            return error(err, usage, {"REPORT_BAD_DATE", "日期 \"" + *d + "\" 无效，应为 YYYY-MM-DD 格式的真实日期",
                                      "\"" + *d + "\" is not a date: YYYY-MM-DD naming a real day"});
    if (*parse_date(cl.from) > *parse_date(cl.to))
        return error(err, usage, {"REPORT_DATES_REVERSED", "--from " + cl.from + " 晚于 --to " + cl.to,
                                  "--from " + cl.from + " is after --to " + cl.to});
    if (cl.by == "purchaser") o.by = By::purchaser;
    else if (cl.by == "project") o.by = By::project;
    else if (cl.by == "product") o.by = By::product;
    else
        return error(err, usage, {"REPORT_BAD_BY", "--by 只能是 purchaser、project 或 product，而不是 \"" + cl.by + "\"",
                                  "--by is purchaser, project or product, not \"" + cl.by + "\""});
    if (cl.period == "month") o.period = Period::month;
    else if (cl.period == "quarter") o.period = Period::quarter;
    else if (cl.period == "year") o.period = Period::year;
    else
        return error(err, usage, {"REPORT_BAD_PERIOD", "--period 只能是 month、quarter 或 year，而不是 \"" + cl.period + "\"",
                                  "--period is month, quarter or year, not \"" + cl.period + "\""});
    Format format;
    if (cl.format == "html") format = Format::html;
    else if (cl.format == "csv") format = Format::csv;
    else if (cl.format == "xlsx") format = Format::xlsx;
    else if (cl.format == "json") format = Format::json;
    else
        return error(err, usage, {"REPORT_BAD_FORMAT", "--format 只能是 html、csv、xlsx 或 json，而不是 \"" + cl.format + "\"",
                                  "--format is html, csv, xlsx or json, not \"" + cl.format + "\""});
    if (format == Format::xlsx && cl.out.empty())
        return error(err, usage, {"REPORT_XLSX_NEEDS_OUT", "xlsx 格式需要 --out 输出文件", "--format xlsx needs --out FILE"});
    o.from = cl.from;
    o.to = cl.to;
    o.include_unverified = cl.include_unverified;
    o.generated_at = utc_now();
    try {
        for (const auto& i : cl.inputs) expand_input(i);  // every input readable before any work
    } catch (const InputError& e) {
        return error(err, unreadable, e.message);
    }
    o.inputs = cl.inputs;
    Verifier verify;
    try {
        verify = load_verifier();
    } catch (const std::exception& e) {
        return error(err, no_library, {"REPORT_NO_LIBRARY", std::string("无法加载插件以校验账本：") + e.what(),
                                       std::string("cannot load the library to verify the ledgers: ") + e.what()});
    }
    Report r;
    try {
        r = build(o, verify);
    } catch (const InputError& e) {
        return error(err, unreadable, e.message);
    }
    std::string text;
    try {
        switch (format) {
            case Format::html: text = to_html(r); break;
            case Format::csv: text = to_csv(r); break;
            case Format::json: text = to_json(r); break;
            case Format::xlsx: write_xlsx(r, cl.out); break;
        }
    } catch (const InputError& e) {
        return error(err, unreadable, e.message);
    }
    if (format != Format::xlsx) {
        if (cl.out.empty()) {
            out << text;
        } else {
            std::ofstream file(cl.out, std::ios::binary);
            file << text;
            if (!file.flush())
                return error(err, unreadable, {"REPORT_CANNOT_WRITE", "无法写入 " + cl.out, "cannot write " + cl.out});
        }
    }
    for (const auto& in : r.inputs)
        if (!in.verified && in.problem) {
            const Message m = in.problem.value();
            err << (in.included ? "警告 [REPORT_LEDGER_UNVERIFIED]：账本 " + in.path + " 未通过校验（" + m.code + " " + m.zh +
                                      "），按 --include-unverified 仍已计入\nwarning [REPORT_LEDGER_UNVERIFIED]: the ledger " + in.path +
                                      " does not verify (" + m.code + " " + m.en + "); counted anyway (--include-unverified)\n"
                                : "警告 [REPORT_LEDGER_EXCLUDED]：账本 " + in.path + " 未通过校验（" + m.code + " " + m.zh +
                                      "），其记录未计入\nwarning [REPORT_LEDGER_EXCLUDED]: the ledger " + in.path +
                                      " does not verify (" + m.code + " " + m.en + "); its records are not counted\n");
        }
    return r.unreadable ? unreadable : r.unverified ? damaged : ok;
}

}  // namespace tool::report
