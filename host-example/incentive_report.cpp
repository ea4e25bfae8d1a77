#include "incentive_report.hpp"

#include <string>

#include "text.hpp"

namespace host {

namespace {

void print_certificate(std::ostream& out, const nlohmann::json& r, Language l) {
    const auto& c = r.at("certificate");
    out << bilingual(l, "证书", "Certificate") << "  " << c.at("id").get<std::string>();
    if (c.contains("product")) out << "  " << c.at("product").get<std::string>();
    if (c.contains("valid_from"))
        out << "  " << bilingual(l, "有效期", "valid") << " " << c.at("valid_from").get<std::string>() << " – "
            << c.at("valid_until").get<std::string>() << " (" << bilingual(l, "不含", "exclusive") << ")";
    out << "\n";
    out << bilingual(l, "政策", "Policy") << "  " << r.at("citation").get<std::string>() << " ("
        << r.at("policy").at("id").get<std::string>() << ")   " << bilingual(l, "认定名录", "Registry") << "  "
        << r.at("registry").at("id").get<std::string>() << " " << r.at("registry").at("version").get<std::string>() << "\n";
}

void print_reasons(std::ostream& out, const nlohmann::json& reasons, Language l, const std::string& indent) {
    for (const auto& reason : reasons) print_reason(out, l, reason, indent);
}

}  // namespace

void print_incentive(std::ostream& out, const nlohmann::json& r, Language l) {
    const std::string clause = r.at("clause");
    if (clause == "first_purchase_reward") {
        out << bilingual(l, "首购首用奖励", "First-purchase reward") << "\n";
        print_certificate(out, r, l);
        out << bilingual(l, "实际支付", "Amount paid") << "  " << r.at("amount_paid").get<std::string>() << " "
            << bilingual(l, "元", "CNY") << "  " << bilingual(l, "支付日", "paid on") << " "
            << r.at("paid_on").get<std::string>() << "\n";
        if (r.at("eligible").get<bool>())
            out << bilingual(l, "奖励上限（不超过，由主管部门择优确定）", "Reward ceiling (at most; the authority chooses)")
                << "  " << r.at("max_reward").get<std::string>() << " " << bilingual(l, "元", "CNY") << "\n";
        else
            out << bilingual(l, "不予奖励", "No reward") << "  0.00 " << bilingual(l, "元", "CNY") << "\n";
        print_reasons(out, r.at("reasons"), l, "  ");
        return;
    }
    out << bilingual(l, "保费补贴", "Insurance premium subsidy") << "\n";
    print_certificate(out, r, l);
    std::vector<std::string> headers;
    auto row = [](const std::string& a, const std::string& b, const std::string& c, const std::string& d,
                  const std::string& e) {
        return pad_right(a, 6) + "  " + pad_left(b, 16) + "  " + pad_left(c, 18) + "  " + pad_left(d, 8) + "  " + pad_left(e, 16);
    };
    if (l != Language::en) headers.push_back(row("年度", "实际保费（元）", "保险金额（元）", "补贴比例", "补贴（元）"));
    if (l != Language::zh) headers.push_back(row("Year", "Premium (CNY)", "Insured (CNY)", "Ratio", "Subsidy (CNY)"));
    for (const auto& h : headers) out << h << "\n";
    for (const auto& y : r.at("years")) {
        out << row(std::to_string(y.at("year").get<int>()), y.at("premium").get<std::string>(),
                   y.at("insured_amount").get<std::string>(), y.at("rate_percent").get<std::string>() + "%",
                   y.at("subsidy").get<std::string>())
            << "\n";
        print_reasons(out, y.at("reasons"), l, "    ");
    }
    out << bilingual(l, "补贴合计（不超过）", "Total subsidy (at most)") << "  " << r.at("total").get<std::string>() << " "
        << bilingual(l, "元", "CNY") << "\n";
    print_reasons(out, r.at("reasons"), l, "  ");
}

}  // namespace host
