#include "report.hpp"

#include <algorithm>

#include "labels.hpp"
#include "text.hpp"

namespace host {

namespace {

std::string outcome_text(Language l, const std::string& outcome) {
    if (outcome == "deemed_met") return bilingual(l, "视同满足", "deemed met");
    if (outcome == "claim_rejected") return bilingual(l, "主张未被采信", "claim rejected");
    if (outcome == "not_claimed") return bilingual(l, "未主张", "not claimed");
    return bilingual(l, "不适用", "not applicable");
}

}  // namespace

void print_report(std::ostream& out, const TenderFile& t, const std::vector<BidResult>& results, Language l) {
    const auto& first = results.front().response;
    out << bilingual(l, "招标项目", "Tender") << "  " << t.id << "  " << t.title << "\n";
    out << bilingual(l, "评标基准日", "Evaluation date") << "  " << first.at("evaluation_date").get<std::string>() << "  ("
        << bilingual(l, "投标截止时间的北京时间日期", "bid deadline, China Standard Time") << ")\n";
    out << bilingual(l, "政策", "Policy") << "  " << first.at("policy").value("document", "") << " ("
        << first.at("policy").at("id").get<std::string>() << ")   " << bilingual(l, "认定名录", "Registry") << "  "
        << first.at("registry").at("id").get<std::string>() << " " << first.at("registry").at("version").get<std::string>()
        << "\n\n";

    // The table: one column per scored criterion, by id; the legend below names them.
    std::vector<const CriterionInfo*> columns;
    for (const auto& k : t.criteria)
        if (k.scored) columns.push_back(&k);
    const int bidder_width = 40;
    // One header row per language, so that the columns stay narrow.
    auto header_row = [&](const char* rank, const char* bidder, const char* price, const char* total, const char* deemed) {
        std::string row = pad_right(rank, 5) + "  " + pad_right(bidder, bidder_width) + "  " + pad_left(price, 14);
        for (const auto* k : columns) row += "  " + pad_left(k->id, 6);
        return row + "  " + pad_left(total, 7) + "  " + deemed;
    };
    std::vector<std::string> headers;
    if (l != Language::en) headers.push_back(header_row("排名", "投标人", "报价（元）", "总分", "首台（套）视同满足"));
    if (l != Language::zh) headers.push_back(header_row("Rank", "Bidder", "Price (CNY)", "Total", "First-set deemed"));
    int rule_width = 0;
    for (const auto& h : headers) {
        out << h << "\n";
        rule_width = std::max(rule_width, display_width(h));
    }
    out << std::string(static_cast<std::size_t>(rule_width), '-') << "\n";
    for (const auto& r : results) {
        std::string rank = r.rank ? std::to_string(r.rank) : "-";
        out << pad_left(rank, 4) << "   " << pad_right(truncate(r.bid->bidder_name, bidder_width), bidder_width) << "  "
            << pad_left(format_money(r.bid->price), 14);
        if (!r.valid) {
            std::string failed;
            for (const auto& f : r.failed) failed += (failed.empty() ? "" : ", ") + f;
            out << "  " << bilingual(l, "无效投标", "invalid bid") << ": " << failed << " "
                << bilingual(l, "未通过", "not met") << "\n";
            continue;
        }
        for (const auto* k : columns)
            for (const auto& s : r.criteria)
                if (s.criterion == k) out << "  " << pad_left(format_decimal(s.points), 6);
        std::string deemed;
        for (const auto& s : r.criteria)
            if (s.outcome == "deemed_met") deemed += (deemed.empty() ? "" : " ") + s.criterion->id;
        out << "  " << pad_left(format_decimal(r.total), 7) << "  " << (deemed.empty() ? "-" : deemed) << "\n";
    }
    out << "\n";
    for (const auto& k : t.criteria) {
        out << "  " << k.id << " " << k.name << " (" << k.kind << ", "
            << (k.scored ? format_decimal(k.max_points) + " " + bilingual(l, "分", "points") : bilingual(l, "通过/不通过", "pass/fail"))
            << ")\n";
    }

    // Explanations: every certificate checked, every criterion the policy touched, warnings.
    for (const auto& r : results) {
        out << "\n" << r.bid->id << "  " << r.bid->bidder_name << "  ";
        if (r.valid) {
            out << bilingual(l, "总分", "total") << " " << format_decimal(r.total);
            if (r.total != r.total_without_policy)
                out << "  (" << bilingual(l, "仅按证据评分为", "by evidence alone") << " " << format_decimal(r.total_without_policy)
                    << ")";
        } else {
            out << bilingual(l, "无效投标", "invalid bid");
        }
        out << "\n";
        for (const auto& c : r.response.at("certificates")) {
            const bool accepted = c.at("accepted").get<bool>();
            out << "  " << (accepted ? "✓" : "✗") << " " << c.at("id").get<std::string>() << " (" << c.at("item").get<std::string>()
                << ") " << (accepted ? bilingual(l, "采信", "accepted") : bilingual(l, "不予采信", "not accepted"));
            if (!c.at("valid_from").is_null())
                out << ", " << bilingual(l, "有效期", "valid") << " " << c.at("valid_from").get<std::string>() << " – "
                    << c.at("valid_until").get<std::string>();
            out << "\n";
            for (const auto& reason : c.at("reasons")) print_reason(out, l, reason, "      ");
        }
        for (const auto& s : r.criteria) {
            if (s.outcome != "deemed_met" && s.outcome != "claim_rejected") continue;
            out << "  " << s.criterion->id << " " << s.criterion->name << ": " << outcome_text(l, s.outcome);
            if (s.criterion->scored) {
                out << " → " << format_decimal(s.points);
                if (s.without_policy) out << " (" << bilingual(l, "按证据", "by evidence") << " " << format_decimal(*s.without_policy) << ")";
            } else {
                out << " → " << (s.pass ? bilingual(l, "通过", "pass") : bilingual(l, "不通过", "fail"));
                if (s.pass_without_policy && *s.pass_without_policy != s.pass)
                    out << " (" << bilingual(l, "按证据", "by evidence") << " "
                        << (*s.pass_without_policy ? bilingual(l, "通过", "pass") : bilingual(l, "不通过", "fail")) << ")";
            }
            out << "\n";
            for (const auto& reason : s.plugin->at("reasons")) print_reason(out, l, reason, "      ");
        }
        for (const auto& w : r.response.at("warnings")) {
            out << "  ! " << bilingual(l, "警告", "warning") << "\n";
            print_reason(out, l, w, "      ");
        }
    }
}

void print_record(std::ostream& out, const nlohmann::json& r, Language l) {
    const auto& rec = r.at("record");
    out << bilingual(l, "已记录", "Recorded") << "  " << rec.at("kind").get<std::string>() << "  #" << rec.at("seq").get<long>()
        << "\n" << bilingual(l, "记录编号", "Record id") << "  " << rec.at("id").get<std::string>() << "\n";
    if (r.contains("assessment")) {
        const auto& a = r.at("assessment");
        out << "\n" << bilingual(l, "授标日评估", "Assessment as of the award date") << " " << a.at("as_of").get<std::string>()
            << ": " << (a.at("conditions_met").get<bool>() ? bilingual(l, "符合条件、程序和标准", "conditions, procedures and standards met")
                                                          : bilingual(l, "未全部满足或尚待查明", "not all met or established"))
            << "\n";
        for (const auto& c : a.at("certificates"))
            out << "  " << (c.at("accepted").get<bool>() ? "✓ " : "✗ ") << c.at("id").get<std::string>() << " ("
                << c.at("item").get<std::string>() << ")\n";
        const KeyLabel method = label_of(a.at("procurement_method").at("value").get<std::string>());
        out << "  " << bilingual(l, "采购方式", "procurement method") << " " << bilingual(l, method.zh, method.en)
            << (a.at("procurement_method").at("allowed").get<bool>() ? " ✓" : " ✗") << "\n";
        for (const auto& p : a.at("procedure"))
            out << "  "
                << (p.contains("label") ? bilingual(l, p["label"].value("zh", ""), p["label"].value("en", ""))
                                        : p.at("item").get<std::string>())
                << " "
                << (p.at("done").is_null() ? "?" : p.at("done").get<bool>() ? "✓" : "✗") << "\n";
        for (const auto& reason : a.at("reasons")) print_reason(out, l, reason, "      ");
    }
    if (r.contains("case")) {
        out << bilingual(l, "容错案件", "Case") << "  " << r.at("case").get<std::string>() << "\n"
            << bilingual(l, "环节", "Stage") << "  " << bilingual(l, label_of(r.at("stage").get<std::string>()).zh,
                                                                   label_of(r.at("stage").get<std::string>()).en)
            << "\n";
        if (r.at("findings").empty())
            out << "  ✓ " << bilingual(l, "环节顺序与时限无异常", "in order and on time") << "\n";
        for (const auto& finding : r.at("findings")) print_reason(out, l, finding, "  ✗ ");
        for (const auto& due : r.at("due"))
            out << "  " << bilingual(l, "待办环节", "stage due") << "  "
                << bilingual(l, due.at("label").value("zh", ""), due.at("label").value("en", "")) << "  "
                << (!due.at("due_date").is_null() ? bilingual(l, "期限 ", "due by ") + due.at("due_date").get<std::string>() +
                                                          (due.value("overdue", false) ? " " + bilingual(l, "（已逾期）", "(overdue)") : "")
                    : due.value("within_days", nlohmann::json()).is_null()
                        ? bilingual(l, "（无时限）", "(no time limit)")
                        : bilingual(l, "（前一环节完成后起算）", "(counted once the stage before it is done)"))
                << "\n";
    }
    if (r.contains("proposed")) {
        const KeyLabel proposed = label_of(r.at("proposed").get<std::string>());
        out << "\n" << bilingual(l, "处理建议", "Proposal") << "  " << bilingual(l, proposed.zh, proposed.en);
        if (r.contains("final") && !r.at("final").is_null()) {
            const KeyLabel final = label_of(r.at("final").get<std::string>());
            out << "   " << bilingual(l, "最终决定", "final decision") << "  " << bilingual(l, final.zh, final.en);
        }
        out << "\n";
        for (const auto& reason : r.at("reasons")) print_reason(out, l, reason, "      ");
    }
}

nlohmann::json report_json(const TenderFile& t, const std::vector<BidResult>& results) {
    nlohmann::json ranking = nlohmann::json::array();
    for (const auto& r : results) {
        nlohmann::json criteria = nlohmann::json::array();
        for (const auto& s : r.criteria) {
            nlohmann::json c = {{"id", s.criterion->id}, {"kind", s.criterion->kind}, {"outcome", s.outcome}};
            if (s.criterion->scored) {
                c["points"] = r.valid ? nlohmann::json(format_decimal(s.points)) : nlohmann::json(nullptr);
                c["points_by_evidence"] = s.without_policy ? nlohmann::json(format_decimal(*s.without_policy)) : nlohmann::json(nullptr);
            } else {
                c["pass"] = s.pass;
            }
            criteria.push_back(std::move(c));
        }
        ranking.push_back({{"rank", r.rank ? nlohmann::json(r.rank) : nlohmann::json(nullptr)},
                           {"bid", r.bid->id},
                           {"bidder", r.bid->bidder_name},
                           {"price", format_decimal(r.bid->price)},
                           {"valid", r.valid},
                           {"failed", r.failed},
                           {"total", r.valid ? nlohmann::json(format_decimal(r.total)) : nlohmann::json(nullptr)},
                           {"total_by_evidence", r.valid ? nlohmann::json(format_decimal(r.total_without_policy)) : nlohmann::json(nullptr)},
                           {"criteria", std::move(criteria)},
                           {"plugin", r.response}});
    }
    const auto& first = results.front().response;
    return {{"tender", t.id},
            {"title", t.title},
            {"evaluation_date", first.at("evaluation_date")},
            {"policy", first.at("policy")},
            {"registry", first.at("registry")},
            {"rounding", "half up to 0.01 per shown value; total from the exact sum"},
            {"ranking", std::move(ranking)}};
}

}  // namespace host
